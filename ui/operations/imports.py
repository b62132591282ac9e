"""Excel imports that write (STYLE §3; Anki aqt/operations/note.py): one transaction each, with progress and
cancel; an import is one step of 编辑 → 撤销 (ui/undo.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app.io import enterprises_xlsx, teachers_xlsx
from app.io.importing import ImportPreview
from app.services.common import Changes
from ui.files import Progress
from ui.ops import WriteOp
from ui.qt import *  # noqa: F403


def import_enterprises(
    parent: QWidget,
    preview: enterprises_xlsx.ImportPreview,
    choices: Mapping[int, str],
    *,
    progress: Progress,
    on_done: Callable[[Changes], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    """Add the new enterprises of an import preview and skip / update / add beside those already in the archive
    as `choices` {row: "skip" | "update" | "new"} says."""
    cancel = progress.cancel
    chosen = dict(choices)
    op = WriteOp(
        parent,
        lambda s, report, _c: enterprises_xlsx.import_enterprises(
            s, preview, choices=chosen, progress=report, cancel=cancel
        ),
    )
    op.with_progress(progress.update).success(on_done).failure(on_failed).run()


def import_students(
    parent: QWidget,
    write: Callable[..., Changes],
    preview: ImportPreview,
    *,
    update_existing: bool,
    progress: Progress,
    on_done: Callable[[Changes], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    """The rows of a 学生名册 or 就业去向 preview, by `write` (app/io: import_students or import_employment);
    rows of students already there updated when `update_existing`."""
    cancel = progress.cancel
    op = WriteOp(
        parent,
        lambda s, report, _c: write(
            s, preview, update_existing=update_existing, progress=report, cancel=cancel
        ),
    )
    op.with_progress(progress.update).success(on_done).failure(on_failed).run()


def import_teachers(
    parent: QWidget,
    preview: ImportPreview,
    *,
    teachers: bool,
    progress: Progress,
    on_done: Callable[[Changes], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    """The rows of a 教师 preview (`teachers`) or of a 企业实践记录 one."""
    write = teachers_xlsx.import_teachers if teachers else teachers_xlsx.import_practice
    op = WriteOp(parent, lambda s, report, _c: write(s, preview, progress=report))
    op.with_progress(progress.update).success(on_done).failure(on_failed).run()
