"""The writes of 经费 other than the ledger and budget forms' saves: add a budget category, delete / restore
budgets, import the finance office's ledger (with progress, cancellable)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from app.io import ledger_xlsx
from app.services import funds as svc
from app.services.common import Changes
from ui.files import Progress
from ui.operations import Done, Failed, on_records, write, write_reporting
from ui.qt import *  # noqa: F403


def add_category(parent: QWidget, name: str, on_done: Done = None) -> None:
    """A new 经费类别 (its own small transaction)."""
    write(parent, lambda s: svc.add_budget_category(s, name), on_done)


delete_budgets = on_records(svc.delete_budgets, "Move budgets to the 回收站.")
restore_budgets = on_records(svc.restore_budgets, "Bring deleted budgets back (the undo of delete_budgets).")


def import_ledger(
    parent: QWidget,
    preview: Any,
    progress: Progress,
    on_done: Done,
    on_failed: Failed,
) -> None:
    """Import the valid rows of a ledger preview in one transaction; 取消 stops it leaving nothing."""

    def work(s: Session, report: Callable[[float, str], None], cancel: threading.Event) -> Changes:
        return ledger_xlsx.import_ledger(s, preview, progress=report, cancel=cancel)

    write_reporting(parent, work, progress, on_done, on_failed)
