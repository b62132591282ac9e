"""No lost update in the forms (issue 19): a form whose record another user saved, deleted or purged since it
was opened does not save over it; the real ConflictDialog shows who, when and what changed, and each way on
works — load the other version, save over it, restore and save, back to the form."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from app.db.engine import open_database
from app.services import enterprises as svc
from app.services import students as students_svc
from ui.forms.conflict import ConflictDialog

pytestmark = pytest.mark.qt
# The dialog's ways on are the same on every platform: Windows shows the dialog and a restore (the first two
# tests below on every platform); the rest run on Linux (the Wine half of CI is its long pole).
LINUX_IS_ENOUGH = pytest.mark.skipif(
    sys.platform == "win32", reason="the same code as the tests Windows runs"
)


@pytest.fixture
def other(db):
    handle = open_database(db.location)
    yield handle
    handle.close()


def _enterprise(db) -> str:
    with db.session() as s:
        data = svc.EnterpriseData(
            name="湖南湘江智能装备有限公司", region="长沙市", address="岳麓区麓谷大道1号"
        )
        return svc.create_enterprise(s, data).ids[0]


def _form(qtbot, eid: str):
    from ui.dialogs.enterprise_dialog import EnterpriseDialog

    d = EnterpriseDialog(None, eid)
    qtbot.addWidget(d)
    d.show()
    return d


class Seen:
    """What the conflict dialog showed."""

    def __init__(self) -> None:
        self.title = self.message = ""
        self.rows: list[list[str]] = []
        self.buttons: list[str] = []


def _answer(button_text: str, seen: Seen, shot: str = "") -> Callable[[], None]:
    """When the conflict dialog is up (modal, in exec), note what it shows and press `button_text`."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConflictDialog):
            QTimer.singleShot(20, act)
            return
        seen.title = dialog.windowTitle()
        seen.message = dialog.findChildren(QLabel)[0].text()
        table = dialog.table
        seen.rows = (
            []
            if table is None
            else [
                [table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())
            ]
        )
        seen.buttons = [b.text() for b in dialog.findChildren(QPushButton)]
        if shot:
            dialog.grab().save(shot)
        next(b for b in dialog.findChildren(QPushButton) if b.text() == button_text).click()

    return act


def _save(qtbot, d, answer: Callable[[], None]) -> None:
    QTimer.singleShot(0, answer)
    d.save()
    qtbot.waitUntil(lambda: not d._saving and QApplication.activeModalWidget() is None, timeout=10_000)


def test_a_change_saved_by_another_user_is_shown_and_can_be_loaded(ctx, qtbot, db, other, tmp_path):
    eid = _enterprise(db)
    d = _form(qtbot, eid)
    d.region.setText("株洲市")
    with other.session() as s:  # meanwhile, on another PC
        svc.update_enterprise(
            s, eid, svc.EnterpriseData(name="湖南湘江智能装备有限公司", region="湘潭市", address="岳塘区")
        )
    seen = Seen()
    _save(qtbot, d, _answer("载入对方的内容", seen, str(tmp_path / "conflict.png")))
    assert (
        seen.title == "记录已被他人修改" and "修改过" in seen.message and "您的修改没有保存" in seen.message
    )
    assert ["所在地区", "长沙市", "湘潭市", "株洲市"] in seen.rows
    assert ["地址", "岳麓区麓谷大道1号", "岳塘区", "岳麓区麓谷大道1号"] in seen.rows
    assert {"载入对方的内容", "仍然保存我的内容", "返回表单"} <= set(seen.buttons)
    assert d.isVisible() and d.region.text() == "湘潭市" and d.address.text() == "岳塘区"
    assert not d.dirty()
    d.region.setText("株洲市")  # the next save goes through: the form now knows the other version
    d.save()
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=10_000)
    with db.reader() as s:
        saved = svc.get_enterprise(s, eid)
    assert (saved.region, saved.address) == ("株洲市", "岳塘区")


@LINUX_IS_ENOUGH
def test_save_over_the_other_change_or_go_back(ctx, qtbot, db, other):
    eid = _enterprise(db)
    d = _form(qtbot, eid)
    d.region.setText("株洲市")
    with other.session() as s:
        svc.update_enterprise(s, eid, svc.EnterpriseData(name="湖南湘江智能装备有限公司", region="湘潭市"))
    _save(qtbot, d, _answer("返回表单", Seen()))
    assert d.isVisible() and d.region.text() == "株洲市" and d.dirty()  # nothing saved, nothing lost
    with db.reader() as s:
        assert svc.get_enterprise(s, eid).region == "湘潭市"
    QTimer.singleShot(0, _answer("仍然保存我的内容", Seen()))
    d.save()
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=10_000)
    with db.reader() as s:
        saved = svc.get_enterprise(s, eid)
    assert (saved.region, saved.address) == ("株洲市", "岳麓区麓谷大道1号")


