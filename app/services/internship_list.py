"""The 学生实习 list: the ids to show for a search, filters (状态, 班级, only those with problems) and a sort, the
rows of a page of them, and the practice bases to choose from. Built on internship_rows (the problems come
from app/domain/internship_rules.py through it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import INTERNSHIP_STATUSES, Internship, PracticeBase
from app.domain.internship_rules import ERROR, HINT, WARNING, Problem
from app.services.choices import Choice
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


def has_problem(row: InternshipRow) -> bool:
    return any(p.severity in (ERROR, WARNING) for p in row.problems)


def _unit(r: InternshipRow) -> str:
    return r.enterprise_name or r.base_name


SORT_KEYS = {
    "class_name": lambda r: (r.class_name, r.student_no, r.starts_on),
    "student_no": lambda r: r.student_no,
    "student_name": lambda r: r.student_name,
    "kind": lambda r: r.kind,
    "unit": _unit,
    "position": lambda r: r.position,
    "starts_on": lambda r: (r.starts_on, r.ends_on),
    "status": lambda r: INTERNSHIP_STATUSES.index(r.status) if r.status in INTERNSHIP_STATUSES else 9,
    "problems": lambda r: (SEVERITY_RANK.get(worst_severity(r.problems), 0), r.errors, r.warnings),
}


def internship_ids(s: Session, q: InternshipQuery, today: dt.date | None = None) -> list[str]:
    rows = internship_rows(s, search=q.text, status=q.status, class_name=q.class_name, today=today)
    if q.problems_only:
        rows = [r for r in rows if has_problem(r)]
    rows.sort(key=SORT_KEYS.get(q.sort, SORT_KEYS["class_name"]), reverse=q.descending)
    return [r.id for r in rows]


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
