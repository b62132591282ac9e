"""Databases written by earlier schema versions (tests/fixtures/schema_NNNN.db) open, upgrade in place
after a backup copy, and keep every record (STYLE §8). Add a fixture for each released schema.

The tests that build an old database at a revision (`_at_revision`) run on both backends (`old_db`: a file,
or an empty database on the test server, tests/pg.py); the fixtures upgraded on a server:
tests/core/test_old_databases_server.py."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from app.backup import backups_dir_for
from app.db.engine import open_database
from app.db.location import ServerLocation
from app.db.migrate import current_revision, head_revision
from app.services import settings
from app.services.enterprise_list import EnterpriseQuery, count_enterprises

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures").glob("schema_*.db"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_old_database_upgrades_and_keeps_its_records(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / "旧版本" / "chanjiao.db"
    path.parent.mkdir()
    shutil.copyfile(fixture, path)
    db = open_database(path)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.reader() as s:
            assert count_enterprises(s) == 2
            assert count_enterprises(s, EnterpriseQuery(deleted=True)) == 1
            assert count_enterprises(s, EnterpriseQuery(text="张三")) == 2
            profile = settings.get_profile(s)
        assert profile.college == "机电工程学院"
        assert profile.majors == ("机电一体化技术", "工业机器人技术")
        indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("contact")}
        assert "ix_contact_deleted_at" not in indexes
        assert db.key_problems == ()  # no duplicates: every natural key is unique in the database (0008)
    finally:
        db.close()
    backups = list(backups_dir_for(path).glob("chanjiao-*-升级前.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as con:  # the copy is the old database, whole
        assert con.execute("select count(*) from enterprise").fetchone()[0] == 3
        assert (
            con.execute("select version_num from alembic_version").fetchone()[0] == fixture.stem.split("_")[1]
        )


def test_fixtures_exist() -> None:
    assert FIXTURES, "tests/fixtures/schema_*.db missing"


def test_models_and_migrations_agree_after_upgrading_the_oldest_fixture(tmp_path: Path) -> None:
    """Not only a new database: one upgraded from the oldest schema ends as the models say (on a server:
    test_old_databases_server.py)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from app.db.base import Base

    path = tmp_path / "旧版本" / "chanjiao.db"
    path.parent.mkdir()
    shutil.copyfile(FIXTURES[0], path)
    db = open_database(path)
    try:
        assert set(Base.metadata.tables) | {"alembic_version"} == set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        db.close()


# ---------------------------------------------------------------- an old database built at a revision


