"""成果与培训 in the GUI over a real database: an achievement typed with its amount as people write it, a bad
amount shown at its field, a training record, the 产学合作数据 tab equal to the hand-computed figures (and its
Excel export), Enter / Delete + undo in the lists, and Ctrl+N following the tab."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.io import outcomes_xlsx as xl
from app.services import outcome_list
from app.services import outcomes as svc
from tests import outcomes_data as data
from tests.codes import valid_uscc
from tests.windowing import show_active

pytestmark = pytest.mark.qt


@pytest.fixture
def ids(db) -> dict[str, str]:
    return data.fill(db)


@pytest.fixture
def yes(monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)


def outcomes_page(qtbot):
    from ui.pages.outcomes import OutcomesPage

    page = OutcomesPage()
    qtbot.addWidget(page)
    page.achievements.reload_now()
    page.trainings.reload_now()
    return page


def cell(lst, row: int, title: str, role=Qt.ItemDataRole.DisplayRole):
    col = [c.title for c in lst.model.columns].index(title)
    return lst.model.data(lst.model.index(row, col), role)


def saved(ctx, qtbot, dialog) -> str:
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        dialog.save()
    assert dialog.saved_id
    return dialog.saved_id


def test_achievement_with_an_amount_as_typed(ctx, qtbot, db, ids):
    from ui.dialogs.achievement_dialog import AchievementDialog

    page = outcomes_page(qtbot)
    d = AchievementDialog(None)
    qtbot.addWidget(d)
    d.kind.setCurrentText("专利")
    assert not d.amount.isEnabled()  # only contract kinds carry an amount
    d.kind.setCurrentText("技术服务")
    assert d.amount.isEnabled()
    d.title.setText("数控机床远程运维技术服务")
    d.enterprise.setCurrentText(data.E1)
    d.major.setCurrentIndex(d.major.findData(ids["机电一体化技术"]))
    d.dated_on.set_value(dt.date(2026, 3, 2))
    d.people.setText("王强、李芳")
    d.amount.setText("12,345.60")
    new_id = saved(ctx, qtbot, d)
    with db.reader() as s:
        a = outcome_list.get_achievement(s, new_id)
    assert (a.amount_fen, a.kind, a.enterprise_id, a.dated_on) == (
        1_234_560,
        "技术服务",
        ids[data.E1],
        dt.date(2026, 3, 2),
    )
    lst = page.achievements
    qtbot.waitUntil(lambda: lst.model.row_of(new_id) >= 0, timeout=5000)
    row = lst.model.row_of(new_id)
    assert cell(lst, row, "金额（元）") == "12,345.60"
    assert cell(lst, row, "金额（元）", Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert cell(lst, row, "合作企业") == data.E1 and cell(lst, row, "完成人") == "王强、李芳"


def test_a_bad_amount_is_shown_at_its_field(ctx, qtbot, db, ids):
    from ui.dialogs.achievement_dialog import AchievementDialog

    d = AchievementDialog(None)
    qtbot.addWidget(d)
    d.kind.setCurrentText("横向课题")
    d.title.setText("产线数字化改造")
    d.amount.setText("12,34")
    d.save()
    label = d.errors["amount_fen"]
    assert not label.isHidden() and "合同金额" in label.text() and "千分位" in label.text()
    assert "有 1 处需要修改" in d.message.text()
    d.amount.setText("-5")
    d.save()
    assert "不能为负数" in label.text()
    d.amount.setText("5")
    d.title.setText("")
    d.enterprise.setCurrentText("档案里没有的企业")
    d.save()
    assert label.isHidden()
    assert "成果名称" in d.errors["title"].text() and "档案中没有" in d.errors["enterprise_id"].text()
    assert d.saved_id is None
    with db.reader() as s:
        assert outcome_list.achievement_count(s) == 7  # nothing saved


def test_a_course_needs_its_enterprise(ctx, qtbot, db, ids):
    from ui.dialogs.achievement_dialog import AchievementDialog

    d = AchievementDialog(None)
    qtbot.addWidget(d)
    d.kind.setCurrentText("共同开发课程")
    d.title.setText("《新能源汽车电池管理》")
    d.save()
    assert "须选择合作企业" in d.errors["enterprise_id"].text()


def test_training_record(ctx, qtbot, db, ids):
    from ui.dialogs.training_dialog import TrainingDialog

    page = outcomes_page(qtbot)
    d = TrainingDialog(None)
    qtbot.addWidget(d)
    d.kind.setCurrentText("技术技能培训")
    d.title.setText("工业机器人操作与维护培训")
    d.enterprise.setCurrentText(data.E1)
    d.starts_on.set_value(dt.date(2026, 7, 6))
    d.ends_on.set_value(dt.date(2026, 7, 8))
    d.trainees.setValue(25)
    d.hours.setValue(24)
    d.compute_button.click()
    assert d.person_days.value() == 75  # 25 人 × 3 天
    d.income.setText("¥36,000")
    new_id = saved(ctx, qtbot, d)
    with db.reader() as s:
        t = outcome_list.get_training(s, new_id)
    assert (t.trainees, t.hours, t.person_days, t.income_fen, t.enterprise_id) == (
        25,
        24,
        75,
        3_600_000,
        ids[data.E1],
    )
    lst = page.trainings
    qtbot.waitUntil(lambda: lst.model.row_of(new_id) >= 0, timeout=5000)
    row = lst.model.row_of(new_id)
    assert [cell(lst, row, c) for c in ("人数", "学时", "人天", "收入（元）")] == [
        "25",
        "24",
        "75",
        "36,000.00",
    ]
    lst.kind_box.setCurrentIndex(lst.kind_box.findData("技术技能培训"))
    lst.reload_now()
    assert lst.model.ids() == [new_id] and "找到 1 条（共 4 条）" in lst.count_label.text()


def test_cooperation_figures_tab(ctx, qtbot, db, ids):
    page = outcomes_page(qtbot)
    view = page.show_cooperation(data.YEAR)
    view.reload_now()
    assert view.period.text() == "统计期间 2025年9月1日 至 2026年8月31日"
    for table, headers in ((view.by_major, xl.MAJOR_HEADERS), (view.by_enterprise, xl.ENTERPRISE_HEADERS)):
        assert table.column_names() == list(headers)
        for c in range(table.columnCount()):
            item = table.horizontalHeaderItem(c)
            assert item.text().replace("\n", "") == headers[c]  # shown over two lines, the same name
            assert "未删除" in item.toolTip()
    assert "签订日期" in view.by_major.horizontalHeaderItem(4).toolTip()
    assert "聘期" in view.by_major.horizontalHeaderItem(3).toolTip()

    def money(fen: int) -> str:
        return {50_000_000: "50.0000", 1_234_560: "1.2346", 99: "0.0001", 51_234_560: "51.2346"}[fen]

    major_rows = [[n, str(a), str(b), str(c), money(f), str(p)] for n, a, b, c, f, p in data.BY_MAJOR]
    assert [view.by_major.texts(r) for r in range(3)] == major_rows
    total = ["1", "1", "1", "51.2347", "75"]
    assert view.by_major.texts(3) == ["合计", *total]
    assert view.by_major.item(3, 0).font().bold()
    assert view.by_major.item(1, 4).toolTip() == "¥12,345.60"
    assert [view.by_enterprise.texts(r)[0] for r in range(2)] == [data.E2, data.E1]
    assert view.by_enterprise.texts(1)[1:] == [valid_uscc(1), "1", "0", "1", "51.2346", "60"]
    assert view.by_enterprise.texts(2) == ["合计", "", *total]
    with db.reader() as s:  # the same figures as the service
        figures = svc.cooperation_figures(s, data.YEAR)
    assert [f.name for f in figures.by_major] == [view.by_major.texts(r)[0] for r in range(3)]

    view.set_year("2019-2020")
    view.reload_now()
    assert view.stack.currentIndex() == 1 and "2019-2020学年还没有可统计的数据" in view.empty.title.text()


def test_figures_follow_a_new_record(ctx, qtbot, db, ids):
    page = outcomes_page(qtbot)
    view = page.show_cooperation(data.YEAR)
    view.reload_now()
    from ui.ops import WriteOp

    work = svc.TrainingData("岗位培训", "加开一期", dt.date(2026, 1, 5), ids[data.E1], None, person_days=5)
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        WriteOp(None, lambda s: svc.save_training(s, work)).run()
    qtbot.waitUntil(lambda: view.by_major.texts(3)[-1] == "80", timeout=5000)


def test_export_button_writes_the_tables(ctx, qtbot, db, ids, tmp_path: Path, monkeypatch):
    from ui import files

    target = tmp_path / "产学合作数据.xlsx"
    opened: list[str] = []
    monkeypatch.setattr(files, "ask_save", lambda *a, **k: target)
    monkeypatch.setattr(files, "offer_open", lambda _p, _path, text: opened.append(text))
    page = outcomes_page(qtbot)
    view = page.show_cooperation(data.YEAR)
    view.export_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert "3 个专业、2 家企业" in opened[0]
    rows = list(load_workbook(target)["按专业"].iter_rows(values_only=True))
    assert rows[0] == xl.MAJOR_HEADERS and rows[4] == ("合计", 1, 1, 1, 51.2347, 75)


def test_enter_opens_and_delete_with_undo(ctx, qtbot, db, ids, yes, monkeypatch):
    from ui.dialogs.achievement_dialog import AchievementDialog
    from ui.dialogs.training_dialog import TrainingDialog

    opened: list[str | None] = []
    monkeypatch.setattr(AchievementDialog, "exec", lambda self: opened.append(self.record_id) or 0)
    monkeypatch.setattr(TrainingDialog, "exec", lambda self: opened.append(self.record_id) or 0)
    page = outcomes_page(qtbot)
    show_active(qtbot, page)  # the table's Enter and Delete are widget shortcuts of the active window
    for lst, count in ((page.achievements, 7), (page.trainings, 3)):
        page.tabs.setCurrentWidget(lst)
        assert lst.model.rowCount() == count
        lst.table.selectRow(0)
        first = lst.model.id_at(0)
        lst.table.setFocus()
        qtbot.waitUntil(lst.table.hasFocus, timeout=3000)
        qtbot.keyClick(lst.table, Qt.Key.Key_Return)
        assert opened[-1] == first
        with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
            qtbot.keyClick(lst.table, Qt.Key.Key_Delete)
        qtbot.waitUntil(lambda lst=lst, count=count: lst.model.rowCount() == count - 1, timeout=5000)
        assert not lst.undo_bar.isHidden() and "已删除 1" in lst.undo_bar.label.text()
        with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
            lst.undo_bar.button.click()
        qtbot.waitUntil(lambda lst=lst, count=count: lst.model.rowCount() == count, timeout=5000)
        assert first in lst.model.ids()


def test_empty_lists_say_what_to_add(ctx, qtbot, db):
    page = outcomes_page(qtbot)
    assert page.achievements.stack.currentWidget() is page.achievements.empty
    assert page.achievements.empty.title.text() == "还没有成果"
    assert "共同开发" in page.achievements.empty.hint.text()
    assert page.trainings.empty.title.text() == "还没有培训记录"


def test_new_record_follows_the_tab(ctx, qtbot, db, ids, monkeypatch):
    from ui.dialogs.achievement_dialog import AchievementDialog
    from ui.dialogs.training_dialog import TrainingDialog

    made: list[str] = []
    monkeypatch.setattr(AchievementDialog, "exec", lambda self: made.append("成果") or 0)
    monkeypatch.setattr(TrainingDialog, "exec", lambda self: made.append("培训") or 0)
    page = outcomes_page(qtbot)
    assert page.new_text == "新建成果…"
    page.tabs.setCurrentIndex(1)
    assert page.new_text == "新建培训记录…"
    page.new_record()
    page.tabs.setCurrentIndex(2)
    assert page.new_text == "新建成果…"
    page.new_record()
    assert made == ["培训", "成果"] and page.tabs.currentIndex() == 0
    page.tabs.setCurrentIndex(1)
    page.focus_search()
    assert page.tabs.currentIndex() == 1


def test_open_achievement_clears_a_filter_that_hides_it(ctx, qtbot, db, ids, monkeypatch):
    from ui.dialogs.achievement_dialog import AchievementDialog

    opened: list[str | None] = []
    monkeypatch.setattr(AchievementDialog, "exec", lambda self: opened.append(self.record_id) or 0)
    page = outcomes_page(qtbot)
    lst = page.achievements
    lst.kind_box.setCurrentIndex(lst.kind_box.findData("专利"))
    lst.reload_now()
    with db.reader() as s:
        course = outcome_list.achievement_ids(s, outcome_list.OutcomeQuery(kind="共同开发课程"))[0]
    page.tabs.setCurrentIndex(2)
    page.open_achievement(course)
    assert opened == [course] and page.tabs.currentIndex() == 0
    assert lst.kind_box.currentIndex() == 0 and lst.selected_ids() == [course]
    dlg = AchievementDialog(None, course)
    qtbot.addWidget(dlg)
    assert (
        dlg.title.text() in ("工业机器人编程", "上一学年的课程") and dlg.enterprise.currentText() == data.E1
    )
