"""教师 (专任 / 产业) and their 企业实践 records; the “五年六个月” practice gaps (N四(五)1, app/domain/practice.py).

- 工号 (staff_no) is required for 专任教师 and unique among live teachers (compared after NFKC, trimmed and
  case-folded); an 产业教师 may have none.
- Industry-teacher fields (employer, courses, hours, appointment) belong to 产业教师 only: they are cleared
  when a teacher is saved as 专任.
- A practice record needs its teacher (live), a start and an end (end ≥ start, both inclusive) and either an
  enterprise of the archive or the unit's name (with an enterprise and no name, its name is stored). A period
  may end in the future (a practice in progress): the rule counts only the days up to the as-of date.
- practice_gaps(s, as_of) lists every live 专任教师 (产业教师 are exempt), with the days done in the 5-year
  window ending on `as_of`, the days missing (0 when met) and the months (days / 30).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import TEACHER_KINDS, Enterprise, EnterprisePractice, Major, Teacher
from app.domain.names import clean_text
from app.domain.practice import Period, PracticeStatus, practice_status
from app.errors import ValidationError, ValidationErrors
from app.services.common import Changes, get_or_raise, in_view, length_errors, restore, soft_delete

MIN_YEAR, MAX_YEAR = 1950, 2100
MAX_HOURS = 100_000


def staff_key(staff_no: str) -> str:
    return clean_text(staff_no).replace(" ", "").casefold()


def is_live(s: Session, model: type, record_id: str | None) -> bool:
    if not record_id:
        return False
    return s.scalar(select(model.id).where(model.id == record_id, model.deleted_at.is_(None))) is not None


def date_error(field: str, label: str, value: object, *, required: bool) -> list[ValidationError]:
    if value is None:
        return [ValidationError(field, f"请填写{label}")] if required else []
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        return [ValidationError(field, f"{label}应为日期")]
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return [ValidationError(field, f"{label}应在{MIN_YEAR}–{MAX_YEAR}年之间")]
    return []


def text_error(field: str, label: str, value: str, most: int, *, required: bool) -> list[ValidationError]:
    if required and not value:
        return [ValidationError(field, f"{label}不能为空")]
    if len(value) > most:
        return [ValidationError(field, f"{label}过长（最多{most}字）")]
    return []


# ---------------------------------------------------------------- teachers


@dataclass(frozen=True)
class TeacherData:
    name: str
    staff_no: str = ""
    kind: str = "专任"
    major_id: str | None = None
    is_dual: bool = False
    dual_certificate: str = ""  # 双师型 evidence: certificate name; the scan is an Attachment "teacher"
    dual_certified_on: dt.date | None = None
    employer_id: str | None = None  # 产业教师 only: 所在企业
    courses: str = ""
    hours_taught: int = 0
    appointed_from: dt.date | None = None
    appointed_to: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class TeacherRow(TeacherData):
    id: str = ""
    major_name: str = ""
    employer_name: str = ""


def normalized_teacher(d: TeacherData) -> TeacherData:
    d = replace(
        d,
        name=clean_text(d.name),
        staff_no=clean_text(d.staff_no),
        kind=clean_text(d.kind),
        major_id=d.major_id or None,
        dual_certificate=clean_text(d.dual_certificate),
        employer_id=d.employer_id or None,
        courses=clean_text(d.courses),
        note=(d.note or "").strip(),
    )
    if d.kind == "专任":
        d = replace(d, employer_id=None, courses="", hours_taught=0, appointed_from=None, appointed_to=None)
    return d


def find_teacher_by_staff_no(s: Session, staff_no: str, *, exclude_id: str | None = None) -> str | None:
    """The live teacher with this 工号 (same after normalising), or None."""
    key = staff_key(staff_no)
    if not key:
        return None
    for tid, no in s.execute(
        select(Teacher.id, Teacher.staff_no).where(Teacher.deleted_at.is_(None), Teacher.staff_no != "")
    ):
        if staff_key(no) == key and tid != exclude_id:
            return tid
    return None


def check_teacher(s: Session, data: TeacherData, *, exclude_id: str | None = None) -> list[ValidationError]:
    d = normalized_teacher(data)
    errors = text_error("name", "姓名", d.name, 50, required=True)
    errors += text_error("staff_no", "工号", d.staff_no, 30, required=False)
    if d.kind not in TEACHER_KINDS:
        errors.append(ValidationError("kind", f"教师类型应为“专任”或“产业”，而不是“{d.kind}”"))
    elif d.kind == "专任" and not d.staff_no:
        errors.append(ValidationError("staff_no", "专任教师须填写工号"))
    if d.staff_no and find_teacher_by_staff_no(s, d.staff_no, exclude_id=exclude_id):
        errors.append(ValidationError("staff_no", f"工号“{d.staff_no}”已被其他教师使用"))
    if d.major_id and not is_live(s, Major, d.major_id):
        errors.append(ValidationError("major_id", "所选专业不存在或已删除"))
    if d.employer_id and not is_live(s, Enterprise, d.employer_id):
        errors.append(ValidationError("employer_id", "所选企业不存在或已在回收站中"))
    errors += text_error("dual_certificate", "双师型证书名称", d.dual_certificate, 200, required=False)
    errors += date_error("dual_certified_on", "双师型认定日期", d.dual_certified_on, required=False)
    errors += date_error("appointed_from", "聘任开始日期", d.appointed_from, required=False)
    errors += date_error("appointed_to", "聘任结束日期", d.appointed_to, required=False)
    if d.appointed_from and d.appointed_to and d.appointed_to < d.appointed_from:
        errors.append(ValidationError("appointed_to", "聘任结束日期不能早于开始日期"))
    hours = d.hours_taught
    if not isinstance(hours, int) or isinstance(hours, bool) or not 0 <= hours <= MAX_HOURS:
        errors.append(ValidationError("hours_taught", f"授课学时应为0–{MAX_HOURS}之间的整数"))
    errors += length_errors(Teacher, d, {"courses": "任教课程", "note": "备注"})
    return errors


def _apply_teacher(t: Teacher, d: TeacherData) -> None:
    for key, value in vars(d).items():
        setattr(t, key, value)


def create_teacher(s: Session, data: TeacherData) -> Changes:
    if errors := check_teacher(s, data):
        raise ValidationErrors(errors)
    t = Teacher()
    _apply_teacher(t, normalized_teacher(data))
    s.add(t)
    s.flush()
    return Changes("teacher", (t.id,))


def update_teacher(s: Session, teacher_id: str, data: TeacherData) -> Changes:
    t = get_or_raise(s, Teacher, teacher_id, "教师")
    if errors := check_teacher(s, data, exclude_id=teacher_id):
        raise ValidationErrors(errors)
    _apply_teacher(t, normalized_teacher(data))
    s.flush()
    return Changes("teacher", (t.id,))


def delete_teachers(s: Session, ids: Sequence[str]) -> Changes:
    """To the 回收站; the practice records stay with the teacher (restored with it)."""
    return soft_delete(s, Teacher, ids)


def restore_teachers(s: Session, ids: Sequence[str]) -> Changes:
    """Back from the 回收站, unless another live teacher has taken the 工号 meanwhile."""
    for t in s.scalars(select(Teacher).where(Teacher.id.in_(ids), Teacher.deleted_at.is_not(None))):
        if t.staff_no and find_teacher_by_staff_no(s, t.staff_no, exclude_id=t.id):
            raise ValidationError("staff_no", f"工号“{t.staff_no}”已被其他教师使用，不能恢复“{t.name}”")
    return restore(s, Teacher, ids)


def _names(s: Session, model: type, ids: set[str | None]) -> dict[str, str]:
    wanted = [i for i in ids if i]
    return dict(s.execute(select(model.id, model.name).where(model.id.in_(wanted))).all()) if wanted else {}


def teacher_rows(s: Session, *, kind: str = "", deleted: bool = False) -> list[TeacherRow]:
    """Teachers (live, or those in the 回收站), by kind then 工号 then name."""
    stmt = (
        select(Teacher)
        .where(in_view(Teacher, deleted))
        .order_by(Teacher.kind, Teacher.staff_no, Teacher.name)
    )
    if kind:
        stmt = stmt.where(Teacher.kind == kind)
    teachers = s.scalars(stmt).all()
    majors = _names(s, Major, {t.major_id for t in teachers})
    employers = _names(s, Enterprise, {t.employer_id for t in teachers})
    fields = tuple(TeacherData.__dataclass_fields__)
    return [
        TeacherRow(
            **{f: getattr(t, f) for f in fields},
            id=t.id,
            major_name=majors.get(t.major_id or "", ""),
            employer_name=employers.get(t.employer_id or "", ""),
        )
        for t in teachers
    ]


def get_teacher(s: Session, teacher_id: str) -> TeacherRow:
    t = get_or_raise(s, Teacher, teacher_id, "教师")
    rows = [r for r in teacher_rows(s, deleted=t.deleted_at is not None) if r.id == teacher_id]
    return rows[0]


# ---------------------------------------------------------------- enterprise practice


@dataclass(frozen=True)
class PracticeData:
    teacher_id: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    enterprise_id: str | None = None
    unit_name: str = ""
    content: str = ""
    note: str = ""


@dataclass(frozen=True)
class PracticeRow(PracticeData):
    id: str = ""
    teacher_name: str = ""
    days: int = 0  # the record's own length, both ends inclusive


def normalized_practice(s: Session, d: PracticeData) -> PracticeData:
    d = replace(
        d,
        enterprise_id=d.enterprise_id or None,
        unit_name=clean_text(d.unit_name),
        content=(d.content or "").strip(),
        note=(d.note or "").strip(),
    )
    if d.enterprise_id and not d.unit_name:
        d = replace(d, unit_name=_names(s, Enterprise, {d.enterprise_id}).get(d.enterprise_id, ""))
    return d


def check_practice(s: Session, data: PracticeData) -> list[ValidationError]:
    d = normalized_practice(s, data)
    errors: list[ValidationError] = []
    if not d.teacher_id:
        errors.append(ValidationError("teacher_id", "请选择教师"))
    elif not is_live(s, Teacher, d.teacher_id):
        errors.append(ValidationError("teacher_id", "所选教师不存在或已在回收站中"))
    errors += date_error("starts_on", "实践开始日期", d.starts_on, required=True)
    errors += date_error("ends_on", "实践结束日期", d.ends_on, required=True)
    if not errors and d.starts_on and d.ends_on and d.ends_on < d.starts_on:
        errors.append(ValidationError("ends_on", "实践结束日期不能早于开始日期"))
    if d.enterprise_id and not is_live(s, Enterprise, d.enterprise_id):
        errors.append(ValidationError("enterprise_id", "所选企业不存在或已在回收站中"))
    if not d.enterprise_id and not d.unit_name:
        errors.append(ValidationError("unit_name", "请填写实践单位"))
    errors += text_error("unit_name", "实践单位", d.unit_name, 200, required=False)
    errors += length_errors(EnterprisePractice, d, {"content": "实践内容", "note": "备注"})
    return errors


def add_practice(s: Session, data: PracticeData) -> Changes:
    if errors := check_practice(s, data):
        raise ValidationErrors(errors)
    p = EnterprisePractice(**vars(normalized_practice(s, data)))
    s.add(p)
    s.flush()
    return Changes("enterprise_practice", (p.id,))


def update_practice(s: Session, practice_id: str, data: PracticeData) -> Changes:
    p = get_or_raise(s, EnterprisePractice, practice_id, "企业实践记录")
    if errors := check_practice(s, data):
        raise ValidationErrors(errors)
    for key, value in vars(normalized_practice(s, data)).items():
        setattr(p, key, value)
    s.flush()
    return Changes("enterprise_practice", (p.id,))


def delete_practices(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, EnterprisePractice, ids)


def restore_practices(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, EnterprisePractice, ids)


def practice_rows(s: Session, teacher_id: str = "") -> list[PracticeRow]:
    """Live practice records (of one teacher, or all), latest first."""
    stmt = (
        select(EnterprisePractice, Teacher.name)
        .join(Teacher, Teacher.id == EnterprisePractice.teacher_id)
        .where(EnterprisePractice.deleted_at.is_(None))
        .order_by(EnterprisePractice.starts_on.desc(), EnterprisePractice.id)
    )
    if teacher_id:
        stmt = stmt.where(EnterprisePractice.teacher_id == teacher_id)
    return [_practice_row(p, name) for p, name in s.execute(stmt)]


def _practice_row(p: EnterprisePractice, teacher_name: str) -> PracticeRow:
    return PracticeRow(
        **{f: getattr(p, f) for f in PracticeData.__dataclass_fields__},
        id=p.id,
        teacher_name=teacher_name,
        days=(p.ends_on - p.starts_on).days + 1,
    )


def get_practice(s: Session, practice_id: str) -> PracticeRow:
    """One 企业实践 record as the teacher's list shows it; NotFound when deleted for good."""
    p = get_or_raise(s, EnterprisePractice, practice_id, "企业实践记录")
    return _practice_row(p, s.get(Teacher, p.teacher_id).name)


