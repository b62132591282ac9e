"""Figures for the 工作台 (home page): active partners by their highest project tier, agreements by status,
projects by tier, and the compliance findings as reminders (open ones by due date, and the acknowledged).
Reads only; `today` is injected like everywhere dates matter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.compliance.acks import Ack, check_results
from app.compliance.registry import Finding, by_due
from app.db.models import TIERS, Enterprise
from app.services.agreement_list import status_counts
from app.services.projects import enterprise_highest_tiers, tier_counts

NO_TIER = "none"  # an active partner without a project yet


@dataclass(frozen=True)
class Dashboard:
    partners_by_tier: dict[str, int]  # foundation / deepening / integration / none, for 合作中 enterprises
    agreements_by_status: dict[str, int]  # effective status
    projects_by_tier: dict[str, int]
    reminders: tuple[Finding, ...]  # open findings, newest due dates first
    acknowledged: tuple[tuple[Finding, Ack], ...]


def dashboard(s: Session, today: dt.date | None = None) -> Dashboard:
    today = today or dt.date.today()
    result = check_results(s, today)
    return Dashboard(
        partners_by_tier=partners_by_tier(s),
        agreements_by_status=status_counts(s, today=today),
        projects_by_tier=tier_counts(s),
        reminders=tuple(by_due(result.open)),
        acknowledged=result.acknowledged,
    )


def partners_by_tier(s: Session) -> dict[str, int]:
    """Live enterprises 合作中 by the highest tier of their live projects (NO_TIER without a project)."""
    active = s.scalars(
        select(Enterprise.id).where(Enterprise.deleted_at.is_(None), Enterprise.status == "合作中")
    )
    best = enterprise_highest_tiers(s)
    partners = dict.fromkeys((*TIERS, NO_TIER), 0)
    for eid in active:
        partners[best.get(eid, NO_TIER)] += 1
    return partners
