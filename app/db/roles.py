"""The college's roles on its server database, enforced by PostgreSQL itself (issue 19): what a user may do is
decided by the server, so a user who connects with psql instead of the app is held to the same rules.

Four group roles per database (NOLOGIN; names from the database's, ≤ 63 bytes: `group_roles`):
- 管理员 `<db>_admin`: owns every table (so: everything, every column, and the migrations' ALTER TABLE); holds
  the other three WITH ADMIN OPTION, so its members can grant and revoke them. Each 管理员 user is itself granted
  `<db>_admin` WITH ADMIN OPTION (a role cannot hold ADMIN OPTION on itself, so a 管理员 can add 管理员 only
  this way) and has CREATEROLE (only a role with CREATEROLE can create a login role: PostgreSQL has no narrower
  right). On PostgreSQL 16 and later CREATEROLE reaches only roles the user holds ADMIN OPTION on; on 15 and
  earlier it reaches every role that is not a superuser on the server, other colleges' users included — on a
  school server shared by colleges, give 管理员 only to people the server's administrator trusts that far.
- 录入 `<db>_editor`: SELECT, INSERT, UPDATE, DELETE on the record tables; INSERT and SELECT only on the audit
  trail (audit_log: nobody but 管理员 rewrites it); SELECT on alembic_version; SELECT on the students' columns
  that are not personal data. It writes 身份证号 and phones (INSERT/UPDATE) but cannot read them back.
- 只读 `<db>_reader`: SELECT on every table, and on the students' columns that are not personal data.
- 学生个人信息 `<db>_personal`: SELECT on the personal columns of `student` (Student.__audit_masked__), granted
  beside 录入 or 只读.
The personal columns are kept out with column privileges: `student` gets no table-wide SELECT; SELECT is granted
column by column, so `SELECT id_number FROM student` and `SELECT * FROM student` are refused ("permission denied")
to a user without 学生个人信息. The column lists are read from the database each time (`apply_grants`), so a
column a later migration adds is covered: it runs after every migration of a server database that has these roles
(app/db/migrate.py) and when `chanjiao server init` sets a database up. CONNECT on the database is the groups'
only (not PUBLIC's): another college's users on the same server cannot even connect.

No Qt here; the user management (add, list, remove) is app/db/server_users.py."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from app.errors import NoPermission

if TYPE_CHECKING:
    from psycopg.sql import Composable

ADMIN, EDITOR, READER = "管理员", "录入", "只读"
PERSONAL = "学生个人信息"
ROLES = (ADMIN, EDITOR, READER)  # a user has one of these; PERSONAL is granted beside
_SUFFIX = {ADMIN: "admin", EDITOR: "editor", READER: "reader", PERSONAL: "personal"}
MAX_NAME_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1
STUDENT = "student"
AUDIT = "audit_log"
VERSIONS = "alembic_version"
# The table whose write shows the user may write (any record table would do).
WRITE_PROBE = "enterprise"


@dataclass(frozen=True)
class GroupRoles:
    """The names of one database's four group roles."""

    admin: str
    editor: str
    reader: str
    personal: str

    @property
    def all(self) -> tuple[str, str, str, str]:
        return (self.admin, self.editor, self.reader, self.personal)

    def of(self, role: str) -> str:
        """The group of 管理员 / 录入 / 只读 / 学生个人信息."""
        return dict(zip((ADMIN, EDITOR, READER, PERSONAL), self.all, strict=True))[role]

    def role_of(self, group: str) -> str:
        return dict(zip(self.all, (ADMIN, EDITOR, READER, PERSONAL), strict=True))[group]


def _cut(text: str, limit: int) -> str:
    """`text`'s longest start that is at most `limit` bytes of UTF-8 (never half a character)."""
    return text.encode()[:limit].decode(errors="ignore")


def group_roles(database: str) -> GroupRoles:
    """`<database>_admin` …; a database name too long for that is cut and given 6 hex digits of its hash, so
    that two long names sharing a start still get their own roles."""
    longest = max(len(s) for s in _SUFFIX.values()) + 1
    base = database
    if len(base.encode()) + longest > MAX_NAME_BYTES:
        digest = hashlib.sha256(database.encode()).hexdigest()[:6]
        base = _cut(database, MAX_NAME_BYTES - longest - len(digest) - 1) + "_" + digest
    return GroupRoles(*(f"{base}_{_SUFFIX[r]}" for r in (ADMIN, EDITOR, READER, PERSONAL)))


