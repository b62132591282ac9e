"""A small form for one budget line: 年度, project, category (with 新增类别…), amount, note. A RecordForm; the
amount is typed like the ledger's (1,234.50, ¥1234, 1234元)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.services import funds as svc
from app.services.common import Changes
from ui.dialogs.ledger_dialog import CategoryBox, project_choices
from ui.forms import ChoiceBox, MoneyEdit, RecordForm, required
from ui.ops import read_now
from ui.qt import *  # noqa: F403


class BudgetDialog(RecordForm):
    geometry_key = "budget"
    default_size = (480, 320)
    unsaved_what = "预算"
    titles = ("编制预算", "修改预算")
    bound_fields = "year note"
    first_field = "amount"

    def __init__(
        self,
        parent: QWidget | None = None,
        budget: svc.BudgetRow | None = None,
        *,
        year: int | None = None,
        project_id: str = "",
        category_id: str = "",
    ) -> None:
        self.preset = (year or dt.date.today().year, project_id, category_id)
        # the listed row names the record; `read` reads it from the database
        super().__init__(parent, budget.id if budget else None)

    def build(self) -> None:
        form = self.form()
        self.year = QSpinBox(minimum=svc.MIN_YEAR, maximum=svc.MAX_YEAR, suffix=" 年")
        form.addRow(required("年度"), self.with_error("year", self.year))
        self.project = ChoiceBox(read_now(project_choices), blank="（请选择项目）")
        form.addRow(required("项目"), self.with_error("project_id", self.project))
        self.category = CategoryBox()
        form.addRow(required("经费类别"), self.with_error("category_id", self.category))
        self.amount = MoneyEdit("amount_fen", "预算金额", placeholder="如 50,000 或 ¥50000.00")
        form.addRow(required("预算金额（元）"), self.with_error("amount_fen", self.amount))
        self.note = QLineEdit(placeholderText="如：批复文号")
        form.addRow("备注", self.with_error("note", self.note))
        self.body.addStretch(1)

    def read(self, s: Session, record_id: str) -> svc.BudgetRow:
        return svc.get_budget(s, record_id)

    def load_new(self) -> None:
        year, project_id, category_id = self.preset
        self.year.setValue(year)
        self.project.set_value(project_id or None)
        self.category.setCurrentIndex(max(0, self.category.findData(category_id)))

    def load(self, b: svc.BudgetRow) -> None:
        self.fill(b)
        self.project.set_value(b.project_id, b.project_name)
        self.category.setCurrentIndex(max(0, self.category.findData(b.category_id)))
        self.amount.set_fen(b.amount_fen)

    def data(self) -> svc.BudgetData:
        return svc.BudgetData(
            amount_fen=self.amount.required_fen(),
            **self.values(),
            project_id=self.project.value() or "",
            category_id=self.category.value() or "",
        )

    def check(self, s: Session, data: svc.BudgetData) -> list[ValidationError]:
        return svc.check_budget(s, data, exclude_id=self.record_id)

    def write(self, s: Session, data: svc.BudgetData) -> Changes:
        if self.record_id:
            return svc.update_budget(s, self.record_id, data)
        return svc.create_budget(s, data)
