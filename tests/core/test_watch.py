"""Seeing other people's changes (issue 19, app/db/watch.py), on a file and on a server: a commit by another
handle on the same database (another user), or by the CLI in a process of its own, is reported; the
database's own commits are not; stop() ends the thread; on a server, a listener whose connection the server
ended listens again and says that something may have changed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.db.engine import Database, open_database
from app.db.watch import PAYLOAD_MAX, UNKNOWN, Watcher, payload, read_payload, written_table
from app.services.enterprises import EnterpriseData, create_enterprise
from tests.cli_run import run_cli

pytestmark = pytest.mark.both_backends

DEADLINE_S = 10.0  # generous: a deadline, never a measure of speed (two cores shared by several runs)


class Heard:
    """The notices a watcher gave, from whatever thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[frozenset[str]] = []

    def __call__(self, tables: frozenset[str]) -> None:
        with self._lock:
            self._calls.append(tables)

    @property
    def calls(self) -> list[frozenset[str]]:
        with self._lock:
            return list(self._calls)

    def wait_for(self, ok: Callable[[list[frozenset[str]]], bool], what: str) -> list[frozenset[str]]:
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            if ok(calls := self.calls):
                return calls
            time.sleep(0.02)
        raise AssertionError(f"no notice within {DEADLINE_S} s: {what} (heard {self.calls})")


def add(db: Database, name: str) -> None:
    with db.session() as s:
        create_enterprise(s, EnterpriseData(name=name))


def another_user(db: Database) -> Database:
    """A second handle on the same database: its commits are someone else's."""
    return open_database(db.location, migrate=False)


def expected(db: Database) -> frozenset[str]:
    """What a notice of a new enterprise names: its tables on a server; nothing (not known) on a file."""
    return UNKNOWN if not db.is_server else frozenset({"enterprise", "audit_log"})


@pytest.fixture
def watched(db: Database):
    heard = Heard()
    watcher = Watcher(db, heard)
    watcher.start()
    yield watcher, heard
    watcher.stop()


def test_another_users_commit_is_reported(db: Database, watched) -> None:
    _watcher, heard = watched
    other = another_user(db)
    try:
        add(other, "甲科技有限公司")
    finally:
        other.close()
    calls = heard.wait_for(bool, "another user's commit")
    if db.is_server:
        assert {"enterprise", "audit_log"} <= calls[0]
    else:
        assert calls[0] == UNKNOWN


def test_own_commits_are_not_reported_and_hide_no_one_elses(db: Database, watched) -> None:
    watcher, heard = watched
    for i in range(3):
        add(db, f"自己的企业{i}")
        assert not watcher.check()  # on a file: what the thread does every half second
    other = another_user(db)
    try:
        add(other, "别人的企业")
        # exactly one notice: the other's commit (the own ones were taken in before it)
        heard.wait_for(bool, "the other's commit after own ones")
        assert len(heard.calls) == 1
        assert expected(db) <= heard.calls[0]

        # own commits going on all the time on another thread never hide another user's commit
        stop = threading.Event()
        errors: list[BaseException] = []

        def keep_writing() -> None:
            n = 0
            try:
                while not stop.is_set():
                    add(db, f"不停写入{n}")
                    n += 1
            except BaseException as e:  # reported below
                errors.append(e)

        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            for i in range(5):
                before = len(heard.calls)
                add(other, f"别人的企业{i}")
                heard.wait_for(lambda calls, n=before: len(calls) > n, f"the other's commit {i}")
        finally:
            stop.set()
            writer.join()
        assert not errors
    finally:
        other.close()


def _enterprises_xlsx(path: Path, name: str) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "合作状态", "联系人", "联系电话"])
    ws.append([name, "", "合作中", "", ""])
    wb.save(path)
    return path


def test_a_cli_import_in_another_process_is_reported(
    db: Database, db_arg: str, watched, tmp_path: Path
) -> None:
    _watcher, heard = watched
    xlsx = _enterprises_xlsx(tmp_path / "企业.xlsx", "命令行导入的企业")
    r = run_cli("--db", db_arg, "import", "enterprises", str(xlsx), subprocess=True)
    assert r.returncode == 0, r.stderr
    calls = heard.wait_for(bool, "the CLI's import")
    if db.is_server:
        assert "enterprise" in frozenset().union(*calls)


def _listeners(db: Database) -> list[int]:
    with db.reader() as s:
        return list(
            s.connection()
            .exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN %%'"
                " AND pid <> pg_backend_pid()"
            )
            .scalars()
        )


def _wait(ok: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not ok():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_stop_ends_the_thread_and_closes_the_connection(db: Database) -> None:
    watcher = Watcher(db, Heard())
    watcher.start()
    thread = watcher._thread
    assert watcher.running and thread is not None and thread.is_alive()
    if db.is_server:
        _wait(lambda: len(_listeners(db)) == 1, "the listener connected")
    watcher.stop()
    assert not watcher.running and not thread.is_alive()
    watcher.stop()  # again: nothing happens
    if db.is_server:
        _wait(lambda: not _listeners(db), "the listener's connection closed")


def test_closing_the_database_stops_its_watcher(db: Database) -> None:
    """A file must not stay open once the database is closed (a restore replaces it)."""
    watcher = Watcher(db, Heard())
    watcher.start()
    thread = watcher._thread
    db.close()
    assert not watcher.running and thread is not None and not thread.is_alive()
    assert watcher._conn is None


def test_a_listener_whose_connection_the_server_ended_listens_again(db: Database, watched) -> None:
    if not db.is_server:
        pytest.skip("a server's listener only")
    _watcher, heard = watched
    _wait(lambda: len(_listeners(db)) == 1, "the listener connected")
    (pid,) = _listeners(db)
    with db.session() as s:
        assert s.connection().exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar()
    # listening again, it says something may have changed meanwhile …
    heard.wait_for(lambda calls: UNKNOWN in calls, "a change of unknown tables after reconnecting")
    _wait(lambda: len(_listeners(db)) == 1 and _listeners(db) != [pid], "listening on a new connection")
    # … and hears the next commit of another user
    before = len(heard.calls)
    other = another_user(db)
    try:
        add(other, "重连后的企业")
    finally:
        other.close()
    calls = heard.wait_for(lambda calls: len(calls) > before, "a commit after reconnecting")
    assert "enterprise" in calls[-1]


# ------------------------------------------------------------------ the notice itself


def test_payload_names_the_tables_within_notifys_limit() -> None:
    assert read_payload(payload("c1", {"enterprise", "audit_log"})) == (
        "c1",
        frozenset({"audit_log", "enterprise"}),
    )
    assert read_payload(payload("c1", {"enterprise", ""})) == ("c1", UNKNOWN)  # a table not known: none named
    many = {f"t{i:04d}_{'x' * 40}" for i in range(400)}
    assert len(payload("c1", many).encode()) <= PAYLOAD_MAX
    assert read_payload(payload("c1", many)) == ("c1", UNKNOWN)


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ("SELECT 1", None),
        ("SELECT pg_advisory_xact_lock(1)", None),
        ("SET LOCAL lock_timeout = 15000", None),
        ('INSERT INTO "enterprise" (id) VALUES (1)', "enterprise"),
        ("  update setting set value = 1", "setting"),
        ("DELETE FROM public.contact WHERE id = 1", "contact"),
        ("CREATE TABLE x (id int)", ""),
    ],
)
def test_written_table_of_plain_sql(sql: str, table: str | None) -> None:
    assert written_table(sql, None) == table
