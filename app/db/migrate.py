"""Alembic, run from code: upgrade on open (a file after a backup, app/backup.py; a server's backup is its
administrator's pg_dump), refuse databases newer than the app. Alembic (a tenth of a second to import) is
loaded only when there is something for it to do: a database file already at the head revision opens without
it (head_revision reads the migrations' own `revision =` lines, checked against alembic's answer by
tests/core/test_migrate_head.py)."""

from __future__ import annotations

import logging
import re
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, inspect

from app.db.location import FileLocation, Location, ServerLocation
from app.errors import DatabaseTooNew

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)


def __getattr__(name: str) -> Any:
    """`migrate.command`: alembic's commands, imported when first asked for."""
    if name == "command":
        from alembic import command

        return command
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("app.db") / "migrations"))
    return cfg


# `revision = "0018"` / `down_revision = "0017"` (or None), as alembic's template writes them; any other form
# (a tuple of a merge, a computed value) does not match, and alembic answers instead
_REVISION_LINE = re.compile(
    r"""^(revision|down_revision)(?:[ \t]*:[^=\n]*)?[ \t]*=[ \t]*(?:None|(['"])([\w.-]+)\2)[ \t]*$""",
    re.MULTILINE,
)


def revisions_from_files(folder: Any = None) -> dict[str, str | None] | None:
    """Each migration's revision and the one it follows, read from the `revision =` / `down_revision =` lines of
    versions/*.py; None unless every file has both lines in the plain form and they make one straight line
    from the first migration to a single head (anything else is left to alembic)."""
    folder = files("app.db") / "migrations" / "versions" if folder is None else folder
    revisions: dict[str, str | None] = {}
    for f in folder.iterdir():
        if not f.name.endswith(".py") or f.name.startswith("__"):
            continue
        found = {m.group(1): m.group(3) for m in _REVISION_LINE.finditer(f.read_text(encoding="utf-8"))}
        if "revision" not in found or "down_revision" not in found or found["revision"] in revisions:
            return None
        revisions[found["revision"]] = found["down_revision"]
    follows = list(revisions.values())
    if (
        not revisions
        or follows.count(None) != 1
        or len(set(follows)) != len(follows)
        or any(down is not None and down not in revisions for down in follows)
    ):
        return None
    return revisions


def _head_from_files() -> str | None:
    revisions = revisions_from_files()
    if revisions is None:
        return None
    (head,) = set(revisions) - set(revisions.values())  # a straight line has exactly one end
    walked, at = 0, head
    while at is not None and walked <= len(revisions):
        at, walked = revisions[at], walked + 1
    return head if walked == len(revisions) else None  # from the head down to the first, every migration


def head_revision() -> str:
    if head := _head_from_files():
        return head
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def _stored_revision(engine: Engine) -> str | None:
    """A database file's revision as alembic stores it (one row of alembic_version), read without alembic;
    None if there is none or it cannot be read so (alembic then reads it)."""
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    except Exception:  # no such table: a new file
        return None
    return rows[0][0] if len(rows) == 1 else None


def current_revision(engine: Engine | Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    if isinstance(engine, Connection):
        return MigrationContext.configure(engine).get_current_revision()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:
        return False


def _location(where: Path | Location) -> Location:
    return where if isinstance(where, FileLocation | ServerLocation) else FileLocation(Path(where))


def check_not_newer(engine: Engine | Connection, where: Path | Location) -> str | None:
    current = current_revision(engine)
    if current is None:
        return None
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    try:
        script.get_revision(current)
    except Exception:
        from app import __version__

        loc = _location(where)
        made = "升级过" if loc.is_server else "创建"
        raise DatabaseTooNew(
            f"数据库“{loc.short}”由更新版本的产教融合工作台{made}（结构版本 {current}），"
            f"当前软件版本 {__version__} 无法安全打开。请先升级软件"
            + ("（使用这个数据库的每台电脑都需要升级）。" if loc.is_server else "。"),
            loc.display,
        ) from None
    return current


def upgrade(engine: Engine, where: Path | Location) -> None:
    loc = _location(where)
    if not loc.is_server and _stored_revision(engine) == head_revision():
        return  # the usual start: at head, so neither newer nor anything to run
    current = check_not_newer(engine, loc)
    head = head_revision()
    if current == head:
        return
    if loc.is_server:
        _upgrade_server(engine, loc)
        return
    has_tables = bool(inspect(engine).get_table_names())
    if has_tables:
        from app.backup import KIND_MIGRATION, auto_backup

        copy = auto_backup(loc.path, KIND_MIGRATION)
        log.info("backup before migration: %s", copy.name)
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _upgrade_server(engine: Engine, loc: ServerLocation) -> None:
    """One transaction (PostgreSQL's DDL is transactional: a failed migration leaves the database as it
    was), one PC at a time: a second one opening the database meanwhile waits, then finds it upgraded."""
    from alembic import command

    from app.db.roles import apply_grants
    from app.db.server import MIGRATION_LOCK

    cfg = alembic_config()
    with engine.begin() as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        current = check_not_newer(conn, loc)
        if current == head_revision():
            return
        if current is not None:
            log.info(
                "upgrading %s from %s: no file backup is made of a server database "
                "(the administrator's pg_dump is its backup)",
                loc.safe_url,
                current,
            )
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        apply_grants(conn)  # the college's roles (if set up) over the tables and columns as they are now


def check_keys(engine: Engine) -> tuple[str, ...]:
    """After the upgrade: create the unique indexes migration 0008 had to leave out once their duplicates are
    resolved, and return a message for each duplicate still there (app/db/unique_keys.py)."""
    from app.db.unique_keys import check_unique_keys, missing_keys

    with engine.connect() as conn:
        if not missing_keys(conn):  # the usual case: a read of the schema, nothing more
            return ()
    with engine.begin() as conn:
        return tuple(d.message for d in check_unique_keys(conn))
