"""资产 form, three tabs:

- 基本信息: the register's fields; 保存 writes them in one transaction and closes the form.
- 维修与更换: major repairs or replacements. A repair counts as confirmed only when both the school and the
  enterprise have confirmed it: 学校确认… / 企业确认… ask the confirming person's name and date it today.
  登记维修… opens RepairDialog; confirming and deleting are each their own small transaction, written at once
  (ui/operations/assets.py).
- 处置: when the cooperation ends, 处置资产… opens DisposalDialog (清算 / 移交 / 折价补偿, value, date,
  agreement), which sets the asset to 已处置; 撤销处置 cancels a disposal entered by mistake.

Repairs and disposal need a saved asset: on a new one those tabs say so. The rules cited (the school's
产教融合管理办法, 第十六条) are named in words in the tabs' tooltips."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.db.models import ASSET_OWNERS, CONTRIBUTION_KINDS, DISPOSAL_METHODS, REPAIR_KINDS
from app.domain.money import format_money
from app.errors import ValidationError
from app.services import assets as svc
from app.services.choices import Choice, agreement_choices, chosen_labels, enterprise_choices, major_choices
from app.services.common import Changes
from ui import theme
from ui.forms import ChoiceBox, DateField, MoneyEdit, RecordForm, required, scrolling
from ui.forms.child_table import button_bar
from ui.forms.fields import note_edit, side_by_side
from ui.forms.record_form import id_alias
from ui.operations import assets as ops
from ui.ops import read_now
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, for_writers, push_button

MAX_CHOICES = 5000
REPAIR_RULE = "H第十六条(二)"  # custodian; major repairs confirmed by both sides
DISPOSAL_RULE = "H第十六条(三)"  # what happens to the assets when the cooperation ends
REPAIRS_TAB, DISPOSAL_TAB = 1, 2


def _today() -> dt.date:
    return dt.date.today()


def _date_text(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def _source(rule: str) -> str:
    return f"依据：{cite_source(rule)}"


class RepairDialog(RecordForm):
    """登记维修 / 更换 of a saved asset: kind, date, what was done, cost."""

    geometry_key = "asset_repair"
    default_size = (480, 340)
    unsaved_what = "维修记录"
    titles = ("登记重大维修或更换", "维修记录")
    bound_fields = "kind description happened_on"
    first_field = "description"

    def __init__(self, parent: QWidget | None, asset_id: str) -> None:
        self.asset_id = asset_id
        super().__init__(parent)

    def build(self) -> None:
        form = self.form()
        self.kind = QComboBox()
        self.kind.addItems(REPAIR_KINDS)
        form.addRow(required("类型"), self.with_error("kind", side_by_side(self.kind)))
        self.happened_on = DateField(field="happened_on", label="日期")
        form.addRow("日期", self.with_error("happened_on", side_by_side(self.happened_on)))
        self.description = note_edit("维修或更换的内容、原因", 80)
        form.addRow("说明", self.with_error("description", self.description))
        self.cost = MoneyEdit("cost_fen", "费用", placeholder="如 3,500 或 ¥3500.00")
        form.addRow("费用（元）", self.with_error("cost_fen", side_by_side(self.cost)))
        self.body.addStretch(1)

    def load_new(self) -> None:
        self.happened_on.set_value(_today())

    def data(self) -> svc.RepairData:
        return svc.RepairData(asset_id=self.asset_id, **self.values(), cost_fen=self.cost.fen() or 0)

    def check(self, s: Session, data: svc.RepairData):
        return svc.check_repair(s, data)

    def write(self, s: Session, data: svc.RepairData) -> Changes:
        return svc.add_repair(s, data)


class DisposalDialog(RecordForm):
    """处置 a saved asset when the cooperation ends: method, value, date, the agreement it follows."""

    geometry_key = "asset_disposal"
    default_size = (540, 320)
    unsaved_what = "处置登记"
    titles = ("处置资产", "处置资产")
    save_text = "确认处置"
    bound_fields = "method disposed_on note"
    first_field = "method"

    def __init__(self, parent: QWidget | None, asset_id: str, agreements: list[Choice] | None = None) -> None:
        self.asset_id = asset_id
        self._agreements = agreements
        super().__init__(parent)

    def build(self) -> None:
        hint = theme.hint(
            QLabel(
                "合作终止时，企业投入的资产按协议约定清算、移交或折价补偿。确认处置后资产状态为“已处置”，"
                "登记有误时可在“处置”页撤销。",
                wordWrap=True,
            )
        )
        hint.setToolTip(_source(DISPOSAL_RULE))
        self.body.addWidget(hint)
        form = self.form()
        self.method = QComboBox()
        self.method.addItems(DISPOSAL_METHODS)
        form.addRow(required("处置方式"), self.with_error("method", side_by_side(self.method)))
        self.value = MoneyEdit("value_fen", "处置价值", placeholder="如 20,000")
        form.addRow("处置价值（元）", self.with_error("value_fen", side_by_side(self.value)))
        self.disposed_on = DateField(optional=False, field="disposed_on", label="处置日期")
        form.addRow(required("处置日期"), self.with_error("disposed_on", side_by_side(self.disposed_on)))
        agreements = self._agreements
        if agreements is None:
            agreements = read_now(lambda s: agreement_choices(s, limit=MAX_CHOICES))
        self.agreement = ChoiceBox(agreements, blank="（同资产所属协议）")
        form.addRow("依据协议", self.with_error("agreement_id", self.agreement))
        self.note = QLineEdit(placeholderText="如：移交给合作企业，附交接清单")
        form.addRow("备注", self.with_error("note", self.note))
        self.body.addStretch(1)

    def data(self) -> svc.DisposalData:
        return svc.DisposalData(
            asset_id=self.asset_id,
            **self.values(),
            value_fen=self.value.fen() or 0,
            agreement_id=self.agreement.value(),
        )

    def write(self, s: Session, data: svc.DisposalData) -> Changes:
        return svc.dispose_asset(s, data)


class AssetDialog(RecordForm):
    geometry_key = "asset"
    default_size = (760, 600)
    unsaved_what = "资产的基本信息"
    titles = ("新建资产", "资产")
    bound_fields = "name spec quantity owner self_made contribution_kind location custodian acquired_on note"
    first_field = "name"

    detail: svc.AssetDetail | None = None  # as last read (repairs, disposal)
    asset_id = id_alias()

    def build(self) -> None:
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs)
        enterprises, self.agreements, majors = read_now(
            lambda s: (
                enterprise_choices(s, limit=MAX_CHOICES),
                agreement_choices(s, limit=MAX_CHOICES),
                major_choices(s),
            )
        )
        self._build_basic(enterprises, self.agreements, majors)
        self._build_repairs()
        self._build_disposal()

    # ------------------------------------------------------------ 基本信息

    def _build_basic(self, enterprises: list[Choice], agreements: list[Choice], majors: list[Choice]) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        fields = QWidget()
        form = self.form(fields)
        form.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(fields)
        outer.addStretch(1)
        self.name = QLineEdit(placeholderText="如：工业机器人实训工作站")
        form.addRow(required("资产名称"), self.with_error("name", self.name))
        self.spec = QLineEdit(placeholderText="规格型号")
        form.addRow("规格型号", self.with_error("spec", self.spec))
        self.quantity = QSpinBox(minimum=1, maximum=1_000_000)
        self.quantity.setMinimumWidth(90)
        self.unit_value = MoneyEdit("unit_value_fen", "单价", placeholder="如 128,000")
        self.unit_value.setMinimumWidth(150)
        self.total = theme.muted(QLabel())
        value = side_by_side(self.quantity, "单价（元）", self.unit_value, self.total)
        value.layout().setSpacing(8)
        form.addRow(required("数量"), self.with_error("quantity", value))
        self.also_error("unit_value_fen", "quantity")
        self.owner = QComboBox()
        self.owner.addItems(ASSET_OWNERS)
        self.self_made = QCheckBox("自主研制")
        self.self_made.setToolTip("学校自行研制的设备，计入“校内实践基地”表的自主研制设备值")
        form.addRow(required("资产权属"), self.with_error("owner", side_by_side(self.owner, self.self_made)))
        self.also_error("self_made", "owner")
        self.contributed_by = ChoiceBox(enterprises, blank="（学校自购，无投入企业）")
        self.contribution_kind = QComboBox()
        self.contribution_kind.addItem("—", "")
        for k in CONTRIBUTION_KINDS:
            self.contribution_kind.addItem(k, k)
        self.contribution_kind.setToolTip("捐赠 / 准捐赠 的设备计入“产学合作”报表的捐赠设备总值")
        contrib = QHBoxLayout()
        contrib.addWidget(self.contributed_by, 1)
        contrib.addWidget(QLabel("投入方式"))
        contrib.addWidget(self.contribution_kind)
        form.addRow("投入企业", self.with_error("contributed_by_id", contrib))
        self.also_error("contribution_kind", "contributed_by_id")
        self.agreement = ChoiceBox(agreements, blank="（无）")
        form.addRow("合作协议", self.with_error("agreement_id", self.agreement))
        self.major = ChoiceBox(majors, blank="（不指定）", editable=False)
        form.addRow("面向专业", self.with_error("major_id", side_by_side(self.major)))
        self.location = QLineEdit(
            placeholderText="在校内实训基地的，以基地名称开头，如：智能制造实训中心 A101"
        )
        form.addRow("存放地点", self.with_error("location", self.location))
        self.custodian = QLineEdit(placeholderText="保管责任人姓名")
        self.custodian.setToolTip(f"每项资产须有保管责任人。{_source(REPAIR_RULE)}")
        form.addRow("保管责任人", self.with_error("custodian", self.custodian))
        self.acquired_on = DateField(field="acquired_on", label="取得日期")
        self.status = QComboBox()
        self.status.addItems(svc.EDITABLE_STATUSES)
        self.status.setToolTip("处置请在“处置”页办理")
        form.addRow("取得日期", self.with_error("acquired_on", side_by_side(self.acquired_on)))
        form.addRow("状态", self.with_error("status", side_by_side(self.status)))
        self.note = note_edit("备注", 60)
        form.addRow("备注", self.with_error("note", self.note))
        self.tabs.addTab(scrolling(page), "基本信息")
        self.quantity.valueChanged.connect(self._update_total)
        self.unit_value.textChanged.connect(self._update_total)
        self._update_total()

    @Slot()
    def _update_total(self) -> None:
        try:
            fen = self.unit_value.fen() or 0
        except ValidationError:
            self.total.setText("总值：—")
            return
        self.total.setText(f"总值 {format_money(fen * self.quantity.value())}")

    def _load_basic(self, a: svc.AssetDetail) -> None:
        labels = read_now(lambda s: chosen_labels(s, [a.contributed_by_id or ""], [a.agreement_id or ""]))
        self.fill(a)
        self.unit_value.set_fen(a.unit_value_fen)
        self.contributed_by.set_value(a.contributed_by_id, labels.get(a.contributed_by_id or "", ""))
        self.agreement.set_value(a.agreement_id, labels.get(a.agreement_id or "", ""))
        self.major.set_value(a.major_id, "（已删除的专业）")

    def _show_status(self, status: str) -> None:
        disposed = status == "已处置"
        if disposed and self.status.findText("已处置") < 0:
            self.status.addItem("已处置")
        if not disposed and (i := self.status.findText("已处置")) >= 0:
            self.status.removeItem(i)
        self.status.setCurrentText(status)
        self.status.setEnabled(not disposed)

    def data(self) -> svc.AssetData:
        status = self.status.currentText()
        return svc.AssetData(
            **self.values(),
            unit_value_fen=self.unit_value.fen() or 0,
            contributed_by_id=self.contributed_by.value(),
            agreement_id=self.agreement.value(),
            status="在用" if status == "已处置" else status,
            major_id=self.major.value(),
        )

    # ------------------------------------------------------------ 维修与更换

    def _build_repairs(self) -> None:
        page = QWidget()
        v = QVBoxLayout(page)
        hint = theme.hint(
            QLabel("重大维修或更换须学校和企业双方确认：双方都确认后才算“已确认”。", wordWrap=True)
        )
        hint.setToolTip(_source(REPAIR_RULE))
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
        self.add_repair_button = push_button("登记维修…", self.add_repair, writes=True)
        self.school_button = push_button("学校确认…", lambda: self.confirm_repair("school"), writes=True)
        self.enterprise_button = push_button(
            "企业确认…", lambda: self.confirm_repair("enterprise"), writes=True
        )
        self.delete_repair_button = push_button("删除", self.delete_repair, writes=True)
        v.addLayout(
            button_bar(
                self.add_repair_button,
                self.school_button,
                self.enterprise_button,
                apart=self.delete_repair_button,
            )
        )
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
                    item.setForeground(theme.brush(theme.WARNING))
                if c == 2:
                    item.setToolTip(text)
                self.repairs.setItem(r, c, item)
            if selected and selected.id == info.id:
                self.repairs.selectRow(r)
        self.tabs.setTabText(REPAIRS_TAB, f"维修与更换（{len(repairs)}）" if repairs else "维修与更换")
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
        if ok and person.strip():
            ops.confirm_repair(self, r.id, side, person, _today(), self.reload_detail)

    @Slot()
    def delete_repair(self) -> None:
        r = self.selected_repair()
        if r is not None and confirm(self, "删除维修记录", f"确定删除这条{r.kind}记录？可在“回收站”恢复。"):
            ops.delete_repairs(self, [r.id], self.reload_detail)

    # ------------------------------------------------------------ 处置

    def _build_disposal(self) -> None:
        self.disposal_stack = QStackedWidget()
        form_page = QWidget()
        outer = QVBoxLayout(form_page)
        hint = theme.hint(
            QLabel(
                "合作终止时，企业投入的资产按协议约定清算、移交或折价补偿，在这里登记处置。"
                "处置后资产状态为“已处置”。",
                wordWrap=True,
            )
        )
        hint.setToolTip(_source(DISPOSAL_RULE))
        outer.addWidget(hint)
        self.dispose_button = QPushButton("处置资产…")
        self.dispose_button.clicked.connect(self.dispose)
        for_writers(self.dispose_button)
        row = QHBoxLayout()
        row.addWidget(self.dispose_button)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)

        done_page = QWidget()
        d = QVBoxLayout(done_page)
        self.disposal_info = QLabel(wordWrap=True)
        self.disposal_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.disposal_info.setToolTip(_source(DISPOSAL_RULE))
        d.addWidget(self.disposal_info)
        self.cancel_disposal_button = QPushButton("撤销处置")
        self.cancel_disposal_button.setToolTip("处置登记有误时撤销：资产恢复为“在用”，处置记录移到回收站")
        self.cancel_disposal_button.clicked.connect(self.cancel_disposal)
        for_writers(self.cancel_disposal_button)
        row = QHBoxLayout()
        row.addWidget(self.cancel_disposal_button)
        row.addStretch(1)
        d.addLayout(row)
        d.addStretch(1)
        self.disposal_stack.addWidget(form_page)
        self.disposal_stack.addWidget(done_page)
        self.tabs.addTab(self.disposal_stack, "处置")

    def _show_disposal(self, disposal: svc.DisposalInfo | None) -> None:
        if disposal is None:
            self.disposal_stack.setCurrentIndex(0)
            self.tabs.setTabText(DISPOSAL_TAB, "处置")
            return
        aid = disposal.agreement_id or ""
        agreement = read_now(lambda s: chosen_labels(s, [], [aid])).get(aid, "（无）")
        self.disposal_info.setText(
            f"<b>已处置</b><br><br>处置方式：{disposal.method}<br>"
            f"处置价值：{format_money(disposal.value_fen)}<br>处置日期：{disposal.disposed_on}<br>"
            f"依据协议：{agreement}<br>备注：{disposal.note or '—'}"
        )
        self.disposal_stack.setCurrentIndex(1)
        self.tabs.setTabText(DISPOSAL_TAB, "处置（已处置）")

    @Slot()
    def dispose(self) -> None:
        if self.asset_id and DisposalDialog(self, self.asset_id, self.agreements).exec():
            self.reload_detail()

    @Slot()
    def cancel_disposal(self) -> None:
        if self.asset_id and confirm(self, "撤销处置", "确定撤销处置？资产将恢复为“在用”。"):
            ops.cancel_disposal(self, self.asset_id, self.reload_detail)

    # ------------------------------------------------------------ loading and saving

    def read(self, s: Session, record_id: str) -> svc.AssetDetail:
        return svc.get_asset(s, record_id)

    def title_for(self, a: svc.AssetDetail) -> str:
        return f"资产：{a.name}"

    def load(self, a: svc.AssetDetail) -> None:
        self._load_basic(a)
        self._show_detail(a)

    def load_new(self) -> None:
        for i in (REPAIRS_TAB, DISPOSAL_TAB):
            self.tabs.setTabEnabled(i, False)
            self.tabs.setTabToolTip(i, "保存资产后可登记维修与处置")

    def _show_detail(self, a: svc.AssetDetail) -> None:
        self.detail = a
        self._show_status(a.status)
        self._fill_repairs(a.repairs)
        self._show_disposal(a.disposal)

    def reload_detail(self, _changes: Changes | None = None) -> None:
        """Re-read the repairs, the disposal and the status after one of them was written; the 基本信息 fields
        keep what the user typed (a disposal changing the status is no edit to ask about on closing)."""
        aid = self.asset_id
        assert aid
        clean = not self.dirty()
        self._show_detail(read_now(lambda s: svc.get_asset(s, aid)))
        if clean:
            self.mark_clean()

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(0)

    def check(self, s: Session, data: svc.AssetData):
        return svc.check_asset(s, data)

    def write(self, s: Session, data: svc.AssetData) -> Changes:
        aid = self.asset_id
        return svc.update_asset(s, aid, data) if aid else svc.create_asset(s, data)
