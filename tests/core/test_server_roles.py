"""The college's roles on its server database (issue 19): `chanjiao server init` and `server user …` through the
real command line, then what PostgreSQL itself allows each role when a user connects with plain psycopg — as
someone with psql would — not what the app chooses to show. PostgreSQL only (tests/pg.py: skipped without a
server, failing under CHANJIAO_TEST_PG_REQUIRED=1). Roles are cluster-wide: every role and database a test makes
starts with this run's prefix (its process id and a random part) and is dropped at the end, even on failure."""

from __future__ import annotations

import os
import subprocess as sp
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from app.db import roles
from app.db.engine import Database, open_database
from app.db.models import Student
from app.db.roles import ADMIN, EDITOR, PERSONAL, READER, Privileges, privileges
from app.services.settings import get_profile
from tests.college_users import (
    PASSWORD,
    College,
    add_user,
    cli,
    prefixed,
    set_up_college,
)

ID_NUMBER = "430102200501011234"


def id_number(no: str) -> str:
    """A distinct 身份证号 for each student a test adds (“E001” …): one student per ID number."""
    return ID_NUMBER[:-4] + f"{ord(no[0]) % 100:02d}{no[-2:]}"


@pytest.fixture(scope="module")
def prefix(pg_server) -> str:
    with prefixed(pg_server, "roles") as name:
        yield name


@pytest.fixture(scope="module")
def college(pg_server, prefix: str, tmp_path_factory: pytest.TempPathFactory) -> College:
    """One college's database set up by `server init` (which creates it), with a user of each role."""
    return set_up_college(
        pg_server,
        f"{prefix}_a",
        tmp_path_factory.mktemp("home"),
        ("boss", ADMIN),
        ("wang", EDITOR),
        ("li", READER),
        ("zhao", READER, "--personal-data"),
    )


# ------------------------------------------------------------------ init


def test_init_creates_the_database_roles_and_profile_then_refuses_a_second(college: College) -> None:
    server, name = college.server, college.name
    assert "已新建数据库" in college.init.stdout and "管理员" in college.init.stdout
    assert server.sql(f"SELECT count(*) FROM pg_database WHERE datname = '{name}'") == [(1,)]
    groups = set(college.groups.all)
    assert {
        r for (r,) in server.sql(f"SELECT rolname FROM pg_roles WHERE starts_with(rolname, '{name}_')")
    } >= groups
    assert all(len(g.encode()) <= 63 for g in groups)
    # the runner (cjci) is the college's 管理员 and may add others; every table is 管理员's
    assert server.sql(
        "SELECT m.admin_option FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        f"JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = '{college.groups.admin}' "
        f"AND u.rolname = '{server.admin.user}'"
    ) == [(True,)]
    owners = server.sql(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'", database=name
    )
    assert owners == [(college.groups.admin,)]
    db = college.open()
    try:
        with db.reader() as s:
            profile = get_profile(s)
    finally:
        db.close()
    assert (profile.school, profile.college) == ("某职业技术学院", "机电工程学院")
    assert [(g.name, g.majors) for g in profile.groups] == [
        ("机电一体化专业群", ("机电一体化技术", "工业机器人技术"))
    ]

    again = cli("server", "init", college.url, "--school", "别的学校", "--college", "别的学院")
    assert again.returncode == 2 and "已经有记录" in again.stderr and "server user add" in again.stderr
    db = college.open()
    try:
        with db.reader() as s:
            assert get_profile(s).school == "某职业技术学院"  # unchanged
    finally:
        db.close()


def test_init_of_a_fresh_database_leaves_its_runner_the_only_admin(pg_server, prefix: str) -> None:
    """A database the runner made beforehand (empty) is set up too; the last 管理员 cannot be removed."""
    name = f"{prefix}_b"
    pg_server.sql(f'CREATE DATABASE "{name}"')
    done = cli("server", "init", pg_server.url(name), "--school", "学校", "--college", "学院")
    assert done.returncode == 0, done.stderr
    assert "已设置数据库" in done.stdout
    me = pg_server.admin.user
    gone = cli("--db", pg_server.url(name), "server", "user", "remove", me)
    assert gone.returncode == 2 and "唯一的“管理员”" in gone.stderr
    listed = cli("--db", pg_server.url(name), "server", "user", "list", "--json")
    assert '"管理员"' in listed.stdout and me in listed.stdout


