"""The window says which 学号, 工号 … an old database holds twice (they keep a unique index out), once, at
start; a database without duplicates says nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.db.engine import open_database
from tests.core.test_old_databases import SAME_ID, _at_0007_with_duplicates
from ui.app import warn_if_duplicate_keys


def _shown(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, title, text, *a, **k: shown.append(title + text)
    )
    return shown


def test_duplicates_of_an_old_database_are_shown_at_start(qtbot, monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "旧版本" / "chanjiao.db"
    _at_0007_with_duplicates(path)
    shown = _shown(monkeypatch)
    db = open_database(path)
    try:
        warn_if_duplicate_keys(db)
    finally:
        db.close()
    assert len(shown) == 1
    assert "学号“A001”相同" in shown[0] and "工号“T001”相同" in shown[0]
    assert SAME_ID not in shown[0]


def test_a_database_without_duplicates_says_nothing(qtbot, monkeypatch, tmp_path: Path) -> None:
    shown = _shown(monkeypatch)
    db = open_database(tmp_path / "chanjiao.db")
    try:
        warn_if_duplicate_keys(db)
    finally:
        db.close()
    assert shown == []