def _periods(s: Session, teacher_ids: Sequence[str] | None = None) -> dict[str, list[Period]]:
    stmt = select(
        EnterprisePractice.teacher_id, EnterprisePractice.starts_on, EnterprisePractice.ends_on
    ).where(EnterprisePractice.deleted_at.is_(None))
    if teacher_ids is not None:
        stmt = stmt.where(EnterprisePractice.teacher_id.in_(list(teacher_ids)))
    out: dict[str, list[Period]] = defaultdict(list)
    for tid, start, end in s.execute(stmt):
        out[tid].append((start, end))
    return out


def teacher_practice(s: Session, teacher_id: str, as_of: dt.date | None = None) -> PracticeStatus:
    """The rule's figures for one teacher (whatever the kind) as of a day (today by default)."""
    as_of = as_of or dt.date.today()
    return practice_status(_periods(s, [teacher_id]).get(teacher_id, []), as_of)


# ---------------------------------------------------------------- the “五年六个月” gaps


@dataclass(frozen=True)
class PracticeGap:
    teacher_id: str
    name: str
    staff_no: str
    major_name: str
    window_start: dt.date
    window_end: dt.date
    days_done: int
    days_missing: int  # 0 when met

    @property
    def months_done(self) -> float:
        return self.days_done / 30

    @property
    def months_missing(self) -> float:
        return self.days_missing / 30


