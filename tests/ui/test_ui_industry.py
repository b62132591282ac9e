"""行业与工作室 in the GUI over a real database: a studio with two members and an activity through its form, an
industry organization turning its 专业群 green once it has an activity this 学年 (red without), the steering
committee's members and meetings added and deleted (with undo), validation errors under their fields, deletes
after confirmation, and the page's tabs (new_text, open_group)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.db.models import MajorGroup
from app.services import industry as svc
from app.services.choices import Choice
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.teachers import TeacherData, create_teacher

pytestmark = pytest.mark.qt

PROFILE = CollegeProfile(
    "湖南湘麓职业技术学院",
    "机电工程学院",
    (
        MajorGroupInfo("智能制造专业群", ("机电一体化技术",)),
        MajorGroupInfo("新能源汽车专业群", ("新能源汽车技术",)),
    ),
)
TODAY = dt.date.today()  # the day each test runs (tests/conftest.py: _today_is_today)
TODAY_IS_TODAY = True


@pytest.fixture
def base(db) -> dict[str, str]:
    with db.session() as s:
        save_profile(s, PROFILE)
        ids = dict(s.execute(select(MajorGroup.name, MajorGroup.id)).all())
        ids["甲"] = create_enterprise(s, EnterpriseData(name="湖南甲智能装备有限公司")).ids[0]
        for name, no in (("王强", "T001"), ("李芳", "T002"), ("张伟", "T003")):
            ids[name] = create_teacher(s, TeacherData(name, no)).ids[0]
    return ids


@pytest.fixture
def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)


def saved(qtbot, ctx, dialog) -> str:
    """Save a form and wait for its transaction."""
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        dialog.save()
    qtbot.waitUntil(lambda: dialog.saved_id is not None, timeout=5000)
    return dialog.saved_id


def fake_exec(monkeypatch, qtbot, cls, fill) -> None:
    """Replace a child form's modal exec(): fill it, save, and wait for the save."""

    def run(dialog) -> int:
        fill(dialog)
        dialog.save()
        qtbot.waitUntil(lambda: dialog.saved_id is not None, timeout=5000)
        return 1

    monkeypatch.setattr(cls, "exec", run)


# ---------------------------------------------------------------- 工作室


def test_studio_with_two_members_and_an_activity(ctx, qtbot, db, base, monkeypatch):
    from ui.dialogs.studio_dialog import StudioActivityDialog, StudioDialog
    from ui.pages.industry import StudiosPage

    d = StudioDialog()
    qtbot.addWidget(d)
    assert not d.tabs.isTabEnabled(1)  # activities once the studio is saved
    d.name.setText("王强技能大师工作室")
    d.kind.setCurrentText("技能大师工作室")
    d.lead.setCurrentText("王强（T001）")
    d.members.add([Choice(base["李芳"], "李芳（T002）"), Choice(base["张伟"], "张伟（T003）")])
    d.enterprise.setCurrentText("湖南甲智能装备有限公司")
    d.established_on.edit.setText("2019/9/1")  # typed as people write it
    sid = saved(qtbot, ctx, d)
    with db.reader() as s:
        [row] = svc.studio_rows(s)
    assert row.member_ids == (base["王强"], base["李芳"], base["张伟"])  # the lead counts as a member
    assert (row.lead_id, row.enterprise_id) == (base["王强"], base["甲"])
    assert row.established_on == dt.date(2019, 9, 1)

    d = StudioDialog(None, sid)
    qtbot.addWidget(d)
    assert d.tabs.isTabEnabled(1) and d.members.ids() == (base["李芳"], base["张伟"])
    assert d.activities.stack.currentWidget() is d.activities.empty
    assert "添加活动" in d.activities.empty.text()

    def fill(a):
        a.title.setText("技能传承专题讲座")
        a.participants.setText("工作室成员")

    fake_exec(monkeypatch, qtbot, StudioActivityDialog, fill)
    d.activities.add_button.click()
    assert d.activities.table.rowCount() == 1 and d.tabs.tabText(1) == "活动（1）"
    assert d.activities.table.item(0, 1).text() == "技能传承专题讲座"

    page = StudiosPage()
    qtbot.addWidget(page)
    page.reload_now()
    r = page.model.row_at(page.model.row_of(sid))
    assert (r.activities, len(r.member_ids)) == (1, 3)
    page.search.setText("李芳")  # a member's name finds the studio
    page.reload_now()
    assert page.model.ids() == [sid]
    page.search.setText("没有这个")
    page.reload_now()
    assert page.model.ids() == [] and page.stack.currentWidget() is page.empty


