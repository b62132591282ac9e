"""Opening a database: checks (file, lock, integrity), engine setup (the only SQLite-specific code) and
migrations (which back up first through app/backup.py). A database on a PostgreSQL server (app/db/location.py)
has its own branch: no file checks, its engine and failures in app/db/server.py."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

import app.db.audit  # noqa: F401  (registers the audit listener)
import app.db.personal  # noqa: F401  (registers the masked copies of students' personal data)
from app.db import server, verified
from app.db.location import FileLocation, Location, ServerLocation, parse_location
from app.db.unique_keys import duplicate_key_error
from app.errors import (
    DatabaseCorrupt,
    DatabaseError,
    DatabaseGone,
    DatabaseLocked,
    DatabaseReadOnly,
    DiskFull,
    NotADatabase,
    NotOnServer,
    RecordChanged,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
PROBE_TIMEOUT_MS = 1500


def database_url(path: Path) -> URL:
    """A database file's URL (a server's: app/db/location.py ServerLocation.url)."""
    return URL.create("sqlite+pysqlite", database=str(path))


def attachments_dir_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + "_附件")


# Attachments live beside a database file; on a server, in the database itself (app/services/blobs.py).
ATTACHMENTS_ON_SERVER = (
    "保存在服务器上的数据库中，连接这个数据库的每台电脑都能打开；随数据库一起由服务器管理员备份（pg_dump）。"
)


def _set_sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # Switching a rollback-journal file to WAL needs a lock: wait no longer than probe_lock does, so a
    # file another program holds fails fast with DatabaseLocked instead of hanging for BUSY_TIMEOUT_MS.
    cur.execute(f"PRAGMA busy_timeout={PROBE_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def folder_writable(folder: Path) -> bool:
    """On Windows os.access says nothing about folders (it reads only a file's read-only attribute), so a
    folder such as C:\\Program Files passes it: create a temporary file there to know."""
    if not os.access(folder, os.W_OK):
        return False
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def _sqlite_header(path: Path) -> bool:
    """Whether the file is empty or starts as a SQLite database does, read through SQLite itself: reading it
    with open() and closing it would drop every POSIX lock this process holds on the file (Linux, macOS), so a
    second handle on a database this process has open would leave the first unprotected."""
    try:
        con = sqlite3.connect(str(path), timeout=PROBE_TIMEOUT_MS / 1000)
    except sqlite3.Error as e:
        raise DatabaseReadOnly(f"没有权限读取数据库文件“{path}”。", str(e)) from e
    try:
        con.execute("PRAGMA schema_version")
    except sqlite3.DatabaseError as e:
        text = str(e).lower()
        if "not a database" in text:
            return False
        if "unable to open" in text or "readonly" in text or "permission" in text:
            raise DatabaseReadOnly(f"没有权限读取数据库文件“{path}”。", str(e)) from e
        # locked by another program, or damaged past the header: probe_lock and check_integrity say so
    finally:
        con.close()
    return True


def check_file(path: Path) -> None:
    """Refuse, with a message of its own, a file that is not a database or cannot be written."""
    folder = path.parent
    if path.exists():
        if path.is_dir():
            raise NotADatabase(f"“{path}”是一个文件夹，不是数据库文件。")
        if not _sqlite_header(path):
            raise NotADatabase(
                f"“{path.name}”不是本软件的数据库文件（可能选错了文件，或文件已损坏）。请选择 .db 数据库文件。"
            )
        if not os.access(path, os.W_OK):
            raise DatabaseReadOnly(
                f"数据库文件“{path}”是只读的，无法保存修改。请在文件属性中取消“只读”，"
                "或把它复制到可写的文件夹（不要直接在U盘写保护或光盘上打开）。"
            )
    else:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise DatabaseReadOnly(f"无法创建数据文件夹“{folder}”：{e.strerror or e}", str(e)) from e
    if not folder_writable(folder):
        raise DatabaseReadOnly(
            f"数据库所在文件夹“{folder}”不可写（数据库需要在旁边写日志文件）。请把数据库放到可写的文件夹。"
        )


def json_dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def make_engine(path: Path) -> Engine:
    # The GUI reads on its own thread and writes on one worker thread; each connection is used by one
    # thread at a time through the pool, so sqlite3's same-thread check is relaxed.
    engine = create_engine(
        database_url(path),
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        json_serializer=json_dumps,  # Chinese stays readable (and half the size) in JSON columns
    )
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def probe_lock(engine: Engine, path: Path) -> None:
    """Fail fast with a clear message if another program holds a write lock on the file."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={PROBE_TIMEOUT_MS}")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.exec_driver_sql("ROLLBACK")
            conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    except SADatabaseError as e:  # OperationalError, or sqlite3.DatabaseError for a damaged file
        msg = str(e.orig) if e.orig else str(e)
        if "locked" in msg or "busy" in msg:
            raise DatabaseLocked(
                f"数据库“{path.name}”正被另一个程序使用（可能是本软件的另一个窗口，或同步盘/杀毒软件）。"
                "请关闭其他程序后重试。",
                msg,
            ) from e
        if "readonly" in msg or "read-only" in msg:
            raise DatabaseReadOnly(f"数据库“{path.name}”无法写入：{msg}", msg) from e
        if "not a database" in msg or "malformed" in msg:  # the header was right (check_file): damaged
            raise DatabaseCorrupt(
                f"数据库“{path.name}”已损坏，无法打开。请从最近的完好备份恢复（原文件会被另存，不会删除）。",
                msg,
            ) from e
        raise DatabaseError(f"无法打开数据库“{path.name}”：{msg}", msg) from e


