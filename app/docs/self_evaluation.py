"""The 年度产教融合工作自评报告 (H第二十二条) of a 学年 as a Word document: 基本情况, the tier distribution of the
active partners and its change from the 学年 before, the indicators with their definitions, the four
standard tables, the charts (PNG images, app/docs/charts.py) and the compliance findings still open (by
severity and rule) with the acknowledged ones and their reasons.

The built-in template is resources/templates/self_evaluation.docx (tools/make_self_evaluation.py); a college
template (设置 → 模板, kind "self_evaluation") or one given for a single generation may replace it. Rendered
in the sandbox of app/docs/render.py; the context is plain dicts and lists of text, the charts Picture
values. How the figures are counted: app/reporting/self_evaluation.py (tiers, categories, months, funds,
trend), app/reporting/evaluation.py (indicators), app/reporting/tables.py (tables), all read through
app/reporting/self_evaluation.py report_figures: the 学年's figures and findings as of its last day (or the
report date when earlier), the same app/reporting/period_figures.py gives the 工作台, the 年度评价 page, the
package and `chanjiao check --year` — findings of the next 学年 never appear.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.compliance.registry import RULES, SEVERITIES, cite_source, source_in_force
from app.docs import charts
from app.docs.common import cn_date
from app.docs.render import Picture, for_reader, render_docx, unbroken
from app.fsutil import atomic_path, safe_filename
from app.reporting import self_evaluation as data
from app.reporting.columns import TABLE_KEYS, TABLE_NAMES, wan_value
from app.reporting.facts import Year, year_of
from app.reporting.period_figures import BASE_DAYS, POSITIONS
from app.reporting.tables import ReportTable
from app.services.rule_sets import documents_in_force, get_rule_preset
from app.services.settings import get_profile
from app.services.templates import template_source

log = logging.getLogger(__name__)

KIND = "self_evaluation"
TEMPLATE_FILE = "self_evaluation.docx"
TITLE = "产教融合工作自评报告"
CHART_WIDTH_MM = 160
MAX_DETAILS = 30  # 错误-level findings listed one by one; the rest by rule only

PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    ("school", "学校名称（设置）"),
    ("college", "二级学院名称（设置）"),
    ("today", "生成日期，如 2026年11月23日"),
    ("school_year", "学年，如 2025-2026"),
    ("year_name", "学年名称，如 2025—2026学年"),
    ("last_year_name", "上一学年名称，如 2024—2025学年"),
    ("first_day", "学年第一天，如 2025年9月1日"),
    ("last_day", "学年最后一天"),
    ("summary.partners", "本学年合作中的企业数"),
    ("summary.partners_last", "上一学年合作中的企业数"),
    ("summary.partners_change", "增减，如 +2、−1、持平"),
    ("summary.tiered", "本学年有在研项目（已立项）的合作企业数"),
    ("summary.interns", "岗位实习学生数（指标）"),
    ("summary.employment_rate", "就业率（指标）"),
    ("summary.dual_ratio", "双师型教师比例（指标）"),
    ("summary.findings_open", "未整改的合规问题数"),
    ("summary.findings_errors", "其中“错误”级的数量"),
    ("summary.findings_acknowledged", "已忽略并说明的问题数"),
    ("summary.findings_warnings / summary.findings_hints", "未整改问题中“警告”“提示”级的数量"),
    ("summary.positions", "访企拓岗可提供岗位数（访企拓岗表之和）"),
    ("summary.base_days", "校外实习实训基地使用天数（该表之和，同一天只计一天）"),
    ("as_of", "统计截止日：学年最后一天，学年未结束的为生成日期"),
    (
        "basis.tiers / basis.evaluation",
        "合作分层、年度考核的制度依据，如“按《…管理办法（试行）》第九条，”（未采用该制度时为空）",
    ),
    ("rule_documents", "合规检查依据的文件（设置中选定的学校制度和国家规定），以顿号分隔"),
    ("tiers", "合作层次分布（用于表格）：{%tr for t in tiers %}"),
    (
        "t.label / t.count / t.last_count / t.change / t.share",
        "（循环中）层次、本学年、上一学年、增减、本学年占比",
    ),
    ("tiers_total.count / tiers_total.last_count / tiers_total.change", "合计：本学年、上一学年、增减"),
    ("indicators", "考核指标（用于表格）：{%tr for i in indicators %}"),
    ("i.group / i.name / i.value / i.definition", "（循环中）类别（每类第一行才有）、指标、数值、统计口径"),
    (
        "ind",
        "按代码取单个指标的数值，如 ind.interns、ind.employment_rate（代码见 chanjiao report indicators --json）",
    ),
    (
        "tables",
        "标准报表的名称与行数：tables.coop_major / coop / offsite / onsite / visit 的 .name、.count",
    ),
    (
        "coop_major_rows / coop_rows / offsite_rows / onsite_rows / visit_rows",
        "各报表的数据行：{%tr for r in coop_rows %}",
    ),
    ("r.c1 / r.c2 …", "（循环中）第1、2……列（列顺序与标准报表表头相同；万元保留2位小数）"),
    ("charts", "图表列表：{%p for c in charts %}"),
    ("c.index / c.title / c.note / c.image", "（循环中）图号、图题、说明、图片（单独一段 {{ c.image }}）"),
    ("chart", "按名称取单个图片：chart.tiers、chart.categories、chart.months、chart.funds、chart.trend"),
    ("open_rules", "未整改问题按程度和规则汇总：{%tr for f in open_rules %}"),
    ("f.severity / f.title / f.source / f.count", "（循环中）程度、规则名称、依据（文件名称和条款）、数量"),
    ("error_details", f"“错误”级问题明细（最多{MAX_DETAILS}条）：e.rule、e.record、e.message"),
    ("more_errors", "明细之外还有的“错误”级问题数（0 为没有）"),
    ("acknowledged", "已忽略并说明的问题：a.rule、a.record、a.reason 理由、a.by 说明人、a.date 日期"),
    ("notes", "统计口径说明列表：{%p for n in notes %}{{ n }}"),
)


def change_text(n: int) -> str:
    return f"+{n}" if n > 0 else f"−{-n}" if n < 0 else "持平"


def year_name(school_year: str) -> str:
    return school_year.replace("-", "—") + "学年"


# ---------------------------------------------------------------- the context


def self_evaluation_context(
    s: Session, school_year: str, *, today: dt.date | None = None, with_charts: bool = True
) -> dict[str, Any]:
    today = today or dt.date.today()
    y = year_of(s, school_year)
    last = data.school_year_before(y.school_year)
    profile = get_profile(s)
    # One computation for the 学年 (app/reporting/period_figures.py): the 工作台, 年度评价, the package and
    # `chanjiao check --year` show the same figures and findings, as of the 学年's end (or today if earlier).
    figures = data.report_figures(s, y.school_year, today)
    indicators, tiers, findings, tables = figures.indicators, figures.tiers, figures.findings, figures.tables
    headline = figures.figures.headline()
    by_key = {i.key: i for i in indicators}
    preset = get_rule_preset(s)
    count, count_last = sum(t.count for t in tiers), sum(t.last_count for t in tiers)
    context: dict[str, Any] = {
        "school": profile.school,
        "college": profile.college,
        "today": cn_date(today),
        "school_year": y.school_year,
        "year_name": year_name(y.school_year),
        "last_year_name": year_name(last),
        "first_day": cn_date(y.first),
        "last_day": cn_date(y.last),
        "summary": {
            "partners": str(count),
            "partners_last": str(count_last),
            "partners_change": change_text(count - count_last),
            "tiered": str(count - tiers[-1].count),
            "interns": by_key["interns"].text,
            "employment_rate": by_key["employment_rate"].text,
            "dual_ratio": by_key["dual_ratio"].text,
            "findings_open": str(len(findings.open)),
            "findings_errors": str(findings.errors),
            "findings_acknowledged": str(len(findings.acknowledged)),
            "findings_warnings": str(figures.figures.summary.warnings),
            "findings_hints": str(figures.figures.summary.hints),
            "positions": str(headline[POSITIONS]),
            "base_days": str(headline[BASE_DAYS]),
        },
        "as_of": cn_date(figures.figures.as_of),
        "rule_documents": "".join(documents_in_force(preset)),
        "basis": {"tiers": _basis("H第九条", preset), "evaluation": _basis("H第二十二条", preset)},
        "tiers": [
            {
                "label": t.label,
                "count": str(t.count),
                "last_count": str(t.last_count),
                "change": t.change_text,
                "share": f"{t.count / count:.1%}" if count else "—",
            }
            for t in tiers
        ],
        "tiers_total": {
            "count": str(count),
            "last_count": str(count_last),
            "change": change_text(count - count_last),
        },
        "indicators": _indicator_rows(indicators),
        "ind": {i.key: indicator_text(i) for i in indicators},
        **_tables(tables.tables),
        **_findings(findings),
        "notes": list(data.NOTES),
    }
    context["charts"] = _charts(s, y, tiers) if with_charts else []
    context["chart"] = {c["key"]: c["image"] for c in context["charts"]}
    return for_reader(context)  # dates in definitions and messages as 2026年3月1日


def _basis(source: str, preset: str) -> str:
    """“按《…》第九条，” where the school policy chosen in 设置 says it; nothing under another policy."""
    in_force = source_in_force(source, preset)
    return f"按{cite_source(in_force)}，" if in_force else ""


def indicator_text(i) -> str:
    """An indicator's value as the report prints it: money in 万元 to the platform's decimals (the tables'
    unit), not 元 with two decimals; the others as the 年度评价 page shows them."""
    if i.kind == "fen" and i.value is not None:
        return f"{wan_value(int(i.value)):,}万元"
    return i.text


def _indicator_rows(indicators) -> list[dict[str, str]]:
    rows, group = [], ""
    for i in indicators:
        rows.append(
            {
                "group": i.group if i.group != group else "",
                "name": i.name,
                "value": indicator_text(i),
                "definition": i.definition,
            }
        )
        group = i.group
    return rows


def cell_text(kind: str, value: object) -> str:
    """A standard table's cell as the report prints it: the .xlsx export's values in the reader's words —
    dates 2025年9月1日, 万元 to the platform's 2 decimals, 元 without decimals when whole, thousands separated."""
    if value is None:
        return ""
    if kind == "bool":
        return "是" if value else "否"
    if kind == "month" and isinstance(value, dt.date):
        return f"{value.year}年{value.month}月"
    if kind == "date" and isinstance(value, dt.date):
        return cn_date(value)
    if kind == "wan":
        return f"{wan_value(int(value)):,}"  # type: ignore[call-overload]
    if kind == "yuan":
        yuan, fen = divmod(int(value), 100)  # type: ignore[call-overload]
        return f"{yuan:,}" if not fen else f"{int(value) / 100:,.2f}"  # type: ignore[call-overload]
    if kind == "int" and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _tables(tables: tuple[ReportTable, ...]) -> dict[str, Any]:
    """Rows of each standard table under <key>_rows (TABLE_KEYS), cells c1, c2 … in the table's column order;
    a table the report tables do not give is empty."""
    out: dict[str, Any] = {"tables": {}}
    by_name = {t.name: t for t in tables}
    for name in TABLE_NAMES:
        key, table = TABLE_KEYS[name], by_name.get(name)
        kinds = [c.kind for c in table.columns] if table else []
        rows = [
            {f"c{n}": cell_text(kind, v) for n, (kind, v) in enumerate(zip(kinds, row, strict=True), start=1)}
            for row in (table.rows if table else ())
        ]
        out["tables"][key] = {"name": name, "count": str(len(rows))}
        out[f"{key}_rows"] = rows
    return out


