"""The writes of each area that are not a record form's save (delete, confirm, change a status), as small named
functions (STYLE §3; Anki aqt/operations/note.py): call sites never build a WriteOp lambda inline."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.services.common import Changes
from ui.files import Progress
from ui.ops import WriteOp
from ui.qt import *  # noqa: F403

Done = Callable[[Changes], None]
Failed = Callable[[BaseException], None]


def write(
    parent: QWidget,
    work: Callable[[Session], Any],
    on_done: Done | None = None,
    on_failed: Failed | None = None,
) -> None:
    """Run one write (one transaction) for `parent`; on_done gets its Changes, on_failed its error (without
    one, the error is shown in a message box)."""
    op = WriteOp(parent, work)
    if on_done is not None:
        op.success(on_done)
    if on_failed is not None:
        op.failure(on_failed)
    op.run()


def write_reporting(
    parent: QWidget,
    work: Callable[[Session, Callable[[float, str], None], threading.Event], Any],
    progress: Progress,
    on_done: Done,
    on_failed: Failed,
) -> None:
    """Run one long write (an import) for `parent`: `work(s, report, cancel)` reports to the progress dialog,
    whose 取消 sets `cancel` (the work then stops, leaving nothing); on_done gets its Changes, on_failed its
    error."""
    op = WriteOp(parent, work)
    op.cancel_event = progress.cancel
    op.with_progress(progress.update).success(on_done).failure(on_failed).run()


def on_records(service: Callable[[Session, list[str]], Changes], doc: str) -> Callable[..., None]:
    """A named write over records by id: `delete_projects = on_records(svc.delete_projects, "…")` is called as
    `delete_projects(parent, ids, on_done=None)` and runs `service(s, ids)` in one transaction."""

    def op(parent: QWidget, ids: Sequence[str], on_done: Done | None = None) -> None:
        chosen = list(ids)
        write(parent, lambda s: service(s, chosen), on_done)

    op.__doc__ = doc
    return op
