"""The agreement form: basic data with the enterprise picker and typed dates, the lifecycle
(草稿 → 学院审核 → 学校审定 → 生效 → 到期 | 终止) with its stamped history, attachments, change history.

A RecordForm: saving is one write (the agreement and the attachments added or removed). A status change on a
saved agreement is one write too (ui/operations/agreements.py); unsaved edits of the form are saved in the
same transaction. Generating the Word draft saves first and keeps the form open."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.db.models import AGREEMENT_KINDS
from app.docs import cooperation as docs
from app.errors import ValidationError, ValidationErrors
from app.services import agreements as svc
from app.services.choices import Choice, chosen_labels
from app.services.common import Changes
from ui import theme
from ui.attachments_panel import AttachmentsPanel
from ui.dialogs.agreement_transition import (  # noqa: F401 (the agreements page imports them from here)
    STATUS_COLORS,
    TRANSITION_TEXT,
    ask_transition,
    offered_transitions,
    status_color,
)
from ui.documents import ask_document_path, document_menu, write_document
from ui.forms import DateField, RecordForm, required, scrolling
from ui.forms.fields import note_edit
from ui.forms.record_form import id_alias
from ui.operations import agreements as ops
from ui.ops import read_now
from ui.pickers import RecordPicker, enterprise_search
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, for_writers

BASIC_FIELDS = ("number", "title", "kind", "enterprise_ids", "signed_on", "starts_on", "ends_on", "status")
DATES = (
    ("签订", "signed_on", "签订日期"),
    ("开始", "starts_on", "开始日期"),
    ("结束", "ends_on", "结束日期"),
)


class AgreementDialog(RecordForm):
    geometry_key = "agreement"
    default_size = (860, 620)
    unsaved_what = "协议"
    titles = ("新建合作协议", "编辑合作协议")
    bound_fields = "number title kind signed_on starts_on ends_on note"

    def __init__(
        self,
        parent: QWidget | None = None,
        agreement_id: str | None = None,
        enterprise_ids: tuple[str, ...] | list[str] = (),
    ) -> None:
        self.preset_enterprises = tuple(enterprise_ids)
        self.detail: svc.AgreementDetail | None = None
        self.transition_buttons: dict[str, QPushButton] = {}
        super().__init__(parent, agreement_id)

    agreement_id = id_alias()

    # ------------------------------------------------------------ layout

    def build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(scrolling(self._basic_tab()), "基本信息")
        self.tabs.addTab(self._status_tab(), "状态与流转")
        self.attachments = self.with_attachments(
            AttachmentsPanel("agreement", "签字盖章的协议扫描件、审核意见、会议纪要等。")
        )
        self.tabs.addTab(self.attachments, "附件")
        self.attachments.changed.connect(self._count_files)
        self.history = QListWidget(wordWrap=True)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        if self.record_id:
            self.tabs.addTab(self.history, "修改记录")
        self.body.addWidget(self.tabs, 1)
        self.document_button = theme.menu_button(QToolButton())
        self.document_button.setText("生成协议草稿 ▼")
        self.document_button.setToolTip("按协议内容生成 Word 协议草稿（未保存的修改先保存）")
        self.document_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.document_button.setMenu(document_menu(self, "agreement", self.generate_document))
        self.beside_buttons(self.document_button)

    def _basic_tab(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        self.number = QLineEdit(placeholderText="如 JD-2026-001（生效前须填写）")
        self.number.setMaxLength(50)
        self.kind = QComboBox()
        for k in AGREEMENT_KINDS:
            self.kind.addItem(k, k)
        top = QGridLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.with_error("number", self.number), 0, 0)
        top.addWidget(QLabel(required("协议类型")), 0, 1, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.with_error("kind", self.kind), 0, 2)
        top.setColumnStretch(0, 2)
        top.setColumnStretch(2, 1)
        form.addRow("协议编号", top)

        self.title = QLineEdit(placeholderText="如 湖南湘江智能装备有限公司校企合作框架协议")
        self.title.setMaxLength(200)
        form.addRow(required("协议名称"), self.with_error("title", self.title))

        self.picker = RecordPicker(
            enterprise_search,
            chosen_title="已选企业（第一家为主要合作企业）",
            placeholder="搜索企业名称或拼音首字母，如 hnxj",
        )
        form.addRow(required("合作企业"), self.with_error("enterprise_ids", self.picker))

        dates = QGridLayout()
        dates.setContentsMargins(0, 0, 0, 0)
        for col, (text, field, label) in enumerate(DATES):
            widget = DateField(field=field, label=label)
            setattr(self, field, widget)
            error = self.error_label(field)
            self.watch(widget, error)
            dates.addWidget(QLabel(text), 0, col * 2)
            dates.addWidget(widget, 0, col * 2 + 1)
            dates.addWidget(error, 1, col * 2, 1, 2)
            dates.setColumnStretch(col * 2 + 1, 1)
        self.ends_on.setToolTip("结束日期为协议有效的最后一天；次日起显示为“到期”。不填则长期有效。")
        form.addRow("日期", dates)

        self.revenue_box = QCheckBox("含收益分配条款")
        self.revenue_box.setToolTip(
            "合作产生收益的，协议应明确收益分配（依据" + cite_source("H第十六条(一)") + "）"
        )
        self.revenue_text = QPlainTextEdit(
            placeholderText="条款原文或要点，如：技术服务收益扣除成本后按4:6分配"
        )
        self.asset_box = QCheckBox("含资产归属与处置条款")
        self.asset_box.setToolTip(
            "有资产投入的，协议应明确资产归属、管理与处置（依据" + cite_source("H第十六条") + "）"
        )
        self.asset_text = QPlainTextEdit(
            placeholderText="条款原文或要点，如：设备所有权归企业，合作终止后清算或移交"
        )
        clauses = QGridLayout()
        clauses.setContentsMargins(0, 0, 0, 0)
        for row, (box, text) in enumerate(
            ((self.revenue_box, self.revenue_text), (self.asset_box, self.asset_text))
        ):
            text.setMaximumHeight(54)
            text.setTabChangesFocus(True)
            box.toggled.connect(text.setEnabled)
            text.setEnabled(False)
            clauses.addWidget(box, row, 0, Qt.AlignmentFlag.AlignTop)
            clauses.addWidget(text, row, 1)
        clauses.setColumnStretch(1, 1)
        form.addRow("条款", clauses)

        self.note = note_edit("", 54)
        form.addRow("备注", self.note)

        self.entered_signed = QCheckBox("补录已签订的协议（保存后直接为“生效”，须填编号、签订和开始日期）")
        self.entered_signed.setVisible(self.record_id is None)
        if self.record_id is None:
            form.addRow("", self.with_error("status", self.entered_signed))
        outer.addStretch(1)
        return page

    def _status_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        head = QHBoxLayout()
        head.addWidget(QLabel("当前状态"))
        self.status_label = QLabel()
        head.addWidget(self.status_label)
        head.addStretch(1)
        v.addLayout(head)
        self.status_hint = theme.muted(QLabel(wordWrap=True))
        v.addWidget(self.status_hint)
        row = QHBoxLayout()
        self._status_buttons: dict[str, QPushButton] = {}
        for to in TRANSITION_TEXT:
            b = QPushButton(TRANSITION_TEXT[to])
            b.setAutoDefault(False)
            b.clicked.connect(lambda _c=False, to=to: self.change_status(to))
            for_writers(b)
            b.hide()
            row.addWidget(b)
            self._status_buttons[to] = b
        row.addStretch(1)
        v.addLayout(row)
        v.addWidget(QLabel("流转记录"))
        self.transitions = QTableWidget(0, 5)
        self.transitions.setHorizontalHeaderLabels(("时间", "原状态", "新状态", "操作人", "备注 / 原因"))
        self.transitions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.transitions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.transitions.verticalHeader().setVisible(False)
        header = self.transitions.horizontalHeader()
        for col, width in enumerate((130, 80, 80, 90)):
            self.transitions.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        v.addWidget(self.transitions, 1)
        flow = theme.hint(
            QLabel(
                "流程：草稿 → 学院审核 → 学校审定 → 生效 → 到期 或 终止。审核中可退回草稿。", wordWrap=True
            )
        )
        flow.setToolTip("学校审定依据" + cite_source("H第四条(三)"))
        v.addWidget(flow)
        return page

    # ------------------------------------------------------------ loading

    def read(self, s: Session, record_id: str) -> svc.AgreementDetail:
        return svc.get_agreement(s, record_id)

    def title_for(self, d: svc.AgreementDetail) -> str:
        return f"合作协议 — {d.title}"

    def load_new(self) -> None:
        ids = self.preset_enterprises
        labels = read_now(lambda s: chosen_labels(s, ids, ()))
        self.picker.set_chosen(Choice(i, labels.get(i, "（已删除的企业）")) for i in ids)
        self.attachments.load(None)
        self._show_status()

    def load(self, d: svc.AgreementDetail) -> None:
        self.detail = d
        self.fill(d)
        self.picker.set_chosen(
            Choice(i, n) for i, n in zip(d.enterprise_ids, d.enterprise_names, strict=True)
        )
        self.revenue_box.setChecked(d.has_revenue_clause)
        self.revenue_text.setPlainText(d.revenue_clause)
        self.asset_box.setChecked(d.has_asset_clause)
        self.asset_text.setPlainText(d.asset_clause)
        self.attachments.load(d.id)
        self._count_files()
        self._show_status()
        self.history.clear()
        for h in read_now(lambda s: svc.agreement_history(s, d.id)):
            when = h.at.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{when}   {h.who}   {h.summary}")
            item.setToolTip(h.summary)
            self.history.addItem(item)

    @Slot()
    def _count_files(self) -> None:
        n = self.attachments.list.count()
        self.tabs.setTabText(self.tabs.indexOf(self.attachments), f"附件（{n}）" if n else "附件")

    def _show_status(self) -> None:
        d = self.detail
        self.transition_buttons = {}
        for b in self._status_buttons.values():
            b.hide()
        if d is None:
            self.status_label.setText("草稿（未保存）")
            self.status_label.setStyleSheet(theme.text(STATUS_COLORS["草稿"], bold=True, pt=theme.FIGURE_PT))
            self.status_hint.setText(
                "保存后可提交学院审核。已签订的纸质协议可在“基本信息”中勾选补录，直接保存为生效。"
            )
            return
        status = d.effective_status
        self.status_label.setText(status)
        color = STATUS_COLORS.get(status, theme.TEXT)
        self.status_label.setStyleSheet(theme.text(color, bold=True, pt=theme.FIGURE_PT))
        hints = []
        if status == "到期" and d.status == "生效":
            hints.append(f"结束日期 {d.ends_on} 已过，自动显示为“到期”；可点“确认到期”记录下来。")
        elif status == "生效" and d.ends_on:
            days = (d.ends_on - dt.date.today()).days
            hints.append(f"有效期至 {d.ends_on}，还剩 {days} 天。")
        if d.status == "终止":
            hints.append(f"终止原因：{d.termination_reason}")
        if d.deleted:
            hints.append("该协议在回收站中，恢复后才能变更状态。")
        offered = () if d.deleted else offered_transitions(d.status, status)
        if not offered and not d.deleted:
            hints.append("已是最终状态，不能再变更。")
        self.status_hint.setText("  ".join(hints))
        self.status_hint.setVisible(bool(hints))
        for to in offered:
            self._status_buttons[to].show()
            self.transition_buttons[to] = self._status_buttons[to]
        self.transitions.setRowCount(0)
        for t in reversed(d.transitions):
            r = self.transitions.rowCount()
            self.transitions.insertRow(r)
            when = t.at.astimezone().strftime("%Y-%m-%d %H:%M")
            for col, text in enumerate((when, t.from_status or "（新建）", t.to_status, t.os_user, t.remark)):
                item = QTableWidgetItem(text)
                if col == 4 and text:
                    item.setToolTip(text)
                if col == 2:
                    item.setForeground(status_color(text) or theme.qcolor(theme.TEXT))
                self.transitions.setItem(r, col, item)

    # ------------------------------------------------------------ the data

    def data(self) -> svc.AgreementData:
        return svc.AgreementData(
            **self.values(),  # the three dates: every one that cannot be read is named at once
            enterprise_ids=self.picker.ids(),
            has_revenue_clause=self.revenue_box.isChecked(),
            revenue_clause=self.revenue_text.toPlainText() if self.revenue_box.isChecked() else "",
            has_asset_clause=self.asset_box.isChecked(),
            asset_clause=self.asset_text.toPlainText() if self.asset_box.isChecked() else "",
            status="生效" if self.record_id is None and self.entered_signed.isChecked() else "草稿",
        )

    def check(self, s: Session, data: svc.AgreementData) -> list[ValidationError]:
        return svc.check_agreement(s, data, exclude_id=self.record_id)

    def write(self, s: Session, data: svc.AgreementData) -> Changes:
        aid = self.record_id
        return svc.update_agreement(s, aid, data) if aid else svc.create_agreement(s, data)

    def forget_changes(self) -> None:
        """Close without asking about unsaved changes (they are dropped)."""
        self.attachments.pending_files.clear()
        self.attachments.removed_ids.clear()
        self.mark_clean()

    def is_dirty(self) -> bool:
        return self.dirty()

    def errors_shown(self, first_field: str) -> None:
        if first_field in BASIC_FIELDS:
            self.tabs.setCurrentIndex(0)

    def _valid(self) -> svc.AgreementData | None:
        """The form's data if it passes the service's check, else None with the errors shown."""
        try:
            data = self.data()
        except (ValidationError, ValidationErrors) as e:
            self.show_errors(e.errors if isinstance(e, ValidationErrors) else [e])
            return None
        errors = read_now(lambda s: self.check(s, data))
        self.show_errors(errors)
        return None if errors else data

    # ------------------------------------------------------------ saving

    def kept_open(self) -> None:
        self.entered_signed.hide()
        self.show_saved()
        self.setWindowTitle(self.title_for(self.detail))

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        for b in self.transition_buttons.values():
            b.setEnabled(not busy)

    # ------------------------------------------------------------ status changes

    def change_status(self, to_status: str) -> None:
        """Ask for the remark (the reason for 终止) and move the saved agreement; unsaved edits of the form
        are saved in the same transaction."""
        if self._saving or self.detail is None:
            return
        save_first = None
        if self.is_dirty():
            data = self._valid()
            if data is None:
                return
            aid, attach = self.detail.id, self.attachments.work()

            def save_first(s: Session) -> None:
                self.check_version(s)  # the form's fields go too: refused as 保存 is over another's change
                svc.update_agreement(s, aid, data)
                attach(s, aid)

        text = ask_transition(self, self.detail.status, to_status)
        if text is None:
            return
        self.set_busy(True)
        ops.change_status(
            self,
            self.detail.id,
            to_status,
            text,
            save_first=save_first,
            on_done=self._transitioned,
            on_failed=self.failed,
        )

    def _transitioned(self, changes: Changes) -> None:
        self.set_busy(False)
        self.saved_id = changes.ids[0]
        self.show_errors([])
        self.show_saved()
        self.forget_changes()  # saved with the status change

    # ------------------------------------------------------------ the Word draft

    def generate_document(self, template: Path | None = None) -> None:
        """Write the draft agreement; unsaved changes (or a new agreement) are saved first."""
        if self._saving:
            return
        if self.record_id is None and not confirm(
            self, "生成协议草稿", "新协议需要先保存才能生成草稿。现在保存吗？"
        ):
            return
        out = ask_document_path(self, "agreement", self.title.text().strip() or "合作协议")
        if out is None:
            return
        if self.record_id is None or self.is_dirty():
            self.save(then=lambda: self._write_document(out, template))
        else:
            self._write_document(out, template)

    def _write_document(self, out: Path, template: Path | None) -> None:
        aid = self.record_id or ""
        write_document(self, lambda s: docs.write_agreement_document(s, aid, out, template), "协议草稿")
