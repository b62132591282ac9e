"""One 教师企业实践 record (N四(五)1): the unit (an enterprise of the archive, or a name typed in), the first and
last day (both count), what was done, and the evidence files (Attachment owner_type "enterprise_practice").
Saving is one transaction with the files; the teacher's summary is re-read by the caller."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services import teachers as svc
from app.services.choices import Choice, chosen_labels
from app.services.common import Changes
from ui.attachments_panel import AttachmentsPanel
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, read_now
from ui.pickers import RecordPicker, enterprise_search
from ui.widgets import OptionalDate


def keep_last(picker: RecordPicker) -> None:
    """A picker used for one record: a second choice replaces the first."""
    chosen = picker.choices()
    if len(chosen) > 1:
        picker.set_chosen(chosen[-1:])


class PracticeDialog(FieldErrors, QDialog):
    def __init__(self, parent: QWidget | None, teacher_id: str, row: svc.PracticeRow | None = None) -> None:
        super().__init__(parent)
        self.teacher_id = teacher_id
        self.practice_id = row.id if row else None
        self.saved_id: str | None = None
        self._kept: tuple[str, str] = ("", "")  # (enterprise id, unit name) of the record as loaded
        self.errors = {}
        self.setWindowTitle("编辑企业实践记录" if row else "添加企业实践记录")
        self.resize(680, 600)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.unit = RecordPicker(
            enterprise_search,
            chosen_title="实践单位",
            placeholder="搜索企业，或输入单位名称后回车",
            allow_new=True,
            new_hint="（按名称记录）",
        )
        self.unit.changed.connect(lambda: keep_last(self.unit))
        form.addRow("实践单位*", self.with_error("unit_name", self.unit))
        self.errors["enterprise_id"] = self.errors["unit_name"]
        dates = QHBoxLayout()
        self.starts_on, self.ends_on = OptionalDate(), OptionalDate()
        dates.addWidget(self.starts_on)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.ends_on)
        dates.addStretch(1)
        form.addRow("起止日期*", self.with_error("starts_on", dates))
        self.errors["ends_on"] = self.errors["starts_on"]
        hint = QLabel("首尾两天都计入；与其他记录重叠的日子只计一次。")
        hint.setStyleSheet("color:#555;")
        form.addRow("", hint)
        self.content = QPlainTextEdit(
            placeholderText="实践岗位及内容，如：在装配车间跟岗，参与工业机器人调试"
        )
        self.content.setTabChangesFocus(True)
        self.content.setMaximumHeight(70)
        form.addRow("实践内容", self.content)
        self.note = QLineEdit(placeholderText="备注")
        form.addRow("备注", self.note)
        lay.addLayout(form)
        self.evidence = AttachmentsPanel(
            "enterprise_practice", "证明材料：企业出具的实践证明、考核表、照片等（保存时一并保存）。"
        )
        lay.addWidget(self.evidence, 1)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        self.errors["teacher_id"] = self.message
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存（Ctrl+S）", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        if row:
            self._load(row)
        self.evidence.load(self.practice_id)

    def _load(self, r: svc.PracticeRow) -> None:
        if r.enterprise_id:  # shown as recorded (the unit may name a department of the enterprise)
            label = read_now(lambda s: chosen_labels(s, [r.enterprise_id or ""], [])).get(r.enterprise_id, "")
            self.unit.set_chosen([Choice(r.enterprise_id, r.unit_name or label)])
            self._kept = (r.enterprise_id, r.unit_name)
        elif r.unit_name:
            self.unit.set_chosen([Choice("", r.unit_name, new=True)])
        self.starts_on.set_value(r.starts_on)
        self.ends_on.set_value(r.ends_on)
        self.content.setPlainText(r.content)
        self.note.setText(r.note)

    def data(self) -> svc.PracticeData:
        ids, names = self.unit.ids(), self.unit.new_names()
        if ids:  # the enterprise's name, or the unit as recorded while the same enterprise stays chosen
            unit = self._kept[1] if ids[0] == self._kept[0] else ""
        else:
            unit = names[0] if names else ""
        return svc.PracticeData(
            teacher_id=self.teacher_id,
            starts_on=self.starts_on.value(),
            ends_on=self.ends_on.value(),
            enterprise_id=ids[0] if ids else None,
            unit_name=unit,
            content=self.content.toPlainText(),
            note=self.note.text(),
        )

    @Slot()
    def save(self) -> None:
        data = self.data()
        if errors := read_now(lambda s: svc.check_practice(s, data)):
            self.show_errors(errors)
            return
        self.show_errors([])
        self.save_button.setEnabled(False)
        pid, files = self.practice_id, self.evidence.work()

        def work(s: Session) -> Changes:
            changes = svc.update_practice(s, pid, data) if pid else svc.add_practice(s, data)
            files(s, changes.ids[0])
            return changes

        WriteOp(self, work).success(self._saved).failure(self._failed).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.save_failed(exc)
