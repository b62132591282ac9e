"""回收站 kinds of students, internships, enterprise monthly evaluations and employment records. A student's
internships (with their evaluations) and employment records go with the student when it is purged; an
internship's evaluations go with the internship. Internships and employment keep their enterprise."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Employment, Internship, MonthlyEvaluation, Student
from app.services.attachments import purge_owner_attachments
from app.trash.core import TrashKind, TrashRow, delete_row, deleted, referenced_by, register


def _student_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(Student, Student.name, Student.student_no, Student.class_name)
    return [
        TrashRow(r.id, f"{r.name}（{r.student_no}）", r.class_name, r.deleted_at) for r in s.execute(stmt)
    ]


def _purge_internship(s: Session, i: Internship) -> None:
    for e in s.scalars(select(MonthlyEvaluation).where(MonthlyEvaluation.internship_id == i.id)):
        s.delete(e)
    purge_owner_attachments(s, "internship", i.id)
    s.flush()
    s.delete(i)


def _purge_student(s: Session, st: Student) -> None:
    for i in s.scalars(select(Internship).where(Internship.student_id == st.id)):
        _purge_internship(s, i)
    for e in s.scalars(select(Employment).where(Employment.student_id == st.id)):
        s.delete(e)
    s.flush()
    s.delete(st)


register(TrashKind("student", "学生", "名", Student, _student_rows, _purge_student))


def _internship_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(Internship, Internship.kind, Internship.starts_on, Internship.ends_on, Student.name).join(
        Student, Student.id == Internship.student_id
    )
    return [
        TrashRow(r.id, f"{r.name} {r.kind}", f"{r.starts_on}至{r.ends_on}", r.deleted_at)
        for r in s.execute(stmt)
    ]


register(TrashKind("internship", "实习记录", "条", Internship, _internship_rows, _purge_internship))


def _evaluation_rows(s: Session) -> list[TrashRow]:
    stmt = (
        deleted(MonthlyEvaluation, MonthlyEvaluation.month, MonthlyEvaluation.score, Student.name)
        .join(Internship, Internship.id == MonthlyEvaluation.internship_id)
        .join(Student, Student.id == Internship.student_id)
    )
    return [
        TrashRow(r.id, f"{r.name} {r.month.year}年{r.month.month}月企业评价", f"{r.score}分", r.deleted_at)
        for r in s.execute(stmt)
    ]


register(
    TrashKind("monthly_evaluation", "企业月度评价", "条", MonthlyEvaluation, _evaluation_rows, delete_row)
)


def _employment_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(
        Employment, Employment.graduate_year, Employment.status, Employment.employer_name, Student.name
    )
    stmt = stmt.join(Student, Student.id == Employment.student_id)
    return [
        TrashRow(
            r.id, f"{r.name} {r.graduate_year}届就业", f"{r.status} {r.employer_name}".strip(), r.deleted_at
        )
        for r in s.execute(stmt)
    ]


register(TrashKind("employment", "就业记录", "条", Employment, _employment_rows, delete_row))

referenced_by("enterprise", Internship.enterprise_id, "条实习记录")
referenced_by("enterprise", Employment.enterprise_id, "条就业记录")
