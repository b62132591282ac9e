"""就业 tab of 学生与就业 (H第十三条): for a 毕业年份, the figures per 专业 with a 合计 row
(app/services/employment.py employment_figures; each header's tooltip gives its definition; “—” where there
is no denominator), and below them that year's records. 新建 / 编辑 (ui/dialogs/employment_dialog.py), 删除
with undo, 导入就业数据… (preview, then asks before updating records that exist) and 导出就业质量报告 (a menu: Excel,
Word from the built-in or a custom template)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from app.domain.money import format_money
from app.io.employment_xlsx import DEFINITIONS, FIGURE_HEADERS, figure_texts
from app.services.common import Changes
from app.services.employment import EmploymentFigures, EmploymentRow, employment_figures
from app.services.employment import employment_rows as records_of
from app.services.student_list import employment_years
from ui import students_io, theme
from ui.dialogs.employment_dialog import EmploymentDialog, default_year
from ui.documents import college_template_text
from ui.forms.child_table import edit_delete_keys
from ui.operations import employment as ops
from ui.ops import context, read_now
from ui.pages.list_page import DeletedBar, ElidedLabel, Reloading, WhenShown
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, push_button, view_or_empty, write_action

WATCHED = ("employment", "student", "major", "settings")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
RECORD_HEADERS = ("学号", "姓名", "班级", "状态", "单位", "对口", "月薪（元）")
RECORD_WIDTHS = (110, 80, 110, 80, 300, 50, 100)
GREY = theme.qcolor(theme.HINT)


def graduate_years() -> list[int]:
    """Years with records, and the current graduation year, latest first."""
    return sorted(set(read_now(employment_years)) | {default_year()}, reverse=True)


class SalaryItem(QTableWidgetItem):
    """Sorts by the amount in fen, not by its text (“10,000.00” after “9,500.00”)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        role = Qt.ItemDataRole.UserRole + 1
        return (self.data(role) or 0) < (other.data(role) or 0)


class FiguresTable(QTableWidget):
    def __init__(self) -> None:
        super().__init__(0, len(FIGURE_HEADERS))
        for i, text in enumerate(FIGURE_HEADERS):
            item = QTableWidgetItem(text)
            item.setToolTip(f"<b>{text}</b><br>{DEFINITIONS[text]}")
            self.setHorizontalHeaderItem(i, item)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i in range(1, len(FIGURE_HEADERS)):
            self.setColumnWidth(i, 110)

    def fill(self, figures: Sequence[EmploymentFigures]) -> None:
        self.setRowCount(len(figures))
        for r, f in enumerate(figures):
            total = not f.major_name
            for c, text in enumerate(figure_texts(f)):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(RIGHT)
                    item.setToolTip(DEFINITIONS[FIGURE_HEADERS[c]])
                if f.major_name == "未填专业":
                    item.setForeground(GREY)
                self.setItem(r, c, theme.total_cell(item) if total else item)
        chrome = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth() + 2
        self.rows_height = chrome + 26 * max(len(figures), 1)
        self.setMaximumHeight(self.rows_height)  # every row when there is room; on a low window (1366×768 at
        self.setMinimumHeight(min(self.rows_height, chrome + 26 * 3))  # 150 %) three, the rest scroll
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().sizeHint().width(), getattr(self, "rows_height", super().sizeHint().height()))

    def texts(self, row: int) -> list[str]:
        return [self.item(row, c).text() for c in range(self.columnCount())]