@pytest.fixture
def old_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | ServerLocation:
    """Where a test builds its old database: a file (not there yet), or an empty database on the test server."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_database")
    return tmp_path / "旧版本" / "chanjiao.db"


def _query(where: Path | ServerLocation, sql: str) -> list[tuple]:
    """One statement's rows, read with the driver alone (not the app's engine)."""
    if isinstance(where, ServerLocation):
        from tests.pg import TestServer

        return TestServer(where).sql(sql)
    conn = sqlite3.connect(where)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# ---------------------------------------------------------------- natural keys (issue #22, finding 6)

SAME_ID = "11010519491231002X"


def _at_0007_with_duplicates(path: Path | ServerLocation) -> None:
    """A database as schema 0007 left it, holding what the services of that time let through (two imports
    at once, old data): one 学号 twice (different case), one 身份证号 twice, one 工号 twice."""
    from app.db.models import Agreement, Student, Teacher

    _at_revision(
        path,
        "0007",
        [
            Student(student_no="A001", name="张三", id_number=SAME_ID),
            Student(student_no="a001", name="李四"),
            Student(student_no="B002", name="王五", id_number=SAME_ID),
            Student(student_no="C003", name="赵六"),
            Teacher(name="王老师", staff_no="T001"),
            Teacher(name="赵老师", staff_no="T001"),
            Agreement(title="订单培养协议", kind="订单培养", number="JD-001"),
            # in the 回收站: no clash with the live one (the index is on live records only)
            Agreement(title="旧协议", kind="订单培养", number="JD-001", deleted_at=dt.datetime.now(dt.UTC)),
            Teacher(name="产业教师甲", staff_no="", kind="产业"),
            Teacher(name="产业教师乙", staff_no="", kind="产业"),
        ],
    )


def _at_revision(path: Path | ServerLocation, revision: str, records: list) -> None:
    """A database file (or an empty database on a server) migrated only up to `revision`, holding `records`:
    what an older version of the app left. The records are made with today's models (their defaults filled in
    a scratch database of today's schema), then copied with only the columns the older schema has."""
    from alembic import command
    from sqlalchemy import MetaData, Table, create_engine, insert, select
    from sqlalchemy.orm import Session

    from app.db.base import Base
    from app.db.engine import make_engine
    from app.db.migrate import alembic_config
    from app.db.server import make_server_engine
    from app.db.unique_keys import KEYS

    scratch = create_engine("sqlite://")
    Base.metadata.create_all(scratch)
    with scratch.begin() as conn:  # an older app let duplicates through: so does the scratch copy
        for key in KEYS:
            conn.exec_driver_sql(f"DROP INDEX {key.index}")
    with Session(scratch) as s, s.begin():
        s.add_all(records)
    if isinstance(path, ServerLocation):
        engine = make_server_engine(path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(path)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        with scratch.connect() as src, engine.begin() as dst:
            for table in Base.metadata.sorted_tables:
                rows = src.execute(select(table)).mappings().all()
                if not rows:
                    continue
                old = Table(table.name, MetaData(), autoload_with=dst)
                # a NOT NULL column the models have since dropped (visit.positions_offered) gets its zero
                gone = {c.name: 0 if c.type.python_type in (int, bool) else "" for c in old.c
                        if not c.nullable and c.name not in table.c}  # fmt: skip
                dst.execute(insert(old), [gone | {k: v for k, v in r.items() if k in old.c} for r in rows])
    finally:
        engine.dispose()
        scratch.dispose()


def _indexes(db) -> set[str]:
    from app.db.unique_keys import index_names

    with db.engine.connect() as conn:
        return index_names(conn)


@pytest.mark.both_backends
def test_duplicates_in_an_old_database_are_reported_not_fatal(old_db: Path | ServerLocation) -> None:
    from app.db.unique_keys import KEYS

    _at_0007_with_duplicates(old_db)
    db = open_database(old_db)  # upgrades to 0008 without failing
    try:
        assert current_revision(db.engine) == head_revision()
        left_out = {"uq_live_student_no", "uq_live_student_id_number", "uq_live_teacher_staff_no"}
        assert _indexes(db) & {k.index for k in KEYS} == {k.index for k in KEYS} - left_out
        problems = "\n".join(db.key_problems)
    finally:
        db.close()
    assert len(db.key_problems) == 3
    assert "学号“A001”相同：“张三”、“李四”" in problems
    assert "身份证号相同：“张三”（学号 A001）、“王五”（学号 B002）" in problems
    assert "工号“T001”相同：“王老师”、“赵老师”" in problems
    assert SAME_ID not in problems and SAME_ID[:6] not in problems


@pytest.mark.both_backends
def test_check_keys_lists_duplicates_then_creates_the_index_once_resolved(
    old_db: Path | ServerLocation, request: pytest.FixtureRequest
) -> None:
    from sqlalchemy import select

    from app.db.models import Student, Teacher
    from app.services.students import delete_students
    from app.services.teachers import delete_teachers
    from tests.cli_run import run_cli

    _at_0007_with_duplicates(old_db)
    # what --db takes: the file, or the server's address with the password (as a script gives it)
    server = isinstance(old_db, ServerLocation)
    where = request.getfixturevalue("pg_server").url(old_db.database) if server else str(old_db)
    r = run_cli("check-keys", "--db", where)
    assert r.returncode == 1
    assert "学号“A001”相同" in r.stdout and "发现 3 处重复" in r.stdout and SAME_ID not in r.stdout
    r = run_cli("check-keys", "--json", "--db", where)
    assert {d["key"] for d in json.loads(r.stdout)} == {"学号", "身份证号", "工号"}

    db = open_database(old_db)
    try:
        with db.session() as s:  # the user resolves them: 李四 and 王五 were entered twice, 赵老师 left
            dup = s.scalars(select(Student.id).where(Student.name.in_(["李四", "王五"]))).all()
            delete_students(s, dup)
            delete_teachers(s, s.scalars(select(Teacher.id).where(Teacher.name == "赵老师")).all())
    finally:
        db.close()
    r = run_cli("check-keys", "--db", where)
    assert r.returncode == 0, r.stdout + r.stderr
    db = open_database(old_db)
    try:
        assert db.key_problems == ()
        assert {"uq_live_student_no", "uq_live_student_id_number", "uq_live_teacher_staff_no"} <= _indexes(db)
    finally:
        db.close()


def test_a_clean_database_gets_every_unique_key(tmp_path: Path) -> None:
    from app.db.unique_keys import KEYS

    path = tmp_path / "新" / "chanjiao.db"
    db = open_database(path)
    try:
        assert {k.index for k in KEYS} <= _indexes(db)
        assert db.key_problems == ()
    finally:
        db.close()


@pytest.mark.both_backends
def test_invisible_characters_leave_the_names_saved_before(old_db: Path | ServerLocation) -> None:
    """Names saved at schema 0008 with a zero-width space, an RLO or a soft hyphen lose them at 0009, and the
    enterprise's name_key is computed again: the six look-alikes of the issue become one name."""
    from sqlalchemy import select

    from app.db.models import Enterprise, Student, Teacher
    from app.domain.names import name_key

    looks = [
        "湖南\u200b智造有限公司",
        "湖南\u2060智造有限公司",
        "湖南智造\u00ad有限公司",
        "\ufeff湖南智造有限公司",
    ]
    _at_revision(
        old_db,
        "0008",
        [Enterprise(name=n, name_key=n, short_name="智\u200c造") for n in looks]
        + [
            Student(student_no="S001", name="张\u202excod.exe"),
            Teacher(name="王\u200b老师", staff_no="T009"),
        ],
    )
    db = open_database(old_db)
    try:
        with db.reader() as s:
            enterprises = s.execute(select(Enterprise.name, Enterprise.name_key, Enterprise.short_name)).all()
            student = s.scalar(select(Student.name))
            teacher = s.scalar(select(Teacher.name))
    finally:
        db.close()
    assert {e.name for e in enterprises} == {"湖南智造有限公司"}
    assert {e.name_key for e in enterprises} == {name_key("湖南智造有限公司")}
    assert {e.short_name for e in enterprises} == {"智造"}
    assert student == "张xcod.exe" and teacher == "王老师"


# ---------------------------------------------------------------- 0010: columns added in place (issue #17)


@pytest.mark.both_backends
def test_upgrading_to_0010_keeps_every_row_of_tables_others_refer_to(old_db: Path | ServerLocation) -> None:
    """0010 adds columns to enterprise, asset, student, internship, practice_base, base_usage and visit. Done
    with a batch that recreates a table, SQLite with foreign keys on refused to drop the old asset (asset_repair
    refers to it) and would have cascaded deletes from a recreated visit: every row must still be there."""
    from app.db.models import (
        Asset,
        AssetRepair,
        BaseUsage,
        Contact,
        Enterprise,
        Internship,
        PracticeBase,
        Student,
        Visit,
        VisitEnterprise,
    )

    day = dt.date(2025, 9, 1)
    records = [
        Enterprise(id="e1", name="湖南甲公司", name_key="湖南甲公司", status="合作中"),
        Contact(enterprise_id="e1", name="王经理"),
        Asset(id="a1", name="数控车床", unit_value_fen=100),
        AssetRepair(asset_id="a1", kind="大修"),
        PracticeBase(id="b1", name="甲基地", kind="校外实践教学基地", enterprise_id="e1"),
        BaseUsage(base_id="b1", semester="2025-2026-1", activity="技能实训", students=30),
        Student(id="s1", student_no="A001", name="张三"),
        Internship(student_id="s1", enterprise_id="e1", starts_on=day, ends_on=day),
        Visit(id="v1", visited_on=day, leader="院长"),
        VisitEnterprise(visit_id="v1", enterprise_id="e1"),
    ]
    _at_revision(old_db, "0009", records)
    tables = ("enterprise", "contact", "asset", "asset_repair", "practice_base", "base_usage", "student",
              "internship", "visit", "visit_enterprise")  # fmt: skip
    before = {t: _query(old_db, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    assert all(before.values())
    db = open_database(old_db)
    try:
        assert current_revision(db.engine) == head_revision()
    finally:
        db.close()
    after = {t: _query(old_db, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    if not isinstance(old_db, ServerLocation):  # a server checks each foreign key as rows change: none broken
        assert _query(old_db, "PRAGMA foreign_key_check") == []
    assert _query(old_db, "SELECT self_made, quantity FROM asset") == [(0, 1)]  # False == 0 on a server
    assert after == before
