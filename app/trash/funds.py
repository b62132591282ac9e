"""回收站 kinds of 经费台账, 经费预算 and 资产, and the records they keep from being purged."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    Asset,
    AssetDisposal,
    AssetRepair,
    Budget,
    BudgetCategory,
    LedgerEntry,
    Project,
)
from app.services.attachments import purge_owner_attachments
from app.trash.core import (
    TrashKind,
    TrashRow,
    deleted,
    referenced_by,
    register,
)

# ------------------------------------------------------------------ funds and assets (经费台账, 预算, 资产)


def _ledger_rows(s: Session) -> list[TrashRow]:
    from app.domain.money import format_money

    stmt = deleted(
        LedgerEntry,
        LedgerEntry.entry_date,
        LedgerEntry.direction,
        LedgerEntry.amount_fen,
        LedgerEntry.summary,
        LedgerEntry.voucher_no,
        Project.name.label("project"),
    ).join(Project, Project.id == LedgerEntry.project_id)
    return [
        TrashRow(
            r.id,
            f"{r.entry_date:%Y-%m-%d} {r.direction} {format_money(r.amount_fen)} {r.summary}".strip(),
            f"{r.project}  {r.voucher_no}".strip(),
            r.deleted_at,
        )
        for r in s.execute(stmt)
    ]


def _purge_ledger_entry(s: Session, e: LedgerEntry) -> None:
    purge_owner_attachments(s, "ledger_entry", e.id)
    s.delete(e)


register(TrashKind("ledger_entry", "经费台账", "条", LedgerEntry, _ledger_rows, _purge_ledger_entry))


def _budget_rows(s: Session) -> list[TrashRow]:
    from app.domain.money import format_money

    stmt = (
        deleted(Budget, Budget.year, Budget.amount_fen, Project.name.label("project"), BudgetCategory.name)
        .join(Project, Project.id == Budget.project_id)
        .join(BudgetCategory, BudgetCategory.id == Budget.category_id)
    )
    return [
        TrashRow(r.id, f"{r.project} {r.year}年度 {r.name}预算", format_money(r.amount_fen), r.deleted_at)
        for r in s.execute(stmt)
    ]


def _purge_budget(s: Session, b: Budget) -> None:
    s.delete(b)


register(TrashKind("budget", "经费预算", "条", Budget, _budget_rows, _purge_budget))


def _asset_rows(s: Session) -> list[TrashRow]:
    return [
        TrashRow(r.id, f"{r.name} {r.spec}".strip(), f"{r.status}  {r.custodian}".strip(), r.deleted_at)
        for r in s.execute(deleted(Asset, Asset.name, Asset.spec, Asset.status, Asset.custodian))
    ]


def _purge_asset(s: Session, a: Asset) -> None:
    for model in (AssetRepair, AssetDisposal):
        for child in s.scalars(select(model).where(model.asset_id == a.id)):
            s.delete(child)
    purge_owner_attachments(s, "asset", a.id)
    s.flush()
    s.delete(a)


register(TrashKind("asset", "资产", "项", Asset, _asset_rows, _purge_asset))


# Budgets and ledger entries keep their project; assets and disposals their agreement; assets their enterprise.
referenced_by("project", Budget.project_id, "条经费预算")
referenced_by("project", LedgerEntry.project_id, "条经费台账记录")
referenced_by("agreement", Asset.agreement_id, "项资产")
referenced_by("agreement", AssetDisposal.agreement_id, "条资产处置记录")
referenced_by("enterprise", Asset.contributed_by_id, "项资产")
