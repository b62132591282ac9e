"""师资队伍 writes that are not the teacher form's save (STYLE §3; Anki aqt/operations/note.py)."""

from __future__ import annotations

from collections.abc import Sequence

from app.services import teachers as svc
from ui.operations import Done, write
from ui.qt import *  # noqa: F403


def delete_practices(parent: QWidget, ids: Sequence[str], on_done: Done) -> None:
    """Move 企业实践 records to the 回收站."""
    ids = list(ids)
    write(parent, lambda s: svc.delete_practices(s, ids), on_done)
