"""The users of a college's server database (app/db/roles.py has the design): creating the database, refusing
one that already holds records, and adding, listing and removing the login roles of the college's 管理员, 录入
and 只读 users. A password never travels as text: the server gets the SCRAM verifier libpq computes on this
PC (PQencryptPasswordConn), so neither the server's statement log nor an error message can hold it.

Run by the commands of `chanjiao server` (app/commands/server.py) and by 设置 → 用户与权限
(ui/operations/server_users.py); a refusal's next step is said in the words of each (NextSteps)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from app.db import roles as r
from app.db.location import ServerLocation
from app.errors import AppError, NoPermission, NoSuchDatabase, NotFound, ValidationError

MIN_PASSWORD = 8
_NAME = re.compile(r"^[\w.\-]+$")
# Rows the migrations themselves put in a new database: not a college's records.
SEEDED = {"alembic_version", "budget_category"}
_CREATE = "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"


# ------------------------------------------------------------------ the database itself


def _engine(loc: ServerLocation):
    from app.db.server import make_server_engine

    return make_server_engine(loc)


def create_database(loc: ServerLocation) -> bool:
    """Create `loc`'s database when the server has none of that name (True), in UTF-8, ordering text by code
    point (C), as the app reads it. The connecting user must be allowed to (CREATEDB)."""
    if _connected(loc, lambda conn: None) is None:
        return False  # there already
    last: NoSuchDatabase | None = None
    for maintenance in ("postgres", "template1"):
        last = _connected(replace(loc, database=maintenance), lambda conn: _create(conn, loc))
        if last is None:
            return True
    raise last or NoSuchDatabase(f"服务器 {loc.host}:{loc.port} 上没有数据库“{loc.database}”。")


def _connected(loc: ServerLocation, work: Callable[[Connection], None]) -> NoSuchDatabase | None:
    """`work` on a connection in autocommit to `loc`'s database: None when done, the server's NoSuchDatabase when
    that database is not there; any other failure raised, in Chinese."""
    from app.db.server import server_error

    engine = _engine(loc)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            work(conn)
            return None
    except DBAPIError as e:
        failure = server_error(loc, e, connecting=True)
        if not isinstance(failure, NoSuchDatabase):
            raise (failure or e) from None
        return failure
    finally:
        engine.dispose()


def _create(conn: Connection, loc: ServerLocation) -> None:
    import psycopg

    _check_createrole(conn, loc)  # before the database is made: a refusal leaves nothing behind
    try:
        r.run(conn, r.statement(_CREATE, loc.database))
    except NoPermission:
        raise NoPermission(
            f"用户“{loc.user}”不能在服务器 {loc.host}:{loc.port} 上创建数据库（需要 CREATEDB 权限）。"
            f"请服务器管理员先创建数据库“{loc.database}”并让“{loc.user}”成为它的所有者"
            f"（CREATE DATABASE … OWNER …），或授予 CREATEDB 权限，然后重试。"
        ) from None
    except psycopg.errors.DuplicateDatabase:
        pass  # made meanwhile by someone else: used as it is
    except psycopg.Error:  # a server whose template0 takes no C locale: its defaults
        r.run(conn, r.statement("CREATE DATABASE {}", loc.database))


def _check_createrole(conn: Connection, loc: ServerLocation) -> None:
    superuser, createrole = conn.execute(
        text("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).one()
    if not (superuser or createrole):
        raise NoPermission(
            f"用户“{loc.user}”不能在服务器上创建角色（需要 CREATEROLE 权限），无法设置本学院的管理员、录入和只读角色。"
            f"请服务器管理员执行 ALTER ROLE … CREATEROLE 授予后重试（新建数据库还需要 CREATEDB）。"
        )


def check_can_set_up(conn: Connection, loc: ServerLocation) -> None:
    """The connecting user may create roles and owns the database; else which right is missing, in Chinese."""
    _check_createrole(conn, loc)
    superuser, owner = conn.execute(
        text(
            "SELECT r.rolsuper, pg_has_role(current_user, d.datdba, 'USAGE') "
            "FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()"
        )
    ).one()
    if not (superuser or owner):
        raise NoPermission(
            f"数据库“{loc.database}”的所有者不是用户“{loc.user}”，无法设置谁能连接它。"
            f"请服务器管理员执行 ALTER DATABASE … OWNER TO … 后重试。"
        )


def tables_with_records(conn: Connection) -> list[str]:
    """The app's tables holding a row the migrations did not put there (a college's records, settings)."""
    from app.db.base import Base

    there = set(r._tables(conn))
    out = []
    for table in sorted((set(Base.metadata.tables) & there) - SEEDED):
        # the database's own id (migration 0017) is the migrations' too
        mine = " WHERE key <> 'database_id'" if table == "setting" else ""
        if conn.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{table}"{mine})')).scalar():
            out.append(table)
    return out


# ------------------------------------------------------------------ users


@dataclass(frozen=True)
class NextSteps:
    """What a refusal tells its reader to do instead. The command line names its commands; 设置's dialog passes
    its own words (ui/operations/server_users.py), as a window names no command."""

    set_up: str  # the database's roles are not set up
    list_users: str  # the user named is not (or no longer) one of the college's
    change_role: str  # the user to add is one already


COMMAND_LINE = NextSteps(
    set_up="新数据库请用 chanjiao server init 设置。",
    list_users="用 chanjiao server user list 查看全部用户。",
    change_role="要换角色，请先 chanjiao server user remove 再添加。",
)


@dataclass(frozen=True)
class ServerUser:
    name: str
    role: str  # 管理员 / 录入 / 只读
    personal_data: bool


def check_name(name: str) -> str:
    name = name.strip()
    if not name or not _NAME.match(name) or len(name.encode()) > r.MAX_NAME_BYTES:
        raise ValidationError(
            "name",
            f"用户名“{name}”不能用：只用字母、数字、汉字、下划线、点或连字符，最长 {r.MAX_NAME_BYTES} 字节（约 21 个汉字）。",
        )
    if name.lower().startswith("pg_"):
        raise ValidationError("name", f"用户名“{name}”不能用：以 pg_ 开头的名称由 PostgreSQL 保留。")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationError("password", f"密码太短：至少 {MIN_PASSWORD} 个字符。")
    if "\n" in password or "\r" in password or "\0" in password:
        raise ValidationError("password", "密码不能含换行符。")
    return password


def _roles(conn: Connection, steps: NextSteps) -> r.GroupRoles:
    roles = r.group_roles(r.database_name(conn))
    if r.existing_groups(conn, roles) != set(roles.all):
        raise AppError(
            f"数据库“{r.database_name(conn)}”还没有设置本学院的角色（管理员、录入、只读），不能管理用户。"
            + steps.set_up
        )
    return roles


def _require_admin(conn: Connection, steps: NextSteps) -> r.GroupRoles:
    roles = _roles(conn, steps)
    mine = r.privileges(conn)
    if (why := mine.refusal(r.ADMIN)) is not None:
        raise NoPermission(why)
    return roles


def list_users(conn: Connection, *, steps: NextSteps = COMMAND_LINE) -> list[ServerUser]:
    """The login roles holding one of the college's roles, by name; personal_data as the server decides it."""
    roles = _roles(conn, steps)
    rows = conn.execute(
        text(
            "SELECT u.rolname, g.rolname FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member "
            "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = ANY(:groups) AND u.rolcanlogin"
        ),
        {"groups": list(roles.all)},
    )
    groups: dict[str, set[str]] = {}
    for user, group in rows:
        groups.setdefault(user, set()).add(roles.role_of(group))
    out = []
    for user in sorted(groups):
        held = groups[user]
        role = next((x for x in r.ROLES if x in held), None)
        if role is None:  # 学生个人信息 alone: no role to use it with
            role = r.PERSONAL
        out.append(ServerUser(user, role, r.reads_personal(conn, user)))
    return out


