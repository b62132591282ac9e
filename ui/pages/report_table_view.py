"""One standard report table of 年度评价 (app/reporting/tables.py): the headers verbatim with each column's
definition as tooltip, numbers right-aligned (万元 to the platform's decimals, 元 to 2), an empty cell where the data
cannot give a value (its tooltip says why), a bold 合计 row kept last while sorting and pinned under the rows (a
one-row footer view scrolling sideways with the table), and an empty state saying what to enter to fill the table.

The platform's tables are wide (up to 24 columns): the table scrolls sideways while the columns that name a row
(report_columns.NAME_COLUMNS: 基地名称, 走访企业名称, 专业 and 企业) stay in place at the left, in the table and in
its 合计 footer — a second view over the same model laid on top of the first columns (Qt's frozen-column
pattern), so that a row can always be matched to what it is about."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from app.domain.money import format_money
from app.reporting.columns import NAME_COLUMNS, TABLE_COLUMNS, WAN_DECIMALS, Column, wan_value
from app.reporting.tables import ReportTable
from ui import theme
from ui.qt import *  # noqa: F403
from ui.widgets import EmptyState

Index = QModelIndex | QPersistentModelIndex
NUMBERS = ("int", "wan", "yuan")
SUMMED = ("int", "wan")  # an average pay does not add up
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
WRAPPED_CENTER = Qt.AlignmentFlag(CENTER.value | Qt.TextFlag.TextWordWrap.value)  # long headers wrap
PER_PIXEL = QAbstractItemView.ScrollMode.ScrollPerPixel
TOTAL_BG = theme.brush(theme.INFO_BG)
TEXT_MIN, TEXT_MAX = 72, 320  # a 专业代码 needs little; a name up to 320 px
WIDTHS = {"text": 200, "date": 96, "month": 86, "int": 96, "wan": 118, "yuan": 100, "bool": 84}
_collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


def cell_text(kind: str, value: object) -> str:
    if value is None:
        return ""
    if kind == "wan":
        return f"{wan_value(int(value)):,.{WAN_DECIMALS}f}"  # type: ignore[call-overload]
    if kind == "yuan":
        return format_money(int(value), symbol=False)  # type: ignore[call-overload]
    if kind == "bool":
        return "是" if value else "否"
    if kind == "month" and isinstance(value, dt.date):
        return f"{value.year}-{value.month:02d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == "int":
        return f"{value:,}"
    return str(value)


def _summed(c: Column) -> bool:
    return c.kind in SUMMED and c.adds_up


def _sort_key(kind: str, value: object) -> tuple:
    if value is None:
        return (1, 0)
    if kind == "text":
        return (0, _collator.sortKey(str(value)))
    return (0, value)


class ReportTableModel(QAbstractTableModel):
    """The table's rows in memory (a college has at most a few hundred) plus a 合计 row, always last."""

    def __init__(self, columns: tuple[Column, ...]) -> None:
        super().__init__()
        self.columns = columns
        self.rows: list[tuple] = []
        self._order: list[int] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.has_total = any(_summed(c) for c in columns)

    def set_table(self, table: ReportTable) -> None:
        self.beginResetModel()
        self.rows = list(table.rows)
        self._order = list(range(len(self.rows)))
        self._apply_sort()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid():
            return 0
        return len(self.rows) + (1 if self.has_total and self.rows else 0)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        c = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return c.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"<b>{c.header}</b><br>{c.definition}<br><i>点击列名排序；合计行始终在最后。</i>"
        return None

    def is_total(self, row: int) -> bool:
        return row == len(self.rows)

    def value(self, row: int, col: int) -> object:
        return self.rows[self._order[row]][col]

    def total(self, col: int) -> int | None:
        c = self.columns[col]
        present = [r[col] for r in self.rows if r[col] is not None]
        return sum(present) if _summed(c) and present else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        c = self.columns[col]
        total = self.is_total(row)
        value = (self.total(col) if col else None) if total else self.value(row, col)
        if role == Qt.ItemDataRole.DisplayRole:
            if total and col == 0:
                return f"合计（{len(self.rows)} 行）"
            return cell_text(c.kind, value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if c.kind in NUMBERS else CENTER if c.kind in ("bool", "date", "month") else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(c, value, total, col)
        if total and role == Qt.ItemDataRole.BackgroundRole:
            return TOTAL_BG
        if total and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _tooltip(self, c: Column, value: object, total: bool, col: int) -> str | None:
        if total:
            if col == 0 or _summed(c):
                return (
                    f"各行之和（万元按精确金额相加后取 {WAN_DECIMALS} 位小数）" if c.kind == "wan" else None
                )
            return "本列不合计" if c.kind in NUMBERS else None
        if value is None:
            return f"空：{c.definition}"
        if c.kind == "wan":
            return f"{format_money(int(value))}（{c.header}）"  # type: ignore[call-overload]
        text = cell_text(c.kind, value)
        return text if c.kind == "text" and len(text) > 12 else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order) if column >= 0 else None
        self._apply_sort()
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        self._order = list(range(len(self.rows)))
        if self._sort is None:
            return
        col, order = self._sort
        kind = self.columns[col].kind
        self._order.sort(key=lambda i: _sort_key(kind, self.rows[i][col]))
        if order == Qt.SortOrder.DescendingOrder:
            nones = [i for i in self._order if self.rows[i][col] is None]
            self._order = [i for i in reversed(self._order) if self.rows[i][col] is not None] + nones


