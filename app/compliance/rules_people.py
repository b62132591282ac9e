"""Rules of internships, practice bases, teachers and 专业群 (实习规定; H第十二条; N四(一), N四(四), N四(五)).

- INT-*: each problem app/domain/internship_rules.py finds on an internship not 终止 (of those 已结束, only the
  evaluations); 提示-level ones (e.g. no same-post wage to compare with) are left to the internship's form. The
  severity is the problem's (insurance is an 错误 for a 岗位实习, a 警告 for a 认识实习); the blocking ones are due
  on the start date.
- BASE-DEMO: each major (served by the college) has at least one 校级示范 (or 省级 / 国家级) base that is not a
  校内实训基地, N四(四)2.
- BASE-SUMMARY: each major served by a base, or that used one, has its semester-end usage summary of the last
  semester that has ended marked submitted, N四(四)2; due = that semester's last day; detail = the semester.
- TEACHER-PRACTICE: full-time teachers with less than 180 days of enterprise practice in the 5 years ending
  today, N四(五)1.
- ORG-GROUP / ORG-ACTIVITY: 专业群 not linked to 1–2 live industry organizations, and 专业群 whose linked
  organizations have no activity in the current 学年 (due = the 学年's last day; only groups with at least one
  organization), N四(一)2.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.compliance.registry import ERROR, WARNING, Finding, check, define, finding
from app.db.models import BaseUsage, Major, PracticeBase, PracticeBaseMajor, UsageSummary
from app.domain.practice import REQUIRED_DAYS, format_months
from app.domain.semesters import semester_bounds, semester_of
from app.services.industry import group_organizations
from app.services.internship_checks import checked_internships
from app.services.settings import get_semester_calendar
from app.services.teachers import practice_gaps

_INT = "internship"
define(
    "INT-INSURANCE",
    "实习保险未覆盖",
    "H第十二条(三)；实习规定",
    ERROR,
    _INT,
    "岗位实习前须购买覆盖整个实习期的实习责任保险",
)
define(
    "INT-PREMIUM",
    "实习保险费由学生承担",
    "实习规定（实习责任保险）",
    ERROR,
    _INT,
    "岗位实习的实习责任保险费不得由学生承担",
)
define("INT-TRIPARTITE", "未签三方协议", "H第十二条(三)；实习规定", ERROR, _INT, "岗位实习前须签订三方协议")
define("INT-GRADE", "一年级学生岗位实习", "实习规定第十六条", ERROR, _INT, "不得安排一年级学生参加岗位实习")
define(
    "INT-AGE", "未满16周岁岗位实习", "实习规定第十六条", ERROR, _INT, "不得安排未满16周岁的学生参加岗位实习"
)
define("INT-PAY", "实习报酬低于80%", "实习规定第十八条", ERROR, _INT, "岗位实习报酬不低于同岗位职工工资的80%")
define(
    "INT-HOURS",
    "实习超时/夜班/加班",
    "实习规定（休息休假）",
    ERROR,
    _INT,
    "不得安排加班、夜班，每日不超过8小时",
)
define(
    "INT-PARTIES",
    "五方联动未落实",
    "H第十二条(二)",
    WARNING,
    _INT,
    "每条实习须明确辅导员、专业导师、企业人事主管、企业实习负责人、家长",
)
define("INT-EVALUATION", "缺企业月度评价", "H第十二条(四)", WARNING, _INT, "实习期间每月须有企业评价")
define(
    "INT-LOW-SCORE", "企业评价低于60分（预警）", "H第十二条(四)", WARNING, _INT, "企业月度评价低于60分时预警"
)
define(
    "BASE-DEMO",
    "专业缺校级以上校外示范基地",
    "N四(四)2",
    WARNING,
    "major",
    "每个专业至少有一个校级（或以上）校外实践教学示范基地",
)
define(
    "BASE-SUMMARY",
    "专业未提交学期基地使用汇总",
    "N四(四)2",
    WARNING,
    "major",
    "每个专业每学期末提交实践基地使用情况汇总",
)
define(
    "TEACHER-PRACTICE",
    "教师企业实践不足",
    "N四(五)1",
    WARNING,
    "teacher",
    "专任教师每五年累计不少于6个月（180天）企业实践",
)
define(
    "ORG-GROUP",
    "专业群未联系1–2个行业组织",
    "N四(一)2",
    WARNING,
    "major_group",
    "每个专业群对接1–2个行业组织",
)
define(
    "ORG-ACTIVITY",
    "专业群本学年无行业组织活动",
    "N四(一)2",
    WARNING,
    "major_group",
    "每个专业群每学年至少参与一次行业组织活动",
)

_INT_CODES = (
    "INT-INSURANCE",
    "INT-PREMIUM",
    "INT-TRIPARTITE",
    "INT-GRADE",
    "INT-AGE",
    "INT-PAY",
    "INT-HOURS",
    "INT-PARTIES",
)
_AFTER_END = ("INT-EVALUATION", "INT-LOW-SCORE")  # what still matters once an internship has ended


@check(*_INT_CODES, *_AFTER_END)
def internship_problems(s: Session, today: dt.date) -> list[Finding]:
    out = []
    for c in checked_internships(s, today):
        title = f"{c.student_name}（{c.class_name}）" + (f"—{c.place_name}" if c.place_name else "")
        for p in c.problems:
            if p.severity == "提示" or (c.status == "已结束" and p.code not in _AFTER_END):
                continue
            due = c.starts_on if p.blocks else None
            out.append(finding(p.code, c.id, title, p.message, due, severity=p.severity))
    return out


def _majors(s: Session) -> list[tuple[str, str]]:
    return list(
        s.execute(select(Major.id, Major.name).where(Major.deleted_at.is_(None)).order_by(Major.sort_order))
    )


def _served(s: Session) -> set[str]:
    """Majors named by a live base."""
    return set(
        s.scalars(
            select(PracticeBaseMajor.major_id)
            .join(PracticeBase, PracticeBase.id == PracticeBaseMajor.base_id)
            .where(PracticeBase.deleted_at.is_(None))
        )
    )


@check("BASE-DEMO")
def majors_without_model_base(s: Session, today: dt.date) -> list[Finding]:
    covered = set(
        s.scalars(
            select(PracticeBaseMajor.major_id)
            .join(PracticeBase, PracticeBase.id == PracticeBaseMajor.base_id)
            .where(
                PracticeBase.deleted_at.is_(None),
                PracticeBase.kind != "校内实训基地",
                PracticeBase.level.in_(("校级示范", "省级", "国家级")),
            )
        )
    )
    message = "尚无校级（或以上）校外实践教学示范基地：请在“实践基地”中登记基地的级别并勾选面向专业"
    return [finding("BASE-DEMO", mid, name, message) for mid, name in _majors(s) if mid not in covered]


def last_ended_semester(s: Session, today: dt.date) -> str:
    """The latest semester whose last day is before today (by the college's calendar)."""
    cal = get_semester_calendar(s)
    current = semester_of(today, cal)
    if current is None:  # the summer break: the second semester has just ended
        y = today.year if (today.month, today.day) < cal.first_start else today.year + 1
        return f"{y - 1}-{y}-2"
    y = int(current[:4])
    return f"{y}-{y + 1}-1" if current.endswith("-2") else f"{y - 1}-{y}-2"


@check("BASE-SUMMARY")
def majors_without_summary(s: Session, today: dt.date) -> list[Finding]:
    semester = last_ended_semester(s, today)
    last = semester_bounds(semester, get_semester_calendar(s))[1]
    used = set(
        s.scalars(
            select(BaseUsage.major_id).where(BaseUsage.deleted_at.is_(None), BaseUsage.semester == semester)
        )
    )
    submitted = set(
        s.scalars(
            select(UsageSummary.major_id).where(
                UsageSummary.deleted_at.is_(None), UsageSummary.semester == semester
            )
        )
    )
    due = _served(s) | used
    message = f"尚未提交{semester}学期的实践基地使用情况汇总：在“实践基地 → 学期汇总”中生成并标记已提交"
    return [
        finding("BASE-SUMMARY", mid, name, message, last, detail=semester)
        for mid, name in _majors(s)
        if mid in due and mid not in submitted
    ]


@check("TEACHER-PRACTICE")
def teachers_short_of_practice(s: Session, today: dt.date) -> list[Finding]:
    return [
        finding(
            "TEACHER-PRACTICE",
            g.teacher_id,
            f"{g.name}（{g.staff_no}）" if g.staff_no else g.name,
            f"近五年（{g.window_start}至{g.window_end}）企业实践{g.days_done}天（{format_months(g.days_done)}），"
            f"还差{g.days_missing}天（要求满{REQUIRED_DAYS}天，即6个月）",
        )
        for g in practice_gaps(s, today, short_only=True)
    ]


@check("ORG-GROUP", "ORG-ACTIVITY")
def groups_without_organizations(s: Session, today: dt.date) -> list[Finding]:
    out = []
    for g in group_organizations(s, today):
        n = len(g.organization_ids)
        if not g.linked_ok:
            message = "尚未联系行业组织（要求1–2个）" if n == 0 else f"联系了{n}个行业组织（要求1–2个）"
            out.append(finding("ORG-GROUP", g.group_id, g.group_name, message))
        if n and not g.activities:
            last = f"上次活动：{g.last_activity_on}" if g.last_activity_on else "尚无活动记录"
            message = f"{g.school_year}学年尚未参与行业组织活动（每学年至少1次；{last}）"
            out.append(
                finding("ORG-ACTIVITY", g.group_id, g.group_name, message, g.last_day, detail=g.school_year)
            )
    return out
