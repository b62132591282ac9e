"""A 项目协调会议 (H第十条(一)): date, place, attendees, minutes, decisions and the action items agreed
(owner, due date, done). Saved with its own WriteOp; the project must already be saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import meetings as svc
from app.services.common import Changes
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, read_now
from ui.widgets import OptionalDate

OVERDUE = QColor("#c42b1c")
DONE = QColor("#777777")
ITEM_HEADERS = ("待办事项", "责任人", "完成期限", "已完成", "完成日期")
DESC, OWNER, DUE, DONE_COL, DONE_ON = range(5)


class MeetingDialog(FieldErrors, QDialog):
    def __init__(
        self, parent: QWidget | None, project_id: str, meeting_id: str | None = None, project_name: str = ""
    ) -> None:
        super().__init__(parent)
        self.project_id = project_id
        self.meeting_id = meeting_id
        self.saved_id: str | None = None
        self.today = dt.date.today()
        self._saving = False
        title = "编辑协调会议" if meeting_id else "新增协调会议"
        self.setWindowTitle(f"{title} — {project_name}" if project_name else title)
        self.setMinimumSize(760, 600)
        self._build()
        if meeting_id:
            self._load(read_now(lambda s: svc.get_meeting(s, meeting_id)))
        else:
            self.held_on.set_value(self.today)
        self._snapshot = self.data()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors: dict[str, QLabel] = {}
        self.held_on = OptionalDate()
        self.place = QLineEdit(placeholderText="如 学院会议室、企业现场")
        row = QHBoxLayout()
        row.addWidget(self.held_on)
        row.addSpacing(16)
        row.addWidget(QLabel("地点"))
        row.addWidget(self.place, 1)
        form.addRow("会议日期 *", self.with_error("held_on", row))
        self.attendees = QLineEdit(placeholderText="校企双方参会人员，用顿号分隔")
        form.addRow("参会人员", self.attendees)
        self.minutes = QPlainTextEdit(placeholderText="会议纪要：议题与讨论情况")
        self.minutes.setMinimumHeight(70)
        self.minutes.setMaximumHeight(120)
        form.addRow("会议纪要", self.minutes)
        self.decisions = QPlainTextEdit(placeholderText="会议形成的决定事项")
        self.decisions.setMinimumHeight(50)
        self.decisions.setMaximumHeight(80)
        form.addRow("决定事项", self.decisions)
        lay.addLayout(form)

        lay.addWidget(QLabel("待办事项（逾期未完成的显示为红色，并在工作台提醒）："))
        self.items = QTableWidget(0, len(ITEM_HEADERS))
        self.items.setHorizontalHeaderLabels(ITEM_HEADERS)
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(DESC, QHeaderView.ResizeMode.Stretch)
        for col, width in ((OWNER, 90), (DUE, 120), (DONE_COL, 60), (DONE_ON, 100)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.items.setColumnWidth(col, width)
        self.items.verticalHeader().setVisible(False)
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setMinimumHeight(150)
        self.items.verticalHeader().setDefaultSectionSize(30)
        self.items.itemChanged.connect(self._item_changed)
        self.items.itemSelectionChanged.connect(self._update_buttons)
        lay.addWidget(self.items, 2)
        lay.addWidget(self.error_label("action_items"))
        buttons_row = QHBoxLayout()
        add = QPushButton("添加待办")
        add.clicked.connect(lambda: self.add_item(svc.ActionItemData(""), edit=True))
        remove = QPushButton("删除所选")
        remove.clicked.connect(self._remove_items)
        self.complete_button = QPushButton("标记完成")
        self.complete_button.setToolTip("把所选的已保存待办事项标记为今天完成（立即保存）")
        self.complete_button.clicked.connect(self.complete_selected)
        for b in (add, remove, self.complete_button):
            buttons_row.addWidget(b)
        buttons_row.addStretch(1)
        lay.addLayout(buttons_row)

        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(ERROR_STYLE)
        lay.addWidget(self.message)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = box.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存")
        self.save_button.setShortcut("Ctrl+S")
        box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        lay.addWidget(box)
        self._update_buttons()

    # ------------------------------------------------------------ items

    def _load(self, m: svc.MeetingDetail) -> None:
        self.held_on.set_value(m.held_on)
        self.place.setText(m.place)
        self.attendees.setText(m.attendees)
        self.minutes.setPlainText(m.minutes)
        self.decisions.setPlainText(m.decisions)
        for a in m.action_items:
            self.add_item(a)

    def add_item(self, a: svc.ActionItemData, edit: bool = False) -> None:
        self.items.blockSignals(True)
        r = self.items.rowCount()
        self.items.insertRow(r)
        desc = QTableWidgetItem(a.description)
        desc.setData(Qt.ItemDataRole.UserRole, a.id)
        self.items.setItem(r, DESC, desc)
        self.items.setItem(r, OWNER, QTableWidgetItem(a.owner))
        due = OptionalDate()
        due.set_value(a.due_on)
        due.dateChanged.connect(lambda _d: self._paint_rows())
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
        a = self._row(r)
        return not a.done and a.due_on is not None and a.due_on < self.today

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

    def _paint_rows(self) -> None:
        self.items.blockSignals(True)
        for r in range(self.items.rowCount()):
            a = self._row(r)
            overdue = self.is_overdue(r)
            color = OVERDUE if overdue else DONE if a.done else None
            tip = f"已逾期{(self.today - a.due_on).days}天" if overdue and a.due_on else ""
            for col in (DESC, OWNER, DONE_ON):
                cell = self.items.item(r, col)
                cell.setForeground(color) if color else cell.setData(Qt.ItemDataRole.ForegroundRole, None)
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
        rows = self._selected_rows()
        self.complete_button.setEnabled(
            any(
                self.items.item(r, DESC).data(Qt.ItemDataRole.UserRole) and not self._row(r).done
                for r in rows
            )
        )

    @Slot()
    def complete_selected(self) -> None:
        """complete_action_item for the selected saved items, each at once (its own transaction)."""
        today = self.today
        for r in self._selected_rows():
            item_id = self.items.item(r, DESC).data(Qt.ItemDataRole.UserRole)
            if item_id and not self._row(r).done:
                op = WriteOp(self, lambda s, i=item_id: svc.complete_action_item(s, i, today))
                op.success(lambda _c, i=item_id: self._completed(i)).run()

    def _completed(self, item_id: str) -> None:
        for r in range(self.items.rowCount()):
            if self.items.item(r, DESC).data(Qt.ItemDataRole.UserRole) == item_id:
                self.items.item(r, DONE_COL).setCheckState(Qt.CheckState.Checked)  # fills the date, repaints
        saved = tuple(
            replace(a, done=True, done_on=self.today) if a.id == item_id else a
            for a in self._snapshot.action_items
        )
        self._snapshot = replace(self._snapshot, action_items=saved)  # already saved: not a pending change

    # ------------------------------------------------------------ saving

    def data(self) -> svc.MeetingData:
        return svc.MeetingData(
            project_id=self.project_id,
            held_on=self.held_on.value(),
            place=self.place.text(),
            attendees=self.attendees.text(),
            minutes=self.minutes.toPlainText(),
            decisions=self.decisions.toPlainText(),
            action_items=tuple(self._row(r) for r in range(self.items.rowCount())),
        )

    @Slot()
    def save(self) -> None:
        if self._saving:
            return
        data = self.data()
        errors = read_now(lambda s: svc.check_meeting(s, data))
        self.show_errors(errors)
        if errors:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        mid = self.meeting_id

        def work(s) -> Changes:
            return svc.update_meeting(s, mid, data) if mid else svc.create_meeting(s, data)

        WriteOp(self, work).success(self._saved).failure(self._failed).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self._snapshot = self.data()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.save_failed(exc)

    def is_modified(self) -> bool:
        return self.data() != self._snapshot

    def reject(self) -> None:
        if self.is_modified() and not self._saving:
            answer = QMessageBox.question(
                self,
                "放弃修改？",
                "会议记录有未保存的修改，确定放弃吗？",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()
