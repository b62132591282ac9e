"""Others' changes on screen (issue 19): while the main window is open, a change committed by someone else —
another user on the server, the CLI or another program on the same file — reloads what the window shows,
within about a second, as the app's own changes do.

The watcher (app/db/watch.py) reports on a thread of its own; the report crosses to the GUI thread through a
signal, and the reports of the next COALESCE_MS gather into one round. That round goes out on the change bus
(DbContext.changes_applied) as one notice per table it touched (every table, when which is not known: a
file says only that something changed), sent inside `one_reload_each(others=True)`, so each view on screen
reloads once — keeping its selection and scroll position as after the app's own changes — and a view not on
screen reloads when it is next shown. An open form is left alone: the lists behind it reload, the form does not.

While changes keep coming (several people at work, an import's commits), rounds are at least ROUND_MS apart, and
a round is not sent before the reloads of the one before have run: a marker job queued behind them on the
database worker says when. So however fast others commit, the worker holds at most one round of reloads, and
the user's own saves never wait behind a growing queue of them (each view also reads at most once at a time:
ui/pages/list_page.py LatestRead; the 工作台 puts its slow findings off: ui/pages/dashboard.py).

The watcher follows the database the window has: after a restore reopened it (ui/backup.py), follow_database()
starts watching the new one."""

from __future__ import annotations

import logging

from app.db.engine import Database
from app.db.watch import Watcher, record_tables
from app.services.common import Changes
from ui.ops import TaskOp, context
from ui.pages.list_page import one_reload_each
from ui.qt import *  # noqa: F403

log = logging.getLogger(__name__)

COALESCE_MS = 250  # after a quiet time, the reports of a burst (an import's commits) make one round
ROUND_MS = 1000  # while changes keep coming: at most one round a second, each after the last one's reloads


class _Current:
    """The watcher being used; stops it when the OthersChanges is deleted (holds no Qt object)."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def stop(self) -> None:
        self.watcher.stop()


class OthersChanges(QObject):
    """Watches `database` from now until stop() (the window's close) or until the database is closed; after
    a reopen, follow() watches the new one."""

    changed = Signal(object)  # frozenset of the tables in the notices just sent (after the reloads started)
    _heard = Signal(object)  # from the watcher's thread: frozenset of tables, empty when not known

    def __init__(self, parent: QObject, database: Database) -> None:
        super().__init__(parent)
        self._tables: set[str] = set()
        self._unknown = False
        self._pending = False  # something heard, not sent yet
        self._round_open = False  # the last round's reloads are still queued or running
        self._sent = QElapsedTimer()  # since the last round was sent
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._send)
        self._heard.connect(self._gather)
        self._current = _Current(self._start(database))
        self.destroyed.connect(self._current.stop)  # safe after deletion: _current is a plain object

    @property
    def watcher(self) -> Watcher:
        return self._current.watcher

    def _start(self, database: Database) -> Watcher:
        self.database = database
        watcher = Watcher(database, self._heard.emit)
        try:
            watcher.start()
        except Exception:  # the window works without it: the user sees others' changes on the next reload
            log.warning("cannot watch %s for others' changes", database.display_name, exc_info=True)
        return watcher

    def stop(self) -> None:
        self._timer.stop()
        self.watcher.stop()

    def follow(self, database: Database) -> None:
        """Watch `database` from now on (the one the window has after a reopen) instead of the one before."""
        if database is self.database and self.watcher.running:
            return
        self.stop()
        self._tables, self._unknown, self._pending = set(), False, False  # of the database before
        self._current.watcher = self._start(database)

    # ------------------------------------------------------------ rounds

    @Slot(object)
    def _gather(self, tables: frozenset[str]) -> None:
        if tables:
            self._tables |= tables
        else:
            self._unknown = True
        self._pending = True
        self._schedule()

    def _schedule(self) -> None:
        """The next round: COALESCE_MS from now, but not before ROUND_MS after the last one, nor before its
        reloads have run (then _round_done schedules it)."""
        if self._timer.isActive() or self._round_open or not self._pending:
            return
        since = self._sent.elapsed() if self._sent.isValid() else ROUND_MS
        self._timer.start(max(COALESCE_MS, ROUND_MS - since))

    @Slot()
    def _send(self) -> None:
        if not self._pending:
            return
        tables = frozenset() if self._unknown else frozenset(self._tables)
        self._tables, self._unknown, self._pending = set(), False, False
        ctx = context()
        if not self.watcher.running or ctx.database is not self.database:  # closed meanwhile (a restore)
            return
        notices = record_tables(tables)
        self._sent.start()
        with one_reload_each(others=True):
            for table in sorted(notices):
                ctx.changes_applied.emit(Changes(table))
        # queued behind the reloads just asked for (one worker, first come first run): done = they have run
        self._round_open = True
        TaskOp(self, _nothing).success(self._round_done).failure(self._round_done).run()
        self.changed.emit(notices)

    def _round_done(self, _outcome: object) -> None:
        self._round_open = False
        self._schedule()


def _nothing() -> None:
    return None


def follow_database() -> None:
    """Every OthersChanges of the application's windows watches the database the context has now (after
    ui/backup.py reopened it: the watcher of the one before stopped when it was closed)."""
    database = context().database
    for window in QApplication.topLevelWidgets():
        for others in window.findChildren(OthersChanges):
            others.follow(database)
