"""工作台 in the GUI: the figures, the reminders of every rule, and each reminder one click from its record
(the right form, on the right tab)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.agreements import AgreementData, create_agreement
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.meetings import ActionItemData, MeetingData, create_meeting
from app.services.projects import ProjectData, create_project

pytestmark = pytest.mark.qt
TODAY = dt.date.today()  # the day each test runs (tests/conftest.py: _today_is_today)
TODAY_IS_TODAY = True


@pytest.fixture
def records(db) -> dict[str, str]:
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")).ids[0]
        agr = create_agreement(
            s,
            AgreementData(
                title="订单培养协议",
                kind="订单培养",
                enterprise_ids=(ent,),
                number="JD-1",
                signed_on=TODAY - dt.timedelta(days=700),
                starts_on=TODAY - dt.timedelta(days=700),
                ends_on=TODAY + dt.timedelta(days=20),
                status="生效",
            ),
        ).ids[0]
        prj = create_project(
            s,
            ProjectData(
                name="订单班",
                kind="订单培养",
                starts_on=TODAY - dt.timedelta(days=500),
                enterprise_ids=(ent,),
            ),
        ).ids[0]
        create_meeting(
            s,
            MeetingData(
                prj,
                TODAY - dt.timedelta(days=30),
                action_items=(ActionItemData("修订人才培养方案", "李芳", TODAY - dt.timedelta(days=3)),),
            ),
        )
    return {"enterprise": ent, "agreement": agr, "project": prj}


def test_figures_and_reminders_open_their_records(ctx, qtbot, db, records, monkeypatch):
    from ui.dialogs.agreement_dialog import AgreementDialog
    from ui.dialogs.enterprise_dialog import EnterpriseDialog
    from ui.dialogs.project_dialog import ProjectDialog
    from ui.main_window import MainWindow

    opened: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        AgreementDialog, "exec", lambda d: opened.append(("agreement", d.agreement_id, "")) or 0
    )
    monkeypatch.setattr(
        ProjectDialog,
        "exec",
        lambda d: opened.append(("project", d.project_id, d.tabs.tabText(d.tabs.currentIndex()))) or 0,
    )
    monkeypatch.setattr(
        EnterpriseDialog, "exec", lambda d: opened.append(("enterprise", d.enterprise_id, "")) or 0
    )
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    page = w.dashboard
    w._goto(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    assert page.partners.values["foundation"].text() == "1"  # the partner's highest tier
    assert page.agreements.values["生效"].text() == "1" and page.projects.values["total"].text() == "1"
    kinds = {r.rule: i for i, r in enumerate(page.model.items)}
    assert {
        "AGR-EXPIRING-30",
        "MTG-ACTION-OVERDUE",
        "PRJ-LEADER",
        "PRJ-REPORT",
        "VISIT-YEARLY",
    } <= set(kinds)
    dues = [r.due for r in page.model.items if r.due is not None]
    assert dues == sorted(dues) and page.model.items[-1].due is None  # nearest first, the overdue on top
    for kind in (
        "AGR-EXPIRING-30",
        "MTG-ACTION-OVERDUE",
        "PRJ-REPORT",
        "VISIT-YEARLY",
    ):
        page.table.selectRow(kinds[kind])
        page.open_current()
    assert opened == [
        ("agreement", records["agreement"], ""),
        ("project", records["project"], "协调会议"),
        ("project", records["project"], "运行报告"),
        ("enterprise", records["enterprise"], ""),
    ]
    # the kind filter narrows the list; a new rule needs no change to the page
    page.kind_box.setCurrentIndex(page.kind_box.findData("MTG-ACTION-OVERDUE"))
    assert page.model.rowCount() == 1 and "会议待办逾期" in page.model.data(page.model.index(0, 2))
    assert page.model.data(page.model.index(0, 1)) == "警告"
    w.close()


def test_acknowledge_and_withdraw(ctx, qtbot, db, monkeypatch):
    """忽略并说明: the finding leaves the list (its reason kept), comes back greyed with 显示已忽略, and 撤销忽略
    brings it back."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QInputDialog

    from app.services.projects import ProjectData, create_project
    from ui.pages.dashboard import DashboardPage

    with db.session() as s:
        create_project(s, ProjectData(name="无负责人项目", kind="订单培养"))
    page = DashboardPage()
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    page.table.selectRow(0)
    assert page.current_finding().rule == "PRJ-LEADER" and page.ack_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("项目已撤销，待删除", True))
    page.acknowledge_current()
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    assert "已忽略 1 条" in page.reminder_title.text()
    page.show_acked.setChecked(True)
    assert page.model.rowCount() == 1 and page.model.data(page.model.index(0, 1)) == "已忽略"
    assert "项目已撤销，待删除" in page.model.data(page.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    page.table.selectRow(0)
    assert page.unack_button.isEnabled() and not page.ack_button.isEnabled()
    page.withdraw_current()
    qtbot.waitUntil(lambda: "已忽略" not in page.reminder_title.text(), timeout=5000)
    assert page.model.data(page.model.index(0, 1)) == "错误"


def test_empty_database_explains_the_reminders(ctx, qtbot):
    from ui.pages.dashboard import DashboardPage

    page = DashboardPage()
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.partners.values["total"].text() == "0", timeout=5000)
    # the reminders are a job of their own after the figures (dashboard_figures, then dashboard_reminders)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.empty, timeout=5000)


def test_the_figures_show_before_the_reminders_are_checked(ctx, qtbot, records, monkeypatch):
    """The compliance check behind the reminders takes about a second on a large college: the figures are a
    job of their own and show while it runs."""
    import threading

    from app.reporting import dashboard as svc
    from ui.pages.dashboard import DashboardPage

    release = threading.Event()
    real = svc.dashboard_reminders

    def slow_reminders(s, day=None):
        release.wait(10)
        return real(s, day)

    monkeypatch.setattr(svc, "dashboard_reminders", slow_reminders)
    page = DashboardPage()
    qtbot.addWidget(page)
    page.show()
    try:
        qtbot.waitUntil(lambda: page.projects.values["total"].text() == "1", timeout=5000)
        assert page.agreements.values["生效"].text() == "1"
        assert page.reminders.model.rowCount() == 0  # still being checked
    finally:
        release.set()
    qtbot.waitUntil(lambda: page.reminders.model.rowCount() > 0, timeout=5000)
