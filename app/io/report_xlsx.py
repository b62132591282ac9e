"""The standard report tables of a 学年 (app/reporting/tables.py) to .xlsx: one sheet per table, named as
the table, with exactly its headers in row 1 and its rows below — nothing else on those sheets, so that they
can be pasted into or uploaded to the school's data platform — and a last sheet 说明 with the period and what
each column counts (why a column is empty). Text formula-safe, dates as dates (合作开始年月 as 年-月), 万元 to
the platform's decimals (report_columns.WAN_DECIMALS), 元 to 2, 是 / 否, codes as text. Printed as app/io/print_table.py lays tables out (A4 landscape,
one page wide, borders, 宋体, the title in the page header); saved atomically (app/io/xlsx.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy.orm import Session

from app.io.print_table import (
    NUMBER_FORMATS,
    plan_layout,
    print_kind,
    row_height,
    set_page,
    style_body,
    style_head,
    use_table_font,
)
from app.io.xlsx import save_workbook_atomic, set_print_layout, set_widths, write_cell
from app.reporting.columns import wan_value
from app.reporting.tables import ReportTable, ReportTables, report_tables
from app.services.settings import get_profile

NOTES_SHEET = "说明"
MONTH_FORMAT = NUMBER_FORMATS["month"]
YUAN_FORMAT = NUMBER_FORMATS["yuan"]
WAN_FORMAT = NUMBER_FORMATS["wan"]


@dataclass(frozen=True)
class ReportExport:
    school_year: str
    rows: dict[str, int]  # table name → rows written


def export_report_tables(s: Session, school_year: str, path: Path) -> ReportExport:
    """Write the 学年's four report tables to `path`; returns the rows written per table."""
    return write_report_tables(report_tables(s, school_year), path, college=college_title(s))


def college_title(s: Session) -> str:
    """学校 and 学院 as a table's printed title names them."""
    profile = get_profile(s)
    return "".join(x for x in (profile.school, profile.college) if x)


def write_report_tables(tables: ReportTables, path: Path, *, college: str = "") -> ReportExport:
    """Write tables already computed (the CLI also prints them) to `path`."""
    wb = Workbook()
    use_table_font(wb)
    wb.remove(wb.active)
    for table in tables.tables:
        _write_table(wb.create_sheet(table.name), table, table_title(table.name, tables.school_year, college))
    _write_notes(wb.create_sheet(NOTES_SHEET), tables)
    save_workbook_atomic(wb, path)
    return ReportExport(tables.school_year, {t.name: len(t.rows) for t in tables.tables})


def table_title(name: str, school_year: str, college: str = "") -> str:
    """The printed title of a report table: 学院, 学年, table (in the page header of every page)."""
    return " ".join(x for x in (college, f"{school_year}学年", name) if x)


def cell_value(kind: str, value: object) -> object:
    """A row value as written to the sheet (number format set by the layout)."""
    if value is None:
        return None
    if kind == "wan":
        return float(wan_value(int(value)))  # type: ignore[call-overload]
    if kind == "yuan":
        return int(value) / 100  # type: ignore[call-overload]
    return value


def _write_table(ws, table: ReportTable, title: str) -> None:
    kinds = [print_kind(c.header, c.kind) for c in table.columns]
    rows = [[cell_value(c.kind, v) for c, v in zip(table.columns, row, strict=True)] for row in table.rows]
    layout = plan_layout(table.headers, kinds, [*rows[:500]])
    for col, header in enumerate(table.headers, start=1):
        style_head(write_cell(ws, 1, col, header))
    for r, row in enumerate(rows, start=2):
        for col, (kind, value) in enumerate(zip(kinds, row, strict=True), start=1):
            cell = write_cell(ws, r, col, str(value) if kind == "code" and value is not None else value)
            style_body(cell, kind)
        height = row_height(row, kinds, layout.widths)
        if height:
            ws.row_dimensions[r].height = height
    ws.row_dimensions[1].height = layout.header_height
    ws.freeze_panes = "A2"
    set_page(ws, layout, title=title)


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
