"""图表 on the 工作台 (QtCharts), drawn from app/services/chart_data.py: partners by tier and by category,
internships by enterprise and by month of the 学年, funds spent vs budget per project, the indicator trend of
five 学年. Each chart has a title, Chinese axis titles, values on the bars or points and in tooltips, and an
empty state saying what to enter to see it. ChartsPanel only draws what it is given: the 工作台 loads the data
on the worker (the trend separately: it is slow on a large archive)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QProgressBar,
    QStackedWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.services.chart_data import Trend

BLUE, LIGHT_BLUE, ORANGE, GREEN, GREY = "#1f4e79", "#9dc3e6", "#e08a1e", "#3a8d5c", "#8a8f98"
KIND_COLOURS = (BLUE, ORANGE)
LABEL_CHARS = 12  # longer names are shortened on an axis (the tooltip has them whole)


def short(name: str, n: int = LABEL_CHARS) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def nice_axis(axis: QValueAxis, vmax: float, *, integer: bool, headroom: float = 1.15) -> None:
    """0 to a round number above vmax (room for the labels at the bar ends), about five ticks."""
    top = max(vmax * headroom, 1.0)
    raw = top / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    if integer:
        step = max(1, math.ceil(step))
    ticks = math.ceil(top / step)
    axis.setRange(0, ticks * step)
    axis.setTickCount(ticks + 1)
    axis.setLabelFormat("%d" if integer or step >= 1 else "%.1f")


def _new_chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setPointSizeF(max(font.pointSizeF(), 9) + 2)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.layout().setContentsMargins(0, 0, 0, 0)
    chart.setBackgroundRoundness(0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    return chart


def _show_tip(text: str) -> None:
    QToolTip.showText(QCursor.pos(), text)


def bar_chart(
    title: str,
    categories: Sequence[str],
    sets: Sequence[tuple[str, Sequence[float], str]],  # name, values, colour
    *,
    value_title: str,
    category_title: str = "",
    horizontal: bool = False,
    integer: bool = True,
    tip: Callable[[int, str, float], str] | None = None,  # category index, set name, value → tooltip
) -> QChart:
    """A bar chart, its values on the bars; a horizontal one lists the first category at the top."""
    chart = _new_chart(title)
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    order = list(range(len(categories)))[::-1] if horizontal else list(range(len(categories)))
    for name, values, colour in sets:
        bar_set = QBarSet(name)
        bar_set.append([float(values[i]) for i in order])
        bar_set.setColor(QColor(colour))
        bar_set.setBorderColor(QColor(colour))
        bar_set.setLabelColor(QColor("#222222"))
        series.append(bar_set)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setLabelsFormat("@value")
    series.setLabelsPrecision(8)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    cat_axis = QBarCategoryAxis()
    cat_axis.append([categories[i] for i in order])
    cat_axis.setTitleText(category_title)
    val_axis = QValueAxis()
    val_axis.setTitleText(value_title)
    nice_axis(val_axis, max((max(v, default=0) for _n, v, _c in sets), default=0), integer=integer)
    chart.addAxis(cat_axis, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(val_axis, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(cat_axis)
    series.attachAxis(val_axis)
    chart.legend().setVisible(len(sets) > 1)

    def hovered(state: bool, index: int, bar_set: QBarSet) -> None:
        if not state:
            QToolTip.hideText()
            return
        i = order[index]
        value = bar_set.at(index)
        _show_tip(tip(i, bar_set.label(), value) if tip else f"{categories[i]}：{value:g}")

    series.hovered.connect(hovered)
    return chart


def trend_chart(trend: Trend) -> QChart:
    """The ratios as lines (left axis, %), 岗位实习学生数 as bars (right axis)."""
    chart = _new_chart("近五个学年指标趋势")
    years = [y.school_year + ("*" if y.current else "") for y in trend.years]
    axis_x = QBarCategoryAxis()
    axis_x.append(years)
    axis_x.setTitleText("学年（* 为本学年，统计至今天）")
    left = QValueAxis()
    left.setRange(0, 100)
    left.setTickCount(6)
    left.setLabelFormat("%d")
    left.setTitleText("比例（%）")
    right = QValueAxis()
    right.setTitleText("人数（人）")
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(right, Qt.AlignmentFlag.AlignRight)

    count_key = "interns"
    bars = QBarSeries()
    bar_set = QBarSet(trend.names.get(count_key, "岗位实习学生数"))
    counts = [y.values.get(count_key) or 0 for y in trend.years]
    bar_set.append([float(c) for c in counts])
    bar_set.setColor(QColor(LIGHT_BLUE))
    bar_set.setBorderColor(QColor(LIGHT_BLUE))
    bar_set.setLabelColor(QColor("#333333"))
    bars.append(bar_set)
    bars.setLabelsVisible(True)
    bars.setLabelsPosition(QBarSeries.LabelsPosition.LabelsInsideEnd)
    bars.setBarWidth(0.5)
    chart.addSeries(bars)
    bars.attachAxis(axis_x)
    bars.attachAxis(right)
    nice_axis(right, max(counts, default=0), integer=True, headroom=1.05)
    bars.hovered.connect(
        lambda state, i, _s: _show_tip(f"{years[i]} {bar_set.label()}：{counts[i]} 人") if state else None
    )

    for key, colour in (("employment_rate", ORANGE), ("dual_ratio", GREEN)):
        line = QLineSeries()
        line.setName(trend.names.get(key, key))
        pen = QPen(QColor(colour))
        pen.setWidth(3)
        line.setPen(pen)
        line.setPointsVisible(True)
        line.setPointLabelsVisible(True)
        line.setPointLabelsFormat("@yPoint%")
        line.setPointLabelsColor(QColor(colour))
        line.setPointLabelsClipping(False)
        for i, y in enumerate(trend.years):
            value = y.values.get(key)
            if value is not None:
                line.append(QPointF(i, round(value * 100, 1)))
        chart.addSeries(line)
        line.attachAxis(axis_x)
        line.attachAxis(left)
        name = line.name()
        line.hovered.connect(
            lambda point, state, name=name: (
                _show_tip(f"{years[round(point.x())]} {name}：{point.y():.1f}%") if state else None
            )
        )
    chart.legend().setVisible(True)
    return chart


class ChartCard(QFrame):
    """One chart, or its empty state (what to enter to see it), or a busy note while it is computed."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(330)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.empty_label = QLabel()
        self.busy_label = QLabel()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self._panel(self.empty_label))
        busy = self._panel(self.busy_label)
        bar = QProgressBar()
        bar.setRange(0, 0)
        bar.setMaximumWidth(240)
        busy.layout().insertWidget(3, bar, 0, Qt.AlignmentFlag.AlignHCenter)
        self.stack.addWidget(busy)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.stack)
        self._chart: QChart | None = None
        self.state = "busy"
        self.show_busy()

    def _panel(self, text: QLabel) -> QWidget:
        panel = QWidget()
        lay = QVBoxLayout(panel)
        heading = QLabel(self.title)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading.setStyleSheet("font-size:11pt;font-weight:bold;color:#333;")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        text.setStyleSheet("color:#777;")
        lay.addWidget(heading)
        lay.addStretch(1)
        lay.addWidget(text)
        lay.addStretch(2)
        return panel

    def chart(self) -> QChart | None:
        return self._chart

    def show_chart(self, chart: QChart) -> None:
        old, self._chart = self._chart, chart
        self.view.setChart(chart)
        if old is not None:
            old.deleteLater()
        self.state = "chart"
        self.stack.setCurrentIndex(0)

    def show_empty(self, hint: str) -> None:
        self.empty_label.setText(hint)
        self.state = "empty"
        self.stack.setCurrentIndex(1)

    def show_busy(self, note: str = "正在统计…") -> None:
        self.busy_label.setText(note)
        self.state = "busy"
        self.stack.setCurrentIndex(2)
