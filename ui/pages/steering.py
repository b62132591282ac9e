"""专业群建设指导委员会 (N四(一)3): one 专业群 at a time (the chooser at the top), its members (by committee
role) and its meetings (latest first). The search box filters both tables; 添加 / 编辑 / 删除 open the small
forms of ui/dialogs/steering_dialogs.py; a delete can be undone from the bar.

Members have no phone number in the archive (a business contact's phone belongs to the enterprise's 联系人)."""

from __future__ import annotations

from app.services import industry as svc
from app.services.common import Changes
from ui import theme
from ui.forms.child_table import ChildTable
from ui.operations import industry as industry_ops
from ui.ops import read_now
from ui.pages.list_page import load_and_follow
from ui.qt import *  # noqa: F403
from ui.widgets import SearchBox, UndoBar, view_or_empty

WATCHED = ("steering_member", "steering_meeting", "enterprise", "settings", "major_group")


class SteeringView(QWidget):
    title = "专业群建设指导委员会"
    new_text = "添加委员…"  # the main window's 新建 on this tab

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._members: dict[str, svc.SteeringMemberRow] = {}
        self._meetings: dict[str, svc.SteeringMeetingRow] = {}
        self._undo: tuple[str, list[str]] = ("", [])
        self._pending_m: str | None = None  # select after the reload that follows a save
        self._pending_t: str | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)  # a tab of 行业与工作室: the page's title is above the tabs
        bar = QHBoxLayout()
        bar.addWidget(QLabel("专业群"))
        self.group_box = QComboBox()
        self.group_box.setMinimumContentsLength(14)
        self.group_box.currentIndexChanged.connect(lambda _i: self.reload())
        bar.addWidget(self.group_box, 1)
        self.search = SearchBox("搜索姓名、企业、职务、地点或纪要  Ctrl+F")
        self.search.search.connect(self._filter)
        bar.addWidget(self.search, 2)
        self.count_label = QLabel()
        theme.muted(self.count_label)
        bar.addWidget(self.count_label)
        lay.addLayout(bar)
        self.undo_bar = UndoBar()
        self.undo_bar.undo_clicked.connect(self._undo_delete)
        lay.addWidget(self.undo_bar)

        self.members = ChildTable(
            ("委员会职务", "姓名", "所在企业", "职务 / 职称"),
            (90, 90, 260, 200),
            noun="委员",
            add_text="添加委员…",
            title="委员",
            empty_text="还没有委员。点“添加委员…”登记指导委员会的主任、副主任、秘书长和委员，"
            "企业委员注明所在企业。",
        )
        self.meetings = ChildTable(
            ("会议日期", "地点", "出席人员", "议题与纪要"),
            (92, 150, 160, 400),
            noun="会议",
            add_text="添加会议…",
            title="会议",
            empty_text="还没有会议记录。点“添加会议…”登记指导委员会会议的日期、地点、出席人员和纪要。",
        )
        self.members.add_wanted.connect(self.add_member)
        self.members.edit_wanted.connect(self.edit_member)
        self.members.delete_wanted.connect(self.delete_members)
        self.meetings.add_wanted.connect(self.add_meeting)
        self.meetings.edit_wanted.connect(self.edit_meeting)
        self.meetings.delete_wanted.connect(self.delete_meetings)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.members)
        split.addWidget(self.meetings)
        split.setChildrenCollapsible(False)
        self.stack, self.empty = view_or_empty(lay, split)
        self.empty.configure(
            "尚未设置专业群",
            "指导委员会按专业群组建。请先在“设置”中添加专业群与专业，再回来登记委员和会议。",
            [],
        )
        load_and_follow(self)  # a hidden page reloads when shown

    # ------------------------------------------------------------ loading

    def group_id(self) -> str:
        return self.group_box.currentData() or ""

    def group_name(self) -> str:
        return self.group_box.currentText()

    def show_group(self, group_id: str) -> None:
        i = self.group_box.findData(group_id)
        if i >= 0:
            self.group_box.setCurrentIndex(i)

    def reload(self) -> None:
        self._refresh_groups()
        gid = self.group_id()
        self.stack.setCurrentIndex(0 if gid else 1)
        self.group_box.setEnabled(bool(gid))
        self.search.setEnabled(bool(gid))
        members, meetings = read_now(lambda s: svc.steering_rows(s, gid)) if gid else ([], [])
        pending_m, pending_t, self._pending_m, self._pending_t = self._pending_m, self._pending_t, None, None
        self._members = {m.id: m for m in members}
        self._meetings = {m.id: m for m in meetings}
        self.members.set_rows(
            [(m.id, [m.role, m.name, m.enterprise_name, m.title]) for m in members], pending_m
        )
        self.meetings.set_rows(
            [
                (m.id, [m.held_on.isoformat() if m.held_on else "", m.place, m.attendees, m.minutes])
                for m in meetings
            ],
            pending_t,
        )
        self._filter(self.search.text())

    def _refresh_groups(self) -> None:
        groups = read_now(svc.group_choices)
        current = self.group_id()
        self.group_box.blockSignals(True)
        self.group_box.clear()
        for g in groups:
            self.group_box.addItem(g.label, g.id)
        self.group_box.setCurrentIndex(max(0, self.group_box.findData(current)))
        self.group_box.blockSignals(False)

    @Slot(str)
    def _filter(self, text: str) -> None:
        m, t = self.members.filter(text), self.meetings.filter(text)
        if text.strip():
            self.count_label.setText(f"找到委员 {m} 人、会议 {t} 次")
        else:
            self.count_label.setText(f"委员 {m} 人，会议 {t} 次" if self.group_id() else "")

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table in WATCHED:
            self.refresh()

    # ------------------------------------------------------------ actions

    @Slot()
    def add_member(self) -> str | None:
        return self._edit("SteeringMemberDialog", None, "_pending_m")

    @Slot(str)
    def edit_member(self, member_id: str) -> None:
        self._edit("SteeringMemberDialog", self._members.get(member_id), "_pending_m")

    @Slot()
    def add_meeting(self) -> str | None:
        return self._edit("SteeringMeetingDialog", None, "_pending_t")

    @Slot(str)
    def edit_meeting(self, meeting_id: str) -> None:
        self._edit("SteeringMeetingDialog", self._meetings.get(meeting_id), "_pending_t")

    def _edit(self, form: str, row: object, pending: str) -> str | None:
        """The committee's member or meeting form (`form`, of ui/dialogs/steering_dialogs.py) on `row`, a new one
        when None; the one saved is selected after the reload (`pending`, the attribute naming it)."""
        from ui.dialogs import steering_dialogs

        if not self.group_id():
            return None
        dlg = getattr(steering_dialogs, form)(self.window(), self.group_id(), self.group_name(), row)
        dlg.exec()
        setattr(self, pending, dlg.saved_id)
        return dlg.saved_id

    @Slot(list)
    def delete_members(self, ids: list[str]) -> None:
        industry_ops.delete_steering_members(self, ids, self._deleted)

    @Slot(list)
    def delete_meetings(self, ids: list[str]) -> None:
        industry_ops.delete_steering_meetings(self, ids, self._deleted)

    def _deleted(self, changes: Changes) -> None:
        self._undo = (changes.table, list(changes.ids))
        what = "位委员" if changes.table == "steering_member" else "次会议"
        self.undo_bar.show_message(f"已删除 {changes.count} {what}到回收站。")

    @Slot()
    def _undo_delete(self) -> None:
        table, ids = self._undo
        if ids:
            industry_ops.restore_steering(self, table, ids)

    def new_record(self) -> None:
        self.add_member()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def focus_view(self) -> None:
        self.members.table.setFocus()

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("steering/group", self.group_id())

    def restore_state(self, settings: QSettings) -> None:
        self.show_group(str(settings.value("steering/group", "") or ""))
