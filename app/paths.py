"""Where the app keeps its files. The one module that knows about appdirs.

Order: an environment override first (CHANJIAO_HOME for everything, CHANJIAO_DB for the database),
then appdirs' per-user default (on Windows: %LOCALAPPDATA%\\chanjiao).
"""

from __future__ import annotations

import os
from pathlib import Path

import appdirs

from app import APP_NAME


def home_dir() -> Path:
    override = os.environ.get("CHANJIAO_HOME")
    if override:
        return Path(override)
    return Path(appdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    override = os.environ.get("CHANJIAO_HOME")
    if override:
        return Path(override) / "logs"
    return Path(appdirs.user_log_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    override = os.environ.get("CHANJIAO_DB")
    if override:
        return Path(override)
    return home_dir() / "chanjiao.db"


def resolve_db_path(arg: str | os.PathLike[str] | None) -> Path:
    """The database the user asked for: --db first, then CHANJIAO_DB, then the default."""
    return Path(arg).expanduser().resolve() if arg else default_db_path().expanduser().resolve()