def _source_of(findings, code: str) -> str:
    """The source of a rule's findings as the rule sets in force cite it (run_checks keeps only those)."""
    return next((f.source for f in findings if f.rule == code), RULES[code].source if code in RULES else "")


def _findings(result) -> dict[str, Any]:
    counts = Counter((f.severity, f.rule) for f in result.open)
    order = sorted(counts, key=lambda k: (SEVERITIES.index(k[0]), -counts[k], k[1]))
    errors = [f for f in result.open if f.severity == SEVERITIES[0]]
    return {
        "open_rules": [
            {
                "severity": sev,
                "code": code,
                "title": RULES[code].title if code in RULES else code,
                "source": cite_source(_source_of(result.open, code)),
                "count": str(counts[(sev, code)]),
            }
            for sev, code in order
        ],
        "error_details": [
            {"rule": f.rule_title, "record": unbroken(f.title), "message": unbroken(f.message)}
            for f in errors[:MAX_DETAILS]
        ],
        "more_errors": str(max(0, len(errors) - MAX_DETAILS)),
        "acknowledged": [
            {
                "rule": f.rule_title,
                "record": unbroken(f.title),
                "reason": a.reason,
                "by": a.by,
                "date": cn_date(a.at.astimezone().date()),
            }
            for f, a in result.acknowledged
        ],
    }


