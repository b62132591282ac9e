"""Alembic, run from code: upgrade on open (after a backup, app/backup.py), refuse databases newer than the app."""

from __future__ import annotations

import logging
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from app.errors import DatabaseTooNew

log = logging.getLogger(__name__)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("app.db") / "migrations"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:
        return False


def check_not_newer(engine: Engine, path: Path) -> str | None:
    current = current_revision(engine)
    if current is None:
        return None
    script = ScriptDirectory.from_config(alembic_config())
    try:
        script.get_revision(current)
    except Exception:
        from app import __version__

        raise DatabaseTooNew(
            f"数据库“{path.name}”由更新版本的产教融合工作台创建（结构版本 {current}），"
            f"当前软件版本 {__version__} 无法安全打开。请先升级软件。"
        ) from None
    return current


def upgrade(engine: Engine, path: Path) -> None:
    current = check_not_newer(engine, path)
    head = head_revision()
    if current == head:
        return
    has_tables = bool(inspect(engine).get_table_names())
    if has_tables:
        from app.backup import KIND_MIGRATION, auto_backup

        copy = auto_backup(path, KIND_MIGRATION)
        log.info("backup before migration: %s", copy.name)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def check_keys(engine: Engine) -> tuple[str, ...]:
    """After the upgrade: create the unique indexes migration 0008 had to leave out once their duplicates are
    resolved, and return a message for each duplicate still there (app/db/unique_keys.py)."""
    from app.db.unique_keys import check_unique_keys, missing_keys

    with engine.connect() as conn:
        if not missing_keys(conn):  # the usual case: a read of the schema, nothing more
            return ()
    with engine.begin() as conn:
        return tuple(d.message for d in check_unique_keys(conn))
