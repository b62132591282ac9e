"""实践基地 in the GUI over a real database: a base created through the form with two majors (the enterprise
a 校外 base needs shown under its field), a usage record added through its dialog and listed, the semester
summary's figures (internships included), marking a major submitted, Excel and Word from the summary, filters,
delete + undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.db.models import Internship, Major, Student
from app.services import bases as svc
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile

pytestmark = pytest.mark.qt
SEM = "2025-2026-1"
PROFILE = CollegeProfile(
    "湖南湘麓职业技术学院",
    "机电工程学院",
    (
        MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术")),
        MajorGroupInfo("新能源汽车专业群", ("新能源汽车技术",)),
    ),
)


@pytest.fixture
def ids(db) -> dict[str, str]:
    with db.session() as s:
        save_profile(s, PROFILE)
        majors = dict(s.execute(select(Major.name, Major.id)).all())
        ent = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")).ids[0]
    return {"ent": ent, "m1": majors["机电一体化技术"], "m2": majors["工业机器人技术"]}


@pytest.fixture
def base(db, ids) -> str:
    with db.session() as s:
        b = svc.save_base(
            s,
            svc.BaseData(name="湘江智能岗位实习基地", enterprise_id=ids["ent"], major_ids=(ids["m1"], ids["m2"]),
                         level="省级", capacity=60),
        ).ids[0]  # fmt: skip
        svc.save_usage(s, svc.UsageData(b, SEM, "技能实训", ids["m1"], students=30, days=4))
        st = Student(student_no="20230101", name="张三", major_id=ids["m2"])
        s.add(st)
        s.flush()
        s.add(Internship(student_id=st.id, base_id=b, kind="岗位实习", starts_on=dt.date(2026, 1, 2),
                         ends_on=dt.date(2026, 3, 31), status="实习中", academic_mentor="李芳"))  # fmt: skip
    return b


@pytest.fixture
def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)


def bases_page(qtbot):
    from ui.pages.bases import BasesPage

    page = BasesPage()
    qtbot.addWidget(page)
    page.reload_now()
    return page


def cell(page, row: int, title: str, role=Qt.ItemDataRole.DisplayRole):
    col = [c.title for c in page.model.columns].index(title)
    return page.model.data(page.model.index(row, col), role)


def test_create_a_base_with_two_majors(ctx, qtbot, db, ids):
    from ui.dialogs.base_dialog import BaseDialog

    d = BaseDialog(None)
    qtbot.addWidget(d)
    assert not d.tabs.isTabEnabled(1)  # usage records after saving
    d.name.setText("湘江智能岗位实习基地")
    d.save()
    assert d.errors["enterprise_id"].text() == "校外实践教学基地须选择依托企业（报表中的“依托单位名称”）"
    assert d.enterprise_label.text() == "依托企业 *"
    d.enterprise.setCurrentText("湖南湘江智能装备有限公司")
    d.level.setCurrentText("校级示范")
    d.capacity.setValue(40)
    for i in range(d.majors.count()):
        item = d.majors.item(i)
        if item.text() in ("机电一体化技术", "新能源汽车技术"):
            item.setCheckState(Qt.CheckState.Checked)
    d.has_lodging.setChecked(True)
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.save()
    with db.reader() as s:
        b = svc.get_base(s, d.saved_id)
    assert (b.enterprise_id, b.level, b.capacity, b.has_lodging) == (ids["ent"], "校级示范", 40, True)
    assert len(b.major_ids) == 2 and ids["m1"] in b.major_ids
    page = bases_page(qtbot)
    row = page.model.row_of(d.saved_id)
    assert cell(page, row, "面向专业") == "机电一体化技术、新能源汽车技术"
    assert cell(page, row, "类型") == "校外" and cell(page, row, "级别") == "校级示范"
    assert cell(page, row, "依托企业") == "湖南湘江智能装备有限公司" and cell(page, row, "工位数") == "40"
    d.kind.setCurrentText("校内实训基地")
    assert d.enterprise_label.text() == "依托企业"


def test_add_a_usage_record(ctx, qtbot, db, base, ids):
    from ui.dialogs.base_dialog import BaseDialog
    from ui.dialogs.usage_dialog import UsageDialog

    d = BaseDialog(None, base)
    qtbot.addWidget(d)
    assert d.tabs.isTabEnabled(1) and d.tabs.tabText(1) == "使用记录（1）"
    u = UsageDialog(d, base, d._base_majors(), semester=SEM)
    qtbot.addWidget(u)
    assert u.major.itemText(1) == "机电一体化技术"  # the base's own majors first
    u.activity.setCurrentText("专业认识实习")
    u.major.setCurrentIndex(u.major.findData(ids["m2"]))
    u.starts_on.set_value(dt.date(2025, 8, 30))
    u.ends_on.set_value(dt.date(2025, 10, 10))
    u.students.setValue(45)
    u.teachers.setText("王强、李芳")
    u.save()
    assert "不在2025-2026-1学期内" in u.errors["starts_on"].text()
    u.starts_on.set_value(dt.date(2025, 10, 8))
    assert u.preview.text() == "将保存：45 人次，使用 3 天，135 人天，未填学时（不计人时），指导教师 2 人次"
    u.hours.setValue(80)
    u.save()
    assert "不能超过 使用天数 × 24（72学时）" in u.errors["hours"].text()
    u.hours.setValue(16)
    u.audience.setCurrentIndex(u.audience.findData("社会"))
    assert u.preview.text() == "将保存：45 人次，使用 3 天，135 人天，720 人时，指导教师 2 人次"
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        u.save()
    d.reload_usage()
    assert d.usage_list.table.rowCount() == 2 and d.tabs.tabText(1) == "使用记录（2）"
    texts = {
        d.usage_list.table.item(r, 1).text(): [d.usage_list.table.item(r, c).text() for c in (2, 4, 8)]
        for r in range(2)
    }
    assert texts["专业认识实习"] == ["社会", "2025-10-08至10-10", "16"]
    assert texts["技能实训"] == ["校内", "", "—"]  # no hours recorded
    with db.reader() as s:
        (row,) = [r for r in svc.usage_rows(s, base) if r.activity == "专业认识实习"]
    assert (row.major_id, row.days, row.person_days, row.teacher_count) == (ids["m2"], 3, 135, 2)
    assert (row.hours, row.audience, row.person_hours) == (16, "社会", 720)
    u = UsageDialog(d, base, d._base_majors(), row)
    qtbot.addWidget(u)
    assert (u.hours.value(), u.audience.currentData()) == (16, "社会")


def test_summary_view(ctx, qtbot, db, base, ids, tmp_path: Path, monkeypatch):
    from ui import files
    from ui.dialogs.base_summary import BaseSummaryDialog

    opened: list[Path] = []
    monkeypatch.setattr(files, "offer_open", lambda _p, path, _t: opened.append(path))
    d = BaseSummaryDialog(None, SEM)
    qtbot.addWidget(d)
    top = [d.tree.topLevelItem(i) for i in range(d.tree.topLevelItemCount())]
    rows = {it.text(0): [it.text(c) for c in range(1, 7)] for it in top}
    assert rows["机电一体化技术"] == ["1", "30", "4", "120", "0", "未提交"]
    # the internship: 2026-01-02 … 01-31 inside the semester = 30 person-days, mentor 李芳
    assert rows["工业机器人技术"] == ["1", "1", "30", "30", "1", "未提交"]
    assert rows["新能源汽车技术"] == ["0", "0", "0", "0", "0", "未提交"]
    assert rows["合计"][:5] == ["2", "31", "34", "150", "1"]
    assert top[1].child(0).text(0) == "湘江智能岗位实习基地" and "（实习记录）" in top[1].child(0).toolTip(0)
    assert not d.word_button.isEnabled()
    d.tree.setCurrentItem(top[0])
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.submit_button.click()
    assert d.tree.topLevelItem(0).text(6) == dt.date.today().isoformat()
    assert d.count_label.text() == "已提交 1 / 3 个专业" and d.unsubmit_button.isEnabled()
    xlsx, docx = tmp_path / "汇总.xlsx", tmp_path / "机电.docx"
    d.export_excel(xlsx)
    qtbot.waitUntil(lambda: opened == [xlsx], timeout=5000)
    d.write_word(path=docx)
    qtbot.waitUntil(lambda: opened == [xlsx, docx], timeout=5000)
    assert xlsx.stat().st_size and docx.stat().st_size


def test_filters_delete_and_undo(ctx, qtbot, db, base, ids, yes):
    with db.session() as s:
        svc.save_base(s, svc.BaseData(name="电工电子实训室", kind="校内实训基地"))
    page = bases_page(qtbot)
    assert page.model.rowCount() == 2
    row = page.model.row_of(base)
    assert page.title == "实践基地" and cell(page, row, "级别") == "省级"
    page.kind_box.setCurrentIndex(page.kind_box.findData("校内实训基地"))
    page.reload_now()
    assert page.model.rowCount() == 1 and "找到 1 个（共 2 个）" in page.count_label.text()
    page.clear_filters()
    page.search.setText("湘江智能装备")  # the enterprise's name finds its base
    page.reload_now()
    assert page.model.rowCount() == 1
    page.clear_filters()
    page.level_box.setCurrentIndex(page.level_box.findData("省级"))
    page.reload_now()
    page.table.selectRow(0)
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        page.delete_selected()
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    assert page.undo_bar.label.text() == "已删除 1 个实践基地到回收站。"
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        page.undo_bar.button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    page.clear_filters()
    page.reload_now()
    assert page.model.rowCount() == 2


def test_empty_state_and_open_base(ctx, qtbot, db, ids, monkeypatch):
    from ui.dialogs.base_dialog import BaseDialog

    page = bases_page(qtbot)
    assert page.empty.title.text() == "还没有实践基地"
    with db.session() as s:
        b = svc.save_base(s, svc.BaseData(name="电工电子实训室", kind="校内实训基地")).ids[0]
    page.reload_now()
    opened: list[str] = []
    monkeypatch.setattr(BaseDialog, "exec", lambda d: opened.append(d.base_id) or 0)
    page.open_base(b)
    assert opened == [b]


def test_show_major_and_summary_on_a_major(ctx, qtbot, db, base, ids, monkeypatch):
    from ui.dialogs.base_summary import BaseSummaryDialog

    with db.session() as s:
        svc.save_base(s, svc.BaseData(name="电工电子实训室", kind="校内实训基地"))
    page = bases_page(qtbot)
    page.show_major(ids["m2"])
    page.reload_now()
    assert page.model.rowCount() == 1 and page.major_box.currentData() == ids["m2"]
    shown: list[tuple[str, str | None]] = []
    monkeypatch.setattr(
        BaseSummaryDialog, "exec", lambda d: shown.append((d.current_semester(), d.selected_major())) or 0
    )
    page.open_summary(SEM, ids["m2"])
    assert shown == [(SEM, ids["m2"])]


def test_edit_and_delete_a_usage_record(ctx, qtbot, db, base, ids, yes, monkeypatch):
    from ui.dialogs.base_dialog import BaseDialog
    from ui.dialogs.usage_dialog import UsageDialog

    d = BaseDialog(None, base)
    qtbot.addWidget(d)
    d.usage_list.table.selectRow(0)
    assert d.usage_list.edit_button.isEnabled() and d.usage_list.delete_button.isEnabled()
    seen: list[tuple[str, int, int]] = []

    def fake_exec(u: UsageDialog) -> int:
        seen.append((u.semester.currentText(), u.students.value(), u.days.value()))
        return 0

    monkeypatch.setattr(UsageDialog, "exec", fake_exec)
    d.edit_usage()
    assert seen == [(SEM, 30, 4)]  # the form shows the record
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.delete_usage()
    qtbot.waitUntil(lambda: d.usage_list.table.rowCount() == 0, timeout=5000)
    assert d.tabs.tabText(1) == "使用记录" and not d.usage_list.delete_button.isEnabled()
    with db.reader() as s:
        assert svc.usage_rows(s, base) == []


def test_platform_fields_in_the_base_form(ctx, qtbot, db, ids):
    """主要项目, 专项实习经费 and 管理人员 typed in the form are saved and shown again; a 校内 base has no fee."""
    from ui.dialogs.base_dialog import BaseDialog

    d = BaseDialog(None)
    qtbot.addWidget(d)
    assert not d.tabs.isTabEnabled(2)  # costs need a saved 校内 base
    d.name.setText("湘江智能岗位实习基地")
    d.enterprise.setCurrentIndex(d.enterprise.findData(ids["ent"]))
    d.main_projects.setText("数控车削加工，PLC编程与调试、 工业机器人操作")
    d.full_time_managers.setValue(2)
    d.part_time_managers.setValue(5)
    d.fee.setText("十元")
    d.save()
    assert "专项实习经费：无法识别的金额" in d.errors["fee_per_student_fen"].text()
    d.fee.setText("1,200")
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.save()
    with db.reader() as s:
        b = svc.get_base(s, d.saved_id)
    assert b.main_projects == "数控车削加工、PLC编程与调试、工业机器人操作"
    assert (b.fee_per_student_fen, b.full_time_managers, b.part_time_managers) == (120_000, 2, 5)
    again = BaseDialog(None, d.saved_id)
    qtbot.addWidget(again)
    assert (again.fee.text(), again.main_projects.text()) == ("1,200.00", b.main_projects)
    assert (again.full_time_managers.value(), again.part_time_managers.value()) == (2, 5)
    assert not again.dirty() and not again.tabs.isTabEnabled(2)
    again.fee.clear()
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        again.save()
    with db.reader() as s:
        assert svc.get_base(s, d.saved_id).fee_per_student_fen is None  # blank = not recorded
    onsite = BaseDialog(None)
    qtbot.addWidget(onsite)
    onsite.kind.setCurrentText("校内实训基地")
    assert not onsite.fee.isEnabled()


def test_costs_of_an_onsite_base(ctx, qtbot, db, ids):
    """The 耗材与维护费用 tab of a 校内 base is a grid saved with the base: a bad amount named by its row, a 学年
    twice refused, a block pasted from Excel added, an edit and a removal written on 保存."""
    from ui.dialogs.base_dialog import COST_TAB, BaseDialog

    with db.session() as s:
        bid = svc.save_base(s, svc.BaseData(name="电工电子实训室", kind="校内实训基地")).ids[0]

    def form() -> BaseDialog:
        d = BaseDialog(None, bid)
        qtbot.addWidget(d)
        return d

    def saved() -> list[tuple[str, int, int, str]]:
        with db.reader() as s:
            return [
                (c.school_year, c.consumables_fen, c.maintenance_fen, c.note) for c in svc.cost_rows(s, bid)
            ]

    d = form()
    grid = d.costs.grid
    assert d.tabs.isTabEnabled(COST_TAB) and grid.row_count() == 0
    grid.add_row({"school_year": "2025-2026", "consumables": "12,500.50", "maintenance": "abc"})
    assert d.dirty()
    d.save()
    assert "费用第1行：设备维护费用：无法识别的金额" in d.errors["costs"].text()
    assert d.tabs.currentIndex() == COST_TAB and d.result() == 0 and saved() == []
    grid.set_text(0, "maintenance", "¥8000")
    assert d.errors["costs"].isHidden()  # edited: the line goes
    grid.table.setCurrentCell(0, 0)
    grid.paste(
        "2025-2026\t12,500.50\t¥8000\t\r\n2024-2025\t1000\t2,000.00\t实训耗材\r\n"
    )  # two rows from Excel
    assert grid.row_count() == 2
    with qtbot.waitSignal(d.accepted, timeout=5000):
        d.save()
    assert saved() == [("2025-2026", 1_250_050, 800_000, ""), ("2024-2025", 100_000, 200_000, "实训耗材")]

    again = form()
    grid = again.costs.grid
    assert [grid.text(0, k) for k in ("school_year", "consumables", "maintenance")] == [
        "2025-2026", "12,500.50", "8,000.00"
    ]  # fmt: skip
    assert not again.dirty()
    grid.add_row({"school_year": "2025-2026", "consumables": "1"})
    again.save()
    assert "2025-2026学年出现了不止一行" in again.errors["costs"].text()
    assert {(r, key) for r, key, _why in grid.errors()} == {(0, "school_year"), (2, "school_year")}  # marked
    grid.table.selectRow(2)
    grid.remove_selected()
    grid.set_text(0, "consumables", "13000")
    grid.table.clearSelection()
    grid.table.selectRow(1)
    grid.remove_selected()
    with qtbot.waitSignal(again.accepted, timeout=5000):
        again.save()
    assert saved() == [("2025-2026", 1_300_000, 800_000, "")]
    with db.reader() as s:
        assert len(svc.cost_rows(s, bid, deleted=True)) == 1  # the removed 学年 is in the 回收站
