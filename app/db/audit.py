"""Audit trail: every insert, update, soft delete, restore and purge of a record is written to audit_log
in the same transaction as the change itself."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
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
    if isinstance(value, dt.date):  # datetime too (a subclass)
        return value.isoformat()
    return value


def _collections(obj: RecordMixin) -> dict[str, str]:
    """Child rows that are values of the record (企业类别): {relationship: the attribute naming each}."""
    return getattr(obj, "__audit_collections__", {})


@cache
def _audited(model: type) -> tuple[str, ...]:
    """The columns an insert logs: all but the id and the derived / bookkeeping ones (SKIPPED)."""
    return tuple(a.key for a in inspect(model).column_attrs if a.key not in SKIPPED and a.key != "id")


def _logged(model: type, values: Mapping[str, Any]) -> dict[str, Any]:
    masked = getattr(model, "__audit_masked__", frozenset())
    return {k: "***" if k in masked and values[k] else _plain(values[k]) for k in _audited(model)}


def _row(obj: RecordMixin) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    out = _logged(type(obj), {k: getattr(obj, k) for k in _audited(type(obj))})
    for rel in mapper.relationships:  # a foreign key is set only during the flush: take it from the parent
        target = getattr(obj, rel.key) if rel.direction is MANYTOONE else None
        for local, remote in rel.local_remote_pairs if target is not None else ():
            if out.get(local.key) is None:
                out[local.key] = getattr(target, remote.key)
    for rel, field in _collections(obj).items():
        out[rel] = sorted(getattr(x, field) for x in getattr(obj, rel))
    return out


def insert_entry(
    model: type[RecordMixin],
    values: Mapping[str, Any],
    *,
    at: dt.datetime,
    collections: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, Any]:
    """The audit_log row (column values) the hook below writes when a `model` record with these column
    `values` (id included) is inserted — for Core bulk inserts, which the hook does not see.
    `collections`: the record's value collections (企业类别) as {relationship: names}."""
    changes = _logged(model, values)
    for rel, names in (collections or {}).items():
        changes[rel] = sorted(names)
    return {
        "id": new_id(),
        "at": at,
        "os_user": os_user(),
        "table_name": model.__tablename__,
        "record_id": values["id"],
        "action": "insert",
        "changes": changes,
    }


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
