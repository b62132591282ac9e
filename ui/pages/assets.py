"""产教融合资产 (H第十六条): the register with filters by status and owner. 已处置 rows are grey, 维修 orange;
an asset in use without a custodian (保管责任人, H第十六条(二)) shows 未指定 and says so in its tooltip.
The form with repairs and disposal is ui/dialogs/asset_dialog.py."""

from __future__ import annotations

from app.db.models import ASSET_OWNERS, ASSET_STATUSES
from app.domain.money import format_money
from app.services import assets as svc
from ui import theme
from ui.legend import source_note
from ui.models.lazy_table import Column
from ui.pages.list_page import ListPage, ListQuery
from ui.qt import *  # noqa: F403

GREY = theme.qcolor(theme.HINT)
ORANGE = theme.qcolor(theme.WARNING)
NO_CUSTODIAN = (
    "尚未指定保管责任人：打开资产填写保管责任人，工作台的提醒随之消失。\n"
    f"每项资产须有保管责任人{source_note('H第十六条(二)')}。"
)


def _no_custodian(r: svc.AssetRow) -> bool:
    return not r.custodian and r.status != "已处置"


def _grey(r: svc.AssetRow) -> QColor | None:
    return GREY if r.status == "已处置" else None


def _status_color(r: svc.AssetRow) -> QColor | None:
    return ORANGE if r.status == "维修" else _grey(r)


def _custodian_color(r: svc.AssetRow) -> QColor | None:
    return ORANGE if _no_custodian(r) else _grey(r)


def _tip(r: svc.AssetRow) -> str | None:
    if _no_custodian(r):
        return NO_CUSTODIAN
    if r.status == "已处置":
        return "已处置：处置方式和日期见资产的“处置”页"
    return None


def _name_tip(r: svc.AssetRow) -> str | None:
    return "\n".join(x for x in (r.name if len(r.name) > 8 else "", _tip(r) or "") if x) or None


COLUMNS = [  # status right after the name: what the list is read for, never scrolled away
    Column("name", "资产名称", None, 170, tooltip=_name_tip, foreground=_grey),
    Column("status", "状态", None, 56, tooltip=_tip, foreground=_status_color),
    Column("spec", "规格型号", None, 110, foreground=_grey),
    Column("quantity", "数量", None, 46, foreground=_grey),
    Column("unit_value_fen", "单价", None, 105, fmt=format_money, foreground=_grey),
    Column("total_value_fen", "总值", None, 115, fmt=format_money, foreground=_grey),
    Column("owner", "权属", None, 46, foreground=_grey),
    Column("contributed_by", "投入企业", None, 160, foreground=_grey),
    Column(
        "custodian",
        "保管责任人",
        None,
        80,
        fmt=lambda c: c or "未指定",
        tooltip=_tip,
        foreground=_custodian_color,
    ),
    Column("location", "存放地点", None, 130, foreground=_grey),
    Column("agreement", "协议", None, 180, foreground=_grey),
]


class AssetsPage(ListPage):
    title = "资产"
    state_key = "assets"
    noun, unit = "资产", "项"
    new_text = "新建资产…"
    search_hint = "搜索资产名称、规格、保管责任人或存放地点"
    columns = COLUMNS
    watched = ("asset", "asset_repair", "enterprise", "agreement")
    empty_title = "还没有资产"
    empty_hint = (
        "登记校企合作中投入的设备和设施：名称、数量、单价、权属、投入企业、保管责任人。"
        "企业捐赠或准捐赠的设备计入“产学合作”报表。"
    )
    form_class = "ui.dialogs.asset_dialog:AssetDialog"
    delete_service = staticmethod(svc.delete_assets)
    restore_service = staticmethod(svc.restore_assets)
    row_service = staticmethod(svc.asset_rows)
    right_aligned = frozenset({3, 4, 5})  # 数量, 单价, 总值
    id_service = staticmethod(svc.asset_ids)
    count_service = staticmethod(svc.asset_count)

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.status_box = self.filter_combo("全部状态", ASSET_STATUSES)
        self.owner_box = self.filter_combo("全部权属", ASSET_OWNERS)
        for box in (self.status_box, self.owner_box):
            bar.addWidget(box, 1)

    def query(self) -> ListQuery:
        q = svc.AssetQuery(
            text=self.search.text(),
            status=self.status_box.currentData() or "",
            owner=self.owner_box.currentData() or "",
        )
        return ListQuery(q, self.has_filter())

    def has_filter(self) -> bool:
        return bool(
            self.search.text().strip() or self.status_box.currentIndex() or self.owner_box.currentIndex()
        )

    # ------------------------------------------------------------ actions

    def open_asset(self, asset_id: str) -> None:
        """Select the asset in the list and open its form (the 工作台 reminders call this)."""
        self.show_record(asset_id)
