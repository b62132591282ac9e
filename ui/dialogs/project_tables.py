"""Parts of the project form's tabs: the editable tables of responsible people and KPIs with their progress
bar, the tab that holds such a table with its hint, error line and buttons, and the notice a tab shows until
the project is saved. Enter in a table starts or ends editing a cell; it never saves the form."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.compliance.registry import cite_source
from app.services import projects as svc
from ui import theme
from ui.delegates import PROGRESS_ROLE, ProgressDelegate
from ui.qt import *  # noqa: F403
from ui.widgets import Action, push_button

KPI_HEADERS = ("指标名称", "单位", "目标值", "完成值", "统计期间", "完成度")
PROGRESS_COL = 5


def number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def table_tab(
    table: QTableWidget,
    error: QLabel,
    hint: str,
    buttons: list[Action],
    source: str = "",
) -> QWidget:
    """A tab with a hint above the table (its rule's `source` cited by title in the tooltip), the table's error
    line and its buttons below."""
    page = QWidget()
    v = QVBoxLayout(page)
    label = theme.hint(QLabel(hint, wordWrap=True))
    if source:
        label.setToolTip("依据" + cite_source(source))
    v.addWidget(label)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    v.addWidget(table, 1)
    v.addWidget(error)
    v.addLayout(button_row(buttons))
    return page


def button_row(buttons: Sequence[Action]) -> QHBoxLayout:
    """A row of buttons under a table of a form, left-aligned; none of them is the form's default (Enter).
    `buttons`: (text, slot), or write_action(text, slot) for one that writes on its own (not for a 只读 user)."""
    row = QHBoxLayout()
    for text, slot, *writes in buttons:
        b = push_button(text, slot, writes=bool(writes))
        b.setAutoDefault(False)
        row.addWidget(b)
    row.addStretch(1)
    return row


def saved_only(content: QWidget, what: str, save: Callable[[], None]) -> QStackedWidget:
    """A tab that needs the saved project: page 0 says so and offers to save, page 1 is the content."""
    stack = QStackedWidget()
    notice = QWidget()
    v = QVBoxLayout(notice)
    v.addStretch(1)
    label = QLabel(f"{what}随项目单独保存，请先保存项目。", alignment=Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet(theme.text(theme.MUTED, pt=theme.HEADING_PT))
    v.addWidget(label)
    button = push_button(f"保存项目并登记{what}", save, writes=True)
    button.setAutoDefault(False)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(button)
    row.addStretch(1)
    v.addLayout(row)
    v.addStretch(2)
    stack.addWidget(notice)
    stack.addWidget(content)
    return stack


def _text(table: QTableWidget, r: int, c: int) -> str:
    item = table.item(r, c)
    return item.text() if item else ""


class EditableTable(QTableWidget):
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Enter edits the current cell (or, from the cell's editor, ends the edit): it never reaches the
        dialog's default button."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.state() != QAbstractItemView.State.EditingState and self.currentIndex().isValid():
                self.edit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def remove_selected(self) -> None:
        for r in sorted({i.row() for i in self.selectedIndexes()}, reverse=True):
            self.removeRow(r)

    def _edit_row(self, row: int) -> None:
        self.setCurrentCell(row, 0)
        self.editItem(self.item(row, 0))


class PeopleTable(EditableTable):
    """负责环节 and 责任人, one row each."""

    def __init__(self) -> None:
        super().__init__(0, 2)
        self.setHorizontalHeaderLabels(("负责环节", "责任人"))
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def add_responsible(self, r: svc.ResponsibleData, edit: bool = False) -> None:
        row = self.rowCount()
        self.insertRow(row)
        self.setItem(row, 0, QTableWidgetItem(r.part))
        self.setItem(row, 1, QTableWidgetItem(r.name))
        if edit:
            self._edit_row(row)

    def responsibles(self) -> tuple[svc.ResponsibleData, ...]:
        return tuple(
            svc.ResponsibleData(_text(self, r, 0), _text(self, r, 1)) for r in range(self.rowCount())
        )


class KpiTable(EditableTable):
    """The KPIs as typed, with the progress (完成值 ÷ 目标值) drawn as a bar that follows the typing."""

    def __init__(self) -> None:
        super().__init__(0, len(KPI_HEADERS))
        self.setHorizontalHeaderLabels(KPI_HEADERS)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 60), (2, 80), (3, 80), (4, 120), (5, 150)):
            self.setColumnWidth(col, width)
        self.setItemDelegateForColumn(PROGRESS_COL, ProgressDelegate(self))
        self.itemChanged.connect(self._changed)

    def add_kpi(self, k: svc.KPIData, edit: bool = False) -> None:
        self.blockSignals(True)
        row = self.rowCount()
        self.insertRow(row)
        values = (k.name, k.unit, number_text(k.target) if k.name else "", number_text(k.actual), k.period)
        for col, value in enumerate(values):
            item = QTableWidgetItem(value)
            if col in (2, 3):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, col, item)
        self.item(row, 0).setData(Qt.ItemDataRole.UserRole, k.id)
        progress = QTableWidgetItem()
        progress.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.setItem(row, PROGRESS_COL, progress)
        self.blockSignals(False)
        self._update_progress(row)
        if edit:
            self._edit_row(row)

    def values(self, row: int) -> tuple[float | None, float | None, list[str]]:
        """(target, actual, problems) of a KPI row as typed."""
        out: list[float | None] = []
        problems = []
        for col, label in ((2, "目标值"), (3, "完成值")):
            text = _text(self, row, col).strip()
            try:
                out.append(float(text.replace(",", "")) if text else None)
            except ValueError:
                out.append(None)
                problems.append(f"第{row + 1}项指标的{label}“{text}”不是数字")
        if out[0] is None and not problems:
            problems.append(f"第{row + 1}项指标缺少目标值")
        return out[0], out[1], problems

    def problems(self) -> list[str]:
        return [p for r in range(self.rowCount()) for p in self.values(r)[2]]

    def progress(self, row: int) -> float | None:
        target, actual, _ = self.values(row)
        return svc.KPIData("", target or 0, actual=actual).progress

    def kpis(self) -> tuple[svc.KPIData, ...]:
        out = []
        for r in range(self.rowCount()):
            target, actual, _ = self.values(r)
            first = self.item(r, 0)
            out.append(
                svc.KPIData(
                    name=_text(self, r, 0),
                    target=target if target is not None else 0,
                    unit=_text(self, r, 1),
                    actual=actual,
                    period=_text(self, r, 4),
                    id=first.data(Qt.ItemDataRole.UserRole) if first else None,
                )
            )
        return tuple(out)

    @Slot(QTableWidgetItem)
    def _changed(self, item: QTableWidgetItem) -> None:
        if item.column() in (2, 3):
            self._update_progress(item.row())

    def _update_progress(self, row: int) -> None:
        cell = self.item(row, PROGRESS_COL)
        if cell is None:
            return
        value = self.progress(row)
        unit = _text(self, row, 1)
        self.blockSignals(True)
        cell.setData(PROGRESS_ROLE, value)
        cell.setText(f"{value:.0%}" if value is not None else "未填完成值")
        target, actual, _ = self.values(row)
        if value is not None:
            cell.setToolTip(f"完成 {number_text(actual)}{unit} / 目标 {number_text(target)}{unit}")
        self.blockSignals(False)
