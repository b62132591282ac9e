"""The 学生实习 page, the batch dialog and the internship form over a real database, driven with pytest-qt
(Chinese text set with setText, never typed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox

from app.services import internships as svc
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.students import StudentData, create_student
from tests.codes import valid_uscc

pytestmark = pytest.mark.qt

D = dt.date
NAMES = ("张三", "李四", "王五")


@pytest.fixture
def world(db) -> dict:
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湘麓智能装备有限公司", uscc=valid_uscc(1))).ids[0]
        students = [
            create_student(
                s,
                StudentData(
                    f"202300{n}", name, class_name="机电2301", entry_year=2023, guardian_name=f"{name}父"
                ),
            ).ids[0]
            for n, name in enumerate(NAMES, start=1)
        ]
    return {"enterprise": ent, "students": students}


def terms(world: dict, **kw) -> svc.InternshipData:
    base = dict(
        student_id="",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 6, 30),
        enterprise_id=world["enterprise"],
        position="装配技术员",
        monthly_pay_fen=300000,
        same_post_wage_fen=350000,
        counselor="辅导员甲",
        academic_mentor="导师乙",
        enterprise_hr="人事丙",
        enterprise_mentor="师傅丁",
    )
    return svc.InternshipData(**{**base, **kw})


def add(db, world, students=None, **kw) -> list[str]:
    with db.session() as s:
        return list(svc.create_internships(s, students or world["students"], terms(world, **kw)).ids)


INSURED = dict(insurer="人保财险", policy_no="P-001", insured_from=D(2026, 3, 1), insured_to=D(2026, 6, 30))


def page_with_rows(qtbot, n: int):
    from ui.pages.internships import InternshipsPage

    p = InternshipsPage()
    qtbot.addWidget(p)
    p.show()
    qtbot.waitUntil(lambda: p.count_label.text() != "" and p.model.rowCount() == n, timeout=5000)
    return p


def form(qtbot, internship_id: str):
    from ui.dialogs.internship_dialog import InternshipDialog

    dlg = InternshipDialog(None, internship_id)
    qtbot.addWidget(dlg, before_close_func=lambda d: d.forget_changes())
    dlg.show()
    return dlg


@pytest.fixture
def refusals(monkeypatch) -> list:
    from ui.dialogs.internship_status import RefusalDialog

    shown: list = []
    monkeypatch.setattr(RefusalDialog, "exec", lambda self: shown.append(self) or 0)
    return shown


@pytest.fixture
def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)


def test_empty_page_says_to_import_the_roster_first(ctx, qtbot):
    p = page_with_rows(qtbot, 0)
    assert p.stack.currentWidget() is p.empty
    assert p.empty.title.text() == "还没有实习记录"
    assert "先在“学生与就业”导入名册，再按 Ctrl+N 为一个班批量安排" in p.empty.hint.text()
    assert p.new_text == "批量安排实习…"


def test_batch_for_a_class_of_three_with_one_unticked(ctx, qtbot, db, world):
    from ui.dialogs.internship_batch_dialog import InternshipBatchDialog

    p = page_with_rows(qtbot, 0)
    dlg = InternshipBatchDialog(None)
    qtbot.addWidget(dlg)
    assert dlg.class_box.currentText() == "机电2301（3人）"
    assert dlg.count_label.text() == "已勾选 3 / 3 人"
    dlg.student_list.item(1).setCheckState(Qt.CheckState.Unchecked)  # 李四
    assert dlg.count_label.text() == "已勾选 2 / 3 人"
    assert dlg.save_button.text().startswith("为 2 名学生安排实习")
    dlg.fields.enterprise.search_now("湘麓")
    dlg.fields.enterprise.add_selected()
    dlg.fields.starts_on.set_value(D(2026, 3, 1))
    dlg.fields.ends_on.set_value(D(2026, 6, 30))
    dlg.fields.position.setText("装配技术员")
    dlg.fields.pay.setText("3000")
    dlg.fields.wage.setText("3500")
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    assert len(dlg.saved_ids) == 2
    qtbot.waitUntil(lambda: p.model.rowCount() == 2, timeout=5000)
    rows = [p.model.row_at(r) for r in range(2)]
    assert [r.student_name for r in rows] == ["张三", "王五"]
    assert [r.guardian for r in rows] == ["张三父", "王五父"]  # from the roster
    assert {(r.monthly_pay_fen, r.same_post_wage_fen, r.position) for r in rows} == {
        (300000, 350000, "装配技术员")
    }


def test_batch_errors_at_the_fields_and_live_hints(ctx, qtbot, db, world):
    from ui.dialogs.internship_batch_dialog import InternshipBatchDialog

    dlg = InternshipBatchDialog(None, student_ids=world["students"][:2])
    qtbot.addWidget(dlg)
    assert not dlg.class_box.isVisible() and dlg.count_label.text() == "已勾选 2 / 2 人"
    dlg.save()
    assert dlg.errors["enterprise_id"].text().startswith("请选择实习单位")
    assert "实习开始日期" in dlg.errors["starts_on"].text()
    dlg.fields.starts_on.set_value(D(2026, 3, 1))
    dlg.fields.ends_on.set_value(D(2026, 6, 30))
    dlg.fields.pay.setText("2799")
    dlg.fields.wage.setText("3500")
    assert "低于同岗位职工工资" in dlg.fields.pay_hint.text()
    dlg.fields.pay.setText("2800")
    assert dlg.fields.pay_hint.isHidden()
    dlg.fields.hours.setValue(9)
    assert "超过8小时" in dlg.fields.hours_hint.text()
    dlg.fields.hours.setValue(8)
    dlg.fields.night_shift.setChecked(True)
    assert "夜班" in dlg.fields.hours_hint.text()
    dlg.fields.insurer.setText("人保财险")
    dlg.fields.policy_no.setText("P-1")
    dlg.fields.insured_from.set_value(D(2026, 3, 1))
    dlg.fields.insured_to.set_value(D(2026, 5, 31))
    assert "2026年6月1日至实习结束的2026年6月30日没有保险" in dlg.fields.insurance_hint.text()
    dlg.fields.pay.setText("三千")
    dlg.save()
    assert "无法识别的金额" in dlg.errors["monthly_pay_fen"].text()


def test_start_refused_names_the_student_and_what_is_missing(ctx, qtbot, db, world, refusals):
    ids = add(db, world, world["students"][:2])
    add(db, world, world["students"][2:], **INSURED, has_tripartite=True)
    p = page_with_rows(qtbot, 3)
    p.table.selectAll()
    changed = []
    ctx.changes_applied.connect(changed.append)
    p.change_status("实习中")
    qtbot.waitUntil(lambda: len(refusals) == 1, timeout=5000)
    assert changed == []
    dlg = refusals[0]
    assert list(dlg.groups) == ["张三", "李四"]
    assert any("实习责任保险" in m for m in dlg.groups["张三"])
    assert any("三方协议" in m for m in dlg.groups["张三"])
    assert dlg.tree.topLevelItem(0).text(0) == "张三" and dlg.tree.topLevelItem(0).childCount() == 2
    assert "张三：未登记实习责任保险" in dlg.text()
    with db.reader() as s:
        assert {svc.get_internship(s, i).status for i in ids} == {"计划"}


def test_after_insurance_and_signing_the_form_starts_it(ctx, qtbot, db, world, refusals):
    (iid,) = add(db, world, world["students"][:1])
    dlg = form(qtbot, iid)
    assert list(dlg.rules.step_buttons) == ["协议已签", "实习中", "终止"]
    assert [p.code for p in dlg.rules.problems if p.blocks] == ["INT-INSURANCE", "INT-TRIPARTITE"]
    dlg.fields.insurer.setText("人保财险")
    dlg.fields.policy_no.setText("P-001")
    dlg.fields.insured_from.set_value(D(2026, 3, 1))
    dlg.fields.insured_to.set_value(D(2026, 6, 30))
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        dlg.rules.step_buttons["协议已签"].click()  # saves the insurance with the step
    qtbot.waitUntil(lambda: dlg.rules.status_label.text() == "协议已签", timeout=5000)
    assert dlg.fields.has_tripartite.isChecked() and not dlg.dirty()
    assert not [p for p in dlg.rules.problems if p.blocks]
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        dlg.rules.step_buttons["实习中"].click()
    qtbot.waitUntil(lambda: dlg.rules.status_label.text() == "实习中", timeout=5000)
    assert list(dlg.rules.step_buttons) == ["已结束", "终止"]
    assert dlg.rules.step_buttons["已结束"].text() == "结束实习"
    assert refusals == []


def test_low_evaluation_shows_in_the_list_tooltip_and_the_form(ctx, qtbot, db, world):
    (iid,) = add(db, world, world["students"][:1], **INSURED, has_tripartite=True)
    with db.session() as s:
        svc.set_status(s, [iid], "实习中")
        svc.save_evaluation(s, svc.EvaluationData(iid, D(2026, 3, 1), 55, "师傅丁"))
        svc.save_evaluation(s, svc.EvaluationData(iid, D(2026, 4, 1), 85))
    p = page_with_rows(qtbot, 1)
    col = [c.title for c in p.columns].index("问题")
    index = p.model.index(0, col)
    tip = p.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "企业月度评价低于60分（2026年3月55分）" in tip
    assert "缺少2026年5月、2026年6月的企业月度评价" in tip
    assert p.model.data(index, Qt.ItemDataRole.ForegroundRole).name() == "#b26a00"
    assert p.model.data(index, Qt.ItemDataRole.DecorationRole) is not None
    p.problems_box.setChecked(True)
    p.reload_now()
    assert p.model.rowCount() == 1
    dlg = form(qtbot, iid)
    table = dlg.evaluations.table
    cells = [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]
    assert cells == [("2026-03", "55"), ("2026-04", "85"), ("2026-05", "缺"), ("2026-06", "缺")]
    assert table.item(0, 1).foreground().color().name() == "#c42b1c"
    assert table.item(1, 1).foreground().color().name() != "#c42b1c"
    assert table.item(2, 1).foreground().color().name() == "#c42b1c"
    assert dlg.tabs.tabText(3) == "企业月度评价（缺2）"


def test_add_an_evaluation_from_the_form(ctx, qtbot, db, world, monkeypatch):
    from ui.dialogs import internship_panels

    (iid,) = add(db, world, world["students"][:1], **INSURED, has_tripartite=True)
    with db.session() as s:
        svc.set_status(s, [iid], "实习中")
    dlg = form(qtbot, iid)

    def run(self):
        assert self.month.date().toString("yyyy-MM") == "2026-05"
        assert self.evaluator.text() == "师傅丁"
        self.score.setValue(72)
        with qtbot.waitSignal(self.accepted, timeout=5000):
            self.save()
        return 1

    monkeypatch.setattr(internship_panels.EvaluationDialog, "exec", run)
    dlg.evaluations.table.selectRow(2)  # 2026-05, 缺
    dlg.evaluations.edit()
    qtbot.waitUntil(lambda: dlg.evaluations.table.item(2, 1).text() == "72", timeout=5000)
    with db.reader() as s:
        assert [(e.month, e.score) for e in svc.evaluation_rows(s, iid)] == [(D(2026, 5, 1), 72)]


@pytest.mark.parametrize(("pay", "shown"), [(276500, True), (280000, False)])
def test_rule_panel_shows_the_pay_problem_below_80_percent(ctx, qtbot, db, world, pay, shown):
    (iid,) = add(db, world, world["students"][:1], monthly_pay_fen=pay)  # 3500 × 79% = 2765
    dlg = form(qtbot, iid)
    codes = [p.code for p in dlg.rules.problems]
    assert ("INT-PAY" in codes) is shown
    texts = [w.text() for w in dlg.rules.list.findChildren(type(dlg.rules.summary))]
    assert any("低于同岗位职工工资3,500.00元的80%" in t for t in texts) is shown
    assert ("低于同岗位职工工资" in dlg.fields.pay_hint.text()) is shown


def test_form_save_shows_errors_at_the_fields(ctx, qtbot, db, world):
    (iid,) = add(db, world, world["students"][:1])
    dlg = form(qtbot, iid)
    assert dlg.student_label.text() == "张三（2023001，机电2301）"
    assert dlg.fields.parties["guardian"].text() == "张三父"
    dlg.fields.ends_on.set_value(D(2026, 2, 1))
    dlg.save()
    assert "结束日期不能早于开始日期" in dlg.errors["ends_on"].text()
    dlg.fields.ends_on.set_value(D(2026, 7, 31))
    dlg.fields.place.setText("株洲市天元区")
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    with db.reader() as s:
        row = svc.get_internship(s, iid)
    assert (row.ends_on, row.place) == (D(2026, 7, 31), "株洲市天元区")


def test_form_asks_before_closing_with_an_unsaved_edit_and_not_when_unchanged(
    ctx, qtbot, db, world, monkeypatch
):
    (iid,) = add(db, world, world["students"][:1])
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel
    )
    dlg = form(qtbot, iid)
    assert dlg.fields.pay.text() == "3,000.00" and not dlg.dirty()  # loaded: nothing to lose
    dlg.reject()
    assert asked == [] and not dlg.isVisible()

    dlg = form(qtbot, iid)
    dlg.fields.place.setText("株洲市天元区")
    dlg.reject()  # 取消 asks; the answer 取消 keeps the form open
    assert dlg.isVisible() and "实习信息的修改尚未保存" in asked[0]
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)  # Esc asks the same way
    assert dlg.isVisible() and len(asked) == 2
    dlg.fields.place.setText("")  # undone by hand: nothing to lose again
    dlg.fields.ends_on.edit.setText("2026-6")  # a date half typed is an edit
    dlg.closeEvent(_FromWindowSystem())  # the title bar's ✕ asks too
    assert dlg.isVisible() and len(asked) == 3
    dlg.fields.ends_on.edit.setText("2026/6/30")  # the same date as saved, typed another way
    dlg.fields.ends_on.edit.editingFinished.emit()
    assert dlg.fields.ends_on.edit.text() == "2026-06-30" and not dlg.dirty()
    dlg.reject()
    assert not dlg.isVisible() and len(asked) == 3


def test_form_saves_typed_dates_and_amounts_and_names_bad_ones(ctx, qtbot, db, world):
    (iid,) = add(db, world, world["students"][:1])
    dlg = form(qtbot, iid)
    dlg.fields.ends_on.edit.setText("2026年7月15日")
    dlg.fields.insured_from.edit.setText("2026.3.1")
    dlg.fields.insured_to.edit.setText("2026-02-30")  # no such day
    dlg.fields.pay.setText("三千")
    dlg.save()
    assert "保险截止日期" in dlg.errors["insured_to"].text()
    assert "无法识别的金额" in dlg.errors["monthly_pay_fen"].text()
    assert "2 处" in dlg.message.text() and dlg.tabs.currentIndex() == 0
    dlg.fields.insured_to.edit.setText("20260715")
    dlg.fields.pay.setText("¥3,200.50元")
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    with db.reader() as s:
        row = svc.get_internship(s, iid)
    assert (row.ends_on, row.insured_from, row.insured_to) == (D(2026, 7, 15), D(2026, 3, 1), D(2026, 7, 15))
    assert row.monthly_pay_fen == 320050


class _FromWindowSystem(QCloseEvent):
    def spontaneous(self) -> bool:
        return True


def test_terminate_asks_for_the_reason(ctx, qtbot, db, world, monkeypatch):
    from ui.dialogs import internship_status

    ids = add(db, world)
    monkeypatch.setattr(internship_status, "ask_reason", lambda parent, n: "转学" if n == 2 else None)
    p = page_with_rows(qtbot, 3)
    p.select_ids(ids[:2])
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        p.change_status("终止")
    qtbot.waitUntil(lambda: p.model.row_at(0).status == "终止", timeout=5000)
    assert p.model.row_at(0).status_reason == "转学"
    assert p.model.data(p.model.index(0, 8), Qt.ItemDataRole.ToolTipRole) == "已终止：转学"


def test_evaluation_import_preview_then_import(ctx, qtbot, db, world, tmp_path: Path, monkeypatch, yes):
    from ui import internships_io

    (iid,) = add(db, world, world["students"][:1], **INSURED, has_tripartite=True)
    with db.session() as s:
        svc.set_status(s, [iid], "实习中")
        svc.save_evaluation(s, svc.EvaluationData(iid, D(2026, 3, 1), 90))
    wb = Workbook()
    ws = wb.active
    ws.append(["学号", "姓名", "月份", "评分", "评价人"])
    ws.append(["2023001", "张三", "2026-03", 58, "师傅丁"])
    ws.append(["2023001", "张三", "2026-04", 80, "师傅丁"])
    ws.append(["2023009", "无名", "2026-04", 80, ""])
    path = tmp_path / "评价.xlsx"
    wb.save(path)
    seen = []
    monkeypatch.setattr(internships_io, "ask_update", lambda parent, n: seen.append(n) or True)

    def run(self):
        assert [self.model.data(self.model.index(r, 1)) for r in range(self.model.rowCount())] == [
            "提示",
            "有问题",
        ]
        self.only_problems.setChecked(False)
        assert self.model.rowCount() == 3
        assert self.existing == 1
        assert self.import_button.text() == "导入 2 条企业评价"
        with qtbot.waitSignal(self.accepted, timeout=5000):
            self.do_import()
        return 1

    monkeypatch.setattr(internships_io.EvaluationImportDialog, "exec", run)
    p = page_with_rows(qtbot, 1)
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        internships_io.check_file(p, path)
    assert seen == [1]
    with db.reader() as s:
        assert [(e.month, e.score) for e in svc.evaluation_rows(s, iid)] == [
            (D(2026, 3, 1), 58),
            (D(2026, 4, 1), 80),
        ]
    qtbot.waitUntil(
        lambda: "2026年3月58分" in (p.model.data(p.model.index(0, 8), Qt.ItemDataRole.ToolTipRole) or "")
    )


def test_delete_and_undo(ctx, qtbot, db, world, yes):
    add(db, world, world["students"][:1])
    p = page_with_rows(qtbot, 1)
    p.table.selectRow(0)
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        p.delete_selected()
    qtbot.waitUntil(lambda: p.model.rowCount() == 0, timeout=5000)
    assert p.empty.title.text() == "还没有实习记录"
    assert "已删除 1 条实习记录" in p.undo_bar.label.text()
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        p.undo_bar.button.click()
    qtbot.waitUntil(lambda: p.model.rowCount() == 1, timeout=5000)


def test_filters_sort_and_open(ctx, qtbot, db, world, monkeypatch):
    from ui.dialogs import internship_dialog

    add(db, world, world["students"][:2])
    add(db, world, world["students"][2:], **INSURED, has_tripartite=True, kind="认识实习")
    p = page_with_rows(qtbot, 3)
    p.status_box.setCurrentIndex(p.status_box.findData("计划"))
    p.reload_now()
    assert p.model.rowCount() == 3
    assert "机电2301（3人）" in [p.class_box.itemText(i) for i in range(p.class_box.count())]
    col = [c.title for c in p.columns].index("姓名")
    p._header_clicked(col)
    p.reload_now()
    p._header_clicked(col)  # descending
    p.reload_now()
    assert [p.model.row_at(r).student_name for r in range(3)] == ["王五", "李四", "张三"]
    p.search.setText("王五")
    p.reload_now()
    assert p.model.rowCount() == 1 and "找到 1 条（共 3 条）" in p.count_label.text()
    opened = []
    monkeypatch.setattr(internship_dialog.InternshipDialog, "exec", lambda self: opened.append(self.row.id))
    p.open_internship(p.model.ids()[0])
    assert opened == p.model.ids()[:1]


def test_tripartite_button_passes_the_selection_or_the_list(ctx, qtbot, db, world, monkeypatch):
    import ui.tripartite

    ids = add(db, world)
    calls = []
    monkeypatch.setattr(ui.tripartite, "generate_tripartite", lambda parent, got: calls.append(list(got)))
    p = page_with_rows(qtbot, 3)
    p.tripartite_button.click()
    p.select_ids(ids[1:])
    p.tripartite_button.click()
    assert calls == [p.model.ids(), ids[1:]]


def test_batch_dialog_without_a_roster(ctx, qtbot):
    from ui.dialogs.internship_batch_dialog import InternshipBatchDialog

    dlg = InternshipBatchDialog(None)
    qtbot.addWidget(dlg)
    assert dlg.count_label.text() == "已勾选 0 / 0 人" and not dlg.save_button.isEnabled()


def test_sort_by_problems_and_only_those_with_problems(ctx, qtbot, db, world):
    fine = add(db, world, world["students"][:2], **INSURED, has_tripartite=True)
    (bad,) = add(db, world, world["students"][2:])
    p = page_with_rows(qtbot, 3)
    col = [c.title for c in p.columns].index("问题")
    p._header_clicked(col)
    p.reload_now()
    assert p.model.ids()[-1] == bad
    p._header_clicked(col)
    p.reload_now()
    assert p.model.ids()[0] == bad
    assert p.model.data(p.model.index(0, col)) == "2个错误　未登记实习责任保险"
    assert p.model.data(p.model.index(1, col)) == ""
    p.problems_box.setChecked(True)
    p.reload_now()
    assert p.model.ids() == [bad] and set(fine).isdisjoint(p.model.ids())


def test_refusal_groups_by_the_students_named():
    from app.errors import ValidationError
    from ui.dialogs.internship_status import group_by_student

    errors = [
        ValidationError("status", "张三不能开始实习：未登记实习责任保险"),
        ValidationError("status", "李四：实习状态不能从“已结束”改为“协议已签”"),
        ValidationError("status", "张三不能开始实习：尚未登记已签订的三方协议"),
        ValidationError("status", "实习中的记录不能这样修改：未登记实习责任保险"),
    ]
    assert group_by_student(errors, ["张三", "李四"]) == {
        "张三": ["未登记实习责任保险", "尚未登记已签订的三方协议"],
        "李四": ["实习状态不能从“已结束”改为“协议已签”"],
        "": ["实习中的记录不能这样修改：未登记实习责任保险"],
    }


@pytest.mark.parametrize("preset, cites_school", [("H", True), ("N", False)])
def test_live_hints_cite_only_the_rules_in_force(ctx, qtbot, db, world, preset, cites_school):
    """The form's insurance hint names the school's 管理办法 only when 设置 has its rules in force, as the
    学生实习 list, the 三方协议 batch and 合规检查 do."""
    from app.services.rule_sets import save_rule_preset
    from ui.dialogs.internship_batch_dialog import InternshipBatchDialog

    with db.session() as s:
        save_rule_preset(s, preset)
    dlg = InternshipBatchDialog(None, student_ids=world["students"][:1])
    qtbot.addWidget(dlg)
    dlg.fields.starts_on.set_value(D(2026, 3, 1))
    dlg.fields.ends_on.set_value(D(2026, 6, 30))
    dlg.fields.insurer.setText("人保财险")
    dlg.fields.policy_no.setText("P-1")
    dlg.fields.insured_from.set_value(D(2026, 3, 1))
    dlg.fields.insured_to.set_value(D(2026, 5, 31))
    hint = dlg.fields.insurance_hint.text()
    assert "没有保险" in hint
    assert ("管理办法" in hint) is cites_school
