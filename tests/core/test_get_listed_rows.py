"""The one-record reads the forms of listed rows use (issue 19: a form reads its record from the database, not
the row its parent window listed): each gives the row its list gives, built by the same code, also for a
record in the 回收站 (the form then learns so on save), and NotFound for one deleted for good."""

from __future__ import annotations

import sys

import pytest
from sqlalchemy import select

from app.db import models as m
from app.errors import NotFound
from app.services import employment, funds, industry, internships, teachers

pytestmark = [
    pytest.mark.both_backends,
    pytest.mark.skipif(
        sys.platform == "win32",
        reason="the same code on every platform, tested on Linux on both backends (the Wine half of CI is its long pole)",
    ),
]


def _first(s, column):
    model = column.class_
    return s.scalar(select(column).where(model.deleted_at.is_(None)).order_by(model.id).limit(1))


LISTS = {  # kind → (its list, as a parent window reads it; the one-record read; the delete to the 回收站)
    "employment": (
        lambda s: employment.employment_rows(s),
        employment.get_employment,
        employment.delete_employment,
    ),
    "evaluation": (
        lambda s: internships.evaluation_rows(s, _first(s, m.MonthlyEvaluation.internship_id)),
        internships.get_evaluation,
        internships.delete_evaluations,
    ),
    "practice": (lambda s: teachers.practice_rows(s), teachers.get_practice, teachers.delete_practices),
    "steering_member": (
        lambda s: industry.steering_rows(s, _first(s, m.SteeringMember.major_group_id))[0],
        industry.get_steering_member,
        industry.delete_steering_members,
    ),
    "steering_meeting": (
        lambda s: industry.steering_rows(s, _first(s, m.SteeringMeeting.major_group_id))[1],
        industry.get_steering_meeting,
        industry.delete_steering_meetings,
    ),
    "studio_activity": (
        lambda s: industry.studio_activity_rows(s, _first(s, m.StudioActivity.studio_id)),
        industry.get_studio_activity,
        industry.delete_studio_activities,
    ),
    "organization_activity": (
        lambda s: industry.activity_rows(s),
        industry.get_activity,
        industry.delete_activities,
    ),
    "budget": (lambda s: funds.budget_rows(s), funds.get_budget, funds.delete_budgets),
}


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_each_get_gives_the_listed_row(kind, demo_db):
    listed, get, _delete = LISTS[kind]
    with demo_db.reader() as s:
        rows = listed(s)
        assert rows, f"the demo has no {kind}"
        assert [get(s, r.id) for r in rows] == rows
        with pytest.raises(NotFound):
            get(s, "00000000-0000-0000-0000-000000000000")


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_a_record_in_the_trash_is_still_read(kind, demo_db):
    listed, get, delete = LISTS[kind]
    with demo_db.reader() as s:
        row = listed(s)[0]
    with demo_db.session() as s:
        delete(s, [row.id])
    with demo_db.reader() as s:
        assert row.id not in {r.id for r in listed(s)}
        assert get(s, row.id) == row
