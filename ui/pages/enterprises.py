"""合作企业档案: search, filters, a lazily loaded sortable list, and the actions on it."""

from __future__ import annotations

from app.services import enterprise_list as listing
from app.services import enterprises as svc
from app.services.common import Changes
from ui import theme
from ui.models.lazy_table import DISPLAY, Column, LazyTableModel
from ui.ops import read_now
from ui.pages.list_page import ListPage, ListQuery, RecordsModel, refill, reload_soon
from ui.qt import *  # noqa: F403
from ui.widgets import write_action

STATUS_COLORS = {
    "合作中": None,
    "意向": theme.qcolor(theme.INFO),
    "暂停": theme.qcolor(theme.WARNING),
    "已解除": theme.qcolor(theme.DISABLED),
}


TIER_COLORS = {
    "融合层": theme.qcolor(theme.TIER["integration"]),
    "深化层": theme.qcolor(theme.TIER["deepening"]),
    "基础层": None,
}


def _uscc_text(row: listing.EnterpriseRow) -> str:
    return f"{row.uscc}（已核对）" if row.uscc_confirmed else row.uscc


def _uscc_tip(row: listing.EnterpriseRow) -> str | None:
    if row.uscc_confirmed:
        return "该代码校验位不符，但已对照营业执照核对确认"
    return None


COLUMNS = [
    Column("name", "企业名称", "name", 260),
    Column("short_name", "简称", None, 90),
    Column("uscc", "统一社会信用代码", "uscc", 180, tooltip=_uscc_tip),  # text: see EnterpriseTableModel
    Column("status", "合作状态", "status", 70, foreground=lambda r: STATUS_COLORS.get(r.status)),
    Column(
        "tier",
        "合作层级",
        None,
        70,
        tooltip=lambda r: f"参与的项目中最高为{r.tier}（按项目类型）" if r.tier else "尚未参与任何项目",
        foreground=lambda r: TIER_COLORS.get(r.tier),
    ),
    Column("industry", "所属行业", "industry", 110),
    Column("region", "所在地区", "region", 90),
    Column("scale", "规模", "scale", 50),
    Column("categories", "企业类别", None, 150),
    Column("cooperation_start", "合作开始", "cooperation_start", 90),
    Column("contact_name", "联系人", None, 70),
    Column("contact_phone", "联系电话", None, 110),
    Column("updated_at", "最后修改", "updated_at", 130),
]


USCC_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.key == "uscc")


class EnterpriseTableModel(RecordsModel):
    def __init__(self) -> None:
        super().__init__(COLUMNS, listing.enterprise_rows)

    def data(self, index: QModelIndex, role: int = DISPLAY):  # type: ignore[override]
        if role == DISPLAY and index.column() == USCC_COLUMN and index.isValid():
            row = self.row_at(index.row())
            return _uscc_text(row) if row else None
        return super().data(index, role)


class EnterprisesPage(ListPage):
    """The partner-enterprise archive."""

    title = "合作企业档案"
    state_key = "enterprises"
    noun, unit = "企业", "家"
    new_text = "新建企业…"
    search_hint = "搜索名称、简称、拼音首字母（如 hnxj）、信用代码、联系人或电话"
    columns = COLUMNS
    default_sort = ("name", False)
    watched = ("enterprise", "attachment", "settings", "project")
    delete_service = staticmethod(svc.delete_enterprises)
    restore_service = staticmethod(svc.restore_enterprises)
    id_service = staticmethod(listing.enterprise_ids)
    count_service = staticmethod(listing.count_enterprises)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.refresh_facets()

    def make_model(self) -> LazyTableModel:
        return EnterpriseTableModel()

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.status_box = self.filter_combo("全部状态", listing.Facets().statuses)
        self.category_box = self.filter_combo("全部类别", listing.Facets().categories)
        self.industry_box = self.filter_combo("全部行业", ())
        self.region_box = self.filter_combo("全部地区", ())
        for box in (self.status_box, self.category_box, self.industry_box, self.region_box):
            bar.addWidget(box, 1)

    def add_tools(self, row: QHBoxLayout) -> None:
        self.import_button = self.button("从 Excel 导入…", "Ctrl+I", self.import_excel, writes=True)
        self.export_button = self.button("导出 Excel…", "Ctrl+E", self.export_excel)
        self.template_button = self.button("下载导入模板…", "", self.save_template)
        row.addStretch(1)
        for b in (self.import_button, self.export_button, self.template_button):
            row.addWidget(b)

    # ------------------------------------------------------------ querying

    def query(self) -> ListQuery:
        return ListQuery.of(
            listing.EnterpriseQuery(
                text=self.search.text(),
                status=self.status_box.currentData() or "",
                category=self.category_box.currentData() or "",
                industry=self.industry_box.currentData() or "",
                region=self.region_box.currentData() or "",
                sort=self._sort[0],
                descending=self._sort[1],
            )
        )

    def has_filter(self) -> bool:
        return self.query().filtered

    def empty_state(self):
        return (
            "还没有合作企业",
            "可以逐家新建，也可以把现有的 Excel 名单一次导入（先下载模板，对照表头即可）。",
            [
                self.new_action(),
                write_action("从 Excel 导入…", self.import_excel),
                ("下载导入模板…", self.save_template),
            ],
        )

    def refresh_facets(self) -> None:
        f = read_now(listing.facets)
        for box, values in ((self.industry_box, f.industries), (self.region_box, f.regions)):
            refill(box, [(v, v) for v in values])

    def _update_buttons(self) -> None:
        super()._update_buttons()
        self.export_button.setEnabled(self._total != 0)

    # ------------------------------------------------------------ actions

    def new_record(self) -> None:
        self.new_enterprise()

    def new_enterprise(self) -> None:
        from ui.dialogs.enterprise_dialog import EnterpriseDialog

        dlg = EnterpriseDialog(self)
        if dlg.exec() and dlg.saved_id:
            self._pending_select = dlg.saved_id

    def open_record(self, record_id: str) -> None:
        from ui.dialogs.enterprise_dialog import EnterpriseDialog

        EnterpriseDialog(self, record_id).exec()

    def label_of(self, row: listing.EnterpriseRow) -> str:
        """The name; where another enterprise has the same name, what tells this one apart (信用代码, 地区,
        录入日期), so the delete confirmation says which of the two it deletes."""

        def created_if_twin(s):
            like = svc.EnterpriseData(name=row.name)
            if not svc.KnownEnterprises.load(s, like=like, exclude_id=row.id).names:
                return None
            return svc.get_enterprise(s, row.id).created_at

        created = read_now(created_if_twin)
        if created is None:
            return row.name
        when = (created.astimezone() if created.tzinfo else created).strftime("%Y-%m-%d")
        parts = [
            f"统一社会信用代码 {row.uscc}" if row.uscc else "无统一社会信用代码",
            f"地区 {row.region}" if row.region else "",
            f"{when} 录入",
        ]
        return f"{row.name}（{'，'.join(p for p in parts if p)}）"

    def import_excel(self) -> None:
        from ui.dialogs.import_dialog import ImportDialog

        ImportDialog.choose_and_run(self)

    def export_excel(self) -> None:
        from ui.files import run_export

        run_export(self, self.query().query)

    def save_template(self) -> None:
        from ui.files import save_template

        save_template(self)

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table in self.watched:
            reload_soon(self.refresh_facets)
        super()._on_changes(changes)
