"""师资队伍 in the GUI over a real database: a teacher created through the form (errors of the service shown at
their fields first), the days missing in red and the 只看实践不足 filter, an overlapping practice period added
through its form counted once in the summary, the industry teacher's exemption, delete + undo, Enter opening
the form, the 工作台's open_teacher, and the import previews of real .xlsx files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services import teachers as svc
from app.services.choices import Choice
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from tests.windowing import show_active

pytestmark = pytest.mark.qt

TODAY = dt.date.today()  # the day each test runs (tests/conftest.py: _today_is_today)
TODAY_IS_TODAY = True


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.fixture
def staff(db) -> dict[str, str]:
    with db.session() as s:
        save_profile(
            s,
            CollegeProfile(
                "湖南湘麓职业技术学院",
                "机电工程学院",
                (MajorGroupInfo("智能制造专业群", ("机电一体化技术",)),),
            ),
        )
        met = svc.create_teacher(s, svc.TeacherData(name="李明", staff_no="T001", is_dual=True)).ids[0]
        short = svc.create_teacher(s, svc.TeacherData(name="王强", staff_no="T002")).ids[0]
        industry = svc.create_teacher(s, svc.TeacherData(name="赵工", kind="产业")).ids[0]
        svc.add_practice(s, svc.PracticeData(met, ago(400), ago(201), unit_name="某厂"))  # 200 days
        svc.add_practice(s, svc.PracticeData(short, ago(200), ago(81), unit_name="某所"))  # 120 days
    return {"met": met, "short": short, "industry": industry}


@pytest.fixture
def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)


def teachers_page(qtbot):
    from ui.pages.teachers import TeachersPage

    page = TeachersPage()
    qtbot.addWidget(page)
    page.reload_now()
    return page


def on_screen(qtbot, page) -> None:
    """Shown and active, the keyboard in the list (the table's Enter and Delete are widget shortcuts)."""
    show_active(qtbot, page)
    page.table.setFocus()


def teacher_dialog(qtbot, teacher_id: str | None = None):
    from ui.dialogs.teacher_dialog import TeacherDialog

    d = TeacherDialog(None, teacher_id)
    qtbot.addWidget(d)
    return d


def cell(page, record_id: str, title: str, role=Qt.ItemDataRole.DisplayRole):
    col = [c.title for c in page.model.columns].index(title)
    return page.model.data(page.model.index(page.model.row_of(record_id), col), role)


def test_create_through_the_form_with_errors_at_their_fields(ctx, qtbot, db, staff):
    d = teacher_dialog(qtbot)
    assert not d.tabs.isTabEnabled(1)  # practice after saving
    d.save()
    assert d.errors["name"].text() == "姓名不能为空" and not d.errors["name"].isHidden()
    assert d.errors["staff_no"].text() == "专任教师须填写工号" and "2 处" in d.message.text()
    d.name.setText("陈湘君")
    d.staff_no.setText("t001")  # 李明's, compared case-insensitively
    d.save()
    assert d.errors["name"].isHidden() and "已被其他教师使用" in d.errors["staff_no"].text()
    d.staff_no.setText("T003")
    d.major.setCurrentIndex(d.major.findText("机电一体化技术"))
    d.is_dual.setChecked(True)
    d.dual_certificate.setText("高级电工职业资格证书")
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.save()
    with db.reader() as s:
        t = svc.get_teacher(s, d.saved_id)
    assert (t.name, t.staff_no, t.kind, t.major_name, t.is_dual, t.dual_certificate) == (
        "陈湘君", "T003", "专任", "机电一体化技术", True, "高级电工职业资格证书"
    )  # fmt: skip


def test_industry_teacher_fields_and_exemption(ctx, qtbot, db, staff):
    d = teacher_dialog(qtbot, staff["industry"])
    assert d.kind.currentData() == "产业" and not d.industry.isHidden()
    assert d.summary.text().startswith("产业教师不适用")
    d.kind.setCurrentIndex(d.kind.findData("专任"))
    assert d.industry.isHidden() and "尚缺 180 天" in d.summary.text()
    d.kind.setCurrentIndex(d.kind.findData("产业"))
    d.hours.setValue(64)
    d.courses.setText("新能源汽车电池管理")
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.save()
    with db.reader() as s:
        t = svc.get_teacher(s, staff["industry"])
    assert (t.hours_taught, t.courses, t.staff_no) == (64, "新能源汽车电池管理", "")


def test_missing_days_in_red_and_the_short_filter(ctx, qtbot, db, staff):
    page = teachers_page(qtbot)
    assert page.model.rowCount() == 3 and page.count_label.text() == "共 3 名教师"
    assert cell(page, staff["short"], "尚缺") == "60 天"
    assert cell(page, staff["short"], "尚缺", Qt.ItemDataRole.ForegroundRole).name() == "#c42b1c"
    assert cell(page, staff["short"], "近五年企业实践") == "120 天（4个月）"
    assert cell(page, staff["met"], "尚缺") == "已满足"
    assert cell(page, staff["industry"], "尚缺") == "—"
    assert "统计区间" in cell(page, staff["short"], "尚缺", Qt.ItemDataRole.ToolTipRole)
    tip = page.model.headerData(6, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "180天" in tip and "重叠时段只计一次" in tip
    assert "实施意见（试行）》第四部分第（五）项第一点" in tip and "N四" not in tip
    assert "其中 1 名" in page.summary.text()
    page.short_box.setChecked(True)
    page.reload_now()
    assert page.model.ids() == [staff["short"]] and "找到 1 名（共 3 名）" in page.count_label.text()
    page.short_box.setChecked(False)
    page.kind_box.setCurrentIndex(page.kind_box.findData("产业"))
    page.reload_now()
    assert page.model.ids() == [staff["industry"]]
    page.kind_box.setCurrentIndex(0)
    page.search.setText("wq")  # pinyin initials of 王强
    page.reload_now()
    assert page.model.ids() == [staff["short"]]


def test_overlapping_practice_is_counted_once_in_the_summary(ctx, qtbot, db, staff):
    from ui.dialogs.practice_dialog import PracticeDialog

    d = teacher_dialog(qtbot, staff["short"])
    assert d.tabs.tabText(1) == "企业实践（1）"
    assert d.summary.text().startswith("近五年累计 120 天（约4个月），尚缺 60 天")
    with db.reader() as s:
        st = svc.teacher_practice(s, staff["short"])  # the window's dates are the service's
    assert f"{st.window_start} 至 {st.window_end}" in d.window_label.text()
    p = PracticeDialog(d, staff["short"])
    qtbot.addWidget(p)
    p.unit.add([Choice("", "湖南湘江智能装备有限公司", new=True)])
    p.starts_on.set_value(ago(140))
    p.ends_on.set_value(ago(141))  # before the start: refused at the field
    p.save()
    assert "不能早于开始日期" in p.errors["ends_on"].text()
    p.ends_on.set_value(ago(41))  # 100 days, 60 of them overlapping the 120 on record
    p.content.setPlainText("跟岗实践")
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        p.save()
    d.reload_practice()
    assert d.table.rowCount() == 2 and d.table.item(0, 2).text() == "100"
    assert d.table.item(0, 0).text() == "湖南湘江智能装备有限公司"
    assert d.summary.text().startswith("近五年累计 160 天（约5.3个月），尚缺 20 天")
    page = teachers_page(qtbot)
    assert cell(page, staff["short"], "尚缺") == "20 天"


def test_delete_practice_from_the_form(ctx, qtbot, db, staff, yes):
    d = teacher_dialog(qtbot, staff["met"])
    assert "已满足五年六个月要求" in d.summary.text()
    d.table.selectRow(0)
    assert d.delete_practice_button.isEnabled()
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.delete_practice_button.click()
    qtbot.waitUntil(lambda: d.tabs.tabText(1) == "企业实践", timeout=5000)
    assert "尚缺 180 天" in d.summary.text() and d.practice_stack.currentWidget() is d.empty_practice


def test_delete_and_undo(ctx, qtbot, db, staff, yes):
    page = teachers_page(qtbot)
    on_screen(qtbot, page)
    page.select_ids([staff["short"]])
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    assert page.undo_bar.isVisible() and page.undo_bar.label.text() == "已删除 1 名教师到回收站。"
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        page.undo_bar.button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)


def test_enter_opens_the_form_and_open_teacher_clears_filters(ctx, qtbot, db, staff, monkeypatch):
    from ui.dialogs.teacher_dialog import TeacherDialog

    opened: list[str] = []
    monkeypatch.setattr(TeacherDialog, "exec", lambda d: opened.append(d.teacher_id) or 0)
    page = teachers_page(qtbot)
    on_screen(qtbot, page)
    page.select_ids([staff["met"]])
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == [staff["met"]]
    page.focus_search()  # what the main window's Ctrl+F calls
    assert page.search.hasFocus()
    page.short_box.setChecked(True)  # reloads on the worker
    qtbot.waitUntil(lambda: page.model.ids() == [staff["short"]], timeout=5000)
    ctx.wait()
    qtbot.wait(50)  # its answer delivered
    page.open_teacher(staff["met"])  # hidden by the filter: the filter goes
    assert opened[-1] == staff["met"] and not page.short_box.isChecked()
    qtbot.waitUntil(lambda: page.selected_ids() == [staff["met"]], timeout=5000)
    assert page.new_text == "新建教师…"


def test_empty_state_says_what_to_do(ctx, qtbot, db):
    page = teachers_page(qtbot)
    assert page.stack.currentWidget() is page.empty and page.empty.title.text() == "还没有教师"
    assert "专任教师每五年累计不少于6个月企业实践" in page.empty.hint.text()


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_import_teachers_and_practice_through_the_preview(ctx, qtbot, db, staff, tmp_path, monkeypatch):
    from app.io.teachers_xlsx import read_teachers
    from ui import teachers_io
    from ui.teachers_io import TeacherImportDialog

    src = write_xlsx(
        tmp_path / "教师名单.xlsx",
        [["教师名单"], ["姓名", "工号", "教师类型", "所属专业", "是否双师型"],
         ["周敏", "T010", "专任", "机电一体化技术", "是"], ["吴刚", "", "专任", "", "否"],
         ["孙工", "", "产业教师", "", ""]],
    )  # fmt: skip
    with db.reader() as s:
        preview = read_teachers(s, src)
    infos: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: infos.append(text))
    d = TeacherImportDialog(None, src, preview, "teachers")
    qtbot.addWidget(d)
    assert d.import_button.text() == "导入 2 名教师" and d.only_problems.isChecked()
    assert d.model.rowCount() == 1 and "专任教师须填写工号" in d.model.data(
        d.model.index(0, d.model.problem_column)
    )
    with qtbot.waitSignal(ctx.changes_applied, timeout=10000):
        d.do_import()
    assert infos == ["已导入 2 名教师。"]
    page = teachers_page(qtbot)
    assert page.model.rowCount() == 5

    practice = write_xlsx(
        tmp_path / "实践.xlsx",
        [["工号", "姓名", "实践单位", "开始日期", "结束日期", "实践内容"],
         ["T010", "周敏", "某厂", ago(100).isoformat(), ago(1).isoformat(), "跟岗"],
         ["T999", "无名", "某厂", "2025-01-01", "2025-02-01", ""]],
    )  # fmt: skip
    shown: list[TeacherImportDialog] = []
    monkeypatch.setattr(TeacherImportDialog, "exec", lambda dlg: shown.append(dlg) or 0)
    teachers_io.check_file(page, practice, "practice")
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    dlg = shown[0]
    qtbot.addWidget(dlg)
    assert dlg.import_button.text() == "导入 1 条企业实践记录" and "T999" in dlg.model.data(
        dlg.model.index(0, 2)
    )
    with qtbot.waitSignal(ctx.changes_applied, timeout=10000):
        dlg.do_import()
    assert infos[-1].startswith("已导入 1 条企业实践记录")
    zhou = next(i for i in page.model.ids() if page.model.row_at(page.model.row_of(i)).name == "周敏")
    qtbot.waitUntil(lambda: cell(page, zhou, "尚缺") == "80 天", timeout=5000)


