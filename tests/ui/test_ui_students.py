"""学生与就业 in the GUI over a real database: the list masks 身份证号 and phones while the student's form shows
them in full; a wrong 身份证号 is an error at its field, a gender against it only a warning; a roster import with
a 学号 already on file asks first and 否 imports only the new student; delete + undo; the 就业 tab's figures
equal hand-computed values; the employment form parses the salary; the roster export masked and full."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.db.models import Major
from app.domain.codes import id_check_char
from app.services.employment import EmploymentData, employment_rows, save_employment
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.students import StudentData, create_student, get_student, student_rows
from tests.windowing import show_active

pytestmark = pytest.mark.qt

YEAR = 2026


def id_number(birth: str, seq: str) -> str:
    body = f"430102{birth}{seq}"
    return body + id_check_char(body)


MALE = id_number("20040312", "123")  # 17th digit 3: male
FEMALE = id_number("20040701", "124")
PHONE = "13912345678"


@pytest.fixture
def roster(db) -> dict[str, str]:
    """Three students of 机电一体化技术 / 工业机器人技术 and the employment of 2026 for two of them."""
    with db.session() as s:
        save_profile(
            s,
            CollegeProfile(
                "湖南湘麓职业技术学院",
                "机电工程学院",
                (MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术")),),
            ),
        )
    with db.session() as s:
        majors = {m.name: m.id for m in s.scalars(select(Major))}
        ids = {}
        for key, no, name, id_no, major, cls in (
            ("li", "2023001", "李明", MALE, "机电一体化技术", "机电2301"),
            ("wang", "2023002", "王芳", FEMALE, "机电一体化技术", "机电2301"),
            ("zhao", "2023101", "赵强", "", "工业机器人技术", "机器人2301"),
        ):
            data = StudentData(no, name, "", id_no, majors[major], cls, 2023, PHONE, "李建国", "13700001111")
            ids[key] = create_student(s, data).ids[0]
        save_employment(s, EmploymentData(ids["li"], YEAR, "协议就业", None, "三一重工", True, 600000))
        save_employment(s, EmploymentData(ids["wang"], YEAR, "灵活就业", None, "某工作室", False, 0))
        save_employment(s, EmploymentData(ids["zhao"], YEAR, "待就业"))
    return ids


@pytest.fixture
def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)


def students_page(qtbot):
    from ui.pages.students import StudentsPage

    page = StudentsPage()
    qtbot.addWidget(page)
    page.students.reload_now()
    return page


def cell(lst, record_id: str, title: str, role=Qt.ItemDataRole.DisplayRole):
    col = [c.title for c in lst.model.columns].index(title)
    return lst.model.data(lst.model.index(lst.model.row_of(record_id), col), role)


def student_dialog(qtbot, student_id: str | None = None):
    from ui.dialogs.student_dialog import StudentDialog

    d = StudentDialog(None, student_id)
    qtbot.addWidget(d)
    return d


def test_list_masks_personal_data_and_the_form_shows_it(ctx, qtbot, db, roster):
    page = students_page(qtbot)
    lst = page.students
    assert page.title == "学生与就业" and lst.model.rowCount() == 3
    assert cell(lst, roster["li"], "身份证号") == MALE[:6] + "********" + MALE[-4:]
    assert cell(lst, roster["li"], "手机") == "139****5678"
    assert "完整号码只在学生信息表中显示" in cell(lst, roster["li"], "身份证号", Qt.ItemDataRole.ToolTipRole)
    assert cell(lst, roster["li"], "专业") == "机电一体化技术" and cell(lst, roster["li"], "家长") == "李建国"
    d = student_dialog(qtbot, roster["li"])
    assert d.id_number.text() == MALE and d.phone.text() == PHONE
    assert d.guardian_phone.text() == "13700001111"
    assert d.birth_date.text() == "2004-03-12" and d.gender.currentData() == "男"
    assert d.tabs.tabText(3) == "就业（1）" and d.employment_list.table.item(0, 2).text() == "三一重工"
    assert d.employment_list.table.item(0, 5).text() == "6,000.00"


def test_search_filters_and_sort(ctx, qtbot, db, roster):
    page = students_page(qtbot)
    lst = page.students
    lst.search.setText("机器人")
    lst.reload_now()
    assert lst.model.ids() == [roster["zhao"]] and "找到 1 名（共 3 名）" in lst.count_label.text()
    lst.search.setText("")
    lst.major_box.setCurrentIndex(lst.major_box.findText("机电一体化技术"))
    assert [lst.class_box.itemText(i) for i in range(lst.class_box.count())] == ["全部班级", "机电2301"]
    lst.reload_now()
    assert set(lst.model.ids()) == {roster["li"], roster["wang"]}
    lst.major_box.setCurrentIndex(0)
    lst._header_clicked([c.title for c in lst.columns].index("学号"))  # ascending by 学号
    lst._header_clicked([c.title for c in lst.columns].index("学号"))  # then descending
    lst.reload_now()
    assert lst.model.ids() == [roster["zhao"], roster["wang"], roster["li"]]


def test_bad_id_number_shows_its_error_at_the_field(ctx, qtbot, db, roster):
    d = student_dialog(qtbot)
    d.student_no.setText("2023009")
    d.name.setText("陈静")
    d.id_number.setText(MALE[:-1] + ("0" if MALE[-1] != "0" else "1"))
    assert not d.errors["id_number"].isHidden() and "校验位" in d.errors["id_number"].text()
    assert d.birth_date.text() == "—"
    impossible = "43010220050230" + "123"
    d.id_number.setText(impossible + id_check_char(impossible))
    assert d.errors["id_number"].text() == "身份证号中的出生日期不存在"
    d.save()
    assert "出生日期不存在" in d.errors["id_number"].text() and "1 处" in d.message.text()
    with db.reader() as s:
        assert len(student_rows(s)) == 3  # nothing saved
    other = id_number("20040501", "135")  # not MALE: 李明 has that one (the same number twice is refused)
    d.id_number.setText(other.lower())  # lower-case x is fine (here no x), valid
    d.gender.setCurrentIndex(d.gender.findData("女"))  # contradicts the number: a warning only
    assert d.errors["id_number"].isHidden() and not d.warning.isHidden()
    assert "第17位表示男" in d.warning.text()
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.save()
    with db.reader() as s:
        st = get_student(s, d.saved_id)
    assert (st.student_no, st.gender, st.id_number) == ("2023009", "女", other)


def write_roster(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["学号", "姓名", "性别", "身份证号码", "专业", "班级", "入学年份", "联系电话"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def fake_exec(answers: list[str], asked: list[str]):
    """QMessageBox.exec that records the question and clicks the button whose text starts with the answer."""

    def run(box) -> int:
        asked.append(box.text())
        answer = answers.pop(0)
        button = next(b for b in box.buttons() if b.text().startswith(answer))
        button.click()
        return 0

    return run


@pytest.mark.parametrize(("answer", "name_after", "imported"), [("否", "李明", 1), ("是", "李明明", 2)])
def test_roster_import_asks_before_updating(
    ctx, qtbot, db, roster, tmp_path, monkeypatch, answer, name_after, imported
):
    from app.io.students_xlsx import read_students
    from ui.students_io import StudentImportDialog

    src = write_roster(
        tmp_path / "名册.xlsx",
        [["2023001", "李明明", "男", MALE, "机电一体化技术", "机电2301", "2023级", PHONE],
         ["2023010", "周婷", "女", FEMALE.replace("124", "224")[:-1] + id_check_char(FEMALE.replace("124", "224")[:-1]),
          "工业机器人技术", "机器人2301", 2023, "13800000000"]],
    )  # fmt: skip
    with db.reader() as s:
        preview = read_students(s, src)
    asked: list[str] = []
    infos: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", fake_exec([answer], asked))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: infos.append(text))
    d = StudentImportDialog(None, src, preview, "students")
    qtbot.addWidget(d)
    assert d.import_button.text() == "导入 2 名学生"
    with qtbot.waitSignal(ctx.changes_applied, timeout=10000):
        d.do_import()
    assert asked == ["1 名学生已在名册中（学号相同），是否用文件中的信息更新？"]
    assert infos[0].startswith(f"已导入 {imported} 名学生。")
    with db.reader() as s:
        rows = {r.student_no: r for r in student_rows(s)}
    assert rows["2023001"].name == name_after and rows["2023010"].name == "周婷" and len(rows) == 4


def test_roster_import_cancelled_at_the_question(ctx, qtbot, db, roster, tmp_path, monkeypatch):
    from app.io.students_xlsx import read_students
    from ui.students_io import StudentImportDialog

    src = write_roster(tmp_path / "名册.xlsx", [["2023001", "李明明", "男", MALE, "", "", "", ""]])
    with db.reader() as s:
        preview = read_students(s, src)
    monkeypatch.setattr(QMessageBox, "exec", fake_exec(["取消"], []))
    d = StudentImportDialog(None, src, preview, "students")
    qtbot.addWidget(d)
    d.do_import()
    ctx.wait()
    assert d.import_button.isEnabled() and d.result() == 0
    with db.reader() as s:
        assert get_student(s, roster["li"]).name == "李明"


def test_delete_and_undo(ctx, qtbot, db, roster, yes):
    page = students_page(qtbot)
    lst = page.students
    lst.select_ids([roster["wang"]])
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        lst.delete_selected()
    qtbot.waitUntil(lambda: lst.model.rowCount() == 2, timeout=5000)
    assert lst.undo_bar.label.text() == "已删除 1 名学生到回收站。"
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        lst.undo_bar.button.click()
    qtbot.waitUntil(lambda: lst.model.rowCount() == 3, timeout=5000)


def test_enter_opens_and_open_student_clears_filters(ctx, qtbot, db, roster, monkeypatch):
    from ui.dialogs.student_dialog import StudentDialog

    opened: list[str | None] = []
    monkeypatch.setattr(StudentDialog, "exec", lambda d: opened.append(d.student_id) or 0)
    page = students_page(qtbot)
    show_active(qtbot, page)
    lst = page.students
    lst.select_ids([roster["zhao"]])
    lst.table.setFocus()
    qtbot.keyClick(lst.table, Qt.Key.Key_Return)
    assert opened == [roster["zhao"]]
    lst.search.setText("王芳")
    lst.reload_now()
    page.open_student(roster["li"])
    assert opened[-1] == roster["li"] and lst.search.text() == "" and lst.model.rowCount() == 3
    assert page.new_text == "新建学生…"
    page.tabs.setCurrentIndex(1)
    assert page.new_text == "新建就业记录…"


def test_employment_tab_figures_equal_hand_computed(ctx, qtbot, db, roster):
    page = students_page(qtbot)
    view = page.show_employment(YEAR)
    view.reload_now()
    # 机电: 李明 协议就业 对口 6000, 王芳 灵活就业 不对口 no pay → 2 graduates, 2 employed, 1/2 对口, 6000
    # 机器人: 赵强 待就业 → 1 graduate, 0 employed, no employer (“—”), no pay (“—”)
    assert view.figures.rowCount() == 3
    assert view.figures.texts(0) == ["工业机器人技术", "1", "0", "0.0%", "0", "—", "—"]
    assert view.figures.texts(1) == ["机电一体化技术", "2", "2", "100.0%", "1", "50.0%", "6,000.00"]
    assert view.figures.texts(2) == ["合计", "3", "2", "66.7%", "1", "50.0%", "6,000.00"]
    assert view.figures.item(2, 0).font().bold()
    tip = view.figures.horizontalHeaderItem(5).toolTip()
    assert "对口人数 ÷ 有就业单位的人数" in tip
    assert view.table.rowCount() == 3 and "3 条" in view.records_label.text()
    view.set_year(2030)
    view.reload_now()
    assert view.stack.currentWidget() is view.empty and view.figures_box.isHidden()


def test_employment_form_parses_salary_and_shows_errors(ctx, qtbot, db, roster):
    from ui.dialogs.employment_dialog import EmploymentDialog

    d = EmploymentDialog(None, year=2025)
    qtbot.addWidget(d)
    d.save()
    assert "请选择学生" in d.errors["student_id"].text()
    d.student.search_now("赵强")
    d.student.add_selected()
    assert d.student_id() == roster["zhao"]
    d.status.setCurrentText("协议就业")
    d.salary.setText("五千")
    d.save()
    assert "无法识别的金额" in d.errors["monthly_salary_fen"].text()
    d.salary.setText("¥5,200.50")
    d.save()
    assert "须填写就业单位" in d.errors["employer_name"].text()
    d.employer.setText("湖南华曙高科技股份有限公司")
    d.related.setChecked(True)
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.save()
    with db.reader() as s:
        rec = next(r for r in employment_rows(s, year=2025))
    assert (rec.student_id, rec.monthly_salary_fen, rec.related, rec.employer_name) == (
        roster["zhao"], 520050, True, "湖南华曙高科技股份有限公司"
    )  # fmt: skip


def test_roster_export_masked_and_full(ctx, qtbot, db, roster, tmp_path, monkeypatch):
    from ui import files, students_io

    done: list[str] = []
    monkeypatch.setattr(files, "offer_open", lambda _p, path, text: done.append(text))
    masked, full = tmp_path / "名册.xlsx", tmp_path / "完整.xlsx"
    page = students_page(qtbot)
    students_io.export_students_file(page, masked, full=False)
    qtbot.waitUntil(lambda: len(done) == 1, timeout=10000)
    students_io.export_students_file(page, full, full=True)
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10000)
    assert "已打码" in done[0] and "不得外传" in done[1]

    def cells(path: Path) -> list[str]:
        wb = load_workbook(path)
        return [str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None]

    hidden = cells(masked)
    assert not any(MALE in v or FEMALE in v or PHONE in v or "13700001111" in v for v in hidden)
    assert MALE[:6] + "********" + MALE[-4:] in hidden and "139****5678" in hidden
    shown = cells(full)
    assert MALE in shown and FEMALE in shown and PHONE in shown and "13700001111" in shown
    ws = load_workbook(full)["学生名册"]
    id_cell = next(c for c in ws["D"] if c.value == MALE)
    assert id_cell.data_type == "s"  # text: Excel keeps all 18 digits


def test_export_dialog_confirms_full_data(ctx, qtbot, db, roster, monkeypatch):
    from ui.students_io import ExportStudentsDialog

    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    warned: list[str] = []

    def warning(_p, _t, text, *a, **k):
        warned.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "warning", warning)
    d = ExportStudentsDialog(None)
    qtbot.addWidget(d)
    assert not d.full.isChecked()
    d.full.setChecked(True)
    d.accept()
    assert d.result() == 0 and "个人信息保护法" in warned[0]
    d.accept()
    assert d.result() == 1 and len(warned) == 2


def test_form_shows_a_taken_id_number_and_bad_phones_at_their_fields(ctx, qtbot, db, roster):
    """The same 身份证号 for two students and phones like 1391234567 were accepted (#22)."""
    d = student_dialog(qtbot)
    d.student_no.setText("2023009")
    d.name.setText("李明二")
    d.id_number.setText(MALE)  # 李明's
    d.phone.setText("1391234567")
    d.guardian_phone.setText("12345678901234")
    d.save()
    assert (
        d.errors["id_number"].text()
        == "身份证号与已有学生“李明”（学号2023001）相同，同一人不能登记两次，请核对"
    )
    assert d.errors["phone"].text().startswith("手机号格式不对")
    assert d.errors["guardian_phone"].text().startswith("家长电话格式不对")
    assert "1391234567" not in d.message.text() and "3 处" in d.message.text()
    with db.reader() as s:
        assert len(student_rows(s)) == 3  # nothing saved


def test_roster_preview_says_which_rows_are_hidden(ctx, qtbot, db, roster, tmp_path):
    from app.io.students_xlsx import read_students
    from ui.students_io import StudentImportDialog

    src = write_roster(
        tmp_path / "筛选后的名册.xlsx",
        [["2023020", "孙悦", "", "", "", "", "", ""], ["2023021", "周密", "", "", "", "", "", ""],
         ["2023022", "吴桐", "", "", "", "", "", ""]],
    )  # fmt: skip
    wb = load_workbook(src)
    wb.active.row_dimensions[3].hidden = True  # 周密, filtered out in Excel
    wb.save(src)
    with db.reader() as s:
        preview = read_students(s, src)
    d = StudentImportDialog(None, src, preview, "students")
    qtbot.addWidget(d)
    assert not d.notices.isHidden()
    assert "第 3 行（共 1 行）在 Excel 中是隐藏的" in d.notices.text()
    assert d.import_button.text() == "导入 3 名学生"  # imported like the others, after being told
    status = d.model.data(d.model.index(1, 1))
    problems = d.model.data(d.model.index(1, d.model.problem_column))
    assert status == "提示" and "[隐藏行]" in problems


def test_roster_rows_with_problems_are_saved_masked_and_say_to_fix_the_original(
    ctx, qtbot, db, roster, tmp_path, monkeypatch
):
    """The roster preview shows 身份证号 and phones masked, so the rows it saves are for finding them in the
    original file: the message says so instead of “改正后可再导入这个文件”."""
    from openpyxl import load_workbook

    from app.io.students_xlsx import read_students
    from ui import files
    from ui.students_io import StudentImportDialog

    src = write_roster(
        tmp_path / "名册.xlsx", [["2023020", "赵磊", "男", MALE[:-1] + "0", "", "", "", PHONE]]
    )
    with db.reader() as s:
        preview = read_students(s, src)
    d = StudentImportDialog(None, src, preview, "students")
    qtbot.addWidget(d)
    target = tmp_path / "有问题的行.xlsx"
    said: list[str] = []
    monkeypatch.setattr(files, "ask_save", lambda *a, **k: target)
    monkeypatch.setattr(files, "offer_open", lambda _p, _path, text: said.append(text))
    assert d.export_problems() == target
    assert (
        "已把 1 行" in said[0]
        and "已打码" in said[0]
        and "原文件" in said[0]
        and "改正后可再导入这个文件" not in said[0]
    )
    cells = [c.value for row in load_workbook(target).active.iter_rows() for c in row]
    assert MALE[:-1] + "0" not in cells and PHONE not in cells  # never the full number in the saved file
