"""Excel (.xlsx) plumbing shared by every import and export.

Reading treats the file as hostile: a wrong format, an encrypted workbook, a zip bomb or a corrupt file each
becomes an ImportFileError with a Chinese message that names the file. Cells are turned into clean text and
dates. Writing keeps text as text (never a formula), dates as dates, and saves atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import itertools
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.worksheet import Worksheet

from app import archive
from app.domain.names import clean_name, clean_text
from app.errors import AppError, Cancelled, ImportFileError
from app.fsutil import atomic_path
from app.io.sheet_scan import (
    SCANS,
    CellReading,
    MergeFill,
    RowsRead,
    SheetScan,
    SheetTooBig,
    held_rows,
    scan_workbook,
)

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_RATIO = 500  # deflate tops out near 1030:1 (all zeros); real sheets compress 5–100:1
RATIO_MIN_BYTES = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MAX_DATA_ROWS = 100_000  # rows of data one import takes
ROW_SLACK = 50  # rows around the data a sheet may have: titles, the header, notes and 合计 below

FOOTER_PREFIXES = ("合计", "总计", "小计", "备注", "说明", "注:", "填表", "制表", "审核人")
EXCEL_TEXT_LIMIT = 32767
DATE_FORMAT = "yyyy-mm-dd"
LAST_SERIAL = 73050  # 2099-12-31
_RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")


@contextlib.contextmanager
def bulk_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk read or write: with tens of thousands of live
    objects its full scans cost about a third of the time. Reference counting still frees memory."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---------------------------------------------------------------- opening a file


def open_workbook(
    path: Path, *, read_only: bool = True, max_rows: int = MAX_DATA_ROWS, on_rows: RowsRead | None = None
) -> Workbook:
    """Open an .xlsx for reading values (data_only). Raise ImportFileError for anything unusable, and for a
    sheet with more than `max_rows` rows — found before the sheet is read whole (app/io/sheet_scan.py).

    Read-only, each worksheet's XML is parsed once, by the scan, which also takes its cell values:
    row_values (find_header, data_rows) gives those — what the sheet's own iteration gives, which parses
    the XML again in Python and still works.

    The bytes are read into memory first, so no handle stays open on the user's file; call wb.close()
    when done anyway (read-only workbooks keep the archive open). `on_rows(sheet title, rows read)` is told
    as the scan goes (every ROWS_TOLD rows: a big file's reading takes seconds); what it raises (Cancelled)
    stops the reading and comes out of open_workbook as it is."""
    path = Path(path)
    data = _read_bytes(path)
    _check_container(data, path.name)
    scans: dict[str, SheetScan] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style", unsupported extensions…
            if read_only:
                _precheck_dimensions(data, path.name, max_rows)  # before openpyxl loads anything (seconds)
                reader = _ScanningReader(data, path.name, max_rows, on_rows)
                reader.read()
                wb, scans = reader.wb, reader.scans
            else:
                wb = load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except (ImportFileError, Cancelled):
        raise
    except Exception as e:  # openpyxl raises all sorts of things on a broken file
        raise _corrupt(path.name, e) from e
    _distrust_dimensions(wb)
    for ws in wb.worksheets:
        part = getattr(ws, "_worksheet_path", None)
        if part in scans:
            SCANS[ws] = scans[part]
    return wb


class _ScanningReader(ExcelReader):
    """load_workbook(read_only=True, data_only=True, keep_links=False) that scans the worksheets once it has
    read the shared strings and styles, before it opens any worksheet (openpyxl reads a sheet without a
    <dimension> to its end just to open it)."""

    def __init__(self, data: bytes, name: str, max_rows: int, on_rows: RowsRead | None = None) -> None:
        super().__init__(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        self.data, self.name, self.max_rows, self.on_rows = data, name, max_rows, on_rows
        self.scans: dict[str, SheetScan] = {}

    def read_worksheets(self) -> None:
        wb = self.wb
        reading = CellReading(self.shared_strings, wb._date_formats, wb._timedelta_formats, wb.epoch)
        self.scans = _scan_sheets(self.data, self.name, self.max_rows, reading, self.on_rows)
        super().read_worksheets()


def _precheck_dimensions(data: bytes, name: str, max_rows: int) -> None:
    from lxml import etree

    from app.io.sheet_scan import check_dimensions

    try:
        with archive.open_zip(data) as z:
            check_dimensions(z, max_rows + ROW_SLACK)
    except SheetTooBig as e:
        raise ImportFileError(_too_big_message(name, e, max_rows), f"rows={e.rows}") from e
    except (etree.XMLSyntaxError, archive.BadArchive, zipfile.BadZipFile, OSError, EOFError, ValueError):
        pass  # the scan says what is wrong


def _scan_sheets(
    data: bytes, name: str, max_rows: int, reading: CellReading, on_rows: RowsRead | None = None
) -> dict[str, SheetScan]:
    """Each worksheet's rows, hidden rows and columns, merges and cell values, in one streaming pass
    (ImportFileError for a sheet over `max_rows` rows of data, allowing title, header and footer rows around
    them)."""
    from lxml import etree

    try:
        with archive.open_zip(data) as z:
            return scan_workbook(z, max_rows + ROW_SLACK, reading, on_rows=on_rows)
    except SheetTooBig as e:
        raise ImportFileError(_too_big_message(name, e, max_rows), f"rows={e.rows}") from e
    except (etree.XMLSyntaxError, archive.BadArchive, zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise _corrupt(name, e) from e


def _too_big_message(name: str, e: SheetTooBig, max_rows: int) -> str:
    if e.by_dimension:
        return (
            f"“{name}”的工作表“{e.title}”有 {e.rows} 行（按文件记录的表格范围），超过一次导入的上限"
            f" {max_rows} 行，未读取。请拆分成几个文件分批导入；如果其实没有这么多数据，"
            "请在 Excel 中删除数据下方多余的行后另存，再导入。"
        )
    return (
        f"“{name}”的工作表“{e.title}”超过 {max_rows} 行数据（一次导入的上限），未读取。"
        "请拆分成几个文件分批导入。"
    )


def _distrust_dimensions(wb: Workbook) -> None:
    """A read-only sheet reads only as far as its <dimension> record says, and some programs write a wrong
    one (“A1”): read every row and column instead (the scan has counted them for progress)."""
    for ws in wb.worksheets:
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()


def _corrupt(name: str, e: BaseException) -> ImportFileError:
    return ImportFileError(
        f"“{name}”已损坏或不是标准的 .xlsx 文件，无法读取。请在 Excel 中打开它，另存为 Excel 工作簿（*.xlsx）后再试。",
        repr(e),
    )


def _read_bytes(path: Path) -> bytes:
    name = path.name
    if not path.exists():
        raise ImportFileError(f"找不到文件“{name}”。")
    if not path.is_file():
        raise ImportFileError(f"“{name}”不是 .xlsx 文件（它是一个文件夹）。")
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(f"“{name}”是空文件，不是 .xlsx 文件。")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"“{name}”太大（超过 {MAX_FILE_BYTES // 2**20} MB），请拆分后分批导入。")
    try:
        return path.read_bytes()
    except PermissionError as e:
        raise ImportFileError(
            f"无法读取“{name}”：没有权限，或文件正被其他程序独占。请关闭后重试。", repr(e)
        ) from e
    except OSError as e:
        raise ImportFileError(f"无法读取“{name}”：{e.strerror or e}", repr(e)) from e


def _check_container(data: bytes, name: str) -> None:
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(
            f"“{name}”是设置了打开密码的加密工作簿，或旧版 Excel 97-2003（.xls）文件，无法直接读取。"
            "请在 Excel 中打开：如有密码，在“文件 → 信息 → 保护工作簿 → 用密码进行加密”中清空密码；"
            "然后“另存为”Excel 工作簿（*.xlsx）再导入。"
        )
    if not data.startswith(b"PK"):
        raise ImportFileError(
            f"“{name}”不是 .xlsx 文件（可能是 CSV、网页或其他格式）。"
            "请在 Excel 中打开后“另存为”Excel 工作簿（*.xlsx）再导入。"
        )
    try:
        with archive.open_zip(data, max_entries=MAX_ENTRIES) as zf:
            infos = zf.infolist()
            if (
                zf.ambiguous
            ):  # openpyxl, given the whole file, might read another directory than the one checked
                raise _corrupt(name, ValueError("a second end-of-central-directory record in the comment"))
            _check_sizes(zf, name)
    except archive.BadArchive as e:
        if e.entries is None:
            raise _corrupt(name, e) from e
        raise _too_big(name, f"entries={e.entries}") from e
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as e:
        raise _corrupt(name, e) from e
    names = {i.filename for i in infos}
    if "xl/workbook.bin" in names:
        raise ImportFileError(
            f"“{name}”是 Excel 二进制工作簿（.xlsb）。请在 Excel 中“另存为”Excel 工作簿（*.xlsx）再导入。"
        )
    if not any(n.startswith("xl/") for n in names):
        raise ImportFileError(
            f"“{name}”不是 Excel 工作簿（可能是 Word 文档或普通压缩包）。请选择 .xlsx 文件。"
        )


# The one archive check (app/archive.py) with an import file's limits.
IMPORT_LIMITS = archive.Limits(
    MAX_ENTRIES, MAX_UNCOMPRESSED_BYTES, max_ratio=MAX_RATIO, ratio_min_bytes=RATIO_MIN_BYTES
)


def _check_sizes(zf: zipfile.ZipFile, name: str) -> None:
    """Names, sizes and overlapping entries of the workbook's ZIP, from its directories, before openpyxl
    inflates anything."""
    infos = zf.infolist()
    sizes = archive.size_problems(infos, IMPORT_LIMITS) + archive.overlap_problems(zf)
    if sizes:
        total = sum(i.file_size for i in infos)
        raise _too_big(name, f"entries={len(infos)} uncompressed={total}: {sizes[0].message}")
    bad = archive.names_problems(infos, IMPORT_LIMITS)
    if bad:
        raise ImportFileError(
            f"“{name}”中的“{archive.shown_name(bad[0].entry)}”{bad[0].message}，不是正常的 Excel 文件。"
            "请在 Excel 中打开后“另存为”Excel 工作簿（*.xlsx）再导入。",
            "; ".join(f"{archive.shown_name(p.entry)}: {p.message}" for p in bad[:20]),
        )


def _too_big(name: str, detail: str) -> ImportFileError:
    return ImportFileError(
        f"“{name}”解压后异常巨大（超过 {MAX_UNCOMPRESSED_BYTES // 2**20} MB 或压缩比异常），"
        "可能已损坏或不是正常的 Excel 文件。请检查文件，数据很多时请拆分后分批导入。",
        detail,
    )


# ---------------------------------------------------------------- header


class HeaderMatch(NamedTuple):
    row: int  # Excel row number of the header (1-based)
    fields: dict[int, str]  # column number (1-based) → field
    texts: dict[int, str]  # column number → header text as written (whitespace folded)


_NOTE_RE = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】)+$")


def header_key(text: object) -> str:
    """Header text as compared: NFKC, no spaces or *, no trailing note like （必填）, case-folded."""
    t = unicodedata.normalize("NFKC", str(text or ""))
    t = re.sub(r"\s+", "", t).replace("*", "").rstrip(":")
    return _NOTE_RE.sub("", t).casefold()


def _lookup(aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    return {header_key(a): field for field, names in aliases.items() for a in names}


def _match_row(values: Sequence[Any], lookup: Mapping[str, str]) -> HeaderMatch:
    fields: dict[int, str] = {}
    texts: dict[int, str] = {}
    for col, value in enumerate(values, start=1):
        field = lookup.get(header_key(value)) if value is not None else None
        if field and field not in fields.values():  # a second column for the same field is ignored
            fields[col], texts[col] = field, re.sub(r"\s+", " ", str(value)).strip()  # as the user wrote it
    return HeaderMatch(0, fields, texts)


def find_header(
    ws: Any,
    aliases: Mapping[str, Sequence[str]],
    required: set[str],
    max_rows: int = 10,
    *,
    file_name: str = "",
) -> HeaderMatch:
    """Find the header row within the first `max_rows` rows (title rows above it are skipped).

    `aliases` maps each field to its accepted header texts, the first being the standard one. The row that
    has every required field and the most recognised columns wins; unknown columns are ignored."""
    lookup = _lookup(aliases)
    best: HeaderMatch | None = None
    partial = HeaderMatch(0, {}, {})
    rows = row_values(ws, max_row=max_rows, file_name=file_name)
    for row_no, values in enumerate(rows, start=1):
        found = _match_row(values, lookup)._replace(row=row_no)
        if not required <= set(found.fields.values()):
            partial = max(partial, found, key=lambda m: len(m.fields))
        elif best is None or len(found.fields) > len(best.fields):
            best = found
    if best is None:
        missing = [aliases[f][0] for f in aliases if f in required and f not in partial.fields.values()]
        raise ImportFileError(
            f"在“{file_name}”的前{max_rows}行中找不到表头“{'、'.join(missing)}”。"
            "请确认工作表有一行表头（可下载导入模板对照列名）。"
        )
    return best


def find_sheet(
    wb: Workbook, aliases: Mapping[str, Sequence[str]], required: set[str], *, file_name: str = ""
) -> tuple[Any, HeaderMatch]:
    """The first visible worksheet (the active one first) that has the header; its error if none has."""
    sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    active = wb.active
    if active in sheets:
        sheets.remove(active)
        sheets.insert(0, active)
    if not sheets:
        raise ImportFileError(f"“{file_name}”中没有可读取的工作表。")
    first_error: ImportFileError | None = None
    for ws in sheets:
        try:
            return ws, find_header(ws, aliases, required, file_name=file_name)
        except ImportFileError as e:
            first_error = first_error or e
    assert first_error is not None
    _refuse_hidden_sheet(wb, aliases, required, file_name)
    raise first_error


def _refuse_hidden_sheet(
    wb: Workbook, aliases: Mapping[str, Sequence[str]], required: set[str], file_name: str
) -> None:
    """No visible sheet has the header but a hidden one has: say so (a hidden sheet is never imported)."""
    for ws in wb.worksheets:
        if getattr(ws, "sheet_state", "visible") == "visible":
            continue
        try:
            find_header(ws, aliases, required, file_name=file_name)
        except ImportFileError:
            continue
        raise ImportFileError(
            f"“{file_name}”中只有隐藏的工作表“{ws.title}”有表头，隐藏的工作表不会导入。"
            "如要导入它，请在 Excel 中右键工作表标签 →“取消隐藏”，保存后再导入。"
        )


# ---------------------------------------------------------------- rows


def row_values(
    ws: Any, *, min_row: int = 1, max_row: int | None = None, file_name: str = ""
) -> Iterator[Sequence[Any]]:
    """ws.iter_rows(min_row=, max_row=, values_only=True): the values open_workbook's scan read
    (app/io/sheet_scan.py: the same rows, tests/core/test_sheet_values.py), else openpyxl's parse, with a
    parse error (read-only sheets parse lazily) as ImportFileError."""
    held = held_rows(ws)
    if held is not None:
        return held.iter_rows(min_row, max_row)
    return _parsed_rows(ws, min_row, max_row, file_name)


def _parsed_rows(ws: Any, min_row: int, max_row: int | None, file_name: str) -> Iterator[Sequence[Any]]:
    rows = ws.iter_rows(min_row=min_row, max_row=max_row, values_only=True)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as e:
            raise _corrupt(file_name, e) from e
        yield values


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_footer(values: Sequence[Any]) -> bool:
    """A row like 合计 / 备注：… / 填表人：… below the data."""
    first = next((v for v in values if not is_blank(v)), None)
    # Each footer word starts with a 汉字, which no ASCII text (a 学号, a code) becomes when cleaned.
    return isinstance(first, str) and not first.isascii() and clean_text(first).startswith(FOOTER_PREFIXES)


def data_rows(ws: Any, header: HeaderMatch, *, file_name: str = "") -> Iterator[tuple[int, dict[str, Any]]]:
    """(Excel row number, {field: raw value}) for each row below the header, skipping blank and footer rows.

    A row is blank when every recognised column is empty (a pre-numbered 序号 column alone does not count).
    A cell inside a merged range reads as the range's value (its top-left cell)."""
    merges = MergeFill(ws)
    for row_no, values in enumerate(row_values(ws, file_name=file_name), start=1):
        values = merges.fill(row_no, values)
        if row_no <= header.row:
            continue
        if is_footer(values):
            continue
        raw = {f: values[c - 1] if c <= len(values) else None for c, f in header.fields.items()}
        if all(is_blank(v) for v in raw.values()):
            continue
        yield row_no, raw


def sheet_rows(ws: Any) -> int:
    """Rows the sheet says it has: for progress only (may be wrong; 0 when unknown)."""
    if ws in SCANS:
        return SCANS[ws].last_row
    return int(ws.max_row or 0)


# ---------------------------------------------------------------- cell values


def cell_text(value: object, *, free_text: bool = False, registered_name: bool = False) -> str:
    """A cell as text: NFKC, trimmed, inner whitespace folded; whole numbers without “.0”
    (13900000000.0 → "13900000000"); dates as 2025-10-08.

    `free_text` (notes, reasons) keeps line breaks and the characters as typed — no NFKC, so Chinese
    punctuation （，：） stays — trimming each line, as the services do for such fields.
    `registered_name` (an enterprise's name) is clean_name's: NFKC except that the full-width brackets of a
    registered name（某某（长沙）有限公司）stay as typed; identity (name_key) still takes （）≡ ()."""
    if value is None:
        return ""
    if isinstance(value, str) and not free_text:  # most cells, first
        return clean_name(value) if registered_name else clean_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else format(value, ".15g")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ", "seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if free_text:
        text = str(value).replace("\r\n", "\n").replace("\r", "\n")
        return "\n".join(line.strip() for line in text.split("\n")).strip()
    return clean_name(value) if registered_name else clean_text(value)


def lost_digits(value: object) -> bool:
    """A long number (code, ID, account) Excel stored as a number has lost its last digits."""
    return isinstance(value, float) and abs(value) >= 1e15


_YMD = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_YM = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_YEAR = re.compile(r"\d{4}\s*年?")


def cell_date(value: object) -> dt.date | None:
    """A date cell: datetime, text (2025/10/08, 2025.11.20, 2025年10月8日, 2025-10 → 1st of the month,
    20251008) or an Excel serial number. Raise ValueError with a Chinese reason when it is not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"无法识别的日期“{cell_text(value)}”，请填写如 2025-10-08 的日期")
    if isinstance(value, int | float):
        return _date_from_number(value)
    text = clean_text(value)
    return _date_from_text(text) if text else None


def _date_from_number(value: float) -> dt.date:
    text = cell_text(value)
    if float(value).is_integer():
        n = int(value)
        if 19000101 <= n <= 21001231:
            return _date_from_text(text)
        if 190001 <= n <= 210012:
            return _make_date(text, n // 100, n % 100, 1)
    if 1 <= value <= LAST_SERIAL:
        return from_excel(value).date()
    raise ValueError(f"无法识别的日期“{text}”，请填写如 2025-10-08 的日期")


def _date_from_text(text: str) -> dt.date:
    if m := _YMD.fullmatch(text):
        return _make_date(text, int(m[1]), int(m[2]), int(m[3]))
    if m := _YM.fullmatch(text):
        return _make_date(text, int(m[1]), int(m[2]), 1)
    if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", text):
        return _make_date(text, int(m[1]), int(m[2]), int(m[3] or 1))
    if re.fullmatch(r"\d{5}(?:\.0+)?", text) and 1 <= float(text) <= LAST_SERIAL:
        return from_excel(float(text)).date()
    if _YEAR.fullmatch(text):
        raise ValueError(f"日期“{text}”不完整，请至少写到月份，如 2025-10")
    raise ValueError(f"无法识别的日期“{text}”，请填写如 2025-10-08 的日期")


def _make_date(text: str, year: int, month: int, day: int) -> dt.date:
    if not 1900 <= year <= 2100:
        raise ValueError(f"日期“{text}”的年份不合理")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{text}”不存在") from None


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "对", "已核对"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "未核对", ""}


def cell_bool(value: object) -> bool:
    """是 / 否 (also Y/N, √, 1/0, TRUE/FALSE); blank is 否. Raise ValueError otherwise."""
    text = cell_text(value).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"应填写“是”或“否”，现为“{cell_text(value)}”")


# ---------------------------------------------------------------- writing cells


def safe_text(value: object) -> str:
    """Text fit for a cell: no characters XML forbids, at most Excel's 32767 characters. A longer text (the
    fields' limits make it rare) is never cut silently: its cell ends with a note saying it was cut and how
    long the whole is."""
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    if len(text) <= EXCEL_TEXT_LIMIT:
        return text
    mark = truncation_mark(len(text))
    return text[: EXCEL_TEXT_LIMIT - len(mark)] + mark


def truncation_mark(length: int) -> str:
    return (
        f"……（超过 Excel 单元格 {EXCEL_TEXT_LIMIT} 字的上限，以下已截断；原文共 {length} 字，请在软件中查看）"
    )


def needs_guard(text: str) -> bool:
    return text.startswith(_RISKY_START) or text in ERROR_CODES


def _as_text(cell: Cell, text: str) -> Cell:
    """Force a string cell: openpyxl would turn "=…" into a formula and "#N/A" into an error. The quote
    prefix is what Excel sets for '=…, so the text also survives editing the cell in Excel."""
    cell.value = text
    cell.data_type = "s"
    if needs_guard(text):
        cell.quotePrefix = True
    return cell


def _excel_value(value: object) -> object:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)  # Excel has no time zones: local time
    return value


