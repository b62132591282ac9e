"""RecordPicker in a form: its result and chosen lists fill the room the form leaves (a new user saw 5 rows of
enterprises above empty space), and keep a usable least height where the form has none to spare."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit

from app.services.choices import Choice

pytestmark = pytest.mark.qt


def picker_form(qtbot, height: int):
    from ui.pickers import RecordPicker

    names = [Choice(f"e{i}", f"湖南第{i}号智能装备有限公司") for i in range(40)]
    dlg = QDialog()
    form = QFormLayout(dlg)
    form.addRow("协议名称", QLineEdit())
    picker = RecordPicker(
        lambda text: [c for c in names if text in c.label], chosen_title="已选", placeholder="搜索"
    )
    form.addRow("合作企业", picker)
    form.addRow("备注", QLineEdit())
    qtbot.addWidget(dlg)
    dlg.resize(700, height)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg, picker


def test_the_lists_fill_the_room_the_form_leaves(qtbot):
    from ui.pickers import LIST_HEIGHT

    dlg, picker = picker_form(qtbot, 560)
    row = picker.results.sizeHintForRow(0)
    assert picker.results.height() > 2 * LIST_HEIGHT  # far more than the 5 rows of before
    assert picker.results.height() >= 12 * row
    assert picker.chosen.height() == picker.results.height()
    assert dlg.height() - picker.geometry().bottom() < 80  # no empty space under the form's last row


def test_a_low_form_keeps_the_least_height(qtbot):
    from ui.pickers import LIST_HEIGHT

    _dlg, picker = picker_form(qtbot, 120)
    assert picker.results.height() >= LIST_HEIGHT
