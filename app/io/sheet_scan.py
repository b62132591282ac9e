"""What each worksheet's XML says, read in one streaming pass before openpyxl reads any of it.

- Size: a sheet with more rows than an import takes is refused before it is read whole — at once when its
  `<dimension>` claims too many rows, otherwise as soon as the count of rows holding a value passes the cap
  (the XML is streamed and each row dropped once counted, so memory stays small whatever the sheet's size).
- Hidden rows (hidden by hand, by a filter or a collapsed outline) and hidden columns: an import reads them
  like the others, and its preview says so.
- Merged ranges: a read-only sheet does not tell them; data_rows gives each cell of a range its value.
- Cell values, given a CellReading (the shared strings and date styles openpyxl loaded): each row's values
  exactly as openpyxl's read-only iteration gives them (iter_rows(values_only=True) of a data_only workbook
  after reset_dimensions), so the import does not parse the sheet a second time. A sheet with anything this
  reader does not take exactly as openpyxl does (a cell openpyxl would fail on, a DTD, another encoding…)
  keeps no values and is read through openpyxl as before.

The workbook has already passed app.io.xlsx's container checks (a sane zip of bounded size).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import posixpath
import weakref
import zipfile
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import IO, Any, NamedTuple

from lxml import etree
from openpyxl.cell.text import Text
from openpyxl.utils import range_boundaries
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet import _reader as op_reader

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_ROW, _DIMENSION, _COL, _MERGE = (MAIN + t for t in ("row", "dimension", "col", "mergeCell"))
_SHEET_DATA, _COLS, _V, _IS, _T = (MAIN + t for t in ("sheetData", "cols", "v", "is", "t"))
_VALUE_TAGS = frozenset({_V, _IS})
_AS_TEXT = frozenset({"str", "e"})  # cell types whose <v> text is the value
_TRUE = frozenset({"1", "true"})
MAX_MERGES = 10_000
MAX_MERGE_CELLS = 10_000  # a range bigger than this (a whole column merged…) is not a data cell's merge
MAX_COLUMN = 16_384  # XFD
MAX_ROW = 1_048_576  # Excel's last row: a row numbered beyond it is left to openpyxl
# Cell values held for the sheets of one workbook (a row counts its width, a missing row one): about 100,000
# rows of 50 columns. A workbook with more has the rest of its sheets read through openpyxl.
MAX_HELD_CELLS = 5_000_000
ROWS_TOLD = 1_000  # a scan tells its progress (and may be cancelled) every so many rows
RowsRead = Callable[[str, int], None]  # (the sheet's title, its rows read so far)


@dataclass
class SheetScan:
    title: str = ""
    rows: int = 0  # rows that hold at least one value
    last_row: int = 0  # the number of the last such row
    hidden_rows: set[int] = field(default_factory=set)  # rows holding a value that Excel does not show
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)  # (first, last) column numbers
    # (min_col, min_row, max_col, max_row) of each merged range
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    values: HeldRows | None = None  # the cell values, when read (scan_workbook with a CellReading)

    def column_hidden(self, col: int) -> bool:
        return any(first <= col <= last for first, last in self.hidden_cols)


class SheetTooBig(Exception):
    """A sheet with more rows than `cap`: `rows` is what its <dimension> claims (`by_dimension`) or the count
    at which reading stopped."""

    def __init__(self, title: str, rows: int, *, by_dimension: bool) -> None:
        super().__init__(title)
        self.title, self.rows, self.by_dimension = title, rows, by_dimension


class CellReading(NamedTuple):
    """What openpyxl's read-only reader makes a cell's value with, as the workbook it loaded has them."""

    strings: Sequence[str]  # the shared strings (ExcelReader.shared_strings, each sheet's _shared_strings)
    date_formats: Container[int]  # style ids of date and time formats (wb._date_formats)
    timedelta_formats: Container[int]  # … of durations ([h]:mm) (wb._timedelta_formats)
    epoch: dt.datetime  # 1900 or 1904 date system (wb.epoch)


class _Budget:
    def __init__(self, cells: int) -> None:
        self.left = cells


def scan_workbook(
    z: zipfile.ZipFile,
    cap: int,
    reading: CellReading | None = None,
    *,
    held: int | None = None,
    on_rows: RowsRead | None = None,
) -> dict[str, SheetScan]:
    """{worksheet part name (xl/worksheets/sheet1.xml): its scan} for every worksheet of the archive, with the
    cell values when `reading` is given (up to `held` cells in all, MAX_HELD_CELLS by default). Raise
    SheetTooBig for the first sheet over `cap` rows, etree.XMLSyntaxError for one that is not XML.
    `on_rows(title, rows)` is told every ROWS_TOLD rows read, for progress; what it raises (Cancelled) stops
    the scan."""
    budget = _Budget(MAX_HELD_CELLS if held is None else held)
    out: dict[str, SheetScan] = {}
    for name, title in _sheets(z):
        with z.open(name) as f:
            out[name] = scan_sheet(f, title, cap, reading, budget, on_rows)
    return out


def _sheets(z: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(part name, title) of every worksheet: wherever the workbook says its sheets are, and any other part
    under xl/worksheets/."""
    titles = _sheet_titles(z)
    names = set(z.namelist())
    parts = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml") and n.count("/") == 2}
    return [(n, titles.get(n, posixpath.basename(n))) for n in sorted(parts | (set(titles) & names))]


