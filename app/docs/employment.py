"""The annual 毕业生就业质量报告 (H第十三条) of one graduation year as a Word document.

The built-in template is resources/templates/employment_report.docx (tools/make_templates.py); the college's
template (设置 → 模板, app/services/templates.py) replaces it, a template chosen for one generation both. Rendered in the sandbox of app/docs/render.py; the context is plain
dicts and lists of text with the figures exactly as the screen and the Excel report show them
(app/io/employment_xlsx.py figure_texts). PLACEHOLDERS lists every field (also in docs/templates.md).

No 身份证号, phone or name of a student is in the context: the report is aggregate figures, destinations and
employers (DOMAIN.md → Privacy).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.db.models import EMPLOYED_STATUSES, EMPLOYMENT_STATUSES
from app.docs.common import cn_date
from app.docs.render import for_reader, render_docx
from app.fsutil import atomic_path, safe_filename
from app.io.employment_xlsx import DASH, figure_texts, percent
from app.services.employment import EmploymentFigures, employment_figures, employment_rows
from app.services.settings import get_profile
from app.services.templates import template_source

TEMPLATE_FILE = "employment_report.docx"
TITLE = "毕业生就业质量报告"
TOP_EMPLOYERS = 10
_FIGURES = (
    ("graduates", "毕业生数"),
    ("employed", "就业人数"),
    ("employment_rate", "就业率，如 95.0%（无毕业生为“—”）"),
    ("with_employer", "有就业单位的人数（协议就业、灵活就业、自主创业）"),
    ("related", "专业对口人数"),
    ("related_rate", "专业对口率（对口人数 ÷ 有就业单位的人数）"),
    ("average_salary", "平均月薪（元），如 4,850.00（无月薪数据为“—”）"),
)
PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    ("school", "学校名称（设置）"),
    ("college", "二级学院名称（设置）"),
    ("party_a", "学校名称 + 二级学院名称"),
    ("today", "生成日期，如 2026年9月10日"),
    ("year", "毕业年份，如 2026"),
    *((f"total.{key}", f"全院合计：{label}") for key, label in _FIGURES),
    ("major_count", "有毕业生的专业数"),
    ("majors", "各专业列表（用于表格）：{%tr for m in majors %}"),
    ("m.index / m.name", "（循环中）序号、专业名称"),
    *((f"m.{key}", f"（循环中）该专业的{label.split('（')[0]}") for key, label in _FIGURES),
    ("statuses", "毕业去向列表：s.status 去向、s.count 人数、s.share 占毕业生比例"),
    (
        "employers",
        f"接收毕业生最多的单位（前{TOP_EMPLOYERS}家）：e.index、e.name、e.count 人数、e.related 对口人数",
    ),
    ("employer_count", "接收毕业生的单位数"),
    ("analysis", "就业质量分析（由上述数据写成的几句话）：{%p for x in analysis %}"),
    ("problems", "存在问题（取自数据：就业率低于全院的专业、专业对口率低于一半的专业）"),
)


def _figures(f: EmploymentFigures) -> dict[str, str]:
    texts = figure_texts(f)
    return {
        "graduates": texts[1],
        "employed": texts[2],
        "employment_rate": texts[3],
        "with_employer": str(f.with_employer),
        "related": texts[4],
        "related_rate": texts[5],
        "average_salary": texts[6],
    }


def employment_report_context(s: Session, year: int, *, today: dt.date | None = None) -> dict[str, Any]:
    figures = employment_figures(s, year)
    majors = [f for f in figures if f.major_name]
    total = next((f for f in figures if not f.major_name), EmploymentFigures("", 0, 0, 0, 0, 0, 0))
    records = employment_rows(s, year=year)
    by_status = Counter(r.status for r in records)
    employers: Counter[str] = Counter()
    related: Counter[str] = Counter()
    for r in records:
        if r.status in EMPLOYED_STATUSES and r.employer_name:
            employers[r.employer_name] += 1
            related[r.employer_name] += bool(r.related)
    top = sorted(employers.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_EMPLOYERS]
    profile = get_profile(s)
    return {
        "school": profile.school,
        "college": profile.college,
        "party_a": f"{profile.school}{profile.college}",
        "today": cn_date(today or dt.date.today()),
        "year": str(year),
        "total": _figures(total),
        "major_count": str(len(majors)),
        "majors": [{"index": str(i), "name": f.major_name, **_figures(f)} for i, f in enumerate(majors, 1)],
        "statuses": [
            {
                "status": st,
                "count": str(by_status[st]),
                "share": percent(by_status[st] / total.graduates) if total.graduates else DASH,
            }
            for st in EMPLOYMENT_STATUSES
            if by_status[st]
        ],
        "employers": [
            {"index": str(i), "name": name, "count": str(n), "related": str(related[name])}
            for i, (name, n) in enumerate(top, 1)
        ],
        "employer_count": str(len(employers)),
        **_review(total, majors, by_status),
    }


def _review(
    total: EmploymentFigures, majors: list[EmploymentFigures], by_status: Counter
) -> dict[str, list[str]]:
    """Sections 五–六 in sentences from the figures (never a prompt to fill in); empty prints “（无）”."""
    if not total.graduates:
        return {"analysis": [], "problems": []}
    texts = figure_texts(total)
    statuses = "、".join(f"{st}{by_status[st]}人" for st in EMPLOYMENT_STATUSES if by_status[st])
    analysis = [f"本届毕业生{total.graduates}人，就业率{texts[3]}；毕业去向为{statuses}。"]
    if total.with_employer:
        analysis.append(
            f"有就业单位的{total.with_employer}人中专业对口{total.related}人，专业对口率{texts[5]}。"
        )
    if total.salary_count:
        analysis.append(f"填报月薪的{total.salary_count}人平均月薪{texts[6]}元。")
    rated = [m for m in majors if m.employment_rate is not None]
    if len(rated) > 1:
        high = max(rated, key=lambda m: (m.employment_rate, m.major_name))
        low = min(rated, key=lambda m: (m.employment_rate, m.major_name))
        if high.employment_rate != low.employment_rate:
            analysis.append(
                f"各专业中就业率最高的是{high.major_name}（{percent(high.employment_rate)}），"
                f"最低的是{low.major_name}（{percent(low.employment_rate)}）。"
            )
    problems = [
        f"{m.major_name}就业率{percent(m.employment_rate)}，低于全院的{texts[3]}。"
        for m in rated
        if total.employment_rate is not None and m.employment_rate < total.employment_rate
    ]
    problems += [
        f"{m.major_name}专业对口率{percent(m.related_rate)}，不到一半。"
        for m in majors
        if m.related_rate is not None and m.related_rate < 0.5
    ]
    return {"analysis": analysis, "problems": problems}


def builtin_template() -> bytes:
    from resources import resource_bytes

    return resource_bytes("templates", TEMPLATE_FILE)


def save_builtin_template(out: Path) -> Path:
    with atomic_path(Path(out)) as tmp:
        tmp.write_bytes(builtin_template())
    return Path(out)


def write_employment_report(
    s: Session, year: int, out: Path, template: Path | None = None, *, today: dt.date | None = None
) -> Path:
    """The 就业质量报告 of graduates of `year` at `out` (written atomically); returns `out`."""
    context = employment_report_context(s, year, today=today)
    source, name = template_source(s, "employment", template)  # none chosen: 设置 → 模板, else built-in
    return render_docx(source, for_reader(context), out, name=name)


def default_file_name(year: int) -> str:
    return safe_filename(f"{year}届{TITLE}.docx")
