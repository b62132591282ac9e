"""工作台 tabs in the GUI: 合规检查 (the findings grouped by severity then rule, a finding one double-click or
Enter from its record, 忽略并说明 moving it to 已忽略) and 图表 (the series of fixed data, the empty states, and
no chart data read while the tab is hidden)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from app.compliance.acks import check_results
from app.compliance.registry import ERROR, RULES, WARNING
from app.compliance.targets import target_of
from app.services.agreements import AgreementData, create_agreement
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.projects import ProjectData, create_project
from tests.core.test_chart_data import fill_partners

pytestmark = pytest.mark.qt
TODAY = dt.date.today()  # the day each test runs (tests/conftest.py: _today_is_today)
TODAY_IS_TODAY = True


@pytest.fixture
def records(db) -> dict[str, str]:
    """A partner never visited (VISIT-YEARLY), its agreement ending in 20 days (AGR-EXPIRING-30), a project
    without a leader (PRJ-LEADER, 错误) and without its reports (PRJ-REPORT)."""
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")).ids[0]
        agr = create_agreement(
            s,
            AgreementData(
                "订单培养协议", "订单培养", (ent,), "JD-1", TODAY - dt.timedelta(days=700),
                TODAY - dt.timedelta(days=700), TODAY + dt.timedelta(days=20), status="生效",
            ),
        ).ids[0]  # fmt: skip
        prj = create_project(
            s,
            ProjectData(
                "订单班", "订单培养", starts_on=TODAY - dt.timedelta(days=500), enterprise_ids=(ent,)
            ),
        ).ids[0]
    return {"enterprise": ent, "agreement": agr, "project": prj}


def _page(qtbot):
    from ui.pages.dashboard import DashboardPage

    page = DashboardPage()
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.compliance.checked_at is not None, timeout=10000)
    return page


def _tree(page) -> dict[str, dict[str, list[str]]]:
    """{severity label: {rule label: [record titles]}} with every rule group filled."""
    tree = page.compliance.tree
    out: dict[str, dict[str, list[str]]] = {}
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        rules = out.setdefault(top.text(0), {})
        for j in range(top.childCount()):
            rule = top.child(j)
            rule.setExpanded(True)
            rules[rule.text(0)] = [rule.child(k).text(0) for k in range(rule.childCount())]
    return out


def _leaf(page, rule: str):
    f = next(f for f in page.compliance.open + [f for f, _a in page.compliance.acked] if f.rule == rule)
    return f, page.compliance.item_of(f.key)


def test_tree_groups_by_severity_then_rule(ctx, qtbot, db, records):
    page = _page(qtbot)
    page.tabs.setCurrentWidget(page.compliance)
    tree = page.compliance.tree
    with db.reader() as s:
        expected = Counter((f.severity, f.rule) for f in check_results(s).open)
    tops = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert [t.text(0) for t in tops] == [
        f"{sev}（{sum(n for (sv, _r), n in expected.items() if sv == sev)} 条）" for sev in (ERROR, WARNING)
    ]
    assert tops[0].isExpanded() and not tops[1].isExpanded()  # 错误 open, the others show their counts
    assert tops[0].child(0).isExpanded() and tops[0].child(0).childCount() == 1
    got = _tree(page)
    for (sev, code), n in expected.items():
        label = f"{RULES[code].title}（{n} 条）"
        assert len(got[f"{sev}（{sum(m for (v, _c), m in expected.items() if v == sev)} 条）"][label]) == n
    assert {"PRJ-LEADER", "AGR-EXPIRING-30", "VISIT-YEARLY", "PRJ-REPORT"} <= {c for _s, c in expected}
    assert got[f"{ERROR}（1 条）"] == {f"{RULES['PRJ-LEADER'].title}（1 条）": ["订单班"]}
    rule_item = tops[0].child(0)
    # the source in words on the row; the rule's code only in the tooltip
    assert rule_item.text(
        1
    ) == f"依据：{RULES['PRJ-LEADER'].citation}" and "PRJ-LEADER" not in rule_item.text(1)
    assert "PRJ-LEADER" in rule_item.toolTip(0)
    assert RULES["PRJ-LEADER"].description in rule_item.toolTip(0)
    assert page.compliance.summary.text().startswith(
        f"错误 1 条 · 警告 {sum(n for (s, _c), n in expected.items() if s == WARNING)} 条 · 提示 0 条 · 已忽略 0 条，检查于 "
    )


def test_double_click_and_enter_open_the_record(ctx, qtbot, db, records):
    from PySide6.QtCore import Qt

    page = _page(qtbot)
    page.tabs.setCurrentWidget(page.compliance)
    tree = page.compliance.tree
    for rule in ("AGR-EXPIRING-30", "PRJ-REPORT", "VISIT-YEARLY"):
        f, item = _leaf(page, rule)
        tree.scrollToItem(item)
        with db.reader() as s:
            target = target_of(s, f)
        rect = tree.visualItemRect(item)
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # Qt 6 needs it first
        with qtbot.waitSignal(page.open_record, timeout=3000) as blocker:
            qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert blocker.args == [target.record_type, target.record_id, target.tab]
    assert target.record_id == records["enterprise"]
    f, item = _leaf(page, "PRJ-LEADER")
    tree.setCurrentItem(item)
    tree.setFocus()
    with qtbot.waitSignal(page.open_record, timeout=3000) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert blocker.args == ["project", records["project"], ""]


def test_acknowledge_from_the_tree_moves_it_to_acknowledged(ctx, qtbot, db, records, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    page = _page(qtbot)
    page.tabs.setCurrentWidget(page.compliance)
    tab = page.compliance
    f, item = _leaf(page, "PRJ-LEADER")
    tab.tree.setCurrentItem(item)
    assert page.current_finding() == f and tab.ack_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("负责人下周确定", True))
    tab.ack_button.click()
    qtbot.waitUntil(lambda: f.key in tab.acks, timeout=5000)
    assert f.key not in {x.key for x in tab.open}
    assert "错误 0 条" in tab.summary.text() and "已忽略 1 条" in tab.summary.text()
    assert ERROR not in [tab.tree.topLevelItem(i).text(0)[:2] for i in range(tab.tree.topLevelItemCount())]
    tab.show_acked.setChecked(True)
    assert page.reminders.show_acked.isChecked()  # one switch for both lists
    got = _tree(page)
    assert got["已忽略（1 条）"] == {f"{RULES['PRJ-LEADER'].title}（1 条）": ["订单班"]}
    _f, leaf = _leaf(page, "PRJ-LEADER")
    assert "负责人下周确定" in leaf.toolTip(0)
    tab.tree.setCurrentItem(leaf)
    assert tab.unack_button.isEnabled() and not tab.ack_button.isEnabled()
    tab.unack_button.click()
    qtbot.waitUntil(lambda: not tab.acked, timeout=5000)
    assert tab.tree.topLevelItem(0).text(0) == f"{ERROR}（1 条）"


def test_charts_show_the_figures_once_shown(ctx, qtbot, db, monkeypatch):
    from app.reporting import chart_data

    with db.session() as s:
        fill_partners(s)
    calls = []
    real = chart_data.chart_data
    monkeypatch.setattr(chart_data, "chart_data", lambda s, today=None: calls.append(1) or real(s, today))
    page = _page(qtbot)
    ctx.wait()
    assert calls == [] and page.charts.cards["tiers"].state == "busy"  # hidden: not read
    page.tabs.setCurrentWidget(page.charts)
    cards = page.charts.cards
    qtbot.waitUntil(lambda: cards["tiers"].state == "chart" and cards["trend"].state != "busy", timeout=10000)
    assert calls == [1]
    chart = cards["tiers"].chart()
    assert chart.title() == "合作中的企业（按最高合作层级）"
    (series,) = chart.series()
    (bar_set,) = series.barSets()
    assert [bar_set.at(i) for i in range(bar_set.count())] == [2, 0, 1]  # 融合层 A B, 基础层 C
    axis_x, axis_y = chart.axes()
    assert list(axis_x.categories()) == ["融合层", "深化层", "基础层"]
    assert axis_y.titleText() == "企业数（家）"
    assert axis_x.titleText() == "最高合作层级"
    note = cards["tiers"].note.text()  # what the short axis title leaves out, with the source in words
    assert (
        note.startswith("另有 1 家合作中的企业尚无项目。") and "管理办法" in note and "H第九条" not in note
    )  # F
    assert series.isLabelsVisible()
    from PySide6.QtWidgets import QToolTip

    series.hovered.emit(True, 0, bar_set)  # the pointer on the 融合层 bar
    assert QToolTip.text() == "融合层：2 家（合作中的企业共 4 家）"
    (cat_series,) = cards["categories"].chart().series()
    values = [cat_series.barSets()[0].at(i) for i in range(cat_series.barSets()[0].count())]
    cats = list(cards["categories"].chart().axes()[0].categories())
    assert dict(zip(cats, values, strict=True))["上市公司"] == 1 and cats[0] == "未标注类别"  # top: first
    assert cards["funds"].state == "empty" and "经费" in cards["funds"].empty_label.text()
    # a change reloads the charts while they are on screen
    with qtbot.waitSignal(ctx.changes_applied):
        from ui.ops import WriteOp

        WriteOp(
            page, lambda s: create_project(s, ProjectData("学徒制", "现代学徒制", enterprise_ids=()))
        ).run()
    qtbot.waitUntil(lambda: len(calls) == 2 and cards["tiers"].state == "chart", timeout=10000)


def test_charts_empty_states(ctx, qtbot):
    page = _page(qtbot)
    page.tabs.setCurrentWidget(page.charts)
    cards = page.charts.cards
    qtbot.waitUntil(lambda: all(c.state == "empty" for c in cards.values()), timeout=10000)
    assert cards["tiers"].empty_label.text() == "还没有合作中的企业：在“合作企业档案”中把企业状态设为合作中"
    assert "学生实习" in cards["enterprises"].empty_label.text()
    assert "学生实习" in cards["months"].empty_label.text()
    assert "近五个学年" in cards["trend"].empty_label.text()


def test_trend_chart_of_five_school_years(ctx, qtbot, db):
    from PySide6.QtCharts import QBarSeries, QLineSeries

    from tests import report_data

    report_data.fill(db)
    page = _page(qtbot)
    page.reload(report_data.TODAY)  # 2026-11-23: 2022-2023 … 2026-2027
    page.tabs.setCurrentWidget(page.charts)
    card = page.charts.cards["trend"]
    qtbot.waitUntil(lambda: card.state == "chart", timeout=10000)
    chart = card.chart()
    (bars,) = [x for x in chart.series() if isinstance(x, QBarSeries)]
    counts = bars.barSets()[0]
    assert counts.label() == "岗位实习学生数"
    assert [counts.at(i) for i in range(counts.count())] == [0, 0, 0, 4, 2]
    lines = {
        x.name(): [(p.x(), p.y()) for p in x.points()] for x in chart.series() if isinstance(x, QLineSeries)
    }
    assert lines == {
        "就业率": [(2, 100.0), (3, 80.0)],  # no graduates' records for 2023, 2024, 2027: no point
        "双师型教师比例": [(0, 33.3), (1, 33.3), (2, 33.3), (3, 33.3), (4, 66.7)],
    }
    axis_x = next(a for a in chart.axes() if hasattr(a, "categories"))
    assert list(axis_x.categories()) == ["2022-2023", "2023-2024", "2024-2025", "2025-2026", "2026-2027*"]
    assert sorted(a.titleText() for a in chart.axes()) == sorted(["学年", "比例（%）", "人数（人）"])
    assert card.note.text() == "* 为本学年，统计至今天。"
