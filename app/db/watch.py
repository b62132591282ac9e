"""Seeing other people's changes (issue 19): a `Watcher` tells when the open database was changed by someone
else — another user on the server, or another program (the CLI) on the same file — so the window can reload
what it shows. No Qt here: the callback runs on the watcher's own thread (or on the thread that committed),
and the caller hands it on to its GUI thread.

    watcher = Watcher(db, on_change)   # on_change(tables: frozenset[str]); empty: which tables is not known
    watcher.start()
    ...
    watcher.stop()                     # also done by itself when the database is closed (engine.dispose())

On a server every write transaction announces itself: `send_notices(engine)` (set up by
app/db/server.py make_server_engine) makes the commit of a transaction that wrote send
NOTIFY chanjiao_changes, '<client id>\\t<table>,<table>…'. The watcher LISTENs on a connection of its own,
drops its own client's notices, and after a lost connection connects again and reports one change with no
tables (it may have missed some).

On a file, `PRAGMA data_version` on a connection of the watcher's own changes whenever another connection
commits; it is read every POLL_S. The app's own commits change it too: each own commit reads the watcher's
version just before it (the write lock is held: nobody else can commit then) and takes it in just after, and
reads its own connection's data_version around the commit, which changes only if someone else committed in
between. So the app's own writes cause no report, and no other writer's commit goes unreported (at worst one is
reported twice)."""

from __future__ import annotations

import functools
import itertools
import logging
import os
import re
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event

if TYPE_CHECKING:
    from app.db.engine import Database

log = logging.getLogger(__name__)

CHANNEL = "chanjiao_changes"
POLL_S = 0.5  # how often the file's data_version is read, and how long the listener waits at a time
PING_S = 30.0  # an idle server connection is checked this often (a network that died without a word)
RECONNECT_S = (0.5, 1.0, 2.0, 5.0)  # waits between attempts to listen again, the last one repeated
STALE_COMMIT_S = 5.0  # an own commit whose connection is not back in the pool by then holds no check back
PAYLOAD_MAX = 7900  # bytes: NOTIFY takes 8000
UNKNOWN: frozenset[str] = frozenset()  # “something changed; which tables is not known”

OnChange = Callable[[frozenset[str]], None]

# ------------------------------------------------------------------ the server: every write announces itself

_WRITTEN = "chanjiao_written"  # Connection.info: the tables the transaction wrote ("" for one not known)
_WRITE = re.compile(
    r"\s*(?:(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE(?:\s+TABLE)?|COPY)\s+(?:ONLY\s+)?"
    r"(?:\w+\.)?\"?(\w+)\"?|(CREATE|ALTER|DROP|REINDEX|CLUSTER|VACUUM)\b)",
    re.IGNORECASE,
)
_clients: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
_clients_lock = threading.Lock()


def client_id(engine: Engine) -> str:
    """This engine's name in its notices: each Database opened (each user, each program) is a client."""
    with _clients_lock:
        found = _clients.get(engine)
        if found is None:
            found = _clients[engine] = f"{os.getpid()}-{secrets.token_hex(6)}"
        return found


def send_notices(engine: Engine) -> None:
    """Make every transaction on this server engine that writes send a notice when it commits (NOTIFY is
    delivered at the commit, and not at all after a rollback)."""
    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _track)
    event.listen(engine, "commit", _notify)


def written_table(statement: str, context: Any) -> str | None:
    """The table a statement writes; "" for a write whose table is not known (DDL); None for a read."""
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        table = getattr(getattr(context.compiled, "statement", None), "table", None)
        return str(getattr(table, "name", "") or "")
    m = _WRITE.match(statement)
    if m is None:
        return None
    return (m.group(1) or "").lower()


def _begin(conn: Any) -> None:
    conn.info.pop(_WRITTEN, None)


def _track(conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
    table = written_table(statement, context)
    if table is not None:
        conn.info.setdefault(_WRITTEN, set()).add(table)


def payload(client: str, tables: set[str] | frozenset[str]) -> str:
    """'<client>\\t<table>,<table>…'; the client alone when a table is not known or they do not fit."""
    if "" in tables:
        return client
    text = f"{client}\t{','.join(sorted(tables))}"
    return text if len(text.encode()) <= PAYLOAD_MAX else client


def read_payload(text: str) -> tuple[str, frozenset[str]]:
    client, _, tables = text.partition("\t")
    return client, frozenset(t for t in tables.split(",") if t)


def _notify(conn: Any) -> None:
    tables = conn.info.pop(_WRITTEN, None)
    if not tables:
        return
    # On the driver's own cursor, inside the transaction being committed: no SQLAlchemy statement (and no
    # event) within the commit. A failure is not swallowed: the commit must not go on as if all were well.
    with conn.connection.dbapi_connection.cursor() as cur:
        cur.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload(client_id(conn.engine), tables)))


# ------------------------------------------------------------------ what a change concerns

# The change notices of the app (app/services/common.py Changes.table) name a record's table, and "settings" for
# the college's settings, majors and groups.
SETTINGS_TABLES = frozenset({"setting", "major", "major_group"})


