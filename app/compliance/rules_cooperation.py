"""Rules of agreements, projects, meetings and visits (H第十条, H第十七条).

- AGR-EXPIRING-30 / AGR-EXPIRING-90: agreements 生效 ending within 30 days, or within 31–90 days, the end day
  counted in (an agreement ending today is still in force: 30-day finding); due = the end.
- AGR-PAST-END: agreements past their end still stored as 生效: confirm 到期 or renew.
- MTG-ACTION-OVERDUE: action items not done after their due date (due today is not overdue yet).
- PRJ-LEADER: projects without a leader, H第十条(四).
- PRJ-REPORT: a missing 运行报告 for each past semester of a project's period, H第十条(五); semesters from the
  college's calendar in 设置 (app/domain/semesters.py); a project without a start date is not asked for
  reports; due = the semester's last day; detail = the semester.
- VISIT-YEARLY: active partners (合作中) not visited in the last 365 days, H第十七条; due = the last visit (or
  the cooperation start) + 365 days, none if neither is known.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.compliance.registry import ERROR, HINT, RULES, WARNING, Finding, check, define, finding
from app.db.models import (
    ActionItem,
    Agreement,
    Enterprise,
    Meeting,
    OperationReport,
    Project,
    Visit,
    VisitEnterprise,
)
from app.domain.semesters import past_semesters, semester_bounds
from app.services.settings import get_semester_calendar

define(
    "AGR-EXPIRING-30",
    "协议30天内到期",
    "H第十条",
    WARNING,
    "agreement",
    "生效的合作协议30天内到期，应及早商议续签",
)
define("AGR-EXPIRING-90", "协议90天内到期", "H第十条", HINT, "agreement", "生效的合作协议31–90天内到期")
define("AGR-PAST-END", "协议已过期仍为生效", "H第十条", ERROR, "agreement", "协议已过结束日期，状态仍为生效")
define(
    "MTG-ACTION-OVERDUE",
    "会议待办逾期",
    "H第十条(一)",
    WARNING,
    "action_item",
    "协调会议议定事项过了期限仍未完成",
)
define("PRJ-LEADER", "项目无负责人", "H第十条(四)", ERROR, "project", "每个项目须有负责人")
define("PRJ-REPORT", "缺运行报告", "H第十条(五)", WARNING, "project", "项目每个已结束的学期须报送运行报告")
define(
    "VISIT-YEARLY", "一年未走访", "H第十七条", WARNING, "enterprise", "合作中的企业每年至少由院领导走访一次"
)


def agreement_title(number: str, title: str) -> str:
    return f"{title}（{number}）" if number else title


@check("AGR-EXPIRING-30", "AGR-EXPIRING-90", "AGR-PAST-END")
def agreements_ending(s: Session, today: dt.date) -> list[Finding]:
    rows = s.execute(
        select(Agreement.id, Agreement.number, Agreement.title, Agreement.ends_on).where(
            Agreement.deleted_at.is_(None),
            Agreement.status == "生效",
            Agreement.ends_on.is_not(None),
            Agreement.ends_on <= today + dt.timedelta(days=90),
        )
    )
    out = []
    for aid, number, title, ends_on in rows:
        left = (ends_on - today).days
        name = agreement_title(number, title)
        if left < 0:
            code, message = "AGR-PAST-END", f"协议已于{ends_on}到期，状态仍为生效：请续签或确认到期"
        else:
            code = "AGR-EXPIRING-30" if left <= 30 else "AGR-EXPIRING-90"
            when = "今天到期" if left == 0 else f"还有{left}天到期（{ends_on}）"
            message = f"协议{when}，请及早商议续签"
        out.append(finding(code, aid, name, message, ends_on))
    return out


@check("MTG-ACTION-OVERDUE")
def overdue_action_items(s: Session, today: dt.date) -> list[Finding]:
    rows = s.execute(
        select(ActionItem.id, ActionItem.description, ActionItem.owner, ActionItem.due_on, Project.name)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .join(Project, Project.id == Meeting.project_id)
        .where(
            ActionItem.deleted_at.is_(None),
            Meeting.deleted_at.is_(None),
            Project.deleted_at.is_(None),
            ActionItem.done.is_(False),
            ActionItem.due_on < today,
        )
    )
    return [
        finding(
            "MTG-ACTION-OVERDUE",
            iid,
            f"{project}：{description[:40]}",
            f"会议待办事项已逾期{(today - due).days}天" + (f"（责任人：{owner}）" if owner else ""),
            due,
        )
        for iid, description, owner, due, project in rows
    ]


@check("PRJ-LEADER")
def projects_without_leader(s: Session, today: dt.date) -> list[Finding]:
    rows = s.execute(
        select(Project.id, Project.name).where(Project.deleted_at.is_(None), Project.leader == "")
    )
    return [
        finding("PRJ-LEADER", pid, name, "项目尚未指定负责人：请在项目中填写负责人") for pid, name in rows
    ]


@check("PRJ-REPORT")
def missing_operation_reports(s: Session, today: dt.date) -> list[Finding]:
    submitted = set(
        s.execute(
            select(OperationReport.project_id, OperationReport.semester).where(
                OperationReport.deleted_at.is_(None)
            )
        ).all()
    )
    cal = get_semester_calendar(s)
    out = []
    for pid, name, starts_on, ends_on in s.execute(
        select(Project.id, Project.name, Project.starts_on, Project.ends_on).where(
            Project.deleted_at.is_(None), Project.starts_on.is_not(None)
        )
    ):
        for semester in past_semesters(starts_on, today, ends_on, cal):
            if (pid, semester) not in submitted:
                message = f"缺少{semester}学期的运行报告（报发展规划处）：在项目的“运行报告”中登记"
                due = semester_bounds(semester, cal)[1]
                out.append(finding("PRJ-REPORT", pid, name, message, due, detail=semester))
    return out


def _last_visits():
    """app/services/visits.py last_visits as a subquery: each enterprise's latest live visit (visited_on)."""
    return (
        select(VisitEnterprise.enterprise_id, func.max(Visit.visited_on).label("visited_on"))
        .join(Visit, Visit.id == VisitEnterprise.visit_id)
        .where(Visit.deleted_at.is_(None))
        .group_by(VisitEnterprise.enterprise_id)
        .subquery()
    )


