"""No lost update in the forms opened from a list inside another window (issue 19): the 就业, 企业月度评价, 基地使用,
企业实践, 指导委员会委员 / 会议, 工作室活动, 行业组织活动 and 预算 forms are given the row their parent window listed,
but read the record it names from the database. Another user's save between the list and the form is shown by
the form, and a save over a change made after the form opened is refused with the conflict dialog, whose
载入对方的内容 shows the other user's version (not the listed row again).

Each case: the parent's list read first, then another user (a second handle on the same file) saves the
record, then the form opens on the listed row."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton
from sqlalchemy import select

from app.db import models as m
from app.db.engine import open_database
from app.services import bases, employment, funds, industry, internships, teachers
from app.services.choices import major_choices
from ui.forms.conflict import ConflictDialog

pytestmark = [
    pytest.mark.qt,
    pytest.mark.skipif(
        sys.platform == "win32",
        reason="the same code on every platform, tested on Linux (the Wine half of CI is its long pole)",
    ),
]


def _data(row: Any, data_class: type, **change: Any) -> Any:
    """The service's data class filled from a listed row, with `change`."""
    return data_class(**{f.name: getattr(row, f.name) for f in fields(data_class)} | change)


def _first(s, column):
    model = column.class_
    return s.scalar(select(column).where(model.deleted_at.is_(None)).order_by(model.id).limit(1))


@dataclass(frozen=True)
class Case:
    name: str
    field: str  # the text field the other user and the form both change
    listed: Callable[[Any], Any]  # the parent window's list → the row it hands the form
    write: Callable[..., object]  # the service's save: write(s, data, id), or write(s, id, data) if id_first
    data_class: type  # what `write` takes
    get: Callable[[Any, str], Any]  # the service's read of one record (what the form reads)
    form: Callable[[Any], Any]  # the form on the listed row
    id_first: bool = False

    def save(self, s, row, text: str) -> object:
        """Another user's save of `row` with `field` = `text`."""
        data = _data(row, self.data_class, **{self.field: text})
        return self.write(s, row.id, data) if self.id_first else self.write(s, data, row.id)


def _employment_form(row):
    from ui.dialogs.employment_dialog import EmploymentDialog

    return EmploymentDialog(None, row=row)


def _evaluation_form(row):
    from ui.dialogs.evaluation_dialog import EvaluationDialog

    return EvaluationDialog(None, row.internship_id, row)


def _usage_form(row):
    from ui.dialogs.usage_dialog import UsageDialog
    from ui.ops import read_now

    return UsageDialog(None, row.base_id, read_now(major_choices), row)


def _practice_form(row):
    from ui.dialogs.practice_dialog import PracticeDialog

    return PracticeDialog(None, row.teacher_id, row)


def _member_form(row):
    from ui.dialogs.steering_dialogs import SteeringMemberDialog

    return SteeringMemberDialog(None, row.major_group_id, "智能制造专业群", row)


def _meeting_form(row):
    from ui.dialogs.steering_dialogs import SteeringMeetingDialog

    return SteeringMeetingDialog(None, row.major_group_id, "智能制造专业群", row)


def _studio_activity_form(row):
    from ui.dialogs.studio_dialog import StudioActivityDialog

    return StudioActivityDialog(None, row.studio_id, row)


def _organization_activity_form(row):
    from ui.dialogs.organization_dialog import ActivityDialog

    return ActivityDialog(None, row.organization_id, row)


def _budget_form(row):
    from ui.dialogs.budget_dialog import BudgetDialog

    return BudgetDialog(None, row)


