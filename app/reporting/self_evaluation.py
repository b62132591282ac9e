"""Figures of the 年度产教融合工作自评报告 beyond the indicators and the standard tables: the tier distribution of
the active partners (this 学年 and the one before, computed the same way), partners by category, placements
in progress per month, funds spent against budget per project, and the trend of a few indicators.

Choices (the report repeats them in its notes, NOTES):
- Active partners (合作中的企业) of a 学年: app/reporting/period_figures.py cooperating_enterprises as of the
  学年's last day, or today when that is earlier — the one definition the 工作台, the indicators, the package
  and the school's merge use too.
- Its tier in a 学年: the highest tier (基础层 < 深化层 < 融合层, H第九条) among its live projects whose period
  overlaps the 学年 (no start = always, no end = still); none → 未立项. Last 学年's distribution is computed
  by the same rule over the same records, so the change is what today's records say about both years.
- Categories (H第八条(一)): the active partners' current categories; one may have several, 未标注 for none.
- Placements per month: app/reporting/facts.py placements of the 学年, a student counted in each
  calendar month of the 学年 their 岗位实习 overlaps (once per month).
- Funds: budgets are per calendar year (H第十五条); a 学年 spans two, so both years are shown side by side,
  each whole (not cut at the 学年's bounds): budget and expenses (支出) per live project.
- Trend: the five 学年 ending with the chosen one, annual_indicators of each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.compliance.acks import CheckResult
from app.compliance.registry import cite_source
from app.db.models import (
    ENTERPRISE_CATEGORIES,
    TIER_LABELS,
    TIERS,
    EnterpriseCategory,
    Project,
    ProjectEnterprise,
)
from app.package.period import period_of
from app.reporting.evaluation import Indicator, annual_indicators
from app.reporting.facts import Year, placements, year_of
from app.reporting.period_figures import PeriodFigures, cooperating_enterprises, period_figures, period_tables
from app.reporting.tables import ReportTables
from app.services.funds import budget_summary

NO_TIER = "none"
NO_TIER_LABEL = "未立项"
NO_CATEGORY = "未标注类别"
TREND_KEYS = ("employment_rate", "dual_ratio", "interns")
NOTES = (
    "合作中的企业：学年末（学年未结束的为今天）合作企业档案中处于合作状态的企业——合作开始日期不晚于该日"
    "（未填的计入），当天状态为合作中（之后才暂停或解除的也计入）；意向不计，回收站中的不计。工作台、年度评价、"
    "上报材料包和学校汇总按同一口径统计。",
    "合作层次：该企业参与的、周期与学年有交叉的产教融合项目中最高的层次（"
    + cite_source("H第九条")
    + "：基础层＜深化层＜融合层），没有这样的项目的为“未立项”。上一学年按同一口径、用现有记录计算，增减为两者之差。",
    "企业类别按档案中的当前类别（" + cite_source("H第八条(一)") + "），一家企业可属多个类别。",
    "岗位实习人数按月：实习期（不含计划中的，含已终止的）与该月有交叉的学生人数。",
    "经费按自然年编制（"
    + cite_source("H第十五条")
    + "），学年跨两个自然年，图中分列两年各项目的全年预算与支出。",
    "合规检查问题：按学年末（学年未结束的为今天）的情况检查，只列属于本学年的问题（下一学年的实习、"
    "学年以外年度的经费等不列）。",
)


def school_year_before(school_year: str, back: int = 1) -> str:
    first = int(school_year.strip().split("-")[0]) - back
    return f"{first}-{first + 1}"


# ---------------------------------------------------------------- partners and tiers


def active_partners(s: Session, y: Year, today: dt.date | None = None) -> list[str]:
    """Ids of the enterprises in cooperation in the 学年: 合作中 at its end, or today when that is earlier
    (period_figures.cooperating_enterprises, the one definition)."""
    return cooperating_enterprises(s, min(y.last, today or dt.date.today()))


def highest_tiers(s: Session, y: Year) -> dict[str, str]:
    """{enterprise id: highest tier of its live projects running in the 学年}."""
    rows = s.execute(
        select(ProjectEnterprise.enterprise_id, Project.tier)
        .join(Project, Project.id == ProjectEnterprise.project_id)
        .where(
            Project.deleted_at.is_(None),
            or_(Project.starts_on.is_(None), Project.starts_on <= y.last),
            or_(Project.ends_on.is_(None), Project.ends_on >= y.first),
        )
        .distinct()
    )
    best: dict[str, str] = {}
    for eid, tier in rows:
        if tier in TIERS and (eid not in best or TIERS.index(tier) > TIERS.index(best[eid])):
            best[eid] = tier
    return best


@dataclass(frozen=True)
class TierRow:
    tier: str  # foundation / deepening / integration / none
    label: str
    count: int
    last_count: int

    @property
    def change(self) -> int:
        return self.count - self.last_count

    @property
    def change_text(self) -> str:
        return f"+{self.change}" if self.change > 0 else f"−{-self.change}" if self.change < 0 else "持平"


def tier_distribution(s: Session, y: Year, today: dt.date | None = None) -> dict[str, int]:
    best = highest_tiers(s, y)
    counts = dict.fromkeys((*TIERS, NO_TIER), 0)
    for eid in active_partners(s, y, today):
        counts[best.get(eid, NO_TIER)] += 1
    return counts


def tier_rows(s: Session, school_year: str, today: dt.date | None = None) -> tuple[TierRow, ...]:
    """This 学年's distribution of active partners by highest tier, with last 学年's by the same rule."""
    now = tier_distribution(s, year_of(s, school_year), today)
    before = tier_distribution(s, year_of(s, school_year_before(school_year)), today)
    labels = {**TIER_LABELS, NO_TIER: NO_TIER_LABEL}
    return tuple(TierRow(t, labels[t], now[t], before[t]) for t in (*TIERS, NO_TIER))


def category_counts(s: Session, enterprise_ids: list[str]) -> dict[str, int]:
    """Partners per category (H第八条(一)), in the archive's order, then 未标注类别."""
    counts = dict.fromkeys(ENTERPRISE_CATEGORIES, 0)
    tagged: set[str] = set()
    for eid, category in s.execute(
        select(EnterpriseCategory.enterprise_id, EnterpriseCategory.category).where(
            EnterpriseCategory.enterprise_id.in_(enterprise_ids)
        )
    ):
        counts[category] = counts.get(category, 0) + 1
        tagged.add(eid)
    counts[NO_CATEGORY] = len(set(enterprise_ids) - tagged)
    return counts


