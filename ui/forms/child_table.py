"""Child records of a record or a page with 添加 / 编辑 / 删除 (an organization's activities, a committee's members
and meetings): a small sortable table that gives way to an empty text while it has no rows. The owner opens its
own form for 添加 / 编辑 and runs the delete (ui/operations); the table asks before a delete."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ui import theme
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, for_writers

ID_ROLE = Qt.ItemDataRole.UserRole


def button_bar(*buttons: QPushButton, apart: QPushButton | None = None) -> QHBoxLayout:
    """The buttons under a list of child records: `buttons` at the left, `apart` (删除) alone at the right."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    if apart is not None:
        row.addWidget(apart)
    return row


def edit_delete_keys(table: QWidget, edit: Callable[[], Any], delete: Callable[[], Any]) -> None:
    """Enter opens the selected row (`edit`), Delete deletes (`delete`; not for a 只读 user) — only while the
    table has the focus, so Enter in a field elsewhere never does."""
    for keys, slot in (
        ([QKeySequence(QKeySequence.StandardKey.Delete)], delete),
        ([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)], edit),
    ):
        action = QAction(table)
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        table.addAction(action)
        if slot is delete:
            for_writers(action)


class ChildTable(QWidget):
    """Rows of child records with 添加 / 编辑 / 删除. Double-click or Enter edits, Delete deletes (after asking);
    the columns sort on a header click; `empty_text` replaces the table while it has no rows."""

    add_wanted = Signal()
    edit_wanted = Signal(str)
    delete_wanted = Signal(list)  # ids, already confirmed

    def __init__(
        self,
        headers: Sequence[str],
        widths: Sequence[int],
        *,
        noun: str,
        add_text: str,
        empty_text: str,
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.noun = noun
        self.empty_text = empty_text
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.title = QLabel(title)
        self.title.setStyleSheet(theme.text(theme.TEXT, bold=True))
        bar.addWidget(self.title)
        bar.addStretch(1)
        self.add_button = QPushButton(add_text)
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        self.edit_button.setToolTip("编辑所选（双击或回车）")
        self.delete_button.setToolTip("删除所选（Delete）")
        for_writers(self.add_button)  # 只读: disabled, saying why
        for_writers(self.delete_button)
        for b in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(b)
        lay.addLayout(bar)
        self.add_button.clicked.connect(self.add_wanted)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)

        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order until a header click
        for i, w in enumerate(widths):
            self.table.setColumnWidth(i, w)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        edit_delete_keys(self.table, self.edit_selected, self.delete_selected)
        self.empty = theme.empty_state(
            QLabel(empty_text, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        )
        self.empty.setMargin(16)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        lay.addWidget(self.stack, 1)
        self._filter = ""
        self._update_buttons()

    # ------------------------------------------------------------ rows

    def set_rows(self, rows: Sequence[tuple[str, Sequence[str]]], select: str | None = None) -> None:
        """(id, cells) per row; keeps the selection (or selects `select`) and the sort order."""
        keep = [select] if select else self.selected_ids()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for r, (record_id, cells) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, record_id)
                if len(text) > 12 or "\n" in text:
                    item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
        self.filter(self._filter)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        self.select_ids(keep)
        self._update_buttons()

    def ids(self) -> list[str]:
        return [self.table.item(r, 0).data(ID_ROLE) for r in range(self.table.rowCount())]

    def row_texts(self, record_id: str) -> list[str]:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(ID_ROLE) == record_id:
                return [self.table.item(r, c).text() for c in range(self.table.columnCount())]
        return []

    def filter(self, text: str) -> int:
        """Hide the rows not containing `text` in any cell; returns the rows shown."""
        self._filter = key = text.strip().lower()
        shown = 0
        for r in range(self.table.rowCount()):
            cells = (self.table.item(r, c).text().lower() for c in range(self.table.columnCount()))
            hide = bool(key) and not any(key in cell for cell in cells)
            self.table.setRowHidden(r, hide)
            shown += not hide
        return shown

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.table.item(r, 0).data(ID_ROLE) for r in rows if not self.table.isRowHidden(r)]

    def select_ids(self, ids: Sequence[str]) -> None:
        """Select exactly these rows (through the selection model: selectRow would extend the selection while
        the keyboard still reports Shift or Ctrl held)."""
        sel = self.table.selectionModel()
        sel.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(ID_ROLE) in ids:
                sel.select(self.table.model().index(r, 0), flags)

    @Slot()
    def _update_buttons(self) -> None:
        n = len(self.selected_ids())
        self.edit_button.setEnabled(n == 1)
        self.delete_button.setEnabled(n > 0)

    # ------------------------------------------------------------ actions

    @Slot()
    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.edit_wanted.emit(ids[0])

    @Slot()
    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        labels = [" ".join(t for t in self.row_texts(i)[:2] if t)[:30] for i in ids[:5]]
        more = f" 等 {len(ids)} 条" if len(ids) > 5 else ""
        text = f"确定删除{self.noun} {'、'.join(labels)}{more}？\n\n删除的记录会移到“回收站”，可随时恢复。"
        if confirm(self, f"删除{self.noun}", text):
            self.delete_wanted.emit(ids)
