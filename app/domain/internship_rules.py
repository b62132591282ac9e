"""The rules an internship is checked against (实习规定; H第十二条), as pure functions over its facts.

Each problem has a code, a severity (错误 / 警告 / 提示), its source and a message that says what is wrong and
how to fix it. `blocks` marks the problems that keep an internship from becoming 实习中 (H第十二条(三): insurance
and a signed 三方协议 before a 岗位实习 starts; 实习规定 Art. 16: no 岗位实习 for first-year students or those
under 16).

Monthly evaluations (H第十二条(四)): a calendar month needs an enterprise evaluation once it has ended, if the
internship covers at least 15 of its days, or lies wholly inside it; only internships 实习中 or 已结束 are
checked. A score under 60 is a warning (预警).

Which rules are in force is the college's choice in 设置 (app/services/rule_sets.py): the national 实习规定
always, the school policy of the chosen preset (H, N) or none. `internship_problems(…, preset=…)` keeps the
problems of the rules in force, citing only the documents in force — the test of the 合规检查 itself
(app.compliance.registry.source_in_force), so that 学生实习, the 三方协议 batch and 合规检查 agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace

ERROR, WARNING, HINT = "错误", "警告", "提示"
PLACEMENT = "岗位实习"
LOW_SCORE = 60
MIN_AGE = 16
MAX_HOURS_PER_DAY = 8
MAX_HOURS_PER_WEEK = 40
PAY_RATIO = 0.8
MONTH_DAYS_DUE = 15
PARTY_LABELS = {
    "counselor": "辅导员",
    "academic_mentor": "专业导师",
    "enterprise_hr": "企业人事主管",
    "enterprise_mentor": "企业实习负责人",
    "guardian": "家长",
}


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    source: str
    message: str
    blocks: bool = False  # keeps the internship from becoming 实习中


# Not frozen: the 合规检查 builds one per internship (20,000 at once), and a frozen one is 4× slower to build.
@dataclass(slots=True)
class InternshipFacts:
    kind: str
    status: str
    starts_on: dt.date
    ends_on: dt.date
    monthly_pay_fen: int = 0
    same_post_wage_fen: int = 0
    hours_per_day: float = 8.0
    days_per_week: int = 5
    night_shift: bool = False
    overtime: bool = False
    insurer: str = ""
    policy_no: str = ""
    insured_from: dt.date | None = None
    insured_to: dt.date | None = None
    has_tripartite: bool = False
    parties: dict[str, str] = field(default_factory=dict)  # PARTY_LABELS key → name
    birth_date: dt.date | None = None
    entry_year: int | None = None
    # without the birth date (a user without 学生个人信息 on a server): the age on starts_on, whole years
    age_at_start: int | None = None
    school_year_start: int | None = None  # the year the 学年 containing starts_on began (2025 for 2025-2026)
    evaluations: dict[dt.date, int] = field(default_factory=dict)  # month (first day) → score
    insurance_paid_by: str = ""  # 学校 / 实习单位 / 学生 / 其他


def cn_day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month(d: dt.date) -> str:
    return f"{d.year}年{d.month}月"


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def sixteenth_birthday(birth: dt.date) -> dt.date:
    """The day one turns 16 (29 February → 1 March in a common year)."""
    try:
        return birth.replace(year=birth.year + MIN_AGE)
    except ValueError:
        return dt.date(birth.year + MIN_AGE, 3, 1)


def _insurance(f: InternshipFacts) -> list[Problem]:
    placement = f.kind == PLACEMENT
    severity = ERROR if placement else WARNING
    source = "H第十二条(三)；实习规定" if placement else "实习规定"
    if not (f.insurer and f.policy_no and f.insured_from and f.insured_to):  # (a date is never false)
        labels = (("保险公司", f.insurer), ("保单号", f.policy_no), ("保险起始日期", f.insured_from))
        missing = [label for label, value in (*labels, ("保险截止日期", f.insured_to)) if not value]
        return [
            Problem(
                "INT-INSURANCE",
                severity,
                source,
                f"未登记实习责任保险：请填写{'、'.join(missing)}",
                placement,
            )
        ]
    if f.insured_from <= f.starts_on and f.insured_to >= f.ends_on:
        return []
    gaps = []
    if f.insured_from > f.starts_on:
        gaps.append(f"实习开始的{cn_day(f.starts_on)}至{cn_day(f.insured_from - dt.timedelta(days=1))}")
    if f.insured_to < f.ends_on:
        gaps.append(f"{cn_day(f.insured_to + dt.timedelta(days=1))}至实习结束的{cn_day(f.ends_on)}")
    if gaps:
        return [
            Problem(
                "INT-INSURANCE",
                severity,
                source,
                f"保险期间未覆盖整个实习期：{'；'.join(gaps)}没有保险。请续保或调整保险起止日期",
                placement,
            )
        ]
    return []


def _tripartite(f: InternshipFacts) -> list[Problem]:
    if f.kind != PLACEMENT or f.has_tripartite:
        return []
    return [
        Problem(
            "INT-TRIPARTITE",
            ERROR,
            "H第十二条(三)；实习规定",
            "尚未登记已签订的三方协议：签订后在“材料”中勾选“三方协议”（或将状态改为“协议已签”）",
            True,
        )
    ]


def _grade_and_age(f: InternshipFacts) -> list[Problem]:
    if f.kind != PLACEMENT:
        return []
    out = []
    if f.entry_year is not None and f.school_year_start is not None and f.school_year_start <= f.entry_year:
        out.append(
            Problem(
                "INT-GRADE",
                ERROR,
                "实习规定第十六条",
                f"一年级学生不得参加岗位实习：该生{f.entry_year}年入学，实习开始于{cn_day(f.starts_on)}时仍在一年级",
                True,
            )
        )
    age = age_on(f.birth_date, f.starts_on) if f.birth_date is not None else f.age_at_start
    if age is not None and age < MIN_AGE:
        # the day of the 16th birthday only to whom may read the birth date
        when = f"，{cn_day(sixteenth_birthday(f.birth_date))}满16周岁" if f.birth_date is not None else ""
        out.append(
            Problem(
                "INT-AGE",
                ERROR,
                "实习规定第十六条",
                f"未满16周岁的学生不得参加岗位实习：实习开始时该生{age}周岁{when}",
                True,
            )
        )
    return out


def _pay(f: InternshipFacts) -> list[Problem]:
    if f.kind != PLACEMENT:
        return []
    if f.same_post_wage_fen <= 0:
        return [
            Problem(
                "INT-PAY", HINT, "实习规定第十八条", "未填写同岗位职工工资，无法核对实习报酬是否不低于其80%"
            )
        ]
    floor = f.same_post_wage_fen * PAY_RATIO
    if f.monthly_pay_fen < floor:
        return [
            Problem(
                "INT-PAY",
                ERROR,
                "实习规定第十八条",
                f"实习报酬每月{f.monthly_pay_fen / 100:,.2f}元，低于同岗位职工工资{f.same_post_wage_fen / 100:,.2f}元的80%"
                f"（{floor / 100:,.2f}元）：请与实习单位协商调整",
            )
        ]
    return []


def _hours(f: InternshipFacts) -> list[Problem]:
    wrong = []
    if f.night_shift:
        wrong.append("安排了夜班")
    if f.overtime:
        wrong.append("安排了加班或法定节假日上岗")
    if f.hours_per_day > MAX_HOURS_PER_DAY:
        wrong.append(f"每日工作{f.hours_per_day:g}小时，超过8小时")
    if f.hours_per_day * f.days_per_week > MAX_HOURS_PER_WEEK:
        wrong.append(f"每周工作{f.hours_per_day * f.days_per_week:g}小时，超过40小时")
    if not wrong:
        return []
    return [
        Problem(
            "INT-HOURS",
            ERROR,
            "实习规定（休息休假）",
            f"{'；'.join(wrong)}：实习学生不得加班、上夜班，每日不超过8小时",
        )
    ]


def _parties(f: InternshipFacts) -> list[Problem]:
    if all(map(f.parties.get, PARTY_LABELS)):
        return []
    missing = [label for key, label in PARTY_LABELS.items() if not f.parties.get(key)]
    return [Problem("INT-PARTIES", WARNING, "H第十二条(二)", f"五方联动未落实：请填写{'、'.join(missing)}")]


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def due_months(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> list[dt.date]:
    """The months (first days) that need an enterprise evaluation by `today` (see the module docstring)."""
    out = []
    m = month_start(starts_on)
    while m <= ends_on and month_end(m) < today:
        first, last = max(m, starts_on), min(month_end(m), ends_on)
        covered = (last - first).days + 1
        whole = month_start(starts_on) == m == month_start(ends_on)
        if covered >= MONTH_DAYS_DUE or whole:
            out.append(m)
        m = month_end(m) + dt.timedelta(days=1)
    return out


def _evaluations(f: InternshipFacts, today: dt.date) -> list[Problem]:
    if f.status not in ("实习中", "已结束"):
        return []
    out = []
    missing = [m for m in due_months(f.starts_on, f.ends_on, today) if m not in f.evaluations]
    if missing:
        months = "、".join(cn_month(m) for m in missing)
        out.append(
            Problem(
                "INT-EVALUATION",
                WARNING,
                "H第十二条(四)",
                f"缺少{months}的企业月度评价：请向实习单位收取并登记",
            )
        )
    low = sorted(m for m, score in f.evaluations.items() if score < LOW_SCORE)
    if low:
        scores = "、".join(f"{cn_month(m)}{f.evaluations[m]}分" for m in low)
        out.append(
            Problem(
                "INT-LOW-SCORE",
                WARNING,
                "H第十二条(四)",
                f"企业月度评价低于60分（{scores}）：请联系学生和企业导师了解情况",
            )
        )
    return out


# The rules on the placement itself (what a 三方协议 would print): an agreement for an internship breaking one
# of these is not one to sign. Not INT-TRIPARTITE (the agreement is what is being made), nor the five parties
# or the evaluations (the process after signing).
PLACEMENT_RULES = ("INT-INSURANCE", "INT-PREMIUM", "INT-GRADE", "INT-AGE", "INT-PAY", "INT-HOURS")
PREMIUM_PAYERS_FORBIDDEN = ("学生",)


def placement_problems(problems: list[Problem]) -> list[Problem]:
    """Of an internship's problems (internship_problems), the errors on the placement itself."""
    return [p for p in problems if p.code in PLACEMENT_RULES and p.severity == ERROR]


