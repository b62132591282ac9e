"""资产 form (H第十六条), three tabs:

- 基本信息: the register's fields; 保存 is one WriteOp and closes the form.
- 维修与更换: major repairs or replacements (H第十六条(二)). A repair counts as confirmed only when both the
  school and the enterprise have confirmed it: 学校确认… / 企业确认… ask the confirming person's name and
  date it today. Each of these is its own small transaction, written at once.
- 处置: dispose (清算 / 移交 / 折价补偿, value, date, agreement) when the cooperation ends (H第十六条(三)),
  which sets the asset to 已处置; or cancel a disposal entered by mistake.

Repairs and disposal need a saved asset: on a new one those tabs say so."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.db.models import ASSET_OWNERS, CONTRIBUTION_KINDS, DISPOSAL_METHODS, REPAIR_KINDS
from app.domain.money import format_money, parse_money
from app.errors import ValidationError, ValidationErrors
from app.services import assets as svc
from app.services.choices import agreement_choices, chosen_labels, enterprise_choices, major_choices
from app.services.common import Changes
from ui.errors import show_error
from ui.form import ERROR_STYLE, FieldErrors, SaveFlow
from ui.ops import WriteOp, read_now
from ui.widgets import OptionalDate, confirm

MAX_CHOICES = 5000


def _choice_box(items, blank: str) -> QComboBox:
    """A combo of (label, id) with a blank first item; typing filters by any part of the name."""
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItem(blank, "")
    for c in items:
        box.addItem(c.label, c.id)
    completer = box.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    box.setMinimumContentsLength(20)
    return box


def _set_choice(box: QComboBox, record_id: str | None, label: str = "") -> None:
    if record_id and box.findData(record_id) < 0:
        box.addItem(label or "（已删除）", record_id)
    box.setCurrentIndex(max(0, box.findData(record_id or "")))


def _choice(box: QComboBox) -> str | None:
    """The chosen id; text typed that matches no item counts as nothing chosen."""
    i = box.findText(box.currentText())
    return (box.itemData(i) or None) if i >= 0 else None


def _today() -> dt.date:
    return dt.date.today()


def _date_text(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


class RepairDialog(QDialog):
    """登记维修 / 更换: kind, date, what was done, cost."""

    def __init__(self, parent: QWidget, asset_id: str) -> None:
        super().__init__(parent)
        self.asset_id = asset_id
        self.saved_id: str | None = None
        self.setWindowTitle("登记重大维修或更换")
        self.resize(440, 300)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItems(REPAIR_KINDS)
        form.addRow("类型*", self.kind)
        self.happened_on = OptionalDate()
        self.happened_on.set_value(_today())
        form.addRow("日期", self.happened_on)
        self.description = QPlainTextEdit(placeholderText="维修或更换的内容、原因")
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(80)
        form.addRow("说明", self.description)
        self.cost = QLineEdit(placeholderText="如 3,500 或 ¥3500.00")
        form.addRow("费用（元）", self.cost)
        lay.addLayout(form)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def data(self) -> svc.RepairData:
        text = self.cost.text().strip()
        return svc.RepairData(
            asset_id=self.asset_id,
            kind=self.kind.currentText(),
            description=self.description.toPlainText(),
            cost_fen=parse_money(text) if text else 0,
            happened_on=self.happened_on.value(),
        )

    @Slot()
    def save(self) -> None:
        try:
            data = self.data()
        except ValueError as e:
            self.message.setText(f"费用：{e}")
            return
        if errors := read_now(lambda s: svc.check_repair(s, data)):
            self.message.setText("；".join(e.message for e in errors))
            return
        WriteOp(self, lambda s: svc.add_repair(s, data)).success(self._saved).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self.accept()


class AssetDialog(SaveFlow, FieldErrors, QDialog):
    unsaved_what = "基本信息"

    def form_state(self) -> object:
        return self.state()

    def __init__(self, parent: QWidget | None = None, asset_id: str | None = None) -> None:
        super().__init__(parent)
        self.asset_id = asset_id
        self.saved_id: str | None = None
        self._saving = False
        self.detail: svc.AssetDetail | None = None
        self.setWindowTitle("资产" if asset_id else "新建资产")
        self.resize(720, 640)
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self.errors: dict[str, QLabel] = {}
        enterprises, agreements, majors = read_now(
            lambda s: (
                enterprise_choices(s, limit=MAX_CHOICES),
                agreement_choices(s, limit=MAX_CHOICES),
                major_choices(s),
            )
        )
        self._build_basic(enterprises, agreements, majors)
        self._build_repairs()
        self._build_disposal(agreements)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存（Ctrl+S）", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        if asset_id:
            self.reload_detail(basic=True)
        else:
            for i in (1, 2):
                self.tabs.setTabEnabled(i, False)
                self.tabs.setTabToolTip(i, "保存资产后可登记维修与处置")
        self._initial = self.state()
        self.name.setFocus()

    # ------------------------------------------------------------ 基本信息

    def _build_basic(self, enterprises, agreements, majors) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        self.name = QLineEdit(placeholderText="如：工业机器人实训工作站")
        self._row(form, "资产名称*", self.name, "name")
        self.spec = QLineEdit(placeholderText="规格型号")
        self._row(form, "规格型号", self.spec, "spec")
        value = QWidget()
        v = QHBoxLayout(value)
        v.setContentsMargins(0, 0, 0, 0)
        self.quantity = QSpinBox(minimum=1, maximum=1_000_000)
        self.unit_value = QLineEdit(placeholderText="单价（元），如 128,000")
        self.total = QLabel()
        self.total.setMinimumWidth(150)
        v.addWidget(self.quantity)
        v.addWidget(QLabel("单价（元）"))
        v.addWidget(self.unit_value, 1)
        v.addWidget(self.total)
        self._row(form, "数量*", value, "quantity")
        self.errors["unit_value_fen"] = self.errors["quantity"]
        owner = QWidget()
        o = QHBoxLayout(owner)
        o.setContentsMargins(0, 0, 0, 0)
        self.owner = QComboBox()
        self.owner.addItems(ASSET_OWNERS)
        self.self_made = QCheckBox("自主研制")
        self.self_made.setToolTip("学校自行研制的设备，计入“校内实践基地”表的自主研制设备值")
        o.addWidget(self.owner)
        o.addSpacing(16)
        o.addWidget(self.self_made)
        o.addStretch(1)
        self._row(form, "资产权属*", owner, "owner")
        self.errors["self_made"] = self.errors["owner"]
        contrib = QWidget()
        c = QHBoxLayout(contrib)
        c.setContentsMargins(0, 0, 0, 0)
        self.contributed_by = _choice_box(enterprises, "（学校自购，无投入企业）")
        self.contribution_kind = QComboBox()
        self.contribution_kind.addItem("—", "")
        for k in CONTRIBUTION_KINDS:
            self.contribution_kind.addItem(k, k)
        self.contribution_kind.setToolTip("捐赠 / 准捐赠 的设备计入“产学合作”报表的捐赠设备总值")
        c.addWidget(self.contributed_by, 1)
        c.addWidget(QLabel("投入方式"))
        c.addWidget(self.contribution_kind)
        self._row(form, "投入企业", contrib, "contributed_by_id")
        self.errors["contribution_kind"] = self.errors["contributed_by_id"]
        self.agreement = _choice_box(agreements, "（无）")
        self._row(form, "合作协议", self.agreement, "agreement_id")
        self.major = QComboBox()
        self.major.addItem("（不指定）", "")
        for m in majors:
            self.major.addItem(m.label, m.id)
        self._row(form, "面向专业", self.major, "major_id")
        self.location = QLineEdit(
            placeholderText="在校内实训基地的，以基地名称开头，如：智能制造实训中心 A101"
        )
        self._row(form, "存放地点", self.location, "location")
        self.custodian = QLineEdit(placeholderText="保管责任人姓名（H第十六条(二)）")
        self._row(form, "保管责任人", self.custodian, "custodian")
        self.acquired_on = OptionalDate()
        self._row(form, "取得日期", self.acquired_on, "acquired_on")
        self.status = QComboBox()
        self.status.addItems(svc.EDITABLE_STATUSES)
        self.status.setToolTip("处置请在“处置”页办理")
        self._row(form, "状态", self.status, "status")
        self.note = QPlainTextEdit(placeholderText="备注")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(60)
        self._row(form, "备注", self.note, "note")
        self.tabs.addTab(page, "基本信息")
        self.quantity.valueChanged.connect(self._update_total)
        self.unit_value.textChanged.connect(self._update_total)
        self._update_total()

    def _row(self, form: QFormLayout, label: str, widget: QWidget, field: str) -> None:
        form.addRow(label, self.with_error(field, widget))

    @Slot()
    def _update_total(self) -> None:
        try:
            text = self.unit_value.text().strip()
            fen = parse_money(text) if text else 0
        except ValueError:
            self.total.setText("总值：—")
            return
        self.total.setText(f"总值 {format_money(fen * self.quantity.value())}")

    def _load_basic(self, a: svc.AssetDetail) -> None:
        labels = read_now(lambda s: chosen_labels(s, [a.contributed_by_id or ""], [a.agreement_id or ""]))
        self.name.setText(a.name)
        self.spec.setText(a.spec)
        self.quantity.setValue(a.quantity)
        self.unit_value.setText(format_money(a.unit_value_fen, symbol=False))
        self.owner.setCurrentText(a.owner)
        self.self_made.setChecked(a.self_made)
        _set_choice(self.contributed_by, a.contributed_by_id, labels.get(a.contributed_by_id or "", ""))
        self.contribution_kind.setCurrentIndex(max(0, self.contribution_kind.findData(a.contribution_kind)))
        _set_choice(self.agreement, a.agreement_id, labels.get(a.agreement_id or "", ""))
        _set_choice(self.major, a.major_id)
        self.location.setText(a.location)
        self.custodian.setText(a.custodian)
        self.acquired_on.set_value(a.acquired_on)
        self.note.setPlainText(a.note)

    def _show_status(self, status: str) -> None:
        disposed = status == "已处置"
        if disposed and self.status.findText("已处置") < 0:
            self.status.addItem("已处置")
        if not disposed and (i := self.status.findText("已处置")) >= 0:
            self.status.removeItem(i)
        self.status.setCurrentText(status)
        self.status.setEnabled(not disposed)

    def state(self) -> dict[str, object]:
        """What the 基本信息 tab shows (to ask before closing with unsaved edits)."""
        return {
            "name": self.name.text(),
            "spec": self.spec.text(),
            "quantity": self.quantity.value(),
            "unit_value": self.unit_value.text(),
            "owner": self.owner.currentText(),
            "self_made": self.self_made.isChecked(),
            "contributed_by": self.contributed_by.currentText(),
            "contribution_kind": self.contribution_kind.currentData(),
            "agreement": self.agreement.currentText(),
            "major": self.major.currentData(),
            "location": self.location.text(),
            "custodian": self.custodian.text(),
            "acquired_on": self.acquired_on.value(),
            "status": self.status.currentText(),
            "note": self.note.toPlainText(),
        }

    def data(self) -> svc.AssetData:
        text = self.unit_value.text().strip()
        status = self.status.currentText()
        return svc.AssetData(
            name=self.name.text(),
            quantity=self.quantity.value(),
            unit_value_fen=parse_money(text) if text else 0,
            owner=self.owner.currentText(),
            spec=self.spec.text(),
            contributed_by_id=_choice(self.contributed_by),
            contribution_kind=self.contribution_kind.currentData() or "",
            agreement_id=_choice(self.agreement),
            location=self.location.text(),
            custodian=self.custodian.text(),
            acquired_on=self.acquired_on.value(),
            status="在用" if status == "已处置" else status,
            major_id=self.major.currentData() or None,
            note=self.note.toPlainText(),
            self_made=self.self_made.isChecked(),
        )

    # ------------------------------------------------------------ 维修与更换

    def _build_repairs(self) -> None:
        page = QWidget()
        v = QVBoxLayout(page)
        hint = QLabel(
            "重大维修或更换须学校和企业双方确认（H第十六条(二)）：双方都确认后才算“已确认”。",
            wordWrap=True,
        )
        hint.setStyleSheet("color:#555;")
        v.addWidget(hint)
        self.repairs = QTableWidget(0, 7)
        self.repairs.setHorizontalHeaderLabels(
            ["类型", "日期", "说明", "费用", "学校确认", "企业确认", "状态"]
        )
        self.repairs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.repairs.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.repairs.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.repairs.verticalHeader().setVisible(False)
        header = self.repairs.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # 说明 takes the room left
        for i, w in enumerate((50, 90, 0, 90, 120, 120, 86)):
            if w:
                self.repairs.setColumnWidth(i, w)
        self.repairs.itemSelectionChanged.connect(self._update_repair_buttons)
        v.addWidget(self.repairs, 1)
        row = QHBoxLayout()
        self.add_repair_button = QPushButton("登记维修…")
        self.add_repair_button.clicked.connect(self.add_repair)
        self.school_button = QPushButton("学校确认…")
        self.school_button.clicked.connect(lambda: self.confirm_repair("school"))
        self.enterprise_button = QPushButton("企业确认…")
        self.enterprise_button.clicked.connect(lambda: self.confirm_repair("enterprise"))
        self.delete_repair_button = QPushButton("删除")
        self.delete_repair_button.clicked.connect(self.delete_repair)
        for b in (self.add_repair_button, self.school_button, self.enterprise_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.delete_repair_button)
        v.addLayout(row)
        self.tabs.addTab(page, "维修与更换")
        self._update_repair_buttons()

    def _fill_repairs(self, repairs: tuple[svc.RepairInfo, ...]) -> None:
        selected = self.selected_repair()
        self.repairs.setRowCount(len(repairs))
        for r, info in enumerate(repairs):
            cells = (
                info.kind,
                _date_text(info.happened_on),
                info.description,
                format_money(info.cost_fen) if info.cost_fen else "",
                f"{info.school_person} {_date_text(info.school_confirmed_on)}".strip() or "待确认",
                f"{info.enterprise_person} {_date_text(info.enterprise_confirmed_on)}".strip() or "待确认",
                "已确认" if info.confirmed else "待双方确认",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, info.id)
                if c in (4, 5, 6) and text.startswith("待"):
                    item.setForeground(Qt.GlobalColor.darkYellow)
                if c == 2:
                    item.setToolTip(text)
                self.repairs.setItem(r, c, item)
            if selected and selected.id == info.id:
                self.repairs.selectRow(r)
        self.tabs.setTabText(1, f"维修与更换（{len(repairs)}）" if repairs else "维修与更换")
        self._update_repair_buttons()

    def selected_repair(self) -> svc.RepairInfo | None:
        rows = self.repairs.selectionModel().selectedRows()
        if not rows or self.detail is None:
            return None
        rid = self.repairs.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.detail.repairs if r.id == rid), None)

    @Slot()
    def _update_repair_buttons(self) -> None:
        r = self.selected_repair()
        self.school_button.setEnabled(r is not None and r.school_confirmed_on is None)
        self.enterprise_button.setEnabled(r is not None and r.enterprise_confirmed_on is None)
        self.delete_repair_button.setEnabled(r is not None)

    @Slot()
    def add_repair(self) -> None:
        if self.asset_id and RepairDialog(self, self.asset_id).exec():
            self.reload_detail()

    @Slot()
    def confirm_repair(self, side: str) -> None:
        r = self.selected_repair()
        if r is None:
            return
        label = "学校" if side == "school" else "企业"
        person, ok = QInputDialog.getText(self, f"{label}确认", f"{label}方确认人姓名（确认日期为今天）：")
        if not ok or not person.strip():
            return
        rid, on = r.id, _today()
        WriteOp(self, lambda s: svc.confirm_repair(s, rid, side, person, on)).success(
            lambda _c: self.reload_detail()
        ).run()

    @Slot()
    def delete_repair(self) -> None:
        r = self.selected_repair()
        if r is not None and confirm(self, "删除维修记录", f"确定删除这条{r.kind}记录？可在“回收站”恢复。"):
            ids = [r.id]
            WriteOp(self, lambda s: svc.delete_repairs(s, ids)).success(lambda _c: self.reload_detail()).run()

    # ------------------------------------------------------------ 处置

    def _build_disposal(self, agreements) -> None:
        self.disposal_stack = QStackedWidget()
        form_page = QWidget()
        outer = QVBoxLayout(form_page)
        hint = QLabel(
            "合作终止时，合作投入的资产按协议约定清算、移交或折价补偿（H第十六条(三)）。处置后资产状态为“已处置”。",
            wordWrap=True,
        )
        hint.setStyleSheet("color:#555;")
        outer.addWidget(hint)
        form = QFormLayout()
        self.method = QComboBox()
        self.method.addItems(DISPOSAL_METHODS)
        form.addRow("处置方式*", self.method)
        self.disposal_value = QLineEdit(placeholderText="处置价值（元），如 20,000")
        form.addRow("处置价值（元）", self.disposal_value)
        self.disposed_on = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.disposed_on.setDate(QDate.currentDate())
        form.addRow("处置日期*", self.disposed_on)
        self.disposal_agreement = _choice_box(agreements, "（同资产所属协议）")
        form.addRow("依据协议", self.disposal_agreement)
        self.disposal_note = QLineEdit(placeholderText="如：移交给合作企业，附交接清单")
        form.addRow("备注", self.disposal_note)
        outer.addLayout(form)
        self.disposal_error = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        outer.addWidget(self.disposal_error)
        self.dispose_button = QPushButton("处置资产…")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.dispose_button)
        outer.addLayout(row)
        outer.addStretch(1)
        self.dispose_button.clicked.connect(self.dispose)

        done_page = QWidget()
        d = QVBoxLayout(done_page)
        self.disposal_info = QLabel(wordWrap=True)
        self.disposal_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        d.addWidget(self.disposal_info)
        self.cancel_disposal_button = QPushButton("撤销处置")
        self.cancel_disposal_button.setToolTip("处置登记有误时撤销：资产恢复为“在用”，处置记录移到回收站")
        self.cancel_disposal_button.clicked.connect(self.cancel_disposal)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_disposal_button)
        d.addLayout(row)
        d.addStretch(1)
        self.disposal_stack.addWidget(form_page)
        self.disposal_stack.addWidget(done_page)
        self.tabs.addTab(self.disposal_stack, "处置")

    def _show_disposal(self, disposal: svc.DisposalInfo | None) -> None:
        if disposal is None:
            self.disposal_stack.setCurrentIndex(0)
            self.tabs.setTabText(2, "处置")
            return
        agreement = read_now(lambda s: chosen_labels(s, [], [disposal.agreement_id or ""])).get(
            disposal.agreement_id or "", "（无）"
        )
        self.disposal_info.setText(
            f"<b>已处置</b>（H第十六条(三)）<br><br>处置方式：{disposal.method}<br>"
            f"处置价值：{format_money(disposal.value_fen)}<br>处置日期：{disposal.disposed_on}<br>"
            f"依据协议：{agreement}<br>备注：{disposal.note or '—'}"
        )
        self.disposal_stack.setCurrentIndex(1)
        self.tabs.setTabText(2, "处置（已处置）")

    @Slot()
    def dispose(self) -> None:
        if not self.asset_id:
            return
        text = self.disposal_value.text().strip()
        try:
            value = parse_money(text) if text else 0
        except ValueError as e:
            self.disposal_error.setText(f"处置价值：{e}")
            return
        d = self.disposed_on.date()
        data = svc.DisposalData(
            asset_id=self.asset_id,
            method=self.method.currentText(),
            disposed_on=dt.date(d.year(), d.month(), d.day()),
            value_fen=value,
            agreement_id=_choice(self.disposal_agreement),
            note=self.disposal_note.text(),
        )
        if not confirm(self, "处置资产", f"确定以“{data.method}”方式处置此资产？处置后状态为“已处置”。"):
            return
        self.disposal_error.clear()
        WriteOp(self, lambda s: svc.dispose_asset(s, data)).success(lambda _c: self.reload_detail()).failure(
            self._disposal_failed
        ).run()

    def _disposal_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationErrors):
            self.disposal_error.setText("；".join(e.message for e in exc.errors))
        else:
            show_error(self, exc, "处置失败")

    @Slot()
    def cancel_disposal(self) -> None:
        if self.asset_id and confirm(self, "撤销处置", "确定撤销处置？资产将恢复为“在用”。"):
            aid = self.asset_id
            WriteOp(self, lambda s: svc.cancel_disposal(s, aid)).success(
                lambda _c: self.reload_detail()
            ).run()

    # ------------------------------------------------------------ loading and saving

    def reload_detail(self, *, basic: bool = False) -> None:
        """Re-read the asset; the 基本信息 fields only when asked (unsaved edits there are kept)."""
        aid = self.asset_id
        assert aid
        self.detail = read_now(lambda s: svc.get_asset(s, aid))
        if basic:
            self._load_basic(self.detail)
            self.setWindowTitle(f"资产：{self.detail.name}")
        self._show_status(self.detail.status)
        if self._initial is not None:  # a disposal or its cancelling changed the status: not an edit
            self._initial["status"] = self.status.currentText()  # type: ignore[index]
        self._fill_repairs(self.detail.repairs)
        self._show_disposal(self.detail.disposal)

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
            self.show_errors([ValidationError("unit_value_fen", f"单价：{e}")])
            return
        if errors := read_now(lambda s: svc.check_asset(s, data)):
            self.show_errors(errors)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        aid = self.asset_id

        def work(s: Session) -> Changes:
            return svc.update_asset(s, aid, data) if aid else svc.create_asset(s, data)

        WriteOp(self, work).success(self._saved).failure(self._failed).run()
