"""企业走访 / 访企拓岗 (H第十七条): the visits, newest first, with search and a year filter; 记录走访 is the
quick-entry dialog (ui/dialogs/visit_dialog.py)."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.money import format_money
from app.services import visits as svc
from ui.models.lazy_table import Column
from ui.ops import read_now
from ui.pages.list_page import ListPage, refill
from ui.qt import *  # noqa: F403

COLUMNS = [
    Column("visited_on", "走访日期", None, 100),
    Column("enterprises", "走访企业", None, 300),
    Column("leader", "带队领导", None, 90),
    Column("purpose", "走访目的", None, 260),
    Column("positions", "岗位数", None, 70, fmt=lambda n: str(n) if n is not None else ""),
    Column("average_pay_fen", "平均月薪", None, 100, fmt=lambda f: format_money(f) if f is not None else ""),
]


@dataclass(frozen=True)
class VisitQuery:
    text: str = ""
    year: int | None = None


class VisitsPage(ListPage):
    title = "企业走访"
    state_key = "visits"
    noun, unit = "走访记录", "条"
    new_text = "新建走访记录…"
    search_hint = "搜索企业名称、拼音首字母、带队领导、参加人员、目的或发现"
    columns = COLUMNS
    right_aligned = frozenset({4, 5})  # 岗位数, 平均月薪
    watched = ("visit", "enterprise")
    empty_title = "还没有走访记录"
    empty_hint = (
        "院领导带队走访合作企业，访企拓岗。走访时或走访后用“新建走访记录”随手记下，"
        "没建档的企业输入名称即可，稍后再补全。"
    )
    delete_service = staticmethod(svc.delete_visits)
    restore_service = staticmethod(svc.restore_visits)

    row_service = staticmethod(svc.visit_rows)

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.year_box = self.filter_combo("全部年份", ())
        bar.addWidget(self.year_box, 1)

    def add_actions(self, row: QHBoxLayout) -> None:
        self.new_button.setToolTip(
            "快速记录一次企业走访（Ctrl+N；任何页面 Ctrl+Shift+N）；未保存的内容自动保留为草稿"
        )

    def query(self) -> VisitQuery:
        return VisitQuery(self.search.text(), self.year_box.currentData() or None)

    def has_filter(self) -> bool:
        q = self.query()
        return bool(q.text.strip() or q.year)

    @staticmethod
    def ids_and_total(s, q: VisitQuery) -> tuple[list[str], int]:
        ids = svc.visit_ids(s, text=q.text, year=q.year)
        return ids, len(svc.visit_ids(s)) if (q.text.strip() or q.year) else len(ids)

    def _loaded(self, result: tuple[list[str], int]) -> None:
        super()._loaded(result)
        self.refresh_years()

    def refresh_years(self) -> None:
        refill(self.year_box, [(f"{y}年", y) for y in read_now(svc.visit_years)])

    def label_of(self, row: svc.VisitRow) -> str:
        return f"{row.visited_on} {row.enterprises[:20]}"

    # ------------------------------------------------------------ actions

    def new_record(self, enterprise_ids: tuple[str, ...] = ()) -> str | None:
        from ui.dialogs.visit_dialog import VisitDialog

        dialog = VisitDialog(self.window(), enterprise_ids=enterprise_ids)
        dialog.exec()
        self.created(dialog.saved_id)
        return dialog.saved_id

    def open_record(self, record_id: str) -> None:
        from ui.dialogs.visit_dialog import VisitDialog

        VisitDialog(self.window(), record_id).exec()

    def edit_visit(self, visit_id: str) -> None:
        self.show_record(visit_id)
