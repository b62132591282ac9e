"""设置 → 学期日历: the dialog refuses an impossible order, saves a new calendar, the page shows it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate

from app.domain.semesters import SemesterCalendar
from app.services import settings as svc

pytestmark = pytest.mark.qt


def test_calendar_dialog_checks_and_saves(ctx, qtbot, db):
    from ui.dialogs.semester_dialog import SemesterDialog
    from ui.pages.settings import SettingsPage

    page = SettingsPage()
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: "9月1日" in page.calendar.text(), timeout=5000)
    assert "次年1月31日" in page.calendar.text()
    d = SemesterDialog(page)
    qtbot.addWidget(d)
    d.second_end.setDate(QDate(2001, 9, 15))  # after semester 1 starts: impossible
    assert not d.save_button.isEnabled() and "顺序不对" in d.preview.text()
    d.first_start.setDate(QDate(2001, 8, 25))
    d.second_start.setDate(QDate(2001, 2, 20))
    d.second_end.setDate(QDate(2001, 7, 10))
    assert d.save_button.isEnabled() and "-1：" in d.preview.text()
    d.save()
    qtbot.waitUntil(lambda: d.result() == d.DialogCode.Accepted, timeout=5000)
    with db.reader() as s:
        assert svc.get_semester_calendar(s) == SemesterCalendar((8, 25), (2, 20), (7, 10))
    qtbot.waitUntil(lambda: "8月25日" in page.calendar.text(), timeout=5000)
    assert "次年2月19日" in page.calendar.text()
