"""经费台账 to a print-ready .xlsx: a title with school, college, year and project, the header repeated on every
printed page, A4 landscape fitted one page wide, page numbers in the footer, the entries by date (with 上年结转
first when a year is chosen), a 小计 per category and a 合计 — amounts in 元 with a currency format, every
total computed in whole fen (never a formula), text always stored as text.

100,000 entries are written in write-only mode with styled cells reused (see _Cells): within 1.5× of openpyxl
writing the same cells plainly (benchmarks/bench_ledger.py).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import LedgerEntry, Project
from app.io.ledger_xlsx import MONEY_FORMAT, ProjectRef, find_project
from app.io.xlsx import (
    DATE_FORMAT,
    FixedCell,
    cells_to_row,
    discard_workbook,
    safe_text,
    save_workbook_atomic,
    set_print_layout,
    set_widths,
)
from app.progress import Progress, noop_progress, tick
from app.services.funds import (
    UNCATEGORIZED,
    LedgerQuery,
    budget_categories,
    ledger_index,
)
from app.services.settings import get_profile

# ---------------------------------------------------------------- export

FOOTER = "第 &P 页，共 &N 页"
TITLE_ROWS = 2  # title, then the line with year / project / unit
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True, size=10)
_BODY = Font(size=10)
_RISKY = ("=", "+", "-", "@", "#", "\t", "\r", "\n")
LINE_HEIGHT = 13.5  # points per line of 10-point text


@dataclass(frozen=True)
class _Col:
    header: str
    width: float
    kind: str = "text"  # text / wrap / date / money / center


def _columns(with_project: bool) -> list[_Col]:
    wide = 28 if with_project else 36
    cols = [_Col("日期", 11.5, "date"), _Col("凭证号", 13, "center"), _Col("摘要", wide, "wrap")]
    if with_project:
        cols.append(_Col("项目", 28, "wrap"))
    cols += [_Col("对方单位", wide, "wrap"), _Col("类别", 8, "center"), _Col("收入", 15, "money"),
             _Col("支出", 15, "money"), _Col("余额", 16, "money")]  # fmt: skip
    return cols


def text_lines(text: str, width: float) -> int:
    """Lines a 10-point text takes in a wrapped column `width` units wide, erring on the high side (Excel on
    Windows draws a CJK character about 1.9 units wide at 10 points, an ASCII one about 1). UTF-8 length is
    3 bytes per CJK character, 1 per ASCII: (bytes + chars) / 2 counts them 2 and 1, at C speed."""
    est = (len(text.encode()) + len(text)) / 2 * 0.92
    return max(1, math.ceil(est / max(width - 1, 1)))


_TYPES = {str: "s", float: "n", int: "n", dt.date: "d", dt.datetime: "d"}


class _Cells:
    """Styled cells reused row after row: a write-only sheet writes a row when it is appended, so one cell per
    column and style does (a new styled cell per value costs twice the plain write). Values are set as
    openpyxl's Cell.value would for these types, without its type sniffing; text is always text (never a
    formula or an error code), with Excel's quote prefix when it starts like a formula. Rows whose wrapped text
    needs more than one line get the height for it (an .xlsx stores row heights; nothing measures them again
    when printing)."""

    def __init__(self, ws: Any, cols: list[_Col], first_row: int) -> None:
        self.ws, self.cols, self.next_row = ws, cols, first_row
        self.plain = [self._make(c, bold=False) for c in cols]
        self.bold = [self._make(c, bold=True) for c in cols]
        self.guarded: dict[tuple[int, bool], Cell] = {}
        self.wrapped = [(i, c.width) for i, c in enumerate(cols) if c.kind in ("wrap", "center")]
        self.texts: dict[str, str] = {}  # names and summaries repeat: each cleaned once
        if hasattr(ws, "_values_to_row"):  # openpyxl 3.1's write-only sheet
            ws._values_to_row = cells_to_row

    def _make(self, c: _Col, *, bold: bool, guard: bool = False) -> Cell:
        cell = WriteOnlyCell(self.ws)
        cell.border = _BORDER
        cell.font = _BOLD if bold else _BODY
        if c.kind == "date":
            cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(horizontal="center", vertical="center")
        elif c.kind == "money":
            cell.number_format = MONEY_FORMAT
            cell.alignment = Alignment(vertical="center")
        elif c.kind == "center":
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        else:
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        if guard:
            cell.quotePrefix = True
        return FixedCell(cell)

    def _guarded(self, i: int, bold: bool) -> Cell:
        key = (i, bold)
        if key not in self.guarded:
            self.guarded[key] = self._make(self.cols[i], bold=bold, guard=True)
        return self.guarded[key]

    def append(self, values: Sequence[object], *, bold: bool = False) -> None:
        cells = self.bold if bold else self.plain
        out = []
        for i, v in enumerate(values):
            cell = cells[i]
            if v is None:
                cell._value, cell.data_type = None, "n"
            elif isinstance(v, str):
                text = self.texts.get(v)
                if text is None:
                    text = safe_text(v)
                    if len(self.texts) < 50_000:
                        self.texts[v] = text
                if text[:1] in _RISKY:
                    cell = self._guarded(i, bold)
                cell._value, cell.data_type = text or None, "s"
            elif type(v) in _TYPES:
                cell._value, cell.data_type = v, _TYPES[type(v)]
            else:
                cell.value = v  # anything else as openpyxl sees it (Decimal, bool …)
            out.append(cell)
        lines = 1
        for i, width in self.wrapped:
            v = values[i]
            if isinstance(v, str) and len(v) * 2 > width:
                lines = max(lines, text_lines(v, width))
        if lines > 1:
            self.ws.row_dimensions[self.next_row].height = LINE_HEIGHT * min(lines, 10) + 2
        self.ws.append(out)
        self.next_row += 1


def _title_cells(ws: Any, text: str, ncols: int, *, size: int, bold: bool) -> list[WriteOnlyCell]:
    """A line centred across the table's width (centerContinuous: no merged cells, fine in write-only)."""
    out = []
    for i in range(ncols):
        cell = WriteOnlyCell(ws, value=safe_text(text) if i == 0 else None)
        cell.font = Font(size=size, bold=bold)
        cell.alignment = Alignment(horizontal="centerContinuous", vertical="center")
        out.append(cell)
    return out


