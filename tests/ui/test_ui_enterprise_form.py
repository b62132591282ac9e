"""The enterprise form on RecordForm, over a real database: it asks before closing with unsaved edits (a field, a
contact, an attachment) and not when nothing changed; 合作开始日期 can be typed; the summary line goes once the
field is fixed; a similar name is asked about; Enter in the contacts grid does not save; and the list's delete
confirmation says which of two same-named enterprises it deletes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services import enterprises as svc
from ui.ops import DbContext, set_context

pytestmark = pytest.mark.qt
DISCARD, CANCEL = QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Cancel


@pytest.fixture
def ctx(db, qapp):
    context = DbContext(db)
    set_context(context)
    yield context
    context.wait()
    set_context(None)


class Asked(list):
    """The unsaved-changes questions asked, and the answer given (取消: stay, until a test says otherwise)."""

    answer = CANCEL


@pytest.fixture
def asked(monkeypatch) -> Asked:
    questions = Asked()

    def question(_parent, _title, text, *_a, **_k):
        questions.append(text)
        return questions.answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return questions


def form(qtbot, enterprise_id: str | None = None):
    from ui.dialogs.enterprise_dialog import EnterpriseDialog

    d = EnterpriseDialog(None, enterprise_id)
    qtbot.addWidget(d)
    d.show()
    return d


def test_closing_asks_only_when_something_changed(ctx, qtbot, db, asked: Asked, tmp_path: Path):
    with db.session() as s:
        eid = svc.create_enterprise(s, svc.EnterpriseData(name="湖南湘江智能装备有限公司")).ids[0]
    d = form(qtbot, eid)
    d.reject()  # nothing changed: closes without a question
    assert asked == [] and d.result() == 0 and not d.isVisible()

    d = form(qtbot, eid)
    d.region.setText("长沙市岳麓区")
    d.reject()
    assert len(asked) == 1 and "企业信息的修改尚未保存" in asked[0]
    assert d.isVisible()  # 取消: the form stays open with the edit
    d.region.setText("")
    d.reject()
    assert len(asked) == 1 and not d.isVisible()  # back as it was: no question

    for change in ("contact", "attachment"):
        asked.clear()
        asked.answer = CANCEL
        d = form(qtbot, eid)
        if change == "contact":
            d.contacts.add_row({"name": "李四"})
        else:
            f = tmp_path / "营业执照.pdf"
            f.write_bytes(b"%PDF-1.4")
            d.attachments.add_files([f])
        d.reject()
        assert len(asked) == 1 and d.isVisible(), change
        asked.answer = DISCARD
        d.reject()
        assert len(asked) == 2 and not d.isVisible(), change
    with db.reader() as s:
        saved = svc.get_enterprise(s, eid)
    assert saved.region == "" and saved.contacts == ()


def test_a_typed_start_date_is_saved(ctx, qtbot, db):
    d = form(qtbot)
    d.name.setText("湖南新意向有限公司")
    d.cooperation_start.edit.setText("2026/11/1")
    d.cooperation_start.edit.editingFinished.emit()
    assert d.cooperation_start.edit.text() == "2026-11-01"  # shown as understood
    with qtbot.waitSignal(d.accepted, timeout=5000):
        d.save()
    with db.reader() as s:
        assert svc.get_enterprise(s, d.saved_id).cooperation_start == dt.date(2026, 11, 1)


def test_a_date_that_is_no_date_is_named(ctx, qtbot, db, asked):
    d = form(qtbot)
    d.name.setText("湖南新意向有限公司")
    d.cooperation_start.edit.setText("2026-13-40")
    d.save()
    assert d.errors["cooperation_start"].text().startswith("合作开始日期：")
    assert d.result() == 0
    asked.answer = DISCARD


def test_summary_line_goes_when_the_name_is_filled_in(ctx, qtbot, db):
    d = form(qtbot)
    d.save()
    assert d.message.text().startswith("有 1 处需要修改") and d.message.isVisible()
    assert d.errors["name"].text() == "企业名称不能为空"
    d.name.setText("湖南湘江智能装备有限公司")
    assert not d.message.isVisible() and d.message.text() == ""
    assert d.errors["name"].isHidden()


def test_a_similar_name_is_asked_about(ctx, qtbot, db, monkeypatch):
    with db.session() as s:
        svc.create_enterprise(s, svc.EnterpriseData(name="湖南湘江智能装备有限公司"))
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(_p, title, text, *_a, **_k):
        asked.append(f"{title}：{text}")
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    d = form(qtbot)
    d.name.setText("湖南湘江智能装备有限公司")
    d.save()
    assert "已有名称相同的企业" in asked[0] and asked[0].startswith("请确认")
    assert d.result() == 0
    with qtbot.waitSignal(d.accepted, timeout=5000):
        d.save()
    with db.reader() as s:
        assert len(svc.KnownEnterprises.load(s).names) == 1  # one name_key, two records
        from app.services import enterprise_list

        assert enterprise_list.count_enterprises(s) == 2


def test_enter_in_the_contacts_grid_does_not_save(ctx, qtbot, db):
    from tests.windowing import show_active

    d = form(qtbot)
    show_active(qtbot, d)
    d.name.setText("湖南新意向有限公司")
    d.tabs.setCurrentIndex(1)
    d.contacts.add_row()
    editor = d.contacts.table.indexWidget(d.contacts.table.currentIndex())
    assert editor is not None
    qtbot.keyClicks(editor, "Li")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(d.contacts.table, Qt.Key.Key_Return)
    ctx.wait()
    assert d.result() == 0 and d.isVisible() and d.contacts.rows()[0]["name"] == "Li"
    with qtbot.waitSignal(d.accepted, timeout=5000):
        d.save()


def test_delete_confirmation_says_which_of_two_it_deletes(ctx, qtbot, db, monkeypatch):
    from ui.pages.enterprises import EnterprisesPage

    with db.session() as s:
        svc.create_enterprise(s, svc.EnterpriseData(name="湖南恒信电气有限公司", region="株洲市"))
        svc.create_enterprise(
            s, svc.EnterpriseData(name="湖南恒信电气有限公司", region="长沙市", uscc="91430100MA4L1GXJ28")
        )
        svc.create_enterprise(s, svc.EnterpriseData(name="湖南独一家有限公司"))
    texts: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda _p, _t, text, *a, **k: texts.append(text) or QMessageBox.StandardButton.No,
    )
    page = EnterprisesPage()
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    today = dt.date.today().isoformat()
    labels = {page.model.row_at(r).region: page.label_of(page.model.row_at(r)) for r in range(3)}
    assert labels["株洲市"] == f"湖南恒信电气有限公司（无统一社会信用代码，地区 株洲市，{today} 录入）"
    assert labels["长沙市"] == (
        f"湖南恒信电气有限公司（统一社会信用代码 91430100MA4L1GXJ28，地区 长沙市，{today} 录入）"
    )
    assert labels[""] == "湖南独一家有限公司"  # a name of its own needs nothing more
    row = next(r for r in range(3) if page.model.row_at(r).region == "长沙市")
    page.table.selectRow(row)
    page.delete_selected()
    assert "91430100MA4L1GXJ28" in texts[0] and "长沙市" in texts[0]


def test_a_contact_problem_is_shown_on_its_cell_and_tab(ctx, qtbot, db, asked):
    d = form(qtbot)
    d.name.setText("湖南新意向有限公司")
    d.contacts.set_rows([{"name": "李四", "phone": "13800001111"}, {"name": "", "phone": "0731-88889999"}])
    d.save()
    assert d.tabs.currentIndex() == 1 and d.errors["contacts"].text() == "第2个联系人缺少姓名"
    assert d.contacts.errors() == [(1, "name", "第2个联系人缺少姓名")]
    d.contacts.set_text(1, "name", "王芳")
    assert d.errors["contacts"].isHidden()  # edited: the line under the grid goes
    with qtbot.waitSignal(d.accepted, timeout=5000):
        d.save()
    with db.reader() as s:
        saved = svc.get_enterprise(s, d.saved_id)
    assert [(c.name, c.phone) for c in saved.contacts] == [("李四", "13800001111"), ("王芳", "0731-88889999")]
