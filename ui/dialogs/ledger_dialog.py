"""经费台账 entry form: date, 收入 / 支出, the amount as people type it (1,234.50, ¥1234, 1234元), voucher
number, counterparty, summary, project, category (with 新增类别…), note, and the invoice scan.

A RecordForm: saving is one write (the entry and its attachments in one transaction). An entry that takes its
budget line over budget still saves — a ledger records what happened — and the warning comes back in
`saved_changes.warnings` for the page to show."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.services import funds as svc
from app.services.choices import Choice
from app.services.common import Changes
from app.services.projects import ProjectQuery, project_ids, project_rows
from ui.attachments_panel import AttachmentsPanel
from ui.forms import ChoiceBox, DateField, MoneyEdit, RecordForm, required
from ui.forms.fields import note_edit
from ui.forms.record_form import id_alias
from ui.operations import funds as ops
from ui.ops import read_now, write_refusal
from ui.qt import *  # noqa: F403

NEW_CATEGORY = "__new__"


def live_projects(s: Session) -> list[tuple[str, str]]:
    """(id, name) of the live projects, by name (the project combos)."""
    ids = project_ids(s, ProjectQuery())
    rows = project_rows(s, ids)
    return sorted(((i, rows[i].name) for i in ids if i in rows), key=lambda x: x[1])


def project_choices(s: Session) -> list[Choice]:
    return [Choice(i, name) for i, name in live_projects(s)]


def fill_categories(box: QComboBox, categories: list[svc.CategoryInfo], *, blank: str = "") -> None:
    """Fill a category combo: an optional blank first item, the categories, then 新增类别… (not for a 只读 user)."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    if blank:
        box.addItem(blank, "")
    for c in categories:
        box.addItem(c.name, c.id)
    if not write_refusal():
        box.addItem("新增类别…", NEW_CATEGORY)
    box.setCurrentIndex(max(0, box.findData(current)))
    box.blockSignals(False)


def ask_new_category(parent: QWidget, on_added) -> None:
    """Ask a category name and add it (its own small transaction); on_added(category_id) afterwards."""
    name, ok = QInputDialog.getText(parent, "新增经费类别", "类别名称（如 设备、材料、差旅、劳务）：")
    if ok and name.strip():
        ops.add_category(parent, name, lambda c: on_added(c.ids[0]))


class CategoryBox(ChoiceBox):
    """The 经费类别 drop-down with 新增类别… at its end: choosing it asks the name and adds the category."""

    def __init__(self, blank: str = "") -> None:
        super().__init__(blank=None, editable=False)
        self._blank = blank
        self.reload()
        self.currentIndexChanged.connect(self._chosen)

    def reload(self) -> None:
        fill_categories(self, read_now(svc.budget_categories), blank=self._blank)

    def value(self) -> str | None:
        data = self.currentData()
        return None if not data or data == NEW_CATEGORY else data

    @Slot(int)
    def _chosen(self, _index: int) -> None:
        if self.currentData() != NEW_CATEGORY:
            return
        self.blockSignals(True)
        self.setCurrentIndex(0)
        self.blockSignals(False)
        ask_new_category(self, self._added)

    def _added(self, category_id: str) -> None:
        self.reload()
        self.setCurrentIndex(max(0, self.findData(category_id)))


class LedgerDialog(RecordForm):
    geometry_key = "ledger"
    default_size = (620, 560)
    unsaved_what = "台账记录"
    titles = ("新建经费记录", "修改台账记录")
    bound_fields = "entry_date voucher_no counterparty summary note"
    first_field = "amount"

    def __init__(
        self, parent: QWidget | None = None, entry_id: str | None = None, project_id: str = ""
    ) -> None:
        self.preset_project = project_id
        super().__init__(parent, entry_id)

    entry_id = id_alias()

    def build(self) -> None:
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        outer.addStretch(1)
        self.entry_date = DateField(optional=False, field="entry_date", label="记账日期")
        form.addRow(required("记账日期"), self.with_error("entry_date", self.entry_date))
        direction = QHBoxLayout()
        direction.setContentsMargins(0, 0, 0, 0)
        self.expense = QRadioButton("支出")
        self.income = QRadioButton("收入")
        self.expense.setChecked(True)
        direction.addWidget(self.expense)
        direction.addWidget(self.income)
        direction.addStretch(1)
        form.addRow(required("收支"), self.with_error("direction", direction))
        self.amount = MoneyEdit("amount_fen", "金额", placeholder="如 1,234.50 或 ¥1234 或 1234元")
        self.amount.setToolTip("金额（元），精确到分")
        form.addRow(required("金额（元）"), self.with_error("amount_fen", self.amount))
        self.voucher_no = QLineEdit(placeholderText="财务凭证号，如 记-0123")
        form.addRow("凭证号", self.with_error("voucher_no", self.voucher_no))
        self.counterparty = QLineEdit(placeholderText="付款或收款的单位 / 个人")
        form.addRow("对方单位", self.with_error("counterparty", self.counterparty))
        self.summary = QLineEdit(placeholderText="如：采购实训耗材、专家劳务费")
        form.addRow("摘要", self.with_error("summary", self.summary))
        self.project = ChoiceBox(read_now(project_choices), blank="（请选择项目）")
        form.addRow(required("项目"), self.with_error("project_id", self.project))
        self.category = CategoryBox(blank="（未分类）")
        form.addRow("经费类别", self.with_error("category_id", self.category))
        self.note = note_edit("备注", 80)
        form.addRow("备注", self.with_error("note", self.note))
        self.tabs.addTab(page, "记账信息")
        self.attachments = self.with_attachments(
            AttachmentsPanel("ledger_entry", "发票、收据等凭证的扫描件或照片。")
        )
        self.tabs.addTab(self.attachments, "发票扫描件")
        self.attachments.changed.connect(self._count_files)

    # ------------------------------------------------------------ loading

    def read(self, s: Session, record_id: str) -> svc.LedgerDetail:
        return svc.get_ledger_entry(s, record_id)

    def load_new(self) -> None:
        if self.preset_project:
            self.project.set_value(self.preset_project)
        self.attachments.load(None)
        self._count_files()

    def load(self, e: svc.LedgerDetail) -> None:
        self.fill(e)
        (self.income if e.direction == "收入" else self.expense).setChecked(True)
        self.amount.set_fen(e.amount_fen)
        self.project.set_value(e.project_id, "（已删除的项目）")  # a project in the 回收站 stays visible
        self.category.setCurrentIndex(max(0, self.category.findData(e.category_id or "")))
        self.attachments.load(e.id)
        self._count_files()

    @Slot()
    def _count_files(self) -> None:
        n = self.attachments.list.count()
        self.tabs.setTabText(1, f"发票扫描件（{n}）" if n else "发票扫描件")

    # ------------------------------------------------------------ saving

    def data(self) -> svc.LedgerData:
        return svc.LedgerData(
            amount_fen=self.amount.required_fen(),
            **self.values(),
            direction="收入" if self.income.isChecked() else "支出",
            project_id=self.project.value() or "",
            category_id=self.category.value(),
        )

    def check(self, s: Session, data: svc.LedgerData) -> list[ValidationError]:
        return svc.check_ledger_entry(s, data)

    def write(self, s: Session, data: svc.LedgerData) -> Changes:
        if self.record_id:
            return svc.update_ledger_entry(s, self.record_id, data)
        return svc.create_ledger_entry(s, data)

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(0)
        if first_field == "amount_fen":
            self.amount.setFocus()
            self.amount.selectAll()
