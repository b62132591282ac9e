"""The standard report tables on screen (ui/pages/report_table_view.py) over the fixed data of
tests/report_data.py: every column of the platform's table, 万元 to the platform's decimals, the definitions as
tooltips, the columns naming a row kept in place while the table scrolls sideways (in the table and its 合计
footer), and sorting from either part keeping the 合计 row last."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from app.reporting.columns import NAME_COLUMNS, TABLE_COLUMNS, TABLE_HEADERS, TABLE_NAMES
from app.reporting.tables import report_tables
from tests import report_data as data

pytestmark = pytest.mark.qt
TIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def tables(db):
    data.fill(db)
    with db.reader() as s:
        return report_tables(s, data.YEAR)


def _view(qtbot, tables, name: str):
    from ui.pages.report_table_view import ReportTableView

    view = ReportTableView(TABLE_COLUMNS[name], "请登记")
    qtbot.addWidget(view)
    view.resize(900, 560)  # narrower than any of the tables
    view.show()
    view.set_table(tables.table(name), tables.school_year)
    qtbot.waitExposed(view)
    return view


def test_every_column_with_its_definition(qtbot, tables):
    for name in TABLE_NAMES:
        view = _view(qtbot, tables, name)
        model = view.model
        headers = tuple(model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount()))
        assert headers == TABLE_HEADERS[name]
        for c, column in enumerate(TABLE_COLUMNS[name]):
            assert column.definition in model.headerData(c, Qt.Orientation.Horizontal, TIP)
        assert len(model.rows) == len(tables.table(name).rows)


def test_wan_to_two_decimals_and_the_total_last(qtbot, tables):
    view = _view(qtbot, tables, "产学合作")
    model = view.model
    total = model.rowCount() - 1
    service = TABLE_HEADERS["产学合作"].index("学校为企业技术服务年收入（万元）")
    assert model.index(1, service).data() == "51.23"  # 512,345.60元
    assert model.index(total, service).data() == "51.23"  # 512,345.60元 + 0.99元, then rounded
    assert model.index(total, 0).data().startswith("合计")
    by_major = _view(
        qtbot, tables, "产学合作（按专业）"
    ).model  # an enterprise counts once per major: no 合计
    last = by_major.rowCount() - 1
    assert by_major.index(last, 2).data() == "" and by_major.index(last, 2).data(TIP) == "本列不合计"
    assert by_major.index(last, 3).data() == "2"  # 订单培养 S1, S2
    onsite = _view(qtbot, tables, "校内实践基地")
    cost = TABLE_HEADERS["校内实践基地"].index("原材料（耗材）费用（万元）")
    assert onsite.model.index(0, cost).data() == "1.23" and onsite.model.index(1, cost).data() == ""
    assert "未登记费用的留空" in onsite.model.index(1, cost).data(TIP)


def test_the_name_columns_stay_in_place_while_scrolling_sideways(qtbot, tables):
    for name in TABLE_NAMES:
        view = _view(qtbot, tables, name)
        n = NAME_COLUMNS[name]
        for part, frozen in ((view.table, view.frozen), (view.footer, view.frozen_footer)):
            overlay = frozen.overlay
            assert overlay.isVisible()
            assert [overlay.isColumnHidden(c) for c in range(view.model.columnCount())] == [
                c >= n for c in range(view.model.columnCount())
            ]
            assert overlay.width() == sum(part.columnWidth(c) for c in range(n)) + 1
            assert [overlay.isRowHidden(r) for r in range(view.model.rowCount())] == [
                part.isRowHidden(r) for r in range(view.model.rowCount())
            ]
        last = view.model.rowCount() - 1  # 合计（N 行） spans the frozen columns
        assert view.footer.columnSpan(last, 0) == view.frozen_footer.overlay.columnSpan(last, 0) == n
        bar = view.footer.horizontalScrollBar()  # the footer's bar scrolls both
        assert bar.maximum() > 0, name  # wider than the window: it does scroll
        x = view.frozen.overlay.x()
        bar.setValue(bar.maximum())
        assert view.table.horizontalScrollBar().value() == bar.maximum()
        assert view.frozen.overlay.x() == x and view.frozen.overlay.isVisible()
        wider = view.table.columnWidth(0) + 30
        view.frozen.overlay.setColumnWidth(0, wider)  # the user widens the name column (in the frozen part)
        assert view.table.columnWidth(0) == view.footer.columnWidth(0) == wider
        assert view.frozen.overlay.width() == sum(view.table.columnWidth(c) for c in range(n)) + 1


def test_sorting_from_the_frozen_part_keeps_the_total_last(qtbot, tables):
    view = _view(qtbot, tables, "访企拓岗")
    header = view.frozen.overlay.horizontalHeader()
    middle = QPoint(header.sectionViewportPosition(0) + 20, header.height() // 2)
    for _ in range(2):  # ascending, then descending
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    texts = [view.texts(r) for r in range(view.model.rowCount())]
    names = [t[0] for t in texts[:-1]]
    assert names == sorted(names, reverse=True) and names[0] != names[-1]
    assert texts[-1][0].startswith("合计")
    main = view.table.horizontalHeader()
    assert (main.sortIndicatorSection(), main.sortIndicatorOrder()) == (0, Qt.SortOrder.DescendingOrder)
    last = view.model.rowCount() - 1
    assert view.frozen.overlay.isRowHidden(last) and not view.frozen_footer.overlay.isRowHidden(last)


def test_the_frozen_part_scrolls_up_and_down_with_the_table(qtbot, tables):
    view = _view(qtbot, tables, "产学合作")
    view.resize(900, 150)  # room for a row or two: the table scrolls vertically
    qtbot.wait(10)
    bar = view.table.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    assert view.frozen.overlay.verticalScrollBar().value() == bar.maximum()
    assert (
        view.frozen.overlay.height()
        == view.table.viewport().height() + view.table.horizontalHeader().height()
    )
