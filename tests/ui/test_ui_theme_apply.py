"""theme.apply on Windows: tables in the UI font like the forms (not the serif font Windows gives item views), a
selection that stays visible when its list has no focus, and no "▾" in any text (Windows' Chinese fonts lack it)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QHeaderView, QListWidget, QTableView, QTreeWidget

from ui import theme

UI = Path(__file__).resolve().parents[2] / "ui"
SERIF = "DejaVu Serif"


@pytest.fixture
def restored(qapp):
    font, palette, sheet = QApplication.font(), QApplication.palette(), qapp.styleSheet()
    yield qapp
    qapp.setStyleSheet(sheet)
    QApplication.setFont(font)
    QApplication.setPalette(palette)


def _platform_item_view_fonts() -> None:
    """What Windows' platform theme does: item views and headers get a font of their own (the icon title font)."""
    for name in ("QAbstractItemView", "QListView", "QHeaderView"):
        QApplication.setFont(QFont(SERIF), name)


def _polished(widget):
    widget.ensurePolished()
    return widget


def test_tables_use_the_application_font(restored, monkeypatch):
    real = restored.setStyleSheet

    def set_style_sheet(sheet: str) -> None:  # a new style sheet reloads the platform's per-class fonts
        real(sheet)
        _platform_item_view_fonts()

    monkeypatch.setattr(restored, "setStyleSheet", set_style_sheet)
    _platform_item_view_fonts()
    theme.apply(restored, windows=True)
    family = QApplication.font().family()
    assert family == "Microsoft YaHei UI"
    for view in (QTableView(), QListWidget(), QTreeWidget(), QHeaderView(Qt.Orientation.Horizontal)):
        assert _polished(view).font().family() == family, type(view).__name__
        assert view.font().pointSize() == theme.BODY_PT


def test_the_inactive_selection_is_drawn_like_the_active_one(restored):
    palette = QApplication.palette()
    palette.setColor(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight, QColor(0, 120, 215))
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, QColor(240, 240, 240))
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.HighlightedText, QColor(0, 0, 0))
    QApplication.setPalette(palette)
    theme.apply(restored, windows=sys.platform == "win32")
    after = _polished(QListWidget()).palette()
    for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText):
        assert after.color(QPalette.ColorGroup.Inactive, role) == after.color(
            QPalette.ColorGroup.Active, role
        )
    assert after.color(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight) == QColor(0, 120, 215)


def _strings(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_no_text_uses_the_small_down_triangle():
    """U+25BE draws as a crossed box in Windows' Chinese fonts; a menu button has Qt's own arrow."""
    found = [
        f"{path.relative_to(UI.parent)}:{line}"
        for path in sorted(UI.rglob("*.py"))
        for line, text in _strings(path)
        if "\u25be" in text
    ]
    assert found == []


def test_sizes_in_units_a_reader_knows():
    from app.fsutil import human_size

    assert human_size(0) == "0 字节" and human_size(512) == "512 字节"
    assert human_size(1536) == "1.5 KB" and human_size(3 * 1024 * 1024) == "3.0 MB"
