"""What the 成果 and 培训 forms share, on top of RecordForm: one page of fields, an enterprise chosen by typing
part of its name (text that names no enterprise of the archive is refused at the field, not saved as none),
a major, and amounts typed as people write them (12,345.60 / ¥12345.6 / 12345.6元).

A subclass builds its fields in `build_fields(enterprises, majors)` with `row(...)` (its enterprise box named
`enterprise`, its major box `major`), and implements `read`, `load` (with `fill_outcome`), `data` (with
`outcome_values`), `check_record` and `write`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.services.choices import Choice, chosen_labels, enterprise_choices, major_choices
from app.services.outcomes import MAX_FEN
from ui.forms import ChoiceBox, MoneyEdit, RecordForm
from ui.ops import read_now
from ui.qt import *  # noqa: F403

MAX_CHOICES = 5000


def amount_fen(edit: MoneyEdit) -> int:
    """The amount typed (blank = 0), in 分; ValidationError at the field when unreadable, negative or too big."""
    fen = edit.fen() or 0
    if fen < 0:
        raise ValidationError(edit.field, f"{edit.label}不能为负数")
    if fen > MAX_FEN:
        raise ValidationError(edit.field, f"{edit.label}过大，请检查是否多输了位数")
    return fen


class OutcomeForm(RecordForm):
    default_size = (640, 500)

    def build(self) -> None:
        self.fields = self.form()
        enterprises, majors = read_now(lambda s: (enterprise_choices(s, limit=MAX_CHOICES), major_choices(s)))
        self.build_fields(enterprises, majors)
        self.body.addStretch(1)

    # ------------------------------------------------------------ subclass hooks

    def build_fields(self, enterprises: list[Choice], majors: list[Choice]) -> None:
        raise NotImplementedError

    def check_record(self, s: Session, data: Any) -> Sequence[ValidationError]:
        """The service's check of the record."""
        raise NotImplementedError

    # ------------------------------------------------------------ building blocks

    def row(self, label: str, widget: QWidget, field: str) -> None:
        self.fields.addRow(label, self.with_error(field, widget))

    def set_label(self, field: str, text: str) -> None:
        label = self.fields.labelForField(self.errors[field].parentWidget())
        if isinstance(label, QLabel):
            label.setText(text)

    def enterprise_box(self, enterprises: list[Choice], blank: str) -> ChoiceBox:
        box = ChoiceBox(enterprises, blank=blank)
        box.setMinimumContentsLength(20)
        box.lineEdit().setPlaceholderText("输入企业名称的一部分，从列表中选择")
        return box

    def major_box(self, majors: list[Choice]) -> ChoiceBox:
        return ChoiceBox(majors, blank="（不指定专业）", editable=False)

    def fill_outcome(self, row: Any) -> None:
        """The record's bound fields, its enterprise and its major (one since deleted named so)."""
        self.fill(row)
        self.set_enterprise(self.enterprise, row.enterprise_id)
        self.major.set_value(row.major_id, row.major_name or "（已删除的专业）")

    def outcome_values(self) -> dict[str, Any]:
        """The bound fields' values with the enterprise and the major chosen."""
        return {**self.values(), "enterprise_id": self.enterprise.value(), "major_id": self.major.value()}

    @staticmethod
    def set_enterprise(box: ChoiceBox, enterprise_id: str | None) -> None:
        labels = read_now(lambda s: chosen_labels(s, [enterprise_id or ""], []))
        box.set_value(enterprise_id, labels.get(enterprise_id or "", ""))

    @staticmethod
    def enterprise_error(box: ChoiceBox) -> list[ValidationError]:
        """Text typed that names no enterprise of the archive: say so instead of saving without one."""
        text = box.currentText().strip()
        if text and box.findText(text) < 0:
            return [
                ValidationError(
                    "enterprise_id", f"档案中没有“{text}”：请从列表中选择企业，或先在“合作企业”中新建"
                )
            ]
        return []

    # ------------------------------------------------------------ checking

    def check(self, s: Session, data: Any) -> list[ValidationError]:
        return [*self.enterprise_error(self.enterprise), *self.check_record(s, data)]

    def errors_shown(self, first_field: str) -> None:
        """Put the cursor into the first field to fix."""
        label = self.errors.get(first_field)
        if label is None:
            return
        for child in label.parentWidget().findChildren(QWidget):
            if child.focusPolicy() != child.focusPolicy().NoFocus and child.isEnabled():
                child.setFocus()
                break
