"""Alembic, run from code: upgrade on open (a file after a backup, app/backup.py; a server's backup is its
administrator's pg_dump), refuse databases newer than the app."""

from __future__ import annotations

import logging
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from app.db.location import FileLocation, Location, ServerLocation
from app.errors import DatabaseTooNew

log = logging.getLogger(__name__)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("app.db") / "migrations"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine | Connection) -> str | None:
    if isinstance(engine, Connection):
        return MigrationContext.configure(engine).get_current_revision()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revision(revision: str) -> bool:
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
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _upgrade_server(engine: Engine, loc: ServerLocation) -> None:
    """One transaction (PostgreSQL's DDL is transactional: a failed migration leaves the database as it
    was), one PC at a time: a second one opening the database meanwhile waits, then finds it upgraded."""
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
