"""The writes of 经费 other than the ledger and budget forms' saves: add a budget category, delete / restore
budgets, import the finance office's ledger (with progress, cancellable)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.io import ledger_xlsx
from app.services import funds as svc
from app.services.common import Changes
from ui.operations import Done, write
from ui.ops import WriteOp
from ui.qt import *  # noqa: F403


def add_category(parent: QWidget, name: str, on_done: Done = None) -> None:
    """A new 经费类别 (its own small transaction)."""
    write(parent, lambda s: svc.add_budget_category(s, name), on_done)


def delete_budgets(parent: QWidget, ids: Sequence[str], on_done: Done = None) -> None:
    ids = list(ids)
    write(parent, lambda s: svc.delete_budgets(s, ids), on_done)


def restore_budgets(parent: QWidget, ids: Sequence[str], on_done: Done = None) -> None:
    ids = list(ids)
    write(parent, lambda s: svc.restore_budgets(s, ids), on_done)


def import_ledger(
    parent: QWidget,
    preview: Any,
    cancel: threading.Event,
    progress: Callable[[float, str], None],
    on_done: Callable[[Changes], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    """Import the valid rows of a ledger preview in one transaction; `cancel` stops it leaving nothing."""

    def work(s: Session, report: Callable[[float, str], None], _cancel: threading.Event) -> Changes:
        return ledger_xlsx.import_ledger(s, preview, progress=report, cancel=cancel)

    WriteOp(parent, work).with_progress(progress).success(on_done).failure(on_failed).run()
