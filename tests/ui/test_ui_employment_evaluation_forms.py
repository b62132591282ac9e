"""The 就业 and 企业月度评价 forms on RecordForm over a real database: a month already evaluated is refused at the
month field and nothing is written; the evaluation form asks before closing with an unsaved score; a 就业记录
opened for editing saves its changed salary; the 就业 list's delete and its undo (ui/operations/employment.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox

from app.services import internships as isvc
from app.services.employment import EmploymentData, employment_rows, save_employment
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.students import StudentData, create_student

pytestmark = pytest.mark.qt

YEAR = 2026
MAY = dt.date(2026, 5, 1)


@pytest.fixture
def world(db) -> dict[str, str]:
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湘麓智能装备有限公司")).ids[0]
        zhang, li = (
            create_student(s, StudentData(no, name, class_name="机电2301", entry_year=2023)).ids[0]
            for no, name in (("2023001", "张三"), ("2023002", "李四"))
        )
        terms = isvc.InternshipData(
            student_id="", starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 6, 30), enterprise_id=ent
        )
        (iid,) = isvc.create_internships(s, [zhang], terms).ids
        isvc.save_evaluation(s, isvc.EvaluationData(iid, MAY, 85, "师傅丁", "认真"))
        job = EmploymentData(zhang, YEAR, "协议就业", None, "三一重工", True, 500000)
        job_id = save_employment(s, job).ids[0]
        save_employment(s, EmploymentData(li, YEAR, "升学"))
    return {"internship": iid, "zhang": zhang, "li": li, "job": job_id}


def test_a_month_already_evaluated_is_refused_at_the_month(ctx, qtbot, db, world):
    from ui.dialogs.evaluation_dialog import EvaluationDialog

    d = EvaluationDialog(None, world["internship"], month=MAY, evaluator="师傅丁")
    qtbot.addWidget(d)
    assert d.month.date().toString("yyyy-MM") == "2026-05" and d.evaluator.text() == "师傅丁"
    assert d.score.value() == 80 and d.low.isHidden()
    d.score.setValue(55)
    assert not d.low.isHidden() and "预警" in d.low.text()
    d.save()
    label = d.errors["month"]
    assert not label.isHidden() and "2026" in label.text() and d.saved_id is None
    with db.reader() as s:
        assert [(e.month, e.score) for e in isvc.evaluation_rows(s, world["internship"])] == [(MAY, 85)]
    d.month.setDate(d.month.date().addMonths(1))  # June: free
    assert label.isHidden()
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.save()
    with db.reader() as s:
        assert [(e.month, e.score) for e in isvc.evaluation_rows(s, world["internship"])] == [
            (MAY, 85),
            (dt.date(2026, 6, 1), 55),
        ]


def test_the_evaluation_form_asks_before_losing_an_edit(ctx, qtbot, db, world, monkeypatch):
    from ui.dialogs.evaluation_dialog import EvaluationDialog

    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel
    )
    with db.reader() as s:
        (row,) = isvc.evaluation_rows(s, world["internship"])
    d = EvaluationDialog(None, world["internship"], row)
    qtbot.addWidget(d)
    d.show()
    assert d.windowTitle() == "编辑企业月度评价"
    assert (d.score.value(), d.comment.toPlainText()) == (85, "认真")
    d.score.setValue(90)
    d.reject()
    assert len(asked) == 1 and "企业月度评价的修改尚未保存" in asked[0] and d.isVisible()
    d.score.setValue(85)
    d.reject()
    assert len(asked) == 1 and d.isHidden()


def test_editing_an_employment_record_saves_the_salary_as_typed(ctx, qtbot, db, world):
    from ui.dialogs.employment_dialog import EmploymentDialog

    with db.reader() as s:
        row = next(r for r in employment_rows(s, year=YEAR) if r.id == world["job"])
    d = EmploymentDialog(None, row=row)
    qtbot.addWidget(d)
    assert d.student.isHidden() and "张三" in d.student_label.text() and d.salary.text() == "5,000.00"
    assert not d.dirty()
    d.salary.setText("5,8")
    d.save()
    assert "月薪" in d.errors["monthly_salary_fen"].text() and d.saved_id is None
    d.salary.setText("¥5,800")
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.save()
    with db.reader() as s:
        got = next(r for r in employment_rows(s, year=YEAR) if r.id == world["job"])
    assert (got.monthly_salary_fen, got.employer_name, got.status) == (580000, "三一重工", "协议就业")


def test_delete_and_undo_in_the_employment_list(ctx, qtbot, db, world, monkeypatch):
    from ui.pages.employment_view import EmploymentView

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view = EmploymentView()
    qtbot.addWidget(view)
    view.set_year(YEAR)
    view.reload_now()
    assert view.table.rowCount() == 2
    row = next(r for r in range(2) if view.table.item(r, 1).text() == "张三")
    view.table.selectRow(row)
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        view.delete_selected()
    with db.reader() as s:
        assert [r.student_name for r in employment_rows(s, year=YEAR)] == ["李四"]
    qtbot.waitUntil(lambda: not view.undo_bar.isHidden(), timeout=5000)
    assert view.undo_bar.label.text() == "已删除 1 条就业记录到回收站。"
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        view.undo_bar.button.click()
    with db.reader() as s:
        assert sorted(r.student_name for r in employment_rows(s, year=YEAR)) == ["张三", "李四"]
