"""Opening databases: migrations, backups before upgrade, and every way a file can be unusable."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

import app.db.engine as engine_module
from app.backup import KIND_MIGRATION, auto_backup, backups_dir_for
from app.db import migrate
from app.db.base import Base
from app.db.engine import Database, open_database
from app.db.models import Contact, Enterprise
from app.errors import DatabaseLocked, DatabaseReadOnly, DatabaseTooNew, NotADatabase
from app.services.enterprises import EnterpriseData, create_enterprise


def backups(path: Path) -> list[Path]:
    return sorted(backups_dir_for(path).glob("*-升级前.db"))


def add_enterprises(db: Database, *names: str) -> None:
    with db.session() as s:
        for name in names:
            create_enterprise(s, EnterpriseData(name=name))


def enterprise_names(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM enterprise"))
    finally:
        con.close()


def set_revision(path: Path, revision: str) -> None:
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    finally:
        con.close()


# ---------------------------------------------------------------- migrations


def test_upgrade_from_empty_creates_all_tables(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) | {"alembic_version"} == tables
    assert migrate.current_revision(db.engine) == migrate.head_revision() != ""
    assert backups(db.path) == []  # a new file has nothing to back up


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diffs = compare_metadata(context, Base.metadata)
    assert diffs == []


def test_reopening_is_a_no_op(db_path: Path) -> None:
    first = open_database(db_path)
    add_enterprises(first, "湖南甲公司")
    first.close()
    again = open_database(db_path)
    try:
        assert migrate.current_revision(again.engine) == migrate.head_revision()
        with again.reader() as s:
            assert s.scalars(select(Enterprise.name)).all() == ["湖南甲公司"]
    finally:
        again.close()
    assert backups(db_path) == []
    assert enterprise_names(db_path) == ["湖南甲公司"]


def test_backup_copy_is_a_valid_database_with_the_same_rows(db: Database) -> None:
    add_enterprises(db, "湖南甲公司", "长沙乙公司")
    copy = auto_backup(db.path, KIND_MIGRATION)
    assert copy.parent == db.path.parent / "chanjiao_备份" and copy.name.endswith("-升级前.db")
    assert copy.name.startswith(db.path.stem + "-")
    con = sqlite3.connect(copy)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    assert enterprise_names(copy) == ["湖南甲公司", "长沙乙公司"]
    second = auto_backup(db.path, KIND_MIGRATION)  # same second: a second name, never an overwrite
    assert second != copy and second.exists() and copy.exists()
    assert not list(copy.parent.glob("*.tmp"))


def test_older_revision_is_backed_up_then_upgraded(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database one revision behind the app: simulate a newer app whose head is '9999' and whose
    migration to it changes nothing (tests/core/test_old_databases.py upgrades real old files)."""
    db = open_database(db_path)
    add_enterprises(db, "湖南甲公司")
    db.close()
    calls: list[str] = []
    real_upgrade = command.upgrade
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999")
    monkeypatch.setattr(
        migrate.command, "upgrade", lambda cfg, rev: calls.append(rev) or real_upgrade(cfg, rev)
    )
    db = open_database(db_path)
    db.close()
    assert calls == ["head"]
    (copy,) = backups(db_path)
    assert enterprise_names(copy) == ["湖南甲公司"]


def test_downgraded_database_is_backed_up_and_rebuilt(db_path: Path) -> None:
    """A real older state: every migration undone (only alembic_version left) — upgrade backs it up first."""
    db = open_database(db_path)
    cfg = migrate.alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert migrate.current_revision(db.engine) is None
    db.close()
    db = open_database(db_path)
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        assert "enterprise" in inspect(db.engine).get_table_names()
    finally:
        db.close()
    (copy,) = backups(db_path)
    con = sqlite3.connect(copy)
    try:
        assert {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")} == {
            "alembic_version"
        }
    finally:
        con.close()


