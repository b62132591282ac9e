"""项目与平台 page and the project / meeting forms over a real database (pytest-qt; text set with setText)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services import enterprises as esvc
from app.services import meetings as msvc
from app.services import projects as svc
from app.services import settings as settings_svc
from ui.ops import DbContext, set_context

pytestmark = pytest.mark.qt

TODAY = dt.date.today()  # the day each test runs (tests/conftest.py: _today_is_today)
TODAY_IS_TODAY = True


@pytest.fixture
def ctx(db, qapp):
    with db.session() as s:
        settings_svc.save_profile(
            s,
            settings_svc.CollegeProfile(
                "测试学校",
                "机电工程学院",
                (settings_svc.MajorGroupInfo("智能制造", ("机电一体化技术", "工业机器人技术")),),
            ),
        )
    context = DbContext(db)
    set_context(context)
    yield context
    context.wait()
    set_context(None)


@pytest.fixture(autouse=True)
def questions(monkeypatch) -> list[tuple]:
    """Questions asked (unsaved changes when a test's dialog closes): answered 放弃 (Discard)."""
    asked: list[tuple] = []

    def answer(*args, **kwargs):
        asked.append(args)
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


@pytest.fixture
def page(ctx, qtbot):
    from ui.pages.projects import ProjectsPage

    p = ProjectsPage()
    qtbot.addWidget(p)
    qtbot.waitUntil(lambda: p.count_label.text() != "", timeout=5000)
    return p


def add_project(db, name: str, kind: str = "订单培养", **kw) -> str:
    with db.session() as s:
        return svc.create_project(s, svc.ProjectData(name=name, kind=kind, leader="王建国", **kw)).ids[0]


def alerts(page, project_id: str) -> str:
    """The 提醒 cell of a project in the list ("-" while it is not shown)."""
    item = page.item_of(project_id)
    return item.text(7) if item else "-"


def dialog(page, qtbot, project_id: str | None = None, tab: str = ""):
    from ui.dialogs.project_dialog import ProjectDialog

    dlg = ProjectDialog(page, project_id, tab)
    qtbot.addWidget(dlg)
    return dlg


def save(dlg, qtbot) -> None:
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()


def test_empty_page_offers_new_project(page):
    assert page.stack.currentWidget() is page.empty
    assert "还没有产教融合项目" in page.empty.title.text()
    assert (
        page.new_text == "新建项目…"
    )  # the main window's Ctrl+N (新建…) calls new_record on the page on screen


def test_projects_of_each_tier_grouped_under_their_header(page, qtbot, db):
    for name, kind, chosen in (
        ("湘江订单班", "订单培养", ""),
        ("智能制造现代学徒制", "现代学徒制", ""),
        ("现代农业产业学院", "现代产业学院", ""),
        ("机器人实训基地", "实训基地共建", "deepening"),
    ):
        dlg = dialog(page, qtbot)
        dlg.name.setText(name)
        dlg.kind.setCurrentIndex(dlg.kind.findData(kind))
        if chosen:
            dlg.tier_box.setCurrentIndex(dlg.tier_box.findData(chosen))
        dlg.leader.setText("王建国")
        save(dlg, qtbot)
    qtbot.waitUntil(lambda: len(page.shown_ids()) == 4, timeout=5000)
    assert page.group_titles() == ["融合层（1）", "深化层（2）", "基础层（1）"]
    by_name = {page.item_of(i).text(0): i for i in page.shown_ids()}
    assert page.group_of(by_name["湘江订单班"]) == "基础层（1）"
    assert page.group_of(by_name["机器人实训基地"]) == "深化层（2）"
    assert page.group_of(by_name["现代农业产业学院"]) == "融合层（1）"
    assert page.item_of(by_name["智能制造现代学徒制"]).text(2) == "深化层"  # the tier column too

    page.grouped.setChecked(False)  # flat, sortable list
    qtbot.waitUntil(lambda: page.group_titles() == [] and len(page.shown_ids()) == 4, timeout=5000)
    assert page.tree.isSortingEnabled()

    page.grouped.setChecked(True)
    page.tier_box.setCurrentIndex(page.tier_box.findData("integration"))
    qtbot.waitUntil(lambda: page.group_titles() == ["融合层（1）"], timeout=5000)
    assert "找到 1 个" in page.count_label.text()


def test_kind_change_updates_tier_live(page, qtbot):
    dlg = dialog(page, qtbot)
    dlg.show()
    dlg.kind.setCurrentIndex(dlg.kind.findData("岗位实习"))
    assert dlg.tier() == "foundation" and "基础层" in dlg.tier_label.text()
    assert dlg.tier_label.isVisible() and not dlg.tier_box.isVisible()
    dlg.kind.setCurrentIndex(dlg.kind.findData("市域产教联合体"))
    assert dlg.tier() == "integration" and "融合层" in dlg.tier_label.text()
    dlg.kind.setCurrentIndex(dlg.kind.findData("横向课题"))
    assert dlg.tier_box.isVisible() and not dlg.tier_label.isVisible()
    assert dlg.tier() == ""
    dlg.name.setText("某横向课题")
    dlg.save()  # no tier chosen: an inline error under the type
    assert dlg.errors["kind"].isVisible() and "合作层次" in dlg.errors["kind"].text()
    assert dlg.result() == 0


def test_validation_end_before_start(page, qtbot, db):
    dlg = dialog(page, qtbot)
    dlg.show()
    dlg.name.setText("订单班")
    dlg.starts_on.set_value(dt.date(2026, 9, 1))
    dlg.ends_on.set_value(dt.date(2026, 3, 1))
    dlg.save()
    assert dlg.errors["ends_on"].isVisible()
    assert "结束日期不能早于开始日期" in dlg.errors["ends_on"].text()
    assert dlg.tabs.currentIndex() == 0
    with db.reader() as s:
        assert svc.project_ids(s) == []


def test_kpis_progress_in_form_and_list(page, qtbot, db):
    from ui.delegates import PROGRESS_ROLE

    dlg = dialog(page, qtbot)
    dlg.name.setText("订单班")
    dlg.kpis.add_kpi(svc.KPIData("订单班学生", 40, "人", 30, "2025-2026学年"))
    dlg.kpis.add_kpi(svc.KPIData("共建课程", 2, "门", 2))
    assert dlg.kpis.progress(0) == pytest.approx(0.75)
    assert dlg.kpis.item(0, 5).data(PROGRESS_ROLE) == pytest.approx(0.75)
    assert dlg.kpis.item(0, 5).text() == "75%"
    dlg.kpis.item(0, 3).setText("40")  # typed: progress follows
    assert dlg.kpis.item(0, 5).text() == "100%"
    dlg.kpis.item(1, 2).setText("两门")
    dlg.show()
    dlg.save()
    assert dlg.tabs.currentIndex() == 2 and "不是数字" in dlg.errors["kpis"].text()
    dlg.kpis.item(1, 2).setText("4")
    save(dlg, qtbot)
    qtbot.waitUntil(lambda: len(page.shown_ids()) == 1, timeout=5000)
    item = page.item_of(page.shown_ids()[0])
    assert item.text(6) == "1/2 达标"
    assert item.data(6, PROGRESS_ROLE) == pytest.approx(0.5)  # the bar says what the text says: 1 of 2 met
    assert item.toolTip(6) == "2 项指标中 1 项达到目标，平均完成度 75%"  # (1 + 0.5) / 2
    with db.reader() as s:
        kpis = svc.get_project(s, dlg.saved_id).kpis
    assert [(k.name, k.target, k.actual) for k in kpis] == [("订单班学生", 40, 40), ("共建课程", 4, 2)]


def test_links_people_and_unsaved_changes(page, qtbot, db, monkeypatch):
    with db.session() as s:
        eid = esvc.create_enterprise(s, esvc.EnterpriseData(name="湖南湘江智能装备有限公司")).ids[0]
    dlg = dialog(page, qtbot)
    dlg.name.setText("订单班")
    choices = dlg.enterprises.search_now("hnxj")  # pinyin initials
    assert [c.id for c in choices] == [eid]
    dlg.enterprises.add(choices)
    dlg.majors.item(1).setCheckState(Qt.CheckState.Checked)
    dlg.people.add_responsible(svc.ResponsibleData("学生管理", "李芳"))
    save(dlg, qtbot)
    with db.reader() as s:
        p = svc.get_project(s, dlg.saved_id)
    assert p.enterprise_ids == (eid,) and len(p.major_ids) == 1
    assert p.responsibles == (svc.ResponsibleData("学生管理", "李芳"),)

    again = dialog(page, qtbot, p.id)
    assert again.enterprises.ids() == (eid,) and not again.is_modified()
    again.leader.setText("张三")
    assert again.is_modified()
    again.show()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    again.reject()  # 取消: the form stays open
    assert again.isVisible()
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Discard
    )
    again.reject()
    assert "尚未保存" in asked[0] and not again.isVisible()