class EmploymentView(QWidget, Reloading):
    loaded = Signal()
    new_text = "新建就业记录…"  # the main window's 新建 on this tab

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records: list[EmploymentRow] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 8)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("毕业年份"))
        self.year_box = QComboBox()
        self.year_box.setMinimumContentsLength(8)
        bar.addWidget(self.year_box)
        self.summary = ElidedLabel()  # a narrow window cuts it (“…”), never widens the page
        theme.muted(self.summary).setContentsMargins(12, 0, 0, 0)
        bar.addWidget(self.summary, 1)
        self.new_button = push_button("新建就业记录…", self.new_record, "新建就业记录（Ctrl+N）", writes=True)
        self.import_button = push_button(
            "导入就业数据…",
            lambda: students_io.import_file(self, "employment"),
            "从 Excel 导入：学号、毕业年份、就业状态、就业单位、是否对口、月薪、岗位",
            writes=True,
        )
        self.report_button = QPushButton("导出就业质量报告")
        menu = QMenu(self.report_button)
        menu.addAction("Excel 统计表…", lambda: students_io.export_report_excel(self, self.year()))
        word = menu.addAction("", lambda: students_io.export_report_word(self, self.year()))
        menu.aboutToShow.connect(lambda: word.setText("Word 报告：" + college_template_text("employment")))
        word.setText("Word 报告：" + college_template_text("employment"))
        menu.addAction(
            "Word 报告：用自定义模板生成…",
            lambda: students_io.export_report_word(self, self.year(), custom=True),
        )
        menu.addSeparator()
        menu.addAction(
            "另存内置 Word 模板（在 Word 中修改）…", lambda: students_io.save_report_template(self)
        )
        self.report_button.setMenu(menu)
        for b in (self.new_button, self.import_button, self.report_button):
            bar.addWidget(b)
        lay.addLayout(bar)

        self.figures_box = QWidget()
        box = QVBoxLayout(self.figures_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.figures_label = QLabel()
        self.figures_label.setStyleSheet(theme.text(theme.TEXT, bold=True))
        self.figures_label.setContentsMargins(0, 6, 0, 0)
        box.addWidget(self.figures_label)
        self.figures = FiguresTable()
        box.addWidget(self.figures)
        note = QLabel(
            "就业率 = 就业人数 ÷ 毕业生数；专业对口率 = 对口人数 ÷ 有就业单位的人数；平均月薪只计填写了月薪的毕业生。"
            "没有分母时显示“—”。鼠标停在列名上可查看统计口径。",
            wordWrap=True,
        )
        theme.muted(note)
        box.addWidget(note)
        lay.addWidget(self.figures_box)

        row = QHBoxLayout()
        self.records_label = QLabel()
        self.records_label.setStyleSheet(theme.text(theme.TEXT, bold=True))
        self.records_label.setContentsMargins(0, 6, 0, 0)
        row.addWidget(self.records_label)
        row.addStretch(1)
        self.edit_button = push_button("编辑", self.edit_selected, "编辑所选就业记录（Enter）")
        self.delete_button = push_button(
            "删除", self.delete_selected, "删除所选就业记录（Delete），可撤销", writes=True
        )
        row.addWidget(self.edit_button)
        row.addWidget(self.delete_button)
        lay.addLayout(row)
        self.undo_bar = DeletedBar("条就业记录", lambda ids: ops.restore_records(self, ids))
        lay.addWidget(self.undo_bar)
        self.table = self._records_table()
        self.stack, self.empty = view_or_empty(lay, self.table)

        self._fill_years()
        self.year_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.refresh = WhenShown(self, self._refresh_now)  # a hidden page reloads when shown
        context().changes_applied.connect(self._on_changes)
        self.reload()

    def _records_table(self) -> QTableWidget:
        table = QTableWidget(0, len(RECORD_HEADERS))
        table.setHorizontalHeaderLabels(list(RECORD_HEADERS))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(26)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # 单位
        header.setSortIndicator(
            -1, Qt.SortOrder.AscendingOrder
        )  # the service's order until a header is clicked
        for i, w in enumerate(RECORD_WIDTHS):
            table.setColumnWidth(i, w)
        table.doubleClicked.connect(lambda _i: self.edit_selected())
        table.itemSelectionChanged.connect(self._update_buttons)
        edit_delete_keys(table, self.edit_selected, self.delete_selected)  # Delete: not for a 只读 user
        return table

    # ------------------------------------------------------------ year and loading

    def _fill_years(self) -> None:
        chosen = self.year_box.currentData()
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for y in graduate_years():
            self.year_box.addItem(f"{y}届", y)
        self.year_box.setCurrentIndex(max(0, self.year_box.findData(chosen)))
        self.year_box.blockSignals(False)

    def year(self) -> int:
        return int(self.year_box.currentData() or default_year())

    def set_year(self, year: int) -> None:
        if self.year_box.findData(year) < 0:
            self.year_box.addItem(f"{year}届", year)
        self.year_box.setCurrentIndex(self.year_box.findData(year))

    def reading(self) -> Callable[[Session], tuple[int, list[EmploymentFigures], list[EmploymentRow]]]:
        year = self.year()
        return lambda s: (year, employment_figures(s, year), records_of(s, year=year))

    def _loaded(self, result: tuple[int, list[EmploymentFigures], list[EmploymentRow]]) -> None:
        year, figures, records = result
        if year != self.year():  # an answer for a year no longer chosen
            return
        selected = set(self.selected_ids())
        self.figures.fill(figures)
        majors = sum(1 for f in figures if f.major_name)
        self.figures_label.setText(f"{year}届各专业就业情况（{majors} 个专业）")
        total = next((f for f in figures if not f.major_name), None)
        self.summary.setText(
            f"{year}届毕业生 {total.graduates} 人，就业率 {figure_texts(total)[3]}" if total else ""
        )
        self.records = records
        self._fill_records(selected)
        self.records_label.setText(f"{year}届就业记录（{len(records)} 条）")
        for w in (self.figures_box, self.records_label, self.edit_button, self.delete_button):
            w.setVisible(bool(records))
        if records:
            self.stack.setCurrentWidget(self.table)
        else:
            self.empty.configure(
                f"还没有{year}届毕业生的就业记录",
                "点“导入就业数据…”从 Excel 导入（学号、毕业年份、就业状态、就业单位、是否对口、月薪），"
                "或逐条新建。学生须已在名册中。",
                [
                    write_action("新建就业记录…", self.new_record),
                    write_action("导入就业数据…", lambda: students_io.import_file(self, "employment")),
                ],
            )
            self.stack.setCurrentWidget(self.empty)
        self._update_buttons()
        self.loaded.emit()

    def _fill_records(self, selected: set[str]) -> None:
        t = self.table
        t.setSortingEnabled(False)
        t.setRowCount(len(self.records))
        for r, e in enumerate(self.records):
            pay = format_money(e.monthly_salary_fen, symbol=False) if e.monthly_salary_fen else ""
            related = (
                ("是" if e.related else "否") if e.status in ("协议就业", "灵活就业", "自主创业") else ""
            )
            cells = (e.student_no, e.student_name, e.class_name, e.status, e.employer_name, related, pay)
            for c, text in enumerate(cells):
                item = SalaryItem(text) if c == 6 else QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                if c == 6:
                    item.setTextAlignment(RIGHT)
                    item.setData(Qt.ItemDataRole.UserRole + 1, e.monthly_salary_fen)
                if c == 4 and len(text) > 16:
                    item.setToolTip(text)
                if e.status == "待就业":
                    item.setForeground(GREY)
                t.setItem(r, c, item)
        t.setSortingEnabled(True)
        for r in range(t.rowCount()):
            if t.item(r, 0).data(Qt.ItemDataRole.UserRole) in selected:
                t.selectRow(r)

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table in WATCHED:
            self.refresh()

    def _refresh_now(self) -> None:
        self._fill_years()
        self.reload()

    # ------------------------------------------------------------ records

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    def _update_buttons(self) -> None:
        n = len(self.selected_ids())
        self.edit_button.setEnabled(n == 1)
        self.delete_button.setEnabled(n > 0)

    @Slot()
    def new_record(self) -> str | None:
        dlg = EmploymentDialog(self.window(), year=self.year())
        dlg.exec()
        if dlg.saved_id:
            self.set_year(dlg.year.value())
        return dlg.saved_id

    @Slot()
    def edit_selected(self) -> None:
        ids = self.selected_ids()
        row = next((r for r in self.records if ids and r.id == ids[0]), None)
        if len(ids) == 1 and row:
            EmploymentDialog(self.window(), row=row).exec()

    @Slot()
    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        names = [r.student_name for r in self.records if r.id in ids][:5]
        more = f" 等 {len(ids)} 条" if len(ids) > 5 else ""
        text = f"确定删除 {'、'.join(names)}{more} 的就业记录？\n\n删除的记录会移到“回收站”，可随时恢复。"
        if confirm(self, "删除就业记录", text):
            ops.delete_records(self, ids, self.undo_bar.deleted)
