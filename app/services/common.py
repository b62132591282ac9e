"""Small pieces shared by the service modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.engine import attachments_dir_for


@dataclass(frozen=True)
class Changes:
    """What one action changed: the record type, the ids touched and a count."""

    table: str
    ids: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def count(self) -> int:
        return len(self.ids)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def attachments_dir(s: Session) -> Path:
    """The managed attachments folder that belongs to the session's database file."""
    database = s.get_bind().url.database
    return attachments_dir_for(Path(database or "."))


def soft_delete(s: Session, model: type, ids: Sequence[str]) -> Changes:
    """Move live records to the 回收站 (restorable); returns the ids actually moved."""
    stamp = now()
    rows = s.scalars(select(model).where(model.id.in_(ids), model.deleted_at.is_(None))).all()
    for row in rows:
        row.deleted_at = stamp
    return Changes(model.__tablename__, tuple(r.id for r in rows))


def restore(s: Session, model: type, ids: Sequence[str]) -> Changes:
    """Bring records back from the 回收站."""
    rows = s.scalars(select(model).where(model.id.in_(ids), model.deleted_at.is_not(None))).all()
    for row in rows:
        row.deleted_at = None
    return Changes(model.__tablename__, tuple(r.id for r in rows))


def get_or_raise(s: Session, model: type, record_id: str, what: str):
    """The record, or NotFound saying which kind of record is gone (it may have been purged meanwhile)."""
    from app.errors import NotFound

    row = s.get(model, record_id)
    if row is None:
        raise NotFound(f"找不到该{what}（可能已被彻底删除）")
    return row


def like_pattern(term: str) -> str:
    """A LIKE pattern that finds `term` anywhere, with % and _ taken literally (use escape="\\")."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def in_view(model: type, deleted: bool):
    """The condition for a list: live records, or with deleted=True those in the 回收站."""
    return model.deleted_at.is_not(None) if deleted else model.deleted_at.is_(None)
