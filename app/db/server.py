"""A database on a PostgreSQL server: its engine (psycopg 3), the write lock that serialises writers as
SQLite's BEGIN IMMEDIATE does, and its failures in plain Chinese. No password is ever in a message or a log:
the driver's texts hold host, port and user only, and statement parameters are hidden."""

from __future__ import annotations

import functools
import logging

from sqlalchemy import Connection, Engine, String, create_engine, event
from sqlalchemy.dialects.postgresql.base import PGCompiler
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.sql import operators
from sqlalchemy.sql.compiler import OPERATORS
from sqlalchemy.sql.elements import ColumnClause, Label, TextClause, UnaryExpression
from sqlalchemy.sql.selectable import CompoundSelect

from app.db.location import ServerLocation, password_for
from app.db.watch import send_notices
from app.errors import (
    ConnectionLost,
    DatabaseError,
    DatabaseLocked,
    DatabaseReadOnly,
    DiskFull,
    NoPermission,
    NoSuchDatabase,
    ServerUnreachable,
    WrongPassword,
)

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10
# Writers wait this long for each other (one import, one batch of 三方协议编号 …) before “正被占用”.
LOCK_TIMEOUT_MS = 15_000
# pg_advisory_xact_lock keys (one bigint each, held to the end of the transaction): one database, one writer
# at a time, as on SQLite; and one migration at a time when several PCs open a database to upgrade it.
WRITE_LOCK = 0x636A_0001
MIGRATION_LOCK = 0x636A_0002

NOT_SAVED = "刚才的操作没有保存（已撤销），已保存的数据不受影响。"


class SQLiteLikeCompiler(PGCompiler):
    """PostgreSQL's SQL, read as SQLite reads the same query, so the services stay one code path:
    - LIKE ignores the case of ASCII letters (a search for “abc” finds “ABC”): rendered as ILIKE;
    - ORDER BY puts NULL first ascending, last descending (PostgreSQL: the other way round), for nullable
      columns (a NOT NULL column keeps its plain ORDER BY, and its index);
    - text is ordered by code point (SQLite's BINARY) whatever the database's collation (a zh_CN database
      would order by its locale): COLLATE "C", left out when the database's own collation is C already (so
      an index on the column still serves the ORDER BY). Pinyin order has its own columns (pinyin_full …)."""

    def visit_like_op_binary(self, binary, operator, **kw):
        return self.visit_ilike_op_binary(binary, operator, **kw)

    def visit_not_like_op_binary(self, binary, operator, **kw):
        return self.visit_not_ilike_op_binary(binary, operator, **kw)

    def order_by_clause(self, select, **kw):
        # SELECT DISTINCT and UNION order by what they select: no COLLATE (an expression) there
        plain = bool(getattr(select, "_distinct", False)) or isinstance(select, CompoundSelect)
        collate = not plain and not getattr(self.dialect, "chanjiao_code_point_order", False)
        clauses = [_as_in_sqlite(c, collate=collate) for c in select._order_by_clauses]
        order_by = self._generate_delimited_list(clauses, OPERATORS[operators.comma_op], **kw)
        return " ORDER BY " + order_by if order_by else ""


def _as_in_sqlite(clause, *, collate: bool):
    element, modifier = clause, None
    if isinstance(clause, UnaryExpression):
        if clause.modifier in (operators.nulls_first_op, operators.nulls_last_op):
            return clause  # the query says where NULL goes
        if clause.modifier not in (operators.asc_op, operators.desc_op):
            return clause
        element, modifier = clause.element, clause.modifier
    column = element  # a label (ORDER BY its name) is left alone: PostgreSQL takes no COLLATE on one
    if not isinstance(column, ColumnClause) or isinstance(column, Label | TextClause):
        return clause
    if collate and isinstance(column.type, String) and not getattr(column.type, "collation", None):
        element = element.collate("C")
    ordered = element.desc() if modifier is operators.desc_op else element.asc()
    if getattr(column, "nullable", False) and not getattr(column, "primary_key", False):
        ordered = ordered.nulls_last() if modifier is operators.desc_op else ordered.nulls_first()
    return ordered