@check("VISIT-YEARLY")
def partners_not_visited(s: Session, today: dt.date) -> list[Finding]:
    """One query keeps the partners not visited since a year ago (66,000 of the large demo's 100,000): the
    last visits are joined in SQL, not fetched and looked up; the rows are read as plain Core rows (the ORM's
    row loading was half of the check) after flushing what is pending, as the ORM's autoflush would, and
    fetched in batches (row by row is slower; all at once keeps 66,000 rows for the collector to go over);
    the findings are built with the rule's fields once, not by finding() per row."""
    last = _last_visits()
    since = today - dt.timedelta(days=365)
    s.flush()
    stmt = (
        select(Enterprise.id, Enterprise.name, Enterprise.cooperation_start, last.c.visited_on)
        .outerjoin(last, last.c.enterprise_id == Enterprise.id)
        .where(
            Enterprise.deleted_at.is_(None),
            Enterprise.status == "合作中",
            or_(last.c.visited_on.is_(None), last.c.visited_on <= since),
        )
    )
    rows = (row for batch in s.connection().execute(stmt).partitions(1000) for row in batch)
    r = RULES["VISIT-YEARLY"]
    year = dt.timedelta(days=365)
    never = "合作中的企业尚无走访记录"
    return [
        Finding(
            r.code,
            r.severity,
            r.source,
            r.record_type,
            eid,
            name,
            f"上次走访：{visited.isoformat()}，已超过一年" if visited else never,
            base + year if (base := visited or start) else None,
        )
        for eid, name, start, visited in rows
    ]
