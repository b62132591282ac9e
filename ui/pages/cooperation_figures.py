"""产学合作数据: the five columns of the school's 产学合作 report that 成果, 企业员工培训 and 产业教师 make
(app/services/outcomes.py cooperation_figures), for a 学年, per 专业 and per 合作企业, each with a 合计 row;
every header's tooltip says how its figure is counted. 导出 Excel… writes both tables (app/io/outcomes_xlsx.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from app.domain.money import format_money
from app.io import outcomes_xlsx as xl
from app.services import outcome_list
from app.services.common import Changes
from app.services.industry import school_year_of
from app.services.outcomes import CooperationFigure, CooperationFigures, cooperation_figures
from ui import files, theme
from ui.forms.record_form import scrolling
from ui.messages import reader_text
from ui.ops import ReadOp, context, read_now
from ui.pages.list_page import WhenShown
from ui.qt import *  # noqa: F403
from ui.widgets import push_button, view_or_empty, write_action

WATCHED = ("achievement", "training", "teacher", "enterprise", "major", "settings")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

FIGURE_TIPS = {
    xl.COURSES: "该学年内（按成果日期）登记的“共同开发课程”成果，每项计 1 门。",
    xl.TEXTBOOKS: "该学年内（按成果日期）登记的“共同开发教材”成果，每项计 1 种。",
    xl.TEACHERS: "聘期与该学年有交叠的产业教师（企业兼职教师）人数：没有聘任开始日期视为一直在聘，"
    "没有结束日期视为仍在聘。按教师的所属专业和所在企业统计。",
    xl.INCOME: "签订日期在该学年内的横向课题、技术服务、技术转让、技术咨询的合同金额之和，"
    "单位万元，保留 4 位小数（合计按精确金额计算后取舍）。",
    xl.TRAINING: "开始日期在该学年内的企业员工培训的“人天”之和。",
}
LABEL_TIPS = {
    "专业名称": "记录所填的所属专业；没有填写专业的计入“未指定专业”。",
    "合作企业名称": "记录所填的合作企业（产业教师按所在企业）；没有填写企业的计入“未指定企业”。",
    "合作企业统一社会信用代码": "取自合作企业档案。",
}
SHOWN = {  # the header as shown on screen: the report's name over two lines (exported as one)
    xl.COURSES: "共同开发课程数\n（门）",
    xl.TEXTBOOKS: "共同开发教材数\n（种）",
    xl.TEACHERS: "支持学校兼职\n教师数（人）",
    xl.INCOME: "学校为企业技术服务\n年收入（万元）",
    xl.TRAINING: "学校为企业年培训\n员工数（人天）",
    "合作企业统一社会信用代码": "合作企业统一\n社会信用代码",
}
NAME_ROLE = Qt.ItemDataRole.UserRole
FIT_ROWS = 13
COMMON_TIP = "只统计未删除的记录；一个学年从第一学期开始日到下一学年开始前一天（按“设置”中的学期日历）。"


def _cells(values: Sequence[int]) -> list[tuple[str, str | None]]:
    """(text, tooltip) of the five figures; the income in 万元 to 4 decimals, the exact 元 in its tooltip."""
    out: list[tuple[str, str | None]] = [(f"{v:,}", None) for v in values]
    out[3] = (f"{xl.wan4(values[3]):,.4f}", format_money(values[3]))
    return out


class FiguresTable(QTableWidget):
    """One of the two tables: label columns, the five figures, and a bold 合计 row at the bottom."""

    def __init__(self, headers: Sequence[str], fixed_rows: int = 0) -> None:
        super().__init__(0, len(headers))
        self.fixed_rows = fixed_rows
        self.labels = len(headers) - len(xl.FIGURE_HEADERS)
        for i, text in enumerate(headers):
            item = QTableWidgetItem(SHOWN.get(text, text))
            item.setData(NAME_ROLE, text)
            item.setToolTip(
                f"<b>{text}</b><br>{FIGURE_TIPS.get(text) or LABEL_TIPS.get(text, '')}<br>{COMMON_TIP}"
            )
            self.setHorizontalHeaderItem(i, item)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i in range(1, len(headers)):
            self.setColumnWidth(i, 170 if i < self.labels else 140)

    def column_names(self) -> list[str]:
        """The report's column names, as exported."""
        return [self.horizontalHeaderItem(c).data(NAME_ROLE) for c in range(self.columnCount())]

    def fit_height(self) -> None:
        """As tall as its rows, so a short table leaves no gap; the 专业 table (a college has a dozen or so)
        keeps that height up to FIT_ROWS rows, the 企业 table takes the room left and scrolls."""
        bar = self.horizontalScrollBar().sizeHint().height()
        chrome = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth() + bar
        rows = [self.rowHeight(r) for r in range(self.rowCount())]
        self.setMaximumHeight(chrome + sum(rows))
        if self.fixed_rows:
            self.setMinimumHeight(chrome + sum(rows[: self.fixed_rows]))

    def fill(self, figures: Sequence[CooperationFigure]) -> None:
        self.setRowCount(len(figures) + 1)
        for r, f in enumerate(figures):
            labels = (f.name, f.uscc)[: self.labels]
            self._row(r, labels, xl.figure_values(f), unnamed=f.key_id is None)
        total_row = len(figures)
        self._row(total_row, ("合计", "")[: self.labels], xl.totals(figures), total=True)
        self.fit_height()

    def _row(
        self, r: int, labels: Sequence[str], values: Sequence[int], *, total=False, unnamed=False
    ) -> None:
        for c, text in enumerate(labels):
            item = QTableWidgetItem(text)
            item.setToolTip(text if len(text) > 12 else "")
            if unnamed:
                item.setForeground(theme.brush(theme.HINT))
            self._set(r, c, item, total)
        for c, (text, tip) in enumerate(_cells(values), start=self.labels):
            item = QTableWidgetItem(text)
            item.setTextAlignment(RIGHT)
            if tip:
                item.setToolTip(tip)
            self._set(r, c, item, total)

    def _set(self, r: int, c: int, item: QTableWidgetItem, total: bool) -> None:
        self.setItem(r, c, theme.total_cell(item) if total else item)

    def texts(self, row: int) -> list[str]:
        return [self.item(row, c).text() for c in range(self.columnCount())]


