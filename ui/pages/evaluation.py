"""年度评价 (H第二十二条): for a chosen 学年, the indicators (app/reporting/evaluation.py) with what each counts and a
click-through to the records it counts, and the four standard report tables (app/reporting/tables.py:
产学合作, 校外实习实训基地, 校内实践基地, 访企拓岗) exactly as the school's data platform wants them, exported
together to Excel (app/io/report_xlsx.py).

Everything is computed on the database worker in one job (a few seconds on a large archive) with a busy
indicator, first when the page is shown; any change to the records makes it stale: it recomputes at once when on
screen, else when shown next.
The main window connects `open_record` and may call `show_year`."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.docs.self_evaluation import write_self_evaluation
from app.io.report_xlsx import ReportExport, export_report_tables
from app.reporting.columns import (
    COOPERATION,
    COOPERATION_BY_MAJOR,
    OFFSITE_BASES,
    ONSITE_BASES,
    TABLE_COLUMNS,
    TABLE_NAMES,
    VISITS,
)
from app.reporting.evaluation import Indicator, annual_indicators
from app.reporting.evaluation_years import EvaluationYears, evaluation_years
from app.reporting.tables import ReportTables, report_tables
from app.services.common import Changes
from ui import files, theme
from ui.dialogs.indicator_records_dialog import IndicatorRecordsDialog
from ui.errors import show_error
from ui.legend import legend_label
from ui.messages import reader_text
from ui.ops import ReadOp, context, read_now
from ui.pages.evaluation_indicators import IndicatorsView
from ui.pages.list_page import PAGE_MARGINS, ElidedLabel, page_title
from ui.pages.report_table_view import ReportTableView
from ui.qt import *  # noqa: F403
from ui.widgets import progress_beside

EMPTY_HINTS = {
    COOPERATION_BY_MAJOR: "本表按专业汇总“产学合作”表的各项数字。请登记：岗位实习、订单培养 / 现代学徒制协议或项目、"
    "与企业共同开发的课程和教材、技术服务合同、员工培训、产业教师、企业捐赠的资产和毕业生就业单位。",
    COOPERATION: "本表按“专业 × 合作企业”汇总。请登记：岗位实习（学生、实习单位）、订单培养 / 现代学徒制协议或项目、"
    "与企业共同开发的课程和教材、横向课题和技术服务合同（成果）、为企业员工开展的培训、产业教师（所在企业、所属专业）、"
    "企业捐赠或准捐赠的资产，以及毕业生就业单位（选自合作企业档案）。",
    OFFSITE_BASES: "请在“实践基地”中登记校外实践教学基地或产教融合实训基地（依托企业、面向专业、建立日期不晚于学年末），"
    "并登记本学年两个学期的基地使用记录；安排在基地的岗位实习会自动计入。",
    ONSITE_BASES: "请在“实践基地”中登记校内实训基地（名称、工位数）；设备值来自“资产”中存放地点以基地名称开头的资产。",
    VISITS: "请在“企业走访”中登记走访日期在本学年内的访企拓岗记录，并填写可提供岗位数和平均薪酬（一次走访一家企业，"
    "数字才能落到该企业）。",
}
DEBOUNCE_MS = 300


class EvaluationPage(QWidget):
    title = "年度评价"
    open_record = Signal(str, str, str)  # record type, id, tab
    loaded = Signal()  # the indicators and tables of the chosen 学年 are shown
    exported = Signal(str)  # path written

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.indicators: list[Indicator] = []
        self.tables: ReportTables | None = None
        self.records_dialog: IndicatorRecordsDialog | None = None
        self._stale = False
        self._loading = 0  # jobs under way
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.reload)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(*PAGE_MARGINS)
        lay.addWidget(page_title(self.title))
        lay.addLayout(self._bar())
        self.tabs = QTabWidget()
        self.indicator_view = IndicatorsView()
        self.indicator_view.records_wanted.connect(self.show_records)
        self.tabs.addTab(self.indicator_view, "指标")
        self.tabs.setTabToolTip(0, "资源利用、人才培养、师资建设、科研成果、就业创业五类指标，各附统计口径")
        self.table_views: dict[str, ReportTableView] = {}
        for name in TABLE_NAMES:
            view = ReportTableView(TABLE_COLUMNS[name], EMPTY_HINTS.get(name, ""))
            self.table_views[name] = view
            self.tabs.addTab(view, name)
            self.tabs.setTabToolTip(self.tabs.count() - 1, f"标准报表“{name}”，列名与高职状态数据一致")
        lay.addWidget(self.tabs, 1)
        self.legend = legend_label(
            f"依据：五类指标参照{cite_source('H第二十二条')}的年度考核内容；"
            "标准报表的列名与高职院校人才培养工作状态数据一致。"
        )
        lay.addWidget(self.legend)
        self._fill_years(read_now(evaluation_years))
        self.year_box.currentIndexChanged.connect(lambda _i: self.reload())
        context().changes_applied.connect(self._on_changes)
        self._stale = True  # computed when first shown (or asked for a 学年): not at start-up on the worker

    def _bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("学年"))
        self.year_box = QComboBox()
        self.year_box.setMinimumContentsLength(12)
        bar.addWidget(self.year_box)
        self.period = ElidedLabel()  # a narrow window cuts these notes (“…”), never widens the page
        theme.muted(self.period).setContentsMargins(8, 0, 0, 0)
        bar.addWidget(self.period, 1)
        self.busy, self.busy_label = progress_beside(bar, "正在统计…", width=140)
        self.busy.setToolTip("正在按记录统计…")
        self._show_busy(False)
        bar.addStretch(1)
        note = ElidedLabel("鼠标停在数值或列名上可查看统计口径")
        theme.hint(note)
        bar.addWidget(note)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setToolTip(
            "把本学年的标准报表（" + "、".join(TABLE_NAMES) + "）导出为一个 Excel 文件，"
            "每表一个工作表，列名与高职状态数据一致，另附“说明”工作表"
        )
        self.export_button.clicked.connect(self.export_excel)
        bar.addWidget(self.export_button)
        self.report_button = QPushButton("生成自评报告…")
        self.report_button.setToolTip(
            "生成本学年的《年度产教融合工作自评报告》Word 文档：指标及口径、合作层次分布及与上学年的"
            "变化、标准报表、图表、本学年尚未整改的问题和已忽略问题的理由（数字与工作台、上报材料包相同）。"
            "模板可在“设置 → 模板”中更换"
        )
        self.report_button.clicked.connect(self.write_report)
        bar.addWidget(self.report_button)
        return bar

    # ------------------------------------------------------------ 学年

    def _fill_years(self, years: EvaluationYears) -> None:
        chosen = self.year() or years.default
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for y in years.choices:
            self.year_box.addItem(f"{y}学年", y)
        if self.year_box.findData(chosen) < 0:
            self.year_box.addItem(f"{chosen}学年", chosen)
        self.year_box.setCurrentIndex(self.year_box.findData(chosen))
        self.year_box.blockSignals(False)
        self.year_box.setToolTip(
            f"{years.reason}\n学年按“设置”中的学期日历划分：第一学期开学日至下一学年第一学期开学前一日。"
        )

    def year(self) -> str:
        return self.year_box.currentData() or ""

    def show_year(self, school_year: str) -> None:
        """Show a 学年 like 2025-2026 (added to the chooser if it is not offered)."""
        if self.year_box.findData(school_year) < 0:
            self.year_box.addItem(f"{school_year}学年", school_year)
        index = self.year_box.findData(school_year)
        if index == self.year_box.currentIndex():
            self.reload()
        else:
            self.year_box.setCurrentIndex(index)  # reloads

    # ------------------------------------------------------------ loading

    @Slot()
    def reload(self) -> None:
        year = self.year()
        if not year:
            return
        self._stale = False
        self._timer.stop()
        self._loading += 1
        self._show_busy(True)
        self.busy_label.setText(f"正在统计{year}学年…")
        if self.tables is not None and self.tables.school_year != year:
            self.tabs.setEnabled(False)  # another 学年's figures: greyed until this one's arrive
            self.period.clear()
        ReadOp(self, lambda s: _compute(s, year)).success(self._loaded).failure(self._failed).run()

    def _show_busy(self, on: bool) -> None:
        self.busy.setVisible(on)
        self.busy_label.setVisible(on)

    def _done_one(self) -> bool:
        """One job came back; True when it was the last one under way."""
        self._loading = max(0, self._loading - 1)
        self._show_busy(self._loading > 0)
        return self._loading == 0

    def _loaded(self, result: tuple[str, list[Indicator], ReportTables]) -> None:
        year, indicators, tables = result
        if not self._done_one() or year != self.year():  # a newer job is queued behind this one
            return
        self.indicators, self.tables = indicators, tables
        self.tabs.setEnabled(True)
        self.period.setText(reader_text(f"统计期间 {tables.first_day} 至 {tables.last_day}"))
        self.indicator_view.set_indicators(indicators)
        for table in tables.tables:
            view = self.table_views[table.name]
            view.set_table(table, tables.school_year)
            n = len(table.rows)
            self.tabs.setTabText(self.tabs.indexOf(view), tab_text(table.name, n))
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._done_one()
        self.tabs.setEnabled(True)
        show_error(self, exc, "统计失败")

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        self._stale = True
        if changes.table == "settings":  # the calendar may have moved the 学年
            self._fill_years(read_now(evaluation_years))
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.reload()

    # ------------------------------------------------------------ click-through

    @Slot(object)
    def show_records(self, indicator: Indicator) -> IndicatorRecordsDialog:
        if self.records_dialog is not None and shiboken6.isValid(self.records_dialog):
            self.records_dialog.close()  # deleted on close
        dlg = IndicatorRecordsDialog(self.window(), indicator, self.year())
        dlg.open_record.connect(self.open_record)
        dlg.show()
        self.records_dialog = dlg
        return dlg

    # ------------------------------------------------------------ Excel

    @Slot()
    def export_excel(self) -> None:
        year = self.year()
        if not year:
            return
        path = files.ask_save(self, "导出标准报表", "export_report", f"标准报表{year}学年.xlsx")
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        year = self.year()

        def done(result: ReportExport) -> None:
            counts = "，".join(f"{name} {n} 行" for name, n in result.rows.items())
            self.exported.emit(str(path))
            files.offer_open(self, path, f"已导出{result.school_year}学年标准报表（{counts}）到\n{path}")

        work = lambda s, _report, _cancel: export_report_tables(s, year, path)  # noqa: E731
        files.run_with_progress(self, f"正在导出{year}学年标准报表…", work, done, "导出失败")

    @Slot()
    def write_report(self) -> None:
        year = self.year()
        if not year:
            return
        name = f"{year}学年产教融合工作自评报告.docx"
        path = files.ask_save(self, "生成自评报告", "self_evaluation", name, files.WORD_FILTER)
        if path is not None:
            self.write_report_to(path)

    def write_report_to(self, path: Path) -> None:
        year = self.year()

        def done(out: Path) -> None:
            self.exported.emit(str(out))
            files.offer_open(self, out, f"已生成{year}学年自评报告：\n{out}")

        work = lambda s, _report, _cancel: write_self_evaluation(s, year, path)  # noqa: E731
        files.run_with_progress(
            self, f"正在生成{year}学年自评报告（含图表）…", work, done, "生成自评报告失败"
        )


def tab_text(name: str, rows: int) -> str:
    """A table's tab with its row count in one pair of brackets: 产学合作（55）, 产学合作（按专业，9）."""
    if not rows:
        return name
    if name.endswith("）"):
        return f"{name[:-1]}，{rows}）"
    return f"{name}（{rows}）"


def _compute(s: Session, school_year: str) -> tuple[str, list[Indicator], ReportTables]:
    """On the worker: everything the page shows for a 学年 (the indicators' table figures read these very
    tables: app/reporting/period_figures.py)."""
    tables = report_tables(s, school_year)
    return school_year, annual_indicators(s, school_year, tables=tables), tables
