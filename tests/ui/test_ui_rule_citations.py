"""Rule sources as a user reads them: no page of the main window shows the private shorthand of a rule's source
("H第八条(一)", "N四(五)1", "实习规定第十六条") in any text, tooltip, placeholder, button, group title, header or
cell — the policies are named by title (app/compliance/registry.cite_source) or the requirement in words — and
the lists whose rows cite rules (工作台 提醒 / 合规检查, 学生实习, 年度评价) carry a 依据 legend naming the
documents in force (ui/legend.py), which follows 设置 → 合规检查依据. Dialogs are not walked here."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTabWidget,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.compliance.registry import SOURCE_TITLES
from app.services import rule_sets
from app.services.common import Changes
from ui.ops import DbContext, set_context

pytestmark = pytest.mark.qt

# r"\bH第|\bN[一二三四五六七八九十]+\(|实习规定第", but a CJK letter before H / N counts as a boundary too (见N四(五)1)
SHORTHAND = re.compile(r"(?<![A-Za-z0-9_])(?:H第|N[一二三四五六七八九十]+\()|实习规定第")
ROWS = 60  # rows of a list (and children of a tree row) read per model: the demo's first screens and more
ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)


@pytest.fixture
def window(demo_db, qapp, qtbot):
    context = DbContext(demo_db)
    set_context(context)
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1366, 728)
    w.show()
    yield w
    context.wait()
    set_context(None)


def settle() -> None:
    from ui.ops import context

    for _ in range(3):
        QApplication.processEvents()
        context().wait()
    QApplication.processEvents()


def columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    return 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)


def model_texts(model: QAbstractItemModel, parent: QModelIndex = QModelIndex(), depth: int = 0):  # noqa: B008
    if depth == 0:
        for section in range(columns(model, parent)):
            for role in ROLES:
                yield "表头", model.headerData(section, Qt.Orientation.Horizontal, role)
    for row in range(min(model.rowCount(parent), ROWS)):
        for col in range(columns(model, parent)):
            index = model.index(row, col, parent)
            for role in ROLES:
                yield "单元格", model.data(index, role)
        first = model.index(row, 0, parent)
        if (
            depth < 3
            and not isinstance(model, (QAbstractListModel, QAbstractTableModel))
            and model.rowCount(first)
        ):
            yield from model_texts(model, first, depth + 1)


def widget_texts(widget: QWidget):
    """(what, text) of everything a user can read on `widget` (not its children)."""
    yield "提示", widget.toolTip()
    if isinstance(widget, QLabel):
        yield "文字", widget.text()
    if isinstance(widget, QAbstractButton):
        yield "按钮", widget.text()
    if isinstance(widget, QLineEdit):
        yield "占位", widget.placeholderText()
        yield "文字", widget.text()
    if isinstance(widget, QTextEdit):
        yield "文字", widget.toPlainText()
        yield "占位", widget.placeholderText()
    if isinstance(widget, QGroupBox):
        yield "分组标题", widget.title()
    if isinstance(widget, QTabWidget):
        for i in range(widget.count()):
            yield "页签", widget.tabText(i)
            yield "页签提示", widget.tabToolTip(i)
    if isinstance(widget, QComboBox):
        for i in range(widget.count()):
            yield "选项", widget.itemText(i)
            yield "选项提示", widget.itemData(i, Qt.ItemDataRole.ToolTipRole)
    if (
        isinstance(widget, QAbstractItemView)
        and not isinstance(widget, QHeaderView)
        and widget.model() is not None
    ):
        yield from model_texts(widget.model())


def shorthand_on(window) -> list[str]:
    """Every text of the main window's widgets (dialogs and other windows excluded) showing the shorthand."""
    hits = []
    for widget in (window, *window.findChildren(QWidget)):
        if widget.window() is not window:
            continue
        for what, text in widget_texts(widget):
            if isinstance(text, str) and SHORTHAND.search(text):
                hits.append(f"{type(widget).__name__} {widget.objectName()} {what}：{text[:120]}")
    return hits


def visit(window, row: int) -> None:
    window.nav.setCurrentRow(row)
    settle()
    for tabs in window.stack.currentWidget().findChildren(QTabWidget):
        for t in range(tabs.count()):
            tabs.setCurrentIndex(t)
            settle()


def test_no_page_shows_the_shorthand_of_a_rule_source(window):
    hits = []
    for row in range(len(window.pages)):
        visit(window, row)
        hits += [f"{window.stack.currentWidget().title}：{h}" for h in shorthand_on(window)]
    assert len(list(window.pages.built())) == len(window.pages)
    assert not sorted(set(hits)), "\n".join(sorted(set(hits)))