def test_editing_a_practice_keeps_the_unit_as_recorded(ctx, qtbot, db, staff):
    from app.services.enterprises import EnterpriseData, create_enterprise
    from ui.dialogs.practice_dialog import PracticeDialog

    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="长沙衡威电力科技有限公司", status="合作中")).ids[0]
        data = svc.PracticeData(
            staff["short"], ago(30), ago(1), enterprise_id=ent, unit_name="长沙衡威电力科技有限公司电气调试部"
        )
        pid = svc.add_practice(s, data).ids[0]
    d = teacher_dialog(qtbot, staff["short"])
    row = next(p.record for p in d.practices if p.record.id == pid)
    p = PracticeDialog(d, staff["short"], row)
    qtbot.addWidget(p)
    assert p.unit.names() == ["长沙衡威电力科技有限公司电气调试部"] and p.unit.ids() == (ent,)
    p.content.setPlainText("电气调试")
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        p.save()
    with db.reader() as s:
        (got,) = [r for r in svc.practice_rows(s, staff["short"]) if r.id == pid]
    assert (got.enterprise_id, got.unit_name, got.content) == (
        ent,
        "长沙衡威电力科技有限公司电气调试部",
        "电气调试",
    )


def test_closing_asks_only_when_an_edit_would_be_lost(ctx, qtbot, db, staff, tmp_path, monkeypatch):
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or answer[0])
    d = teacher_dialog(qtbot, staff["short"])
    d.show()
    d.reject()  # nothing changed: closes at once
    assert asked == [] and d.isHidden() and d.result() == d.DialogCode.Rejected

    d = teacher_dialog(qtbot, staff["short"])
    d.show()
    d.courses.setText("电工基础")
    d.reject()  # 取消
    assert len(asked) == 1 and "教师信息的修改尚未保存" in asked[0] and d.isVisible()
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert len(asked) == 2 and d.isVisible()
    d.courses.setText("")  # back as it was: nothing to lose
    d.reject()
    assert len(asked) == 2 and d.isHidden()

    d = teacher_dialog(qtbot, staff["short"])
    d.show()
    scan = tmp_path / "双师型证书.pdf"
    scan.write_bytes(b"%PDF-1.4\n")
    d.evidence.add_files([scan])  # a file added on 证明材料 is an edit too
    d.reject()
    assert len(asked) == 3 and d.isVisible()
    answer[0] = QMessageBox.StandardButton.Discard
    d.reject()
    assert len(asked) == 4 and d.isHidden()
    with db.reader() as s:
        assert svc.get_teacher(s, staff["short"]).courses == ""  # nothing was written


