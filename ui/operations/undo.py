"""撤销 / 重做 writes (STYLE §3; Anki aqt/operations/note.py): one journaled action put back in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from app.services import undo as core
from ui.operations import write
from ui.qt import *  # noqa: F403


def undo_action(
    parent: QWidget,
    journal: core.Journal,
    on_done: Callable[[core.UndoChanges], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    """Put back what the journaled action did (its redo is the result's `inverse`)."""
    write(parent, lambda s: core.undo(s, journal), on_done, on_failed)