# ---------------------------------------------------------------- the charts


def chart_images(s: Session, y: Year, tiers=None) -> dict[str, bytes]:
    """The five charts of the report as PNG bytes, by name (tiers, categories, months, funds, trend)."""
    tiers = tiers if tiers is not None else data.tier_rows(s, y.school_year)
    last = data.school_year_before(y.school_year)
    partners = data.active_partners(s, y)
    funds = [
        (year, [(f.project, f.budget_fen, f.spent_fen) for f in data.project_funds(s, year)])
        for year in data.funds_years(y)
    ]
    trend = [(t.name, t.kind, t.points) for t in data.indicator_trend(s, y.school_year)]
    started = time.perf_counter()
    images = {
        "tiers": charts.tier_chart([(t.label, t.count, t.last_count) for t in tiers], y.school_year, last),
        "categories": charts.category_chart(list(data.category_counts(s, partners).items())),
        "months": charts.monthly_chart(data.monthly_placements(s, y)),
        "funds": charts.funds_chart(funds),
        "trend": charts.trend_chart(trend),
    }
    log.info("self-evaluation charts drawn in %.2f s", time.perf_counter() - started)
    return images


def _charts(s: Session, y: Year, tiers) -> list[dict[str, Any]]:
    try:
        images = chart_images(s, y, tiers)
    except ImportError:  # matplotlib cannot load (a damaged install; Windows Python under Wine): no charts
        log.warning("self-evaluation charts left out: matplotlib cannot be imported", exc_info=True)
        return []
    first, second = data.funds_years(y)
    captions = {
        "tiers": ("合作企业按最高合作层次分布（与上一学年对比）", "按各企业本学年在研项目的最高层次统计。"),
        "categories": ("本学年合作企业类别", "一家企业可属多个类别。"),
        "months": ("本学年各月在岗实习学生数", "岗位实习期与该月有交叉的学生数（不含计划中的）。"),
        "funds": (
            f"{first}年、{second}年各项目经费预算与支出",
            f"经费按自然年编制，本学年跨{first}、{second}两年，分列两年全年数据，每年最多列预算最大的"
            f"{charts.MAX_PROJECTS}个项目；红色为项目全年支出超过全年预算（按类别的超支见第六部分）。",
        ),
        "trend": (
            "主要指标近五个学年变化",
            "就业率、双师型教师比例按各学年口径计算；双师比例按当前教师档案。",
        ),
    }
    return [
        {
            "key": key,
            "index": str(n),
            "title": captions[key][0],
            "note": captions[key][1],
            "image": Picture(png, CHART_WIDTH_MM),
        }
        for n, (key, png) in enumerate(images.items(), start=1)
    ]


# ---------------------------------------------------------------- the document


def builtin_template() -> bytes:
    from resources import resource_bytes

    return resource_bytes("templates", TEMPLATE_FILE)


def save_builtin_template(out: Path) -> Path:
    with atomic_path(Path(out)) as tmp:
        tmp.write_bytes(builtin_template())
    return Path(out)


def write_self_evaluation(
    s: Session,
    school_year: str,
    out: Path,
    *,
    template: Path | None = None,
    today: dt.date | None = None,
) -> Path:
    """The 自评报告 of `school_year` (like 2025-2026) at `out`, written atomically; returns `out`. Template:
    `template` if given, else the college's (设置 → 模板), else the built-in one."""
    context = self_evaluation_context(s, school_year, today=today)
    source, name = template_source(s, KIND, template)
    return render_docx(source, context, out, name=name)


def default_file_name(school_year: str, college: str = "") -> str:
    return safe_filename(f"{college}{year_name(school_year)}{TITLE}.docx")
