"""实践教学基地 (N四(四)): the bases — 校内实训基地, 校外实践教学基地, 产教融合实训基地 — with their mode
(引校进企 / 引企驻校 / 校企一体), level, enterprise and agreement, majors served and 工位数; and their usage
records per semester (BaseUsage).

Rules (check_base, check_usage; messages name the field):
- A 校外实践教学基地 or 产教融合实训基地 must name its enterprise: an ERROR, not a warning — the 校外实习实训基地
  report needs 依托单位名称, and an 产教融合 base is by definition run with an enterprise (N四(四)1). A 校内 base
  may name one (e.g. equipment from a partner) or not.
- An agreement, when chosen, must name the base's enterprise among its parties.
- Names are unique among the live bases; kind, mode ("" or one of BASE_MODES) and level from the model's tuples.
- A usage row belongs to a live base and a semester (2025-2026-1); its dates, when given, lie inside that
  semester; days default to the span of its dates, person-days to 人次 × 天数, 指导教师人次 to the names
  listed; person-days never exceed 人次 × 天数.

A semester's figures (manual rows plus internships placed at a base, without double counting) are computed
in app/services/base_usage.py and re-exported here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import (
    BASE_KINDS,
    BASE_LEVELS,
    BASE_MODES,
    USAGE_ACTIVITIES,
    Agreement,
    AgreementEnterprise,
    BaseUsage,
    Enterprise,
    Major,
    PracticeBase,
    PracticeBaseMajor,
)
from app.domain.names import clean_text
from app.errors import ValidationError, ValidationErrors
from app.services.base_usage import (  # noqa: F401 (re-exported)
    SemesterUsage,
    SummaryStatus,
    UsageTotals,
    bounds,
    current_semester,
    mark_summary_submitted,
    semester_usage,
    summary_status,
    unmark_summary_submitted,
)
from app.services.common import Changes, get_or_raise, in_view, like_pattern, restore, soft_delete

OFFSITE_KINDS = ("校外实践教学基地", "产教融合实训基地")  # must name an enterprise
MAX_CAPACITY = 100_000
MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class BaseData:
    name: str
    kind: str = "校外实践教学基地"
    mode: str = ""
    level: str = "无"
    enterprise_id: str | None = None
    agreement_id: str | None = None
    major_ids: tuple[str, ...] = ()
    capacity: int = 0  # 工位数
    established_on: dt.date | None = None
    address: str = ""
    has_lodging: bool = False
    gives_allowance: bool = False
    note: str = ""


def normalized(d: BaseData) -> BaseData:
    return replace(
        d,
        name=clean_text(d.name),
        kind=clean_text(d.kind),
        mode=clean_text(d.mode),
        level=clean_text(d.level) or "无",
        enterprise_id=d.enterprise_id or None,
        agreement_id=d.agreement_id or None,
        major_ids=tuple(dict.fromkeys(m for m in d.major_ids if m)),
        address=clean_text(d.address),
        note=(d.note or "").strip(),
    )


def _int_error(field: str, label: str, value: object, most: int) -> list[ValidationError]:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
        return [ValidationError(field, f"{label}应为0到{most}之间的整数")]
    return []


def _live(s: Session, model: type, record_id: str) -> bool:
    return s.scalar(select(model.id).where(model.id == record_id, model.deleted_at.is_(None))) is not None


def check_base(s: Session, data: BaseData, base_id: str | None = None) -> list[ValidationError]:
    d = normalized(data)
    errors: list[ValidationError] = []
    if not d.name:
        errors.append(ValidationError("name", "基地名称不能为空"))
    elif len(d.name) > 200:
        errors.append(ValidationError("name", "基地名称过长（最多200字）"))
    elif s.scalar(
        select(PracticeBase.id).where(
            PracticeBase.name == d.name, PracticeBase.deleted_at.is_(None), PracticeBase.id != (base_id or "")
        )
    ):
        errors.append(ValidationError("name", f"已有名为“{d.name}”的实践基地"))
    if d.kind not in BASE_KINDS:
        errors.append(ValidationError("kind", f"基地类型应为：{'、'.join(BASE_KINDS)}"))
    if d.mode and d.mode not in BASE_MODES:
        errors.append(ValidationError("mode", f"建设模式应为：{'、'.join(BASE_MODES)}，或不填"))
    if d.level not in BASE_LEVELS:
        errors.append(ValidationError("level", f"基地级别应为：{'、'.join(BASE_LEVELS)}"))
    if d.enterprise_id and not _live(s, Enterprise, d.enterprise_id):
        errors.append(ValidationError("enterprise_id", "所选依托企业不存在或已在回收站中"))
    elif not d.enterprise_id and d.kind in OFFSITE_KINDS:
        errors.append(ValidationError("enterprise_id", f"{d.kind}须选择依托企业（报表中的“依托单位名称”）"))
    if d.agreement_id and not _live(s, Agreement, d.agreement_id):
        errors.append(ValidationError("agreement_id", "所选合作协议不存在或已在回收站中"))
    elif d.agreement_id and d.enterprise_id and not _agreement_names(s, d.agreement_id, d.enterprise_id):
        errors.append(ValidationError("agreement_id", "所选合作协议的合作方中没有该依托企业"))
    if d.major_ids:
        live = set(s.scalars(select(Major.id).where(Major.id.in_(d.major_ids), Major.deleted_at.is_(None))))
        if set(d.major_ids) - live:
            errors.append(ValidationError("major_ids", "所选面向专业中有的已从设置中删除"))
    errors += _int_error("capacity", "工位数", d.capacity, MAX_CAPACITY)
    if d.established_on is not None and not isinstance(d.established_on, dt.date):
        errors.append(ValidationError("established_on", "建立日期格式不对"))
    if len(d.address) > 300:
        errors.append(ValidationError("address", "地址过长（最多300字）"))
    return errors


def _agreement_names(s: Session, agreement_id: str, enterprise_id: str) -> bool:
    return bool(
        s.scalar(
            select(func.count()).where(
                AgreementEnterprise.agreement_id == agreement_id,
                AgreementEnterprise.enterprise_id == enterprise_id,
            )
        )
    )


def _apply(b: PracticeBase, d: BaseData) -> None:
    for key, value in vars(d).items():
        if key != "major_ids":
            setattr(b, key, value)
    kept = [link for link in b.major_links if link.major_id in d.major_ids]
    have = {link.major_id for link in kept}
    b.major_links = kept + [PracticeBaseMajor(major_id=m) for m in d.major_ids if m not in have]


def save_base(s: Session, data: BaseData, base_id: str | None = None) -> Changes:
    """Create (base_id None) or update a base; one transaction (the caller's)."""
    d = normalized(data)
    if errors := check_base(s, d, base_id):
        raise ValidationErrors(errors)
    b = get_or_raise(s, PracticeBase, base_id, "实践基地") if base_id else PracticeBase()
    _apply(b, d)
    if not base_id:
        s.add(b)
    s.flush()
    return Changes("practice_base", (b.id,))


def delete_bases(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, PracticeBase, ids)


def restore_bases(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, PracticeBase, ids)


@dataclass(frozen=True)
class BaseDetail(BaseData):
    id: str = ""
    deleted: bool = False


def get_base(s: Session, base_id: str) -> BaseDetail:
    b = get_or_raise(s, PracticeBase, base_id, "实践基地")
    values = {k: getattr(b, k) for k in BaseData.__dataclass_fields__ if k != "major_ids"}
    order = _major_order(s)
    majors = tuple(sorted((link.major_id for link in b.major_links), key=lambda m: (order.get(m, 10**6), m)))
    return BaseDetail(**values, major_ids=majors, id=b.id, deleted=b.deleted_at is not None)


def _major_order(s: Session) -> dict[str, int]:
    """Major id → its place in 设置 (专业群, then 专业)."""
    from app.services.choices import major_choices

    return {c.id: i for i, c in enumerate(major_choices(s))}


# ---------------------------------------------------------------- the list


SORT_COLUMNS = {
    "name": PracticeBase.name,
    "kind": PracticeBase.kind,
    "level": PracticeBase.level,
    "capacity": PracticeBase.capacity,
    "established_on": PracticeBase.established_on,
}


@dataclass(frozen=True)
class BaseQuery:
    text: str = ""  # name, address, enterprise name
    kind: str = ""
    level: str = ""
    major_id: str = ""
    deleted: bool = False
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class BaseRow:
    id: str
    name: str
    kind: str
    mode: str
    level: str
    enterprise: str
    agreement: str
    majors: str  # names joined with 、
    capacity: int
    established_on: dt.date | None
    address: str
    has_lodging: bool
    gives_allowance: bool
    semester: str  # the semester of the usage figures
    usage: UsageTotals


def base_ids(s: Session, q: BaseQuery = BaseQuery()) -> list[str]:
    stmt = select(PracticeBase.id).where(in_view(PracticeBase, q.deleted))
    for term in clean_text(q.text).split(" "):
        if term:
            pattern = like_pattern(term)
            ents = select(Enterprise.id).where(Enterprise.name.like(pattern, escape="\\"))
            stmt = stmt.where(
                or_(
                    PracticeBase.name.like(pattern, escape="\\"),
                    PracticeBase.address.like(pattern, escape="\\"),
                    PracticeBase.enterprise_id.in_(ents),
                )
            )
    for value, col in ((q.kind, PracticeBase.kind), (q.level, PracticeBase.level)):
        if value:
            stmt = stmt.where(col == value)
    if q.major_id:
        linked = select(PracticeBaseMajor.base_id).where(PracticeBaseMajor.major_id == q.major_id)
        stmt = stmt.where(PracticeBase.id.in_(linked))
    col = SORT_COLUMNS.get(q.sort, PracticeBase.name)
    order = col.desc() if q.descending else col
    nulls_last = col.is_(None) if q.sort == "established_on" else None
    keys = [k for k in (nulls_last, order, PracticeBase.name, PracticeBase.id) if k is not None]
    return list(s.scalars(stmt.order_by(*keys)))


def base_count(s: Session) -> int:
    stmt = select(func.count()).select_from(PracticeBase).where(PracticeBase.deleted_at.is_(None))
    return s.scalar(stmt) or 0


def base_rows(
    s: Session, ids: Sequence[str], semester: str | None = None, *, today: dt.date | None = None
) -> dict[str, BaseRow]:
    """Rows for the list, with the usage figures of `semester` (default: the current one)."""
    if not ids:
        return {}
    ids = list(ids)
    semester = semester or current_semester(s, today)
    usage = semester_usage(s, semester, base_ids=ids)
    rows = s.execute(select(PracticeBase.__table__).where(PracticeBase.id.in_(ids))).all()
    ents = dict(
        s.execute(
            select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_({r.enterprise_id for r in rows}))
        ).all()
    )
    agrs = dict(
        s.execute(
            select(Agreement.id, Agreement.title).where(Agreement.id.in_({r.agreement_id for r in rows}))
        ).all()
    )
    order = _major_order(s)
    links = s.execute(
        select(PracticeBaseMajor.base_id, Major.id, Major.name)
        .join(Major, Major.id == PracticeBaseMajor.major_id)
        .where(PracticeBaseMajor.base_id.in_(ids))
    )
    majors: dict[str, list[str]] = {}
    for base_id, _major_id, name in sorted(links, key=lambda r: (order.get(r[1], 10**6), r[2])):
        majors.setdefault(base_id, []).append(name)
    return {
        r.id: BaseRow(
            id=r.id,
            name=r.name,
            kind=r.kind,
            mode=r.mode,
            level=r.level,
            enterprise=ents.get(r.enterprise_id, ""),
            agreement=agrs.get(r.agreement_id, ""),
            majors="、".join(majors.get(r.id, [])),
            capacity=r.capacity,
            established_on=r.established_on,
            address=r.address,
            has_lodging=bool(r.has_lodging),
            gives_allowance=bool(r.gives_allowance),
            semester=semester,
            usage=usage.base_totals(r.id),
        )
        for r in rows
    }


