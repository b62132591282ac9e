"""产教融合资产 (H第十六条): the register, major repairs or replacements confirmed by both sides, disposal
when a cooperation ends, and the donated / quasi-donated equipment totals for the 产学合作 report.

- Total value = quantity × unit value, in fen, computed (never stored).
- A repair counts as confirmed only when both the school side and the enterprise side have a confirmation
  date (H第十六条(二)); a confirmation date needs the confirming person's name.
- 自主研制 (self_made) marks equipment the school built itself (校内实践基地 table: 自主研制设备值); such a
  device is not an enterprise's 捐赠 or 准捐赠 (refused).
- Disposal (清算 / 移交 / 折价补偿, H第十六条(三)) sets the asset to 已处置; cancelling it (a mistaken entry)
  puts the asset back to 在用. The register's own form cannot set 已处置.
- The 产学合作 totals count live assets contributed by an enterprise as 捐赠 or 准捐赠 and acquired within the
  学年 (from the first day of semester 1 to the day before the next 学年 starts, by the college's calendar),
  per major and per enterprise, in fen and in 万元 (exact Decimal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import (
    ASSET_OWNERS,
    CONTRIBUTION_KINDS,
    DISPOSAL_METHODS,
    REPAIR_KINDS,
    Agreement,
    Asset,
    AssetDisposal,
    AssetRepair,
    Enterprise,
    Major,
)
from app.domain.names import clean_text
from app.errors import AppError, ValidationError, ValidationErrors
from app.services.common import (
    Changes,
    get_or_raise,
    in_view,
    length_errors,
    like_pattern,
    restore,
    soft_delete,
)
from app.services.settings import get_semester_calendar

MAX_FEN = 10**13
EDITABLE_STATUSES = ("在用", "维修")  # 已处置 only through dispose_asset


def wan(fen: int) -> Decimal:
    """Fen in 万元, exact (1 万元 = 1,000,000 分)."""
    return Decimal(fen) / 1_000_000


@dataclass(frozen=True)
class AssetData:
    name: str
    quantity: int = 1
    unit_value_fen: int = 0
    owner: str = "学校"
    spec: str = ""
    contributed_by_id: str | None = None
    contribution_kind: str = ""  # 捐赠 / 准捐赠 / 其他, "" when no enterprise contributed it
    agreement_id: str | None = None
    location: str = ""
    custodian: str = ""
    acquired_on: dt.date | None = None
    status: str = "在用"
    major_id: str | None = None
    note: str = ""
    self_made: bool = False  # 自主研制 (the school built it): 自主研制设备值 of the 校内实践基地 table


@dataclass(frozen=True)
class RepairInfo:
    id: str
    kind: str
    description: str
    cost_fen: int
    happened_on: dt.date | None
    school_person: str
    school_confirmed_on: dt.date | None
    enterprise_person: str
    enterprise_confirmed_on: dt.date | None

    @property
    def confirmed(self) -> bool:
        return self.school_confirmed_on is not None and self.enterprise_confirmed_on is not None


@dataclass(frozen=True)
class DisposalInfo:
    id: str
    method: str
    value_fen: int
    disposed_on: dt.date
    agreement_id: str | None
    note: str


@dataclass(frozen=True)
class AssetDetail(AssetData):
    id: str = ""
    total_value_fen: int = 0
    repairs: tuple[RepairInfo, ...] = ()
    disposal: DisposalInfo | None = None
    deleted: bool = False


# ---------------------------------------------------------------- validation


def normalized(d: AssetData) -> AssetData:
    return replace(
        d,
        name=clean_text(d.name),
        spec=clean_text(d.spec),
        owner=clean_text(d.owner),
        contributed_by_id=d.contributed_by_id or None,
        contribution_kind=clean_text(d.contribution_kind),
        agreement_id=d.agreement_id or None,
        location=clean_text(d.location),
        custodian=clean_text(d.custodian),
        status=clean_text(d.status) or "在用",
        major_id=d.major_id or None,
        note=(d.note or "").strip(),
        self_made=bool(d.self_made),
    )


def _int_error(field: str, label: str, value: object, least: int, most: int) -> list[ValidationError]:
    if not isinstance(value, int) or isinstance(value, bool) or not least <= value <= most:
        return [ValidationError(field, f"{label}应为{least}到{most}之间的整数")]
    return []


def _missing(s: Session, model: type, record_id: str | None) -> bool:
    if not record_id:
        return False
    return s.scalar(select(model.id).where(model.id == record_id, model.deleted_at.is_(None))) is None


def check_asset(s: Session, data: AssetData) -> list[ValidationError]:
    d = normalized(data)
    errors: list[ValidationError] = []
    if not d.name:
        errors.append(ValidationError("name", "资产名称不能为空"))
    elif len(d.name) > 200:
        errors.append(ValidationError("name", "资产名称过长（最多200字）"))
    if len(d.spec) > 200:
        errors.append(ValidationError("spec", "规格型号过长（最多200字）"))
    errors += _int_error("quantity", "数量", d.quantity, 1, 1_000_000)
    errors += _int_error("unit_value_fen", "单价（分）", d.unit_value_fen, 0, MAX_FEN)
    if d.owner not in ASSET_OWNERS:
        errors.append(ValidationError("owner", f"资产权属应为：{'、'.join(ASSET_OWNERS)}"))
    if d.contribution_kind and d.contribution_kind not in CONTRIBUTION_KINDS:
        errors.append(ValidationError("contribution_kind", f"投入方式应为：{'、'.join(CONTRIBUTION_KINDS)}"))
    if d.contribution_kind and not d.contributed_by_id:
        errors.append(ValidationError("contributed_by_id", "企业投入的资产须选择投入企业"))
    if d.self_made and d.contribution_kind in ("捐赠", "准捐赠"):
        errors.append(
            ValidationError(
                "self_made",
                f"自主研制的设备不会是企业{d.contribution_kind}的：请取消“自主研制”，或把投入方式改为“其他”",
            )
        )
    if d.status not in EDITABLE_STATUSES:
        errors.append(ValidationError("status", "资产状态应为在用或维修；处置请使用“资产处置”"))
    if len(d.custodian) > 50:
        errors.append(ValidationError("custodian", "保管责任人过长（最多50字）"))
    for field, model, label in (
        ("contributed_by_id", Enterprise, "投入企业"),
        ("agreement_id", Agreement, "协议"),
        ("major_id", Major, "专业"),
    ):
        if _missing(s, model, getattr(d, field)):
            errors.append(ValidationError(field, f"所选{label}不存在或已在回收站中"))
    errors += length_errors(Asset, d, {"note": "备注"})
    return errors


# ---------------------------------------------------------------- register


def _apply(a: Asset, d: AssetData) -> None:
    for key, value in vars(d).items():
        setattr(a, key, value)


def create_asset(s: Session, data: AssetData) -> Changes:
    if errors := check_asset(s, data):
        raise ValidationErrors(errors)
    a = Asset()
    _apply(a, normalized(data))
    s.add(a)
    s.flush()
    return Changes("asset", (a.id,))


def update_asset(s: Session, asset_id: str, data: AssetData) -> Changes:
    a = _get(s, asset_id)
    d = normalized(data)
    if a.status == "已处置":  # the form shows 已处置; the status is the disposal's business
        d = replace(d, status="在用")
    if errors := check_asset(s, d):
        raise ValidationErrors(errors)
    if a.status == "已处置":
        d = replace(d, status="已处置")
    _apply(a, d)
    s.flush()
    return Changes("asset", (a.id,))


def delete_assets(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, Asset, ids)


def restore_assets(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, Asset, ids)


def _get(s: Session, asset_id: str) -> Asset:
    return get_or_raise(s, Asset, asset_id, "资产")


def _repair_info(r: AssetRepair) -> RepairInfo:
    return RepairInfo(
        r.id,
        r.kind,
        r.description,
        r.cost_fen,
        r.happened_on,
        r.school_person,
        r.school_confirmed_on,
        r.enterprise_person,
        r.enterprise_confirmed_on,
    )


def _disposal(s: Session, asset_id: str) -> AssetDisposal | None:
    return s.scalars(
        select(AssetDisposal).where(AssetDisposal.asset_id == asset_id, AssetDisposal.deleted_at.is_(None))
    ).first()


def get_asset(s: Session, asset_id: str) -> AssetDetail:
    a = _get(s, asset_id)
    repairs = s.scalars(
        select(AssetRepair)
        .where(AssetRepair.asset_id == asset_id, AssetRepair.deleted_at.is_(None))
        .order_by(AssetRepair.happened_on, AssetRepair.created_at)
    )
    disposal = _disposal(s, asset_id)
    fields = {k: getattr(a, k) for k in AssetData.__dataclass_fields__}
    return AssetDetail(
        **fields,
        id=a.id,
        total_value_fen=a.quantity * a.unit_value_fen,
        repairs=tuple(_repair_info(r) for r in repairs),
        disposal=None
        if disposal is None
        else DisposalInfo(
            disposal.id,
            disposal.method,
            disposal.value_fen,
            disposal.disposed_on,
            disposal.agreement_id,
            disposal.note,
        ),
        deleted=a.deleted_at is not None,
    )


# ---------------------------------------------------------------- listing


@dataclass(frozen=True)
class AssetQuery:
    text: str = ""  # name, spec, custodian, location
    status: str = ""
    owner: str = ""
    agreement_id: str = ""
    enterprise_id: str = ""
    major_id: str = ""
    deleted: bool = False


@dataclass(frozen=True)
class AssetRow:
    id: str
    name: str
    spec: str
    quantity: int
    unit_value_fen: int
    total_value_fen: int
    owner: str
    contributed_by: str
    contribution_kind: str
    agreement: str
    location: str
    custodian: str
    acquired_on: dt.date | None
    status: str
    major: str
    self_made: bool = False


def asset_ids(s: Session, q: AssetQuery = AssetQuery()) -> list[str]:
    """Matching ids, newest acquisition first (those without a date last), then by name."""
    stmt = select(Asset.id).where(in_view(Asset, q.deleted))
    for term in clean_text(q.text).split(" "):
        if term:
            pattern = like_pattern(term)
            cols = (Asset.name, Asset.spec, Asset.custodian, Asset.location)
            stmt = stmt.where(or_(*(c.like(pattern, escape="\\") for c in cols)))
    for value, col in (
        (q.status, Asset.status),
        (q.owner, Asset.owner),
        (q.agreement_id, Asset.agreement_id),
        (q.enterprise_id, Asset.contributed_by_id),
        (q.major_id, Asset.major_id),
    ):
        if value:
            stmt = stmt.where(col == value)
    order = (Asset.acquired_on.is_(None), Asset.acquired_on.desc(), Asset.name, Asset.id)
    return list(s.scalars(stmt.order_by(*order)))


def asset_rows(s: Session, ids: Sequence[str]) -> dict[str, AssetRow]:
    if not ids:
        return {}
    rows = s.execute(select(Asset.__table__).where(Asset.id.in_(list(ids)))).all()

    def names(model: type, col: str, attr: str = "name") -> dict[str, str]:
        wanted = {getattr(r, col) for r in rows} - {None}
        return dict(s.execute(select(model.id, getattr(model, attr)).where(model.id.in_(wanted))).all())

    enterprises = names(Enterprise, "contributed_by_id")
    agreements = names(Agreement, "agreement_id", "title")
    majors = names(Major, "major_id")
    return {
        r.id: AssetRow(
            id=r.id,
            name=r.name,
            spec=r.spec,
            quantity=r.quantity,
            unit_value_fen=r.unit_value_fen,
            total_value_fen=r.quantity * r.unit_value_fen,
            owner=r.owner,
            contributed_by=enterprises.get(r.contributed_by_id, ""),
            contribution_kind=r.contribution_kind,
            agreement=agreements.get(r.agreement_id, ""),
            location=r.location,
            custodian=r.custodian,
            acquired_on=r.acquired_on,
            status=r.status,
            major=majors.get(r.major_id, ""),
            self_made=bool(r.self_made),
        )
        for r in rows
    }


# ---------------------------------------------------------------- repairs (H第十六条(二))


@dataclass(frozen=True)
class RepairData:
    asset_id: str
    kind: str
    description: str = ""
    cost_fen: int = 0
    happened_on: dt.date | None = None
    school_person: str = ""
    school_confirmed_on: dt.date | None = None
    enterprise_person: str = ""
    enterprise_confirmed_on: dt.date | None = None


def check_repair(s: Session, d: RepairData) -> list[ValidationError]:
    errors: list[ValidationError] = []
    if _missing(s, Asset, d.asset_id) or not d.asset_id:
        errors.append(ValidationError("asset_id", "所选资产不存在或已在回收站中"))
    if d.kind not in REPAIR_KINDS:
        errors.append(ValidationError("kind", f"类型应为：{'、'.join(REPAIR_KINDS)}"))
    errors += _int_error("cost_fen", "费用（分）", d.cost_fen, 0, MAX_FEN)
    for side, label in (("school", "学校"), ("enterprise", "企业")):
        if getattr(d, f"{side}_confirmed_on") and not getattr(d, f"{side}_person"):
            errors.append(ValidationError(f"{side}_person", f"{label}方确认须填写确认人"))
    errors += length_errors(AssetRepair, d, {"description": "说明"})
    return errors


def _clean_repair(d: RepairData) -> RepairData:
    return replace(
        d,
        kind=clean_text(d.kind),
        description=(d.description or "").strip(),
        school_person=clean_text(d.school_person),
        enterprise_person=clean_text(d.enterprise_person),
    )


def add_repair(s: Session, data: RepairData) -> Changes:
    d = _clean_repair(data)
    if errors := check_repair(s, d):
        raise ValidationErrors(errors)
    r = AssetRepair(**vars(d))
    s.add(r)
    s.flush()
    return Changes("asset_repair", (r.id,))


def update_repair(s: Session, repair_id: str, data: RepairData) -> Changes:
    r = get_or_raise(s, AssetRepair, repair_id, "维修记录")
    d = replace(_clean_repair(data), asset_id=r.asset_id)
    if errors := check_repair(s, d):
        raise ValidationErrors(errors)
    for key, value in vars(d).items():
        setattr(r, key, value)
    s.flush()
    return Changes("asset_repair", (r.id,))


def confirm_repair(s: Session, repair_id: str, side: str, person: str, on: dt.date) -> Changes:
    """One side (school / enterprise) confirms; the repair is confirmed once both have."""
    if side not in ("school", "enterprise"):
        raise ValidationError("side", "确认方应为学校或企业")
    r = get_or_raise(s, AssetRepair, repair_id, "维修记录")
    data = replace(_repair_data(r), **{f"{side}_person": person, f"{side}_confirmed_on": on})
    return update_repair(s, repair_id, data)


def _repair_data(r: AssetRepair) -> RepairData:
    return RepairData(**{k: getattr(r, k) for k in RepairData.__dataclass_fields__})


def get_repair(s: Session, repair_id: str) -> RepairInfo:
    return _repair_info(get_or_raise(s, AssetRepair, repair_id, "维修记录"))


def delete_repairs(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, AssetRepair, ids)


# ---------------------------------------------------------------- disposal (H第十六条(三))


@dataclass(frozen=True)
class DisposalData:
    asset_id: str
    method: str
    disposed_on: dt.date | None
    value_fen: int = 0
    agreement_id: str | None = None
    note: str = ""


def dispose_asset(s: Session, data: DisposalData) -> Changes:
    """Record the disposal; the asset becomes 已处置. The agreement defaults to the asset's."""
    a = _get(s, data.asset_id)
    if a.deleted_at is not None:
        raise AppError("回收站中的资产不能处置，请先恢复")
    errors: list[ValidationError] = []
    if a.status == "已处置" or _disposal(s, a.id) is not None:
        errors.append(ValidationError("asset_id", f"资产“{a.name}”已处置"))
    if clean_text(data.method) not in DISPOSAL_METHODS:
        errors.append(ValidationError("method", f"处置方式应为：{'、'.join(DISPOSAL_METHODS)}"))
    if not isinstance(data.disposed_on, dt.date):
        errors.append(ValidationError("disposed_on", "请填写处置日期"))
    errors += _int_error("value_fen", "处置价值（分）", data.value_fen, 0, MAX_FEN)
    if _missing(s, Agreement, data.agreement_id):
        errors.append(ValidationError("agreement_id", "所选协议不存在或已在回收站中"))
    if errors:
        raise ValidationErrors(errors)
    d = AssetDisposal(
        asset_id=a.id,
        method=clean_text(data.method),
        value_fen=data.value_fen,
        disposed_on=data.disposed_on,
        agreement_id=data.agreement_id or a.agreement_id,
        note=(data.note or "").strip(),
    )
    s.add(d)
    a.status = "已处置"
    s.flush()
    return Changes("asset", (a.id,))


