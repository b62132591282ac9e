"""The PostgreSQL server the tests use: CHANJIAO_TEST_PG names it (a role that may create databases and roles,
e.g. postgresql://cj:cj@localhost:5432/postgres); .ci/run starts one and sets it, with
CHANJIAO_TEST_PG_REQUIRED=1 so that a missing or broken server fails the run instead of skipping.

Each test gets a database of its own (cjtest_<pid>_<random>), copied from a template migrated once per run
(CREATE DATABASE … TEMPLATE), and dropped after it. Names carry the process id: several runs may share a
server, and none touches another's databases."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
import uuid

import pytest

from app.db.location import ServerLocation, parse_location, password_for

ENV = "CHANJIAO_TEST_PG"
REQUIRED = "CHANJIAO_TEST_PG_REQUIRED"


def required() -> bool:
    return os.environ.get(REQUIRED, "") not in ("", "0")


def _unavailable(why: str):
    if required():
        pytest.fail(f"{REQUIRED}=1 but {why}", pytrace=False)
    pytest.skip(f"no PostgreSQL server for the tests: {why}")


class TestServer:
    __test__ = False  # not a test class

    def __init__(self, admin: ServerLocation) -> None:
        self.admin = admin
        self.password = password_for(admin)
        self._templates: dict[str, str] = {}

    def sql(self, statement: str, *, database: str | None = None) -> list[tuple]:
        """One statement in autocommit (CREATE/DROP DATABASE cannot run in a transaction)."""
        import psycopg

        with psycopg.connect(
            host=self.admin.host,
            port=self.admin.port,
            user=self.admin.user,
            password=self.password,
            dbname=database or self.admin.database,
            autocommit=True,
            connect_timeout=10,
        ) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else []

    def location(
        self, database: str, *, user: str | None = None, password: str | None = None
    ) -> ServerLocation:
        return ServerLocation(
            self.admin.host,
            self.admin.port,
            database,
            user or self.admin.user,
            password if user else self.password,
        )

    def url(self, database: str) -> str:
        """The database's address with the password in it (as a script would give it)."""
        return (
            f"postgresql://{self.admin.user}:{self.password}@{self.admin.host}:{self.admin.port}/{database}"
        )

    def create(self, *, template: str | None = None, prefix: str = "cjtest") -> ServerLocation:
        name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"
        self.sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.location(name)

    def drop(self, loc: ServerLocation | str) -> None:
        """Dropped even while a connection of the test's is left in it (FORCE ends those). FORCE also asks to end
        the server's own autovacuum worker, which a role that is not a superuser may not (after a large insert one
        is often there): then a plain DROP, which stops autovacuum by itself, tried until the last connection goes."""
        import psycopg

        name = loc if isinstance(loc, str) else loc.database
        try:
            self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            pass
        for _ in range(100):
            try:
                self.sql(f'DROP DATABASE IF EXISTS "{name}"')
                return
            except psycopg.errors.ObjectInUse:
                time.sleep(0.1)
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # its error says what still holds it

    def migrated_template(self) -> str:
        """An empty database at the newest schema, made once per run."""
        if "migrated" not in self._templates:
            from app.db.engine import open_database

            loc = self.create(prefix="cjtest_tpl")
            self._templates["migrated"] = loc.database
            open_database(loc).close()
        return self._templates["migrated"]

    def demo_template(self, today: dt.date) -> str:
        """The small demo (seed 1, dated from `today`), as tests/conftest.py's demo_file, made once per run."""
        if "demo" not in self._templates:
            from app.db.engine import open_database
            from app.demo import fill_demo

            loc = self.create(template=self.migrated_template(), prefix="cjtest_tpl")
            self._templates["demo"] = loc.database
            with pytest.MonkeyPatch.context() as mp, tempfile.TemporaryDirectory() as home:
                mp.setenv("CHANJIAO_HOME", home)
                database = open_database(loc)
                try:
                    with database.session() as s:
                        fill_demo(s, size="small", seed=1, today=today)
                finally:
                    database.close()
        return self._templates["demo"]

    def drop_templates(self) -> None:
        for name in self._templates.values():
            self.drop(name)
        self._templates.clear()


def server_or_skip() -> TestServer:
    url = os.environ.get(ENV, "")
    if not url:
        _unavailable(f"{ENV} is not set")
    loc = parse_location(url)
    if not isinstance(loc, ServerLocation):
        _unavailable(f"{ENV} is not a postgresql:// address")
    server = TestServer(loc)
    try:
        server.sql("SELECT 1")
    except Exception as e:
        _unavailable(f"{loc.safe_url} cannot be used: {e}")
    return server
