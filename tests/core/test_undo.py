"""Undo of the last actions (#18): an edit saved by a form, a new record, a whole import, a delete — over a
real SQLite file; a row changed since makes undo refuse and change nothing; the undo's own journal redoes.
Then the GUI: 编辑 → 撤销 after an enterprise edit and after an import."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.db.engine import Database
from app.db.models import AuditLog, Contact, Enterprise
from app.errors import AppError
from app.io.enterprises_xlsx import import_enterprises, read_enterprises
from app.services import undo as core
from app.services.enterprises import (
    ContactData,
    EnterpriseData,
    create_enterprise,
    delete_enterprises,
    get_enterprise,
    update_enterprise,
)
from tests.codes import valid_uscc as code

BEFORE = EnterpriseData(
    name="湖南甲科技有限公司",
    uscc=code(1),
    address="长沙市岳麓区",
    categories=("校友企业",),
    contacts=(ContactData("张三", "经理", "13900000001"), ContactData("李四", "", "13900000002")),
)


def _add(db: Database, data: EnterpriseData = BEFORE) -> str:
    with db.session() as s:
        return create_enterprise(s, data).ids[0]


def _edit(db: Database, eid: str) -> core.Journal:
    """What the enterprise form's save does, journaled: fields, a contact dropped, one added, categories."""
    with db.session() as s:
        old = get_enterprise(s, eid)
        data = EnterpriseData(
            name="湖南甲科技有限公司（新名）",
            uscc=old.uscc,
            address="长沙市天心区",
            categories=("上市公司",),
            contacts=(
                ContactData("张三", "总经理", "13900000009", id=old.contacts[0].id),
                ContactData("王五", "", "13900000003"),
            ),
        )
        changes = core.journaled(s, lambda: update_enterprise(s, eid, data), "修改企业：湖南甲科技有限公司")
    journal = core.take(changes)
    assert journal is not None and core.take(changes) is None  # taken once
    return journal


def _undo(db: Database, journal: core.Journal) -> core.UndoChanges:
    with db.session() as s:
        return core.undo(s, journal)


def _detail(db: Database, eid: str):
    with db.reader() as s:
        return get_enterprise(s, eid)


def _same(a, b) -> bool:
    keep = lambda d: (d.name, d.uscc, d.address, set(d.categories), d.contacts)  # noqa: E731
    return keep(a) == keep(b)


def test_undo_an_edit_and_redo_it(db: Database) -> None:
    eid = _add(db)
    before = _detail(db, eid)
    journal = _edit(db, eid)
    after = _detail(db, eid)
    assert after.name == "湖南甲科技有限公司（新名）" and [c.name for c in after.contacts] == ["张三", "王五"]

    done = _undo(db, journal)
    assert done.table == "enterprise" and done.ids == (eid,) and done.label == "修改企业：湖南甲科技有限公司"
    back = _detail(db, eid)
    assert _same(back, before)  # the fields, the categories and each contact with its own id
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 2  # 王五 gone again
        audited = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.record_id == eid))
    assert audited >= 3  # created, edited, undone: the undo is audited like any change

    assert done.inverse is not None
    _undo(db, done.inverse)  # redo
    assert _same(_detail(db, eid), after)


def test_undo_refuses_when_the_record_changed_since(db: Database) -> None:
    eid = _add(db)
    journal = _edit(db, eid)
    with db.session() as s:
        later = get_enterprise(s, eid)
        update_enterprise(s, eid, EnterpriseData(**{**_fields(later), "note": "后来又改了"}))
    with pytest.raises(AppError, match="又被修改或删除过") as e:
        _undo(db, journal)
    assert "湖南甲科技有限公司（新名）" in e.value.message
    assert _detail(db, eid).note == "后来又改了"  # nothing undone


def _fields(d) -> dict:
    return {k: getattr(d, k) for k in EnterpriseData.__dataclass_fields__}


def test_undo_of_a_new_record_moves_it_to_the_trash(db: Database) -> None:
    with db.session() as s:
        changes = core.journaled(s, lambda: create_enterprise(s, BEFORE), "新建企业")
    journal = core.take(changes)
    assert journal is not None
    _undo(db, journal)
    with db.reader() as s:
        ent = s.get(Enterprise, changes.ids[0])
        assert ent is not None and ent.deleted_at is not None  # in the 回收站, with its contacts
        assert s.scalar(select(func.count()).select_from(Contact)) == 2


def test_undo_of_a_delete_restores_it(db: Database) -> None:
    eid = _add(db)
    with db.session() as s:
        changes = core.journaled(s, lambda: delete_enterprises(s, [eid]), "删除 1 家企业")
    _undo(db, core.take(changes))
    with db.reader() as s:
        assert s.get(Enterprise, eid).deleted_at is None


