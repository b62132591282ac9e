"""实践教学基地 (N四(四)): the bases — 校内实训基地, 校外实践教学基地, 产教融合实训基地 — with their mode
(引校进企 / 引企驻校 / 校企一体), level, enterprise and agreement, majors served and 工位数; and their usage
records per semester (BaseUsage).

Rules (check_base, check_usage; messages name the field):
- A 校外实践教学基地 or 产教融合实训基地 must name its enterprise: an ERROR, not a warning — the 校外实习实训基地
  report needs 依托单位名称, and an 产教融合 base is by definition run with an enterprise (N四(四)1). A 校内 base
  may name one (e.g. equipment from a partner) or not.
- An agreement, when chosen, must name the base's enterprise among its parties.
- Names are unique among the live bases; kind, mode ("" or one of BASE_MODES) and level from the model's tuples.
- 主要项目 (main_projects): full names separated by 、 (typed separators ，,；; and line breaks become 、).
- 学校向基地支付专项实习经费 (fee_per_student_fen, 元/生): None = not recorded, 0 = none paid; a 校内 base has none
  (it is the school's own). 专职 / 兼职管理人员: whole numbers of people.

A 校内 base's 耗材 / 维护 costs per 学年 (BaseCost) live in app/services/base_costs.py, re-exported here.

Usage records (check_usage, save_usage, usage_rows …) live in app/services/base_records.py and the semester's
figures in app/services/base_usage.py; both are re-exported here.
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
    Agreement,
    AgreementEnterprise,
    Enterprise,
    Major,
    PracticeBase,
    PracticeBaseMajor,
)
from app.domain.names import clean_text
from app.errors import ValidationError, ValidationErrors
from app.services.base_costs import (  # noqa: F401 (re-exported)
    CostData,
    CostRow,
    check_cost,
    cost_rows,
    delete_costs,
    get_cost,
    restore_costs,
    save_cost,
)
from app.services.base_records import (  # noqa: F401 (re-exported)
    AUDIENCES,
    MAX_HOURS,
    UsageData,
    UsageRow,
    check_usage,
    completed,
    delete_usages,
    get_usage,
    int_error,
    is_live,
    restore_usages,
    save_usage,
    teacher_names,
    usage_rows,
)
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
from app.services.common import (
    Changes,
    get_or_raise,
    in_view,
    length_errors,
    like_pattern,
    restore,
    soft_delete,
)

OFFSITE_KINDS = ("校外实践教学基地", "产教融合实训基地")  # must name an enterprise
ONSITE_KIND = "校内实训基地"  # no 专项实习经费; has 耗材 / 维护 costs per 学年
MAX_CAPACITY = 100_000
MAX_MANAGERS = 10_000
MAX_FEE_FEN = 10**8  # 100 万元 per student: anything above is a typing slip
_PROJECT_SPLIT = re.compile(r"\s*[、，,；;\n]+\s*")


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
    main_projects: str = ""  # 主要（实习实训）项目（全称）, separated by 、
    fee_per_student_fen: int | None = None  # 学校向基地支付专项实习经费（元/生）; None = not recorded
    full_time_managers: int = 0  # 专职管理人员（名）
    part_time_managers: int = 0  # 兼职管理人员（名）


def project_names(text: str) -> list[str]:
    """The project names of `main_projects`, in order, without blanks or repeats."""
    names = (clean_text(n) for n in _PROJECT_SPLIT.split(text or ""))
    return list(dict.fromkeys(n for n in names if n))


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
        main_projects="、".join(project_names(d.main_projects)),
    )


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
    if d.enterprise_id and not is_live(s, Enterprise, d.enterprise_id):
        errors.append(ValidationError("enterprise_id", "所选依托企业不存在或已在回收站中"))
    elif not d.enterprise_id and d.kind in OFFSITE_KINDS:
        errors.append(ValidationError("enterprise_id", f"{d.kind}须选择依托企业（报表中的“依托单位名称”）"))
    if d.agreement_id and not is_live(s, Agreement, d.agreement_id):
        errors.append(ValidationError("agreement_id", "所选合作协议不存在或已在回收站中"))
    elif d.agreement_id and d.enterprise_id and not _agreement_names(s, d.agreement_id, d.enterprise_id):
        errors.append(ValidationError("agreement_id", "所选合作协议的合作方中没有该依托企业"))
    if d.major_ids:
        live = set(s.scalars(select(Major.id).where(Major.id.in_(d.major_ids), Major.deleted_at.is_(None))))
        if set(d.major_ids) - live:
            errors.append(ValidationError("major_ids", "所选面向专业中有的已从设置中删除"))
    errors += int_error("capacity", "工位数", d.capacity, MAX_CAPACITY)
    if d.established_on is not None and not isinstance(d.established_on, dt.date):
        errors.append(ValidationError("established_on", "建立日期格式不对"))
    if len(d.address) > 300:
        errors.append(ValidationError("address", "地址过长（最多300字）"))
    errors += _platform_errors(d)
    errors += length_errors(PracticeBase, d, {"note": "备注", "main_projects": ("主要项目", 2000)})
    return errors


def _platform_errors(d: BaseData) -> list[ValidationError]:
    """The fields the platform's base tables need: fee per student and managers."""
    errors: list[ValidationError] = []
    fee = d.fee_per_student_fen
    if fee is not None and d.kind == ONSITE_KIND:
        errors.append(ValidationError("fee_per_student_fen", "校内实训基地不填学校向基地支付的专项实习经费"))
    elif fee is not None and (
        not isinstance(fee, int) or isinstance(fee, bool) or not 0 <= fee <= MAX_FEE_FEN
    ):
        errors.append(
            ValidationError(
                "fee_per_student_fen", f"专项实习经费应为0到{MAX_FEE_FEN // 100:,}元/生之间的金额"
            )
        )
    errors += int_error("full_time_managers", "专职管理人员", d.full_time_managers, MAX_MANAGERS)
    errors += int_error("part_time_managers", "兼职管理人员", d.part_time_managers, MAX_MANAGERS)
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
    main_projects: str = ""
    fee_per_student_fen: int | None = None
    full_time_managers: int = 0
    part_time_managers: int = 0


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
            main_projects=r.main_projects,
            fee_per_student_fen=r.fee_per_student_fen,
            full_time_managers=r.full_time_managers,
            part_time_managers=r.part_time_managers,
        )
        for r in rows
    }
