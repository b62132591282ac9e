"""Excel for the 师资队伍 page: import teachers and practice records through the shared preview
(ui/dialogs/import_dialog.py: every row with its problems, then the valid rows in one transaction), the blank
templates, and the export of every teacher with the five-year practice figures (app/io/teachers_*.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import Cancelled
from app.io import teachers_export, teachers_xlsx
from app.io.importing import ImportPreview
from app.services.common import Changes
from ui.dialogs.import_dialog import ImportDialog
from ui.errors import show_error
from ui.files import Progress, ask_open, ask_save, offer_open
from ui.operations import imports as import_ops
from ui.ops import ReadOp


class TeacherImportDialog(ImportDialog):
    """The shared import preview, importing teachers (`what` = "teachers") or practice records ("practice")."""

    what = "teachers"

    def __init__(self, parent: QWidget | None, path: Path, preview: ImportPreview, what: str) -> None:
        super().__init__(parent, path, preview)
        self.what = what
        noun = "名教师" if what == "teachers" else "条企业实践记录"
        self.setWindowTitle(f"导入{'教师' if what == 'teachers' else '企业实践记录'}预览 — {path.name}")
        self.import_button.setText(f"导入 {len(preview.valid_rows)} {noun}")

    @Slot()
    def do_import(self) -> None:
        self.import_button.setEnabled(False)
        preview, teachers = self.preview, self.what == "teachers"
        noun = "名教师" if teachers else "条企业实践记录"
        self._progress = Progress(self, f"正在导入 {len(preview.valid_rows)} {noun}…")
        import_ops.import_teachers(
            self,
            preview,
            teachers=teachers,
            progress=self._progress,
            on_done=self._done,
            on_failed=self._failed,
        )

    def _done(self, changes: Changes) -> None:
        self._progress.close()
        self.imported = changes
        if self.what == "teachers":
            text = f"已导入 {changes.count} 名教师。"
        else:
            text = f"已导入 {changes.count} 条企业实践记录，教师的近五年实践天数已随之更新。"
        if changes.warnings:
            text += "\n\n提示：\n" + "\n".join(changes.warnings[:10])
        QMessageBox.information(self, "导入完成", text)
        self.accept()


def check_file(parent: QWidget, path: Path, what: str) -> None:
    """Read and check the file on the worker, then show the preview (nothing is written before 导入)."""
    progress = Progress(parent, f"正在检查 {path.name}…")
    read = teachers_xlsx.read_teachers if what == "teachers" else teachers_xlsx.read_practice

    def done(preview: ImportPreview) -> None:
        progress.close()
        TeacherImportDialog(parent, path, preview, what).exec()

    def failed(exc: BaseException) -> None:
        progress.close()
        if not isinstance(exc, Cancelled):
            show_error(parent, exc, "无法导入")

    op = ReadOp(parent, lambda s, report, _c: read(s, path, progress=report, cancel=progress.cancel))
    op.with_progress(progress.update).success(done).failure(failed).run()


def import_teachers(parent: QWidget) -> None:
    path = ask_open(parent, "选择要导入的教师名单（Excel）", "import_teachers")
    if path is not None:
        check_file(parent, path, "teachers")


def import_practice(parent: QWidget) -> None:
    path = ask_open(parent, "选择要导入的教师企业实践记录（Excel）", "import_practice")
    if path is not None:
        check_file(parent, path, "practice")


TEMPLATES: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "teachers": ("教师导入模板.xlsx", teachers_xlsx.write_teacher_template, "导入教师…"),
    "practice": ("教师企业实践导入模板.xlsx", teachers_xlsx.write_practice_template, "导入企业实践记录…"),
}


def save_template(parent: QWidget, what: str) -> None:
    name, write, action = TEMPLATES[what]
    path = ask_save(parent, "保存导入模板", "template", name)
    if path is None:
        return
    try:
        write(path)
    except Exception as e:  # shown to the user, never lost
        show_error(parent, e, "保存模板失败")
        return
    offer_open(parent, path, f"导入模板已保存到\n{path}\n\n按表头填写后，用“{action}”导入。")


def export_teachers(parent: QWidget) -> None:
    path = ask_save(parent, "导出教师及实践情况", "export_teachers", "教师企业实践情况.xlsx")
    if path is not None:
        export_file(parent, path)


def export_file(parent: QWidget, path: Path) -> None:
    progress = Progress(parent, "正在导出教师及实践情况…")

    def done(n: int) -> None:
        progress.close()
        offer_open(parent, path, f"已导出 {n} 名教师及其近五年企业实践情况到\n{path}")

    def failed(exc: BaseException) -> None:
        progress.close()
        if not isinstance(exc, Cancelled):
            show_error(parent, exc, "导出失败")

    op = ReadOp(
        parent,
        lambda s, report, _c: teachers_export.export_teachers(
            s, path, progress=report, cancel=progress.cancel
        ),
    )
    op.with_progress(progress.update).success(done).failure(failed).run()
