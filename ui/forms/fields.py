"""The field widgets every record form shares: a choice box, a money field, a date that can be typed.

    self.enterprise = ChoiceBox(choices, blank="（不关联企业）")     # .value() → id or None
    self.amount = MoneyEdit("amount_fen", "合同金额")               # .fen() → int 分 or None; bad text raises
    self.signed_on = DateField()                                    # .value() → date or None; typed or picked
    self.starts_on = DateField(optional=False)                      # never empty: today until set

Each has a `changed` signal (RecordForm clears a field's error when its widget changes).

`show_value(widget, value)` / `read_value(widget)` put a record's value into a field widget and read it back,
by the widget's type; `fill_fields(owner, record, "name note")` / `read_fields(owner, "name note")` do it for
the widgets of those names (RecordForm's `fill` / `values`):

    QLineEdit text · QPlainTextEdit / QTextEdit plain text · QCheckBox checked · QSpinBox / QDoubleSpinBox value
    DateField date · ChoiceBox id · MoneyEdit 分 · MajorChecklist ticked ids
    QComboBox: the item's data when its items carry data (a code behind a label), else its text"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from app.domain.money import format_money, parse_money
from app.errors import ValidationError, ValidationErrors
from app.services.choices import Choice
from ui import theme
from ui.qt import *  # noqa: F403

DATE_FORMAT = "yyyy-MM-dd"


REQUIRED_MARK = " *"


def required(label: str) -> str:
    """The label of a field that must be filled: "企业名称 *" (the one way every form marks it)."""
    return f"{label}{REQUIRED_MARK}"


def qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(d: QDate) -> dt.date:
    return dt.date(d.year(), d.month(), d.day())


class ChoiceBox(QComboBox):
    """A drop-down of records (label, id) with a blank first item; typing filters by any part of the label.
    Text that matches no item counts as nothing chosen."""

    changed = Signal()

    def __init__(
        self, choices: Iterable[Choice] = (), *, blank: str = "（未选择）", editable: bool = True
    ) -> None:
        super().__init__()
        self.blank = blank
        self.setEditable(editable)
        if editable:
            self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            completer = self.completer()
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMinimumContentsLength(16)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMaxVisibleItems(15)
        self.set_choices(choices)
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def set_choices(self, choices: Iterable[Choice]) -> None:
        keep = self.value() if self.count() else None
        self.blockSignals(True)
        self.clear()
        if self.blank is not None:
            self.addItem(self.blank, "")
        for c in choices:
            self.addItem(c.label, c.id)
        self.blockSignals(False)
        self.set_value(keep)

    def value(self) -> str | None:
        if self.isEditable():
            i = self.currentIndex()  # the item chosen, even when another has the same label
            if i < 0 or self.itemText(i) != self.currentText():
                i = self.findText(self.currentText())  # text typed: the item it names, if any
            return (self.itemData(i) or None) if i >= 0 else None
        return self.currentData() or None

    def set_value(self, record_id: str | None, label: str = "") -> None:
        """Choose `record_id`; one no longer offered (a deleted record) is added with its label."""
        if record_id and self.findData(record_id) < 0:
            self.addItem(label or "（已删除）", record_id)
        self.setCurrentIndex(max(0, self.findData(record_id or "")))


class MoneyEdit(QLineEdit):
    """An amount in 元 as people type it (5000, 5,000.00, ¥5000元); read as integer 分."""

    changed = Signal()

    def __init__(self, field: str, label: str, *, placeholder: str = "元，如 5000 或 5,000.00") -> None:
        super().__init__(placeholderText=placeholder)
        self.field, self.label = field, label
        self.setMaxLength(30)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # room for 123,456.00 whole: a narrow field shows the tail ("0.00" for 4,400.00)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("123,456.00") + 20)
        self.textChanged.connect(lambda _t: self.changed.emit())

    def fen(self) -> int | None:
        """The amount in 分, None when empty; ValidationError(field) for text that is not an amount."""
        text = self.text().strip()
        if not text:
            return None
        try:
            return parse_money(text)
        except ValueError as e:
            raise ValidationError(self.field, f"{self.label}：{e}") from None

    def required_fen(self) -> int:
        """The amount in 分 of a field that must be filled: ValidationError(field) when empty or unreadable."""
        fen = self.fen()
        if fen is None:
            raise ValidationError(self.field, f"请填写{self.label}")
        return fen

    def set_fen(self, fen: int | None) -> None:
        self.setText(format_money(fen, symbol=False) if fen is not None else "")


class _Calendar(QCalendarWidget):
    picked = Signal(QDate)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Popup)
        self.setGridVisible(True)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.clicked.connect(self._pick)
        self.activated.connect(self._pick)

    @Slot(QDate)
    def _pick(self, d: QDate) -> None:
        self.hide()
        self.picked.emit(d)


class DateField(QWidget):
    """A date typed in the usual Chinese forms (2026-11-01, 2026/11/1, 2026.11.1, 20261101, 2026年11月1日) or
    picked from a calendar that opens on the date shown, or on today when empty.

    Optional fields may be empty ("未填写"); text that is not a date stays as typed, shown in red, and
    `value()` raises ValidationError so the form names the field."""

    changed = Signal()

    def __init__(self, *, optional: bool = True, field: str = "", label: str = "日期") -> None:
        super().__init__()
        self.optional, self.field, self.label = optional, field, label
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.edit = QLineEdit(placeholderText="未填写" if optional else "如 2026-11-01")
        self.edit.setMaxLength(20)
        self.edit.setToolTip("可直接输入，如 2026-11-01、2026/11/1、20261101；或点右边的按钮从日历中选")
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("2026-11-01") + 24)
        self.edit.editingFinished.connect(self._normalise)
        self.edit.textChanged.connect(self._text_changed)
        self.button = QToolButton(text="▼")
        self.button.setToolTip("从日历中选择")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.open_calendar)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.button)
        self._calendar: _Calendar | None = None
        if not optional:
            self.set_value(dt.date.today())

    # ------------------------------------------------------------ value

    def parsed(self) -> dt.date | None:
        """The date shown; None when empty; ValueError (Chinese) when the text is not a date."""
        text = self.edit.text().strip()
        if not text:
            if self.optional:
                return None
            raise ValueError("请填写日期")
        from app.io.xlsx import cell_date  # here, not on top: openpyxl is not loaded before a form needs it

        return cell_date(text)

    def value(self) -> dt.date | None:
        try:
            return self.parsed()
        except ValueError as e:
            raise ValidationError(self.field, f"{self.label}：{e}") from None

    def set_value(self, value: dt.date | None) -> None:
        self.edit.setText(value.isoformat() if value else "")

    def valid(self) -> bool:
        try:
            self.parsed()
        except ValueError:
            return False
        return True

    # ------------------------------------------------------------ typing and picking

    @Slot()
    def _normalise(self) -> None:
        """After typing: show the date as understood (2026/11/1 → 2026-11-01)."""
        try:
            d = self.parsed()
        except ValueError:
            return
        if d is not None and self.edit.text() != d.isoformat():
            self.edit.setText(d.isoformat())

    @Slot(str)
    def _text_changed(self, _text: str) -> None:
        typed_wrong = bool(self.edit.text().strip()) and not self.valid()  # empty is said at saving
        self.edit.setStyleSheet(theme.ERROR_STYLE if typed_wrong else "")
        self.changed.emit()

    @Slot()
    def open_calendar(self) -> None:
        if self._calendar is None:
            self._calendar = _Calendar(self)
            self._calendar.picked.connect(lambda d: self._picked(pydate(d)))
        try:
            shown = self.parsed() or dt.date.today()
        except ValueError:
            shown = dt.date.today()
        self._calendar.setSelectedDate(qdate(shown))
        self._calendar.setCurrentPage(shown.year, shown.month)
        self._calendar.adjustSize()
        self._calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        self._calendar.show()
        self._calendar.setFocus()

    def _picked(self, d: dt.date) -> None:
        self.set_value(d)
        self.edit.setFocus()


def show_value(widget: QWidget, value: object) -> None:
    """Show `value` in a field widget, by the widget's type (see the module docstring)."""
    _binding(widget)[1](widget, value)


