"""回收站: deleted records of every kind (app/services/trash.py), restorable; 彻底删除 only from here, after
asking."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import trash as svc
from app.services.common import Changes
from ui.models.lazy_table import Column, LazyTableModel
from ui.ops import ReadOp, WriteOp, context
from ui.widgets import confirm

COLUMNS = [
    Column("title", "记录", None, 380),
    Column("detail", "说明", None, 220),
    Column("deleted_at", "删除时间", None, 140),
]


class TrashPage(QWidget):
    title = "回收站"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[str, svc.TrashRow] = {}
        self.model = LazyTableModel(COLUMNS, lambda ids: {i: self._rows[i] for i in ids if i in self._rows})
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 8)
        heading = QLabel(self.title)
        heading.setStyleSheet("font-size:15pt;font-weight:bold;")
        lay.addWidget(heading)
        lay.addWidget(
            QLabel(
                "删除的记录保留在这里，可以恢复。彻底删除后无法恢复（附件文件仅在不再被其他记录使用时删除；"
                "彻底删除项目时，其协调会议和运行报告一并删除）。",
                wordWrap=True,
            )
        )
        row = QHBoxLayout()
        self.kind_box = QComboBox()
        self.kind_box.setToolTip("选择要查看的记录类型")
        for key, kind in svc.KINDS.items():
            self.kind_box.addItem(kind.label, key)
        self.kind_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.restore_button = QPushButton("恢复所选")
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button = QPushButton("彻底删除所选…")
        self.purge_button.clicked.connect(self.purge_selected)
        self.count_label = QLabel()
        row.addWidget(QLabel("类型："))
        row.addWidget(self.kind_box)
        row.addSpacing(12)
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

    @property
    def kind(self) -> svc.TrashKind:
        return svc.KINDS[self.kind_box.currentData()]

    def set_kind(self, key: str) -> None:
        self.kind_box.setCurrentIndex(self.kind_box.findData(key))

    def reload(self) -> None:
        key = self.kind.key
        ReadOp(self, lambda s: (svc.trash_rows(s, key), svc.trash_counts(s))).success(self._loaded).run()

    def _loaded(self, result: tuple[list[svc.TrashRow], dict[str, int]]) -> None:
        rows, counts = result
        for i in range(self.kind_box.count()):
            key = self.kind_box.itemData(i)
            n = counts.get(key, 0)
            self.kind_box.setItemText(i, f"{svc.KINDS[key].label}（{n}）" if n else svc.KINDS[key].label)
        self._rows = {r.id: r for r in rows}
        self.model.set_ids([r.id for r in rows])
        kind = self.kind
        self.count_label.setText(
            f"回收站中有 {len(rows)} {kind.unit}{kind.label}" if rows else f"回收站中没有{kind.label}"
        )
        self.purge_button.setEnabled(bool(rows))
        self.restore_button.setEnabled(bool(rows))

    def selected_ids(self) -> list[str]:
        return self.model.selected_ids(self.table)

    @Slot()
    def restore_selected(self) -> None:
        ids, key = self.selected_ids(), self.kind.key
        if ids:
            WriteOp(self, lambda s: svc.restore_items(s, key, ids)).run()

    @Slot()
    def purge_selected(self) -> None:
        ids, kind = self.selected_ids(), self.kind
        if not ids:
            return
        if confirm(
            self,
            "彻底删除",
            f"确定彻底删除所选 {len(ids)} {kind.unit}{kind.label}？此操作不能撤销。",
            destructive=True,
        ):
            WriteOp(self, lambda s: svc.purge_items(s, kind.key, ids)).run()

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table in svc.KINDS:
            self.reload()
