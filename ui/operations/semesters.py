"""设置 → 学期日历: saving the college's semester dates (STYLE §3)."""

from __future__ import annotations

from collections.abc import Callable

from app.domain.semesters import SemesterCalendar
from app.services import settings as svc
from app.services.common import Changes
from ui.ops import WriteOp
from ui.qt import *  # noqa: F403


def save_calendar(
    parent: QWidget,
    calendar: SemesterCalendar,
    on_done: Callable[[Changes], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    WriteOp(parent, lambda s: svc.save_semester_calendar(s, calendar)).success(on_done).failure(
        on_failed
    ).run()