def test_studio_validation_shown_at_the_field(ctx, qtbot, base):
    from ui.dialogs.studio_dialog import StudioActivityDialog, StudioDialog

    d = StudioDialog()
    qtbot.addWidget(d)
    d.save()
    qtbot.waitUntil(lambda: not d.errors["name"].isHidden(), timeout=5000)
    assert "工作室名称" in d.errors["name"].text() and "1 处" in d.message.text()
    assert d.saved_id is None and d.save_button.isEnabled()

    with ctx.database.session() as s:
        sid = svc.save_studio(s, svc.StudioData("名师工作室甲", "名师工作室")).ids[0]
    a = StudioActivityDialog(d, sid)
    qtbot.addWidget(a)
    a.save()
    qtbot.waitUntil(lambda: not a.errors["title"].isHidden(), timeout=5000)
    assert "活动名称" in a.errors["title"].text()


def test_delete_studio_after_confirmation_and_undo(ctx, qtbot, db, base, yes):
    from ui.pages.industry import StudiosPage

    with db.session() as s:
        sid = svc.save_studio(s, svc.StudioData("名师工作室甲", "名师工作室", base["王强"])).ids[0]
    page = StudiosPage()
    qtbot.addWidget(page)
    page.reload_now()
    page.select_ids([sid])
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        page.delete_selected()
    assert not page.undo_bar.isHidden() and "已删除 1 个工作室" in page.undo_bar.label.text()
    page.reload_now()
    assert page.model.ids() == [] and "还没有工作室" in page.empty.title.text()
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        page.undo_bar.button.click()
    page.reload_now()
    assert page.model.ids() == [sid]


def test_delete_is_not_done_without_confirmation(ctx, qtbot, db, base, monkeypatch):
    from ui.pages.industry import StudiosPage

    with db.session() as s:
        sid = svc.save_studio(s, svc.StudioData("名师工作室甲", "名师工作室")).ids[0]
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No
    )
    page = StudiosPage()
    qtbot.addWidget(page)
    page.reload_now()
    page.select_ids([sid])
    page.delete_selected()
    ctx.wait()
    assert "名师工作室甲" in asked[0]
    with db.reader() as s:
        assert [r.id for r in svc.studio_rows(s)] == [sid]


# ---------------------------------------------------------------- 行业组织 and N四(一)2


