"""The enterprise form: basic data with inline validation, contacts, attachments, cooperation, change history.

Saving is one user action and one transaction: the record, its contacts and the attachments added or
removed in the form are written together (RecordForm.write). Closing with unsaved changes — a field, a
contact or an attachment — asks first."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.db.models import ENTERPRISE_CATEGORIES, ENTERPRISE_SCALES, ENTERPRISE_STATUSES, Contact
from app.domain.codes import USCC_CHECK_FAILED_MESSAGE, check_uscc
from app.errors import ValidationError
from app.services import enterprises as svc
from app.services.choices import Choice
from app.services.common import Changes, max_length
from app.services.history import enterprise_history
from ui import theme
from ui.attachments_panel import AttachmentsPanel
from ui.forms import ChoiceBox, DateField, EditGrid, GridColumn, RecordForm, required, scrolling
from ui.forms.fields import note_edit
from ui.forms.record_form import id_alias
from ui.qt import *  # noqa: F403

CONTACT_FIELDS = ("name", "title", "phone", "email", "note")
CONTACT_HEADERS = ("姓名", "职务", "联系电话", "邮箱", "备注")
CONTACT_WIDTHS = (90, 110, 130, 170, 0)
NO_STAFF = -1  # the spin box's “未填写”
BASIC_TAB, CONTACTS_TAB = 0, 1
ENDED = "已解除"
PAIR_WIDEST = "在岗职工总数"


def _pair(left: QWidget, label: str, right: QWidget) -> QGridLayout:
    """Two fields on one form row: `left`, then `label` and `right` (columns of equal width)."""
    grid = QGridLayout()
    grid.setContentsMargins(0, 0, 0, 0)
    grid.addWidget(left, 0, 0)
    caption = QLabel(label, alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    caption.setMinimumWidth(caption.fontMetrics().horizontalAdvance(PAIR_WIDEST) + 12)  # the pairs line up
    grid.addWidget(caption, 0, 1)
    grid.addWidget(right, 0, 2)
    grid.setColumnStretch(0, 1)
    grid.setColumnStretch(2, 1)
    return grid


class EnterpriseDialog(RecordForm):
    geometry_key = "enterprise"
    default_size = (780, 620)
    unsaved_what = "企业信息"
    titles = ("新建企业", "编辑企业")
    bound_fields = (
        "name uscc uscc_confirmed short_name legal_representative industry region address cooperation_start"
        " status_reason website note"
    )
    first_field = "name"

    enterprise_id = id_alias()

    # ------------------------------------------------------------ layout

    def build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(scrolling(self._basic_tab()), "基本信息")
        self.tabs.addTab(self._contacts_tab(), "联系人")
        self.attachments = self.with_attachments(
            AttachmentsPanel(
                "enterprise",
                "营业执照扫描件、合作洽谈材料等。",
            )
        )
        self.tabs.addTab(self.attachments, "附件")
        if self.record_id:
            from ui.cooperation_panel import CooperationPanel

            self.cooperation = CooperationPanel(self.record_id)
            self.tabs.addTab(self.cooperation, "合作情况")
            self.history = QListWidget()
            self.tabs.addTab(self.history, "修改记录")
        self.body.addWidget(self.tabs, 1)

    def _basic_tab(self) -> QWidget:
        page = QWidget()
        form = self.form(page)

        self.name = QLineEdit(placeholderText="营业执照上的企业全称")
        self.name.setMaxLength(200)
        form.addRow(required("企业名称"), self.with_error("name", self.name))

        code_row = QHBoxLayout()
        code_row.setContentsMargins(0, 0, 0, 0)
        self.uscc = QLineEdit(placeholderText="18位，如 91430100MA4L1GXJ28")
        self.uscc.setMaxLength(24)
        self.uscc_confirmed = QCheckBox("已核对营业执照")
        self.uscc_confirmed.setToolTip(
            "少数早期代码不符合校验规则。对照营业执照确认无误后勾选，记录上会保留此标记。"
        )
        self.uscc_confirmed.hide()
        code_row.addWidget(self.uscc, 1)
        code_row.addWidget(self.uscc_confirmed)
        form.addRow("统一社会信用代码", self.with_error("uscc", code_row))
        self.uscc.textChanged.connect(self._check_code_live)  # after with_error's own clearing of the line

        self.short_name = QLineEdit(placeholderText="常用的简称，可不填")
        self.legal_representative = QLineEdit(placeholderText="营业执照上的法定代表人")
        self.legal_representative.setMaxLength(50)
        self.legal_representative.setToolTip("三方协议乙方（实习单位）的法定代表人")
        form.addRow(
            "简称",
            self.with_error("short_name", _pair(self.short_name, "法定代表人", self.legal_representative)),
        )
        self.also_error("legal_representative", "short_name")
        self.industry = QLineEdit(placeholderText="如 智能制造、现代农业")
        self.region = QLineEdit(placeholderText="如 长沙市岳麓区")
        form.addRow("所属行业", self.with_error("industry", _pair(self.industry, "所在地区", self.region)))
        self.also_error("region", "industry")
        self.address = QLineEdit(placeholderText="详细地址")
        form.addRow("地址", self.with_error("address", self.address))

        self.scale = ChoiceBox([Choice(v, v) for v in ENTERPRISE_SCALES], blank="未填写", editable=False)
        self.scale.setMinimumContentsLength(6)
        self.staff_count = QSpinBox(minimum=NO_STAFF, maximum=svc.MAX_STAFF, suffix=" 人")
        self.staff_count.setSpecialValueText("未填写")
        self.staff_count.setValue(NO_STAFF)
        self.staff_count.setMinimumWidth(110)
        self.staff_count.setToolTip("依托单位在岗职工总数（校外实习实训基地表）")
        form.addRow("企业规模", self.with_error("scale", _pair(self.scale, "在岗职工总数", self.staff_count)))
        self.also_error("staff_count", "scale")

        self.cooperation_start = DateField(field="cooperation_start", label="合作开始日期")
        start_row = QHBoxLayout()
        start_row.setContentsMargins(0, 0, 0, 0)
        start_row.addWidget(self.cooperation_start)
        start_row.addStretch(1)
        form.addRow("合作开始日期", self.with_error("cooperation_start", start_row))

        cats = QGridLayout()
        cats.setContentsMargins(0, 0, 0, 0)
        self.category_boxes: dict[str, QCheckBox] = {}
        why = f"优先考虑的合作企业类别（依据：{cite_source('H第八条(一)')}）"
        for i, c in enumerate(ENTERPRISE_CATEGORIES):
            box = QCheckBox(c)
            box.setToolTip(why)
            self.category_boxes[c] = box
            cats.addWidget(box, i // 4, i % 4)
        form.addRow("企业类别", self.with_error("categories", cats))

        status_row = QHBoxLayout()
        status_row.setContentsMargins(0, 0, 0, 0)
        self.status = ChoiceBox([Choice(v, v) for v in ENTERPRISE_STATUSES], blank=None, editable=False)
        self.status.setMinimumContentsLength(6)
        self.status.changed.connect(self._status_changed)
        self.status_date = DateField(field="status_date", label="解除日期")
        self.status_date_label = QLabel("解除日期")
        status_row.addWidget(self.status)
        status_row.addSpacing(16)
        status_row.addWidget(self.status_date_label)
        status_row.addWidget(self.status_date)
        status_row.addStretch(1)
        form.addRow("合作状态", self.with_error("status", status_row))
        self.also_error("status_date", "status")
        self.status_reason = QLineEdit(placeholderText="解除或暂停合作的原因")
        self.status_reason.setToolTip(f"解除合作须写明原因（依据：{cite_source('H第二十三条')}）")
        form.addRow("状态说明", self.with_error("status_reason", self.status_reason))
        self.website = QLineEdit(placeholderText="如 www.example.com")
        form.addRow("网址", self.with_error("website", self.website))
        self.note = note_edit("", 70, top=True)
        form.addRow("备注", self.with_error("note", self.note))
        self._status_changed()
        return page

    def _contacts_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(
            theme.hint(
                QLabel(
                    "点一下单元格即可修改；可从 Excel 复制几行后按 Ctrl+V 粘贴。第一位联系人显示在企业列表中。",
                    wordWrap=True,
                )
            )
        )
        self.contacts = EditGrid(
            [
                GridColumn(f, title, width=w, max_length=max_length(Contact, f), stretch=f == "note")
                for f, title, w in zip(CONTACT_FIELDS, CONTACT_HEADERS, CONTACT_WIDTHS, strict=True)
            ],
            add_text="添加联系人",
            remove_text="删除所选联系人",
            empty_text="还没有联系人。点“添加联系人”，或从 Excel 复制后按 Ctrl+V 粘贴。",
        )
        self.contacts.changed.connect(lambda: self.set_error("contacts", ""))
        v.addWidget(self.contacts, 1)
        v.addWidget(self.error_label("contacts"))
        return page

    # ------------------------------------------------------------ loading

    def read(self, s: Session, record_id: str):
        return svc.get_enterprise(s, record_id), enterprise_history(s, record_id)

    def title_for(self, record) -> str:
        return f"企业：{record[0].name}"

    def load(self, record) -> None:
        d, history = record
        self.fill(d)
        self.staff_count.setValue(NO_STAFF if d.staff_count is None else d.staff_count)
        self.scale.set_value(d.scale or None, d.scale)
        for c, box in self.category_boxes.items():
            box.setChecked(c in d.categories)
        self.status.set_value(d.status, d.status)
        self.status_date.set_value(d.status_date)
        self.contacts.set_rows(
            [{"id": c.id, **{f: getattr(c, f) for f in CONTACT_FIELDS}} for c in d.contacts]
        )
        self.attachments.load(d.id)
        for h in history:
            when = h.at.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{when}   {h.who}   {h.summary}")
            item.setToolTip(h.summary)
            self.history.addItem(item)
        self._status_changed()

    def load_new(self) -> None:
        self.attachments.load(None)

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
        ended = self.status.value() == ENDED
        self.status_date.setVisible(ended)
        self.status_date_label.setVisible(ended)
        if ended and not self.status_date.edit.text().strip():
            self.status_date.set_value(dt.date.today())

    # ------------------------------------------------------------ saving

    def contact_rows(self) -> tuple[svc.ContactData, ...]:
        return tuple(
            svc.ContactData(id=row["id"] or None, **{f: row[f] for f in CONTACT_FIELDS})
            for row in self.contacts.rows()
        )

    def data(self) -> svc.EnterpriseData:
        ended = self.status.value() == ENDED
        return svc.EnterpriseData(
            **self.values(),
            staff_count=None if self.staff_count.value() == NO_STAFF else self.staff_count.value(),
            scale=self.scale.value() or "",
            categories=tuple(c for c, b in self.category_boxes.items() if b.isChecked()),
            status=self.status.value() or "",
            status_date=self.status_date.value() if ended else None,
            contacts=self.contact_rows(),
        )

    def check(self, s: Session, data: svc.EnterpriseData) -> list[ValidationError]:
        """Errors block saving; a similar name is a warning RecordForm asks about."""
        found = svc.check_enterprise(s, data, exclude_id=self.record_id)
        self._mark_contacts(found.errors)
        return [*found.errors, *found.warnings]

    def _mark_contacts(self, errors) -> None:
        """Each contact's problem on its cell (the blank rows the service drops are not counted)."""
        for r, key, _why in self.contacts.errors():
            self.contacts.set_error(r, key, "")
        rows = [
            r for r, row in enumerate(self.contacts.rows()) if any(row[f].strip() for f in CONTACT_FIELDS)
        ]
        for e in errors:
            if isinstance(e, svc.ContactError) and e.part in CONTACT_FIELDS and 0 < e.number <= len(rows):
                self.contacts.set_error(rows[e.number - 1], e.part, e.message)

    def write(self, s: Session, data: svc.EnterpriseData) -> Changes:
        eid = self.record_id
        return svc.update_enterprise(s, eid, data) if eid else svc.create_enterprise(s, data)

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(CONTACTS_TAB if first_field == "contacts" else BASIC_TAB)
