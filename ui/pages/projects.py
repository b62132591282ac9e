"""项目与平台: projects grouped by the tier of H第九条 (融合层 first) or as a flat sortable list, with their
leader, partners, period, KPI progress and what is missing (运行报告, overdue action items).

A reload rebuilds the tree and keeps what the user had: the scroll position, the selection and which groups
were folded (a change by another user reloads it at any time)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from app.db.models import TIER_LABELS, TIERS
from app.domain.names import pinyin_keys
from app.services import meetings as msvc
from app.services import projects as svc
from app.services.common import Changes
from ui import theme
from ui.delegates import PROGRESS_ROLE, TIER_COLORS, ProgressDelegate
from ui.operations import projects as project_ops
from ui.ops import read_now
from ui.pages.list_page import (
    PAGE_MARGINS,
    DeletedBar,
    Reloading,
    confirm_delete,
    load_and_follow,
    page_title,
)
from ui.qt import *  # noqa: F403
from ui.widgets import SearchBox, for_writers, push_button, view_or_empty, write_action

HEADERS = ("项目名称", "类型", "层次", "负责人", "合作企业", "起止时间", "指标完成", "提醒")
WIDTHS = (260, 100, 60, 70, 220, 170, 130, 150)
NAME, KIND, TIER, LEADER, ENTERPRISES, PERIOD, KPI, ALERTS = range(len(HEADERS))
ROW_HEIGHT = 26
ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RED = theme.qcolor(theme.ERROR)
TIER_KINDS = {
    tier: "项目类型："
    + "、".join(k for k, t in svc.TIER_BY_KIND.items() if t == tier)
    + "，及选定此层次的项目"
    for tier in TIERS
}
TABLES = ("project", "meeting", "action_item", "operation_report", "enterprise", "agreement", "settings")


def _load(s, q: svc.ProjectQuery) -> tuple[list[svc.ProjectRow], dict, dict, dict, int]:
    """Runs on the database worker: the rows to show and their figures, and how many live projects exist."""
    ids = svc.project_ids(s, q)
    rows = svc.project_rows(s, ids)
    total = sum(svc.tier_counts(s).values())
    return (
        [rows[i] for i in ids if i in rows],
        svc.kpi_summaries(s, ids),
        msvc.missing_report_counts(s, ids),
        msvc.overdue_item_counts(s, ids),
        total,
    )


def _period(row: svc.ProjectRow) -> str:
    if not row.starts_on and not row.ends_on:
        return ""
    start = row.starts_on.isoformat() if row.starts_on else "?"
    return f"{start} 至 {row.ends_on.isoformat() if row.ends_on else '今'}"


class _Item(QTreeWidgetItem):
    """Sorts by SORT_ROLE where set (dates, progress), else by text."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        col = self.treeWidget().sortColumn() if self.treeWidget() else 0
        a, b = self.data(col, SORT_ROLE), other.data(col, SORT_ROLE)
        if a is not None and b is not None:
            return a < b
        return self.text(col) < other.text(col)


