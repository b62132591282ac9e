"""The headline figures of a period (学年 or 学期), computed once here and read by every place that shows them:
the 工作台 (app/reporting/dashboard.py), the 年度评价 indicators (app/reporting/evaluation.py), the 自评报告
(app/docs/self_evaluation.py), the submission package's manifest (app/package/export.py) and, from that
manifest, the school's merge (app/package/merge.py), and `chanjiao check --year`.

A period is reported as of its last day, or as of today when that is earlier (a 学年 still running): `as_of`.

Definitions (each figure's DEFINITIONS sentence says the same to the reader):
- 合作中的企业 (`cooperating_enterprises`): live enterprises (not in the 回收站) in cooperation on the day: the
  cooperation started on or before it (no start date: counted), and the status on that day was 合作中 — the
  archive keeps the current status and the date it took effect, so: status 合作中 (taking effect on or before
  the day, or undated), or 暂停 / 已解除 taking effect after the day (it was still cooperating then). 意向 never
  counts. The enterprise export and the package's 合作企业 sheet hold all enterprises; they say so.
- 可提供岗位数: the sum of 访企拓岗's 可提供岗位数 column (one row per enterprise visited, visits dated in the
  period) — the table's own figure, never recounted.
- 基地使用天数: the sum of 校外实习实训基地's 基地使用天数 column (each base's distinct days of use in the
  period) — the table's own figure.
- The findings summary (`period_findings`): the compliance check run as of `as_of`, keeping only the findings
  of the period: an internship's only when it overlaps the period, an agreement's, a project's or an asset's
  only when it began by `as_of`, a budget line's only for a calendar year the period touches. 错误 / 警告 /
  提示 count the open findings; the acknowledged ones (忽略并说明) are counted apart.

The tables of a period (`period_tables`) are app/reporting/tables.py's: a 学期 reports its 学年's tables
(the platform's tables are annual), while its two table figures sum the same tables built over the 学期 alone
(its visits, its semester's base use).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.compliance.acks import CheckResult, check_results, rules_keyed
from app.compliance.registry import ERROR, HINT, WARNING, Finding
from app.db.models import Agreement, Asset, Budget, Enterprise, Internship, Project
from app.package.format import SEMESTER
from app.package.period import Period, period_of
from app.reporting.columns import OFFSITE_BASES, VISITS
from app.reporting.facts import base_use_days, year_of
from app.reporting.tables import (
    ReportTable,
    ReportTables,
    offsite_table,
    report_tables,
    visits_table,
    year_use,
)
from app.services.base_usage import semester_usage
from app.services.industry import school_year_of

COOPERATING = "合作中的企业"
POSITIONS = "可提供岗位数"
BASE_DAYS = "基地使用天数"
ERRORS, WARNINGS, HINTS = "未处理错误", "未处理警告", "未处理提示"
LABELS = (COOPERATING, POSITIONS, BASE_DAYS, ERRORS, WARNINGS, HINTS)
POSITIONS_COLUMN = (VISITS, "可提供岗位数")  # (table, column) each table figure is the sum of
BASE_DAYS_COLUMN = (OFFSITE_BASES, "基地使用天数")
_COOPERATING = (
    "合作企业档案中处于合作状态的企业数：合作开始日期不晚于该日（未填的计入），当天状态为合作中（之后才暂停或解除的"
    "也计入），意向不计，回收站中的不计。"
)
DEFINITIONS = {
    COOPERATING: "期末（或今天，取较早者）" + _COOPERATING,
    POSITIONS: "访企拓岗表“可提供岗位数”列之和：期间内走访的每家企业各计一行。",
    BASE_DAYS: "校外实习实训基地表“基地使用天数”列之和：每个基地期间内有使用的不同日期数（同一天有几项活动只计一天）。",
    ERRORS: "期末（或今天，取较早者）合规检查中属于本期间、尚未处理的“错误”级问题数。",
    WARNINGS: "期末（或今天，取较早者）合规检查中属于本期间、尚未处理的“警告”级问题数。",
    HINTS: "期末（或今天，取较早者）合规检查中属于本期间、尚未处理的“提示”级问题数。",
}


def cooperating_definition(day: dt.date) -> str:
    """合作中的企业's definition on a given day, in one sentence."""
    return f"截至{day.isoformat()}{_COOPERATING}"


