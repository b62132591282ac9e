"""Audit trail: every insert, update, soft delete, restore and purge of a record is written to audit_log
in the same transaction as the change itself. The same flush hook keeps each record's `updated_by` and
counts a change of a record's own parts (its contacts, categories, KPI rows …) as a change of the record, so
its version moves on (app/db/base.py RecordMixin)."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import MANYTOONE, ONETOMANY, Session

from app.db.base import Base, RecordMixin, new_id, utcnow
from app.db.models import AuditLog
from app.domain.privacy import MASKS

SKIPPED = {
    "created_at",
    "updated_at",
    "updated_by",
    "version",
    "pinyin_initials",
    "pinyin_full",
    "name_key",
    *(f"{c}_masked" for c in MASKS),  # a student's masked copies follow the personal columns (logged as ***)
}


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


def _touch(obj: RecordMixin, who: str, row_changed: bool) -> None:
    """Who saved the record; when only its parts changed, its row is written all the same (an UPDATE moves
    its version)."""
    obj.updated_by = who
    if not row_changed:
        obj.updated_at = utcnow()


def saved_by(session: Session) -> str:
    """Who a session's changes are saved by: the role logged in to a server, else the computer's login name."""
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        return os_user()
    return bind.engine.url.username or ""


@cache
def _owners() -> dict[type, tuple[tuple[type, str], ...]]:
    """{part model: ((owner model, the part's attribute holding the owner's id), …)}: the rows a record owns
    (a relationship of the owner with delete-orphan cascade: an enterprise's contacts, a project's KPIs; or a
    part naming its owner in `__version_owner__ = (owner table, attribute)`: a base's cost rows)."""
    out: dict[type, list[tuple[type, str]]] = {}
    tables = {m.class_.__tablename__: m.class_ for m in Base.registry.mappers}
    for mapper in Base.registry.mappers:
        # rows a record's form writes with it though they are not in a collection of it (a base's cost rows)
        if owner := getattr(mapper.class_, "__version_owner__", None):
            out.setdefault(mapper.class_, []).append((tables[owner[0]], owner[1]))
        for rel in _own_parts(mapper.class_):
            ((_local, remote),) = mapper.relationships[rel].local_remote_pairs
            part = mapper.relationships[rel].mapper
            out.setdefault(part.class_, []).append((mapper.class_, part.get_property_by_column(remote).key))
    return {k: tuple(v) for k, v in out.items()}


@cache
def _own_parts(model: type) -> tuple[str, ...]:
    """The relationships of a record that hold its own parts (delete-orphan cascade): a change of one of
    these collections is a change of the record. Other collections (a student's internships) are not."""
    return tuple(
        rel.key
        for rel in inspect(model).relationships
        if rel.direction is ONETOMANY and rel.cascade.delete_orphan and issubclass(model, RecordMixin)
    )


def _parts_changed(obj: RecordMixin) -> bool:
    state = inspect(obj)
    return any(state.attrs[key].history.has_changes() for key in _own_parts(type(obj)))


def _owner_of(session: Session, part: object) -> RecordMixin | None:
    state = inspect(part)
    for owner_model, key in _owners().get(type(part), ()):
        hist = state.attrs[key].history  # the owner as loaded: a part taken from its owner still names it
        owner_id = hist.deleted[0] if hist.deleted and hist.deleted[0] is not None else getattr(part, key)
        if owner_id is None:  # a new part added through the owner's collection: that collection changed
            continue
        owner = session.get(owner_model, owner_id)
        if owner is not None:
            return owner
    return None


@event.listens_for(Session, "before_flush")
def _audit_before_flush(session: Session, flush_context: object, instances: object) -> None:
    who = saved_by(session)
    new = [obj for obj in session.new if isinstance(obj, RecordMixin)]
    for obj in new:  # ids first: a child's audit row names its parent's id
        if obj.id is None:
            obj.id = new_id()
        obj.updated_by = who
    for obj in new:
        _log(session, obj, "insert", _row(obj))
    parts: list[object] = [obj for obj in (*session.new, *session.deleted) if type(obj) in _owners()]
    for obj in list(session.dirty):
        if type(obj) in _owners() and session.is_modified(obj, include_collections=False):
            parts.append(obj)
        if not isinstance(obj, RecordMixin):
            continue
        row_changed = session.is_modified(obj, include_collections=False)
        if not row_changed and not _parts_changed(obj):
            continue
        _touch(obj, who, row_changed)
        changes = _diff(obj)
        if not changes:
            continue
        action = "update"
        if "deleted_at" in changes:
            action = "delete" if changes["deleted_at"][1] else "restore"
        _log(session, obj, action, changes)
    for part in parts:
        owner = _owner_of(session, part)
        if owner is not None and owner not in session.new and owner not in session.deleted:
            _touch(owner, who, False)
    for obj in list(session.deleted):
        if isinstance(obj, RecordMixin):
            _log(session, obj, "purge", None)