CASES = [
    Case(
        "employment",
        "note",
        lambda s: employment.employment_rows(s)[0],
        employment.save_employment,
        employment.EmploymentData,
        employment.get_employment,
        _employment_form,
    ),
    Case(
        "evaluation",
        "comment",
        lambda s: internships.evaluation_rows(s, _first(s, m.MonthlyEvaluation.internship_id))[0],
        internships.save_evaluation,
        internships.EvaluationData,
        internships.get_evaluation,
        _evaluation_form,
    ),
    Case(
        "usage",
        "note",
        lambda s: bases.usage_rows(s)[0],
        bases.save_usage,
        bases.UsageData,
        bases.get_usage,
        _usage_form,
    ),
    Case(
        "practice",
        "note",
        lambda s: teachers.practice_rows(s)[0],
        teachers.update_practice,
        teachers.PracticeData,
        teachers.get_practice,
        _practice_form,
        id_first=True,
    ),
    Case(
        "steering_member",
        "title",
        lambda s: industry.steering_rows(s, _first(s, m.SteeringMember.major_group_id))[0][0],
        industry.save_steering_member,
        industry.SteeringMemberData,
        industry.get_steering_member,
        _member_form,
    ),
    Case(
        "steering_meeting",
        "place",
        lambda s: industry.steering_rows(s, _first(s, m.SteeringMeeting.major_group_id))[1][0],
        industry.save_steering_meeting,
        industry.SteeringMeetingData,
        industry.get_steering_meeting,
        _meeting_form,
    ),
    Case(
        "studio_activity",
        "participants",
        lambda s: industry.studio_activity_rows(s, _first(s, m.StudioActivity.studio_id))[0],
        industry.save_studio_activity,
        industry.StudioActivityData,
        industry.get_studio_activity,
        _studio_activity_form,
    ),
    Case(
        "organization_activity",
        "participants",
        lambda s: industry.activity_rows(s)[0],
        industry.save_activity,
        industry.ActivityData,
        industry.get_activity,
        _organization_activity_form,
    ),
    Case(
        "budget",
        "note",
        lambda s: funds.budget_rows(s)[0],
        funds.update_budget,
        funds.BudgetData,
        funds.get_budget,
        _budget_form,
        id_first=True,
    ),
]


@pytest.fixture
def demo_ctx(demo_db, qapp):
    from ui.ops import DbContext, set_context

    context = DbContext(demo_db)
    set_context(context)
    yield context
    context.wait()
    set_context(None)


@pytest.fixture
def other(demo_db):
    handle = open_database(demo_db.location)
    yield handle
    handle.close()


def _text(widget) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()


def _set(widget, text: str) -> None:
    (widget.setPlainText if isinstance(widget, QPlainTextEdit) else widget.setText)(text)


def _opened(case: Case, demo_db, other, qtbot):
    """The parent's list read, another user's save of the listed record, then the form on the listed row."""
    with demo_db.reader() as s:
        row = case.listed(s)
    with other.session() as s:
        case.save(s, row, "对方先改的内容")
    d = case.form(row)
    qtbot.addWidget(d)
    d.show()
    return row, d


def _saved(case: Case, demo_db, row) -> str:
    with demo_db.reader() as s:
        return getattr(case.get(s, row.id), case.field)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_listed_row_form_shows_what_another_user_saved_before_it_opened(
    case, demo_ctx, demo_db, other, qtbot
):
    row, d = _opened(case, demo_db, other, qtbot)
    assert getattr(row, case.field) != "对方先改的内容"  # the parent's list is out of date
    assert _text(getattr(d, case.field)) == "对方先改的内容"  # the form read the database
    assert not d.dirty()
    _set(getattr(d, case.field), "我改的内容")  # a save over what the form showed goes through
    d.save()
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=10_000)
    assert _saved(case, demo_db, row) == "我改的内容"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_listed_row_form_refuses_to_save_over_a_later_change(case, demo_ctx, demo_db, other, qtbot):
    row, d = _opened(case, demo_db, other, qtbot)
    _set(getattr(d, case.field), "我改的内容")
    with other.session() as s:  # after the form opened
        case.save(s, row, "对方后改的内容")
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConflictDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.windowTitle())
        next(b for b in dialog.findChildren(QPushButton) if b.text() == "载入对方的内容").click()

    QTimer.singleShot(0, answer)
    d.save()
    qtbot.waitUntil(lambda: not d._saving and QApplication.activeModalWidget() is None, timeout=10_000)
    assert seen == ["记录已被他人修改"]
    assert _saved(case, demo_db, row) == "对方后改的内容"  # nothing of the form's was saved
    assert d.isVisible() and _text(getattr(d, case.field)) == "对方后改的内容" and not d.dirty()