def test_meeting_with_overdue_item_marked_done(page, qtbot, db):
    pid = add_project(db, "订单班", starts_on=TODAY - dt.timedelta(days=200))
    dlg = dialog(page, qtbot, pid, tab="meetings")
    assert dlg.tabs.currentIndex() == 3
    from ui.dialogs.meeting_dialog import MeetingDialog

    md = MeetingDialog(dlg, pid)
    qtbot.addWidget(md)
    md.held_on.set_value(TODAY - dt.timedelta(days=40))
    md.attendees.setText("王建国、企业HR")
    md.decisions.setPlainText("扩大订单班")
    md.add_item(msvc.ActionItemData("修订人才培养方案", "李芳", TODAY - dt.timedelta(days=10)))
    md.add_item(msvc.ActionItemData("落实岗位", "刘强", TODAY + dt.timedelta(days=10)))
    assert md.is_overdue(0) and not md.is_overdue(1)
    assert md.items.item(0, 0).foreground().color().name() == "#c42b1c"
    with qtbot.waitSignal(md.accepted, timeout=5000):
        md.save()
    qtbot.waitUntil(lambda: dlg.meetings.rowCount() == 1 and dlg.open_items.rowCount() == 2, timeout=5000)
    assert "1 项逾期" in dlg.meetings.item(0, 4).text()
    assert dlg.open_items.item(0, 3).text() == "逾期 10 天"
    qtbot.waitUntil(lambda: "1 项待办逾期" in alerts(page, pid), timeout=5000)

    # the meeting form's 标记完成 on the saved overdue item
    mid = dlg.selected_meeting() or dlg.meetings.item(0, 0).data(Qt.ItemDataRole.UserRole)
    md2 = MeetingDialog(dlg, pid, mid)
    qtbot.addWidget(md2)
    assert md2.is_overdue(0)
    md2.items.selectRow(0)
    assert md2.complete_button.isEnabled()
    md2.complete_selected()
    qtbot.waitUntil(lambda: not md2.is_overdue(0), timeout=5000)
    assert not md2.is_modified()  # already saved
    qtbot.waitUntil(lambda: dlg.open_items.rowCount() == 1, timeout=5000)
    with db.reader() as s:
        [m] = msvc.project_meetings(s, pid)
    assert m.action_items[0].done and m.action_items[0].done_on == TODAY
    qtbot.waitUntil(lambda: alerts(page, pid) != "-" and "逾期" not in alerts(page, pid), timeout=5000)

    # and the project form's own 标记完成 on the rest
    dlg.open_items.selectRow(0)
    dlg.complete_selected_items()
    qtbot.waitUntil(lambda: dlg.open_items.rowCount() == 0, timeout=5000)


