"""合作企业档案: search, filters, a lazily loaded sortable list, and the actions on it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import enterprise_list as listing
from app.services import enterprises as svc
from app.services.common import Changes
from ui.models.lazy_table import Column, LazyTableModel
from ui.ops import ReadOp, WriteOp, context, read_now
from ui.widgets import EmptyState, SearchBox, UndoBar, confirm

STATUS_COLORS = {
    "合作中": None,
    "意向": QColor("#1f6fb2"),
    "暂停": QColor("#b26a00"),
    "已解除": QColor("#888888"),
}


TIER_COLORS = {"融合层": QColor("#1e7b34"), "深化层": QColor("#1f6fb2"), "基础层": None}


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
        tooltip=lambda r: f"参与的项目中最高为{r.tier}（H第九条）" if r.tier else "尚未参与任何项目",
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


def _ids_and_total(s, q: listing.EnterpriseQuery) -> tuple[list[str], int]:
    """Runs on the database worker: the ids to show and the size of the whole archive."""
    ids = listing.enterprise_ids(s, q)
    return ids, listing.count_enterprises(s) if q.filtered else len(ids)


class EnterpriseTableModel(LazyTableModel):
    def __init__(self) -> None:
        super().__init__(COLUMNS, lambda ids: read_now(lambda s: listing.enterprise_rows(s, ids)))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[override]
        if (
            role == Qt.ItemDataRole.DisplayRole
            and index.isValid()
            and self.columns[index.column()].key == "uscc"
        ):
            row = self.row_at(index.row())
            return _uscc_text(row) if row else None
        return super().data(index, role)


class EnterprisesPage(QWidget):
    """The partner-enterprise archive."""

    title = "合作企业档案"
    loaded = Signal(int)  # number of rows shown, after every (re)load

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sort = ("name", False)
        self._total_live = -1
        self._pending_select: str | None = None
        self.model = EnterpriseTableModel()
        self._build()
        context().changes_applied.connect(self._on_changes)
        self.refresh_facets()
        self.reload()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 8)
        heading = QLabel(self.title)
        heading.setStyleSheet("font-size:15pt;font-weight:bold;")
        lay.addWidget(heading)

        bar = QHBoxLayout()
        self.search = SearchBox("搜索名称、简称、拼音首字母（如 hnxj）、信用代码、联系人或电话  Ctrl+F")
        self.search.search.connect(lambda _t: self.reload())
        bar.addWidget(self.search, 3)
        self.status_box = self._combo("全部状态", listing.Facets().statuses)
        self.category_box = self._combo("全部类别", listing.Facets().categories)
        self.industry_box = self._combo("全部行业", ())
        self.region_box = self._combo("全部地区", ())
        for box in (self.status_box, self.category_box, self.industry_box, self.region_box):
            bar.addWidget(box, 1)
        lay.addLayout(bar)

        actions = QHBoxLayout()
        self.new_button = self._button("新建企业", "Ctrl+N", self.new_enterprise)
        self.edit_button = self._button("编辑", "", self.edit_selected)
        self.delete_button = self._button("删除", "", self.delete_selected)
        self.import_button = self._button("从 Excel 导入…", "Ctrl+I", self.import_excel)
        self.export_button = self._button("导出 Excel…", "Ctrl+E", self.export_excel)
        self.template_button = self._button("下载导入模板…", "", self.save_template)
        for b in (self.new_button, self.edit_button, self.delete_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color:#555;")
        actions.addWidget(self.count_label)
        actions.addStretch(1)
        for b in (self.import_button, self.export_button, self.template_button):
            actions.addWidget(b)
        lay.addLayout(actions)

        self.undo_bar = UndoBar()
        self.undo_bar.undo_clicked.connect(self._undo_delete)
        lay.addWidget(self.undo_bar)

        self.stack = QStackedWidget()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(False)  # sorting is a new id query, not a proxy over all rows
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._header_clicked)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, col in enumerate(COLUMNS):
            self.table.setColumnWidth(i, col.width)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.empty = EmptyState()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        lay.addWidget(self.stack, 1)

        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self._focus_search)
        self.addAction(find)
        delete = QAction(self)
        delete.setShortcut(QKeySequence.StandardKey.Delete)
        delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.triggered.connect(self.delete_selected)
        self.table.addAction(delete)
        enter = QAction(self)
        enter.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        enter.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        enter.triggered.connect(self.edit_selected)
        self.table.addAction(enter)
        self._update_buttons()

    def _combo(self, all_text: str, values: Sequence[str]) -> QComboBox:
        box = QComboBox()
        box.addItem(all_text, "")
        for v in values:
            box.addItem(v, v)
        box.currentIndexChanged.connect(lambda _i: self.reload())
        box.setMinimumContentsLength(6)
        return box

    def _button(self, text: str, shortcut: str, slot) -> QPushButton:
        b = QPushButton(text)
        if shortcut:
            b.setShortcut(shortcut)
            b.setToolTip(f"{text}（{shortcut}）")
        b.clicked.connect(slot)
        return b

    @Slot()
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # ------------------------------------------------------------ querying

    def query(self) -> listing.EnterpriseQuery:
        return listing.EnterpriseQuery(
            text=self.search.text(),
            status=self.status_box.currentData() or "",
            category=self.category_box.currentData() or "",
            industry=self.industry_box.currentData() or "",
            region=self.region_box.currentData() or "",
            sort=self._sort[0],
            descending=self._sort[1],
        )

    def has_filter(self) -> bool:
        return self.query().filtered

    def reload(self) -> None:
        """Run the id query on the worker; the view keeps its rows until the answer arrives."""
        q = self.query()
        ReadOp(self, lambda s: _ids_and_total(s, q)).success(self._loaded).run()

    def reload_now(self) -> None:
        """Synchronous variant (tests)."""
        q = self.query()
        self._loaded(read_now(lambda s: _ids_and_total(s, q)))

    def _loaded(self, result: tuple[list[str], int]) -> None:
        ids, total = result
        selected = self.selected_ids()
        self.model.set_ids(ids)
        self._total_live = total
        if self.has_filter():
            self.count_label.setText(f"找到 {len(ids)} 家（共 {total} 家）")
        else:
            self.count_label.setText(f"共 {len(ids)} 家企业")
        self._show_empty_state(ids, total)
        wanted = [self._pending_select] if self._pending_select else selected
        self._pending_select = None
        self._select_ids(wanted)
        self._update_buttons()
        self.loaded.emit(len(ids))

    def _show_empty_state(self, ids: list[str], total: int) -> None:
        if ids:
            self.stack.setCurrentWidget(self.table)
            return
        if total == 0:
            self.empty.configure(
                "还没有合作企业",
                "可以逐家新建，也可以把现有的 Excel 名单一次导入（先下载模板，对照表头即可）。",
                [
                    ("新建企业", self.new_enterprise),
                    ("从 Excel 导入…", self.import_excel),
                    ("下载导入模板…", self.save_template),
                ],
            )
        else:
            self.empty.configure(
                "没有符合条件的企业", "请换个关键词，或清除筛选条件。", [("清除筛选", self.clear_filters)]
            )
        self.stack.setCurrentWidget(self.empty)

    def clear_filters(self) -> None:
        for box in (self.status_box, self.category_box, self.industry_box, self.region_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.reload()

    def refresh_facets(self) -> None:
        f = read_now(listing.facets)
        for box, values in ((self.industry_box, f.industries), (self.region_box, f.regions)):
            current = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for v in values:
                box.addItem(v, v)
            i = box.findData(current)
            box.setCurrentIndex(max(0, i))
            box.blockSignals(False)

    @Slot(int)
    def _header_clicked(self, section: int) -> None:
        key = COLUMNS[section].sort
        if key is not None:
            self._sort = (key, self._sort[0] == key and not self._sort[1])
            self.reload()
        self._sync_sort_indicator()

    def _sync_sort_indicator(self) -> None:
        section = next(i for i, c in enumerate(COLUMNS) if c.sort == self._sort[0])
        order = Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(section, order)

    # ------------------------------------------------------------ selection

    def selected_ids(self) -> list[str]:
        return self.model.selected_ids(self.table)

    def _select_ids(self, ids: Sequence[str]) -> None:
        sel = self.table.selectionModel()
        sel.clearSelection()
        first = True
        for record_id in ids:
            r = self.model.row_of(record_id)
            if r < 0:
                continue
            idx = self.model.index(r, 0)
            flags = sel.SelectionFlag.Select | sel.SelectionFlag.Rows
            if first:
                self.table.setCurrentIndex(idx)
                self.table.scrollTo(idx)
                first = False
            sel.select(idx, flags)

    def _update_buttons(self) -> None:
        n = len(self.selected_ids())
        self.edit_button.setEnabled(n == 1)
        self.delete_button.setEnabled(n > 0)
        self.export_button.setEnabled(self._total_live != 0)

    # ------------------------------------------------------------ actions

    def new_enterprise(self) -> None:
        from ui.dialogs.enterprise_dialog import EnterpriseDialog

        dlg = EnterpriseDialog(self)
        if dlg.exec() and dlg.saved_id:
            self._pending_select = dlg.saved_id

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        from ui.dialogs.enterprise_dialog import EnterpriseDialog

        EnterpriseDialog(self, ids[0]).exec()

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        names = [self.model.row_at(self.model.row_of(i)).name for i in ids[:5]]
        more = f" 等 {len(ids)} 家" if len(ids) > 5 else ""
        text = f"确定删除 {'、'.join(names)}{more}？\n\n删除的企业会移到“回收站”，可随时恢复。"
        if not confirm(self, "删除企业", text):
            return
        WriteOp(self, lambda s: svc.delete_enterprises(s, ids)).success(self._deleted).run()

    def _deleted(self, changes: Changes) -> None:
        self._last_deleted = list(changes.ids)
        self.undo_bar.show_message(f"已删除 {changes.count} 家企业到回收站。")

    def _undo_delete(self) -> None:
        ids = getattr(self, "_last_deleted", [])
        if ids:
            WriteOp(self, lambda s: svc.restore_enterprises(s, ids)).run()

    def import_excel(self) -> None:
        from ui.dialogs.import_dialog import ImportDialog

        ImportDialog.choose_and_run(self)

    def export_excel(self) -> None:
        from ui.files import run_export

        run_export(self, self.query())

    def save_template(self) -> None:
        from ui.files import save_template

        save_template(self)

    # ------------------------------------------------------------ changes

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table not in ("enterprise", "attachment", "settings"):
            return
        self.model.mark_stale(changes.ids)
        self.refresh_facets()
        self.reload()

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("enterprises/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value("enterprises/header")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)