def export_value(ws: Any, value: object) -> object:
    """A value for ws.append(): numbers and dates as they are, text that openpyxl would misread
    (formula, error code) wrapped in an explicit string cell."""
    value = _excel_value(value)
    if value is None or isinstance(value, int | float | dt.date | dt.time):
        return value
    text = safe_text(value)
    if not text:
        return None  # no empty string cells
    return _as_text(WriteOnlyCell(ws), text) if needs_guard(text) else text


def write_cell(ws: Any, row: int, col: int, value: object) -> Cell:
    """Write one cell of a normal worksheet: text stays text, dates get yyyy-mm-dd, numbers stay numbers."""
    cell = ws.cell(row=row, column=col)
    value = _excel_value(value)
    if value is None or isinstance(value, int | float | dt.time):
        cell.value = value
    elif isinstance(value, dt.date):
        cell.value = value
        if not isinstance(value, dt.datetime):
            cell.number_format = DATE_FORMAT
    else:
        _as_text(cell, safe_text(value))
    return cell


# ---------------------------------------------------------------- reused cells of big write-only sheets


class FixedCell(Cell):
    """A styled cell whose style never changes once made: its style id is looked up once, not for every row
    it is written in (openpyxl hashes the whole style array each time otherwise)."""

    __slots__ = ("_sid",)

    def __init__(self, template: Cell) -> None:
        super().__init__(template.parent, row=1, column=1, style_array=template._style)
        self._sid = template.style_id

    @property
    def style_id(self) -> int:  # type: ignore[override]
        return self._sid

    @property
    def has_style(self) -> bool:  # type: ignore[override]
        return True