def practice_gaps(s: Session, as_of: dt.date | None = None, *, short_only: bool = False) -> list[PracticeGap]:
    """Every live 专任教师 with the days of enterprise practice in the 5 years ending on `as_of` (today by
    default): most days missing first, then 工号. `short_only`: only those who have not met the rule."""
    as_of = as_of or dt.date.today()
    teachers = s.execute(
        select(Teacher.id, Teacher.name, Teacher.staff_no, Major.name)
        .outerjoin(Major, Major.id == Teacher.major_id)
        .where(Teacher.deleted_at.is_(None), Teacher.kind == "专任")
    ).all()
    periods = _periods(s)
    out = []
    for tid, name, staff_no, major in teachers:
        st = practice_status(periods.get(tid, []), as_of)
        if short_only and st.met:
            continue
        out.append(
            PracticeGap(
                tid,
                name,
                staff_no,
                major or "",
                st.window_start,
                st.window_end,
                st.days_done,
                st.days_missing,
            )
        )
    out.sort(key=lambda g: (-g.days_missing, g.staff_no, g.name))
    return out


def teacher_counts(s: Session) -> dict[str, int]:
    """Live teachers per kind, and 双师型 among the 专任 (for the 师资建设 indicators)."""
    rows = s.execute(
        select(Teacher.kind, Teacher.is_dual, func.count())
        .where(Teacher.deleted_at.is_(None))
        .group_by(Teacher.kind, Teacher.is_dual)
    )
    out = {"专任": 0, "产业": 0, "双师型": 0}
    for kind, dual, n in rows:
        out[kind] = out.get(kind, 0) + n
        if dual and kind == "专任":
            out["双师型"] += n
    return out
