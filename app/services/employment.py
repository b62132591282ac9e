"""毕业生就业 (H第十三条): one record per graduate and graduation year, and the figures of the annual
就业质量报告 per major.

- 就业率 = graduates whose status is not 待就业 / all graduates with a record that year.
- 专业对口率 = those marked 对口 / those employed (协议就业, 灵活就业, 自主创业: the ones with an employer).
- 平均月薪 = the mean of the employed graduates' monthly salaries that were given (0 = not given), in fen.
Percentages are None when their denominator is 0 (shown as “—”, never as 0%).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import EMPLOYED_STATUSES, EMPLOYMENT_STATUSES, Employment, Enterprise, Major, Student
from app.domain.names import clean_text
from app.errors import ValidationError, ValidationErrors
from app.services.common import Changes, get_or_raise, length_errors, soft_delete
from app.services.teachers import is_live, text_error

MAX_SALARY_FEN = 100_000_000  # 100万元 a month


@dataclass(frozen=True)
class EmploymentData:
    student_id: str
    graduate_year: int
    status: str = "协议就业"
    enterprise_id: str | None = None
    employer_name: str = ""
    related: bool = False
    monthly_salary_fen: int = 0
    position: str = ""
    note: str = ""


@dataclass(frozen=True)
class EmploymentRow(EmploymentData):
    id: str = ""
    student_no: str = ""
    student_name: str = ""
    class_name: str = ""
    major_name: str = ""


def normalized_employment(s: Session, d: EmploymentData) -> EmploymentData:
    d = replace(
        d,
        status=clean_text(d.status),
        enterprise_id=d.enterprise_id or None,
        employer_name=clean_text(d.employer_name),
        position=clean_text(d.position),
        note=(d.note or "").strip(),
    )
    if d.enterprise_id and not d.employer_name and (e := s.get(Enterprise, d.enterprise_id)):
        d = replace(d, employer_name=e.name)
    if d.status not in EMPLOYED_STATUSES:
        d = replace(d, enterprise_id=None, employer_name="" if d.status == "待就业" else d.employer_name)
    return d


def find_employment(s: Session, student_id: str, year: int, *, exclude_id: str | None = None) -> str | None:
    found = s.scalars(
        select(Employment.id).where(
            Employment.student_id == student_id,
            Employment.graduate_year == year,
            Employment.deleted_at.is_(None),
        )
    ).all()
    return next((i for i in found if i != exclude_id), None)


def check_employment_fields(d: EmploymentData) -> list[ValidationError]:
    errors = []
    year = d.graduate_year
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100:
        errors.append(ValidationError("graduate_year", "毕业年份应为四位年份，如 2026"))
    if d.status not in EMPLOYMENT_STATUSES:
        errors.append(ValidationError("status", f"就业状态应为：{'、'.join(EMPLOYMENT_STATUSES)}"))
    elif d.status in EMPLOYED_STATUSES and not (d.enterprise_id or d.employer_name):
        errors.append(ValidationError("employer_name", f"“{d.status}”须填写就业单位"))
    errors += text_error("employer_name", "就业单位", d.employer_name, 200, required=False)
    errors += text_error("position", "岗位", d.position, 100, required=False)
    pay = d.monthly_salary_fen
    if not isinstance(pay, int) or isinstance(pay, bool) or not 0 <= pay <= MAX_SALARY_FEN:
        errors.append(ValidationError("monthly_salary_fen", "月薪应为0–100万元之间的金额"))
    errors += length_errors(Employment, d, {"note": "备注"})
    return errors


def check_employment(
    s: Session, d: EmploymentData, *, exclude_id: str | None = None
) -> list[ValidationError]:
    errors = check_employment_fields(d)
    if not is_live(s, Student, d.student_id):
        errors.append(ValidationError("student_id", "请选择学生（所选学生不存在或已删除）"))
    elif not errors and find_employment(s, d.student_id, d.graduate_year, exclude_id=exclude_id):
        errors.append(ValidationError("graduate_year", f"该生已有{d.graduate_year}届就业记录，请修改原记录"))
    if d.enterprise_id and not is_live(s, Enterprise, d.enterprise_id):
        errors.append(ValidationError("enterprise_id", "所选企业不存在或已在回收站中"))
    return errors


def save_employment(s: Session, data: EmploymentData, employment_id: str | None = None) -> Changes:
    d = normalized_employment(s, data)
    if errors := check_employment(s, d, exclude_id=employment_id):
        raise ValidationErrors(errors)
    e = get_or_raise(s, Employment, employment_id, "就业记录") if employment_id else Employment()
    for f in fields(EmploymentData):
        setattr(e, f.name, getattr(d, f.name))
    if not employment_id:
        s.add(e)
    s.flush()
    return Changes("employment", (e.id,))


def delete_employment(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, Employment, ids)


def _employment_select():
    return (
        select(Employment, Student.student_no, Student.name, Student.class_name, Major.name)
        .join(Student, Student.id == Employment.student_id)
        .outerjoin(Major, Major.id == Student.major_id)
    )


def _employment_rows(s: Session, stmt) -> list[EmploymentRow]:
    keys = [f.name for f in fields(EmploymentData)]
    return [
        EmploymentRow(
            **{k: getattr(e, k) for k in keys},
            id=e.id,
            student_no=no,
            student_name=name,
            class_name=cls or "",
            major_name=major or "",
        )
        for e, no, name, cls, major in s.execute(stmt)
    ]


def employment_rows(s: Session, *, year: int | None = None, major_id: str = "") -> list[EmploymentRow]:
    stmt = (
        _employment_select()
        .where(Employment.deleted_at.is_(None), Student.deleted_at.is_(None))
        .order_by(Employment.graduate_year.desc(), Student.class_name, Student.student_no)
    )
    if year:
        stmt = stmt.where(Employment.graduate_year == year)
    if major_id:
        stmt = stmt.where(Student.major_id == major_id)
    return _employment_rows(s, stmt)


def get_employment(s: Session, employment_id: str) -> EmploymentRow:
    """One employment record as the list shows it (also when in the 回收站: a form open on it is told so on
    save); NotFound when deleted for good."""
    get_or_raise(s, Employment, employment_id, "就业记录")
    return _employment_rows(s, _employment_select().where(Employment.id == employment_id))[0]


@dataclass(frozen=True)
class EmploymentFigures:
    major_name: str  # "" = the college total
    graduates: int
    employed: int  # status not 待就业
    with_employer: int  # 协议就业, 灵活就业, 自主创业
    related: int
    salary_count: int
    salary_total_fen: int

    @property
    def employment_rate(self) -> float | None:
        return self.employed / self.graduates if self.graduates else None

    @property
    def related_rate(self) -> float | None:
        return self.related / self.with_employer if self.with_employer else None

    @property
    def average_salary_fen(self) -> int | None:
        return round(self.salary_total_fen / self.salary_count) if self.salary_count else None


def employment_figures(s: Session, year: int) -> list[EmploymentFigures]:
    """Per major (by name), then the college total (major_name "") for graduates of `year`."""
    tallies: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    for e, major in s.execute(
        select(Employment, Major.name)
        .join(Student, Student.id == Employment.student_id)
        .outerjoin(Major, Major.id == Student.major_id)
        .where(
            Employment.graduate_year == year, Employment.deleted_at.is_(None), Student.deleted_at.is_(None)
        )
    ):
        for key in (major or "未填专业", ""):
            t = tallies[key]
            t[0] += 1
            t[1] += e.status != "待就业"
            if e.status in EMPLOYED_STATUSES:
                t[2] += 1
                t[3] += bool(e.related)
                if e.monthly_salary_fen > 0:
                    t[4] += 1
                    t[5] += e.monthly_salary_fen
    ordered = sorted(k for k in tallies if k) + ([""] if "" in tallies else [])
    return [EmploymentFigures(k, *tallies[k]) for k in ordered]
