"""Excel import: read and check the file on the worker, preview every row with its problems (and, above the
table, what Excel hides: hidden or filtered-out rows and hidden columns, read like the others), then write the
valid rows in one transaction — or nothing.

The 问题说明 column comes right after 行号 / 结果 (the file's own columns follow), so it is on screen however
wide the file is; its whole text is in the tooltip. 导出有问题的行… saves the rejected rows with their
problems to an .xlsx to fix in Excel. An enterprise list also says which rows are enterprises already in the
archive (by 统一社会信用代码, else by name) and lets the user choose, for all and per row, 跳过 (default),
更新 (the row's non-blank cells fill the archive record) or — where only the name matched — 新建."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from app.errors import Cancelled, DataChanged
from app.io.enterprises_xlsx import (
    CHOICES,
    EnterprisePreview,
    ImportPreview,
    ImportRow,
    export_rejected_rows,
    problem_text,
    read_enterprises,
)
from app.services.common import Changes
from ui import files, theme
from ui.errors import show_error
from ui.forms.record_form import restore_geometry, save_geometry
from ui.operations import imports as import_ops
from ui.qt import *  # noqa: F403
from ui.widgets import for_writers

PROBLEM_WIDTH = 380  # the 问题说明 column: wide enough for a sentence, the rest in its tooltip
ROLE_CHOICE = Qt.ItemDataRole.UserRole + 1


def _wrapped(lines: list[str]) -> str:
    """A tooltip that wraps (rich text wraps at the tooltip's width; plain text would be one long line)."""
    return "<p style='white-space:pre-wrap'>" + "<br>".join(escape(line) for line in lines) + "</p>"


class PreviewModel(QAbstractTableModel):
    """行号, 结果, [处理 — an enterprise list with rows already in the archive], 问题说明, the file's columns."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__()
        self.existing = dict(preview.existing) if isinstance(preview, EnterprisePreview) else {}
        self.choice: dict[int, str] = {n: "skip" for n in self.existing}
        fixed = ["行号", "结果", *(["处理"] if self.existing else []), "问题说明"]
        self.choice_column = 2 if self.existing else -1
        self.problem_column = len(fixed) - 1
        self.file_headers = list(preview.headers)
        self.headers = [*fixed, *self.file_headers]
        self.all_rows = list(preview.rows)
        self.rows = self.all_rows

    def set_only_problems(self, only: bool) -> None:
        self.beginResetModel()
        self.rows = (
            [r for r in self.all_rows if r.errors or r.warnings or r.row in self.existing]
            if only
            else self.all_rows
        )
        self.endResetModel()

    def set_all(self, choice: str) -> None:
        """跳过 / 更新 for every row already in the archive (更新 only where it is possible)."""
        for n, match in self.existing.items():
            self.choice[n] = choice if choice != "update" or match.can_update else "skip"
        if self.rows and self.choice_column >= 0:
            self.dataChanged.emit(
                self.index(0, self.choice_column), self.index(len(self.rows) - 1, self.choice_column)
            )

    def allowed(self, row_no: int) -> list[str]:
        match = self.existing.get(row_no)
        if match is None:
            return []
        return [
            "skip",
            *(["update"] if match.can_update else []),
            *(["new"] if match.can_create else []),
        ]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == self.choice_column:
            return (
                "已在档案中的企业：跳过（不改动档案）、更新（用此行非空的列填入档案）或新建（仅名称相同时）"
            )
        return None

    def result(self, row: ImportRow) -> str:
        if row.errors:
            return "有问题"
        if row.row in self.existing:
            return "已在档案中"
        return "提示" if row.warnings else ("新增" if self.existing or self._enterprises() else "可导入")

    def _enterprises(self) -> bool:
        return self.choice_column >= 0

    def problem(self, row: ImportRow) -> str:
        parts = [problem_text(row)] if (row.errors or row.warnings) else []
        if (match := self.existing.get(row.row)) is not None:
            parts.insert(0, match.description)
        return "；".join(p for p in parts if p)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == self.choice_column and len(self.allowed(self.rows[index.row()].row)) > 1:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != self.choice_column:
            return False
        row_no = self.rows[index.row()].row
        if value not in self.allowed(row_no):
            return False
        self.choice[row_no] = value
        self.dataChanged.emit(index, index)
        return True

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: ImportRow = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(row.row)
            if col == 1:
                return self.result(row)
            if col == self.choice_column:
                if row.row not in self.existing:
                    return ""
                return CHOICES[self.choice[row.row]] + (" ▼" if len(self.allowed(row.row)) > 1 else "")
            if col == self.problem_column:
                return self.problem(row)
            return row.values.get(self.headers[col], "")
        if role == Qt.ItemDataRole.EditRole and col == self.choice_column:
            return self.choice.get(row.row, "")
        if role == ROLE_CHOICE:
            return self.allowed(row.row)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.errors:
                return theme.brush(theme.ERROR_BG)
            if row.warnings:
                return theme.brush(theme.WARNING_BG)
            if row.row in self.existing:
                return theme.brush(theme.INFO_BG)
        if role == Qt.ItemDataRole.ForegroundRole and row.errors:
            bad = {e.column for e in row.errors}
            if self.headers[col] in bad or col in (1, self.problem_column):
                return theme.brush(theme.ERROR)
        if (
            role == Qt.ItemDataRole.FontRole
            and row.errors
            and self.headers[col] in {e.column for e in row.errors}
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"第{e.row}行 [{e.column}]：{e.message}" for e in (*row.errors, *row.warnings)]
            if (match := self.existing.get(row.row)) is not None:
                lines.insert(0, match.description)
            return _wrapped(lines) if lines else None
        return None


class ChoiceDelegate(QStyledItemDelegate):
    """处理: a drop-down of what the row allows (跳过 / 更新 / 新建)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> QWidget:
        box = QComboBox(parent)
        for key in index.data(ROLE_CHOICE) or []:
            box.addItem(CHOICES[key], key)
        box.activated.connect(lambda _i, b=box: self.commitData.emit(b))
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ImportDialog(QDialog):
    geometry_key = "import_preview"

    def __init__(self, parent: QWidget | None, path: Path, preview: ImportPreview) -> None:
        super().__init__(parent)
        self.path = path
        self.preview = preview
        self.imported: Changes | None = None
        self.reread: Callable[[], None] | None = None  # reads the file again (set by files.preview_file)
        self.setWindowTitle(f"导入预览 — {path.name}")
        lay = QVBoxLayout(self)
        self.summary = QLabel(wordWrap=True)
        lay.addWidget(self.summary)
        self.notices = QLabel("<br>".join(f"⚠ {escape(n)}" for n in preview.notices), wordWrap=True)
        theme.banner(self.notices, theme.WARNING)
        self.notices.setVisible(bool(preview.notices))  # hidden rows and columns: said before importing
        lay.addWidget(self.notices)
        self.model = PreviewModel(preview)
        top = QHBoxLayout()
        self.only_problems = QCheckBox("只看有问题的行" + ("和已在档案中的行" if self.model.existing else ""))
        self.only_problems.toggled.connect(self._filter)
        top.addWidget(self.only_problems)
        self.all_choice = QComboBox()
        self.all_choice.addItem("全部跳过（不改动档案）", "skip")
        self.all_choice.addItem("全部更新（用文件中非空的列填入档案）", "update")
        self.all_choice.setToolTip("可在表格的“处理”列逐行改为跳过、更新或新建")
        self.all_choice.activated.connect(self._choose_all)
        if self.model.existing:
            top.addSpacing(16)
            top.addWidget(QLabel("已在档案中的企业："))
            top.addWidget(self.all_choice)
        top.addStretch(1)
        self.export_button = QPushButton("导出有问题的行…")
        self.export_button.setToolTip("把有问题的行连同“问题说明”保存为 Excel 文件，改正后可再导入")
        self.export_button.setEnabled(bool(preview.rejected_rows))
        self.export_button.clicked.connect(self.export_problems)
        top.addWidget(self.export_button)
        lay.addLayout(top)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.resizeColumnsToContents()  # samples the first rows only
        for c in range(self.model.columnCount()):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c) + 8, 220))
        self.table.setColumnWidth(self.model.problem_column, PROBLEM_WIDTH)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if self.model.choice_column >= 0:
            self.table.setItemDelegateForColumn(self.model.choice_column, ChoiceDelegate(self.table))
            self.table.setColumnWidth(self.model.choice_column, 80)
            self.table.setEditTriggers(
                QAbstractItemView.EditTrigger.CurrentChanged
                | QAbstractItemView.EditTrigger.SelectedClicked
                | QAbstractItemView.EditTrigger.DoubleClicked
            )
        else:
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        lay.addWidget(self.table, 1)
        self.detail = theme.muted(QLabel(wordWrap=True))  # the current row's 问题说明 in full
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.model.modelReset.connect(lambda: self.detail.clear())
        lay.addWidget(self.detail)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton(
            f"导入 {len(preview.valid_rows)} 条有效记录", QDialogButtonBox.ButtonRole.AcceptRole
        )
        for_writers(self.import_button)  # 只读: the preview shows, the import says why it cannot
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        for (
            button
        ) in buttons.buttons():  # Enter in the table (choosing 跳过 / 更新) never imports by accident
            button.setAutoDefault(False)
            button.setDefault(False)
        buttons.accepted.connect(self.do_import)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.model.dataChanged.connect(self._update_counts)
        self._update_counts()
        if preview.rejected_rows or self.model.existing:
            self.only_problems.setChecked(True)
        restore_geometry(self, self.geometry_key, (1100, 620))

    def done(self, result: int) -> None:
        save_geometry(self, self.geometry_key)
        super().done(result)

    # ------------------------------------------------------------ counts

    def _update_counts(self, *_args: object) -> None:
        preview, model = self.preview, self.model
        valid, rejected = len(preview.valid_rows), len(preview.rejected_rows)
        warned = sum(1 for r in preview.rows if r.warnings and not r.errors)
        bad = f"<b style='color:{theme.ERROR}'>{rejected}</b>" if rejected else "0"
        head = f"表头在第 {preview.header_row} 行，共 {len(preview.rows)} 行数据："
        if isinstance(preview, EnterprisePreview):
            chosen = [model.choice[n] for n in model.existing]
            new = len(preview.new_rows)
            existing = len(model.existing)
            parts = [f"新增 <b>{new}</b> 家"]
            if existing:
                counts = "、".join(
                    f"{CHOICES[c]} {chosen.count(c)}" for c in ("skip", "update", "new") if chosen.count(c)
                )
                parts.append(f"已在档案中 <b>{existing}</b> 家（{counts}）")
            parts.append(f"有问题 {bad} 行" + (f"，提示 {warned} 行" if warned else ""))
            text = head + "，".join(parts) + "。"
            adding = new + chosen.count("new")
            updating = chosen.count("update")
            label = f"导入（新增 {adding} 家" + (f"，更新 {updating} 家" if updating else "") + "）"
            self.import_button.setText(label)
            self.import_button.setEnabled(adding + updating > 0)
        else:
            text = (
                head
                + f"可导入 <b>{valid}</b> 条，有问题 {bad} 行"
                + (f"，提示 {warned} 条" if warned else "")
                + "。"
            )
            self.import_button.setEnabled(valid > 0)
        if rejected:
            text += "<br>有问题的行不会导入；可点“导出有问题的行…”保存下来，在 Excel 中改正后再导入。"
        self.summary.setText(text)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.clear()
            return
        row = self.model.rows[current.row()]
        text = self.model.problem(row)
        self.detail.setText(f"第{row.row}行：{text}" if text else "")

    @Slot(bool)
    def _filter(self, only: bool) -> None:
        self.model.set_only_problems(only)

    @Slot(int)
    def _choose_all(self, _index: int) -> None:
        self.model.set_all(self.all_choice.currentData())

    # ------------------------------------------------------------ the rows to fix

    # Set where the preview shows personal data masked (a roster): the saved rows carry the masked texts, so
    # they are for finding the rows in the original file, not for importing again.
    masked = False

    @Slot()
    def export_problems(self) -> Path | None:
        again = (
            "身份证号、电话和家庭住址已打码：请按“原行号”在原文件中改正后再导入原文件。"
            if self.masked
            else "改正后可再导入这个文件。"
        )
        return files.save_file(
            self,
            "导出有问题的行",
            "import_problems",
            f"{Path(self.preview.file).stem}-有问题的行.xlsx",
            lambda path: export_rejected_rows(self.preview, path),
            "已把 {result} 行有问题的数据（含“问题说明”列）保存到\n{path}\n\n" + again,
            failed_title="导出失败",
        )

    # ------------------------------------------------------------ importing

    def start_import(self, title: str) -> files.Progress:
        """导入 pressed: the button off (until a failure) and the progress dialog the write reports to."""
        self.import_button.setEnabled(False)
        self._progress = files.Progress(self, title)
        return self._progress

    def finish_import(self, changes: Changes, text: str, *, warnings: bool = True, tail: str = "") -> None:
        """The write is done: say `text` (then the first warnings, then `tail`) and close the preview."""
        self._progress.close()
        self.imported = changes
        if warnings and changes.warnings:
            text += "\n\n提示：\n" + "\n".join(changes.warnings[:10])
        QMessageBox.information(self, "导入完成", text + tail)
        self.accept()

    @Slot()
    def do_import(self) -> None:
        progress = self.start_import("正在导入企业…")
        choices = dict(self.model.choice)
        import_ops.import_enterprises(
            self, self.preview, choices, progress=progress, on_done=self._done, on_failed=self._failed
        )

    def _done(self, changes: Changes) -> None:
        summary = getattr(changes, "summary", None)
        text = (summary() if summary else f"已导入 {changes.count} 家企业") + "。"
        self.finish_import(changes, text, tail="\n\n如导入有误，可用“编辑 → 撤销”（Ctrl+Z）撤销这次导入。")

    def _failed(self, exc: BaseException) -> None:
        self._progress.close()
        self.import_button.setEnabled(True)
        if isinstance(exc, Cancelled):
            QMessageBox.information(self, "已取消", "导入已取消，数据库未做任何修改。")
        elif isinstance(exc, DataChanged) and self.reread is not None:
            self._offer_reread(exc)
        else:
            show_error(self, exc, "导入失败，数据库未做任何修改")

    def _offer_reread(self, exc: DataChanged) -> None:
        """The data changed since the file was read (another user imported or saved meanwhile): this preview is
        out of date; reading the file again shows the import as it would be now."""
        box = QMessageBox(QMessageBox.Icon.Warning, "数据已有变化", exc.message, parent=self)
        again = box.addButton("重新读取文件", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(again)
        box.exec()
        if box.clickedButton() is again:
            reread = self.reread
            self.reject()
            reread()

    @classmethod
    def choose_and_run(cls, parent: QWidget) -> None:
        files.choose_and_preview(
            parent,
            "选择要导入的企业名单（Excel）",
            "import",
            read_enterprises,
            lambda path, p: cls(parent, path, p),
        )

    @classmethod
    def check_file(cls, parent: QWidget, path: Path) -> None:
        files.preview_file(parent, path, read_enterprises, lambda p: cls(parent, path, p))
