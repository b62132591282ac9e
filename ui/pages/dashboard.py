"""工作台: the college at a glance — partners by tier, agreements by status, projects — and the findings of
every compliance rule (app/compliance/) as reminders, each one click (double-click or Enter) from its record,
with 忽略并说明 (acknowledge with a reason) and 撤销忽略. A new rule shows here without any change to this page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.compliance import acks
from app.compliance.registry import ERROR, WARNING, Finding
from app.compliance.targets import target_of
from app.db.models import AGREEMENT_STATUSES, TIER_LABELS, TIERS
from app.services import dashboard as svc
from app.services import settings as settings_svc
from app.services.common import Changes
from ui.ops import ReadOp, WriteOp, context, read_now
from ui.widgets import EmptyState

Index = QModelIndex | QPersistentModelIndex
OVERDUE = QColor("#c42b1c")
SOON = QColor("#b26a00")
TIER_ORDER = tuple(reversed(TIERS))  # 融合层 first: the point is to move partners up


def _due_text(r: Finding, today: dt.date) -> str:
    if r.due is None:
        return ""
    days = (r.due - today).days
    if days < 0:
        return f"{r.due}（逾期{-days}天）"
    if days == 0:
        return f"{r.due}（今天）"
    return f"{r.due}（还有{days}天）"


SEVERITY_COLOURS = {ERROR: QColor("#c42b1c"), WARNING: QColor("#b26a00")}
GREY = QColor("#888888")


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
            return (_due_text(r, self.today), severity, r.rule_title, r.title, r.message, r.source)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{r.title}\n{r.message}\n规则 {r.rule}：{r.rule_title}" + (
                f"（{r.source}）" if r.source else ""
            )
            if ack:
                tip += f"\n已忽略：{ack.reason}（{ack.by}，{ack.at:%Y-%m-%d}）"
            return tip + "\n双击打开"
        if role == Qt.ItemDataRole.ForegroundRole:
            if ack:
                return GREY
            if col == 1:
                return SEVERITY_COLOURS.get(r.severity)
            if col == 0 and r.due is not None:
                days = (r.due - self.today).days
                return OVERDUE if days < 0 else SOON if days <= 30 else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        keys = (
            lambda r: r.due or dt.date.min,
            lambda r: (r.severity, r.rule),
            lambda r: r.rule_title,
            lambda r: r.title,
            lambda r: r.message,
            lambda r: r.source,
        )
        self.layoutAboutToBeChanged.emit()
        self.items.sort(key=keys[column], reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


class _Figures(QGroupBox):
    """A titled box of label → number rows."""

    def __init__(self, title: str, rows: list[tuple[str, str, str]]) -> None:  # key, label, tooltip
        super().__init__(title)
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(18)
        self.values: dict[str, QLabel] = {}
        for i, (key, label, tip) in enumerate(rows):
            name = QLabel(label)
            value = QLabel("–")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setStyleSheet("font-size:13pt;font-weight:bold;color:#1f4e79;")
            if tip:
                name.setToolTip(tip)
                value.setToolTip(tip)
            grid.addWidget(name, i, 0)
            grid.addWidget(value, i, 1)
            self.values[key] = value
        grid.setRowStretch(len(rows), 1)

    def set(self, key: str, n: int) -> None:
        self.values[key].setText(str(n))


class DashboardPage(QWidget):
    title = "工作台"
    open_record = Signal(str, str, str)  # record type (enterprise / agreement / project), id, tab

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[Finding] = []
        self._acked: list[tuple[Finding, acks.Ack]] = []
        self._today = dt.date.today()
        self._stale = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        self.heading = QLabel(self.title)
        self.heading.setStyleSheet("font-size:15pt;font-weight:bold;")
        lay.addWidget(self.heading)

        figures = QHBoxLayout()
        self.partners = _Figures(
            "合作中的企业（按最高合作层级）",
            [
                *((t, TIER_LABELS[t], "该企业参与的项目中层级最高者（H第九条）") for t in TIER_ORDER),
                (svc.NO_TIER, "尚无项目", "合作中但尚未参与任何项目的企业：可考虑共建项目，提升合作层级"),
                ("total", "合计", ""),
            ],
        )
        self.agreements = _Figures(
            "合作协议（按状态）",
            [
                (st, st, "到期：终止日期已过（自动显示）") if st == "到期" else (st, st, "")
                for st in AGREEMENT_STATUSES
            ],
        )
        self.projects = _Figures(
            "产教融合项目（按层级）",
            [*((t, TIER_LABELS[t], "") for t in TIER_ORDER), ("total", "合计", "")],
        )
        for box in (self.partners, self.agreements, self.projects):
            figures.addWidget(box, 1)
        lay.addLayout(figures)

        head = QHBoxLayout()
        self.reminder_title = QLabel("提醒")
        self.reminder_title.setStyleSheet("font-size:12pt;font-weight:bold;")
        head.addWidget(self.reminder_title)
        head.addStretch(1)
        self.severity_box = QComboBox()
        self.severity_box.setToolTip("只看某一程度：错误须纠正，警告应尽快处理，提示供参考")
        for text, value in (("全部程度", ""), (ERROR, ERROR), (WARNING, WARNING), ("提示", "提示")):
            self.severity_box.addItem(text, value)
        self.severity_box.currentIndexChanged.connect(lambda _i: self._apply_filter())
        head.addWidget(self.severity_box)
        head.addWidget(QLabel("规则："))
        self.kind_box = QComboBox()
        self.kind_box.setMinimumWidth(220)
        self.kind_box.setToolTip("只看某一条规则的提醒")
        self.kind_box.currentIndexChanged.connect(lambda _i: self._apply_filter())
        head.addWidget(self.kind_box)
        self.show_acked = QCheckBox("显示已忽略")
        self.show_acked.setToolTip("已“忽略并说明”的提醒：灰色显示，提示中有理由")
        self.show_acked.toggled.connect(lambda _on: self._apply_filter())
        head.addWidget(self.show_acked)
        self.ack_button = QPushButton("忽略并说明…")
        self.ack_button.setToolTip("确认这条提醒不需处理并写明理由（留在修改记录中，并随上报材料报送）")
        self.ack_button.clicked.connect(self.acknowledge_current)
        head.addWidget(self.ack_button)
        self.unack_button = QPushButton("撤销忽略")
        self.unack_button.clicked.connect(self.withdraw_current)
        head.addWidget(self.unack_button)
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
        for i, w in enumerate((170, 56, 150, 260, 360)):
            self.table.setColumnWidth(i, w)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.table.doubleClicked.connect(self._open_index)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(
                QKeySequence(key), self.table, self.open_current, context=Qt.ShortcutContext.WidgetShortcut
            )
        self.empty = EmptyState()
        self.empty.configure(
            "没有需要处理的提醒",
            "协议即将到期、会议待办逾期、项目缺运行报告、合作企业一年未走访等情况会在这里提醒。",
            [],
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        lay.addWidget(self.stack, 1)
        context().changes_applied.connect(self._on_changes)
        self.reload()

    # ------------------------------------------------------------ data

    def reload(self, today: dt.date | None = None) -> None:
        self._stale = False
        ReadOp(self, lambda s: (svc.dashboard(s, today), settings_svc.get_profile(s), today)).success(
            self._loaded
        ).run()

    def _loaded(self, result) -> None:
        d, profile, today = result
        college = f"{profile.school} {profile.college}".strip()
        self.heading.setText(f"工作台 — {college}" if college else "工作台")
        for key, n in d.partners_by_tier.items():
            self.partners.set(key, n)
        self.partners.set("total", sum(d.partners_by_tier.values()))
        for st in AGREEMENT_STATUSES:
            self.agreements.set(st, d.agreements_by_status.get(st, 0))
        for t in TIERS:
            self.projects.set(t, d.projects_by_tier.get(t, 0))
        self.projects.set("total", sum(d.projects_by_tier.values()))
        self._all = list(d.reminders)
        self._acked = list(d.acknowledged)
        self._today = today or dt.date.today()
        counts: dict[str, tuple[str, int]] = {}
        for r in self._all:
            counts[r.rule] = (r.rule_title, counts.get(r.rule, ("", 0))[1] + 1)
        current = self.kind_box.currentData()
        self.kind_box.blockSignals(True)
        self.kind_box.clear()
        self.kind_box.addItem(f"全部（{len(self._all)}）", "")
        for code, (title, n) in sorted(counts.items(), key=lambda kv: kv[1][0]):
            self.kind_box.addItem(f"{title}（{n}）", code)
            self.kind_box.setItemData(self.kind_box.count() - 1, code, Qt.ItemDataRole.ToolTipRole)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(current)))
        self.kind_box.blockSignals(False)
        self._apply_filter()

    def _apply_filter(self) -> None:
        rule = self.kind_box.currentData() or ""
        severity = self.severity_box.currentData() or ""
        items = self._all + ([f for f, _a in self._acked] if self.show_acked.isChecked() else [])
        shown = [
            r for r in items if (not rule or r.rule == rule) and (not severity or r.severity == severity)
        ]
        self.model.set_items(shown, self._today, {f.key: a for f, a in self._acked})
        overdue = sum(1 for r in self._all if r.due is not None and r.due < self.model.today)
        errors = sum(1 for r in self._all if r.severity == ERROR)
        acked = f"，已忽略 {len(self._acked)} 条" if self._acked else ""
        self.reminder_title.setText(
            f"提醒（{len(self._all)} 条：错误 {errors} 条，已逾期 {overdue} 条{acked}）"
            if self._all or self._acked
            else "提醒"
        )
        self.stack.setCurrentWidget(self.table if shown or self._all else self.empty)
        self._update_buttons()

    def current_finding(self) -> Finding | None:
        index = self.table.currentIndex()
        return (
            self.model.items[index.row()] if index.isValid() and index.row() < len(self.model.items) else None
        )

    def _update_buttons(self) -> None:
        f = self.current_finding()
        acked = f is not None and f.key in self.model.acks
        self.ack_button.setEnabled(f is not None and not acked)
        self.unack_button.setVisible(self.show_acked.isChecked())
        self.unack_button.setEnabled(acked)

    # ------------------------------------------------------------ acknowledging

    @Slot()
    def acknowledge_current(self) -> None:
        f = self.current_finding()
        if f is None:
            return
        reason, ok = QInputDialog.getMultiLineText(
            self,
            "忽略并说明",
            f"{f.rule_title}：{f.title}\n{f.message}\n\n请写明不需处理的理由（留在修改记录中，并随上报材料报送）：",
        )
        if ok:
            WriteOp(self, lambda s: acks.acknowledge(s, f, reason)).run()

    @Slot()
    def withdraw_current(self) -> None:
        f = self.current_finding()
        ack = self.model.acks.get(f.key) if f else None
        if ack is not None:
            WriteOp(self, lambda s: acks.withdraw(s, [ack.id])).run()

    # ------------------------------------------------------------ opening a record

    @Slot()
    def open_current(self) -> None:
        self._open_index(self.table.currentIndex())

    @Slot(QModelIndex)
    def _open_index(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        reminder = self.model.items[index.row()]
        target = read_now(lambda s: target_of(s, reminder))
        if target.record_id or target.tab:
            self.open_record.emit(target.record_type, target.record_id, target.tab)

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        # The rules read the whole database: recompute now only if the page is on screen, else when shown.
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.reload()
