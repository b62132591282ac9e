"""企业走访 in the GUI: quick entry by keyboard with new enterprises by name, the draft kept across closing,
validation, the visits page (search, delete + undo), and 记录走访 from the enterprise page."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services import enterprises as esvc
from app.services import visits as svc
from app.services.enterprise_list import EnterpriseQuery, enterprise_ids
from tests.windowing import show_active

pytestmark = pytest.mark.qt


@pytest.fixture
def known(db) -> str:
    with db.session() as s:
        return esvc.create_enterprise(
            s, esvc.EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")
        ).ids[0]


@pytest.fixture(autouse=True)
def no_draft():
    from ui.dialogs.visit_dialog import clear_draft

    clear_draft()
    yield
    clear_draft()


@pytest.fixture
def infos(monkeypatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: seen.append(text))
    return seen


def dialog(qtbot, **kw):
    from ui.dialogs.visit_dialog import VisitDialog

    d = VisitDialog(None, **kw)
    qtbot.addWidget(d)
    show_active(qtbot, d)  # shortcuts go to the active window
    return d


def release_modifiers(qtbot, widget) -> None:
    """Qt keeps the modifiers of the last key event as the keyboard state: without this, Ctrl stays
    “held” and a later test's selectRow adds to the selection instead of replacing it."""
    qtbot.keyRelease(widget, Qt.Key.Key_Control)


def enter_name(d, text: str) -> None:
    d.enterprises.search.setText(text)
    d.enterprises.enter()  # what Enter in the search box does


