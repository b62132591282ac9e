"""The annual 就业质量报告 as Excel (H第十三条): the figures of one graduation year per 专业 with a 合计 row
(app/services/employment.py employment_figures), and every graduate's record of that year.

The records carry 学号 and 姓名 only — no 身份证号 or phone (DOMAIN.md → Privacy: a report is shared). Text is
written formula-safe, the header bold and frozen; the file is saved atomically. The figure headers, their
definitions and their texts are shared with the screen (ui/pages/employment_view.py) and the Word report
(app/docs/employment.py), so the three agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy.orm import Session

from app.domain.money import format_money
from app.io.xlsx import save_workbook_atomic, write_table
from app.services.employment import EmploymentFigures, employment_figures, employment_rows

MAJOR, GRADUATES, EMPLOYED, EMPLOYMENT_RATE = "专业", "毕业生数", "就业人数", "就业率"
RELATED, RELATED_RATE, SALARY = "对口人数", "专业对口率", "平均月薪（元）"
FIGURE_HEADERS = (MAJOR, GRADUATES, EMPLOYED, EMPLOYMENT_RATE, RELATED, RELATED_RATE, SALARY)
DEFINITIONS = {
    MAJOR: "学生名册中所填的专业；没有填写专业的计入“未填专业”。",
    GRADUATES: "该毕业年份有就业记录的毕业生人数（就业率的分母）。",
    EMPLOYED: "就业状态不是“待就业”的人数（协议就业、灵活就业、自主创业、升学、参军入伍）。",
    EMPLOYMENT_RATE: "就业率 = 就业人数 ÷ 毕业生数。没有毕业生时显示“—”。",
    RELATED: "在协议就业、灵活就业、自主创业（有就业单位）的毕业生中，标记为“专业对口”的人数。",
    RELATED_RATE: "专业对口率 = 对口人数 ÷ 有就业单位的人数（协议就业、灵活就业、自主创业）。"
    "没有这样的毕业生时显示“—”。",
    SALARY: "有就业单位且填写了月薪的毕业生的月薪平均值（未填月薪的不计入）。没有时显示“—”。",
}
RECORD_HEADERS = (
    "学号",
    "姓名",
    "班级",
    "专业",
    "毕业年份",
    "就业状态",
    "就业单位",
    "岗位",
    "专业对口",
    "月薪（元）",
    "备注",
)
TOTAL = "合计"
DASH = "—"
TOTAL_FILL = PatternFill("solid", fgColor="EEF3F8")


def percent(rate: float | None) -> str:
    """95.0%; “—” when there is no denominator (never 0%)."""
    return DASH if rate is None else f"{rate:.1%}"


def salary(fen: int | None) -> str:
    return DASH if fen is None else format_money(fen, symbol=False)


def figure_texts(f: EmploymentFigures) -> list[str]:
    """The row as shown on screen and in the Word report, in FIGURE_HEADERS order."""
    return [
        f.major_name or TOTAL,
        str(f.graduates),
        str(f.employed),
        percent(f.employment_rate),
        str(f.related),
        percent(f.related_rate),
        salary(f.average_salary_fen),
    ]


def _figure_values(f: EmploymentFigures) -> list[object]:
    """The row for Excel: counts and rates as numbers (rates formatted as %), “—” where there is none."""

    def rate(r: float | None) -> object:
        return DASH if r is None else round(r, 4)

    pay = f.average_salary_fen
    return [
        f.major_name or TOTAL,
        f.graduates,
        f.employed,
        rate(f.employment_rate),
        f.related,
        rate(f.related_rate),
        DASH if pay is None else pay / 100,
    ]


@dataclass(frozen=True)
class EmploymentExport:
    year: int
    majors: int
    records: int


def _style_figures(ws, figures: Sequence[EmploymentFigures]) -> None:
    for r in range(2, len(figures) + 2):
        for c, fmt in ((4, "0.0%"), (6, "0.0%"), (7, "#,##0.00")):
            ws.cell(row=r, column=c).number_format = fmt
    if figures and not figures[-1].major_name:  # the 合计 row
        last = len(figures) + 1
        for c in range(1, len(FIGURE_HEADERS) + 1):
            cell = ws.cell(row=last, column=c)
            cell.font, cell.fill = Font(bold=True), TOTAL_FILL


def export_employment_report(s: Session, year: int, path: Path) -> EmploymentExport:
    """Sheets 就业质量统计 (per 专业 + 合计), 毕业生就业明细 (the records) and 统计口径; returns what was written."""
    figures = employment_figures(s, year)
    records = employment_rows(s, year=year)
    wb = Workbook()
    ws = wb.active
    ws.title = "就业质量统计"
    write_table(ws, FIGURE_HEADERS, [_figure_values(f) for f in figures])
    _style_figures(ws, figures)
    rows = [
        [
            r.student_no,
            r.student_name,
            r.class_name,
            r.major_name,
            r.graduate_year,
            r.status,
            r.employer_name,
            r.position,
            ("是" if r.related else "否") if r.enterprise_id or r.employer_name else None,
            r.monthly_salary_fen / 100 if r.monthly_salary_fen else None,
            r.note,
        ]
        for r in records
    ]
    detail = wb.create_sheet("毕业生就业明细")
    write_table(detail, RECORD_HEADERS, rows)
    for r in range(2, len(rows) + 2):
        detail.cell(row=r, column=10).number_format = "#,##0.00"
    note = wb.create_sheet("统计口径")
    write_table(
        note,
        ("项目", "统计口径"),
        [(f"{year}届毕业生", "毕业年份为该年的就业记录（不含已删除的记录和学生）。")]
        + [(h, DEFINITIONS[h]) for h in FIGURE_HEADERS],
    )
    save_workbook_atomic(wb, Path(path))
    majors = sum(1 for f in figures if f.major_name)
    return EmploymentExport(year, majors, len(records))