class ProjectsPage(QWidget, Reloading):
    """产教融合项目与平台."""

    title = "项目与平台"
    new_text = "新建项目…"
    loaded = Signal(int)  # number of projects shown, after every (re)load

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending_select: str | None = None
        self._total = -1
        self._collapsed: set[str] = set()  # the tiers whose groups the user folded
        self._build()
        load_and_follow(self)  # a hidden page reloads when shown

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(*PAGE_MARGINS)
        lay.addWidget(page_title(self.title))

        bar = QHBoxLayout()
        self.search = SearchBox("搜索项目名称、负责人或合作企业  Ctrl+F")
        self.search.search.connect(lambda _t: self.reload())
        bar.addWidget(self.search, 3)
        self.tier_box = QComboBox()
        self.tier_box.addItem("全部层次", "")
        for t in reversed(TIERS):
            self.tier_box.addItem(TIER_LABELS[t], t)
        self.kind_box = QComboBox()
        self.kind_box.addItem("全部类型", "")
        for k in svc.PROJECT_KINDS:
            self.kind_box.addItem(k, k)
        for box in (self.tier_box, self.kind_box):
            box.currentIndexChanged.connect(lambda _i: self.reload())
            box.setMinimumContentsLength(6)
            bar.addWidget(box, 1)
        self.grouped = QCheckBox("按合作层次分组")
        self.grouped.setChecked(True)
        self.grouped.setToolTip("按合作层次（融合层、深化层、基础层）分组；取消勾选则为可按列排序的列表")
        self.grouped.toggled.connect(lambda _c: self.reload())
        bar.addWidget(self.grouped)
        lay.addLayout(bar)

        actions = QHBoxLayout()
        self.new_button = push_button("新建项目…", self.new_project, "新建项目（Ctrl+N）", writes=True)
        self.edit_button = push_button("编辑", self.edit_selected)
        self.delete_button = push_button("删除", self.delete_selected, writes=True)
        for b in (self.new_button, self.edit_button, self.delete_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.count_label = QLabel()
        theme.muted(self.count_label)
        actions.addWidget(self.count_label)
        lay.addLayout(actions)

        self.undo_bar = DeletedBar("个项目", lambda ids: project_ops.restore_projects(self, ids))
        lay.addWidget(self.undo_bar)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(HEADERS))
        self.tree.setHeaderLabels(HEADERS)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setItemDelegateForColumn(KPI, ProgressDelegate(self.tree))
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, w in enumerate(WIDTHS):
            self.tree.setColumnWidth(i, w)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.stack, self.empty = view_or_empty(lay, self.tree)

        # Ctrl+N and Ctrl+F come from the main window's menu (new_record / focus_search)
        for_writers(self._action(QKeySequence.StandardKey.Delete, self.delete_selected, self.tree))
        enter = self._action(QKeySequence(Qt.Key.Key_Return), self.edit_selected, self.tree)
        enter.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        enter.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self._update_buttons()

    def _action(self, shortcut, slot, owner: QWidget) -> QAction:
        action = QAction(owner)
        action.setShortcut(shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        owner.addAction(action)
        return action

    def new_record(self) -> None:
        self.new_project()

    def focus_view(self) -> None:
        """Called when the page comes on screen: the keyboard goes to the list."""
        (self.tree if self.stack.currentWidget() is self.tree else self.search).setFocus()

    @Slot()
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # ------------------------------------------------------------ querying

    def query(self) -> svc.ProjectQuery:
        return svc.ProjectQuery(
            text=self.search.text(),
            tier=self.tier_box.currentData() or "",
            kind=self.kind_box.currentData() or "",
        )

    def has_filter(self) -> bool:
        q = self.query()
        return bool(q.text.strip() or q.tier or q.kind)

    def reading(self) -> Callable[[Session], tuple]:
        q = self.query()
        return lambda s: _load(s, q)

    def _loaded(self, result: tuple) -> None:
        rows, kpis, missing, overdue, total = result
        selected = self.selected_ids()
        current = self.tree.currentItem()
        current_id = current.data(NAME, ID_ROLE) if current is not None else None
        scroll = (self.tree.verticalScrollBar().value(), self.tree.horizontalScrollBar().value())
        self._keep_folded()
        self._total = total
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        grouped = self.grouped.isChecked()
        self.tree.setSortingEnabled(False)
        self.tree.setRootIsDecorated(grouped)
        if grouped:
            for tier in reversed(TIERS):
                members = [r for r in rows if r.tier == tier]
                if members or not self.query().tier:
                    self._add_group(tier, members, kpis, missing, overdue)
        else:
            for r in rows:
                self.tree.addTopLevelItem(self._row_item(r, kpis, missing, overdue))
            self.tree.setSortingEnabled(True)
        n = len(rows)
        self.count_label.setText(f"找到 {n} 个（共 {total} 个）" if self.has_filter() else f"共 {n} 个项目")
        self._show_empty_state(n)
        pending, self._pending_select = self._pending_select, None
        if pending:  # a record just made or opened: selected and scrolled to
            self._select_ids([pending])
        else:  # as the user left it: the same rows selected, nothing scrolled or unfolded
            self._select_ids(selected, current_id, scroll)
        self.tree.setUpdatesEnabled(True)
        self._update_buttons()
        self.loaded.emit(n)

    def _keep_folded(self) -> None:
        """Note which groups the user folded or unfolded (the groups on screen with rows; the others as before)."""
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            if not head.data(NAME, ID_ROLE) and head.childCount():
                tier = head.data(NAME, SORT_ROLE)
                (self._collapsed.discard if head.isExpanded() else self._collapsed.add)(tier)

    def _add_group(self, tier: str, rows: list, kpis: dict, missing: dict, overdue: dict) -> None:
        head = QTreeWidgetItem([f"{TIER_LABELS[tier]}（{len(rows)}）    {TIER_KINDS[tier]}"])
        head.setFirstColumnSpanned(True)
        font = QFont(self.tree.font())
        font.setBold(True)
        head.setFont(NAME, font)
        head.setForeground(NAME, QColor(TIER_COLORS[tier]))
        head.setFlags(Qt.ItemFlag.ItemIsEnabled)
        head.setSizeHint(NAME, QSize(0, ROW_HEIGHT + 2))
        head.setData(NAME, SORT_ROLE, tier)
        self.tree.addTopLevelItem(head)
        head.setFirstColumnSpanned(True)
        for r in rows:
            head.addChild(self._row_item(r, kpis, missing, overdue))
        head.setExpanded(tier not in self._collapsed)

    def _row_item(self, r: svc.ProjectRow, kpis: dict, missing: dict, overdue: dict) -> QTreeWidgetItem:
        summary = kpis.get(r.id)
        alerts = []
        if missing.get(r.id):
            alerts.append(f"缺 {missing[r.id]} 份运行报告")
        if overdue.get(r.id):
            alerts.append(f"{overdue[r.id]} 项待办逾期")
        if not r.leader:
            alerts.append("未指定负责人")
        texts = (
            r.name,
            r.kind,
            r.tier_label,
            r.leader,
            r.enterprises,
            _period(r),
            summary.text if summary else "",
            "；".join(alerts),
        )
        item = _Item([*texts])
        item.setSizeHint(NAME, QSize(0, ROW_HEIGHT))
        item.setData(NAME, ID_ROLE, r.id)
        for col in (NAME, KIND, LEADER, ENTERPRISES):  # Chinese sorts by pinyin, as Excel does
            item.setData(col, SORT_ROLE, pinyin_keys(texts[col])[1])
        item.setForeground(TIER, theme.qcolor(TIER_COLORS.get(r.tier, theme.TEXT)))
        item.setData(TIER, SORT_ROLE, TIERS.index(r.tier) if r.tier in TIERS else -1)
        item.setData(PERIOD, SORT_ROLE, (r.starts_on or dt.date.min).isoformat())
        if summary:
            # the bar says what the text says: the share of KPIs that met their target (0/2 达标 = an empty
            # bar, never the mean progress beside it); the mean progress is in the tooltip
            item.setData(KPI, PROGRESS_ROLE, summary.met / summary.total)
            item.setData(KPI, SORT_ROLE, summary.met / summary.total + (summary.average or 0.0) / 1000)
            avg = f"，平均完成度 {summary.average:.0%}" if summary.average is not None else ""
            item.setToolTip(KPI, f"{summary.total} 项指标中 {summary.met} 项达到目标{avg}")
        if alerts:
            item.setForeground(ALERTS, RED)
            item.setToolTip(ALERTS, "；".join(alerts))
        for col in (NAME, ENTERPRISES):
            if len(texts[col]) > 12:
                item.setToolTip(col, texts[col])
        return item

    def _show_empty_state(self, n: int) -> None:
        if n:
            self.stack.setCurrentWidget(self.tree)
            return
        if self._total == 0:
            self.empty.configure(
                "还没有产教融合项目",
                "订单班、现代学徒制、产业学院、实训基地共建等都可以登记为项目；合作层次由项目类型确定。",
                [write_action("新建项目…（Ctrl+N）", self.new_project)],
            )
        else:
            self.empty.configure(
                "没有符合条件的项目", "请换个关键词，或清除筛选条件。", [("清除筛选", self.clear_filters)]
            )
        self.stack.setCurrentWidget(self.empty)

    def clear_filters(self) -> None:
        for box in (self.tier_box, self.kind_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.reload()

    # ------------------------------------------------------------ selection

    def _items(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            out.append(top) if top.data(NAME, ID_ROLE) else out.extend(
                top.child(j) for j in range(top.childCount())
            )
        return out

    def shown_ids(self) -> list[str]:
        return [item.data(NAME, ID_ROLE) for item in self._items()]

    def group_titles(self) -> list[str]:
        """The tier headers shown (grouped view), e.g. ["融合层（2）", "深化层（0）", "基础层（1）"]."""
        return [
            self.tree.topLevelItem(i).text(NAME).split()[0]
            for i in range(self.tree.topLevelItemCount())
            if not self.tree.topLevelItem(i).data(NAME, ID_ROLE)
        ]

    def group_of(self, project_id: str) -> str:
        for item in self._items():
            if item.data(NAME, ID_ROLE) == project_id:
                return item.parent().text(NAME).split()[0] if item.parent() else ""
        return ""

    def item_of(self, project_id: str) -> QTreeWidgetItem | None:
        return next((i for i in self._items() if i.data(NAME, ID_ROLE) == project_id), None)

    def selected_ids(self) -> list[str]:
        return [i.data(NAME, ID_ROLE) for i in self.tree.selectedItems() if i.data(NAME, ID_ROLE)]

    def _select_ids(
        self, ids: list[str], current: str | None = None, scroll: tuple[int, int] | None = None
    ) -> None:
        """Select `ids`, the first current and scrolled to (its group unfolded). Given `scroll` (the scroll
        bars' values before a reload), `current` is made the current row instead and nothing moves."""
        self.tree.clearSelection()
        items = [i for i in (self.item_of(r) for r in ids if r) if i is not None]
        if scroll is None:
            for n, item in enumerate(items):
                item.setSelected(True)
                if n == 0:
                    self.tree.setCurrentItem(item)
                    self.tree.scrollToItem(item)
            return
        now = self.item_of(current) if current else None
        if now is None and items:
            now = items[0]
        self.tree.setAutoScroll(False)  # a row made current is scrolled to, and its group unfolded
        try:
            if now is not None:
                self.tree.setCurrentItem(now, 0, QItemSelectionModel.SelectionFlag.NoUpdate)
            for item in items:
                item.setSelected(True)
        finally:
            self.tree.setAutoScroll(True)
        self.tree.doItemsLayout()  # the scroll bars' ranges for the rebuilt tree, then their values
        self.tree.verticalScrollBar().setValue(scroll[0])
        self.tree.horizontalScrollBar().setValue(scroll[1])

    def _update_buttons(self) -> None:
        n = len(self.selected_ids())
        self.edit_button.setEnabled(n == 1)
        self.delete_button.setEnabled(n > 0)

    def _double_clicked(self, item: QTreeWidgetItem, _col: int) -> None:
        if item.data(NAME, ID_ROLE):
            self.open_project(item.data(NAME, ID_ROLE))

    # ------------------------------------------------------------ actions

    def dialog(self, project_id: str | None = None, tab: str = ""):
        from ui.dialogs.project_dialog import ProjectDialog

        return ProjectDialog(self, project_id, tab)

    @Slot()
    def new_project(self) -> None:
        dlg = self.dialog()
        dlg.exec()
        if dlg.saved_id:
            self._pending_select = dlg.saved_id
            self.reload()

    def open_project(self, project_id: str, tab: str = "") -> None:
        """Open a project's form, on a tab if given ("meetings"/"协调会议", "reports"/"运行报告", …)."""
        self._pending_select = project_id
        self.dialog(project_id, tab).exec()

    def open_meeting(self, meeting_id: str) -> None:
        """Open the project a meeting belongs to, on its 协调会议 tab, and the meeting itself."""
        meeting = read_now(lambda s: msvc.get_meeting(s, meeting_id))
        dlg = self.dialog(meeting.project_id, "meetings")
        dlg.open_meeting_later(meeting_id)
        dlg.exec()

    @Slot()
    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.open_project(ids[0])

    @Slot()
    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        names = [self.item_of(i).text(NAME) for i in ids[:5]]
        if confirm_delete(self, "项目", "个", names, len(ids)):
            project_ops.delete_projects(self, ids, self.undo_bar.deleted)

    # ------------------------------------------------------------ changes and state

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table in TABLES:
            self.refresh()

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("projects/header", self.tree.header().saveState())
        settings.setValue("projects/grouped", self.grouped.isChecked())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value("projects/header")
        if state is not None:
            self.tree.header().restoreState(state)
        grouped = settings.value("projects/grouped")
        if grouped is not None:
            self.grouped.setChecked(str(grouped).lower() in ("true", "1"))
