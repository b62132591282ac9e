"""设置 → 学校与学院 / 专业群与专业 over a real database: the tables edit like a spreadsheet (one click edits, Ctrl+V
pastes from Excel, Enter moves down and does not save the dialog, 添加专业群 opens the new row), and the dialog
is a record form (errors under the grids, the unsaved-changes question)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from app.services import settings as svc

pytestmark = pytest.mark.qt


@pytest.fixture
def profile(db) -> None:
    with db.session() as s:
        groups = (
            svc.MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术"), codes=("460301", "")),
        )
        svc.save_profile(s, svc.CollegeProfile("湖南湘麓职业技术学院", "机电工程学院", groups))


@pytest.fixture
def dialog(ctx, qtbot, profile):
    from ui.dialogs.profile_dialog import MAJORS_TAB, ProfileDialog

    d = ProfileDialog()
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.tabs.setCurrentIndex(MAJORS_TAB)
    return d


def type_text(widget, text: str) -> None:
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def click(qtbot, grid, row: int, col: int) -> None:
    rect = grid.table.visualRect(grid.table.model().index(row, col))
    qtbot.mouseClick(grid.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def editor(grid):
    return grid.table.indexWidget(grid.table.currentIndex())


def saved(db) -> svc.CollegeProfile:
    with db.reader() as s:
        return svc.get_profile(s)


def test_one_click_edits_and_enter_does_not_save_the_dialog(dialog, qtbot, db):
    click(qtbot, dialog.groups, 0, 1)
    assert dialog.groups.table.state() == QAbstractItemView.State.EditingState
    ed = editor(dialog.groups)
    assert isinstance(ed, QLineEdit) and ed.text() == "机电一体化技术、工业机器人技术"
    ed.end(False)
    type_text(ed, "、智能控制技术")
    qtbot.keyClick(ed, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() == 0
    assert saved(db).groups[0].majors == ("机电一体化技术", "工业机器人技术")  # nothing written yet
    # the new major got its row in the codes grid, the typed code of the first one kept
    assert [dialog.codes.text(r, "major") for r in range(dialog.codes.row_count())] == [
        "机电一体化技术",
        "工业机器人技术",
        "智能控制技术",
    ]
    assert dialog.codes.text(0, "code") == "460301"
    click(qtbot, dialog.codes, 2, 1)
    type_text(editor(dialog.codes), "460303")
    qtbot.keyClick(editor(dialog.codes), Qt.Key.Key_Enter)
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    group = saved(db).groups[0]
    assert group.majors == ("机电一体化技术", "工业机器人技术", "智能控制技术")
    assert group.codes == ("460301", "", "460303")


def test_add_group_opens_the_new_row_and_excel_paste_fills_it(dialog, qtbot, db):
    qtbot.mouseClick(dialog.groups.add_button, Qt.MouseButton.LeftButton)
    assert dialog.groups.row_count() == 2
    ed = editor(dialog.groups)
    assert isinstance(ed, QLineEdit) and ed.hasFocus() and dialog.groups.table.currentRow() == 1
    QGuiApplication.clipboard().setText(
        "汽车专业群\t新能源汽车技术、汽车检测与维修技术\r\n物流专业群\t现代物流管理\r\n"
    )
    qtbot.keyClick(ed, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert [r["name"] for r in dialog.groups.rows()] == ["智能制造专业群", "汽车专业群", "物流专业群"]
    assert dialog.codes.row_count() == 5
    # a column of codes pasted into the codes grid from its first cell
    dialog.codes.table.setFocus()
    dialog.codes.table.setCurrentCell(0, 1)
    QGuiApplication.clipboard().setText("460301\n460305\n500211\n500212\n530802\n999999\n")
    qtbot.keyClick(dialog.codes.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.codes.row_count() == 5  # no rows of its own to add: the extra line is left out
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    p = saved(db)
    assert [g.name for g in p.groups] == ["智能制造专业群", "汽车专业群", "物流专业群"]
    assert p.groups[1].codes == ("500211", "500212") and p.groups[2].codes == ("530802",)


def test_errors_show_under_the_grids_and_clear_when_edited(dialog, qtbot, db):
    dialog.tabs.setCurrentIndex(0)
    dialog.groups.set_text(0, "name", "")
    dialog.codes.set_text(0, "code", "4603")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors["codes"].text() != "", timeout=5000)
    assert dialog.errors["groups"].text() == "专业群名称不能为空"
    assert "4603" in dialog.errors["codes"].text()
    assert dialog.tabs.currentIndex() == 1 and dialog.result() == 0
    dialog.groups.set_text(0, "name", "智能制造专业群")
    assert dialog.errors["groups"].text() == ""
    dialog.mark_clean()  # closed at the end without the question


def test_cancel_with_edits_asks_first(dialog, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel
    )
    dialog.groups.set_text(0, "name", "改过的名字")
    dialog.reject()
    assert asked and "学校与学院设置的修改尚未保存" in asked[0]
    assert dialog.isVisible()
    dialog.mark_clean()


def test_first_run_dialog_is_titled_and_fits_a_small_screen(ctx, qtbot, db, tmp_path):
    from ui.dialogs.profile_dialog import ProfileDialog

    d = ProfileDialog(first_run=True)
    qtbot.addWidget(d)
    assert d.windowTitle() == "欢迎使用产教融合工作台" and d.cancel_button.text() == "以后再说"
    assert d.groups.row_count() == 1  # one empty row to start typing in
    assert d.minimumSizeHint().height() <= 700 and d.height() <= 700
