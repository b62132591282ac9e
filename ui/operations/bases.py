"""实践基地 writes that are not a form's save (STYLE §3): delete usage records, mark a major's semester summary
as submitted or take that back."""

from __future__ import annotations

import datetime as dt

from app.services import bases as svc
from ui.operations import Done, on_records, write
from ui.qt import *  # noqa: F403

delete_usages = on_records(svc.delete_usages, "Move usage records of a base to the 回收站.")


def mark_submitted(parent: QWidget, major_id: str, semester: str, on: dt.date, on_done: Done) -> None:
    """Record that a major handed in its semester summary of base usage on `on`."""
    write(parent, lambda s: svc.mark_summary_submitted(s, major_id, semester, on), on_done)


def unmark_submitted(parent: QWidget, major_id: str, semester: str, on_done: Done) -> None:
    """Take back a submission recorded by `mark_submitted`."""
    write(parent, lambda s: svc.unmark_summary_submitted(s, major_id, semester), on_done)
