"""年度评价 in the GUI over a real database (the fixed data of tests/report_data.py): the indicators and their
definitions as the service computes them, “—” for an indicator that cannot be computed, the click-through to
the counted records and open_record on a double-click, the four report tables with the service's headers, a
合计 row that stays last (pinned under the table) when sorting, the refresh after a change, and the Excel export."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from app.reporting.columns import (
    COOPERATION,
    COOPERATION_BY_MAJOR,
    COOPERATION_COLUMNS,
    COOPERATION_HEADERS,
    ONSITE_BASES,
    TABLE_COLUMNS,
    TABLE_HEADERS,
    TABLE_NAMES,
    VISITS,
)
from app.reporting.evaluation import GROUPS, annual_indicators
from app.reporting.evaluation_years import evaluation_years
from app.reporting.tables import report_tables
from app.services.record_labels import Target, record_labels, record_targets
from app.services.visits import VisitData, VisitStop, create_visit
from tests import report_data as data
from ui.messages import reader_text

pytestmark = pytest.mark.qt
DISPLAY, TIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def ids(db) -> dict[str, str]:
    return data.fill(db)


def evaluation_page(qtbot, year: str = data.YEAR):
    from ui.pages.evaluation import EvaluationPage

    page = EvaluationPage()
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show_year(year)
    return page


def test_indicator_values_and_definitions_are_the_service_s(ctx, qtbot, db, ids):
    page = evaluation_page(qtbot)
    with db.reader() as s:
        expected = annual_indicators(s, data.YEAR)
    view = page.indicator_view
    assert [i.key for i in view.indicators] == [i.key for i in expected]
    for i in expected:
        assert view.definitions[i.key].text() == reader_text(i.definition)
        assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{4}-\d{4}-[12]", view.definitions[i.key].text())
    shown = {i.key: view.value_text(i.key) for i in expected}
    # by hand (tests/core/test_evaluation.py): money as ¥ with 2 decimals, ratios as %
    assert shown["base_person_days"] == "503人天"
    assert shown["equipment_value_fen"] == "¥300,000.00"
    assert shown["interns"] == "4人" and shown["order_students"] == "3人"
    assert shown["dual_ratio"] == "33.3%（1/3）"
    assert shown["practice_months"] == "1.5个月"
    assert shown["horizontal_fen"] == "¥500,000.00"
    assert shown["average_salary_fen"] == "¥5,500.00"
    assert page.period.text() == "统计期间 2025年9月1日 至 2026年8月31日"
    headings = [w.text() for w in view.widget().findChildren(QLabel) if w.text() in GROUPS]
    assert headings == list(GROUPS)


def test_an_indicator_that_cannot_be_computed_shows_a_dash(ctx, qtbot, db, ids):
    page = evaluation_page(qtbot, "2023-2024")  # no 2024 graduates on record
    value = page.indicator_view.values["employment_rate"]
    assert isinstance(value, QLabel) and value.text() == "—"  # nothing to click through to
    assert "无法计算" in value.toolTip() and "就业率" not in value.text()
    assert page.indicator_view.value_text("average_salary_fen") == "—"


def test_click_through_lists_the_counted_records_and_opens_one(ctx, qtbot, db, ids):
    page = evaluation_page(qtbot)
    button = page.indicator_view.values["interns"]
    assert isinstance(button, QPushButton)
    button.click()
    dialog = page.records_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.list.count() == 4, timeout=5000)
    assert set(dialog.record_ids()) == {ids[k] for k in ("S1", "S2", "S4", "S5")}
    assert any("学生1" in label and "20230001" in label for label in dialog.labels())
    item = dialog.list.item(dialog.record_ids().index(ids["S4"]))
    dialog.list.scrollToItem(item)
    rect = dialog.list.visualItemRect(item)
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # as a user does
    with qtbot.waitSignal(page.open_record, timeout=3000) as opened:
        qtbot.mouseDClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["student", ids["S4"], "internships"]
    dialog.filter.setText("学生5")
    assert dialog.shown_ids() == [ids["S5"]]
    dialog.filter.setText("")
    assert len(dialog.shown_ids()) == 4
    page.indicator_view.values["order_students"].click()  # another indicator: a new dialog replaces it
    assert page.records_dialog is not dialog
    qtbot.waitUntil(lambda: page.records_dialog.list.count() == 3, timeout=5000)


def test_click_through_of_enterprise_practice_opens_the_teacher(ctx, qtbot, db, ids):
    page = evaluation_page(qtbot)
    dialog = page.show_records(next(i for i in page.indicators if i.key == "practice_months"))
    qtbot.waitUntil(lambda: dialog.list.count() == 3, timeout=5000)
    assert all(label.startswith(("张一：", "张三：")) for label in dialog.labels())
    dialog.list.setCurrentRow(0)
    with qtbot.waitSignal(page.open_record, timeout=3000) as opened:
        dialog.open_current()
    assert opened.args == ["teacher", ids["T1"], "practice"]


def test_record_labels_keep_the_order_and_skip_unknown_ids(db, ids):
    with db.reader() as s:
        labels = record_labels(s, "student", [ids["S2"], "no-such-id", ids["S1"]])
        assert [i for i, _ in labels] == [ids["S2"], ids["S1"]]
        assert labels[0][1] == "20230002 学生2（23级1班）"
        assert record_targets(s, "asset", [ids["X1"]]) == {ids["X1"]: Target("asset", ids["X1"])}
        employment = annual_indicators(s, data.YEAR)[-1].records[1]  # 平均月薪: S1 and S4
        found = dict(record_labels(s, "employment", employment))
        assert [v.split("：")[0] for v in found.values()] == [
            "20230001 学生1（23级1班）",
            "20230004 学生4（23级1班）",
        ]
        assert {t.record_id for t in record_targets(s, "employment", employment).values()} == {
            ids["S1"],
            ids["S4"],
        }


def test_the_report_tables_are_the_service_s(ctx, qtbot, db, ids):
    page = evaluation_page(qtbot)
    with db.reader() as s:
        tables = report_tables(s, data.YEAR)
    for name in TABLE_NAMES:
        model = page.table_views[name].model
        headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
        assert tuple(headers) == TABLE_HEADERS[name]
        assert len(model.rows) == len(tables.table(name).rows)
    model = page.table_views[COOPERATION].model
    assert (
        tuple(model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COOPERATION_HEADERS)))
        == COOPERATION_HEADERS
    )
    for c, column in enumerate(COOPERATION_COLUMNS):
        assert column.definition in model.headerData(c, Qt.Orientation.Horizontal, TIP)
    # 合计 row last; 万元 to the platform's 2 decimals, right-aligned
    total = model.rowCount() - 1
    assert model.index(total, 0).data().startswith("合计")
    donated = COOPERATION_HEADERS.index("对学校捐赠设备总值（万元）")
    assert model.index(total, donated).data() == "3.00"  # X3, 30,000元 (tests/core/test_report_tables.py)
    assert model.index(0, donated).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    onsite = page.table_views[ONSITE_BASES]
    hours = TABLE_HEADERS[ONSITE_BASES].index("学年使用频率·校内（人时）")
    definition = TABLE_COLUMNS[ONSITE_BASES][hours].definition
    assert definition in onsite.model.headerData(hours, Qt.Orientation.Horizontal, TIP)


def test_sorting_keeps_the_total_last(ctx, qtbot, db, ids):
    page = evaluation_page(qtbot)
    view = page.table_views[VISITS]
    view.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # 拜访时间
    texts = [view.texts(r) for r in range(view.model.rowCount())]
    assert [t[2] for t in texts[:-1]] == sorted((t[2] for t in texts[:-1]), reverse=True)
    assert texts[-1][0].startswith("合计")
    last = view.model.rowCount() - 1  # pinned: in the one-row footer under the table, not in the table
    assert view.table.isRowHidden(last) and not view.footer.isRowHidden(last)
    assert not any(view.table.isRowHidden(r) or not view.footer.isRowHidden(r) for r in range(last))


def test_a_change_refreshes_the_page(ctx, qtbot, db, ids):
    from ui.ops import WriteOp

    page = evaluation_page(qtbot)
    page.show()
    before = len(page.table_views[VISITS].model.rows)
    data_ = VisitData(
        dt.date(2026, 3, 1), (ids[data.E2],), "院长", stops=(VisitStop(ids[data.E2], positions=2),)
    )
    with qtbot.waitSignal(page.loaded, timeout=10000):
        WriteOp(page, lambda s: create_visit(s, data_, today=data.TODAY)).run()
    assert len(page.table_views[VISITS].model.rows) == before + 1
    assert page.tabs.tabText(page.tabs.indexOf(page.table_views[VISITS])) == f"{VISITS}（{before + 1}）"
    by_major = page.tabs.tabText(page.tabs.indexOf(page.table_views[COOPERATION_BY_MAJOR]))
    rows = len(page.table_views[COOPERATION_BY_MAJOR].model.rows)
    assert by_major == f"产学合作（按专业，{rows}）" and rows  # one pair of brackets, not （按专业）（9）


def test_computed_when_first_shown_not_at_start_up(ctx, qtbot, db, ids):
    from ui.pages.evaluation import EvaluationPage

    page = EvaluationPage()
    qtbot.addWidget(page)
    ctx.wait()
    qtbot.wait(50)
    assert page.tables is None and page.busy.isHidden()
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show()
    assert page.tables is not None and page.tables.school_year == page.year()
    assert page.busy.isHidden()
    assert "默认显示" in page.year_box.toolTip()


def test_an_empty_year_says_what_to_enter(ctx, qtbot, db, ids):
    page = evaluation_page(qtbot, "2019-2020")
    view = page.table_views[VISITS]
    assert view.currentWidget() is view.empty
    assert "企业走访" in view.empty.hint.text()


def test_export_writes_the_four_tables(ctx, qtbot, db, ids, tmp_path: Path, monkeypatch):
    from ui import files

    target = tmp_path / "标准报表.xlsx"
    offered: list[str] = []
    monkeypatch.setattr(files, "ask_save", lambda *a, **k: target)
    monkeypatch.setattr(files, "offer_open", lambda _p, _path, text: offered.append(text))
    page = evaluation_page(qtbot)
    with qtbot.waitSignal(page.exported, timeout=10000):
        page.export_button.click()
    wb = load_workbook(target)
    assert wb.sheetnames[: len(TABLE_NAMES)] == list(TABLE_NAMES)
    for name in TABLE_NAMES:
        assert next(wb[name].iter_rows(max_row=1, values_only=True)) == TABLE_HEADERS[name]
    assert "2025-2026学年" in offered[0]


def test_self_evaluation_report_from_the_page(ctx, qtbot, db, ids, tmp_path: Path, monkeypatch):
    from ui import files

    target = tmp_path / "自评报告.docx"
    offered: list[str] = []
    monkeypatch.setattr(files, "ask_save", lambda *a, **k: target)
    monkeypatch.setattr(files, "offer_open", lambda _p, _path, text: offered.append(text))
    page = evaluation_page(qtbot)
    with qtbot.waitSignal(page.exported, timeout=60000):
        page.report_button.click()
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "2025—2026学年产教融合工作自评报告" in text
    assert "2025-2026学年自评报告" in offered[0]


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (dt.date(2026, 9, 1), "2025-2026"),  # the new 学年's first day: the one just ended
        (dt.date(2026, 10, 31), "2025-2026"),  # last day of its first two months
        (dt.date(2026, 11, 1), "2026-2027"),
        (dt.date(2026, 8, 31), "2025-2026"),  # the current one, near its end
    ],
)
def test_default_year(db, today: dt.date, year: str):
    with db.reader() as s:
        years = evaluation_years(s, today)
    assert years.default == year and year in years.choices
    assert ("刚结束" in years.reason) == (today.month in (9, 10))
