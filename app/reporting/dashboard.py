"""Figures for the 工作台 (home page): active partners by their highest project tier, agreements by status,
projects by tier, the current 学年's headline figures (app/reporting/period_figures.py, as of today: the same
numbers the 年度评价, the 自评报告 and the package show for that 学年), and the compliance findings as
reminders (open ones nearest first with the overdue on top, and the acknowledged — every finding of today's
check, upcoming ones included: a reminder list, not a period's report). Reads only; `today` is injected like
everywhere dates matter.

The page asks in two jobs, so the figures show before the check has run: `dashboard_figures` (counts in SQL,
about 0.2 s on the large demo) and `dashboard_reminders` (the check, its findings and the 学年's
未处理错误 / 警告 / 提示). `dashboard` gives both at once, with the 学年's full PeriodFigures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.compliance.acks import Ack, CheckResult, check_results
from app.compliance.registry import Finding, by_due, check_order
from app.db.models import TIERS, Enterprise
from app.package.period import Period
from app.reporting.period_figures import (
    COOPERATING,
    ERRORS,
    HINTS,
    WARNINGS,
    FindingsSummary,
    PeriodFigures,
    as_of,
    cooperating,
    count_cooperating,
    current_period,
    findings_summary,
    period_figures,
    period_findings,
    table_figures,
)
from app.services.agreement_list import status_counts
from app.services.projects import enterprise_highest_tiers, tier_counts

NO_TIER = "none"  # an active partner without a project yet


@dataclass(frozen=True)
class Dashboard:
    partners_by_tier: dict[str, int]  # foundation / deepening / integration / none, for 合作中 enterprises
    agreements_by_status: dict[str, int]  # effective status
    projects_by_tier: dict[str, int]
    reminders: tuple[Finding, ...]  # open findings, overdue on top, then today, then upcoming (by_due)
    acknowledged: tuple[tuple[Finding, Ack], ...]
    figures: PeriodFigures | None = None  # the current 学年's headline figures, as of today

    @property
    def partners(self) -> int:
        """合作中的企业 (period_figures.cooperating_enterprises as of today)."""
        return sum(self.partners_by_tier.values())


@dataclass(frozen=True)
class DashboardFigures:
    """What the 工作台 counts, without the compliance check."""

    partners_by_tier: dict[str, int]
    agreements_by_status: dict[str, int]
    projects_by_tier: dict[str, int]
    period: Period  # the current 学年
    as_of: dt.date
    year: dict[str, int]  # 合作中的企业, 可提供岗位数, 基地使用天数 of the 学年 (PeriodFigures.headline's)

    @property
    def partners(self) -> int:
        return sum(self.partners_by_tier.values())


@dataclass(frozen=True)
class DashboardReminders:
    """Today's check: the reminders, the acknowledged findings and the 学年's findings by severity."""

    reminders: tuple[Finding, ...]  # open findings in the 提醒 order (by_due)
    acknowledged: tuple[tuple[Finding, Ack], ...]
    year_findings: FindingsSummary  # the current 学年's (period_findings), as of today

    def headline(self) -> dict[str, int]:
        """未处理错误 / 警告 / 提示 of the 学年 (the rest of PeriodFigures.headline)."""
        return {
            ERRORS: self.year_findings.errors,
            WARNINGS: self.year_findings.warnings,
            HINTS: self.year_findings.hints,
        }


def dashboard(s: Session, today: dt.date | None = None) -> Dashboard:
    today = today or dt.date.today()
    result = check_results(s, today)
    return Dashboard(
        partners_by_tier=partners_by_tier(s, today),
        agreements_by_status=status_counts(s, today=today),
        projects_by_tier=tier_counts(s),
        reminders=tuple(by_due(result.open, today)),
        acknowledged=result.acknowledged,
        figures=_year_figures(s, today, result),
    )


def dashboard_figures(s: Session, today: dt.date | None = None) -> DashboardFigures:
    """The 工作台's figures alone (the same functions as `dashboard`'s), fast: show them first."""
    today = today or dt.date.today()
    period = current_period(s, today)
    year = table_figures(s, period, today)
    # 合作中的企业 counted once: the 学年's, as of today while it runs, is the partners' total
    counted = year[COOPERATING] if as_of(period, today) == today else None
    return DashboardFigures(
        partners_by_tier=partners_by_tier(s, today, counted=counted),
        agreements_by_status=status_counts(s, today=today),
        projects_by_tier=tier_counts(s),
        period=period,
        as_of=as_of(period, today),
        year=year,
    )


def dashboard_reminders(s: Session, today: dt.date | None = None) -> DashboardReminders:
    """Today's compliance check as the 工作台 shows it (`dashboard`'s reminders, acknowledged and the 学年's
    findings summary)."""
    today = today or dt.date.today()
    result = check_results(s, today, ordered=False)  # sorted once, in the 提醒 order (by_due)
    return DashboardReminders(
        reminders=tuple(by_due(result.open, today)),
        acknowledged=tuple(sorted(result.acknowledged, key=lambda fa: check_order(fa[0]))),
        year_findings=findings_summary(_year_findings(s, today, result)),
    )


def _year_findings(s: Session, today: dt.date, checked: CheckResult) -> CheckResult:
    """The current 学年's findings; from today's check (the same run) while the 学年 runs."""
    period = current_period(s, today)
    return period_findings(s, period, today, checked=checked if as_of(period, today) == today else None)


def _year_figures(s: Session, today: dt.date, checked: CheckResult) -> PeriodFigures:
    """The current 学年's figures as of today; its findings from today's check (the same run)."""
    period = current_period(s, today)
    return period_figures(s, period, today, findings=_year_findings(s, today, checked))


CHUNK = 900  # SQLite's bound-parameter limit is 999 on older builds


def partners_by_tier(
    s: Session, today: dt.date | None = None, *, counted: int | None = None
) -> dict[str, int]:
    """The enterprises 合作中 today (period_figures.cooperating, the one definition) by the highest tier of
    their live projects (NO_TIER without a project): counted in SQL, only the enterprises with a project
    fetched. `counted`: their number (count_cooperating as of today) when the caller has it already."""
    today = today or dt.date.today()
    best = enterprise_highest_tiers(s)
    partners = dict.fromkeys((*TIERS, NO_TIER), 0)
    ids = list(best)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        for eid in s.scalars(select(Enterprise.id).where(*cooperating(today), Enterprise.id.in_(chunk))):
            partners[best[eid]] += 1
    total = counted if counted is not None else count_cooperating(s, today)
    partners[NO_TIER] = total - sum(partners.values())
    return partners