def test_init_says_what_right_is_missing(pg_server, prefix: str, tmp_path: Path) -> None:
    done = cli("server", "init", str(tmp_path / "a.db"), "--school", "学校", "--college", "学院")
    assert done.returncode == 2 and "需要服务器地址" in done.stderr
    done = cli("--db", str(tmp_path / "a.db"), "server", "user", "list")
    assert done.returncode == 2 and "本机数据库文件没有用户" in done.stderr
    a = pg_server.admin
    for rights, missing in (("", "CREATEROLE"), (" CREATEROLE", "CREATEDB")):
        plain = f"{prefix}_plain{len(rights)}"
        pg_server.sql(f"CREATE ROLE \"{plain}\" LOGIN{rights} PASSWORD '{PASSWORD}'")
        url = f"postgresql://{plain}:{PASSWORD}@{a.host}:{a.port}/{prefix}_c"
        done = cli("server", "init", url, "--school", "学校", "--college", "学院")
        assert done.returncode == 2 and f"需要 {missing} 权限" in done.stderr and f"“{plain}”" in done.stderr
        assert PASSWORD not in done.stderr
        assert pg_server.sql(f"SELECT count(*) FROM pg_database WHERE datname = '{prefix}_c'") == [(0,)]


# ------------------------------------------------------------------ users, through the command line


