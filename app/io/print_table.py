"""One printed layout for the standard report tables wherever they are written — the 年度评价 export
(app/io/report_xlsx.py), the package's data.xlsx (app/package/export.py) and the school's summary
(app/package/merge_xlsx.py): A4 landscape, one page wide at a printed size of at least 8 pt, bold wrapped
headers repeated on every page, thin borders on every cell, 宋体 throughout, codes never split, numbers with
thousands separators, and the title (table, college, 学年) in the page header, so that row 1 stays the header
row the school's data platform and the package readers expect.

Widths are in Excel column units: one digit of the default font (宋体 11 pt: 7 px at 96 dpi, half a Chinese
character) plus 5 px of padding per column. PAGE_PX pixels fill an A4 landscape page between the margins at
100 %; a table up to PAGE_PX / 0.8 wide is shrunk onto one page, the body's 10 pt staying at least 8 pt; a wider
one (which narrowing its text columns could not avoid) is printed over several pages with its name column(s)
repeated on each.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

from app.io.xlsx import display_width
from app.reporting.columns import WAN_DECIMALS

FONT_NAME = "宋体"  # SimSun's own (Chinese) family name: Excel and LibreOffice both resolve it
GB2312 = 134  # the font's charset: Excel picks the Chinese face with it
BODY_SIZE = 10
MIN_PRINTED_SIZE = 8
PAGE_PX = 1049  # A4 landscape (297 mm) less two 0.4 in margins, in pixels at 96 dpi, at 100 %
MAX_PX = PAGE_PX * BODY_SIZE // MIN_PRINTED_SIZE  # a table wider than this would print below 8 pt
LINE_HEIGHT = 13.5  # points per line of 10 pt 宋体

DEFAULT_FONT = Font(name=FONT_NAME, size=11, charset=GB2312, family=3)
BODY_FONT = Font(name=FONT_NAME, size=BODY_SIZE, charset=GB2312)
HEADER_FONT = Font(name=FONT_NAME, size=BODY_SIZE, bold=True, charset=GB2312)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True, charset=GB2312)
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

NUMBER_FORMATS = {
    "int": "#,##0",
    "wan": "#,##0." + "0" * WAN_DECIMALS,  # 万元 to the data platform's decimals
    "yuan": "#,##0.00",
    "date": "yyyy-mm-dd",
    "month": "yyyy-mm",
    "datetime": "yyyy-mm-dd hh:mm",
}
NUMERIC = ("int", "wan", "yuan")
CODE = "code"  # 统一社会信用代码, 专业代码: text kept on one line
_ALIGN = {
    "text": Alignment(vertical="center", wrap_text=True),
    CODE: Alignment(vertical="center", wrap_text=False),
    "bool": Alignment(horizontal="center", vertical="center"),
    "date": Alignment(horizontal="center", vertical="center"),
    "month": Alignment(horizontal="center", vertical="center"),
    "datetime": Alignment(horizontal="center", vertical="center"),
}
_NUMBER_ALIGN = Alignment(horizontal="right", vertical="center")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_SHORTEST_TEXT = 12  # a text column is never narrowed below six Chinese characters
_NARROWEST = 7.5  # a figure column: its header wraps over several lines, 3 Chinese characters each


def use_table_font(wb: Any) -> None:
    """Make 宋体 the workbook's default font (the Normal style: empty cells, and the unit Excel and
    LibreOffice measure column widths in), as in a workbook made by Chinese Excel. Call on a new workbook,
    before any cell is styled."""
    wb._fonts = IndexedList([DEFAULT_FONT])


def print_kind(header: str, kind: str) -> str:
    """The column's layout kind: its report kind, or CODE for a code column (never wrapped)."""
    return CODE if kind == "text" and "代码" in header else kind


def _cell_width(kind: str, value: object) -> int:
    if value is None:
        return 0
    if kind in NUMERIC and isinstance(value, int | float):
        decimals = {"wan": WAN_DECIMALS, "yuan": 2}.get(kind, 0)
        return len(f"{value:,.{decimals}f}")
    if kind in ("date", "month", "datetime"):
        return {"date": 10, "month": 7, "datetime": 16}[kind]
    return display_width(value)


@dataclass(frozen=True)
class Layout:
    widths: tuple[float, ...]
    pages_wide: int
    repeat_cols: int  # leading columns repeated on each page (0: one page wide)
    header_height: float

    @property
    def total(self) -> float:
        return sum(self.widths)


