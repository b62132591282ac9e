"""经费台账 entry form: date, 收入 / 支出, the amount as people type it (1,234.50, ¥1234, 1234元), voucher
number, counterparty, summary, project, category (with 新增类别…), note, and the invoice scan.

Saving is one WriteOp (the entry and its attachments in one transaction). An entry that takes its budget
line over budget still saves — a ledger records what happened — and the warning comes back in
`saved_changes.warnings` for the page to show (H第十五条)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.money import format_money, parse_money
from app.errors import ValidationError
from app.services import funds as svc
from app.services.common import Changes
from app.services.projects import ProjectQuery, project_ids, project_rows
from ui.attachments_panel import AttachmentsPanel
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, read_now

NEW_CATEGORY = "__new__"


def live_projects(s: Session) -> list[tuple[str, str]]:
    """(id, name) of the live projects, by name (the project combos)."""
    ids = project_ids(s, ProjectQuery())
    rows = project_rows(s, ids)
    return sorted(((i, rows[i].name) for i in ids if i in rows), key=lambda x: x[1])


def fill_categories(box: QComboBox, categories: list[svc.CategoryInfo], *, blank: str = "") -> None:
    """Fill a category combo: an optional blank first item, the categories, then 新增类别…."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    if blank:
        box.addItem(blank, "")
    for c in categories:
        box.addItem(c.name, c.id)
    box.addItem("新增类别…", NEW_CATEGORY)
    box.setCurrentIndex(max(0, box.findData(current)))
    box.blockSignals(False)


def ask_new_category(parent: QWidget, on_added) -> None:
    """Ask a category name and add it (its own small transaction); on_added(category_id) afterwards."""
    name, ok = QInputDialog.getText(parent, "新增经费类别", "类别名称（如 设备、材料、差旅、劳务）：")
    if ok and name.strip():
        WriteOp(parent, lambda s: svc.add_budget_category(s, name)).success(
            lambda c: on_added(c.ids[0])
        ).run()


