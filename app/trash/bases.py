"""回收站 kinds of 实践教学基地, their usage records, a 校内 base's yearly costs and the semester-end summaries
marked submitted; a base that internships, usage or cost records (live or in the 回收站) still name is not
purged."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db.models import BaseCost, BaseUsage, Internship, Major, PracticeBase, UsageSummary
from app.domain.money import format_money
from app.services import base_costs  # noqa: F401 (its flush hook keeps one cost row per 学年, restores included)
from app.trash.core import TrashKind, TrashRow, delete_row, deleted, referenced_by, register


def _base_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(PracticeBase, PracticeBase.name, PracticeBase.kind, PracticeBase.level)
    return [
        TrashRow(r.id, r.name, r.kind if r.level == "无" else f"{r.kind} · {r.level}", r.deleted_at)
        for r in s.execute(stmt)
    ]


def _purge_base(s: Session, b: PracticeBase) -> None:
    s.delete(b)  # its major links go with it (cascade)


register(TrashKind("practice_base", "实践基地", "个", PracticeBase, _base_rows, _purge_base))


def _usage_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(
        BaseUsage, BaseUsage.semester, BaseUsage.activity, BaseUsage.students, PracticeBase.name
    ).join(PracticeBase, PracticeBase.id == BaseUsage.base_id)
    return [
        TrashRow(r.id, f"{r.name} {r.activity}", f"{r.semester}学期 {r.students}人次", r.deleted_at)
        for r in s.execute(stmt)
    ]


register(TrashKind("base_usage", "基地使用记录", "条", BaseUsage, _usage_rows, delete_row))


def _cost_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(
        BaseCost, BaseCost.school_year, BaseCost.consumables_fen, BaseCost.maintenance_fen, PracticeBase.name
    ).join(PracticeBase, PracticeBase.id == BaseCost.base_id)
    return [
        TrashRow(
            r.id,
            f"{r.name} {r.school_year}学年费用",
            f"耗材{format_money(r.consumables_fen)}，维护{format_money(r.maintenance_fen)}",
            r.deleted_at,
        )
        for r in s.execute(stmt)
    ]


register(TrashKind("base_cost", "基地费用记录", "条", BaseCost, _cost_rows, delete_row))


def _summary_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(UsageSummary, UsageSummary.semester, UsageSummary.submitted_on, Major.name).join(
        Major, Major.id == UsageSummary.major_id
    )
    return [
        TrashRow(r.id, f"{r.name} {r.semester}学期基地使用汇总", f"提交于 {r.submitted_on}", r.deleted_at)
        for r in s.execute(stmt)
    ]


register(TrashKind("usage_summary", "基地使用汇总提交", "条", UsageSummary, _summary_rows, delete_row))


# Internships and usage records keep their base; bases keep their enterprise and agreement.
referenced_by("practice_base", Internship.base_id, "条实习记录")
referenced_by("practice_base", BaseUsage.base_id, "条基地使用记录")
referenced_by("practice_base", BaseCost.base_id, "条基地费用记录")
referenced_by("enterprise", PracticeBase.enterprise_id, "个实践基地")
referenced_by("agreement", PracticeBase.agreement_id, "个实践基地")
