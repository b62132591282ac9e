"""`chanjiao backup` and `chanjiao restore` (app/commands/backup.py), run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.backup import backups_dir_for, record_counts
from app.cli import run
from app.db.engine import open_database
from app.instance import InstanceLock
from app.services.enterprises import EnterpriseData, create_enterprise


def add(db_path: Path, *names: str) -> None:
    db = open_database(db_path)
    try:
        with db.session() as s:
            for name in names:
                create_enterprise(s, EnterpriseData(name=name))
    finally:
        db.close()


def test_backup_list_and_restore(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(db_path, "湖南甲公司")
    out = tmp_path / "U盘" / "备份.zip"
    assert run(["backup", "--db", str(db_path), "--out", str(out)]) == 0
    assert out.exists() and "已备份到" in capsys.readouterr().out
    assert run(["backup", "--db", str(db_path)]) == 0  # into the backups folder
    capsys.readouterr()
    assert run(["backup", "--list", "--json", "--db", str(db_path)]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["kind"] == "手动" and listed["counts"]["enterprise"] == 1
    assert run(["backup", "--list", "--db", str(db_path)]) == 0
    assert "企业 1" in capsys.readouterr().out

    add(db_path, "后来加的公司")
    assert run(["restore", str(out), "--db", str(db_path)]) == 1  # no --yes: explained, nothing done
    assert "--yes" in capsys.readouterr().err
    assert record_counts(db_path)["enterprise"] == 2
    assert run(["restore", str(out), "--yes", "--db", str(db_path)]) == 0
    assert "已恢复" in capsys.readouterr().out
    assert record_counts(db_path)["enterprise"] == 1
    assert list(backups_dir_for(db_path).glob("*-恢复前.db"))


def test_restore_refused_while_the_window_has_the_database(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(db_path, "湖南甲公司")
    out = tmp_path / "b.zip"
    assert run(["backup", "--out", str(out), "--db", str(db_path)]) == 0
    with InstanceLock(db_path):
        assert run(["restore", str(out), "--yes", "--db", str(db_path)]) == 2
    assert "另一个窗口" in capsys.readouterr().err


def test_restore_of_a_missing_file_exits_2(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(db_path, "湖南甲公司")
    assert run(["restore", str(db_path.parent / "none.zip"), "--yes", "--db", str(db_path)]) == 2
    assert "找不到" in capsys.readouterr().err


def test_commands_that_open_the_database_make_the_daily_backup(db_path: Path) -> None:
    add(db_path, "湖南甲公司")
    assert run(["init", "--db", str(db_path)]) == 0
    assert run(["init", "--db", str(db_path)]) == 0
    assert len(list(backups_dir_for(db_path).glob("*-每日.db"))) == 1