class CooperationView(QWidget):
    new_achievement_wanted = Signal()
    new_training_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures: CooperationFigures | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)  # a tab of 成果与培训: the page's title is above the tabs
        bar = QHBoxLayout()
        bar.addWidget(QLabel("学年"))
        self.year_box = QComboBox()
        self.year_box.setMinimumContentsLength(12)
        self.year_box.setToolTip("按学校的学期日历划分学年（“设置”中可修改学期日期）")
        bar.addWidget(self.year_box)
        self.period = QLabel()
        theme.muted(self.period)
        bar.addWidget(self.period, 1)
        self.export_button = push_button(
            "导出 Excel…",
            self.export_excel,
            "把两张表（按专业、按合作企业）导出为 Excel，列名与产学合作报表一致",
        )
        bar.addWidget(self.export_button)
        lay.addLayout(bar)
        note = QLabel(
            "产学合作报表（高职状态数据）中由成果、企业员工培训和产业教师得出的五列。"
            "鼠标停在列名上可查看统计口径。",
            wordWrap=True,
        )
        theme.muted(note)
        lay.addWidget(note)

        tables = QWidget()
        t = QVBoxLayout(tables)
        t.setContentsMargins(0, 0, 0, 0)
        self.by_major = FiguresTable(xl.MAJOR_HEADERS, fixed_rows=FIT_ROWS)
        self.by_enterprise = FiguresTable(xl.ENTERPRISE_HEADERS)
        self.major_label, self.enterprise_label = QLabel("按专业"), QLabel("按合作企业")
        for label, table in ((self.major_label, self.by_major), (self.enterprise_label, self.by_enterprise)):
            label.setStyleSheet(theme.text(theme.TEXT, bold=True))
            t.addSpacing(6)
            t.addWidget(label)
            t.addWidget(table, 1)
        t.addStretch(0)
        # the 专业 table at its height scrolls on a low window
        self.stack, self.empty = view_or_empty(lay, scrolling(tables))

        self._fill_years(read_now(outcome_list.outcome_school_years), current=True)
        self.year_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.refresh = WhenShown(self, self._refresh_now)  # a hidden page reloads when shown
        context().changes_applied.connect(self._on_changes)
        self.reload()

    # ------------------------------------------------------------ 学年

    def _fill_years(self, years: Sequence[str], *, current: bool = False) -> None:
        chosen = self.year() or (read_now(lambda s: school_year_of(s, dt.date.today())) if current else "")
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for y in years:
            self.year_box.addItem(f"{y}学年", y)
        self.year_box.setCurrentIndex(max(0, self.year_box.findData(chosen)))
        self.year_box.blockSignals(False)

    def year(self) -> str:
        return self.year_box.currentData() or ""

    def set_year(self, school_year: str) -> None:
        if self.year_box.findData(school_year) < 0:
            self.year_box.addItem(f"{school_year}学年", school_year)
        self.year_box.setCurrentIndex(self.year_box.findData(school_year))

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        year = self.year()
        if year:
            ReadOp(self, lambda s: cooperation_figures(s, year)).success(self._loaded).run()

    def reload_now(self) -> None:
        year = self.year()
        self._loaded(read_now(lambda s: cooperation_figures(s, year)))

    def _loaded(self, figures: CooperationFigures) -> None:
        if figures.school_year != self.year():  # an answer for a 学年 no longer chosen
            return
        self.figures = figures
        self.period.setText(reader_text(f"统计期间 {figures.first_day} 至 {figures.last_day}"))
        self.by_major.fill(figures.by_major)
        self.by_enterprise.fill(figures.by_enterprise)
        self.major_label.setText(f"按专业（{len(figures.by_major)} 个）")
        self.enterprise_label.setText(f"按合作企业（{len(figures.by_enterprise)} 家）")
        if figures.by_major or figures.by_enterprise:
            self.stack.setCurrentIndex(0)
            return
        self.empty.configure(
            f"{figures.school_year}学年还没有可统计的数据",
            "这里的数字来自：与企业共同开发的课程和教材、横向课题和技术服务 / 转让 / 咨询合同（成果），"
            "为企业员工开展的培训（人天），以及聘期在该学年内的产业教师。请先登记这些记录，或换一个学年。",
            [
                write_action("新建成果…", self.new_achievement_wanted.emit),
                write_action("新建培训记录…", self.new_training_wanted.emit),
            ],
        )
        self.stack.setCurrentIndex(1)

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table in WATCHED:
            self.refresh()

    def _refresh_now(self) -> None:
        self._fill_years(read_now(outcome_list.outcome_school_years))
        self.reload()

    # ------------------------------------------------------------ Excel

    @Slot()
    def export_excel(self) -> None:
        year = self.year()
        if not year:
            return
        path = files.ask_save(self, "导出产学合作数据", "export_cooperation", f"产学合作数据{year}学年.xlsx")
        if path is not None:
            export_file(self, path, year)


def export_file(parent: QWidget, path: Path, school_year: str) -> None:
    def done(result: xl.CooperationExport) -> None:
        files.offer_open(
            parent,
            path,
            f"已导出{result.school_year}学年的产学合作数据（{result.majors} 个专业、{result.enterprises} 家企业）到\n{path}",
        )

    work = lambda s, _report, _cancel: xl.export_cooperation_figures(s, school_year, path)  # noqa: E731
    files.run_with_progress(parent, "正在导出产学合作数据…", work, done, "导出失败")
