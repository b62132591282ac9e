"""A table's rows read and written exactly as they are, and a checksum of them that reads the same from SQLite and
PostgreSQL (app/db/transfer.py copies a database with these and checks the copy by them).

The checksum is the sum (mod 2²⁵⁶) of a SHA-256 per row of a canonical text of the row: it does not depend on the
order the rows come in, which differs between the backends (collations) and need not be asked for. The canonical
text: datetimes in ISO with their UTC offset, floats by repr, booleans as JSON true/false, a JSON column as its
value with sorted keys, told apart from SQL NULL (a JSON null and an SQL NULL both read as None)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from functools import cache

from sqlalchemy import JSON, Boolean, Column, Connection, Float, Integer, String, Table, null, select

CHUNK = 1000  # rows per read and per INSERT


def canonical(table: Table, row: dict[str, object]) -> bytes:
    """A row as text that reads the same from SQLite and PostgreSQL: datetimes in ISO with their UTC offset, floats
    by repr, booleans as JSON true/false, a JSON column as its value with sorted keys (told apart from SQL NULL)."""
    out: list[object] = []
    for name, null_key, convert in _plan(table):
        value = row[name]
        if null_key is not None:
            out.append(None if row[null_key] else {"json": value})
        elif value is None or convert is None:
            out.append(value)
        else:
            out.append(convert(value))
    return json.dumps(out, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


Convert = Callable[[object], object]


@cache
def _plan(table: Table) -> tuple[tuple[str, str | None, Convert | None], ...]:
    """For each column: its name, the label of its SQL NULL flag (a JSON column), how its value is made canonical
    (None: as it is — text, integers, booleans read the same from both)."""
    out: list[tuple[str, str | None, Convert | None]] = []
    for col in table.columns:
        if isinstance(col.type, JSON):
            out.append((col.name, _null_key(col), None))
        elif isinstance(col.type, Float):
            out.append((col.name, None, _float))
        elif isinstance(col.type, String | Integer | Boolean):
            out.append((col.name, None, None))
        else:  # dates, datetimes (UTCDateTime), bytes
            out.append((col.name, None, _other))
    return tuple(out)


def _float(value: object) -> str:
    return repr(float(value))  # type: ignore[arg-type]  (SQLite may hand back an int for a whole number)


def _other(value: object) -> object:
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


class Checksum:
    """Rows counted and their digests summed (mod 2²⁵⁶): the result does not depend on the order they come in,
    which differs between the backends (collations) and need not be asked for."""

    def __init__(self) -> None:
        self.rows = 0
        self.total = 0

    def add(self, data: bytes) -> None:
        self.rows += 1
        self.total = (self.total + int.from_bytes(hashlib.sha256(data).digest(), "big")) % (1 << 256)

    @property
    def hex(self) -> str:
        return f"{self.total:064x}"


def _null_key(col: Column) -> str:
    return f"_sql_null_{col.name}"


def select_all(table: Table, leave_out: frozenset[str] = frozenset()):
    """All columns of `table` (but `leave_out`); for each JSON column also whether it is SQL NULL (a JSON null
    reads as None too)."""
    columns = [col for col in table.columns if col.name not in leave_out]
    extra = [col.is_(None).label(_null_key(col)) for col in columns if isinstance(col.type, JSON)]
    return select(*columns, *extra)


def blank(col: Column) -> object:
    """What a column left out of a copy holds: "" for text that may not be NULL, else NULL."""
    return "" if isinstance(col.type, String) and not col.nullable else None


def read_rows(
    conn: Connection, table: Table, leave_out: frozenset[str] = frozenset()
) -> Iterator[list[dict[str, object]]]:
    """The rows of `table`, CHUNK at a time; the columns of `leave_out` are not read, and blank (`blank`)."""
    blanks = {col.name: blank(col) for col in table.columns if col.name in leave_out}
    # the options of this statement only (Connection.execution_options sets them for every later one)
    options = {"stream_results": True, "yield_per": CHUNK}
    result = conn.execute(select_all(table, leave_out), execution_options=options)
    for part in result.partitions(CHUNK):
        yield [{**r._mapping, **blanks} for r in part]


def canonical_values(table: Table, row: dict[str, object]) -> dict[str, object]:
    """{column: its value as `canonical` writes it}: what a three-way merge compares (app/offline/merge.py)."""
    out: dict[str, object] = {}
    for name, null_key, convert in _plan(table):
        value = row[name]
        if null_key is not None:
            out[name] = None if row.get(null_key) else {"json": value}
        elif value is None or convert is None:
            out[name] = value
        else:
            out[name] = convert(value)
    return out


def for_insert(table: Table, row: dict[str, object]) -> dict[str, object]:
    """The row as INSERT takes it: a JSON column's SQL NULL as SQL NULL, its JSON null as JSON null."""
    json_columns = _json_columns(table)
    if not json_columns:
        return row
    out = {col.name: row[col.name] for col in table.columns}
    for name, null_key in json_columns:
        out[name] = null() if row[null_key] else (JSON.NULL if row[name] is None else row[name])
    return out


@cache
def _json_columns(table: Table) -> tuple[tuple[str, str], ...]:
    return tuple((col.name, _null_key(col)) for col in table.columns if isinstance(col.type, JSON))


def table_checksum(conn: Connection, table: Table) -> Checksum:
    """The rows of `table` as `conn` reads them, counted and summed."""
    check = Checksum()
    for part in read_rows(conn, table):
        for row in part:
            check.add(canonical(table, row))
    return check
