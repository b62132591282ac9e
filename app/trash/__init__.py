"""回收站 across record types: what is deleted, restore, and 彻底删除 (purge) — app/trash/core.py; the kinds
of each area in a module of their own, imported here in the order the 回收站 lists them (and purges them in
reverse)."""

# isort: off
from app.trash import cooperation, funds, teachers, bases, internships  # noqa: F401 (they register their kinds)

# isort: on
from app.trash.core import (
    KINDS,
    REFERENCES,
    TrashKind,
    TrashRow,
    all_trash_rows,
    delete_row,
    deleted,
    kind_of,
    purge_items,
    purge_many,
    referenced_by,
    register,
    restore_items,
    restore_many,
    trash_counts,
    trash_rows,
    with_attachments,
)

__all__ = [
    "KINDS",
    "REFERENCES",
    "TrashKind",
    "TrashRow",
    "all_trash_rows",
    "delete_row",
    "deleted",
    "kind_of",
    "purge_items",
    "purge_many",
    "referenced_by",
    "register",
    "restore_items",
    "restore_many",
    "trash_counts",
    "trash_rows",
    "with_attachments",
]
