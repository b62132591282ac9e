"""A 校内实训基地's 耗材 and 维护 costs per 学年 (校内实践基地 table), shown in the base form: a small table of
学年 / 原材料（耗材）费用 / 设备维护费用 with 添加… / 编辑… / 删除, each its own transaction, written at once.
One row per 学年: the service refuses a second one with a message naming the 学年."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money, parse_money
from app.errors import ValidationError
from app.services import bases as svc
from app.services.common import Changes
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, read_now
from ui.widgets import confirm

HEADERS = ["学年", "原材料（耗材）费用（元）", "设备维护费用（元）", "备注"]
MONEY_FIELDS = (("consumables_fen", "原材料（耗材）费用"), ("maintenance_fen", "设备维护费用"))


def recent_school_years(current_semester: str, back: int = 5) -> list[str]:
    """The 学年 of the current semester, the next one and `back` before it, latest first."""
    first = int(current_semester[:4])
    return [f"{y}-{y + 1}" for y in range(first + 1, first - back - 1, -1)]


def _yuan(fen: int) -> str:
    return format_money(fen, symbol=False)


class CostDialog(FieldErrors, QDialog):
    """One 学年's costs of a 校内 base: 耗材 and 维护 in 元 (typed as 12,000 or ¥12000.50)."""

    def __init__(self, parent: QWidget | None, base_id: str, cost: svc.CostRow | None = None) -> None:
        super().__init__(parent)
        self.base_id = base_id
        self.cost_id = cost.id if cost else None
        self.saved_id: str | None = None
        self.errors: dict[str, QLabel] = {}
        self.setWindowTitle("耗材与维护费用" if cost else "登记耗材与维护费用")
        self.resize(440, 280)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        lay.addLayout(form)
        current = read_now(svc.current_semester)
        self.school_year = QComboBox(editable=True)
        self.school_year.addItems(recent_school_years(current))
        self.school_year.setCurrentText(cost.school_year if cost else current[:9])
        self.school_year.setToolTip("学年，如 2025-2026")
        form.addRow("学年*", self.with_error("school_year", self.school_year))
        self.consumables = QLineEdit(placeholderText="如 12,000 或 ¥12000.50；没有填 0")
        form.addRow("原材料（耗材）费用（元）", self.with_error("consumables_fen", self.consumables))
        self.maintenance = QLineEdit(placeholderText="如 8,500；没有填 0")
        form.addRow("设备维护费用（元）", self.with_error("maintenance_fen", self.maintenance))
        self.note = QLineEdit(placeholderText="费用来源、主要项目等（可不填）")
        form.addRow("备注", self.with_error("note", self.note))
        self.errors["base_id"] = self.errors["school_year"]
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        lay.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        if cost:
            self.consumables.setText(_yuan(cost.consumables_fen))
            self.maintenance.setText(_yuan(cost.maintenance_fen))
            self.note.setText(cost.note)

    def data(self) -> svc.CostData:
        """The form's values; ValidationError naming the field for an amount that is not money."""
        amounts = {}
        for (field, label), edit in zip(MONEY_FIELDS, (self.consumables, self.maintenance), strict=True):
            text = edit.text().strip()
            try:
                amounts[field] = parse_money(text) if text else 0
            except ValueError as e:
                raise ValidationError(field, f"{label}：{e}") from e
        return svc.CostData(self.base_id, self.school_year.currentText(), note=self.note.text(), **amounts)

    @Slot()
    def save(self) -> None:
        self.show_errors([])
        try:
            data = self.data()
        except ValidationError as e:
            self.show_errors([e])
            return
        cost_id = self.cost_id
        if errors := read_now(lambda s: svc.check_cost(s, data, cost_id)):
            self.show_errors(errors)
            return
        WriteOp(self, lambda s: svc.save_cost(s, data, cost_id)).success(self._saved).failure(
            self.save_failed
        ).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self.accept()


class CostPanel(QWidget):
    """The cost rows of one base (set_base) with their buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base_id: str | None = None
        self.costs: list[svc.CostRow] = []
        v = QVBoxLayout(self)
        hint = QLabel(
            "校内实训基地每学年的原材料（耗材）费用和设备维护费用，计入“校内实践基地”表（万元）。每个学年登记一条。",
            wordWrap=True,
        )
        v.addWidget(hint)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, w in enumerate((100, 170, 150)):
            self.table.setColumnWidth(i, w)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.edit_cost())
        v.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("登记费用…")
        self.add_button.clicked.connect(self.add_cost)
        self.edit_button = QPushButton("编辑…")
        self.edit_button.clicked.connect(self.edit_cost)
        self.delete_button = QPushButton("删除")
        self.delete_button.clicked.connect(self.delete_cost)
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        row.addWidget(self.delete_button)
        v.addLayout(row)
        self._update_buttons()

    def set_base(self, base_id: str) -> None:
        self.base_id = base_id
        self.reload()

    def reload(self) -> None:
        bid = self.base_id
        self.costs = read_now(lambda s: svc.cost_rows(s, bid)) if bid else []
        self.table.setRowCount(len(self.costs))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, c in enumerate(self.costs):
            cells = (c.school_year, _yuan(c.consumables_fen), _yuan(c.maintenance_fen), c.note)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.id)
                if col in (1, 2):
                    item.setTextAlignment(right)
                self.table.setItem(r, col, item)
        self._update_buttons()

    def selected(self) -> svc.CostRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        cid = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((c for c in self.costs if c.id == cid), None)

    @Slot()
    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    @Slot()
    def add_cost(self) -> None:
        if self.base_id and CostDialog(self, self.base_id).exec():
            self.reload()

    @Slot()
    def edit_cost(self) -> None:
        c = self.selected()
        if c is not None and self.base_id and CostDialog(self, self.base_id, c).exec():
            self.reload()

    @Slot()
    def delete_cost(self) -> None:
        c = self.selected()
        if c is not None and confirm(
            self, "删除费用记录", f"确定删除{c.school_year}学年的耗材与维护费用？可在“回收站”恢复。"
        ):
            ids = [c.id]
            WriteOp(self, lambda s: svc.delete_costs(s, ids)).success(lambda _c: self.reload()).run()
