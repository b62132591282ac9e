"""The UI font: on Windows 微软雅黑 UI, with sans-serif stand-ins, never Qt's serif fallback (SimSun).
The Windows half runs under Windows Python in Wine (tests/windows/run_wine.sh), where 微软雅黑 is missing and
the prefix's Noto Sans CJK stands in."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication, QLabel

from ui.app import make_application
from ui.theme import UI_FONTS, ui_font


def test_windows_font_asks_for_yahei_first_then_sans_serif():
    font = ui_font()
    assert font.families()[0] == "Microsoft YaHei UI"
    assert font.styleHint() == QFont.StyleHint.SansSerif
    assert font.pointSize() == 9
    assert not any("Song" in f or "Sun" in f or "宋" in f for f in font.families())


@pytest.mark.skipif(sys.platform != "win32", reason="the font Windows draws with")
def test_windows_draws_chinese_with_a_sans_serif_font(qapp):
    before = QApplication.font()
    try:
        make_application()
        label = QLabel("合作企业档案")
        drawn = QFontInfo(label.font()).family()
        installed = set(QFontDatabase.families())
        wanted = [f for f in UI_FONTS if f in installed]
        assert wanted, f"none of {UI_FONTS} is installed: {sorted(installed)[:20]}"
        assert drawn == wanted[0]
        assert QFontDatabase.writingSystems(drawn).count(QFontDatabase.WritingSystem.SimplifiedChinese)
    finally:
        QApplication.setFont(before)
