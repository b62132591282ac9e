"""Small pieces shared by the service modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import String, select
from sqlalchemy.orm import Session

from app.errors import ValidationError

# Longest text a field holds, defined once: a String(n) column's n, and for Text columns (备注, 原因, 纪要 …)
# these, so that no field takes megabytes (stored whole, copied into the audit trail, cut by Excel's 32,767
# characters on export). The forms and the imports run the same check, with a message naming the field.
NOTE_MAX = 2000  # 备注, 原因, 说明, 课程 …: a Text column's default
LONG_TEXT_MAX = 10_000  # the longer prose a few Text columns hold (会议纪要, 走访情况 …)
IMPORT_CELL_MAX = LONG_TEXT_MAX  # no import cell is longer than the longest field it could fill


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


def soft_delete(s: Session, model: type, ids: Sequence[str]) -> Changes:
    """Move live records to the 回收站 (restorable); returns the ids actually moved."""
    stamp = now()
    rows = s.scalars(select(model).where(model.id.in_(ids), model.deleted_at.is_(None))).all()
    for row in rows:
        row.deleted_at = stamp
    return Changes(model.__tablename__, tuple(r.id for r in rows))


def restore(s: Session, model: type, ids: Sequence[str]) -> Changes:
    """Bring records back from the 回收站, unless one would share a 学号, 工号 … with a live record (or with
    another record restored with it): refused with a message naming both (app/db/unique_keys.py)."""
    from app.db.unique_keys import refuse_taken_keys

    s.flush()  # the check reads with SQL: what this transaction changed before must be in the database
    refuse_taken_keys(s.connection(), model.__tablename__, list(ids))
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


def max_length(model: type, field: str) -> int:
    """The most characters `field` of `model` holds: String(n) → n; Text (and unsized String) → NOTE_MAX
    (a field of longer prose says LONG_TEXT_MAX where it is checked: length_errors)."""
    column = model.__table__.columns[field]
    if isinstance(column.type, String) and column.type.length:
        return int(column.type.length)
    return NOTE_MAX


def length_error(field: str, label: str, value: str | None, most: int) -> list[ValidationError]:
    """The error for a text over `most` characters: names the field, the limit and the length (never the text)."""
    n = len(value or "")
    if n <= most:
        return []
    return [ValidationError(field, f"{label}过长（最多{most}字，现有{n}字）")]


def length_errors(
    model: type, values: object, labels: Mapping[str, str | tuple[str, int]]
) -> list[ValidationError]:
    """length_error for each field in `labels` ({field: 中文名, or (中文名, most)}) of `values` (a dataclass),
    with the limit the model's column gives (max_length) unless the label says another."""
    errors: list[ValidationError] = []
    for field_name, label in labels.items():
        value = getattr(values, field_name, "")
        if isinstance(value, str):
            text, most = label if isinstance(label, tuple) else (label, max_length(model, field_name))
            errors += length_error(field_name, text, value, most)
    return errors
