"""模板 writes (STYLE §3): the college's own Word template for a kind of document, or back to the built-in one."""

from __future__ import annotations

from pathlib import Path

from app.services import templates as svc
from ui.operations import Failed
from ui.ops import WriteOp
from ui.qt import *  # noqa: F403


def set_custom_template(parent: QWidget, kind: str, path: Path, on_failed: Failed | None = None) -> None:
    """Use the Word file at `path` (copied into the archive) for documents of `kind`."""
    op = WriteOp(parent, lambda s: svc.set_custom_template(s, kind, path))
    if on_failed is not None:
        op.failure(on_failed)
    op.run()


def clear_custom_template(parent: QWidget, kind: str) -> None:
    """Documents of `kind` from the built-in template again (the college's file stays in the backups)."""
    WriteOp(parent, lambda s: svc.clear_custom_template(s, kind)).run()
