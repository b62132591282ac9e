"""A database on a PostgreSQL server (issue 19, step 1): where it is, opening and migrating it, its failures
in plain Chinese, writers serialised as on SQLite, and what only a file has refused with a clear message.
The `db` tests run on both backends (tests/conftest.py BOTH_BACKENDS); the server's own need CHANJIAO_TEST_PG
(tests/pg.py)."""

from __future__ import annotations

import argparse
import socket
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from app.db import location, migrate, server
from app.db.base import Base
from app.db.engine import Database, open_database
from app.db.location import BadLocation, FileLocation, ServerLocation, parse_location, password_for
from app.db.models import Enterprise, Student
from app.db.unique_keys import KEYS, DuplicateKey, check_unique_keys, index_names
from app.errors import (
    ConnectionLost,
    DatabaseLocked,
    DatabaseTooNew,
    NoPermission,
    NoSuchDatabase,
    NotOnServer,
    ServerUnreachable,
    WrongPassword,
)
from app.services.enterprise_list import EnterpriseQuery, enterprise_ids
from app.services.enterprises import EnterpriseData, create_enterprise

SECRET = "s3cret-Pa55"

# ------------------------------------------------------------------ where the database is


def test_a_path_is_a_file_and_a_url_a_server(tmp_path: Path) -> None:
    loc = parse_location(str(tmp_path / "a.db"))
    assert loc == FileLocation(tmp_path / "a.db") and not loc.is_server
    loc = parse_location(f"postgresql://教务:{SECRET}@db.school.cn/cj_jixie")
    assert isinstance(loc, ServerLocation) and loc.is_server
    assert (loc.host, loc.port, loc.database, loc.user, loc.password) == (
        "db.school.cn",
        5432,
        "cj_jixie",
        "教务",
        SECRET,
    )
    assert loc.display == "服务器 db.school.cn:5432 上的数据库“cj_jixie”（用户 教务）"
    for shown in (loc.display, loc.short, loc.safe_url, repr(loc), str(loc)):
        assert SECRET not in shown
    assert parse_location("postgres://u@[::1]:6543/x").safe_url == "postgresql://u@[::1]:6543/x"


@pytest.mark.parametrize(
    "url, words",
    [
        ("postgresql://u@host/", "缺少数据库名"),
        ("postgresql://u@host:99999/x", "端口"),
        ("postgresql://u@/x", "缺少主机名"),
    ],
)
def test_a_broken_address_says_what_is_missing(url: str, words: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BadLocation) as e:
        parse_location(url.replace("u@", f"u:{SECRET}@"))
    assert words in e.value.message and SECRET not in str(e.value)


def test_the_password_from_the_url_then_pgpassword_then_the_key_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1
        saved: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.saved.get((service, username))

        def set_password(self, service, username, password):
            self.saved[(service, username)] = password

        def delete_password(self, service, username):
            self.saved.pop((service, username), None)

    before = keyring.get_keyring()
    keyring.set_keyring(Memory())
    monkeypatch.delenv("CHANJIAO_KEY_STORE")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    try:
        loc = parse_location("postgresql://cj@db.school.cn/cj_jixie")
        assert password_for(loc) is None
        location.save_password(loc, "from-store")
        assert Memory.saved == {(location.KEYRING_SERVICE, "cj@db.school.cn:5432"): "from-store"}
        assert password_for(loc) == "from-store"
        monkeypatch.setenv("PGPASSWORD", "from-env")
        assert password_for(loc) == "from-env"
        assert password_for(parse_location("postgresql://cj:given@db.school.cn/cj_jixie")) == "given"
    finally:
        keyring.set_keyring(before)


