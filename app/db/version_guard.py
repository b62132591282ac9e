"""No lost update, held by the server (issue 19): on a PostgreSQL database every UPDATE of a record moves its
`version` forward, whatever the client sends.

The app's check that a record is unchanged since a form opened it compares versions (app/services/versions.py;
SQLAlchemy's version counter, app/db/base.py RecordMixin: `UPDATE … SET version = old + 1 WHERE id = … AND
version = old`). A 录入 user with psql could write `UPDATE enterprise SET version = 1, … WHERE …` and keep the
version (or move it back) while changing the record: a form that opened it before would then save over that
change. A BEFORE UPDATE trigger on every record table (`version_forward`, running the one function
`chanjiao_version_forward()`) makes each UPDATE of a row give it a version above the one it had: a client that
sends a version not above the row's (the same, an older one, NULL, or none at all) gets the row's + 1.

A version sent above the row's is kept as sent: that is what the app always sends (old + 1, which the trigger
thus never changes, so SQLAlchemy's idea of the version and its rowcount check stay right), and 撤销 of a
purge needs it (app/services/undo.py inserts the row again, which SQLAlchemy starts at 1, then sets the version
from before + 1: a form that saw the record before must not take it for unchanged). A version only grows, so
no UPDATE can bring a row back to a version a form opened. (An INSERT is not held: a 录入 user who deletes a
record and inserts it again with the same id and its old version is not told apart from the record as it was.)

The function only touches NEW and runs as the user who updates (SECURITY INVOKER): 录入 needs no right on it
(a trigger's function is not checked at fire time), and cannot get round it: dropping or disabling a trigger
takes the table's owner (管理员), and `session_replication_role` (which skips triggers) a superuser.

A database file needs none of this (one user at a time, through the app): everything here does nothing there.
No Qt here."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

FUNCTION = "chanjiao_version_forward"
TRIGGER = "version_forward"
_ROW_BEFORE_UPDATE = 1 | 2 | 16  # pg_trigger.tgtype: FOR EACH ROW, BEFORE, UPDATE

_FUNCTION_BODY = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER AS $body$
BEGIN
    IF NEW.version IS NULL OR NEW.version <= OLD.version THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END
$body$
"""


def _on_server(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def install(conn: Connection, tables: Iterable[str]) -> None:
    """The function (made when missing) and the trigger on each of `tables` (a record table: it has `version`),
    in `conn`'s transaction; run again, the same. The function goes to the college's 管理员 group when the
    database has one and the user running this may hand it over (app/db/roles.py), as the tables do: it is
    then no user's own, and removing that user is not held up by it. Nothing on a database file."""
    if not _on_server(conn):
        return
    if not _function_there(conn):  # not replaced: it may be a 管理员's who is not the one running this
        conn.exec_driver_sql(_FUNCTION_BODY)
    for table in tables:
        t = _quote(conn, table)
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {t}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )
    hand_to_admin(conn)


def _function_there(conn: Connection) -> bool:
    return bool(
        conn.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = current_schema() AND p.proname = :f)"
            ),
            {"f": FUNCTION},
        ).scalar()
    )


def remove(conn: Connection, tables: Iterable[str]) -> None:
    """The triggers on `tables` (a later migration's downgrade, before it drops its table). Nothing on a
    database file."""
    if not _on_server(conn):
        return
    for table in tables:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {_quote(conn, table)}")


def drop_function(conn: Connection) -> None:
    """The function itself (0015's downgrade, after `remove`): refused while a trigger still uses it."""
    if _on_server(conn):
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def hand_to_admin(conn: Connection) -> None:
    """The function becomes the college's 管理员 group's, when the database has that group and the user running
    this may (a member of it, or a superuser); else it stays whose it is. Never fails the caller's transaction
    (a savepoint): whose the function is changes nothing of what it does."""
    from app.db.roles import database_name, group_roles

    if not _on_server(conn):
        return
    admin = group_roles(database_name(conn)).admin
    may = conn.execute(
        text(
            "SELECT pg_has_role(current_user, r.oid, 'MEMBER') AND p.proowner <> r.oid "
            "AND has_schema_privilege(r.oid, p.pronamespace, 'CREATE') "
            "FROM pg_roles r, pg_proc p "
            "WHERE r.rolname = :admin AND p.proname = :f AND p.pronamespace = "
            "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
        ),
        {"admin": admin, "f": FUNCTION},
    ).scalar()
    if not may:
        return
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(f"ALTER FUNCTION {FUNCTION}() OWNER TO {_quote(conn, admin)}")
    except DBAPIError:  # not expected after the checks above; the function then stays whose it is
        pass


def versioned_tables(conn: Connection) -> set[str]:
    """The tables of the app's schema that have a `version` column: the record tables."""
    return set(
        conn.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_attribute a ON a.attrelid = c.oid "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
                "AND a.attname = 'version' AND a.attnum > 0 AND NOT a.attisdropped"
            )
        ).scalars()
    )


def guarded_tables(conn: Connection) -> set[str]:
    """The tables of the app's schema whose UPDATEs go through the function (an enabled BEFORE UPDATE row
    trigger calling it)."""
    return set(
        conn.execute(
            text(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE n.nspname = current_schema() AND p.proname = :f AND t.tgenabled <> 'D' "
                "AND NOT t.tgisinternal AND (t.tgtype::int & :kind) = :kind"
            ),
            {"f": FUNCTION, "kind": _ROW_BEFORE_UPDATE},
        ).scalars()
    )
