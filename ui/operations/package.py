"""上报材料包 jobs (STYLE §3): export the package of a period, export the college's public signing key. Both
read the archive and write a file, so they are read ops; each returns its op (the export can be cancelled)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from app.package.export import ExportResult, export_package
from app.package.period import Period
from ui.operations import Failed
from ui.ops import ReadOp
from ui.qt import *  # noqa: F403


def export(
    parent: QWidget,
    period: Period,
    out: Path,
    *,
    include_personal_data: bool,
    today: dt.date,
    on_progress: Callable[[float, str], None],
    on_done: Callable[[ExportResult], None],
    on_failed: Failed,
) -> ReadOp:
    """Write the package of `period` to `out`; `op.cancel_event.set()` stops it."""

    def job(s, report, cancel):
        return export_package(
            s,
            period,
            out,
            include_personal_data=include_personal_data,
            progress=report,
            cancel=cancel,
            today=today,
        )

    op = ReadOp(parent, job)
    op.with_progress(on_progress).success(on_done).failure(on_failed).run()
    return op


def export_public_key(
    parent: QWidget, out: Path, on_done: Callable[[tuple[Path, str]], None], on_failed: Failed
) -> ReadOp:
    """The college's public signing key to `out` (for the school): (path, short fingerprint)."""
    from app.package.keys import export_public_key as write_key

    op = ReadOp(parent, lambda s: write_key(s, out))
    op.success(on_done).failure(on_failed).run()
    return op
