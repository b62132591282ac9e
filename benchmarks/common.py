"""What the benchmarks share: the best-of-N timer and the demo database they measure on."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.db.engine import Database, open_database
from app.demo import fill_demo
from app.services import enterprise_list as listing


def best(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of `repeat` runs, in seconds (the least disturbed by the rest of the machine)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def demo_database(description: str) -> tuple[Database, Path]:
    """Parse --db / --size and open the database, building the demo in it first when it is empty."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", type=Path, help="a database to reuse (built when it has no enterprises)")
    parser.add_argument("--size", default="large", choices=["small", "large"])
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "bench.db"
    os.environ.setdefault("CHANJIAO_HOME", str(path.parent / "home"))
    db = open_database(path)
    with db.reader() as s:
        empty = listing.count_enterprises(s) == 0
    if empty:
        t = time.perf_counter()
        with db.session() as s:
            fill_demo(s, size=args.size, seed=1)
        print(f"demo database built in {time.perf_counter() - t:.1f} s")
    return db, path
