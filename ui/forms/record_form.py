"""RecordForm: the one base of every record form (TagStudio qt/controllers/modal.py; Anki saveGeom/restoreGeom).

It owns what every form does the same way: the field errors (a red line under each field, cleared as soon as
the field is edited, and a summary line that counts what is left), the button box (保存 Ctrl+S / 取消), the
window's geometry under a key (kept on screen), the unsaved-changes question on close, and the save sequence:
read the fields → check on the worker → write in one op → saved (closes, `saved_id`) / failed (errors shown
where they belong). A form supplies its fields and the two service calls:

    class TeacherForm(RecordForm):
        geometry_key = "teacher"
        unsaved_what = "教师信息"
        titles = ("新建教师", "教师")
        bound_fields = "name staff_no courses note"      # widgets named as the data fields
        first_field = "name"                             # the cursor starts there

        def build(self) -> None:                         # fields into self.body
            self.name = QLineEdit()
            self.form().addRow("姓名 *", self.with_error("name", self.name))
            ...
        def read(self, s, record_id): return svc.get_teacher(s, record_id)
        def load(self, t) -> None: self.fill(t)
        def data(self) -> svc.TeacherData: return svc.TeacherData(**self.values(), major_id=self.major.value())
        def check(self, s, data): return svc.check_teacher(s, data, exclude_id=self.record_id)
        def write(self, s, data): return svc.update_teacher(s, self.record_id, data) if self.record_id else ...

Field binding: `fill(record, names)` shows each named attribute of the record in the widget attribute of the
same name, and `values(names)` reads them back as a dict for the service's data class; `names` is a
space-separated list, `bound_fields` when left out. The widget's type says how (fields.show_value /
read_value: text, plain text, checked, value, DateField, ChoiceBox, MoneyEdit in 分, a combo's data or text).
Dates or amounts that cannot be read raise ValidationErrors, each naming its field.
What does not fit (a widget named otherwise, a choice kept with a deleted record's label, a value converted)
stays written out beside them.

A form that needs context before it is built (a preset enterprise, the parent record) sets its attributes
before calling `super().__init__`; one that only puts the cursor somewhere names the widget in `first_field`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.errors import RecordConflict, RecordDeleted, ValidationError, ValidationErrors
from app.services import versions
from app.services.common import Changes
from app.services.undo import journaled
from ui import theme
from ui.forms.fields import fill_fields, read_fields
from ui.ops import WriteOp, read_now, write_refusal
from ui.qt import *  # noqa: F403
from ui.settings import ui_settings

# The signals that mean "the user changed this field" on the widgets forms use.
_CHANGE_SIGNALS = ("changed", "textChanged", "currentIndexChanged", "valueChanged", "toggled", "dateChanged")


def restore_geometry(widget: QWidget, key: str, default: tuple[int, int]) -> None:
    """The size and place a window had when last closed, kept on the screen it opens on (a window saved on a
    larger monitor or at another scaling must not open with its buttons off-screen)."""
    geometry = ui_settings().value(f"dialogs/{key}") if key else None
    if geometry is None or not widget.restoreGeometry(geometry):
        widget.resize(*default)
    fit_on_screen(widget)


def save_geometry(widget: QWidget, key: str) -> None:
    if key:
        ui_settings().setValue(f"dialogs/{key}", widget.saveGeometry())


def fit_on_screen(widget: QWidget) -> None:
    screen = widget.screen() if widget.screen() else None
    if screen is None:
        return
    room = screen.availableGeometry()
    frame = 40  # the title bar and borders the window manager adds
    w, h = min(widget.width(), room.width()), min(widget.height(), room.height() - frame)
    if (w, h) != (widget.width(), widget.height()):
        widget.resize(w, h)
    x = min(max(widget.x(), room.left()), room.right() - w)
    y = min(max(widget.y(), room.top()), room.bottom() - h - frame)
    widget.move(x, y)


def scrolling(content: QWidget) -> QScrollArea:
    """A page of fields that scrolls when the window is too low for it (1366×768, 150 % scaling)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(content)
    return area


def _tab_of(widget: QWidget) -> str:
    """The name of the tab `widget` is on (“联系人（2）” → “联系人”): a field with no label of its own (a grid)."""
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QStackedWidget) and isinstance(tabs := parent.parentWidget(), QTabWidget):
            text = tabs.tabText(tabs.indexOf(child)).replace("&", "")
            return text.split("（")[0].strip()
        child, parent = parent, parent.parentWidget()
    return ""