def personal_columns() -> frozenset[str]:
    """The students' personal data: the columns the audit trail masks (one list, app/db/models_internships.py)."""
    from app.db.models import Student

    return frozenset(Student.__audit_masked__)


# ------------------------------------------------------------------ what the user may do


@dataclass(frozen=True)
class Privileges:
    """What the connected user may do, as the server decides it (a database file: everything)."""

    role: str  # 管理员 / 录入 / 只读 (as shown to the user)
    can_write: bool
    can_manage_users: bool
    personal_data: bool  # may read students' 身份证号, phones, home address
    user: str = ""
    roles_set_up: bool = True  # False: a server database `chanjiao server init` did not set up (no users)

    @property
    def words(self) -> str:
        """The user's role as the status bar says it: “角色：录入（含学生个人信息）”; "" where the college's roles are
        not set up (a file, a server database without them)."""
        if not self.roles_set_up or self is FULL:
            return ""
        return f"角色：{self.role}" + (
            f"（含{PERSONAL}）" if self.personal_data and self.role != ADMIN else ""
        )

    def refusal(self, need: str) -> str | None:
        """Why the user cannot do what needs `need` (ADMIN, EDITOR or PERSONAL), in Chinese; None if allowed."""
        allowed = {ADMIN: self.can_manage_users, EDITOR: self.can_write, PERSONAL: self.personal_data}[need]
        if allowed:
            return None
        who = f"用户“{self.user}”" if self.user else "当前用户"
        have = f"{who}的角色是“{self.role}”" + ("，可查看学生个人信息" if self.personal_data else "")
        if need == PERSONAL:  # the grant is what is missing, whatever the role
            return (
                f"查看学生的身份证号、电话和家庭住址需要“{PERSONAL}”权限，{who}没有这项权限。"
                f"请本学院的“{ADMIN}”授予。"
            )
        if need == EDITOR:
            return f"新增、修改和删除记录需要“{EDITOR}”或“{ADMIN}”角色，{have}。请本学院的“{ADMIN}”更改。"
        if not self.roles_set_up:
            return "这个服务器数据库还没有设置本学院的角色，没有用户可管理。请服务器管理员来设置。"
        return f"管理用户需要“{ADMIN}”角色，{have}。"


FULL = Privileges(ADMIN, can_write=True, can_manage_users=True, personal_data=True)


def _conn(bind: Engine | Connection | Session) -> Connection:
    return bind.connection() if isinstance(bind, Session) else bind  # type: ignore[return-value]


def database_name(conn: Connection) -> str:
    return conn.exec_driver_sql("SELECT current_database()").scalar_one()


def existing_groups(conn: Connection, roles: GroupRoles) -> set[str]:
    rows = conn.execute(
        text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"), {"names": list(roles.all)}
    )
    return set(rows.scalars())


