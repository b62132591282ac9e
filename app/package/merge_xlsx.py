"""The school's summary workbook (学校汇总) of merged submission packages (app/package/merge.py):

- 汇总: one row per package used (学校, 学院, 期间, 导出时间, 软件版本, then format.HEADLINES), a 合计 row;
- one sheet per standard report table (format.REPORT_SHEETS): 学院 (and 期间 when the packages' periods
  differ), then the table's exact headers; every college's rows in turn, a 合计 row;
- 说明: when and from what it was made, what was left out and why.

Every value from a package is written through app.io.xlsx.write_cell: text stays text, never a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app.io.report_xlsx import MONTH_FORMAT, YUAN_FORMAT
from app.io.xlsx import (
    DATE_FORMAT,
    PRINT_WIDTH,
    column_widths,
    save_workbook_atomic,
    set_print_layout,
    set_widths,
    style_header,
    write_cell,
)
from app.package import format as fmt
from app.package.figures import headline_kind, number, sum_column
from app.package.merge import ROW_TICK
from app.progress import noop_progress, tick
from app.services.report_columns import TABLE_COLUMNS

if TYPE_CHECKING:
    from app.package.merge import MergeResult, PackageInfo, Tables

SUMMARY = "汇总"
NOTES = "说明"
TOTAL = "合计"
SUMMARY_HEADERS = ("学校", "学院", "期间", "导出时间", "软件版本")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
WAN_FORMAT = "0.0000"
FORMATS = {
    fmt.YUAN: YUAN_FORMAT,
    "yuan": YUAN_FORMAT,
    "wan": WAN_FORMAT,
    "month": MONTH_FORMAT,
    "date": DATE_FORMAT,
}
TOTALS_NOTE = (
    "各表最后一行“合计”：数字列为各行之和（金额按分、万元按 0.0001 万元累加，不会有舍入误差）；"
    "“是/否”列为填“是”的行数；文本、日期和年月列，以及各学院都未填的列留空。"
)
BOLD = Font(bold=True)


def write_summary(
    result: MergeResult, tables: Tables, out: Path, *, cancel: threading.Event | None = None
) -> None:
    """Write the summary workbook of `result` (its used packages' report rows in `tables`) to `out`."""
    wb = Workbook()
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
    write_cell(ws, 1, 1, title).font = Font(bold=True, size=14)
    kinds = [headline_kind(h) for h in fmt.HEADLINES]
    headers = [*SUMMARY_HEADERS, *(h.label for h in fmt.HEADLINES)]
    for col, text in enumerate(headers, start=1):
        write_cell(ws, 2, col, text)
    rows: list[list[object]] = []
    for p in result.used:
        created = p.created.replace(tzinfo=None) if p.created else None  # as the college's clock said
        rows.append(
            [p.school, p.college, p.period_label, created, p.app_version]
            + [p.figures.get(h.label) for h in fmt.HEADLINES]
        )
    total = [TOTAL, None, None, None, None] + [result.totals.get(h.label) for h in fmt.HEADLINES]
    first = len(SUMMARY_HEADERS)
    for r, values in enumerate([*rows, total], start=3):
        for c, value in enumerate(values, start=1):
            cell = write_cell(ws, r, c, value)
            if c == 4 and value is not None:
                cell.number_format = DATETIME_FORMAT
            elif c > first and kinds[c - first - 1] in FORMATS:
                cell.number_format = FORMATS[kinds[c - first - 1]]
    _bold_row(ws, len(rows) + 3, len(headers))
    style_header(ws, 2, len(headers), last_row=len(rows) + 2)
    widths = column_widths([headers, *rows], maximum=30)
    widths[3] = max(widths[3], 17)
    widths[first:] = [min(w, 12) for w in widths[first:]]  # figure columns: the header wraps instead
    set_widths(ws, widths)
    ws.row_dimensions[2].height = 45
    set_print_layout(ws, header_rows="2:2", pages_wide=math.ceil(sum(widths) / PRINT_WIDTH))


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
    kinds = [c.kind for c in TABLE_COLUMNS[name]]
    lead = ["学院", "期间"] if periods else ["学院"]
    all_headers = [*lead, *headers]
    for col, text in enumerate(all_headers, start=1):
        write_cell(ws, 1, col, text)
    r = 2
    columns: list[list[object]] = [[] for _ in headers]
    sample: list[list[object]] = []
    for p in used:
        for row in tables.get(p.path, {}).get(name, []):
            if r % ROW_TICK == 0:
                tick(noop_progress, cancel, 0, "")
            values = [_report_value(k, v) for k, v in zip(kinds, row, strict=True)]
            front = [p.college, p.period_label] if periods else [p.college]
            for c, value in enumerate([*front, *values], start=1):
                cell = write_cell(ws, r, c, value)
                kind = kinds[c - len(lead) - 1] if c > len(lead) else "text"
                if kind in FORMATS and value is not None:
                    cell.number_format = FORMATS[kind]
            for i, value in enumerate(values):
                columns[i].append(value)
            if len(sample) < 200:
                sample.append([*front, *values])
            r += 1
    write_cell(ws, r, 1, TOTAL)
    for i, kind in enumerate(kinds):
        total = _column_total(kind, columns[i])
        cell = write_cell(ws, r, len(lead) + i + 1, total)
        if kind in FORMATS and total is not None:
            cell.number_format = FORMATS[kind]
    _bold_row(ws, r, len(all_headers))
    style_header(ws, 1, len(all_headers), last_row=r - 1)
    widths = column_widths([all_headers, *sample], maximum=30)
    widths[len(lead) :] = [
        w if k == "text" else min(w, 12) for k, w in zip(kinds, widths[len(lead) :], strict=True)
    ]
    set_widths(ws, widths)
    ws.row_dimensions[1].height = 72  # long headers wrap over up to 5 lines in the narrow figure columns
    set_print_layout(ws, header_rows="1:1", pages_wide=math.ceil(sum(widths) / PRINT_WIDTH))


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
    rows.append(
        ("", ["标准报表按学年统计（学期材料包中的是该学期所在学年的），数字以各学院导出时的数据为准。"])
    )
    write_cell(ws, 1, 1, "学校汇总说明").font = Font(bold=True, size=14)
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


def _bold_row(ws: Any, row: int, ncols: int) -> None:
    for col in range(1, ncols + 1):
        ws.cell(row=row, column=col).font = BOLD
