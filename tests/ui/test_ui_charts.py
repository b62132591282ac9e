"""The 工作台's charts read well at the sizes a 1366×768 and a 1920×1080 screen give them, and at 150 % scaling
on 1366×768: every label fits the room the chart's own layout gives it (Qt's "…" never shows), long names are
whole where they fit and elided only beyond that with the full name in the tooltip, titles are not cut, and the
trend's values never overlap."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QChart
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QToolTip

from app.reporting.chart_data import ChartData, Count, MonthCount, ProjectFunds, Trend, TrendYear
from ui.charts import AXIS_SHARE, advance, elide_names, month_forms, pick_form, school_year_forms
from ui.charts_panel import ChartsPanel

pytestmark = pytest.mark.qt

NAMES = [
    "湖南睿锐光电科技有限公司",
    "长沙天丰农机装备有限责任公司",
    "中国铁建重工集团股份有限公司长沙第二分公司智能装备制造事业部第一车间",  # long: elided at every size
    "中国铁建重工集团股份有限公司长沙第二分公司智能装备制造事业部第二车间",  # alike in its first characters
    "益阳宇星轨道交通科技有限公司",
    "郴州湘洲自动化设备有限责任公司",
    "娄底晟成制药有限公司",
    "常德晟鑫自动化设备股份有限公司",
    "湘潭电机股份有限公司",
    "岳阳林纸股份有限公司",
]
MONTHS = [dt.date(2026 + (m < 9), m, 1) for m in (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)]


def data() -> ChartData:
    return ChartData(
        school_year="2026-2027",
        year=2026,
        partners_by_tier=(Count("融合层", 8), Count("深化层", 8), Count("基础层", 8), Count("尚无项目", 181)),
        partners_by_category=(
            Count("世界500强", 1),
            Count("行业特色明显的中小微企业", 45),
            Count("校友企业", 12),
            Count("未标注类别", 145),
        ),
        internships_by_enterprise=tuple(Count(n, 30 - i, n) for i, n in enumerate(NAMES)),
        enterprises_left_out=10,
        internships_by_month=tuple(MonthCount(m, (148, 36)) for m in MONTHS),
        funds=tuple(
            ProjectFunds(f"p{i}", n + "产教融合实训基地建设项目", 2_350_000 * (i + 1), 1_829_000 * (i + 1))
            for i, n in enumerate(NAMES[:6])
        ),
        projects_left_out=2,
    )


def trend() -> Trend:
    years = ("2022-2023", "2023-2024", "2024-2025", "2025-2026", "2026-2027")
    rates = (0.278, 0.417, 0.611, 0.667, 0.667)  # 双师型 the same as 就业率 in the last two: labels collide
    return Trend(
        names={"employment_rate": "就业率", "dual_ratio": "双师型教师比例", "interns": "岗位实习学生数"},
        definitions={},
        years=tuple(
            TrendYear(y, {"employment_rate": r, "dual_ratio": r, "interns": 96 * (i + 1)}, current=i == 4)
            for i, (y, r) in enumerate(zip(years, rates, strict=True))
        ),
    )


@pytest.fixture
def shown(qtbot):
    def make(width: int, height: int) -> ChartsPanel:
        panel = ChartsPanel()
        qtbot.addWidget(panel)
        panel.show_data(data())
        panel.show_trend(trend())
        panel.resize(width, height)
        panel.show()
        qtbot.waitExposed(panel)
        qtbot.wait(50)  # the charts' layouts and the refits they set off
        return panel

    return make


def charts(panel: ChartsPanel) -> dict[str, QChart]:
    return {key: card.chart() for key, card in panel.cards.items()}


# What the 工作台 gives the chart tab: 1366×768 and 1920×1080 less the navigation, the title and the tabs; and a
# 1366×768 screen at 150 % scaling (910×512 logical pixels).
SIZES = [(1166, 560), (1700, 870), (730, 400)]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_label_fits_the_room_the_chart_gives_it(shown, width, height):
    panel = shown(width, height)
    for key, chart in charts(panel).items():
        area = chart.plotArea()
        assert area.width() > 50 and area.height() > 50, key
        title = QFontMetricsF(chart.titleFont()).horizontalAdvance(chart.title())
        assert title <= chart.size().width() - 12, (key, chart.title())  # the title whole
        for axis in chart.axes():
            assert not axis.labelsTruncated(), (key, axis.titleText())  # Qt's "…" nowhere
            along = area.width() if axis.orientation() == Qt.Orientation.Horizontal else area.height()
            assert advance(axis.titleFont(), axis.titleText()) <= along, (key, axis.titleText())
            if not isinstance(axis, QBarCategoryAxis):
                continue
            labels = list(axis.categories())
            if axis.orientation() == Qt.Orientation.Horizontal:  # under the bars: one category's width each
                room = area.width() / len(labels)
                extent = max(
                    (
                        advance(axis.labelsFont(), t)
                        if axis.labelsAngle() == 0
                        else QFontMetricsF(axis.labelsFont()).height()
                    )
                    for t in labels
                )
                assert extent <= room, (key, labels, room)
            else:  # names left of the bars: in the room left of the plot area
                for t in labels:
                    assert advance(axis.labelsFont(), t) <= area.left() - chart.margins().left(), (key, t)


def test_names_are_whole_where_they_fit_and_elided_beyond_with_the_full_name_in_the_tooltip(shown):
    panel = shown(1700, 870)
    chart = panel.cards["enterprises"].chart()
    axis = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
    labels = list(axis.categories())[::-1]  # the first enterprise at the top
    assert labels[0] == NAMES[0] and labels[1] == NAMES[1]  # whole at 1920 px: never a fixed 12 characters
    assert labels[2].startswith("中国铁建重工") and "…" in labels[2] and len(set(labels)) == len(labels)
    assert advance(axis.labelsFont(), NAMES[2]) > chart.size().width() * AXIS_SHARE - 18  # elided: too long
    (series,) = chart.series()
    series.hovered.emit(True, len(NAMES) - 1 - 2, series.barSets()[0])  # the pointer on the third bar
    assert QToolTip.text() == f"{NAMES[2]}：28 人次"
    panel.resize(730, 400)  # smaller: the names are elided again to the smaller room
    qtbot_wait(panel)
    assert "…" in list(axis.categories())[-1]


def qtbot_wait(panel: ChartsPanel) -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(5):
        QApplication.processEvents()


def test_short_forms_are_chosen_deliberately_and_turned_upright_last(qapp):
    font = qapp.font()
    years = school_year_forms(["2022-2023", "2026-2027*"])
    assert years == [["2022-2023", "2026-2027*"], ["22-23", "26-27*"]]
    assert month_forms(["9月", "10月"]) == [["9月", "10月"], ["9", "10"]]
    wide = advance(font, "2026-2027*") + 10
    assert pick_form(years, font, wide) == (["2022-2023", "2026-2027*"], 0)
    assert pick_form(years, font, advance(font, "26-27*") + 10) == (["22-23", "26-27*"], 0)
    assert pick_form(years, font, 10) == (["22-23", "26-27*"], -90)
    names = elide_names(
        ["湖南睿锐光电科技有限公司", "湖南睿锐光电科技股份公司"], font, advance(font, "湖南睿锐光电…")
    )
    assert names[0].endswith("…") and names[0] != names[1]  # distinct: an axis drops a repeated label


def test_month_labels_never_read_one_and_an_ellipsis(shown):
    for width, height in SIZES:
        panel = shown(width, height)
        axis = next(a for a in panel.cards["months"].chart().axes() if isinstance(a, QBarCategoryAxis))
        labels = list(axis.categories())
        assert labels in (month_forms([f"{m.month}月" for m in MONTHS])), (width, labels)
        assert not axis.labelsTruncated()
    big = shown(1700, 870)
    axis = next(a for a in big.cards["months"].chart().axes() if isinstance(a, QBarCategoryAxis))
    assert list(axis.categories())[:2] == ["9月", "10月"] and axis.labelsAngle() == 0


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_trends_values_never_overlap(shown, width, height):
    panel = shown(width, height)
    chart = panel.cards["trend"].chart()
    labels = chart.point_labels
    rects = labels.rects()
    assert len(rects) >= 8  # of 15 values, most on show (each in the tooltip too)
    if width >= 1166:
        assert len(rects) == 15  # at full size, every one
    area = chart.plotArea()
    for i, r in enumerate(rects):
        assert area.contains(r)
        for other in rects[i + 1 :]:
            assert not r.intersects(other), (r, other)
