"""What every Excel import shares: the preview types (a row's data or its errors, warnings), the loop that reads
and checks each data row with progress and cancel, the “database changed since the preview” refusal, and the
--json shape of the CLI.

An import is two steps. `read_*` parses and checks every row against the database and returns an
ImportPreview (nothing written). `import_*` takes the preview, checks the valid rows once more against the
database as it is now (it may have changed meanwhile) and writes them in the caller's one transaction — all or
nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import Base, RecordMixin
from app.errors import DataChanged, ImportFileError
from app.io.sheet_scan import column_hidden, hidden_row_numbers
from app.io.xlsx import MAX_DATA_ROWS, HeaderMatch, cell_text, data_rows, sheet_rows
from app.progress import Progress, reading_file, tick
from app.services.common import IMPORT_CELL_MAX
from app.services.versions import Opened, when_words

T = TypeVar("T")

MAX_ROWS = MAX_DATA_ROWS
HIDDEN_COLUMN = "隐藏行"  # the column a hidden row's warning names (the whole row is concerned)
HIDDEN_ROW = "此行在 Excel 中是隐藏的（隐藏或被筛选掉）"  # said of a rejected row
HIDDEN_ROW_WARNING = f"{HIDDEN_ROW}，也会导入；不想导入请在文件中删除此行"


@dataclass(frozen=True)
class RowError:
    row: int  # Excel row number
    column: str  # the header as written in the file (the standard header if the file has no such column)
    message: str


@dataclass(frozen=True)
class ImportRow(Generic[T]):
    row: int
    data: T | None  # None when the row is rejected
    errors: tuple[RowError, ...]
    warnings: tuple[RowError, ...]
    values: dict[str, str]  # header text → cell text, for the preview table


@dataclass(frozen=True)
class ImportPreview(Generic[T]):
    file: str
    header_row: int
    headers: tuple[str, ...]  # the recognised headers as written in the file, in file order
    rows: tuple[ImportRow[T], ...]
    skipped: int = 0  # rows passed over on purpose (subtotals, duplicates already in the database …)
    hidden_rows: tuple[int, ...] = ()  # data rows Excel hides: imported like the others, each with a warning
    notices: tuple[str, ...] = ()  # remarks on the file as a whole (hidden rows and columns), for the preview

    @property
    def valid_rows(self) -> tuple[ImportRow[T], ...]:
        return tuple(r for r in self.rows if r.data is not None)

    @property
    def rejected_rows(self) -> tuple[ImportRow[T], ...]:
        return tuple(r for r in self.rows if r.data is None and r.errors)

    @property
    def errors(self) -> tuple[RowError, ...]:
        return tuple(e for r in self.rows if r.data is None for e in r.errors)

    @property
    def warnings(self) -> tuple[RowError, ...]:
        return tuple(w for r in self.rows for w in r.warnings)


def make_row(
    row: int,
    data: T | None,
    errors: Iterable[tuple[str, str]],
    warnings: Iterable[tuple[str, str]],
    values: dict[str, str],
) -> ImportRow[T]:
    """An ImportRow from (column, message) pairs; `data` is dropped when there is any error."""
    errs = tuple(RowError(row, c, m) for c, m in errors)
    return ImportRow(
        row=row,
        data=None if errs else data,
        errors=errs,
        warnings=tuple(RowError(row, c, m) for c, m in warnings),
        values=values,
    )


def read_rows(
    ws: Any,
    header: HeaderMatch,
    read_row: Callable[[int, dict[str, Any]], ImportRow[T] | None],
    *,
    path: Path,
    report: Progress,
    cancel: threading.Event | None,
    max_rows: int = MAX_ROWS,
) -> ImportPreview[T]:
    """Read every data row below the header with `read_row(row_no, {field: raw value})` (None = skip the row
    on purpose), reporting progress and honouring cancel every 200 rows.

    A cell longer than any field holds (IMPORT_CELL_MAX) rejects its row without reading it further; a row
    Excel hides is read like the others and gets a warning (HIDDEN_ROW_WARNING), and the preview's notices
    list the hidden rows and the hidden recognised columns."""
    total = max(sheet_rows(ws) - header.row, 1)
    hidden = hidden_row_numbers(ws)
    rows: list[ImportRow[T]] = []
    hidden_read: list[int] = []
    skipped = seen = 0
    for row_no, raw in data_rows(ws, header, file_name=path.name):
        if seen % 200 == 0:
            tick(report, cancel, (row_no - header.row) / total * 0.99, f"正在检查第{row_no}行…")
        seen += 1
        if len(rows) >= max_rows:
            raise ImportFileError(f"“{path.name}”的数据超过{max_rows}行，请拆分后分批导入。")
        r = _oversize_row(row_no, raw, header) or read_row(row_no, raw)
        if r is None:
            skipped += 1
            continue
        if row_no in hidden:
            said = HIDDEN_ROW_WARNING if r.data is not None else HIDDEN_ROW
            r = replace(r, warnings=(*r.warnings, RowError(row_no, HIDDEN_COLUMN, said)))
            hidden_read.append(row_no)
        rows.append(r)
    headers = tuple(header.texts[c] for c in sorted(header.texts))
    return ImportPreview(
        file=str(path),
        header_row=header.row,
        headers=headers,
        rows=tuple(rows),
        skipped=skipped,
        hidden_rows=tuple(hidden_read),
        notices=_notices(ws, header, hidden_read),
    )


def _oversize_row(row_no: int, raw: dict[str, Any], header: HeaderMatch) -> ImportRow[Any] | None:
    """The rejected row when a cell is longer than any field holds (its text is not read any further)."""
    long = {f: len(v) for f, v in raw.items() if isinstance(v, str) and len(v) > IMPORT_CELL_MAX}
    if not long:
        return None
    columns = {f: header.texts[c] for c, f in header.fields.items()}
    errors = [(columns.get(f, f), f"内容过长（最多{IMPORT_CELL_MAX}字，现有{n}字）") for f, n in long.items()]
    values = {
        columns.get(f, f): "（内容过长，未显示）" if f in long else cell_text(v) for f, v in raw.items()
    }
    return make_row(row_no, None, errors, [], values)


def _notices(ws: Any, header: HeaderMatch, hidden_rows: Sequence[int]) -> tuple[str, ...]:
    """What the preview says about the file as a whole: hidden rows (listed up to 20) and hidden columns."""
    out = []
    if hidden_rows:
        listed = "、".join(str(n) for n in hidden_rows[:20]) + ("等" if len(hidden_rows) > 20 else "")
        out.append(
            f"第 {listed} 行（共 {len(hidden_rows)} 行）在 Excel 中是隐藏的（隐藏或被筛选掉），导入时与其他行"
            "一样处理；不想导入的行请在文件中删除后重新选择文件。"
        )
    cols = [header.texts[c] for c in sorted(header.fields) if column_hidden(ws, c)]
    if cols:
        out.append(f"“{'”“'.join(cols)}”列在 Excel 中是隐藏的，其内容也会导入。")
    return tuple(out)


def refuse_if_changed(problems: Sequence[str]) -> None:
    """The recheck before writing found problems: refuse the whole import (nothing written).

    The recheck runs inside the write transaction (Database.session takes SQLite's write lock at BEGIN), so
    no other import or user can add a 学号 between it and the write; on PostgreSQL the unique indexes
    (app/db/unique_keys.py) refuse what slips between, with the same “nothing written”."""
    if problems:
        more = f"等{len(problems)}处问题" if len(problems) > 3 else ""
        raise DataChanged(
            f"数据已有变化，未导入任何数据：{'；'.join(problems[:3])}{more}。请重新读取文件后再导入。"
        )
    hold_for_tests()


class ToUpdate(NamedTuple):
    """A record of the database an import row updates, as the preview read it: the words that name it in a
    message (企业“X”) and its version as of the values the preview compared the row with."""

    label: str
    opened: Opened


def changed_since_read(s: Session, records: Mapping[int, ToUpdate]) -> dict[int, str]:
    """{file row: problem} for the records (given by the row that updates each) someone else saved, moved to
    the 回收站 or deleted for good since the preview read them, as “第5行：企业“X”在读取文件后已被“张三”于
    2026年12月7日 9:30 修改” — for refuse_if_changed. Call in the write transaction before writing anything:
    the write lock is held, so no one can save one of them between this check and the import's write."""
    by_table: dict[str, list[tuple[int, ToUpdate]]] = {}
    for row, record in records.items():
        by_table.setdefault(record.opened.table, []).append((row, record))
    out: dict[int, str] = {}
    for table, items in by_table.items():
        now = _saved_now(s, table, [record.opened.record_id for _row, record in items])
        for row, record in items:
            if said := _what_happened(record.opened, now.get(record.opened.record_id)):
                out[row] = f"第{row}行：{record.label}在读取文件后{said}"
    return dict(sorted(out.items()))


@cache
def _record_models() -> dict[str, type[RecordMixin]]:
    return {
        m.class_.__tablename__: m.class_ for m in Base.registry.mappers if issubclass(m.class_, RecordMixin)
    }


_SavedNow = tuple[int, dt.datetime | None, dt.datetime | None, str]  # version, deleted_at, updated_at, by


def _saved_now(s: Session, table: str, ids: Sequence[str]) -> dict[str, _SavedNow]:
    """{id: (version, deleted_at, updated_at, updated_by)} of those records as stored now (500 ids a query)."""
    model = _record_models()[table]
    cols = (model.id, model.version, model.deleted_at, model.updated_at, model.updated_by)
    out: dict[str, _SavedNow] = {}
    for start in range(0, len(ids), 500):
        for rid, *rest in s.execute(select(*cols).where(model.id.in_(ids[start : start + 500]))):
            out[rid] = tuple(rest)  # type: ignore[assignment]
    return out


def _what_happened(opened: Opened, now: _SavedNow | None) -> str:
    """What someone else did to the record since it was read (“已被“张三”于 … 修改”), "" when nothing."""
    if now is None:
        return "已被其他用户彻底删除"
    version, deleted_at, updated_at, who = now
    if deleted_at is not None:
        return f"已被{_by(who, deleted_at)}删除（移到了回收站）"
    if version != opened.version:
        return f"已被{_by(who, updated_at)}修改"
    return ""


def _by(who: str, at: dt.datetime | None) -> str:
    person = f"“{who}”" if who else "另一位用户"
    return f"{person}于 {when_words(at)} " if at else person


def hold_for_tests(variable: str = "CHANJIAO_TEST_HOLD_IMPORT") -> None:
    """Tests only (tests/core/test_two_writers.py, test_concurrent_writers.py), to make two imports overlap the
    same way on every run: with the variable set to "marker;release", write the marker file, then wait until
    the release file exists.
    CHANJIAO_TEST_HOLD_IMPORT holds an import whose recheck passed inside its write transaction;
    CHANJIAO_TEST_HOLD_READ holds it once it has read its file, before it writes anything."""
    hold = os.environ.get(variable)
    if not hold:
        return
    marker, _, release = hold.partition(";")
    Path(marker).write_text("holding", encoding="utf-8")
    deadline = time.monotonic() + 60
    while release and not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def row_warnings(rows: Iterable[ImportRow[Any]]) -> tuple[str, ...]:
    """The warnings of the imported rows, as “第N行：…” for the Changes notice."""
    return tuple(f"第{r.row}行：{w.message}" for r in rows for w in r.warnings)


def preview_json(preview: ImportPreview[Any], file: object, imported: int) -> dict[str, object]:
    """The CLI's --json output of an import (the same shape for every table)."""
    return {
        "file": str(file),
        "header_row": preview.header_row,
        "valid": len(preview.valid_rows),
        "imported": imported,
        "rejected": len(preview.rejected_rows),
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in preview.errors],
        "warnings": [{"row": e.row, "column": e.column, "message": e.message} for e in preview.warnings],
        "hidden_rows": list(preview.hidden_rows),
        "notices": list(preview.notices),
    }