def check_dimensions(z: zipfile.ZipFile, cap: int) -> None:
    """SheetTooBig for the first sheet whose <dimension> claims more than `cap` rows: read up to <sheetData>,
    before openpyxl loads anything (its shared strings can take seconds)."""
    for name, title in _sheets(z):
        with z.open(name) as f:
            for _event, el in etree.iterparse(
                f, events=("start",), resolve_entities=False, no_network=True, huge_tree=True
            ):
                if el.tag == _DIMENSION:
                    claimed = _dimension_rows(el.get("ref") or "")
                    if claimed > cap:
                        raise SheetTooBig(title, claimed, by_dimension=True)
                if el.tag == _SHEET_DATA:
                    break


def scan_sheet(
    f: IO[bytes],
    title: str,
    cap: int,
    reading: CellReading | None = None,
    budget: _Budget | None = None,
    on_rows: RowsRead | None = None,
) -> SheetScan:
    scan = SheetScan(title)
    rows_read = 0
    reader = None if reading is None else _RowReader(reading, budget or _Budget(MAX_HELD_CELLS))
    checks = _openpyxl_checks() if reader is not None else {}
    row_no = 0
    it = etree.iterparse(
        f,
        events=("end",),
        tag=(_ROW, _DIMENSION, _COL, _MERGE, *checks),
        resolve_entities=False,
        no_network=True,
        huge_tree=True,  # one long cell is not a reason to refuse; the container check bounds the size
        remove_comments=True,  # as openpyxl's parser (xml.etree) sees the sheet
        remove_pis=True,
    )
    for _event, el in it:
        tag = el.tag
        if tag == _ROW:
            row_no = _int(el.get("r"), row_no + 1)
            rows_read += 1
            if on_rows is not None and rows_read % ROWS_TOLD == 0:
                on_rows(title, rows_read)
            has_value = None
            if reader is not None:
                try:
                    has_value = reader.add(el)
                except Exception:  # openpyxl fails on this row, or might read it otherwise, or too many cells
                    reader.drop()
                    reader = None
            if has_value is None:
                has_value = any(c.tag in _VALUE_TAGS for cell in el for c in cell)
            if has_value:
                _count_row(scan, row_no, el.get("hidden") in _TRUE, cap)
        elif tag == _DIMENSION:
            claimed = _dimension_rows(el.get("ref") or "")
            if claimed > cap:
                raise SheetTooBig(title, claimed, by_dimension=True)
        elif tag == _COL and el.get("hidden") in _TRUE:
            first, last = _int(el.get("min"), 0), _int(el.get("max"), 0)
            if 1 <= first <= last and len(scan.hidden_cols) < MAX_COLUMN:
                scan.hidden_cols.append((first, min(last, MAX_COLUMN)))
        elif tag == _MERGE:
            if len(scan.merges) < MAX_MERGES:
                _add_merge(scan.merges, el.get("ref") or "")
            if reader is not None:
                reader.merge_cells += 1
                if reader.merge_cells <= MAX_MERGES:
                    continue  # kept whole for openpyxl's reading of <mergeCells> (its check below)
                reader.drop()
                reader = None
        if reader is not None and not _checked(checks, el):
            reader.drop()
            reader = None
        _drop(el, exact=reader is not None)
    if reader is not None:
        scan.values = reader.rows(it.root)
    return scan


