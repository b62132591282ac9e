"""回收站: deleted records, restorable; 彻底删除 only from here, after asking."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import enterprise_list as listing
from app.services import enterprises as svc
from app.services.common import Changes
from ui.models.lazy_table import Column, LazyTableModel
from ui.ops import ReadOp, WriteOp, context, read_now
from ui.widgets import confirm

COLUMNS = [
    Column("name", "企业名称", None, 300),
    Column("uscc", "统一社会信用代码", None, 180),
    Column("status", "合作状态", None, 80),
    Column("updated_at", "删除时间", None, 140),
]


class TrashPage(QWidget):
    title = "回收站"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LazyTableModel(COLUMNS, lambda ids: read_now(lambda s: listing.enterprise_rows(s, ids)))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 8)
        heading = QLabel(self.title)
        heading.setStyleSheet("font-size:15pt;font-weight:bold;")
        lay.addWidget(heading)
        lay.addWidget(
            QLabel(
                "删除的企业保留在这里，可以恢复。彻底删除后无法恢复（附件文件仅在不再被其他记录使用时删除）。"
            )
        )
        row = QHBoxLayout()
        self.restore_button = QPushButton("恢复所选")
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button = QPushButton("彻底删除所选…")
        self.purge_button.clicked.connect(self.purge_selected)
        self.count_label = QLabel()
        row.addWidget(self.restore_button)
        row.addWidget(self.purge_button)
        row.addStretch(1)
        row.addWidget(self.count_label)
        lay.addLayout(row)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, c in enumerate(COLUMNS):
            self.table.setColumnWidth(i, c.width)
        lay.addWidget(self.table, 1)
        context().changes_applied.connect(self._on_changes)
        self.reload()

    def reload(self) -> None:
        q = listing.EnterpriseQuery(deleted=True, sort="deleted_at", descending=True)
        ReadOp(self, lambda s: listing.enterprise_ids(s, q)).success(self._loaded).run()

    def _loaded(self, ids: list[str]) -> None:
        self.model.set_ids(ids)
        self.count_label.setText(f"回收站中有 {len(ids)} 家企业" if ids else "回收站是空的")

    def selected_ids(self) -> list[str]:
        return self.model.selected_ids(self.table)

    @Slot()
    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            WriteOp(self, lambda s: svc.restore_enterprises(s, ids)).run()

    @Slot()
    def purge_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if confirm(
            self, "彻底删除", f"确定彻底删除所选 {len(ids)} 家企业？此操作不能撤销。", destructive=True
        ):
            WriteOp(self, lambda s: svc.purge_enterprises(s, ids)).run()

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table == "enterprise":
            self.reload()