@functools.cache
def _owners() -> dict[str, frozenset[str]]:
    """{a table of a record's parts (its contacts, an association of two records): the records' tables}."""
    from sqlalchemy.orm import ONETOMANY

    from app.db import models  # noqa: F401  (every model mapped)
    from app.db.base import Base

    found: dict[str, set[str]] = {}
    for mapper in Base.registry.mappers:
        owner = mapper.local_table.name
        for rel in mapper.relationships:
            if rel.secondary is not None:
                found.setdefault(rel.secondary.name, set()).add(owner)
            elif rel.direction is ONETOMANY and rel.cascade.delete_orphan:
                found.setdefault(rel.mapper.local_table.name, set()).add(owner)
    return {k: frozenset(v) for k, v in found.items()}


@functools.cache
def _every_table() -> frozenset[str]:
    from app.db import models  # noqa: F401
    from app.db.base import Base

    return frozenset(Base.metadata.tables)


def record_tables(tables: frozenset[str]) -> frozenset[str]:
    """The tables the app's change notices name for a change of `tables` (every one when not known)."""
    out = set(tables or _every_table())
    for table in tables:
        out |= _owners().get(table, frozenset())
    if out & SETTINGS_TABLES:
        out.add("settings")
    return frozenset(out)


# ------------------------------------------------------------------ the watcher


