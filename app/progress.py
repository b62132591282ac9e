"""Progress and cancel for long work in the core, without Qt (STYLE §6): a callback taking (fraction 0–1,
message) and a threading.Event the UI sets when the user presses 取消."""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.errors import Cancelled

Progress = Callable[[float, str], None]  # (fraction 0–1, message)


def noop_progress(fraction: float, message: str = "") -> None:
    pass


def tick(progress: Progress, cancel: threading.Event | None, fraction: float, message: str) -> None:
    """Report progress; raise Cancelled if the user asked to stop. Call it every ~200 rows."""
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    progress(min(max(fraction, 0.0), 1.0), message)


def reading_file(progress: Progress, cancel: threading.Event | None) -> Callable[[str, int], None]:
    """For open_workbook(on_rows=…): a big file's reading (seconds before its rows are checked) says how far it
    is and stops when the user presses 取消."""

    def told(sheet: str, rows: int) -> None:
        tick(progress, cancel, 0.0, f"正在读取工作表“{sheet}”：已读{rows}行…")

    return told
