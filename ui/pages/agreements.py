"""合作协议: search, filters, a lazily loaded sortable list, the lifecycle buttons of the selected agreement."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
)

from app.db.models import AGREEMENT_KINDS, AGREEMENT_STATUSES
from app.services import agreement_list as listing
from app.services import agreements as svc
from ui.dialogs.agreement_dialog import (
    TRANSITION_TEXT,
    ask_transition,
    offered_transitions,
    status_color,
    transition_work,
)
from ui.models.lazy_table import Column, LazyTableModel
from ui.ops import WriteOp, read_now
from ui.pages.list_page import ListPage

EXPIRING = (("90 天内到期", 90), ("30 天内到期", 30))
SOON = 90  # days: 生效 agreements ending within this many days show the days left


def _days_text(days: int | None) -> str:
    if days is None or days > SOON:
        return ""
    return "今天到期" if days == 0 else f"还剩 {days} 天"


def _days_color(row: listing.AgreementRow) -> QColor | None:
    if row.days_left is None or row.days_left > SOON:
        return None
    return QColor("#c42b1c") if row.days_left <= 30 else QColor("#b26a00")


def _status_tip(row: listing.AgreementRow) -> str | None:
    if row.status == "到期" and row.stored_status == "生效":
        return "已过结束日期，自动显示为到期（尚未确认）"
    return None


COLUMNS = [  # status first after the title: it is what the list is read for, and never scrolled away
    Column("number", "协议编号", "number", 110),
    Column("title", "协议名称", "title", 230),
    Column("status", "状态", "status", 64, tooltip=_status_tip, foreground=lambda r: status_color(r.status)),
    Column("days_left", "剩余", None, 76, fmt=_days_text, foreground=_days_color),
    Column("kind", "协议类型", "kind", 90),
    Column("enterprises", "合作企业", None, 220),
    Column("starts_on", "开始日期", "starts_on", 90),
    Column("ends_on", "结束日期", "ends_on", 90),
    Column("signed_on", "签订日期", "signed_on", 90),
    Column("updated_at", "最后修改", "updated_at", 130),
]


class AgreementsPage(ListPage):
    """The agreements (合作协议) list, with the lifecycle buttons of the selected agreement."""

    title = "合作协议"
    state_key = "agreements"
    noun, unit = "协议", "份"
    new_text = "新建协议"
    search_hint = "搜索协议编号、名称或合作企业"
    columns = COLUMNS
    default_sort = ("ends_on", False)
    watched = ("agreement", "enterprise", "attachment")

    def make_model(self) -> LazyTableModel:
        return LazyTableModel(COLUMNS, lambda ids: read_now(lambda s: listing.agreement_rows(s, ids)))

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.status_box = self.filter_combo(
            "全部状态", [*AGREEMENT_STATUSES, *((text, f"expiring:{days}") for text, days in EXPIRING)]
        )
        self.kind_box = self.filter_combo("全部类型", AGREEMENT_KINDS)
        for box in (self.status_box, self.kind_box):
            box.setMinimumContentsLength(7)
            bar.addWidget(box, 1)

    def add_actions(self, row: QHBoxLayout) -> None:
        row.addSpacing(16)
        self.state_label = QLabel("变更状态：")
        self.state_label.setStyleSheet("color:#555;")
        row.addWidget(self.state_label)
        self.transition_buttons: dict[str, QPushButton] = {}
        self._status_buttons: dict[str, QPushButton] = {}
        for to, text in TRANSITION_TEXT.items():
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, to=to: self.change_status(to))
            b.hide()
            row.addWidget(b)
            self._status_buttons[to] = b

    # ------------------------------------------------------------ querying

    def query(self) -> listing.AgreementQuery:
        status, expiring = self.status_box.currentData() or "", None
        if status.startswith("expiring:"):
            status, expiring = "", int(status.split(":")[1])
        return listing.AgreementQuery(
            text=self.search.text(),
            status=status,
            kind=self.kind_box.currentData() or "",
            expiring_within=expiring,
            sort=self._sort[0],
            descending=self._sort[1],
        )

    def has_filter(self) -> bool:
        return bool(
            self.search.text().strip() or self.status_box.currentIndex() or self.kind_box.currentIndex()
        )

    @staticmethod
    def ids_and_total(s, q: listing.AgreementQuery) -> tuple[list[str], int]:
        return listing.agreement_ids(s, q), listing.count_agreements(s)

    def empty_state(self):
        return (
            "还没有合作协议",
            "新建协议时选择合作企业，一份协议可以有多家企业。已签订的纸质协议可直接补录为“生效”，"
            "再把签字盖章的扫描件添加为附件。",
            [("新建协议", self.new_agreement)],
        )

    def _update_buttons(self) -> None:
        super()._update_buttons()
        if hasattr(self, "_status_buttons"):
            self._show_transition_buttons(self.selected_row())

    def _show_transition_buttons(self, row: listing.AgreementRow | None) -> None:
        offered = offered_transitions(row.stored_status, row.status) if row else ()
        self.state_label.setVisible(bool(offered))
        self.transition_buttons = {to: self._status_buttons[to] for to in offered}
        for to, b in self._status_buttons.items():
            b.setVisible(to in offered)
            if row and to in offered:
                b.setToolTip(f"把所选协议的状态由“{row.stored_status}”变为“{to}”")

    # ------------------------------------------------------------ actions

    def new_record(self) -> None:
        self.new_agreement()

    def new_agreement(self, enterprise_ids: Sequence[str] = ()) -> None:
        """Open the form for a new agreement, with these enterprises already chosen."""
        from ui.dialogs.agreement_dialog import AgreementDialog

        dlg = AgreementDialog(self, enterprise_ids=tuple(enterprise_ids))
        dlg.exec()
        self.created(dlg.saved_id)

    def open_record(self, record_id: str) -> None:
        from ui.dialogs.agreement_dialog import AgreementDialog

        AgreementDialog(self, record_id).exec()

    def open_agreement(self, agreement_id: str) -> None:
        """Show this agreement selected in the list and open its form (the 工作台 reminders call this)."""
        self.show_record(agreement_id)

    def change_status(self, to_status: str) -> None:
        row = self.selected_row()
        if row is None or to_status not in offered_transitions(row.stored_status, row.status):
            return
        text = ask_transition(self, row.stored_status, to_status)
        if text is not None:
            WriteOp(self, transition_work(row.id, to_status, text)).run()

    def label_of(self, row: listing.AgreementRow) -> str:
        return row.title

    def delete_work(self, ids: list[str]):
        return lambda s: svc.delete_agreements(s, ids)

    def restore_work(self, ids: list[str]):
        return lambda s: svc.restore_agreements(s, ids)
