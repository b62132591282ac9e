"""The shape the 行业组织 and 工作室 forms share: a record with a 基本信息 tab and an 活动 tab, and the small form of
one activity (date, what it was, who took part, a note).

- `WithActivities`: 基本信息 (the subclass's fields; 保存 writes them in one transaction and closes the form) and
  活动 (a ChildTable; each 添加 / 编辑 / 删除 is its own small transaction, written at once). A new record has
  no activities yet: the tab says so until it is saved.
- `ActivityForm`: 添加 / 编辑 an activity of a saved parent record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.services.common import Changes
from ui.forms import DateField, RecordForm, required, scrolling
from ui.forms.child_table import ChildTable
from ui.forms.fields import note_edit
from ui.ops import read_now
from ui.qt import *  # noqa: F403


def as_wide_as_needed(widget: QWidget) -> QWidget:
    """A field that keeps its own width in a form whose fields grow with the window (a date)."""
    widget.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return widget


class ActivityForm(RecordForm):
    """添加 / 编辑 one activity of `parent_id` (given the listed row when editing: the form reads the activity
    it names from the database, so it shows and saves over what is there now): its date, what it was
    (`what_field`, a line of text unless `what_widget` makes another field), who took part and a note. A
    subclass names the field and the service:

        what_field, what_label = "title", "活动名称"
        data_class = svc.StudioActivityData               # (parent id, held_on, what, participants, note)
        get_activity = staticmethod(svc.get_studio_activity)
        save_activity = staticmethod(svc.save_studio_activity)
    """

    default_size = (520, 360)
    unsaved_what = "活动"
    what_field, what_label, what_hint = "title", "活动名称", ""
    participants_hint = "参加人员"
    note_label, note_hint = "备注", "活动内容、成果"
    data_class: type
    first_field = "what"
    get_activity: Callable[[Session, str], Any]
    save_activity: Callable[[Session, Any, str | None], Changes]

    def __init__(self, parent: QWidget | None, parent_id: str, row: Any = None) -> None:
        self.parent_id = parent_id
        super().__init__(parent, row.id if row is not None else None)

    def build(self) -> None:
        form = self.form()
        self.held_on = DateField(optional=False, field="held_on", label="活动日期")
        form.addRow(required("活动日期"), self.with_error("held_on", as_wide_as_needed(self.held_on)))
        self.what = self.what_widget()
        setattr(self, self.what_field, self.what)  # tests and callers name it: .title, .activity_type
        form.addRow(required(self.what_label), self.with_error(self.what_field, self.what))
        self.participants = QLineEdit(placeholderText=self.participants_hint)
        form.addRow("参加人员", self.with_error("participants", self.participants))
        self.note = note_edit(self.note_hint, 90)
        form.addRow(self.note_label, self.with_error("note", self.note))
        self.body.addStretch(1)

    def what_widget(self) -> QLineEdit | QComboBox:
        return QLineEdit(placeholderText=self.what_hint)

    def fields_named(self) -> str:
        return f"held_on {self.what_field} participants note"

    def read(self, s: Session, record_id: str) -> Any:
        return type(self).get_activity(s, record_id)

    def load(self, row: Any) -> None:
        self.fill(row, self.fields_named())

    def data(self) -> Any:
        return self.data_class(self.parent_id, **self.values(self.fields_named()))

    def write(self, s: Session, data: Any) -> Changes:
        return type(self).save_activity(s, data, self.record_id)


class WithActivities(RecordForm):
    """A record form with the tabs 基本信息 and 活动, titled “<titles[1]>：<name>”. A subclass builds its fields in
    `build_basic(form)` (the tab scrolls when the window is low), loads them in `load_basic(row)` and names its
    activities:

        activity_form = StudioActivityDialog          # the form of one activity
        activity_columns = (("日期", 92), ("活动名称", 200), …)   # date, what, participants, note
        def activity_rows(self, s, record_id): …      # the service's rows of this record's activities
        def delete_activities_op(self, ids, done): …  # ui/operations
    """

    default_size = (720, 600)
    activity_form: type[ActivityForm]
    activity_columns: Sequence[tuple[str, int]] = ()
    activity_noun = "活动"
    activity_empty = "还没有活动记录。"
    activity_needs_saving = "保存后可登记活动"

    def build(self) -> None:
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)
        fields = QWidget()
        self.build_basic(self.form(fields))
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(fields)
        v.addStretch(1)  # the fields at the top, their rows as tall as they need
        self.tabs.addTab(scrolling(page), "基本信息")
        self.activities = ChildTable(
            [c for c, _w in self.activity_columns],
            [w for _c, w in self.activity_columns],
            noun=self.activity_noun,
            add_text="添加活动…",
            empty_text=self.activity_empty,
        )
        self.activities.layout().setContentsMargins(6, 6, 6, 6)  # inside the tab's frame
        self.activities.add_wanted.connect(self.add_activity)
        self.activities.edit_wanted.connect(self.edit_activity)
        self.activities.delete_wanted.connect(self.delete_activities)
        self.tabs.addTab(self.activities, "活动")
        self._activities: dict[str, Any] = {}

    def build_basic(self, form: QFormLayout) -> None:
        raise NotImplementedError

    def load_basic(self, row: Any) -> None:
        raise NotImplementedError

    def activity_rows(self, s: Session, record_id: str) -> list[Any]:
        raise NotImplementedError

    def activity_cells(self, a: Any) -> list[str]:
        """One activity's cells under `activity_columns`."""
        return [day_text(a.held_on), getattr(a, self.activity_form.what_field), a.participants, a.note]

    def delete_activities_op(self, ids: list[str], done: Callable[[object], None]) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------ RecordForm

    def title_for(self, row: Any) -> str:
        return f"{self.titles[1]}：{row.name}" if row else ""

    def load(self, row: Any) -> None:
        if row is None:  # deleted meanwhile (another window, an undo)
            self.message.setText("该记录已被删除，不能再修改。")
            self.message.show()
            self.save_button.setEnabled(False)
            self.tabs.setTabEnabled(1, False)
            return
        self.load_basic(row)
        self.reload_activities()

    def load_new(self) -> None:
        self.tabs.setTabEnabled(1, False)
        self.tabs.setTabToolTip(1, self.activity_needs_saving)

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(0)

    # ------------------------------------------------------------ activities

    def reload_activities(self, select: str | None = None) -> None:
        record_id = self.record_id or ""
        self._activities = {a.id: a for a in read_now(lambda s: self.activity_rows(s, record_id))}
        rows = [(a.id, self.activity_cells(a)) for a in self._activities.values()]
        self.activities.set_rows(rows, select)
        self.tabs.setTabText(1, f"活动（{len(rows)}）" if rows else "活动")

    @Slot()
    def add_activity(self) -> None:
        self._edit(None)

    @Slot(str)
    def edit_activity(self, activity_id: str) -> None:
        self._edit(self._activities.get(activity_id))

    def _edit(self, row: Any) -> None:
        if not self.record_id:
            return
        dlg = self.activity_form(self, self.record_id, row)
        if dlg.exec():
            self.reload_activities(dlg.saved_id)

    @Slot(list)
    def delete_activities(self, ids: list[str]) -> None:
        self.delete_activities_op(ids, lambda _c: self.reload_activities())


def day_text(d: dt.date | None) -> str:
    return d.isoformat() if d else ""