def read_value(widget: QWidget) -> object:
    """The value a field widget shows, by its type; ValidationError (naming the field) for a date or an amount
    that cannot be read."""
    return _binding(widget)[0](widget)


def fill_fields(owner: object, record: object, names: str) -> None:
    """Show the record's attributes `names` (space-separated) in `owner`'s widgets of the same names; a mapping
    (a draft kept as JSON) gives its items, a missing one shown as empty."""
    for name in names.split():
        value = record.get(name) if isinstance(record, Mapping) else getattr(record, name)
        show_value(getattr(owner, name), value)


def read_fields(owner: object, names: str) -> dict[str, object]:
    """What `owner`'s widgets `names` say, by name; dates or amounts that cannot be read raise
    ValidationErrors, each error at its field."""
    found: dict[str, object] = {}
    errors: list[ValidationError] = []
    for name in names.split():
        try:
            found[name] = read_value(getattr(owner, name))
        except ValidationError as e:
            errors.append(e if e.field else ValidationError(name, str(e)))
    if errors:
        raise ValidationErrors(errors)
    return found


def _binding(widget: QWidget) -> tuple[Callable[[Any], object], Callable[[Any, Any], None]]:
    for kind, read, show in _BINDINGS:
        if isinstance(widget, kind):
            return read, show
    raise TypeError(f"no value binding for {type(widget).__name__}")


