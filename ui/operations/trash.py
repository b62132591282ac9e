"""回收站 writes (STYLE §3; Anki aqt/operations/note.py): put records back, or delete them for good."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app import trash as svc
from app.services.common import Changes
from ui.operations import Done, write
from ui.ops import WriteOp
from ui.qt import *  # noqa: F403


def restore_items(parent: QWidget, key: str, ids: Sequence[str], on_done: Done | None = None) -> None:
    """Put records of the kind `key` back where they were."""
    ids = list(ids)
    write(parent, lambda s: svc.restore_items(s, key, ids), on_done)


def purge_items(parent: QWidget, key: str, ids: Sequence[str], on_done: Done | None = None) -> None:
    """Delete records of the kind `key` for good (only those in the 回收站; all or nothing)."""
    ids = list(ids)
    write(parent, lambda s: svc.purge_items(s, key, ids), on_done)


def _announce(changes: list[Changes], on_done: Done | None) -> None:
    """Every kind touched is heard of (a WriteOp announces one Changes; this write makes one per kind)."""
    from ui.ops import context

    for c in changes:
        context().changes_applied.emit(c)
    if on_done is not None and changes:
        on_done(changes[0])


def restore_many(parent: QWidget, items: Mapping[str, Sequence[str]], on_done: Done | None = None) -> None:
    """Put records of several kinds back ({kind: ids}, the 回收站's 全部) in one transaction."""
    items = {k: list(v) for k, v in items.items()}
    WriteOp(parent, lambda s: svc.restore_many(s, items)).success(lambda c: _announce(c, on_done)).run()


def purge_many(parent: QWidget, items: Mapping[str, Sequence[str]], on_done: Done | None = None) -> None:
    """Delete records of several kinds for good ({kind: ids}), all or nothing."""
    items = {k: list(v) for k, v in items.items()}
    WriteOp(parent, lambda s: svc.purge_many(s, items)).success(lambda c: _announce(c, on_done)).run()
