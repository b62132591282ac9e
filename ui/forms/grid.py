"""An editable grid of child rows that behaves like a spreadsheet (EditGrid).

    self.groups = EditGrid(
        [GridColumn("name", "专业群", width=160), GridColumn("majors", "专业", stretch=True)],
        add_text="添加专业群",
    )
    self.groups.set_rows([{"id": g.id, "name": g.name, "majors": "、".join(g.majors)} for g in groups])
    self.groups.changed.connect(...)
    rows = self.groups.rows()      # [{"id": "…" or "", "name": "…", "majors": "…"}, …], blank rows at the end dropped

One click on a cell starts editing it, and so does typing; Enter commits the cell and moves down (never the
dialog's default button); Tab moves right; Ctrl+V pastes a block copied from Excel at the current cell, adding
rows as needed; Ctrl+C copies the selected cells; Delete clears them. A "choice" column edits with a drop-down.
Money and integer columns are checked when a cell is committed (a red cell with the reason as its tooltip),
but `rows()` returns text: the form parses it and reports its own errors (`set_error(row, key, text)`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.money import parse_money
from ui import theme
from ui.qt import *  # noqa: F403

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the record id a row carries, on its first cell
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass(frozen=True)
class GridColumn:
    key: str
    title: str
    width: int = 0  # pixels; 0 = as wide as the title and contents need
    kind: str = "text"  # "text" | "money" | "int" | "choice"
    choices: Sequence[str] = ()
    max_length: int = 0  # 0 = no limit
    stretch: bool = False  # takes the width left over
    readonly: bool = False  # shown, never edited (e.g. the name a row is about)


def problem(column: GridColumn, text: str) -> str:
    """Why a cell's text cannot stand in its column ("" when it can). Empty cells are the form's business."""
    text = text.strip()
    if not text:
        return ""
    if column.max_length and len(text) > column.max_length:
        return f"{column.title}最多 {column.max_length} 个字（现有 {len(text)} 个）"
    if column.kind == "money":
        try:
            parse_money(text)
        except ValueError as exc:
            return f"{column.title}：{exc}"
    elif column.kind == "int":
        try:
            int(text.replace(",", ""))
        except ValueError:
            return f"{column.title}应是整数，“{text}”不是"
    elif column.kind == "choice" and column.choices and text not in column.choices:
        return f"{column.title}只能是：{'、'.join(column.choices)}"
    return ""


def parse_block(text: str) -> list[list[str]]:
    """A block copied from Excel or WPS: rows by line, cells by tab (cells with line breaks come quoted)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]  # Excel ends even one cell with a line break
    if "\t" not in text and "\n" not in text:
        return [[text]]
    return [row for row in csv.reader(io.StringIO(text), delimiter="\t")] or [[""]]


class _Delegate(QStyledItemDelegate):
    """Line edits (with the column's length limit) and drop-downs for choice columns; Enter and Ctrl+V in an
    open editor are handled by the grid, not by the line edit (which would pass Enter on to the dialog)."""

    def __init__(self, grid: EditGrid) -> None:
        super().__init__(grid.table)
        self.grid = grid

    def createEditor(  # noqa: N802 (Qt's name)
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        column = self.grid.columns[index.column()]
        if column.kind == "choice":
            combo = QComboBox(parent)
            combo.addItems(["", *column.choices])
            combo.activated.connect(lambda _i, c=combo: self._chosen(c))
            return combo
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit) and column.max_length:
            editor.setMaxLength(column.max_length)
        return editor

    def _chosen(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QAbstractItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            text = str(index.data() or "")
            i = editor.findText(text)
            if i < 0:  # a pasted value that is no choice: keep it visible until one is picked
                editor.addItem(text)
                i = editor.count() - 1
            editor.setCurrentIndex(i)
            return
        super().setEditorData(editor, index)

    def setModelData(  # noqa: N802 (Qt's name)
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
            return
        super().setModelData(editor, model, index)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(editor, QWidget)
        ):
            key = event
            if key.key() in ENTER_KEYS and key.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,
            ):
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                self.grid._move_down()
                return True  # eaten: the dialog's default button never sees it
            if key.matches(QKeySequence.StandardKey.Paste):
                text = QGuiApplication.clipboard().text()
                block = parse_block(text)
                if len(block) > 1 or len(block[0]) > 1:
                    self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.RevertModelCache)
                    self.grid.paste(text)
                    return True
                if isinstance(editor, QLineEdit):  # one cell: without Excel's trailing line break
                    editor.insert(block[0][0])
                    return True
        return super().eventFilter(editor, event)


