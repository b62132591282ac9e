"""学生实习: every internship with its class, student, unit, dates, status and — in the 问题 column — a dot in
the colour of its worst problem (错误 red, 警告 orange, 提示 grey) with the messages in the tooltip. Search,
filters (状态, 班级, 只看有问题的), sorting by any column, and on the selection: 状态 (a menu: 协议已签 / 开始实习 /
结束 / 终止…; a refusal lists each student and what is missing), 生成三方协议…, delete with undo. 批量安排…
(Ctrl+N) opens ui/dialogs/internship_batch_dialog.py, Enter the form (ui/dialogs/internship_dialog.py)."""

from __future__ import annotations

from functools import cache

from app.compliance.registry import cite_source
from app.db.models import INTERNSHIP_STATUSES
from app.services import internship_list as listing
from app.services import internships as svc
from app.services import students as students_svc
from app.services.internships import InternshipRow
from ui.dialogs.internship_fields import severity_color
from ui.dialogs.internship_status import MENU_STEPS, STEP_TEXT, change_status, status_color
from ui.legend import SourcesLegend
from ui.models.lazy_table import Column, LazyTableModel
from ui.ops import read_now
from ui.pages.list_page import ListPage, ListQuery, RecordsModel, refill
from ui.qt import *  # noqa: F403
from ui.widgets import for_writers


def _unit(r: InternshipRow) -> str:
    if r.enterprise_name and r.base_name:
        return f"{r.enterprise_name}（{r.base_name}）"
    return r.enterprise_name or r.base_name


def _period(r: InternshipRow) -> str:
    return f"{r.starts_on} 至 {r.ends_on}"


def problems_text(r: InternshipRow) -> str:
    """“1个错误、1个警告　未登记实习责任保险”: the counts, then the head of the first message."""
    counts = [
        (n, sev) for sev in ("错误", "警告", "提示") if (n := sum(p.severity == sev for p in r.problems))
    ]
    if not counts:
        return ""
    head = r.problems[0].message.partition("：")[0]
    return "、".join(f"{n}个{sev}" for n, sev in counts) + f"　{head}"


def problems_tip(r: InternshipRow) -> str | None:
    if r.status == "终止":
        return f"已终止：{r.status_reason}" if r.status_reason else "已终止"
    if not r.problems:
        return "没有发现问题"
    return "\n".join(f"【{p.severity}】{p.message}（{cite_source(p.source)}）" for p in r.problems)


def _status_tip(r: InternshipRow) -> str | None:
    return f"终止原因：{r.status_reason}" if r.status == "终止" and r.status_reason else None


COLUMNS = [
    Column("class_name", "班级", "class_name", 100),
    Column("student_no", "学号", "student_no", 100),
    Column("student_name", "姓名", "student_name", 70),
    Column("kind", "类型", "kind", 70),
    Column("enterprise_name", "实习单位 / 基地", "unit", 220, fmt=None),
    Column("position", "岗位", "position", 110),
    Column("starts_on", "起止", "starts_on", 180, fmt=None, tooltip=_period),
    Column("status", "状态", "status", 70, tooltip=_status_tip, foreground=lambda r: status_color(r.status)),
    Column("problems", "问题", "problems", 240, fmt=None, tooltip=problems_tip),
]
UNIT_COL, PERIOD_COL, PROBLEM_COL = 4, 6, 8


@cache
def dot(color: str) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(color))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(1, 1, 10, 10)
    p.end()
    return QIcon(pix)


class InternshipModel(RecordsModel):
    def __init__(self) -> None:
        super().__init__(COLUMNS, listing.rows_by_id)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[override]
        col = index.column() if index.isValid() else -1
        if col in (UNIT_COL, PERIOD_COL, PROBLEM_COL) and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.DecorationRole,
            Qt.ItemDataRole.ForegroundRole,
        ):
            row = self.row_at(index.row())
            if row is None:
                return None
            if col == PROBLEM_COL:
                return self._problem(row, role)
            if role == Qt.ItemDataRole.DisplayRole:
                return _unit(row) if col == UNIT_COL else _period(row)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and col == UNIT_COL:
            row = self.row_at(index.row())
            return _unit(row) if row else None
        return super().data(index, role)

    @staticmethod
    def _problem(row: InternshipRow, role: int):
        worst = listing.worst_severity(row.problems)
        if role == Qt.ItemDataRole.DisplayRole:
            return problems_text(row) if row.status != "终止" else ""
        if not worst or row.status == "终止":
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return dot(severity_color(worst))
        return QColor(severity_color(worst))