def plan_layout(
    headers: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence[object]], *, name_cols: int = 1
) -> Layout:
    """Column widths for `rows` (a sample is enough) and how the table goes onto paper: text columns are
    narrowed (wrapping) until the table fits one page at 8 pt or cannot be narrowed more; then it spreads over
    several pages with its first `name_cols` columns repeated."""
    content = [0] * len(headers)
    for row in rows:
        for i, (kind, value) in enumerate(zip(kinds, row, strict=False)):
            content[i] = max(content[i], _cell_width(kind, value))
    natural: list[float] = []
    for header, kind, width in zip(headers, kinds, content, strict=True):
        head = display_width(header)
        if kind in ("text", CODE):
            natural.append(max(width, min(head, 16), 6) + 2)
        else:  # the header wraps to the figure's width, down to 3 Chinese characters a line
            natural.append(max(width + 2, _NARROWEST))
    widths = _narrow(natural, kinds)
    pages, total = 1, printed_px(widths)
    if total > MAX_PX:  # the fewest pages that keep 8 pt, each repeating the name column(s)
        repeated = printed_px(widths[:name_cols])
        pages = math.ceil((total - repeated) / max(MAX_PX - repeated, 1))
    lines = max(math.ceil(display_width(h) / max(w - 1.5, 1)) for h, w in zip(headers, widths, strict=True))
    return Layout(tuple(widths), pages, name_cols if pages > 1 else 0, lines * LINE_HEIGHT + 4)


def printed_px(widths: Sequence[float]) -> float:
    """A table's width on paper at 100 %, in pixels at 96 dpi (Excel: 7 px a unit, 5 px padding a column)."""
    return sum(7 * w + 5 for w in widths)


def _narrow(widths: list[float], kinds: Sequence[str]) -> list[float]:
    """The widest text column narrowed a step at a time while the table is wider than MAX_PX."""
    widths = [min(w, 40) if k == "text" else w for w, k in zip(widths, kinds, strict=True)]
    while printed_px(widths) > MAX_PX:
        texts = [i for i, k in enumerate(kinds) if k == "text" and widths[i] > _SHORTEST_TEXT]
        if not texts:
            break
        widest = max(texts, key=lambda i: widths[i])
        widths[widest] = max(_SHORTEST_TEXT, widths[widest] - 2)
    return widths


def row_height(values: Sequence[object], kinds: Sequence[str], widths: Sequence[float]) -> float | None:
    """The height a data row needs for its wrapped text (None: one line, the default height)."""
    lines = 1
    for value, kind, width in zip(values, kinds, widths, strict=False):
        if kind == "text" and value is not None:
            text_lines = str(value).split("\n")
            per_line = max(width - 2, 1)  # the cell's padding, and a character that does not fit wraps
            lines = max(lines, sum(math.ceil(display_width(t) / per_line) or 1 for t in text_lines))
    return lines * LINE_HEIGHT + 3 if lines > 1 else None


def style_body(cell: Any, kind: str) -> Any:
    """A table cell's font, border, alignment and number format (normal or write-only cell)."""
    cell.font, cell.border = BODY_FONT, BORDER
    cell.alignment = _NUMBER_ALIGN if kind in NUMERIC else _ALIGN.get(kind, _ALIGN["text"])
    if kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[kind]
    return cell


def style_head(cell: Any) -> Any:
    cell.font, cell.border, cell.alignment = HEADER_FONT, BORDER, HEADER_ALIGN
    return cell


def body_cell(ws: Any, kind: str, value: object) -> Cell:
    """A styled write-only cell (the value already as the sheet holds it: text guarded by the caller)."""
    cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
    return style_body(cell, kind)


TITLE_CHARS = 120  # Excel refuses a page header of over 255 characters (codes and the font's name included)


def page_title(title: str) -> str:
    """A title short enough for a page header: names joined from many packages end in 等."""
    title = " ".join(title.split())
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "等"


def set_page(ws: Any, layout: Layout, *, title: str, header_rows: str = "1:1") -> None:
    """A4 landscape, fitted as `layout` says, header rows on every page, the title in the page header and
    第 N 页 / 共 M 页 in the footer. Call before the first row of a write-only sheet."""
    for i, w in enumerate(layout.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = layout.pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = header_rows
    if layout.repeat_cols:
        ws.print_title_cols = f"A:{get_column_letter(layout.repeat_cols)}"
        ws.page_setup.pageOrder = "overThenDown"  # a row's pages one after the other, to lay side by side
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = page_title(title).replace("&", "&&")
    ws.oddHeader.center.font = f"{FONT_NAME},Bold"
    ws.oddHeader.center.size = 12
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    ws.oddFooter.center.font = FONT_NAME
    ws.oddFooter.center.size = 9