def _sqlite_number(text: str) -> int | float:
    """numeric as SQLite gives it: an int when whole (SUM over bigint money is numeric on PostgreSQL), else a
    float (AVG). The app stores no decimal fractions: money is integer 分."""
    try:
        return int(text)
    except ValueError:
        return float(text)


@functools.cache
def _number_loader() -> type:
    from psycopg.adapt import Loader  # here, not at import: a file database never loads the driver

    class SQLiteNumberLoader(Loader):
        def load(self, data) -> int | float:
            return _sqlite_number(bytes(data).decode("ascii"))

    return SQLiteNumberLoader


def _on_connect(dbapi_conn, _record) -> None:
    dbapi_conn.adapters.register_loader("numeric", _number_loader())


C_LOCALES = ("C", "POSIX", "C.UTF-8", "C.utf8")


def _code_point_order(dbapi_conn) -> bool:
    """Whether the database's default collation orders text by code point (libc C): no COLLATE needed.
    (datlocprovider is PostgreSQL 15's; 'i' is ICU, whatever datcollate says.)"""
    with dbapi_conn.cursor() as cur:
        cur.execute(
            "SELECT to_jsonb(d) ->> 'datlocprovider', datcollate FROM pg_database d "
            "WHERE datname = current_database()"
        )
        provider, collate = cur.fetchone()
    dbapi_conn.rollback()
    return provider in (None, "c") and collate in C_LOCALES


def make_server_engine(loc: ServerLocation) -> Engine:
    from app.db.engine import json_dumps

    engine = create_engine(
        loc.url(password_for(loc)),
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": "chanjiao",
            # timestamps are stored as naive UTC (app/db/base.py): the session must not shift them
            "options": "-c timezone=UTC",
        },
        pool_pre_ping=True,  # a connection the server or the network dropped while idle is replaced, not used
        hide_parameters=True,  # 身份证号, phones … never reach an exception text or the log
        json_serializer=json_dumps,
    )
    engine.dialect.statement_compiler = SQLiteLikeCompiler
    event.listen(engine, "connect", _on_connect)
    send_notices(engine)  # each write transaction tells the others' windows (app/db/watch.py)

    @event.listens_for(engine, "first_connect")
    def _collation(dbapi_conn, _record) -> None:
        engine.dialect.chanjiao_code_point_order = _code_point_order(dbapi_conn)

    return engine


def take_write_lock(conn: Connection) -> None:
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def holds_write_lock(conn: Connection) -> bool:
    return bool(
        conn.exec_driver_sql(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
            f"AND granted AND classid = 0 AND objid = {WRITE_LOCK} AND objsubid = 1)"
        ).scalar()
    )


# ------------------------------------------------------------------ failures

_UNREACHABLE = (
    "connection refused",
    "could not translate host name",
    "failed to resolve host",
    "name or service not known",
    "timeout expired",
    "no route to host",
    "network is unreachable",
    "could not connect",
    "connection timed out",
    "is the server running",
)
_WRONG_PASSWORD = ("password authentication failed", "no password supplied", "认证失败")
_NO_DATABASE = ('database "', "数据库 ")
_NO_ACCESS = ("no pg_hba.conf entry", "pg_hba.conf", "permission denied", "权限不够", "拒绝")
_LOST = (
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "consuming input failed",
    "connection not open",
    "ssl connection has been closed",
    "connection reset",
    "broken pipe",
    "the connection is lost",
    "connection is lost",
)


