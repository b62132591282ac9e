"""资产 in the GUI over a real database: create through the form (value as typed, enterprise picked by name),
a repair confirmed only after both sides, disposal turning the row grey and its cancelling, the custodian
reminder tooltip, delete + undo, and a 工作台 reminder opening the asset."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.services import assets as svc
from app.services.enterprises import EnterpriseData, create_enterprise
from ui import theme
from ui.ops import DbContext, set_context

pytestmark = pytest.mark.qt


@pytest.fixture
def ctx(db, qapp):
    context = DbContext(db)
    set_context(context)
    yield context
    context.wait()
    set_context(None)


@pytest.fixture
def ent(db) -> str:
    with db.session() as s:
        return create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")).ids[0]


@pytest.fixture
def asset(db, ent) -> str:
    with db.session() as s:
        return svc.create_asset(
            s,
            svc.AssetData(
                name="六轴工业机器人",
                quantity=2,
                unit_value_fen=16_800_000,
                contributed_by_id=ent,
                contribution_kind="捐赠",
                custodian="王磊",
                acquired_on=dt.date(2025, 10, 8),
            ),
        ).ids[0]


@pytest.fixture
def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)


def asset_dialog(qtbot, asset_id: str | None = None):
    from ui.dialogs.asset_dialog import AssetDialog

    d = AssetDialog(None, asset_id)
    qtbot.addWidget(d)
    return d


def assets_page(qtbot):
    from ui.pages.assets import AssetsPage

    page = AssetsPage()
    qtbot.addWidget(page)
    page.reload_now()
    return page


def cell(page, row: int, title: str, role=Qt.ItemDataRole.DisplayRole):
    col = [c.title for c in page.model.columns].index(title)
    return page.model.data(page.model.index(row, col), role)


def test_create_through_the_form(ctx, qtbot, db, ent):
    d = asset_dialog(qtbot)
    assert not d.tabs.isTabEnabled(1) and not d.tabs.isTabEnabled(2)  # repairs and disposal after saving
    d.name.setText("数控车床")
    d.quantity.setValue(3)
    d.unit_value.setText("9万")
    d.save()
    assert "单价" in d.errors["unit_value_fen"].text() and not d.errors["unit_value_fen"].isHidden()
    assert d.total.text() == "总值：—"
    d.unit_value.setText("¥96,000.50")
    assert d.total.text() == "总值 ¥288,001.50"
    d.contributed_by.setCurrentText("湖南湘江智能装备有限公司")
    d.contribution_kind.setCurrentIndex(d.contribution_kind.findData("准捐赠"))
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.save()
    with db.reader() as s:
        a = svc.get_asset(s, d.saved_id)
    assert (a.quantity, a.unit_value_fen, a.total_value_fen) == (3, 9_600_050, 28_800_150)
    assert (a.contributed_by_id, a.contribution_kind, a.custodian, a.status) == (ent, "准捐赠", "", "在用")
    page = assets_page(qtbot)
    row = page.model.row_of(d.saved_id)
    assert cell(page, row, "总值") == "¥288,001.50" and cell(page, row, "保管责任人") == "未指定"
    assert "第十六条第（二）项" in cell(page, row, "保管责任人", Qt.ItemDataRole.ToolTipRole)
    assert "第十六条第（二）项" in cell(page, row, "资产名称", Qt.ItemDataRole.ToolTipRole)


def test_repair_is_confirmed_only_after_both_sides(ctx, qtbot, db, asset, monkeypatch):
    with db.session() as s:
        rid = svc.add_repair(
            s, svc.RepairData(asset, "大修", "更换伺服电机", 350_000, dt.date(2026, 3, 1))
        ).ids[0]
    d = asset_dialog(qtbot, asset)
    assert d.tabs.tabText(1) == "维修与更换（1）"
    assert d.repairs.item(0, 6).text() == "待双方确认"
    d.repairs.selectRow(0)
    assert d.school_button.isEnabled() and d.enterprise_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("张校", True))
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.school_button.click()
    with db.reader() as s:
        assert not svc.get_repair(s, rid).confirmed
    assert d.repairs.item(0, 6).text() == "待双方确认"
    assert d.repairs.item(0, 4).text() == f"张校 {dt.date.today()}"
    assert not d.school_button.isEnabled() and d.enterprise_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("李工", True))
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.enterprise_button.click()
    with db.reader() as s:
        r = svc.get_repair(s, rid)
    assert r.confirmed and (r.enterprise_person, r.enterprise_confirmed_on) == ("李工", dt.date.today())
    assert d.repairs.item(0, 6).text() == "已确认"


def test_add_repair_through_its_form(ctx, qtbot, db, asset):
    from ui.dialogs.asset_dialog import RepairDialog

    r = RepairDialog(None, asset)
    qtbot.addWidget(r)
    r.kind.setCurrentText("更换")
    r.cost.setText("abc")
    r.save()
    assert "费用" in r.errors["cost_fen"].text() and not r.errors["cost_fen"].isHidden()
    assert "有 1 处需要修改" in r.message.text()
    r.cost.setText("1,200")
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        r.save()
    with db.reader() as s:
        (info,) = svc.get_asset(s, asset).repairs
    assert (info.kind, info.cost_fen, info.confirmed) == ("更换", 120_000, False)


def test_dispose_turns_the_row_grey_and_cancel_restores_it(ctx, qtbot, db, asset, yes, monkeypatch):
    from ui.dialogs import asset_dialog as module

    page = assets_page(qtbot)
    assert cell(page, 0, "资产名称", Qt.ItemDataRole.ForegroundRole) is None
    d = asset_dialog(qtbot, asset)
    d.tabs.setCurrentIndex(2)

    def run(form):  # what the user does in the 处置资产 form
        qtbot.addWidget(form)
        form.method.setCurrentText("移交")
        form.value.setText("20,000,0")
        form.save()
        assert "处置价值" in form.errors["value_fen"].text()
        form.value.setText("20,000")
        with qtbot.waitSignal(form.accepted, timeout=5000):
            form.save()
        return 1

    monkeypatch.setattr(module.DisposalDialog, "exec", run)
    d.dispose_button.click()
    with db.reader() as s:
        a = svc.get_asset(s, asset)
    assert a.status == "已处置" and (a.disposal.method, a.disposal.value_fen) == ("移交", 2_000_000)
    assert d.disposal_stack.currentIndex() == 1 and "移交" in d.disposal_info.text()
    assert d.status.currentText() == "已处置" and not d.status.isEnabled()
    assert not d.dirty()  # the disposal is saved: closing asks nothing
    qtbot.waitUntil(lambda: cell(page, 0, "状态") == "已处置", timeout=5000)
    for title in ("资产名称", "总值", "状态"):
        assert cell(page, 0, title, Qt.ItemDataRole.ForegroundRole).name() == theme.HINT  # greyed out
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.cancel_disposal_button.click()
    with db.reader() as s:
        assert svc.get_asset(s, asset).status == "在用"
    assert d.disposal_stack.currentIndex() == 0 and d.status.isEnabled()
    qtbot.waitUntil(lambda: cell(page, 0, "状态") == "在用", timeout=5000)


def test_status_filter_and_repair_colour(ctx, qtbot, db, asset):
    with db.session() as s:
        svc.create_asset(s, svc.AssetData(name="三坐标测量机", status="维修", custodian="刘强"))
    page = assets_page(qtbot)
    assert page.model.rowCount() == 2
    page.status_box.setCurrentIndex(page.status_box.findData("维修"))
    page.reload_now()
    assert page.model.rowCount() == 1 and "找到 1 项（共 2 项）" in page.count_label.text()
    assert cell(page, 0, "状态", Qt.ItemDataRole.ForegroundRole).name() == theme.WARNING


def test_delete_and_undo(ctx, qtbot, db, asset, yes):
    page = assets_page(qtbot)
    page.table.selectRow(0)
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        page.delete_selected()
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    assert page.empty.title.text() == "还没有资产"
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        page.undo_bar.button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)


def test_reminder_on_the_dashboard_opens_the_asset(ctx, qtbot, db, monkeypatch):
    from ui.dialogs.asset_dialog import AssetDialog
    from ui.main_window import MainWindow

    with db.session() as s:
        aid = svc.create_asset(s, svc.AssetData(name="激光切割机")).ids[0]  # no custodian: a reminder
    opened: list[str] = []
    monkeypatch.setattr(AssetDialog, "exec", lambda d: opened.append(d.asset_id) or 0)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    page = w.dashboard
    w._goto(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    row = next(i for i, r in enumerate(page.model.items) if r.rule == "ASSET-CUSTODIAN")
    page.table.selectRow(row)
    page.open_current()
    assert opened == [aid]
    assert w.stack.currentWidget() is w.assets
    qtbot.waitUntil(lambda: w.assets.selected_ids() == [aid], timeout=5000)  # selected once the list loads
    w.close()


def test_self_made_in_the_form(ctx, qtbot, db, asset):
    """自主研制 ticked in the form is saved; ticked on a donated device, the save is refused under 资产权属."""
    d = asset_dialog(qtbot, asset)
    assert not d.self_made.isChecked() and not d.dirty()
    d.self_made.setChecked(True)
    assert d.dirty()
    d.save()
    assert "不会是企业捐赠的" in d.errors["self_made"].text()
    d.contribution_kind.setCurrentIndex(d.contribution_kind.findData("其他"))
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        d.save()
    with db.reader() as s:
        a = svc.get_asset(s, asset)
    assert (a.self_made, a.contribution_kind) == (True, "其他")
    assert asset_dialog(qtbot, asset).self_made.isChecked()


def test_a_misplaced_thousands_comma_is_refused_at_the_unit_value(ctx, qtbot, db):
    """“12,34” is no amount: the 单价 field says so (naming the field and the comma), nothing is saved, and the
    line goes as soon as the amount is fixed."""
    d = asset_dialog(qtbot)
    d.name.setText("示教台")
    d.unit_value.setText("12,34")
    d.save()
    label = d.errors["unit_value_fen"]
    assert not label.isHidden() and label.text().startswith("单价") and "千分位" in label.text()
    assert d.message.text().startswith("有 1 处需要修改") and d.saved_id is None
    d.unit_value.setText("1,234")
    assert label.isHidden() and d.message.isHidden()
    with db.reader() as s:
        assert svc.asset_ids(s) == []
