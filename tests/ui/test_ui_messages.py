"""Small message boxes: wide enough for their whole title, paths wrapped at their separators and never inside a
name (ui/messages.py), as shown by offer_open and show_error; the path copied is the path as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetrics, QGuiApplication, QTextLayout, QTextOption
from PySide6.QtWidgets import QMessageBox

from app.errors import AppError
from ui import files, messages
from ui.errors import show_error

pytestmark = pytest.mark.qt

PATH = r"C:\Users\张晓明\Documents\2026年产教融合上报材料\机电工程学院 产教融合工作台备份\机电（2026）上报材料包.zip"


def lines(text: str, font, width: float) -> list[str]:
    """`text` broken into lines as a word-wrapped label of `width` px breaks it."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    out = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        out.append(text[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    return out


def test_a_path_wraps_after_a_separator_never_inside_a_name(qapp):
    font = qapp.font()
    for width in (240, 320, 400):
        raw = lines(PATH, font, width)
        assert any(not line.rstrip().endswith("\\") for line in raw[:-1])  # as written: breaks inside names
        shown = lines(messages.display_path(PATH), font, width)
        assert len(shown) > 1
        assert all(messages.plain(line).endswith("\\") for line in shown[:-1]), (width, shown)
        assert messages.plain("".join(shown)) == PATH


def test_a_box_is_as_wide_as_its_title_needs(qtbot):
    title = "没有找到完好的自动备份，请选择备份文件"
    box = QMessageBox(QMessageBox.Icon.Information, title, "好。")
    qtbot.addWidget(box)
    bare = QMessageBox(QMessageBox.Icon.Information, title, "好。")
    qtbot.addWidget(bare)
    messages.fit(box)
    for b in (box, bare):
        b.show()
        qtbot.waitExposed(b)
    need = QFontMetrics(box.font()).horizontalAdvance(title) + messages.TITLE_BAR
    if bare.width() >= need:  # Qt's own width is enough with this platform's font (Windows): nothing to show
        assert box.width() >= bare.width()
        return
    assert box.width() >= need  # Qt's own width would cut the title; the fitted box shows it whole


def test_offer_open_shows_the_path_wrapped_and_copies_it_as_written(qtbot, monkeypatch):
    seen = []

    def exec_(box):
        seen.append(box)
        box.show()
        next(b for b in box.buttons() if b.text() == "复制路径").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(files, "show_in_folder", lambda _p: pytest.fail("copy only"))
    path = Path(PATH)
    files.offer_open(None, path, f"已导出 12 家企业到\n{path}")
    (box,) = seen
    assert messages.display_path(path) in box.text()
    assert messages.plain(box.text()) == f"已导出 12 家企业到\n{path}"
    assert QGuiApplication.clipboard().text() == str(path)
    assert box.width() >= messages.title_width(box)
    box.close()


def test_show_error_is_wide_enough_for_its_title(qtbot, monkeypatch):
    seen = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: seen.append(box) or box.show() or 0)
    show_error(None, AppError("备份文件已损坏。"), "无法从所选备份文件恢复数据库")
    (box,) = seen
    assert box.width() >= QFontMetrics(box.font()).horizontalAdvance(box.windowTitle()) + messages.TITLE_BAR
    box.close()
