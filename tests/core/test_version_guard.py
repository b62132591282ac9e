"""No lost update held by the server (issue 19, migration 0015, app/db/version_guard.py): on PostgreSQL every
UPDATE of a record moves its version forward, whatever the client sends — a 录入 user with psql cannot change a
record and keep (or move back) its version so that a form opened before saves over the change. The app's own
saves are unchanged (it sends old + 1, which the trigger keeps), and every table with a `version` column has the
trigger. A 录入 user connects with plain psycopg here, as someone with psql would. Needs the test server
(tests/pg.py); one test checks a database file gets nothing."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlalchemy import Connection, select, text

from app.db import migrate, version_guard
from app.db.base import Base
from app.db.engine import Database, open_database
from app.db.models import Enterprise
from app.db.roles import ADMIN, EDITOR, READER
from app.db.server import make_server_engine
from app.errors import RecordChanged
from app.services import versions
from app.services.enterprises import EnterpriseData, create_enterprise, get_enterprise, update_enterprise
from tests.college_users import College, add_user, prefixed, set_up_college

NAME = "湖南甲科技有限公司"


@pytest.fixture(scope="module")
def college(pg_server, tmp_path_factory: pytest.TempPathFactory) -> College:
    """A college set up by `server init`, with a 管理员, a 录入 and a 只读 user."""
    with prefixed(pg_server, "vg") as prefix:
        yield set_up_college(
            pg_server,
            f"{prefix}_a",
            tmp_path_factory.mktemp("home"),
            ("boss", ADMIN),
            ("wang", EDITOR),
            ("li", READER),
        )


@pytest.fixture
def migrated(pg_server):
    """A server database at the newest schema, without the college's roles (as tests/conftest.py's `db`)."""
    loc = pg_server.create(template=pg_server.migrated_template())
    yield loc
    pg_server.drop(loc)


def _enterprise(db: Database, name: str) -> str:
    with db.session() as s:
        return create_enterprise(s, EnterpriseData(name=name)).ids[0]


def _row(college: College, eid: str) -> tuple[int, str]:
    (row,) = college.server.sql(
        f"SELECT version, region FROM enterprise WHERE id = '{eid}'", database=college.name
    )
    return row


def _open(db: Database, eid: str) -> versions.Opened:
    """What a form does when it opens the record: the version of what it read."""
    with db.reader() as s:
        _record, seen = versions.read_opened(s, eid, lambda s2: get_enterprise(s2, eid))
    assert seen is not None
    return seen


# ------------------------------------------------------------------ the catalog, read here on its own


def _versioned(conn: Connection) -> set[str]:
    return set(
        conn.execute(
            text(
                "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t "
                "USING (table_schema, table_name) WHERE c.table_schema = current_schema() "
                "AND c.column_name = 'version' AND t.table_type = 'BASE TABLE'"
            )
        ).scalars()
    )


def _guarded(conn: Connection) -> set[str]:
    """Tables with an enabled BEFORE UPDATE … FOR EACH ROW trigger running the guard's function."""
    return set(
        conn.execute(
            text(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_schema = current_schema() AND event_manipulation = 'UPDATE' "
                "AND action_timing = 'BEFORE' AND action_orientation = 'ROW' "
                "AND action_statement = 'EXECUTE FUNCTION chanjiao_version_forward()' "
                "AND (trigger_schema, trigger_name, event_object_table) IN ("
                "  SELECT n.nspname, t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                "  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.tgenabled <> 'D')"
            )
        ).scalars()
    )


# ------------------------------------------------------------------ a 录入 user with psql


