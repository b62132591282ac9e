"""Every record form behaves the same (STYLE §13): it is a RecordForm, opens clean on a new and on a saved
record of the demo (what `load` shows is what `state` reads back: no false "尚未保存" question), fits a
1366×768 screen at 150 % scaling, opens no larger than the screen, and keeps its geometry under a key of its
own. New forms are found by walking ui/dialogs, so a form added later is held to the same."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from sqlalchemy import select

import ui.dialogs
from app.db import models as m
from ui.forms import RecordForm
from ui.forms.fields import REQUIRED_MARK

pytestmark = pytest.mark.qt

SMALLEST = (910, 485)  # a 1366×768 screen at 150 %, less the task bar and the title bar
LARGEST = (1300, 680)  # what a 1366×768 screen at 100 % has room for


def _forms() -> list[type[RecordForm]]:
    for info in pkgutil.iter_modules(ui.dialogs.__path__):
        importlib.import_module(f"ui.dialogs.{info.name}")
    found, todo = [], [RecordForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("ui.dialogs.") and not _abstract(sub):
                found.append(sub)
    return sorted(found, key=lambda c: c.__name__)


def _abstract(cls: type) -> bool:
    """A shared base of several forms (OutcomeForm, ActivityForm …): it has subclasses of its own."""
    return bool(cls.__subclasses__())


def _first(s, model, *where):
    return s.scalars(select(model.id).where(model.deleted_at.is_(None), *where).limit(1)).first()


def _open(name: str, s):
    """The form `name` on a saved record of the demo and on a new one: (label, factory) pairs."""
    from app.services import funds, teachers
    from ui.dialogs import (
        achievement_dialog,
        agreement_dialog,
        asset_dialog,
        base_dialog,
        enterprise_dialog,
        internship_dialog,
        ledger_dialog,
        organization_dialog,
        practice_dialog,
        project_dialog,
        student_dialog,
        studio_dialog,
        teacher_dialog,
        training_dialog,
        visit_dialog,
    )

    simple = {
        "EnterpriseDialog": (enterprise_dialog.EnterpriseDialog, m.Enterprise),
        "AgreementDialog": (agreement_dialog.AgreementDialog, m.Agreement),
        "ProjectDialog": (project_dialog.ProjectDialog, m.Project),
        "VisitDialog": (visit_dialog.VisitDialog, m.Visit),
        "AssetDialog": (asset_dialog.AssetDialog, m.Asset),
        "BaseDialog": (base_dialog.BaseDialog, m.PracticeBase),
        "StudentDialog": (student_dialog.StudentDialog, m.Student),
        "TeacherDialog": (teacher_dialog.TeacherDialog, m.Teacher),
        "TrainingDialog": (training_dialog.TrainingDialog, m.Training),
        "AchievementDialog": (achievement_dialog.AchievementDialog, m.Achievement),
        "LedgerDialog": (ledger_dialog.LedgerDialog, m.LedgerEntry),
        "StudioDialog": (studio_dialog.StudioDialog, m.Studio),
        "OrganizationDialog": (organization_dialog.OrganizationDialog, m.IndustryOrganization),
    }
    if name in simple:
        cls, model = simple[name]
        record_id = _first(s, model)
        assert record_id, f"the demo has no {model.__name__}"
        return [("新建", lambda: cls(None)), ("已有", lambda: cls(None, record_id))]
    if name == "InternshipDialog":
        record_id = _first(s, m.Internship)
        return [("已有", lambda: internship_dialog.InternshipDialog(None, record_id))]
    if name == "PracticeDialog":
        row = teachers.practice_rows(s)[0]
        return [
            ("新建", lambda: practice_dialog.PracticeDialog(None, row.teacher_id)),
            ("已有", lambda: practice_dialog.PracticeDialog(None, row.teacher_id, row)),
        ]
    if name == "EmploymentDialog":
        from ui.dialogs import employment_dialog

        student_id = _first(s, m.Student)
        return [("新建", lambda: employment_dialog.EmploymentDialog(None, student_id=student_id))]
    if name == "EvaluationDialog":
        from ui.dialogs import evaluation_dialog

        internship_id = _first(s, m.Internship)
        return [("新建", lambda: evaluation_dialog.EvaluationDialog(None, internship_id))]
    if name == "MeetingDialog":
        from ui.dialogs import meeting_dialog

        project_id = _first(s, m.Project)
        meeting_id = _first(s, m.Meeting)
        return [
            ("新建", lambda: meeting_dialog.MeetingDialog(None, project_id)),
            ("已有", lambda: meeting_dialog.MeetingDialog(None, project_id, meeting_id)),
        ]
    if name == "ProfileDialog":
        from ui.dialogs import profile_dialog

        return [("已有", lambda: profile_dialog.ProfileDialog(None))]
    if name == "InternshipBatchDialog":
        from ui.dialogs import internship_batch_dialog

        student_ids = tuple(s.scalars(select(m.Student.id).where(m.Student.deleted_at.is_(None)).limit(3)))
        return [("新建", lambda: internship_batch_dialog.InternshipBatchDialog(None, student_ids))]
    if name in ("ActivityDialog", "StudioActivityDialog"):
        owner = m.IndustryOrganization if name == "ActivityDialog" else m.Studio
        cls = (
            organization_dialog.ActivityDialog
            if name == "ActivityDialog"
            else studio_dialog.StudioActivityDialog
        )
        owner_id = _first(s, owner)
        return [("新建", lambda: cls(None, owner_id))]
    if name == "RepairDialog":
        asset_id = _first(s, m.Asset)
        return [("新建", lambda: asset_dialog.RepairDialog(None, asset_id))]
    if name == "BudgetDialog":
        from ui.dialogs import budget_dialog

        budget = funds.budget_rows(s)[0]
        return [
            ("新建", lambda: budget_dialog.BudgetDialog(None, year=budget.year)),
            ("已有", lambda: budget_dialog.BudgetDialog(None, budget)),
        ]
    return []


FORMS = [c.__name__ for c in _forms()]


def test_the_forms_are_found():
    assert {
        "EnterpriseDialog",
        "AgreementDialog",
        "ProjectDialog",
        "StudentDialog",
        "InternshipDialog",
    } <= set(FORMS)
    assert len(FORMS) >= 25


def test_every_form_keeps_its_geometry_under_a_key_of_its_own():
    keys: dict[str, str] = {}
    for cls in _forms():
        assert cls.geometry_key, f"{cls.__name__} has no geometry_key"
        assert cls.geometry_key not in keys, f"{cls.__name__} and {keys[cls.geometry_key]} share a key"
        keys[cls.geometry_key] = cls.__name__
        assert cls.default_size[0] <= LARGEST[0] and cls.default_size[1] <= LARGEST[1], cls.__name__


@pytest.mark.parametrize("name", FORMS)
def test_every_form_opens_clean_and_fits_the_screen(name, demo_db, qapp, qtbot):
    from PySide6.QtWidgets import QLabel

    from ui.ops import DbContext, set_context

    context = DbContext(demo_db)
    set_context(context)
    try:
        with demo_db.reader() as s:
            openers = _open(name, s)
        if not openers:
            pytest.skip(f"{name} needs a parent record or window to open (tested with its area)")
        for label, make in openers:
            form = make()
            qtbot.addWidget(form)
            assert isinstance(form, RecordForm)
            assert not form.dirty(), f"{name}（{label}）opens with unsaved changes"
            hint = form.minimumSizeHint()
            assert hint.width() <= SMALLEST[0] and hint.height() <= SMALLEST[1], (
                f"{name}（{label}）needs at least {hint.width()}×{hint.height()}"
            )
            assert form.save_button.isEnabled()
            marks = [w.text() for w in form.findChildren(QLabel) if w.text().rstrip().endswith("*")]
            bad = [t for t in marks if not t.endswith(REQUIRED_MARK) or t.endswith(" " + REQUIRED_MARK)]
            assert not bad, f"{name}（{label}）marks required fields otherwise than forms.required: {bad}"
            form.reject()  # clean: closes without asking
            assert not form.isVisible()
    finally:
        context.wait()
        set_context(None)
