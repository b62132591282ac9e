"""Students: validation (GB 11643 ID numbers, 学号 unique), masking, and the roster import from real .xlsx files
with messy headers, Excel-mangled ID numbers and updates by 学号 only after confirmation (real SQLite)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.db.engine import Database
from app.db.models import AuditLog, Major, Student
from app.domain.codes import id_check_char
from app.domain.privacy import mask_id_number, mask_phone
from app.errors import ValidationErrors
from app.io.students_xlsx import existing_count, import_students, read_students
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.students import (
    StudentData,
    classes,
    create_student,
    delete_students,
    get_student,
    restore_students,
    student_rows,
    update_student,
)
from tests.cli_run import run_cli

PROFILE = CollegeProfile(
    "湖南湘麓职业技术学院",
    "机电工程学院",
    (MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术")),),
)


def id_number(birth: str, seq: str = "123") -> str:
    """A valid 18-digit number born on `birth` (YYYYMMDD); seq's last digit odd = male."""
    body = f"430102{birth}{seq}"
    return body + id_check_char(body)


MALE_ID = id_number("20050312", "123")  # 3 odd: male
FEMALE_ID = id_number("20060101", "124")


@pytest.fixture
def majors(db: Database) -> dict[str, str]:
    with db.session() as s:
        save_profile(s, PROFILE)
    with db.reader() as s:
        return {m.name: m.id for m in s.scalars(select(Major))}


def test_masks() -> None:
    assert mask_id_number("430102199001011234") == "430102********1234"
    assert mask_id_number("123") == "***"
    assert mask_phone("13900000000") == "139****0000"


def test_create_with_id_fills_birth_and_gender(db: Database, majors: dict[str, str]) -> None:
    with db.session() as s:
        c = create_student(
            s, StudentData("2023001", "张三", id_number=MALE_ID.lower(), major_id=majors["机电一体化技术"])
        )
    with db.reader() as s:
        st = s.get(Student, c.ids[0])
        assert st.id_number == MALE_ID  # a lower-case x would be upper-cased
        assert st.birth_date == dt.date(2005, 3, 12)
        assert st.gender == "男"


def test_id_errors_and_gender_warning(db: Database) -> None:
    wrong_check = MALE_ID[:17] + ("0" if MALE_ID[17] != "0" else "1")
    bad_date = "430102" + "20050230" + "123"
    bad_date += id_check_char(bad_date)
    for bad, words in ((wrong_check, "校验位"), (bad_date, "出生日期"), ("43010220050312", "18位")):
        with db.session() as s, pytest.raises(ValidationErrors) as e:
            create_student(s, StudentData("1", "甲", id_number=bad))
        assert words in str(e.value)
        assert e.value.errors[0].field == "id_number"
    with db.session() as s:
        c = create_student(s, StudentData("2", "乙", gender="女", id_number=MALE_ID))
    assert "不符" in c.warnings[0]


def test_student_no_unique_and_restore(db: Database) -> None:
    with db.session() as s:
        first = create_student(s, StudentData("2023001", "张三")).ids[0]
    with db.session() as s, pytest.raises(ValidationErrors) as e:
        create_student(s, StudentData(" 2023001 ", "李四"))
    assert "已被其他学生使用" in str(e.value)
    with db.session() as s:
        delete_students(s, [first])
        create_student(s, StudentData("2023001", "李四"))
    with db.session() as s, pytest.raises(Exception, match="已被其他学生使用"):
        restore_students(s, [first])


def test_lists_mask_and_the_form_shows_full(db: Database) -> None:
    with db.session() as s:
        sid = create_student(
            s,
            StudentData(
                "2023001", "张三", id_number=MALE_ID, phone="13912345678", guardian_phone="13800001111"
            ),
        ).ids[0]
        update_student(
            s,
            sid,
            StudentData(
                "2023001",
                "张三",
                id_number=MALE_ID,
                phone="13912345678",
                guardian_phone="13800001111",
                class_name="机电2301",
            ),
        )
    with db.reader() as s:
        row = student_rows(s)[0]
        assert row.id_number == mask_id_number(MALE_ID) and row.phone == "139****5678"
        assert row.guardian_phone == "138****1111"
        full = get_student(s, sid)
        assert full.id_number == MALE_ID and full.phone == "13912345678"
        assert [c.class_name for c in classes(s)] == ["机电2301"]
        audit = " ".join(json.dumps(a.changes, ensure_ascii=False) for a in s.scalars(select(AuditLog)))
    assert MALE_ID not in audit and "13912345678" not in audit


def _roster(path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["机电工程学院 2023级学生名册"])
    ws.append(
        header
        or [
            "学号",
            "姓名",
            "性别",
            "身份证号码",
            "专业",
            "班级",
            "年级",
            "联系电话",
            "监护人",
            "家长联系电话",
        ]
    )
    for r in rows:
        ws.append(r)
    ws.append(["合计", "3人"])
    wb.save(path)
    return path


