"""The writes of 学生实习 other than a form's save: a status change of one or many internships (with the form's
unsaved edits in the same transaction when there are any), deleting an enterprise's monthly evaluation, and
importing the evaluations of a checked file."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from app.io import internships_xlsx
from app.io.importing import ImportPreview
from app.services import internships as svc
from app.services.common import Changes
from ui.operations import Done, Failed, write
from ui.ops import WriteOp
from ui.qt import *  # noqa: F403


def set_status(
    parent: QWidget,
    ids: Sequence[str],
    to_status: str,
    *,
    reason: str = "",
    save_first: Callable[[Session], object] | None = None,
    on_done: Done | None = None,
    on_failed: Failed | None = None,
) -> None:
    """Move the internships `ids` to `to_status` in one transaction (the service refuses a batch as a whole);
    `save_first(s)` (a form's unsaved edits) runs in the same transaction."""
    ids = list(ids)

    def work(s: Session) -> Changes:
        if save_first is not None:
            save_first(s)
        return svc.set_status(s, ids, to_status, reason=reason)

    write(parent, work, on_done, on_failed)


def delete_evaluations(parent: QWidget, ids: Sequence[str], on_done: Done | None = None) -> None:
    """Move an enterprise's monthly evaluations to the 回收站."""
    ids = list(ids)
    write(parent, lambda s: svc.delete_evaluations(s, ids), on_done)


def import_evaluations(
    parent: QWidget,
    preview: ImportPreview,
    *,
    update_existing: bool,
    cancel: threading.Event,
    on_progress: Callable[[float, str], None],
    on_done: Done,
    on_failed: Failed,
) -> None:
    """Write the valid rows of a checked evaluation file (those of a month already evaluated replace it when
    `update_existing`), reporting progress; setting `cancel` stops it before anything is kept."""
    op = WriteOp(
        parent,
        lambda s, report, _c: internships_xlsx.import_evaluations(
            s, preview, update_existing=update_existing, progress=report, cancel=cancel
        ),
    )
    op.with_progress(on_progress).success(on_done).failure(on_failed).run()
