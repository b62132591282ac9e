"""The head revision read from the migrations' own lines (app/db/migrate.py, so a start at head opens without
importing alembic) is alembic's answer, migration by migration; the damaged-file check started ahead
(app/db/engine.py IntegrityCheck) refuses what check_integrity refuses."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from app.db import migrate
from app.db.engine import IntegrityCheck, open_database
from app.errors import DatabaseCorrupt, DatabaseLocked
from tests.core.test_backup import corrupt, filled

ROOT = Path(__file__).resolve().parents[2]


def test_every_migration_read_from_its_file_is_alembics():
    script = ScriptDirectory.from_config(migrate.alembic_config())
    by_alembic = {s.revision: s.down_revision for s in script.walk_revisions()}
    assert migrate.revisions_from_files() == by_alembic
    assert migrate.head_revision() == script.get_current_head()


def _versions(folder: Path, lines: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in lines.items():
        (folder / f"{name}.py").write_text(f'"""x"""\n{text}\nbranch_labels = None\n', encoding="utf-8")
    return folder


def test_anything_but_one_straight_line_is_left_to_alembic(tmp_path: Path):
    line = {"a": "revision = 'a'\ndown_revision = None", "b": 'revision: str = "b"\ndown_revision = "a"'}
    assert migrate.revisions_from_files(_versions(tmp_path / "ok", line)) == {"a": None, "b": "a"}
    branch = line | {"c": "revision = 'c'\ndown_revision = 'a'"}
    merge = line | {"c": "revision = 'c'\ndown_revision = ('a', 'b')"}
    computed = line | {"c": "revision = 'c'\ndown_revision = PREVIOUS"}
    missing = line | {"c": "revision = 'c'\ndown_revision = 'z'"}
    for i, odd in enumerate((branch, merge, computed, missing)):
        assert migrate.revisions_from_files(_versions(tmp_path / str(i), odd)) is None


def test_a_database_at_head_opens_without_alembic(db_path: Path):
    open_database(db_path).close()  # created and upgraded: alembic ran here
    code = (
        "import sys; from pathlib import Path; from app.db.engine import open_database; "
        f"open_database(Path({str(db_path)!r})).close(); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_check_started_ahead_refuses_a_damaged_file(db_path: Path):
    corrupt(filled(db_path))
    check = IntegrityCheck.start(db_path)
    assert check is not None
    with pytest.raises(DatabaseCorrupt) as exc:
        open_database(db_path, integrity=check)
    assert "已损坏" in exc.value.message and "备份" in exc.value.message
    assert check.answer(db_path) not in (None, "ok")  # refused on the early answer, not the check afterwards


def test_check_started_ahead_passes_a_good_file_and_is_used_for_that_file_only(db_path: Path, tmp_path: Path):
    filled(db_path)
    check = IntegrityCheck.start(db_path)
    assert check is not None and check.answer(db_path) == "ok"
    open_database(db_path, integrity=check).close()
    assert check.answer(tmp_path / "other.db") is None  # another file is checked afresh
    assert IntegrityCheck.start(tmp_path / "new.db") is None and not (tmp_path / "new.db").exists()


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_locked_file_is_said_to_be_locked_not_damaged(db_path: Path, journal: str):
    """The check ahead cannot read a file another program holds (rollback journal): no answer, so the open
    goes on as before and says the file is in use."""
    open_database(db_path).close()
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute(f"PRAGMA journal_mode={journal}")
    con.close()
    holder = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        check = IntegrityCheck.start(db_path)
        assert check is not None
        assert check.answer(db_path) == (None if journal == "delete" else "ok")
        with pytest.raises(DatabaseLocked, match="另一个程序"):
            open_database(db_path, integrity=check)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_cancelled_check_leaves_the_open_to_check(db_path: Path):
    filled(db_path)
    check = IntegrityCheck.start(db_path)
    assert check is not None
    check.cancel()
    check.cancel()  # twice, or after the answer: harmless
    assert check.answer(db_path) in (None, "ok")  # interrupted (no answer) or already done
    open_database(db_path, integrity=check).close()