class _Table(QTableWidget):
    def __init__(self, grid: EditGrid) -> None:
        super().__init__(0, len(grid.columns))
        self.grid = grid

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        super().mouseReleaseEvent(event)
        index = self.indexAt(event.position().toPoint())
        if (
            event.button() == Qt.MouseButton.LeftButton
            and not event.modifiers()
            and index.isValid()
            and index == self.currentIndex()
            and len(self.selectedIndexes()) <= 1
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self.edit(index)  # one click edits (a drag selects cells; Shift/Ctrl+click extends the selection)
            editor = self.indexWidget(index)
            if isinstance(editor, QComboBox):
                QTimer.singleShot(0, editor.showPopup)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in ENTER_KEYS:
            self.grid._move_down()
            event.accept()  # never the dialog's default button
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.grid.paste(QGuiApplication.clipboard().text())
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.grid.copy_selection()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers():
            self.grid.clear_selected()
            event.accept()
            return
        super().keyPressEvent(event)


class EditGrid(QWidget):
    """Rows of text cells, edited in place; see the module's docstring."""

    changed = Signal()

    def __init__(
        self,
        columns: Sequence[GridColumn],
        *,
        add_text: str = "添加",
        remove_text: str = "删除所选",
        empty_text: str = "",
    ) -> None:
        super().__init__()
        self.columns = list(columns)
        self.keys = [c.key for c in self.columns]
        self.can_add = bool(add_text)  # without an add button the rows are given (pasting adds none)
        self._quiet = False
        self._committing = False
        self.table = _Table(self)
        self.table.setHorizontalHeaderLabels([c.title for c in self.columns])
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setTabKeyNavigation(True)
        self.table.setItemDelegate(_Delegate(self))
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        for i, c in enumerate(self.columns):
            if c.stretch:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
            elif c.width:
                self.table.setColumnWidth(i, c.width)
            else:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        if not any(c.stretch for c in self.columns):
            header.setStretchLastSection(True)
        self.table.itemChanged.connect(self._item_changed)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table, 1)
        self.empty = theme.hint(QLabel(empty_text, self.table.viewport()))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.table.viewport().installEventFilter(self)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(add_text or "添加")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button = QPushButton(remove_text or "删除所选")
        self.remove_button.clicked.connect(self.remove_selected)
        for b, text in ((self.add_button, add_text), (self.remove_button, remove_text)):
            b.setAutoDefault(False)  # a button of the grid is never the dialog's default
            b.setVisible(bool(text))
            buttons.addWidget(b)
        buttons.addStretch(1)
        if add_text or remove_text:
            lay.addLayout(buttons)
        self._show_empty()

    # ------------------------------------------------------------ rows in and out

    def set_rows(self, rows: Sequence[Mapping[str, object]]) -> None:
        self._quiet = True
        try:
            self.table.setRowCount(0)
            for row in rows:
                self._append(row)
        finally:
            self._quiet = False
        self._show_empty()

    def rows(self) -> list[dict[str, str]]:
        """Every row's texts by key plus its "id" ("" for a new row); blank new rows at the end dropped."""
        self.commit()
        out = []
        for r in range(self.table.rowCount()):
            row = {k: self.text(r, k) for k in self.keys}
            first = self.table.item(r, 0)
            row["id"] = str(first.data(ID_ROLE) or "") if first else ""
            out.append(row)
        while out and not out[-1]["id"] and not any(out[-1][k].strip() for k in self.keys):
            out.pop()
        return out

    def row_count(self) -> int:
        return self.table.rowCount()

    def text(self, row: int, key: str) -> str:
        item = self.table.item(row, self.keys.index(key))
        return item.text() if item else ""

    def set_text(self, row: int, key: str, text: str) -> None:
        self._cell(row, self.keys.index(key)).setText(text)

    def add_row(self, values: Mapping[str, object] | None = None) -> int:
        """Append a row and open its first editable cell for typing; returns its index."""
        self.commit()
        r = self._append(values or {})
        self._show_empty()
        self.changed.emit()
        col = next((i for i, c in enumerate(self.columns) if not c.readonly), 0)
        self.table.setFocus()
        self.table.setCurrentCell(r, col)
        self.table.edit(self.table.model().index(r, col))
        return r

    @Slot()
    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()} | self._current_row(), reverse=True)
        if not rows:
            return
        self.commit()
        for r in rows:
            self.table.removeRow(r)
        self._show_empty()
        self.changed.emit()

    def _current_row(self) -> set[int]:
        return (
            {self.table.currentRow()}
            if self.table.currentRow() >= 0 and not self.table.selectedIndexes()
            else set()
        )

    def commit(self) -> None:
        """Write the open editor's text into its cell (Ctrl+S saves while a cell is being typed in)."""
        if self.table.state() == QAbstractItemView.State.EditingState and not self._committing:
            editor = self.table.indexWidget(self.table.currentIndex())
            if editor is not None:
                self._committing = True  # a `changed` handler reading rows() must not commit again
                try:
                    self.table.commitData(editor)
                finally:
                    self._committing = False

    # ------------------------------------------------------------ errors

    def set_error(self, row: int, key: str, text: str) -> None:
        """Mark a cell red with the reason as its tooltip ("" clears it)."""
        item = self._cell(row, self.keys.index(key))
        self._quiet = True
        try:
            item.setData(Qt.ItemDataRole.ToolTipRole, text or None)
            item.setData(Qt.ItemDataRole.BackgroundRole, theme.brush(theme.ERROR_BG) if text else None)
            item.setData(Qt.ItemDataRole.ForegroundRole, theme.brush(theme.ERROR) if text else None)
        finally:
            self._quiet = False

    def errors(self) -> list[tuple[int, str, str]]:
        """(row, key, reason) of every cell marked red."""
        out = []
        for r in range(self.table.rowCount()):
            for c, key in enumerate(self.keys):
                item = self.table.item(r, c)
                tip = item.data(Qt.ItemDataRole.ToolTipRole) if item else None
                if tip:
                    out.append((r, key, str(tip)))
        return out

    def focus_cell(self, row: int, key: str) -> None:
        self.table.setFocus()
        self.table.setCurrentCell(row, self.keys.index(key))
        self.table.scrollToItem(self.table.item(row, self.keys.index(key)))

    # ------------------------------------------------------------ keyboard

    def paste(self, text: str) -> None:
        """Put a block (tab between cells, a line per row) at the current cell, adding rows as needed; one
        value fills every selected cell."""
        block = parse_block(text)
        start_r, start_c = max(self.table.currentRow(), 0), max(self.table.currentColumn(), 0)
        self._quiet = True
        try:
            if len(block) == 1 and len(block[0]) == 1 and len(self.table.selectedIndexes()) > 1:
                for index in self.table.selectedIndexes():
                    if not self.columns[index.column()].readonly:
                        self._cell(index.row(), index.column()).setText(block[0][0].strip())
            else:
                for dr, cells in enumerate(block):
                    r = start_r + dr
                    if r >= self.table.rowCount():
                        if not self.can_add:
                            break
                        self._append({})
                    for dc, value in enumerate(cells):
                        c = start_c + dc
                        if c < len(self.columns) and not self.columns[c].readonly:
                            self._cell(r, c).setText(value.strip())
        finally:
            self._quiet = False
        for r in range(self.table.rowCount()):
            for c in range(len(self.columns)):
                self._check(r, c)
        self._show_empty()
        self.changed.emit()

    def copy_selection(self) -> None:
        indexes = self.table.selectedIndexes()
        if not indexes:
            return
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        lines = [
            "\t".join(self.text(r, self.keys[c]) if (r, c) in chosen else "" for c in cols) for r in rows
        ]
        QGuiApplication.clipboard().setText("\n".join(lines))

    def clear_selected(self) -> None:
        indexes = self.table.selectedIndexes()
        if not indexes:
            return
        self._quiet = True
        try:
            for index in indexes:
                if not self.columns[index.column()].readonly:
                    self._cell(index.row(), index.column()).setText("")
        finally:
            self._quiet = False
        for index in indexes:
            self._check(index.row(), index.column())
        self.changed.emit()

    def _move_down(self) -> None:
        r, c = self.table.currentRow(), self.table.currentColumn()
        if r < 0:
            return
        r = min(r + 1, self.table.rowCount() - 1)
        self.table.setCurrentCell(r, max(c, 0))

    # ------------------------------------------------------------ cells

    def _append(self, values: Mapping[str, object]) -> int:
        r = self.table.rowCount()
        was = self._quiet
        self._quiet = True
        try:
            self.table.insertRow(r)
            for c in range(len(self.columns)):
                value = values.get(self.keys[c])
                self._cell(r, c).setText("" if value is None else str(value))
            if values.get("id"):
                self._cell(r, 0).setData(ID_ROLE, values["id"])
        finally:
            self._quiet = was
        for c in range(len(self.columns)):
            self._check(r, c)
        return r

    def _cell(self, row: int, col: int) -> QTableWidgetItem:
        item = self.table.item(row, col)
        if item is None:
            item = QTableWidgetItem("")
            if self.columns[col].readonly:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if self.columns[col].kind in ("money", "int"):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            was = self._quiet
            self._quiet = True
            try:
                self.table.setItem(row, col, item)
            finally:
                self._quiet = was
        return item

    def _check(self, row: int, col: int) -> None:
        item = self.table.item(row, col)
        if item is not None:
            self.set_error(row, self.keys[col], problem(self.columns[col], item.text()))

    @Slot(QTableWidgetItem)
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._quiet:
            return
        self._check(item.row(), item.column())
        self.changed.emit()

    def _show_empty(self) -> None:
        self.empty.setVisible(bool(self.empty.text()) and self.table.rowCount() == 0)
        self.empty.setGeometry(self.table.viewport().rect().adjusted(12, 12, -12, -12))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._show_empty()
        return super().eventFilter(watched, event)