def test_new_project_saves_before_meetings(page, qtbot, db):
    dlg = dialog(page, qtbot, tab="协调会议")
    assert dlg._meetings_stack.currentIndex() == 0  # 请先保存项目
    dlg.name.setText("订单班")
    dlg.save(then=lambda: None)
    qtbot.waitUntil(lambda: dlg.project_id is not None, timeout=5000)
    assert dlg._meetings_stack.currentIndex() == 1 and dlg.result() == 0
    assert not dlg.is_modified()


def test_operation_reports_tab_marks_missing_semester(page, qtbot, db, tmp_path):
    from app.domain.semesters import past_semesters

    start = TODAY - dt.timedelta(days=400)
    pid = add_project(db, "订单班", starts_on=start)
    semesters = past_semesters(start, TODAY)
    assert len(semesters) >= 2
    with db.session() as s:
        msvc.record_operation_report(s, pid, semesters[0], TODAY)
    dlg = dialog(page, qtbot, pid, tab="reports")
    assert dlg.tabs.currentIndex() == 4
    rows = {dlg.reports.table.item(r, 0).text(): r for r in range(dlg.reports.table.rowCount())}
    assert dlg.reports.table.item(rows[semesters[0]], 2).text().startswith("已提交")
    missing = rows[semesters[1]]
    assert dlg.reports.table.item(missing, 2).text() == "缺"
    assert dlg.reports.table.item(missing, 2).foreground().color().name() == "#c42b1c"
    assert dlg.missing_reports() == semesters[1:]
    page.reload()
    qtbot.waitUntil(lambda: f"缺 {len(semesters) - 1} 份运行报告" in alerts(page, pid), timeout=5000)

    from ui.dialogs.project_reports import ReportDialog

    report = tmp_path / "运行报告.docx"
    report.write_bytes(b"docx")
    rd = ReportDialog(dlg, pid, [r.semester for r in dlg.reports.schedule], semesters[1])
    qtbot.addWidget(rd)
    rd.set_file(report)
    with qtbot.waitSignal(rd.accepted, timeout=5000):
        rd.save()
    qtbot.waitUntil(lambda: semesters[1] not in dlg.missing_reports(), timeout=5000)
    assert dlg.reports.table.item(missing, 3).text() == "运行报告.docx"


