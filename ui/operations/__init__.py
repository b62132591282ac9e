"""The writes of each area that are not a record form's save (delete, confirm, change a status), as small named
functions (STYLE §3; Anki aqt/operations/note.py): call sites never build a WriteOp lambda inline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from app.services.common import Changes
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