def test_users_are_listed_with_their_roles(college: College) -> None:
    import json

    listed = cli("--db", college.url, "server", "user", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    got = {u["name"]: (u["role"], u["personal_data"]) for u in json.loads(listed.stdout)}
    assert got == {
        college.server.admin.user: (ADMIN, True),
        college.user("boss"): (ADMIN, True),
        college.user("wang"): (EDITOR, False),
        college.user("li"): (READER, False),
        college.user("zhao"): (READER, True),
    }
    text = cli("--db", college.user_url(college.user("li")), "server", "user", "list")
    assert text.returncode == 0 and f"{college.user('wang')}\t录入\t学生个人信息：否" in text.stdout


def test_a_user_already_there_a_bad_name_or_a_short_password_is_refused(college: College) -> None:
    args = ("--db", college.url, "server", "user", "add")
    done = cli(*args, college.user("li"), "--role", EDITOR, "--password-stdin", password=PASSWORD)
    assert done.returncode == 2 and "已是本学院的用户" in done.stderr
    assert "chanjiao server user remove" in done.stderr  # the command line names its commands (设置 does not)
    done = cli(*args, college.user("new"), "--role", READER, "--password-stdin", password="short")
    assert done.returncode == 2 and "密码太短" in done.stderr
    done = cli(*args, "pg_evil", "--role", READER, "--password-stdin", password=PASSWORD)
    assert done.returncode == 2 and "pg_" in done.stderr
    done = cli(*args, college.user("x"), "--role", "老板", "--password-stdin", password=PASSWORD)
    assert done.returncode == 2
    assert college.server.sql(f"SELECT count(*) FROM pg_roles WHERE rolname = '{college.user('new')}'") == [
        (0,)
    ]


def test_only_an_admin_manages_users_and_is_told_so(college: College) -> None:
    for who, role in (("wang", EDITOR), ("li", READER)):
        done = cli(
            "--db", college.user_url(college.user(who)), "server", "user", "add", college.user("sneaky"),
            "--role", ADMIN, "--password-stdin", password=PASSWORD,
        )  # fmt: skip
        assert done.returncode == 2
        assert "管理用户需要“管理员”角色" in done.stderr and f"角色是“{role}”" in done.stderr
    assert college.server.sql(
        f"SELECT count(*) FROM pg_roles WHERE rolname = '{college.user('sneaky')}'"
    ) == [(0,)]


def test_an_admin_added_by_the_cli_adds_and_removes_users(college: College) -> None:
    boss = college.user("boss")
    temp = add_user(college, "temp", EDITOR, by=boss)
    with college.connect(temp) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (temp,)
    me = cli("--db", college.user_url(boss), "server", "user", "remove", boss)
    assert me.returncode == 2 and "不能删除自己" in me.stderr
    done = cli("--db", college.user_url(boss), "server", "user", "remove", temp)
    assert done.returncode == 0, done.stderr
    assert "登录账号已从服务器删除" in done.stdout
    assert college.server.sql(f"SELECT count(*) FROM pg_roles WHERE rolname = '{temp}'") == [(0,)]
    with pytest.raises(psycopg.OperationalError):
        college.connect(temp)
    again = cli("--db", college.user_url(boss), "server", "user", "remove", temp)
    assert (
        again.returncode == 2 and "没有用户" in again.stderr and "chanjiao server user list" in again.stderr
    )


def test_the_password_goes_through_a_real_pipe_and_nowhere_else(college: College, tmp_path: Path) -> None:
    secret = "Pipe-only-S3cret-" + uuid.uuid4().hex[:6]
    name = college.user("piped")
    home = tmp_path / "home"
    env = {**os.environ, "CHANJIAO_HOME": str(home)}
    argv = [sys.executable, "-m", "app", "--db", college.url, "server", "user", "add", name, "--role", READER]
    done = sp.run(
        [*argv, "--password-stdin"], input=f"{secret}\n".encode(), capture_output=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    with college.connect(name, secret) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (name,)
    for blob in (done.stdout, done.stderr, *(p.read_bytes() for p in home.rglob("*") if p.is_file())):
        assert secret.encode() not in blob


# ------------------------------------------------------------------ what the server allows each role


def _add_student(college: College, user: str | None, no: str) -> None:
    """A student with an ID number, written by `user` (None: the administrator) through the ORM as the app writes it."""
    db = college.open(user)
    try:
        with db.session() as s:
            s.add(Student(student_no=no, name="张三", id_number=id_number(no), phone="13900000000"))
    finally:
        db.close()


def _refused(conn: psycopg.Connection, sql: str) -> bool:
    try:
        conn.execute(sql).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def test_reader_reads_names_but_no_personal_data_and_writes_nothing(college: College) -> None:
    _add_student(college, None, "R001")
    with college.connect(college.user("li")) as conn:
        assert conn.execute("SELECT name FROM student WHERE student_no = 'R001'").fetchall() == [("张三",)]
        assert _refused(conn, "SELECT id_number FROM student")
        assert _refused(conn, "SELECT * FROM student")
        assert _refused(conn, "SELECT count(*) FROM student WHERE phone LIKE '139%'")  # not even to filter
        assert _refused(conn, "INSERT INTO setting (key, value) VALUES ('x', 'y')")
        assert _refused(conn, "UPDATE student SET name = '李四'")
        assert _refused(conn, "DELETE FROM audit_log")
        assert conn.execute("SELECT count(*) FROM enterprise").fetchone() == (0,)
        assert len(conn.execute("SELECT * FROM alembic_version").fetchall()) == 1


def test_an_editor_without_the_grant_neither_reads_nor_writes_an_id_number(college: College) -> None:
    """录入 writes the rest of a student; the personal columns only with 学生个人信息 (migration 0018: a write
    refused as a duplicate would confirm a guessed 身份证号)."""
    from app.errors import NoPermission

    wang = college.user("wang")
    with pytest.raises(NoPermission, match="学生个人信息"):
        _add_student(college, wang, "E000")
    _add_student(college, None, "E001")
    with college.connect(wang) as conn:
        assert conn.execute("SELECT name FROM student WHERE student_no = 'E001'").fetchall() == [("张三",)]
        assert _refused(conn, "SELECT id_number FROM student WHERE student_no = 'E001'")
        assert _refused(conn, "SELECT * FROM student")
        assert _refused(conn, "UPDATE student SET phone = phone || '0'")  # reads the old value
        assert _refused(conn, "UPDATE student SET phone = '13900000001' WHERE student_no = 'E001'")
        conn.execute("UPDATE student SET class_name = '机电2301' WHERE student_no = 'E001'")
        assert conn.execute("SELECT updated_by FROM student WHERE student_no = 'E001'").fetchone() is not None
        assert _refused(conn, "DELETE FROM audit_log")  # the audit trail is append-only for 录入
        assert _refused(conn, "UPDATE alembic_version SET version_num = 'x'")
        assert _refused(conn, "CREATE TABLE mine (a int)")
        assert _refused(conn, f'CREATE ROLE "{college.user("by_editor")}"')
    qian = add_user(college, "qian", EDITOR, "--personal-data")  # 录入 + 学生个人信息: writes them
    _add_student(college, qian, "E002")
    with college.connect(college.user("zhao")) as conn:  # 只读 + 学生个人信息
        assert conn.execute("SELECT id_number, phone FROM student WHERE student_no = 'E002'").fetchall() == [
            (id_number("E002"), "13900000000")
        ]
        assert len(conn.execute("SELECT * FROM student").fetchall()) >= 1
        assert _refused(conn, "UPDATE student SET name = '李四'")


def test_personal_data_granted_and_revoked_by_the_cli(college: College) -> None:
    li = add_user(college, "sun", READER)  # its own user: the others keep their grants whatever happens here
    _add_student(college, None, "P001")
    done = cli("--db", college.url, "server", "user", "grant-personal", li)
    assert done.returncode == 0 and "可查看" in done.stdout
    with college.connect(li) as conn:
        assert conn.execute("SELECT id_number FROM student WHERE student_no = 'P001'").fetchall() == [
            (id_number("P001"),)
        ]
    done = cli("--db", college.url, "server", "user", "revoke-personal", li)
    assert done.returncode == 0 and "不可查看" in done.stdout
    with college.connect(li) as conn:
        assert _refused(conn, "SELECT id_number FROM student")
    boss = cli("--db", college.url, "server", "user", "revoke-personal", college.user("boss"))
    assert boss.returncode == 2 and "总能查看" in boss.stderr


def test_another_colleges_user_cannot_even_connect(college: College) -> None:
    outsider = college.user("outsider")
    college.server.sql(f"CREATE ROLE \"{outsider}\" LOGIN PASSWORD '{PASSWORD}'")
    with pytest.raises(psycopg.OperationalError) as e:
        college.connect(outsider)
    assert "permission denied" in str(e.value) or "权限" in str(e.value)


def test_privileges_as_the_server_reports_them(college: College, tmp_path: Path) -> None:
    expected = {
        college.user("boss"): Privileges(ADMIN, True, True, True, college.user("boss")),
        college.user("wang"): Privileges(EDITOR, True, False, False, college.user("wang")),
        college.user("li"): Privileges(READER, False, False, False, college.user("li")),
        college.user("zhao"): Privileges(READER, False, False, True, college.user("zhao")),
    }
    for user, want in expected.items():
        db = college.open(user)
        try:
            assert privileges(db.engine) == want
            with db.reader() as s:
                assert privileges(s) == want
        finally:
            db.close()
    # what the window's status bar says beside the database
    assert [p.words for p in expected.values()] == [
        "角色：管理员",
        "角色：录入",
        "角色：只读",
        "角色：只读（含学生个人信息）",
    ]
    assert roles.FULL.words == ""
    li = expected[college.user("li")]
    assert "“录入”或“管理员”" in li.refusal(EDITOR) and "“只读”" in li.refusal(EDITOR)
    assert PERSONAL in li.refusal(PERSONAL) and li.refusal(ADMIN).startswith("管理用户需要“管理员”")
    assert expected[college.user("boss")].refusal(PERSONAL) is None
    file_db = open_database(tmp_path / "a.db")
    try:
        assert privileges(file_db.engine) == roles.FULL
    finally:
        file_db.close()


@pytest.mark.both_backends
def test_privileges_on_a_server_database_without_roles(db: Database) -> None:
    """A server database `server init` did not set up (the tests' own, a plain one): its owner may do
    everything but manage users, and is told why."""
    mine = privileges(db.engine)
    if not db.is_server:
        assert mine == roles.FULL
        return
    assert (mine.role, mine.can_write, mine.personal_data, mine.roles_set_up) == (ADMIN, True, True, False)
    refusal = mine.refusal(ADMIN)
    assert mine.can_manage_users is False and "还没有设置本学院的角色" in refusal
    assert "服务器管理员" in refusal and "chanjiao" not in refusal  # shown in 设置, which names no command
    with db.engine.begin() as conn:
        assert roles.apply_grants(conn) is False  # nothing to apply


def test_grants_cover_a_column_and_a_table_added_later(college: College) -> None:
    """A migration's new column or table: nobody but 管理员 reads it until apply_grants, which every migration
    of a database with roles runs (app/db/migrate.py); a new personal column would stay closed."""
    li, admin = college.user("li"), college.server.admin.user
    _add_student(college, None, "H001")
    db = college.open()
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE student ADD COLUMN hobby varchar(50) DEFAULT ''")
            conn.exec_driver_sql("CREATE TABLE later_records (id varchar(36) PRIMARY KEY, note text)")
        with college.connect(li) as conn:
            assert _refused(conn, "SELECT hobby FROM student")
            assert _refused(conn, "SELECT * FROM later_records")
        assert roles.apply_grants(db.engine) is True
        assert roles.apply_grants(db.engine) is True  # again: the same grants
        with college.connect(li) as conn:
            assert conn.execute("SELECT hobby FROM student WHERE student_no = 'H001'").fetchall() == [("",)]
            assert conn.execute("SELECT * FROM later_records").fetchall() == []
            assert _refused(conn, "SELECT id_number FROM student")
            assert _refused(conn, "SELECT * FROM student")
        owner = college.server.sql(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'later_records'", database=college.name
        )
        assert owner == [(college.groups.admin,)] != [(admin,)]
    finally:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE student DROP COLUMN IF EXISTS hobby")
            conn.exec_driver_sql("DROP TABLE IF EXISTS later_records")
        db.close()


def test_a_real_migration_reapplies_the_grants(college: College) -> None:
    """The newest migration taken back and run again on open, as an upgrade of the app does: its columns
    (new to `student` then) are readable by 只读 at once, with no step of anyone's."""
    from alembic import command

    from app.db import migrate, server

    _add_student(college, None, "M001")
    engine = server.make_server_engine(college.server.location(college.name))
    try:
        with engine.begin() as conn:
            cfg = migrate.alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "-1")
    finally:
        engine.dispose()
    college.open().close()  # upgrades, and apply_grants with it
    with college.connect(college.user("li")) as conn:
        columns = [c for (c,) in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'student'::regclass AND attnum > 0 "
            "AND NOT attisdropped"
        )]  # fmt: skip
        open_ = [c for c in columns if c not in roles.personal_columns()]
        assert {"version", "updated_by"} <= set(open_)  # dropped by the downgrade, new again
        rows = conn.execute(f"SELECT {', '.join(open_)} FROM student WHERE student_no = 'M001'").fetchall()
        assert len(rows) == 1
        assert _refused(conn, "SELECT * FROM student")
    with college.connect(college.user("wang")) as conn:  # and 录入 still writes
        conn.execute("UPDATE student SET note = 'x' WHERE student_no = 'M001'")
    db = college.open(college.user("li"))
    try:
        with db.reader() as s:
            assert s.scalars(select(Student.note).where(Student.student_no == "M001")).all() == ["x"]
    finally:
        db.close()


