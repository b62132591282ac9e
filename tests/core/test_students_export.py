"""The blank roster template (学号, 身份证号 and phones as text, a 性别 drop-down; filled in, it imports) and the
roster export on the CLI: masked by default, full only with --show-personal-data (refused for other tables)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from app.db.engine import Database
from app.domain.codes import id_check_char
from app.io.students_xlsx import EXPORT_HEADERS, FIELDS_STUDENTS, read_students
from app.services.students import StudentData, create_student
from tests.cli_run import run_cli

BODY = "43010220050312123"
ID = BODY + id_check_char(BODY)
PHONE = "13912345678"


def test_template_keeps_digits_as_text_and_imports_back(db: Database, db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    r = run_cli("template", "students", str(path))
    assert r.returncode == 0 and "学生名册导入模板" in r.stdout
    wb = load_workbook(path)
    ws = wb.active
    headers = [c.value for c in ws[2]]
    assert headers == [aliases[0] for aliases in FIELDS_STUDENTS.values()]
    for f in ("student_no", "id_number", "phone", "guardian_phone"):
        col = headers.index(FIELDS_STUDENTS[f][0]) + 1
        assert ws.cell(row=3, column=col).number_format == "@", f
    gender = [dv for dv in ws.data_validations.dataValidation if dv.formula1 == '"男,女"']
    assert gender and str(gender[0].sqref).startswith("C3:")
    row = {"学号": "2023001", "姓名": "张三", "性别": "男", "身份证号": ID, "手机号": PHONE}
    for col, h in enumerate(headers, start=1):
        if h in row:
            ws.cell(row=3, column=col, value=row[h])
    wb.save(path)
    with db.reader() as s:
        preview = read_students(s, path)
    assert len(preview.valid_rows) == 1 and not preview.rejected_rows
    assert preview.valid_rows[0].data.data.id_number == ID


def test_cli_export_masked_unless_asked(db: Database, db_path: Path, tmp_path: Path) -> None:
    with db.session() as s:
        create_student(
            s, StudentData("2023001", "张三", "男", ID, None, "机电2301", 2023, PHONE, "张父", PHONE)
        )
    db.close()
    masked, full = tmp_path / "名册.xlsx", tmp_path / "完整.xlsx"
    r = run_cli("export", "students", str(masked), "--db", str(db_path))
    assert r.returncode == 0 and "已打码" in r.stdout, r.stderr
    rows = list(load_workbook(masked)["学生名册"].iter_rows(values_only=True))
    assert rows[0] == EXPORT_HEADERS
    assert rows[1][:4] == ("2023001", "张三", "男", ID[:6] + "********" + ID[-4:])
    assert PHONE not in str(rows) and ID not in str(rows) and "139****5678" in rows[1]
    r = run_cli("export", "students", str(full), "--show-personal-data", "--db", str(db_path))
    assert r.returncode == 0 and "不得外传" in r.stdout
    rows = list(load_workbook(full)["学生名册"].iter_rows(values_only=True))
    assert ID in rows[1] and PHONE in rows[1]
    r = run_cli("export", "teachers", str(tmp_path / "t.xlsx"), "--show-personal-data", "--db", str(db_path))
    assert r.returncode == 2 and "只用于 students" in r.stderr


def test_export_masks_the_guardian_id_emergency_phone_and_home_address(db: Database, tmp_path: Path) -> None:
    from app.io.students_xlsx import export_students

    guardian_body = "43010219780506235"
    guardian = guardian_body + id_check_char(guardian_body)
    family = {
        "与学生关系": "母亲",
        "监护人身份证号": guardian,
        "家庭住址": "湖南省长沙市芙蓉区五一大道100号",
        "紧急联系人": "李秀英",
        "紧急联系人电话": "13700002222",
    }
    with db.session() as s:
        create_student(
            s,
            StudentData(
                "2023001",
                "张三",
                guardian_relation="母亲",
                guardian_id_number=guardian,
                home_address=family["家庭住址"],
                emergency_contact="李秀英",
                emergency_phone="13700002222",
            ),
        )
    with db.reader() as s:
        export_students(s, tmp_path / "打码.xlsx")
        export_students(s, tmp_path / "完整.xlsx", full=True)
    masked = list(load_workbook(tmp_path / "打码.xlsx")["学生名册"].iter_rows(values_only=True))
    row = dict(zip(masked[0], masked[1], strict=True))
    assert row["监护人身份证号"] == "430102********" + guardian[-4:]
    assert row["紧急联系人电话"] == "137****2222" and row["家庭住址"] == "湖南省长沙市****"
    assert row["与学生关系"] == "母亲" and row["紧急联系人"] == "李秀英"
    assert guardian not in str(masked) and "五一大道" not in str(masked)
    note = load_workbook(tmp_path / "打码.xlsx")["说明"]["A1"].value
    assert "家庭住址已打码" in note
    full = list(load_workbook(tmp_path / "完整.xlsx")["学生名册"].iter_rows(values_only=True))
    assert {k: v for k, v in zip(full[0], full[1], strict=True) if k in family} == family
    assert list(FIELDS_STUDENTS).index("emergency_phone") < list(FIELDS_STUDENTS).index("note")
