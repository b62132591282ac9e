"""合规检查 (every rule of app/compliance/) and the 工作台 over the large demo database (100,000 enterprises,
20,000 agreements, 20,000 students with internships), as ratios against bare sqlite3 running the cooperation
rules' reads (the rows those rules look at, fetched) in the same run; the 工作台 whole (`dashboard`) and in the
two jobs its page runs (`dashboard_figures`, shown first, then `dashboard_reminders`; the reminders also as the
app's database worker runs them, Python's automatic garbage collection off: ui/gc_pin.py); then the time of
each check on its own.

    python benchmarks/bench_compliance.py [--db PATH] [--size large|small]

Builds the demo database first unless --db points at one that has enterprises already.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.compliance.registry import CHECKS, run_checks  # noqa: E402
from app.reporting.dashboard import dashboard, dashboard_figures, dashboard_reminders  # noqa: E402
from benchmarks.common import best, demo_database  # noqa: E402

AIM_S = 1.0


def bare_rules(path: Path, today: dt.date) -> Callable[[], int]:
    """The reads the rules make, as plain SQL: what any implementation has to fetch."""
    horizon = (today + dt.timedelta(days=90)).isoformat()
    sqls = [
        (
            "SELECT id, number, title, ends_on FROM agreement WHERE deleted_at IS NULL AND status = '生效' "
            "AND ends_on IS NOT NULL AND ends_on <= ?",
            (horizon,),
        ),
        (
            "SELECT a.id, a.description, a.owner, a.due_on, p.name FROM action_item a "
            "JOIN meeting m ON m.id = a.meeting_id JOIN project p ON p.id = m.project_id "
            "WHERE a.deleted_at IS NULL AND m.deleted_at IS NULL AND p.deleted_at IS NULL AND a.done = 0 "
            "AND a.due_on < ?",
            (today.isoformat(),),
        ),
        ("SELECT id, name FROM project WHERE deleted_at IS NULL AND leader = ''", ()),
        ("SELECT project_id, semester FROM operation_report WHERE deleted_at IS NULL", ()),
        (
            "SELECT id, name, starts_on, ends_on FROM project WHERE deleted_at IS NULL AND starts_on IS NOT NULL",
            (),
        ),
        (
            "SELECT ve.enterprise_id, max(v.visited_on) FROM visit_enterprise ve JOIN visit v ON v.id = ve.visit_id "
            "WHERE v.deleted_at IS NULL GROUP BY ve.enterprise_id",
            (),
        ),
        (
            "SELECT id, name, cooperation_start FROM enterprise WHERE deleted_at IS NULL AND status = '合作中'",
            (),
        ),
    ]

    def run() -> int:
        con = sqlite3.connect(str(path))
        n = sum(len(con.execute(sql, params).fetchall()) for sql, params in sqls)
        con.close()
        return n

    return run


def main() -> None:
    db, path = demo_database(__doc__)
    con = sqlite3.connect(str(path))
    counts = {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)
        for table in ("enterprise", "agreement", "project", "meeting", "action_item", "visit")
    }
    con.close()
    print("rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"database: {path.stat().st_size / 1e6:.1f} MB")

    today = dt.date.today()

    def service() -> int:
        with db.reader() as s:
            return len(run_checks(s, today))

    def board() -> int:
        with db.reader() as s:
            return len(dashboard(s, today).reminders)

    def figures() -> int:
        with db.reader() as s:
            return dashboard_figures(s, today).partners

    def reminders() -> int:
        with db.reader() as s:
            return len(dashboard_reminders(s, today).reminders)

    def collector_paused(fn: Callable[[], int]) -> Callable[[], int]:
        """As the app's database worker runs a job: Python's automatic collection off (ui/gc_pin.py collects
        on the GUI thread between events instead)."""

        def run() -> int:
            gc.disable()
            try:
                return fn()
            finally:
                gc.enable()

        return run

    found = service()
    floor = best(bare_rules(path, today))
    t_rem = best(service)
    t_board = best(board)
    t_figures = best(figures)
    t_reminders = best(reminders)
    t_reminders_paused = best(collector_paused(reminders))
    print()
    print(f"{'measure':52} {'time':>9} {'floor':>9} {'ratio':>7}")
    for name, t in (
        (f"合规检查, all rules ({found} findings)", t_rem),
        ("工作台: dashboard() (figures + reminders, one job)", t_board),
        ("工作台: dashboard_figures() (shown first)", t_figures),
        ("工作台: dashboard_reminders()", t_reminders),
        ("工作台: the two jobs in turn", t_figures + t_reminders),
        ("工作台: dashboard_reminders(), collector paused (app)", t_reminders_paused),
    ):
        print(f"{name:52} {t * 1000:8.1f}ms {floor * 1000:8.1f}ms {t / floor:6.2f}x")
    print(
        f"(floor: bare sqlite3 fetching the rows the rules read; best of 5; SQLite {sqlite3.sqlite_version})"
    )
    print(f"(aim, issue 21: the 工作台's reminders ≤ {AIM_S:g} s, its figures shown before them)")
    print()
    print("each check alone (best of 3):")
    for codes, fn in CHECKS:

        def one(fn=fn) -> int:
            with db.reader() as s:
                return len(list(fn(s, today)))

        n = one()
        print(f"  {fn.__name__:34} {best(one, 3) * 1000:8.1f}ms  {n:6d} findings  ({', '.join(codes)[:60]})")
    db.close()


if __name__ == "__main__":
    main()
