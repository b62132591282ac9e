"""经费台账 to a print-ready .xlsx: a title with school, college, year and project, the header repeated on every
printed page, A4 landscape fitted one page wide, page numbers in the footer, the entries by date (with 上年结转
first when a year is chosen), a 小计 per category and a 合计 — amounts in 元 with a currency format, every
total computed in whole fen (never a formula), text always stored as text.

openpyxl lays out a small workbook (print settings, styles, the title and the header); the entries' rows are then
written into its sheet as the XML openpyxl's write-only mode writes for them (see _Rows), without nine cell
objects and nine XML elements per row: 100,000 entries in less time than openpyxl writing the same cells plainly
(benchmarks/bench_ledger.py).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import threading
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import LedgerEntry, Project
from app.io.ledger_xlsx import MONEY_FORMAT, ProjectRef, find_project
from app.io.xlsx import DATE_FORMAT, safe_text, saving_atomic, set_print_layout, set_widths
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
SHEET = "xl/worksheets/sheet1.xml"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True, size=10)
_BODY = Font(size=10)
_RISKY = ("=", "+", "-", "@", "#", "\t", "\r", "\n")
LINE_HEIGHT = 13.5  # points per line of 10-point text
_NOT_XML = re.compile("[\ufffe\uffff]")  # no characters in XML either (safe_text drops the control ones)
_ESCAPES = {"\r": "&#13;"}  # besides & < >, as lxml writes text (a bare CR would be read as a line feed)


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


def _style_id(ws: Any, c: _Col, *, bold: bool, guard: bool) -> int:
    """The workbook's style number of a body cell of column `c` (registered in its styles.xml)."""
    cell = WriteOnlyCell(ws)
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
    return cell.style_id


def _number(v: object) -> str:
    return "%.16g" % v  # as openpyxl writes a number  # noqa: UP031


class _Rows:
    """The table's rows as the sheet's XML, exactly as openpyxl's write-only mode writes them: every cell
    styled (blank ones too: their borders), numbers as %.16g, dates as Excel serial numbers, text inline and
    always text (never a formula or an error code), with Excel's quote prefix when it starts like a formula, so
    it also stays text when edited in Excel. Rows whose wrapped text needs more than one line get the height for
    it (an .xlsx stores row heights; nothing measures them again when printing). The styles are registered in
    `ws`'s workbook before it is saved; tests/core/test_ledger_rows.py compares the XML with openpyxl's."""

    def __init__(self, ws: Any, cols: list[_Col], first_row: int) -> None:
        self.next_row = first_row
        self.letters = [get_column_letter(i) for i in range(1, len(cols) + 1)]
        self.styles = {
            (bold, guard): [_style_id(ws, c, bold=bold, guard=guard) for c in cols]
            for bold in (False, True)
            for guard in (False, True)
        }
        self.wrapped = [(i, c.width) for i, c in enumerate(cols) if c.kind in ("wrap", "center")]
        self.texts: dict[str, tuple[bool, str]] = {}  # names and summaries repeat: each cleaned once
        self.dates: dict[dt.date, str] = {}
        self.out: list[str] = []

    def _text(self, v: str) -> tuple[bool, str]:
        """(starts like a formula, the cell's XML after its style) for a text; an empty one stays an empty
        text cell, as openpyxl writes it."""
        found = self.texts.get(v)
        if found is None:
            text = _NOT_XML.sub("", safe_text(v))
            space = ' xml:space="preserve"' if text != text.strip() else ""
            body = f"<is><t{space}>{escape(text, _ESCAPES)}</t></is>" if text else ""
            found = (text[:1] in _RISKY, f' t="inlineStr">{body}</c>')
            if len(self.texts) < 50_000:
                self.texts[v] = found
        return found

    def append(self, values: Sequence[object], *, bold: bool = False) -> None:
        r = self.next_row
        cells = []
        for i, v in enumerate(values):
            head = f'<c r="{self.letters[i]}{r}" s="'
            if isinstance(v, str):
                risky, xml = self._text(v)
                cells.append(f'{head}{self.styles[bold, risky][i]}"{xml}')
            elif v is None:
                cells.append(f'{head}{self.styles[bold, False][i]}" t="n"></c>')
            else:
                cells.append(f'{head}{self.styles[bold, False][i]}" t="n"><v>{self._value(v)}</v></c>')
        lines = 1
        for i, width in self.wrapped:
            v = values[i]
            if isinstance(v, str) and len(v) * 2 > width:
                lines = max(lines, text_lines(v, width))
        height = f' ht="{_number(LINE_HEIGHT * min(lines, 10) + 2)}" customHeight="1"' if lines > 1 else ""
        self.out.append(f'<row r="{r}"{height}>{"".join(cells)}</row>')
        self.next_row += 1

    def _value(self, v: object) -> str:
        if isinstance(v, dt.date):
            if v not in self.dates:
                self.dates[v] = _number(to_excel(v))
            return self.dates[v]
        if isinstance(v, int | float | Decimal) and not isinstance(v, bool):
            return _number(v)
        raise TypeError(f"台账单元格不支持的值：{v!r}")

    def flush(self, out: IO[bytes]) -> None:
        out.write("".join(self.out).encode())
        self.out.clear()