def cells_to_row(cells: Sequence[Cell], row_idx: int) -> Iterator[Cell]:
    """What a write-only sheet does with an appended row, for rows made only of cells: number them (openpyxl's
    own version first tries each cell as a value, which raises and formats an error message per cell)."""
    for col_idx, cell in enumerate(cells, 1):
        cell.column, cell.row = col_idx, row_idx
        yield cell


# ---------------------------------------------------------------- styling and tables

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


def display_width(value: object) -> int:
    """Width in Excel character units: CJK and full-width characters count double."""
    if isinstance(value, dt.date):
        return 10
    lines = cell_text(value, free_text=True).split("\n")
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def column_widths(rows: Iterable[Sequence[object]], *, minimum: int = 6, maximum: int = 50) -> list[float]:
    widths: list[int] = []
    for row in rows:
        for i, value in enumerate(row):
            if i >= len(widths):
                widths.append(minimum)
            if value is not None:
                widths[i] = max(widths[i], display_width(value))
    return [min(w + 2, maximum) for w in widths]


def set_widths(ws: Any, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _header_cell(ws: Any, text: str) -> Cell:
    cell = _as_text(WriteOnlyCell(ws), safe_text(text))
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
    return cell


def style_header(ws: Any, header_row: int, ncols: int, last_row: int | None = None) -> None:
    """Normal worksheets: bold shaded header, frozen below it, autofilter over the table."""
    for col in range(1, ncols + 1):
        cell = ws.cell(row=header_row, column=col)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ncols)}{max(last_row or ws.max_row, header_row)}"