def test_the_walk_finds_a_shorthand_where_there_is_one(window):
    """The walk above reads labels, tooltips, placeholders and cells: a planted shorthand is found."""
    page = window.stack.currentWidget()
    before = set(shorthand_on(window))
    label = QLabel("依据 H第八条(一)", page)
    edit = QLineEdit(page)
    edit.setPlaceholderText("见N四(五)1")
    tipped = QLabel("说明", page)
    tipped.setToolTip("实习规定第十六条")
    tree = QTreeWidget(page)
    tree.setHeaderLabels(["规则", "依据"])
    top = QTreeWidgetItem(tree, ["基础层"])
    QTreeWidgetItem(top, ["项目", "N四(四)2"])
    table = QTableWidget(1, 1, page)
    table.setHorizontalHeaderLabels(["H第九条"])
    found = set(shorthand_on(window)) - before
    assert len(found) == 5, found
    assert any("单元格" in f for f in found) and any("表头" in f for f in found)
    for w in (label, edit, tipped, tree, table):
        w.deleteLater()


def legends(window):
    from ui.legend import SourcesLegend

    return [w for w in window.findChildren(SourcesLegend) if w.window() is window]


def test_lists_citing_rules_have_a_legend_naming_the_documents_in_force(window, qtbot, demo_db):
    dashboard = window.go("dashboard")
    settle()
    internships = window.go("internships")
    settle()
    evaluation = window.go("evaluation")
    settle()
    with demo_db.reader() as s:
        preset = rule_sets.get_rule_preset(s)
    assert preset  # the demo follows a school policy
    shown = {id(w) for w in legends(window)}
    for legend in (dashboard.reminders.legend, dashboard.compliance.legend, internships.legend):
        assert id(legend) in shown
        assert legend.preset == preset
        text = legend.plain_text()
        assert text.startswith(("依据：", "“问题”一列的依据：")), text
        assert SOURCE_TITLES["实习规定"] in text and SOURCE_TITLES[preset] in text
        other = "N" if preset == "H" else "H"
        assert SOURCE_TITLES[other] not in text  # only the documents in force
        assert "依据说明" in legend.text() and "设置 → 合规检查依据" in text
    assert (
        "年度考核" in evaluation.legend.text() and "管理办法（试行）》第二十二条" in evaluation.legend.text()
    )
    # The 依据 column names the documents by a short name (the legend and the tooltip give the full title).
    model = dashboard.reminders.model
    assert model.headerData(5, Qt.Orientation.Horizontal) == "依据" and model.rowCount()
    column = model.data(model.index(0, 5))
    full = model.items[0].citation
    assert column and column != full and column.startswith("《") and "第" in column
    assert full in model.data(model.index(0, 5), Qt.ItemDataRole.ToolTipRole)

    # The college follows no school policy: every legend now names the national rules alone.
    with demo_db.session() as s:
        rule_sets.save_rule_preset(s, "")
    from ui.ops import context

    context().changes_applied.emit(Changes("settings", ("rule_preset",)))
    qtbot.waitUntil(lambda: all(w.preset == "" for w in legends(window)), timeout=5000)
    for legend in legends(window):
        text = legend.plain_text()
        assert SOURCE_TITLES["实习规定"] in text and "只检查国家规定" in text
        assert all(SOURCE_TITLES[p] not in text for p in ("H", "N"))


def test_the_legend_link_opens_the_sources_window(window, qtbot):
    from ui.help import SourcesWindow
    from ui.legend import SOURCES_LINK

    dashboard = window.go("dashboard")
    settle()
    dashboard.reminders.legend.linkActivated.emit(SOURCES_LINK)
    qtbot.waitUntil(lambda: any(w.isVisible() for w in window.findChildren(SourcesWindow)), timeout=3000)


@pytest.mark.parametrize("preset", ["H", "N", ""])
def test_legend_text_names_the_documents_of_each_choice(preset):
    from ui.legend import legend_html, legend_text

    text = legend_text(preset)
    assert text.startswith("依据：《职业学校学生实习管理规定》")
    for p in ("H", "N"):
        assert (SOURCE_TITLES[p] in text) == (p == preset)
    assert ("只检查国家规定" in text) == (not preset)
    assert '<a href="sources">依据说明</a>' in legend_html(preset)
    assert not SHORTHAND.search(text)


def test_short_citation_names_each_document_by_a_short_title():
    from app.compliance.registry import cite_source
    from ui.legend import SHORT_TITLES, short_citation

    cited = short_citation(cite_source("H第十二条(三)；实习规定第十六条；N四(五)1"))
    assert cited == (
        "《产教融合管理办法》第十二条第（三）项；《学生实习管理规定》第十六条；"
        "《产教融合校企合作实施意见》第四部分第（五）项第一点"
    )
    assert len(set(SHORT_TITLES.values())) == len(SOURCE_TITLES)  # no two documents share a short name
