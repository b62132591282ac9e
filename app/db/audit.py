"""Audit trail: every insert, update, soft delete, restore and purge of a record is written to audit_log
in the same transaction as the change itself."""

from __future__ import annotations

import datetime as dt
import getpass
from functools import lru_cache
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import MANYTOONE, Session

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


def _collections(obj: RecordMixin) -> dict[str, str]:
    """Child rows that are values of the record (企业类别): {relationship: the attribute naming each}."""
    return getattr(obj, "__audit_collections__", {})


def _row(obj: RecordMixin) -> dict[str, Any]:
    masked = getattr(obj, "__audit_masked__", frozenset())
    mapper = inspect(obj).mapper
    out = {}
    for attr in mapper.column_attrs:
        key = attr.key
        if key in SKIPPED or key == "id":
            continue
        value = getattr(obj, key)
        out[key] = "***" if key in masked and value else _plain(value)
    for rel in mapper.relationships:  # a foreign key is set only during the flush: take it from the parent
        target = getattr(obj, rel.key) if rel.direction is MANYTOONE else None
        for local, remote in rel.local_remote_pairs if target is not None else ():
            if out.get(local.key) is None:
                out[local.key] = getattr(target, remote.key)
    for rel, field in _collections(obj).items():
        out[rel] = sorted(getattr(x, field) for x in getattr(obj, rel))
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
    for rel, field in _collections(obj).items():
        hist = state.attrs[rel].history
        old = sorted(getattr(x, field) for x in (*hist.unchanged, *hist.deleted))
        new = sorted(getattr(x, field) for x in (*hist.unchanged, *hist.added))
        if old != new:
            changes[rel] = [old, new]
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
    new = [obj for obj in session.new if isinstance(obj, RecordMixin)]
    for obj in new:  # ids first: a child's audit row names its parent's id
        if obj.id is None:
            obj.id = new_id()
    for obj in new:
        _log(session, obj, "insert", _row(obj))
    for obj in list(session.dirty):
        if not isinstance(obj, RecordMixin):
            continue
        if not session.is_modified(obj, include_collections=bool(_collections(obj))):
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
