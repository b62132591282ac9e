"""Rules of funds, assets and the clauses agreements need for them (H第十五条, H第十六条).

- AGR-REVENUE-CLAUSE: an agreement (not 到期 / 终止) of a revenue-earning cooperation without a 收益分配 clause,
  H第十六条(一). Revenue-earning: its kind is 技术服务, 横向课题 or 培训服务, or income (收入) is recorded in the
  ledger of a project linked to it.
- AGR-ASSET-CLAUSE: an agreement (not 到期 / 终止) that assets were contributed under (an asset naming it that an
  enterprise contributed, or owned by the enterprise or jointly) without an 资产归属与处置 clause, H第十六条.
- FUND-OVERSPENT: budget lines of this year and last year whose expenses exceed the budget, H第十五条; due =
  the line's latest expense; the finding names the budget record, or the project when the line has no budget
  at all (detail = year:category).
- ASSET-DISPOSAL: assets of a terminated (终止) agreement not yet disposed, H第十六条(三); due = the day the
  agreement was terminated.
- ASSET-CUSTODIAN: assets in use without a custodian, H第十六条(二).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from app.compliance.registry import ERROR, WARNING, Finding, check, define, finding
from app.compliance.rules_cooperation import agreement_title
from app.db.models import Agreement, AgreementTransition, Asset, LedgerEntry, Project, ProjectAgreement
from app.domain.money import format_money
from app.services.funds import overspent_lines

REVENUE_KINDS = ("技术服务", "横向课题", "培训服务")
OPEN = ("草稿", "学院审核", "学校审定", "生效")

define(
    "AGR-REVENUE-CLAUSE",
    "有收益的合作缺收益分配条款",
    "H第十六条(一)",
    ERROR,
    "agreement",
    "技术服务、横向课题、培训服务等有收益的合作，协议须约定收益分配",
)
define(
    "AGR-ASSET-CLAUSE",
    "投入资产的合作缺资产条款",
    "H第十六条",
    ERROR,
    "agreement",
    "企业投入或共有资产的合作，协议须约定资产归属与处置",
)
define("FUND-OVERSPENT", "经费超预算", "H第十五条", ERROR, "budget", "项目某年度某类经费支出超过预算")
define(
    "ASSET-DISPOSAL",
    "终止合作资产未处置",
    "H第十六条(三)",
    ERROR,
    "asset",
    "合作终止后资产须清算、移交或折价补偿",
)
define("ASSET-CUSTODIAN", "资产无保管责任人", "H第十六条(二)", WARNING, "asset", "在用资产须指定保管责任人")


def _open_agreements(s: Session, *conditions) -> list[tuple[str, str, str]]:
    stmt = select(Agreement.id, Agreement.number, Agreement.title).where(
        Agreement.deleted_at.is_(None), Agreement.status.in_(OPEN), *conditions
    )
    return list(s.execute(stmt.order_by(Agreement.title)).all())


@check("AGR-REVENUE-CLAUSE")
def revenue_without_clause(s: Session, today: dt.date) -> list[Finding]:
    income = exists().where(  # one income entry is enough (a project's ledger may hold 100,000)
        LedgerEntry.project_id == Project.id,
        LedgerEntry.deleted_at.is_(None),
        LedgerEntry.direction == "收入",
    )
    with_income = (
        select(ProjectAgreement.agreement_id)
        .join(Project, Project.id == ProjectAgreement.project_id)
        .where(Project.deleted_at.is_(None), income)
    )
    rows = _open_agreements(
        s,
        Agreement.has_revenue_clause.is_(False),
        or_(Agreement.kind.in_(REVENUE_KINDS), Agreement.id.in_(with_income)),
    )
    message = (
        "合作有收益（技术服务、培训等或项目经费有收入），协议缺收益分配条款：请在协议中约定并勾选“收益分配”"
    )
    return [
        finding("AGR-REVENUE-CLAUSE", aid, agreement_title(number, title), message)
        for aid, number, title in rows
    ]


@check("AGR-ASSET-CLAUSE")
def assets_without_clause(s: Session, today: dt.date) -> list[Finding]:
    contributed = select(Asset.agreement_id).where(
        Asset.deleted_at.is_(None),
        Asset.agreement_id.is_not(None),
        or_(
            Asset.contributed_by_id.is_not(None),
            Asset.owner.in_(("企业", "共有")),
            Asset.contribution_kind != "",
        ),
    )
    rows = _open_agreements(s, Agreement.has_asset_clause.is_(False), Agreement.id.in_(contributed))
    message = "该协议下有企业投入或共有的资产，协议缺资产归属与处置条款：请在协议中约定并勾选“资产归属与处置”"
    return [
        finding("AGR-ASSET-CLAUSE", aid, agreement_title(number, title), message)
        for aid, number, title in rows
    ]


@check("FUND-OVERSPENT")
def budgets_overspent(s: Session, today: dt.date) -> list[Finding]:
    out = []
    for line in overspent_lines(s, years=(today.year - 1, today.year), until=today):
        budget = f"预算{format_money(line.budget_fen)}" if line.budget_fen else "未编制预算"
        message = f"支出{format_money(line.spent_fen)}，{budget}，超出{format_money(-line.remaining_fen)}"
        title = f"{line.project_name}：{line.year}年度{line.category_name}"
        if line.budget_id:
            out.append(finding("FUND-OVERSPENT", line.budget_id, title, message, line.last_expense_on))
        else:
            detail = f"{line.year}:{line.category_name}"
            out.append(
                finding(
                    "FUND-OVERSPENT",
                    line.project_id,
                    title,
                    message,
                    line.last_expense_on,
                    record_type="project",
                    detail=detail,
                )
            )
    return out


@check("ASSET-DISPOSAL")
def assets_not_disposed(s: Session, today: dt.date) -> list[Finding]:
    # when each agreement was terminated, asked of its own transitions (not of every agreement's: 29,000)
    ended_at = (
        select(func.max(AgreementTransition.at))
        .where(AgreementTransition.agreement_id == Agreement.id, AgreementTransition.to_status == "终止")
        .scalar_subquery()
    )
    rows = s.execute(
        select(Asset.id, Asset.name, Agreement.title, Agreement.number, ended_at)
        .join(Agreement, Agreement.id == Asset.agreement_id)
        .where(
            Asset.deleted_at.is_(None),
            Asset.status != "已处置",
            Agreement.deleted_at.is_(None),
            Agreement.status == "终止",
        )
    )
    return [
        finding(
            "ASSET-DISPOSAL",
            aid,
            name,
            f"协议“{agreement_title(number, title)}”已终止，资产尚未处置（清算、移交或折价补偿）",
            at.date() if at else None,
        )
        for aid, name, title, number, at in rows
    ]


@check("ASSET-CUSTODIAN")
def assets_without_custodian(s: Session, today: dt.date) -> list[Finding]:
    rows = s.execute(
        select(Asset.id, Asset.name).where(
            Asset.deleted_at.is_(None), Asset.status != "已处置", Asset.custodian == ""
        )
    )
    return [
        finding("ASSET-CUSTODIAN", aid, name, "资产尚未指定保管责任人：请在资产中填写") for aid, name in rows
    ]
