"""Audit trail: every insert, update, soft delete, restore and purge of a record is written to audit_log
in the same transaction as the change itself."""

from __future__ import annotations

import datetime as dt
import getpass
from functools import lru_cache
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.db.base import RecordMixin, new_id
from app.db.models import AuditLog

SKIPPED = {"created_at", "updated_at", "pinyin_initials", "pinyin_full", "name_key"}


@lru_cache(maxsize=1)
def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (service account, odd Windows setups)
        return ""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _row(obj: RecordMixin) -> dict[str, Any]:
    masked = getattr(obj, "__audit_masked__", frozenset())
    out = {}
    for attr in inspect(obj).mapper.column_attrs:
        key = attr.key
        if key in SKIPPED or key == "id":
            continue
        value = getattr(obj, key)
        out[key] = "***" if key in masked and value else _plain(value)
    return out


def _diff(obj: RecordMixin) -> dict[str, list[Any]]:
    masked = getattr(obj, "__audit_masked__", frozenset())
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIPPED:
            continue
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new:
            continue
        if attr.key in masked:
            changes[attr.key] = ["***", "***"]
        else:
            changes[attr.key] = [_plain(old), _plain(new)]
    return changes


def _log(session: Session, obj: RecordMixin, action: str, changes: dict | None) -> None:
    session.add(
        AuditLog(
            os_user=os_user(),
            table_name=obj.__tablename__,
            record_id=obj.id,
            action=action,
            changes=changes,
        )
    )


@event.listens_for(Session, "before_flush")
def _audit_before_flush(session: Session, flush_context: object, instances: object) -> None:
    for obj in list(session.new):
        if isinstance(obj, RecordMixin):
            if obj.id is None:
                obj.id = new_id()
            _log(session, obj, "insert", _row(obj))
    for obj in list(session.dirty):
        if not isinstance(obj, RecordMixin) or not session.is_modified(obj, include_collections=False):
            continue
        changes = _diff(obj)
        if not changes:
            continue
        action = "update"
        if "deleted_at" in changes:
            action = "delete" if changes["deleted_at"][1] else "restore"
        _log(session, obj, action, changes)
    for obj in list(session.deleted):
        if isinstance(obj, RecordMixin):
            _log(session, obj, "purge", None)
