"""The writes of 行业与工作室 other than a form's save: deleting an organization's or a studio's activities, the
members and meetings of a 专业群建设指导委员会, and undoing such a delete."""

from __future__ import annotations

from collections.abc import Sequence

from app.services import industry as svc
from ui.operations import Done, on_records, write
from ui.qt import *  # noqa: F403

delete_activities = on_records(
    svc.delete_activities, "Move activities of an industry organization to the 回收站."
)
delete_studio_activities = on_records(
    svc.delete_studio_activities, "Move a studio's activities to the 回收站."
)
delete_steering_members = on_records(svc.delete_steering_members, "Move committee members to the 回收站.")
delete_steering_meetings = on_records(svc.delete_steering_meetings, "Move committee meetings to the 回收站.")


def restore_steering(parent: QWidget, table: str, ids: Sequence[str], on_done: Done | None = None) -> None:
    """Undo a delete of committee members (`table` "steering_member") or meetings."""
    ids = list(ids)
    restore = svc.restore_steering_members if table == "steering_member" else svc.restore_steering_meetings
    write(parent, lambda s: restore(s, ids), on_done)
