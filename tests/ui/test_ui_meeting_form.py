"""The 项目协调会议 form (a RecordForm) over a real database: a date typed as people write it is saved, Enter on
the action items edits a cell and never saves the form, and a due date that is no date is named at the table."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services import meetings as msvc
from app.services import projects as psvc

pytestmark = pytest.mark.qt


@pytest.fixture
def project(db) -> str:
    with db.session() as s:
        data = psvc.ProjectData(
            name="订单班", kind="订单培养", leader="王建国", starts_on=dt.date(2026, 1, 1)
        )
        return psvc.create_project(s, data).ids[0]


@pytest.fixture(autouse=True)
def discard(monkeypatch) -> list[str]:
    """Questions asked (unsaved changes when a test's form closes): answered 放弃."""
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Discard
    )
    return asked


def meeting_form(qtbot, project: str, meeting_id: str | None = None):
    from ui.dialogs.meeting_dialog import MeetingDialog

    dlg = MeetingDialog(None, project, meeting_id, "订单班")
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def test_a_typed_meeting_date_is_saved(ctx, qtbot, db, project):
    dlg = meeting_form(qtbot, project)
    assert dlg.windowTitle() == "新增协调会议 — 订单班"
    assert dlg.held_on.value() == dt.date.today()  # a new meeting is held today unless said otherwise
    dlg.held_on.edit.setText("2026/3/9")
    dlg.place.setText("企业会议室")
    dlg.add_item(msvc.ActionItemData("修订人才培养方案", "李芳"))
    dlg.items.cellWidget(0, 2).edit.setText("2026年4月30日")
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    with db.reader() as s:
        [m] = msvc.project_meetings(s, project)
    assert (m.held_on, m.place) == (dt.date(2026, 3, 9), "企业会议室")
    assert [(a.description, a.due_on) for a in m.action_items] == [("修订人才培养方案", dt.date(2026, 4, 30))]

    again = meeting_form(qtbot, project, m.id)
    assert again.held_on.edit.text() == "2026-03-09" and not again.dirty()


def test_enter_on_the_items_never_saves_and_a_bad_due_date_is_named(ctx, qtbot, db, project, discard):
    dlg = meeting_form(qtbot, project)
    dlg.add_item(msvc.ActionItemData("落实岗位", "刘强"))
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=2000)
    dlg.items.setFocus()
    dlg.items.setCurrentCell(0, 1)
    qtbot.keyClick(dlg.items, Qt.Key.Key_Return)  # edits the cell
    assert dlg.isVisible() and dlg.items.state() == dlg.items.State.EditingState
    due = dlg.items.cellWidget(0, 2)
    due.edit.setFocus()
    due.edit.setText("2026/4/30")
    qtbot.keyClick(due.edit, Qt.Key.Key_Return)  # ends the date; the form stays open, nothing written
    ctx.wait()
    assert dlg.isVisible() and dlg.saved_id is None and due.edit.text() == "2026-04-30"
    assert dlg.items.hasFocus()
    due.edit.setText("2026-4")
    dlg.save()
    assert "完成期限" in dlg.errors["action_items"].text() and dlg.saved_id is None
    with db.reader() as s:
        assert msvc.project_meetings(s, project) == []
    dlg.reject()
    assert "会议记录的修改尚未保存" in discard[0]