def _title_row(ws: Any, row: int, text: str, ncols: int, *, size: int, bold: bool) -> None:
    """A line centred across the table's width (centerContinuous: no merged cells)."""
    for col in range(1, ncols + 1):
        cell = ws.cell(row=row, column=col, value=safe_text(text) if col == 1 else None)
        cell.font = Font(size=size, bold=bold)
        cell.alignment = Alignment(horizontal="centerContinuous", vertical="center")


def _header_row(ws: Any, row: int, cols: list[_Col]) -> None:
    for col, c in enumerate(cols, start=1):
        cell = ws.cell(row=row, column=col, value=c.header)
        cell.font = _BOLD
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def save_with_rows(wb: Workbook, path: Path, write_rows: Callable[[IO[bytes]], None]) -> None:
    """Save `wb` (one sheet) to `path` atomically with more rows after its own: `write_rows` writes them, as
    sheet XML, into the sheet's part of the .xlsx (compressed as it goes, no temporary file)."""
    template = io.BytesIO()
    wb.save(template)
    with zipfile.ZipFile(template) as src, saving_atomic(path) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename != SHEET:
                    dst.writestr(info, data)
                    continue
                head, tail = data.split(b"</sheetData>")
                # the rows' range, which openpyxl took from its own rows, is optional: left out, as write-only does
                head = re.sub(rb"<dimension [^>]*/>", b"", head, count=1)
                part = zipfile.ZipInfo(SHEET, info.date_time)
                part.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(part, "w") as out:
                    out.write(head)
                    write_rows(out)
                    out.write(b"</sheetData>" + tail)


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
    wb = Workbook()
    ws = wb.active
    ws.title = "经费台账"
    _layout(ws, cols, *_title(s, year, project))
    rows = _Rows(ws, cols, TITLE_ROWS + 2)
    totals = _Totals()

    def write_rows(out: IO[bytes]) -> None:
        _write_ledger(s, out, rows, cols, index, names, totals, year, project is None, report, cancel)

    save_with_rows(wb, Path(path), write_rows)
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


def _layout(ws: Any, cols: list[_Col], title: str, sub: str) -> None:
    """Column widths, the frozen header, the print settings, the title lines and the header row."""
    n = len(cols)
    set_widths(ws, [c.width for c in cols])
    header_row = TITLE_ROWS + 1
    ws.freeze_panes = f"A{header_row + 1}"
    set_print_layout(ws, header_rows=f"{header_row}:{header_row}")
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9
    ws.print_options.horizontalCentered = True
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
    ws.row_dimensions[1].height = 28
    _title_row(ws, 1, title, n, size=16, bold=True)
    _title_row(ws, 2, sub, n, size=10, bold=False)
    _header_row(ws, header_row, cols)


def _write_ledger(
    s: Session, out: IO[bytes], rows: _Rows, cols: list[_Col], index: Any, names: dict[str, dict],
    totals: _Totals, year: int | None, with_project: bool, report: Progress, cancel: threading.Event | None,
) -> None:  # fmt: skip
    n = len(cols)
    money = [i for i, c in enumerate(cols) if c.kind == "money"]
    summary_col = 2
    if year is not None and index.opening_fen:
        opening = [None] * n
        opening[summary_col] = "上年结转"
        opening[money[2]] = _yuan(index.opening_fen)
        rows.append(opening, bold=True)
    for line in _entry_rows(s, index.ids, index.balances, names, totals, with_project, report, cancel):
        rows.append(line)
        if len(rows.out) >= 1000:
            rows.flush(out)
    tick(report, cancel, 0.96, "正在保存文件…")
    _write_totals(rows, cols, totals, names, index.opening_fen)
    rows.flush(out)


def _write_totals(
    rows: _Rows, cols: list[_Col], totals: _Totals, names: dict[str, dict], opening: int
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
        rows.append(line, bold=True)
    line = [None] * n
    line[0], line[2] = "合计", "合计（余额为期末余额）"
    line[money[0]], line[money[1]] = _yuan(totals.income), _yuan(totals.expense)
    line[money[2]] = _yuan(opening + totals.income - totals.expense)
    rows.append(line, bold=True)
