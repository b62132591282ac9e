"""A college's database on the test server (tests/pg.py) set up by the real `chanjiao server init`, with users of
its roles added by the real `chanjiao server user add`: what the tests of the server's roles, of 设置 → 用户与权限
and of the attachments and the copy on a server with roles start from.

Roles are cluster-wide: every role and database a test makes starts with its run's prefix (`prefixed`: the
process id and a random part) and is dropped at the end, even on failure."""

from __future__ import annotations

import io
import os
import subprocess as sp
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from app.db import roles
from app.db.engine import Database, open_database
from tests.cli_run import run_cli

PASSWORD = "Pa55-w0rd-for-tests"
GROUPS = ("机电一体化专业群:机电一体化技术=460301,工业机器人技术",)


@dataclass
class College:
    server: object  # tests.pg.TestServer
    name: str  # the database, and the start of every role the tests make
    init: sp.CompletedProcess[str]
    groups: roles.GroupRoles

    @property
    def url(self) -> str:  # the administrator who ran `server init` (cjci), with the password
        return self.server.url(self.name)

    def user(self, short: str) -> str:
        return f"{self.name}_{short}"

    def user_url(self, user: str, password: str = PASSWORD) -> str:
        a = self.server.admin
        return f"postgresql://{user}:{password}@{a.host}:{a.port}/{self.name}"

    def connect(self, user: str, password: str = PASSWORD) -> psycopg.Connection:
        a = self.server.admin
        return psycopg.connect(
            host=a.host, port=a.port, user=user, password=password, dbname=self.name, autocommit=True
        )

    def open(self, user: str | None = None) -> Database:
        if user is None:
            return open_database(self.server.location(self.name))
        return open_database(self.server.location(self.name, user=user, password=PASSWORD))


def cli(*args: str, password: str | None = None) -> sp.CompletedProcess[str]:
    """The real command line, in this process; `password` is what standard input holds."""
    saved = sys.stdin
    sys.stdin = io.StringIO("" if password is None else password + "\n")
    try:
        return run_cli(*args)
    finally:
        sys.stdin = saved


def add_user(college: College, short: str, role: str, *more: str, by: str | None = None) -> str:
    """`server user add` of the user “<database>_<short>” with `role` (and `more` options), run by the
    administrator (or by the user `by`); its name."""
    name = college.user(short)
    db = college.url if by is None else college.user_url(by)
    done = cli(
        "--db", db, "server", "user", "add", name, "--role", role, "--password-stdin", *more, password=PASSWORD
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return name


def drop_all(server, prefix: str) -> None:
    """The databases and roles whose names start with `prefix` (the databases first: their grants name the roles)."""
    for (name,) in server.sql(f"SELECT datname FROM pg_database WHERE starts_with(datname, '{prefix}')"):
        server.drop(name)
    for (role,) in server.sql(f"SELECT rolname FROM pg_roles WHERE starts_with(rolname, '{prefix}')"):
        server.sql(f'DROP ROLE IF EXISTS "{role}"')


@contextmanager
def prefixed(server, tag: str) -> Iterator[str]:
    """A prefix of this run's (cjtest_<tag>_<pid>_<random>) for the databases and roles made inside; all of
    them are dropped at the end."""
    prefix = f"cjtest_{tag}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        yield prefix
    finally:
        drop_all(server, prefix)


def set_up_college(
    server,
    name: str,
    home: Path,
    *users: tuple[str, ...],
    college: str = "机电工程学院",
    groups: tuple[str, ...] = GROUPS,
) -> College:
    """Database `name` set up by `server init` (某职业技术学院, `college`, `groups`), then each of `users`, a
    (short name, role, more options…) tuple, added by the administrator; CHANJIAO_HOME is `home` meanwhile."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHANJIAO_HOME", str(home))
        more = [arg for group in groups for arg in ("--group", group)]
        init = cli(
            "server", "init", server.url(name), "--school", "某职业技术学院", "--college", college, *more
        )
        assert init.returncode == 0, init.stderr
        made = College(server, name, init, roles.group_roles(name))
        for short, role, *options in users:
            add_user(made, short, role, *options)
    return made
