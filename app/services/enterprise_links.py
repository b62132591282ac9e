"""What the college does with one enterprise: its highest tier, and the agreements, projects and visits that
name it — the 合作情况 tab of the enterprise form, so the archive shows where to move a partner up a tier."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    TIER_LABELS,
    TIERS,
    Agreement,
    AgreementEnterprise,
    Project,
    ProjectEnterprise,
    Visit,
    VisitEnterprise,
)
from app.services.agreements import effective_status
from app.services.projects import enterprise_highest_tiers


@dataclass(frozen=True)
class LinkedRecord:
    record_type: str  # agreement / project / visit
    id: str
    title: str
    detail: str
    day: dt.date | None  # end date / start date / visit date


@dataclass(frozen=True)
class Cooperation:
    tier: str  # 基础层 / 深化层 / 融合层, "" without a live project
    agreements: tuple[LinkedRecord, ...]
    projects: tuple[LinkedRecord, ...]
    visits: tuple[LinkedRecord, ...]

    @property
    def summary(self) -> str:
        parts = [f"合作层级：{self.tier or '尚无项目'}"]
        parts += [
            f"协议 {len(self.agreements)} 份",
            f"项目 {len(self.projects)} 个",
            f"走访 {len(self.visits)} 次",
        ]
        if self.visits and self.visits[0].day:
            parts.append(f"最近走访 {self.visits[0].day}")
        return "；".join(parts)


def enterprise_cooperation(s: Session, enterprise_id: str, *, today: dt.date | None = None) -> Cooperation:
    """Live agreements (latest end first, effective status), projects (highest tier first) and visits (newest
    first) naming the enterprise."""
    today = today or dt.date.today()
    agreements = tuple(
        LinkedRecord(
            "agreement",
            a.id,
            f"{a.title}（{a.number}）" if a.number else a.title,
            f"{a.kind} · {effective_status(a.status, a.ends_on, today)}",
            a.ends_on,
        )
        for a in s.execute(
            select(
                Agreement.id,
                Agreement.title,
                Agreement.number,
                Agreement.kind,
                Agreement.status,
                Agreement.ends_on,
            )
            .join(AgreementEnterprise, AgreementEnterprise.agreement_id == Agreement.id)
            .where(AgreementEnterprise.enterprise_id == enterprise_id, Agreement.deleted_at.is_(None))
            .order_by(Agreement.ends_on.desc().nulls_first(), Agreement.title)
        )
    )
    rows = s.execute(
        select(Project.id, Project.name, Project.tier, Project.kind, Project.starts_on)
        .join(ProjectEnterprise, ProjectEnterprise.project_id == Project.id)
        .where(ProjectEnterprise.enterprise_id == enterprise_id, Project.deleted_at.is_(None))
    ).all()
    rows.sort(key=lambda p: (-TIERS.index(p.tier) if p.tier in TIERS else 1, p.name))  # highest tier first
    projects = tuple(
        LinkedRecord("project", p.id, p.name, f"{TIER_LABELS.get(p.tier, p.tier)} · {p.kind}", p.starts_on)
        for p in rows
    )
    visits = tuple(
        LinkedRecord(
            "visit", v.id, v.purpose or "企业走访", f"带队：{v.leader}" if v.leader else "", v.visited_on
        )
        for v in s.execute(
            select(Visit.id, Visit.purpose, Visit.leader, Visit.visited_on)
            .join(VisitEnterprise, VisitEnterprise.visit_id == Visit.id)
            .where(VisitEnterprise.enterprise_id == enterprise_id, Visit.deleted_at.is_(None))
            .order_by(Visit.visited_on.desc(), Visit.id)
        )
    )
    tier = enterprise_highest_tiers(s, [enterprise_id]).get(enterprise_id, "")
    return Cooperation(TIER_LABELS.get(tier, ""), agreements, projects, visits)
