"""The 学生 list of the 学生与就业 page: the ids of the students a search, a 专业 and a 班级 keep, in the order of
a column (STYLE §5: ids up front, rows on demand), and the rows of one page of them — with 身份证号 and phones
masked (DOMAIN.md → Privacy; the full values only in the student's own form, app/services/students.py).

A college has a few thousand students, a large archive 20,000: the id query is one indexed SELECT; sorting by
姓名 follows pinyin (in Python, over the names only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Employment, Major, Student
from app.domain.names import pinyin_keys
from app.services.choices import Choice
from app.services.common import like_pattern
from app.services.employment import EmploymentData, EmploymentRow
from app.services.students import StudentRow, student_rows

SORTS = {
    "student_no": Student.student_no,
    "gender": Student.gender,
    "major_name": Major.name,
    "class_name": Student.class_name,
    "entry_year": Student.entry_year,
    "guardian_name": Student.guardian_name,
}


@dataclass(frozen=True)
class StudentQuery:
    text: str = ""  # in 学号, 姓名, 班级
    major_id: str = ""
    class_name: str = ""
    sort: str = "class_name"  # a key of SORTS or "name"
    descending: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip() or self.major_id or self.class_name)


def student_ids(s: Session, q: StudentQuery) -> list[str]:
    """Ids of the live students the query keeps, in its order (ties by 班级 then 学号)."""
    stmt = select(Student.id, Student.name).outerjoin(Major, Major.id == Student.major_id)
    stmt = stmt.where(Student.deleted_at.is_(None))
    if q.text.strip():
        pattern = like_pattern(q.text.strip())
        stmt = stmt.where(
            or_(
                Student.student_no.like(pattern, escape="\\"),
                Student.name.like(pattern, escape="\\"),
                Student.class_name.like(pattern, escape="\\"),
            )
        )
    if q.major_id:
        stmt = stmt.where(Student.major_id == q.major_id)
    if q.class_name:
        stmt = stmt.where(Student.class_name == q.class_name)
    column = SORTS.get(q.sort)
    if column is not None:
        stmt = stmt.order_by(column.desc() if q.descending else column.asc())
    stmt = stmt.order_by(Student.class_name, Student.student_no)
    rows = s.execute(stmt).all()
    if q.sort == "name":
        rows.sort(key=lambda r: pinyin_keys(r.name or "")[1], reverse=q.descending)
    return [r.id for r in rows]


def student_total(s: Session) -> int:
    return s.scalar(select(func.count(Student.id)).where(Student.deleted_at.is_(None))) or 0


def student_rows_by_id(s: Session, ids: Sequence[str]) -> dict[str, StudentRow]:
    """One page of the list: masked rows by id."""
    return {r.id: r for r in student_rows(s, ids=ids)} if ids else {}


def class_names(s: Session, major_id: str = "") -> list[str]:
    """The classes of live students (of one major, if given), for the 班级 filter."""
    stmt = select(Student.class_name).where(Student.deleted_at.is_(None), Student.class_name != "")
    if major_id:
        stmt = stmt.where(Student.major_id == major_id)
    return list(s.scalars(stmt.distinct().order_by(Student.class_name)))


def student_employment(s: Session, student_id: str) -> list[EmploymentRow]:
    """One student's live employment records, the latest graduation year first (the student's form)."""
    st = s.get(Student, student_id)
    if st is None:
        return []
    major = s.get(Major, st.major_id).name if st.major_id and s.get(Major, st.major_id) else ""
    keys = [f.name for f in fields(EmploymentData)]
    records = s.scalars(
        select(Employment)
        .where(Employment.student_id == student_id, Employment.deleted_at.is_(None))
        .order_by(Employment.graduate_year.desc())
    )
    return [
        EmploymentRow(
            **{k: getattr(e, k) for k in keys},
            id=e.id,
            student_no=st.student_no,
            student_name=st.name,
            class_name=st.class_name or "",
            major_name=major,
        )
        for e in records
    ]


def student_label(student_no: str, name: str, class_name: str) -> str:
    return f"{student_no} {name}" + (f"（{class_name}）" if class_name else "")


def student_choices(s: Session, text: str = "", limit: int = 31) -> list[Choice]:
    """Live students whose 学号, 姓名 or 班级 contains `text`, at most `limit`, by class and 学号 (a picker)."""
    stmt = select(Student.id, Student.student_no, Student.name, Student.class_name).where(
        Student.deleted_at.is_(None)
    )
    if text.strip():
        pattern = like_pattern(text.strip())
        stmt = stmt.where(
            or_(
                Student.student_no.like(pattern, escape="\\"),
                Student.name.like(pattern, escape="\\"),
                Student.class_name.like(pattern, escape="\\"),
            )
        )
    stmt = stmt.order_by(Student.class_name, Student.student_no).limit(limit)
    return [Choice(i, student_label(no, name, cls or "")) for i, no, name, cls in s.execute(stmt)]


def employment_years(s: Session) -> list[int]:
    """The graduation years that have live employment records, latest first (the 就业 tab's chooser)."""
    stmt = select(Employment.graduate_year).where(Employment.deleted_at.is_(None)).distinct()
    return sorted(s.scalars(stmt), reverse=True)
