"""Where the app keeps its files. The one module that knows about appdirs.

Order: an environment override first (CHANJIAO_HOME for everything, CHANJIAO_DB for the database),
then portable mode, then appdirs' per-user default (on Windows: %LOCALAPPDATA%\\chanjiao).

Portable mode (a USB stick carried to enterprise visits): when a file `portable.txt` stands next to the
executable of the installed (frozen) app, the database, its backups and attachments, the logs and the window
settings all live in `data/` beside it. A run from source is never portable (sys.executable is then Python's).

The app's temporary files (a restore's copy of the backup, a backup's copy of the database, a package's
sheets) live in `临时/` under the data folder, never in the system's %TEMP%: they hold personal data, and
app/tempfiles.py sweeps what a killed run left there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import appdirs

from app import APP_NAME

PORTABLE_MARKER = "portable.txt"
TEMP_FOLDER = "临时"


def portable_dir() -> Path | None:
    """`data/` beside the frozen executable when portable.txt stands there; None otherwise."""
    if not getattr(sys, "frozen", False):
        return None
    exe_dir = Path(sys.executable).resolve().parent
    return exe_dir / "data" if (exe_dir / PORTABLE_MARKER).is_file() else None


def home_dir() -> Path:
    override = os.environ.get("CHANJIAO_HOME")
    if override:
        return Path(override)
    portable = portable_dir()
    if portable is not None:
        return portable
    return Path(appdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    override = os.environ.get("CHANJIAO_HOME")
    if override:
        return Path(override) / "logs"
    portable = portable_dir()
    if portable is not None:
        return portable / "logs"
    return Path(appdirs.user_log_dir(APP_NAME, appauthor=False))


def temp_dir() -> Path:
    """The app's own temporary folder (`<data folder>/临时`; app/tempfiles.py owns what is inside)."""
    return home_dir() / TEMP_FOLDER


def default_db_path() -> Path:
    """The database file on this PC: CHANJIAO_DB when it names a file (a server's address there is not one),
    else chanjiao.db in the data folder."""
    from app.db.location import is_server_address

    override = os.environ.get("CHANJIAO_DB")
    if override and not is_server_address(override):
        return Path(override)
    return home_dir() / "chanjiao.db"


def resolve_db_path(arg: str | os.PathLike[str] | None) -> Path:
    """The database file the user asked for: --db first, then CHANJIAO_DB, then the one 设置 chose, then the
    default. For what needs a file (backups, restore); a server address is refused with a message saying so
    (app/db/location.py resolve_location takes either)."""
    from app.db.location import FileLocation, resolve_location

    loc = resolve_location(arg)
    if isinstance(loc, FileLocation):
        return loc.path
    from app.db.engine import SERVER_BACKUP
    from app.errors import NotOnServer

    raise NotOnServer(f"{loc.display}不是本机数据库文件，这个功能只用于本机数据库文件。{SERVER_BACKUP}")
