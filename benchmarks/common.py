"""What the benchmarks share: the best-of-N timer, a timed step, the demo database they measure on, and the
PostgreSQL server the server benchmarks make their own databases on (CHANJIAO_BENCH_PG, else CHANJIAO_TEST_PG: the
address of a role that may create databases, e.g. postgresql://cj:cj@127.0.0.1:5432/postgres)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.db.engine import Database, open_database
from app.db.location import ServerLocation, parse_location, password_for
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


@contextmanager
def timed(what: str) -> Iterator[None]:
    """A step done once (building the demo): prints “<what> in 12.3 s” when it has."""
    t = time.perf_counter()
    yield
    print(f"{what} in {time.perf_counter() - t:.1f} s")


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
        with timed("demo database built"), db.session() as s:
            fill_demo(s, size=args.size, seed=1)
    return db, path


# ---------------------------------------------------------------- a PostgreSQL server

SERVER_ENV = ("CHANJIAO_BENCH_PG", "CHANJIAO_TEST_PG")


class BenchServer:
    """The server named by CHANJIAO_BENCH_PG (or CHANJIAO_TEST_PG): databases made and dropped in autocommit."""

    def __init__(self, admin: ServerLocation) -> None:
        self.admin = admin
        self.password = password_for(admin)

    @classmethod
    def from_env(cls) -> BenchServer:
        url = next((os.environ[k] for k in SERVER_ENV if os.environ.get(k)), "")
        loc = parse_location(url) if url else None
        if not isinstance(loc, ServerLocation):
            sys.exit(
                f"set {SERVER_ENV[0]} (or {SERVER_ENV[1]}) to postgresql://user:password@host:port/postgres"
            )
        return cls(loc)

    def sql(self, statement: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.conninfo(self.admin.database), autocommit=True) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else []

    def conninfo(self, database: str) -> str:
        """The database's address with the password, as psycopg.connect takes it."""
        a = self.admin
        return f"postgresql://{a.user}:{self.password}@{a.host}:{a.port}/{database}"

    def location(self, database: str) -> ServerLocation:
        a = self.admin
        return ServerLocation(a.host, a.port, database, a.user, self.password)

    def exists(self, database: str) -> bool:
        return bool(self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"))

    def create(self, prefix: str, *, template: str | None = None) -> str:
        """A new database cjbench_<prefix>_<pid>_<random> (a copy of `template` if given): its name."""
        name = f"cjbench_{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop(self, database: str) -> None:
        """Dropped even with a connection left in it. FORCE may not end the server's autovacuum worker for a role
        that is not a superuser (one is often there after a large insert): then a plain DROP, tried again until
        it goes (as tests/pg.py does)."""
        import psycopg

        try:
            self.sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            pass
        for _ in range(100):
            try:
                self.sql(f'DROP DATABASE IF EXISTS "{database}"')
                return
            except psycopg.errors.ObjectInUse:
                time.sleep(0.1)
        self.sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