def test_a_user_without_the_personal_grant_is_told_which_grant_is_missing(college: College) -> None:
    """A read of a personal column by 只读 without 学生个人信息 (the app reads the masked copies instead; a
    path that did not would be refused): the message names the grant that is missing and who gives it (not a
    bare permission error)."""
    from app.errors import NoPermission

    db = college.open(college.user("li"))
    try:
        with db.reader() as s:
            assert s.scalars(select(Student)).all() is not None  # the row without its personal columns
        with pytest.raises(NoPermission) as refused, db.reader() as s:
            s.scalars(select(Student.birth_date)).all()
        assert "学生个人信息" in refused.value.message and "管理员" in refused.value.message
        assert "permission denied" not in refused.value.message
    finally:
        db.close()


def test_the_audit_trail_names_who_wrote_it_not_who_a_user_claims(college: College) -> None:
    """录入 adds audit rows (the app does, with every change) but cannot give their db_user: the server fills it
    with the login role; an audit row in the 管理员's name is refused."""
    wang = college.user("wang")
    with college.connect(wang) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO audit_log (id, at, os_user, db_user, table_name, record_id, action, changes) "
                "VALUES ('forged-1', now(), 'x', %s, 'student', 'r', 'update', '{}')",
                (college.user("boss"),),
            )
        conn.execute(
            "INSERT INTO audit_log (id, at, os_user, table_name, record_id, action, changes) "
            "VALUES ('honest-1', now(), 'x', 'student', 'r', 'update', '{}')"
        )
        assert conn.execute("SELECT db_user FROM audit_log WHERE id = 'honest-1'").fetchone() == (wang,)
