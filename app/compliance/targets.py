"""Where a finding leads in the GUI: the record to open and the tab in it (the 工作台 and the findings list
call this; the main window dispatches on `record_type`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.compliance.registry import Finding
from app.db.models import ActionItem, IndustryOrganization, Meeting, OrganizationGroup


@dataclass(frozen=True)
class Target:
    """agreement / project / enterprise / budget / asset / teacher / organization / internship / major …"""

    record_type: str
    record_id: str
    tab: str = ""


def target_of(s: Session, f: Finding) -> Target:
    """An action item opens its project on the 协调会议 tab, a missing report the project on the 运行报告 tab, an
    overspent line without a budget the project's 经费, a 专业群 its first organization (or the list)."""
    if f.record_type == "action_item":
        project_id = s.scalar(
            select(Meeting.project_id)
            .join(ActionItem, ActionItem.meeting_id == Meeting.id)
            .where(ActionItem.id == f.record_id)
        )
        return Target("project", project_id or "", "meetings")
    if f.rule == "PRJ-REPORT":
        return Target("project", f.record_id, "reports")
    if f.rule == "FUND-OVERSPENT" and f.record_type == "project":
        return Target("project", f.record_id, "funds")
    if f.record_type == "major_group":
        return _group_target(s, f.record_id)
    if f.record_type == "major":
        return Target("practice_base", "", f"major:{f.record_id}")
    return Target(f.record_type, f.record_id)


def _group_target(s: Session, group_id: str) -> Target:
    org_id = s.scalar(
        select(IndustryOrganization.id)
        .join(OrganizationGroup, OrganizationGroup.organization_id == IndustryOrganization.id)
        .where(OrganizationGroup.major_group_id == group_id, IndustryOrganization.deleted_at.is_(None))
        .order_by(IndustryOrganization.name)
        .limit(1)
    )
    return (
        Target("organization", org_id, "activities")
        if org_id
        else Target("organization", "", f"group:{group_id}")
    )
