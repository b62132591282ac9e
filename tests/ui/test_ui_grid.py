"""EditGrid: one click edits, Enter moves down and never saves the dialog, Ctrl+V pastes an Excel block, Delete
clears, money/int cells are checked, a choice column edits with a drop-down."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPushButton,
    QTableWidgetSelectionRange,
    QVBoxLayout,
)

from ui.forms.grid import EditGrid, GridColumn, parse_block

COLUMNS = [
    GridColumn("name", "名称", width=120, max_length=10),
    GridColumn("amount", "金额", kind="money"),
    GridColumn("count", "人数", kind="int"),
    GridColumn("kind", "类别", kind="choice", choices=("甲", "乙")),
]


@pytest.fixture
def dialog(qtbot):
    """A dialog with a default button, as a record form has: the grid must never press it."""
    dlg = QDialog()
    lay = QVBoxLayout(dlg)
    grid = EditGrid(COLUMNS, add_text="添加一行")
    lay.addWidget(grid)
    ok = QPushButton("保存")
    ok.setDefault(True)
    ok.clicked.connect(dlg.accept)
    lay.addWidget(ok)
    qtbot.addWidget(dlg)
    dlg.resize(600, 300)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.grid = grid
    return dlg


def editor(grid: EditGrid):
    return grid.table.indexWidget(grid.table.currentIndex())


def type_text(widget, text: str) -> None:
    """Typed characters, Chinese included (QTest's keyClicks takes ASCII only)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def click(qtbot, grid: EditGrid, row: int, col: int) -> None:
    rect = grid.table.visualRect(grid.table.model().index(row, col))
    qtbot.mouseClick(grid.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_rows_round_trip_with_ids_and_trailing_blank_rows_dropped(dialog):
    grid = dialog.grid
    grid.set_rows([{"id": "a1", "name": "一", "amount": "1.5", "count": 3}, {"name": "二"}])
    grid.add_row()
    grid.add_row({"name": ""})
    rows = grid.rows()
    assert rows == [
        {"id": "a1", "name": "一", "amount": "1.5", "count": "3", "kind": ""},
        {"id": "", "name": "二", "amount": "", "count": "", "kind": ""},
    ]


def test_one_click_starts_editing_and_typing_goes_into_the_cell(dialog, qtbot):
    grid = dialog.grid
    grid.set_rows([{"name": "旧"}, {"name": "乙"}])
    click(qtbot, grid, 1, 0)
    assert grid.table.state() == QAbstractItemView.State.EditingState
    ed = editor(grid)
    assert isinstance(ed, QLineEdit)
    ed.selectAll()
    type_text(ed, "新名")
    qtbot.keyClick(ed, Qt.Key.Key_Tab)
    assert grid.text(1, "name") == "新名"


def test_enter_commits_moves_down_and_never_presses_the_default_button(dialog, qtbot):
    grid = dialog.grid
    grid.set_rows([{"name": "一"}, {"name": "二"}])
    changes = []
    grid.changed.connect(lambda: changes.append(1))
    click(qtbot, grid, 0, 0)
    ed = editor(grid)
    ed.selectAll()
    type_text(ed, "改")
    qtbot.keyClick(ed, Qt.Key.Key_Return)
    assert grid.text(0, "name") == "改"
    assert grid.table.currentRow() == 1
    assert dialog.isVisible() and dialog.result() == 0
    assert changes
    # Enter on a cell that is not being edited: moves down (stays on the last row), still no save
    grid.table.setFocus()
    qtbot.keyClick(grid.table, Qt.Key.Key_Enter)
    assert dialog.isVisible()
    assert grid.table.currentRow() == 1


def test_typing_on_a_selected_cell_replaces_its_text(dialog, qtbot):
    grid = dialog.grid
    grid.set_rows([{"name": "一"}])
    grid.table.setFocus()
    grid.table.setCurrentCell(0, 0)
    type_text(grid.table, "x")
    qtbot.keyClick(editor(grid), Qt.Key.Key_Return)
    assert grid.text(0, "name") == "x"


def test_ctrl_v_pastes_an_excel_block_at_the_current_cell_adding_rows(dialog, qtbot):
    grid = dialog.grid
    grid.set_rows([{"id": "r1", "name": "一"}])
    QGuiApplication.clipboard().setText("甲方\t1,200.50\t3\r\n乙方\t80\t4\r\n丙方\t\t5\r\n")
    grid.table.setFocus()
    grid.table.setCurrentCell(0, 0)
    qtbot.keyClick(grid.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    rows = grid.rows()
    assert [(r["id"], r["name"], r["amount"], r["count"]) for r in rows] == [
        ("r1", "甲方", "1,200.50", "3"),
        ("", "乙方", "80", "4"),
        ("", "丙方", "", "5"),
    ]
    assert grid.errors() == []


def test_ctrl_v_in_an_open_editor_pastes_the_block_too(dialog, qtbot):
    grid = dialog.grid
    grid.set_rows([{"name": ""}])
    click(qtbot, grid, 0, 1)
    QGuiApplication.clipboard().setText("5\t6\n7\t8")
    qtbot.keyClick(editor(grid), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert [(r["amount"], r["count"]) for r in grid.rows()] == [("5", "6"), ("7", "8")]
    # one Excel cell (with its trailing line break) goes into the editor as text
    click(qtbot, grid, 1, 0)
    QGuiApplication.clipboard().setText("单元格\r\n")
    ed = editor(grid)
    ed.clear()
    qtbot.keyClick(ed, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert ed.text() == "单元格"
    assert grid.row_count() == 2


def test_delete_clears_the_selected_cells(dialog, qtbot):
    grid = dialog.grid
    grid.set_rows([{"name": "一", "amount": "1"}, {"name": "二", "amount": "2"}])
    grid.table.setFocus()
    grid.table.setCurrentCell(0, 1)
    grid.table.setRangeSelected(QTableWidgetSelectionRange(0, 1, 1, 1), True)
    qtbot.keyClick(grid.table, Qt.Key.Key_Delete)
    assert [(r["name"], r["amount"]) for r in grid.rows()] == [("一", ""), ("二", "")]


def test_bad_money_and_int_cells_are_red_with_the_reason(dialog, qtbot):
    grid = dialog.grid
    grid.set_rows([{"name": "一"}])
    click(qtbot, grid, 0, 1)
    type_text(editor(grid), "12,34")
    qtbot.keyClick(editor(grid), Qt.Key.Key_Tab)
    type_text(editor(grid), "三")
    qtbot.keyClick(editor(grid), Qt.Key.Key_Return)
    errors = {key: text for _r, key, text in grid.errors()}
    assert set(errors) == {"amount", "count"}
    assert "千分位" in errors["amount"] and "整数" in errors["count"]
    assert grid.table.item(0, 1).toolTip() == errors["amount"]
    assert grid.rows()[0]["amount"] == "12,34"  # the text stays; the form parses
    grid.set_text(0, "amount", "12.34")
    assert [k for _r, k, _t in grid.errors()] == ["count"]


def test_max_length_limits_the_editor(dialog, qtbot):
    grid = dialog.grid
    grid.set_rows([{"name": ""}])
    click(qtbot, grid, 0, 0)
    type_text(editor(grid), "一二三四五六七八九十十一")
    qtbot.keyClick(editor(grid), Qt.Key.Key_Return)
    assert grid.text(0, "name") == "一二三四五六七八九十"


def test_a_choice_column_edits_with_a_drop_down(dialog, qtbot):
    grid = dialog.grid
    grid.set_rows([{"name": "一", "kind": "甲"}])
    click(qtbot, grid, 0, 3)
    combo = editor(grid)
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["", "甲", "乙"]
    combo.hidePopup()
    combo.setCurrentIndex(2)
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    assert grid.text(0, "kind") == "乙"
    assert dialog.isVisible()
    grid.set_text(0, "kind", "丙")
    assert [k for _r, k, _t in grid.errors()] == ["kind"]


def test_add_row_opens_its_first_cell_and_remove_selected_removes(dialog, qtbot):
    grid = dialog.grid
    grid.set_rows([{"name": "一"}, {"name": "二"}])
    qtbot.mouseClick(grid.add_button, Qt.MouseButton.LeftButton)
    assert grid.row_count() == 3
    assert grid.table.currentRow() == 2 and grid.table.currentColumn() == 0
    ed = editor(grid)
    assert isinstance(ed, QLineEdit) and ed.hasFocus()
    type_text(ed, "三")
    assert grid.rows()[-1]["name"] == "三"  # rows() commits the open editor (Ctrl+S while typing)
    grid.table.setCurrentCell(0, 0)
    grid.remove_selected()
    assert [r["name"] for r in grid.rows()] == ["二", "三"]


def test_empty_text_shows_without_rows(dialog, qtbot):
    grid = EditGrid(COLUMNS, empty_text="还没有记录")
    qtbot.addWidget(grid)
    grid.show()
    assert grid.empty.isVisible()
    grid.add_row()
    assert not grid.empty.isVisible()


def test_parse_block_reads_quoted_cells_with_line_breaks():
    assert parse_block('a\t"b\nc"\r\nd\te\r\n') == [["a", "b\nc"], ["d", "e"]]
    assert parse_block("one\r\n") == [["one"]]


def test_shift_click_extends_the_selection_without_editing(dialog, qtbot):
    grid = dialog.grid
    grid.set_rows([{"name": "一"}, {"name": "二"}])
    grid.table.setFocus()
    grid.table.setCurrentCell(0, 0)
    end = grid.table.visualRect(grid.table.model().index(1, 0)).center()
    qtbot.mouseClick(grid.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, end)
    assert len(grid.table.selectedIndexes()) == 2
    assert grid.table.state() != QAbstractItemView.State.EditingState
