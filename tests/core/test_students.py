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
from app.domain.phones import LANDLINE_RULE
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


def test_import_rechecks_in_its_write_transaction(db: Database, tmp_path: Path) -> None:
    """Between the preview and the write another user added one of the file's 学号 and gave another student
    one of its 身份证号: the import writes nothing and says which rows (issue #22, finding 6)."""
    from app.errors import AppError

    path = _roster(
        tmp_path / "名册.xlsx", [["2023001", "张三"], ["2023002", "李四", "", FEMALE_ID], ["2023003", "王五"]]
    )
    with db.reader() as s:
        preview = read_students(s, path)
    assert len(preview.valid_rows) == 3
    with db.session() as s:
        create_student(s, StudentData(student_no="2023001", name="张三（另一人录入）"))
        create_student(s, StudentData(student_no="2024009", name="赵六", id_number=FEMALE_ID))
    with pytest.raises(AppError) as e, db.session() as s:
        import_students(s, preview)
    assert "未导入任何数据" in e.value.message
    assert "第3行学号“2023001”已由另一个导入或另一位用户先添加" in e.value.message
    assert "第4行的身份证号已登记给学生“赵六”（学号2024009）" in e.value.message
    assert FEMALE_ID not in e.value.message
    with db.reader() as s:
        assert sorted(s.scalars(select(Student.student_no))) == ["2023001", "2024009"]


# ---------------------------------------------------------------- #22: ID numbers twice, phones, lengths


def test_the_same_id_number_for_two_students_is_refused_naming_the_other(db: Database) -> None:
    with db.session() as s:
        first = create_student(s, StudentData("2023001", "张三", id_number=MALE_ID)).ids[0]
    with db.session() as s, pytest.raises(ValidationErrors) as e:
        create_student(s, StudentData("2023002", "张三丰", id_number=MALE_ID.lower()))
    [error] = e.value.errors
    assert error.field == "id_number" and "“张三”（学号2023001）" in error.message
    assert MALE_ID not in error.message and MALE_ID[-4:] not in error.message
    with db.session() as s:  # its own number, saved again, is no clash
        update_student(s, first, StudentData("2023001", "张三", class_name="机电2301", id_number=MALE_ID))
        delete_students(s, [first])
        create_student(s, StudentData("2023002", "张三丰", id_number=MALE_ID))  # the first is in the 回收站
    with db.session() as s, pytest.raises(Exception, match="身份证号与已有学生“张三丰”（学号2023002）相同"):
        restore_students(s, [first])


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("phone", "1391234567", "手机号格式不对"),  # 10 digits
        ("phone", "12345678901234", "手机号格式不对"),
        ("phone", "0731-84567890", "手机号格式不对"),  # a student's own phone is a mobile
        ("guardian_phone", "12345678901234", "家长电话格式不对"),
        ("guardian_phone", "1391234567", "家长电话格式不对"),
        ("guardian_phone", "84567890", "家长电话格式不对"),  # a landline needs its area code
    ],
)
def test_bad_phones_are_refused_without_repeating_the_number(
    db: Database, field: str, value: str, words: str
) -> None:
    with db.session() as s, pytest.raises(ValidationErrors) as e:
        create_student(s, StudentData("2023001", "张三", **{field: value}))
    [error] = e.value.errors
    assert error.field == field and words in error.message and value not in error.message


def test_good_phones_are_accepted(db: Database) -> None:
    with db.session() as s:
        for n, (phone, guardian) in enumerate(
            [
                ("13912345678", "0731-84567890"),
                ("139 1234 5678", "（0731）8456 7890转12"),
                ("+86 139-1234-5678", "13800001111"),
            ]  # fmt: skip
        ):
            create_student(s, StudentData(f"202300{n}", "张三", phone=phone, guardian_phone=guardian))


def test_a_note_over_its_limit_is_refused_and_nothing_is_stored(db: Database) -> None:
    """A 10 MB 备注 was stored whole, copied into the audit trail, and cut silently on export."""
    with db.session() as s, pytest.raises(ValidationErrors) as e:
        create_student(s, StudentData("2023001", "张三", note="备" * 10 * 2**20))
    assert [(x.field, x.message) for x in e.value.errors] == [
        ("note", "备注过长（最多2000字，现有10485760字）")
    ]
    with db.reader() as s:
        assert s.scalars(select(Student)).all() == [] and s.scalars(select(AuditLog)).all() == []
    with db.session() as s:
        create_student(s, StudentData("2023001", "张三", note="备" * 2000, class_name="班" * 50))
    with db.session() as s, pytest.raises(ValidationErrors, match="班级过长（最多50字，现有51字）"):
        create_student(s, StudentData("2023002", "李四", class_name="班" * 51))