def test_dates_typed_in_the_practice_form_are_saved(ctx, qtbot, db, staff):
    from ui.dialogs.practice_dialog import PracticeDialog

    start, end = ago(30), ago(21)
    p = PracticeDialog(None, staff["short"])
    qtbot.addWidget(p)
    p.unit.add([Choice("", "株洲中车时代电气股份有限公司", new=True)])
    p.starts_on.edit.clear()
    qtbot.keyClicks(p.starts_on.edit, f"{start.year}/{start.month}/{start.day}")
    p.ends_on.edit.clear()
    qtbot.keyClicks(p.ends_on.edit, f"{end:%Y%m%d}")  # typed as people do: keyClicks types ASCII only
    p.content.setPlainText("跟岗实践")
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        p.save()
    with db.reader() as s:
        (got,) = [r for r in svc.practice_rows(s, staff["short"]) if r.id == p.saved_id]
    assert (got.starts_on, got.ends_on, got.days) == (start, end, 10)
    assert got.unit_name == "株洲中车时代电气股份有限公司"


def test_a_date_that_is_no_date_is_refused_at_its_field(ctx, qtbot, db, staff):
    from ui.dialogs.practice_dialog import PracticeDialog

    p = PracticeDialog(None, staff["short"])
    qtbot.addWidget(p)
    p.unit.add([Choice("", "某厂", new=True)])
    p.ends_on.edit.setText("2026-02-30")
    p.save()
    assert p.errors["ends_on"].text().startswith("结束日期") and not p.errors["ends_on"].isHidden()
    assert p.saved_id is None and p.message.text().startswith("有 1 处需要修改")
    with db.reader() as s:
        assert len(svc.practice_rows(s, staff["short"])) == 1  # only the one on record