def cancel_disposal(s: Session, asset_id: str) -> Changes:
    """Undo a disposal entered by mistake: the disposal goes to the 回收站, the asset is 在用 again."""
    a = _get(s, asset_id)
    d = _disposal(s, asset_id)
    if d is None:
        raise AppError(f"资产“{a.name}”没有处置记录")
    soft_delete(s, AssetDisposal, [d.id])
    a.status = "在用"
    s.flush()
    return Changes("asset", (a.id,))


# ---------------------------------------------------------------- 产学合作: donated equipment per 学年


@dataclass(frozen=True)
class ContributionTotal:
    key_id: str | None  # major id / enterprise id (None: assets without a major)
    name: str
    uscc: str  # enterprises only
    donated_fen: int  # 捐赠
    quasi_donated_fen: int  # 准捐赠

    @property
    def donated_wan(self) -> Decimal:
        return wan(self.donated_fen)

    @property
    def quasi_donated_wan(self) -> Decimal:
        return wan(self.quasi_donated_fen)


@dataclass(frozen=True)
class ContributionTotals:
    school_year: str  # 2025-2026
    first_day: dt.date
    last_day: dt.date
    by_major: tuple[ContributionTotal, ...]
    by_enterprise: tuple[ContributionTotal, ...]


def school_year_bounds(s: Session, school_year: str) -> tuple[dt.date, dt.date]:
    """First and last day of a 学年 like 2025-2026 by the college's calendar (default 9月1日–8月31日)."""
    parts = school_year.strip().split("-")
    if (
        len(parts) != 2
        or not all(p.isdigit() and len(p) == 4 for p in parts)
        or int(parts[1]) != int(parts[0]) + 1
    ):
        raise ValidationError("school_year", f"学年“{school_year}”格式不对，应如 2025-2026")  # fmt: skip
    cal = get_semester_calendar(s)
    first = int(parts[0])
    return dt.date(first, *cal.first_start), dt.date(first + 1, *cal.first_start) - dt.timedelta(days=1)


