"""Others' changes on screen (issue 19): while the main window is open, a change committed by someone else —
another user on the server, the CLI or another program on the same file — reloads what the window shows,
within about a second, as the app's own changes do.

The watcher (app/db/watch.py) reports on a thread of its own; the report crosses to the GUI thread through a
signal, and the reports of the next COALESCE_MS gather into one. That change goes out on the change bus
(DbContext.changes_applied) as one notice per table it touched (every table, when which is not known: a
file says only that something changed), sent inside `one_reload_each`, so each view on screen reloads once —
keeping its selection and scroll position as after the app's own changes — and a view not on screen reloads
when it is next shown. An open form is left alone: the lists behind it reload, the form does not."""

from __future__ import annotations

import logging

from app.db.engine import Database
from app.db.watch import Watcher, record_tables
from app.services.common import Changes
from ui.ops import context
from ui.pages.list_page import one_reload_each
from ui.qt import *  # noqa: F403

log = logging.getLogger(__name__)

COALESCE_MS = 250  # the reports of a burst (an import's commits, several users) make one reload


class OthersChanges(QObject):
    """Watches `database` from now until stop() (the window's close) or until the database is closed."""

    changed = Signal(object)  # frozenset of the tables in the notices just sent (after the reloads started)
    _heard = Signal(object)  # from the watcher's thread: frozenset of tables, empty when not known

    def __init__(self, parent: QObject, database: Database) -> None:
        super().__init__(parent)
        self.database = database
        self._tables: set[str] = set()
        self._unknown = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._send)
        self._heard.connect(self._gather)
        self.watcher = Watcher(database, self._heard.emit)
        self.destroyed.connect(self.watcher.stop)  # the watcher holds no Qt object: safe after deletion
        try:
            self.watcher.start()
        except Exception:  # the window works without it: the user sees others' changes on the next reload
            log.warning("cannot watch %s for others' changes", database.display_name, exc_info=True)

    def stop(self) -> None:
        self._timer.stop()
        self.watcher.stop()

    @Slot(object)
    def _gather(self, tables: frozenset[str]) -> None:
        if tables:
            self._tables |= tables
        else:
            self._unknown = True
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _send(self) -> None:
        tables = frozenset() if self._unknown else frozenset(self._tables)
        self._tables, self._unknown = set(), False
        ctx = context()
        if not self.watcher.running or ctx.database is not self.database:  # closed meanwhile (a restore)
            return
        notices = record_tables(tables)
        with one_reload_each():
            for table in sorted(notices):
                ctx.changes_applied.emit(Changes(table))
        self.changed.emit(notices)