def premium_problem(kind: str, paid_by: str) -> Problem | None:
    """The premium of a 岗位实习's liability insurance is never borne by the student (实习规定, by content)."""
    if kind != PLACEMENT or paid_by.strip() not in PREMIUM_PAYERS_FORBIDDEN:
        return None
    return Problem(
        "INT-PREMIUM",
        ERROR,
        "实习规定（实习责任保险）",
        "实习责任保险的保险费登记为由学生支付：保险费不得由学生承担，请改由学校或实习单位支付",
        False,  # recorded wrongly more often than paid wrongly: it does not stop the status from moving on
    )


def in_force(problems: list[Problem], preset: str) -> list[Problem]:
    """The problems of the rules in force under the school preset ("H", "N", or "" for none): a problem whose
    only source is a preset not chosen goes (H's 五方联动 and monthly evaluations under N); the others keep
    the parts of their source in force (“H第十二条(三)；实习规定” is “实习规定” under N)."""
    from app.compliance.registry import source_in_force  # imported here: the registry's rules import this

    out = []
    for p in problems:
        source = source_in_force(p.source, preset)
        if source:
            out.append(p if source == p.source else replace(p, source=source))
    return out


def internship_problems(f: InternshipFacts, today: dt.date, *, preset: str | None = None) -> list[Problem]:
    """Every problem of one internship, the blocking ones first: of the rules in force under `preset` (the
    choice of 设置, rule_sets.get_rule_preset), or of every rule set when None (the 合规检查, which keeps
    the rules in force itself)."""
    if f.status == "终止":
        return []
    premium = premium_problem(f.kind, f.insurance_paid_by)
    found = (
        _insurance(f)
        + ([premium] if premium else [])
        + _tripartite(f)
        + _grade_and_age(f)
        + _pay(f)
        + _hours(f)
        + _parties(f)
        + _evaluations(f, today)
    )
    if preset is not None:
        found = in_force(found, preset)
    if len(found) < 2:  # most internships (20,000 checked at once): nothing to order
        return found
    return sorted(found, key=lambda p: (not p.blocks, (ERROR, WARNING, HINT).index(p.severity)))
