"""Where the database is: a file on this PC, or a database on a PostgreSQL server. Parsed in this one place
from what the user gave (--db, CHANJIAO_DB, later 设置 → 数据库); each kind has a Chinese display name that
never holds a password.

The server's password is not part of the location the user sees or the app stores: it is the URL's own, if a
script gave one (kept in memory only), else PGPASSWORD, else the OS key store (keyring: Windows 凭据管理器,
macOS 钥匙串) under KEYRING_SERVICE, where 设置 saves it."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy.engine import URL

from app.errors import DatabaseError

log = logging.getLogger(__name__)

DEFAULT_PORT = 5432
KEYRING_SERVICE = (
    "chanjiao-database"  # the key store's entry for a server password; account: see keyring_account
)
SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


class BadLocation(DatabaseError):
    """A database address that cannot be read (a server URL without a database name, a bad port)."""


@dataclass(frozen=True)
class FileLocation:
    """A SQLite database file on this PC (the default)."""

    path: Path
    is_server = False

    @property
    def display(self) -> str:
        return str(self.path)

    @property
    def short(self) -> str:
        """The name in a sentence: “chanjiao.db”."""
        return self.path.name


@dataclass(frozen=True)
class ServerLocation:
    """A database on a PostgreSQL server. `password` is the URL's own (a script's); it is never shown, logged,
    compared or stored."""

    host: str
    port: int
    database: str
    user: str
    password: str | None = field(default=None, repr=False, compare=False)
    is_server = True

    @property
    def display(self) -> str:
        return f"服务器 {self.host}:{self.port} 上的数据库“{self.database}”（用户 {self.user}）"

    @property
    def short(self) -> str:
        return f"{self.database}（{self.host}）"

    @property
    def safe_url(self) -> str:
        """postgresql://user@host:port/db — what a log or a settings file may hold."""
        return f"postgresql://{self.user}@{_host_in_url(self.host)}:{self.port}/{self.database}"

    def url(self, password: str | None) -> URL:
        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=password,
            host=self.host,
            port=self.port,
            database=self.database,
        )


Location = FileLocation | ServerLocation


def _host_in_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def is_server_address(text: str | os.PathLike[str]) -> bool:
    return isinstance(text, str) and text.split("://", 1)[0].lower() in SCHEMES and "://" in text


def parse_location(text: str | os.PathLike[str]) -> Location:
    """A file path, or postgresql://user[:password]@host[:port]/dbname."""
    if not is_server_address(text):
        return FileLocation(Path(text).expanduser().resolve())
    parts = urlsplit(str(text))
    # never echo `text`: it may hold the password
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise BadLocation("服务器地址中的端口不对：端口应是 1–65535 之间的数字，如 5432。") from None
    database = unquote(parts.path.lstrip("/"))
    if not parts.hostname:
        raise BadLocation("服务器地址缺少主机名，应写成 postgresql://用户名@服务器:5432/数据库名。")
    if not database or "/" in database:
        raise BadLocation("服务器地址缺少数据库名，应写成 postgresql://用户名@服务器:5432/数据库名。")
    user = unquote(parts.username or "") or os.environ.get("PGUSER", "")
    if not user:
        raise BadLocation("服务器地址缺少用户名，应写成 postgresql://用户名@服务器:5432/数据库名。")
    password = unquote(parts.password) if parts.password is not None else None
    return ServerLocation(parts.hostname, port, database, user, password)


def resolve_location(arg: str | os.PathLike[str] | None) -> Location:
    """The database the user asked for: --db first, then CHANJIAO_DB, then the one chosen in 设置 → 数据库
    (remembered), then the default file."""
    from app.paths import default_db_path

    return parse_location(arg or os.environ.get("CHANJIAO_DB") or remembered_location() or default_db_path())


# ------------------------------------------------------------------ the database chosen in 设置 → 数据库

REMEMBERED = "database-location.txt"  # in the data folder (app/paths.py home_dir): one line, no password


def _remembered_file() -> Path:
    from app.paths import home_dir

    return home_dir() / REMEMBERED


def remembered_location() -> str:
    """The database 设置 → 数据库 chose for the next starts (a file path or a server address without its
    password); "" for the default file."""
    try:
        return _remembered_file().read_text(encoding="utf-8").strip()
    except OSError:  # none chosen (or unreadable: the default file then, as before the choice)
        return ""


def remember_location(loc: Location | None) -> None:
    """Open `loc` at the next starts (None: the default file again). A server is kept as its address
    without the password (that goes to the key store: save_password)."""
    from app.fsutil import atomic_path

    target = _remembered_file()
    if loc is None:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    text = loc.safe_url if isinstance(loc, ServerLocation) else str(loc.path)
    with atomic_path(target) as tmp:
        tmp.write_text(text + "\n", encoding="utf-8")


# ------------------------------------------------------------------ the server's password


def keyring_account(loc: ServerLocation) -> str:
    """The key store entry's account: one password per user on one server (all its databases share it)."""
    return f"{loc.user}@{_host_in_url(loc.host)}:{loc.port}"


def password_for(loc: ServerLocation) -> str | None:
    """The URL's password, else PGPASSWORD, else the key store's; None: libpq's own (~/.pgpass) or none."""
    if loc.password is not None:
        return loc.password
    if env := os.environ.get("PGPASSWORD"):
        return env
    return _stored_password(loc)


def _stored_password(loc: ServerLocation) -> str | None:
    if os.environ.get("CHANJIAO_KEY_STORE") == "file":  # tests: never the user's real key store
        return None
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, keyring_account(loc))
    except Exception:  # no key store on this machine (a Linux server without one): no stored password
        log.debug("no password from the key store", exc_info=True)
        return None


def save_password(loc: ServerLocation, password: str) -> None:
    """Keep the password in the OS key store (设置 → 数据库, a later step); never in a file."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, keyring_account(loc), password)