def _count_row(scan: SheetScan, row_no: int, hidden: bool, cap: int) -> None:
    """A row holding a value: counted, and refused past the cap."""
    scan.rows += 1
    scan.last_row = row_no
    if hidden:
        scan.hidden_rows.add(row_no)
    if scan.rows > cap:
        raise SheetTooBig(scan.title, scan.rows, by_dimension=False)


def _drop(el: etree._Element, *, exact: bool) -> None:
    """Free what is read: memory stays that of one row. While the values are read, the tree is kept as
    openpyxl's parser has it when it reads each element (it clears rows and the elements it reads, and
    deletes nothing); only the rows of <sheetData> and the columns of <cols>, which nothing read later
    contains, are deleted once read."""
    tag = el.tag
    if exact and tag not in _CLEARED:
        return
    el.clear()
    parent = el.getparent()
    if parent is not None and (not exact or parent.tag == (_SHEET_DATA if tag == _ROW else _COLS)):
        while el.getprevious() is not None:
            del parent[0]


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _dimension_rows(ref: str) -> int:
    try:
        _c0, r0, _c1, r1 = range_boundaries(ref)
    except (ValueError, TypeError):
        return 0
    return (r1 or 0) - (r0 or 1) + 1 if r1 else 0


def _add_merge(merges: list[tuple[int, int, int, int]], ref: str) -> None:
    try:
        c0, r0, c1, r1 = range_boundaries(ref)
    except (ValueError, TypeError):
        return
    if None in (c0, r0, c1, r1):
        return
    if (c1 - c0 + 1) * (r1 - r0 + 1) <= MAX_MERGE_CELLS:
        merges.append((c0, r0, c1, r1))


def _sheet_titles(z: zipfile.ZipFile) -> dict[str, str]:
    """{worksheet part name: sheet title} from xl/workbook.xml and its relationships; {} when unreadable."""
    try:
        with z.open("xl/_rels/workbook.xml.rels") as f:
            rels = etree.parse(f, etree.XMLParser(resolve_entities=False, no_network=True))
        targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter(_PKG_REL)}
        with z.open("xl/workbook.xml") as f:
            book = etree.parse(f, etree.XMLParser(resolve_entities=False, no_network=True))
    except (KeyError, OSError, etree.XMLSyntaxError, zipfile.BadZipFile):
        return {}
    out = {}
    for sheet in book.iter(MAIN + "sheet"):
        target = targets.get(sheet.get(_REL))
        if target:
            part = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            out[part] = sheet.get("name") or ""
    return out


# ---------------------------------------------------------------- cell values


class HeldRows:
    """A sheet's rows as openpyxl's read-only iteration gives them from row 1 on, read in the scan: row n at
    [n - 1] — a tuple of its values up to its last cell, () for a row element without cells, and [] for a row
    the XML lacks (openpyxl yields a list there) — up to the greatest row number in the XML."""

    def __init__(self, rows: list[Any], reading: CellReading) -> None:
        self.held = rows
        self.reading = reading  # what the values were made with

    def iter_rows(self, min_row: int = 1, max_row: int | None = None) -> Iterator[Any]:
        """ReadOnlyWorksheet.iter_rows(min_row=, max_row=, values_only=True) of a sheet without dimensions
        (reset_dimensions). Where openpyxl stops at the first row past `max_row` and gives the rows it lacks
        up to `max_row` as [], those are already here: that row is the greatest so far, so held."""
        return iter(self.held[max(min_row, 1) - 1 : max_row])


class _TooMany(Exception):
    """More cells than the workbook's budget of held values."""


