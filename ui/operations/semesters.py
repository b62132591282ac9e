"""设置 → 学期日历: saving the college's semester dates (STYLE §3)."""

from __future__ import annotations

from app.domain.semesters import SemesterCalendar
from app.services import settings as svc
from ui.operations import Done, Failed, write
from ui.qt import *  # noqa: F403


def save_calendar(parent: QWidget, calendar: SemesterCalendar, on_done: Done, on_failed: Failed) -> None:
    write(parent, lambda s: svc.save_semester_calendar(s, calendar), on_done, on_failed)