def chosen(d) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(ids picked from the archive, new names typed)."""
    return d.enterprises.ids(), d.enterprises.new_names()


def test_quick_entry_with_a_new_enterprise_by_name(ctx, qtbot, db, known, infos):
    d = dialog(qtbot)
    assert d.enterprises.search.hasFocus() or d.focusWidget() is d.enterprises.search
    assert [c.id for c in d.enterprises.search_now("hnxj")] == [known]
    d.enterprises.add_selected()  # chosen from the results
    enter_name(d, "长沙新认识科技有限公司")  # not in the archive: typed and Enter
    assert chosen(d) == ((known,), ("长沙新认识科技有限公司",))
    assert "新增企业" in d.enterprises.chosen.item(1).text()
    d.leader.setText("张院长")
    d.leader_title.setText("院长")
    assert d.stops.table.rowCount() == 2 and d.stops.current_key() == known  # one row per enterprise
    d.stops.fields["positions"].setText("12")
    d.stops.fields["average_pay_fen"].setText("4,500")
    d.stops.select(1)  # the new enterprise's details are typed before it exists
    d.stops.fields["positions"].setText("3")
    d.stops.fields["outcome"].setCurrentText("达成合作意向")
    assert d.stops.table.item(0, 2).text() == "12" and d.stops.table.item(1, 5).text() == "达成合作意向"
    d.findings.setPlainText("企业明年需要20名<机电>学生 & 实训设备")
    show_active(qtbot, d)  # the picker's popups may have taken the activation for a moment
    qtbot.keyClick(d, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    release_modifiers(qtbot, d)
    qtbot.waitUntil(lambda: d.saved_id is not None, timeout=5000)
    assert any("长沙新认识科技有限公司" in text for text in infos)
    with db.reader() as s:
        v = svc.get_visit(s, d.saved_id)
        assert v.enterprise_names == ("湖南湘江智能装备有限公司", "长沙新认识科技有限公司")
        assert (v.leader, v.leader_title) == ("张院长", "院长")
        assert (v.stop(known).positions, v.stop(known).average_pay_fen) == (12, 450000)
        assert (v.stops[1].positions, v.stops[1].outcome, v.stops[1].average_pay_fen) == (
            3,
            "达成合作意向",
            None,
        )
        assert v.findings == "企业明年需要20名<机电>学生 & 实训设备"
        new = esvc.get_enterprise(s, v.enterprise_ids[1])
        assert new.status == "意向" and "走访时新增" in new.note


def test_validation_names_the_fields_and_saves_nothing(ctx, qtbot, db):
    d = dialog(qtbot)
    d.save()
    assert d.errors["enterprise_ids"].isVisible() and "至少选择一家" in d.errors["enterprise_ids"].text()
    assert "带队领导" in d.errors["leader"].text()
    enter_name(d, "某公司")
    d.stops.fields["average_pay_fen"].setText("四千五")
    d.stops.fields["interns"].setText("5")
    d.leader.setText("张院长")
    d.save()
    assert d.errors["stops"].isVisible() and "某公司：平均薪酬：无法识别的金额" in d.errors["stops"].text()
    ctx.wait()
    with db.reader() as s:
        assert svc.visit_ids(s) == [] and enterprise_ids(s, EnterpriseQuery()) == []


def test_draft_survives_closing_and_is_cleared_by_saving(ctx, qtbot, db, infos):
    d = dialog(qtbot)
    enter_name(d, "湖南草稿企业有限公司")
    d.leader.setText("李书记")
    d.findings.setPlainText("路上记的一半")
    d.stops.fields["positions"].setText("7")
    d.stops.fields["average_pay_fen"].setText("4800")  # typed, not yet a number: kept as typed
    d.reject()  # Esc: nothing is lost
    again = dialog(qtbot)
    assert again.draft_bar.isVisible()
    assert again.leader.text() == "李书记" and again.findings.toPlainText() == "路上记的一半"
    assert chosen(again) == ((), ("湖南草稿企业有限公司",))
    assert again.stops.fields["positions"].text() == "7" and again.stops.table.item(0, 3).text() == "4800"
    again.save()
    qtbot.waitUntil(lambda: again.saved_id is not None, timeout=5000)
    with db.reader() as s:
        kept = svc.get_visit(s, again.saved_id).stops[0]
    assert (kept.positions, kept.average_pay_fen) == (7, 480_000)
    third = dialog(qtbot)
    assert not third.draft_bar.isVisible() and third.leader.text() == ""


def test_draft_is_written_while_typing(ctx, qtbot):
    """A crash or a closed laptop lid loses nothing: the draft is on disk shortly after each change."""
    from ui.dialogs.visit_dialog import load_draft

    d = dialog(qtbot)
    d.leader.setText("王院长")
    qtbot.waitUntil(lambda: (load_draft() or {}).get("leader") == "王院长", timeout=3000)
    d.discard_draft()
    assert load_draft() is None and d.leader.text() == ""


def test_editing_an_existing_visit(ctx, qtbot, db, known):
    with db.session() as s:
        vid = svc.create_visit(
            s, svc.VisitData(dt.date(2026, 3, 5), (known,), "张院长", purpose="访企拓岗")
        ).ids[0]
    d = dialog(qtbot, visit_id=vid)
    assert d.visited_on.value() == dt.date(2026, 3, 5) and d.purpose.toPlainText() == "访企拓岗"
    d.stops.fields["positions"].setText("5")
    d.save()
    qtbot.waitUntil(lambda: d.saved_id is not None, timeout=5000)
    with db.reader() as s:
        assert svc.get_visit(s, vid).stop(known).positions == 5


def test_page_lists_searches_deletes_and_undoes(ctx, qtbot, db, known, monkeypatch):
    from ui.pages.visits import VisitsPage

    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda _p, _t, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes
    )
    with db.session() as s:
        svc.create_visit(s, svc.VisitData(dt.date(2025, 6, 1), (known,), "张院长", purpose="回访实习学生"))
        svc.create_visit(s, svc.VisitData(dt.date(2026, 4, 2), (known,), "李书记", purpose="洽谈订单班"))
    page = VisitsPage()
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    assert page.model.row_at(0).visited_on == dt.date(2026, 4, 2)  # newest first
    assert page.year_box.count() == 3  # 全部, 2026, 2025
    page.search.setText("hnxj")  # pinyin initials of the enterprise
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    page.search.setText("订单班")
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    page.table.selectRow(0)
    page.delete_selected()
    assert "2026-04-02" in asked[0] and "回收站" in asked[0]
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    assert page.undo_bar.isVisible()
    page.undo_bar.button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)


def test_quick_visit_from_the_enterprise_page_fills_the_enterprise(ctx, qtbot, db, known, monkeypatch):
    from ui.dialogs.visit_dialog import VisitDialog
    from ui.main_window import MainWindow

    opened = []
    monkeypatch.setattr(VisitDialog, "exec", lambda self: opened.append(chosen(self)) or 0)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w._goto(w.enterprises)
    qtbot.waitUntil(lambda: w.enterprises.model.rowCount() == 1, timeout=5000)
    w.enterprises.table.selectRow(0)
    qtbot.keyClick(w, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert opened == [((known,), ())]
    w._goto(w.visits)
    show_active(qtbot, w)
    qtbot.keyClick(w.visits.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N on the page
    release_modifiers(qtbot, w)
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=3000)
    assert opened[-1] == ((), ())
    w.close()


def test_enter_on_a_partial_match_lets_the_user_choose_or_add_the_new_name(ctx, qtbot, known):
    d = dialog(qtbot)
    enter_name(d, "湖南湘江")  # part of a known name: nothing is added behind the user's back
    assert chosen(d) == ((), ())
    rows = [d.enterprises.results.item(i).text() for i in range(d.enterprises.results.count())]
    assert rows[0] == "湖南湘江智能装备有限公司" and rows[-1].startswith("＋ 新增“湖南湘江”")
    d.enterprises.results.setCurrentRow(len(rows) - 1)
    qtbot.keyClick(d.enterprises.results, Qt.Key.Key_Return)
    assert chosen(d) == ((), ("湖南湘江",))
    d.enterprises.search_now("hnxj")
    qtbot.keyClick(d.enterprises.results, Qt.Key.Key_Return)  # the first match is current
    assert chosen(d) == ((known,), ("湖南湘江",))
    d.enterprises.chosen.setCurrentRow(0)
    qtbot.keyClick(d.enterprises.chosen, Qt.Key.Key_Delete)
    assert chosen(d) == ((known,), ())


def test_each_enterprise_has_its_row_and_details_and_the_dialog_fits_a_laptop(ctx, qtbot, db, known):
    """The 访企拓岗 table shows one row per enterprise; the details follow the selected row; majors come from
    设置; the dialog fits 1366×768 (CHANJIAO_SHOTS=folder saves a picture to look at)."""
    import os

    from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile

    with db.session() as s:
        save_profile(
            s, CollegeProfile("某职院", "机电学院", (MajorGroupInfo("智能制造", ("机电一体化技术",)),))
        )
        other = esvc.create_enterprise(s, esvc.EnterpriseData(name="长沙乙汽车零部件股份有限公司")).ids[0]
        vid = svc.create_visit(
            s,
            svc.VisitData(
                dt.date(2026, 3, 5),
                (known, other),
                "张建华",
                leader_title="院长",
                stops=(svc.VisitStop(other, positions=8, average_pay_fen=650_000, host_name="王敏"),),
            ),
        ).ids[0]
    d = dialog(qtbot, visit_id=vid)
    need = d.minimumSizeHint()
    assert need.width() <= 1366 and need.height() <= 728  # the screen less a taskbar
    assert need.width() <= 911 and need.height() <= 472  # and at 150 % scaling (the left column scrolls)
    assert d.width() <= 1366 and d.height() <= 728 and d.width() >= need.width()
    stops = d.stops
    assert [stops.table.item(r, 0).text() for r in range(2)] == [
        "湖南湘江智能装备有限公司",
        "长沙乙汽车零部件股份有限公司",
    ]
    assert stops.table.item(1, 2).text() == "8" and stops.table.item(1, 3).text() == "6,500.00"
    assert stops.fields["positions"].text() == ""  # the first row is selected: nothing recorded there
    stops.select(1)
    assert stops.fields["host_name"].text() == "王敏" and "长沙乙汽车" in stops.detail.title()
    majors = stops.fields["hire_major_id"]
    assert [majors.itemText(i) for i in range(majors.count())] == ["（未填）", "机电一体化技术"]
    majors.setCurrentIndex(1)
    stops.fields["hires"].setText("3")
    stops.fields["starting_pay_fen"].setText("5200")
    stops.fields["positions"].setText("10")
    if folder := os.environ.get("CHANJIAO_SHOTS"):
        d.grab().save(os.path.join(folder, "visit_dialog.png"))
    d.save()
    qtbot.waitUntil(lambda: d.saved_id is not None, timeout=5000)
    with db.reader() as s:
        v = svc.get_visit(s, vid)
        row = svc.visit_rows(s, [vid])[vid]
    saved = v.stop(other)
    assert (saved.positions, saved.hires, saved.starting_pay_fen, saved.host_name) == (10, 3, 520_000, "王敏")
    assert saved.hire_major_id and v.stop(known).positions is None and row.positions == 10


def test_a_draft_of_the_previous_version_keeps_its_positions_and_pay(ctx, qtbot, known):
    """Before 访企拓岗 was per enterprise a draft held one visit's positions and pay: they come back on the
    first enterprise, as the database upgrade did with saved visits."""
    import json

    from ui.dialogs.visit_dialog import DRAFT_KEY
    from ui.settings import ui_settings

    old = {"visited_on": "2026-03-05", "enterprises": [["湖南湘江智能装备有限公司", known], ["某新公司", ""]]}
    ui_settings().setValue(DRAFT_KEY, json.dumps({**old, "leader": "张院长", "positions": 6, "pay": "5,000"}))
    d = dialog(qtbot)
    assert d.draft_bar.isVisible() and d.stops.table.rowCount() == 2
    assert [d.stops.table.item(r, 2).text() for r in range(2)] == ["6", ""]
    assert d.stops.stops()[0] == svc.VisitStop(known, positions=6, average_pay_fen=500_000)


def test_a_typed_visit_date_is_saved_and_a_wrong_one_named(ctx, qtbot, db, known):
    with db.session() as s:
        vid = svc.create_visit(s, svc.VisitData(dt.date(2026, 3, 5), (known,), "张院长")).ids[0]
    d = dialog(qtbot, visit_id=vid)
    d.visited_on.edit.setText("2026-02-30")
    d.save()
    assert d.errors["visited_on"].isVisible() and "走访日期" in d.errors["visited_on"].text()
    assert d.saved_id is None
    d.visited_on.edit.setText("2026年3月6日")
    assert d.errors["visited_on"].isHidden() and d.message.isHidden()
    d.save()
    qtbot.waitUntil(lambda: d.saved_id is not None, timeout=5000)
    with db.reader() as s:
        assert svc.get_visit(s, vid).visited_on == dt.date(2026, 3, 6)