def test_deleted_while_open_restore_and_save(ctx, qtbot, db, other):
    eid = _enterprise(db)
    d = _form(qtbot, eid)
    d.region.setText("株洲市")
    with other.session() as s:
        svc.delete_enterprises(s, [eid])
    seen = Seen()
    QTimer.singleShot(0, _answer("恢复并保存", seen))
    d.save()
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=10_000)
    assert seen.title == "记录已被删除" and "回收站" in seen.message and seen.rows == []
    with db.reader() as s:
        saved = svc.get_enterprise(s, eid)
        assert s.get(svc.Enterprise, eid).deleted_at is None
    assert saved.region == "株洲市"


@LINUX_IS_ENOUGH
def test_purged_while_open_keeps_the_form(ctx, qtbot, db, other):
    eid = _enterprise(db)
    d = _form(qtbot, eid)
    d.region.setText("株洲市")
    with other.session() as s:
        svc.delete_enterprises(s, [eid])
    with other.session() as s:
        svc.purge_enterprises(s, [eid])
    seen = Seen()
    _save(qtbot, d, _answer("关闭", seen))
    assert seen.buttons == ["关闭"] and seen.title == "记录已不存在" and "彻底删除" in seen.message
    assert d.isVisible() and d.region.text() == "株洲市"  # its text can still be copied


@LINUX_IS_ENOUGH
def test_personal_data_changed_meanwhile_is_named_not_shown(ctx, qtbot, db, other):
    from ui.dialogs.student_dialog import StudentDialog

    with db.session() as s:
        sid = students_svc.create_student(
            s, students_svc.StudentData(student_no="2023001", name="张三", phone="13800000000")
        ).ids[0]
    d = StudentDialog(None, sid)
    qtbot.addWidget(d)
    d.show()
    d.name.setText("张三丰")
    with other.session() as s:
        students_svc.update_student(
            s, sid, students_svc.StudentData(student_no="2023001", name="张三", phone="13900000000")
        )
    seen = Seen()
    _save(qtbot, d, _answer("返回表单", seen))
    flat = " ".join(" ".join(r) for r in seen.rows)
    assert "13900000000" not in flat and "13800000000" not in flat
    assert any(r[2] == "已修改" for r in seen.rows)


def _agreement(db) -> str:
    import datetime as dt

    from app.services import agreements as asvc

    with db.session() as s:
        e = svc.create_enterprise(s, svc.EnterpriseData(name="湖南湘江智能装备有限公司")).ids[0]
    with db.session() as s:
        data = asvc.AgreementData(
            title="校企合作框架协议",
            kind="框架协议",
            enterprise_ids=(e,),
            number="JD-1",
            signed_on=dt.date(2026, 3, 1),
            starts_on=dt.date(2026, 3, 1),
        )
        return asvc.create_agreement(s, data).ids[0]


def _agreement_form(qtbot, aid: str):
    from ui.dialogs.agreement_dialog import AgreementDialog

    d = AgreementDialog(None, aid, ())
    qtbot.addWidget(d, before_close_func=lambda x: x.forget_changes())
    d.show()
    return d


def test_a_status_change_with_unsaved_edits_is_checked_like_a_save(ctx, qtbot, db, other, monkeypatch):
    """The status change saves the form's edits in its transaction: over another user's change it is refused
    with the conflict dialog, and nothing is written (neither the edits nor the status)."""
    from app.services import agreements as asvc
    from ui.dialogs import agreement_dialog

    aid = _agreement(db)
    d = _agreement_form(qtbot, aid)
    with other.session() as s:
        a = asvc.get_agreement(s, aid)
        kept = {f: getattr(a, f) for f in ("kind", "number", "signed_on", "starts_on")}
        asvc.update_agreement(
            s,
            aid,
            asvc.AgreementData(
                title=a.title, enterprise_ids=tuple(a.enterprise_ids), note="对方的备注", **kept
            ),
        )
    d.title.setText("新的标题")
    monkeypatch.setattr(agreement_dialog, "ask_transition", lambda *a: "提交")
    seen = Seen()
    QTimer.singleShot(0, _answer("返回表单", seen))
    d.transition_buttons["学院审核"].click()
    qtbot.waitUntil(lambda: seen.title != "" and not d._saving, timeout=10_000)
    assert seen.title == "记录已被他人修改"
    with db.reader() as s:
        now = asvc.get_agreement(s, aid)
    assert (now.note, now.title, now.status) == ("对方的备注", "校企合作框架协议", "草稿")


def test_the_forms_own_status_change_then_save_is_no_conflict(ctx, qtbot, db, monkeypatch):
    from app.services import agreements as asvc
    from ui.dialogs import agreement_dialog

    aid = _agreement(db)
    d = _agreement_form(qtbot, aid)
    monkeypatch.setattr(agreement_dialog, "ask_transition", lambda *a: "提交")
    with qtbot.waitSignal(ctx.changes_applied, timeout=10_000):
        d.transition_buttons["学院审核"].click()
    qtbot.waitUntil(lambda: not d._saving, timeout=10_000)
    d.title.setText("新的标题")
    d.save()  # no conflict dialog: the form follows its own status change
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=10_000)
    with db.reader() as s:
        now = asvc.get_agreement(s, aid)
    assert (now.title, now.status) == ("新的标题", "学院审核")


