"""The writes of 学生实习 other than a form's save: a status change of one or many internships (with the form's
unsaved edits in the same transaction when there are any), and deleting an enterprise's monthly evaluation (the
import of a file of evaluations is ui/operations/imports.py's import_updating)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from app.services import internships as svc
from app.services.common import Changes
from ui.operations import Done, Failed, on_records, write
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


delete_evaluations = on_records(
    svc.delete_evaluations, "Move an enterprise's monthly evaluations to the 回收站."
)
