"""Inline validation shared by the record forms: a red line under each field, filled from the services'
ValidationError.field, a summary line, and a failed save shown where it belongs.

    class AgreementDialog(FieldErrors, QDialog):
        ...
        form.addRow("协议名称 *", self.with_error("title", self.title))
        ...
        WriteOp(self, work).success(self._saved).failure(self.save_failed).run()

A form sets `self.errors = {}` and `self.message` (the summary QLabel) before building its fields, and may
override `errors_shown(first_field)` to bring the tab with the first error forward.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from app.errors import ValidationError, ValidationErrors
from app.services.common import Changes

ERROR_STYLE = "color:#c42b1c;"


class FieldErrors:
    errors: dict[str, QLabel]
    message: QLabel

    def error_label(self, field: str = "") -> QLabel:
        """A hidden red label; registered for `field` if one is given (several fields may share one)."""
        label = QLabel(wordWrap=True)
        label.setStyleSheet(ERROR_STYLE)
        label.hide()
        if field:
            self.errors[field] = label
        return label

    def with_error(self, field: str, content: QWidget | QLayout) -> QWidget:
        """The field's widget (or layout) with its error line under it."""
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        if isinstance(content, QLayout):
            v.addLayout(content)
        else:
            v.addWidget(content)
        v.addWidget(self.error_label(field))
        return box

    def set_error(self, field: str, text: str) -> None:
        label = self.errors.get(field)
        if label is not None:
            label.setText(text)
            label.setVisible(bool(text))

    def show_errors(self, errors: Sequence[ValidationError]) -> None:
        """Each error under its field (messages for one label joined), the rest in the summary line."""
        for label in self.errors.values():
            label.clear()
            label.hide()
        by_label: dict[int, list[str]] = {}
        others = []
        for e in errors:
            label = self.errors.get(e.field)
            if label is None:
                others.append(e.message)
                continue
            by_label.setdefault(id(label), []).append(e.message)
            label.setText("；".join(by_label[id(label)]))
            label.show()
        if not errors:
            self.message.clear()
            return
        text = f"有 {len(errors)} 处需要修改" + ("，见红字提示。" if by_label else "：")
        self.message.setText(text + "；".join(others))
        first = next((e.field for e in errors if e.field in self.errors), errors[0].field)
        self.errors_shown(first)

    def errors_shown(self, first_field: str) -> None:
        """Hook: bring the tab holding `first_field` forward."""

    def save_failed(self, exc: BaseException) -> None:
        """A save the service refused: field errors under their fields, anything else as an error box."""
        if isinstance(exc, ValidationErrors):
            self.show_errors(exc.errors)
        elif isinstance(exc, ValidationError):
            self.show_errors([exc])
        else:
            from ui.errors import show_error

            show_error(self, exc, "保存失败")  # type: ignore[arg-type]


class SaveFlow:
    """The end of a record form's save and its closing, the same in every form:

        class TeacherDialog(SaveFlow, FieldErrors, QDialog):
            unsaved_what = "教师信息"
            def form_state(self): return self.state()   # anything comparable
            ...
            WriteOp(self, work).success(self._saved).failure(self._failed).run()

    A saved form remembers the record's id (`saved_id`) and closes; a refused save shows its errors and enables
    the save button again; closing with unsaved changes asks first. `mark_clean()` after loading a record."""

    unsaved_what = "记录"
    saved_id: str | None
    save_button: QPushButton
    _initial: object = None
    _saving: bool = False

    def form_state(self) -> object:
        raise NotImplementedError

    def mark_clean(self) -> None:
        self._initial = self.form_state()

    def dirty(self) -> bool:
        return self.form_state() != self._initial

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self.mark_clean()
        self.accept()  # type: ignore[attr-defined]

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.save_failed(exc)  # type: ignore[attr-defined]

    def reject(self) -> None:
        if self.dirty():
            text = f"{self.unsaved_what}的修改尚未保存，确定关闭吗？"
            if QMessageBox.question(self, "放弃修改", text) != QMessageBox.StandardButton.Yes:  # type: ignore[arg-type]
                return
        super().reject()  # type: ignore[misc]