def _header_cells(ws: Any, cols: list[_Col]) -> list[WriteOnlyCell]:
    out = []
    for c in cols:
        cell = WriteOnlyCell(ws, value=c.header)
        cell.font = _BOLD
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        out.append(cell)
    return out


@dataclass
class _Totals:
    income: int = 0
    expense: int = 0
    by_category: dict[str | None, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


def _entry_rows(
    s: Session, ids: list[str], balances: list[int], names: dict[str, dict], totals: _Totals,
    with_project: bool, report: Progress, cancel: threading.Event | None,
) -> Iterator[list[object]]:  # fmt: skip
    cols = (LedgerEntry.id, LedgerEntry.entry_date, LedgerEntry.voucher_no, LedgerEntry.summary,
            LedgerEntry.project_id, LedgerEntry.counterparty, LedgerEntry.category_id, LedgerEntry.direction,
            LedgerEntry.amount_fen)  # fmt: skip
    step = 900
    for start in range(0, len(ids), step):
        tick(report, cancel, 0.05 + start / max(len(ids), 1) * 0.9, f"正在导出第{start + 1}/{len(ids)}条…")
        chunk = ids[start : start + step]
        rows = {r[0]: r for r in s.execute(select(*cols).where(LedgerEntry.id.in_(chunk)))}
        for eid, balance in zip(chunk, balances[start : start + step], strict=True):
            _, day, voucher, summary, pid, party, cid, direction, fen = rows[eid]
            income = fen if direction == "收入" else None
            expense = None if income is not None else fen
            sums = totals.by_category[cid]
            if income is not None:
                totals.income += fen
                sums[0] += fen
            else:
                totals.expense += fen
                sums[1] += fen
            line: list[object] = [day, voucher, summary]
            if with_project:
                line.append(names["project"].get(pid, ""))
            line += [party, names["category"].get(cid, UNCATEGORIZED), _yuan(income), _yuan(expense),
                     _yuan(balance)]  # fmt: skip
            yield line


def _yuan(fen: int | None) -> float | None:
    """元 as the float nearest fen/100 (Python's int division is correctly rounded, so Excel shows exactly
    the fen amount; every total is computed in integer fen before this)."""
    return None if fen is None else fen / 100


@dataclass(frozen=True)
class LedgerExport:
    entries: int
    income_fen: int
    expense_fen: int
    opening_fen: int
    closing_fen: int
    by_category: dict[str, tuple[int, int]]  # category name → (income, expense) in fen


def _title(s: Session, year: int | None, project: ProjectRef | None) -> tuple[str, str]:
    profile = get_profile(s)
    who = " ".join(p for p in (profile.school, profile.college) if p)
    title = f"{who}{' ' if who else ''}{f'{year}年度' if year else ''}产教融合经费台账"
    sub = (f"年度：{year if year else '全部年度'}　　项目：{project.name if project else '全部项目'}　　"
           f"单位：元　　导出日期：{dt.date.today().isoformat()}")  # fmt: skip
    return title, sub


def export_ledger(
    s: Session,
    path: Path,
    *,
    year: int | None = None,
    project_id: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> LedgerExport:
    """The 台账 (the live entries of `year` / `project_id`, in date order, with the running balance and the
    上年结转 when a year is chosen) as a print-ready sheet: title, header repeated on every printed page, A4
    landscape one page wide, 第 N 页，共 M 页 in the footer, a 小计 per category and a 合计 row, amounts as
    numbers in 元 with ¥#,##0.00, computed in integer fen (equal to the entries' sum to the fen)."""
    report = progress or noop_progress
    tick(report, cancel, 0.0, "正在读取台账…")
    project = find_project(s, project_id) if project_id else None
    index = ledger_index(s, LedgerQuery(year=year, project_id=project.id if project else ""))
    categories = budget_categories(s)
    names = {
        "category": {c.id: c.name for c in categories},
        "project": dict(s.execute(select(Project.id, Project.name)).all()) if project is None else {},
    }
    cols = _columns(with_project=project is None)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("经费台账")
    try:
        totals = _write_ledger(s, ws, cols, index, names, year, project, report, cancel)
        tick(report, cancel, 0.96, "正在保存文件…")
        save_workbook_atomic(wb, Path(path))
    except BaseException:
        discard_workbook(wb)
        raise
    order = {c.id: i for i, c in enumerate(categories)}
    by_category = {
        names["category"].get(cid, UNCATEGORIZED): (v[0], v[1])
        for cid, v in sorted(totals.by_category.items(), key=lambda kv: order.get(kv[0], len(order)))
    }
    closing = index.opening_fen + totals.income - totals.expense
    report(1.0, f"已导出 {len(index.ids)} 条台账记录")
    return LedgerExport(
        len(index.ids), totals.income, totals.expense, index.opening_fen, closing, by_category
    )


def _write_ledger(
    s: Session, ws: Any, cols: list[_Col], index: Any, names: dict[str, dict], year: int | None,
    project: ProjectRef | None, report: Progress, cancel: threading.Event | None,
) -> _Totals:  # fmt: skip
    n = len(cols)
    set_widths(ws, [c.width for c in cols])
    header_row = TITLE_ROWS + 1
    ws.freeze_panes = f"A{header_row + 1}"
    set_print_layout(ws, header_rows=f"{header_row}:{header_row}")  # before the first row (write-only)
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9
    ws.print_options.horizontalCentered = True
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
    title, sub = _title(s, year, project)
    ws.row_dimensions[1].height = 28
    ws.append(_title_cells(ws, title, n, size=16, bold=True))
    ws.append(_title_cells(ws, sub, n, size=10, bold=False))
    ws.append(_header_cells(ws, cols))
    cells = _Cells(ws, cols, header_row + 1)
    money = [i for i, c in enumerate(cols) if c.kind == "money"]
    summary_col = 2
    if year is not None and index.opening_fen:
        opening = [None] * n
        opening[summary_col] = "上年结转"
        opening[money[2]] = _yuan(index.opening_fen)
        cells.append(opening, bold=True)
    totals = _Totals()
    for line in _entry_rows(s, index.ids, index.balances, names, totals, project is None, report, cancel):
        cells.append(line)
    _write_totals(ws, cells, cols, totals, names, index.opening_fen)
    return totals


def _write_totals(
    ws: Any, cells: _Cells, cols: list[_Col], totals: _Totals, names: dict[str, dict], opening: int
) -> None:
    n = len(cols)
    money = [i for i, c in enumerate(cols) if c.kind == "money"]
    category_col = next(i for i, c in enumerate(cols) if c.header == "类别")
    order = list(names["category"])
    for cid in sorted(totals.by_category, key=lambda c: order.index(c) if c in order else len(order)):
        income, expense = totals.by_category[cid]
        line: list[object] = [None] * n
        line[0] = "小计"
        line[2] = f"{names['category'].get(cid, UNCATEGORIZED)} 小计"
        line[category_col] = names["category"].get(cid, UNCATEGORIZED)
        line[money[0]], line[money[1]] = _yuan(income), _yuan(expense)
        cells.append(line, bold=True)
    line = [None] * n
    line[0], line[2] = "合计", "合计（余额为期末余额）"
    line[money[0]], line[money[1]] = _yuan(totals.income), _yuan(totals.expense)
    line[money[2]] = _yuan(opening + totals.income - totals.expense)
    cells.append(line, bold=True)
