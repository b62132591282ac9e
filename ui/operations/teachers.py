"""师资队伍 writes that are not the teacher form's save (STYLE §3; Anki aqt/operations/note.py)."""

from __future__ import annotations

from app.services import teachers as svc
from ui.operations import on_records
from ui.qt import *  # noqa: F403

delete_practices = on_records(svc.delete_practices, "Move 企业实践 records to the 回收站.")
