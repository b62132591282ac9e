"""The writes of 行业与工作室 other than a form's save: deleting an organization's or a studio's activities, the
members and meetings of a 专业群建设指导委员会, and undoing such a delete."""

from __future__ import annotations

from collections.abc import Sequence

from app.services import industry as svc
from ui.operations import Done, write
from ui.qt import *  # noqa: F403


def delete_activities(parent: QWidget, ids: Sequence[str], on_done: Done | None = None) -> None:
    """Move activities of an industry organization to the 回收站."""
    ids = list(ids)
    write(parent, lambda s: svc.delete_activities(s, ids), on_done)


def delete_studio_activities(parent: QWidget, ids: Sequence[str], on_done: Done | None = None) -> None:
    ids = list(ids)
    write(parent, lambda s: svc.delete_studio_activities(s, ids), on_done)


def delete_steering_members(parent: QWidget, ids: Sequence[str], on_done: Done | None = None) -> None:
    ids = list(ids)
    write(parent, lambda s: svc.delete_steering_members(s, ids), on_done)


def delete_steering_meetings(parent: QWidget, ids: Sequence[str], on_done: Done | None = None) -> None:
    ids = list(ids)
    write(parent, lambda s: svc.delete_steering_meetings(s, ids), on_done)


def restore_steering(parent: QWidget, table: str, ids: Sequence[str], on_done: Done | None = None) -> None:
    """Undo a delete of committee members (`table` "steering_member") or meetings."""
    ids = list(ids)
    restore = svc.restore_steering_members if table == "steering_member" else svc.restore_steering_meetings
    write(parent, lambda s: restore(s, ids), on_done)
