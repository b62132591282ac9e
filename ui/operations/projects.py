"""The writes of 项目与平台 other than the project form's save: delete / restore projects, delete a coordination
meeting, mark action items done (one transaction for all the items chosen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.services import meetings as msvc
from app.services import projects as svc
from app.services.common import Changes
from ui.operations import Done, on_records, write
from ui.qt import *  # noqa: F403

delete_projects = on_records(svc.delete_projects, "Move projects to the 回收站.")
restore_projects = on_records(
    svc.restore_projects, "Bring deleted projects back (the undo of delete_projects)."
)
delete_meetings = on_records(msvc.delete_meetings, "Move coordination meetings to the 回收站.")


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