def contribution_totals(s: Session, school_year: str) -> ContributionTotals:
    """Equipment donated (捐赠) and quasi-donated (准捐赠) by enterprises and acquired in the 学年: totals per
    major and per enterprise (feeds 对学校捐赠设备总值 / 准捐赠设备总值（万元）)."""
    first, last = school_year_bounds(s, school_year)
    value = func.sum(Asset.quantity * Asset.unit_value_fen)
    counted = (
        Asset.deleted_at.is_(None),
        Asset.contribution_kind.in_(("捐赠", "准捐赠")),
        Asset.acquired_on.between(first, last),
    )

    def totals(key_col, labels) -> tuple[ContributionTotal, ...]:
        sums: dict[str | None, dict[str, int]] = {}
        for key, kind, fen in s.execute(
            select(key_col, Asset.contribution_kind, value).where(*counted).group_by(key_col, Asset.contribution_kind)
        ):  # fmt: skip
            sums.setdefault(key, {})[kind] = fen
        info = labels([k for k in sums if k])
        out = [
            ContributionTotal(key, *info.get(key, ("未指定专业", "")), v.get("捐赠", 0), v.get("准捐赠", 0))
            for key, v in sums.items()
        ]
        return tuple(
            sorted(out, key=lambda t: (t.key_id is None, -(t.donated_fen + t.quasi_donated_fen), t.name))
        )

    def enterprises(ids: list[str]) -> dict[str, tuple[str, str]]:
        rows = s.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.uscc).where(Enterprise.id.in_(ids))
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def majors(ids: list[str]) -> dict[str, tuple[str, str]]:
        return {r[0]: (r[1], "") for r in s.execute(select(Major.id, Major.name).where(Major.id.in_(ids)))}

    return ContributionTotals(
        school_year=school_year.strip(),
        first_day=first,
        last_day=last,
        by_major=totals(Asset.major_id, majors),
        by_enterprise=totals(Asset.contributed_by_id, enterprises),
    )


def asset_count(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(Asset).where(Asset.deleted_at.is_(None))) or 0
