"""毕业生就业 writes that are not the form's save: delete records and undo the delete (STYLE §3)."""

from __future__ import annotations

from collections.abc import Sequence

from app.services.employment import delete_employment
from ui.operations import Done, trash, write
from ui.qt import *  # noqa: F403


def delete_records(parent: QWidget, ids: Sequence[str], on_done: Done) -> None:
    """Move 就业记录 to the 回收站."""
    ids = list(ids)
    write(parent, lambda s: delete_employment(s, ids), on_done)


def restore_records(parent: QWidget, ids: Sequence[str], on_done: Done | None = None) -> None:
    """Bring deleted 就业记录 back from the 回收站 (the undo of `delete_records`)."""
    trash.restore_items(parent, "employment", ids, on_done)
