"""What every Excel import shares: the preview types (a row's data or its errors, warnings), the loop that reads
and checks each data row with progress and cancel, the “database changed since the preview” refusal, and the
--json shape of the CLI.

An import is two steps. `read_*` parses and checks every row against the database and returns an
ImportPreview (nothing written). `import_*` takes the preview, checks the valid rows once more against the
database as it is now (it may have changed meanwhile) and writes them in the caller's one transaction — all or
nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from app.errors import AppError, ImportFileError
from app.io.xlsx import HeaderMatch, data_rows, sheet_rows
from app.progress import Progress, tick

T = TypeVar("T")

MAX_ROWS = 100_000


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
    on purpose), reporting progress and honouring cancel every 200 rows."""
    total = max(sheet_rows(ws) - header.row, 1)
    rows: list[ImportRow[T]] = []
    skipped = seen = 0
    for row_no, raw in data_rows(ws, header, file_name=path.name):
        if seen % 200 == 0:
            tick(report, cancel, (row_no - header.row) / total * 0.99, f"正在检查第{row_no}行…")
        seen += 1
        if len(rows) >= max_rows:
            raise ImportFileError(f"“{path.name}”的数据超过{max_rows}行，请拆分后分批导入。")
        r = read_row(row_no, raw)
        if r is None:
            skipped += 1
        else:
            rows.append(r)
    headers = tuple(header.texts[c] for c in sorted(header.texts))
    return ImportPreview(
        file=str(path), header_row=header.row, headers=headers, rows=tuple(rows), skipped=skipped
    )


def refuse_if_changed(problems: Sequence[str]) -> None:
    """The recheck before writing found problems: refuse the whole import (nothing written)."""
    if problems:
        more = f"等{len(problems)}处问题" if len(problems) > 3 else ""
        raise AppError(
            f"数据已有变化，未导入任何数据：{'；'.join(problems[:3])}{more}。请重新读取文件后再导入。"
        )


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
    wb = open_workbook(path)
    try:
        with bulk_gc():
            ws, header = find_sheet(wb, fields, required, file_name=path.name)
            columns = {f: header.texts[c] for c, f in header.fields.items()}
            preview = read_rows(ws, header, make_reader(columns), path=path, report=report, cancel=cancel)
    finally:
        wb.close()
    report(1.0, f"已检查 {len(preview.rows)} 行")
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
