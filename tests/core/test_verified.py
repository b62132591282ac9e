"""The window's start takes the last integrity check's answer for a file this app closed cleanly and nothing has
touched since (app/db/verified.py); anything else is checked again, and a damaged file is refused as before."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import verified
from app.db.engine import IntegrityCheck, RememberedCheck, open_database
from app.errors import DatabaseCorrupt
from tests.core.test_backup import corrupt, filled


def _later(path: Path, seconds: int = 5) -> None:
    """The file's modification time moved on, as any write after the close moves it (a write within the same
    tick of a coarse file-system clock would not: here the time says “written later” outright)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


def test_a_file_closed_cleanly_after_a_check_is_not_read_again(db_path: Path):
    filled(db_path)  # created, checked (quick_check at the open), closed
    first = verified.recall(db_path)
    assert first is not None
    check = IntegrityCheck.start(db_path, remembered=True)
    assert isinstance(check, RememberedCheck) and check.answer(db_path) == "ok"
    assert check.answer(db_path.with_name("other.db")) is None  # another file is checked afresh
    db = open_database(db_path, integrity=check)
    with db.session() as s:
        s.execute(text("UPDATE enterprise SET note = '走访' WHERE name = '公司1'"))
    db.close()
    # the file changed under this app and was closed cleanly: still the check of `first`, not a new one
    assert verified.recall(db_path) == first == db.checked_at
    assert isinstance(IntegrityCheck.start(db_path, remembered=True), RememberedCheck)
    # without `remembered` (every open but the window's start) the file is read and checked
    ahead = IntegrityCheck.start(db_path)
    assert isinstance(ahead, IntegrityCheck) and ahead.answer(db_path) == "ok"


def test_a_file_damaged_after_the_close_is_checked_and_refused(db_path: Path):
    filled(db_path)
    corrupt(db_path)
    _later(db_path)
    check = IntegrityCheck.start(db_path, remembered=True)
    assert isinstance(check, IntegrityCheck)
    with pytest.raises(DatabaseCorrupt):
        open_database(db_path, integrity=check)


