"""合作协议: search, filters, a lazily loaded sortable list, the lifecycle buttons of the selected agreement."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db.models import AGREEMENT_KINDS, AGREEMENT_STATUSES
from app.services import agreement_list as listing
from app.services import agreements as svc
from app.services.common import Changes
from ui.dialogs.agreement_dialog import (
    TRANSITION_TEXT,
    ask_transition,
    offered_transitions,
    status_color,
    transition_work,
)
from ui.models.lazy_table import Column, LazyTableModel
from ui.ops import ReadOp, WriteOp, context, read_now
from ui.widgets import EmptyState, SearchBox, UndoBar, confirm

EXPIRING = (("90 天内到期", 90), ("30 天内到期", 30))
SOON = 90  # days: 生效 agreements ending within this many days show the days left


def _days_text(days: int | None) -> str:
    if days is None or days > SOON:
        return ""
    return "今天到期" if days == 0 else f"还剩 {days} 天"


def _days_color(row: listing.AgreementRow) -> QColor | None:
    if row.days_left is None or row.days_left > SOON:
        return None
    return QColor("#c42b1c") if row.days_left <= 30 else QColor("#b26a00")


def _status_tip(row: listing.AgreementRow) -> str | None:
    if row.status == "到期" and row.stored_status == "生效":
        return "已过结束日期，自动显示为到期（尚未确认）"
    return None


COLUMNS = [  # status first after the title: it is what the list is read for, and never scrolled away
    Column("number", "协议编号", "number", 110),
    Column("title", "协议名称", "title", 230),
    Column("status", "状态", "status", 64, tooltip=_status_tip, foreground=lambda r: status_color(r.status)),
    Column("days_left", "剩余", None, 76, fmt=_days_text, foreground=_days_color),
    Column("kind", "协议类型", "kind", 90),
    Column("enterprises", "合作企业", None, 220),
    Column("starts_on", "开始日期", "starts_on", 90),
    Column("ends_on", "结束日期", "ends_on", 90),
    Column("signed_on", "签订日期", "signed_on", 90),
    Column("updated_at", "最后修改", "updated_at", 130),
]


def _ids_and_total(s, q: listing.AgreementQuery) -> tuple[list[str], int]:
    """Runs on the database worker: the ids to show and the number of live agreements."""
    return listing.agreement_ids(s, q), listing.count_agreements(s)


class AgreementsPage(QWidget):
    """The agreements (合作协议) list."""

    title = "合作协议"
    loaded = Signal(int)  # number of rows shown, after every (re)load

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sort = ("ends_on", False)
        self._pending_select: str | None = None
        self._last_deleted: list[str] = []
        self.model = LazyTableModel(COLUMNS, lambda ids: read_now(lambda s: listing.agreement_rows(s, ids)))
        self.transition_buttons: dict[str, QPushButton] = {}
        self._build()
        context().changes_applied.connect(self._on_changes)
        self.reload()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 8)
        heading = QLabel(self.title)
        heading.setStyleSheet("font-size:15pt;font-weight:bold;")
        lay.addWidget(heading)

        bar = QHBoxLayout()
        self.search = SearchBox("搜索协议编号、名称或合作企业  Ctrl+F")
        self.search.search.connect(lambda _t: self.reload())
        bar.addWidget(self.search, 3)
        self.status_box = QComboBox()
        self.status_box.addItem("全部状态", "")
        for s in AGREEMENT_STATUSES:
            self.status_box.addItem(s, s)
        for text, days in EXPIRING:
            self.status_box.addItem(text, f"expiring:{days}")
        self.kind_box = QComboBox()
        self.kind_box.addItem("全部类型", "")
        for k in AGREEMENT_KINDS:
            self.kind_box.addItem(k, k)
        for box in (self.status_box, self.kind_box):
            box.setMinimumContentsLength(7)
            box.currentIndexChanged.connect(lambda _i: self.reload())
            bar.addWidget(box, 1)
        lay.addLayout(bar)

        actions = QHBoxLayout()
        self.new_button = self._button("新建协议", "Ctrl+N", self.new_agreement)
        self.edit_button = self._button("编辑", "Enter", self.edit_selected)
        self.delete_button = self._button("删除", "Delete", self.delete_selected)
        for b in (self.new_button, self.edit_button, self.delete_button):
            actions.addWidget(b)
        actions.addSpacing(16)
        self.state_label = QLabel("变更状态：")
        self.state_label.setStyleSheet("color:#555;")
        actions.addWidget(self.state_label)
        self._status_buttons: dict[str, QPushButton] = {}
        for to, text in TRANSITION_TEXT.items():
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, to=to: self.change_status(to))
            b.hide()
            actions.addWidget(b)
            self._status_buttons[to] = b
        actions.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color:#555;")
        actions.addWidget(self.count_label)
        lay.addLayout(actions)

        self.undo_bar = UndoBar()
        self.undo_bar.undo_clicked.connect(self._undo_delete)
        lay.addWidget(self.undo_bar)

        self.stack = QStackedWidget()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(False)  # sorting is a new id query, not a proxy over all rows
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._header_clicked)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, col in enumerate(COLUMNS):
            self.table.setColumnWidth(i, col.width)
        self._sync_sort_indicator()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.empty = EmptyState()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        lay.addWidget(self.stack, 1)

        self.new_action = QAction("新建协议", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_action.triggered.connect(lambda: self.new_agreement())
        self.addAction(self.new_action)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self._focus_search)
        self.addAction(find)
        delete = QAction(self)
        delete.setShortcut(QKeySequence.StandardKey.Delete)
        delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.triggered.connect(self.delete_selected)
        self.table.addAction(delete)
        enter = QAction(self)
        enter.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        enter.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        enter.triggered.connect(self.edit_selected)
        self.table.addAction(enter)
        self._update_buttons()

    def _button(self, text: str, key: str, slot) -> QPushButton:
        b = QPushButton(text)
        b.setToolTip(f"{text}（{key}）")
        b.clicked.connect(lambda: slot())
        return b

    @Slot()
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # ------------------------------------------------------------ querying

    def query(self) -> listing.AgreementQuery:
        status, expiring = self.status_box.currentData() or "", None
        if status.startswith("expiring:"):
            status, expiring = "", int(status.split(":")[1])
        return listing.AgreementQuery(
            text=self.search.text(),
            status=status,
            kind=self.kind_box.currentData() or "",
            expiring_within=expiring,
            sort=self._sort[0],
            descending=self._sort[1],
        )

    def has_filter(self) -> bool:
        return bool(
            self.search.text().strip() or self.status_box.currentIndex() or self.kind_box.currentIndex()
        )

    def reload(self) -> None:
        """Run the id query on the worker; the view keeps its rows until the answer arrives."""
        q = self.query()
        ReadOp(self, lambda s: _ids_and_total(s, q)).success(self._loaded).run()

    def _loaded(self, result: tuple[list[str], int]) -> None:
        ids, total = result
        selected = self.selected_ids()
        self.model.set_ids(ids)
        if self.has_filter():
            self.count_label.setText(f"找到 {len(ids)} 份（共 {total} 份）")
        else:
            self.count_label.setText(f"共 {len(ids)} 份协议")
        self._show_empty_state(ids, total)
        wanted = [self._pending_select] if self._pending_select else selected
        self._pending_select = None
        self._select_ids(wanted)
        self._update_buttons()
        self.loaded.emit(len(ids))

    def _show_empty_state(self, ids: list[str], total: int) -> None:
        if ids:
            self.stack.setCurrentWidget(self.table)
            return
        if total == 0:
            self.empty.configure(
                "还没有合作协议",
                "新建协议时选择合作企业，一份协议可以有多家企业。已签订的纸质协议可直接补录为“生效”，"
                "再把签字盖章的扫描件添加为附件。",
                [("新建协议", self.new_agreement)],
            )
        else:
            self.empty.configure(
                "没有符合条件的协议", "请换个关键词，或清除筛选条件。", [("清除筛选", self.clear_filters)]
            )
        self.stack.setCurrentWidget(self.empty)

    def clear_filters(self) -> None:
        for box in (self.status_box, self.kind_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.reload()

    @Slot(int)
    def _header_clicked(self, section: int) -> None:
        key = COLUMNS[section].sort
        if key is not None:
            self._sort = (key, self._sort[0] == key and not self._sort[1])
            self.reload()
        self._sync_sort_indicator()

    def _sync_sort_indicator(self) -> None:
        section = next(i for i, c in enumerate(COLUMNS) if c.sort == self._sort[0])
        order = Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(section, order)

    # ------------------------------------------------------------ selection

    def selected_ids(self) -> list[str]:
        return self.model.selected_ids(self.table)

    def selected_row(self) -> listing.AgreementRow | None:
        ids = self.selected_ids()
        return self.model.row_at(self.model.row_of(ids[0])) if len(ids) == 1 else None

    def _select_ids(self, ids: Sequence[str]) -> None:
        sel = self.table.selectionModel()
        sel.clearSelection()
        first = True
        for record_id in ids:
            r = self.model.row_of(record_id)
            if r < 0:
                continue
            idx = self.model.index(r, 0)
            if first:
                self.table.setCurrentIndex(idx)
                self.table.scrollTo(idx)
                first = False
            sel.select(idx, sel.SelectionFlag.Select | sel.SelectionFlag.Rows)

    def _update_buttons(self) -> None:
        n = len(self.selected_ids())
        self.edit_button.setEnabled(n == 1)
        self.delete_button.setEnabled(n > 0)
        self._show_transition_buttons(self.selected_row())

    def _show_transition_buttons(self, row: listing.AgreementRow | None) -> None:
        offered = offered_transitions(row.stored_status, row.status) if row else ()
        self.state_label.setVisible(bool(offered))
        self.transition_buttons = {to: self._status_buttons[to] for to in offered}
        for to, b in self._status_buttons.items():
            b.setVisible(to in offered)
            if row and to in offered:
                b.setToolTip(f"把所选协议的状态由“{row.stored_status}”变为“{to}”")

    # ------------------------------------------------------------ actions

    def new_agreement(self, enterprise_ids: Sequence[str] = ()) -> None:
        """Open the form for a new agreement, with these enterprises already chosen."""
        from ui.dialogs.agreement_dialog import AgreementDialog

        dlg = AgreementDialog(self, enterprise_ids=tuple(enterprise_ids))
        dlg.exec()
        if dlg.saved_id:
            self._pending_select = dlg.saved_id
            self.reload()

    def open_agreement(self, agreement_id: str) -> None:
        """Show this agreement selected in the list and open its form (the 工作台 reminders call this)."""
        from ui.dialogs.agreement_dialog import AgreementDialog

        if self.model.row_of(agreement_id) < 0 and self.has_filter():
            self.clear_filters()
        self._pending_select = agreement_id
        self._select_ids([agreement_id])
        AgreementDialog(self, agreement_id).exec()

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.open_agreement(ids[0])

    def change_status(self, to_status: str) -> None:
        row = self.selected_row()
        if row is None or to_status not in offered_transitions(row.stored_status, row.status):
            return
        text = ask_transition(self, row.stored_status, to_status)
        if text is not None:
            WriteOp(self, transition_work(row.id, to_status, text)).run()

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        titles = [self.model.row_at(self.model.row_of(i)).title for i in ids[:5]]
        more = f" 等 {len(ids)} 份" if len(ids) > 5 else ""
        text = f"确定删除协议 {'、'.join(titles)}{more}？\n\n删除的协议会移到“回收站”，可随时恢复。"
        if not confirm(self, "删除协议", text):
            return
        WriteOp(self, lambda s: svc.delete_agreements(s, ids)).success(self._deleted).run()

    def _deleted(self, changes: Changes) -> None:
        self._last_deleted = list(changes.ids)
        self.undo_bar.show_message(f"已删除 {changes.count} 份协议到回收站。")

    def _undo_delete(self) -> None:
        ids = self._last_deleted
        if ids:
            WriteOp(self, lambda s: svc.restore_agreements(s, ids)).run()

    # ------------------------------------------------------------ changes

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table not in ("agreement", "enterprise", "attachment"):
            return
        self.model.mark_stale(changes.ids)
        self.reload()

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("agreements/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value("agreements/header")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)