def privileges(bind: Engine | Connection | Session) -> Privileges:
    """The connected user's role and rights, read from the server (has_table_privilege, has_column_privilege,
    pg_has_role): what the app shows or hides follows it; the server enforces it whatever the app shows."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return privileges(conn)
    conn = _conn(bind)
    if conn.dialect.name == "sqlite":
        return FULL
    roles = group_roles(database_name(conn))
    groups = existing_groups(conn, roles)
    user, superuser, createrole = conn.execute(
        text("SELECT rolname, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).one()
    member = {
        g: bool(conn.execute(text("SELECT pg_has_role(current_user, :g, 'MEMBER')"), {"g": g}).scalar())
        for g in sorted(groups)
    }
    can_write = bool(
        conn.execute(
            text(
                "SELECT has_table_privilege(current_user, :t, 'INSERT') "
                "AND has_table_privilege(current_user, :t, 'UPDATE')"
            ),
            {"t": WRITE_PROBE},
        ).scalar()
    )
    personal = reads_personal(conn)
    set_up = groups == set(roles.all)
    admin = superuser or member.get(roles.admin, False)
    if admin or (not set_up and can_write and personal):  # no roles: the tables' owner can do everything
        role = ADMIN
    elif member.get(roles.editor) or (not member.get(roles.reader) and can_write):
        role = EDITOR
    else:
        role = READER
    return Privileges(
        role,
        can_write=can_write,
        can_manage_users=bool(set_up and (superuser or (admin and createrole))),
        personal_data=personal,
        user=user,
        roles_set_up=set_up,
    )


def reads_personal(conn: Connection, user: str | None = None) -> bool:
    """Whether `user` (None: the connected one) may read every personal column `student` has."""
    columns = sorted(personal_columns() & set(student_columns(conn)))
    if not columns:
        return True
    who = "current_user" if user is None else "CAST(:u AS name)"
    query = f"SELECT bool_and(has_column_privilege({who}, 'student', c, 'SELECT')) FROM unnest(CAST(:cols AS text[])) c"
    return bool(conn.execute(text(query), {"u": user, "cols": columns}).scalar())


def student_columns(conn: Connection, table: str = STUDENT) -> list[str]:
    """The columns `student` (or `table`) has in the database now (a later migration's new one included), in
    order."""
    return list(
        conn.execute(
            text(
                "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relname = :t AND a.attnum > 0 "
                "AND NOT a.attisdropped ORDER BY a.attnum"
            ),
            {"t": table},
        ).scalars()
    )


# ------------------------------------------------------------------ statements with quoted names


def run(conn: Connection, statement: Composable, refused: str = "") -> None:
    """One statement built with psycopg.sql (names quoted by the driver), run in `conn`'s transaction. A refusal
    by the server becomes NoPermission with `refused` (Chinese); the statement itself never reaches a message."""
    import psycopg

    raw = conn.connection.dbapi_connection
    try:
        with raw.cursor() as cur:  # type: ignore[union-attr]
            cur.execute(statement)
    except psycopg.errors.InsufficientPrivilege as e:
        raise NoPermission(
            refused or f"服务器拒绝了这个操作：{e.diag.message_primary}", str(e.diag.message_primary)
        ) from None


def statement(template: str, *parts: str | Composable) -> Composable:
    """`template` with each {} filled: a str as a quoted name (sql.Identifier), a Composable as it is."""
    from psycopg import sql

    return sql.SQL(template).format(*(sql.Identifier(p) if isinstance(p, str) else p for p in parts))


def _names(*names: str) -> Composable:
    from psycopg import sql

    return sql.SQL(", ").join(sql.Identifier(n) for n in names)


# ------------------------------------------------------------------ grants


def _tables(conn: Connection) -> dict[str, str]:
    """{table: owner} of the tables in the schema the app uses."""
    rows = conn.execute(
        text("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = current_schema()")
    )
    return {table: owner for table, owner in rows}


def _views(conn: Connection) -> dict[str, str]:
    """{view: owner} of the views in the schema the app uses (internship_start_age: migration 0014)."""
    rows = conn.execute(text("SELECT viewname, viewowner FROM pg_views WHERE schemaname = current_schema()"))
    return {view: owner for view, owner in rows}


def apply_grants(bind: Engine | Connection | Session) -> bool:
    """(Re)apply every grant of the college's roles to the tables as they are now, in the caller's transaction
    (an Engine: one of its own); idempotent. False (nothing done) on a file or a server database without the
    roles (one `chanjiao server init` did not set up). Must run after every migration of a database with roles
    (app/db/migrate.py does), by a 管理员 (the tables are theirs) or a superuser."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            return apply_grants(conn)
    conn = _conn(bind)
    if conn.dialect.name != "postgresql":
        return False
    roles = group_roles(database_name(conn))
    if existing_groups(conn, roles) != set(roles.all):
        return False

    def do(template: str, *parts: str | Composable) -> None:
        run(conn, statement(template, *parts), f"只有本学院的“{ADMIN}”可以设置数据表的权限。")

    tables = _tables(conn)
    for table, owner in sorted(tables.items()):
        if owner != roles.admin:  # a table a migration just made belongs to whoever ran it: to 管理员
            do("ALTER TABLE {} OWNER TO {}", table, roles.admin)
    from app.db import version_guard

    version_guard.hand_to_admin(conn)  # the version guard's function too (migration 0015)
    everyone = _names(roles.editor, roles.reader)
    do("REVOKE ALL ON TABLE {} FROM {}", _names(*tables), _names(roles.editor, roles.reader, roles.personal))
    # A view reads its tables with its owner's rights: 管理员's, so that it may show what it is made to show
    # (a student's age, never the birth date) to users who may not read the columns it is made of.
    for view, owner in sorted(_views(conn).items()):
        if owner != roles.admin:
            do("ALTER VIEW {} OWNER TO {}", view, roles.admin)
        do("REVOKE ALL ON TABLE {} FROM {}", view, _names(roles.editor, roles.reader, roles.personal))
        do("GRANT SELECT ON TABLE {} TO {}", view, everyone)
    if readable := sorted(set(tables) - {STUDENT}):
        do("GRANT SELECT ON TABLE {} TO {}", _names(*readable), everyone)
    if writable := sorted(set(tables) - {VERSIONS, AUDIT}):
        do("GRANT INSERT, UPDATE, DELETE ON TABLE {} TO {}", _names(*writable), roles.editor)
    if AUDIT in tables:  # append-only for 录入: nobody but 管理员 rewrites the audit trail; and its
        # db_user is the server's (SESSION_USER, the column's default): not a column 录入 may give
        if written := [c for c in student_columns(conn, AUDIT) if c != "db_user"]:
            do("GRANT INSERT ({}) ON TABLE {} TO {}", _names(*written), AUDIT, roles.editor)
    if STUDENT in tables:  # column by column: the personal ones to 学生个人信息 only
        columns, personal = student_columns(conn), personal_columns()
        if open_ := [c for c in columns if c not in personal]:
            do("GRANT SELECT ({}) ON TABLE {} TO {}", _names(*open_), STUDENT, everyone)
        if closed := [c for c in columns if c in personal]:
            do("GRANT SELECT ({}) ON TABLE {} TO {}", _names(*closed), STUDENT, roles.personal)
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    do("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}", schema, roles.editor)
    do("GRANT SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}", schema, roles.reader)
    return True


# ------------------------------------------------------------------ setting a database up (chanjiao server init)


def create_roles(conn: Connection) -> GroupRoles:
    """The four group roles of the connected database (those already there are kept), 管理员 holding the other
    three WITH ADMIN OPTION. Needs CREATEROLE (or a superuser)."""
    from psycopg import sql

    database = database_name(conn)
    roles = group_roles(database)
    there = existing_groups(conn, roles)
    refused = "服务器用户没有创建角色的权限（需要 CREATEROLE）。请服务器管理员授予后重试。"
    for role in (ADMIN, EDITOR, READER, PERSONAL):
        name = roles.of(role)
        if name not in there:
            run(conn, statement("CREATE ROLE {} NOLOGIN", name), refused)
        note = sql.Literal(f"产教融合工作台：数据库“{database}”的“{role}”")  # psql \du+ shows it
        run(conn, statement("COMMENT ON ROLE {} IS {}", name, note), refused)
    others = _names(roles.editor, roles.reader, roles.personal)
    run(conn, statement("GRANT {} TO {} WITH ADMIN OPTION", others, roles.admin), refused)
    return roles


def secure_database(conn: Connection, roles: GroupRoles) -> None:
    """Only the college's groups may connect; nobody but 管理员 creates objects in the schema. Needs the
    database's owner (or a member of its owning role)."""
    database = database_name(conn)
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    users = _names(roles.editor, roles.reader)
    for template, *parts in (
        ("REVOKE ALL ON DATABASE {} FROM PUBLIC", database),
        (
            "GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}",
            database,
            _names(roles.admin, roles.editor, roles.reader),
        ),
        ("REVOKE CREATE ON SCHEMA {} FROM PUBLIC", schema),
        ("GRANT USAGE, CREATE ON SCHEMA {} TO {}", schema, roles.admin),
        ("GRANT USAGE ON SCHEMA {} TO {}", schema, users),
    ):
        run(conn, statement(template, *parts), "只有数据库的所有者可以设置谁能连接它。")


def make_admin(conn: Connection, user: str, roles: GroupRoles) -> None:
    """`user` becomes one of the college's 管理员 (and may add others: WITH ADMIN OPTION)."""
    run(conn, statement("GRANT {} TO {} WITH ADMIN OPTION", roles.admin, user))