def _file(path: Path) -> Path:
    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "地址", "联系人", "联系电话"])
    wb.active.append(["湖南甲科技有限公司", code(1), "长沙市天心区", "赵六", "13900000006"])
    wb.active.append(["湖南丙新材料有限公司", code(3), "株洲市", "钱七", "13900000007"])
    wb.active.append(["湖南丁有限公司", None, None, None, None])
    wb.save(path)
    return path


def test_undo_of_a_whole_import_and_redo(db: Database, tmp_path: Path) -> None:
    eid = _add(db)
    before = _detail(db, eid)
    with db.reader() as s:
        preview = read_enterprises(s, _file(tmp_path / "名单.xlsx"))
    with db.session() as s:
        changes = import_enterprises(s, preview, on_existing="update")
    assert changes.updated == (eid,) and len(changes.added) == 2
    journal = core.take(changes)
    assert journal is not None and journal.label == "导入企业名单“名单.xlsx”"

    done = _undo(db, journal)
    assert done.table == "enterprise" and set(done.ids) == {eid, *changes.added}
    with db.reader() as s:
        live = set(s.scalars(select(Enterprise.id).where(Enterprise.deleted_at.is_(None))))
        trashed = set(s.scalars(select(Enterprise.id).where(Enterprise.deleted_at.is_not(None))))
    assert live == {eid} and trashed == set(changes.added)  # the import's enterprises in the 回收站
    assert _same(_detail(db, eid), before)  # the updated one as it was, same id

    _undo(db, done.inverse)  # redo
    with db.reader() as s:
        assert (
            s.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.deleted_at.is_(None))) == 3
        )
    assert _detail(db, eid).address == "长沙市天心区"


def test_an_import_changed_since_is_not_undone(db: Database, tmp_path: Path) -> None:
    with db.reader() as s:
        preview = read_enterprises(s, _file(tmp_path / "名单.xlsx"))
    with db.session() as s:
        changes = import_enterprises(s, preview)
    journal = core.take(changes)
    with db.session() as s:
        later = get_enterprise(s, changes.added[1])
        update_enterprise(s, later.id, EnterpriseData(**{**_fields(later), "address": "湘潭市"}))
    with pytest.raises(AppError, match="湖南丙新材料有限公司"):
        _undo(db, journal)
    with db.reader() as s:
        assert (
            s.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.deleted_at.is_(None))) == 3
        )


def test_a_journal_of_another_database_or_too_big_is_refused(db: Database, tmp_path: Path) -> None:
    from app.db.engine import open_database

    eid = _add(db)
    journal = _edit(db, eid)
    other = open_database(tmp_path / "other.db")
    try:
        with pytest.raises(AppError, match="另一个数据库"), other.session() as s:
            core.undo(s, journal)
    finally:
        other.close()
    big = core.Journal("导入", journal.database, too_big=True)
    with pytest.raises(AppError, match="太多"):
        _undo(db, big)


def test_nothing_is_journaled_outside_an_action(db: Database) -> None:
    eid = _add(db)
    with db.session() as s:
        changes = update_enterprise(s, eid, EnterpriseData(**{**_fields(_detail(db, eid)), "note": "x"}))
    assert core.take(changes) is None


# ---------------------------------------------------------------- 编辑 → 撤销 in the window


def _window(qtbot):
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    return w


def _trigger(qtbot, ctx, action) -> None:
    assert action.isEnabled(), action.text()
    action.trigger()
    ctx.wait()
    qtbot.waitUntil(lambda: not ctx._ops, timeout=10000)


def test_edit_menu_undoes_an_enterprise_edit(ctx, qtbot, db: Database, monkeypatch) -> None:
    from ui.dialogs.enterprise_dialog import EnterpriseDialog

    eid = _add(db)
    w = _window(qtbot)
    undo, redo = w.undo_actions.undo, w.undo_actions.redo
    assert undo.text() == "撤销" and not undo.isEnabled() and undo.shortcut().toString() == "Ctrl+Z"
    assert redo.shortcut().toString() == "Ctrl+Shift+Z"
    assert w.edit_menu.actions()[:2] == [undo, redo]  # first in 编辑

    form = EnterpriseDialog(w, eid)
    qtbot.addWidget(form)
    form.address.setText("长沙市开福区")
    with qtbot.waitSignal(form.accepted, timeout=10000):
        form.save()
    ctx.wait()
    assert _detail(db, eid).address == "长沙市开福区"
    assert undo.text() == "撤销“修改企业：湖南甲科技有限公司”" and undo.isEnabled()

    _trigger(qtbot, ctx, undo)
    assert _detail(db, eid).address == "长沙市岳麓区"
    assert not undo.isEnabled() and redo.text() == "重做“修改企业：湖南甲科技有限公司”"

    _trigger(qtbot, ctx, redo)
    assert _detail(db, eid).address == "长沙市开福区"
    assert undo.isEnabled() and not redo.isEnabled()

    # Changed since (elsewhere): the undo says so and changes nothing.
    with db.session() as s:
        update_enterprise(s, eid, EnterpriseData(**{**_fields(_detail(db, eid)), "note": "别处改的"}))
    shown: list[str] = []
    monkeypatch.setattr("ui.errors.show_error", lambda _p, exc, title="": shown.append(f"{title}：{exc}"))
    _trigger(qtbot, ctx, undo)
    assert shown and "又被修改或删除过" in shown[0] and _detail(db, eid).note == "别处改的"
    assert not undo.isEnabled()  # that step is gone