def ok_cancel(parent: QDialog, ok_text: str = "确定", cancel_text: str = "取消") -> QDialogButtonBox:
    """The button box of a small dialog that is not a record form: its OK wired to accept, Cancel to reject."""
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setDefault(True)
    buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(parent.accept)
    buttons.rejected.connect(parent.reject)
    return buttons


def close_box(dialog: QDialog) -> QDialogButtonBox:
    """The one 关闭 button of a dialog that only shows or does things (no record to save): Close and Esc
    close it the same way (reject)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
    buttons.rejected.connect(dialog.reject)
    return buttons


def read_only_table(
    headers: Sequence[str], *, widths: dict[int, int] | None = None, stretch: int | None = None
) -> QTableWidget:
    """A table that lists rows to read or pick one of (no editing, one whole row selected, no row numbers):
    columns `widths` wide, the `stretch` column (or the last) taking the spare width."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    for col, width in (widths or {}).items():
        table.setColumnWidth(col, width)
    if stretch is None:
        table.horizontalHeader().setStretchLastSection(True)
    else:
        table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class RecordForm(QDialog):
    pending_writes = 0  # writes started from the form (or a dialog it opened) not finished yet (ui/ops.py)
    geometry_key = ""  # window size and place kept under dialogs/<key>
    default_size = (720, 560)
    unsaved_what = "记录"  # "企业信息的修改尚未保存…"
    titles = ("新建记录", "编辑记录")  # (a new record, an existing one); `title_for(record)` may name it
    save_text = "保存"
    cancel_text = "取消"
    bound_fields = ""  # the fields `fill` and `values` bind when given no names (see the module docstring)
    first_field = ""  # the widget attribute that has the cursor when the form opens

    def __init__(self, parent: QWidget | None = None, record_id: str | None = None) -> None:
        super().__init__(parent)
        self.record_id = record_id
        self.saved_id: str | None = None
        self.saved_changes: Changes | None = None
        self.errors: dict[str, QLabel] = {}
        self._others: list[str] = []  # errors of no field of this form, shown in the summary line
        self._attachments: list[Any] = []  # AttachmentsPanels saved with the record (see `with_attachments`)
        self._saving = False
        self._then: Callable[[], None] | None = None  # save(then=…): stay open and call it once written
        self._quiet_close = False
        self._initial: object = None
        # The record as opened and its version: a save of a record someone else changed since is refused
        # (app/services/versions.py) and `_conflict` asks what to do.
        self._loaded: Any = None
        self._opened: versions.Opened | None = None
        self._next_opened: versions.Opened | None = None  # the version a save wrote (its transaction's)
        self._next_loaded: Any = None  # and the record as it wrote it
        self._boxes: dict[
            str, QWidget
        ] = {}  # field → its with_error box (a refused save names the field's label)
        self.setWindowTitle(self.titles[1] if record_id else self.titles[0])
        outer = QVBoxLayout(self)
        self.body = QVBoxLayout()
        outer.addLayout(self.body, 1)
        self.message = theme.error(QLabel(wordWrap=True))
        self.message.hide()
        outer.addWidget(self.message)
        self.buttons = QDialogButtonBox()
        self.save_button: QPushButton = self.buttons.addButton(
            self.save_text, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(self.cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(lambda _checked=False: self.save())
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save())
        self.build()
        if record_id:
            record = self._read_opened(record_id)
            self.load(record)
            if title := self.title_for(record):
                self.setWindowTitle(title)
        else:
            self.load_new()
        if refused := write_refusal():  # 只读: the form shows the record; 保存 says why it cannot
            self.save_button.setEnabled(False)
            self.save_button.setToolTip(refused)
            self.setWindowTitle(self.windowTitle() + "（只读）")
        self.mark_clean()
        restore_geometry(self, self.geometry_key, self.default_size)
        if self.first_field:
            getattr(self, self.first_field).setFocus()

    # ------------------------------------------------------------ what a form supplies

    def build(self) -> None:
        """Put the fields into self.body (register each with `with_error`)."""
        raise NotImplementedError

    def read(self, s: Session, record_id: str) -> Any:
        """The record to edit (a service's frozen row)."""
        raise NotImplementedError

    def load(self, record: Any) -> None:
        """Fill the fields from the record."""
        raise NotImplementedError

    def load_new(self) -> None:
        """Defaults of a new record (the fields' own defaults unless overridden)."""

    def title_for(self, record: Any) -> str:
        """The window title naming the record ("企业：长沙某某公司"); "" keeps titles[1]."""
        return ""

    def data(self) -> Any:
        """What the fields say, as the service's data class. May raise ValidationError(s) (a bad amount)."""
        raise NotImplementedError

    def check(self, s: Session, data: Any) -> Sequence[ValidationError]:
        """The service's check (errors, and warnings made with warning_only=True that the user may confirm);
        nothing by default (the write checks again)."""
        return ()

    def write(self, s: Session, data: Any) -> Changes:
        """The one write of a save, in one transaction."""
        raise NotImplementedError

    def state(self) -> object:
        """What the form shows, to know whether closing loses anything; by default its data (and text that
        does not parse yet counts as a change)."""
        try:
            fields: object = self.data()
        except (ValidationError, ValidationErrors) as e:
            fields = ("invalid", str(e))
        return (fields, *(panel.has_changes() for panel in self._attachments))

    def errors_shown(self, first_field: str) -> None:
        """Hook: bring the tab holding `first_field` forward."""

    def with_attachments(self, panel: Any) -> Any:
        """Save `panel`'s added and removed files with the record, in the same transaction, and count them as
        unsaved changes. Load it in `load` / `load_new` as usual. Returns the panel."""
        self._attachments.append(panel)
        return panel

    def saved(self, changes: Changes) -> None:
        """After a save was written (before the form closes): nothing by default."""

    def kept_open(self) -> None:
        """After `save(then=…)` wrote a record and the form stays open on it (`record_id` now set): show what
        depends on the saved record (reload it, enable child tabs). Nothing by default."""

    # ------------------------------------------------------------ field binding

    def _read_opened(self, record_id: str) -> Any:
        """Read the record to edit and remember it and the version of exactly what the form shows
        (versions.read_opened)."""
        self._loaded, self._opened = read_now(
            lambda s: versions.read_opened(s, record_id, lambda s2: self.read(s2, record_id))
        )
        return self._loaded

    def fill(self, record: Any, names: str = "") -> None:
        """Show the record's attributes `names` (default `bound_fields`) in the widgets of the same names; a
        mapping (a draft kept as JSON) gives its items, a missing one shown as empty."""
        fill_fields(self, record, names or self.bound_fields)

    def values(self, names: str = "") -> dict[str, Any]:
        """What the widgets `names` (default `bound_fields`) say, by name; dates or amounts that cannot be read
        raise ValidationErrors, each error at its field."""
        return read_fields(self, names or self.bound_fields)

    # ------------------------------------------------------------ building helpers

    def form(self, parent: QWidget | None = None) -> QFormLayout:
        """A form layout in the body (or in `parent`), fields growing with the window."""
        form = QFormLayout(parent) if parent is not None else QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if parent is None:
            self.body.addLayout(form)
        return form

    def error_label(self, field: str = "") -> QLabel:
        """A hidden red line; registered for `field` if one is given (several fields may share one)."""
        label = theme.error(QLabel(wordWrap=True))
        label.hide()
        if field:
            self.errors[field] = label
        return label

    def with_error(self, field: str, content: QWidget | QLayout) -> QWidget:
        """The field's widget (or a layout of widgets) with its error line under it; editing the field clears
        the line."""
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        if isinstance(content, QLayout):
            v.addLayout(content)
        else:
            v.addWidget(content)
        label = self.error_label(field)
        v.addWidget(label)
        self._boxes.setdefault(field, box)
        for widget in _widgets_in(content):
            self.watch(widget, label)
        return box

    def also_error(self, field: str, same_as: str) -> None:
        """Show `field`'s errors on the line of `same_as` (two dates of one period)."""
        self.errors[field] = self.errors[same_as]

    def watch(self, widget: QWidget, label: QLabel) -> None:
        """Clear `label` when `widget` (or, for a plain holder, any field inside it) is edited."""
        for name in _CHANGE_SIGNALS:
            signal = getattr(widget, name, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(lambda *_a, _l=label: self._field_edited(_l))
                return
        for child in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            self.watch(child, label)

    # ------------------------------------------------------------ errors

    def set_error(self, field: str, text: str) -> None:
        label = self.errors.get(field)
        if label is not None:
            label.setText(text)
            label.setVisible(bool(text))
        self._update_summary()

    def show_errors(self, errors: Sequence[ValidationError]) -> None:
        """Each error under its field (messages for one line joined), the rest in the summary line."""
        for label in set(self.errors.values()):
            label.clear()
            label.hide()
        by_label: dict[int, list[str]] = {}
        self._others = []
        for e in errors:
            label = self.errors.get(e.field)
            if label is None:
                self._others.append(e.message)
                continue
            by_label.setdefault(id(label), []).append(e.message)
            label.setText("；".join(by_label[id(label)]))
            label.show()
        self._update_summary()
        if errors:
            first = next((e.field for e in errors if e.field in self.errors), errors[0].field)
            self.errors_shown(first)

    def _field_edited(self, label: QLabel) -> None:
        if label.isVisibleTo(self) or label.text():
            label.clear()
            label.hide()
            self._update_summary()

    def _update_summary(self) -> None:
        shown = sum(1 for label in set(self.errors.values()) if label.text())
        count = shown + len(self._others)
        if not count:
            self.message.clear()
            self.message.hide()
            return
        text = f"有 {count} 处需要修改" + ("，见红字提示" if shown else "")
        self.message.setText(text + ("：" + "；".join(self._others) if self._others else "。"))
        self.message.show()

    def failed(self, exc: BaseException) -> None:
        """A save the service refused: field errors under their fields, a record changed by someone else
        meanwhile as the question what to do, anything else as an error box."""
        then, self._then = self._then, None
        self.set_busy(False)
        if isinstance(exc, RecordConflict):
            self._conflict(exc, then)
        elif isinstance(exc, ValidationErrors):
            self.show_errors(exc.errors)
        elif isinstance(exc, ValidationError):
            self.show_errors([exc])
        else:
            from ui.errors import show_error

            show_error(self, exc, "保存失败")

    def field_label(self, field: str) -> str:
        """The label the form shows for a data field ("名称 *" → "名称"), "" when it has none: the label just
        before its widget in a row of several, else its row's label (of the widget, or of its box with the
        error line)."""
        widget = getattr(self, field, None)
        widgets = [w for w in (widget, self._boxes.get(field)) if isinstance(w, QWidget)]
        for w in widgets[:1]:  # (a one-character text between two fields is a connector: “至”)
            for row in self.findChildren(QLayout):
                if isinstance(row, QVBoxLayout):
                    continue  # a column: the text above a widget is a hint, not its label
                if (at := row.indexOf(w)) > 0 and isinstance(label := row.itemAt(at - 1).widget(), QLabel):
                    if len(text := _label_text(label)) > 1:
                        return text
        for w in widgets:
            for layout in self.findChildren(QFormLayout):
                if isinstance(label := layout.labelForField(w), QLabel):
                    return _label_text(label)
        return _tab_of(widgets[0]) if widgets else ""

    def _conflict(self, refused: RecordConflict, then: Callable[[], None] | None) -> None:
        """Someone else changed (or deleted) the record since the form opened it: show who, when and what, and
        load their version, save over it, restore and save, or go back to the form."""
        from ui.forms.conflict import OVERWRITE, RELOAD, RESTORE, ConflictDialog

        rows: list[tuple[str, versions.Difference]] = []
        others = 0
        if self._opened is not None and not isinstance(refused, RecordDeleted):
            try:
                now = read_now(lambda s: self.read(s, self._opened.record_id))
                yours = self.data()
            except Exception:  # gone meanwhile, or the form's text does not parse: the message alone
                now = yours = None
            masked = versions.masked_fields(self._opened.table)
            for diff in versions.differences(self._loaded, now, yours, masked):
                if label := self.field_label(diff.field):
                    rows.append((label, diff))
                else:
                    others += 1
        dialog = ConflictDialog(self, refused, rows, others)
        dialog.exec()
        if dialog.choice == RELOAD:
            self.reload()
        elif dialog.choice in (OVERWRITE, RESTORE):
            self.save(then, overwrite=dialog.choice == OVERWRITE, restore=dialog.choice == RESTORE)

    def show_saved(self) -> Any:
        """After a write of the form's own beside 保存 (a status change): show the record as saved now, with
        the version of exactly that."""
        record = self._read_opened(self.record_id)
        self.load(record)
        return record

    def check_version(self, s: Session) -> None:
        """In a write of the form's own that saves the form's fields too (a status change with unsaved edits):
        refused, as 保存 is, if someone else saved the record since the form opened it."""
        if self._opened is not None:
            versions.ensure_unchanged(s, self._opened)

    def reload(self) -> None:
        """Show the record as it is saved now (the form's own changes go)."""
        if not self.record_id:
            return
        record = self._read_opened(self.record_id)
        self.load(record)
        self.show_errors([])
        self.mark_clean()

    # ------------------------------------------------------------ saving

    @Slot()
    def save(
        self, then: Callable[[], None] | None = None, *, overwrite: bool = False, restore: bool = False
    ) -> None:
        """Save and close; with `then`, save, stay open on the saved record (reloaded) and call `then` (a form
        that needs a saved record before a child record or a document can be made). The save is refused if
        someone else changed the record since the form opened it, unless `overwrite`; or moved it to the 回收站,
        unless `restore` (which takes it back out as part of this save)."""
        if self._saving:
            return
        if self.pending_writes:  # a write started from the form (完成 on an action item) is still queued:
            # save after it, on the version it leaves, with what the form shows then
            QTimer.singleShot(50, lambda: self.save(then, overwrite=overwrite, restore=restore))
            return
        try:
            data = self.data()
        except ValidationErrors as e:
            self.show_errors(e.errors)
            return
        except ValidationError as e:
            self.show_errors([e])
            return
        opened = self._opened
        try:  # a record changed or deleted meanwhile is said as that, not as the field errors it leads to
            if opened is not None:
                read_now(lambda s: versions.ensure_unchanged(s, opened, overwrite=overwrite, restore=restore))
        except RecordConflict as e:
            self._conflict(e, then)
            return
        # 恢复并保存: the record is still in the 回收站 for these checks (a base's cost rows would be refused);
        # the write checks everything again with the record taken out
        found = () if restore else read_now(lambda s: self.check(s, data))
        errors = [e for e in found if not e.warning_only]
        if errors:
            self.show_errors(errors)
            return
        if warnings := [e.message for e in found if e.warning_only]:
            text = "\n".join(warnings) + "\n\n仍要保存吗？"
            if QMessageBox.question(self, "请确认", text) != QMessageBox.StandardButton.Yes:
                return
        self._others = []
        self.show_errors([])
        self._then = then
        self.set_busy(True)
        title = self.windowTitle().removeprefix("编辑").removeprefix("修改")
        label = f"修改{title}" if self.record_id else title  # how 编辑 → 撤销“…” names it (ui/undo.py)
        files = [panel.work() for panel in self._attachments]  # the files as they are now
        self._next_opened = self._next_loaded = None

        def write(s: Session) -> Changes:
            if opened is not None:  # first, under the write lock: what it reads is what the save writes into
                versions.ensure_unchanged(s, opened, overwrite=overwrite, restore=restore)
            if opened is not None and restore:
                # out of the 回收站 in the session only, so the form's own checks (a base's cost rows) see it
                # live; no flush before the form's values are in (a 学号 changed in the form: the old one
                # may be another record's by now)
                versions.take_out_of_trash(s, opened)
                with s.no_autoflush:
                    changes = self.write(s, data)
            else:
                changes = self.write(s, data)
            for apply in files:
                apply(s, changes.ids[0])
            # the version this save wrote and the record as it wrote it, for a form kept open on the record
            # (save(then=…)): what its next save is checked against and a conflict's differences start from
            saved = changes.ids[0] if changes.ids else self.record_id
            self._next_opened = versions.written(s, saved)
            if then is not None and saved:
                self._next_loaded = self.read(s, saved)
            return changes

        WriteOp(self, lambda s: journaled(s, lambda: write(s), label)).success(self._written).failure(
            self.failed
        ).run()

    def _written(self, changes: Changes) -> None:
        then, self._then = self._then, None
        self.set_busy(False)
        self.saved_changes = changes
        self.saved_id = changes.ids[0] if changes.ids else self.record_id
        self.saved(changes)
        if then is None:
            self.mark_clean()
            self.accept()
            return
        self.record_id = self.saved_id
        # the next save checks against the version this save wrote (taken in its transaction); what it wrote
        # is what a conflict's differences start from
        self._opened, self._loaded = self._next_opened, self._next_loaded
        for panel in self._attachments:  # written with the record: not pending any more
            panel.saved(self.saved_id)
        self.setWindowTitle(self.titles[1])
        self.kept_open()
        self.mark_clean()
        then()

    def set_busy(self, busy: bool) -> None:
        """While a save is written: the save button (and whatever a form adds) cannot be pressed."""
        self._saving = busy
        self.save_button.setEnabled(not busy and not write_refusal())

    def beside_buttons(self, widget: QWidget) -> None:
        """Put `widget` at the left end of the button row (a 生成… button)."""
        outer = self.layout()
        at = outer.indexOf(self.buttons)
        outer.removeWidget(self.buttons)
        row = QHBoxLayout()
        row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.buttons)
        outer.insertLayout(at, row)

    # ------------------------------------------------------------ closing

    def mark_clean(self) -> None:
        self._initial = self.state()

    def dirty(self) -> bool:
        return self.state() != self._initial

    def reject(self) -> None:
        if self._saving and not self._quiet_close:
            return  # the save is being written: the form closes when it is, or shows why it was refused
        if not self._quiet_close and self.dirty():
            text = f"{self.unsaved_what}的修改尚未保存，确定放弃这些修改并关闭吗？"
            buttons = QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
            answer = QMessageBox.question(self, "放弃修改", text, buttons, QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """The title bar's ✕ (a close from the window system) asks like 取消 does; a close by the program
        (the application quitting) does not stop to ask."""
        if not event.spontaneous():
            self._quiet_close = True  # QDialog.closeEvent calls reject()
            super().closeEvent(event)
            return
        event.ignore()
        self.reject()

    def done(self, result: int) -> None:
        save_geometry(self, self.geometry_key)
        super().done(result)


def forms_above(widget: QObject | None) -> list[RecordForm]:
    """The record forms `widget` is in or was opened from (itself included), each with a record it opened."""
    forms = []
    while isinstance(widget, QWidget):
        if isinstance(widget, RecordForm) and widget.record_id and widget._opened is not None:
            forms.append(widget)
        widget = widget.parentWidget()
    return forms


def following(forms: Sequence[RecordForm], work: Callable[[Session], Any]) -> Callable[[Session], Any]:
    """`work` (any write started from a record form or a dialog it opened: its save, a status change, an
    action item completed, a cost row, a child record) made so that each of `forms` follows it: a form whose
    record this write changed (its own parts count) takes the version the write left, so the form's next save
    is not refused as if someone else had changed it — unless someone else had saved the record since the
    form opened it: then the form keeps its version and its next save is still refused. (ui/ops.py applies
    it to every write; `forms_above` is called on the GUI thread, the write on the worker.)"""

    def run(s: Session) -> Any:
        before = [(form, versions.opened(s, form.record_id)) for form in forms]
        result = work(s)
        after = [(form, seen, versions.written(s, form.record_id)) for form, seen in before]

        def adopt(_session: Session) -> None:  # once committed: a failed commit wrote no version
            for form, seen, new in after:
                if seen == form._opened:  # the form stood on the record as it was: it follows this write
                    form._opened = new

        event.listen(s, "after_commit", adopt, once=True)
        return result

    return run


def _label_text(label: QLabel) -> str:
    return label.text().replace("*", "").strip().rstrip("：:").strip()


def _widgets_in(content: QWidget | QLayout) -> list[QWidget]:
    if isinstance(content, QWidget):
        return [content]
    found = []
    for i in range(content.count()):
        item = content.itemAt(i)
        if item.widget() is not None:
            found.append(item.widget())
        elif item.layout() is not None:
            found.extend(_widgets_in(item.layout()))
    return found


def id_alias() -> property:
    """The record's id under the name a form's callers use (read-only): `student_id = id_alias()`."""
    return property(lambda self: self.record_id, doc="the record's id (None for a new, unsaved one)")