def test_organization_activity_turns_its_group_ok(ctx, qtbot, db, base, monkeypatch):
    from ui.dialogs.organization_dialog import ActivityDialog, OrganizationDialog
    from ui.pages.group_strip import BAD_COLOR, OK_COLOR
    from ui.pages.industry import OrganizationsPage

    g1, g2 = base["智能制造专业群"], base["新能源汽车专业群"]
    page = OrganizationsPage()
    qtbot.addWidget(page)
    page.reload_now()
    assert page.strip.is_red(g1) and page.strip.is_red(g2)
    assert "还没有行业组织" in page.empty.title.text()

    d = OrganizationDialog(group_id=g1)  # 新建 from a group's filter ticks that group
    qtbot.addWidget(d)
    assert d.group_ids() == (g1,)
    d.name.setText("湖南省智能制造行业协会")
    oid = saved(qtbot, ctx, d)
    page.reload_now()
    assert page.strip.is_red(g1)  # linked, but no activity this 学年
    assert page.strip.label_text(g1).startswith("专业群 智能制造专业群：已联系 1 个行业组织，本学年活动 0 次")
    assert "本学年尚无活动" in page.strip.label_text(g1)
    tip = page.strip.labels[g1].toolTip()
    assert BAD_COLOR in page.strip.labels[g1].text() and "每个专业群对接 1–2 个行业组织" in tip
    assert "第四部分第（一）项第二点" in tip and "N四" not in tip
    row = page.model.row_at(page.model.row_of(oid))
    assert (row.status, row.group_names) == ("本学年无活动", ("智能制造专业群",))

    d = OrganizationDialog(None, oid)
    qtbot.addWidget(d)

    def fill(a):
        a.held_on.edit.setText(f"{TODAY.year}/{TODAY.month}/{TODAY.day}")  # typed, as people write it
        a.activity_type.setCurrentText("年会")
        a.participants.setText("专业群负责人")

    fake_exec(monkeypatch, qtbot, ActivityDialog, fill)
    d.activities.add_button.click()
    assert d.activities.table.rowCount() == 1
    page.reload_now()
    assert not page.strip.is_red(g1) and page.strip.is_red(g2)
    assert page.strip.label_text(g1).startswith("专业群 智能制造专业群：已联系 1 个行业组织，本学年活动 1 次")
    assert OK_COLOR in page.strip.labels[g1].text() and BAD_COLOR in page.strip.labels[g2].text()
    row = page.model.row_at(page.model.row_of(oid))
    assert (row.year_activities, row.status, row.last_activity_on) == (1, "本学年已开展", TODAY)


def test_organization_validation_and_group_filter(ctx, qtbot, db, base):
    from ui.dialogs.organization_dialog import OrganizationDialog
    from ui.pages.industry import OrganizationsPage

    g1, g2 = base["智能制造专业群"], base["新能源汽车专业群"]
    with db.session() as s:
        svc.save_organization(s, svc.OrganizationData("湖南省汽车行业协会", "行业协会", (g2,)))
    d = OrganizationDialog()
    qtbot.addWidget(d)
    d.name.setText("湖南省汽车行业协会")
    d.save()
    qtbot.waitUntil(lambda: not d.errors["name"].isHidden(), timeout=5000)
    assert "已存在" in d.errors["name"].text() and d.saved_id is None

    page = OrganizationsPage()
    qtbot.addWidget(page)
    page.reload_now()
    page.show_group(g1)
    page.reload_now()
    assert page.model.ids() == [] and "智能制造专业群还没有对接行业组织" in page.empty.title.text()
    assert page.strip.labels[g1].styleSheet().startswith("background")  # highlighted
    page.show_group(g2)
    page.reload_now()
    assert len(page.model.ids()) == 1


def test_typed_dates_are_saved_by_the_activity_and_meeting_forms(ctx, qtbot, db, base):
    from ui.dialogs.organization_dialog import ActivityDialog
    from ui.dialogs.steering_dialogs import SteeringMeetingDialog

    g1 = base["智能制造专业群"]
    with db.session() as s:
        oid = svc.save_organization(s, svc.OrganizationData("湖南省汽车行业协会", "行业协会", (g1,))).ids[0]
    a = ActivityDialog(None, oid)
    qtbot.addWidget(a)
    a.held_on.edit.setText("2026年3月9日")
    a.activity_type.setCurrentText("论坛")
    saved(qtbot, ctx, a)
    t = SteeringMeetingDialog(None, g1, "智能制造专业群")
    qtbot.addWidget(t)
    t.held_on.edit.setText("20260310")
    saved(qtbot, ctx, t)
    with db.reader() as s:
        [activity] = svc.activity_rows(s, oid)
        [meeting] = svc.steering_rows(s, g1)[1]
    assert (activity.held_on, activity.activity_type) == (dt.date(2026, 3, 9), "论坛")
    assert meeting.held_on == dt.date(2026, 3, 10)

    bad = SteeringMeetingDialog(None, g1, "智能制造专业群")
    qtbot.addWidget(bad)
    bad.held_on.edit.setText("2026-13-01")  # no such month: named at the field, nothing written
    bad.save()
    assert "会议日期" in bad.errors["held_on"].text() and bad.saved_id is None
    bad.held_on.edit.setText("")  # a required date may not be left empty
    bad.save()
    assert "请填写日期" in bad.errors["held_on"].text()
    bad.held_on.edit.setText("2026-11-01")
    assert bad.errors["held_on"].isHidden()  # the error goes as the field is fixed
    bad.mark_clean()
    with db.reader() as s:
        assert len(svc.steering_rows(s, g1)[1]) == 1