class _RowReader:
    """Each <row> as openpyxl's WorkSheetParser.parse_row / parse_cell (data_only) and
    ReadOnlyWorksheet._cells_by_row / _get_row (values_only, no max_row or max_col) make it. Raises on
    anything openpyxl would fail on or that this does not read (a coordinate openpyxl reads its own way)."""

    def __init__(self, reading: CellReading, budget: _Budget) -> None:
        self.reading = reading
        self.budget = budget
        self.held: list[Any] = []
        self.missing: list[Any] = []  # openpyxl's one empty row for the rows the XML lacks
        self.spent = 0  # of the budget
        self.row_counter = 0
        self.merge_cells = 0
        self.columns: dict[str, int] = {}  # column letters → number
        self.styles: dict[str, int] = {}  # s attribute → style id

    def rows(self, root: etree._Element | None) -> HeldRows | None:
        """The rows read, when the whole document reads the same through xml.etree (openpyxl's parser): no
        DTD (entities lxml leaves unresolved here) and UTF-8 (xml.etree reads no multi-byte encoding such as
        GBK)."""
        info = root.getroottree().docinfo if root is not None else None
        if info is None or info.doctype or info.internalDTD is not None or info.encoding.upper() != "UTF-8":
            self.drop()
            return None
        return HeldRows(self.held, self.reading)

    def drop(self) -> None:
        """Give the values up (the sheet is read through openpyxl): their room goes back to the budget."""
        self.budget.left += self.spent
        self.held, self.spent = [], 0

    def add(self, row: etree._Element) -> bool:
        """Read one row; whether it holds a value (a cell with <v> or <is>, as the scan counts rows)."""
        r = row.get("r")
        idx = self.row_counter + 1 if r is None else _row_number(r)
        self.row_counter = idx
        columns, styles, v_tag, is_tag, t_tag = self.columns, self.styles, _V, _IS, _T
        values: list[Any] = []
        cells: list[tuple[int, Any]] | None = None  # (column, value) once a cell is out of sequence
        has_value = False
        column = 0
        for c in row:
            t = c.get("t", "n")
            s = c.get("s")  # openpyxl reads every cell's style id, so fails on a bad one whatever the cell
            style_id = (styles[s] if s in styles else self._style(s)) if s else 0 if s is None else s
            v = i = None  # the cell's first <v> and <is>
            n = len(c)
            if n == 1:
                node = c[0]
                tag = node.tag
                if tag == v_tag:
                    v = node
                elif tag == is_tag:
                    i = node
            elif n:
                v, i = _value_nodes(c)
            if v is not None or i is not None:
                has_value = True
            if t == "inlineStr":
                if i is None:
                    value = None
                elif len(i) == 1 and i[0].tag == t_tag and not i.keys():  # <is><t>…</t></is>
                    value = i[0].text or ""
                else:
                    value = _inline_text(i)
            else:
                value = None if v is None else v.text or None
                if value is not None and t not in _AS_TEXT:
                    value = self._typed(t, value, style_id)
            coordinate = c.get("r")
            if coordinate:
                letters = coordinate.rstrip("0123456789")
                column = (
                    columns[letters]
                    if letters in columns and letters != coordinate
                    else self._column(letters, coordinate)
                )
            else:
                column += 1
            if cells is None:
                if column == len(values) + 1:
                    values.append(value)
                    continue
                cells = list(enumerate(values, start=1))
            cells.append((column, value))
        self._hold(idx, values, cells, column)
        return has_value

    def _typed(self, t: str, text: str, style_id: int | str) -> Any:
        """The value of a cell of type `t` (not an inline string) from its <v> text, as parse_cell has it."""
        if t == "n":
            number = op_reader._cast_number(text)
            if style_id not in self.reading.date_formats:
                return number
            try:
                return from_excel(
                    number, self.reading.epoch, timedelta=style_id in self.reading.timedelta_formats
                )
            except (OverflowError, ValueError):
                return "#VALUE!"
        if t == "s":
            return self.reading.strings[int(text)]
        if t == "b":
            return bool(int(text))
        if t == "d":
            return from_ISO8601(text)
        return text  # "str", "e" and any other type: the text as it is

    def _hold(self, idx: int, values: list[Any], cells: list[tuple[int, Any]] | None, width: int) -> None:
        """Keep the row as openpyxl yields it: at its place when its number comes after every row before it
        (an earlier or repeated number is skipped), the rows between as []."""
        if idx > MAX_ROW:
            raise ValueError(f"row {idx}")
        held = self.held
        gap = idx - len(held) - 1
        if gap < 0:
            return
        cost = gap + max(width, 1)
        if cost > self.budget.left:
            raise _TooMany
        self.budget.left -= cost
        self.spent += cost
        if cells is not None:  # placed as _get_row does: a cell past the row's last cell's column is dropped
            values = [None] * width
            for col, value in cells:
                if 1 <= col <= width:
                    values[col - 1] = value
        if gap:
            held.extend(repeat(self.missing, gap))
        held.append(tuple(values))

    def _style(self, s: str) -> int:
        self.styles[s] = style_id = int(s)
        return style_id

    def _column(self, letters: str, coordinate: str) -> int:
        """Column number of a cell's coordinate, read as openpyxl's coordinate_to_tuple reads it: only the
        plain form (A1, xfd20) is taken; anything else openpyxl reads its own way or fails on."""
        if not (letters and letters != coordinate and letters.isascii() and letters.isalpha()):
            raise ValueError(f"coordinate {coordinate!r}")
        self.columns[letters] = column = column_index_from_string(letters)
        return column


