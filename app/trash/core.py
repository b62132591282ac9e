"""回收站 across record types: what is deleted, restore, and 彻底删除 (purge).

Each record type that can be soft-deleted registers a `TrashKind`: how to list its deleted records and how
to purge one. An area registers its kinds in its own module of this package (cooperation, funds, teachers,
bases, internships), which the package imports in the 回收站's order; the 回收站 page uses `KINDS` and never
changes for a new area.

A record another record still points to is not purged: an area says so with `referenced_by(kind, column,
label)` (e.g. budgets name a project), and purge_items refuses with a message naming the record and how many
records point at it. A purge removes the record's attachments with it (the bytes only when no other record
uses them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import AppError
from app.services.attachments import purge_owner_attachments
from app.services.common import Changes, restore


@dataclass(frozen=True)
class TrashRow:
    id: str
    title: str
    detail: str
    deleted_at: dt.datetime
    kind: str = ""  # the kind's key, set where kinds are listed together (all_trash_rows)


@dataclass(frozen=True)
class TrashKind:
    key: str  # the table name, as in Changes.table
    label: str  # 企业
    unit: str  # 家
    model: type
    rows: Callable[[Session], list[TrashRow]]  # deleted records, latest deleted first
    purge_one: Callable[[Session, Any], None]  # the ORM row, deleted_at set; raises AppError to refuse


KINDS: dict[str, TrashKind] = {}
REFERENCES: dict[str, list[tuple[Any, str]]] = {}  # kind -> (foreign-key column, “项资产”)


def register(kind: TrashKind) -> TrashKind:
    KINDS[kind.key] = kind
    return kind


def referenced_by(key: str, column: Any, label: str) -> None:
    """Records whose `column` holds the id of a `key` record keep that record out of purges."""
    REFERENCES.setdefault(key, []).append((column, label))


def kind_of(key: str) -> TrashKind:
    try:
        return KINDS[key]
    except KeyError:
        raise AppError(f"回收站中没有“{key}”这类记录") from None


def trash_rows(s: Session, key: str) -> list[TrashRow]:
    return kind_of(key).rows(s)


def trash_counts(s: Session) -> dict[str, int]:
    """Deleted records per kind (for the 回收站's type chooser)."""
    out = {}
    for key, kind in KINDS.items():
        m = kind.model
        out[key] = s.scalar(select(func.count()).select_from(m).where(m.deleted_at.is_not(None))) or 0
    return out


def all_trash_rows(s: Session) -> list[TrashRow]:
    """Deleted records of every kind (the 回收站's 全部), latest deleted first, each with its kind."""
    rows = [replace(r, kind=key) for key, kind in KINDS.items() for r in kind.rows(s)]
    return sorted(rows, key=lambda r: r.deleted_at, reverse=True)


def restore_many(s: Session, items: Mapping[str, Sequence[str]]) -> list[Changes]:
    """Restore records of several kinds ({kind: ids}) in the caller's one transaction; a Changes per kind."""
    return [restore_items(s, key, ids) for key, ids in items.items() if ids]


def purge_many(s: Session, items: Mapping[str, Sequence[str]]) -> list[Changes]:
    """彻底删除 records of several kinds ({kind: ids}), all or nothing. Kinds are purged in the reverse of their
    registration order, so records that point at others (实习记录 at a 基地, a 预算 at a 项目) go before
    what they point at when both are chosen."""
    order = [key for key in reversed(KINDS) if items.get(key)]
    return [purge_items(s, key, items[key]) for key in order]


def restore_items(s: Session, key: str, ids: Sequence[str]) -> Changes:
    return restore(s, kind_of(key).model, ids)


def purge_items(s: Session, key: str, ids: Sequence[str]) -> Changes:
    """Delete for good, only records already in the 回收站; all or nothing."""
    kind = kind_of(key)
    m = kind.model
    done = []
    for row in s.scalars(select(m).where(m.id.in_(list(ids)), m.deleted_at.is_not(None))):
        _refuse_if_referenced(s, kind, row)
        kind.purge_one(s, row)
        done.append(row.id)
    s.flush()
    return Changes(kind.key, tuple(done))


def _refuse_if_referenced(s: Session, kind: TrashKind, row: Any) -> None:
    for column, label in REFERENCES.get(kind.key, ()):
        n = s.scalar(select(func.count()).where(column == row.id))
        if n:
            name = getattr(row, "name", None) or getattr(row, "title", "")
            raise AppError(
                f"{kind.label}“{name}”仍被{n}{label}引用，不能彻底删除（可留在回收站中，或先修改这些记录）"
            )


# ------------------------------------------------------------------ helpers for the areas' kinds


def deleted(model: type, *columns: Any):
    """The deleted records of a model, latest deleted first, with the columns a TrashRow needs."""
    return (
        select(model.id, model.deleted_at, *columns)
        .where(model.deleted_at.is_not(None))
        .order_by(model.deleted_at.desc(), model.id)
    )


def delete_row(s: Session, row: Any) -> None:
    s.delete(row)


def with_attachments(owner_type: str) -> Callable[[Session, Any], None]:
    """A purge that removes the record and its attachments."""

    def purge(s: Session, row: Any) -> None:
        purge_owner_attachments(s, owner_type, row.id)
        s.delete(row)

    return purge
