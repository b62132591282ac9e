"""Excel for the 师资队伍 page: import teachers and practice records through the shared preview
(ui/dialogs/import_dialog.py: every row with its problems, then the valid rows in one transaction), the blank
templates, and the export of every teacher with the five-year practice figures (app/io/teachers_*.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.io import teachers_export, teachers_xlsx
from app.io.importing import ImportPreview
from app.services.common import Changes
from ui import files
from ui.dialogs.import_dialog import ImportDialog
from ui.operations import imports as import_ops
from ui.qt import *  # noqa: F403


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
        preview, teachers = self.preview, self.what == "teachers"
        noun = "名教师" if teachers else "条企业实践记录"
        progress = self.start_import(f"正在导入 {len(preview.valid_rows)} {noun}…")
        import_ops.import_teachers(
            self, preview, teachers=teachers, progress=progress, on_done=self._done, on_failed=self._failed
        )

    def _done(self, changes: Changes) -> None:
        if self.what == "teachers":
            text = f"已导入 {changes.count} 名教师。"
        else:
            text = f"已导入 {changes.count} 条企业实践记录，教师的近五年实践天数已随之更新。"
        self.finish_import(changes, text)


def check_file(parent: QWidget, path: Path, what: str) -> None:
    """Read and check the file on the worker, then show the preview (nothing is written before 导入)."""
    read = teachers_xlsx.read_teachers if what == "teachers" else teachers_xlsx.read_practice
    files.preview_file(parent, path, read, lambda preview: TeacherImportDialog(parent, path, preview, what))


def import_teachers(parent: QWidget) -> None:
    path = files.ask_open(parent, "选择要导入的教师名单（Excel）", "import_teachers")
    if path is not None:
        check_file(parent, path, "teachers")


def import_practice(parent: QWidget) -> None:
    path = files.ask_open(parent, "选择要导入的教师企业实践记录（Excel）", "import_practice")
    if path is not None:
        check_file(parent, path, "practice")


TEMPLATES: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "teachers": ("教师导入模板.xlsx", teachers_xlsx.write_teacher_template, "导入教师…"),
    "practice": ("教师企业实践导入模板.xlsx", teachers_xlsx.write_practice_template, "导入企业实践记录…"),
}


def save_template(parent: QWidget, what: str) -> None:
    name, write, action = TEMPLATES[what]
    text = "导入模板已保存到\n{path}\n\n按表头填写后，用“" + action + "”导入。"
    files.save_file(parent, "保存导入模板", "template", name, write, text)


def export_teachers(parent: QWidget) -> None:
    path = files.ask_save(parent, "导出教师及实践情况", "export_teachers", "教师企业实践情况.xlsx")
    if path is not None:
        export_file(parent, path)


def export_file(parent: QWidget, path: Path) -> None:
    files.export_file(
        parent,
        path,
        "正在导出教师及实践情况…",
        teachers_export.export_teachers,
        lambda n: f"已导出 {n} 名教师及其近五年企业实践情况到\n{path}",
    )