def test_an_editors_update_keeping_or_moving_back_the_version_moves_it_on(college: College) -> None:
    db = college.open()
    try:
        eid = _enterprise(db, NAME)
        with db.session() as s:
            update_enterprise(s, eid, EnterpriseData(name=NAME, region="长沙"))
        assert _row(college, eid) == (2, "长沙")
        seen = _open(db, eid)  # a form opened at version 2
        assert seen.version == 2
        with college.connect(college.user("wang")) as conn:
            for statement, region, version in (
                ("UPDATE enterprise SET version = 1, region = '株洲' WHERE id = %s", "株洲", 3),  # back
                ("UPDATE enterprise SET version = 3, region = '湘潭' WHERE id = %s", "湘潭", 4),  # unchanged
                ("UPDATE enterprise SET version = NULL, region = '岳阳' WHERE id = %s", "岳阳", 5),
                ("UPDATE enterprise SET region = '衡阳' WHERE id = %s", "衡阳", 6),  # not named
                ("UPDATE enterprise SET version = version - 5, region = '常德' WHERE id = %s", "常德", 7),
            ):
                assert conn.execute(statement, (eid,)).rowcount == 1
                assert _row(college, eid) == (version, region), statement
            # the attack itself: the region changed and the version put back to what the form saw
            conn.execute("UPDATE enterprise SET version = 2, region = '郴州' WHERE id = %s", (eid,))
        assert _row(college, eid) == (8, "郴州")
        with pytest.raises(RecordChanged), db.session() as s:  # the form's save is refused, not over 郴州
            versions.ensure_unchanged(s, seen)
            update_enterprise(s, eid, EnterpriseData(name=NAME, region="长沙"))
        assert _row(college, eid) == (8, "郴州")
    finally:
        db.close()


def test_every_row_of_a_many_row_update_moves_on_by_one(college: College) -> None:
    db = college.open()
    try:
        ids = [_enterprise(db, f"湖南多行{n}科技有限公司") for n in range(3)]
    finally:
        db.close()
    with college.connect(college.user("wang")) as conn:
        conn.execute("UPDATE enterprise SET version = 1, region = '益阳' WHERE id = ANY(%s)", (ids,))
        conn.execute("UPDATE enterprise SET version = 1, region = '娄底' WHERE id = ANY(%s)", (ids,))
    assert [_row(college, i) for i in ids] == [(3, "娄底")] * 3


def test_a_version_sent_above_the_rows_is_kept(college: College) -> None:
    """What the app sends (old + 1), and what 撤销 of a purge sends (the version from before + 1, over the 1 of
    the row inserted again), is what the row gets: the trigger only lifts a version that is not above."""
    db = college.open()
    try:
        eid = _enterprise(db, "湖南跳号科技有限公司")
    finally:
        db.close()
    with college.connect(college.user("wang")) as conn:
        conn.execute("UPDATE enterprise SET version = 2, region = '永州' WHERE id = %s", (eid,))
        assert _row(college, eid) == (2, "永州")
        conn.execute("UPDATE enterprise SET version = 40, region = '怀化' WHERE id = %s", (eid,))
        assert _row(college, eid) == (40, "怀化")


def test_an_editor_cannot_get_round_the_trigger(college: College) -> None:
    wang = college.user("wang")
    for statement in (
        "ALTER TABLE enterprise DISABLE TRIGGER version_forward",
        "ALTER TABLE enterprise DISABLE TRIGGER ALL",
        "DROP TRIGGER version_forward ON enterprise",
        "DROP FUNCTION chanjiao_version_forward() CASCADE",
        "SET session_replication_role = replica",
        "CREATE OR REPLACE FUNCTION chanjiao_version_forward() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NEW; END $$",
        "CREATE TRIGGER zz_back BEFORE UPDATE ON enterprise FOR EACH ROW EXECUTE FUNCTION chanjiao_version_forward()",
    ):
        with college.connect(wang) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
    with college.connect(college.user("li")) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE enterprise SET version = 1")
    engine = make_server_engine(college.server.location(college.name))
    try:
        with engine.connect() as conn:
            assert "enterprise" in _guarded(conn)
    finally:
        engine.dispose()


