"""Running service functions off the GUI thread (STYLE §3, §4).

All database jobs run one at a time on a dedicated single-thread pool; each job gets its own Session
and, for writes, its own transaction. Results come back on the GUI thread through a Signal.

    WriteOp(self, lambda s: svc.delete_enterprises(s, ids)).success(self._deleted).run()
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.roles import Privileges
from app.errors import NoPermission
from app.services.common import Changes
from ui.qt import *  # noqa: F403

log = logging.getLogger(__name__)


class DbContext(QObject):
    """The open database, the single worker, and the change bus views listen to.

    Jobs report back through this long-lived object (it lives on the GUI thread as long as the database
    is open), never through a per-op object that a closed dialog may already have deleted."""

    changes_applied = Signal(object)  # Changes
    _job_finished = Signal(int)  # token: its outcome waits in _outcomes
    _job_progress = Signal(int, float, str)

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self._ops: dict[int, _Op] = {}
        self._jobs: dict[int, Callable[[Callable[[float, str], None]], Any]] = {}
        self._outcomes: dict[int, tuple[Any, bool]] = {}  # token → (result or exception, ok)
        self._next = itertools.count(1)
        self._job_finished.connect(self._finished)
        self._job_progress.connect(self._progressed)

    def submit(self, op: _Op, fn: Callable[[Callable[[float, str], None]], Any]) -> None:
        """Run fn(report) on the worker; its result or exception comes back to op.finish.

        The GUI thread holds the only lasting references to fn (and, through its closure, to widgets) and
        to the outcome: the worker looks fn up, drops its own references, and only then announces the
        outcome. So whatever the job touched is freed on the GUI thread, never on the worker — a widget
        freed on the worker crashes Qt."""
        token = next(self._next)
        self._ops[token] = op
        self._jobs[token] = fn
        self.pool.start(functools.partial(self._run, token))

    def _run(self, token: int) -> None:  # on the worker
        def report(fraction: float, message: str = "") -> None:
            self._job_progress.emit(token, fraction, message)

        fn = self._jobs[token]
        try:
            outcome = (fn(report), True)
        except BaseException as e:  # reported on the GUI thread
            outcome = (e, False)
        del fn
        self._outcomes[token] = outcome
        del outcome
        self._job_finished.emit(token)

    @Slot(int)
    def _finished(self, token: int) -> None:
        self._jobs.pop(token, None)
        payload, ok = self._outcomes.pop(token)
        op = self._ops.pop(token, None)
        if op is not None:
            op.finish(payload, ok)

    @Slot(int, float, str)
    def _progressed(self, token: int, fraction: float, message: str) -> None:
        op = self._ops.get(token)
        if op is not None:
            op.progressed(fraction, message)

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for the queued jobs, then deliver their outcomes (the callbacks run here, on the GUI thread)."""
        done = self.pool.waitForDone(msecs)
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return done

    def close(self) -> None:
        self.pool.waitForDone(30000)
        self.database.close()

    @functools.cached_property
    def privileges(self) -> Privileges:
        """What the connected user may do, as the server says (asked once; a file: everything)."""
        from app.db.roles import privileges

        return privileges(self.database.engine)

    def write_refusal(self) -> str:
        """Why this user may not add, change or delete records (a 只读 user on a server), in Chinese; ""."""
        from app.db.roles import EDITOR

        return self.privileges.refusal(EDITOR) or ""


_context: DbContext | None = None


def set_context(ctx: DbContext | None) -> None:
    global _context
    _context = ctx


def context() -> DbContext:
    if _context is None:
        raise RuntimeError("database context not set")
    return _context


def write_refusal() -> str:
    """Why the user may not write (ui.ops.DbContext.write_refusal); "" without an open database."""
    return _context.write_refusal() if _context is not None else ""


class _Op:
    """Base of ReadOp/WriteOp: a service call and its callbacks on behalf of a widget.

    A plain Python object, not a QObject: nothing Qt-owned is created per job, so no Qt object is ever
    deleted from the worker thread. Callbacks are skipped if the widget was closed meanwhile."""

    write = False

    def __init__(self, parent: QWidget | QObject | None, fn: Callable[..., Any]) -> None:
        self._parent = parent
        self._fn = fn
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._on_progress: Callable[[float, str], None] | None = None
        self.cancel_event = threading.Event()

    def success(self, cb: Callable[[Any], None]) -> _Op:
        self._on_success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> _Op:
        self._on_failure = cb
        return self

    def with_progress(self, cb: Callable[[float, str], None]) -> _Op:
        """fn is then called as fn(session, progress, cancel_event) (a TaskOp's as fn(progress, cancel_event))."""
        self._on_progress = cb
        return self

    def run(self) -> _Op:
        ctx = context()
        database, fn, write, cancel = ctx.database, self._fn, self.write, self.cancel_event
        if write and (refused := ctx.write_refusal()):  # 只读: said at once, nothing sent to the server
            QTimer.singleShot(0, lambda: self.finish(NoPermission(refused), False))
            return self
        progress = self._on_progress is not None
        forms: list[Any] = []
        if write:  # the record forms this write was started from follow it (their versions)
            from ui.forms.record_form import following, forms_above

            forms = forms_above(self._parent)
            for form in forms:  # a form's 保存 waits for them (ui/forms/record_form.py)
                form.pending_writes += 1
        self._forms = forms

        def job(report: Callable[[float, str], None]) -> Any:  # runs on the worker: touches no widget
            with database.session() if write else database.reader() as s:

                def call(s2: Session) -> Any:
                    return fn(s2, report, cancel) if progress else fn(s2)

                return following(forms, call)(s) if forms else call(s)

        ctx.submit(self, job)  # job holds the database, not ctx: ctx._jobs → job → ctx would be a cycle
        return self

    def alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def finish(self, payload: Any, ok: bool) -> None:
        for form in getattr(self, "_forms", ()):
            form.pending_writes -= 1
        if ok and self.write and isinstance(payload, Changes):
            context().changes_applied.emit(payload)  # committed: every view hears of it
        if not self.alive():
            if not ok:
                log.error("job failed after its window closed", exc_info=payload)
            return
        if ok:
            if self._on_success:
                self._on_success(payload)
        elif self._on_failure:
            self._on_failure(payload)
        else:
            from ui.errors import show_error

            show_error(self._parent if isinstance(self._parent, QWidget) else None, payload)

    def progressed(self, fraction: float, message: str) -> None:
        if self._on_progress and self.alive():
            self._on_progress(fraction, message)


class ReadOp(_Op):
    write = False


class WriteOp(_Op):
    """One user action = one transaction; on success emits changes_applied(Changes)."""

    write = True


class TaskOp(_Op):
    """A job on the database worker that opens no session (copying backup files, a restore after the
    database was closed): fn() with no argument. Queued behind the database jobs, so it never overlaps them."""

    def run(self) -> _Op:
        fn, cancel = self._fn, self.cancel_event
        if self._on_progress is not None:
            context().submit(self, lambda report: fn(report, cancel))
        else:
            context().submit(self, lambda _report: fn())
        return self


def read_now(fn: Callable[[Session], Any]) -> Any:
    """A short read on the GUI thread (a page of rows, a detail record): WAL lets it run beside the worker."""
    with context().database.reader() as s:
        return fn(s)
