"""Excel import: read and check the file on the worker, preview every row with its problems (and, above the
table, what Excel hides: hidden or filtered-out rows and hidden columns, read like the others), then write the
valid rows in one transaction — or nothing."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import Cancelled
from app.io.enterprises_xlsx import ImportPreview, ImportRow, import_enterprises, read_enterprises
from app.services.common import Changes
from ui.errors import show_error
from ui.files import Progress, ask_open
from ui.ops import ReadOp, WriteOp

ERROR_BG = QColor("#fde7e9")
WARNING_BG = QColor("#fff4ce")


class PreviewModel(QAbstractTableModel):
    def __init__(self, preview: ImportPreview) -> None:
        super().__init__()
        self.headers = ["行号", "结果", *preview.headers, "问题说明"]
        self.all_rows = list(preview.rows)
        self.rows = self.all_rows

    def set_only_problems(self, only: bool) -> None:
        self.beginResetModel()
        self.rows = [r for r in self.all_rows if r.errors or r.warnings] if only else self.all_rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: ImportRow = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(row.row)
            if col == 1:
                return "拒绝" if row.errors else ("提示" if row.warnings else "可导入")
            if col == len(self.headers) - 1:
                return "；".join(f"[{e.column}] {e.message}" for e in (*row.errors, *row.warnings))
            return row.values.get(self.headers[col], "")
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.errors:
                bad = {e.column for e in row.errors}
                return QColor("#f8b4ba") if self.headers[col] in bad else ERROR_BG
            if row.warnings:
                return WARNING_BG
        if role == Qt.ItemDataRole.ToolTipRole and (row.errors or row.warnings):
            return "\n".join(f"第{e.row}行 [{e.column}]：{e.message}" for e in (*row.errors, *row.warnings))
        return None


class ImportDialog(QDialog):
    def __init__(self, parent: QWidget | None, path: Path, preview: ImportPreview) -> None:
        super().__init__(parent)
        self.preview = preview
        self.imported: Changes | None = None
        self.setWindowTitle(f"导入预览 — {path.name}")
        self.resize(1100, 620)
        lay = QVBoxLayout(self)
        valid, rejected = len(preview.valid_rows), len(preview.rejected_rows)
        warned = sum(1 for r in preview.rows if r.warnings and not r.errors)
        summary = QLabel(
            f"表头在第 {preview.header_row} 行，共 {len(preview.rows)} 行数据：可导入 <b>{valid}</b> 条，"
            f"拒绝 <b style='color:#c42b1c'>{rejected}</b> 行"
            + (f"，提示 {warned} 条" if warned else "")
            + "。"
            "<br>被拒绝的行不会导入；可在 Excel 中改正后再导入这些行。"
        )
        lay.addWidget(summary)
        self.notices = QLabel("<br>".join(f"⚠ {escape(n)}" for n in preview.notices), wordWrap=True)
        self.notices.setStyleSheet(f"background:{WARNING_BG.name()}; padding:6px; border-radius:3px;")
        self.notices.setVisible(bool(preview.notices))  # hidden rows and columns: said before importing
        lay.addWidget(self.notices)
        top = QHBoxLayout()
        self.only_problems = QCheckBox("只看有问题的行")
        self.only_problems.toggled.connect(self._filter)
        top.addWidget(self.only_problems)
        top.addStretch(1)
        lay.addLayout(top)
        self.model = PreviewModel(preview)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()  # samples the first rows only
        for c in range(self.model.columnCount() - 1):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c) + 8, 260))
        lay.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton(
            f"导入 {valid} 条有效记录", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(valid > 0)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.do_import)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        if rejected:
            self.only_problems.setChecked(True)

    @Slot(bool)
    def _filter(self, only: bool) -> None:
        self.model.set_only_problems(only)

    @Slot()
    def do_import(self) -> None:
        self.import_button.setEnabled(False)
        preview = self.preview
        self._progress = Progress(self, f"正在导入 {len(preview.valid_rows)} 家企业…")
        cancel = self._progress.cancel
        op = WriteOp(
            self, lambda s, report, _c: import_enterprises(s, preview, progress=report, cancel=cancel)
        )
        op.with_progress(self._progress.update).success(self._done).failure(self._failed).run()

    def _done(self, changes: Changes) -> None:
        self._progress.close()
        self.imported = changes
        QMessageBox.information(self, "导入完成", f"已导入 {changes.count} 家企业。")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._progress.close()
        self.import_button.setEnabled(True)
        if isinstance(exc, Cancelled):
            QMessageBox.information(self, "已取消", "导入已取消，数据库未做任何修改。")
        else:
            show_error(self, exc, "导入失败，数据库未做任何修改")

    @classmethod
    def choose_and_run(cls, parent: QWidget) -> None:
        path = ask_open(parent, "选择要导入的企业名单（Excel）", "import")
        if path is not None:
            cls.check_file(parent, path)

    @classmethod
    def check_file(cls, parent: QWidget, path: Path) -> None:
        progress = Progress(parent, f"正在检查 {path.name}…")

        def done(preview: ImportPreview) -> None:
            progress.close()
            cls(parent, path, preview).exec()

        def failed(exc: BaseException) -> None:
            progress.close()
            if not isinstance(exc, Cancelled):
                show_error(parent, exc, "无法导入")

        op = ReadOp(
            parent,
            lambda s, report, cancel: read_enterprises(s, path, progress=report, cancel=progress.cancel),
        )
        op.with_progress(progress.update).success(done).failure(failed).run()
