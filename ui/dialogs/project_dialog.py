"""The project form: basic data with the tier of H第九条 shown live, responsible people (H第十条(四)), KPIs
(H第十条(三)) with progress, coordination meetings (H第十条(一)) and operation reports per semester
(H第十条(五)).

Saving the project is one WriteOp. Meetings, completed action items and reports are saved at once with
their own WriteOp, so they need a saved project: for a new one the tabs say so and offer to save first."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db.models import TIER_LABELS, TIERS
from app.errors import ValidationError
from app.services import meetings as msvc
from app.services import projects as svc
from app.services.choices import Choice, chosen_labels, major_choices
from app.services.common import Changes
from ui.delegates import TIER_COLORS
from ui.dialogs.project_reports import ReportsTab
from ui.dialogs.project_tables import KpiTable, PeopleTable, saved_only, table_tab
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, context, read_now
from ui.pickers import RecordPicker, agreement_search, enterprise_search
from ui.settings import ui_settings
from ui.widgets import OptionalDate, confirm

HINT_STYLE = "color:#666;"
RED = QColor("#c42b1c")
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


class ProjectDialog(FieldErrors, QDialog):
    def __init__(
        self,
        parent: QWidget | None = None,
        project_id: str | None = None,
        tab: str = "",
        meeting_id: str = "",
    ) -> None:
        super().__init__(parent)
        self.project_id = project_id
        self.saved_id: str | None = None
        self.today = dt.date.today()
        self._saving = False
        self._keep_open = False
        self.setMinimumSize(820, 620)
        self._build()
        if project_id:
            self._load(read_now(lambda s: svc.get_project(s, project_id)))
        self._kind_changed()
        self._snapshot = self.data()
        self._sync_saved_state()
        self.tabs.setCurrentIndex(TAB_KEYS.get(tab, 0))
        if meeting_id:
            self.select_meeting(meeting_id)
        geometry = ui_settings().value("dialogs/project")
        if geometry is not None:
            self.restoreGeometry(geometry)
        context().changes_applied.connect(self._on_changes)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        self.errors: dict[str, QLabel] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self._basic_tab(), "基本信息")
        self.tabs.addTab(self._people_tab(), "负责人")
        self.tabs.addTab(self._kpi_tab(), "考核指标")
        save_first = lambda: self.save(keep_open=True)  # noqa: E731
        self._meetings_stack = saved_only(self._meetings_tab(), "协调会议", save_first)
        self._reports_stack = saved_only(self._reports_tab(), "运行报告", save_first)
        self.tabs.addTab(self._meetings_stack, "协调会议")
        self.tabs.addTab(self._reports_stack, "运行报告")
        lay.addWidget(self.tabs, 1)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(ERROR_STYLE)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存")
        self.save_button.setShortcut("Ctrl+S")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("关闭")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _basic_tab(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit(placeholderText="如 湘江智能装备订单班、现代农业产业学院")
        self.name.setMaxLength(200)
        form.addRow("项目名称 *", self.with_error("name", self.name))

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
        self.tier_hint = QLabel()
        self.tier_hint.setStyleSheet(HINT_STYLE)
        row = QHBoxLayout()
        row.addWidget(self.kind)
        row.addSpacing(16)
        row.addWidget(QLabel("合作层次"))
        row.addWidget(self.tier_box)
        row.addWidget(self.tier_label)
        row.addSpacing(10)
        row.addWidget(self.tier_hint, 1)
        form.addRow("项目类型 *", self.with_error("kind", row))
        self.errors["tier"] = self.errors["kind"]  # the tier's message shows under the type

        self.leader = QLineEdit(placeholderText="项目负责人（H第十条(四)）")
        self.starts_on = OptionalDate()
        self.ends_on = OptionalDate()
        period = QHBoxLayout()
        period.addWidget(self.leader, 1)
        period.addSpacing(16)
        period.addWidget(QLabel("起止日期"))
        period.addWidget(self.starts_on)
        period.addWidget(QLabel("至"))
        period.addWidget(self.ends_on)
        form.addRow("负责人", self.with_error("ends_on", period))
        self.errors["starts_on"] = self.errors["ends_on"]
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
        self.majors = QListWidget()
        self.majors.setFlow(QListView.Flow.LeftToRight)
        self.majors.setWrapping(True)
        self.majors.setResizeMode(QListView.ResizeMode.Adjust)
        self.majors.setSpacing(2)
        self.majors.setFixedHeight(60)
        self.majors.setToolTip("勾选项目面向的专业（专业在“设置”中维护）")
        for choice in read_now(major_choices):
            self._add_major(choice.id, choice.label)
        form.addRow("面向专业", self.with_error("major_ids", self.majors))
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(48)
        form.addRow("备注", self.note)
        outer.addLayout(form)
        outer.addStretch(1)
        return page

    def _add_major(self, major_id: str, label: str, checked: bool = False) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, major_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.majors.addItem(item)

    def _people_tab(self) -> QWidget:
        self.people = PeopleTable()
        return table_tab(
            self.people,
            self.error_label("responsibles"),
            "项目实行负责人制，各环节明确责任人（H第十条(四)），如 学生管理、企业对接、经费与资产、教学实施。",
            [
                ("添加责任人", lambda: self.people.add_responsible(svc.ResponsibleData("", ""), edit=True)),
                ("删除所选", self.people.remove_selected),
            ],
        )

    def _kpi_tab(self) -> QWidget:
        self.kpis = KpiTable()
        return table_tab(
            self.kpis,
            self.error_label("kpis"),
            "关键考核指标（H第十条(三)）：目标值与完成值用同一单位，完成度 = 完成值 ÷ 目标值。",
            [
                ("添加指标", lambda: self.kpis.add_kpi(svc.KPIData("", 0), edit=True)),
                ("删除所选", self.kpis.remove_selected),
            ],
        )

    def _meetings_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.meetings = QTableWidget(0, 5)
        self.meetings.setHorizontalHeaderLabels(("会议日期", "地点", "参会人员", "决定事项", "待办事项"))
        self.meetings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.meetings.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.meetings.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.meetings.verticalHeader().setVisible(False)
        header = self.meetings.horizontalHeader()
        for col, width in ((0, 90), (1, 100), (2, 170), (4, 130)):
            self.meetings.setColumnWidth(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.meetings.doubleClicked.connect(lambda _i: self.edit_meeting())
        v.addWidget(self.meetings, 3)
        row = QHBoxLayout()
        for text, slot in (
            ("新增会议…", self.add_meeting),
            ("编辑…", self.edit_meeting),
            ("删除", self.delete_meeting),
        ):
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch(1)
        v.addLayout(row)
        v.addWidget(QLabel("未完成的待办事项（逾期的显示为红色）："))
        self.open_items = QTableWidget(0, 5)
        self.open_items.setHorizontalHeaderLabels(("待办事项", "责任人", "完成期限", "状态", "会议日期"))
        self.open_items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.open_items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.open_items.verticalHeader().setVisible(False)
        self.open_items.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 80), (2, 90), (3, 110), (4, 90)):
            self.open_items.setColumnWidth(col, width)
        v.addWidget(self.open_items, 2)
        row = QHBoxLayout()
        self.complete_button = QPushButton("标记完成")
        self.complete_button.setToolTip("把所选待办事项标记为今天完成（立即保存）")
        self.complete_button.clicked.connect(self.complete_selected_items)
        row.addWidget(self.complete_button)
        row.addStretch(1)
        v.addLayout(row)
        return page

    def _reports_tab(self) -> QWidget:
        self.reports = ReportsTab(lambda: self.name.text().strip() or "项目")
        return self.reports

    # ------------------------------------------------------------ loading

    def _load(self, d: svc.ProjectDetail) -> None:
        self.name.setText(d.name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(d.kind)))
        self.tier_box.setCurrentIndex(max(0, self.tier_box.findData(d.tier)))
        self.leader.setText(d.leader)
        self.starts_on.set_value(d.starts_on)
        self.ends_on.set_value(d.ends_on)
        self.note.setPlainText(d.note)
        for r in d.responsibles:
            self.people.add_responsible(r)
        for k in d.kpis:
            self.kpis.add_kpi(k)
        labels = read_now(lambda s: chosen_labels(s, d.enterprise_ids, d.agreement_ids))
        self.enterprises.set_chosen(Choice(i, labels.get(i, "（已删除）")) for i in d.enterprise_ids)
        self.agreements.set_chosen(Choice(i, labels.get(i, "（已删除）")) for i in d.agreement_ids)
        listed = set()
        for i in range(self.majors.count()):
            item = self.majors.item(i)
            listed.add(item.data(Qt.ItemDataRole.UserRole))
            if item.data(Qt.ItemDataRole.UserRole) in d.major_ids:
                item.setCheckState(Qt.CheckState.Checked)
        for major_id in d.major_ids:
            if major_id not in listed:
                self._add_major(major_id, "（已从设置中删除的专业）", checked=True)
        self.setWindowTitle(f"编辑项目 — {d.name}")

    def _sync_saved_state(self) -> None:
        saved = bool(self.project_id)
        if not saved:
            self.setWindowTitle("新建项目")
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
            self.tier_hint.setText("H第九条未规定该类型的层次，请按合作深度选择")
        else:
            tier = svc.tier_for(kind)
            self.tier_label.setText(TIER_LABELS[tier])
            self.tier_label.setStyleSheet(
                f"color:white;background:{TIER_COLORS[tier]};border-radius:3px;padding:2px 8px;font-weight:bold;"
            )
            self.tier_hint.setText(f"H第九条：{kind}属{TIER_LABELS[tier]}")

    def tier(self) -> str:
        """The tier the form shows now: derived from the kind, or chosen ("" if not yet)."""
        kind = self.kind.currentData() or ""
        return self.tier_box.currentData() or "" if svc.tier_is_chosen(kind) else svc.tier_for(kind)

    # ------------------------------------------------------------ saving

    def data(self) -> svc.ProjectData:
        kind = self.kind.currentData() or ""
        majors = (self.majors.item(i) for i in range(self.majors.count()))
        return svc.ProjectData(
            name=self.name.text(),
            kind=kind,
            tier=self.tier_box.currentData() or "" if svc.tier_is_chosen(kind) else "",
            leader=self.leader.text(),
            starts_on=self.starts_on.value(),
            ends_on=self.ends_on.value(),
            responsibles=self.people.responsibles(),
            kpis=self.kpis.kpis(),
            enterprise_ids=self.enterprises.ids(),
            agreement_ids=self.agreements.ids(),
            major_ids=tuple(
                m.data(Qt.ItemDataRole.UserRole) for m in majors if m.checkState() == Qt.CheckState.Checked
            ),
            note=self.note.toPlainText(),
        )

    def _check(self, data: svc.ProjectData) -> list[ValidationError]:
        errors = [ValidationError("kpis", p) for p in self.kpis.problems()]
        return errors + read_now(lambda s: svc.check_project(s, data))

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(FIELD_TABS.get(first_field, 0))

    @Slot()
    def save(self, keep_open: bool = False) -> None:
        if self._saving:
            return
        data = self.data()
        errors = self._check(data)
        self.show_errors(errors)
        if errors:
            return
        self._saving, self._keep_open = True, keep_open
        self.save_button.setEnabled(False)
        pid = self.project_id

        def work(s) -> Changes:
            return svc.update_project(s, pid, data) if pid else svc.create_project(s, data)

        WriteOp(self, work).success(self._saved).failure(self._failed).run()

    def _saved(self, changes: Changes) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.saved_id = self.project_id = changes.ids[0]
        self._snapshot = self.data()
        if self._keep_open:
            self.setWindowTitle(f"编辑项目 — {self._snapshot.name}")
            self._sync_saved_state()
            self.message.setText("项目已保存。")
            return
        ui_settings().setValue("dialogs/project", self.saveGeometry())
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.save_failed(exc)

    def is_modified(self) -> bool:
        return self.data() != self._snapshot

    def reject(self) -> None:
        if self.is_modified():
            answer = QMessageBox.question(
                self,
                "放弃修改？",
                "项目有未保存的修改。要保存吗？",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Save:
                self.save()
                return
            if answer != QMessageBox.StandardButton.Discard:
                return
        ui_settings().setValue("dialogs/project", self.saveGeometry())
        super().reject()

    # ------------------------------------------------------------ meetings

    def load_meetings(self) -> None:
        pid = self.project_id
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

        return MeetingDialog(self, self.project_id or "", meeting_id, self.name.text())

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
            WriteOp(self, lambda s: msvc.delete_meetings(s, [mid])).run()

    @Slot()
    def complete_selected_items(self) -> None:
        rows = sorted({i.row() for i in self.open_items.selectedIndexes()})
        ids = [self.open_items.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]
        today = self.today
        for item_id in ids:
            WriteOp(self, lambda s, i=item_id: msvc.complete_action_item(s, i, today)).run()

    # ------------------------------------------------------------ reports

    def load_reports(self) -> None:
        self.reports.load(self.project_id, has_start=self.starts_on.value() is not None)

    def missing_reports(self) -> list[str]:
        return self.reports.missing_reports()

    # ------------------------------------------------------------ changes

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if not self.project_id:
            return
        if changes.table in ("meeting", "action_item"):
            self.load_meetings()
        elif changes.table in ("operation_report", "attachment", "settings"):
            self.load_reports()