def _user(conn: Connection, name: str, steps: NextSteps) -> ServerUser:
    found = next((u for u in list_users(conn, steps=steps) if u.name == name), None)
    if found is None:
        raise NotFound(f"本学院的数据库没有用户“{name}”。{steps.list_users}")
    return found


def _exists(conn: Connection, name: str) -> bool:
    return bool(
        conn.execute(text("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :n)"), {"n": name}).scalar()
    )


def add_user(
    conn: Connection,
    name: str,
    role: str,
    password: str,
    *,
    personal_data: bool = False,
    steps: NextSteps = COMMAND_LINE,
) -> ServerUser:
    """A new login role holding `role` (and 学生个人信息 when asked; a 管理员 reads everything anyway). The
    connected user must be the college's 管理员 (with CREATEROLE). A 管理员 gets CREATEROLE and the admin group
    WITH ADMIN OPTION, so that they can add users in turn."""
    from psycopg import sql

    name, password = check_name(name), check_password(password)
    if role not in r.ROLES:
        raise ValidationError("role", f"角色“{role}”应为：{'、'.join(r.ROLES)}")
    roles = _require_admin(conn, steps)
    if _exists(conn, name):
        if any(u.name == name for u in list_users(conn, steps=steps)):
            raise ValidationError("name", f"“{name}”已是本学院的用户。{steps.change_role}")
        raise ValidationError(
            "name", f"服务器上已有名为“{name}”的用户（可能是其他学院或其他程序的），请换一个用户名。"
        )
    raw = conn.connection.dbapi_connection
    # the SCRAM verifier, computed here: the password itself never reaches the server or its log
    verifier = sql.Literal(raw.pgconn.encrypt_password(password.encode(), name.encode()).decode())  # type: ignore[union-attr]
    refused = f"服务器拒绝创建用户“{name}”：添加用户需要“{r.ADMIN}”角色和 CREATEROLE 权限。"
    admin = role == r.ADMIN
    create = "CREATE ROLE {} LOGIN CREATEROLE PASSWORD {}" if admin else "CREATE ROLE {} LOGIN PASSWORD {}"
    r.run(conn, r.statement(create, name, verifier), refused)
    grant = "GRANT {} TO {} WITH ADMIN OPTION" if admin else "GRANT {} TO {}"
    r.run(conn, r.statement(grant, roles.of(role), name), refused)
    if personal_data and not admin:
        r.run(conn, r.statement("GRANT {} TO {}", roles.personal, name), refused)
    return ServerUser(name, role, personal_data or admin)


