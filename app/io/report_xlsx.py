"""The standard report tables of a 学年 (app/services/report_tables.py) to .xlsx: one sheet per table, named as
the table, with exactly its headers in row 1 and its rows below — nothing else on those sheets, so that they
can be pasted into or uploaded to the school's data platform — and a last sheet 说明 with the period and what
each column counts (why a column is empty). Text formula-safe, dates as dates (合作开始年月 as 年-月), 万元 to
4 decimals, 元 to 2, 是 / 否, bold frozen header, A4 landscape, saved atomically (app/io/xlsx.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy.orm import Session

from app.io.outcomes_xlsx import WAN_FORMAT, wan4
from app.io.xlsx import (
    PRINT_WIDTH,
    column_widths,
    save_workbook_atomic,
    set_print_layout,
    set_widths,
    style_header,
    write_cell,
)
from app.services.report_tables import ReportTable, ReportTables, report_tables

NOTES_SHEET = "说明"
MONTH_FORMAT = "yyyy-mm"
YUAN_FORMAT = "0.00"
WIDTHS = {"int": 11, "wan": 13, "yuan": 11, "bool": 10, "date": 12, "month": 10}


@dataclass(frozen=True)
class ReportExport:
    school_year: str
    rows: dict[str, int]  # table name → rows written


def export_report_tables(s: Session, school_year: str, path: Path) -> ReportExport:
    """Write the 学年's four report tables to `path`; returns the rows written per table."""
    return write_report_tables(report_tables(s, school_year), path)


def write_report_tables(tables: ReportTables, path: Path) -> ReportExport:
    """Write tables already computed (the CLI also prints them) to `path`."""
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables.tables:
        _write_table(wb.create_sheet(table.name), table, tables.school_year)
    _write_notes(wb.create_sheet(NOTES_SHEET), tables)
    save_workbook_atomic(wb, path)
    return ReportExport(tables.school_year, {t.name: len(t.rows) for t in tables.tables})


def cell_value(kind: str, value: object) -> object:
    """A row value as written to the sheet (number format set by _write_table)."""
    if value is None:
        return None
    if kind == "wan":
        return float(wan4(int(value)))  # type: ignore[call-overload]
    if kind == "yuan":
        return int(value) / 100  # type: ignore[call-overload]
    return value


def _write_table(ws, table: ReportTable, school_year: str) -> None:
    kinds = [c.kind for c in table.columns]
    for col, header in enumerate(table.headers, start=1):
        write_cell(ws, 1, col, header)
    for r, row in enumerate(table.rows, start=2):
        for col, (kind, value) in enumerate(zip(kinds, row, strict=True), start=1):
            cell = write_cell(ws, r, col, cell_value(kind, value))
            if kind == "month" and value is not None:
                cell.number_format = MONTH_FORMAT
            elif kind == "wan":
                cell.number_format = WAN_FORMAT
            elif kind == "yuan":
                cell.number_format = YUAN_FORMAT
            if kind == "bool":
                cell.alignment = Alignment(horizontal="center")
    style_header(ws, 1, len(kinds), last_row=len(table.rows) + 1)
    text_widths = column_widths([table.headers, *table.rows[:500]], maximum=36)
    widths = [w if kind == "text" else WIDTHS[kind] for kind, w in zip(kinds, text_widths, strict=True)]
    set_widths(ws, widths)
    ws.row_dimensions[1].height = 72  # long headers wrap over up to 5 lines in the narrow figure columns
    set_print_layout(ws, header_rows="1:1", pages_wide=math.ceil(sum(widths) / PRINT_WIDTH))
    ws.oddHeader.center.text = f"{school_year}学年 {table.name}"


def _write_notes(ws, tables: ReportTables) -> None:
    bold = Font(bold=True)
    write_cell(ws, 1, 1, "统计期间")
    write_cell(ws, 1, 2, tables.first_day)
    write_cell(ws, 1, 3, tables.last_day)
    write_cell(ws, 2, 1, "学年")
    write_cell(ws, 2, 2, tables.school_year)
    row = 4
    for col, text in enumerate(("表", "列", "统计口径"), start=1):
        write_cell(ws, row, col, text).font = bold
    for table in tables.tables:
        for c in table.columns:
            row += 1
            write_cell(ws, row, 1, table.name)
            write_cell(ws, row, 2, c.header)
            write_cell(ws, row, 3, c.definition).alignment = Alignment(wrap_text=True, vertical="top")
    set_widths(ws, [18, 34, 100])
    set_print_layout(ws, header_rows="4:4")
