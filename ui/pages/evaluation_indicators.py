"""The 指标 tab of 年度评价: the indicators of a 学年 (app/reporting/evaluation.py) under their five group headings,
each row its name, its value and, in grey beside it, the definition of exactly what it counts. A value with
records is a link: clicking it asks for the list of those records (`records_wanted`)."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.money import format_money
from app.reporting.evaluation import GROUPS, Indicator
from ui import theme
from ui.messages import reader_text
from ui.qt import *  # noqa: F403

GREY = theme.greyed(theme.MUTED)
VALUE_WIDTH = 190


def indicator_value_text(i: Indicator) -> str:
    """The value as shown: money as ¥ with 2 decimals, ratios as % (with numerator/denominator), “—” for None."""
    if i.value is None:
        return "—"
    if i.kind == "fen":
        return format_money(int(i.value))
    if i.kind == "ratio":
        return f"{i.value:.1%}（{i.numerator}/{i.denominator}）"
    if i.kind == "decimal":
        return f"{i.value:.1f}{i.unit}"
    return f"{i.value:,}{i.unit}"


def indicator_tooltip(i: Indicator) -> str:
    if i.value is None:
        return f"无法计算：没有可统计的记录（分母为 0），不显示为 0。\n口径：{reader_text(i.definition)}"
    n = len(i.records[1])
    if n:
        return f"点击查看计入的 {n} 条记录。\n口径：{reader_text(i.definition)}"
    return f"没有计入的记录。\n口径：{reader_text(i.definition)}"


class IndicatorsView(QScrollArea):
    records_wanted = Signal(object)  # Indicator

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.values: dict[str, QLabel | QPushButton] = {}  # indicator key → its value widget
        self.definitions: dict[str, QLabel] = {}
        self.indicators: list[Indicator] = []
        self._body: QWidget | None = None
        self.set_indicators([])

    def set_indicators(self, indicators: Sequence[Indicator]) -> None:
        self.indicators = list(indicators)
        self.values.clear()
        self.definitions.clear()
        body = QWidget()
        outer = QVBoxLayout(body)
        outer.setContentsMargins(8, 4, 16, 8)
        for group in GROUPS:
            rows = [i for i in self.indicators if i.group == group]
            if rows:
                outer.addWidget(self._heading(group))
                outer.addLayout(self._grid(rows))
        outer.addStretch(1)
        self.setWidget(body)  # deletes the previous body
        self._body = body

    def _heading(self, group: str) -> QLabel:
        return theme.section(QLabel(group))

    def _grid(self, rows: Sequence[Indicator]) -> QGridLayout:
        grid = QGridLayout()
        grid.setContentsMargins(8, 6, 0, 4)
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(8)
        grid.setColumnMinimumWidth(0, 150)
        grid.setColumnMinimumWidth(1, VALUE_WIDTH)
        grid.setColumnStretch(2, 1)
        top = Qt.AlignmentFlag.AlignTop
        for r, i in enumerate(rows):
            name = QLabel(i.name)
            name.setStyleSheet(theme.greyed(theme.TEXT, pt=theme.HEADING_PT))
            grid.addWidget(name, r, 0, top)
            value = self._value(i)
            grid.addWidget(value, r, 1, top | Qt.AlignmentFlag.AlignRight)
            definition = QLabel(reader_text(i.definition), wordWrap=True)
            definition.setStyleSheet(GREY)
            definition.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            definition.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            grid.addWidget(definition, r, 2, top)
            self.values[i.key] = value
            self.definitions[i.key] = definition
        return grid

    def _value(self, i: Indicator) -> QLabel | QPushButton:
        text, tip = indicator_value_text(i), indicator_tooltip(i)
        if i.value is not None and i.records[1]:
            button = QPushButton(text)
            theme.link_value(button)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(tip)
            button.clicked.connect(lambda _checked=False, ind=i: self.records_wanted.emit(ind))
            return button
        label = QLabel(text)
        label.setStyleSheet(
            theme.greyed(
                theme.ACCENT if i.value is not None else theme.HINT, bold=True, pt=theme.HEADING_PT + 1
            )
        )
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setToolTip(tip)
        return label

    def value_text(self, key: str) -> str:
        return self.values[key].text()
