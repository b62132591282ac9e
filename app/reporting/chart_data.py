"""The figures behind the charts of the 工作台 (ui/charts.py draws them). Reads only; `today` is injected.

- Partners: live enterprises 合作中, by the highest tier of their live projects (尚无项目 without one, as the
  figures box of the 工作台), and by category (H第八条(一)): an enterprise in two categories counts in both,
  one in none counts under 未标注类别.
- Internships of the current 学年 (by the college's calendar): live internships of live students, both kinds,
  except those still 计划; the enterprise is the internship's own or else that of its base. Per enterprise:
  the ten with the most internships overlapping the 学年 (those without an enterprise are left out). Per month:
  the internships under way in each month of the 学年 (overlapping it), by kind.
- Funds of the calendar year (年度) of today: per live project, its budget and its expenses (支出) of the year,
  from app/services/funds.py budget_summary; the ten largest budgets (then expenses).
- Trend: 就业率, 双师型教师比例 and 岗位实习学生数 of app/reporting/evaluation.py for the five 学年 up to the
  current one (the current one is under way: its figures are so far). Slow on a large archive: the 工作台 asks
  for it separately, on the worker.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import ENTERPRISE_CATEGORIES, TIER_LABELS, TIERS, Enterprise, EnterpriseCategory
from app.db.models_internships import INTERNSHIP_KINDS, Internship, PracticeBase, Student
from app.reporting.dashboard import NO_TIER, partners_by_tier
from app.reporting.evaluation import annual_indicators
from app.reporting.facts import Year, year_of
from app.reporting.period_figures import cooperating
from app.services.funds import budget_summary
from app.services.industry import school_year_of

TOP = 10
NO_CATEGORY = "未标注类别"
TREND_YEARS = 5
TREND_KEYS = ("employment_rate", "dual_ratio", "interns")  # evaluation.py indicator keys


@dataclass(frozen=True)
class Count:
    label: str
    value: int
    tip: str = ""  # the full name when the label is shortened in the chart, or what the count means


@dataclass(frozen=True)
class MonthCount:
    month: dt.date  # its first day
    by_kind: tuple[int, ...]  # in the order of INTERNSHIP_KINDS

    @property
    def label(self) -> str:
        return f"{self.month.month}月"


@dataclass(frozen=True)
class ProjectFunds:
    project_id: str
    name: str
    budget_fen: int
    spent_fen: int


@dataclass(frozen=True)
class ChartData:
    school_year: str  # the current 学年, 2026-2027
    year: int  # the calendar year of the funds
    partners_by_tier: tuple[Count, ...]  # 融合层, 深化层, 基础层, 尚无项目
    partners_by_category: tuple[Count, ...]  # the categories of H第八条(一), then 未标注类别
    internships_by_enterprise: tuple[Count, ...]  # at most TOP, most first
    enterprises_left_out: int  # enterprises with internships beyond the top TOP
    internships_by_month: tuple[MonthCount, ...]
    funds: tuple[ProjectFunds, ...]  # at most TOP
    projects_left_out: int

    @property
    def partners(self) -> int:
        return sum(c.value for c in self.partners_by_tier)


@dataclass(frozen=True)
class TrendYear:
    school_year: str
    values: dict[str, float | None]  # indicator key → ratio 0..1 or count; None when undefined
    current: bool = False  # the 学年 under way


@dataclass(frozen=True)
class Trend:
    names: dict[str, str]  # indicator key → its name (就业率 …)
    definitions: dict[str, str]  # indicator key → its definition for the latest 学年
    years: tuple[TrendYear, ...]  # oldest first

    @property
    def empty(self) -> bool:
        return all(not v for y in self.years for v in y.values.values())


def chart_data(s: Session, today: dt.date | None = None) -> ChartData:
    today = today or dt.date.today()
    y = year_of(s, school_year_of(s, today))
    by_enterprise, left_out = _internships_by_enterprise(s, y)
    funds, more = _funds(s, today.year)
    return ChartData(
        school_year=y.school_year,
        year=today.year,
        partners_by_tier=_tiers(s, today),
        partners_by_category=_categories(s, today),
        internships_by_enterprise=by_enterprise,
        enterprises_left_out=left_out,
        internships_by_month=_by_month(s, y),
        funds=funds,
        projects_left_out=more,
    )


# ---------------------------------------------------------------- partners


def _tiers(s: Session, today: dt.date) -> tuple[Count, ...]:
    counts = partners_by_tier(s, today)
    labels = {**TIER_LABELS, NO_TIER: "尚无项目"}
    return tuple(Count(labels[t], counts[t]) for t in (*reversed(TIERS), NO_TIER))


def _categories(s: Session, today: dt.date) -> tuple[Count, ...]:
    rows = s.execute(
        select(EnterpriseCategory.category, func.count())
        .join(Enterprise, Enterprise.id == EnterpriseCategory.enterprise_id)
        .where(*cooperating(today))  # 合作中的企业: app/reporting/period_figures.py
        .group_by(EnterpriseCategory.category)
    )
    counts = dict(rows.all())
    tagged = select(EnterpriseCategory.enterprise_id).where(
        EnterpriseCategory.category.in_(ENTERPRISE_CATEGORIES)
    )
    untagged = s.scalar(
        select(func.count()).select_from(Enterprise).where(*cooperating(today), Enterprise.id.not_in(tagged))
    )
    return (
        *(Count(c, counts.get(c, 0)) for c in ENTERPRISE_CATEGORIES),
        Count(NO_CATEGORY, untagged or 0, "合作中但未标注企业类别的企业"),
    )


# ---------------------------------------------------------------- internships


def _internships(s: Session, y: Year):
    """(kind, start, end, enterprise id) of the internships overlapping the 学年, not 计划."""
    return s.execute(
        select(
            Internship.kind,
            Internship.starts_on,
            Internship.ends_on,
            func.coalesce(Internship.enterprise_id, PracticeBase.enterprise_id),
        )
        .join(Student, Student.id == Internship.student_id)
        .outerjoin(PracticeBase, PracticeBase.id == Internship.base_id)
        .where(
            Internship.deleted_at.is_(None),
            Student.deleted_at.is_(None),
            Internship.status != "计划",
            Internship.starts_on <= y.last,
            Internship.ends_on >= y.first,
        )
    ).all()


def _internships_by_enterprise(s: Session, y: Year) -> tuple[tuple[Count, ...], int]:
    counts = Counter(eid for _k, _a, _b, eid in _internships(s, y) if eid)
    names = dict(
        s.execute(select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(list(counts)))).all()
    )
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], names.get(kv[0], ""), kv[0]))
    top = tuple(Count(names.get(eid, ""), n, names.get(eid, "")) for eid, n in ranked[:TOP])
    return top, max(0, len(ranked) - TOP)


def months_of(y: Year) -> list[tuple[dt.date, dt.date]]:
    """The months of a 学年 as (first, last) days, clipped to the 学年."""
    out = []
    day = y.first.replace(day=1)
    while day <= y.last:
        following = (day + dt.timedelta(days=32)).replace(day=1)
        out.append((max(day, y.first), min(following - dt.timedelta(days=1), y.last)))
        day = following
    return out


def _by_month(s: Session, y: Year) -> tuple[MonthCount, ...]:
    months = months_of(y)
    counts = [[0] * len(INTERNSHIP_KINDS) for _ in months]
    for kind, start, end, _eid in _internships(s, y):
        if kind not in INTERNSHIP_KINDS:
            continue
        k = INTERNSHIP_KINDS.index(kind)
        for i, (first, last) in enumerate(months):
            if start <= last and end >= first:
                counts[i][k] += 1
    return tuple(
        MonthCount(first.replace(day=1), tuple(c)) for (first, _l), c in zip(months, counts, strict=True)
    )


# ---------------------------------------------------------------- funds


def _funds(s: Session, year: int) -> tuple[tuple[ProjectFunds, ...], int]:
    per: dict[str, list] = {}
    for line in budget_summary(s, year).lines:
        row = per.setdefault(line.project_id, [line.project_name, 0, 0])
        row[1] += line.budget_fen
        row[2] += line.spent_fen
    ranked = sorted(
        (ProjectFunds(pid, name, b, x) for pid, (name, b, x) in per.items() if b or x),
        key=lambda p: (-p.budget_fen, -p.spent_fen, p.name, p.project_id),
    )
    return tuple(ranked[:TOP]), max(0, len(ranked) - TOP)


# ---------------------------------------------------------------- trend


def school_years_back(s: Session, today: dt.date, n: int = TREND_YEARS) -> list[str]:
    """The n 学年 up to the current one, oldest first: 2022-2023 … 2026-2027."""
    first = int(school_year_of(s, today)[:4])
    return [f"{y}-{y + 1}" for y in range(first - n + 1, first + 1)]


def indicator_trend(s: Session, today: dt.date | None = None, n: int = TREND_YEARS) -> Trend:
    today = today or dt.date.today()
    years = school_years_back(s, today, n)
    names: dict[str, str] = {}
    definitions: dict[str, str] = {}
    out = []
    for sy in years:
        wanted = {i.key: i for i in annual_indicators(s, sy, headline=False) if i.key in TREND_KEYS}
        for key, ind in wanted.items():
            names[key], definitions[key] = ind.name, ind.definition
        out.append(
            TrendYear(sy, {k: wanted[k].value if k in wanted else None for k in TREND_KEYS}, sy == years[-1])
        )
    return Trend(names, definitions, tuple(out))
