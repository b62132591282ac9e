"""预算执行: per project and category for a 年度 — budget, spent, remaining, % used (a bar, red when over,
H第十五条), income — and a 合计 row, all exact to the fen (app/services/funds.budget_summary). Budgets are
edited in a small dialog (ui/dialogs/budget_dialog.py); categories can be added here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.domain.money import format_money
from app.services import funds as svc
from app.services.common import Changes
from ui import theme
from ui.delegates import PROGRESS_ROLE, ProgressDelegate
from ui.dialogs.ledger_dialog import ask_new_category, live_projects
from ui.legend import source_note
from ui.operations import funds as fund_ops
from ui.ops import read_now
from ui.pages.list_page import DeletedBar, Reloading, load_and_follow, record_table
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, push_button, view_or_empty, write_action

RED = theme.qcolor(theme.ERROR)
GREY = theme.qcolor(theme.HINT)
ALL_YEARS = 0
WATCHED = ("budget", "ledger_entry", "budget_category", "project")


@dataclass(frozen=True)
class BudgetQuery:
    year: int | None
    project_id: str = ""


@dataclass(frozen=True)
class BudgetView:
    """What the view shows: the lines (filtered to the project), their totals, and what exists at all."""

    lines: tuple[svc.BudgetLine, ...]
    total_budget_fen: int
    total_spent_fen: int
    total_income_fen: int
    years: tuple[int, ...]
    projects: tuple[tuple[str, str], ...]


def load_budget_view(s: Session, q: BudgetQuery) -> BudgetView:
    summary = svc.budget_summary(s, q.year)
    lines = tuple(x for x in summary.lines if not q.project_id or x.project_id == q.project_id)
    return BudgetView(
        lines,
        sum(x.budget_fen for x in lines),
        sum(x.spent_fen for x in lines),
        sum(x.income_fen for x in lines),
        tuple(svc.ledger_years(s)),
        tuple(live_projects(s)),
    )


def _percent_text(line: svc.BudgetLine) -> str:
    if line.percent_used is None:
        return "无预算" if line.spent_fen else ""
    return f"{line.percent_used:.1f}%"


def _total_text(v: BudgetView) -> str:
    remaining = v.total_budget_fen - v.total_spent_fen
    used = f"（已用 {v.total_spent_fen * 100 / v.total_budget_fen:.1f}%）" if v.total_budget_fen else ""
    text = (
        f"合计：预算 {format_money(v.total_budget_fen)}　已支出 {format_money(v.total_spent_fen)}{used}"
        f"　剩余 {format_money(remaining)}　收入 {format_money(v.total_income_fen)}"
    )
    return f"<span style='{theme.text(theme.ERROR)}'>{text}</span>" if remaining < 0 else text


COLUMNS = ("年度", "项目", "经费类别", "预算", "已支出", "剩余", "已用", "收入")
MONEY = {3, 4, 5, 7}


class BudgetModel(QAbstractTableModel):
    """The lines and a bold 合计 row at the end."""

    def __init__(self) -> None:
        super().__init__()
        self.view: BudgetView | None = None

    @property
    def lines(self) -> tuple[svc.BudgetLine, ...]:
        return self.view.lines if self.view else ()

    def set_view(self, view: BudgetView) -> None:
        self.beginResetModel()
        self.view = view
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self.lines else len(self.lines) + 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def line_at(self, row: int) -> svc.BudgetLine | None:
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or self.view is None:
            return None
        line, col = self.line_at(index.row()), index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and col in MONEY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if line is None:
            return self._total(col, role)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 1 and self._same_project_as_above(index.row()):
                return ""  # the project is named once per group of lines
            return self._text(line, col)
        if role == PROGRESS_ROLE and col == 6 and line.percent_used is not None:
            return line.percent_used / 100
        if role == Qt.ItemDataRole.ForegroundRole:
            if line.overspent and col in (2, 5, 6):
                return RED
            if not line.budget_fen and col == 3:
                return GREY
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:
            return line.project_name
        if role == Qt.ItemDataRole.ToolTipRole and line.overspent:
            return (
                f"超预算：支出{format_money(line.spent_fen)}，"
                f"{'预算' + format_money(line.budget_fen) if line.budget_fen else '未编制预算'}，"
                f"超出{format_money(-line.remaining_fen)}\n"
                f"项目支出不得超出年度预算{source_note('H第十五条')}。"
            )
        return None

    def _same_project_as_above(self, row: int) -> bool:
        above, line = self.line_at(row - 1), self.line_at(row)
        return (
            above is not None
            and line is not None
            and (above.year, above.project_id) == (line.year, line.project_id)
        )

    @staticmethod
    def _text(line: svc.BudgetLine, col: int) -> str:
        return (
            f"{line.year}",
            line.project_name,
            line.category_name,
            format_money(line.budget_fen) if line.budget_fen else "未编制",
            format_money(line.spent_fen),
            format_money(line.remaining_fen),
            _percent_text(line),
            format_money(line.income_fen) if line.income_fen else "",
        )[col]

    def _total(self, col: int, role: int) -> Any:
        v = self.view
        assert v is not None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        remaining = v.total_budget_fen - v.total_spent_fen
        if role == Qt.ItemDataRole.ForegroundRole and col == 5 and remaining < 0:
            return RED
        if role == PROGRESS_ROLE and col == 6 and v.total_budget_fen:
            return v.total_spent_fen / v.total_budget_fen
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == 6:
            return f"{v.total_spent_fen * 100 / v.total_budget_fen:.1f}%" if v.total_budget_fen else ""
        return {
            1: "合计",
            3: format_money(v.total_budget_fen),
            4: format_money(v.total_spent_fen),
            5: format_money(remaining),
            7: format_money(v.total_income_fen),
        }.get(col, "")


class BudgetProgressDelegate(ProgressDelegate):
    """The shared % bar, painted red when the line is over budget."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        super().paint(painter, option, index)
        value = index.data(PROGRESS_ROLE)
        if value is None or float(value) <= 1:
            return
        rect = option.rect.adjusted(4, 0, -4, 0)
        width = min(self.BAR_WIDTH, rect.width() // 2)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(RED)
        painter.drawRoundedRect(QRect(rect.left(), rect.center().y() - 4, width, 9), 3, 3)
        painter.restore()


class BudgetsView(QWidget, Reloading):
    """The 预算执行 view: filters, actions, the table with its 合计 row, or an empty state."""

    new_project_wanted = Signal()
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = BudgetModel()
        self._build()
        load_and_follow(self)  # a hidden page reloads when shown

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        bar = QHBoxLayout()
        self.year_box = QComboBox()
        self.year_box.addItem("全部年度", ALL_YEARS)
        this_year = dt.date.today().year
        self.year_box.addItem(f"{this_year}年度", this_year)
        self.year_box.setCurrentIndex(1)
        self.year_box.setMinimumContentsLength(8)
        self.project_box = QComboBox()
        self.project_box.addItem("全部项目", "")
        self.project_box.setMinimumContentsLength(16)
        for box in (self.year_box, self.project_box):
            box.currentIndexChanged.connect(lambda _i: self.reload())
        bar.addWidget(QLabel("年度："))
        bar.addWidget(self.year_box)
        bar.addSpacing(12)
        bar.addWidget(QLabel("项目："))
        bar.addWidget(self.project_box, 1)
        bar.addStretch(1)
        lay.addLayout(bar)

        actions = QHBoxLayout()
        self.new_button = push_button(
            "编制预算…", self.new_budget, "为项目的某一年度、某一经费类别编制预算", writes=True
        )
        self.edit_button = push_button("修改预算", self.edit_selected)
        self.delete_button = push_button("删除预算", self.delete_selected, writes=True)
        self.category_button = push_button(
            "新增经费类别…", lambda: ask_new_category(self, lambda _id: self.reload()), writes=True
        )
        for b in (self.new_button, self.edit_button, self.delete_button, self.category_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.count_label = theme.muted(QLabel())
        actions.addWidget(self.count_label)
        lay.addLayout(actions)
        self.undo_bar = DeletedBar("条预算", lambda ids: fund_ops.restore_budgets(self, ids))
        lay.addWidget(self.undo_bar)

        self.table = record_table(self.model, several=False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setItemDelegateForColumn(6, BudgetProgressDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, width in enumerate((60, 240, 100, 130, 130, 130, 150, 120)):
            self.table.setColumnWidth(i, width)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.stack, self.empty = view_or_empty(lay, self.table)
        self.total_label = QLabel()
        self.total_label.setStyleSheet(theme.text(theme.TEXT, bold=True))
        self.total_label.setContentsMargins(2, 4, 2, 4)
        self.total_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.total_label)
        self._update_buttons()

    # ------------------------------------------------------------ loading

    def query(self) -> BudgetQuery:
        year = self.year_box.currentData()
        return BudgetQuery(year or None, self.project_box.currentData() or "")

    def reading(self) -> Callable[[Session], BudgetView]:
        q = self.query()
        return lambda s: load_budget_view(s, q)

    def _loaded(self, view: BudgetView) -> None:
        selected = self.selected_line()
        self._refresh_filters(view)
        self.model.set_view(view)
        self.table.setColumnHidden(0, self.query().year is not None)
        over = sum(1 for x in view.lines if x.overspent)
        text = f"共 {len(view.lines)} 行"
        self.count_label.setText(text + (f"，其中超预算 {over} 行" if over else ""))
        self.count_label.setStyleSheet(theme.text(theme.ERROR if over else theme.MUTED))
        self._show_empty_state(view)
        self.total_label.setText(_total_text(view))
        self.total_label.setVisible(bool(view.lines))
        if selected is not None:
            self.select_line(selected.year, selected.project_id, selected.category_id)
        self._update_buttons()
        self.loaded.emit()

    def _refresh_filters(self, view: BudgetView) -> None:
        this_year = dt.date.today().year
        years = sorted({*view.years, this_year}, reverse=True)
        for box, items in (
            (self.year_box, [("全部年度", ALL_YEARS), *((f"{y}年度", y) for y in years)]),
            (self.project_box, [("全部项目", ""), *((name, pid) for pid, name in view.projects)]),
        ):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            for label, data in items:
                box.addItem(label, data)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)

    def _show_empty_state(self, view: BudgetView) -> None:
        if view.lines:
            self.stack.setCurrentWidget(self.table)
            return
        q = self.query()
        if not view.projects:
            self.empty.configure(
                "还没有项目",
                "经费按项目编制预算、登记台账。请先在“项目与平台”中新建项目，再回到这里编制预算。",
                [write_action("新建项目…", self.new_project_wanted.emit)],
            )
        elif q.year is not None or q.project_id:
            year = f"{q.year}年度" if q.year else ""
            self.empty.configure(
                f"{year}还没有预算",
                "项目经费按年度、按类别编制预算，支出超出预算时这里和工作台都会提醒。",
                [write_action("编制预算…", self.new_budget), ("查看全部年度", self.show_all)],
            )
        else:
            self.empty.configure(
                "还没有预算",
                "为项目编制年度预算（按设备、材料、差旅等类别），再在“经费台账”中登记收支。",
                [write_action("编制预算…", self.new_budget)],
            )
        self.stack.setCurrentWidget(self.empty)

    def show_all(self) -> None:
        self.year_box.setCurrentIndex(0)
        self.project_box.setCurrentIndex(0)

    def show_project(self, project_id: str, year: int | None = None) -> None:
        """Filter to a project (the 工作台's 超预算 reminder of a line without budget record)."""
        for box, data in ((self.project_box, project_id), (self.year_box, year or ALL_YEARS)):
            box.blockSignals(True)
            if box.findData(data) < 0:
                box.addItem(str(data), data)
            box.setCurrentIndex(box.findData(data))
            box.blockSignals(False)
        self.reload()

    # ------------------------------------------------------------ selection and actions

    def selected_line(self) -> svc.BudgetLine | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.line_at(rows[0].row()) if rows else None

    def select_line(self, year: int, project_id: str, category_id: str | None) -> bool:
        for i, x in enumerate(self.model.lines):
            if (x.year, x.project_id, x.category_id) == (year, project_id, category_id):
                self.table.selectRow(i)
                return True
        return False

    def select_budget(self, budget_id: str) -> bool:
        for i, x in enumerate(self.model.lines):
            if x.budget_id == budget_id:
                self.table.selectRow(i)
                return True
        return False

    def _update_buttons(self) -> None:
        line = self.selected_line()
        self.edit_button.setEnabled(line is not None)
        self.edit_button.setText("修改预算" if line is None or line.budget_id else "补编预算…")
        self.delete_button.setEnabled(line is not None and line.budget_id is not None)

    def new_budget(self, year: int | None = None, project_id: str = "", category_id: str = "") -> str | None:
        from ui.dialogs.budget_dialog import BudgetDialog

        q = self.query()
        dlg = BudgetDialog(
            self.window(),
            year=year or q.year,
            project_id=project_id or q.project_id,
            category_id=category_id,
        )
        dlg.exec()
        return dlg.saved_id

    def budget_row(self, budget_id: str) -> svc.BudgetRow | None:
        rows = read_now(lambda s: svc.budget_rows(s))
        return next((b for b in rows if b.id == budget_id), None)

    def open_budget(self, budget_id: str) -> None:
        from ui.dialogs.budget_dialog import BudgetDialog

        row = self.budget_row(budget_id)
        if row is not None:
            BudgetDialog(self.window(), row).exec()

    @Slot()
    def edit_selected(self) -> None:
        line = self.selected_line()
        if line is None:
            return
        if line.budget_id:
            self.open_budget(line.budget_id)
        elif line.category_id:
            self.new_budget(line.year, line.project_id, line.category_id)
        else:
            self.new_budget(line.year, line.project_id)

    @Slot()
    def delete_selected(self) -> None:
        line = self.selected_line()
        if line is None or not line.budget_id:
            return
        text = (
            f"确定删除 {line.project_name} {line.year}年度“{line.category_name}”预算"
            f"（{format_money(line.budget_fen)}）？\n\n台账记录不受影响；删除的预算可在“回收站”恢复。"
        )
        if confirm(self, "删除预算", text):
            ids = [line.budget_id]
            fund_ops.delete_budgets(self, ids, self.undo_bar.deleted)

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table in WATCHED:
            self.refresh()
