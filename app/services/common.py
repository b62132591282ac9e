"""Small pieces shared by the service modules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

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