def _name_columns(columns: tuple[Column, ...]) -> int:
    return next((NAME_COLUMNS[n] for n, cols in TABLE_COLUMNS.items() if cols == columns), 1)


class FrozenColumns(QObject):
    """The first `count` columns of `view` kept in place while it scrolls sideways: a second view over the same
    model and selection laid on top of them, scrolled vertically with it (Qt's frozen-column pattern)."""

    def __init__(self, view: QTableView, count: int) -> None:
        super().__init__(view)
        self.view, self.count = view, count
        self.overlay = f = QTableView(view)
        f.setObjectName("frozen_columns")
        f.setModel(view.model())
        f.setSelectionModel(view.selectionModel())
        f.setSelectionBehavior(view.selectionBehavior())
        f.setSelectionMode(view.selectionMode())
        f.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        f.setAlternatingRowColors(view.alternatingRowColors())
        f.setWordWrap(False)
        f.verticalHeader().hide()
        f.setVerticalScrollMode(view.verticalScrollMode())
        f.horizontalHeader().setDefaultAlignment(view.horizontalHeader().defaultAlignment())
        f.horizontalHeader().setFixedHeight(view.horizontalHeader().height())
        f.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive
        )  # resized here, for both
        f.horizontalHeader().sectionResized.connect(self._resized_here)
        f.verticalHeader().setDefaultSectionSize(view.verticalHeader().defaultSectionSize())
        f.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        f.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # its right border: theme.STYLE_SHEET (#frozen_columns)
        view.viewport().stackUnder(f)
        if view.isSortingEnabled():
            f.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            f.setSortingEnabled(True)
            f.horizontalHeader().sortIndicatorChanged.connect(view.sortByColumn)
            view.horizontalHeader().sortIndicatorChanged.connect(self._follow_sort)
        f.verticalScrollBar().valueChanged.connect(view.verticalScrollBar().setValue)
        view.verticalScrollBar().valueChanged.connect(f.verticalScrollBar().setValue)
        view.horizontalHeader().sectionResized.connect(self._column_resized)
        view.model().modelReset.connect(self.sync)
        view.model().layoutChanged.connect(self.sync)
        view.viewport().installEventFilter(self)  # the viewport: resized after the view's own Resize event
        self.sync()
        f.show()

    @Slot(int, Qt.SortOrder)
    def _follow_sort(self, column: int, order: Qt.SortOrder) -> None:
        header = self.overlay.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)
        self.overlay.viewport().update()

    def _resized_here(self, column: int, _old: int, new: int) -> None:
        if column < self.count and new > 0:  # not the columns hidden here
            self.view.setColumnWidth(column, new)

    def _column_resized(self, column: int, _old: int, new: int) -> None:
        if column < self.count:
            self.overlay.setColumnWidth(column, new)
            self.place()

    @Slot()
    def sync(self) -> None:
        """Columns, widths and hidden rows as in the view under it."""
        f, view = self.overlay, self.view
        for col in range(view.model().columnCount()):
            f.setColumnHidden(col, col >= self.count)
            if col < self.count:
                f.setColumnWidth(col, view.columnWidth(col))
        for row in range(view.model().rowCount()):
            f.setRowHidden(row, view.isRowHidden(row))
        f.horizontalHeader().setHidden(view.horizontalHeader().isHidden())
        f.horizontalHeader().setFixedHeight(view.horizontalHeader().height())
        self.place()

    def place(self) -> None:
        view, frame = self.view, self.view.frameWidth()
        header = 0 if view.horizontalHeader().isHidden() else view.horizontalHeader().height()
        width = sum(view.columnWidth(c) for c in range(min(self.count, view.model().columnCount())))
        self.overlay.setGeometry(frame, frame, width + 1, view.viewport().height() + header)
        self.overlay.verticalScrollBar().setValue(view.verticalScrollBar().value())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.place()
        return False


