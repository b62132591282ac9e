"""The enterprise form: basic data with inline validation, contacts, attachments, change history.

Saving is one user action and one transaction: the record, its contacts and the attachments added or
removed in the dialog are written together."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db.models import ENTERPRISE_CATEGORIES, ENTERPRISE_SCALES, ENTERPRISE_STATUSES
from app.domain.codes import USCC_CHECK_FAILED_MESSAGE, check_uscc
from app.services import enterprises as svc
from app.services.common import Changes
from app.services.history import enterprise_history
from ui.attachments_panel import AttachmentsPanel
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, read_now
from ui.settings import ui_settings
from ui.widgets import OptionalDate

CONTACT_FIELDS = ("name", "title", "phone", "email", "note")
CONTACT_HEADERS = ("姓名", "职务", "联系电话", "邮箱", "备注")
NO_STAFF = -1  # the spin box's “未填写”


class EnterpriseDialog(FieldErrors, QDialog):
    def __init__(self, parent: QWidget | None = None, enterprise_id: str | None = None) -> None:
        super().__init__(parent)
        self.enterprise_id = enterprise_id
        self.saved_id: str | None = None
        self._saving = False
        self.setWindowTitle("编辑企业" if enterprise_id else "新建企业")
        self.setMinimumSize(720, 560)
        self._build()
        if enterprise_id:
            self._load(read_now(lambda s: svc.get_enterprise(s, enterprise_id)))
        geometry = ui_settings().value("dialogs/enterprise")
        if geometry is not None:
            self.restoreGeometry(geometry)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._basic_tab(), "基本信息")
        self.tabs.addTab(self._contacts_tab(), "联系人")
        self.tabs.addTab(self._attachments_tab(), "附件")
        if self.enterprise_id:
            from ui.cooperation_panel import CooperationPanel

            self.cooperation = CooperationPanel(self.enterprise_id)
            self.tabs.addTab(self.cooperation, "合作情况")
            self.tabs.addTab(self._history_tab(), "修改记录")
        lay.addWidget(self.tabs, 1)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(ERROR_STYLE)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Save).setShortcut("Ctrl+S")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        lay.addWidget(buttons)

    def _basic_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors: dict[str, QLabel] = {}

        self.name = QLineEdit(placeholderText="营业执照上的企业全称")
        self.name.setMaxLength(200)
        form.addRow("企业名称 *", self.with_error("name", self.name))

        code_row = QHBoxLayout()
        self.uscc = QLineEdit(placeholderText="18位，如 91430100MA4L1GXJ28")
        self.uscc.setMaxLength(24)
        self.uscc.textChanged.connect(self._check_code_live)
        self.uscc_confirmed = QCheckBox("已核对营业执照")
        self.uscc_confirmed.setToolTip(
            "少数早期代码不符合校验规则。对照营业执照确认无误后勾选，记录上会保留此标记。"
        )
        self.uscc_confirmed.hide()
        code_row.addWidget(self.uscc, 1)
        code_row.addWidget(self.uscc_confirmed)
        holder = QWidget()
        holder.setLayout(code_row)
        code_row.setContentsMargins(0, 0, 0, 0)
        form.addRow("统一社会信用代码", self.with_error("uscc", holder))

        self.short_name = QLineEdit()
        self.legal_representative = QLineEdit(placeholderText="营业执照上的法定代表人")
        self.legal_representative.setMaxLength(50)
        self.legal_representative.setToolTip("三方协议乙方（实习单位）的法定代表人")
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.short_name, 0, 0)
        grid.addWidget(QLabel("法定代表人"), 0, 1)
        grid.addWidget(self.legal_representative, 0, 2)
        form.addRow("简称", grid)
        self.industry = QLineEdit(placeholderText="如 智能制造、现代农业")
        self.region = QLineEdit(placeholderText="如 长沙市岳麓区")
        grid = QGridLayout()
        grid.addWidget(self.industry, 0, 0)
        grid.addWidget(QLabel("所在地区"), 0, 1)
        grid.addWidget(self.region, 0, 2)
        form.addRow("所属行业", grid)
        self.address = QLineEdit()
        form.addRow("地址", self.address)
        self.scale = QComboBox()
        self.scale.addItem("未填写", "")
        for v in ENTERPRISE_SCALES:
            self.scale.addItem(v, v)
        self.cooperation_start = OptionalDate()
        self.staff_count = QSpinBox(minimum=NO_STAFF, maximum=svc.MAX_STAFF, suffix=" 人")
        self.staff_count.setSpecialValueText("未填写")
        self.staff_count.setValue(NO_STAFF)
        self.staff_count.setMinimumWidth(100)
        self.staff_count.setToolTip("依托单位在岗职工总数（校外实习实训基地表）")
        row = QHBoxLayout()
        row.addWidget(self.scale)
        row.addSpacing(20)
        row.addWidget(QLabel("在岗职工总数"))
        row.addWidget(self.with_error("staff_count", self.staff_count))
        row.addSpacing(20)
        row.addWidget(QLabel("合作开始日期"))
        row.addWidget(self.cooperation_start)
        row.addStretch(1)
        form.addRow("企业规模", row)

        cats = QGridLayout()
        self.category_boxes: dict[str, QCheckBox] = {}
        for i, c in enumerate(ENTERPRISE_CATEGORIES):
            box = QCheckBox(c)
            box.setToolTip("H第八条(一)：优先考虑的合作企业类别")
            self.category_boxes[c] = box
            cats.addWidget(box, i // 4, i % 4)
        form.addRow("企业类别", cats)

        status_row = QHBoxLayout()
        self.status = QComboBox()
        for v in ENTERPRISE_STATUSES:
            self.status.addItem(v, v)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.status_date = OptionalDate()
        self.status_date_label = QLabel("解除日期")
        status_row.addWidget(self.status)
        status_row.addSpacing(20)
        status_row.addWidget(self.status_date_label)
        status_row.addWidget(self.status_date)
        status_row.addStretch(1)
        form.addRow("合作状态", status_row)
        self.status_reason = QLineEdit(placeholderText="解除或暂停合作的原因（H第二十三条）")
        form.addRow("状态说明", self.with_error("status_reason", self.status_reason))
        self.website = QLineEdit()
        form.addRow("网址", self.website)
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(70)
        form.addRow("备注", self.note)
        self._status_changed()
        return page

    def _contacts_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.contacts = QTableWidget(0, len(CONTACT_HEADERS))
        self.contacts.setHorizontalHeaderLabels(CONTACT_HEADERS)
        self.contacts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.contacts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        v.addWidget(self.contacts, 1)
        self.contacts_error = self.error_label("contacts")
        v.addWidget(self.contacts_error)
        row = QHBoxLayout()
        add = QPushButton("添加联系人")
        add.clicked.connect(lambda: self._add_contact(svc.ContactData(name="")))
        remove = QPushButton("删除所选联系人")
        remove.clicked.connect(self._remove_contacts)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        row.addWidget(QLabel("第一位联系人显示在企业列表中。"))
        v.addLayout(row)
        return page

    def _attachments_tab(self) -> QWidget:
        self.attachments = AttachmentsPanel(
            "enterprise",
            "营业执照扫描件、合作洽谈材料等。文件会复制到数据库旁的附件文件夹，原文件可随意移动。",
        )
        return self.attachments

    def _history_tab(self) -> QWidget:
        self.history = QListWidget()
        return self.history

    # ------------------------------------------------------------ loading

    def _load(self, d: svc.EnterpriseDetail) -> None:
        self.name.setText(d.name)
        self.uscc.setText(d.uscc)
        self.uscc_confirmed.setChecked(d.uscc_confirmed)
        self.short_name.setText(d.short_name)
        self.legal_representative.setText(d.legal_representative)
        self.staff_count.setValue(NO_STAFF if d.staff_count is None else d.staff_count)
        self.industry.setText(d.industry)
        self.region.setText(d.region)
        self.address.setText(d.address)
        self.scale.setCurrentIndex(max(0, self.scale.findData(d.scale)))
        self.cooperation_start.set_value(d.cooperation_start)
        for c, box in self.category_boxes.items():
            box.setChecked(c in d.categories)
        self.status.setCurrentIndex(max(0, self.status.findData(d.status)))
        self.status_date.set_value(d.status_date)
        self.status_reason.setText(d.status_reason)
        self.website.setText(d.website)
        self.note.setPlainText(d.note)
        for c in d.contacts:
            self._add_contact(c)
        self.attachments.load(d.id)
        for h in read_now(lambda s: enterprise_history(s, d.id)):
            when = h.at.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{when}   {h.os_user}   {h.summary}")
            item.setToolTip(h.summary)
            self.history.addItem(item)

    def _add_contact(self, c: svc.ContactData) -> None:
        r = self.contacts.rowCount()
        self.contacts.insertRow(r)
        for col, field in enumerate(CONTACT_FIELDS):
            item = QTableWidgetItem(getattr(c, field))
            if col == 0:
                item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.contacts.setItem(r, col, item)
        if not c.name:
            self.contacts.setCurrentCell(r, 0)
            self.contacts.editItem(self.contacts.item(r, 0))

    @Slot()
    def _remove_contacts(self) -> None:
        for r in sorted({i.row() for i in self.contacts.selectedIndexes()}, reverse=True):
            self.contacts.removeRow(r)

    # ------------------------------------------------------------ live checks

    @Slot()
    def _check_code_live(self) -> None:
        text = self.uscc.text()
        res = check_uscc(text) if text.strip() else None
        self.uscc_confirmed.setVisible(bool(res and res.check_failed))
        if res is None or res.ok:
            self.set_error("uscc", "")
        elif res.error and len(res.value) < 18:
            self.set_error("uscc", "")  # still typing: say nothing until 18 characters or saving
        elif res.error:
            self.set_error("uscc", res.error)
        else:
            self.set_error("uscc", USCC_CHECK_FAILED_MESSAGE)

    @Slot()
    def _status_changed(self) -> None:
        ended = self.status.currentData() == "已解除"
        self.status_date.setVisible(ended)
        self.status_date_label.setVisible(ended)
        if ended and self.status_date.value() is None:
            self.status_date.set_value(dt.date.today())

    # ------------------------------------------------------------ saving

    def data(self) -> svc.EnterpriseData:
        contacts = []
        for r in range(self.contacts.rowCount()):
            values = {
                f: (self.contacts.item(r, c).text() if self.contacts.item(r, c) else "")
                for c, f in enumerate(CONTACT_FIELDS)
            }
            first = self.contacts.item(r, 0)
            contacts.append(
                svc.ContactData(id=first.data(Qt.ItemDataRole.UserRole) if first else None, **values)
            )
        return svc.EnterpriseData(
            name=self.name.text(),
            uscc=self.uscc.text(),
            uscc_confirmed=self.uscc_confirmed.isChecked(),
            short_name=self.short_name.text(),
            industry=self.industry.text(),
            region=self.region.text(),
            address=self.address.text(),
            legal_representative=self.legal_representative.text(),
            staff_count=None if self.staff_count.value() == NO_STAFF else self.staff_count.value(),
            scale=self.scale.currentData() or "",
            categories=tuple(c for c, b in self.category_boxes.items() if b.isChecked()),
            status=self.status.currentData(),
            status_reason=self.status_reason.text(),
            status_date=self.status_date.value() if self.status.currentData() == "已解除" else None,
            cooperation_start=self.cooperation_start.value(),
            website=self.website.text(),
            note=self.note.toPlainText(),
            contacts=tuple(contacts),
        )

    @Slot()
    def save(self) -> None:
        if self._saving:
            return
        data = self.data()
        check = read_now(lambda s: svc.check_enterprise(s, data, exclude_id=self.enterprise_id))
        self.show_errors(check.errors)
        if check.errors:
            return
        if check.warnings:
            text = "\n".join(w.message for w in check.warnings)
            if (
                QMessageBox.question(self, "请确认", f"{text}\n\n仍要保存吗？")
                != QMessageBox.StandardButton.Yes
            ):
                return
        self.message.clear()
        self._saving = True
        self.save_button.setEnabled(False)
        eid, attach = self.enterprise_id, self.attachments.work()

        def work(s) -> Changes:
            changes = svc.update_enterprise(s, eid, data) if eid else svc.create_enterprise(s, data)
            attach(s, changes.ids[0])
            return changes

        WriteOp(self, work).success(self._saved).failure(self._failed).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        ui_settings().setValue("dialogs/enterprise", self.saveGeometry())
        self.accept()

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(1 if first_field == "contacts" else 0)

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.save_failed(exc)

    def reject(self) -> None:
        ui_settings().setValue("dialogs/enterprise", self.saveGeometry())
        super().reject()
