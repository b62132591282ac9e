"""The Word-document buttons: 生成协议草稿 in the agreement form and 生成报告 in the project's 运行报告 tab, over
a real database with the save dialog and the 打开文件 box replaced (pytest-qt)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document

from app.domain.semesters import past_semesters
from app.services import agreements as svc
from app.services import enterprises as esvc
from app.services import projects as psvc

pytestmark = pytest.mark.qt

TODAY = dt.date.today()  # the day each test runs (tests/conftest.py: _today_is_today)
TODAY_IS_TODAY = True


@pytest.fixture
def rec(db) -> dict[str, str]:
    with db.session() as s:
        a = esvc.create_enterprise(s, esvc.EnterpriseData(name="湖南湘江智能装备有限公司")).ids[0]
        b = esvc.create_enterprise(s, esvc.EnterpriseData(name="株洲恒信电气有限公司")).ids[0]
        agreement = svc.create_agreement(
            s, svc.AgreementData(title="订单培养合作协议", kind="订单培养", enterprise_ids=(a, b))
        ).ids[0]
        project = psvc.create_project(
            s,
            psvc.ProjectData(
                name="湘江智能订单班",
                kind="订单培养",
                leader="王建国",
                starts_on=TODAY - dt.timedelta(days=400),
                enterprise_ids=(a,),
                kpis=(psvc.KPIData("订单班学生人数", 40, "人", 35),),
            ),
        ).ids[0]
    return {"a": a, "b": b, "agreement": agreement, "project": project}


@pytest.fixture
def saved(monkeypatch, tmp_path) -> dict[str, list]:
    """ask_save answers a file in tmp_path; offer_open and show_error record instead of showing a box."""
    from ui import errors, files

    seen: dict[str, list] = {"asked": [], "offered": [], "errors": []}
    out = tmp_path / "out"
    out.mkdir()

    def ask_save(_parent, _title, key, name, _filter=""):
        seen["asked"].append((key, name))
        return out / name

    monkeypatch.setattr(files, "ask_save", ask_save)
    monkeypatch.setattr(files, "offer_open", lambda _p, path, _text: seen["offered"].append(path))
    # the forms and ui/files.py look show_error up in ui.errors when they need it
    monkeypatch.setattr(errors, "show_error", lambda _p, exc, _t="": seen["errors"].append(exc))
    return seen


def texts(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def agreement_dialog(qtbot, agreement_id=None, enterprise_ids=()):
    from ui.dialogs.agreement_dialog import AgreementDialog

    dlg = AgreementDialog(None, agreement_id, enterprise_ids)
    qtbot.addWidget(dlg, before_close_func=lambda d: d.forget_changes())
    dlg.show()
    return dlg


def menu_action(dlg, text: str):
    return next(a for a in dlg.document_button.menu().actions() if a.text().startswith(text))


def test_agreement_draft_is_written_with_title_and_enterprises(ctx, qtbot, rec, saved):
    dlg = agreement_dialog(qtbot, rec["agreement"])
    assert dlg.document_button.text() == "生成协议草稿 ▼"
    menu_action(dlg, "用内置模板生成").trigger()
    qtbot.waitUntil(lambda: bool(saved["offered"]), timeout=10000)
    out = saved["offered"][0]
    assert saved["asked"] == [("docs", out.name)] and out.name.endswith(".docx")
    assert "订单培养合作协议" in out.name
    text = texts(out)
    assert "订单培养合作协议" in text
    assert "湖南湘江智能装备有限公司" in text and "株洲恒信电气有限公司" in text
    assert not saved["errors"] and dlg.isVisible()


def test_unsaved_changes_are_saved_before_the_draft(ctx, qtbot, db, rec, saved):
    dlg = agreement_dialog(qtbot, rec["agreement"])
    dlg.title.setText("订单培养合作协议修订版")
    assert dlg.is_dirty()
    menu_action(dlg, "用内置模板生成").trigger()
    qtbot.waitUntil(lambda: bool(saved["offered"]), timeout=10000)
    assert "订单培养合作协议修订版" in texts(saved["offered"][0])
    assert not dlg.is_dirty() and dlg.isVisible()  # saved, and the form stays open
    with db.reader() as s:
        assert svc.get_agreement(s, rec["agreement"]).title == "订单培养合作协议修订版"


def test_new_agreement_is_saved_first_when_the_user_agrees(ctx, qtbot, db, rec, saved, monkeypatch):
    from ui.dialogs import agreement_dialog as module

    asked = []
    monkeypatch.setattr(module, "confirm", lambda _p, _t, text, **_k: asked.append(text) or True)
    dlg = agreement_dialog(qtbot, enterprise_ids=(rec["b"],))
    dlg.title.setText("实训基地共建协议")
    menu_action(dlg, "用内置模板生成").trigger()
    qtbot.waitUntil(lambda: bool(saved["offered"]), timeout=10000)
    assert "先保存" in asked[0]
    assert dlg.agreement_id is not None and dlg.saved_id == dlg.agreement_id
    text = texts(saved["offered"][0])
    assert "实训基地共建协议" in text and "株洲恒信电气有限公司" in text


def test_custom_template_with_unknown_placeholder_names_it_and_writes_nothing(
    ctx, qtbot, rec, saved, monkeypatch, tmp_path
):
    from ui import files

    doc = Document()
    doc.add_paragraph("协议：{{ agreement.title }}")
    doc.add_paragraph("编号：{{ agreement.nosuch }}")
    template = tmp_path / "自定义模板.docx"
    doc.save(str(template))
    monkeypatch.setattr(files, "ask_open", lambda *_a: template)
    dlg = agreement_dialog(qtbot, rec["agreement"])
    menu_action(dlg, "用自定义模板生成").trigger()
    qtbot.waitUntil(lambda: bool(saved["errors"]), timeout=10000)
    assert "nosuch" in saved["errors"][0].message
    assert not saved["offered"]
    assert list((tmp_path / "out").iterdir()) == []  # no document, no temporary file


def test_builtin_template_can_be_saved_for_word(ctx, qtbot, rec, saved):
    dlg = agreement_dialog(qtbot, rec["agreement"])
    menu_action(dlg, "另存内置模板").trigger()
    assert len(saved["offered"]) == 1
    out = saved["offered"][0]
    assert out.exists() and "{{" in texts(out)


def test_report_for_a_semester_is_written_with_its_kpis(ctx, qtbot, rec, saved):
    from ui.dialogs.project_dialog import ProjectDialog

    dlg = ProjectDialog(None, rec["project"], tab="reports")
    qtbot.addWidget(dlg)
    semester = past_semesters(TODAY - dt.timedelta(days=400), TODAY)[0]
    assert semester in [r.semester for r in dlg.reports.schedule]
    assert dlg.reports.generate_button.isEnabled()
    dlg.reports.generate_report(semester)
    qtbot.waitUntil(lambda: bool(saved["offered"]), timeout=10000)
    out = saved["offered"][0]
    assert semester in out.name and "湘江智能订单班" in out.name
    text = texts(out)
    assert "订单班学生人数" in text and "湘江智能订单班" in text
    assert not saved["errors"]