class InternshipsPage(ListPage):
    title = "学生实习"
    state_key = "internships"
    noun, unit = "实习记录", "条"
    new_text = "批量安排实习…"
    search_hint = "搜索学号、姓名、班级、实习单位或岗位"
    columns = COLUMNS
    default_sort = ("class_name", False)
    watched = ("internship", "monthly_evaluation", "student", "enterprise", "practice_base", "settings")
    empty_title = "还没有实习记录"
    empty_hint = "先在“学生与就业”导入名册，再按 Ctrl+N 为一个班批量安排。"
    delete_service = staticmethod(svc.delete_internships)
    restore_service = staticmethod(svc.restore_internships)
    id_service = staticmethod(listing.internship_ids)
    count_service = staticmethod(listing.internship_total)

    def make_model(self) -> LazyTableModel:
        return InternshipModel()

    def _build(self) -> None:
        super()._build()
        self.legend = SourcesLegend("“问题”一列的依据")  # under the list: the documents the problems cite
        self.layout().addWidget(self.legend)

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.status_box = self.filter_combo("全部状态", INTERNSHIP_STATUSES)
        self.class_box = self.filter_combo("全部班级", [])
        self.class_box.setMinimumContentsLength(10)
        self.fill_classes()
        self.problems_box = QCheckBox("只看有问题的")
        self.problems_box.setToolTip("只列出有“错误”或“警告”的实习（“提示”不算）")
        self.problems_box.toggled.connect(lambda _c: self.reload())
        bar.addWidget(self.status_box, 1)
        bar.addWidget(self.class_box, 1)
        bar.addWidget(self.problems_box)

    def fill_classes(self) -> None:
        """The classes of the roster in the 班级 filter (kept selected if still there)."""
        classes = read_now(students_svc.classes)
        refill(
            self.class_box,
            [(f"{c.class_name}（{c.students}人）", c.class_name) for c in classes if c.class_name],
        )

    def add_actions(self, row: QHBoxLayout) -> None:
        self.status_button = QPushButton("状态")
        self.status_button.setToolTip("变更所选实习的状态（可多选）")
        self.status_button.setStyleSheet("QPushButton::menu-indicator{image:none;width:0px;}")
        menu = QMenu(self.status_button)
        self.status_actions = {}
        for to in MENU_STEPS:
            self.status_actions[to] = for_writers(
                menu.addAction(STEP_TEXT[to], lambda to=to: self.change_status(to))
            )
        self.status_button.setMenu(menu)
        for_writers(self.status_button)
        row.addWidget(self.status_button)
        self.tripartite_button = self.button("生成三方协议…", "", self.generate_tripartite, writes=True)
        self.tripartite_button.setToolTip("为所选实习（未选则为列表中的全部）生成三方协议 Word 文档")
        row.addWidget(self.tripartite_button)

    def add_tools(self, row: QHBoxLayout) -> None:
        self.import_button = self.button("导入企业月度评价…", "", self.import_evaluations, writes=True)
        self.import_button.setToolTip("从 Excel 导入企业月度评价（学号、月份、评分、评价人、评语）")
        row.addWidget(self.import_button)

    def clear_filter_widgets(self) -> None:
        super().clear_filter_widgets()
        self.problems_box.blockSignals(True)
        self.problems_box.setChecked(False)
        self.problems_box.blockSignals(False)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        if hasattr(self, "status_button"):
            self.status_button.setEnabled(bool(self.selected_ids()))

    # ------------------------------------------------------------ querying

    def query(self) -> ListQuery:
        return ListQuery.of(
            listing.InternshipQuery(
                text=self.search.text(),
                status=self.status_box.currentData() or "",
                class_name=self.class_box.currentData() or "",
                problems_only=self.problems_box.isChecked(),
                sort=self._sort[0],
                descending=self._sort[1],
            )
        )

    def has_filter(self) -> bool:
        return self.query().filtered

    def label_of(self, row: InternshipRow) -> str:
        return f"{row.student_name}（{row.student_no}）"

    def _on_changes(self, changes) -> None:
        if changes.table == "student":
            self.fill_classes()
        super()._on_changes(changes)

    # ------------------------------------------------------------ actions

    def new_record(self, student_ids=(), class_name: str | None = None) -> tuple[str, ...]:
        from ui.dialogs.internship_batch_dialog import InternshipBatchDialog

        dlg = InternshipBatchDialog(self.window(), student_ids, class_name)
        dlg.exec()
        if dlg.saved_ids:
            self.created(dlg.saved_ids[0])
        return dlg.saved_ids

    def open_record(self, record_id: str) -> None:
        from ui.dialogs.internship_dialog import InternshipDialog

        InternshipDialog(self.window(), record_id).exec()

    def open_internship(self, internship_id: str) -> None:
        """Select the internship in the list and open its form (工作台 reminders, the student page call this)."""
        self.show_record(internship_id)

    def change_status(self, to_status: str) -> None:
        if ids := self.selected_ids():
            names = [self.model.row_at(self.model.row_of(i)).student_name for i in ids]
            change_status(self, ids, to_status, order=names)

    def generate_tripartite(self) -> None:
        ids = self.selected_ids() or self.model.ids()
        if not ids:
            return
        from ui.tripartite import generate_tripartite  # built beside this page

        generate_tripartite(self, ids)

    def import_evaluations(self) -> None:
        from ui import internships_io

        internships_io.import_evaluations(self)
