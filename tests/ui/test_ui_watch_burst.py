"""Others' changes in a burst (issue 19, review): several users saving every moment must not make the views
queue reload after reload on the one database worker — each view reads at most once at a time (one more
waiting), the rounds of others' changes come at most once a second and only after the last one's reloads ran,
the 工作台's slow findings at most every SLOW_EVERY_S — while the user's own save still gets its turn, and what is
shown at the end is the last commit. The reads are made slow here (as on a 100k archive) by a sleep."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer

from app.db.engine import open_database
from app.reporting import dashboard as dashboard_svc
from app.services.enterprises import EnterpriseData, create_enterprise
from tests.ui.test_ui_watch import TIMEOUT_MS, names, partners, settle, window  # noqa: F401  (fixture)
from ui import watching
from ui.ops import WriteOp, context
from ui.pages import dashboard as dashboard_page

pytestmark = pytest.mark.qt

COMMITS = 24
EVERY_MS = 100  # another user's commit this often: the burst lasts about 2.5 s
LIST_S, FIGURES_S, REMINDERS_S = 0.3, 0.2, 0.8  # the reads' times on the demo's 100k archive, about
# list, figures, reminders: each one running and one waiting; the round's marker; the own save; and room for
# two answers not handed to the GUI thread yet. (Before the fix: 22, and 7 jobs ahead of the own save.)
MOST_JOBS = 10


def slow(seconds: float, fn, runs: list[float]):
    def slowed(*args, **kwargs):
        runs.append(time.monotonic())
        time.sleep(seconds)
        return fn(*args, **kwargs)

    return slowed


def test_a_burst_of_others_commits_is_read_a_bounded_number_of_times(window, db, qtbot, monkeypatch):  # noqa: F811
    from ui.pages.enterprises import EnterprisesPage

    window.go("dashboard")
    settle()
    page = EnterprisesPage()  # a list on screen beside the 工作台
    qtbot.addWidget(page)
    page.show()
    settle()
    assert window.dashboard.isVisible() and page.isVisible()

    list_reads: list[float] = []  # on the worker, when each read ran
    list_asked: list[float] = []  # on the GUI thread, each reload asked for
    reading = page.reading

    def counted_reading():
        list_asked.append(time.monotonic())
        return slow(LIST_S, reading(), list_reads)

    monkeypatch.setattr(page, "reading", counted_reading)
    figures: list[float] = []
    reminders: list[float] = []
    monkeypatch.setattr(
        dashboard_svc, "dashboard_figures", slow(FIGURES_S, dashboard_svc.dashboard_figures, figures)
    )
    monkeypatch.setattr(
        dashboard_svc, "dashboard_reminders", slow(REMINDERS_S, dashboard_svc.dashboard_reminders, reminders)
    )
    dashboard_reloads: list[int] = []
    reload = window.dashboard.reload
    monkeypatch.setattr(window.dashboard, "reload", lambda: (dashboard_reloads.append(1), reload()))
    rounds: list[frozenset[str]] = []
    window.others.changed.connect(rounds.append)

    ctx = context()
    queued: list[int] = []  # the jobs on the worker, queued or running, sampled every 10 ms
    sampler = QTimer()
    sampler.timeout.connect(lambda: queued.append(len(ctx._ops)))
    sampler.start(10)

    own: list[object] = []
    ahead_of_own: list[int] = []
    other = open_database(db.location, migrate=False)
    try:
        start = time.monotonic()
        for i in range(COMMITS):
            with other.session() as s:
                create_enterprise(s, EnterpriseData(name=f"别人的企业{i:02d}", status="合作中"))
            if i == COMMITS // 2:  # the user saves in the middle of it
                ahead_of_own.append(len(ctx._ops))
                WriteOp(page, lambda s: create_enterprise(s, EnterpriseData(name="自己的企业"))).success(
                    own.append
                ).run()
            qtbot.wait(EVERY_MS)
        last_commit = time.monotonic()
        burst_s = last_commit - start
        qtbot.waitUntil(lambda: bool(own), timeout=TIMEOUT_MS)  # the user's own save went through
        # the end shows the last commit: the list, the figures, and the findings read after it
        qtbot.waitUntil(lambda: len(names(page)) == COMMITS + 1, timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: partners(window) == str(COMMITS), timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: bool(reminders) and reminders[-1] > last_commit, timeout=TIMEOUT_MS)
        settle()
    finally:
        other.close()
        sampler.stop()
    assert f"别人的企业{COMMITS - 1:02d}" in names(page) and "自己的企业" in names(page)

    # at most one round a second (and the last ones after the burst), each view read once a round at most
    most_rounds = int(burst_s * 1000 / watching.ROUND_MS) + 3
    assert 1 <= len(rounds) <= most_rounds, (len(rounds), burst_s)
    assert len(dashboard_reloads) <= len(rounds) + 1  # + the own save's
    assert len(list_reads) <= len(list_asked) and len(list_reads) <= most_rounds + 1  # + the own save's
    assert len(figures) <= most_rounds + 1
    # the slow findings: the first round's at once, then at most every SLOW_EVERY_S and one after the burst, and
    # the own save's (the user's own change shows at once)
    assert len(reminders) <= int(burst_s / dashboard_page.SLOW_EVERY_S) + 3, (len(reminders), burst_s)
    # the worker never held more than a round's reads: the user's save did not wait behind a growing queue
    assert max(queued) <= MOST_JOBS, max(queued)
    assert ahead_of_own[0] < MOST_JOBS


def test_a_view_asked_to_reload_many_times_reads_at_most_twice(window, qtbot, monkeypatch):  # noqa: F811
    """LatestRead: asked while one read waits, the waiting one reads what the view shows then; asked while one
    runs, one more waits. The answer shown last is the newest read's."""
    page = window.go("enterprises")
    settle()
    running = threading.Event()
    release = threading.Event()
    reads: list[str] = []

    def blocked(s):  # holds the worker until released
        running.set()
        release.wait(10)
        return [], 0

    ctx = context()
    from ui.ops import ReadOp

    ReadOp(page, blocked).run()
    assert running.wait(10)
    reading = page.reading

    def counted():
        text = page.search.text()
        inner = reading()

        def read(s):
            reads.append(text)
            return inner(s)

        return read

    monkeypatch.setattr(page, "reading", counted)
    before = len(ctx._ops)
    page.search.blockSignals(True)  # (its own search, 250 ms after typing, would ask once more)
    for i in range(20):
        page.search.setText(f"企业{i}")
        page.reload()
    page.search.blockSignals(False)
    assert len(ctx._ops) == before + 1  # one read waits for all twenty
    release.set()
    ctx.wait()
    settle()
    assert reads == ["企业19"]
    assert page.count_label.text().startswith("找到 0")
