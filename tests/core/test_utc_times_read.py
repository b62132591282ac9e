"""UTC times read back (app/db/base.py UTCDateTime reads in one call per value, issue 21): the stored naive UTC —
with or without microseconds, as this version stores it and as a plain text an older one or another tool may have
left on SQLite — comes back as the same aware UTC datetime through the ORM, a Core read and a page of the
enterprise list, on SQLite and on a server."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from app.db.base import UTCDateTime
from app.db.engine import Database
from app.db.models import Enterprise
from app.services.enterprise_list import enterprise_rows
from app.services.enterprises import EnterpriseData, create_enterprise

pytestmark = pytest.mark.both_backends

# (the text stored on SQLite, the naive UTC it stands for)
STORED = [
    ("2024-05-06 07:08:09.123456", dt.datetime(2024, 5, 6, 7, 8, 9, 123456)),  # as this version writes
    ("2024-05-06 07:08:09.000000", dt.datetime(2024, 5, 6, 7, 8, 9)),
    ("2024-05-06 07:08:09", dt.datetime(2024, 5, 6, 7, 8, 9)),  # no microseconds
    ("1999-12-31 23:59:59.000001", dt.datetime(1999, 12, 31, 23, 59, 59, 1)),
    ("2026-02-28 00:00:00", dt.datetime(2026, 2, 28)),
]


def test_stored_times_read_back_as_aware_utc(db: Database) -> None:
    with db.session() as s:
        ids = [
            create_enterprise(s, EnterpriseData(name=f"湖南时间{i}有限公司")).ids[0]
            for i in range(len(STORED))
        ]
    sqlite = db.engine.dialect.name == "sqlite"
    with db.session() as s:
        for eid, (stored, naive) in zip(ids, STORED, strict=True):
            s.execute(
                text("UPDATE enterprise SET updated_at = :at, created_at = :at WHERE id = :id"),
                {"at": stored if sqlite else naive, "id": eid},
            )
    if sqlite:  # the texts are stored as given
        with db.engine.connect() as conn:
            raw = {r[0]: r[1] for r in conn.execute(text("SELECT id, updated_at FROM enterprise"))}
        assert [raw[i] for i in ids] == [stored for stored, _ in STORED]
    expected = {eid: naive.replace(tzinfo=dt.UTC) for eid, (_, naive) in zip(ids, STORED, strict=True)}
    with db.reader() as s:
        orm = {e.id: (e.created_at, e.updated_at, e.deleted_at) for e in s.scalars(select(Enterprise))}
        core = {
            r.id: (r.updated_at, r.deleted_at)
            for r in s.execute(select(Enterprise.id, Enterprise.updated_at, Enterprise.deleted_at))
        }
        page = enterprise_rows(s, ids)
    for eid, want in expected.items():
        assert orm[eid] == (want, want, None)
        assert core[eid] == (want, None)
        assert page[eid].updated_at == want
        for got in (orm[eid][0], orm[eid][1], core[eid][0], page[eid].updated_at):
            assert got.tzinfo is dt.UTC
            assert got.isoformat() == want.isoformat()  # the canonical text (copies, transfers) unchanged


def test_the_one_call_reader_is_process_result_value(db: Database) -> None:
    """UTCDateTime.result_processor does in one call what SQLAlchemy's TypeDecorator would do in two: the
    dialect's conversion, then process_result_value."""
    dialect = db.engine.dialect
    col = UTCDateTime().dialect_impl(dialect)
    ours = col.result_processor(dialect, None)
    parse = col.impl_instance.result_processor(dialect, None) or (lambda value: value)
    for stored, naive in STORED:
        value = stored if dialect.name == "sqlite" else naive
        got = ours(value)
        assert got == col.process_result_value(parse(value), dialect) == naive.replace(tzinfo=dt.UTC)
        assert got.tzinfo is dt.UTC
    assert ours(None) is None