def test_the_function_is_the_colleges_admin_groups(college: College) -> None:
    """Handed over as the tables are (app/db/roles.py): removing the 管理员 who ran the migration is not held up."""
    assert _owner(college.server, college.name) == [(college.groups.admin,)]


def _owner(server, database: str) -> list[tuple[str]]:
    return server.sql(
        "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'chanjiao_version_forward'",
        database=database,
    )


def test_a_database_migrated_before_server_init_can_hand_the_function_over(pg_server, tmp_path: Path) -> None:
    """`server init` of a database whose tables were there already: the migrations ran before the roles, so
    the function is still its runner's until hand_to_admin (in a Session's transaction, as apply_grants runs)."""
    with prefixed(pg_server, "vgm") as prefix:
        name = f"{prefix}_a"
        pg_server.sql(f'CREATE DATABASE "{name}" TEMPLATE "{pg_server.migrated_template()}"')
        college = set_up_college(pg_server, name, tmp_path / "home")
        runner = pg_server.admin.user
        if _owner(pg_server, name) == [(runner,)]:
            # a later migration's install() run by another 管理员 meanwhile: the function is left as it is
            boss = add_user(college, "boss", ADMIN)
            other = college.open(boss)
            try:
                with other.engine.begin() as conn:
                    conn.exec_driver_sql(
                        "CREATE TABLE later_record (id text PRIMARY KEY, version int NOT NULL)"
                    )
                    version_guard.install(conn, ("later_record",))
                    assert "later_record" in _guarded(conn)
                    conn.exec_driver_sql("DROP TABLE later_record")
            finally:
                other.close()
            assert _owner(pg_server, name) == [(runner,)]
            db = college.open()
            try:
                with db.session() as s:
                    version_guard.hand_to_admin(s.connection())
                    version_guard.hand_to_admin(s.connection())  # again: nothing to do
            finally:
                db.close()
        assert _owner(pg_server, name) == [(college.groups.admin,)]
        with college.connect(add_user(college, "wang", EDITOR)) as conn:  # and it still works for 录入
            conn.execute("UPDATE major SET version = 1, name = name || '·'")
            versions_ = {v for (v,) in conn.execute("SELECT version FROM major")}
        assert versions_ and min(versions_) >= 2


# ------------------------------------------------------------------ the app's saves


def test_app_saves_move_the_version_by_one_and_conflicts_are_still_refused(college: College) -> None:
    """Through the app as 录入: each save adds exactly one (the trigger adds nothing to what SQLAlchemy sends,
    and what SQLAlchemy keeps is what the row holds); a save over another user's change is refused."""
    wang = college.open(college.user("wang"))
    other = college.open(college.user("boss"))
    try:
        eid = _enterprise(wang, "湖南乙科技有限公司")
        for n, region in enumerate(("长沙", "株洲", "湘潭"), start=2):
            with wang.session() as s:
                update_enterprise(s, eid, EnterpriseData(name="湖南乙科技有限公司", region=region))
                s.flush()
                kept = s.get(Enterprise, eid).version
                held = s.scalar(select(Enterprise.version).where(Enterprise.id == eid))
                assert kept == held == n
            assert _row(college, eid) == (n, region)
        with wang.session() as s:  # two flushes in one transaction: two versions, and SQLAlchemy follows
            ent = s.get(Enterprise, eid)
            ent.region = "岳阳"
            s.flush()
            ent.region = "衡阳"
            s.flush()
        assert _row(college, eid) == (6, "衡阳")

        seen = _open(wang, eid)
        with other.session() as s:
            update_enterprise(s, eid, EnterpriseData(name="湖南乙科技有限公司", region="常德"))
        with pytest.raises(RecordChanged) as refused, wang.session() as s:
            versions.ensure_unchanged(s, seen)
            update_enterprise(s, eid, EnterpriseData(name="湖南乙科技有限公司", region="益阳"))
        assert college.user("boss") in refused.value.message
        with pytest.raises(RecordChanged) as refused, wang.session() as s:  # a row changed under the write
            ent = s.get(Enterprise, eid)
            college.server.sql(
                f"UPDATE enterprise SET version = 1, region = '娄底' WHERE id = '{eid}'",
                database=college.name,
            )
            ent.region = "永州"
        assert "刚被其他用户修改" in refused.value.message
        assert _row(college, eid) == (8, "娄底")
        with wang.session() as s:  # 仍然保存
            versions.ensure_unchanged(s, _open(wang, eid), overwrite=True)
            update_enterprise(s, eid, EnterpriseData(name="湖南乙科技有限公司", region="永州"))
        assert _row(college, eid) == (9, "永州")
    finally:
        wang.close()
        other.close()