# ---------------------------------------------------------------- 指导委员会


def test_steering_member_and_meeting_add_and_delete(ctx, qtbot, db, base, yes):
    from ui.dialogs.steering_dialogs import SteeringMeetingDialog, SteeringMemberDialog
    from ui.pages.steering import SteeringView

    g1 = base["智能制造专业群"]
    view = SteeringView()
    qtbot.addWidget(view)
    assert view.group_id() == g1
    assert view.members.stack.currentWidget() is view.members.empty

    m = SteeringMemberDialog(view, g1, view.group_name())
    qtbot.addWidget(m)
    m.save()  # no name
    qtbot.waitUntil(lambda: not m.errors["name"].isHidden(), timeout=5000)
    assert "委员姓名" in m.errors["name"].text()
    m.name.setText("刘建国")
    m.role.setCurrentText("副主任")
    m.enterprise.setCurrentText("湖南甲智能装备有限公司")
    m.title.setText("企业总工程师")
    member_id = saved(qtbot, ctx, m)
    qtbot.waitUntil(lambda: view.members.ids() == [member_id], timeout=5000)
    assert view.members.row_texts(member_id) == ["副主任", "刘建国", "湖南甲智能装备有限公司", "企业总工程师"]

    t = SteeringMeetingDialog(view, g1, view.group_name())
    qtbot.addWidget(t)
    t.place.setText("学院第一会议室")
    t.minutes.setPlainText("审议专业群年度建设任务书")
    meeting_id = saved(qtbot, ctx, t)
    qtbot.waitUntil(lambda: view.meetings.ids() == [meeting_id], timeout=5000)
    assert view.count_label.text() == "委员 1 人，会议 1 次"
    view.search.setText("任务书")
    view.search._fire()
    assert view.count_label.text() == "找到委员 0 人、会议 1 次"
    view.search.setText("")
    view.search._fire()

    view.members.select_ids([member_id])
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        view.members.delete_selected()
    qtbot.waitUntil(lambda: view.members.ids() == [], timeout=5000)
    assert "已删除 1 位委员" in view.undo_bar.label.text()
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        view.undo_bar.button.click()
    qtbot.waitUntil(lambda: view.members.ids() == [member_id], timeout=5000)

    view.meetings.select_ids([meeting_id])
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        view.meetings.delete_selected()
    qtbot.waitUntil(lambda: view.meetings.ids() == [], timeout=5000)
    with db.reader() as s:
        members, meetings = svc.steering_rows(s, g1)
    assert [x.id for x in members] == [member_id] and meetings == []


# ---------------------------------------------------------------- the page


def test_page_tabs_new_text_and_open_group(ctx, qtbot, db, base):
    from ui.pages.industry import IndustryPage

    g2 = base["新能源汽车专业群"]
    with db.session() as s:
        oid = svc.save_organization(s, svc.OrganizationData("湖南省汽车行业协会", "行业协会", (g2,))).ids[0]
    page = IndustryPage()
    qtbot.addWidget(page)
    assert page.title == "行业与工作室" and page.new_text == "新建工作室…"
    page.tabs.setCurrentIndex(2)
    assert page.new_text == "添加委员…" and page.search is page.steering.search
    page.open_group(g2)
    assert page.tabs.currentWidget() is page.organizations and page.new_text == "新建行业组织…"
    assert page.organizations.group_box.currentData() == g2
    qtbot.waitUntil(lambda: page.organizations.model.ids() == [oid], timeout=5000)
    assert page.organizations.strip._highlighted == g2