def set_personal_data(
    conn: Connection, name: str, allowed: bool, *, steps: NextSteps = COMMAND_LINE
) -> ServerUser:
    """Grant or revoke 学生个人信息. A 管理员 owns the tables and so reads every column: not revocable."""
    roles = _require_admin(conn, steps)
    user = _user(conn, name, steps)
    if user.role == r.ADMIN:
        if allowed:
            return user
        raise ValidationError(
            "name",
            f"“{name}”是“{r.ADMIN}”，总能查看学生个人信息（数据表归管理员所有）。"
            f"要收回，请把他改为“{r.EDITOR}”或“{r.READER}”（先删除再添加）。",
        )
    verb = "GRANT {} TO {}" if allowed else "REVOKE {} FROM {}"
    refused = f"授予或收回“{r.PERSONAL}”需要“{r.ADMIN}”角色。"
    r.run(conn, r.statement(verb, roles.personal, name), refused)
    return _user(conn, name, steps)


def remove_user(conn: Connection, name: str, *, steps: NextSteps = COMMAND_LINE) -> bool:
    """Take `name` out of the college's roles; its login role is dropped too when nothing else on the server
    uses it (another college's role, objects it owns): True if dropped. Refuses the last 管理员 and oneself."""
    import psycopg

    roles = _require_admin(conn, steps)
    users = list_users(conn, steps=steps)
    user = _user(conn, name, steps)
    if user.role == r.ADMIN and sum(u.role == r.ADMIN for u in users) <= 1:
        raise ValidationError(
            "name", f"“{name}”是本学院唯一的“{r.ADMIN}”，不能删除。请先添加另一位“{r.ADMIN}”。"
        )
    if name == conn.exec_driver_sql("SELECT current_user").scalar_one():
        raise ValidationError("name", f"不能删除自己（“{name}”）。请让本学院的另一位“{r.ADMIN}”来删除。")
    refused = f"删除用户需要“{r.ADMIN}”角色和 CREATEROLE 权限。"
    r.run(conn, r.statement("REVOKE {} FROM {}", r._names(*roles.all), name), refused)
    others = conn.execute(
        text(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :n"
        ),
        {"n": name},
    ).scalar()
    if others:
        return False  # still a user of another database: its login stays
    raw = conn.connection.dbapi_connection
    try:
        with raw.transaction(), raw.cursor() as cur:  # type: ignore[union-attr]  # a savepoint
            cur.execute(r.statement("DROP ROLE {}", name))
    except (psycopg.errors.DependentObjectsStillInUse, psycopg.errors.InsufficientPrivilege):
        return False  # it owns something elsewhere on the server: the login stays, without this college
    return True