def as_of(period: Period, today: dt.date | None = None) -> dt.date:
    """The day a period is reported as of: its last day, or today when that is earlier."""
    return min(period.last, today or dt.date.today())


def current_period(s: Session, today: dt.date | None = None) -> Period:
    """The 学年 that `today` falls in (the 工作台's period)."""
    return period_of(s, year=school_year_of(s, today or dt.date.today()))


# ---------------------------------------------------------------- 合作中的企业


def cooperating(day: dt.date) -> tuple:
    """The WHERE conditions on Enterprise of the one definition: in cooperation on `day`."""
    started = or_(Enterprise.cooperation_start.is_(None), Enterprise.cooperation_start <= day)
    still = (Enterprise.status == "合作中") & or_(
        Enterprise.status_date.is_(None), Enterprise.status_date <= day
    )
    stopped_later = Enterprise.status.in_(("暂停", "已解除")) & (Enterprise.status_date > day)
    return Enterprise.deleted_at.is_(None), started, or_(still, stopped_later)


def cooperating_enterprises(s: Session, day: dt.date) -> list[str]:
    """Ids of the enterprises in cooperation on `day` (the module's one definition), by name."""
    return list(
        s.scalars(select(Enterprise.id).where(*cooperating(day)).order_by(Enterprise.name, Enterprise.id))
    )


def count_cooperating(s: Session, day: dt.date) -> int:
    """How many enterprises are in cooperation on `day` (len(cooperating_enterprises(s, day)), counted in SQL)."""
    return s.scalar(select(func.count()).select_from(Enterprise).where(*cooperating(day))) or 0


# ---------------------------------------------------------------- findings


def period_findings(
    s: Session,
    period: Period,
    today: dt.date | None = None,
    *,
    codes: Sequence[str] | None = None,
    checked: CheckResult | None = None,
) -> CheckResult:
    """The compliance findings of `period` (see the module's definitions), of every rule or of `codes`: the
    one function the package, the 自评报告 and `chanjiao check --year` share. `checked`: the check already
    run as of `as_of(period, today)` (the 工作台's of today, for the current 学年), not run again."""
    day = as_of(period, today)
    result = checked if checked is not None else check_results(s, day, codes=codes)
    outside = _outside(s, period, day, [*result.open, *(f for f, _ in result.acknowledged)])
    if not outside:
        return result
    rules = rules_keyed(result.open, outside)  # only their findings' keys are made
    return CheckResult(
        open=tuple(f for f in result.open if f.rule not in rules or f.key not in outside),
        acknowledged=tuple((f, a) for f, a in result.acknowledged if f.key not in outside),
    )


def _outside(s: Session, period: Period, day: dt.date, found: list[Finding]) -> set[str]:
    """Keys of the findings whose record belongs to another period."""
    dated = {"internship", "agreement", "project", "asset", "budget"}  # the kinds asked about below
    ids: dict[str, set[str]] = {}
    for f in found:
        if f.record_type in dated:
            ids.setdefault(f.record_type, set()).add(f.record_id)
    later: set[str] = set()
    if ids.get("internship"):
        later |= set(
            s.scalars(
                select(Internship.id).where(
                    Internship.id.in_(ids["internship"]),
                    or_(Internship.starts_on > period.last, Internship.ends_on < period.first),
                )
            )
        )
    begun = {
        "agreement": (Agreement, func.coalesce(Agreement.starts_on, Agreement.signed_on)),
        "project": (Project, Project.starts_on),
        "asset": (Asset, Asset.acquired_on),
    }
    for kind, (model, start) in begun.items():
        if ids.get(kind):  # the records begun after the day (few), not the findings' thousands asked by id
            later |= ids[kind] & set(s.scalars(select(model.id).where(start > day)))
    if ids.get("budget"):
        later |= set(
            s.scalars(
                select(Budget.id).where(
                    Budget.id.in_(ids["budget"]), Budget.year.not_in(period.calendar_years)
                )
            )
        )
    out = {f.key for f in found if f.record_id in later} if later else set()
    # A budget line without a budget is found on its project, its year in the detail ("2026:材料").
    out |= {
        f.key
        for f in found
        if f.rule == "FUND-OVERSPENT"
        and f.record_type == "project"
        and f.detail[:4].isdigit()
        and int(f.detail[:4]) not in period.calendar_years
    }
    return out


