"""Enterprise page on 100,000 enterprises on a PostgreSQL server over loopback: open + first rows, search,
scrolling — the service calls the page makes, one reader session each as the page's read_now does — as ratios
against bare psycopg reading the same rows in the same run (one connection kept open, as the app's pool keeps
its own). The aim, ≤ 2× the floor, is printed beside each ratio.

    CHANJIAO_BENCH_PG=postgresql://user:password@127.0.0.1:5432/postgres \\
        python benchmarks/bench_server_enterprises.py [--template NAME] [--size large|small]

Makes a database of its own on that server (a role that may create databases; CHANJIAO_TEST_PG is used when
CHANJIAO_BENCH_PG is not set), fills it with the large demo (about 2 minutes) and drops it at the end. With
--template NAME the filled demo is kept on the server under NAME (made when absent) and each run copies it
(opening the copy upgrades it first, untimed, if the template was made by an older version). --size small
fills a small demo instead, for trying a change quickly (keep a template of each size under its own name).

The floors, and where they are lower than the page's own work (so a ratio is if anything overstated):
- open: the ids in pinyin order, then the first rows by id. The page also reads the filter drop-downs.
- search: the ids of live enterprises whose name or short name holds the word (ILIKE), in pinyin order. The
  page also looks in the 统一社会信用代码, the pinyin and the contacts' names and phones (the same hits for
  '智能'). ILIKE, as the search ignores the case of Latin letters; for a word without them the page uses LIKE
  (app/services/enterprise_list.py _contains), and a bare LIKE on the two names takes about half the time of
  this floor. The pinyin search is set against the same floor, as in bench_enterprises.py: a bare query of the
  pinyin columns alone would be the trigram indexes' (migration 0016) work only, not the search's.
- jumps: per page, every column of the page's enterprises and of their contacts by `= ANY(ids)`. The page
  also shows each enterprise's categories and highest tier, which the floor does not read.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402

from app.db.engine import Database, open_database  # noqa: E402
from app.demo import fill_demo  # noqa: E402
from app.services import enterprise_list as listing  # noqa: E402
from benchmarks.common import BenchServer, best  # noqa: E402
from ui.models.lazy_table import PAGE  # noqa: E402

VISIBLE = 40  # rows a maximised window shows
JUMPS = 50
AIM = 2.0


def build(server: BenchServer, name: str, size: str) -> None:
    """The demo in database `name`, settled (VACUUM ANALYZE, as autovacuum would leave it)."""
    t = time.perf_counter()
    db = open_database(server.location(name))
    try:
        with db.session() as s:
            fill_demo(s, size=size, seed=1)
    finally:
        db.close()
    with psycopg.connect(server.conninfo(name), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"demo database built in {time.perf_counter() - t:.1f} s")


def measure(db: Database, conn: psycopg.Connection) -> None:
    """The page's reads through the app against the same rows read bare on `conn`."""
    with db.reader() as s:
        n = listing.count_enterprises(s)
    size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    print(f"enterprises: {n}   database: {size / 1e6:.1f} MB   server: {db.display_name}")

    def open_page() -> None:
        # EnterprisesPage: the filter drop-downs, then the ids (ListPage.ids_and_total, unfiltered: the count
        # is their number), then the page of rows around row 0 the model fetches when the view asks for it
        with db.reader() as s:
            listing.facets(s)
        with db.reader() as s:
            ids = listing.enterprise_ids(s, listing.EnterpriseQuery())
        assert len(ids) == n
        with db.reader() as s:
            rows = listing.enterprise_rows(s, ids[:PAGE])
        assert all(i in rows for i in ids[:VISIBLE])

    def bare_open() -> None:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM enterprise WHERE deleted_at IS NULL ORDER BY pinyin_full, id"
            )
        ]
        conn.execute("SELECT * FROM enterprise WHERE id = ANY(%s)", (ids[:VISIBLE],)).fetchall()

    def bare_search(term: str) -> None:
        like = f"%{term}%"
        conn.execute(
            "SELECT id FROM enterprise WHERE deleted_at IS NULL AND (name ILIKE %s OR short_name ILIKE %s) "
            "ORDER BY pinyin_full",
            (like, like),
        ).fetchall()

    with db.reader() as s:
        all_ids = listing.enterprise_ids(s, listing.EnterpriseQuery())
    step = max(1, len(all_ids) // JUMPS)
    chunks = [
        all_ids[max(0, r - PAGE // 4) : max(0, r - PAGE // 4) + PAGE] for r in range(0, len(all_ids), step)
    ]

    def scroll() -> None:
        # LazyTableModel._load_page on each jump: one read_now of the rows around the row asked for
        for chunk in chunks:
            with db.reader() as s:
                listing.enterprise_rows(s, chunk)

    def bare_scroll() -> None:
        for chunk in chunks:
            conn.execute("SELECT * FROM enterprise WHERE id = ANY(%s)", (chunk,)).fetchall()
            conn.execute("SELECT * FROM contact WHERE enterprise_id = ANY(%s)", (chunk,)).fetchall()

    def search(text: str) -> None:
        with db.reader() as s:
            listing.enterprise_ids(s, listing.EnterpriseQuery(text=text))

    term = "智能"
    floor_open = best(bare_open)
    t_open = best(open_page)
    floor_search = best(lambda: bare_search(term))
    t_search = best(lambda: search(term))
    t_pinyin = best(lambda: search("hnxj"))
    t_scroll = best(scroll, 3)
    floor_scroll = best(bare_scroll, 3)
    with db.reader() as s:
        hits = len(listing.enterprise_ids(s, listing.EnterpriseQuery(text=term)))

    print()
    print(f"{'measure':46} {'time':>9} {'floor':>9} {'ratio':>7} {'aim':>6}")
    rows = [
        (f"open page + first {VISIBLE} rows (bare: ids + rows)", t_open, floor_open),
        (f"search '{term}' ({hits} hits; bare: ILIKE names)", t_search, floor_search),
        ("search 'hnxj' pinyin (bare: ILIKE names)", t_pinyin, floor_search),
        (f"jump to {JUMPS} places (bare: same pages by id)", t_scroll, floor_scroll),
    ]
    for name, t, f in rows:
        print(f"{name:46} {t * 1000:8.1f}ms {f * 1000:8.1f}ms {t / f:6.2f}x {AIM:5.1f}x")
    version = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    print(
        f"(best of 5 runs, jumps of 3; Python {sys.version.split()[0]}, PostgreSQL {version}, psycopg {psycopg.__version__})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--template", help="a database on the server holding the filled demo, kept between runs"
    )
    parser.add_argument("--size", default="large", choices=["small", "large"])
    args = parser.parse_args()
    os.environ.setdefault("CHANJIAO_HOME", tempfile.mkdtemp())
    server = BenchServer.from_env()
    if args.template and not server.exists(args.template):
        server.sql(f'CREATE DATABASE "{args.template}"')
        try:
            build(server, args.template, args.size)
        except BaseException:
            server.drop(args.template)
            raise
    name = server.create("enterprises", template=args.template)
    try:
        if not args.template:
            build(server, name, args.size)
        db = open_database(server.location(name))
        try:
            with psycopg.connect(server.conninfo(name), autocommit=True) as conn:
                measure(db, conn)
        finally:
            db.close()
    finally:
        server.drop(name)


if __name__ == "__main__":
    main()
