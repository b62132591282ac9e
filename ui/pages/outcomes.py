"""成果与培训: three tabs — 成果 (N四(六)1), 企业员工培训 (H第二十一条) and 产学合作数据 (the report's figures
for a 学年, ui/pages/cooperation_figures.py). The two lists are ListPages (search, kind and 学年 filters,
sortable columns, Enter opens, Delete with undo); Ctrl+N follows the tab (新建成果 / 新建培训记录)."""

from __future__ import annotations

from app.db.models import ACHIEVEMENT_KINDS, CONTRACT_ACHIEVEMENT_KINDS, TRAINING_KINDS
from app.domain.money import format_money
from app.services import outcome_list as lst
from app.services import outcomes as svc
from ui.models.lazy_table import Column
from ui.ops import read_now
from ui.pages.cooperation_figures import CooperationView
from ui.pages.list_page import ListPage, ListQuery, TabbedPage, refill
from ui.qt import *  # noqa: F403

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
WATCHED = ("achievement", "training", "enterprise", "major")


def _money(fen: int) -> str:
    return format_money(fen, symbol=False) if fen else ""


def _count(n: int) -> str:
    return f"{n:,}" if n else ""


def _amount_tip(r: svc.AchievementRow) -> str | None:
    if r.kind in CONTRACT_ACHIEVEMENT_KINDS:
        return f"合同金额 {format_money(r.amount_fen)}，按签订日期计入当学年的“学校为企业技术服务年收入”"
    return "此类成果的金额不计入技术服务年收入" if r.amount_fen else None


ACHIEVEMENT_COLUMNS = [
    Column("dated_on", "日期", "dated_on", 92),
    Column("kind", "类型", "kind", 96),
    Column("title", "成果名称", "title", 260),
    Column("enterprise_name", "合作企业", "enterprise", 210),
    Column("amount_fen", "金额（元）", "amount_fen", 120, fmt=_money, tooltip=_amount_tip),
    Column("major_name", "专业", None, 120),
    Column("people", "完成人", None, 160),
]
TRAINING_COLUMNS = [
    Column("starts_on", "开始日期", "starts_on", 92),
    Column("kind", "类型", "kind", 110),
    Column("title", "培训名称", "title", 230),
    Column("enterprise_name", "培训企业", "enterprise", 200),
    Column("trainees", "人数", "trainees", 64, fmt=_count),
    Column("hours", "学时", "hours", 64, fmt=_count),
    Column(
        "person_days",
        "人天",
        "person_days",
        72,
        fmt=_count,
        tooltip=lambda _r: "计入开始日期所在学年的“学校为企业年培训员工数（人天）”",
    ),
    Column("income_fen", "收入（元）", "income_fen", 110, fmt=_money),
    Column("major_name", "专业", None, 120),
]


class _OutcomeList(ListPage):
    """A list of 成果 or 培训 records with a kind filter and a 学年 filter."""

    kinds: tuple[str, ...] = ()
    date_key = ""

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.kind_box = self.filter_combo("全部类型", self.kinds)
        self.year_box = self.filter_combo("全部学年", ())
        self.year_box.setToolTip("按学校的学期日历划分学年（第一学期开始至下一学年开始前一天）")
        self._sync_years()
        bar.addWidget(self.kind_box, 1)
        bar.addWidget(self.year_box, 1)

    def query(self) -> ListQuery:
        sort, descending = self._sort
        q = lst.OutcomeQuery(
            text=self.search.text(),
            kind=self.kind_box.currentData() or "",
            school_year=self.year_box.currentData() or "",
            sort=sort,
            descending=descending,
        )
        return ListQuery(q, self.has_filter())

    def has_filter(self) -> bool:
        return bool(
            self.search.text().strip() or self.kind_box.currentIndex() or self.year_box.currentIndex()
        )

    def _sync_years(self) -> None:
        """New records may reach a 学年 the filter did not offer yet."""
        refill(self.year_box, [(f"{y}学年", y) for y in read_now(lst.outcome_school_years)])

    def created(self, record_id: str | None) -> None:
        if record_id:
            self._sync_years()
        super().created(record_id)