def test_roster_import(db: Database, majors: dict[str, str], tmp_path: Path) -> None:
    path = _roster(
        tmp_path / "名册.xlsx",
        [
            [
                "2023001",
                "张三",
                "男",
                MALE_ID.lower(),
                "机电一体化技术",
                "机电2301",
                "2023级",
                13912345678,
                "张父",
                "13800001111",
            ],
            ["2023002", "李四", "男", FEMALE_ID, "机电一体化技术", "机电2301", "2023", "", "", ""],
            [2023003, "王五", "", 430102200501011234.0, "机电一体化技术", "机电2301", 2023, "", "", ""],
            ["2023004", "赵六", "", "", "不存在专业", "机电2301", "23级", "", "", ""],
            ["2023001", "重复", "", "", "", "", "", "", "", ""],
        ],
    )
    with db.reader() as s:
        preview = read_students(s, path)
    assert preview.header_row == 2
    assert len(preview.valid_rows) == 2
    by_row = {e.row: e for e in preview.errors}
    assert "存成了数字" in by_row[5].message and by_row[5].column == "身份证号码"
    assert {e.column for e in preview.errors if e.row == 6} == {"专业", "年级"}
    assert "与第3行重复" in by_row[7].message
    assert any("不符" in w.message and w.row == 4 for w in preview.warnings)
    with db.session() as s:
        changes = import_students(s, preview)
    assert changes.count == 2
    with db.reader() as s:
        st = s.scalars(select(Student).where(Student.student_no == "2023001")).one()
        assert st.phone == "13912345678" and st.entry_year == 2023 and st.guardian_name == "张父"


def test_roster_update_needs_confirmation(db: Database, majors: dict[str, str], tmp_path: Path) -> None:
    with db.session() as s:
        create_student(s, StudentData("2023001", "张三", class_name="旧班"))
    path = _roster(tmp_path / "r.xlsx", [["2023001", "张三", "", "", "", "新班", "", "", "", ""]])
    with db.reader() as s:
        preview = read_students(s, path)
    assert existing_count(preview) == 1
    with db.session() as s:
        changes = import_students(s, preview)
    assert changes.count == 0 and "未更新" in changes.warnings[-1]
    with db.session() as s:
        import_students(s, preview, update_existing=True)
    with db.reader() as s:
        assert s.scalars(select(Student.class_name)).all() == ["新班"]


def test_cli_import_students(db: Database, db_path: Path, majors: dict[str, str], tmp_path: Path) -> None:
    db.close()
    path = _roster(
        tmp_path / "r.xlsx",
        [
            ["2023001", "张三", "", MALE_ID, "", "机电2301", "", "", "", ""],
            ["2023002", "李四", "", "123", "", "", "", "", "", ""],
        ],
    )
    r = run_cli("import", "students", str(path), "--json", "--db", str(db_path))
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert out["imported"] == 1 and out["rejected"] == 1 and out["errors"][0]["row"] == 4
    r = run_cli("--db", str(db_path), "students", "list", "--json")
    rows = json.loads(r.stdout)
    assert rows[0]["id_number"] == mask_id_number(MALE_ID)
    r = run_cli("--db", str(db_path), "students", "list", "--json", "--show-personal-data")
    assert json.loads(r.stdout)[0]["id_number"] == MALE_ID


def test_roster_with_merged_title_and_class_merged_down(
    db: Database, majors: dict[str, str], tmp_path: Path
) -> None:
    """Rosters often merge the title across the sheet and 班级 / 专业 down over their students (read-only
    openpyxl does not say so: the import reads the merged ranges itself)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["2023级机电一体化技术专业学生名册"])
    ws.merge_cells("A1:E1")
    ws.append(["学号", "姓名", "身份证号", "专业", "班级"])
    ws.append(["2023001", "张三", MALE_ID, "机电一体化技术", "机电2301"])
    ws.append(["2023002", "李四", "", None, None])
    ws.append(["2023003", "王五", "", None, None])
    ws.append(["2023004", "赵六", "", "工业机器人技术", "机器人2301"])
    ws.merge_cells("D3:D5")
    ws.merge_cells("E3:E5")
    ws.append(["备注：本表由教务处导出"])
    ws.merge_cells("A7:E7")
    path = tmp_path / "合并单元格名册.xlsx"
    wb.save(path)
    with db.reader() as s:
        preview = read_students(s, path)
    assert preview.header_row == 2 and not preview.errors
    classes = [(r.data.data.student_no, r.data.data.class_name) for r in preview.valid_rows]
    assert classes == [("2023001", "机电2301"), ("2023002", "机电2301"), ("2023003", "机电2301"),
                       ("2023004", "机器人2301")]  # fmt: skip
    assert {r.data.data.major_id for r in preview.valid_rows[:3]} == {majors["机电一体化技术"]}
