"""实践基地 (N四(四)): the list of 校内 / 校外 / 产教融合 bases with their enterprise, majors, 工位数 and this
semester's use (人次 / 人天, internships placed at a base counted automatically), filters by kind and level,
and 学期汇总… (ui/dialogs/base_summary.py): per major, exported to Excel or Word and marked submitted.
The form with the usage records is ui/dialogs/base_dialog.py."""

from __future__ import annotations

from app.db.models import BASE_KINDS, BASE_LEVELS
from app.services import bases as svc
from app.services.choices import major_choices
from ui import theme
from ui.messages import reader_text
from ui.models.lazy_table import Column
from ui.ops import read_now
from ui.pages.list_page import ListPage, ListQuery
from ui.qt import *  # noqa: F403


def _short_kind(kind: str) -> str:
    return kind.replace("实践教学基地", "").replace("实训基地", "")  # 校内 / 校外 / 产教融合


def _kind_tip(r: svc.BaseRow) -> str:
    return f"{r.kind}（{r.mode}）" if r.mode else r.kind


def _usage_tip(r: svc.BaseRow) -> str:
    u = r.usage
    return (
        f"{r.semester}学期：{u.activities}项活动，{u.students}人次，使用{u.days}天，{u.person_days}人天，"
        f"指导教师{u.teachers}人次（含安排在本基地的实习）"
    )


COLUMNS = [
    Column("name", "基地名称", "name", 230, tooltip=lambda r: r.name if len(r.name) > 14 else None),
    Column("kind", "类型", "kind", 76, fmt=_short_kind, tooltip=_kind_tip),
    Column("level", "级别", "level", 70, fmt=lambda v: "" if v == "无" else v),
    Column("enterprise", "依托企业", None, 200, tooltip=lambda r: r.enterprise or None),
    Column("majors", "面向专业", None, 200, tooltip=lambda r: r.majors or None),
    Column("capacity", "工位数", "capacity", 60, fmt=lambda v: str(v) if v else ""),
    Column("usage", "本学期人次", None, 80, fmt=lambda u: str(u.students) if u.students else "", tooltip=_usage_tip),
    Column("usage", "本学期人天", None, 80, fmt=lambda u: str(u.person_days) if u.person_days else "",
           tooltip=_usage_tip),
    Column("established_on", "建立日期", "established_on", 90),
]  # fmt: skip


class BasesPage(ListPage):
    title = "实践基地"
    state_key = "bases"
    noun, unit = "实践基地", "个"
    new_text = "新建基地…"
    search_hint = "搜索基地名称、地址或依托企业"
    columns = COLUMNS
    default_sort = ("name", False)
    watched = ("practice_base", "base_usage", "usage_summary", "enterprise", "agreement", "internship")
    empty_title = "还没有实践基地"
    empty_hint = (
        "登记校内实训基地、校外实践教学基地和产教融合实训基地：依托企业、面向专业、工位数，"
        "以及每学期的使用记录。安排在基地的实习会自动计入使用情况。"
    )
    form_class = "ui.dialogs.base_dialog:BaseDialog"
    delete_service = staticmethod(svc.delete_bases)
    restore_service = staticmethod(svc.restore_bases)
    row_service = staticmethod(svc.base_rows)
    right_aligned = frozenset({5, 6, 7})  # 工位数, 本学期人次, 本学期人天
    id_service = staticmethod(svc.base_ids)
    count_service = staticmethod(svc.base_count)

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.kind_box = self.filter_combo("全部类型", BASE_KINDS)
        self.level_box = self.filter_combo("全部级别", [(lv, lv) for lv in BASE_LEVELS if lv != "无"])
        majors = read_now(major_choices)
        self.major_box = self.filter_combo("全部专业", [(c.label, c.id) for c in majors])
        for box in (self.kind_box, self.level_box, self.major_box):
            bar.addWidget(box, 1)

    def add_tools(self, row: QHBoxLayout) -> None:
        semester = read_now(svc.current_semester)
        self.semester_label = QLabel(reader_text(f"本学期：{semester}"))
        theme.muted(self.semester_label).setContentsMargins(12, 0, 0, 0)
        self.semester_label.setToolTip(
            "人次、人天为本学期的基地使用记录与安排在基地的实习（按“设置”中的学期日历）"
        )
        row.addWidget(self.semester_label)
        self.summary_button = self.button("学期汇总…", "", lambda: self.open_summary())
        self.summary_button.setToolTip(
            "按专业汇总某学期的基地使用情况：导出 Excel、生成 Word 汇总、标记已提交"
        )
        row.addWidget(self.summary_button)

    def query(self) -> ListQuery:
        key, descending = self._sort
        q = svc.BaseQuery(
            text=self.search.text(),
            kind=self.kind_box.currentData() or "",
            level=self.level_box.currentData() or "",
            major_id=self.major_box.currentData() or "",
            sort=key or "name",
            descending=descending,
        )
        return ListQuery(q, self.has_filter())

    def has_filter(self) -> bool:
        return bool(
            self.search.text().strip()
            or self.kind_box.currentIndex()
            or self.level_box.currentIndex()
            or self.major_box.currentIndex()
        )

    # ------------------------------------------------------------ actions

    def open_base(self, base_id: str) -> None:
        """Select the base in the list and open its form (reminders and other pages call this)."""
        self.show_record(base_id)

    def show_major(self, major_id: str) -> None:
        """The bases serving one major (a 合规检查 finding about the major leads here)."""
        self.clear_filter_widgets()
        self.search.clear()
        self.major_box.setCurrentIndex(max(0, self.major_box.findData(major_id)))  # reloads

    def open_summary(self, semester: str = "", major_id: str = "") -> None:
        """学期汇总…, on `semester` (default: the current one) with `major_id` selected if given."""
        from ui.dialogs.base_summary import BaseSummaryDialog

        dlg = BaseSummaryDialog(self.window(), semester)
        if major_id:
            dlg.select_major_id(major_id)
        dlg.exec()
