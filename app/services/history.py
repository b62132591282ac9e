"""Reading the audit trail of a record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AuditLog

ACTIONS = {
    "insert": "新建",
    "update": "修改",
    "delete": "删除到回收站",
    "restore": "恢复",
    "purge": "彻底删除",
}


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    os_user: str
    action: str
    changes: dict


def record_history(s: Session, record_id: str) -> list[HistoryEntry]:
    rows = s.scalars(select(AuditLog).where(AuditLog.record_id == record_id).order_by(AuditLog.at.desc()))
    return [HistoryEntry(r.at, r.os_user, ACTIONS.get(r.action, r.action), r.changes or {}) for r in rows]
