"""毕业生就业 writes that are not the form's save: delete records and undo the delete (STYLE §3)."""

from __future__ import annotations

from collections.abc import Sequence

from app.services.employment import delete_employment
from ui.operations import Done, on_records, trash
from ui.qt import *  # noqa: F403

delete_records = on_records(delete_employment, "Move 就业记录 to the 回收站.")


def restore_records(parent: QWidget, ids: Sequence[str], on_done: Done | None = None) -> None:
    """Bring deleted 就业记录 back from the 回收站 (the undo of `delete_records`)."""
    trash.restore_items(parent, "employment", ids, on_done)