class Watcher:
    """Reports changes to `db` committed by anyone but `db` itself: `on_change(tables)` on the watcher's
    thread, or on the thread of an own commit that found one; tables empty when not known (always, on a
    file). Thread-safe; start() once, stop() any number of times."""

    def __init__(self, db: Database, on_change: OnChange, *, interval: float = POLL_S) -> None:
        self.db = db
        self.on_change = on_change
        self.interval = interval
        self._stop = threading.Event()
        self._lock = threading.Lock()  # the watcher's connection and the file's bookkeeping
        self._thread: threading.Thread | None = None
        self._conn: Any = None  # the driver's connection (sqlite3 or psycopg), the watcher's own
        self._closed = False
        # file: the watcher's data_version as last taken in, and the own commits under way (token → since)
        self._last: int | None = None
        self._flights: dict[int, float] = {}
        self._tokens = itertools.count(1)
        self._client = client_id(db.engine)
        # an own commit's ConnectionRecord.info: (its token, its connection's data_version)
        self._pre = f"chanjiao_watch_{id(self)}"

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._closed

    def start(self) -> None:
        """Watch from now on: the connection is made here, so a change committed after start() returns is
        reported."""
        if self._thread is not None:
            raise RuntimeError("watcher already started")
        if self.db.is_server:
            try:
                self._conn = self._listen()
            except Exception:  # the thread tries again, and reports a change once it listens
                log.warning("cannot listen for changes on %s yet", self.db.display_name, exc_info=True)
            target = self._listen_loop
        else:
            self._conn = self._own_connection()
            self._last = _data_version(self._conn)
            target = self._poll_loop
        _hooks_of(self.db.engine).add(self)
        self._thread = threading.Thread(target=target, name="chanjiao-watch", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching and close the watcher's connection; waits for its thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        _hooks_of(self.db.engine).discard(self)
        with self._lock:
            conn, self._conn = self._conn, None
        _close_quietly(conn)

    def _report(self, tables: frozenset[str]) -> None:
        if self._closed:
            return
        try:
            self.on_change(tables)
        except Exception:
            log.exception("a change notice could not be handled")

    def _own_connection(self) -> Any:
        """A driver connection made as the engine makes its own (same address, password and settings), but
        outside its pool."""
        raw = self.db.engine.raw_connection()
        raw.detach()
        return raw.dbapi_connection

    # ------------------------------------------------------------ a server: LISTEN

    def _listen(self) -> Any:
        conn = self._own_connection()
        try:
            conn.rollback()  # the pool's check left a transaction open; LISTEN needs autocommit
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
        except Exception:
            _close_quietly(conn)
            raise
        return conn

    def _listen_loop(self) -> None:
        attempts = 0
        pinged = time.monotonic()
        while not self._stop.is_set():
            conn = self._conn
            if conn is None:
                conn = self._reconnect(attempts)
                attempts += 1
                if conn is None:
                    continue
                attempts = 0
                pinged = time.monotonic()
            try:
                for notice in conn.notifies(timeout=self.interval):
                    self._heard(notice.payload)
                if time.monotonic() - pinged > PING_S:
                    conn.execute("SELECT 1")
                    pinged = time.monotonic()
            except Exception:
                if self._stop.is_set():
                    break
                log.info("lost the connection that listens for changes; connecting again", exc_info=True)
                with self._lock:
                    self._conn = None
                _close_quietly(conn)

    def _reconnect(self, attempts: int) -> Any:
        if attempts and self._stop.wait(RECONNECT_S[min(attempts - 1, len(RECONNECT_S) - 1)]):
            return None
        try:
            conn = self._listen()
        except Exception:
            log.debug("still cannot listen for changes", exc_info=True)
            return None
        with self._lock:
            if self._closed:
                _close_quietly(conn)
                return None
            self._conn = conn
        self._report(UNKNOWN)  # what was committed while nobody listened is not known
        return conn

    def _heard(self, text: str) -> None:
        client, tables = read_payload(text)
        if client != self._client:
            self._report(tables)

    # ------------------------------------------------------------ a file: PRAGMA data_version

    def _poll_loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # the file is away for a moment (a USB stick); try again at the next round
                log.debug("cannot read the database's data_version", exc_info=True)

    def check(self) -> bool:
        """On a file, what the watcher's thread does every `interval`: whether another connection committed
        since the last check (then reported). On a server, notices come by themselves: False."""
        if self.db.is_server:
            return False
        if changed := self._poll():
            self._report(UNKNOWN)
        return changed

    def _poll(self) -> bool:
        with self._lock:
            if self._closed or self._conn is None:
                return False
            now = time.monotonic()
            for token, since in list(self._flights.items()):
                if now - since > STALE_COMMIT_S:  # its connection never came back: check without it
                    del self._flights[token]
            if self._flights:  # an own commit is under way: it takes its change in itself
                return False
            return self._take_version()

    def _take_version(self) -> bool:
        """Under the lock: read the watcher's data_version; whether it moved since last taken in."""
        version = _data_version(self._conn)
        changed, self._last = version != self._last, version
        return changed

    def _own_commit(self, conn: Any) -> None:
        """Just before an own commit, the write lock held: a change seen now is someone else's."""
        if self._closed:
            return
        try:
            foreign = self._before_own_commit(conn)
        except Exception:  # never in the way of the commit; report, in case it hid someone else's change
            log.debug("cannot read the database's data_version before a commit", exc_info=True)
            foreign = True
        if foreign:
            self._report(UNKNOWN)

    def _before_own_commit(self, conn: Any) -> bool:
        mine = _data_version(conn.connection.dbapi_connection)
        info = conn.info
        earlier = info.get(self._pre)  # committed before on this connection, not handed back to the pool yet
        foreign = earlier is not None and earlier[1] != mine
        with self._lock:
            if self._closed or self._conn is None:
                return False
            if earlier is not None and earlier[0] in self._flights:
                token = earlier[0]
            else:
                if not self._flights:
                    foreign = self._take_version() or foreign
                token = next(self._tokens)
            self._flights[token] = time.monotonic()
        info[self._pre] = (token, mine)
        return foreign

    def _own_commit_done(self, dbapi: Any, record: Any) -> None:
        """The connection of an own commit is back in the pool: take its change in; someone else's commit
        since shows in the connection's own data_version."""
        pre = record.info.pop(self._pre, None) if record is not None else None
        if pre is None or self._closed:
            return
        token, mine = pre
        try:
            with self._lock:
                if self._closed or self._conn is None:
                    return
                if self._flights.pop(token, None) is not None and not self._flights:
                    self._take_version()
            foreign = dbapi is None or _data_version(dbapi) != mine
        except Exception:
            log.debug("cannot read the database's data_version after a commit", exc_info=True)
            foreign = True
        if foreign:
            self._report(UNKNOWN)


class _Hooks:
    """An engine's listeners, added once and never removed (SQLAlchemy's lists of listeners must not change
    while another thread runs through them: the database worker commits at any time). They hand each event
    to the watchers of the engine at that moment."""

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self.watchers: tuple[Watcher, ...] = ()
        event.listen(engine, "engine_disposed", self.disposed)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "commit", self.commit)
            event.listen(engine, "checkin", self.checkin)

    def add(self, watcher: Watcher) -> None:
        with self._lock:
            self.watchers = (*self.watchers, watcher)

    def discard(self, watcher: Watcher) -> None:
        with self._lock:
            self.watchers = tuple(w for w in self.watchers if w is not watcher)

    def commit(self, conn: Any) -> None:
        for watcher in self.watchers:
            watcher._own_commit(conn)

    def checkin(self, dbapi: Any, record: Any) -> None:
        for watcher in self.watchers:
            watcher._own_commit_done(dbapi, record)

    def disposed(self, _engine: Engine) -> None:
        """The database was closed (Database.close): a file must not stay open (a restore replaces it)."""
        for watcher in self.watchers:
            watcher.stop()


_hooks: weakref.WeakKeyDictionary[Engine, _Hooks] = weakref.WeakKeyDictionary()
_hooks_lock = threading.Lock()


def _hooks_of(engine: Engine) -> _Hooks:
    with _hooks_lock:
        found = _hooks.get(engine)
        if found is None:
            found = _hooks[engine] = _Hooks(engine)
        return found


def _data_version(dbapi: Any) -> int:
    cur = dbapi.cursor()
    try:
        cur.execute("PRAGMA data_version")
        return int(cur.fetchone()[0])
    finally:
        cur.close()


def _close_quietly(conn: Any) -> None:
    if conn is None:
        return
    try:
        conn.close()
    except Exception:
        log.debug("closing the watcher's connection failed", exc_info=True)
