"""A 项目协调会议: date, place, attendees, minutes, decisions and the action items agreed (owner, due date, done).
A RecordForm: 保存 writes the meeting with its items in one transaction; the project must already be saved.
标记完成 marks saved items done at once (ui/operations/meetings.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.services import meetings as svc
from app.services.common import Changes
from ui import theme
from ui.dialogs.project_tables import EditableTable
from ui.forms import DateField, RecordForm, required
from ui.forms.record_form import id_alias
from ui.operations import meetings as ops
from ui.qt import *  # noqa: F403
from ui.widgets import for_writers

ITEM_HEADERS = ("待办事项", "责任人", "完成期限", "已完成", "完成日期")
DESC, OWNER, DUE, DONE_COL, DONE_ON = range(5)


class MeetingDialog(RecordForm):
    geometry_key = "meeting"
    default_size = (780, 620)
    unsaved_what = "会议记录"
    titles = ("新增协调会议", "编辑协调会议")
    bound_fields = "held_on place attendees minutes decisions"

    def __init__(
        self, parent: QWidget | None, project_id: str, meeting_id: str | None = None, project_name: str = ""
    ) -> None:
        self.project_id = project_id
        self.today = dt.date.today()
        super().__init__(parent, meeting_id)
        if project_name:
            self.setWindowTitle(f"{self.windowTitle()} — {project_name}")

    meeting_id = id_alias()

    # ------------------------------------------------------------ layout

    def build(self) -> None:
        form = self.form()
        self.held_on = DateField(optional=False, field="held_on", label="会议日期")
        self.place = QLineEdit(placeholderText="如 学院会议室、企业现场")
        row = QHBoxLayout()
        row.addWidget(self.held_on)
        row.addSpacing(16)
        row.addWidget(QLabel("地点"))
        row.addWidget(self.place, 1)
        form.addRow(required("会议日期"), self.with_error("held_on", row))
        self.also_error("place", "held_on")
        self.attendees = QLineEdit(placeholderText="校企双方参会人员，用顿号分隔")
        form.addRow("参会人员", self.with_error("attendees", self.attendees))
        self.minutes = QPlainTextEdit(placeholderText="会议纪要：议题与讨论情况")
        self.minutes.setTabChangesFocus(True)
        self.minutes.setMinimumHeight(60)
        self.minutes.setMaximumHeight(110)
        form.addRow("会议纪要", self.with_error("minutes", self.minutes))
        self.decisions = QPlainTextEdit(placeholderText="会议形成的决定事项")
        self.decisions.setTabChangesFocus(True)
        self.decisions.setMinimumHeight(44)
        self.decisions.setMaximumHeight(80)
        form.addRow("决定事项", self.with_error("decisions", self.decisions))

        self.body.addWidget(QLabel("待办事项（逾期未完成的显示为红色，并在工作台提醒）："))
        self.items = EditableTable(0, len(ITEM_HEADERS))  # Enter edits the cell, never saves the form
        self.items.setHorizontalHeaderLabels(ITEM_HEADERS)
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(DESC, QHeaderView.ResizeMode.Stretch)
        for col, width in ((OWNER, 90), (DUE, 130), (DONE_COL, 60), (DONE_ON, 100)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.items.setColumnWidth(col, width)
        self.items.verticalHeader().setVisible(False)
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setMinimumHeight(130)
        self.items.verticalHeader().setDefaultSectionSize(30)
        self.items.itemChanged.connect(self._item_changed)
        self.items.itemSelectionChanged.connect(self._update_buttons)
        self.body.addWidget(self.items, 2)
        self.body.addWidget(self.error_label("action_items"))
        buttons_row = QHBoxLayout()
        add = QPushButton("添加待办")
        add.clicked.connect(lambda: self.add_item(svc.ActionItemData(""), edit=True))
        remove = QPushButton("删除所选")
        remove.setToolTip("从本次会议中删除所选待办事项（保存后生效）")
        remove.clicked.connect(self._remove_items)
        self.complete_button = QPushButton("标记完成")
        self.complete_button.setToolTip("把所选的已保存待办事项标记为今天完成（立即保存）")
        self.complete_button.clicked.connect(self.complete_selected)
        for_writers(self.complete_button)  # (添加 / 删除 wait for 保存, disabled for a 只读 user)
        for b in (add, remove, self.complete_button):
            buttons_row.addWidget(b)
        buttons_row.addStretch(1)
        self.body.addLayout(buttons_row)
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Enter in a row's 完成期限 ends the date (shown as understood) and goes back to the table: it never
        reaches the form's 保存, wherever the keyboard focus is."""
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and isinstance(watched, QLineEdit)
            and isinstance(watched.parent(), DateField)
        ):
            watched.editingFinished.emit()
            self.items.setFocus()
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ RecordForm

    def read(self, s: Session, record_id: str) -> svc.MeetingDetail:
        return svc.get_meeting(s, record_id)

    def load(self, m: svc.MeetingDetail) -> None:
        self.fill(m)
        for a in m.action_items:
            self.add_item(a)

    def load_new(self) -> None:
        self.held_on.set_value(self.today)

    def data(self) -> svc.MeetingData:
        return svc.MeetingData(
            project_id=self.project_id,
            **self.values(),
            action_items=tuple(self._row(r) for r in range(self.items.rowCount())),
        )

    def check(self, s: Session, data: svc.MeetingData):
        return svc.check_meeting(s, data)

    def write(self, s: Session, data: svc.MeetingData) -> Changes:
        if self.record_id:
            return svc.update_meeting(s, self.record_id, data)
        return svc.create_meeting(s, data)

    def is_modified(self) -> bool:
        return self.dirty()

    # ------------------------------------------------------------ items

    def add_item(self, a: svc.ActionItemData, edit: bool = False) -> None:
        self.items.blockSignals(True)
        r = self.items.rowCount()
        self.items.insertRow(r)
        desc = QTableWidgetItem(a.description)
        desc.setData(Qt.ItemDataRole.UserRole, a.id)
        self.items.setItem(r, DESC, desc)
        self.items.setItem(r, OWNER, QTableWidgetItem(a.owner))
        due = DateField(field="action_items", label="完成期限")
        due.set_value(a.due_on)
        due.changed.connect(self._paint_rows)
        due.edit.installEventFilter(self)  # Enter ends the date, it does not save the form
        self.items.setCellWidget(r, DUE, due)
        done = QTableWidgetItem()
        done.setFlags(
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
        )
        done.setCheckState(Qt.CheckState.Checked if a.done else Qt.CheckState.Unchecked)
        self.items.setItem(r, DONE_COL, done)
        done_on = QTableWidgetItem(a.done_on.isoformat() if a.done_on else "")
        done_on.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        done_on.setData(Qt.ItemDataRole.UserRole, a.done_on)
        self.items.setItem(r, DONE_ON, done_on)
        self.items.blockSignals(False)
        self._paint_rows()
        if edit:
            self.items.setCurrentCell(r, DESC)
            self.items.editItem(desc)

    def _due(self, r: int) -> dt.date | None:
        """The due date of row r; text that is not a date yet counts as none (the save names it)."""
        field: DateField = self.items.cellWidget(r, DUE)
        return field.parsed() if field.valid() else None

    def _row(self, r: int) -> svc.ActionItemData:
        done = self.items.item(r, DONE_COL).checkState() == Qt.CheckState.Checked
        done_on = self.items.item(r, DONE_ON).data(Qt.ItemDataRole.UserRole)
        return svc.ActionItemData(
            description=self.items.item(r, DESC).text(),
            owner=self.items.item(r, OWNER).text(),
            due_on=self.items.cellWidget(r, DUE).value(),
            done=done,
            done_on=(done_on or self.today) if done else None,
            id=self.items.item(r, DESC).data(Qt.ItemDataRole.UserRole),
        )

    def is_overdue(self, r: int) -> bool:
        done = self.items.item(r, DONE_COL).checkState() == Qt.CheckState.Checked
        due = self._due(r)
        return not done and due is not None and due < self.today

    @Slot(QTableWidgetItem)
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == DONE_COL:
            done = item.checkState() == Qt.CheckState.Checked
            when = self.items.item(item.row(), DONE_ON)
            self.items.blockSignals(True)
            when.setData(Qt.ItemDataRole.UserRole, self.today if done else None)
            when.setText(self.today.isoformat() if done else "")
            self.items.blockSignals(False)
        self._paint_rows()

    @Slot()
    def _paint_rows(self) -> None:
        self.items.blockSignals(True)
        for r in range(self.items.rowCount()):
            overdue = self.is_overdue(r)
            done = self.items.item(r, DONE_COL).checkState() == Qt.CheckState.Checked
            color = theme.ERROR if overdue else theme.HINT if done else None
            due = self._due(r)
            tip = f"已逾期{(self.today - due).days}天" if overdue and due else ""
            for col in (DESC, OWNER, DONE_ON):
                cell = self.items.item(r, col)
                if color:
                    cell.setForeground(theme.brush(color))
                else:
                    cell.setData(Qt.ItemDataRole.ForegroundRole, None)
                cell.setToolTip(tip)
        self.items.blockSignals(False)
        self._update_buttons()

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.items.selectedIndexes()})

    @Slot()
    def _remove_items(self) -> None:
        for r in reversed(self._selected_rows()):
            self.items.removeRow(r)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.complete_button.setEnabled(
            any(
                self.items.item(r, DESC).data(Qt.ItemDataRole.UserRole)
                and self.items.item(r, DONE_COL).checkState() != Qt.CheckState.Checked
                for r in self._selected_rows()
            )
        )

    @Slot()
    def complete_selected(self) -> None:
        """Mark the selected saved items done today, each at once (its own transaction)."""
        for r in self._selected_rows():
            item_id = self.items.item(r, DESC).data(Qt.ItemDataRole.UserRole)
            if item_id and self.items.item(r, DONE_COL).checkState() != Qt.CheckState.Checked:
                ops.complete_action_item(self, item_id, self.today, lambda _c, i=item_id: self._completed(i))

    def _completed(self, item_id: str) -> None:
        clean = not self.dirty()
        for r in range(self.items.rowCount()):
            if self.items.item(r, DESC).data(Qt.ItemDataRole.UserRole) == item_id:
                self.items.item(r, DONE_COL).setCheckState(Qt.CheckState.Checked)  # fills the date, repaints
        if clean:  # already saved: not a pending change
            self.mark_clean()
