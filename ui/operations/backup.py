"""备份 jobs (STYLE §3): the day's quiet backup, the list of backups, 立即备份, and a restore. They copy files
rather than write through a session, so they are task ops (queued behind the database jobs, never beside them)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from app import backup
from ui.files import Report
from ui.operations import Failed
from ui.ops import TaskOp
from ui.qt import *  # noqa: F403


def daily_backup(path: Path) -> None:
    """The day's first backup of the database at `path`, if none was made today; never asks or reports."""
    TaskOp(None, lambda: backup.daily_backup_quietly(path)).run()


def list_backups(parent: QWidget, path: Path, on_done: Callable[[list[backup.BackupInfo]], None]) -> None:
    """The automatic backups of the database at `path`, newest first, with their record counts."""
    TaskOp(parent, lambda: backup.list_backups(path)).success(on_done).run()


def backup_work(db_path: Path, target: Path) -> Callable[[Report, threading.Event], backup.BackupInfo]:
    """立即备份, as a task for files.run_with_progress(task=True): the database and its attachments into the
    .zip `target`, described when written; setting `cancel` stops it leaving nothing."""
    return lambda report, cancel: backup.describe_backup(
        backup.make_backup(db_path, target, progress=report, cancel=cancel)
    )


def restore_backup(
    parent: QWidget, path: Path, source: Path, on_done: Callable[[Path | None], None], on_failed: Failed
) -> None:
    """Replace the (closed) database at `path` by the backup `source`; on_done gets the copy kept of the old one."""
    TaskOp(parent, lambda: backup.restore_backup(path, source)).success(on_done).failure(on_failed).run()
