"""The project form: basic data with its 合作层次 shown live, responsible people, KPIs with progress,
coordination meetings and operation reports per semester (the school policy's 第九条 and 第十条, cited by title
in the tooltips).

A RecordForm: saving the project is one write. Meetings, completed action items and reports are saved at once
with their own write, so they need a saved project: for a new one the tabs say so and offer to save first
(the form then stays open on the saved project)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.db.models import TIER_LABELS, TIERS
from app.errors import ValidationError, ValidationErrors
from app.services import meetings as msvc
from app.services import projects as svc
from app.services.choices import Choice, chosen_labels, major_choices
from app.services.common import Changes
from ui import theme
from ui.delegates import TIER_COLORS
from ui.dialogs.project_reports import ReportsTab
from ui.dialogs.project_tables import KpiTable, PeopleTable, button_row, saved_only, table_tab
from ui.forms import DateField, RecordForm, read_only_table, required, scrolling
from ui.forms.fields import MajorChecklist, note_edit
from ui.forms.record_form import id_alias
from ui.operations import projects as ops
from ui.ops import context, read_now
from ui.pickers import RecordPicker, agreement_search, enterprise_search
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, for_writers, write_action

RED = theme.brush(theme.ERROR)
TAB_KEYS = {
    "basic": 0,
    "基本信息": 0,
    "people": 1,
    "负责人": 1,
    "kpis": 2,
    "考核指标": 2,
    "meetings": 3,
    "协调会议": 3,
    "reports": 4,
    "运行报告": 4,
}
FIELD_TABS = {"responsibles": 1, "kpis": 2}


class ProjectDialog(RecordForm):
    geometry_key = "project"
    default_size = (900, 620)
    unsaved_what = "项目"
    titles = ("新建项目", "编辑项目")
    bound_fields = "name kind leader starts_on ends_on note"

    def __init__(
        self,
        parent: QWidget | None = None,
        project_id: str | None = None,
        tab: str = "",
        meeting_id: str = "",
    ) -> None:
        self.today = dt.date.today()
        super().__init__(parent, project_id)
        self._sync_saved_state()
        self.tabs.setCurrentIndex(TAB_KEYS.get(tab, 0))
        if meeting_id:
            self.select_meeting(meeting_id)
        context().changes_applied.connect(self._on_changes)

    project_id = id_alias()

    # ------------------------------------------------------------ layout

    def build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(scrolling(self._basic_tab()), "基本信息")
        self.tabs.addTab(self._people_tab(), "负责人")
        self.tabs.addTab(self._kpi_tab(), "考核指标")
        save_first = lambda: self.save(then=lambda: None)  # noqa: E731
        self._meetings_stack = saved_only(self._meetings_tab(), "协调会议", save_first)
        self._reports_stack = saved_only(self._reports_tab(), "运行报告", save_first)
        self.tabs.addTab(self._meetings_stack, "协调会议")
        self.tabs.addTab(self._reports_stack, "运行报告")
        self.body.addWidget(self.tabs, 1)

    def _basic_tab(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit(placeholderText="如 湘江智能装备订单班、现代农业产业学院")
        self.name.setMaxLength(200)
        form.addRow(required("项目名称"), self.with_error("name", self.name))

        self.kind = QComboBox()
        for k in svc.PROJECT_KINDS:
            if k == svc.OTHER_KINDS[0]:
                self.kind.insertSeparator(self.kind.count())
            self.kind.addItem(k, k)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.tier_box = QComboBox()
        self.tier_box.addItem("请选择合作层次", "")
        for t in reversed(TIERS):
            self.tier_box.addItem(TIER_LABELS[t], t)
        self.tier_label = QLabel()
        self.tier_hint = theme.hint(QLabel())
        self.tier_hint.setToolTip("合作层次依据" + cite_source("H第九条"))
        row = QHBoxLayout()
        row.addWidget(self.kind)
        row.addSpacing(16)
        row.addWidget(QLabel("合作层次"))
        row.addWidget(self.tier_box)
        row.addWidget(self.tier_label)
        row.addSpacing(10)
        row.addWidget(self.tier_hint, 1)
        form.addRow(required("项目类型"), self.with_error("kind", row))
        self.also_error("tier", "kind")  # the tier's message shows under the type

        self.leader = QLineEdit(placeholderText="项目负责人")
        self.leader.setToolTip("项目实行负责人制（依据" + cite_source("H第十条(四)") + "）")
        self.starts_on = DateField(field="starts_on", label="开始日期")
        self.ends_on = DateField(field="ends_on", label="结束日期")
        period = QHBoxLayout()
        period.addWidget(self.leader, 1)
        period.addSpacing(16)
        period.addWidget(QLabel("起止日期"))
        period.addWidget(self.starts_on)
        period.addWidget(QLabel("至"))
        period.addWidget(self.ends_on)
        form.addRow("负责人", self.with_error("ends_on", period))
        self.also_error("starts_on", "ends_on")
        self.enterprises = RecordPicker(
            enterprise_search,
            chosen_title="已选合作企业",
            placeholder="搜索企业名称、简称或拼音首字母，如 hnxj",
        )
        form.addRow("合作企业", self.with_error("enterprise_ids", self.enterprises))
        self.agreements = RecordPicker(
            agreement_search, chosen_title="已选关联协议", placeholder="搜索协议名称、编号或企业"
        )
        form.addRow("关联协议", self.with_error("agreement_ids", self.agreements))
        self.majors = MajorChecklist(read_now(major_choices), "勾选项目面向的专业（专业在“设置”中维护）", 60)
        form.addRow("面向专业", self.with_error("major_ids", self.majors))
        self.note = note_edit("", 48)
        form.addRow("备注", self.note)
        outer.addLayout(form)
        outer.addStretch(1)
        return page

    def _people_tab(self) -> QWidget:
        self.people = PeopleTable()
        return table_tab(
            self.people,
            self.error_label("responsibles"),
            "项目实行负责人制，各环节明确责任人，如 学生管理、企业对接、经费与资产、教学实施。",
            [
                ("添加责任人", lambda: self.people.add_responsible(svc.ResponsibleData("", ""), edit=True)),
                ("删除所选", self.people.remove_selected),
            ],
            "H第十条(四)",
        )

    def _kpi_tab(self) -> QWidget:
        self.kpis = KpiTable()
        return table_tab(
            self.kpis,
            self.error_label("kpis"),
            "关键考核指标：目标值与完成值用同一单位，完成度 = 完成值 ÷ 目标值。",
            [
                ("添加指标", lambda: self.kpis.add_kpi(svc.KPIData("", 0), edit=True)),
                ("删除所选", self.kpis.remove_selected),
            ],
            "H第十条(三)",
        )

    def _meetings_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.meetings = read_only_table(
            ("会议日期", "地点", "参会人员", "决定事项", "待办事项"),
            widths={0: 90, 1: 100, 2: 170, 4: 130},
            stretch=3,
        )
        self.meetings.doubleClicked.connect(lambda _i: self.edit_meeting())
        v.addWidget(self.meetings, 3)
        v.addLayout(
            button_row(
                (
                    write_action("新增会议…", self.add_meeting),
                    ("编辑…", self.edit_meeting),
                    write_action("删除", self.delete_meeting),
                )
            )
        )
        v.addWidget(QLabel("未完成的待办事项（逾期的显示为红色）："))
        self.open_items = read_only_table(
            ("待办事项", "责任人", "完成期限", "状态", "会议日期"),
            widths={1: 80, 2: 90, 3: 110, 4: 90},
            stretch=0,
        )
        self.open_items.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        v.addWidget(self.open_items, 2)
        row = QHBoxLayout()
        self.complete_button = QPushButton("标记完成")
        self.complete_button.setAutoDefault(False)
        self.complete_button.setToolTip("把所选待办事项标记为今天完成（立即保存）")
        self.complete_button.clicked.connect(self.complete_selected_items)
        for_writers(self.complete_button)
        row.addWidget(self.complete_button)
        row.addStretch(1)
        v.addLayout(row)
        return page

    def _reports_tab(self) -> QWidget:
        self.reports = ReportsTab(lambda: self.name.text().strip() or "项目")
        return self.reports

    # ------------------------------------------------------------ loading

    def read(self, s: Session, record_id: str) -> svc.ProjectDetail:
        return svc.get_project(s, record_id)

    def title_for(self, d: svc.ProjectDetail) -> str:
        return f"编辑项目 — {d.name}"

    def load_new(self) -> None:
        self._kind_changed()

    def load(self, d: svc.ProjectDetail) -> None:
        self.fill(d)
        self.tier_box.setCurrentIndex(max(0, self.tier_box.findData(d.tier)))
        for r in d.responsibles:
            self.people.add_responsible(r)
        for k in d.kpis:
            self.kpis.add_kpi(k)
        labels = read_now(lambda s: chosen_labels(s, d.enterprise_ids, d.agreement_ids))
        self.enterprises.set_chosen(Choice(i, labels.get(i, "（已删除）")) for i in d.enterprise_ids)
        self.agreements.set_chosen(Choice(i, labels.get(i, "（已删除）")) for i in d.agreement_ids)
        self.majors.set_checked(d.major_ids)
        self._kind_changed()

    def _sync_saved_state(self) -> None:
        saved = bool(self.record_id)
        self._meetings_stack.setCurrentIndex(1 if saved else 0)
        self._reports_stack.setCurrentIndex(1 if saved else 0)
        if saved:
            self.load_meetings()
            self.load_reports()

    # ------------------------------------------------------------ tier

    @Slot()
    def _kind_changed(self) -> None:
        kind = self.kind.currentData() or ""
        chosen = svc.tier_is_chosen(kind)
        self.tier_box.setVisible(chosen)
        self.tier_label.setVisible(not chosen)
        if chosen:
            self.tier_hint.setText("管理办法未规定该类型的层次，请按合作深度选择")
        else:
            tier = svc.tier_for(kind)
            self.tier_label.setText(TIER_LABELS[tier])
            self.tier_label.setStyleSheet(theme.text(TIER_COLORS[tier], bold=True))
            self.tier_hint.setText(f"按管理办法，{kind}属{TIER_LABELS[tier]}")

    def tier(self) -> str:
        """The tier the form shows now: derived from the kind, or chosen ("" if not yet)."""
        kind = self.kind.currentData() or ""
        return self.tier_box.currentData() or "" if svc.tier_is_chosen(kind) else svc.tier_for(kind)

    # ------------------------------------------------------------ saving

    def data(self) -> svc.ProjectData:
        errors = [ValidationError("kpis", p) for p in self.kpis.problems()]
        try:
            found = self.values()
        except ValidationErrors as e:
            errors += e.errors
        if errors:
            raise ValidationErrors(errors)
        return svc.ProjectData(
            **found,
            tier=self.tier_box.currentData() or "" if svc.tier_is_chosen(found["kind"]) else "",
            responsibles=self.people.responsibles(),
            kpis=self.kpis.kpis(),
            enterprise_ids=self.enterprises.ids(),
            agreement_ids=self.agreements.ids(),
            major_ids=self.majors.checked(),
        )

    def check(self, s: Session, data: svc.ProjectData) -> list[ValidationError]:
        return svc.check_project(s, data)

    def write(self, s: Session, data: svc.ProjectData) -> Changes:
        pid = self.record_id
        return svc.update_project(s, pid, data) if pid else svc.create_project(s, data)

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(FIELD_TABS.get(first_field, 0))

    def kept_open(self) -> None:
        self.setWindowTitle(f"编辑项目 — {self.name.text().strip()}")
        self._sync_saved_state()

    def is_modified(self) -> bool:
        return self.dirty()

    # ------------------------------------------------------------ meetings

    def load_meetings(self) -> None:
        pid = self.record_id
        meetings = read_now(lambda s: msvc.project_meetings(s, pid)) if pid else []
        selected = self.selected_meeting()
        self.meetings.setRowCount(0)
        self.open_items.setRowCount(0)
        for m in meetings:
            r = self.meetings.rowCount()
            self.meetings.insertRow(r)
            items = m.action_items
            overdue = [a for a in items if not a.done and a.due_on and a.due_on < self.today]
            done = sum(1 for a in items if a.done)
            summary = f"{done}/{len(items)} 已完成" if items else "无"
            if overdue:
                summary += f"，{len(overdue)} 项逾期"
            values = (m.held_on.isoformat() if m.held_on else "", m.place, m.attendees, m.decisions, summary)
            for col, value in enumerate(values):
                cell = QTableWidgetItem(value.replace("\n", " "))
                cell.setToolTip(value if len(value) > 10 else "")
                self.meetings.setItem(r, col, cell)
            self.meetings.item(r, 0).setData(Qt.ItemDataRole.UserRole, m.id)
            if overdue:
                self.meetings.item(r, 4).setForeground(RED)
            for a in items:
                if not a.done:
                    self._add_open_item(m, a)
        if selected:
            self.select_meeting(selected)
        self.complete_button.setEnabled(self.open_items.rowCount() > 0)

    def _add_open_item(self, m: msvc.MeetingDetail, a: msvc.ActionItemData) -> None:
        r = self.open_items.rowCount()
        self.open_items.insertRow(r)
        late = a.due_on is not None and a.due_on < self.today
        status = (
            f"逾期 {(self.today - a.due_on).days} 天"
            if late and a.due_on
            else "未到期"
            if a.due_on
            else "未定期限"
        )
        values = (
            a.description,
            a.owner,
            a.due_on.isoformat() if a.due_on else "",
            status,
            m.held_on.isoformat(),
        )
        for col, value in enumerate(values):
            cell = QTableWidgetItem(value)
            if late:
                cell.setForeground(RED)
            self.open_items.setItem(r, col, cell)
        self.open_items.item(r, 0).setData(Qt.ItemDataRole.UserRole, a.id)
        self.open_items.item(r, 0).setToolTip(a.description)

    def selected_meeting(self) -> str | None:
        rows = {i.row() for i in self.meetings.selectedIndexes()}
        if len(rows) != 1:
            return None
        return self.meetings.item(rows.pop(), 0).data(Qt.ItemDataRole.UserRole)

    def select_meeting(self, meeting_id: str) -> bool:
        for r in range(self.meetings.rowCount()):
            if self.meetings.item(r, 0).data(Qt.ItemDataRole.UserRole) == meeting_id:
                self.meetings.selectRow(r)
                return True
        return False

    def meeting_dialog(self, meeting_id: str | None = None):
        from ui.dialogs.meeting_dialog import MeetingDialog

        return MeetingDialog(self, self.record_id or "", meeting_id, self.name.text())

    @Slot()
    def add_meeting(self) -> None:
        self.meeting_dialog().exec()

    @Slot()
    def edit_meeting(self) -> None:
        mid = self.selected_meeting()
        if mid:
            self.meeting_dialog(mid).exec()

    def open_meeting_later(self, meeting_id: str) -> None:
        """Select a meeting and open it once this dialog is shown (a reminder's 打开)."""
        if self.select_meeting(meeting_id):
            QTimer.singleShot(0, self.edit_meeting)

    @Slot()
    def delete_meeting(self) -> None:
        mid = self.selected_meeting()
        if mid and confirm(
            self, "删除会议", "确定删除所选会议记录（连同其待办事项）？\n\n删除后可在“回收站”恢复。"
        ):
            ops.delete_meetings(self, [mid])

    @Slot()
    def complete_selected_items(self) -> None:
        rows = sorted({i.row() for i in self.open_items.selectedIndexes()})
        ids = [self.open_items.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]
        ops.complete_action_items(self, ids, self.today)

    # ------------------------------------------------------------ reports

    def load_reports(self) -> None:
        self.reports.load(
            self.record_id, has_start=self.starts_on.valid() and self.starts_on.parsed() is not None
        )

    def missing_reports(self) -> list[str]:
        return self.reports.missing_reports()

    # ------------------------------------------------------------ changes

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if not self.record_id:
            return
        if changes.table in ("meeting", "action_item"):
            self.load_meetings()
        elif changes.table in ("operation_report", "attachment", "settings"):
            self.load_reports()
