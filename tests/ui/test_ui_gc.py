"""Garbage is freed on the GUI thread only (ui/gc_pin.py, ui/ops.py): a widget freed by the database worker
crashes Qt, at once or much later."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QObject

from ui import gc_pin
from ui.ops import DbContext, ReadOp, WriteOp

MAIN = threading.get_ident()


class Marker:
    """Records the thread it is freed on."""

    freed_on: list[int] = []

    def __del__(self) -> None:
        Marker.freed_on.append(threading.get_ident())


@pytest.fixture
def collections():
    """The threads the cyclic collector runs on while the test runs."""
    seen: list[int] = []

    def callback(phase: str, _info: dict) -> None:
        if phase == "start":
            seen.append(threading.get_ident())

    gc.callbacks.append(callback)
    yield seen
    gc.callbacks.remove(callback)


def _garbage_cycle() -> None:
    """A closed widget's typical leftover: a QObject and a Python object holding each other."""
    holder = QObject()
    marker = Marker()
    marker.obj = holder
    holder.setProperty("name", "cycle")
    marker.me = marker


def _allocate_on_a_worker() -> None:
    def churn() -> None:
        keep = []
        for i in range(60_000):
            pair: list = [i]
            pair.append(pair)  # cyclic containers: what bumps the collector's counts
            keep.append(pair)

    t = threading.Thread(target=churn)
    t.start()
    t.join()


def test_without_the_pin_a_worker_thread_collects(qapp, collections):
    """The hazard the pin removes: Python collects in whichever thread allocates."""
    gc_pin.uninstall()  # this test alone runs as Python would
    assert gc.isenabled()
    _allocate_on_a_worker()
    assert any(ident != MAIN for ident in collections)


def test_pinned_collections_run_on_the_gui_thread_only(qtbot, collections):
    assert not gc.isenabled()  # the autouse fixture installed the pin, as run_gui does
    Marker.freed_on.clear()
    _garbage_cycle()
    _allocate_on_a_worker()
    qtbot.waitUntil(lambda: bool(Marker.freed_on), timeout=5000)  # the timer's collection found it
    assert Marker.freed_on == [MAIN]
    assert collections and set(collections) == {MAIN}


def test_collect_refuses_another_thread(qapp):
    collector = gc_pin.install(qapp)
    errors: list[BaseException] = []

    def off_thread() -> None:
        try:
            collector.collect(0)
        except RuntimeError as e:
            errors.append(e)

    t = threading.Thread(target=off_thread)
    t.start()
    t.join()
    assert len(errors) == 1


def test_uninstall_gives_the_collector_back(qapp):
    gc.enable()
    gc_pin.uninstall()
    collector = gc_pin.install(qapp)
    assert not gc.isenabled()
    assert gc_pin.install(qapp) is collector  # once per application
    gc_pin.uninstall()
    assert gc.isenabled()


@pytest.mark.parametrize("fails", [False, True])
def test_what_a_job_holds_is_freed_on_the_gui_thread(ctx, qtbot, monkeypatch, fails):
    """The job's function (and what its closure holds: in the app, the widget) and its result or its
    exception (whose traceback holds the closure too) are released by the GUI thread — even when the worker
    is slow to unwind after announcing the outcome (held here until the GUI thread has handled it)."""
    Marker.freed_on.clear()
    done: list[object] = []
    handled = threading.Event()
    run = DbContext._run

    def slow_to_unwind(self, token):
        run(self, token)
        handled.wait(5)

    monkeypatch.setattr(DbContext, "_run", slow_to_unwind)

    def make_work():
        marker = Marker()  # held by the closure alone, as a dialog is by `lambda s: svc.save(s, self…)`

        def work(_s):
            assert marker is not None
            if fails:
                raise ValueError("失败")
            return Marker()  # the result is freed on the GUI thread as well

        return work

    ReadOp(None, make_work()).success(done.append).failure(done.append).run()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    done.clear()
    qtbot.waitUntil(lambda: len(Marker.freed_on) == (1 if fails else 2), timeout=5000)
    handled.set()
    ctx.wait()
    assert Marker.freed_on == [MAIN] * len(Marker.freed_on)


def test_many_writes_from_closed_dialogs_free_nothing_on_the_worker(ctx, qtbot, db):
    """Dialogs closed while their saves are queued: each dialog is freed on the GUI thread."""
    from PySide6.QtWidgets import QDialog

    from app.services import enterprises as svc

    freed: list[int] = []

    class Dialog(QDialog):
        def __del__(self) -> None:
            freed.append(threading.get_ident())

    for i in range(20):
        dialog = Dialog()
        dialog.name = f"关闭的对话框{i}"
        WriteOp(dialog, lambda s, d=dialog: svc.create_enterprise(s, svc.EnterpriseData(name=d.name))).run()
        dialog.close()
        del dialog
    ctx.wait()
    qtbot.waitUntil(lambda: len(freed) == 20, timeout=5000)
    assert set(freed) == {MAIN}


def test_full_collections_are_spaced_by_their_cost(qapp, monkeypatch):
    """A full collection is due (generation 2 over its threshold) but the last one just ran: generation 1
    instead, as Python puts full collections off on a large heap."""
    collector = gc_pin.install(qapp)
    thresholds = gc.get_threshold()
    monkeypatch.setattr(gc, "get_count", lambda: (thresholds[0] + 1, thresholds[1] + 1, thresholds[2] + 1))
    ran: list[int] = []
    real_collect = gc.collect

    def slow_collect(generation: int = 2) -> int:
        ran.append(generation)
        found = real_collect(generation)
        if generation == 2:
            import time

            time.sleep(0.05)  # a large heap
        return found

    monkeypatch.setattr(gc, "collect", slow_collect)
    collector.check()
    collector.check()
    assert ran == [2, 1]


def test_freeze_startup_leaves_the_startup_objects_out_of_full_collections(qapp):
    gc.unfreeze()
    try:
        before = gc.get_freeze_count()
        gc_pin.freeze_startup()
        assert gc.get_freeze_count() > before
    finally:
        gc.freeze()  # as tests/conftest.py left it
