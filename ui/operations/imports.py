"""Excel imports that write (STYLE §3; Anki aqt/operations/note.py): one transaction each, with progress and
cancel; an import is one step of 编辑 → 撤销 (ui/undo.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from sqlalchemy.orm import Session

from app.io import enterprises_xlsx, teachers_xlsx
from app.io.importing import ImportPreview
from app.services.common import Changes
from ui.files import Progress
from ui.operations import Done, Failed, write_reporting
from ui.qt import *  # noqa: F403

Report = Callable[[float, str], None]


def import_enterprises(
    parent: QWidget,
    preview: enterprises_xlsx.ImportPreview,
    choices: Mapping[int, str],
    *,
    progress: Progress,
    on_done: Done,
    on_failed: Failed,
) -> None:
    """Add the new enterprises of an import preview and skip / update / add beside those already in the archive
    as `choices` {row: "skip" | "update" | "new"} says."""
    chosen = dict(choices)

    def work(s: Session, report: Report, cancel: threading.Event) -> Changes:
        return enterprises_xlsx.import_enterprises(s, preview, choices=chosen, progress=report, cancel=cancel)

    write_reporting(parent, work, progress, on_done, on_failed)


def import_updating(
    parent: QWidget,
    write: Callable[..., Changes],
    preview: ImportPreview,
    update_existing: bool,
    progress: Progress,
    on_done: Done,
    on_failed: Failed,
) -> None:
    """The valid rows of a 学生名册, 就业去向 or 企业月度评价 preview, by `write` (app/io: import_students,
    import_employment or import_evaluations); the rows of records already there update them when
    `update_existing`, else they are left as they are."""

    def work(s: Session, report: Report, cancel: threading.Event) -> Changes:
        return write(s, preview, update_existing=update_existing, progress=report, cancel=cancel)

    write_reporting(parent, work, progress, on_done, on_failed)


def import_teachers(
    parent: QWidget,
    preview: ImportPreview,
    *,
    teachers: bool,
    progress: Progress,
    on_done: Done,
    on_failed: Failed,
) -> None:
    """The rows of a 教师 preview (`teachers`) or of a 企业实践记录 one."""
    write = teachers_xlsx.import_teachers if teachers else teachers_xlsx.import_practice
    write_reporting(
        parent, lambda s, report, _c: write(s, preview, progress=report), progress, on_done, on_failed
    )
