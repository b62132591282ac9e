"""The old databases of tests/fixtures (schema_NNNN.db) upgraded on a PostgreSQL server (issue 19): a server
database migrated to exactly revision NNNN gets every row of the fixture, then opening it upgrades it to the
newest schema in place, keeping every record, as test_old_databases.py checks for the file itself. The tests
that build an old database at a revision with rows (0008's duplicates, 0009's invisible characters, 0010's
columns) run on both backends there. Needs the test server (tests/pg.py)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, Table, create_engine, insert, inspect, select

from app.db.base import Base
from app.db.engine import open_database
from app.db.location import ServerLocation
from app.db.migrate import alembic_config, current_revision, head_revision
from app.db.server import make_server_engine
from app.db.unique_keys import index_names
from app.services import settings
from app.services.enterprise_list import EnterpriseQuery, count_enterprises
from tests.core.test_old_databases import FIXTURES


def _server_value(value: object, column: sa.Column) -> object:
    """A value as SQLite keeps it (dates and times as text, booleans as 0/1, JSON as text), as the server's
    column takes it."""
    if value is None:
        return None
    if isinstance(column.type, sa.JSON):
        return json.loads(value) if isinstance(value, str) else value
    python = column.type.python_type
    if python is bool:
        return bool(value)
    if python is dt.datetime and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if python is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _fixture_engine(fixture: Path) -> sa.Engine:
    """The fixture, read only (its raw values: no types of SQLAlchemy's in between)."""
    return create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(f"{fixture.as_uri()}?mode=ro", uri=True)
    )


Rows = dict[str, list[dict[str, object]]]  # a table's rows, by table


def _read(conn: sa.Connection, rows: Rows) -> Rows:
    """The rows of the tables of `rows` on the server, with the columns `rows` has (those still there)."""
    found: Rows = {}
    for name, before in rows.items():
        table = Table(name, MetaData(), autoload_with=conn)
        columns = [table.c[c] for c in (before[0] if before else {}) if c in table.c]
        found[name] = [dict(r) for r in conn.execute(select(*columns)).mappings()] if columns else []
    return found


def _same(a: Rows, b: Rows) -> bool:
    """The same rows in each table, in whatever order."""
    return a.keys() == b.keys() and all(sorted(map(repr, a[t])) == sorted(map(repr, b[t])) for t in a)


def _on_server_at_its_revision(fixture: Path, loc: ServerLocation) -> Rows:
    """The fixture on the server: `loc` (empty) migrated to exactly the fixture's revision, then every row of
    every table of the fixture copied into it, parents before children. Returns the rows copied (as the
    server's columns take them), by table."""
    revision = fixture.stem.split("_")[1]
    source = _fixture_engine(fixture)
    engine = make_server_engine(loc)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        old = MetaData()
        old.reflect(source)
        copied: Rows = {}
        with source.connect() as src, engine.begin() as dst:
            assert current_revision(dst) == revision
            # the migrations give the server the fixture's schema at that revision: the same tables and columns
            assert set(inspect(dst).get_table_names()) == set(old.tables)
            for table in old.sorted_tables:  # parents before children (by foreign keys)
                if table.name == "alembic_version":
                    continue
                server = Table(table.name, MetaData(), autoload_with=dst)
                assert set(server.c.keys()) == set(table.c.keys()), table.name
                rows = src.exec_driver_sql(f'SELECT * FROM "{table.name}"').mappings().all()
                copied[table.name] = [{k: _server_value(v, server.c[k]) for k, v in r.items()} for r in rows]
                if rows:
                    dst.execute(insert(server), copied[table.name])
            assert _same(_read(dst, copied), copied)  # what the server keeps is what was given
    finally:
        engine.dispose()
        source.dispose()
    return copied


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_old_database_upgrades_on_the_server_and_keeps_its_records(
    fixture: Path, pg_database: ServerLocation
) -> None:
    copied = _on_server_at_its_revision(fixture, pg_database)
    assert len(copied["enterprise"]) == 3 and copied["audit_log"]  # what the checks below need is there
    db = open_database(pg_database)  # upgraded in place, in one transaction
    try:
        assert current_revision(db.engine) == head_revision()
        with db.reader() as s:
            assert count_enterprises(s) == 2
            assert count_enterprises(s, EnterpriseQuery(deleted=True)) == 1
            assert count_enterprises(s, EnterpriseQuery(text="张三")) == 2
            profile = settings.get_profile(s)
        assert profile.college == "机电工程学院"
        assert profile.majors == ("机电一体化技术", "工业机器人技术")
        with db.engine.connect() as conn:
            assert "ix_contact_deleted_at" not in index_names(conn)
            after = _read(conn, copied)
            # 0017 gives the database its own id; else no row lost or added by the upgrade, every value kept
            ids = [r for r in after["setting"] if r["key"] == "database_id"]
            assert len(ids) == 1 and len(ids[0]["value"]) == 36
            after["setting"] = [r for r in after["setting"] if r["key"] != "database_id"]
            assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in copied.items()}
            assert _same(after, copied)
            assert all(isinstance(r["changes"], dict) for r in after["audit_log"])  # JSON, not text
            # 0012: every record there was is at version 1, saved last by nobody known
            records = [t.name for t in Base.metadata.sorted_tables if "version" in t.c and t.name in copied]
            assert "enterprise" in records and "contact" in records
            for name in records:
                table = sa.table(name, sa.column("version"), sa.column("updated_by"))
                found = conn.execute(select(table.c.version, table.c.updated_by).distinct()).all()
                assert found == ([(1, "")] if copied[name] else []), name
            # the audit rows written before (on a file) name the computer's user, not the role that upgraded
            audit = sa.table("audit_log", sa.column("os_user"), sa.column("db_user"))
            assert conn.execute(select(audit.c.os_user, audit.c.db_user).distinct()).all() == [("root", None)]
        assert db.key_problems == ()  # no duplicates: every natural key is unique in the database (0008)
    finally:
        db.close()


def test_models_and_migrations_agree_after_upgrading_the_oldest_fixture(pg_database: ServerLocation) -> None:
    """Not only an empty database: one upgraded, with its rows, from the oldest schema ends as the models say."""
    _on_server_at_its_revision(FIXTURES[0], pg_database)
    db = open_database(pg_database)
    try:
        assert set(Base.metadata.tables) | {"alembic_version"} == set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        db.close()
