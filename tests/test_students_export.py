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
