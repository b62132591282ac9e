"""Reminders (提醒) for the 工作台 and `chanjiao reminders`: a registry of rules, each a function
`(session, today) -> list[Reminder]`. A new rule (the compliance checks) is one function decorated with
@rule; callers use reminders(s, today) and never change.

Rules here:
- agreements 生效 ending within 30 days (agreement_expiring_30) or within 31–90 days (agreement_expiring_90),
  the end day counted in (an agreement ending today is still in force: 30-day reminder); H第十条;
- agreements past their end still stored as 生效 (agreement_past_end): confirm 到期 or renew;
- action items not done after their due date (action_item_overdue); due today is not overdue yet;
- projects without a leader (project_no_leader), H第十条(四);
- a missing 运行报告 for each past semester of a project's period (operation_report_missing), H第十条(五);
  semesters from the college's calendar in 设置 (app/domain/semesters.py; default 1: 9月1日–1月31日,
  2: 2月1日–7月31日); a project without a start
  date is not asked for reports; due = the semester's last day;
- active partners (合作中) not visited in the last 365 days (partner_not_visited), H第十七条; due = the last
  visit (or the cooperation start) + 365 days, none if neither is known;
- budget lines of this year and last year whose expenses exceed the budget (budget_overspent), H第十五条;
  due = the line's latest expense; it opens the budget record (or the project's 经费 tab when the line has
  no budget at all);
- assets of a terminated (终止) agreement not yet disposed (asset_not_disposed), H第十六条(三); due = the day
  the agreement was terminated;
- assets in use without a custodian (asset_no_custodian), H第十六条(二);
- full-time teachers (专任教师) with less than 180 days of enterprise practice in the 5 years ending today
  (teacher_practice_short, with the days missing), N四(五)1; no due date; it opens the teacher;
- 专业群 not linked to 1–2 live industry organizations (group_organizations), and 专业群 whose linked
  organizations have no activity in the current 学年 (group_no_activity, due = the 学年's last day; only for
  groups with at least one organization), N四(一)2. Both name the group (record_type "major_group"); a click
  opens its first linked organization on the 活动 tab, or, with none linked, the organization list
  (Target("organization", "", "group:<group id>")).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import (
    ActionItem,
    Agreement,
    AgreementTransition,
    Asset,
    Enterprise,
    IndustryOrganization,
    Meeting,
    OperationReport,
    OrganizationGroup,
    Project,
)
from app.domain.money import format_money
from app.domain.practice import REQUIRED_DAYS, format_months
from app.domain.semesters import past_semesters, semester_bounds
from app.services.funds import overspent_lines
from app.services.industry import group_organizations
from app.services.internships import internship_rows
from app.services.settings import get_semester_calendar
from app.services.teachers import practice_gaps
from app.services.visits import last_visits


@dataclass(frozen=True)
class Reminder:
    kind: str
    record_type: str  # agreement / action_item / project / enterprise / budget / asset / teacher / major_group / internship
    record_id: str
    title: str
    due: dt.date | None
    message: str
    source: str = ""  # the rule's basis, e.g. H第十条


# What the 工作台 shows for each kind; a new rule adds its label here.
KIND_LABELS = {
    "agreement_expiring_30": "协议30天内到期",
    "agreement_expiring_90": "协议90天内到期",
    "agreement_past_end": "协议已过期仍为生效",
    "action_item_overdue": "会议待办逾期",
    "project_no_leader": "项目无负责人",
    "operation_report_missing": "缺运行报告",
    "partner_not_visited": "一年未走访",
    "budget_overspent": "经费超预算",
    "asset_not_disposed": "终止合作资产未处置",
    "asset_no_custodian": "资产无保管责任人",
    "teacher_practice_short": "教师企业实践不足",
    "group_organizations": "专业群未联系1–2个行业组织",
    "group_no_activity": "专业群本学年无行业组织活动",
    "internship_INT-INSURANCE": "实习保险未覆盖",
    "internship_INT-TRIPARTITE": "未签三方协议",
    "internship_INT-GRADE": "一年级学生岗位实习",
    "internship_INT-AGE": "未满16周岁岗位实习",
    "internship_INT-PAY": "实习报酬低于80%",
    "internship_INT-HOURS": "实习超时/夜班/加班",
    "internship_INT-PARTIES": "五方联动未落实",
    "internship_INT-EVALUATION": "缺企业月度评价",
    "internship_INT-LOW-SCORE": "企业评价低于60分（预警）",
}


@dataclass(frozen=True)
class Target:
    """Where a reminder leads: the record to open (agreement / project / enterprise / budget / asset / teacher /
    organization) and the tab in it."""

    record_type: str
    record_id: str
    tab: str = ""


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def target_of(s: Session, r: Reminder) -> Target:
    """The record a click on the reminder opens: an action item opens its project on the 协调会议 tab, a
    missing report the project on the 运行报告 tab."""
    if r.record_type == "action_item":
        project_id = s.scalar(
            select(Meeting.project_id)
            .join(ActionItem, ActionItem.meeting_id == Meeting.id)
            .where(ActionItem.id == r.record_id)
        )
        return Target("project", project_id or "", "meetings")
    if r.kind == "operation_report_missing":
        return Target("project", r.record_id, "reports")
    if r.kind == "budget_overspent" and r.record_type == "project":  # a line without any budget record
        return Target("project", r.record_id, "funds")
    if r.record_type == "major_group":
        return _group_target(s, r.record_id)
    return Target(r.record_type, r.record_id)


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


Rule = Callable[[Session, dt.date], list[Reminder]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    """Register a reminder rule."""
    RULES.append(fn)
    return fn


def reminders(s: Session, today: dt.date | None = None, rules: list[Rule] | None = None) -> list[Reminder]:
    """Every rule's reminders, newest deadlines first (what is coming up and what just passed before what
    has been overdue for years), those without a deadline last; then kind and title."""
    today = today or dt.date.today()
    out = [r for fn in (RULES if rules is None else rules) for r in fn(s, today)]
    out.sort(key=lambda r: (r.due is None, -(r.due or dt.date.min).toordinal(), r.kind, r.title, r.record_id))
    return out


def _agreement_title(number: str, title: str) -> str:
    return f"{title}（{number}）" if number else title


@rule
def agreements_ending(s: Session, today: dt.date) -> list[Reminder]:
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
        name = _agreement_title(number, title)
        if left < 0:
            kind, message = "agreement_past_end", f"协议已于{ends_on}到期，状态仍为生效：请续签或确认到期"
        else:
            kind = "agreement_expiring_30" if left <= 30 else "agreement_expiring_90"
            when = "今天到期" if left == 0 else f"还有{left}天到期（{ends_on}）"
            message = f"协议{when}，请及早商议续签"
        out.append(Reminder(kind, "agreement", aid, name, ends_on, message, "H第十条"))
    return out


@rule
def overdue_action_items(s: Session, today: dt.date) -> list[Reminder]:
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
        Reminder(
            "action_item_overdue",
            "action_item",
            iid,
            f"{project}：{description[:40]}",
            due,
            f"会议待办事项已逾期{(today - due).days}天" + (f"（责任人：{owner}）" if owner else ""),
            "H第十条(一)",
        )
        for iid, description, owner, due, project in rows
    ]


@rule
def projects_without_leader(s: Session, today: dt.date) -> list[Reminder]:
    rows = s.execute(
        select(Project.id, Project.name).where(Project.deleted_at.is_(None), Project.leader == "")
    )
    return [
        Reminder("project_no_leader", "project", pid, name, None, "项目尚未指定负责人", "H第十条(四)")
        for pid, name in rows
    ]


@rule
def missing_operation_reports(s: Session, today: dt.date) -> list[Reminder]:
    submitted = {
        (pid, semester)
        for pid, semester in s.execute(
            select(OperationReport.project_id, OperationReport.semester).where(
                OperationReport.deleted_at.is_(None)
            )
        )
    }
    cal = get_semester_calendar(s)
    out = []
    for pid, name, starts_on, ends_on in s.execute(
        select(Project.id, Project.name, Project.starts_on, Project.ends_on).where(
            Project.deleted_at.is_(None), Project.starts_on.is_not(None)
        )
    ):
        for semester in past_semesters(starts_on, today, ends_on, cal):
            if (pid, semester) not in submitted:
                out.append(
                    Reminder(
                        "operation_report_missing",
                        "project",
                        pid,
                        name,
                        semester_bounds(semester, cal)[1],
                        f"缺少{semester}学期的运行报告（报发展规划处）",
                        "H第十条(五)",
                    )
                )
    return out


@rule
def partners_not_visited(s: Session, today: dt.date) -> list[Reminder]:
    last = last_visits(s)
    since = today - dt.timedelta(days=365)
    out = []
    for eid, name, start in s.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.cooperation_start).where(
            Enterprise.deleted_at.is_(None), Enterprise.status == "合作中"
        )
    ):
        visited = last.get(eid)
        if visited is not None and visited > since:
            continue
        base = visited or start
        message = f"上次走访：{visited}，已超过一年" if visited else "合作中的企业尚无走访记录"
        due = base + dt.timedelta(days=365) if base else None
        out.append(Reminder("partner_not_visited", "enterprise", eid, name, due, message, "H第十七条"))
    return out


@rule
def budgets_overspent(s: Session, today: dt.date) -> list[Reminder]:
    out = []
    for line in overspent_lines(s, years=(today.year - 1, today.year)):
        record = ("budget", line.budget_id) if line.budget_id else ("project", line.project_id)
        budget = f"预算{format_money(line.budget_fen)}" if line.budget_fen else "未编制预算"
        message = f"支出{format_money(line.spent_fen)}，{budget}，超出{format_money(-line.remaining_fen)}"
        title = f"{line.project_name}：{line.year}年度{line.category_name}"
        out.append(Reminder("budget_overspent", *record, title, line.last_expense_on, message, "H第十五条"))
    return out


@rule
def assets_not_disposed(s: Session, today: dt.date) -> list[Reminder]:
    ended = (
        select(AgreementTransition.agreement_id, func.max(AgreementTransition.at).label("at"))
        .where(AgreementTransition.to_status == "终止")
        .group_by(AgreementTransition.agreement_id)
        .subquery()
    )
    rows = s.execute(
        select(Asset.id, Asset.name, Agreement.title, Agreement.number, ended.c.at)
        .join(Agreement, Agreement.id == Asset.agreement_id)
        .outerjoin(ended, ended.c.agreement_id == Agreement.id)
        .where(
            Asset.deleted_at.is_(None),
            Asset.status != "已处置",
            Agreement.deleted_at.is_(None),
            Agreement.status == "终止",
        )
    )
    return [
        Reminder(
            "asset_not_disposed",
            "asset",
            aid,
            name,
            at.date() if at else None,
            f"协议“{_agreement_title(number, title)}”已终止，资产尚未处置（清算、移交或折价补偿）",
            "H第十六条(三)",
        )
        for aid, name, title, number, at in rows
    ]


@rule
def assets_without_custodian(s: Session, today: dt.date) -> list[Reminder]:
    rows = s.execute(
        select(Asset.id, Asset.name).where(
            Asset.deleted_at.is_(None), Asset.status != "已处置", Asset.custodian == ""
        )
    )
    return [
        Reminder("asset_no_custodian", "asset", aid, name, None, "资产尚未指定保管责任人", "H第十六条(二)")
        for aid, name in rows
    ]


@rule
def teachers_short_of_practice(s: Session, today: dt.date) -> list[Reminder]:
    return [
        Reminder(
            "teacher_practice_short",
            "teacher",
            g.teacher_id,
            f"{g.name}（{g.staff_no}）" if g.staff_no else g.name,
            None,
            f"近五年（{g.window_start}至{g.window_end}）企业实践{g.days_done}天（{format_months(g.days_done)}），"
            f"还差{g.days_missing}天（要求满{REQUIRED_DAYS}天，即6个月）",
            "N四(五)1",
        )
        for g in practice_gaps(s, today, short_only=True)
    ]


@rule
def groups_without_organizations(s: Session, today: dt.date) -> list[Reminder]:
    out = []
    for g in group_organizations(s, today):
        n = len(g.organization_ids)
        if not g.linked_ok:
            message = "尚未联系行业组织（要求1–2个）" if n == 0 else f"联系了{n}个行业组织（要求1–2个）"
            out.append(
                Reminder(
                    "group_organizations", "major_group", g.group_id, g.group_name, None, message, "N四(一)2"
                )
            )
        if n and not g.activities:
            last = f"上次活动：{g.last_activity_on}" if g.last_activity_on else "尚无活动记录"
            message = f"{g.school_year}学年尚未参与行业组织活动（每学年至少1次；{last}）"
            out.append(
                Reminder(
                    "group_no_activity",
                    "major_group",
                    g.group_id,
                    g.group_name,
                    g.last_day,
                    message,
                    "N四(一)2",
                )
            )
    return out


_AFTER_END = ("INT-EVALUATION", "INT-LOW-SCORE")  # what still matters once an internship has ended


@rule
def internship_problems(s: Session, today: dt.date) -> list[Reminder]:
    """Every 错误 / 警告 of the internships not 终止 (of those 已结束, only the evaluations), H第十二条 and
    实习规定; the blocking ones are due on the start date."""
    out = []
    for r in internship_rows(s, today=today):
        if r.status == "终止":
            continue
        where = r.enterprise_name or r.base_name
        title = f"{r.student_name}（{r.class_name}）" + (f"—{where}" if where else "")
        for p in r.problems:
            if p.severity == "提示" or (r.status == "已结束" and p.code not in _AFTER_END):
                continue
            due = r.starts_on if p.blocks else None
            out.append(Reminder(f"internship_{p.code}", "internship", r.id, title, due, p.message, p.source))
    return out