def test_a_file_cut_short_is_checked_and_refused(db_path: Path):
    """A copy broken off (a USB stick pulled): the size differs, whatever the times say."""
    filled(db_path)
    st = db_path.stat()
    data = db_path.read_bytes()
    page = int.from_bytes(data[16:18], "big") or 65536
    db_path.write_bytes(data[: len(data) - 2 * page])
    os.utime(db_path, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with its old modification time
    check = IntegrityCheck.start(db_path, remembered=True)
    assert isinstance(check, IntegrityCheck)
    with pytest.raises(DatabaseCorrupt):
        open_database(db_path, integrity=check)


def test_a_file_written_by_another_program_is_checked(db_path: Path):
    filled(db_path)
    con = sqlite3.connect(db_path)
    con.execute("UPDATE enterprise SET note = 'x'")
    con.commit()
    con.close()
    _later(db_path)
    assert verified.recall(db_path) is None
    assert isinstance(IntegrityCheck.start(db_path, remembered=True), IntegrityCheck)


def test_a_file_replaced_by_a_copy_is_checked(db_path: Path, tmp_path: Path):
    filled(db_path)
    copy = tmp_path / "copy.db"
    copy.write_bytes(db_path.read_bytes())
    st = db_path.stat()
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size and times: another file all the same
    db_path.unlink()
    copy.rename(db_path)
    assert verified.recall(db_path) is None


def test_a_journal_beside_the_file_means_a_check(db_path: Path):
    """Not closed cleanly (a crash), or open in another program: a -wal or -journal file beside it."""
    filled(db_path)
    for suffix in ("-wal", "-journal"):
        side = db_path.with_name(db_path.name + suffix)
        side.write_bytes(b"")
        assert verified.recall(db_path) is None
        check = IntegrityCheck.start(db_path, remembered=True)
        assert isinstance(check, IntegrityCheck) and check.answer(db_path) == "ok"
        side.unlink(missing_ok=True)  # SQLite removes an empty journal when the check's connection closes


def test_a_check_older_than_a_week_is_done_again(db_path: Path):
    filled(db_path)
    checked = verified.recall(db_path)
    assert checked is not None
    assert verified.recall(db_path, now=checked + verified.CHECK_EVERY - dt.timedelta(minutes=1)) == checked
    assert verified.recall(db_path, now=checked + verified.CHECK_EVERY) is None
    assert verified.recall(db_path, now=checked - dt.timedelta(minutes=1)) is None  # the clock went back


def _damage_table(path: Path, table: str) -> None:
    """Garbage over one table's root page, the rest of the file as it was."""
    con = sqlite3.connect(path)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * size : root * size] = b"\xde\xad\xbe\xef" * (size // 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["in use", "at the open", "by the migrations"])
def test_damage_met_is_not_noted(db_path: Path, where: str):
    """Pages damaged while the file was closed, with no size or time moved (a failing disk): met in use or
    by the open itself, and the next start reads and checks the whole file."""
    filled(db_path)
    checked = verified.recall(db_path)
    assert checked is not None
    if where == "in use":
        _damage_table(db_path, "enterprise")
    elif where == "by the migrations":  # a page read before any of the app's own queries
        _damage_table(db_path, "alembic_version")
    else:
        corrupt(db_path)
    verified.remember(db_path, checked)  # the note still says: as closed
    remembered = IntegrityCheck.start(db_path, remembered=True)
    assert isinstance(remembered, RememberedCheck)
    if where == "in use":
        db = open_database(db_path, integrity=remembered)
        with pytest.raises(Exception, match="malformed"), db.reader() as s:
            s.execute(text("SELECT count(*), max(note) FROM enterprise")).all()
        db.close()
    else:  # refused as the check refuses a damaged file (the window then offers the restore)
        with pytest.raises(DatabaseCorrupt, match="已损坏"):
            open_database(db_path, integrity=remembered)
    assert verified.recall(db_path) is None
    check = IntegrityCheck.start(db_path, remembered=True)
    assert isinstance(check, IntegrityCheck)
    with pytest.raises(DatabaseCorrupt):
        open_database(db_path, integrity=check)


def test_an_unreadable_or_unwritable_note_means_a_check(db_path: Path, tmp_path: Path):
    note = tmp_path / "home" / verified.FILE
    filled(db_path)
    assert note.is_file()
    for garbage in (
        "not json",
        "[]",
        json.dumps({str(db_path.resolve()): {"stamp": ["a"], "checked_at": 1}}),
    ):
        note.write_text(garbage, encoding="utf-8")
        assert verified.recall(db_path) is None
    note.unlink()
    note.mkdir()  # cannot be written: the close still closes, the next start checks
    filled(db_path)
    assert verified.recall(db_path) is None


def test_damage_a_backup_finds_is_not_noted_at_the_close(db_path: Path, tmp_path: Path):
    from app import backup

    filled(db_path)
    checked = verified.recall(db_path)
    assert checked is not None
    _damage_table(db_path, "enterprise")
    verified.remember(db_path, checked)  # the damage moved nothing the note compares
    db = open_database(db_path, integrity=IntegrityCheck.start(db_path, remembered=True))
    with pytest.raises(DatabaseCorrupt, match="无法备份"):
        backup.copy_database(db_path, tmp_path / "copy.db")
    db.close()  # a clean close all the same
    assert verified.recall(db_path) is None
    assert isinstance(IntegrityCheck.start(db_path, remembered=True), IntegrityCheck)


@pytest.mark.parametrize(
    "note",
    [
        '{"%s": {"stamp": [Infinity, 1, 2, 3, 4], "checked_at": "2026-01-01T00:00:00+00:00"}}',
        "[" * 100_000 + "]" * 100_000,
        '{"%s": {"stamp": [1, 2], "checked_at": "2026-01-01T00:00:00+00:00"}}',
    ],
)
def test_a_damaged_note_means_a_check_never_a_failed_start(db_path: Path, tmp_path: Path, note: str):
    filled(db_path)
    key = json.dumps(str(db_path.resolve()))[1:-1]
    (tmp_path / "home" / verified.FILE).write_text(note.replace("%s", key), encoding="utf-8")
    assert verified.recall(db_path) is None
    check = IntegrityCheck.start(db_path, remembered=True)
    assert isinstance(check, IntegrityCheck) and check.answer(db_path) == "ok"
    open_database(db_path, integrity=check).close()
    assert verified.recall(db_path) is not None  # noted afresh
