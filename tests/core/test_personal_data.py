"""Students' personal data and the users who may not read it (issue 19; DOMAIN.md → Privacy).

Every personal column of a student has a masked copy beside it, written from the app's one masking function
whenever the column is (the ORM, a Core insert, the migration that added them), which every user may read. On a
server, a user without 学生个人信息 works with the copies: the lists, the form (read-only there), a masked export
or package, the 合规检查 (the age rule reads a view that shows the age, not the birth date) — and is refused, in
words naming the grant, what needs the full values: the 三方协议, a full export or package, a roster import.
The first tests run on both backends; the role tests on PostgreSQL only (tests/pg.py)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlalchemy import create_engine, select

from app.compliance.registry import run_checks
from app.db import migrate
from app.db.engine import Database
from app.db.models import Internship, Major, Student
from app.db.roles import EDITOR, READER
from app.docs.internship import reserve_agreement_numbers
from app.domain.privacy import mask_address, mask_id_number, mask_phone
from app.errors import NoPermission
from app.services import students as svc
from app.services.undo import journaled, take, undo
from tests.college_users import College, prefixed, set_up_college


def _with_check(body: str) -> str:
    from app.domain.codes import id_check_char

    return body + id_check_char(body)


ID = _with_check("43010220050101123")  # born 2005-01-01
YOUNG_ID = _with_check("43010220110307001")  # born 2011-03-07: under 16 in 2026
PHONE = "13900001111"


def _id(base: str, n: int) -> str:
    return _with_check(base[:14] + f"{n:03d}")


def _major(db: Database) -> str:
    with db.reader() as s:
        return s.scalars(select(Major.id)).first()


def _copies(db: Database, sid: str) -> dict[str, str]:
    with db.reader() as s:
        st = s.get(Student, sid)
        return {
            c: getattr(st, f"{c}_masked") for c in ("id_number", "phone", "guardian_phone", "home_address")
        }


# ------------------------------------------------------------------ the copies (both backends)


@pytest.mark.both_backends
def test_the_masked_copies_follow_every_write(db: Database) -> None:
    data = svc.StudentData(
        "M001",
        "张三",
        id_number=_id(ID, 1),
        phone=PHONE,
        guardian_phone="0731-84001234",
        home_address="湖南省长沙市芙蓉区五一大道1号",
    )
    with db.session() as s:
        sid = svc.create_student(s, data).ids[0]
    assert _copies(db, sid) == {
        "id_number": mask_id_number(_id(ID, 1)),
        "phone": "139****1111",
        "guardian_phone": mask_phone("0731-84001234"),
        "home_address": mask_address("湖南省长沙市芙蓉区五一大道1号"),
    }
    with db.session() as s:
        svc.update_student(s, sid, svc.StudentData("M001", "张三", id_number=_id(ID, 2), phone=""))
    assert _copies(db, sid) == {
        "id_number": mask_id_number(_id(ID, 2)),
        "phone": "",
        "guardian_phone": "",
        "home_address": "",
    }
    with db.reader() as s:  # the list reads the copies, not the columns
        (row,) = svc.student_rows(s)
        assert (row.id_number, row.masked, row.birth_date) == (mask_id_number(_id(ID, 2)), True, None)
        full = svc.get_student(s, sid)
        assert (full.id_number, full.birth_date) == (_id(ID, 2), dt.date(2005, 1, 1))


@pytest.mark.both_backends
def test_an_unchanged_save_writes_no_personal_change(db: Database) -> None:
    with db.session() as s:
        sid = svc.create_student(s, svc.StudentData("M002", "李四", id_number=_id(ID, 3), phone=PHONE)).ids[0]
    with db.session() as s:
        row = svc.get_student(s, sid)
        svc.update_student(s, sid, svc.StudentData(**{**_data(row), "class_name": "机电2301"}))
    from app.db.models import AuditLog

    with db.reader() as s:
        (last,) = s.scalars(
            select(AuditLog).where(AuditLog.record_id == sid, AuditLog.action == "update")
        ).all()
        assert set(last.changes) == {"class_name"}  # no “***” for a number written back unchanged


def _data(row: svc.StudentRow) -> dict:
    from dataclasses import fields

    return {f.name: getattr(row, f.name) for f in fields(svc.StudentData)}


def test_the_migration_fills_the_copies_and_hides_birth_dates_in_the_audit_trail(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0013")
    engine.dispose()
    with sqlite3.connect(path) as con:
        con.execute(
            "INSERT INTO student (id, student_no, name, gender, id_number, birth_date, class_name, phone, guardian_name,"
            " guardian_phone, note, guardian_relation, guardian_id_number, home_address, emergency_contact,"
            " emergency_phone, created_at, updated_at, version, updated_by) VALUES ('s1', '1', '王五', '男', ?,"
            " '2005-01-01', '', ?, '', '', '', '', '', '湖南省长沙市天心区', '', '', '2026-01-01', '2026-01-01', 1, '')",
            (ID, PHONE),
        )
        con.execute(
            "INSERT INTO audit_log (id, at, os_user, table_name, record_id, action, changes) VALUES"
            " ('a1', '2026-01-01', 'x', 'student', 's1', 'insert', ?), ('a2', '2026-01-02', 'x', 'student', 's1',"
            " 'update', ?)",
            (
                '{"name": "王五", "birth_date": "2005-01-01", "id_number": "***"}',
                '{"birth_date": [null, "2005-01-01"]}',
            ),
        )
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    engine.dispose()
    with sqlite3.connect(path) as con:
        assert con.execute(
            "SELECT id_number_masked, phone_masked, home_address_masked FROM student"
        ).fetchone() == (
            mask_id_number(ID),
            "139****1111",
            "湖南省长沙市****",
        )
        changes = [json.loads(r[0]) for r in con.execute("SELECT changes FROM audit_log ORDER BY id")]
    assert changes == [
        {"name": "王五", "birth_date": "***", "id_number": "***"},
        {"birth_date": [None, "***"]},
    ]


# ------------------------------------------------------------------ users without 学生个人信息 (PostgreSQL)


@pytest.fixture(scope="module")
def college(pg_server, tmp_path_factory: pytest.TempPathFactory):
    with prefixed(pg_server, "personal") as prefix:
        made = set_up_college(
            pg_server,
            f"{prefix}_a",
            tmp_path_factory.mktemp("home"),
            ("wang", EDITOR),
            ("li", READER),
            ("zhao", EDITOR, "--personal-data"),
        )
        admin = made.open()
        try:
            major = _major(admin)
            with admin.session() as s:
                old = svc.create_student(
                    s,
                    svc.StudentData(
                        "P001", "张三", id_number=ID, phone=PHONE, major_id=major, class_name="机电2301"
                    ),
                ).ids[0]
                young = svc.create_student(
                    s,
                    svc.StudentData(
                        "P002", "小明", id_number=YOUNG_ID, major_id=major, class_name="机电2301"
                    ),
                ).ids[0]
                for sid in (old, young):
                    s.add(
                        Internship(
                            student_id=sid,
                            starts_on=dt.date(2026, 7, 1),
                            ends_on=dt.date(2026, 12, 31),
                            status="计划",
                        )
                    )
        finally:
            admin.close()
        made.students = {"old": old, "young": young}  # type: ignore[attr-defined]
        yield made


def _refused(conn: psycopg.Connection, sql: str) -> bool:
    try:
        conn.execute(sql)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def test_the_birth_date_is_personal_and_the_copies_are_not(college: College) -> None:
    with college.connect(college.user("li")) as conn:
        assert _refused(conn, "SELECT birth_date FROM student")
        rows = conn.execute(
            "SELECT student_no, id_number_masked, phone_masked FROM student ORDER BY 1"
        ).fetchall()
        assert rows[0] == ("P001", mask_id_number(ID), "139****1111")
        ages = dict(conn.execute("SELECT s.student_no, a.age FROM internship_start_age a JOIN internship i ON"
                                 " i.id = a.internship_id JOIN student s ON s.id = i.student_id").fetchall())  # fmt: skip
        assert ages == {"P001": 21, "P002": 15}  # the ages, never the dates
        assert conn.execute("SELECT changes::text FROM audit_log WHERE table_name = 'student'").fetchall()
        for (changes,) in conn.execute("SELECT changes::text FROM audit_log WHERE table_name = 'student'"):
            assert "2005" not in changes and "2011" not in changes and PHONE not in changes


def test_a_reader_without_the_grant_lists_opens_and_checks_students(college: College) -> None:
    db = college.open(college.user("li"))
    try:
        with db.reader() as s:
            rows = {r.student_no: r for r in svc.student_rows(s)}
            assert rows["P001"].id_number == mask_id_number(ID) and rows["P001"].phone == "139****1111"
            one = svc.get_student(s, college.students["old"], full=False)
            assert (one.id_number, one.birth_date, one.masked) == (mask_id_number(ID), None, True)
            with pytest.raises(NoPermission, match="学生个人信息"):
                svc.get_student(s, college.students["old"])
            with pytest.raises(NoPermission, match="学生个人信息"):
                svc.student_rows(s, full=True)
        with db.reader() as s:
            mine = [f for f in run_checks(s, dt.date(2026, 6, 1)) if f.rule == "INT-AGE"]
    finally:
        db.close()
    admin = college.open()
    try:
        with admin.reader() as s:
            theirs = [f for f in run_checks(s, dt.date(2026, 6, 1)) if f.rule == "INT-AGE"]
    finally:
        admin.close()
    assert [f.record_id for f in mine] == [f.record_id for f in theirs] and len(mine) == 1  # the same finding
    assert "15周岁" in mine[0].message and "满16周岁" not in mine[0].message.split("15周岁")[1]  # no birthday
    assert "2027年3月7日满16周岁" in theirs[0].message


def test_an_editor_without_the_grant_edits_the_rest_and_keeps_the_personal_values(college: College) -> None:
    sid = college.students["old"]
    db = college.open(college.user("wang"))
    try:
        with db.reader() as s:
            shown = svc.get_student(s, sid, full=False)
        changed = svc.StudentData(**{**_data(shown), "class_name": "机电2302"})  # the masked copies as shown
        with db.session() as s:
            assert svc.check_student(s, changed, exclude_id=sid) == []
            journal = take(journaled(s, lambda: svc.update_student(s, sid, changed), "修改学生"))
        with db.session() as s:
            with pytest.raises(NoPermission, match="学生个人信息"):
                svc.create_student(s, svc.StudentData("P009", "赵六", phone=PHONE))
        with db.session() as s:
            with pytest.raises(NoPermission, match="学生个人信息"):
                reserve_agreement_numbers(s, list(s.scalars(select(Internship.id))))
        with db.session() as s:
            new = svc.create_student(s, svc.StudentData("P010", "赵七", class_name="机电2302")).ids[0]
        with db.session() as s:  # the editor's undo puts back what it changed, and only that
            undo(s, journal)
    finally:
        db.close()
    admin = college.open()
    try:
        with admin.reader() as s:
            after = svc.get_student(s, sid)
            assert (after.id_number, after.phone, after.class_name) == (ID, PHONE, "机电2301")
            assert svc.get_student(s, new).class_name == "机电2302"
    finally:
        admin.close()


def test_what_needs_the_full_values_is_refused_in_words(college: College, tmp_path: Path) -> None:
    from app.docs.internship import write_tripartite_batch
    from app.io.students_xlsx import export_students, read_students, write_student_template
    from app.package.export import export_package
    from app.package.period import period_of

    db = college.open(college.user("li"))
    try:
        with db.reader() as s:
            export_students(s, tmp_path / "masked.xlsx")  # masked: allowed
            with pytest.raises(NoPermission, match="学生个人信息"):
                export_students(s, tmp_path / "full.xlsx", full=True)
            write_student_template(tmp_path / "roster.xlsx")
            with pytest.raises(NoPermission, match="学生个人信息"):
                read_students(s, tmp_path / "roster.xlsx")
            ids = list(s.scalars(select(Internship.id)))
            with pytest.raises(NoPermission, match="学生个人信息"):
                write_tripartite_batch(s, ids, tmp_path / "协议")
    finally:
        db.close()
    db = college.open(college.user("wang"))  # 录入: a package is numbered in sequence (a write)
    try:
        with db.session() as s:
            period = period_of(s, year="2026-2027")
            export_package(s, period, tmp_path / "masked.zip", today=dt.date(2026, 6, 1))
        with db.session() as s:
            with pytest.raises(NoPermission, match="学生个人信息"):
                export_package(
                    s, period, tmp_path / "full.zip", include_personal_data=True, today=dt.date(2026, 6, 1)
                )
    finally:
        db.close()
    assert not (tmp_path / "full.xlsx").exists() and not (tmp_path / "full.zip").exists()
    from openpyxl import load_workbook

    cells = [
        c for row in load_workbook(tmp_path / "masked.xlsx").active.iter_rows(values_only=True) for c in row
    ]
    assert mask_id_number(ID) in cells and ID not in cells


def test_a_user_with_the_grant_reads_the_full_values(college: College) -> None:
    db = college.open(college.user("zhao"))
    try:
        with db.reader() as s:
            assert svc.get_student(s, college.students["old"]).id_number == ID
            assert {r.student_no: r.phone for r in svc.student_rows(s, full=True)}["P001"] == PHONE
    finally:
        db.close()


def test_an_editor_without_the_grant_can_neither_write_nor_probe_personal_data(college: College) -> None:
    """With psql: writing a 身份证号 (whose refusal as a duplicate would confirm a guess) is refused before the
    unique index is asked; the age view shows nothing inside a transaction that has written (no moving an
    internship's first day back and forth to find a birthday)."""
    sid = college.students["old"]
    with college.connect(college.user("wang")) as conn:
        assert _refused(
            conn, f"UPDATE student SET id_number = '{ID}' WHERE id = '{college.students['young']}'"
        )
        assert _refused(conn, "UPDATE student SET phone = '13900000000'")
        assert _refused(
            conn,
            "INSERT INTO student (id, student_no, name, gender, id_number, class_name, phone, guardian_name, "
            "guardian_phone, note, guardian_relation, guardian_id_number, home_address, emergency_contact, "
            "emergency_phone, created_at, updated_at, version, updated_by, id_number_masked, phone_masked, "
            "guardian_phone_masked, guardian_id_number_masked, emergency_phone_masked, home_address_masked) "
            f"VALUES ('probe', 'X1', '试', '', '{ID}', '', '', '', '', '', '', '', '', '', '', now(), now(), 1, "
            "'', '', '', '', '', '', '')",
        )
        conn.execute(f"UPDATE student SET class_name = '机电2399' WHERE id = '{sid}'")  # the rest: allowed
        assert conn.execute("SELECT count(*) FROM internship_start_age").fetchone()[0] == 2
        with conn.transaction(force_rollback=True):
            conn.execute(f"UPDATE internship SET starts_on = '2020-01-01' WHERE student_id = '{sid}'")
            assert conn.execute("SELECT count(*) FROM internship_start_age").fetchone()[0] == 0
