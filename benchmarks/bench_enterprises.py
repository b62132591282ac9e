"""Enterprise page on 100,000 enterprises: open + first rows, scrolling, search — as ratios against bare
sqlite3 doing the same reads in the same run. The aim (issue 21) is printed beside each ratio.

    python benchmarks/bench_enterprises.py [--db PATH] [--size large|small]

Builds the demo database first unless --db points at one that has enterprises already.

The floors, and where they are lower than the page's own work (so a ratio is if anything overstated):
- open: the ids in pinyin order, then the first 40 rows by id, on a fresh connection. The page also builds its
  widgets, reads the filter drop-downs, reads a page of 200 rows (not 40) with their first contact,
  categories and tier, and turns them into typed rows (dates, booleans, UTC times).
- search: the ids of live enterprises whose name or short name holds the word (LIKE), in pinyin order. The
  page also looks in the 统一社会信用代码, the pinyin and the contacts' names and phones. The pinyin search is
  set against the same floor.
- jumps: per page, every column of the page's enterprises and of their contacts, as raw tuples. The page also
  reads each enterprise's categories and highest tier, picks the first live contact, and builds typed rows;
  and `scroll` also resets the model each run (to drop the rows it holds), which the floor does not.

The page runs as in the app: Python's cycle collector works between events on the GUI thread (ui/gc_pin.py), so
a collection does not land inside a timed step.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services import enterprise_list as listing  # noqa: E402
from benchmarks.common import best, demo_database  # noqa: E402
from ui.models.lazy_table import PAGE  # noqa: E402

VISIBLE = 40  # rows a maximised window shows
JUMPS = 50
AIMS = {"open": 1.5, "search": 1.3, "jumps": 1.5}  # issue 21, at most this many times the floor


def bare_open(path: Path) -> Callable[[], object]:
    def run() -> object:
        con = sqlite3.connect(str(path))
        ids = [
            r[0]
            for r in con.execute(
                "SELECT id FROM enterprise WHERE deleted_at IS NULL ORDER BY pinyin_full, id"
            )
        ]
        first = ids[:VISIBLE]
        marks = ",".join("?" * len(first))
        rows = con.execute(f"SELECT * FROM enterprise WHERE id IN ({marks})", first).fetchall()
        con.close()
        return rows

    return run


def bare_search(path: Path, term: str) -> Callable[[], object]:
    def run() -> object:
        con = sqlite3.connect(str(path))
        like = f"%{term}%"
        rows = con.execute(
            "SELECT id FROM enterprise WHERE deleted_at IS NULL AND (name LIKE ? OR short_name LIKE ?) ORDER BY pinyin_full",
            (like, like),
        ).fetchall()
        con.close()
        return rows

    return run


def main() -> None:
    db, path = demo_database(__doc__)
    with db.reader() as s:
        n = listing.count_enterprises(s)
    print(f"enterprises: {n}   database: {path.stat().st_size / 1e6:.1f} MB")

    from PySide6.QtWidgets import QApplication

    from ui import gc_pin
    from ui.app import make_application
    from ui.ops import DbContext, set_context

    gc_pin.install(make_application())  # as the app runs: cycles collected between events, on the GUI thread
    ctx = DbContext(db)
    set_context(ctx)
    from ui.pages.enterprises import EnterprisesPage

    page = EnterprisesPage()
    page.resize(1280, 800)
    page.show()
    ctx.wait()
    QApplication.processEvents()

    def open_page() -> None:
        p = EnterprisesPage()  # starts its id query on the database worker, as in the app
        p.resize(1280, 800)
        ctx.wait()
        QApplication.processEvents()  # delivers the ids to the model
        assert p.model.rowCount() == n
        for r in range(VISIBLE):
            for c in range(p.model.columnCount()):
                p.model.data(p.model.index(r, c))
        p.show()
        QApplication.processEvents()
        p.close()
        ctx.wait()
        p.deleteLater()

    def scroll() -> None:
        m = page.model
        m.set_ids(m.ids())
        step = max(1, m.rowCount() // JUMPS)
        for r in range(0, m.rowCount(), step):
            m.data(m.index(r, 0))

    def bare_scroll() -> None:
        ids = page.model.ids()
        step = max(1, len(ids) // JUMPS)
        con = sqlite3.connect(str(path))
        for r in range(0, len(ids), step):
            chunk = ids[max(0, r - PAGE // 4) : max(0, r - PAGE // 4) + PAGE]
            marks = ",".join("?" * len(chunk))
            con.execute(f"SELECT * FROM enterprise WHERE id IN ({marks})", chunk).fetchall()
            con.execute(f"SELECT * FROM contact WHERE enterprise_id IN ({marks})", chunk).fetchall()
        con.close()

    floor_open = best(bare_open(path))
    t_open = best(open_page)
    term = "智能"
    floor_search = best(bare_search(path, term))

    def search() -> None:
        with db.reader() as s:
            listing.enterprise_ids(s, listing.EnterpriseQuery(text=term))

    t_search = best(search)

    def search_pinyin() -> None:
        with db.reader() as s:
            listing.enterprise_ids(s, listing.EnterpriseQuery(text="hnxj"))

    t_pinyin = best(search_pinyin)
    t_scroll = best(scroll)
    floor_scroll = best(bare_scroll)
    with db.reader() as s:
        hits = len(listing.enterprise_ids(s, listing.EnterpriseQuery(text=term)))

    print()
    print(f"{'measure':46} {'time':>9} {'floor':>9} {'ratio':>7} {'aim':>6}")
    rows = [
        (f"open page + first {VISIBLE} rows (bare: ids + rows)", t_open, floor_open, AIMS["open"]),
        (f"search '{term}' ({hits} hits; bare: LIKE names)", t_search, floor_search, AIMS["search"]),
        ("search 'hnxj' pinyin (bare: LIKE names)", t_pinyin, floor_search, AIMS["search"]),
        (f"jump to {JUMPS} places (bare: same pages by id)", t_scroll, floor_scroll, AIMS["jumps"]),
    ]
    for name, t, f, aim in rows:
        print(f"{name:46} {t * 1000:8.1f}ms {f * 1000:8.1f}ms {t / f:6.2f}x {aim:5.1f}x")
    page.close()
    ctx.close()
    print(f"(best of 5 runs; Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version})")


if __name__ == "__main__":
    main()
