"""The writes of 项目与平台 other than the project form's save: delete / restore projects, delete a coordination
meeting, mark action items done (one transaction for all the items chosen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.services import meetings as msvc
from app.services import projects as svc
from app.services.common import Changes
from ui.operations import Done, write
from ui.qt import *  # noqa: F403


def delete_projects(parent: QWidget, ids: Sequence[str], on_done: Done = None) -> None:
    ids = list(ids)
    write(parent, lambda s: svc.delete_projects(s, ids), on_done)


def restore_projects(parent: QWidget, ids: Sequence[str], on_done: Done = None) -> None:
    ids = list(ids)
    write(parent, lambda s: svc.restore_projects(s, ids), on_done)


def delete_meetings(parent: QWidget, ids: Sequence[str], on_done: Done = None) -> None:
    ids = list(ids)
    write(parent, lambda s: msvc.delete_meetings(s, ids), on_done)


def complete_action_items(
    parent: QWidget, ids: Sequence[str], done_on: dt.date, on_done: Done = None
) -> None:
    """Mark these action items done on `done_on`, all in one transaction."""
    ids = list(ids)

    def work(s: Session) -> Changes:
        done = [i for item_id in ids for i in msvc.complete_action_item(s, item_id, done_on).ids]
        return Changes("action_item", tuple(done))

    if ids:
        write(parent, work, on_done)