class LedgerDialog(FieldErrors, QDialog):
    def __init__(
        self, parent: QWidget | None = None, entry_id: str | None = None, project_id: str = ""
    ) -> None:
        super().__init__(parent)
        self.entry_id = entry_id
        self.saved_id: str | None = None
        self.saved_changes: Changes | None = None
        self._saving = False
        self._dirty = False
        self._loading = True
        self.setWindowTitle("修改台账记录" if entry_id else "新建经费记录")
        self.resize(620, 560)
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self.errors: dict[str, QLabel] = {}
        self._build_form()
        self.attachments = AttachmentsPanel(
            "ledger_entry", "发票、收据等凭证的扫描件或照片；文件会复制到数据库旁的附件文件夹。"
        )
        self.tabs.addTab(self.attachments, "发票扫描件")

        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存（Ctrl+S）", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        for seq in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, self.save)

        projects, categories = read_now(lambda s: (live_projects(s), svc.budget_categories(s)))
        for pid, name in projects:
            self.project.addItem(name, pid)
        fill_categories(self.category, categories, blank="（未分类）")
        if entry_id:
            self._load(read_now(lambda s: svc.get_ledger_entry(s, entry_id)))
        elif project_id:
            self.project.setCurrentIndex(max(0, self.project.findData(project_id)))
        self.attachments.load(entry_id)
        self._update_attachment_tab()
        self.attachments.changed.connect(self._update_attachment_tab)
        self.attachments.changed.connect(self._changed)
        self._loading = False
        self.amount.setFocus()

    def _build_form(self) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        self.entry_date = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.entry_date.setDate(QDate.currentDate())
        self._row(form, "记账日期*", self.entry_date, "entry_date")
        direction = QWidget()
        d = QHBoxLayout(direction)
        d.setContentsMargins(0, 0, 0, 0)
        self.expense = QRadioButton("支出")
        self.income = QRadioButton("收入")
        self.expense.setChecked(True)
        d.addWidget(self.expense)
        d.addWidget(self.income)
        d.addStretch(1)
        self._row(form, "收支*", direction, "direction")
        self.amount = QLineEdit(placeholderText="如 1,234.50 或 ¥1234 或 1234元")
        self.amount.setToolTip("金额（元），精确到分")
        self._row(form, "金额（元）*", self.amount, "amount_fen")
        self.voucher_no = QLineEdit(placeholderText="财务凭证号，如 记-0123")
        self._row(form, "凭证号", self.voucher_no, "voucher_no")
        self.counterparty = QLineEdit(placeholderText="付款或收款的单位 / 个人")
        self._row(form, "对方单位", self.counterparty, "counterparty")
        self.summary = QLineEdit(placeholderText="如：采购实训耗材、专家劳务费")
        self._row(form, "摘要", self.summary, "summary")
        self.project = QComboBox()
        self.project.setMinimumContentsLength(20)
        self._row(form, "项目*", self.project, "project_id")
        self.category = QComboBox()
        self.category.currentIndexChanged.connect(self._category_chosen)
        self._row(form, "经费类别", self.category, "category_id")
        self.note = QPlainTextEdit(placeholderText="备注")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(80)
        self._row(form, "备注", self.note, "note")
        self.tabs.addTab(page, "记账信息")
        for w in (self.amount, self.voucher_no, self.counterparty, self.summary):
            w.textChanged.connect(self._changed)
        self.note.textChanged.connect(self._changed)
        self.entry_date.dateChanged.connect(self._changed)
        self.income.toggled.connect(self._changed)
        self.project.currentIndexChanged.connect(self._changed)

    def _row(self, form: QFormLayout, label: str, widget: QWidget, field: str) -> None:
        form.addRow(label, self.with_error(field, widget))

    def _load(self, e: svc.LedgerDetail) -> None:
        if e.entry_date:
            self.entry_date.setDate(QDate(e.entry_date.year, e.entry_date.month, e.entry_date.day))
        (self.income if e.direction == "收入" else self.expense).setChecked(True)
        self.amount.setText(format_money(e.amount_fen, symbol=False))
        self.voucher_no.setText(e.voucher_no)
        self.counterparty.setText(e.counterparty)
        self.summary.setText(e.summary)
        if self.project.findData(e.project_id) < 0:  # a project in the 回收站: keep it visible
            self.project.addItem("（已删除的项目）", e.project_id)
        self.project.setCurrentIndex(self.project.findData(e.project_id))
        self.category.setCurrentIndex(max(0, self.category.findData(e.category_id or "")))
        self.note.setPlainText(e.note)

    @Slot()
    def _changed(self) -> None:
        if not self._loading:
            self._dirty = True

    @Slot()
    def _update_attachment_tab(self) -> None:
        n = self.attachments.list.count()
        self.tabs.setTabText(1, f"发票扫描件（{n}）" if n else "发票扫描件")

    @Slot(int)
    def _category_chosen(self, _index: int) -> None:
        if self.category.currentData() != NEW_CATEGORY:
            self._changed()
            return
        self.category.blockSignals(True)
        self.category.setCurrentIndex(0)
        self.category.blockSignals(False)
        ask_new_category(self, self._category_added)

    def _category_added(self, category_id: str) -> None:
        fill_categories(self.category, read_now(svc.budget_categories), blank="（未分类）")
        self.category.setCurrentIndex(max(0, self.category.findData(category_id)))

    # ------------------------------------------------------------ saving

    def data(self) -> svc.LedgerData:
        """The form's values; ValueError (with a Chinese message) when the amount cannot be read."""
        text = self.amount.text().strip()
        if not text:
            raise ValueError("请填写金额")
        fen = parse_money(text)
        d = self.entry_date.date()
        return svc.LedgerData(
            entry_date=dt.date(d.year(), d.month(), d.day()),
            direction="收入" if self.income.isChecked() else "支出",
            amount_fen=fen,
            project_id=self.project.currentData() or "",
            category_id=self.category.currentData() or None,
            voucher_no=self.voucher_no.text(),
            counterparty=self.counterparty.text(),
            summary=self.summary.text(),
            note=self.note.toPlainText(),
        )

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(0)

    @Slot()
    def save(self) -> None:
        if self._saving:
            return
        self.show_errors([])
        try:
            data = self.data()
        except ValueError as e:
            self.show_errors([ValidationError("amount_fen", str(e))])
            self.amount.setFocus()
            self.amount.selectAll()
            return
        if errors := read_now(lambda s: svc.check_ledger_entry(s, data)):
            self.show_errors(errors)
            return
        self.message.clear()
        self._saving = True
        self.save_button.setEnabled(False)
        entry_id, attach = self.entry_id, self.attachments.work()

        def work(s: Session) -> Changes:
            if entry_id:
                changes = svc.update_ledger_entry(s, entry_id, data)
            else:
                changes = svc.create_ledger_entry(s, data)
            attach(s, changes.ids[0])
            return changes

        WriteOp(self, work).success(self._saved).failure(self._failed).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self.saved_changes = changes
        self._dirty = False
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.save_failed(exc)

    def reject(self) -> None:
        if self._dirty:
            answer = QMessageBox.question(self, "放弃修改", "内容尚未保存，确定关闭吗？")
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()
