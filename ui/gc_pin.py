"""Python's cyclic garbage collector, run on the GUI thread only.

CPython collects reference cycles in whichever thread happens to cross the allocation threshold. With the
database worker busy (an import, an export), that is often the worker: a collection there destroys the
widgets, models and timers caught in cycles — closed dialogs whose signals hold lambdas over `self` — from
the wrong thread, which Qt answers with a crash, sometimes much later. A collection on the GUI thread in
the middle of other code (a flush, a paint) has crashed too.

So automatic collection is turned off while the GUI runs, and a timer on the GUI thread collects at the
same thresholds Python would use, between events. Reference counting still frees everything not in a cycle
at once; only cycles wait for the timer (a quarter of a second).
"""

from __future__ import annotations

import gc
import logging
import time

import shiboken6

from ui.qt import *  # noqa: F403

log = logging.getLogger(__name__)

INTERVAL_MS = 250
SLOW_COLLECTION_S = 0.2  # logged: a full collection of a large heap can take this long
FULL_SHARE = 20  # after a full collection of t seconds, the next waits 20·t: at most ~5 % of the time


class GuiThreadCollector(QObject):
    """Installed once per QApplication (install()); stop() gives the collector back to Python."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        self._next_full = 0.0  # perf_counter time before which a due full collection collects gen 1 only
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect the generations Python would have collected by now (gc.get_count against the thresholds)."""
        counts = gc.get_count()
        generation = -1
        for g in range(len(self._thresholds)):
            if self._thresholds[g] and counts[g] > self._thresholds[g]:
                generation = g
        if generation == 2 and time.perf_counter() < self._next_full:
            generation = 1  # Python itself puts full collections off on a large heap (long-lived objects)
        if generation >= 0:
            self.collect(generation)

    def collect(self, generation: int = 2) -> int:
        if QThread.currentThread() is not self.thread():
            raise RuntimeError("garbage must be collected on the GUI thread")
        start = time.perf_counter()
        found = gc.collect(generation)
        elapsed = time.perf_counter() - start
        if generation >= 2:
            self._next_full = start + elapsed * (FULL_SHARE + 1)
        if elapsed > SLOW_COLLECTION_S:
            log.info("garbage collection (generation %d) took %.2f s, %d objects", generation, elapsed, found)
        return found

    def stop(self) -> None:
        """Let Python collect on its own again (if it did before). Call with no other thread running Python
        code that may hold Qt objects (the database worker idle)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


_installed: GuiThreadCollector | None = None


def install(app: QObject) -> GuiThreadCollector:
    """Pin collection to the thread `app` lives on (call on the GUI thread, once the application exists)."""
    global _installed
    if _installed is None or not shiboken6.isValid(_installed):  # gone with an earlier application
        _installed = GuiThreadCollector(app)
        log.debug("garbage collection pinned to the GUI thread")
    return _installed


def freeze_startup() -> None:
    """Call once the main window is built: what exists then (modules, the window and its pages) lives as long
    as the app, so later full collections leave it out (gc.freeze) and stay short."""
    gc.collect()
    gc.freeze()


def uninstall() -> None:
    global _installed
    if _installed is not None and shiboken6.isValid(_installed):
        _installed.stop()
        _installed.deleteLater()
    _installed = None
