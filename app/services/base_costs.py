"""Running costs of a 校内实训基地 per 学年 (BaseCost): 原材料（耗材）费用 and 设备维护费用, in fen — two columns of the
校内实践基地 table. Re-exported by app/services/bases.py (the area's one import for the UI and the CLI).

- Only a live 校内实训基地 has them (a 校外 base's costs are the enterprise's).
- One row per base and 学年 (2025-2026): a second one for the same 学年 is refused, and so is restoring one
  from the 回收站 while another row holds that 学年 — the table would otherwise add two figures up silently.
  The services check first (a message naming the field); a flush hook (_one_per_year) checks again whatever
  wrote the row, the 回收站's generic restore included.
- Amounts are whole fen from 0 to MAX_FEN; both 0 is allowed (a year without costs is still a year recorded).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.db.models import BaseCost, PracticeBase
from app.errors import AppError, NotFound, ValidationError, ValidationErrors
from app.services.assets import school_year_bounds
from app.services.common import Changes, get_or_raise, in_view, length_errors, restore, soft_delete

ONSITE_KIND = "校内实训基地"
MAX_FEN = 10**12  # 100 亿元: far above any base's yearly costs, below SQLite's integer range


@dataclass(frozen=True)
class CostData:
    base_id: str
    school_year: str  # 2025-2026
    consumables_fen: int = 0  # 原材料（耗材）费用
    maintenance_fen: int = 0  # 设备维护费用
    note: str = ""


@dataclass(frozen=True)
class CostRow(CostData):
    id: str = ""
    base_name: str = ""


def _cleaned(d: CostData) -> CostData:
    return replace(d, school_year=(d.school_year or "").strip(), note=(d.note or "").strip())


def _fen_error(field: str, label: str, value: object) -> list[ValidationError]:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_FEN:
        return [ValidationError(field, f"{label}应为0到{MAX_FEN // 100:,}元之间的金额")]
    return []


def _taken(s: Session, base_id: str, school_year: str, cost_id: str | None) -> bool:
    return (
        s.scalar(
            select(BaseCost.id).where(
                BaseCost.base_id == base_id,
                BaseCost.school_year == school_year,
                BaseCost.deleted_at.is_(None),
                BaseCost.id != (cost_id or ""),
            )
        )
        is not None
    )


def check_cost(s: Session, data: CostData, cost_id: str | None = None) -> list[ValidationError]:
    d = _cleaned(data)
    errors: list[ValidationError] = []
    base = s.get(PracticeBase, d.base_id) if d.base_id else None
    if base is None or base.deleted_at is not None:
        errors.append(ValidationError("base_id", "所选实践基地不存在或已在回收站中"))
    elif base.kind != ONSITE_KIND:
        errors.append(
            ValidationError("base_id", f"只有校内实训基地登记耗材与维护费用（“{base.name}”是{base.kind}）")
        )
    try:
        school_year_bounds(s, d.school_year)
    except ValidationError as e:
        errors.append(e)
    else:
        if base is not None and _taken(s, d.base_id, d.school_year, cost_id):
            errors.append(
                ValidationError("school_year", f"“{base.name}”已登记{d.school_year}学年的费用，请修改那一条")
            )
    errors += _fen_error("consumables_fen", "原材料（耗材）费用", d.consumables_fen)
    errors += _fen_error("maintenance_fen", "设备维护费用", d.maintenance_fen)
    errors += length_errors(BaseCost, d, {"note": "备注"})
    return errors


def save_cost(s: Session, data: CostData, cost_id: str | None = None) -> Changes:
    """Create (cost_id None) or update a 学年's costs of a base; one transaction (the caller's)."""
    d = _cleaned(data)
    if errors := check_cost(s, d, cost_id):
        raise ValidationErrors(errors)
    row = get_or_raise(s, BaseCost, cost_id, "基地费用记录") if cost_id else BaseCost()
    for key, value in vars(d).items():
        setattr(row, key, value)
    if not cost_id:
        s.add(row)
    s.flush()
    return Changes("base_cost", (row.id,))


def delete_costs(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, BaseCost, ids)


def restore_costs(s: Session, ids: Sequence[str]) -> Changes:
    """Back from the 回收站, unless the base already has a live row for that 学年 (or two come back at once)."""
    rows = s.scalars(
        select(BaseCost).where(BaseCost.id.in_(list(ids)), BaseCost.deleted_at.is_not(None))
    ).all()
    seen: set[tuple[str, str]] = set()
    for r in rows:
        key = (r.base_id, r.school_year)
        if key in seen or _taken(s, r.base_id, r.school_year, r.id):
            name = s.scalar(select(PracticeBase.name).where(PracticeBase.id == r.base_id)) or "该基地"
            raise AppError(
                f"“{name}”已有{r.school_year}学年的费用记录，不能再恢复一条；请先删除或修改现有的那条"
            )
        seen.add(key)
    return restore(s, BaseCost, ids)


def cost_rows(
    s: Session,
    base_id: str | None = None,
    school_year: str | None = None,
    *,
    cost_ids: Sequence[str] | None = None,
    deleted: bool | None = False,
) -> list[CostRow]:
    """Cost rows of a base and/or a 学年, latest 学年 first."""
    stmt = select(BaseCost, PracticeBase.name).join(PracticeBase, PracticeBase.id == BaseCost.base_id)
    if deleted is not None:
        stmt = stmt.where(in_view(BaseCost, deleted))
    if base_id:
        stmt = stmt.where(BaseCost.base_id == base_id)
    if school_year:
        stmt = stmt.where(BaseCost.school_year == school_year.strip())
    if cost_ids is not None:
        stmt = stmt.where(BaseCost.id.in_(list(cost_ids)))
    out = []
    for c, base_name in s.execute(stmt.order_by(BaseCost.school_year.desc(), PracticeBase.name, BaseCost.id)):
        values = {k: getattr(c, k) for k in CostData.__dataclass_fields__}
        out.append(CostRow(**values, id=c.id, base_name=base_name))
    if cost_ids is not None and not out:
        raise NotFound("找不到该基地费用记录（可能已被彻底删除）")
    return out


def get_cost(s: Session, cost_id: str) -> CostRow:
    return cost_rows(s, cost_ids=[cost_id], deleted=None)[0]


@event.listens_for(Session, "after_flush")
def _one_per_year(s: Session, _context) -> None:
    """After any flush that wrote a cost row: two live rows of one base and 学年 undo the flush."""
    touched = {(o.base_id, o.school_year) for o in (*s.new, *s.dirty) if isinstance(o, BaseCost)}
    for base_id, school_year in touched:
        live = select(func.count()).where(
            BaseCost.base_id == base_id, BaseCost.school_year == school_year, BaseCost.deleted_at.is_(None)
        )
        if (s.scalar(live) or 0) > 1:
            name = s.scalar(select(PracticeBase.name).where(PracticeBase.id == base_id)) or "该基地"
            raise AppError(
                f"“{name}”已有{school_year}学年的费用记录，同一学年只能登记一条；请先删除或修改现有的那条"
            )