def server_error(loc: ServerLocation, e: DBAPIError, *, connecting: bool = False) -> DatabaseError | None:
    """The Chinese message for a failure of the server or the connection; None for anything else (an
    integrity error, the code's own mistake), which the caller re-raises."""
    orig = e.orig
    state = getattr(orig, "sqlstate", None) or ""
    msg = str(orig) if orig is not None else str(e)
    first = msg.strip().splitlines()[0] if msg.strip() else msg
    low = msg.lower()
    after = "" if connecting else NOT_SAVED
    where = f"服务器 {loc.host}:{loc.port}"
    if state == "28P01" or (not state and _any(low, _WRONG_PASSWORD)):
        return WrongPassword(_wrong_password(loc), first)
    if state == "3D000" or (
        not state and _any(low, _NO_DATABASE) and ("does not exist" in low or "不存在" in low)
    ):
        return NoSuchDatabase(
            f"{where} 上没有名为“{loc.database}”的数据库。请检查数据库名（区分大小写），或请服务器管理员先创建它。",
            first,
        )
    if state in ("42501", "28000") or (not state and _any(low, _NO_ACCESS)):
        if "pg_hba" in low:
            text = f"{where} 不允许用户“{loc.user}”从这台电脑连接数据库“{loc.database}”。请服务器管理员在 pg_hba.conf 中允许后重试。"
        elif connecting:
            text = f"用户“{loc.user}”没有使用{where} 上数据库“{loc.database}”的权限。请服务器管理员授予权限后重试。"
        elif "for table student" in low:  # the students' personal columns are granted apart (app/db/roles.py)
            text = (
                f"用户“{loc.user}”没有读取学生身份证号、电话和家庭住址的权限（需要“学生个人信息”权限）。"
                f"{NOT_SAVED}请本学院的“管理员”授予，或由有此权限的同事办理。"
            )
        else:
            text = f"用户“{loc.user}”没有执行这个操作的权限（{where}，数据库“{loc.database}”）。{NOT_SAVED}请服务器管理员授予权限。"
        return NoPermission(text, first)
    if state == "55P03" or state == "40P01":  # lock_timeout; a deadlock (another user's transaction)
        return DatabaseLocked(
            f"数据库“{loc.database}”正被其他用户写入（例如一个大的导入），等待超时。{after}请稍后重试。",
            first,
        )
    if state == "53100":
        return DiskFull(f"{where} 的磁盘空间已满，无法写入。{after}请联系服务器管理员。", first)
    if state == "25006":  # a read-only standby
        return DatabaseReadOnly(f"{where} 当前只允许读取，无法保存修改。{after}请联系服务器管理员。", first)
    if (
        state.startswith("57P")
        or state.startswith("08")
        or _any(low, _LOST)
        or getattr(e, "connection_invalidated", False)
    ):
        if connecting or "connection failed" in low:
            return ServerUnreachable(_unreachable(loc, after), first)
        return ConnectionLost(
            f"与{where} 的连接断开了（网络中断，或服务器重启）。{NOT_SAVED}请检查网络后重试；"
            "连接恢复后软件会自动重新连接。",
            first,
        )
    if connecting or _any(low, _UNREACHABLE) or "connection failed" in low:
        if _any(low, _UNREACHABLE) or "connection failed" in low:
            return ServerUnreachable(_unreachable(loc, after), first)
        return DatabaseError(f"无法连接{where} 上的数据库“{loc.database}”：{first}", first)
    if isinstance(e, OperationalError):
        return DatabaseError(f"数据库服务器出错：{first}。{NOT_SAVED}", first)
    return None


def _any(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def _wrong_password(loc: ServerLocation) -> str:
    return (
        f"服务器 {loc.host}:{loc.port} 拒绝了用户“{loc.user}”的登录：用户名或密码不对。"
        "请检查用户名和密码（区分大小写）后重试。"
    )


def _unreachable(loc: ServerLocation, after: str) -> str:
    return (
        f"无法连接到数据库服务器 {loc.host}:{loc.port}。{after}请检查服务器地址和端口、网络是否连通、"
        "服务器是否已启动（防火墙是否放行该端口）。"
    )
