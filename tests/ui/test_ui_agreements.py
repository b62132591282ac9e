"""The 合作协议 page and form over a real database, driven with pytest-qt (text set with setText)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.services import agreement_list as listing
from app.services import agreements as svc
from app.services import enterprises as esvc
from app.services.attachments import list_attachments

pytestmark = pytest.mark.qt

TODAY = dt.date.today()  # the day each test runs (tests/conftest.py: _today_is_today)
TODAY_IS_TODAY = True


@pytest.fixture
def ents(db) -> tuple[str, str]:
    with db.session() as s:
        a = esvc.create_enterprise(s, esvc.EnterpriseData(name="湖南湘江智能装备有限公司")).ids[0]
        b = esvc.create_enterprise(s, esvc.EnterpriseData(name="株洲恒信电气有限公司")).ids[0]
    return a, b


def add(db, ents, **kw) -> str:
    base = dict(title="校企合作框架协议", kind="框架协议", enterprise_ids=ents[:1])
    with db.session() as s:
        return svc.create_agreement(s, svc.AgreementData(**{**base, **kw})).ids[0]


def page_with_rows(qtbot, n: int):
    from ui.pages.agreements import AgreementsPage

    p = AgreementsPage()
    qtbot.addWidget(p)
    p.show()
    qtbot.waitUntil(lambda: p.count_label.text() != "" and p.model.rowCount() == n, timeout=5000)
    return p


def dialog(qtbot, agreement_id=None, enterprise_ids=()):
    from ui.dialogs.agreement_dialog import AgreementDialog

    dlg = AgreementDialog(None, agreement_id, enterprise_ids)
    qtbot.addWidget(dlg, before_close_func=lambda d: d.forget_changes())  # no 放弃修改？ box at teardown
    dlg.show()
    return dlg


def test_empty_page_offers_new_agreement(ctx, qtbot):
    p = page_with_rows(qtbot, 0)
    assert p.stack.currentWidget() is p.empty
    assert "还没有合作协议" in p.empty.title.text()
    assert (
        p.new_text == "新建协议…"
    )  # the main window's Ctrl+N (新建…) calls new_record on the page on screen


def test_create_with_two_enterprises_through_the_picker(ctx, qtbot, db, ents):
    p = page_with_rows(qtbot, 0)
    dlg = dialog(qtbot)
    dlg.title.setText("订单培养合作协议")
    dlg.kind.setCurrentIndex(dlg.kind.findData("订单培养"))
    dlg.picker.search_now("hnxj")  # pinyin initials
    assert [dlg.picker.results.item(i).text() for i in range(dlg.picker.results.count())] == [
        "湖南湘江智能装备有限公司"
    ]
    dlg.picker.add_selected()
    dlg.picker.search_now("恒信")
    dlg.picker.add_selected()
    dlg.picker.add_selected()  # twice: still once
    assert dlg.picker.names() == ["湖南湘江智能装备有限公司", "株洲恒信电气有限公司"]
    dlg.starts_on.set_value(dt.date(2026, 3, 1))
    dlg.ends_on.set_value(dt.date(2029, 2, 28))
    assert not dlg.revenue_text.isEnabled()
    dlg.revenue_box.setChecked(True)
    assert dlg.revenue_text.isEnabled()
    dlg.revenue_text.setPlainText("收益按4:6分配")
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    qtbot.waitUntil(lambda: p.model.rowCount() == 1, timeout=5000)
    row = p.model.row_at(0)
    assert (row.title, row.kind, row.status) == ("订单培养合作协议", "订单培养", "草稿")
    assert row.enterprises == "湖南湘江智能装备有限公司、株洲恒信电气有限公司"
    with db.reader() as s:
        d = svc.get_agreement(s, row.id)
    assert d.has_revenue_clause and d.revenue_clause == "收益按4:6分配"
    assert not d.has_asset_clause


def test_dialog_moves_through_the_lifecycle_offering_only_legal_steps(ctx, qtbot, db, ents, monkeypatch):
    from ui.dialogs import agreement_dialog

    aid = add(db, ents, number="JD-2026-001", signed_on=dt.date(2026, 3, 1), starts_on=dt.date(2026, 3, 1))
    dlg = dialog(qtbot, aid)
    remarks = iter(["提交", "学院同意", "领导小组审定"])
    monkeypatch.setattr(agreement_dialog, "ask_transition", lambda *a: next(remarks))
    steps = (
        ("草稿", ["学院审核"], "学院审核"),
        ("学院审核", ["学校审定", "草稿"], "学校审定"),
        ("学校审定", ["生效", "草稿"], "生效"),
    )
    for status, offered, to in steps:
        assert dlg.status_label.text() == status
        assert list(dlg.transition_buttons) == offered
        with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
            dlg.transition_buttons[to].click()
        qtbot.waitUntil(lambda to=to: dlg.status_label.text() == to, timeout=5000)
    assert list(dlg.transition_buttons) == ["终止"]  # 到期 only after the end date
    with db.reader() as s:
        d = svc.get_agreement(s, aid)
    assert [(t.from_status, t.to_status, t.remark) for t in d.transitions] == [
        ("", "草稿", "新建"),
        ("草稿", "学院审核", "提交"),
        ("学院审核", "学校审定", "学院同意"),
        ("学校审定", "生效", "领导小组审定"),
    ]
    assert all(t.os_user == d.transitions[0].os_user for t in d.transitions)
    assert dlg.transitions.rowCount() == 4
    assert dlg.transitions.item(0, 2).text() == "生效"  # newest first
    assert dlg.transitions.item(0, 4).text() == "领导小组审定"


def test_effect_needs_number_shown_inline(ctx, qtbot, db, ents, monkeypatch):
    from ui.dialogs import agreement_dialog

    aid = add(db, ents)
    with db.session() as s:
        svc.transition_agreement(s, aid, "学院审核")
        svc.transition_agreement(s, aid, "学校审定")
    dlg = dialog(qtbot, aid)
    monkeypatch.setattr(agreement_dialog, "ask_transition", lambda *a: "")
    dlg.transition_buttons["生效"].click()
    qtbot.waitUntil(lambda: dlg.errors["number"].isVisible(), timeout=5000)
    assert "协议编号" in dlg.errors["number"].text()
    # fill in what is missing: saved and moved in one step
    dlg.number.setText("JD-2026-009")
    dlg.signed_on.set_value(dt.date(2026, 3, 1))
    dlg.starts_on.set_value(dt.date(2026, 3, 1))
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        dlg.transition_buttons["生效"].click()
    qtbot.waitUntil(lambda: dlg.status_label.text() == "生效", timeout=5000)
    assert not dlg.is_dirty()
    with db.reader() as s:
        assert svc.get_agreement(s, aid).number == "JD-2026-009"


def test_terminate_needs_a_reason(ctx, qtbot, db, ents, monkeypatch):
    from ui.dialogs import agreement_dialog
    from ui.dialogs.agreement_transition import TransitionDialog

    ask = TransitionDialog(None, "生效", "终止")
    qtbot.addWidget(ask)
    assert not ask.ok_button.isEnabled()
    ask.accept()
    assert ask.result() == 0 and not ask.error.isHidden()
    ask.text.setPlainText("企业停产，双方协商一致提前终止")
    assert ask.ok_button.isEnabled()

    aid = add(
        db, ents, number="JD-1", signed_on=dt.date(2026, 1, 1), starts_on=dt.date(2026, 1, 1), status="生效"
    )
    dlg = dialog(qtbot, aid)
    monkeypatch.setattr(agreement_dialog, "ask_transition", lambda *a: "   ")  # blank: the service refuses
    dlg.transition_buttons["终止"].click()
    qtbot.waitUntil(lambda: "终止原因" in dlg.message.text(), timeout=5000)
    with db.reader() as s:
        assert svc.get_agreement(s, aid).status == "生效"
    monkeypatch.setattr(agreement_dialog, "ask_transition", lambda *a: "企业停产")
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        dlg.transition_buttons["终止"].click()
    qtbot.waitUntil(lambda: dlg.status_label.text() == "终止", timeout=5000)
    assert dlg.transition_buttons == {}
    assert "企业停产" in dlg.status_hint.text()


def test_end_before_start_is_named_next_to_the_field(ctx, qtbot, db, ents):
    dlg = dialog(qtbot, enterprise_ids=ents[:1])
    dlg.title.setText("实训基地共建协议")
    dlg.starts_on.set_value(dt.date(2026, 9, 1))
    dlg.ends_on.set_value(dt.date(2026, 8, 31))
    dlg.save()
    assert dlg.errors["ends_on"].isVisible()
    assert "结束日期不能早于开始日期" in dlg.errors["ends_on"].text()
    assert dlg.result() == 0
    dlg.picker.chosen.selectAll()
    dlg.picker.remove_selected()
    dlg.title.setText("")
    dlg.save()
    assert "协议名称不能为空" in dlg.errors["title"].text()
    assert "至少选择一家" in dlg.errors["enterprise_ids"].text()
    with db.reader() as s:
        assert listing.count_agreements(s) == 0


def test_page_past_end_shows_expired_and_buttons_follow_the_selection(ctx, qtbot, db, ents):
    old = add(
        db,
        ents,
        title="过期的协议",
        number="JD-OLD",
        signed_on=TODAY - dt.timedelta(days=800),
        starts_on=TODAY - dt.timedelta(days=800),
        ends_on=TODAY - dt.timedelta(days=3),
        status="生效",
    )
    soon = add(
        db,
        ents,
        title="快到期的协议",
        number="JD-SOON",
        signed_on=TODAY - dt.timedelta(days=300),
        starts_on=TODAY - dt.timedelta(days=300),
        ends_on=TODAY + dt.timedelta(days=20),
        status="生效",
    )
    draft = add(db, ents, title="草稿协议")
    p = page_with_rows(qtbot, 3)
    status_col = next(i for i, c in enumerate(p.model.columns) if c.key == "status")
    days_col = next(i for i, c in enumerate(p.model.columns) if c.key == "days_left")
    r_old, r_soon = p.model.row_of(old), p.model.row_of(soon)
    assert p.model.data(p.model.index(r_old, status_col)) == "到期"
    assert p.model.data(p.model.index(r_soon, status_col)) == "生效"
    assert p.model.data(p.model.index(r_soon, days_col)) == "还剩 20 天"
    p.table.selectRow(r_old)
    assert list(p.transition_buttons) == ["到期", "终止"]
    p.table.clearSelection()  # selectRow adds to the selection while a modifier key counts as held (Wine)
    p.table.selectRow(r_soon)
    assert list(p.transition_buttons) == ["终止"]
    p.table.selectRow(p.model.row_of(draft))
    assert list(p.transition_buttons) == ["学院审核"]
    p.status_box.setCurrentIndex(p.status_box.findData("到期"))
    qtbot.waitUntil(lambda: p.model.rowCount() == 1, timeout=5000)
    assert p.model.id_at(0) == old
    p.status_box.setCurrentIndex(p.status_box.findData("expiring:30"))
    qtbot.waitUntil(lambda: p.model.id_at(0) == soon and p.model.rowCount() == 1, timeout=5000)


def test_page_state_button_moves_the_selected_agreement(ctx, qtbot, db, ents, monkeypatch):
    from ui.pages import agreements as page_module

    aid = add(db, ents)
    p = page_with_rows(qtbot, 1)
    p.table.selectRow(0)
    monkeypatch.setattr(page_module, "ask_transition", lambda *a: "请审核")
    p.transition_buttons["学院审核"].click()
    qtbot.waitUntil(lambda: p.model.row_at(0) and p.model.row_at(0).status == "学院审核", timeout=5000)
    qtbot.waitUntil(lambda: list(p.transition_buttons) == ["学校审定", "草稿"], timeout=5000)
    with db.reader() as s:
        assert svc.get_agreement(s, aid).transitions[-1].remark == "请审核"


def test_delete_and_undo_from_the_page(ctx, qtbot, db, ents, monkeypatch):
    add(db, ents)
    p = page_with_rows(qtbot, 1)
    p.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    p.delete_selected()
    qtbot.waitUntil(lambda: p.model.rowCount() == 0, timeout=5000)
    assert p.undo_bar.isVisible()
    with db.reader() as s:
        assert listing.count_agreements(s, listing.AgreementQuery(deleted=True)) == 1
    p.undo_bar.button.click()
    qtbot.waitUntil(lambda: p.model.rowCount() == 1, timeout=5000)


def test_attachments_added_and_removed_with_the_save(ctx, qtbot, db, ents, tmp_path: Path):
    scan = tmp_path / "协议签字扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    aid = add(db, ents)
    dlg = dialog(qtbot, aid)
    dlg.attachments.add_files([scan])
    assert dlg.attachments.list.count() == 1
    assert dlg.tabs.tabText(2) == "附件（1）"
    assert dlg.is_dirty()
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    with db.reader() as s:
        assert [a.original_name for a in list_attachments(s, "agreement", aid)] == ["协议签字扫描件.pdf"]
    dlg = dialog(qtbot, aid)
    assert "协议签字扫描件.pdf" in dlg.attachments.list.item(0).text()
    assert any("添加附件" in dlg.history.item(i).text() for i in range(dlg.history.count()))
    dlg.attachments.list.selectAll()
    dlg.attachments.remove_selected()
    assert dlg.attachments.list.count() == 0
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    with db.reader() as s:
        assert list_attachments(s, "agreement", aid) == []


def test_unsaved_changes_are_asked_before_closing(ctx, qtbot, db, ents, monkeypatch):
    answers: list[str] = []
    answer = QMessageBox.StandardButton.Cancel
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: answers.append(text) or answer)
    aid = add(db, ents)
    dlg = dialog(qtbot, aid)
    dlg.reject()  # nothing changed: closes without asking
    assert answers == [] and dlg.result() == 0 and not dlg.isVisible()
    dlg = dialog(qtbot, aid)
    dlg.ends_on.edit.setText("2027/1/31")  # a typed date is an edit too
    dlg.reject()  # 取消 in the question: the form stays open
    assert len(answers) == 1 and "尚未保存" in answers[0] and dlg.isVisible()
    answer = QMessageBox.StandardButton.Discard
    dlg.reject()
    assert len(answers) == 2 and not dlg.isVisible()
    with db.reader() as s:
        assert svc.get_agreement(s, aid).ends_on is None


@pytest.mark.parametrize("typed", ["2026/11/1", "20261101", "2026年11月1日", "2026-11-01"])
def test_dates_typed_into_empty_fields_are_saved(ctx, qtbot, db, ents, typed):
    aid = add(db, ents)
    dlg = dialog(qtbot, aid)
    assert dlg.signed_on.edit.text() == "" and dlg.signed_on.edit.placeholderText() == "未填写"
    dlg.signed_on.edit.setText(typed)
    dlg.starts_on.edit.setText(typed)
    dlg.ends_on.edit.setText("2029年10月31日")
    assert dlg.is_dirty()
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    with db.reader() as s:
        d = svc.get_agreement(s, aid)
    assert (d.signed_on, d.starts_on, d.ends_on) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 1),
        dt.date(2029, 10, 31),
    )


def test_a_date_that_is_not_one_is_refused_naming_the_field(ctx, qtbot, db, ents):
    aid = add(db, ents)
    dlg = dialog(qtbot, aid)
    dlg.tabs.setCurrentIndex(2)
    dlg.starts_on.edit.setText("2026-13-40")
    dlg.ends_on.edit.setText("明年")
    dlg.save()
    assert dlg.result() == 0 and dlg.saved_id is None and dlg.tabs.currentIndex() == 0
    assert dlg.errors["starts_on"].isVisible() and "开始日期" in dlg.errors["starts_on"].text()
    assert (
        dlg.errors["ends_on"].isVisible() and "结束日期" in dlg.errors["ends_on"].text()
    )  # both named at once
    assert not dlg.errors["signed_on"].isVisible()
    assert dlg.message.isVisible() and "2 处" in dlg.message.text()
    # fixing a field clears its line and the summary counts what is left; the last fix clears the summary
    dlg.starts_on.edit.setText("2026-09-01")
    assert not dlg.errors["starts_on"].isVisible() and "1 处" in dlg.message.text()
    dlg.ends_on.edit.setText("2029/8/31")
    assert not dlg.errors["ends_on"].isVisible() and dlg.message.isHidden() and dlg.message.text() == ""
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    with db.reader() as s:
        d = svc.get_agreement(s, aid)
    assert (d.starts_on, d.ends_on) == (dt.date(2026, 9, 1), dt.date(2029, 8, 31))


def test_error_summary_disappears_once_the_service_error_is_fixed(ctx, qtbot, db, ents):
    dlg = dialog(qtbot, enterprise_ids=ents[:1])
    dlg.save()  # no title
    assert "协议名称不能为空" in dlg.errors["title"].text() and dlg.message.isVisible()
    dlg.title.setText("实训基地共建协议")
    assert dlg.errors["title"].isHidden() and dlg.message.isHidden()
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    assert dlg.saved_id


def test_new_agreement_with_enterprises_and_entered_as_signed(ctx, qtbot, db, ents):
    dlg = dialog(qtbot, enterprise_ids=ents)
    assert dlg.picker.names() == ["湖南湘江智能装备有限公司", "株洲恒信电气有限公司"]
    assert dlg.status_label.text().startswith("草稿")
    dlg.title.setText("补录的协议")
    dlg.entered_signed.setChecked(True)
    dlg.save()
    assert dlg.errors["number"].isVisible()
    dlg.number.setText("JD-2024-003")
    dlg.signed_on.set_value(dt.date(2024, 5, 1))
    dlg.starts_on.set_value(dt.date(2024, 5, 1))
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    with db.reader() as s:
        assert svc.get_agreement(s, dlg.saved_id).status == "生效"


def test_open_and_new_agreement_entry_points(ctx, qtbot, db, ents, monkeypatch):
    from ui.dialogs.agreement_dialog import AgreementDialog

    aid = add(db, ents, title="工作台提醒的协议")
    p = page_with_rows(qtbot, 1)
    opened = []

    def fake_exec(dlg):
        opened.append((dlg.agreement_id, dlg.title.text(), dlg.picker.names()))
        dlg.forget_changes()
        return 0

    monkeypatch.setattr(AgreementDialog, "exec", fake_exec)
    p.search.setText("没有这份")
    p.reload()
    qtbot.waitUntil(lambda: p.model.rowCount() == 0, timeout=5000)
    p.open_agreement(aid)  # a filter hiding it is cleared
    assert opened[-1][:2] == (aid, "工作台提醒的协议")
    qtbot.waitUntil(lambda: p.selected_ids() == [aid], timeout=5000)
    p.new_agreement(enterprise_ids=ents)
    assert opened[-1] == (None, "", ["湖南湘江智能装备有限公司", "株洲恒信电气有限公司"])
    p.new_record()  # Ctrl+N
    assert opened[-1] == (None, "", [])


def test_header_state_round_trip(ctx, qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    p = page_with_rows(qtbot, 0)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    column = next(i for i in range(len(p.columns)) if i != p._fill)  # the fill column takes the room left
    p.table.setColumnWidth(column, 333)
    p.save_state(settings)
    q = page_with_rows(qtbot, 0)
    q.restore_state(settings)
    assert q.table.columnWidth(column) == 333


def test_picker_by_keyboard_never_saves_the_form(ctx, qtbot, db, ents):
    from PySide6.QtCore import Qt

    dlg = dialog(qtbot)
    dlg.picker.search.setFocus()
    dlg.picker.search.setText("hnxj")
    qtbot.keyClick(dlg.picker.search, Qt.Key.Key_Return)  # one match: added at once
    assert dlg.picker.names() == ["湖南湘江智能装备有限公司"]
    dlg.picker.search.setText("有限公司")
    qtbot.keyClick(dlg.picker.search, Qt.Key.Key_Return)  # two matches: choose with ↓ and Enter
    assert dlg.picker.results.count() == 2 and len(dlg.picker.names()) == 1
    qtbot.keyClick(dlg.picker.search, Qt.Key.Key_Down)
    dlg.picker.results.setCurrentRow(1)
    qtbot.keyClick(dlg.picker.results, Qt.Key.Key_Return)
    assert dlg.picker.names() == ["湖南湘江智能装备有限公司", "株洲恒信电气有限公司"]
    assert dlg.isVisible() and dlg.saved_id is None


def signed(db, ents, *, starts_on=None, **kw) -> str:
    """An agreement entered as signed (生效 needs its 签订 and 开始 dates)."""
    start = starts_on or TODAY - dt.timedelta(days=400)
    return add(db, ents, signed_on=start, starts_on=start, **kw)


def test_long_ended_agreements_are_hidden_by_default_counted_and_the_choice_kept(ctx, qtbot, db, ents):
    """合作协议 opens on what is running (生效, 即将到期, one that ran out lately), not on a wall of old 到期
    ones: 终止 and 到期 more than 90 days ago are left out and counted; 显示已结束的 lists them and is kept."""
    day = dt.timedelta(days=1)
    running = signed(db, ents, title="长期有效", number="A-1", status="生效")  # no end date: never hidden
    soon = signed(
        db,
        ents,
        title="快到期",
        number="A-2",
        starts_on=TODAY - 300 * day,
        ends_on=TODAY + 20 * day,
        status="生效",
    )
    lately = signed(
        db,
        ents,
        title="刚到期",
        number="A-3",
        starts_on=TODAY - 900 * day,
        ends_on=TODAY - 30 * day,
        status="生效",
    )
    old_ids = [
        signed(
            db,
            ents,
            title=f"旧协议{i}",
            number=f"OLD-{i}",
            starts_on=TODAY - 2000 * day,
            ends_on=TODAY - (400 + i) * day,
            status="生效",
        )
        for i in range(3)
    ]
    ended = signed(db, ents, title="已终止", number="T-1", starts_on=TODAY - 100 * day, status="生效")
    with db.session() as s:
        svc.transition_agreement(s, ended, "终止", reason="企业注销")
    p = page_with_rows(qtbot, 3)
    assert set(p.model.ids()) == {running, soon, lately}
    assert not p.show_ended.isChecked()
    assert p.count_label.text() == "共 3 份协议，另有 4 份已结束的未列出"
    p.status_box.setCurrentIndex(p.status_box.findData("到期"))  # a status chosen: shown whatever its age
    qtbot.waitUntil(lambda: p.model.rowCount() == 4, timeout=5000)
    assert set(p.model.ids()) == {lately, *old_ids}
    p.status_box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: p.model.rowCount() == 3, timeout=5000)
    p.show_ended.setChecked(True)
    qtbot.waitUntil(lambda: p.model.rowCount() == 7, timeout=5000)
    assert p.count_label.text() == "共 7 份协议"
    again = page_with_rows(qtbot, 7)  # the choice is kept
    assert again.show_ended.isChecked()
    again.show_ended.setChecked(False)
    qtbot.waitUntil(lambda: again.model.rowCount() == 3, timeout=5000)


def test_only_ended_agreements_say_so_and_offer_them(ctx, qtbot, db, ents):
    day = dt.timedelta(days=1)
    old = signed(
        db,
        ents,
        title="旧协议",
        number="OLD",
        starts_on=TODAY - 2000 * day,
        ends_on=TODAY - 500 * day,
        status="生效",
    )
    p = page_with_rows(qtbot, 0)
    assert p.stack.currentWidget() is p.empty and p.empty.title.text() == "没有进行中的协议"
    assert "另有 1 份已终止或到期超过 90 天的协议未列出" in p.empty.hint.text()
    p.show_ended.setChecked(True)
    qtbot.waitUntil(lambda: p.model.ids() == [old], timeout=5000)
    assert p.stack.currentWidget() is p.table


def test_the_record_forms_fit_a_laptop_screen_at_150_percent(ctx, qtbot, db, ents):
    """1366×768 at 150 % leaves 911×512 logical pixels, less a taskbar and the title bar: every form of this
    area can be made that small (tall tabs scroll), and opens at most 640 px high."""
    from ui.dialogs.agreement_dialog import AgreementDialog
    from ui.dialogs.budget_dialog import BudgetDialog
    from ui.dialogs.ledger_dialog import LedgerDialog
    from ui.dialogs.project_dialog import ProjectDialog
    from ui.dialogs.visit_dialog import VisitDialog

    for form in (AgreementDialog, ProjectDialog, VisitDialog, LedgerDialog, BudgetDialog):
        dlg = form(None)
        qtbot.addWidget(dlg)
        need = dlg.minimumSizeHint()
        assert need.width() <= 911 and need.height() <= 472, form.__name__
        assert dlg.default_size[0] <= 1300 and dlg.default_size[1] <= 640, form.__name__