def test_unknown_revision_is_too_new(db_path: Path) -> None:
    open_database(db_path).close()
    set_revision(db_path, "9999_from_the_future")
    for migrate_flag in (True, False):
        with pytest.raises(DatabaseTooNew) as exc:
            open_database(db_path, migrate=migrate_flag)
        assert "更新版本" in exc.value.message and "9999_from_the_future" in exc.value.message
        assert "升级软件" in exc.value.message
    assert backups(db_path) == []


# ---------------------------------------------------------------- unusable files


def test_text_file_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_text("这不是数据库\n姓名,电话\n", encoding="utf-8")
    with pytest.raises(NotADatabase) as exc:
        open_database(path)
    assert "x.db" in exc.value.message and "不是" in exc.value.message
    assert path.read_text(encoding="utf-8").startswith("这不是数据库")  # left untouched


def test_xlsx_renamed_to_db_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "企业名单.db"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(NotADatabase):
        open_database(path)


def test_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(NotADatabase, match="文件夹"):
        open_database(tmp_path)


def test_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    path.touch()
    db = open_database(path)
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
    finally:
        db.close()


def _pretend_not_writable(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """Root ignores file permissions: make os.access answer as it would for a normal user."""
    real_access = os.access

    def access(path: os.PathLike[str] | str, mode: int, *args: object, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(path) == target:
            return False
        return real_access(path, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_module.os, "access", access)


def test_read_only_file(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(db_path).close()
    db_path.chmod(0o444)
    try:
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # root ignores the mode; Windows has no geteuid
            _pretend_not_writable(monkeypatch, db_path)
        with pytest.raises(DatabaseReadOnly) as exc:
            open_database(db_path)
        assert "只读" in exc.value.message
    finally:
        db_path.chmod(0o644)


def test_read_only_folder(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(db_path).close()
    _pretend_not_writable(monkeypatch, db_path.parent)
    with pytest.raises(DatabaseReadOnly, match="不可写"):
        open_database(db_path)


def test_folder_that_refuses_new_files(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows: os.access(folder, W_OK) is always true (C:\\Program Files without admin rights)."""
    open_database(db_path).close()

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Access is denied")

    monkeypatch.setattr(engine_module.tempfile, "TemporaryFile", refuse)
    with pytest.raises(DatabaseReadOnly, match="不可写"):
        open_database(db_path)


def _lock(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None, timeout=0)
    con.execute("BEGIN EXCLUSIVE")
    return con


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_locked_file_fails_fast(db_path: Path, journal: str) -> None:
    open_database(db_path).close()
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute(f"PRAGMA journal_mode={journal}")
    con.close()
    holder = _lock(db_path)
    try:
        start = time.perf_counter()
        with pytest.raises(DatabaseLocked) as exc:
            open_database(db_path)
        elapsed = time.perf_counter() - start
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "另一个程序" in exc.value.message
    assert elapsed < 3.5, f"waited {elapsed:.1f} s for a locked database"
    open_database(db_path).close()  # usable again once released


# ---------------------------------------------------------------- connections and sessions


def test_session_connection_pragmas(db: Database) -> None:
    with db.session() as s:
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA busy_timeout")).scalar() == engine_module.BUSY_TIMEOUT_MS


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Contact(enterprise_id="no-such-enterprise", name="张三"))
        s.flush()


def test_reader_never_commits(db: Database) -> None:
    with db.reader() as s:
        create_enterprise(s, EnterpriseData(name="不会保存的公司"))
    with db.reader() as s:
        assert s.scalars(select(Enterprise)).all() == []


def test_session_commits_once_at_the_end(db: Database) -> None:
    with db.session() as s:
        create_enterprise(s, EnterpriseData(name="湖南甲公司"))
        other = sqlite3.connect(db.path)
        try:  # another connection does not see it before the block ends
            assert other.execute("SELECT count(*) FROM enterprise").fetchone()[0] == 0
        finally:
            other.close()
    assert enterprise_names(db.path) == ["湖南甲公司"]


# ---------------------------------------------------------------- two writers (issue #22, finding 6)


def _try_write_lock(path: Path) -> str:
    """Take SQLite's write lock from another connection without waiting: "ok" or the error."""
    con = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        return "ok"
    except sqlite3.OperationalError as e:
        return str(e)
    finally:
        con.close()


def test_a_write_session_holds_the_write_lock_from_its_first_read(db: Database) -> None:
    """The checks that decide a write read the data the write goes into: no other writer can slip in between
    (BEGIN IMMEDIATE). Readers are not blocked (WAL)."""
    with db.session() as s:
        s.execute(select(Enterprise.id)).all()  # a check, nothing written yet
        assert "locked" in _try_write_lock(db.path)
        with db.reader() as r:
            assert r.execute(select(Enterprise.id)).all() == []
    assert _try_write_lock(db.path) == "ok"
    with db.reader() as r:
        r.execute(select(Enterprise.id)).all()
        assert _try_write_lock(db.path) == "ok"


def test_a_key_another_writer_saved_first_is_a_clear_message(db: Database) -> None:
    """What slips past the services' checks (another process, a server database) meets the unique index:
    a Chinese message saying so, and nothing of the write is kept."""
    from app.db.models import Student
    from app.db.unique_keys import DuplicateKey

    with db.session() as s:
        s.add(Student(student_no="2023001", name="张三", id_number="11010519491231002X"))
    with pytest.raises(DuplicateKey) as e, db.session() as s:
        s.add(Student(student_no="2023009", name="王五"))
        s.flush()
        s.add(Student(student_no="2023001".upper(), name="李四"))  # as another writer's import would
        s.flush()
    assert "学号" in e.value.message and "另一个导入或另一位用户" in e.value.message
    assert "没有保存任何数据" in e.value.message
    with pytest.raises(DuplicateKey) as e, db.session() as s:
        s.add(Student(student_no="2023002", name="李四", id_number="11010519491231002X"))
    assert "身份证号" in e.value.message and "11010519491231002X" not in str(e.value)
    with db.reader() as s:
        assert sorted(s.scalars(select(Student.name))) == ["张三"]


def test_unique_keys_allow_blanks_and_the_deleted(db: Database) -> None:
    import datetime as dt

    from app.db.models import Student, Teacher

    now = dt.datetime.now(dt.UTC)
    with db.session() as s:
        s.add_all(
            [Teacher(name="甲", staff_no="", kind="产业"), Teacher(name="乙", staff_no="", kind="产业")]
        )
        s.add_all(
            [
                Student(student_no="2023001", name="旧", deleted_at=now),
                Student(student_no="2023001", name="新"),
            ]
        )
    with db.reader() as s:
        assert len(s.scalars(select(Student)).all()) == 2


def test_a_second_handle_leaves_the_first_its_locks(db_path: Path) -> None:
    """Opening the same database again in this process (two users in a test, a window and its helper) checks
    the file through SQLite: closing a plain open() of it would drop this process's POSIX locks, and another
    program closing the database would then take the first handle's write-ahead log away (Linux, macOS)."""
    import subprocess
    import sys

    first = open_database(db_path)
    try:
        with first.reader() as s:  # the first handle's connection is open, holding its shared lock
            s.execute(text("SELECT count(*) FROM enterprise")).scalar()
            open_database(db_path).close()
            code = (
                "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                "c.execute(\"INSERT INTO setting (key, value) VALUES ('x', 'y')\"); c.commit(); c.close()"
            )
            subprocess.run([sys.executable, "-c", code, str(db_path)], check=True, timeout=60)
            assert db_path.with_name(db_path.name + "-shm").exists()  # the other program left it to us
        with first.reader() as s:
            assert s.execute(text("SELECT value FROM setting WHERE key = 'x'")).scalar() == "y"
    finally:
        first.close()