@dataclass(frozen=True)
class FindingsSummary:
    errors: int
    warnings: int
    hints: int
    acknowledged: int

    @property
    def open(self) -> int:
        return self.errors + self.warnings + self.hints

    def by_severity(self) -> dict[str, int]:
        return {ERROR: self.errors, WARNING: self.warnings, HINT: self.hints}

    @property
    def text(self) -> str:
        """错误 3 条，警告 12 条，提示 1 条；已忽略并说明 2 条."""
        return (
            f"错误 {self.errors} 条，警告 {self.warnings} 条，提示 {self.hints} 条；"
            f"已忽略并说明 {self.acknowledged} 条"
        )


def findings_summary(result: CheckResult) -> FindingsSummary:
    count = Counter(map(attrgetter("severity"), result.open))
    return FindingsSummary(count[ERROR], count[WARNING], count[HINT], len(result.acknowledged))


# ---------------------------------------------------------------- tables and figures


def period_tables(s: Session, period: Period, today: dt.date | None = None) -> ReportTables:
    """The standard report tables of the period as of `as_of(period, today)` (a 学期: its 学年's, the
    platform's tables being annual; the figures of a 学期 sum its own visits and base use: `_figure_tables`)."""
    return report_tables(s, period.school_year, as_of=as_of(period, today))


def _figure_tables(
    s: Session, period: Period, tables: ReportTables | None, day: dt.date
) -> tuple[ReportTable, ReportTable]:
    """The 访企拓岗 and 校外实习实训基地 tables the figures sum: the 学年's (from `tables`, or those two built
    alone the way report_tables builds them); a 学期's own (its visits, its semester's base use), built the
    same way by app/reporting/tables.py."""
    if period.kind != SEMESTER and tables is not None:
        return tables.table(POSITIONS_COLUMN[0]), tables.table(BASE_DAYS_COLUMN[0])
    if period.kind != SEMESTER:
        y = year_of(s, period.school_year)
        usage, days = year_use(s, y, day)  # as report_tables builds them
    else:
        y = period.year  # the 学期's first and last day
        usage = [semester_usage(s, period.code)]
        days = base_use_days(s, usage, as_of=day)
    return visits_table(s, y, as_of=day), offsite_table(s, y, usage, days)


def table_figures(s: Session, period: Period, today: dt.date | None = None) -> dict[str, int]:
    """合作中的企业, 可提供岗位数 and 基地使用天数 of `period` as of `as_of(period, today)` — period_figures'
    values without the compliance check or the other tables (the 工作台 shows them first)."""
    day = as_of(period, today)
    visits, bases = _figure_tables(s, period, None, day)
    return {
        COOPERATING: count_cooperating(s, day),
        POSITIONS: column_sum(visits, POSITIONS_COLUMN[1]),
        BASE_DAYS: column_sum(bases, BASE_DAYS_COLUMN[1]),
    }


def column_sum(table: ReportTable, header: str) -> int:
    """The sum of a table's int column (empty cells count 0)."""
    i = table.headers.index(header)
    return sum(int(r[i]) for r in table.rows if r[i] is not None)


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    as_of: dt.date
    cooperating: tuple[str, ...]  # enterprise ids
    positions: int
    base_days: int
    findings: CheckResult
    summary: FindingsSummary
    tables: ReportTables

    def headline(self) -> dict[str, int]:
        """LABELS → value: what the package's manifest carries and the school's merge shows."""
        return {
            COOPERATING: len(self.cooperating),
            POSITIONS: self.positions,
            BASE_DAYS: self.base_days,
            ERRORS: self.summary.errors,
            WARNINGS: self.summary.warnings,
            HINTS: self.summary.hints,
        }


def period_figures(
    s: Session,
    period: Period,
    today: dt.date | None = None,
    *,
    tables: ReportTables | None = None,
    findings: CheckResult | None = None,
) -> PeriodFigures:
    """The headline figures of `period` as of `as_of(period, today)`. `tables` / `findings`: those the
    caller has already computed for the same period (period_tables / period_findings), not recomputed."""
    day = as_of(period, today)
    tables = tables if tables is not None else period_tables(s, period, today)
    findings = findings if findings is not None else period_findings(s, period, today)
    visits, bases = _figure_tables(s, period, tables, day)
    return PeriodFigures(
        period,
        day,
        tuple(cooperating_enterprises(s, day)),
        column_sum(visits, POSITIONS_COLUMN[1]),
        column_sum(bases, BASE_DAYS_COLUMN[1]),
        findings,
        findings_summary(findings),
        tables,
    )
