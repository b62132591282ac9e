"""图表 on the 工作台 (QtCharts), drawn from app/reporting/chart_data.py: partners by tier and by category,
internships by enterprise and by month of the 学年, funds spent vs budget per project, the indicator trend of
five 学年. Each chart has a short title, short Chinese axis titles, values on the bars or points and in
tooltips, a note under it for what the titles leave out, and an empty state saying what to enter to see it.
ChartsPanel only draws what it is given: the 工作台 loads the data on the worker (the trend separately: it is
slow on a large archive).

Labels are fitted to the room the chart's own layout gives them, again on every resize (`Fit`): Qt's own
truncation is off, so an axis never shows "1…" or "2022-20…". Category labels take the first of their forms
that fits (12月 → 12; 2022-2023 → 22-23), and are turned upright only when even that does not; names on a
horizontal bar chart keep their full text up to the share of the width Qt gives an axis, and are elided
beyond it (the tooltip has them whole); values on vertical bars turn upright or hide when a bar is too
narrow; the trend's values are placed by hand so that no two overlap (`PointLabels`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)

from app.reporting.chart_data import Trend
from ui import theme
from ui.qt import *  # noqa: F403

BLUE, ORANGE, GREEN, GREY = theme.ACCENT, theme.SERIES[1], theme.SERIES[2], theme.SERIES[5]
KIND_COLOURS = (BLUE, ORANGE)
AXIS_SHARE = 0.4  # QtCharts gives an axis at most this share of the chart's width (chartlayout.cpp)
LABEL_PAD = 6.0  # px kept free around a category label


def tint(color: str, amount: float = 0.55) -> str:
    """`color` mixed with white (0 = itself, 1 = white): the light member of a pair (预算 beside 支出)."""
    c = QColor(color)
    mix = [round(v + (255 - v) * amount) for v in (c.red(), c.green(), c.blue())]
    return QColor(*mix).name()


LIGHT_BLUE = tint(BLUE)


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


# --- fitting labels to the room they are given ------------------------------------------------------------------


def advance(font: QFont, text: str) -> float:
    return QFontMetricsF(font).horizontalAdvance(text)


def pick_form(forms: Sequence[Sequence[str]], font: QFont, room: float) -> tuple[list[str], int]:
    """The first of `forms` (each a full list of labels, longest first) whose every label fits `room` px
    across, with angle 0; else the last form turned upright (-90)."""
    for labels in forms:
        if max((advance(font, t) for t in labels), default=0) + LABEL_PAD <= room:
            return list(labels), 0
    return list(forms[-1]), -90


def elide_names(names: Sequence[str], font: QFont, room: float) -> list[str]:
    """Each name whole if it fits `room` px, else cut with "…"; distinct (an axis drops repeated labels)."""
    metrics = QFontMetricsF(font)
    out: list[str] = []
    for name in names:
        label = metrics.elidedText(name, Qt.TextElideMode.ElideRight, max(room, 1.0))
        while label in out:  # two long names alike in their first characters
            label += "\u200b"
        out.append(label)
    return out


def school_year_forms(years: Sequence[str]) -> list[list[str]]:
    """2022-2023 as written, else 22-23 (the axis title says 学年)."""
    short = [y[2:5] + y[7:] if len(y) >= 9 and y[4] == "-" else y for y in years]
    return [list(years), short]


def month_forms(labels: Sequence[str]) -> list[list[str]]:
    """9月 as written, else 9 (the axis title says 月)."""
    return [list(labels), [t.removesuffix("月") for t in labels]]


class Fit:
    """Refits a chart's labels whenever its plot area changes (a resize, a relayout): kept on the chart's card.

    `forms`: the category axis of a vertical chart picks a form that fits one category's width. `names`: the
    category axis of a horizontal chart elides names to what Qt lets an axis take. `values`: the bar series
    whose value labels turn upright, or hide, when a bar is narrower than its label."""

    def __init__(
        self,
        chart: QChart,
        axis: QBarCategoryAxis,
        *,
        forms: Sequence[Sequence[str]] = (),
        names: Sequence[str] = (),
        values: QAbstractBarSeries | None = None,
        value_texts: Sequence[str] = (),
    ) -> None:
        self.chart, self.axis = chart, axis
        self.forms, self.names = [list(f) for f in forms], list(names)
        self.values, self.value_texts = values, list(value_texts)
        self.room = 0.0  # what the labels were last fitted to
        self._busy = False
        axis.setTruncateLabels(False)  # never Qt's "…": what does not fit is fitted here
        chart.plotAreaChanged.connect(self.refit)

    def category_room(self) -> float:
        """The px across one category of a vertical chart, or a name of a horizontal one may take."""
        if self.names:
            return self.chart.size().width() * AXIS_SHARE - LABEL_PAD * 3
        n = max(len(self.axis.categories()), 1)
        return self.chart.plotArea().width() / n

    def refit(self, _area: QRectF | None = None) -> None:
        if self._busy or self.chart.size().width() <= 0:
            return
        self._busy = True
        try:
            self.room = room = self.category_room()
            font = self.axis.labelsFont()
            if self.names:
                labels, angle = elide_names(self.names, font, room), 0
            else:
                labels, angle = pick_form(self.forms, font, room)
            if list(self.axis.categories()) != labels:
                self.axis.setCategories(labels)
            if self.axis.labelsAngle() != angle:
                self.axis.setLabelsAngle(angle)
            if self.values is not None and self.value_texts:
                self._fit_values(room)
        finally:
            self._busy = False

    def _fit_values(self, room: float) -> None:
        series = self.values
        bars = max(len(series.barSets()), 1)
        bar = room * series.barWidth() / bars  # one bar's width
        font = series.barSets()[0].labelFont() if series.barSets() else QFont()
        widest = max(advance(font, t) for t in self.value_texts)
        if widest + 2 <= bar:
            angle, visible = 0, True
        else:
            angle, visible = -90, QFontMetricsF(font).height() <= bar + 2
        if series.labelsAngle() != angle:
            series.setLabelsAngle(angle)
        if series.isLabelsVisible() != visible:
            series.setLabelsVisible(visible)


class PointLabels:
    """Value labels drawn by hand beside points of the chart, each at the first of its places (above, below,
    right, left of the point; or inside the top of a bar) that overlaps no label placed before it and stays in
    the plot area. Placed again on every resize."""

    def __init__(self, chart: QChart) -> None:
        self.chart = chart
        self.items: list[tuple[QGraphicsSimpleTextItem, QPointF, object, tuple[str, ...]]] = []
        chart.plotAreaChanged.connect(self.place)

    def add(self, text: str, value: QPointF, series, color: str, places: tuple[str, ...]) -> None:
        item = QGraphicsSimpleTextItem(text, self.chart)
        item.setBrush(theme.brush(color))
        item.setZValue(10)
        self.items.append((item, value, series, places))

    def rects(self) -> list[QRectF]:
        """Where the labels on show are, in the chart's coordinates (those of its plot area)."""
        return [item.mapRectToParent(item.boundingRect()) for item, *_ in self.items if item.isVisible()]

    def place(self, _area: QRectF | None = None) -> None:
        area = self.chart.plotArea()
        taken: list[QRectF] = []
        for item, value, series, places in self.items:
            at = self.chart.mapToPosition(value, series)
            size = item.boundingRect().size()
            w, h = size.width(), size.height()
            spots = {
                "above": QPointF(at.x() - w / 2, at.y() - h - 4),
                "below": QPointF(at.x() - w / 2, at.y() + 5),
                "right": QPointF(at.x() + 7, at.y() - h / 2),
                "left": QPointF(at.x() - w - 7, at.y() - h / 2),
                "inside": QPointF(at.x() - w / 2, at.y() + 2),
                "deeper": QPointF(at.x() - w / 2, at.y() + h + 6),  # inside, below a ratio's label
            }
            for place in places:
                rect = QRectF(spots[place], size)
                if area.contains(rect) and not any(rect.intersects(r) for r in taken):
                    item.setPos(rect.topLeft())
                    item.setVisible(True)
                    taken.append(rect)
                    break
            else:  # no free place: the tooltip still has the value
                item.setVisible(False)