# ---------------------------------------------------------------- usage rows (BaseUsage)


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
    if not d.base_id or not _live(s, PracticeBase, d.base_id):
        errors.append(ValidationError("base_id", "所选实践基地不存在或已在回收站中"))
    first = last = None
    try:
        first, last = bounds(s, d.semester)
    except ValidationError as e:
        errors.append(e)
    if d.activity not in USAGE_ACTIVITIES:
        errors.append(ValidationError("activity", f"活动类型应为：{'、'.join(USAGE_ACTIVITIES)}"))
    if d.major_id and not _live(s, Major, d.major_id):
        errors.append(ValidationError("major_id", "所选专业不存在或已删除"))
    for field, label in (("starts_on", "开始日期"), ("ends_on", "结束日期")):
        day = getattr(d, field)
        if day is not None and first and last and not first <= day <= last:
            errors.append(ValidationError(field, f"{label}不在{d.semester}学期内（{first}至{last}）"))
    if d.starts_on and d.ends_on and d.ends_on < d.starts_on:
        errors.append(ValidationError("ends_on", "结束日期不能早于开始日期"))
    errors += _int_error("students", "学生人次", d.students, MAX_COUNT)
    span = (last - first).days + 1 if first and last else 366
    errors += _int_error("days", "使用天数", d.days, span)
    errors += _int_error("person_days", "人天数", d.person_days, MAX_COUNT * 10)
    errors += _int_error("teacher_count", "指导教师人次", d.teacher_count, MAX_COUNT)
    if not errors and d.person_days > d.students * d.days:
        errors.append(ValidationError("person_days", "人天数不能超过 学生人次 × 使用天数"))
    if not errors and d.students == 0:
        errors.append(ValidationError("students", "请填写学生人次"))
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
        from app.errors import NotFound

        raise NotFound("找不到该基地使用记录（可能已被彻底删除）")
    return out
