"""Usage records of the 实践教学基地 (BaseUsage, N四(四)2): one activity of a semester at a base — its major, dates,
students (人次), days, person-days and supervising teachers — checked, saved and listed. Re-exported by
app/services/bases.py (the area's one import for the UI and the CLI).

- A row belongs to a live base and a semester (2025-2026-1); its dates, when given, lie inside that semester
  by the college's calendar.
- Left at 0: days are the span of the dates, person-days 人次 × 天数, 指导教师人次 the names listed (completed()).
- Person-days never exceed 人次 × 天数; 人次 is required.
- 学时 (hours) is per student: 人时 = 人次 × 学时 (the 校内实践基地 table's 学年使用频率). 0 = not recorded. A
  student cannot spend more than 24 学时 a day of the use. 对象 (audience): 校内 (the school's students) or 社会
  (outside trainees: 社会培训, 技能鉴定 …), the table's two 人时 columns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import USAGE_ACTIVITIES, BaseUsage, Major, PracticeBase
from app.domain.names import clean_text
from app.errors import NotFound, ValidationError, ValidationErrors
from app.services.base_usage import bounds
from app.services.common import Changes, get_or_raise, in_view, length_errors, restore, soft_delete

MAX_COUNT = 1_000_000
MAX_HOURS = 5_000  # 学时 per student in one use: a whole semester of full days is far less
AUDIENCES = ("校内", "社会")


def int_error(field: str, label: str, value: object, most: int) -> list[ValidationError]:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
        return [ValidationError(field, f"{label}应为0到{most}之间的整数")]
    return []


def is_live(s: Session, model: type, record_id: str) -> bool:
    return s.scalar(select(model.id).where(model.id == record_id, model.deleted_at.is_(None))) is not None


@dataclass(frozen=True)
class UsageData:
    base_id: str
    semester: str
    activity: str
    major_id: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    students: int = 0  # 人次
    days: int = 0  # 0: the span of the dates
    person_days: int = 0  # 0: students × days
    teachers: str = ""  # names separated by 、
    teacher_count: int = 0  # 0: the names listed
    note: str = ""
    hours: int = 0  # 学时 per student; 0 = not recorded
    audience: str = "校内"  # 校内 (students) / 社会 (outside trainees)

    @property
    def person_hours(self) -> int:
        """人时 = 人次 × 学时."""
        return self.students * self.hours if isinstance(self.hours, int) else 0


_NAME_SPLIT = re.compile(r"[、，,；;\s]+")


def teacher_names(text: str) -> list[str]:
    return [n for n in _NAME_SPLIT.split(text or "") if n]


def completed(d: UsageData) -> UsageData:
    """Cleaned, with the defaults filled: days from the dates, person-days, teachers counted."""
    d = replace(
        d,
        semester=(d.semester or "").strip(),
        activity=clean_text(d.activity),
        major_id=d.major_id or None,
        teachers="、".join(teacher_names(d.teachers)),
        note=(d.note or "").strip(),
        audience=clean_text(d.audience) or "校内",
    )
    if not d.days and d.starts_on and d.ends_on and d.ends_on >= d.starts_on:
        d = replace(d, days=(d.ends_on - d.starts_on).days + 1)
    if not d.person_days and isinstance(d.students, int) and isinstance(d.days, int):
        d = replace(d, person_days=d.students * d.days)
    if not d.teacher_count:
        d = replace(d, teacher_count=len(teacher_names(d.teachers)))
    return d


def check_usage(s: Session, data: UsageData) -> list[ValidationError]:
    d = completed(data)
    errors: list[ValidationError] = []
    if not d.base_id or not is_live(s, PracticeBase, d.base_id):
        errors.append(ValidationError("base_id", "所选实践基地不存在或已在回收站中"))
    first = last = None
    try:
        first, last = bounds(s, d.semester)
    except ValidationError as e:
        errors.append(e)
    if d.activity not in USAGE_ACTIVITIES:
        errors.append(ValidationError("activity", f"活动类型应为：{'、'.join(USAGE_ACTIVITIES)}"))
    if d.major_id and not is_live(s, Major, d.major_id):
        errors.append(ValidationError("major_id", "所选专业不存在或已删除"))
    for field, label in (("starts_on", "开始日期"), ("ends_on", "结束日期")):
        day = getattr(d, field)
        if day is not None and first and last and not first <= day <= last:
            errors.append(ValidationError(field, f"{label}不在{d.semester}学期内（{first}至{last}）"))
    if d.starts_on and d.ends_on and d.ends_on < d.starts_on:
        errors.append(ValidationError("ends_on", "结束日期不能早于开始日期"))
    errors += int_error("students", "学生人次", d.students, MAX_COUNT)
    span = (last - first).days + 1 if first and last else 366
    errors += int_error("days", "使用天数", d.days, span)
    errors += int_error("person_days", "人天数", d.person_days, MAX_COUNT * 10)
    errors += int_error("teacher_count", "指导教师人次", d.teacher_count, MAX_COUNT)
    if not errors and d.person_days > d.students * d.days:
        errors.append(ValidationError("person_days", "人天数不能超过 学生人次 × 使用天数"))
    if not errors and d.students == 0:
        errors.append(ValidationError("students", "请填写学生人次"))
    errors += _hours_errors(d)
    errors += length_errors(BaseUsage, d, {"teachers": "指导教师", "note": "备注"})
    return errors


def _hours_errors(d: UsageData) -> list[ValidationError]:
    errors = int_error("hours", "每人学时", d.hours, MAX_HOURS)
    if not errors and isinstance(d.days, int) and d.days > 0 and d.hours > d.days * 24:
        errors.append(ValidationError("hours", f"每人学时不能超过 使用天数 × 24（{d.days * 24}学时）"))
    if d.audience not in AUDIENCES:
        errors.append(ValidationError("audience", "使用对象应为：校内（本校学生）或 社会（社会培训等）"))
    return errors


def save_usage(s: Session, data: UsageData, usage_id: str | None = None) -> Changes:
    d = completed(data)
    if errors := check_usage(s, d):
        raise ValidationErrors(errors)
    u = get_or_raise(s, BaseUsage, usage_id, "基地使用记录") if usage_id else BaseUsage()
    for key, value in vars(d).items():
        setattr(u, key, value)
    if not usage_id:
        s.add(u)
    s.flush()
    return Changes("base_usage", (u.id,))


def delete_usages(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, BaseUsage, ids)


def restore_usages(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, BaseUsage, ids)


@dataclass(frozen=True)
class UsageRow(UsageData):
    id: str = ""
    base_name: str = ""
    major_name: str = ""


def get_usage(s: Session, usage_id: str) -> UsageRow:
    return usage_rows(s, usage_ids=[usage_id], deleted=None)[0]


def usage_rows(
    s: Session,
    base_id: str | None = None,
    semester: str | None = None,
    *,
    usage_ids: Sequence[str] | None = None,
    deleted: bool | None = False,
) -> list[UsageRow]:
    """Manual usage rows of a base and/or a semester, latest semester first, then by start date."""
    stmt = (
        select(BaseUsage, PracticeBase.name, Major.name)
        .join(PracticeBase, PracticeBase.id == BaseUsage.base_id)
        .outerjoin(Major, Major.id == BaseUsage.major_id)
    )
    if deleted is not None:
        stmt = stmt.where(in_view(BaseUsage, deleted))
    if base_id:
        stmt = stmt.where(BaseUsage.base_id == base_id)
    if semester:
        stmt = stmt.where(BaseUsage.semester == semester.strip())
    if usage_ids is not None:
        stmt = stmt.where(BaseUsage.id.in_(list(usage_ids)))
    stmt = stmt.order_by(
        BaseUsage.semester.desc(), BaseUsage.starts_on.is_(None), BaseUsage.starts_on, BaseUsage.created_at
    )
    out = []
    for u, base_name, major_name in s.execute(stmt):
        values = {k: getattr(u, k) for k in UsageData.__dataclass_fields__}
        out.append(UsageRow(**values, id=u.id, base_name=base_name, major_name=major_name or ""))
    if usage_ids is not None and not out:
        raise NotFound("找不到该基地使用记录（可能已被彻底删除）")
    return out
