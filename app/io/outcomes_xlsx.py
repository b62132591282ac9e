"""The 产学合作 figures of a 学年 (app/services/outcomes.py cooperation_figures) to .xlsx: one sheet per 专业,
one per 合作企业, with the report's own column names, a 合计 row, money in 万元 to 4 decimals; text
formula-safe, bold frozen header, saved atomically (app/io/xlsx.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy.orm import Session

from app.io.xlsx import (
    column_widths,
    save_workbook_atomic,
    set_print_layout,
    set_widths,
    style_header,
    write_cell,
)
from app.services.assets import wan
from app.services.outcomes import CooperationFigure, CooperationFigures, cooperation_figures

# The 产学合作 report's column names (DOMAIN.md) for the five figures this module computes.
COURSES = "共同开发课程数（门）"
TEXTBOOKS = "共同开发教材数（种）"
TEACHERS = "支持学校兼职教师数（人）"
INCOME = "学校为企业技术服务年收入（万元）"
TRAINING = "学校为企业年培训员工数（人天）"
FIGURE_HEADERS = (COURSES, TEXTBOOKS, TEACHERS, INCOME, TRAINING)
MAJOR_HEADERS = ("专业名称", *FIGURE_HEADERS)
ENTERPRISE_HEADERS = ("合作企业名称", "合作企业统一社会信用代码", *FIGURE_HEADERS)
TOTAL_LABEL = "合计"
WAN_FORMAT = "0.0000"


def wan4(fen: int) -> Decimal:
    """Fen as 万元 rounded to 4 decimals (1 元 = 0.0001 万元), half up."""
    return wan(fen).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def figure_values(f: CooperationFigure) -> tuple[int, int, int, int, int]:
    """The five figures in column order; the income in fen."""
    return (f.courses, f.textbooks, f.industry_teachers, f.service_income_fen, f.training_person_days)


def totals(figures: Sequence[CooperationFigure]) -> tuple[int, ...]:
    return tuple(sum(col) for col in zip(*(figure_values(f) for f in figures), strict=True)) or (0,) * 5


@dataclass(frozen=True)
class CooperationExport:
    school_year: str
    majors: int
    enterprises: int


def export_cooperation_figures(s: Session, school_year: str, path: Path) -> CooperationExport:
    """Write the 学年's figures per 专业 and per 合作企业 to `path` (two sheets)."""
    figures = cooperation_figures(s, school_year)
    wb = Workbook()
    major_sheet = wb.active
    major_sheet.title = "按专业"
    _write_sheet(major_sheet, figures, MAJOR_HEADERS, [(f.name,) for f in figures.by_major], figures.by_major)
    ent_sheet = wb.create_sheet("按合作企业")
    ent_rows = [(f.name, f.uscc) for f in figures.by_enterprise]
    _write_sheet(ent_sheet, figures, ENTERPRISE_HEADERS, ent_rows, figures.by_enterprise)
    save_workbook_atomic(wb, path)
    return CooperationExport(figures.school_year, len(figures.by_major), len(figures.by_enterprise))


def _write_sheet(
    ws,
    figures: CooperationFigures,
    headers: Sequence[str],
    labels: Sequence[tuple[str, ...]],
    rows: Sequence[CooperationFigure],
) -> None:
    for col, text in enumerate(headers, start=1):
        write_cell(ws, 1, col, text)
    for r, (label, f) in enumerate(zip(labels, rows, strict=True), start=2):
        _write_row(ws, r, label, figure_values(f))
    last = len(rows) + 1
    total_row = last + 1
    _write_row(ws, total_row, (TOTAL_LABEL, *[""] * (len(headers) - 6)), totals(rows))
    for col in range(1, len(headers) + 1):
        ws.cell(row=total_row, column=col).font = Font(bold=True)
    style_header(ws, 1, len(headers), last_row=last)  # the filter leaves the 合计 row out
    widths = column_widths([headers, *labels])
    set_widths(ws, [*widths[: len(headers) - 5], *[22] * 5])
    ws.row_dimensions[1].height = 45
    set_print_layout(ws, header_rows="1:1")
    kind = "按专业" if headers is MAJOR_HEADERS else "按合作企业"
    ws.oddHeader.center.text = f"{figures.school_year}学年 产学合作数据（{kind}）"
    note_row = total_row + 2
    write_cell(
        ws,
        note_row,
        1,
        f"统计期间：{figures.first_day.isoformat()} 至 {figures.last_day.isoformat()}（{figures.school_year}学年）",
    )


def _write_row(ws, row: int, label: Sequence[str], values: Sequence[int]) -> None:
    col = 1
    for text in label:
        write_cell(ws, row, col, text or None)
        col += 1
    for i, value in enumerate(values):
        if i == 3:  # 万元
            cell = write_cell(ws, row, col, float(wan4(value)))
            cell.number_format = WAN_FORMAT
        else:
            cell = write_cell(ws, row, col, value)
        cell.alignment = Alignment(horizontal="right")
        col += 1
