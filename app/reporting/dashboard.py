"""Figures for the 工作台 (home page): active partners by their highest project tier, agreements by status,
projects by tier, the current 学年's headline figures (app/reporting/period_figures.py, as of today: the same
numbers the 年度评价, the 自评报告 and the package show for that 学年), and the compliance findings as
reminders (open ones nearest first with the overdue on top, and the acknowledged — every finding of today's
check, upcoming ones included: a reminder list, not a period's report). Reads only; `today` is injected like
everywhere dates matter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.compliance.acks import Ack, CheckResult, check_results
from app.compliance.registry import Finding, by_due
from app.db.models import TIERS
from app.reporting.period_figures import (
    PeriodFigures,
    as_of,
    cooperating_enterprises,
    current_period,
    period_figures,
    period_findings,
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


def _year_figures(s: Session, today: dt.date, checked: CheckResult) -> PeriodFigures:
    """The current 学年's figures as of today; its findings from today's check (the same run)."""
    period = current_period(s, today)
    found = period_findings(s, period, today, checked=checked if as_of(period, today) == today else None)
    return period_figures(s, period, today, findings=found)


def partners_by_tier(s: Session, today: dt.date | None = None) -> dict[str, int]:
    """The enterprises 合作中 today (period_figures.cooperating_enterprises, the one definition) by the highest
    tier of their live projects (NO_TIER without a project)."""
    best = enterprise_highest_tiers(s)
    partners = dict.fromkeys((*TIERS, NO_TIER), 0)
    for eid in cooperating_enterprises(s, today or dt.date.today()):
        partners[best.get(eid, NO_TIER)] += 1
    return partners
