"""师资队伍: 专任教师 and 产业教师 with their enterprise practice in the last five years (N四(五)1, “五年六个月”):
days done, and the days still missing in red. Search, a kind filter and 只看实践不足; import of teachers and
practice records, templates and the export are in ui/teachers_io.py; the form is ui/dialogs/teacher_dialog.py.
"""

from __future__ import annotations

from app.domain.practice import REQUIRED_DAYS, format_months
from app.services import teacher_list as listing
from app.services import teachers as svc
from ui import theme
from ui.legend import source_note
from ui.models.lazy_table import Column, LazyTableModel
from ui.pages.list_page import ElidedLabel, ListPage, RecordsModel
from ui.qt import *  # noqa: F403
from ui.widgets import for_writers, write_action

RED = theme.qcolor(theme.ERROR)
GREEN = theme.qcolor(theme.OK)
GREY = theme.qcolor(theme.HINT)
RULE = (
    "专任教师每五年累计不少于6个月（180天）企业实践，重叠时段只计一次，按截至今天的五年计算"
    f"{source_note('N四(五)1')}。\n"
    "产业教师不适用，显示“—”。"
)
KIND_LABELS = {"专任": "专任教师", "产业": "产业教师"}


def _done_text(r: listing.TeacherListRow) -> str:
    return f"{r.days_done} 天（{format_months(r.days_done)}）" if r.days_done else "0 天"


def _missing_text(r: listing.TeacherListRow) -> str:
    if r.days_missing is None:
        return "—"
    return f"{r.days_missing} 天" if r.days_missing else "已满足"


def _missing_color(r: listing.TeacherListRow) -> QColor | None:
    if r.days_missing is None:
        return GREY
    return RED if r.days_missing else GREEN


def _practice_tip(r: listing.TeacherListRow) -> str:
    window = f"统计区间 {r.window_start} 至 {r.window_end}"
    if r.days_missing is None:
        return f"产业教师不适用“五年六个月”要求。\n{window}"
    if r.days_missing:
        return f"近五年累计 {r.days_done} 天，尚缺 {r.days_missing} 天（{format_months(r.days_missing)}）。\n{window}"
    return f"近五年累计 {r.days_done} 天，已满足{REQUIRED_DAYS}天（6个月）要求。\n{window}"


COLUMNS = [
    Column("name", "姓名", "name", 90),
    Column("staff_no", "工号", "staff_no", 90),
    Column("kind", "类型", "kind", 60),
    Column("major_name", "所属专业", "major_name", 150),
    Column("is_dual", "双师型", "is_dual", 60, fmt=lambda v: "是" if v else ""),
    Column("days_done", "近五年企业实践", "days_done", 150, fmt=None, tooltip=_practice_tip),
    Column("days_missing", "尚缺", "days_missing", 80, tooltip=_practice_tip, foreground=_missing_color),
    Column("employer_name", "所在企业（产业教师）", "employer_name", 220),
]
DONE_COL, MISSING_COL = 5, 6


class TeacherModel(RecordsModel):
    def __init__(self) -> None:
        super().__init__(COLUMNS, listing.teacher_list_rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[override]
        col = index.column() if index.isValid() else -1
        if role == Qt.ItemDataRole.DisplayRole and col in (DONE_COL, MISSING_COL):
            row = self.row_at(index.row())
            return (_done_text if col == DONE_COL else _missing_text)(row) if row else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (DONE_COL, MISSING_COL):
            row = self.row_at(index.row())
            exempt = col == MISSING_COL and row is not None and row.days_missing is None
            horizontal = Qt.AlignmentFlag.AlignHCenter if exempt else Qt.AlignmentFlag.AlignRight
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and section in (DONE_COL, MISSING_COL)
        ):
            return RULE
        return super().headerData(section, orientation, role)


