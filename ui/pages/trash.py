"""回收站: deleted records of every kind (app/trash/__init__.py), restorable; 彻底删除 only from here, after
asking."""

from __future__ import annotations

from app import trash as svc
from app.services.common import Changes
from ui.models.lazy_table import Column, LazyTableModel
from ui.operations import trash as trash_ops
from ui.ops import ReadOp
from ui.pages.list_page import PAGE_MARGINS, load_and_follow, page_title
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, push_button

ALL = ""  # the kind chooser's 全部: every kind at once (the default)
COLUMNS = [
    Column("kind", "类型", None, 110, fmt=lambda key: svc.KINDS[key].label if key in svc.KINDS else ""),
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
        lay.setContentsMargins(*PAGE_MARGINS)
        lay.addWidget(page_title(self.title))
        lay.addWidget(
            QLabel(
                "删除的记录保留在这里，可以恢复。彻底删除后无法恢复（附件文件仅在不再被其他记录使用时删除；"
                "彻底删除项目时，其协调会议和运行报告一并删除）。",
                wordWrap=True,
            )
        )
        row = QHBoxLayout()
        self.kind_box = QComboBox()
        self.kind_box.setToolTip("选择要查看的记录类型（全部：各类删除的记录一起，按删除时间）")
        self.kind_box.addItem("全部", ALL)
        for key, kind in svc.KINDS.items():
            self.kind_box.addItem(kind.label, key)
        self.kind_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.restore_button = push_button("恢复所选", self.restore_selected, writes=True)
        self.purge_button = push_button("彻底删除所选…", self.purge_selected, writes=True)
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
        load_and_follow(self)  # a hidden page reloads when shown

    @property
    def kind(self) -> svc.TrashKind | None:
        """The kind shown; None for 全部."""
        return svc.KINDS.get(self.kind_box.currentData() or ALL)

    def set_kind(self, key: str) -> None:
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(key)))

    def reload(self) -> None:
        key = self.kind_box.currentData() or ALL

        def read(s) -> tuple[list[svc.TrashRow], dict[str, int]]:
            rows = svc.all_trash_rows(s) if key == ALL else svc.trash_rows(s, key)
            return rows, svc.trash_counts(s)

        ReadOp(self, read).success(self._loaded).run()

    def _loaded(self, result: tuple[list[svc.TrashRow], dict[str, int]]) -> None:
        rows, counts = result
        for i in range(self.kind_box.count()):
            key = self.kind_box.itemData(i)
            n = sum(counts.values()) if key == ALL else counts.get(key, 0)
            label = "全部" if key == ALL else svc.KINDS[key].label
            self.kind_box.setItemText(i, f"{label}（{n}）" if n else label)
        self._rows = {r.id: r for r in rows}
        self.model.set_ids([r.id for r in rows])
        kind = self.kind
        self.table.setColumnHidden(0, kind is not None)  # 类型 only where kinds are listed together
        if kind is None:
            self.count_label.setText(f"回收站中有 {len(rows)} 条记录" if rows else "回收站是空的")
        else:
            self.count_label.setText(
                f"回收站中有 {len(rows)} {kind.unit}{kind.label}" if rows else f"回收站中没有{kind.label}"
            )
        self.purge_button.setEnabled(bool(rows))
        self.restore_button.setEnabled(bool(rows))

    def selected_ids(self) -> list[str]:
        return self.model.selected_ids(self.table)

    def selected_by_kind(self) -> dict[str, list[str]]:
        """The selected records by kind ({kind: ids}), in the order shown."""
        out: dict[str, list[str]] = {}
        for i in self.selected_ids():
            row = self._rows.get(i)
            key = self.kind.key if self.kind is not None else (row.kind if row else "")
            if key:
                out.setdefault(key, []).append(i)
        return out

    @Slot()
    def restore_selected(self) -> None:
        chosen = self.selected_by_kind()
        if len(chosen) == 1:
            [(key, ids)] = chosen.items()
            trash_ops.restore_items(self, key, ids)
        elif chosen:
            trash_ops.restore_many(self, chosen)

    @Slot()
    def purge_selected(self) -> None:
        chosen = self.selected_by_kind()
        if not chosen:
            return
        what = "、".join(
            f"{len(ids)} {svc.KINDS[key].unit}{svc.KINDS[key].label}" for key, ids in chosen.items()
        )
        if not confirm(self, "彻底删除", f"确定彻底删除所选 {what}？此操作不能撤销。", destructive=True):
            return
        if len(chosen) == 1:
            [(key, ids)] = chosen.items()
            trash_ops.purge_items(self, key, ids)
        else:
            trash_ops.purge_many(self, chosen)

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table in svc.KINDS:
            self.refresh()
