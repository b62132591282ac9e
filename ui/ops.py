"""Running service functions off the GUI thread (STYLE §3, §4).

All database jobs run one at a time on a dedicated single-thread pool; each job gets its own Session
and, for writes, its own transaction. Results come back on the GUI thread through a Signal.

    WriteOp(self, lambda s: svc.delete_enterprises(s, ids)).success(self._deleted).run()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.services.common import Changes

log = logging.getLogger(__name__)


class DbContext(QObject):
    """The open database, the single worker, and the change bus views listen to."""

    changes_applied = Signal(object)  # Changes

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)

    def close(self) -> None:
        self.pool.waitForDone(30000)
        self.database.close()


_context: DbContext | None = None


def set_context(ctx: DbContext | None) -> None:
    global _context
    _context = ctx


def context() -> DbContext:
    if _context is None:
        raise RuntimeError("database context not set")
    return _context


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)
    progressed = Signal(float, str)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as e:  # reported on the GUI thread
            self.relay.failed.emit(e)
        else:
            self.relay.done.emit(result)


class _Op(QObject):
    """Base of ReadOp/WriteOp. Keeps itself alive (parented) until its callbacks ran."""

    write = False

    def __init__(self, parent: QWidget | QObject | None, fn: Callable[..., Any]) -> None:
        super().__init__(parent)
        self._fn = fn
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._on_progress: Callable[[float, str], None] | None = None
        self.cancel_event = threading.Event()
        self._relay = _Relay()
        self._relay.done.connect(self._done)
        self._relay.failed.connect(self._failed)
        self._relay.progressed.connect(self._progressed)

    def success(self, cb: Callable[[Any], None]) -> _Op:
        self._on_success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> _Op:
        self._on_failure = cb
        return self

    def with_progress(self, cb: Callable[[float, str], None]) -> _Op:
        """fn is then called as fn(session, progress, cancel_event)."""
        self._on_progress = cb
        return self

    def report(self, fraction: float, message: str = "") -> None:
        self._relay.progressed.emit(fraction, message)

    def run(self) -> _Op:
        ctx = context()

        def job() -> Any:
            with ctx.database.session() if self.write else ctx.database.reader() as s:
                return self._call(s)

        ctx.pool.start(_Job(job, self._relay))
        return self

    def _call(self, s: Session) -> Any:
        if self._on_progress is not None:
            return self._fn(s, self.report, self.cancel_event)
        return self._fn(s)

    @Slot(object)
    def _done(self, result: Any) -> None:
        try:
            if self.write and isinstance(result, Changes):
                context().changes_applied.emit(result)
            if self._on_success:
                self._on_success(result)
        finally:
            self.deleteLater()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        try:
            if self._on_failure:
                self._on_failure(exc)
            else:
                from ui.errors import show_error

                parent = self.parent()
                show_error(parent if isinstance(parent, QWidget) else None, exc)
        finally:
            self.deleteLater()

    @Slot(float, str)
    def _progressed(self, fraction: float, message: str) -> None:
        if self._on_progress:
            self._on_progress(fraction, message)


class ReadOp(_Op):
    write = False


class WriteOp(_Op):
    """One user action = one transaction; on success emits changes_applied(Changes)."""

    write = True


def read_now(fn: Callable[[Session], Any]) -> Any:
    """A short read on the GUI thread (a page of rows, a detail record): WAL lets it run beside the worker."""
    with context().database.reader() as s:
        return fn(s)
