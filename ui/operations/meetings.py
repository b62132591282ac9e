"""The writes of 项目协调会议 other than the meeting form's save: marking an action item done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from app.services import meetings as svc
from app.services.common import Changes
from ui.ops import WriteOp
from ui.qt import *  # noqa: F403


def complete_action_item(
    parent: QWidget, item_id: str, done_on: dt.date, on_done: Callable[[Changes], None] | None = None
) -> None:
    """Mark a saved action item done on `done_on`, at once (its own transaction)."""
    op = WriteOp(parent, lambda s: svc.complete_action_item(s, item_id, done_on))
    if on_done is not None:
        op.success(on_done)
    op.run()
