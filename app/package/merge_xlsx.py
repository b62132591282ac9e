"""The school's summary workbook (学校汇总) of merged submission packages (app/package/merge.py):

- 汇总: a title row, then one row per package used (学校, 学院, 期间, 导出时间, 软件版本, then
  format.HEADLINES), a 合计 row;
- one sheet per standard report table (format.REPORT_SHEETS): 学院 (学校 before it when the packages come
  from several schools, 期间 after it when their periods differ), then the table's exact headers; every college's rows in turn, a 合计 row. A package of an older
  format version fills the columns it has (app/package/merge.py); the others stay empty;
- 说明: when and from what it was made, what was left out and why.

Every value from a package is written through app.io.xlsx.write_cell: text stays text, never a formula.
Printed as app/io/print_table.py lays tables out: one page wide, 学校 / 学院 repeated when a sheet must be
wider, amounts with thousands separators, the title in the page header.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from app.domain.names import name_key
from app.io.print_table import (
    HEADER_FONT,
    NUMBER_FORMATS,
    TITLE_FONT,
    plan_layout,
    print_kind,
    row_height,
    set_page,
    style_body,
    style_head,
    use_table_font,
)
from app.io.xlsx import display_width, save_workbook_atomic, write_cell
from app.package import format as fmt
from app.package.figures import headline_kind, number, sum_column
from app.package.merge import ROW_TICK
from app.progress import noop_progress, tick
from app.reporting.columns import TABLE_COLUMNS

if TYPE_CHECKING:
    from app.package.merge import MergeResult, PackageInfo, Tables

SUMMARY = "汇总"
NOTES = "说明"
TOTAL = "合计"
SUMMARY_HEADERS = ("学校", "学院", "期间", "导出时间", "软件版本")
DATETIME_FORMAT = NUMBER_FORMATS["datetime"]
WAN_FORMAT = NUMBER_FORMATS["wan"]
FORMATS = NUMBER_FORMATS
TOTALS_NOTE = (
    "各表最后一行“合计”：数字列为各行之和（金额按分、万元按 0.0001 万元累加，不会有舍入误差）；"
    "“是/否”列为填“是”的行数；文本、日期和年月列，以及各学院都未填的列留空。"
)
BOLD = HEADER_FONT


def write_summary(
    result: MergeResult, tables: Tables, out: Path, *, cancel: threading.Event | None = None
) -> None:
    """Write the summary workbook of `result` (its used packages' report rows in `tables`) to `out`."""
    wb = Workbook()
    use_table_font(wb)
    wb.remove(wb.active)
    _summary_sheet(wb.create_sheet(SUMMARY), result)
    periods = len({p.period_code for p in result.used}) > 1
    for name, headers in fmt.REPORT_SHEETS:
        tick(noop_progress, cancel, 0, "")
        _report_sheet(wb.create_sheet(name), name, headers, result.used, tables, periods, cancel)
    _notes_sheet(wb.create_sheet(NOTES), result, periods)
    wb.active = 0
    save_workbook_atomic(wb, out)


# ---------------------------------------------------------------- 汇总


def _summary_sheet(ws: Any, result: MergeResult) -> None:
    schools = [s for s in dict.fromkeys(p.school for p in result.used) if s]
    title = f"{'、'.join(schools)}产教融合上报数据汇总（{'、'.join(result.periods)}）"
    kinds = ["text", "text", "text", "datetime", "text", *(headline_kind(h) for h in fmt.HEADLINES)]
    headers = [*SUMMARY_HEADERS, *(h.label for h in fmt.HEADLINES)]
    rows: list[list[object]] = []
    for p in result.used:
        created = p.created.replace(tzinfo=None) if p.created else None  # as the college's clock said
        rows.append(
            [p.school, p.college, p.period_label, created, p.app_version]
            + [p.figures.get(h.label) for h in fmt.HEADLINES]
        )
    total = [TOTAL, None, None, None, None] + [result.totals.get(h.label) for h in fmt.HEADLINES]
    layout = plan_layout(headers, kinds, [*rows, total], name_cols=2)  # 学校 and 学院 repeat if it must
    write_cell(ws, 1, 1, title).font = TITLE_FONT
    ws.row_dimensions[1].height = 24
    _write_rows(ws, 2, headers, kinds, [*rows, total], layout)
    _bold_row(ws, len(rows) + 3, len(headers))
    ws.freeze_panes = "C3"
    set_page(ws, layout, title=title, header_rows="2:2")
    # Printed, the title is the page header of every page; row 1 (the title on screen) would be cut off at the
    # repeated columns of a second page.
    ws.print_area = f"A2:{get_column_letter(len(headers))}{len(rows) + 3}"


# ---------------------------------------------------------------- the report tables


def _report_sheet(
    ws: Any,
    name: str,
    headers: tuple[str, ...],
    used: Sequence[PackageInfo],
    tables: Tables,
    periods: bool,
    cancel: threading.Event | None,
) -> None:
    table_kinds = [c.kind for c in TABLE_COLUMNS[name]]
    schools = len({name_key(p.school) for p in used}) > 1  # 学校 only when the colleges are of several
    lead = [*(["学校"] if schools else []), "学院", *(["期间"] if periods else [])]
    all_headers = [*lead, *headers]
    kinds = ["text"] * len(lead) + [print_kind(h, k) for h, k in zip(headers, table_kinds, strict=True)]
    columns: list[list[object]] = [[] for _ in headers]
    rows: list[list[object]] = []
    for p in used:
        for row in tables.get(p.path, {}).get(name, []):
            if len(rows) % ROW_TICK == 0:
                tick(noop_progress, cancel, 0, "")
            values = [_report_value(k, v) for k, v in zip(table_kinds, row, strict=True)]
            for i, value in enumerate(values):
                columns[i].append(value)
            front = [*([p.school] if schools else []), p.college, *([p.period_label] if periods else [])]
            rows.append([*front, *values])
    total = [TOTAL, *([None] * (len(lead) - 1))]
    total += [_column_total(kind, columns[i]) for i, kind in enumerate(table_kinds)]
    layout = plan_layout(all_headers, kinds, [*rows[:500], total], name_cols=len(lead) + 1)
    _write_rows(ws, 1, all_headers, kinds, [*rows, total], layout)
    _bold_row(ws, len(rows) + 2, len(all_headers))
    ws.freeze_panes = ws.cell(row=2, column=len(lead) + 1).coordinate
    school_text = "、".join(dict.fromkeys(p.school for p in used if p.school))
    periods_text = "、".join(dict.fromkeys(p.period_label for p in used))
    set_page(ws, layout, title=f"{school_text} {periods_text} {name}（各学院汇总）".strip())


def _write_rows(ws: Any, head: int, headers, kinds, rows, layout) -> None:
    """The header at row `head` and the rows below it, each cell styled as print_table lays tables out."""
    for c, text in enumerate(headers, start=1):
        style_head(write_cell(ws, head, c, text))
    ws.row_dimensions[head].height = layout.header_height
    for r, values in enumerate(rows, start=head + 1):
        for c, (kind, value) in enumerate(zip(kinds, values, strict=True), start=1):
            if kind == "code" and value is not None:
                value = str(value)
            style_body(write_cell(ws, r, c, value), kind)
        height = row_height(values, kinds, layout.widths)
        if height:
            ws.row_dimensions[r].height = height


def _report_value(kind: str, value: object) -> object:
    if kind in ("date", "month") and isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _column_total(kind: str, values: list[object]) -> int | float | None:
    if kind == "bool":
        return sum(1 for v in values if isinstance(v, str) and v.strip() == fmt.YES)
    if kind in ("int", "wan", "yuan") and any(number(v) is not None for v in values):
        return sum_column(values, kind)
    return None  # text, dates, or a column the colleges' data cannot give (all empty)


# ---------------------------------------------------------------- 说明


def _notes_sheet(ws: Any, result: MergeResult, periods: bool) -> None:
    head, table = "head", "table"  # row styles: a section heading, a table's header row
    rows: list[tuple[str, list[object]]] = [
        ("", ["生成时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M")]),
        ("", ["期间", "、".join(result.periods)]),
        ("", []),
        (head, [f"使用的材料包（{len(result.used)} 个）"]),
        (table, ["文件名", "学校", "学院", "期间", "导出时间", "软件版本"]),
    ]
    rows += [
        ("", [p.name, p.school, p.college, p.period_label, p.created_text, p.app_version])
        for p in result.used
    ]
    rows += [("", []), (head, [f"未计入的材料包（{len(result.invalid)} 个：校验未通过或无法读取）"])]
    if result.invalid:
        rows.append((table, ["文件名", "原因"]))
    rows += [("", [v.path.name, result.invalid_text(v)]) for v in result.invalid] or [("", ["（无）"])]
    rows += [
        ("", []),
        (head, [f"被替代的材料包（{len(result.superseded)} 个：同一学院同一期间只计最新导出的）"]),
    ]
    rows += [("", [result.superseded_text(old, new)]) for old, new in result.superseded] or [("", ["（无）"])]
    rows += [("", []), (head, ["提示"])]
    rows += [("", [w]) for w in result.warnings] or [("", ["（无）"])]
    rows += [("", []), (head, ["合计行与各表"]), ("", [TOTALS_NOTE])]
    if periods:
        rows.append(("", ["材料包的期间不同：各标准报表在“学院”后加了“期间”列。"]))
    if len({name_key(p.school) for p in result.used}) > 1:
        rows.append(("", ["材料包来自不同的学校：各标准报表在“学院”前加了“学校”列。"]))
    rows.append(
        ("", ["标准报表按学年统计（学期材料包中的是该学期所在学年的），数字以各学院导出时的数据为准。"])
    )
    write_cell(ws, 1, 1, "学校汇总说明").font = TITLE_FONT
    for r, (style, values) in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            cell = write_cell(ws, r, c, value)
            cell.alignment = Alignment(vertical="top", wrap_text=len(values) > 1)
            if style:
                cell.font = BOLD
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 60
    for col in "CDEF":
        ws.column_dimensions[col].width = 20
    for r, (_style, values) in enumerate(rows, start=2):
        if len(values) == 1 and display_width(values[0]) > 36:  # a sentence: wrapped across the sheet's width
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
            ws.cell(r, 1).alignment = Alignment(vertical="top", wrap_text=True)
            ws.row_dimensions[r].height = 14 * math.ceil(display_width(values[0]) / 170)
    set_page(ws, plan_layout(["", "", "", "", "", ""], ["text"] * 6, []), title="学校汇总说明")
    for col, width in zip("ABCDEF", (36, 60, 20, 20, 20, 20), strict=True):
        ws.column_dimensions[col].width = width


def _bold_row(ws: Any, row: int, ncols: int) -> None:
    for col in range(1, ncols + 1):
        ws.cell(row=row, column=col).font = BOLD
