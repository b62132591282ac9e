"""The 学生实习 list: the ids to show for a search, filters (状态, 班级, only those with problems) and a sort, the
rows of a page of them (internship_rows, with their problems), and the practice bases to choose from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from app.db.models import INTERNSHIP_STATUSES, Enterprise, Internship, PracticeBase, Student
from app.domain.internship_rules import ERROR, HINT, WARNING, Problem
from app.services.choices import Choice
from app.services.common import like_pattern
from app.services.internship_checks import internship_problems_by_id
from app.services.internships import InternshipRow, internship_rows

SEVERITY_RANK = {ERROR: 3, WARNING: 2, HINT: 1}


@dataclass(frozen=True)
class InternshipQuery:
    text: str = ""
    status: str = ""
    class_name: str = ""
    problems_only: bool = False  # only internships with an error or a warning
    sort: str = "class_name"
    descending: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip() or self.status or self.class_name or self.problems_only)


def worst_severity(problems: Sequence[Problem]) -> str:
    """错误, 警告, 提示 or "" (none)."""
    return max((p.severity for p in problems), key=SEVERITY_RANK.__getitem__, default="")


def _sort_columns() -> dict[str, tuple]:
    unit = func.coalesce(Enterprise.name, PracticeBase.name, "")
    status = case({s: i for i, s in enumerate(INTERNSHIP_STATUSES)}, value=Internship.status, else_=9)
    return {
        "class_name": (Student.class_name, Student.student_no, Internship.starts_on),
        "student_no": (Student.student_no,),
        "student_name": (Student.name,),
        "kind": (Internship.kind,),
        "unit": (unit,),
        "position": (Internship.position,),
        "starts_on": (Internship.starts_on, Internship.ends_on),
        "status": (status,),
    }


def _matching(q: InternshipQuery) -> Select:
    """The live internships matching the search (as internship_rows searches) and the filters, with their
    student, enterprise and base joined for sorting."""
    stmt = (
        select(Internship.id)
        .join(Student, Student.id == Internship.student_id)
        .outerjoin(Enterprise, Enterprise.id == Internship.enterprise_id)
        .outerjoin(PracticeBase, PracticeBase.id == Internship.base_id)
        .where(Internship.deleted_at.is_(None))
    )
    if q.text.strip():
        pattern = like_pattern(q.text.strip())
        stmt = stmt.where(
            or_(
                Student.student_no.like(pattern, escape="\\"),
                Student.name.like(pattern, escape="\\"),
                Student.class_name.like(pattern, escape="\\"),
                Internship.position.like(pattern, escape="\\"),
                Enterprise.name.like(pattern, escape="\\"),
            )
        )
    if q.status:
        stmt = stmt.where(Internship.status == q.status)
    if q.class_name:
        stmt = stmt.where(Student.class_name == q.class_name)
    return stmt


def internship_ids(s: Session, q: InternshipQuery, today: dt.date | None = None) -> list[str]:
    """The ids in display order. The rules are checked only when the query needs them (只看有问题的, or the
    问题 column sorted): 20,000 internships take seconds to check, the rows of a page a few milliseconds."""
    columns = _sort_columns()
    keys = columns.get(q.sort, columns["class_name"]) if q.sort != "problems" else ()
    first = [k.desc() for k in keys[:1]] if q.descending else list(keys[:1])
    default = [*columns["class_name"], Internship.id]
    ids = list(s.scalars(_matching(q).order_by(*first, *keys[1:], *default)))
    if not (q.problems_only or q.sort == "problems"):
        return ids
    found = internship_problems_by_id(s, ids if len(ids) <= 900 else None, today)
    if q.problems_only:
        ids = [i for i in ids if any(p.severity in (ERROR, WARNING) for p in found.get(i, ()))]
    if q.sort == "problems":
        ids.sort(key=lambda i: _problem_rank(found.get(i, [])), reverse=q.descending)
    return ids


def _problem_rank(problems: Sequence[Problem]) -> tuple[int, int, int]:
    errors = sum(p.severity == ERROR for p in problems)
    warnings = sum(p.severity == WARNING for p in problems)
    return SEVERITY_RANK.get(worst_severity(problems), 0), errors, warnings


def internship_total(s: Session) -> int:
    return s.scalar(select(func.count(Internship.id)).where(Internship.deleted_at.is_(None))) or 0


def rows_by_id(s: Session, ids: Sequence[str], today: dt.date | None = None) -> dict[str, InternshipRow]:
    if not ids:
        return {}
    return {r.id: r for r in internship_rows(s, ids=list(ids), today=today)}


def base_choices(s: Session) -> list[Choice]:
    """The live practice bases by name, for the internship forms."""
    stmt = select(PracticeBase.id, PracticeBase.name).where(PracticeBase.deleted_at.is_(None))
    return [Choice(i, name) for i, name in s.execute(stmt.order_by(PracticeBase.name))]