# ------------------------------------------------------------------ every record table


def test_every_table_with_a_version_has_the_trigger(college: College, migrated) -> None:
    """On a database upgraded by `server init` (roles first) and on one migrated without roles; and the tables
    with a version are the record tables of the models. A later migration adding a record table must give it the
    trigger (app/db/migrations/versions/0015_server_version_guard.py says how)."""
    records = {t.name for t in Base.metadata.tables.values() if "version" in t.c}
    assert len(records) > 30
    for loc in (college.server.location(college.name), migrated):
        engine = make_server_engine(loc)
        try:
            with engine.connect() as conn:
                assert migrate.current_revision(conn) == migrate.head_revision()
                assert _versioned(conn) == records
                assert _guarded(conn) == records, sorted(records - _guarded(conn))
                assert version_guard.versioned_tables(conn) == records == version_guard.guarded_tables(conn)
        finally:
            engine.dispose()


def test_a_record_table_added_without_the_trigger_is_caught_then_guarded(migrated) -> None:
    """The check above fails on a table with a version and no trigger; install() is what a later migration
    runs for its new table."""
    engine = make_server_engine(migrated)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE TABLE later_record (id varchar(36) PRIMARY KEY, version integer NOT NULL DEFAULT 1, "
                "note text)"
            )
            conn.exec_driver_sql("INSERT INTO later_record (id, note) VALUES ('a', 'x')")
            assert _versioned(conn) - _guarded(conn) == {"later_record"}
            version_guard.install(conn, ("later_record",))
            assert _versioned(conn) == _guarded(conn)
            conn.exec_driver_sql("UPDATE later_record SET version = 1, note = 'y'")
            assert conn.exec_driver_sql("SELECT version FROM later_record").scalar() == 2
            version_guard.remove(conn, ("later_record",))
            assert _versioned(conn) - _guarded(conn) == {"later_record"}
            conn.exec_driver_sql("ALTER TABLE enterprise DISABLE TRIGGER version_forward")
            assert "enterprise" not in _guarded(conn)  # a disabled trigger does not count
    finally:
        engine.dispose()


def test_the_migration_goes_down_and_up_again(migrated) -> None:
    db = open_database(migrated)
    try:
        eid = _enterprise(db, NAME)
    finally:
        db.close()
    engine = make_server_engine(migrated)
    cfg = migrate.alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0014")
            assert _guarded(conn) == set()
            assert (
                conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_proc WHERE proname = 'chanjiao_version_forward'"
                ).scalar()
                == 0
            )
            update = text("UPDATE enterprise SET version = 1 WHERE id = :id RETURNING version")
            assert conn.execute(update, {"id": eid}).scalar() == 1  # unguarded at 0014
            command.upgrade(cfg, "head")
            assert _guarded(conn) == _versioned(conn) != set()
            assert conn.execute(update, {"id": eid}).scalar() == 2
    finally:
        engine.dispose()


def test_a_database_file_gets_nothing(tmp_path: Path) -> None:
    """One user at a time, through the app: no trigger, and the upgrade to 0015 does nothing there."""
    db = open_database(tmp_path / "a.db")
    try:
        with db.engine.begin() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()
            assert (
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").scalar()
                == 0
            )
    finally:
        db.close()