def _new_chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setPointSizeF(max(font.pointSizeF(), theme.BODY_PT) + 2)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setTitleBrush(theme.brush(theme.TEXT))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(6, 6, 12, 6))
    chart.layout().setContentsMargins(0, 0, 0, 0)
    chart.setBackgroundRoundness(0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    return chart


def _show_tip(text: str) -> None:
    QToolTip.showText(QCursor.pos(), text)


def _value_text(v: float) -> str:
    return f"{v:g}"


def bar_chart(
    title: str,
    categories: Sequence[str],
    sets: Sequence[tuple[str, Sequence[float], str]],  # name, values, colour
    *,
    value_title: str,
    category_title: str = "",
    horizontal: bool = False,
    integer: bool = True,
    forms: Sequence[Sequence[str]] = (),  # shorter forms of the categories of a vertical chart
    tip: Callable[[int, str, float], str] | None = None,  # category index, set name, value → tooltip
) -> QChart:
    """A bar chart, its values on the bars; a horizontal one lists the first category at the top, its names
    whole where they fit (`chart.fit` refits them on a resize)."""
    chart = _new_chart(title)
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    order = list(range(len(categories)))[::-1] if horizontal else list(range(len(categories)))
    for name, values, colour in sets:
        bar_set = QBarSet(name)
        bar_set.append([float(values[i]) for i in order])
        bar_set.setColor(theme.qcolor(colour))
        bar_set.setBorderColor(theme.qcolor(colour))
        bar_set.setLabelColor(theme.qcolor(theme.TEXT))
        series.append(bar_set)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setLabelsFormat("@value")
    series.setLabelsPrecision(8)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    cat_axis = QBarCategoryAxis()
    ordered = [categories[i] for i in order]
    cat_axis.append(ordered)
    cat_axis.setTitleText(category_title)
    val_axis = QValueAxis()
    val_axis.setTitleText(value_title)
    vmax = max((max(v, default=0) for _n, v, _c in sets), default=0)
    nice_axis(val_axis, vmax, integer=integer, headroom=1.2 if horizontal else 1.15)
    chart.addAxis(cat_axis, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(val_axis, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(cat_axis)
    series.attachAxis(val_axis)
    chart.legend().setVisible(len(sets) > 1)
    if horizontal:
        chart.fit = Fit(chart, cat_axis, names=ordered)
    else:
        texts = [_value_text(v) for _n, values, _c in sets for v in values]
        orders = [[ordered[j] for j in range(len(ordered))]] + [[f[i] for i in order] for f in forms]
        chart.fit = Fit(chart, cat_axis, forms=orders, values=series, value_texts=texts)

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
    """The ratios as lines (left axis, %), 岗位实习学生数 as bars (right axis); every value on the chart, none
    over another."""
    chart = _new_chart("近五个学年指标趋势")
    years = [y.school_year + ("*" if y.current else "") for y in trend.years]
    axis_x = QBarCategoryAxis()
    axis_x.append(years)
    axis_x.setTitleText("学年")
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
    labels = PointLabels(chart)

    count_key = "interns"
    bars = QBarSeries()
    bar_set = QBarSet(trend.names.get(count_key, "岗位实习学生数"))
    counts = [y.values.get(count_key) or 0 for y in trend.years]
    bar_set.append([float(c) for c in counts])
    light = tint(theme.SERIES[0])
    bar_set.setColor(theme.qcolor(light))
    bar_set.setBorderColor(theme.qcolor(light))
    bars.append(bar_set)
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
        pen = QPen(theme.qcolor(colour))
        pen.setWidth(3)
        line.setPen(pen)
        line.setPointsVisible(True)
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
        for point in line.points():
            labels.add(f"{point.y():g}%", point, line, colour, ("above", "below", "right", "left"))
    for i, c in enumerate(counts):  # after the lines: a count gives way to a ratio
        if c:
            labels.add(str(c), QPointF(i, c), bars, theme.TEXT, ("inside", "deeper", "above"))
    chart.legend().setVisible(True)
    chart.fit = Fit(chart, axis_x, forms=school_year_forms(years))
    chart.point_labels = labels
    return chart


class ChartCard(QFrame):
    """One chart with its note (what the short titles leave out), or its empty state (what to enter to see
    it), or a busy note while it is computed."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(360)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        # the card's minimum height is its height: a chart view asks for 480 px and would make every row so tall
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.note = theme.hint(QLabel())
        self.note.setWordWrap(True)
        self.note.hide()
        chart_page = QWidget()
        chart_lay = QVBoxLayout(chart_page)
        chart_lay.setContentsMargins(0, 0, 0, 0)
        chart_lay.setSpacing(2)
        chart_lay.addWidget(self.view, 1)
        chart_lay.addWidget(self.note)
        self.empty_label = QLabel()
        self.busy_label = QLabel()
        self.stack = QStackedWidget()
        self.stack.addWidget(chart_page)
        self.stack.addWidget(self._panel(self.empty_label))
        busy = self._panel(self.busy_label)
        bar = QProgressBar()
        bar.setRange(0, 0)
        bar.setMaximumWidth(240)
        busy.layout().insertWidget(3, bar, 0, Qt.AlignmentFlag.AlignHCenter)
        self.stack.addWidget(busy)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 4)
        lay.addWidget(self.stack)
        self._chart: QChart | None = None
        self.state = "busy"
        self.show_busy()

    def _panel(self, text: QLabel) -> QWidget:
        panel = QWidget()
        lay = QVBoxLayout(panel)
        heading = theme.heading(QLabel(self.title))
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        theme.hint(text)
        lay.addWidget(heading)
        lay.addStretch(1)
        lay.addWidget(text)
        lay.addStretch(2)
        return panel

    def chart(self) -> QChart | None:
        return self._chart

    def show_chart(self, chart: QChart, note: str = "") -> None:
        old, self._chart = self._chart, chart
        self.view.setChart(chart)
        if old is not None:
            old.deleteLater()
        self.note.setText(note)
        self.note.setVisible(bool(note))
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