class ReportTableView(QStackedWidget):
    """The table, or an empty state saying what to enter to fill it."""

    def __init__(
        self,
        columns: tuple[Column, ...],
        empty_hint: str,
        parent: QWidget | None = None,
        *,
        frozen: int | None = None,
    ) -> None:
        """`frozen`: how many leading columns stay in place; by default the table's NAME_COLUMNS."""
        super().__init__(parent)
        self.empty_hint = empty_hint
        self.model = ReportTableModel(columns)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollMode(PER_PIXEL)  # columns slide under the frozen ones, never jump
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(WRAPPED_CENTER)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order until a click
        self.table.setSortingEnabled(True)
        header.setFixedHeight(self.fontMetrics().height() * 3 + 14)
        self._fitted = False
        self._fit_columns()
        self.empty = EmptyState()
        self.addWidget(self._with_footer())
        count = frozen if frozen is not None else _name_columns(columns)
        self.frozen = FrozenColumns(self.table, count)
        self.frozen_footer = FrozenColumns(self.footer, count)
        self.addWidget(self.empty)

    # ------------------------------------------------------------ the 合计 row, pinned under the rows

    def _with_footer(self) -> QWidget:
        """The table without its 合计 row, and under it a one-row view of that row that scrolls sideways with
        it (its scroll bar serves both), so that the totals stay in sight however long the table."""
        self.footer = QTableView()
        self.footer.setModel(self.model)
        self.footer.horizontalHeader().hide()
        self.footer.verticalHeader().hide()
        self.footer.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.footer.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.footer.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.footer.setWordWrap(False)
        self.footer.setHorizontalScrollMode(PER_PIXEL)
        self.footer.verticalHeader().setDefaultSectionSize(self.table.verticalHeader().defaultSectionSize())
        main, foot = self.table.horizontalScrollBar(), self.footer.horizontalScrollBar()
        main.valueChanged.connect(foot.setValue)
        foot.valueChanged.connect(main.setValue)
        foot.rangeChanged.connect(lambda _lo, _hi: self._fit_footer())
        self.table.horizontalHeader().sectionResized.connect(
            lambda i, _old, new: self.footer.setColumnWidth(i, new)
        )
        self._gutter = QWidget()  # as wide as the table's vertical scroll bar: both viewports equally wide
        self._gutter.setFixedWidth(0)
        self.table.verticalScrollBar().rangeChanged.connect(lambda _lo, hi: self._fit_gutter(hi))
        for signal in (self.model.modelReset, self.model.layoutChanged):
            signal.connect(self._pin_total)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.setSpacing(0)
        row.addWidget(self.footer, 1)
        row.addWidget(self._gutter)
        lay.addLayout(row)
        lay.addStretch(0)  # below a short table: the 合计 row stays right under its rows
        return box

    def _fit_gutter(self, vertical_max: int) -> None:
        self._gutter.setFixedWidth(
            self.table.verticalScrollBar().sizeHint().width() if vertical_max > 0 else 0
        )

    def _fit_footer(self) -> None:
        bar = self.footer.horizontalScrollBar()
        row = self.footer.verticalHeader().defaultSectionSize()
        bar_height = bar.sizeHint().height() if bar.maximum() > 0 else 0
        self.footer.setFixedHeight(row + 2 * self.footer.frameWidth() + bar_height)

    @Slot()
    def _pin_total(self) -> None:
        last = self.model.rowCount() - 1
        has_total = self.model.has_total and bool(self.model.rows)
        for r in range(self.model.rowCount()):
            self.table.setRowHidden(r, has_total and r == last)
            self.footer.setRowHidden(r, r != last)
        self.footer.setVisible(has_total)
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if has_total else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.table.setHorizontalScrollBarPolicy(policy)  # the footer's scroll bar serves both
        rows = len(self.model.rows) * self.table.verticalHeader().defaultSectionSize()
        chrome = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        self.table.setMaximumHeight(
            chrome + rows + (0 if has_total else self.table.horizontalScrollBar().sizeHint().height())
        )
        for i in range(self.model.columnCount()):
            self.footer.setColumnWidth(i, self.table.columnWidth(i))
        self._span_total(last if has_total else -1)
        self._fit_footer()

    def _span_total(self, row: int) -> None:
        """合计（N 行） across the frozen columns of the footer (the first may be as narrow as a 专业代码)."""
        frozen = getattr(self, "frozen_footer", None)  # None while being built
        for view in (self.footer, *([frozen.overlay] if frozen else [])):
            view.clearSpans()
            if row >= 0 and frozen and frozen.count > 1:
                view.setSpan(row, 0, 1, frozen.count)
        for part in (getattr(self, "frozen", None), frozen):
            if part is not None:
                part.sync()  # the rows just hidden or shown

    def _fit_columns(self) -> None:
        """Each header over at most two lines; text columns as wide as their contents, within bounds."""
        fm = self.table.horizontalHeader().fontMetrics()
        for i, c in enumerate(self.model.columns):
            two_lines = math.ceil(fm.horizontalAdvance(c.header) / 2) + 24
            if c.kind == "text":
                content = self.table.sizeHintForColumn(i) + 12 if self.model.rows else 0
                width = min(max(two_lines, content, TEXT_MIN), TEXT_MAX)
            else:
                width = max(WIDTHS[c.kind], min(two_lines, 170))
            self.table.setColumnWidth(i, width)

    def set_table(self, table: ReportTable, school_year: str) -> None:
        self.model.set_table(table)
        if table.rows:
            if not self._fitted:  # once: later reloads keep the user's widths
                self._fit_columns()
                self._fitted = True
            self._pin_total()
            self.setCurrentIndex(0)
            return
        self.empty.configure(f"{school_year}学年的“{table.name}”还没有数据", self.empty_hint, [])
        self.setCurrentWidget(self.empty)

    def texts(self, row: int) -> list[str]:
        return [self.model.index(row, c).data() for c in range(self.model.columnCount())]
