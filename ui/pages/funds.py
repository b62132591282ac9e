"""经费: the 经费台账 (ledger) list and the 预算执行 view (ui/pages/budgets.py) on one page, as two tabs.

The ledger list shows ids first and rows on demand (STYLE §5): `ledger_index` gives the ids and the running
balance after each entry in one query; the balance follows the service's definition — in date order over
the filtered entries, opening with the matching entries of the years before a year filter (上年结转, shown
in the count line). An expense whose budget line is over budget has its category in red, and its tooltip
says by how much (H第十五条); saving such an entry shows the warning in a bar under the filters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.db.models import LEDGER_DIRECTIONS
from app.domain.money import format_money
from app.io import ledger_export, ledger_xlsx
from app.services import funds as svc
from app.services.common import Changes
from ui import files, theme
from ui.dialogs.import_dialog import ImportDialog
from ui.dialogs.ledger_dialog import live_projects
from ui.legend import source_note
from ui.models.lazy_table import Column, LazyTableModel
from ui.operations import funds as fund_ops
from ui.ops import read_now
from ui.pages.budgets import BudgetsView
from ui.pages.list_page import ListPage, TabbedPage, refill
from ui.qt import *  # noqa: F403
from ui.widgets import write_action

RED = theme.qcolor(theme.ERROR)
GREEN = theme.qcolor(theme.OK)


@dataclass(frozen=True)
class LedgerLine(svc.LedgerRow):
    """A row as the list shows it: 收入 / 支出 split, and the running balance after it."""

    balance_fen: int = 0
    income_fen: int = 0
    expense_fen: int = 0


def _money(fen: int) -> str:
    return format_money(fen) if fen else ""


def _over_tip(r: LedgerLine) -> str | None:
    if not r.overspent:
        return None
    return (
        f"超预算：{r.project_name} {r.entry_date.year}年度“{r.category_name}”"
        f"支出已超出预算 {format_money(r.over_fen)}。记录照常保存，工作台有提醒。\n"
        f"项目支出不得超出年度预算{source_note('H第十五条')}。"
    )


COLUMNS = [
    Column("entry_date", "日期", "entry_date", 92),
    Column("voucher_no", "凭证号", None, 84),
    Column("summary", "摘要", None, 170),
    Column("counterparty", "对方单位", None, 130),
    Column("project_name", "项目", None, 140),
    Column(
        "category_name",
        "类别",
        None,
        64,
        tooltip=_over_tip,
        foreground=lambda r: RED if r.overspent else None,
    ),
    Column(
        "income_fen",
        "收入",
        None,
        105,
        fmt=_money,
        foreground=lambda r: GREEN if r.direction == "收入" else None,
    ),
    Column("expense_fen", "支出", None, 105, fmt=_money, foreground=lambda r: RED if r.overspent else None),
    Column(
        "balance_fen",
        "余额",
        None,
        115,
        fmt=format_money,
        tooltip=lambda _r: "按当前筛选的记录依日期累计（有年度筛选时含上年结转）",
        foreground=lambda r: RED if r.balance_fen < 0 else None,
    ),
]
MONEY_COLUMNS = {6, 7, 8}


class LedgerModel(LazyTableModel):
    """Rows with 收入 / 支出 split and the running balance from the index; money right-aligned."""

    def __init__(self) -> None:
        super().__init__(COLUMNS, self._rows_for)
        self.balances: dict[str, int] = {}

    def _rows_for(self, ids) -> dict[str, Any]:
        rows = read_now(lambda s: svc.ledger_rows(s, ids))
        return {i: _line(r, self.balances.get(i, 0)) for i, r in rows.items()}

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in MONEY_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


def _line(r: svc.LedgerRow, balance: int) -> LedgerLine:
    income = r.amount_fen if r.direction == "收入" else 0
    return LedgerLine(**vars(r), balance_fen=balance, income_fen=income, expense_fen=r.amount_fen - income)


class LedgerPage(ListPage):
    title = "经费台账"
    state_key = "ledger"
    noun, unit = "台账记录", "条"
    new_text = "新建经费记录…"
    search_hint = "搜索摘要、对方单位或凭证号"
    columns = COLUMNS
    default_sort = ("entry_date", False)
    watched = ("ledger_entry", "budget", "budget_category", "project", "attachment")
    new_project_wanted = Signal()
    delete_service = staticmethod(svc.delete_ledger_entries)
    restore_service = staticmethod(svc.restore_ledger_entries)

    def make_model(self) -> LazyTableModel:
        return LedgerModel()

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.year_box = self.filter_combo("全部年度", ())
        self.project_box = self.filter_combo("全部项目", ())
        self.category_box = self.filter_combo("全部类别", ())
        self.direction_box = self.filter_combo("收入和支出", LEDGER_DIRECTIONS)
        self.project_box.setMinimumContentsLength(12)
        for box in (self.year_box, self.project_box, self.category_box, self.direction_box):
            bar.addWidget(box, 1)

    def add_actions(self, row: QHBoxLayout) -> None:
        self.warning = QLabel(wordWrap=True)
        theme.banner(self.warning, theme.ERROR)
        self.warning.hide()

    def add_tools(self, row: QHBoxLayout) -> None:
        self.import_button = self.button("导入财务明细账…", "", self.import_excel, writes=True)
        self.import_button.setToolTip(
            "导入财务处导出的项目经费明细账（借方/贷方、收入/支出或金额+收支）：先预览、逐行检查，再一次导入。\n"
            "文件没有“项目”列时，先在上方选择项目，记录导入到该项目。"
        )
        self.export_button = self.button("导出台账…", "", self.export_excel)
        self.export_button.setToolTip("按当前的年度和项目筛选导出可打印的台账（A4 横向，含类别小计和合计）")
        row.addWidget(self.import_button)
        row.addWidget(self.export_button)

    def _build(self) -> None:
        super()._build()
        lay = self.layout()
        assert isinstance(lay, QVBoxLayout)
        lay.insertWidget(lay.indexOf(self.undo_bar), self.warning)

    # ------------------------------------------------------------ querying

    def query(self) -> svc.LedgerQuery:
        return svc.LedgerQuery(
            year=self.year_box.currentData() or None,
            project_id=self.project_box.currentData() or "",
            category_id=self.category_box.currentData() or "",
            direction=self.direction_box.currentData() or "",
            text=self.search.text(),
            descending=self._sort[1],
        )

    def has_filter(self) -> bool:
        q = self.query()
        return bool(q.text.strip() or q.year or q.project_id or q.category_id or q.direction)

    @staticmethod
    def ids_and_total(s: Session, q: svc.LedgerQuery) -> tuple[Any, int]:
        index = svc.ledger_index(s, q)
        filters = _filter_choices(s)  # the filter lists, read with the ids (one job)
        filtered = q.year is not None or q.project_id or q.category_id or q.direction or q.text.strip()
        return (index, filters), svc.count_ledger_entries(s) if filtered else len(index.ids)

    def _loaded(self, result: tuple[Any, int]) -> None:
        (index, filters), total = result
        self.opening_fen = index.opening_fen
        self.model.balances = dict(zip(index.ids, index.balances, strict=True))
        self._refresh_filters(*filters)
        super()._loaded((index.ids, total))
        if self.query().year is not None and index.ids:
            self.count_label.setText(f"{self.count_label.text()}  上年结转 {format_money(index.opening_fen)}")
        self.count_label.setToolTip(
            "余额按当前筛选的记录依日期累计；有年度筛选时从此前各年度同样条件记录的结余（上年结转）起算"
        )

    def _refresh_filters(self, years: list[int], projects: list[tuple[str, str]], categories) -> None:
        for box, items in (
            (self.year_box, [(f"{y}年度", y) for y in years]),
            (self.project_box, [(name, pid) for pid, name in projects]),
            (self.category_box, [(c.name, c.id) for c in categories]),
        ):
            refill(box, items)

    def empty_state(self):
        projects = read_now(live_projects)
        if not projects:
            return (
                "还没有项目",
                "台账的每一笔收支都记在某个项目下。请先在“项目与平台”中新建项目，"
                "再到“预算执行”编制预算，然后登记收支。",
                [write_action("新建项目…", self.new_project_wanted.emit)],
            )
        return (
            "还没有经费记录",
            "逐笔登记项目经费的收入和支出（日期、金额、凭证号、对方单位），可附发票扫描件。"
            "建议先在“预算执行”中编制预算，超出预算的支出会被标出。",
            [write_action("新建经费记录…（Ctrl+N）", self.new_record)],
        )

    def label_of(self, row: LedgerLine) -> str:
        return f"{row.entry_date} {row.summary[:16] or row.direction} {format_money(row.amount_fen)}"

    # ------------------------------------------------------------ actions

    def new_record(self) -> str | None:
        from ui.dialogs.ledger_dialog import LedgerDialog

        dlg = LedgerDialog(self.window(), project_id=self.project_box.currentData() or "")
        dlg.exec()
        self._after_save(dlg)
        self.created(dlg.saved_id)
        return dlg.saved_id

    def open_record(self, record_id: str) -> None:
        from ui.dialogs.ledger_dialog import LedgerDialog

        dlg = LedgerDialog(self.window(), record_id)
        dlg.exec()
        self._after_save(dlg)

    def _after_save(self, dlg) -> None:
        changes = dlg.saved_changes
        if changes is None:
            return
        if changes.warnings:
            self.warning.setText("⚠ " + "\n".join(changes.warnings))
            self.warning.show()
        else:
            self.warning.hide()

    def import_excel(self) -> None:
        path = files.ask_open(self, "选择财务处导出的经费明细账（Excel）", "import_ledger")
        if path is not None:
            check_ledger_file(self, path, self.project_box.currentData() or None)

    def export_excel(self) -> None:
        q = self.query()
        name = f"经费台账{f'{q.year}年度' if q.year else ''}{f'-{self.project_box.currentText()}' if q.project_id else ''}"
        path = files.ask_save(self, "导出经费台账", "export_ledger", f"{name}.xlsx")
        if path is not None:
            export_ledger_file(self, path, q.year, q.project_id or None)


# ---------------------------------------------------------------- Excel (app/io/ledger_xlsx.py)


class LedgerImportDialog(ImportDialog):
    """The shared import preview (every row with its problems), importing ledger entries in one transaction."""

    @Slot()
    def do_import(self) -> None:
        progress = self.start_import(f"正在导入 {len(self.preview.valid_rows)} 条台账记录…")
        fund_ops.import_ledger(self, self.preview, progress, self._done, self._failed)

    def _done(self, changes: Changes) -> None:
        over = [w for w in changes.warnings if "超出预算" in w or "超预算" in w]
        text = f"已导入 {changes.count} 条台账记录。"
        if over:
            text += "\n\n导入后超预算（记录已保存并标记）：\n" + "\n".join(over[:10])
        self.finish_import(changes, text, warnings=False)


def check_ledger_file(parent: QWidget, path: Path, project_id: str | None) -> None:
    """Read and check the file on the worker, then show the preview."""
    dialog = lambda preview: LedgerImportDialog(parent, path, preview)  # noqa: E731
    files.preview_file(parent, path, ledger_xlsx.read_ledger, dialog, project=project_id)


def export_ledger_file(parent: QWidget, path: Path, year: int | None, project_id: str | None) -> None:
    def message(result: ledger_export.LedgerExport) -> str:
        return (
            f"已导出 {result.entries} 条台账记录到\n{path}\n\n收入合计 {format_money(result.income_fen)}，"
            f"支出合计 {format_money(result.expense_fen)}，期末余额 {format_money(result.closing_fen)}"
        )

    files.export_file(
        parent,
        path,
        "正在导出经费台账…",
        ledger_export.export_ledger,
        message,
        year=year,
        project_id=project_id,
    )


def _filter_choices(s: Session) -> tuple[list[int], list[tuple[str, str]], list[svc.CategoryInfo]]:
    return svc.ledger_years(s), live_projects(s), svc.budget_categories(s)


class FundsPage(TabbedPage):
    """经费: 经费台账 and 预算执行 as tabs. Ctrl+N / Ctrl+F act on the ledger (新建经费记录 / 搜索) or, on
    the 预算执行 tab, Ctrl+N opens 编制预算."""

    title = "经费"
    state_key = "funds"
    new_project_wanted = Signal()

    def add_tabs(self, tabs: QTabWidget) -> None:
        self.ledger = LedgerPage()
        budgets = QWidget()
        b = QVBoxLayout(budgets)
        b.setContentsMargins(12, 4, 12, 8)
        self.budgets = BudgetsView()
        b.addWidget(self.budgets)
        tabs.addTab(self.ledger, "经费台账")
        tabs.addTab(budgets, "预算执行")
        self.ledger.new_project_wanted.connect(self.new_project_wanted)
        self.budgets.new_project_wanted.connect(self.new_project_wanted)

    @property
    def new_text(self) -> str:
        return "新建经费记录…" if self.on_ledger() else "编制预算…"

    def search_list(self) -> LedgerPage:
        return self.ledger

    def first_focus(self, tab: QWidget) -> QWidget:
        return self.budgets.table

    def on_ledger(self) -> bool:
        return self.tabs.currentIndex() == 0

    def show_ledger(self) -> LedgerPage:
        self.tabs.setCurrentIndex(0)
        return self.ledger

    def show_budgets(self) -> BudgetsView:
        self.tabs.setCurrentIndex(1)
        return self.budgets

    @Slot()
    def new_record(self) -> None:
        if self.on_ledger():
            self.ledger.new_record()
        else:
            self.budgets.new_budget()
