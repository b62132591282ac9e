"""The project form: basic data with the tier of H第九条 shown live, responsible people (H第十条(四)), KPIs
(H第十条(三)) with progress, coordination meetings (H第十条(一)) and operation reports per semester
(H第十条(五)).

Saving the project is one WriteOp. Meetings, completed action items and reports are saved at once with
their own WriteOp, so they need a saved project: for a new one the tabs say so and offer to save first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db.models import TIER_LABELS, TIERS
from app.errors import ValidationError, ValidationErrors
from app.services import attachments as att
from app.services import meetings as msvc
from app.services import projects as svc
from app.services.common import Changes
from ui.delegates import PROGRESS_ROLE, TIER_COLORS, ProgressDelegate
from ui.errors import show_error
from ui.ops import WriteOp, context, read_now
from ui.settings import ui_settings
from ui.widgets import OptionalDate, SearchBox, confirm

ERROR_STYLE = "color:#c42b1c;"
HINT_STYLE = "color:#666;"
RED = QColor("#c42b1c")
GREY = QColor("#777777")
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
KPI_HEADERS = ("指标名称", "单位", "目标值", "完成值", "统计期间", "完成度")
KPI_FIELDS = ("name", "unit", "target", "actual", "period")
PROGRESS_COL = 5


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class ChooseDialog(QDialog):
    """Pick records from a search (name, short name, pinyin initials…): tick the ones to add."""

    def __init__(self, parent: QWidget, title: str, search: Callable[[str], list[svc.Choice]]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(480, 460)
        self._search = search
        lay = QVBoxLayout(self)
        self.box = SearchBox("输入名称、简称或拼音首字母（如 hnxj）搜索")
        self.box.search.connect(self.refresh)
        lay.addWidget(self.box)
        self.results = QListWidget()
        self.results.itemDoubleClicked.connect(self._toggle)
        lay.addWidget(self.results, 1)
        self.hint = QLabel("最多显示 50 条，请输入关键词缩小范围。勾选后点“添加”。")
        self.hint.setStyleSheet(HINT_STYLE)
        lay.addWidget(self.hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("添加")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._checked: dict[str, svc.Choice] = {}
        self.refresh("")

    @Slot(str)
    def refresh(self, text: str) -> None:
        self._remember()
        self.results.clear()
        for c in self._search(text):
            item = QListWidgetItem(c.label)
            item.setData(Qt.ItemDataRole.UserRole, c)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c.id in self._checked else Qt.CheckState.Unchecked)
            self.results.addItem(item)

    def _toggle(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def _remember(self) -> None:
        for i in range(self.results.count()):
            item = self.results.item(i)
            c = item.data(Qt.ItemDataRole.UserRole)
            if item.checkState() == Qt.CheckState.Checked:
                self._checked[c.id] = c
            else:
                self._checked.pop(c.id, None)

    def chosen(self) -> list[svc.Choice]:
        self._remember()
        return list(self._checked.values())


class ChoiceList(QWidget):
    """The records linked to the project, with 添加… (a search) and 移除."""

    def __init__(self, title: str, search: Callable[[str], list[svc.Choice]]) -> None:
        super().__init__()
        self._title, self._search = title, search
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        lay.addWidget(self.list, 1)
        row = QHBoxLayout()
        add = QPushButton("添加…")
        add.clicked.connect(self.choose)
        remove = QPushButton("移除")
        remove.clicked.connect(self.remove_selected)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        lay.addLayout(row)

    def ids(self) -> tuple[str, ...]:
        return tuple(self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count()))

    def add(self, choices: list[svc.Choice]) -> None:
        have = set(self.ids())
        for c in choices:
            if c.id not in have:
                item = QListWidgetItem(c.label)
                item.setData(Qt.ItemDataRole.UserRole, c.id)
                item.setToolTip(c.label)
                self.list.addItem(item)
                have.add(c.id)

    @Slot()
    def choose(self) -> None:
        dlg = ChooseDialog(self, f"添加{self._title}", self._search)
        if dlg.exec():
            self.add(dlg.chosen())

    @Slot()
    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))


class ProjectDialog(QDialog):
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
        self.tabs.addTab(self._saved_only(self._meetings_tab(), "协调会议"), "协调会议")
        self.tabs.addTab(self._saved_only(self._reports_tab(), "运行报告"), "运行报告")
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

    def _error_label(self, field: str) -> QLabel:
        label = QLabel(wordWrap=True)
        label.setStyleSheet(ERROR_STYLE)
        label.hide()
        self.errors[field] = label
        return label

    def _with_error(self, field: str, widget: QWidget | QHBoxLayout) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        v.addLayout(widget) if isinstance(widget, QHBoxLayout) else v.addWidget(widget)
        v.addWidget(self._error_label(field))
        return box

    def _basic_tab(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit(placeholderText="如 湘江智能装备订单班、现代农业产业学院")
        self.name.setMaxLength(200)
        form.addRow("项目名称 *", self._with_error("name", self.name))

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
        form.addRow("项目类型 *", self._with_error("kind", row))
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
        form.addRow("负责人", self._with_error("ends_on", period))
        self.errors["starts_on"] = self.errors["ends_on"]
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(56)
        form.addRow("备注", self.note)
        outer.addLayout(form)

        links = QGridLayout()
        self.enterprises = ChoiceList("合作企业", lambda t: read_now(lambda s: svc.enterprise_choices(s, t)))
        self.agreements = ChoiceList("合作协议", lambda t: read_now(lambda s: svc.agreement_choices(s, t)))
        self.majors = QListWidget()
        for col, (title, widget, field) in enumerate(
            (
                ("合作企业", self.enterprises, "enterprise_ids"),
                ("关联协议", self.agreements, "agreement_ids"),
                ("面向专业", self.majors, "major_ids"),
            )
        ):
            group = QGroupBox(title)
            v = QVBoxLayout(group)
            v.addWidget(widget, 1)
            v.addWidget(self._error_label(field))
            links.addWidget(group, 0, col)
        for choice in read_now(svc.major_choices):
            self._add_major(choice.id, choice.label)
        outer.addLayout(links, 1)
        return page

    def _add_major(self, major_id: str, label: str, checked: bool = False) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, major_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.majors.addItem(item)

    def _table_tab(
        self, table: QTableWidget, field: str, hint: str, buttons: list[tuple[str, Callable[[], None]]]
    ) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        label = QLabel(hint, wordWrap=True)
        label.setStyleSheet(HINT_STYLE)
        v.addWidget(label)
        table.verticalHeader().setVisible(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        v.addWidget(table, 1)
        v.addWidget(self._error_label(field))
        row = QHBoxLayout()
        for text, slot in buttons:
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch(1)
        v.addLayout(row)
        return page

    def _people_tab(self) -> QWidget:
        self.people = QTableWidget(0, 2)
        self.people.setHorizontalHeaderLabels(("负责环节", "责任人"))
        self.people.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return self._table_tab(
            self.people,
            "responsibles",
            "项目实行负责人制，各环节明确责任人（H第十条(四)），如 学生管理、企业对接、经费与资产、教学实施。",
            [
                ("添加责任人", lambda: self.add_responsible(svc.ResponsibleData("", ""), edit=True)),
                ("删除所选", lambda: self._remove_rows(self.people)),
            ],
        )

    def _kpi_tab(self) -> QWidget:
        self.kpis = QTableWidget(0, len(KPI_HEADERS))
        self.kpis.setHorizontalHeaderLabels(KPI_HEADERS)
        header = self.kpis.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 60), (2, 80), (3, 80), (4, 120), (5, 150)):
            self.kpis.setColumnWidth(col, width)
        self.kpis.setItemDelegateForColumn(PROGRESS_COL, ProgressDelegate(self.kpis))
        self.kpis.itemChanged.connect(self._kpi_changed)
        return self._table_tab(
            self.kpis,
            "kpis",
            "关键考核指标（H第十条(三)）：目标值与完成值用同一单位，完成度 = 完成值 ÷ 目标值。",
            [
                ("添加指标", lambda: self.add_kpi(svc.KPIData("", 0), edit=True)),
                ("删除所选", lambda: self._remove_rows(self.kpis)),
            ],
        )

    def _saved_only(self, content: QWidget, what: str) -> QWidget:
        """A tab that needs the saved project: until then it says so and offers to save."""
        stack = QStackedWidget()
        notice = QWidget()
        v = QVBoxLayout(notice)
        v.addStretch(1)
        label = QLabel(f"{what}随项目单独保存，请先保存项目。", alignment=Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("font-size:12pt;color:#444;")
        v.addWidget(label)
        button = QPushButton(f"保存项目并登记{what}")
        button.clicked.connect(lambda: self.save(keep_open=True))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        row.addStretch(1)
        v.addLayout(row)
        v.addStretch(2)
        stack.addWidget(notice)
        stack.addWidget(content)
        setattr(self, f"_{'meetings' if what == '协调会议' else 'reports'}_stack", stack)
        return stack

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
        page = QWidget()
        v = QVBoxLayout(page)
        self.reports_hint = QLabel(wordWrap=True)
        self.reports_hint.setStyleSheet(HINT_STYLE)
        v.addWidget(self.reports_hint)
        self.reports = QTableWidget(0, 5)
        self.reports.setHorizontalHeaderLabels(("学期", "学期结束", "状态", "报告文件", "备注"))
        self.reports.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.reports.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.reports.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.reports.verticalHeader().setVisible(False)
        for col, width in ((0, 110), (1, 90), (2, 150), (3, 200)):
            self.reports.setColumnWidth(col, width)
        self.reports.horizontalHeader().setStretchLastSection(True)
        self.reports.doubleClicked.connect(lambda _i: self.record_report())
        v.addWidget(self.reports, 1)
        row = QHBoxLayout()
        b = QPushButton("登记报告…")
        b.clicked.connect(self.record_report)
        row.addWidget(b)
        row.addStretch(1)
        v.addLayout(row)
        return page

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
            self.add_responsible(r)
        for k in d.kpis:
            self.add_kpi(k)
        labels = read_now(lambda s: svc.chosen_labels(s, d.enterprise_ids, d.agreement_ids))
        self.enterprises.add([svc.Choice(i, labels.get(i, "（已删除）")) for i in d.enterprise_ids])
        self.agreements.add([svc.Choice(i, labels.get(i, "（已删除）")) for i in d.agreement_ids])
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

    def add_responsible(self, r: svc.ResponsibleData, edit: bool = False) -> None:
        row = self.people.rowCount()
        self.people.insertRow(row)
        self.people.setItem(row, 0, QTableWidgetItem(r.part))
        self.people.setItem(row, 1, QTableWidgetItem(r.name))
        if edit:
            self.people.setCurrentCell(row, 0)
            self.people.editItem(self.people.item(row, 0))

    def add_kpi(self, k: svc.KPIData, edit: bool = False) -> None:
        self.kpis.blockSignals(True)
        row = self.kpis.rowCount()
        self.kpis.insertRow(row)
        values = (k.name, k.unit, _number(k.target) if k.name else "", _number(k.actual), k.period)
        for col, value in enumerate(values):
            item = QTableWidgetItem(value)
            if col in (2, 3):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.kpis.setItem(row, col, item)
        self.kpis.item(row, 0).setData(Qt.ItemDataRole.UserRole, k.id)
        progress = QTableWidgetItem()
        progress.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.kpis.setItem(row, PROGRESS_COL, progress)
        self.kpis.blockSignals(False)
        self._update_progress(row)
        if edit:
            self.kpis.setCurrentCell(row, 0)
            self.kpis.editItem(self.kpis.item(row, 0))

    def _remove_rows(self, table: QTableWidget) -> None:
        for r in sorted({i.row() for i in table.selectedIndexes()}, reverse=True):
            table.removeRow(r)

    # ------------------------------------------------------------ KPIs

    def _kpi_values(self, row: int) -> tuple[float | None, float | None, list[str]]:
        """(target, actual, problems) of a KPI row as typed."""
        out: list[float | None] = []
        problems = []
        for col, label in ((2, "目标值"), (3, "完成值")):
            text = (self.kpis.item(row, col).text() if self.kpis.item(row, col) else "").strip()
            try:
                out.append(float(text.replace(",", "")) if text else None)
            except ValueError:
                out.append(None)
                problems.append(f"第{row + 1}项指标的{label}“{text}”不是数字")
        if out[0] is None and not problems:
            problems.append(f"第{row + 1}项指标缺少目标值")
        return out[0], out[1], problems

    def kpi_progress(self, row: int) -> float | None:
        target, actual, _ = self._kpi_values(row)
        return svc.KPIData("", target or 0, actual=actual).progress

    @Slot(QTableWidgetItem)
    def _kpi_changed(self, item: QTableWidgetItem) -> None:
        if item.column() in (2, 3):
            self._update_progress(item.row())

    def _update_progress(self, row: int) -> None:
        cell = self.kpis.item(row, PROGRESS_COL)
        if cell is None:
            return
        value = self.kpi_progress(row)
        unit = self.kpis.item(row, 1).text() if self.kpis.item(row, 1) else ""
        self.kpis.blockSignals(True)
        cell.setData(PROGRESS_ROLE, value)
        cell.setText(f"{value:.0%}" if value is not None else "未填完成值")
        target, actual, _ = self._kpi_values(row)
        if value is not None:
            cell.setToolTip(f"完成 {_number(actual)}{unit} / 目标 {_number(target)}{unit}")
        self.kpis.blockSignals(False)

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
        def text(table: QTableWidget, r: int, c: int) -> str:
            item = table.item(r, c)
            return item.text() if item else ""

        kpis = []
        for r in range(self.kpis.rowCount()):
            target, actual, _ = self._kpi_values(r)
            kpis.append(
                svc.KPIData(
                    name=text(self.kpis, r, 0),
                    target=target if target is not None else 0,
                    unit=text(self.kpis, r, 1),
                    actual=actual,
                    period=text(self.kpis, r, 4),
                    id=self.kpis.item(r, 0).data(Qt.ItemDataRole.UserRole) if self.kpis.item(r, 0) else None,
                )
            )
        kind = self.kind.currentData() or ""
        majors = (self.majors.item(i) for i in range(self.majors.count()))
        return svc.ProjectData(
            name=self.name.text(),
            kind=kind,
            tier=self.tier_box.currentData() or "" if svc.tier_is_chosen(kind) else "",
            leader=self.leader.text(),
            starts_on=self.starts_on.value(),
            ends_on=self.ends_on.value(),
            responsibles=tuple(
                svc.ResponsibleData(text(self.people, r, 0), text(self.people, r, 1))
                for r in range(self.people.rowCount())
            ),
            kpis=tuple(kpis),
            enterprise_ids=self.enterprises.ids(),
            agreement_ids=self.agreements.ids(),
            major_ids=tuple(
                m.data(Qt.ItemDataRole.UserRole) for m in majors if m.checkState() == Qt.CheckState.Checked
            ),
            note=self.note.toPlainText(),
        )

    def _check(self, data: svc.ProjectData) -> list[ValidationError]:
        errors = [
            ValidationError("kpis", p) for r in range(self.kpis.rowCount()) for p in self._kpi_values(r)[2]
        ]
        return errors + read_now(lambda s: svc.check_project(s, data))

    def show_errors(self, errors: list[ValidationError]) -> None:
        for label in self.errors.values():
            label.setText("")
            label.hide()
        messages: dict[int, list[str]] = {}
        for e in errors:
            label = self.errors.get(e.field)
            if label is not None:
                messages.setdefault(id(label), []).append(e.message)
                label.setText("；".join(messages[id(label)]))
                label.show()
        if errors:
            self.tabs.setCurrentIndex(FIELD_TABS.get(errors[0].field, 0))
            self.message.setText(f"有 {len(errors)} 处需要修改，见红字提示。")
        else:
            self.message.clear()

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
        if isinstance(exc, ValidationErrors):
            self.show_errors(exc.errors)
        else:
            show_error(self, exc, "保存失败")

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
        pid = self.project_id
        schedule = read_now(lambda s: msvc.report_schedule(s, pid, self.today)) if pid else []
        self.schedule = schedule
        self.reports.setRowCount(0)
        missing = 0
        for rep in schedule:
            r = self.reports.rowCount()
            self.reports.insertRow(r)
            if rep.report:
                when = rep.report.submitted_on.isoformat() if rep.report.submitted_on else "日期未填"
                status = f"已提交 {when}"
            elif rep.past:
                status = "缺"
                missing += 1
            else:
                status = "本学期，未到期"
            values = (
                rep.semester,
                rep.last_day.isoformat(),
                status,
                "、".join(rep.files),
                rep.report.note if rep.report else "",
            )
            for col, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value if len(value) > 12 else "")
                if rep.missing:
                    cell.setForeground(RED)
                elif not rep.report:
                    cell.setForeground(GREY)
                self.reports.setItem(r, col, cell)
            self.reports.item(r, 0).setData(Qt.ItemDataRole.UserRole, rep.semester)
        if not self.starts_on.value() and not schedule:
            hint = "填写并保存项目开始日期后，这里按学期列出应交的运行报告（H第十条(五)）。"
        else:
            hint = "每学期向发展规划处提交一份运行报告（H第十条(五)）；学期按“设置”中的学期日历划分。"
            if missing:
                hint += f" 已过去的学期中有 {missing} 份报告未登记（红色）。"
        self.reports_hint.setText(hint)

    def missing_reports(self) -> list[str]:
        return [r.semester for r in getattr(self, "schedule", []) if r.missing]

    @Slot()
    def record_report(self) -> None:
        if not self.project_id:
            return
        rows = {i.row() for i in self.reports.selectedIndexes()}
        semester = self.reports.item(rows.pop(), 0).data(Qt.ItemDataRole.UserRole) if rows else ""
        if not semester:
            semester = next(iter(self.missing_reports()), "")
        ReportDialog(self, self.project_id, [r.semester for r in self.schedule], semester).exec()

    # ------------------------------------------------------------ changes

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if not self.project_id:
            return
        if changes.table in ("meeting", "action_item"):
            self.load_meetings()
        elif changes.table in ("operation_report", "attachment", "settings"):
            self.load_reports()


class ReportDialog(QDialog):
    """登记运行报告: semester, date submitted, a note and the report file; one WriteOp."""

    def __init__(self, parent: QWidget, project_id: str, semesters: list[str], semester: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("登记运行报告")
        self.project_id = project_id
        self.file: Path | None = None
        form = QFormLayout(self)
        self.semester = QComboBox()
        self.semester.setEditable(True)
        self.semester.addItems(semesters)
        if semester:
            self.semester.setCurrentText(semester)
        form.addRow("学期 *", self.semester)
        self.submitted_on = OptionalDate()
        self.submitted_on.set_value(dt.date.today())
        form.addRow("提交日期", self.submitted_on)
        self.note = QLineEdit(placeholderText="如 已报发展规划处")
        form.addRow("备注", self.note)
        file_row = QHBoxLayout()
        self.file_label = QLabel("未选择")
        self.file_label.setStyleSheet(HINT_STYLE)
        pick = QPushButton("选择文件…")
        pick.clicked.connect(self._pick)
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(pick)
        form.addRow("报告文件", file_row)
        self.error = QLabel(wordWrap=True)
        self.error.setStyleSheet(ERROR_STYLE)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("登记")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(440)

    @Slot()
    def _pick(self) -> None:
        from ui.files import ask_open

        path = ask_open(self, "选择运行报告文件", "attachments", "所有文件 (*)")
        if path is not None:
            self.set_file(path)

    def set_file(self, path: Path) -> None:
        self.file = path
        self.file_label.setText(path.name)

    @Slot()
    def save(self) -> None:
        pid, semester = self.project_id, self.semester.currentText().strip()
        submitted, note, file = self.submitted_on.value(), self.note.text(), self.file

        def work(s) -> Changes:
            changes = msvc.record_operation_report(s, pid, semester, submitted, note)
            if file is not None:
                att.add_attachment(s, "operation_report", changes.ids[0], file, kind="运行报告")
            return changes

        WriteOp(self, work).success(lambda _c: self.accept()).failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationErrors):
            self.error.setText("；".join(e.message for e in exc.errors))
        else:
            show_error(self, exc, "登记失败")