def _read_combo(box: QComboBox) -> object:
    return box.currentData() if _carries_data(box) else box.currentText()


def _show_in_combo(box: QComboBox, value: object) -> None:
    if _carries_data(box):
        box.setCurrentIndex(max(0, box.findData(value if value is not None else "")))
    else:  # typed into an editable box; an item's text chosen in another (none: the choice stays)
        box.setCurrentText(str(value or ""))


def _carries_data(box: QComboBox) -> bool:
    return any(box.itemData(i) is not None for i in range(box.count()))


def note_edit(placeholder: str = "", height: int = 70, top: bool = False) -> QPlainTextEdit:
    """A few lines of free text in a form (备注, 说明, 评语 …) at most `height` high; Tab moves on to the next
    field. With `top` the box does not grow, so the fields above it stay at the top of the tab."""
    note = QPlainTextEdit(placeholderText=placeholder)
    note.setTabChangesFocus(True)
    note.setMaximumHeight(height)
    if top:
        note.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
    return note


def fit_to_content(box: QComboBox) -> QComboBox:
    """A drop-down of a few short items as wide as its longest one, never squeezed to cut it ("（不适用"
    under a wider Windows font)."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    box.setSizePolicy(QSizePolicy.Policy.Fixed, box.sizePolicy().verticalPolicy())
    return box


def side_by_side(*items: QWidget | str, stretch: bool = True) -> QWidget:
    """Fields (and short label texts between them, "至") in one row of a form, left-aligned."""
    box = QWidget()
    h = QHBoxLayout(box)
    h.setContentsMargins(0, 0, 0, 0)
    for item in items:
        h.addWidget(item if isinstance(item, QWidget) else QLabel(item))
    if stretch:
        h.addStretch(1)
    return box


class MajorChecklist(QListWidget):
    """The majors a record serves (面向专业), ticked in a wrapping list of all the majors of 设置.

    `checked()` gives the ticked ids in list order; `set_checked(ids)` ticks those (a major since deleted
    from 设置 is added, ticked, as “（已从设置中删除的专业）” so saving keeps it)."""

    GONE = "（已从设置中删除的专业）"

    def __init__(self, choices: Iterable[Choice], tooltip: str, height: int = 64) -> None:
        super().__init__()
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(2)
        self.setFixedHeight(height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(tooltip)
        for c in choices:
            self.add(c.id, c.label)

    def add(self, major_id: str, label: str, checked: bool = False) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, major_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.addItem(item)

    def checked(self) -> tuple[str, ...]:
        items = (self.item(i) for i in range(self.count()))
        return tuple(
            it.data(Qt.ItemDataRole.UserRole) for it in items if it.checkState() == Qt.CheckState.Checked
        )

    def set_checked(self, major_ids: Iterable[str]) -> None:
        wanted = tuple(major_ids)
        listed = set()
        for i in range(self.count()):
            item = self.item(i)
            listed.add(item.data(Qt.ItemDataRole.UserRole))
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        for major_id in wanted:
            if major_id not in listed:
                self.add(major_id, self.GONE, checked=True)


# (widget type, read, show): the first type the widget is wins, so subclasses (MoneyEdit, ChoiceBox) go first.
_BINDINGS: tuple[tuple[type | tuple[type, ...], Callable[[Any], object], Callable[[Any, Any], None]], ...] = (
    (MoneyEdit, MoneyEdit.fen, MoneyEdit.set_fen),
    ((DateField, ChoiceBox), lambda w: w.value(), lambda w, v: w.set_value(v)),
    (MajorChecklist, MajorChecklist.checked, MajorChecklist.set_checked),
    (QComboBox, _read_combo, _show_in_combo),
    (QLineEdit, QLineEdit.text, lambda w, v: w.setText(str(v or ""))),
    ((QPlainTextEdit, QTextEdit), lambda w: w.toPlainText(), lambda w, v: w.setPlainText(str(v or ""))),
    (QAbstractButton, QAbstractButton.isChecked, lambda w, v: w.setChecked(bool(v))),
    ((QSpinBox, QDoubleSpinBox), lambda w: w.value(), lambda w, v: w.setValue(v or 0)),
)
