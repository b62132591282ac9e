"""What the 成果 and 培训 forms share: a one-page form with inline errors (ui/form.py FieldErrors), an
enterprise chosen by typing part of its name, money typed as people write it (12,345.60 / ¥12345.6 /
12345.6元), 保存 (Ctrl+S) as one WriteOp that closes the form, and a question before closing with unsaved
edits. A subclass builds its fields in `build(form)` and implements `data()`, `check()` and `work()`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.money import parse_money
from app.errors import ValidationError
from app.services.choices import Choice, chosen_labels, enterprise_choices, major_choices
from app.services.common import Changes
from app.services.outcomes import MAX_FEN
from ui.dialogs.asset_dialog import MAX_CHOICES, _choice, _choice_box, _set_choice
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, read_now
from ui.widgets import OptionalDate

HINT_STYLE = "color:#666;"


def money_fen(edit: QLineEdit, field: str, label: str) -> int:
    """The amount typed in `edit` in fen (blank = 0); a ValidationError for `field` when unreadable."""
    text = edit.text().strip()
    try:
        fen = parse_money(text) if text else 0
    except ValueError as e:
        raise ValidationError(field, f"{label}：{e}，请填写如 12,345.60 的金额") from None
    if fen < 0:
        raise ValidationError(field, f"{label}不能为负数")
    if fen > MAX_FEN:
        raise ValidationError(field, f"{label}过大，请检查是否多输了位数")
    return fen


class OutcomeForm(FieldErrors, QDialog):
    new_title = ""
    edit_title = ""

    def __init__(self, parent: QWidget | None, record_id: str | None) -> None:
        super().__init__(parent)
        self.record_id = record_id
        self.saved_id: str | None = None
        self._saving = False
        self.setWindowTitle(self.edit_title if record_id else self.new_title)
        self.errors: dict[str, QLabel] = {}
        lay = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        lay.addLayout(self.form)
        enterprises, majors = read_now(lambda s: (enterprise_choices(s, limit=MAX_CHOICES), major_choices(s)))
        self.build(self.form, enterprises, majors)
        lay.addStretch(1)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存（Ctrl+S）", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        for seq in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, self.save)
        if record_id:
            self.load(self.fetch(record_id))
        self._initial = self.state()

    # ------------------------------------------------------------ subclass hooks

    def build(self, form: QFormLayout, enterprises: list[Choice], majors: list[Choice]) -> None:
        raise NotImplementedError

    def fetch(self, record_id: str) -> Any:
        raise NotImplementedError

    def load(self, row: Any) -> None:
        raise NotImplementedError

    def data(self) -> Any:
        """The form's values; raises ValidationError for a field that cannot be read (money)."""
        raise NotImplementedError

    def check(self, s: Session, data: Any) -> list[ValidationError]:
        raise NotImplementedError

    def work(self, data: Any) -> Callable[[Session], Changes]:
        raise NotImplementedError

    # ------------------------------------------------------------ building blocks

    def row(self, label: str, widget: QWidget, field: str) -> None:
        self.form.addRow(label, self.with_error(field, widget))

    def set_label(self, field: str, text: str) -> None:
        label = self.form.labelForField(self.errors[field].parentWidget())
        if isinstance(label, QLabel):
            label.setText(text)

    def enterprise_box(self, enterprises: list[Choice], blank: str) -> QComboBox:
        box = _choice_box(enterprises, blank)
        box.lineEdit().setPlaceholderText("输入企业名称的一部分，从列表中选择")
        return box

    def major_box(self, majors: list[Choice]) -> QComboBox:
        box = QComboBox()
        box.addItem("（不指定专业）", "")
        for m in majors:
            box.addItem(m.label, m.id)
        return box

    @staticmethod
    def set_enterprise(box: QComboBox, enterprise_id: str | None) -> None:
        labels = read_now(lambda s: chosen_labels(s, [enterprise_id or ""], []))
        _set_choice(box, enterprise_id, labels.get(enterprise_id or "", ""))

    @staticmethod
    def set_major(box: QComboBox, major_id: str | None, name: str) -> None:
        _set_choice(box, major_id, name or "（已删除的专业）")

    @staticmethod
    def chosen(box: QComboBox) -> str | None:
        return _choice(box)

    def enterprise_error(self, box: QComboBox) -> list[ValidationError]:
        """Text typed that names no enterprise of the archive: say so instead of saving without one."""
        text = box.currentText().strip()
        if text and box.findText(text) < 0:
            return [
                ValidationError(
                    "enterprise_id", f"档案中没有“{text}”：请从列表中选择企业，或先在“合作企业”中新建"
                )
            ]
        return []

    # ------------------------------------------------------------ state and saving

    def state(self) -> tuple:
        values: list[object] = []
        for w in self.findChildren(QWidget):
            if isinstance(w, QLineEdit) and not isinstance(
                w.parentWidget(), QComboBox | QDateEdit | QSpinBox
            ):
                values.append(w.text())
            elif isinstance(w, QComboBox):
                values.append(w.currentText())
            elif isinstance(w, OptionalDate | QDateEdit):
                values.append(w.date().toString("yyyy-MM-dd"))
            elif isinstance(w, QSpinBox):
                values.append(w.value())
            elif isinstance(w, QPlainTextEdit):
                values.append(w.toPlainText())
        return tuple(values)

    @Slot()
    def save(self) -> None:
        if self._saving:
            return
        self.show_errors([])
        try:
            data = self.data()
        except ValidationError as e:
            self.show_errors([e])
            return
        errors = [*self.form_errors(), *read_now(lambda s: self.check(s, data))]
        if errors:
            self.show_errors(errors)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        WriteOp(self, self.work(data)).success(self._saved).failure(self._failed).run()

    def form_errors(self) -> list[ValidationError]:
        """Problems only the form can see (text typed in a choice box)."""
        return []

    def errors_shown(self, first_field: str) -> None:
        label = self.errors.get(first_field)
        if label is not None:
            label.parentWidget().setFocus()
            for child in label.parentWidget().findChildren(QWidget):
                if child.focusPolicy() != child.focusPolicy().NoFocus and child.isEnabled():
                    child.setFocus()
                    break

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self._initial = self.state()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.save_failed(exc)

    def reject(self) -> None:
        if self.state() != self._initial:
            answer = QMessageBox.question(self, "放弃修改", "内容尚未保存，确定关闭吗？")
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()