def test_roster_import_checks_id_numbers_twice_and_phones(
    db: Database, majors: dict[str, str], tmp_path: Path
) -> None:
    with db.session() as s:
        create_student(s, StudentData("2022001", "老张", id_number=FEMALE_ID))
        create_student(s, StudentData("2023001", "张三", id_number=MALE_ID))
    other = id_number("20050101", "135")
    path = _roster(
        tmp_path / "名册.xlsx",
        [
            ["2023001", "张三", "", MALE_ID, "", "", "", "", "", ""],  # updates 张三: his own number
            ["2023002", "李四", "", other, "", "", "", "", "", ""],
            ["2023003", "王五", "", other.lower(), "", "", "", "", "", ""],  # as 李四's, row 4
            ["2023004", "赵六", "", FEMALE_ID, "", "", "", "", "", ""],  # as 老张's in the database
            ["2023005", "钱七", "", "", "", "", "", "1391234567", "", "12345678901234"],
        ],
    )
    with db.reader() as s:
        preview = read_students(s, path)
    assert [r.row for r in preview.valid_rows] == [3, 4]
    errors = [(e.row, e.column, e.message) for e in preview.errors]
    assert errors == [
        (5, "身份证号码", "身份证号与第4行相同，同一人不能登记两次，请核对"),
        (6, "身份证号码", "身份证号与已有学生“老张”（学号2022001）相同，同一人不能登记两次，请核对"),
        (7, "联系电话", "手机号格式不对：应为以1开头的11位手机号码"),
        (7, "家长联系电话", f"家长电话格式不对：{LANDLINE_RULE}"),
    ]
    messages = " ".join(m for *_rc, m in errors)
    assert all(n not in messages for n in (other, FEMALE_ID, "1391234567", "12345678901234"))


# ---------------------------------------------------------------- 家庭与监护人 (issue 17: 三方协议 丙方 and 监护人)

GUARDIAN_ID = id_number("19780506", "235")
FAMILY = dict(
    guardian_name="张建国",
    guardian_relation="父亲",
    guardian_id_number=GUARDIAN_ID,
    guardian_phone="13800001111",
    home_address="湖南省长沙市芙蓉区五一大道100号3栋201",
    emergency_contact="李秀英",
    emergency_phone="0731-84567890",
)


def test_family_fields_saved_shown_in_full_only_in_the_form_and_never_audited(db: Database) -> None:
    with db.session() as s:
        sid = create_student(s, StudentData("2023001", "张三", id_number=MALE_ID, **FAMILY)).ids[0]
    with db.reader() as s:
        full = get_student(s, sid)
        row = student_rows(s)[0]
        audit = " ".join(json.dumps(a.changes, ensure_ascii=False) for a in s.scalars(select(AuditLog)))
    assert {k: getattr(full, k) for k in FAMILY} == FAMILY
    assert row.guardian_id_number == "430102********" + GUARDIAN_ID[-4:]
    assert row.emergency_phone == "073*-****7890" and row.home_address == "湖南省长沙市****"
    assert row.guardian_relation == "父亲" and row.emergency_contact == "李秀英"
    for secret in (GUARDIAN_ID, "84567890", "五一大道"):
        assert secret not in audit


def test_family_fields_are_checked_with_chinese_messages(db: Database) -> None:
    wrong = GUARDIAN_ID[:-1] + ("0" if GUARDIAN_ID[-1] != "0" else "1")
    cases = {
        "guardian_id_number": (dict(guardian_id_number=wrong), "监护人身份证号校验位不符，请核对"),
        "emergency_phone": (dict(emergency_phone="12345"), f"紧急联系人电话格式不对：{LANDLINE_RULE}"),
        "home_address": (
            dict(home_address="湖南省长沙市****"),
            "家庭住址是打码后的内容（含“**”），请填写完整住址",
        ),
        "guardian_relation": (dict(guardian_relation="关" * 21), "与学生关系过长（最多20字，现有21字）"),
    }
    for field, (values, message) in cases.items():
        with pytest.raises(ValidationErrors) as exc, db.session() as s:
            create_student(s, StudentData("2023001", "张三", **values))
        assert [(e.field, e.message) for e in exc.value.errors] == [(field, message)]
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_student(
            s, StudentData("2023001", "张三", id_number=MALE_ID, guardian_id_number=MALE_ID.lower())
        )
    assert [e.message for e in exc.value.errors] == ["监护人身份证号与学生本人的相同，请核对"]


def test_roster_import_reads_the_family_columns_by_their_aliases(
    db: Database, majors: dict[str, str], tmp_path: Path
) -> None:
    header = [
        "学号",
        "姓名",
        "监护人",
        "监护人关系",
        "家长身份证号码",
        "家庭地址",
        "紧急联系人姓名",
        "紧急联系电话",
    ]
    path = _roster(
        tmp_path / "名册.xlsx",
        [
            [
                "2023001",
                "张三",
                "张建国",
                "父亲",
                GUARDIAN_ID.lower(),
                FAMILY["home_address"],
                "李秀英",
                "0731-84567890",
            ],
            ["2023002", "李四", "李父", "父亲", 430102197805062351, "", "", ""],
            ["2023003", "王五", "", "", GUARDIAN_ID[:-1] + "0", "", "", "12345"],
        ],
        header=header,
    )
    with db.reader() as s:
        preview = read_students(s, path)
    assert len(preview.valid_rows) == 1
    errors = {(e.row, e.column): e.message for e in preview.errors}
    assert (
        errors[(4, "家长身份证号码")].startswith("监护人身份证号") and "数字" in errors[(4, "家长身份证号码")]
    )
    assert errors[(5, "紧急联系电话")].startswith("紧急联系人电话格式不对")
    with db.session() as s:
        import_students(s, preview)
    with db.reader() as s:
        st = s.scalars(select(Student)).one()
        stored = (st.guardian_relation, st.guardian_id_number, st.home_address, st.emergency_phone)
    assert stored == ("父亲", GUARDIAN_ID, FAMILY["home_address"], "0731-84567890")
