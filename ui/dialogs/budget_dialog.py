"""A small form for one budget line: 年度, project, category (with 新增类别…), amount, note. Saving is one
WriteOp; the amount is typed like the ledger's (1,234.50, ¥1234, 1234元)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money, parse_money
from app.errors import ValidationError
from app.services import funds as svc
from app.services.common import Changes
from ui.dialogs.ledger_dialog import NEW_CATEGORY, ask_new_category, fill_categories, live_projects
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, read_now


class BudgetDialog(FieldErrors, QDialog):
    def __init__(
        self,
        parent: QWidget | None = None,
        budget: svc.BudgetRow | None = None,
        *,
        year: int | None = None,
        project_id: str = "",
        category_id: str = "",
    ) -> None:
        super().__init__(parent)
        self.budget = budget
        self.saved_id: str | None = None
        self._saving = False
        self.setWindowTitle("修改预算" if budget else "编制预算")
        self.resize(460, 300)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.errors: dict[str, QLabel] = {}
        self.year = QSpinBox(minimum=svc.MIN_YEAR, maximum=svc.MAX_YEAR, suffix=" 年")
        self.year.setValue(year or dt.date.today().year)
        self._row(form, "年度*", self.year, "year")
        self.project = QComboBox()
        self.project.setMinimumContentsLength(18)
        self._row(form, "项目*", self.project, "project_id")
        self.category = QComboBox()
        self.category.currentIndexChanged.connect(self._category_chosen)
        self._row(form, "经费类别*", self.category, "category_id")
        self.amount = QLineEdit(placeholderText="如 50,000 或 ¥50000.00")
        self._row(form, "预算金额（元）*", self.amount, "amount_fen")
        self.note = QLineEdit(placeholderText="如：批复文号")
        self._row(form, "备注", self.note, "note")
        lay.addLayout(form)
        lay.addStretch(1)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存（Ctrl+S）", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)

        projects, categories = read_now(lambda s: (live_projects(s), svc.budget_categories(s)))
        for pid, name in projects:
            self.project.addItem(name, pid)
        fill_categories(self.category, categories)
        if budget:
            self.year.setValue(budget.year)
            project_id, category_id = budget.project_id, budget.category_id
            self.amount.setText(format_money(budget.amount_fen, symbol=False))
            self.note.setText(budget.note)
        self.project.setCurrentIndex(max(0, self.project.findData(project_id)))
        self.category.setCurrentIndex(max(0, self.category.findData(category_id)))
        self.amount.setFocus()

    def _row(self, form: QFormLayout, label: str, widget: QWidget, field: str) -> None:
        form.addRow(label, self.with_error(field, widget))

    @Slot(int)
    def _category_chosen(self, _index: int) -> None:
        if self.category.currentData() == NEW_CATEGORY:
            self.category.blockSignals(True)
            self.category.setCurrentIndex(0)
            self.category.blockSignals(False)
            ask_new_category(self, self._category_added)

    def _category_added(self, category_id: str) -> None:
        fill_categories(self.category, read_now(svc.budget_categories))
        self.category.setCurrentIndex(max(0, self.category.findData(category_id)))

    def data(self) -> svc.BudgetData:
        text = self.amount.text().strip()
        if not text:
            raise ValueError("请填写预算金额")
        return svc.BudgetData(
            year=self.year.value(),
            project_id=self.project.currentData() or "",
            category_id=self.category.currentData() or "",
            amount_fen=parse_money(text),
            note=self.note.text(),
        )

    @Slot()
    def save(self) -> None:
        if self._saving:
            return
        self.show_errors([])
        try:
            data = self.data()
        except ValueError as e:
            self.show_errors([ValidationError("amount_fen", str(e))])
            return
        budget_id = self.budget.id if self.budget else None
        if errors := read_now(lambda s: svc.check_budget(s, data, exclude_id=budget_id)):
            self.show_errors(errors)
            return
        self._saving = True
        self.save_button.setEnabled(False)

        def work(s) -> Changes:
            return svc.update_budget(s, budget_id, data) if budget_id else svc.create_budget(s, data)

        WriteOp(self, work).success(self._saved).failure(self._failed).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.save_failed(exc)

    def reject(self) -> None:
        if not self._saving and self.amount.isModified():
            answer = QMessageBox.question(self, "放弃修改", "预算尚未保存，确定关闭吗？")
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()
