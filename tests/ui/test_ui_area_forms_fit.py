"""The forms of 行业与工作室, 指导委员会, 协调会议 and 学生实习 open no larger than a 1366×768 screen allows and can
be made as small as that screen at 150 % scaling (910×512, less the title bar): tall tabs scroll."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services import industry as isvc
from app.services import internships as svc
from app.services import projects as psvc
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.students import StudentData, create_student

pytestmark = pytest.mark.qt

SCALED = (910, 470)  # 1366×768 at 150 %, less the title bar and the taskbar


@pytest.fixture
def ids(db) -> dict[str, str]:
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湘麓智能装备有限公司")).ids[0]
        student = create_student(
            s, StudentData("2023001", "张三", class_name="机电2301", entry_year=2023)
        ).ids[0]
        data = svc.InternshipData(student, dt.date(2026, 3, 1), dt.date(2026, 6, 30), enterprise_id=ent)
        return {
            "internship": svc.create_internship(s, data).ids[0],
            "organization": isvc.save_organization(s, isvc.OrganizationData("湖南省汽车行业协会")).ids[0],
            "studio": isvc.save_studio(s, isvc.StudioData("名师工作室甲", "名师工作室")).ids[0],
            "project": psvc.create_project(
                s, psvc.ProjectData(name="订单班", kind="订单培养", leader="王")
            ).ids[0],
            "student": student,
        }


def forms(ids: dict[str, str]):
    from ui.dialogs.internship_batch_dialog import InternshipBatchDialog
    from ui.dialogs.internship_dialog import InternshipDialog
    from ui.dialogs.meeting_dialog import MeetingDialog
    from ui.dialogs.organization_dialog import ActivityDialog, OrganizationDialog
    from ui.dialogs.steering_dialogs import SteeringMeetingDialog, SteeringMemberDialog
    from ui.dialogs.studio_dialog import StudioActivityDialog, StudioDialog

    yield InternshipDialog(None, ids["internship"])
    yield InternshipBatchDialog(None, [ids["student"]])
    yield OrganizationDialog(None, ids["organization"])
    yield ActivityDialog(None, ids["organization"])
    yield StudioDialog(None, ids["studio"])
    yield StudioActivityDialog(None, ids["studio"])
    yield MeetingDialog(None, ids["project"])
    yield SteeringMemberDialog(None, "", "智能制造专业群")
    yield SteeringMeetingDialog(None, "", "智能制造专业群")


def test_every_form_fits_a_small_screen(ctx, qtbot, ids):
    seen = []
    for form in forms(ids):
        qtbot.addWidget(form)
        name = type(form).__name__
        seen.append(name)
        assert form.default_size[0] <= 1300 and form.default_size[1] <= 640, name
        assert form.width() <= form.default_size[0] and form.height() <= form.default_size[1], name
        hint = form.minimumSizeHint()
        assert hint.width() <= SCALED[0] and hint.height() <= SCALED[1], (name, hint)
        assert not form.dirty(), name  # nothing typed: closing asks nothing
    assert len(seen) == 9