def check_integrity(engine: Engine, path: Path) -> None:
    """SQLite's quick_check (a few hundred ms on 100k enterprises): a damaged file is refused at once, with a
    plain message, before a migration or the user's next edits make it worse."""
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
    except OperationalError as e:
        rows = [(str(e.orig or e),)]
    except Exception as e:  # sqlite3.DatabaseError: "database disk image is malformed"
        rows = [(str(e),)]
    refuse_if_damaged(path, "; ".join(str(r[0]) for r in rows[:5]))


def refuse_if_damaged(path: Path, result: str) -> None:
    """quick_check's answer ("ok", or what it found) as the open's decision."""
    if result != "ok":
        raise DatabaseCorrupt(
            f"数据库“{path.name}”已损坏（完整性检查未通过），可能是上次断电、强行关机、U盘被拔出或磁盘故障造成的。"
            "为避免进一步损坏，软件没有打开它。请从最近的完好备份恢复（原文件会被另存，不会删除）。",
            result,
        )


class IntegrityCheck:
    """check_integrity's quick_check started ahead, on a connection of its own in a thread, so the half second it
    takes on the large demo runs while the window's modules import (sqlite3 releases the GIL while it checks).
    open_database(path, integrity=…) waits for the answer before its engine touches the file: a damaged file is
    refused exactly as check_integrity refuses it. An answer that is not the check's (the file locked,
    unreadable, the check interrupted) is no answer: the open then checks as before, after probe_lock.

    One answer for one open: a later open (重试, another file, after a restore) checks the file afresh."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._answer: str | None = None
        self.checked_at: dt.datetime | None = None  # when the answer was found ("ok" remembered: then)
        self._closing = threading.Lock()  # interrupt() on a connection being closed is not safe
        self._closed = False
        # mode=rw: never creates the file (it may have gone since); no pragmas, no write: only the check reads
        self._con = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=rw",
            uri=True,
            timeout=PROBE_TIMEOUT_MS / 1000,
            check_same_thread=False,
        )
        self._thread = threading.Thread(target=self._run, name="quick_check", daemon=True)
        self._thread.start()

    @classmethod
    def start(cls, path: Path, *, remembered: bool = False) -> IntegrityCheck | RememberedCheck | None:
        """The check under way on an existing database file; None when there is nothing to check ahead (a new
        file, or one that cannot be opened: open_database says why). `remembered` (the window's start only):
        the last check's answer when this app closed the file cleanly since and nothing has touched it
        (app/db/verified.py), without reading the file."""
        if not path.is_file():
            return None
        if remembered and (when := verified.recall(path)) is not None:
            return RememberedCheck(path, when)
        try:
            return cls(path)
        except sqlite3.Error:
            return None

    def _run(self) -> None:
        try:
            rows = self._con.execute("PRAGMA quick_check").fetchall()
            self.checked_at = dt.datetime.now(dt.UTC)
            self._answer = "; ".join(str(r[0]) for r in rows[:5])
        except sqlite3.OperationalError as e:  # locked, disk I/O error, interrupted: the open checks again
            log.info("integrity check ahead gave no answer: %s", e)
        except sqlite3.DatabaseError as e:  # "database disk image is malformed"
            self._answer = str(e)
        finally:
            with self._closing:
                self._con.close()
                self._closed = True

    def answer(self, path: Path) -> str | None:
        """quick_check's answer for `path` once it is there; None if this check was not of that file or has
        no answer (the caller then checks with check_integrity)."""
        self._thread.join()
        return self._answer if path == self.path else None

    def cancel(self) -> None:
        """The answer is not wanted (the open went another way): stop the check and wait for its thread."""
        with self._closing:
            if not self._closed:
                self._con.interrupt()
        self._thread.join()


@dataclass(frozen=True)
class RememberedCheck:
    """IntegrityCheck's answer for a file unchanged since this app closed it after a check that passed
    (app/db/verified.py): "ok", as of that check."""

    path: Path
    checked_at: dt.datetime

    def answer(self, path: Path) -> str | None:
        return "ok" if path == self.path else None

    def cancel(self) -> None:
        pass


EarlyCheck = IntegrityCheck | RememberedCheck  # open_database's `integrity`


NOT_SAVED = server.NOT_SAVED  # “刚才的操作没有保存（已撤销）…”


def runtime_error(path: Path, e: OperationalError) -> DatabaseError:
    """A failure of the database while the app runs, in plain Chinese: what happened, that the action was
    not saved, and what to do. Anything unrecognised stays a DatabaseError with SQLite's text."""
    msg = str(e.orig) if e.orig else str(e)
    low = msg.lower()
    if "disk is full" in low or "database or disk is full" in low:
        return DiskFull(
            f"磁盘空间已满，无法写入数据库“{path.name}”。{NOT_SAVED}请清理磁盘（或换到空间充足的位置）后重试。",
            msg,
        )
    if "readonly" in low or "read-only" in low:
        return DatabaseReadOnly(
            f"数据库文件“{path.name}”变成了只读，无法保存修改。{NOT_SAVED}"
            "请检查文件属性中的“只读”、U盘的写保护开关或文件夹权限，然后重试。",
            msg,
        )
    if "disk i/o error" in low or "unable to open database file" in low:
        return DatabaseGone(
            f"无法读写数据库文件“{path}”（文件可能被移动、删除，或所在的U盘、网络盘已断开）。{NOT_SAVED}"
            "请把文件放回原处（或重新插入U盘）后重启本软件。",
            msg,
        )
    if "locked" in low or "busy" in low:
        return DatabaseLocked(
            f"数据库“{path.name}”正被占用（本软件的另一个窗口或另一个导入正在写入，或同步盘、杀毒软件、"
            f"备份软件）。{NOT_SAVED}请稍后重试。",
            msg,
        )
    return DatabaseError(f"数据库出错：{msg}。{NOT_SAVED}", msg)


def begin_immediate(conn: Connection) -> None:
    """Start the DBAPI transaction as BEGIN IMMEDIATE. pysqlite (legacy transaction control) opens one by
    itself only before the first INSERT/UPDATE/DELETE and leaves it alone once one is open, so reads before
    the first write now happen inside the write transaction."""
    raw = conn.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def take_write_lock(conn: Connection) -> None:
    """The database's one write lock, taken at the start of a write transaction and held to its end: BEGIN
    IMMEDIATE on SQLite, an advisory transaction lock on a server. Writers are serialised the same way on
    both, so what a write transaction reads is what it writes into."""
    if conn.dialect.name == "sqlite":
        begin_immediate(conn)
    else:
        server.take_write_lock(conn)


def holds_write_lock(conn: Connection) -> bool:
    """Whether `conn` is inside a write transaction (take_write_lock done; on SQLite, a reader never
    issues BEGIN)."""
    if conn.dialect.name != "sqlite":
        return server.holds_write_lock(conn)
    raw = conn.connection.dbapi_connection
    return bool(raw is not None and raw.in_transaction)


SERVER_BACKUP = "服务器上的数据库由服务器管理员备份（pg_dump）；本软件的备份与恢复只用于本机数据库文件。"


@dataclass
class Database:
    location: Location
    engine: Engine
    factory: sessionmaker[Session]
    # Duplicates of 学号, 工号 … that keep a unique index out (a database from before migration 0008):
    # one Chinese message each, for the window to show (app/db/unique_keys.py); () when every key is enforced.
    key_problems: tuple[str, ...] = ()
    # A file's last integrity check that passed (at this open, or remembered: app/db/verified.py), noted
    # with the file at a clean close; None on a server
    checked_at: dt.datetime | None = None

    @property
    def is_server(self) -> bool:
        return self.location.is_server

    @property
    def display_name(self) -> str:
        """The database in plain words: its file path, or server, database and user (never a password)."""
        return self.location.display

    @property
    def path(self) -> Path:
        """The database file. A server database has none: what needs a file (backups, the data folder,
        the instance lock) is refused with a message saying so."""
        if isinstance(self.location, ServerLocation):
            raise NotOnServer(f"{self.location.display}不是本机文件。{SERVER_BACKUP}")
        return self.location.path

    @property
    def attachments_dir(self) -> Path:
        """The attachments folder beside a database file; a server's database has none."""
        if self.is_server:
            raise NotOnServer(f"服务器上的数据库没有附件文件夹：附件{ATTACHMENTS_ON_SERVER}")
        return attachments_dir_for(self.path)

    def _failure(self, e: DBAPIError) -> Exception | None:
        """A failure of the database in plain Chinese, or None for the code's own mistakes."""
        if isinstance(self.location, ServerLocation):
            return server.server_error(self.location, e)
        if "malformed" in str(e.orig or e).lower():
            verified.distrust(self.path)  # the next start reads and checks the whole file
        return runtime_error(self.path, e) if isinstance(e, OperationalError) else None

    def check_present(self) -> None:
        """The file is still where it was opened. On Linux and macOS a file deleted or moved while open
        stays writable through the open connections, and everything written after would vanish with the
        process: refuse to write instead."""
        if not self.is_server and not self.path.exists():
            raise DatabaseGone(
                f"数据库文件“{self.path}”已不在原处（被移动、删除或改名，或所在的U盘已拔出）。{NOT_SAVED}"
                "请把文件放回原处（或重新插入U盘）后重启本软件。"
            )

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any exception. On SQLite it
        takes the write lock at BEGIN (BEGIN IMMEDIATE, waiting up to BUSY_TIMEOUT_MS for another writer), so
        the checks that decide a write (an import's “数据已有变化” recheck, a duplicate 学号) read the data
        the write goes into, and two writers are serialised. Database failures (full disk, read-only or
        vanished file) come out as DatabaseError subclasses with a Chinese message; a write refused by a
        unique key (another writer saved the same 学号 first) as DuplicateKey."""
        self.check_present()
        try:
            with self.factory() as s, s.begin():
                take_write_lock(s.connection())
                yield s
        except StaleDataError:  # a row's version moved under this transaction (versions.py checks first)
            raise RecordChanged(
                f"这条记录刚被其他用户修改过。{NOT_SAVED}请重新打开这条记录，看过对方的修改后再保存。"
            ) from None
        except IntegrityError as e:  # other integrity errors are the code's mistakes
            if dup := duplicate_key_error(e):
                # not chained: the statement's parameters (身份证号, phones) would reach the log
                raise dup from None
            raise
        except DBAPIError as e:
            if (failure := self._failure(e)) is None:
                raise
            raise failure from e

    @contextlib.contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only session (no commit)."""
        try:
            with self.factory() as s:
                yield s
                s.rollback()
        except DBAPIError as e:  # not IntegrityError & co.: those are the code's mistakes
            if (failure := self._failure(e)) is None:
                raise
            raise failure from e

    def close(self) -> None:
        if not self.is_server and self.path.exists():  # never recreate a vanished file
            try:  # keeps the query planner's statistics current (SQLite's advice for long-lived apps)
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA analysis_limit=1000")
                    conn.exec_driver_sql("PRAGMA optimize")
            except Exception:  # closing must not fail: the data is already committed
                log.debug("PRAGMA optimize failed", exc_info=True)
        self.engine.dispose()
        if not self.is_server and self.checked_at is not None:
            # the journal is gone once the last connection closed: the file as the next start finds it
            verified.remember(self.path, self.checked_at)


def open_database(
    where: Path | str | Location, *, migrate: bool = True, integrity: EarlyCheck | None = None
) -> Database:
    """Open (creating if needed) and upgrade a database: a file path, a server address
    (postgresql://user@host:5432/dbname) or a Location. Raises a DatabaseError subclass with a Chinese
    message for every way the file or the server can be unusable. `integrity`: the file's quick_check
    started ahead (IntegrityCheck), waited for before anything else touches the file."""
    from app.db import migrate as migrations

    loc = where if isinstance(where, FileLocation | ServerLocation) else parse_location(where)
    if isinstance(loc, ServerLocation):
        return _open_server(loc, migrate=migrate)
    path = loc.path
    check_file(path)
    checked = integrity.answer(path) if integrity is not None else None
    checked_at = integrity.checked_at if integrity is not None and checked is not None else None
    if checked is not None:
        refuse_if_damaged(path, checked)  # before the engine's first connection (its switch to WAL writes)
    engine = make_engine(path)
    try:
        probe_lock(engine, path)
        if checked is None:
            check_integrity(engine, path)
            checked_at = dt.datetime.now(dt.UTC)
        problems: tuple[str, ...] = ()
        if migrate:
            migrations.upgrade(engine, path)
            problems = migrations.check_keys(engine)
        else:
            migrations.check_not_newer(engine, path)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as e:
        remembered = isinstance(integrity, RememberedCheck)
        if remembered or isinstance(e, DatabaseCorrupt):  # the next start reads and checks the whole file
            verified.distrust(path)
        try:
            if remembered and isinstance(e, SADatabaseError):  # damage the remembered answer did not see:
                check_integrity(engine, path)  # refused as the check refuses it (the restore offered)
        finally:
            engine.dispose()
        raise
    return Database(loc, engine, sessionmaker(engine, expire_on_commit=False), problems, checked_at)


def _open_server(loc: ServerLocation, *, migrate: bool) -> Database:
    """A database on a server: connect (each failure its own message), upgrade (no file backup: the server's
    own, pg_dump, is the administrator's), refuse one made by a newer version."""
    from app.db import migrate as migrations

    engine = server.make_server_engine(loc)
    try:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as e:
            raise (server.server_error(loc, e, connecting=True) or e) from None
        try:
            problems: tuple[str, ...] = ()
            if migrate:
                migrations.upgrade(engine, loc)
                problems = migrations.check_keys(engine)
            else:
                migrations.check_not_newer(engine, loc)
        except DBAPIError as e:
            if (failure := server.server_error(loc, e, connecting=True)) is None:
                raise
            raise failure from e
    except Exception:
        engine.dispose()
        raise
    log.info("opened %s", loc.safe_url)
    return Database(loc, engine, sessionmaker(engine, expire_on_commit=False), problems)
