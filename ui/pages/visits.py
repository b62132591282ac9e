"""企业走访 / 访企拓岗 (H第十七条): the visits, newest first, with search and a year filter; 记录走访 is the
quick-entry dialog (ui/dialogs/visit_dialog.py)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money
from app.services import visits as svc
from app.services.common import Changes
from ui.models.lazy_table import Column, LazyTableModel
from ui.ops import ReadOp, WriteOp, context, read_now
from ui.widgets import EmptyState, SearchBox, UndoBar

COLUMNS = [
    Column("visited_on", "走访日期", None, 100),
    Column("enterprises", "走访企业", None, 300),
    Column("leader", "带队领导", None, 90),
    Column("purpose", "走访目的", None, 260),
    Column("positions_offered", "岗位数", None, 70, fmt=lambda n: str(n) if n else ""),
    Column("average_pay_fen", "平均月薪", None, 100, fmt=lambda f: format_money(f) if f is not None else ""),
]


class VisitsPage(QWidget):
    title = "企业走访"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LazyTableModel(COLUMNS, lambda ids: read_now(lambda s: svc.visit_rows(s, ids)))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 8)
        heading = QLabel(self.title)
        heading.setStyleSheet("font-size:15pt;font-weight:bold;")
        lay.addWidget(heading)
        bar = QHBoxLayout()
        self.search = SearchBox("搜索企业名称、拼音首字母、带队领导、参加人员、目的或发现")
        self.search.search.connect(lambda _t: self.reload())
        bar.addWidget(self.search, 3)
        self.year_box = QComboBox()
        self.year_box.addItem("全部年份", None)
        self.year_box.currentIndexChanged.connect(lambda _i: self.reload())
        bar.addWidget(self.year_box, 1)
        lay.addLayout(bar)
        actions = QHBoxLayout()
        self.new_button = QPushButton("记录走访…")
        self.new_button.setToolTip("快速记录一次企业走访（Ctrl+N）；未保存的内容自动保留为草稿")
        self.new_button.clicked.connect(lambda: self.new_record())
        self.edit_button = QPushButton("编辑")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("删除")
        self.delete_button.clicked.connect(self.delete_selected)
        self.new_button.setShortcut("Ctrl+N")  # only while this page is shown
        for b in (self.new_button, self.edit_button, self.delete_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color:#555;")
        actions.addWidget(self.count_label)
        lay.addLayout(actions)
        self.undo_bar = UndoBar()
        self.undo_bar.undo_clicked.connect(self._undo_delete)
        self._last_deleted: list[str] = []
        lay.addWidget(self.undo_bar)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        for i, c in enumerate(COLUMNS):
            self.table.setColumnWidth(i, c.width)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.empty = EmptyState()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        lay.addWidget(self.stack, 1)
        context().changes_applied.connect(self._on_changes)
        self._years_loaded = False
        self.reload()

    # ------------------------------------------------------------ data

    def reload(self) -> None:
        text, year = self.search.text(), self.year_box.currentData()
        ReadOp(
            self, lambda s: (svc.visit_ids(s, text=text, year=year), svc.visit_years(s), bool(text or year))
        ).success(self._loaded).run()

    def _loaded(self, result: tuple[list[str], list[int], bool]) -> None:
        ids, years, filtered = result
        current = self.year_box.currentData()
        self.year_box.blockSignals(True)
        self.year_box.clear()
        self.year_box.addItem("全部年份", None)
        for y in years:
            self.year_box.addItem(f"{y}年", y)
        self.year_box.setCurrentIndex(max(0, self.year_box.findData(current)))
        self.year_box.blockSignals(False)
        self.model.set_ids(ids)
        self.count_label.setText(f"共 {len(ids)} 次走访" if ids else "")
        if ids:
            self.stack.setCurrentWidget(self.table)
        else:
            if filtered:
                self.empty.configure("没有符合条件的走访记录", "换个关键词或年份试试。", [])
            else:
                self.empty.configure(
                    "还没有走访记录",
                    "H第十七条：院领导带队走访合作企业。走访时或走访后用“记录走访”随手记下，"
                    "没建档的企业输入名称即可，稍后再补全。",
                    [("记录走访…（Ctrl+N）", self.new_record)],
                )
            self.stack.setCurrentWidget(self.empty)

    def selected_ids(self) -> list[str]:
        return self.model.selected_ids(self.table)

    # ------------------------------------------------------------ actions

    def new_record(self, enterprise_ids: tuple[str, ...] = ()) -> str | None:
        from ui.dialogs.visit_dialog import VisitDialog

        dialog = VisitDialog(self.window(), enterprise_ids=enterprise_ids)
        dialog.exec()
        return dialog.saved_id

    @Slot()
    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.edit_visit(ids[0])

    def edit_visit(self, visit_id: str) -> None:
        from ui.dialogs.visit_dialog import VisitDialog

        VisitDialog(self.window(), visit_id).exec()

    @Slot()
    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            WriteOp(self, lambda s: svc.delete_visits(s, ids)).success(self._deleted).run()

    def _deleted(self, changes: Changes) -> None:
        self._last_deleted = list(changes.ids)
        self.undo_bar.show_message(f"已删除 {changes.count} 条走访记录到回收站。")

    @Slot()
    def _undo_delete(self) -> None:
        ids = self._last_deleted
        if ids:
            WriteOp(self, lambda s: svc.restore_visits(s, ids)).run()

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table in ("visit", "enterprise"):
            self.reload()

    def save_state(self, s: QSettings) -> None:
        s.setValue("visits/header", self.table.horizontalHeader().saveState())

    def restore_state(self, s: QSettings) -> None:
        state = s.value("visits/header")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Delete and self.table.hasFocus():
            self.delete_selected()
            return
        super().keyPressEvent(event)
