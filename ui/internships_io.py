"""Excel for the 学生实习 page: 企业月度评价 imported through the shared preview (ui/dialogs/import_dialog.py:
every row with its problems, then the valid rows in one transaction). Rows for months already evaluated are
updated only if the user says so (update_existing)."""

from __future__ import annotations

from pathlib import Path

from app.io import internships_xlsx
from app.io.importing import ImportPreview
from app.services.common import Changes
from ui import files
from ui.dialogs.import_dialog import ImportDialog
from ui.operations import imports as import_ops
from ui.qt import *  # noqa: F403


def ask_update(parent: QWidget, existing: int) -> bool | None:
    """Whether to overwrite the months already evaluated: True, False, or None (cancel)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("已有企业评价")
    box.setText(f"其中 {existing} 行对应的月份已经登记过企业评价。")
    box.setInformativeText("用文件中的评分更新这些月份，还是保留原来的评价、只导入新的月份？")
    update = box.addButton("更新已有评价", QMessageBox.ButtonRole.YesRole)
    keep = box.addButton("保留原评价", QMessageBox.ButtonRole.NoRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    clicked = box.clickedButton()
    return True if clicked is update else False if clicked is keep else None


class EvaluationImportDialog(ImportDialog):
    """The shared import preview, importing 企业月度评价."""

    def __init__(self, parent: QWidget | None, path: Path, preview: ImportPreview) -> None:
        super().__init__(parent, path, preview)
        self.setWindowTitle(f"导入企业月度评价预览 — {path.name}")
        self.existing = internships_xlsx.existing_count(preview)
        self.import_button.setText(f"导入 {len(preview.valid_rows)} 条企业评价")

    @Slot()
    def do_import(self) -> None:
        update = ask_update(self, self.existing) if self.existing else False
        if update is None:
            return
        preview = self.preview
        progress = self.start_import(f"正在导入 {len(preview.valid_rows)} 条企业评价…")
        write = internships_xlsx.import_evaluations
        import_ops.import_updating(self, write, preview, update, progress, self._done, self._failed)

    def _done(self, changes: Changes) -> None:
        self.finish_import(changes, f"已导入 {changes.count} 条企业月度评价，各实习的预警已随之更新。")


def check_file(parent: QWidget, path: Path) -> None:
    """Read and check the file on the worker, then show the preview (nothing is written before 导入)."""
    files.preview_file(
        parent,
        path,
        internships_xlsx.read_evaluations,
        lambda preview: EvaluationImportDialog(parent, path, preview),
    )


def import_evaluations(parent: QWidget) -> None:
    path = files.ask_open(
        parent, "选择要导入的企业月度评价（Excel：学号、月份、评分…）", "import_evaluations"
    )
    if path is not None:
        check_file(parent, path)
