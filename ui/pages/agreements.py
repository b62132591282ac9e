"""合作协议: search, filters, a lazily loaded sortable list, the lifecycle buttons of the selected agreement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.db.models import AGREEMENT_KINDS, AGREEMENT_STATUSES
from app.services import agreement_list as listing
from app.services import agreements as svc
from ui import theme
from ui.dialogs.agreement_dialog import (
    TRANSITION_TEXT,
    ask_transition,
    offered_transitions,
    status_color,
)
from ui.models.lazy_table import Column
from ui.operations import agreements as agreement_ops
from ui.ops import read_now
from ui.pages.list_page import ListPage
from ui.qt import *  # noqa: F403
from ui.settings import ui_settings
from ui.widgets import push_button, write_action

EXPIRING = (("90 天内到期", 90), ("30 天内到期", 30))
SHOW_ENDED_KEY = "agreements/show_ended"  # 显示已结束的, kept between sessions
SOON = 90  # days: 生效 agreements ending within this many days show the days left


def _days_text(days: int | None) -> str:
    if days is None or days > SOON:
        return ""
    return "今天到期" if days == 0 else f"还剩 {days} 天"


def _days_color(row: listing.AgreementRow) -> QColor | None:
    if row.days_left is None or row.days_left > SOON:
        return None
    return theme.qcolor(theme.ERROR) if row.days_left <= 30 else theme.qcolor(theme.WARNING)


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
    new_text = "新建协议…"
    search_hint = "搜索协议编号、名称或合作企业"
    columns = COLUMNS
    default_sort = ("ends_on", False)
    watched = ("agreement", "enterprise", "attachment")
    empty_title = "还没有合作协议"
    empty_hint = (
        "新建协议时选择合作企业，一份协议可以有多家企业。已签订的纸质协议可直接补录为“生效”，"
        "再把签字盖章的扫描件添加为附件。"
    )
    delete_service = staticmethod(svc.delete_agreements)
    restore_service = staticmethod(svc.restore_agreements)

    row_service = staticmethod(listing.agreement_rows)

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.status_box = self.filter_combo(
            "全部状态", [*AGREEMENT_STATUSES, *((text, f"expiring:{days}") for text, days in EXPIRING)]
        )
        self.kind_box = self.filter_combo("全部类型", AGREEMENT_KINDS)
        for box in (self.status_box, self.kind_box):
            box.setMinimumContentsLength(7)
            bar.addWidget(box, 1)
        # The long ended ones (终止, 到期 more than 90 days ago) are left out unless asked for; the choice is kept.
        self.show_ended = QCheckBox("显示已结束的")
        self.show_ended.setToolTip(
            f"默认不列出已终止和到期超过 {listing.ENDED_SHOWN_DAYS} 天的协议；勾选后一并列出。"
            "选择状态“到期”或“终止”时也会列出。"
        )
        self.show_ended.setChecked(ui_settings().value(SHOW_ENDED_KEY, False, type=bool))
        self.show_ended.toggled.connect(self._show_ended_toggled)
        bar.addWidget(self.show_ended)

    def add_actions(self, row: QHBoxLayout) -> None:
        row.addSpacing(16)
        self.state_label = QLabel("变更状态：")
        theme.muted(self.state_label)
        row.addWidget(self.state_label)
        self.transition_buttons: dict[str, QPushButton] = {}
        self._status_buttons: dict[str, QPushButton] = {}
        for to, text in TRANSITION_TEXT.items():
            b = push_button(text, lambda to=to: self.change_status(to), writes=True)
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
            hide_ended=self.hides_ended(),
            sort=self._sort[0],
            descending=self._sort[1],
        )

    def has_filter(self) -> bool:
        return bool(
            self.search.text().strip() or self.status_box.currentIndex() or self.kind_box.currentIndex()
        )

    def hides_ended(self) -> bool:
        """Whether the long ended agreements are left out: unless 显示已结束的 is ticked or a status is chosen."""
        return not self.show_ended.isChecked() and not self.status_box.currentIndex()

    def _show_ended_toggled(self, on: bool) -> None:
        ui_settings().setValue(SHOW_ENDED_KEY, on)
        self.reload()

    def _loaded(self, result: tuple[list[str], int]) -> None:
        super()._loaded(result)
        q = self.query()
        if not q.hide_ended:
            return
        everything = replace(q, hide_ended=False)
        hidden = read_now(lambda s: listing.count_agreements(s, everything)) - len(result[0])
        if hidden <= 0:
            return
        self.count_label.setText(f"{self.count_label.text()}，另有 {hidden} 份已结束的未列出")
        if not result[0] and not self.has_filter():  # every agreement has ended: say so, offer them
            self.empty.configure(
                "没有进行中的协议",
                f"另有 {hidden} 份已终止或到期超过 {listing.ENDED_SHOWN_DAYS} 天的协议未列出。",
                [
                    ("显示已结束的", lambda: self.show_ended.setChecked(True)),
                    write_action("新建协议…", self.new_agreement),
                ],
            )

    @staticmethod
    def ids_and_total(s, q: listing.AgreementQuery) -> tuple[list[str], int]:
        return listing.agreement_ids(s, q), listing.count_agreements(s)

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
            agreement_ops.change_status(self, row.id, to_status, text)

    def label_of(self, row: listing.AgreementRow) -> str:
        return row.title