def write_table(
    ws: Any, headers: Sequence[str], rows: Iterable[Sequence[object]], *, sample: int = 1000
) -> int:
    """Header plus rows into a (write-only or normal) worksheet: widths from the header and the first `sample`
    rows, bold frozen header, autofilter, formula-safe text, dates as dates. Returns the number of rows."""
    it = iter(rows)
    first = list(itertools.islice(it, sample))
    widths = column_widths([headers, *first])
    set_widths(ws, widths)
    ws.freeze_panes = "A2"
    # Before the first row: a write-only sheet writes its head then.
    set_print_layout(ws, header_rows="1:1", pages_wide=math.ceil(sum(widths) / PRINT_WIDTH))
    ws.append([_header_cell(ws, h) for h in headers])
    count = 0
    for row in itertools.chain(first, it):
        ws.append([export_value(ws, v) for v in row])
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    return count


PRINT_WIDTH = 160  # column-width units that stay readable across one landscape A4 page


def set_print_layout(ws: Any, *, header_rows: str, landscape: bool = True, pages_wide: int = 1) -> None:
    """Prints as a secretary expects: A4, landscape, the columns fitted to `pages_wide` pages (a wide
    table spreads over several readable pages rather than shrinking to an unreadable one, and then its first
    column repeats on each), the header row(s) repeated on every page, 第 N 页 / 共 M 页 in the footer."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = (
        Worksheet.ORIENTATION_LANDSCAPE if landscape else Worksheet.ORIENTATION_PORTRAIT
    )
    ws.page_setup.fitToWidth = max(1, pages_wide)
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = header_rows
    if pages_wide > 1:
        ws.print_title_cols = "A:A"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"


# ---------------------------------------------------------------- saving


def save_workbook_atomic(wb: Workbook, path: Path) -> None:
    """Save through app.fsutil.atomic_path: a temporary file beside the target, then one replace; the
    temporary file is removed on failure. A target open in Excel/WPS gives an AppError saying so."""
    with saving_atomic(path) as tmp:
        wb.save(tmp)


@contextlib.contextmanager
def saving_atomic(path: Path) -> Iterator[Path]:
    """app.fsutil.atomic_path with the errors of saving a workbook said in Chinese (no permission, disk
    full …), for a writer that writes the temporary path itself (the 台账: app/io/ledger_export.py)."""
    path = Path(path)
    try:
        with atomic_path(path) as tmp:
            yield tmp
    except AppError:
        raise
    except PermissionError as e:
        raise AppError(f"没有权限在文件夹“{path.parent}”中保存“{path.name}”，请换一个位置。", repr(e)) from e
    except OSError as e:
        raise AppError(f"无法保存“{path.name}”：{e.strerror or e}", repr(e)) from e


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def discard_workbook(wb: Workbook) -> None:
    """Drop an unsaved write-only workbook (cancelled or failed export) and its temporary sheet files."""
    for ws in getattr(wb, "_sheets", []):
        writer = getattr(ws, "_writer", None)
        out = getattr(writer, "out", None)
        for stream in (getattr(ws, "_rows", None), writer):
            with contextlib.suppress(Exception):
                stream.close()  # type: ignore[union-attr]
        if isinstance(out, str):
            _remove_quietly(Path(out))