# ---------------------------------------------------------------- internships, funds, trend


def months_of(y: Year) -> list[dt.date]:
    """The first day of each calendar month the 学年 touches."""
    out, day = [], y.first.replace(day=1)
    while day <= y.last:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def monthly_placements(s: Session, y: Year) -> list[tuple[str, int]]:
    """(“9月”, students with a 岗位实习 in progress that month) for each month of the 学年."""
    found = placements(s, y)
    out = []
    for start in months_of(y):
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        students = {p.student_id for p in found if p.starts_on <= end and p.ends_on >= start}
        out.append((f"{start.month}月", len(students)))
    return out


@dataclass(frozen=True)
class ProjectFunds:
    project: str
    budget_fen: int
    spent_fen: int


def project_funds(s: Session, year: int) -> list[ProjectFunds]:
    """Budget and expenses per live project in a calendar year, largest budget first."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in budget_summary(s, year).lines:
        sums[line.project_name][0] += line.budget_fen
        sums[line.project_name][1] += line.spent_fen
    rows = [ProjectFunds(name, b, e) for name, (b, e) in sums.items() if b or e]
    return sorted(rows, key=lambda r: (-max(r.budget_fen, r.spent_fen), r.project))


def funds_years(y: Year) -> tuple[int, int]:
    return y.first.year, y.last.year


@dataclass(frozen=True)
class TrendSeries:
    key: str
    name: str
    kind: str  # ratio / count
    unit: str
    points: tuple[tuple[str, float | None], ...]  # (学年, value) oldest first


@dataclass(frozen=True)
class ReportFigures:
    """Everything the 自评报告 counts for a 学年, as of its last day (or today when earlier): the period's
    headline figures, findings and tables (app/reporting/period_figures.py), the indicators read from those
    tables, and the tier distribution of the same 合作中的企业."""

    figures: PeriodFigures
    indicators: list[Indicator]
    tiers: tuple[TierRow, ...]

    @property
    def tables(self) -> ReportTables:
        return self.figures.tables

    @property
    def findings(self) -> CheckResult:
        return self.figures.findings


def report_figures(s: Session, school_year: str, today: dt.date | None = None) -> ReportFigures:
    """The figures of the 自评报告 of `school_year` — the same numbers the 工作台, the 年度评价 page, the
    package and `chanjiao check --year` show for it."""
    period = period_of(s, year=school_year)
    tables = period_tables(s, period, today)
    figures = period_figures(s, period, today, tables=tables)
    return ReportFigures(
        figures,
        annual_indicators(s, school_year, today, tables=tables),
        tier_rows(s, school_year, today),
    )


def indicator_trend(s: Session, school_year: str, years: int = 5) -> tuple[TrendSeries, ...]:
    """就业率, 双师型教师比例 and 岗位实习学生数 over the `years` 学年 ending with `school_year`."""
    values: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
    names: dict[str, tuple[str, str, str]] = {}
    for back in range(years - 1, -1, -1):
        label = school_year_before(school_year, back)
        for i in annual_indicators(s, label, headline=False):
            if i.key in TREND_KEYS:
                values[i.key].append((label, i.value))
                names[i.key] = (i.name, i.kind, i.unit)
    return tuple(TrendSeries(k, *names[k], tuple(values[k])) for k in TREND_KEYS if k in names)