def test_delete_and_undo(page, qtbot, db, monkeypatch):
    pid = add_project(db, "订单班")
    page.reload()
    qtbot.waitUntil(lambda: page.shown_ids() == [pid], timeout=5000)
    page.item_of(pid).setSelected(True)
    asked = []
    monkeypatch.setattr(
        "ui.pages.list_page.confirm", lambda _p, title, text: asked.append((title, text)) or True
    )
    page.delete_selected()
    assert asked and asked[0][0] == "删除项目" and asked[0][1].startswith("确定删除项目 订单班？")
    qtbot.waitUntil(lambda: page.shown_ids() == [], timeout=5000)
    assert not page.undo_bar.isHidden() and "已删除 1 个项目" in page.undo_bar.label.text()
    page.undo_bar.button.click()
    qtbot.waitUntil(lambda: page.shown_ids() == [pid], timeout=5000)


def test_open_project_and_meeting(page, qtbot, db, monkeypatch):
    from ui.dialogs.project_dialog import ProjectDialog

    pid = add_project(db, "订单班", starts_on=TODAY - dt.timedelta(days=30))
    with db.session() as s:
        mid = msvc.create_meeting(s, msvc.MeetingData(pid, TODAY)).ids[0]
    opened = []
    monkeypatch.setattr(ProjectDialog, "exec", lambda self: opened.append(self) or 0)
    monkeypatch.setattr(ProjectDialog, "edit_meeting", lambda self: opened.append(self.selected_meeting()))
    page.open_project(pid, "运行报告")
    assert opened[0].project_id == pid and opened[0].tabs.currentIndex() == 4
    page.open_meeting(mid)
    assert opened[1].tabs.currentIndex() == 3 and opened[1].selected_meeting() == mid
    qtbot.waitUntil(lambda: len(opened) == 3, timeout=5000)  # the meeting itself opens once shown
    assert opened[2] == mid


def test_enter_in_a_table_cell_ends_the_edit_and_never_saves_the_form(page, qtbot, db):
    from PySide6.QtWidgets import QLineEdit

    dlg = dialog(page, qtbot)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.name.setText("订单班")
    dlg.tabs.setCurrentIndex(1)
    dlg.people.add_responsible(svc.ResponsibleData("", ""), edit=True)
    editor = dlg.people.viewport().findChild(QLineEdit)
    assert editor is not None
    editor.setText("学生管理")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dlg.people.item(0, 0).text() == "学生管理", timeout=3000)
    dlg.people.setFocus()
    dlg.people.setCurrentCell(0, 1)
    qtbot.keyClick(dlg.people, Qt.Key.Key_Return)  # on a cell not being edited: edits it
    assert dlg.people.state() == dlg.people.State.EditingState
    qtbot.wait(100)
    assert dlg.isVisible() and dlg.saved_id is None
    with db.reader() as s:
        assert svc.project_ids(s) == []