def _row_number(r: str) -> int:
    """A row's r attribute as WorkSheetParser.parse_row reads it."""
    try:
        return int(r)
    except ValueError:
        number = float(r)
        if number.is_integer():
            return int(number)
        raise


def _value_nodes(c: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """A cell's first <v> and first <is> (what find(…) gives openpyxl)."""
    v = i = None
    for node in c:
        tag = node.tag
        if tag == _V and v is None:
            v = node
        elif tag == _IS and i is None:
            i = node
    return v, i


def _inline_text(node: etree._Element) -> str:
    """An inline string (<is>) as openpyxl reads it: rich text runs, phonetic runs… (the common
    <is><t>…</t></is> is read in _RowReader.add)."""
    return Text.from_tree(node).content


# ---------------------------------------------------------------- what openpyxl reads besides the rows

# WorkSheetParser.parse reads these elements as each ends (and then clears it); one it fails on makes its
# iteration fail there. The same readers run on our elements: a sheet with one they fail on is read through
# openpyxl, which fails the same way.
_PROPERTIES = {
    op_reader.PRINT_TAG: op_reader.PrintOptions,
    op_reader.MARGINS_TAG: op_reader.PageMargins,
    op_reader.PAGE_TAG: op_reader.PrintPageSetup,
    op_reader.HEADER_TAG: op_reader.HeaderFooter,
    op_reader.FILTER_TAG: op_reader.AutoFilter,
    op_reader.VALIDATION_TAG: op_reader.DataValidationList,
    op_reader.PROPERTIES_TAG: op_reader.WorksheetProperties,
    op_reader.VIEWS_TAG: op_reader.SheetViewList,
    op_reader.FORMAT_TAG: op_reader.SheetFormatProperties,
    op_reader.SCENARIOS_TAG: op_reader.ScenarioList,
    op_reader.TABLE_TAG: op_reader.TablePartList,
    op_reader.HYPERLINK_TAG: op_reader.HyperlinkList,
    op_reader.MERGE_TAG: op_reader.MergeCells,
}
_DISPATCHED = (
    op_reader.COL_TAG,
    op_reader.PROT_TAG,
    op_reader.EXT_TAG,
    op_reader.CF_TAG,
    op_reader.LEGACY_TAG,
    op_reader.ROW_BREAK_TAG,
    op_reader.COL_BREAK_TAG,
    op_reader.CUSTOM_VIEWS_TAG,
)
_CHECKED_TAGS = (*_PROPERTIES, *_DISPATCHED)
_CLEARED = frozenset({_ROW, *_CHECKED_TAGS})


def _openpyxl_checks() -> dict[str, Callable[[etree._Element], object]]:
    """{tag: openpyxl's reading of that element} for one sheet (WorkSheetParser.parse's dispatcher)."""
    p = op_reader.WorkSheetParser(None, [])
    checks: dict[str, Callable[[etree._Element], object]] = {
        t: cls.from_tree for t, cls in _PROPERTIES.items()
    }
    checks.update(
        {
            op_reader.COL_TAG: p.parse_column_dimensions,
            op_reader.PROT_TAG: p.parse_sheet_protection,
            op_reader.EXT_TAG: p.parse_extensions,
            op_reader.CF_TAG: p.parse_formatting,
            op_reader.LEGACY_TAG: p.parse_legacy,
            op_reader.ROW_BREAK_TAG: p.parse_row_breaks,
            op_reader.COL_BREAK_TAG: p.parse_col_breaks,
            op_reader.CUSTOM_VIEWS_TAG: p.parse_custom_views,
        }
    )
    return checks


def _checked(checks: dict[str, Callable[[etree._Element], object]], el: etree._Element) -> bool:
    """False when openpyxl's reading of this element fails (true for the elements it does not read)."""
    check = checks.get(el.tag)
    if check is None:
        return True
    try:
        check(el)
    except Exception:  # noqa: BLE001 — whatever openpyxl raises, its iteration raises it
        return False
    return True


# ---------------------------------------------------------------- per worksheet of an open workbook

# What open_workbook (app/io/xlsx.py) found for each read-only worksheet it opened.
SCANS: weakref.WeakKeyDictionary[Any, SheetScan] = weakref.WeakKeyDictionary()


def sheet_scan(ws: Any) -> SheetScan:
    """What the scan found for a sheet of open_workbook; for a normal worksheet, its hidden rows and columns
    (its merged cells read as openpyxl gives them)."""
    if ws in SCANS:
        return SCANS[ws]
    scan = SheetScan(getattr(ws, "title", ""))
    with contextlib.suppress(AttributeError, TypeError):
        scan.hidden_rows = {r for r, d in ws.row_dimensions.items() if d.hidden}
        scan.hidden_cols = [(d.min, d.max) for d in ws.column_dimensions.values() if d.hidden and d.min]
    return scan


def held_rows(ws: Any) -> HeldRows | None:
    """The values the scan read for a sheet of open_workbook, when they are what its iteration would give now:
    read with this workbook's shared strings and date styles, and the sheet's dimensions reset (read to the
    end); None otherwise (read it through openpyxl)."""
    scan = SCANS.get(ws)
    if scan is None or scan.values is None:
        return None
    reading = getattr(scan.values, "reading", None)
    wb = getattr(ws, "parent", None)
    if (
        reading is None
        or wb is None
        or ws.max_row is not None
        or ws.max_column is not None
        or not wb.data_only
        or reading.strings is not getattr(ws, "_shared_strings", None)
        or reading.date_formats is not wb._date_formats
        or reading.timedelta_formats is not wb._timedelta_formats
        or reading.epoch != wb.epoch
    ):
        return None
    return scan.values


def hidden_row_numbers(ws: Any) -> set[int]:
    """Rows with a value that Excel hides (by hand, by a filter or a collapsed outline)."""
    return sheet_scan(ws).hidden_rows


def column_hidden(ws: Any, col: int) -> bool:
    return sheet_scan(ws).column_hidden(col)


# ---------------------------------------------------------------- merged cells


class MergeFill:
    """Gives the cells below the top of a merged range (in its first column) the range's value, row by row as
    data_rows reads: a 班级 or 专业 merged down over its rows reaches every row."""

    def __init__(self, ws: Any) -> None:
        self.ranges = sheet_scan(ws).merges if ws in SCANS else []
        self.starting: dict[int, list[int]] = {}
        for i, (_c0, r0, _c1, _r1) in enumerate(self.ranges):
            self.starting.setdefault(r0, []).append(i)
        self.anchors: dict[int, object] = {}  # range index → its top-left value
        self.open: list[int] = []

    def fill(self, row_no: int, values: Sequence[Any]) -> Sequence[Any]:
        if not self.ranges:
            return values
        for i in self.starting.get(row_no, ()):
            c0 = self.ranges[i][0]
            self.anchors[i] = values[c0 - 1] if c0 <= len(values) else None
            self.open.append(i)
        self.open = [i for i in self.open if self.ranges[i][3] >= row_no]
        if not self.open:
            return values
        out = list(values)
        for i in self.open:  # down its first column only: across, the next column is another field
            c0, r0, _c1, _r1 = self.ranges[i]
            if row_no > r0:
                out.extend([None] * (c0 - len(out)))  # a row read back stops at its last filled cell
                if _blank(out[c0 - 1]):
                    out[c0 - 1] = self.anchors.get(i)
        return out


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
