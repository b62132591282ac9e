"""What each worksheet's XML says, read in one streaming pass before openpyxl reads any of it.

- Size: a sheet with more rows than an import takes is refused before it is read whole — at once when its
  `<dimension>` claims too many rows, otherwise as soon as the count of rows holding a value passes the cap
  (the XML is streamed and each row dropped once counted, so memory stays small whatever the sheet's size).
- Hidden rows (hidden by hand, by a filter or a collapsed outline) and hidden columns: an import reads them
  like the others, and its preview says so.
- Merged ranges: a read-only sheet does not tell them; data_rows gives each cell of a range its value.

The workbook has already passed app.io.xlsx's container checks (a sane zip of bounded size).
"""

from __future__ import annotations

import contextlib
import posixpath
import weakref
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree
from openpyxl.utils import range_boundaries

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_ROW, _DIMENSION, _COL, _MERGE = (MAIN + t for t in ("row", "dimension", "col", "mergeCell"))
_VALUE_TAGS = frozenset({MAIN + "v", MAIN + "is"})
_TRUE = frozenset({"1", "true"})
MAX_MERGES = 10_000
MAX_MERGE_CELLS = 10_000  # a range bigger than this (a whole column merged…) is not a data cell's merge
MAX_COLUMN = 16_384  # XFD


@dataclass
class SheetScan:
    title: str = ""
    rows: int = 0  # rows that hold at least one value
    last_row: int = 0  # the number of the last such row
    hidden_rows: set[int] = field(default_factory=set)  # rows holding a value that Excel does not show
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)  # (first, last) column numbers
    # (min_col, min_row, max_col, max_row) of each merged range
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def column_hidden(self, col: int) -> bool:
        return any(first <= col <= last for first, last in self.hidden_cols)


class SheetTooBig(Exception):
    """A sheet with more rows than `cap`: `rows` is what its <dimension> claims (`by_dimension`) or the count
    at which reading stopped."""

    def __init__(self, title: str, rows: int, *, by_dimension: bool) -> None:
        super().__init__(title)
        self.title, self.rows, self.by_dimension = title, rows, by_dimension


def scan_workbook(z: zipfile.ZipFile, cap: int) -> dict[str, SheetScan]:
    """{worksheet part name (xl/worksheets/sheet1.xml): its scan} for every worksheet of the archive.
    Raise SheetTooBig for the first sheet over `cap` rows, etree.XMLSyntaxError for one that is not XML."""
    titles = _sheet_titles(z)
    names = set(z.namelist())
    parts = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml") and n.count("/") == 2}
    out: dict[str, SheetScan] = {}
    for name in sorted(parts | (set(titles) & names)):  # wherever the workbook says its sheets are
        with z.open(name) as f:
            out[name] = scan_sheet(f, titles.get(name, posixpath.basename(name)), cap)
    return out


def scan_sheet(f: IO[bytes], title: str, cap: int) -> SheetScan:
    scan = SheetScan(title)
    row_no = 0
    for el in _elements(f):
        tag = el.tag
        if tag == _ROW:
            row_no = _int(el.get("r"), row_no + 1)
            if any(child.tag in _VALUE_TAGS for cell in el for child in cell):
                scan.rows += 1
                scan.last_row = row_no
                if el.get("hidden") in _TRUE:
                    scan.hidden_rows.add(row_no)
                if scan.rows > cap:
                    raise SheetTooBig(title, scan.rows, by_dimension=False)
        elif tag == _DIMENSION:
            claimed = _dimension_rows(el.get("ref") or "")
            if claimed > cap:
                raise SheetTooBig(title, claimed, by_dimension=True)
        elif tag == _COL and el.get("hidden") in _TRUE:
            first, last = _int(el.get("min"), 0), _int(el.get("max"), 0)
            if 1 <= first <= last and len(scan.hidden_cols) < MAX_COLUMN:
                scan.hidden_cols.append((first, min(last, MAX_COLUMN)))
        elif tag == _MERGE and len(scan.merges) < MAX_MERGES:
            _add_merge(scan.merges, el.get("ref") or "")
    return scan


def _elements(f: IO[bytes]) -> Iterator[etree._Element]:
    """The elements of interest as each ends, dropped as soon as they are handed over (with what came before
    them): memory stays that of one row."""
    for _event, el in etree.iterparse(
        f,
        events=("end",),
        tag=(_ROW, _DIMENSION, _COL, _MERGE),
        resolve_entities=False,
        no_network=True,
        huge_tree=True,  # one long cell is not a reason to refuse; the container check bounds the size
    ):
        yield el
        el.clear()
        parent = el.getparent()
        if parent is not None:
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