class TeachersPage(ListPage):
    title = "师资队伍"
    state_key = "teachers"
    noun, unit = "教师", "名"
    new_text = "新建教师…"
    search_hint = "搜索姓名、工号、拼音首字母、专业或所在企业"
    columns = COLUMNS
    # 姓名 is short: the 专业 and the 企业 take the room left
    stretch_column = ("major_name", "employer_name")
    default_sort = ("kind", False)
    watched = ("teacher", "enterprise_practice", "enterprise", "settings")
    form_class = "ui.dialogs.teacher_dialog:TeacherDialog"
    delete_service = staticmethod(svc.delete_teachers)
    restore_service = staticmethod(svc.restore_teachers)

    def make_model(self) -> LazyTableModel:
        return TeacherModel()

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.kind_box = self.filter_combo("全部类型", [(KIND_LABELS[k], k) for k in KIND_LABELS])
        self.short_box = QCheckBox("只看实践不足")
        self.short_box.setToolTip("只列出近五年企业实践不满180天的专任教师（要求每五年累计不少于6个月）")
        self.short_box.toggled.connect(lambda _c: self.reload())
        bar.addWidget(self.kind_box, 1)
        bar.addWidget(self.short_box)

    def add_actions(self, row: QHBoxLayout) -> None:
        self.summary = ElidedLabel()  # a narrow window cuts it (“…”), never widens the page
        theme.muted(self.summary).setContentsMargins(12, 0, 0, 0)
        row.addWidget(self.summary)

    def add_tools(self, row: QHBoxLayout) -> None:
        from ui import teachers_io as io

        self.import_button = QPushButton("导入 / 导出")
        menu = QMenu(self.import_button)
        for_writers(menu.addAction("导入教师…", lambda: io.import_teachers(self)))
        for_writers(menu.addAction("导入企业实践记录…", lambda: io.import_practice(self)))
        menu.addSeparator()
        menu.addAction("导出教师及实践情况…", lambda: io.export_teachers(self))
        menu.addSeparator()
        menu.addAction("下载教师导入模板…", lambda: io.save_template(self, "teachers"))
        menu.addAction("下载企业实践导入模板…", lambda: io.save_template(self, "practice"))
        self.import_button.setMenu(menu)
        self.import_menu = menu
        row.addWidget(self.import_button)

    def clear_filter_widgets(self) -> None:
        super().clear_filter_widgets()
        self.short_box.blockSignals(True)
        self.short_box.setChecked(False)
        self.short_box.blockSignals(False)

    # ------------------------------------------------------------ querying

    def query(self) -> listing.TeacherQuery:
        return listing.TeacherQuery(
            text=self.search.text(),
            kind=self.kind_box.currentData() or "",
            short_only=self.short_box.isChecked(),
            sort=self._sort[0],
            descending=self._sort[1],
        )

    def has_filter(self) -> bool:
        return self.query().filtered

    @staticmethod
    def ids_and_total(s, q: listing.TeacherQuery) -> tuple[list[str], int, tuple[int, int]]:
        """The ids, the unfiltered total, and (专任教师, of whom short of practice) for the summary line."""
        ids = listing.teacher_ids(s, q)
        total = listing.teacher_total(s) if q.filtered else len(ids)
        return ids, total, listing.short_count(s)

    def _loaded(self, result: tuple[list[str], int, tuple[int, int]]) -> None:  # type: ignore[override]
        ids, total, (fulltime, short) = result
        super()._loaded((ids, total))
        if fulltime:
            tail = f"其中 {short} 名近五年企业实践不足180天" if short else "均已满足五年六个月企业实践要求"
            self.summary.setText(f"专任教师 {fulltime} 名，{tail}")
            self.summary.setStyleSheet(theme.text(theme.ERROR if short else theme.MUTED))
        else:
            self.summary.clear()

    def empty_state(self):
        return (
            "还没有教师",
            "登记专任教师和产业教师（企业兼职教师），记录企业实践，系统按近五年累计天数提醒"
            "“五年六个月”（专任教师每五年累计不少于6个月企业实践）。可逐个新建，也可先下载模板，从 Excel 一次导入。",
            [
                self.new_action(),
                write_action("导入教师…", self._import_teachers),
                ("下载导入模板…", self._template),
            ],
        )

    def _import_teachers(self) -> None:
        from ui import teachers_io

        teachers_io.import_teachers(self)

    def _template(self) -> None:
        from ui import teachers_io

        teachers_io.save_template(self, "teachers")

    def label_of(self, row: listing.TeacherListRow) -> str:
        return f"{row.name}（{row.staff_no}）" if row.staff_no else row.name

    # ------------------------------------------------------------ actions

    def open_teacher(self, teacher_id: str) -> None:
        """Select the teacher in the list and open the form (the 工作台 reminder “教师企业实践不足” calls this)."""
        self.show_record(teacher_id)