def test_what_needs_a_file_refuses_a_server_address(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.paths import resolve_db_path

    monkeypatch.setenv("CHANJIAO_DB", f"postgresql://cj:{SECRET}@localhost/cj_jixie")
    with pytest.raises(NotOnServer) as e:
        resolve_db_path(None)  # chanjiao backup, restore, the window for now
    assert "pg_dump" in e.value.message and SECRET not in e.value.message


# ------------------------------------------------------------------ on both backends


def test_migrated_to_head_and_models_agree(db: Database) -> None:
    assert set(Base.metadata.tables) | {"alembic_version"} == set(inspect(db.engine).get_table_names())
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_unique_key_is_an_index_and_its_duplicates_are_found(db: Database) -> None:
    with db.engine.begin() as conn:
        assert check_unique_keys(conn) == []
        assert {k.index for k in KEYS} <= index_names(conn)
        conn.execute(text("DROP INDEX uq_live_student_no"))  # as migration 0008 leaves it out
    with db.session() as s:
        s.add_all([Student(student_no="ab1", name="甲"), Student(student_no="AB1", name="乙")])
    with db.engine.begin() as conn:
        (found,) = check_unique_keys(conn)
        assert found.key.index == "uq_live_student_no" and "“甲”" in found.message and "“乙”" in found.message
        conn.execute(text("UPDATE student SET student_no = 'ab2' WHERE name = '乙'"))
    with db.engine.begin() as conn:
        assert check_unique_keys(conn) == [] and "uq_live_student_no" in index_names(conn)  # back
    with pytest.raises(DuplicateKey), db.session() as s:
        s.add(Student(student_no="AB2", name="丙"))


def test_search_ignores_case_and_empty_dates_sort_first(db: Database) -> None:
    """What SQLite does by itself, the server's SQL does too (app/db/server.py SQLiteLikeCompiler)."""
    import datetime as dt

    with db.session() as s:
        for name, start in (
            ("ABC科技", dt.date(2020, 1, 1)),
            ("abd贸易", None),
            ("Xyz", dt.date(2019, 1, 1)),
        ):
            create_enterprise(s, EnterpriseData(name=name, cooperation_start=start))
    with db.reader() as s:
        names = dict(s.execute(select(Enterprise.id, Enterprise.name)).all())
        found = enterprise_ids(s, EnterpriseQuery(text="ab", sort="cooperation_start"))
        assert [names[i] for i in found] == ["abd贸易", "ABC科技"]
        found = enterprise_ids(s, EnterpriseQuery(sort="cooperation_start", descending=True))
        assert [names[i] for i in found] == ["ABC科技", "Xyz", "abd贸易"]
        assert [names[i] for i in enterprise_ids(s, EnterpriseQuery(sort="name"))][0] == "ABC科技"


def test_attachments_live_beside_a_file_and_inside_a_server_database(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.db.models import AttachmentBlob
    from app.services.attachments import add_attachment

    monkeypatch.chdir(tmp_path)
    src = tmp_path / "合同.pdf"
    src.write_bytes(b"%PDF-1.4")
    before = sorted(p.name for p in tmp_path.iterdir())
    with db.session() as s:
        eid = create_enterprise(s, EnterpriseData(name="湖南甲公司")).ids[0]
    with db.session() as s:
        add_attachment(s, "enterprise", eid, src)
    with db.reader() as s:
        rows = s.scalars(select(AttachmentBlob.data)).all()
    if not db.is_server:
        assert db.attachments_dir.is_dir() and rows == []  # the table stays empty on a file
        return
    assert rows == [b"%PDF-1.4"]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no “<数据库名>_附件” folder anywhere
    with pytest.raises(NotOnServer) as e:
        db.attachments_dir  # noqa: B018
    assert "附件保存在服务器上的数据库中" in e.value.message


# ------------------------------------------------------------------ the server's own


def test_open_db_of_a_command_takes_a_server_address(pg_server, pg_database: ServerLocation, capsys) -> None:
    from app.commands.common import open_db
    from app.paths import home_dir

    db = open_db(argparse.Namespace(db=pg_server.url(pg_database.database), command="init"))
    try:
        assert db.is_server and db.display_name == pg_database.display
        with pytest.raises(NotOnServer):
            db.path  # noqa: B018
        assert migrate.current_revision(db.engine) == migrate.head_revision()
    finally:
        db.close()
    assert not (home_dir() / "备份").exists() or not any((home_dir() / "备份").iterdir())  # no file backup


def test_a_wrong_password(pg_server, pg_database: ServerLocation, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    loc = pg_server.location(pg_database.database, user=pg_server.admin.user, password=SECRET)
    with pytest.raises(WrongPassword) as e:
        open_database(loc)
    assert "用户名或密码不对" in e.value.message and f"“{loc.user}”" in e.value.message
    assert SECRET not in e.value.message and SECRET not in e.value.detail


def test_a_closed_port(pg_server) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ServerUnreachable) as e:
        open_database(f"postgresql://cj:{SECRET}@127.0.0.1:{port}/x")
    assert f"无法连接到数据库服务器 127.0.0.1:{port}" in e.value.message and SECRET not in str(e.value)


def test_a_missing_database(pg_server) -> None:
    loc = pg_server.location("cjtest_no_such_database")
    with pytest.raises(NoSuchDatabase) as e:
        open_database(loc)
    assert "没有名为“cjtest_no_such_database”的数据库" in e.value.message


def test_no_permission_to_connect(pg_server, pg_database: ServerLocation) -> None:
    role = f"cjtest_r_{pg_database.database[-10:]}"
    pg_server.sql(f"CREATE ROLE {role} LOGIN PASSWORD '{SECRET}'")
    try:
        pg_server.sql(f'REVOKE CONNECT ON DATABASE "{pg_database.database}" FROM PUBLIC')
        with pytest.raises(NoPermission) as e:
            open_database(pg_server.location(pg_database.database, user=role, password=SECRET))
        assert f"用户“{role}”没有使用" in e.value.message and SECRET not in str(e.value)
    finally:
        pg_server.drop(pg_database)
        pg_server.sql(f"DROP ROLE {role}")


def test_no_permission_to_create_the_tables(pg_server, pg_database: ServerLocation) -> None:
    role = f"cjtest_r_{pg_database.database[-10:]}"
    pg_server.sql(f"CREATE ROLE {role} LOGIN PASSWORD '{SECRET}'")
    try:
        pg_server.sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC", database=pg_database.database)
        with pytest.raises(NoPermission) as e:
            open_database(pg_server.location(pg_database.database, user=role, password=SECRET))
        assert "权限" in e.value.message
    finally:
        pg_server.drop(pg_database)
        pg_server.sql(f"DROP ROLE {role}")


def test_a_database_made_by_a_newer_version(pg_server, pg_database: ServerLocation) -> None:
    open_database(pg_database).close()
    pg_server.sql("UPDATE alembic_version SET version_num = '9999_future'", database=pg_database.database)
    for kwargs in ({}, {"migrate": False}):
        with pytest.raises(DatabaseTooNew) as e:
            open_database(pg_database, **kwargs)
        assert "更新版本" in e.value.message and "9999_future" in e.value.message
    assert pg_server.sql("SELECT version_num FROM alembic_version", database=pg_database.database) == [
        ("9999_future",)
    ]


def _backend_pid(s) -> int:
    return s.execute(text("SELECT pg_backend_pid()")).scalar()


def test_a_connection_lost_mid_work_saves_nothing_and_the_next_action_reconnects(
    pg_server, pg_database: ServerLocation
) -> None:
    db = open_database(pg_database)
    try:
        with pytest.raises(ConnectionLost) as e, db.session() as s:
            create_enterprise(s, EnterpriseData(name="湖南甲公司"))
            s.flush()
            pg_server.sql(f"SELECT pg_terminate_backend({_backend_pid(s)})")
            create_enterprise(s, EnterpriseData(name="湖南乙公司"))
            s.flush()
        assert "连接断开" in e.value.message and "刚才的操作没有保存" in e.value.message
        with db.session() as s:  # a new connection
            create_enterprise(s, EnterpriseData(name="湖南丙公司"))
        with db.reader() as s:
            assert list(s.scalars(select(Enterprise.name))) == ["湖南丙公司"]
    finally:
        db.close()


def test_the_server_going_away_while_idle_is_unreachable_then_reconnects(
    pg_server, pg_database: ServerLocation
) -> None:
    db = open_database(pg_database)
    try:
        with db.reader() as s:
            pid = _backend_pid(s)
        pg_server.sql(f"SELECT pg_terminate_backend({pid})")
        with db.reader() as s:  # the dropped idle connection is replaced (pool_pre_ping)
            assert s.scalar(select(func.count()).select_from(Enterprise)) == 0
    finally:
        db.close()


def test_writers_wait_for_each_other_then_say_the_database_is_busy(
    pg_server, pg_database: ServerLocation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As BEGIN IMMEDIATE on SQLite: one writer at a time from its first read; readers are not blocked."""
    monkeypatch.setattr(server, "LOCK_TIMEOUT_MS", 300)
    db = open_database(pg_database)
    try:
        with db.session() as s:
            s.execute(select(Enterprise.id)).all()  # a check, nothing written yet
            failure: list[Exception] = []

            def second_writer() -> None:
                try:
                    with db.session() as w:
                        create_enterprise(w, EnterpriseData(name="另一位用户的公司"))
                except Exception as e:
                    failure.append(e)

            t = threading.Thread(target=second_writer)
            t.start()
            t.join(10)
            with db.reader() as r:
                assert r.execute(select(Enterprise.id)).all() == []
            create_enterprise(s, EnterpriseData(name="湖南甲公司"))
        (e,) = failure
        assert isinstance(e, DatabaseLocked) and "正被其他用户写入" in e.message and "没有保存" in e.message
        with db.reader() as r:
            assert list(r.scalars(select(Enterprise.name))) == ["湖南甲公司"]
    finally:
        db.close()


def test_timestamps_stay_utc_whatever_the_server_time_zone(pg_server, pg_database: ServerLocation) -> None:
    import datetime as dt

    pg_server.sql(f"ALTER DATABASE \"{pg_database.database}\" SET timezone TO 'Asia/Shanghai'")
    db = open_database(pg_database)
    try:
        before = dt.datetime.now(dt.UTC)
        with db.session() as s:
            create_enterprise(s, EnterpriseData(name="湖南甲公司"))
        with db.reader() as s:
            created = s.scalar(select(Enterprise.created_at))
        assert abs((created - before).total_seconds()) < 60
    finally:
        db.close()


def test_every_migration_runs_down_and_up_again_on_a_server(pg_database: ServerLocation) -> None:
    from alembic import command

    open_database(pg_database).close()
    engine = server.make_server_engine(pg_database)
    try:
        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    db = open_database(pg_database)
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())
    finally:
        db.close()


def test_a_command_runs_on_either_backend(db: Database, db_arg: str) -> None:
    """The CLI's --db takes the server's address as it takes a file (app/commands/common.py open_db)."""
    import datetime as dt
    import json

    from app.services.projects import ProjectData, create_project
    from tests.cli_run import run_cli

    with db.session() as s:
        create_project(s, ProjectData(name="无负责人项目", kind="订单培养"))  # PRJ-LEADER: 错误
    r = run_cli("check", "--json", "--db", db_arg, "--today", dt.date(2026, 11, 1).isoformat())
    assert r.returncode == 1, r.stderr
    (f,) = json.loads(r.stdout)
    assert (f["rule"], f["title"]) == ("PRJ-LEADER", "无负责人项目")
    assert SECRET not in r.stderr


def test_text_is_ordered_by_code_point_in_a_chinese_collation_database(pg_server) -> None:
    """A server whose databases sort by Chinese locale (an administrator's CREATE DATABASE with zh_CN) orders
    as SQLite does: by code point (北 U+5317 < 安 U+5B89), not by the locale's pinyin (安 an < 北 bei)."""
    import os

    name = f"cjtest_{os.getpid()}_zh"
    pg_server.sql(
        f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
        "LOCALE_PROVIDER icu ICU_LOCALE 'zh-Hans-CN' LOCALE 'C.UTF-8'"
    )
    try:
        assert pg_server.sql("SELECT '安庆市' < '北海市'", database=name) == [(True,)]  # the locale's order
        db = open_database(pg_server.location(name))
        try:
            with db.session() as s:
                for region in ("安庆市", "北海市"):
                    create_enterprise(s, EnterpriseData(name=f"{region}甲公司", region=region))
            with db.reader() as s:
                regions = dict(s.execute(select(Enterprise.id, Enterprise.region)).all())
                found = enterprise_ids(s, EnterpriseQuery(sort="region"))
            assert [regions[i] for i in found] == ["北海市", "安庆市"]
            assert 'COLLATE "C"' in str(select(Enterprise.id).order_by(Enterprise.region).compile(db.engine))
        finally:
            db.close()
    finally:
        pg_server.drop(name)


def test_a_database_ordering_by_code_point_keeps_its_plain_order_by(pg_server, pg_database) -> None:
    """No COLLATE where the database's collation is C already: an index still serves the 100k-row id lists."""
    if pg_server.sql("SELECT datcollate FROM pg_database WHERE datname = current_database()")[0][0] not in (
        server.C_LOCALES
    ):
        pytest.skip("the test server's databases do not use the C collation")
    db = open_database(pg_database)
    try:
        with db.reader() as s:
            s.execute(select(1))
        sql = str(select(Enterprise.id).order_by(Enterprise.region).compile(db.engine))
        assert "COLLATE" not in sql and sql.endswith("ORDER BY enterprise.region ASC")
    finally:
        db.close()