def read_file(
    path: Path,
    fields: dict[str, tuple[str, ...]],
    required: set[str],
    make_reader: Callable[[dict[str, str]], Callable[[int, dict[str, Any]], ImportRow[Any] | None]],
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportPreview[Any]:
    """Open a workbook, find the sheet and header row with `fields` (standard header first, then aliases),
    and read every row with the reader `make_reader({field: header as written})` returns."""
    from app.io.xlsx import bulk_gc, find_sheet, open_workbook
    from app.progress import noop_progress

    path = Path(path)
    report = progress or noop_progress
    tick(report, cancel, 0.0, "正在打开文件…")
    wb = open_workbook(path, on_rows=reading_file(report, cancel))
    try:
        with bulk_gc():
            ws, header = find_sheet(wb, fields, required, file_name=path.name)
            columns = {f: header.texts[c] for c, f in header.fields.items()}
            preview = read_rows(ws, header, make_reader(columns), path=path, report=report, cancel=cancel)
    finally:
        wb.close()
    report(1.0, f"已检查 {len(preview.rows)} 行")
    hold_for_tests("CHANJIAO_TEST_HOLD_READ")
    return preview


def ids_by_name(s: Any, model: type) -> dict[str, str]:
    """name key (app.domain.names.name_key) → id of the live records; the first by name when two share a key."""
    from sqlalchemy import select

    from app.domain.names import name_key

    out: dict[str, str] = {}
    for rid, name in s.execute(
        select(model.id, model.name).where(model.deleted_at.is_(None)).order_by(model.name)
    ):
        out.setdefault(name_key(name), rid)
    return out
