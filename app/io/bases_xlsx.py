"""The semester-end 实践基地 usage summary (N四(四)2) to .xlsx: one sheet, per major then per base and activity,
a 小计 row after each major and a 合计 row at the end; below the table the semester's dates (as dates) and
which majors have submitted their summary. Text formula-safe, bold frozen header, A4 landscape with the header
repeated, saved atomically (app/io/xlsx.py)."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Enterprise, PracticeBase
from app.io.xlsx import (
    column_widths,
    save_workbook_atomic,
    set_print_layout,
    set_widths,
    style_header,
    write_cell,
)
from app.services.base_usage import (
    AUTOMATIC,
    SemesterUsage,
    UsageTotals,
    semester_usage,
    summary_status,
)

FIGURES = ("实习实训项目数", "接待学生量（人次）", "使用天数", "人天数", "学校派指导教师（人次）")
HEADERS = ("专业名称", "基地名称", "基地类型", "依托单位名称", "活动类型", "数据来源", *FIGURES)
LABELS = len(HEADERS) - len(FIGURES)
BOLD = Font(bold=True)
RIGHT = Alignment(horizontal="right")


@dataclass(frozen=True)
class UsageExport:
    semester: str
    majors: int
    lines: int
    totals: UsageTotals


def export_usage_summary(s: Session, semester: str, path: Path) -> UsageExport:
    """Write the semester's base usage per major to `path`; returns what was written."""
    usage = semester_usage(s, semester)
    status = summary_status(s, usage.semester, usage)
    enterprises = _enterprises(s, {x.base_id for x in usage.lines})
    wb = Workbook()
    ws = wb.active
    ws.title = "基地使用汇总"
    for col, text in enumerate(HEADERS, start=1):
        write_cell(ws, 1, col, text)
    row = 2
    labels: list[tuple[str, ...]] = [HEADERS]
    for group in usage.by_major:
        for x in group.lines:
            texts = (
                x.major_name,
                x.base_name,
                x.base_kind,
                enterprises.get(x.base_id, ""),
                x.activity,
                x.source,
            )
            _write_row(ws, row, texts, x.totals)
            labels.append(texts)
            row += 1
        _write_row(ws, row, (f"{group.name} 小计",), group.totals, bold=True)
        row += 1
    last_data = row - 1
    _write_row(ws, row, ("合计",), usage.totals, bold=True)
    style_header(ws, 1, len(HEADERS), last_row=max(last_data, 1))
    set_widths(ws, [*column_widths(labels, maximum=36)[:LABELS], *[12] * len(FIGURES)])
    ws.row_dimensions[1].height = 36
    set_print_layout(ws, header_rows="1:1")
    ws.oddHeader.center.text = f"{_semester_title(usage)} 实践教学基地使用情况汇总"
    _notes(ws, row + 2, usage, status)
    save_workbook_atomic(wb, path)
    return UsageExport(usage.semester, len(usage.by_major), len(usage.lines), usage.totals)


def _semester_title(usage: SemesterUsage) -> str:
    first, second, term = usage.semester.split("-")
    return f"{first}—{second}学年第{'一' if term == '1' else '二'}学期"


def _enterprises(s: Session, base_ids: set[str]) -> dict[str, str]:
    rows = s.execute(
        select(PracticeBase.id, Enterprise.name)
        .join(Enterprise, Enterprise.id == PracticeBase.enterprise_id)
        .where(PracticeBase.id.in_(base_ids))
    )
    return dict(rows.all())


def _write_row(ws, row: int, texts: tuple[str, ...], totals: UsageTotals, *, bold: bool = False) -> None:
    values = [*texts, *[None] * (LABELS - len(texts)), *astuple(totals)]
    for col, value in enumerate(values, start=1):
        cell = write_cell(ws, row, col, value if value != "" else None)
        if col > LABELS:
            cell.alignment = RIGHT
        if bold:
            cell.font = BOLD


def _notes(ws, row: int, usage: SemesterUsage, status) -> None:
    write_cell(ws, row, 1, "统计期间")
    write_cell(ws, row, 2, usage.first_day)
    write_cell(ws, row, 3, "至")
    write_cell(ws, row, 4, usage.last_day)
    write_cell(
        ws,
        row + 1,
        1,
        f"说明：数据来源为“{AUTOMATIC}”的行由安排在该基地的实习自动统计（每条实习1人次，人天数为实习在本学期内的天数）；"
        "同一基地、专业、活动类型已手工登记的，以手工登记为准，不重复计算。",
    )
    write_cell(ws, row + 3, 1, "汇总提交情况")
    ws.cell(row=row + 3, column=1).font = BOLD
    write_cell(ws, row + 3, 2, "提交日期")
    ws.cell(row=row + 3, column=2).font = BOLD
    for i, st in enumerate(status, start=row + 4):
        write_cell(ws, i, 1, st.major_name)
        write_cell(ws, i, 2, st.submitted_on if st.submitted_on else "未提交")