class AchievementsList(_OutcomeList):
    title = "成果"
    state_key = "achievements"
    noun, unit = "成果", "项"
    new_text = "新建成果…"
    search_hint = "搜索成果名称、合作企业、完成人或备注"
    columns = ACHIEVEMENT_COLUMNS
    default_sort = ("dated_on", True)
    watched = WATCHED
    kinds = ACHIEVEMENT_KINDS
    empty_title = "还没有成果"
    empty_hint = (
        "登记与企业合作取得的成果：横向课题和技术服务、转让、咨询合同（含金额），专利，"
        "与企业共同开发的课程和教材，技能竞赛获奖，标准。课程、教材和合同金额会计入“产学合作数据”。"
    )
    form_class = "ui.dialogs.achievement_dialog:AchievementDialog"
    delete_service = staticmethod(svc.delete_achievements)
    restore_service = staticmethod(svc.restore_achievements)

    row_service = staticmethod(lst.achievement_rows_by_id)
    right_aligned = frozenset({4})  # 金额
    id_service = staticmethod(lst.achievement_ids)
    count_service = staticmethod(lst.achievement_count)


class TrainingList(_OutcomeList):
    title = "企业员工培训"
    state_key = "trainings"
    noun, unit = "培训记录", "条"
    new_text = "新建培训记录…"
    search_hint = "搜索培训名称、培训企业或备注"
    columns = TRAINING_COLUMNS
    default_sort = ("starts_on", True)
    watched = WATCHED
    kinds = TRAINING_KINDS
    empty_title = "还没有培训记录"
    empty_hint = (
        "登记学院为企业员工开展的培训：岗前、岗位、技术技能培训和职业技能等级评价，"
        "填写人数、学时、人天和收入。人天计入“产学合作数据”的年培训员工数。"
    )
    form_class = "ui.dialogs.training_dialog:TrainingDialog"
    delete_service = staticmethod(svc.delete_trainings)
    restore_service = staticmethod(svc.restore_trainings)

    row_service = staticmethod(lst.training_rows_by_id)
    right_aligned = frozenset({4, 5, 6, 7})  # 人数, 学时, 人天, 收入
    id_service = staticmethod(lst.training_ids)
    count_service = staticmethod(lst.training_count)


class OutcomesPage(TabbedPage):
    """成果与培训 as three tabs; `new_text` / `new_record()` / `focus_search()` act on the tab on screen (on
    产学合作数据 they go to 成果)."""

    title = "成果与培训"
    state_key = "outcomes"

    def add_tabs(self, tabs: QTabWidget) -> None:
        self.achievements = AchievementsList()
        self.trainings = TrainingList()
        self.cooperation = CooperationView()
        tabs.addTab(self.achievements, "成果")
        tabs.addTab(self.trainings, "企业员工培训")
        tabs.addTab(self.cooperation, "产学合作数据")
        tabs.setTabToolTip(2, "按学年统计产学合作报表中由成果、培训和产业教师得出的五列，可导出 Excel")
        self.cooperation.new_achievement_wanted.connect(self.achievements.new_record)
        self.cooperation.new_training_wanted.connect(self.trainings.new_record)

    def target(self) -> _OutcomeList:
        return self.trainings if self.tabs.currentIndex() == 1 else self.achievements

    def first_focus(self, tab: QWidget) -> QWidget:
        return self.cooperation.year_box

    def open_achievement(self, achievement_id: str) -> None:
        """Show the achievement in its list and open its form."""
        self.show_record_on(self.achievements, achievement_id)

    def open_training(self, training_id: str) -> None:
        self.show_record_on(self.trainings, training_id)

    def show_cooperation(self, school_year: str = "") -> CooperationView:
        self.tabs.setCurrentWidget(self.cooperation)
        if school_year:
            self.cooperation.set_year(school_year)
        return self.cooperation