def test_edit_menu_undoes_a_whole_import(ctx, qtbot, db: Database, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui.dialogs.import_dialog import ImportDialog

    eid = _add(db)
    w = _window(qtbot)
    path = _file(tmp_path / "名单.xlsx")
    with db.reader() as s:
        preview = read_enterprises(s, path)
    dlg = ImportDialog(w, path, preview)
    qtbot.addWidget(dlg)
    dlg.model.set_all("update")
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    with qtbot.waitSignal(dlg.accepted, timeout=10000):
        dlg.import_button.click()
    ctx.wait()
    with db.reader() as s:
        assert (
            s.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.deleted_at.is_(None))) == 3
        )
    undo = w.undo_actions.undo
    assert undo.text() == "撤销“导入企业名单“名单.xlsx””"

    _trigger(qtbot, ctx, undo)
    with db.reader() as s:
        live = list(s.scalars(select(Enterprise.id).where(Enterprise.deleted_at.is_(None))))
    assert live == [eid] and _detail(db, eid).address == "长沙市岳麓区"


def test_a_delete_with_an_undo_bar_is_undone_from_the_menu(ctx, qtbot, db: Database, monkeypatch) -> None:
    from ui import widgets

    eid = _add(db)
    w = _window(qtbot)
    page = w.page("enterprises")
    page.reload_now()
    ctx.wait()
    page.select_ids([eid])
    monkeypatch.setattr(widgets, "confirm", lambda *a, **k: True)
    monkeypatch.setattr("ui.pages.list_page.confirm", lambda *a, **k: True)
    page.delete_selected()
    ctx.wait()
    with db.reader() as s:
        assert s.get(Enterprise, eid).deleted_at is not None
    undo = w.undo_actions.undo
    assert undo.text().startswith("撤销“已删除 1 家企业")
    _trigger(qtbot, ctx, undo)
    with db.reader() as s:
        assert s.get(Enterprise, eid).deleted_at is None
    assert not undo.isEnabled()


def test_a_new_window_starts_with_nothing_to_undo(ctx, qtbot, db: Database) -> None:
    """A restore from a backup builds a new window over the same context: the old steps are dropped and the old
    window's actions no longer listen."""
    import shiboken6

    from ui import undo as ui_undo
    from ui.main_window import MainWindow

    eid = _add(db)
    old = MainWindow()  # not given to qtbot: deleted below, as a restore deletes the old window
    with db.session() as s:
        changes = core.journaled(s, lambda: delete_enterprises(s, [eid]), "删除 1 家企业")
    ctx.changes_applied.emit(changes)
    assert old.undo_actions.undo.text() == "撤销“删除 1 家企业”"
    old_undo = old.undo_actions.undo
    old.close()
    shiboken6.delete(old)
    assert not shiboken6.isValid(old_undo)
    new = _window(qtbot)
    assert not new.undo_actions.undo.isEnabled()
    ui_undo.stack().changed.emit()  # the old window's actions are gone: nothing breaks


def test_undo_of_an_added_attachment_removes_it_as_the_panel_does(db: Database, tmp_path: Path) -> None:
    from app.db.models import Attachment
    from app.services.attachments import add_attachment, list_attachments

    eid = _add(db)
    src = tmp_path / "营业执照.pdf"
    src.write_bytes(b"%PDF-1.4 test")
    with db.session() as s:
        changes = core.journaled(s, lambda: add_attachment(s, "enterprise", eid, src), "添加附件")
    done = _undo(db, core.take(changes))
    with db.reader() as s:
        assert list_attachments(s, "enterprise", eid) == []
        row = s.get(Attachment, changes.ids[0])
        assert row is not None and row.deleted_at is not None  # removed, not purged: the bytes stay
    _undo(db, done.inverse)
    with db.reader() as s:
        assert [a.id for a in list_attachments(s, "enterprise", eid)] == list(changes.ids)