def test_a_write_whose_commit_fails_moves_no_form_on(ctx, qtbot, db, other):
    """A write started from the form (here: one changing the record) fails at COMMIT (a lost connection): the
    form keeps the version it had, so another user's later save is still refused, not overwritten."""
    from sqlalchemy import event

    from ui.ops import WriteOp

    eid = _enterprise(db)
    d = _form(qtbot, eid)
    before = d._opened
    failed: list[BaseException] = []

    def work(s):
        def boom(_s):
            raise RuntimeError("服务器断开了连接")

        event.listen(s, "before_commit", boom, once=True)
        return svc.update_enterprise(
            s, eid, svc.EnterpriseData(name="湖南湘江智能装备有限公司", region="娄底市")
        )

    WriteOp(d, work).failure(failed.append).run()
    qtbot.waitUntil(lambda: bool(failed), timeout=10_000)
    assert d._opened == before
    with other.session() as s:  # meanwhile another user saves
        svc.update_enterprise(s, eid, svc.EnterpriseData(name="湖南湘江智能装备有限公司", region="湘潭市"))
    d.region.setText("株洲市")
    seen = Seen()
    _save(qtbot, d, _answer("返回表单", seen))
    assert seen.title == "记录已被他人修改"


def test_restore_and_save_of_a_base_with_cost_rows(ctx, qtbot, db, other):
    """恢复并保存 on a 校内 base whose form adds a cost row: the base is out of the 回收站 before its cost rows
    are checked, and both are saved."""
    from app.services import base_costs as csvc
    from app.services import bases as bsvc
    from ui.dialogs.base_dialog import BaseDialog

    with db.session() as s:
        bid = bsvc.save_base(s, bsvc.BaseData(name="校内数控实训中心", kind="校内实训基地")).ids[0]
    d = BaseDialog(None, bid)
    qtbot.addWidget(d)
    d.show()
    year = d.costs.years[0]
    d.costs.grid.add_row({"school_year": year, "consumables": "123.00", "maintenance": "0"})
    with other.session() as s:
        bsvc.delete_bases(s, [bid])
    seen = Seen()
    QTimer.singleShot(0, _answer("恢复并保存", seen))
    d.save()
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=10_000)
    assert seen.title == "记录已被删除"
    with db.reader() as s:
        from app.db.models_internships import PracticeBase

        assert s.get(PracticeBase, bid).deleted_at is None
        costs = csvc.cost_rows(s, bid)
    assert [(c.school_year, c.consumables_fen) for c in costs] == [(year, 12_300)]


def test_a_save_waits_for_a_write_the_form_started(ctx, qtbot, db):
    """保存 pressed while a write started from the form is still queued (the worker busy with a slow read) runs
    after it, on the version it left: no conflict dialog naming the user's own change."""
    import threading

    from ui.ops import ReadOp, WriteOp

    eid = _enterprise(db)
    d = _form(qtbot, eid)
    gate = threading.Event()
    ReadOp(None, lambda s: gate.wait(10)).run()  # the worker busy
    WriteOp(
        d, lambda s: svc.update_enterprise(s, eid, svc.EnterpriseData(name="湖南湘江智能装备有限公司"))
    ).run()
    d.address.setText("新的地址")
    seen = Seen()
    QTimer.singleShot(0, _answer("返回表单", seen))
    d.save()
    gate.set()
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=10_000)
    assert seen.title == ""
    with db.reader() as s:
        assert svc.get_enterprise(s, eid).address == "新的地址"


def test_a_field_without_a_label_is_named_by_its_tab_and_the_values_get_the_room(ctx, qtbot, db):
    """The contacts grid has only a hint above it: it is “联系人” (its tab), not the hint; a long name of a field
    leaves the three values their room."""
    from app.errors import RecordChanged
    from app.services.versions import Difference
    from ui.forms.conflict import LABEL_WIDTH, ConflictDialog

    d = _form(qtbot, _enterprise(db))
    assert d.field_label("contacts") == "联系人" and d.field_label("region") == "所在地区"
    long = "一个很长很长很长很长很长很长很长很长很长很长的字段名称"
    refused = RecordChanged("已被修改", who="王老师")
    box = ConflictDialog(d, refused, [(long, Difference("note", "甲", "乙", "丙"))], 0)
    qtbot.addWidget(box)
    box.resize(700, 400)
    box.show()
    assert box.table.columnWidth(0) <= LABEL_WIDTH
    assert all(box.table.columnWidth(c) >= 120 for c in (1, 2, 3))
