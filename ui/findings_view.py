"""The findings of the compliance rules on the 工作台, in two views over one set of actions: 提醒 (a table by
due date, ReminderTab) and 合规检查 (a tree by severity and rule, ui/compliance_tree.py). FindingsTab holds what
both do the same way — 忽略并说明… / 撤销忽略 / 显示已忽略, and opening a finding's record (target_of)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from app.compliance import acks
from app.compliance.registry import ERROR, HINT, WARNING, Finding
from app.compliance.targets import target_of
from ui import theme
from ui.legend import SourcesLegend, short_citation
from ui.operations import compliance as compliance_ops
from ui.ops import read_now
from ui.pages.list_page import ElidedLabel
from ui.qt import *  # noqa: F403
from ui.widgets import push_button, view_or_empty

Index = QModelIndex | QPersistentModelIndex
OVERDUE = theme.qcolor(theme.ERROR)
SOON = theme.qcolor(theme.WARNING)
SEVERITY_COLOURS = {ERROR: theme.qcolor(theme.ERROR), WARNING: theme.qcolor(theme.WARNING)}
GREY = theme.qcolor(theme.DISABLED)  # 已忽略


def due_text(r: Finding, today: dt.date) -> str:
    if r.due is None:
        return ""
    days = (r.due - today).days
    if days < 0:
        return f"{r.due}（逾期{-days}天）"
    if days == 0:
        return f"{r.due}（今天）"
    return f"{r.due}（还有{days}天）"


def due_colour(r: Finding, today: dt.date) -> QColor | None:
    if r.due is None:
        return None
    days = (r.due - today).days
    return OVERDUE if days < 0 else SOON if days <= 30 else None


def finding_tip(r: Finding, ack: acks.Ack | None) -> str:
    tip = f"{r.title}\n{r.message}\n规则 {r.rule}：{r.rule_title}" + (
        f"\n依据：{r.citation}" if r.citation else ""
    )
    if ack:
        tip += f"\n已忽略：{ack.reason}（{ack.by}，{ack.at:%Y-%m-%d}）"
    return tip + "\n双击打开"


class FindingsTab(QWidget):
    """A view of the findings with the shared actions; subclasses show them (`show_findings`) and say which
    one is current (`current_finding`)."""

    open_record = Signal(str, str, str)  # record type, id, tab (ui/main_window.py open_record)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open: list[Finding] = []
        self.acked: list[tuple[Finding, acks.Ack]] = []
        self.acks: dict[str, acks.Ack] = {}  # finding key → its acknowledgement
        self.today = dt.date.today()
        self.checked_at: dt.datetime | None = None
        self._counts: Counter[str] = Counter()
        self.show_acked = QCheckBox("显示已忽略")
        self.show_acked.setToolTip("已“忽略并说明”的提醒：灰色显示，提示中有理由")
        self.show_acked.toggled.connect(lambda _on: self.show_findings())
        self.ack_button = push_button(
            "忽略并说明…",
            self.acknowledge_current,
            "确认这条提醒不需处理并写明理由（留在修改记录中，并随上报材料报送）",
            writes=True,
        )
        self.unack_button = push_button("撤销忽略", self.withdraw_current, "这条提醒重新计入", writes=True)
        self.legend = SourcesLegend()  # under the list: the documents the 依据 of the findings come from

    def add_actions(self, row: QHBoxLayout) -> None:
        for w in (self.show_acked, self.ack_button, self.unack_button):
            row.addWidget(w)

    def set_findings(
        self,
        open_: list[Finding],
        acked: list[tuple[Finding, acks.Ack]],
        today: dt.date,
        checked_at: dt.datetime | None = None,
    ) -> None:
        self.open, self.acked, self.today = list(open_), list(acked), today
        self.acks = {f.key: a for f, a in acked}
        self._counts = Counter(f.severity for f in self.open)
        self.checked_at = checked_at or dt.datetime.now()
        self.show_findings()

    def show_findings(self) -> None:
        raise NotImplementedError

    def current_finding(self) -> Finding | None:
        raise NotImplementedError

    def update_buttons(self) -> None:
        f = self.current_finding()
        acked = f is not None and f.key in self.acks
        self.ack_button.setEnabled(f is not None and not acked)
        self.unack_button.setVisible(self.show_acked.isChecked())
        self.unack_button.setEnabled(acked)

    def counts(self) -> dict[str, int]:
        """Open findings by severity."""
        return {sev: self._counts.get(sev, 0) for sev in (ERROR, WARNING, HINT)}

    @Slot()
    def acknowledge_current(self) -> None:
        f = self.current_finding()
        if f is None or f.key in self.acks:
            return
        reason, ok = QInputDialog.getMultiLineText(
            self,
            "忽略并说明",
            f"{f.rule_title}：{f.title}\n{f.message}\n\n请写明不需处理的理由（留在修改记录中，并随上报材料报送）：",
        )
        if ok:
            compliance_ops.acknowledge(self, f, reason)

    @Slot()
    def withdraw_current(self) -> None:
        f = self.current_finding()
        ack = self.acks.get(f.key) if f else None
        if ack is not None:
            compliance_ops.withdraw(self, [ack.id])

    def open_finding(self, f: Finding | None) -> None:
        if f is None:
            return
        target = read_now(lambda s: target_of(s, f))
        if target.record_id or target.tab:
            self.open_record.emit(target.record_type, target.record_id, target.tab)

    @Slot()
    def open_current(self) -> None:
        self.open_finding(self.current_finding())


class ReminderModel(QAbstractTableModel):
    """The findings in memory (a few thousand at most on a large archive): due, severity, rule, record, message,
    source; acknowledged ones (when shown) greyed with their reason."""

    HEADERS = ("期限", "程度", "规则", "记录", "说明", "依据")

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Finding] = []
        self.acks: dict[str, acks.Ack] = {}  # finding key → acknowledgement, for the acknowledged shown
        self.today = dt.date.today()

    def set_items(
        self, items: list[Finding], today: dt.date, acked: dict[str, acks.Ack] | None = None
    ) -> None:
        self.beginResetModel()
        self.items, self.today, self.acks = list(items), today, dict(acked or {})
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.items[index.row()]
        col = index.column()
        ack = self.acks.get(r.key)
        if role == Qt.ItemDataRole.DisplayRole:
            severity = "已忽略" if ack else r.severity
            return (
                due_text(r, self.today),
                severity,
                r.rule_title,
                r.title,
                r.message,
                short_citation(r.citation),
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return finding_tip(r, ack)
        if role == Qt.ItemDataRole.ForegroundRole:
            if ack:
                return GREY
            if col == 1:
                return SEVERITY_COLOURS.get(r.severity)
            if col == 0:
                return due_colour(r, self.today)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        keys = (
            lambda r: r.due or dt.date.min,
            lambda r: (r.severity, r.rule),
            lambda r: r.rule_title,
            lambda r: r.title,
            lambda r: r.message,
            lambda r: r.citation,
        )
        self.layoutAboutToBeChanged.emit()
        self.items.sort(key=keys[column], reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


class ReminderTab(FindingsTab):
    """提醒: the open findings by due date, filtered by severity and rule."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        head = QHBoxLayout()
        self.reminder_title = ElidedLabel("提醒")  # a narrow window cuts it, never widens the page
        theme.heading(self.reminder_title)
        head.addWidget(self.reminder_title)
        head.addStretch(1)
        self.severity_box = QComboBox()
        self.severity_box.setToolTip("只看某一程度：错误须纠正，警告应尽快处理，提示供参考")
        for text, value in (("全部程度", ""), (ERROR, ERROR), (WARNING, WARNING), (HINT, HINT)):
            self.severity_box.addItem(text, value)
        self.severity_box.currentIndexChanged.connect(lambda _i: self.show_findings())
        head.addWidget(self.severity_box)
        head.addWidget(QLabel("规则："))
        self.kind_box = QComboBox()
        self.kind_box.setMinimumWidth(220)
        self.kind_box.setToolTip("只看某一条规则的提醒")
        self.kind_box.currentIndexChanged.connect(lambda _i: self.show_findings())
        head.addWidget(self.kind_box)
        self.add_actions(head)
        lay.addLayout(head)

        self.model = ReminderModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for i, w in enumerate((170, 56, 150, 260, 360, 230)):  # 依据: short titles (ui/legend.short_citation)
            self.table.setColumnWidth(i, w)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.update_buttons())
        self.table.doubleClicked.connect(self._open_index)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(
                QKeySequence(key), self.table, self.open_current, context=Qt.ShortcutContext.WidgetShortcut
            )
        self.stack, self.empty = view_or_empty(lay, self.table)
        self.empty.configure(
            "没有需要处理的提醒",
            "协议即将到期、会议待办逾期、项目缺运行报告、合作企业一年未走访等情况会在这里提醒。",
            [],
        )
        lay.addWidget(self.legend)

    def set_findings(self, open_, acked, today, checked_at=None) -> None:
        counts: dict[str, tuple[str, int]] = {}
        for r in open_:
            counts[r.rule] = (r.rule_title, counts.get(r.rule, ("", 0))[1] + 1)
        current = self.kind_box.currentData()
        self.kind_box.blockSignals(True)
        self.kind_box.clear()
        self.kind_box.addItem(f"全部（{len(open_)}）", "")
        for code, (title, n) in sorted(counts.items(), key=lambda kv: kv[1][0]):
            self.kind_box.addItem(f"{title}（{n}）", code)
            self.kind_box.setItemData(self.kind_box.count() - 1, code, Qt.ItemDataRole.ToolTipRole)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(current)))
        self.kind_box.blockSignals(False)
        super().set_findings(open_, acked, today, checked_at)

    def show_findings(self) -> None:
        rule = self.kind_box.currentData() or ""
        severity = self.severity_box.currentData() or ""
        items = self.open + ([f for f, _a in self.acked] if self.show_acked.isChecked() else [])
        shown = [
            r for r in items if (not rule or r.rule == rule) and (not severity or r.severity == severity)
        ]
        self.model.set_items(shown, self.today, self.acks)
        overdue = sum(1 for r in self.open if r.due is not None and r.due < self.today)
        errors = sum(1 for r in self.open if r.severity == ERROR)
        acked = f"，已忽略 {len(self.acked)} 条" if self.acked else ""
        self.reminder_title.setText(
            f"提醒（{len(self.open)} 条：错误 {errors} 条，已逾期 {overdue} 条{acked}）"
            if self.open or self.acked
            else "提醒"
        )
        self.stack.setCurrentWidget(self.table if shown or self.open else self.empty)
        self.update_buttons()

    def current_finding(self) -> Finding | None:
        index = self.table.currentIndex()
        return (
            self.model.items[index.row()] if index.isValid() and index.row() < len(self.model.items) else None
        )

    @Slot(QModelIndex)
    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_finding(self.model.items[index.row()])
