"""The fields of an internship's terms, shared by the batch dialog and the form of one internship, on two
pages: 实习安排 (unit, kind, dates, post, pay, hours) and 保险、五方与材料 (insurance, the five parties, the
documents on file).

Live hints under the fields for the rules that can be checked before saving — pay under 80% of the same-post
wage, more than 8 hours a day or 40 a week, night shifts and overtime, insurance missing or not covering the
dates — from the pure rules of app/domain/internship_rules.py (no database)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.compliance.registry import cite_source
from app.db.models import INSURANCE_PAYERS, INTERNSHIP_KINDS
from app.domain.internship_rules import (
    ERROR,
    PARTY_LABELS,
    WARNING,
    InternshipFacts,
    Problem,
    internship_problems,
)
from app.domain.money import parse_money
from app.errors import ValidationError
from app.services.choices import Choice, chosen_labels
from app.services.internships import InternshipData
from ui.dialogs.practice_dialog import keep_last
from ui.form import FieldErrors
from ui.ops import read_now
from ui.pickers import RecordPicker, enterprise_search
from ui.widgets import OptionalDate

SEVERITY_COLORS = {ERROR: "#c42b1c", WARNING: "#b26a00"}
HINT_COLOR = "#666666"
HINT_CODES = ("INT-PAY", "INT-HOURS", "INT-INSURANCE", "INT-PREMIUM")
NO_BASE = "（不在实践基地）"


def severity_color(severity: str) -> str:
    return SEVERITY_COLORS.get(severity, HINT_COLOR)


def yuan_text(fen: int) -> str:
    return "" if not fen else f"{fen / 100:.2f}".removesuffix(".00")


def row(*items: QWidget | str, stretch: bool = True) -> QWidget:
    """Widgets (and label texts) side by side, left-aligned."""
    box = QWidget()
    h = QHBoxLayout(box)
    h.setContentsMargins(0, 0, 0, 0)
    for item in items:
        h.addWidget(item if isinstance(item, QWidget) else QLabel(item))
    if stretch:
        h.addStretch(1)
    return box


def hint_label() -> QLabel:
    label = QLabel(wordWrap=True)
    label.hide()
    return label


def show_hints(label: QLabel, problems: list[Problem]) -> None:
    """The problems as coloured lines (the worst colour for the label), or hidden when there are none."""
    if not problems:
        label.clear()
        label.hide()
        return
    lines = []
    for p in problems:
        tail = "（可先保存；开始实习前须补齐）" if p.blocks else ""
        lines.append(
            f"<span style='color:{severity_color(p.severity)}'>⚠ {p.message}{tail}"
            f"<span style='color:#888'>　{cite_source(p.source)}</span></span>"
        )
    label.setText("<br>".join(lines))
    label.show()


class InternshipFields:
    """The widgets of the terms; `form` holds the error lines (FieldErrors), `batch` hides the 家长 field (it
    comes from each student's roster entry)."""

    def __init__(self, form: FieldErrors, bases: list[Choice], *, batch: bool = False) -> None:
        self.form = form
        self.batch = batch
        self.arrangement_page = self._build_arrangement(bases)
        self.insurance_page = self._build_insurance()
        self.refresh_hints()

    # ------------------------------------------------------------ 实习安排

    def _build_arrangement(self, bases: list[Choice]) -> QWidget:
        f = self.form
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        self.enterprise = RecordPicker(
            enterprise_search, chosen_title="实习单位", placeholder="搜索合作企业名称、简称或拼音首字母"
        )
        self.enterprise.changed.connect(lambda: keep_last(self.enterprise))
        form.addRow("实习单位", f.with_error("enterprise_id", self.enterprise))
        self.base = QComboBox()
        self.base.addItem(NO_BASE, "")
        for b in bases:
            self.base.addItem(b.label, b.id)
        self.base.setMinimumContentsLength(20)
        base_hint = QLabel("实习单位与实践基地至少选一个")
        base_hint.setStyleSheet(f"color:{HINT_COLOR};")
        form.addRow("实践基地", f.with_error("base_id", row(self.base, base_hint)))
        self.kind = QComboBox()
        self.kind.addItems(INTERNSHIP_KINDS)
        form.addRow("实习类型*", f.with_error("kind", row(self.kind)))
        self.starts_on, self.ends_on = OptionalDate(), OptionalDate()
        form.addRow("起止日期*", f.with_error("starts_on", row(self.starts_on, "至", self.ends_on)))
        f.errors["ends_on"] = f.errors["starts_on"]
        self.position = QLineEdit(placeholderText="如：电气装配工")
        self.place = QLineEdit(placeholderText="如：湖南省株洲市天元区某工业园")
        form.addRow("实习岗位", f.with_error("position", self.position))
        form.addRow("实习地点", f.with_error("place", self.place))
        self.lodging = QLineEdit(
            placeholderText="如：乙方提供宿舍（四人间）和工作餐；不填则协议写明由学生自行解决"
        )
        self.transport = QLineEdit(placeholderText="如：乙方提供上下班班车；不填则协议写明由学生自行安排")
        form.addRow("食宿安排", f.with_error("lodging", self.lodging))
        form.addRow("交通安排", f.with_error("transport", self.transport))
        self.pay, self.wage = QLineEdit(placeholderText="元"), QLineEdit(placeholderText="元")
        for box in (self.pay, self.wage):
            box.setMaximumWidth(120)
        self.pay_day = QSpinBox(minimum=0, maximum=31, prefix="每月 ", suffix=" 日")
        self.pay_day.setSpecialValueText("未约定")
        self.pay_day.setMinimumWidth(100)
        pay = QVBoxLayout()
        pay.setSpacing(2)
        pay.addWidget(row(self.pay, "元/月　　同岗位职工工资", self.wage, "元/月　　发放日", self.pay_day))
        self.pay_hint = hint_label()
        pay.addWidget(self.pay_hint)
        form.addRow("实习报酬", f.with_error("monthly_pay_fen", pay))
        for key in ("same_post_wage_fen", "pay_day"):
            f.errors[key] = f.errors["monthly_pay_fen"]
        self.hours = QDoubleSpinBox(minimum=0.5, maximum=24, singleStep=0.5, decimals=1, value=8)
        self.hours.setSuffix(" 小时/天")
        self.days = QSpinBox(minimum=1, maximum=7, value=5, suffix=" 天/周")
        self.night_shift = QCheckBox("安排夜班")
        self.overtime = QCheckBox("加班或法定节假日上岗")
        hours = QVBoxLayout()
        hours.setSpacing(2)
        hours.addWidget(row(self.hours, self.days, self.night_shift, self.overtime))
        self.hours_hint = hint_label()
        hours.addWidget(self.hours_hint)
        form.addRow("工作时间", f.with_error("hours_per_day", hours))
        f.errors["days_per_week"] = f.errors["hours_per_day"]
        self.note = QPlainTextEdit(placeholderText="备注")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(52)
        form.addRow("备注", self.note)
        for w in (self.pay, self.wage):
            w.textChanged.connect(self.refresh_hints)
        for d in (self.starts_on, self.ends_on):
            d.dateChanged.connect(self.refresh_hints)
        self.kind.currentIndexChanged.connect(self.refresh_hints)
        self.hours.valueChanged.connect(self.refresh_hints)
        self.days.valueChanged.connect(self.refresh_hints)
        self.night_shift.toggled.connect(self.refresh_hints)
        self.overtime.toggled.connect(self.refresh_hints)
        return page

    # ------------------------------------------------------------ 保险、五方与材料

    def _build_insurance(self) -> QWidget:
        f = self.form
        page = QWidget()
        v = QVBoxLayout(page)
        box = QGroupBox("实习责任保险（H第十二条(三)：岗位实习开始前须投保并覆盖整个实习期）")
        form = QFormLayout(box)
        self.insurer = QLineEdit(placeholderText="如：中国人民财产保险股份有限公司")
        self.policy_no = QLineEdit()
        form.addRow("保险公司", f.with_error("insurer", self.insurer))
        form.addRow("保单号", f.with_error("policy_no", self.policy_no))
        self.insured_from, self.insured_to = OptionalDate(), OptionalDate()
        period = QVBoxLayout()
        period.setSpacing(2)
        period.addWidget(row(self.insured_from, "至", self.insured_to))
        self.insurance_hint = hint_label()
        period.addWidget(self.insurance_hint)
        form.addRow("保险期间", f.with_error("insured_from", period))
        f.errors["insured_to"] = f.errors["insured_from"]
        self.paid_by = QComboBox()
        self.paid_by.addItem("（未填写）", "")
        for p in INSURANCE_PAYERS:
            self.paid_by.addItem(p, p)
        form.addRow("投保方", f.with_error("insurance_paid_by", row(self.paid_by)))
        v.addWidget(box)
        for w in (self.insurer, self.policy_no):
            w.textChanged.connect(self.refresh_hints)
        for d in (self.insured_from, self.insured_to):
            d.dateChanged.connect(self.refresh_hints)
        self.paid_by.currentIndexChanged.connect(self.refresh_hints)

        parties = QGroupBox("五方联动（H第十二条(二)）")
        pform = QFormLayout(parties)
        self.parties: dict[str, QLineEdit] = {}
        for key, label in PARTY_LABELS.items():
            edit = QLineEdit()
            self.parties[key] = edit
            if key == "guardian" and self.batch:
                note = QLabel("按名册逐个填入每名学生的家长姓名；名册中没有的，之后在该生的实习表单中补填。")
                note.setWordWrap(True)
                note.setStyleSheet(f"color:{HINT_COLOR};")
                self.guardian_note = note
                pform.addRow(label, note)
                continue
            pform.addRow(label, f.with_error(key, edit))
        v.addWidget(parties)

        docs = QGroupBox("材料（已存档的）")
        h = QHBoxLayout(docs)
        self.has_tripartite = QCheckBox("三方协议（已签）")
        self.has_consent = QCheckBox("家长知情同意书")
        self.has_safety = QCheckBox("安全教育记录")
        for c in (self.has_tripartite, self.has_consent, self.has_safety):
            h.addWidget(c)
        h.addStretch(1)
        self.agreement_no = QLabel("")  # 三方协议编号: assigned by the first 三方协议 generated, never edited
        self.agreement_no.setToolTip("首次生成三方协议时编定，之后不变")
        self.agreement_no.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        h.addWidget(self.agreement_no)
        v.addWidget(docs)
        v.addStretch(1)
        return page

    # ------------------------------------------------------------ values

    def load(self, d: InternshipData, enterprise_label: str = "") -> None:
        if d.enterprise_id:
            label = enterprise_label or read_now(lambda s: chosen_labels(s, [d.enterprise_id or ""], [])).get(
                d.enterprise_id, ""
            )
            self.enterprise.set_chosen([Choice(d.enterprise_id, label)])
        if d.base_id and self.base.findData(d.base_id) < 0:
            self.base.addItem("（已删除的基地）", d.base_id)
        self.base.setCurrentIndex(max(0, self.base.findData(d.base_id or "")))
        self.kind.setCurrentText(d.kind)
        self.starts_on.set_value(d.starts_on)
        self.ends_on.set_value(d.ends_on)
        self.position.setText(d.position)
        self.place.setText(d.place)
        self.lodging.setText(d.lodging)
        self.transport.setText(d.transport)
        number = getattr(d, "agreement_no", "")
        self.agreement_no.setText(f"三方协议编号：{number or '（生成三方协议时编定）'}")
        self.pay.setText(yuan_text(d.monthly_pay_fen))
        self.wage.setText(yuan_text(d.same_post_wage_fen))
        self.pay_day.setValue(d.pay_day)
        self.hours.setValue(d.hours_per_day)
        self.days.setValue(d.days_per_week)
        self.night_shift.setChecked(d.night_shift)
        self.overtime.setChecked(d.overtime)
        self.note.setPlainText(d.note)
        self.insurer.setText(d.insurer)
        self.policy_no.setText(d.policy_no)
        self.insured_from.set_value(d.insured_from)
        self.insured_to.set_value(d.insured_to)
        self.paid_by.setCurrentIndex(max(0, self.paid_by.findData(d.insurance_paid_by)))
        for key, edit in self.parties.items():
            edit.setText(getattr(d, key))
        self.has_tripartite.setChecked(d.has_tripartite)
        self.has_consent.setChecked(d.has_consent)
        self.has_safety.setChecked(d.has_safety_record)
        self.refresh_hints()

    def money(self) -> tuple[int, int, list[ValidationError]]:
        """Pay and same-post wage in fen, and the errors of what cannot be read as an amount."""
        out, errors = [], []
        for field, label, box in (
            ("monthly_pay_fen", "实习报酬", self.pay),
            ("same_post_wage_fen", "同岗位职工工资", self.wage),
        ):
            text = box.text().strip()
            try:
                out.append(parse_money(text) if text else 0)
            except ValueError as e:
                out.append(0)
                errors.append(ValidationError(field, f"{label}：{e}"))
        return out[0], out[1], errors

    def data(self, student_id: str = "") -> tuple[InternshipData, list[ValidationError]]:
        pay, wage, errors = self.money()
        enterprise = self.enterprise.ids()
        d = InternshipData(
            student_id=student_id,
            starts_on=self.starts_on.value(),
            ends_on=self.ends_on.value(),
            kind=self.kind.currentText(),
            enterprise_id=enterprise[0] if enterprise else None,
            base_id=self.base.currentData() or None,
            position=self.position.text(),
            place=self.place.text(),
            lodging=self.lodging.text(),
            transport=self.transport.text(),
            monthly_pay_fen=pay,
            same_post_wage_fen=wage,
            pay_day=self.pay_day.value(),
            hours_per_day=round(self.hours.value(), 1),
            days_per_week=self.days.value(),
            night_shift=self.night_shift.isChecked(),
            overtime=self.overtime.isChecked(),
            insurer=self.insurer.text(),
            policy_no=self.policy_no.text(),
            insured_from=self.insured_from.value(),
            insured_to=self.insured_to.value(),
            insurance_paid_by=self.paid_by.currentData() or "",
            **{key: edit.text() for key, edit in self.parties.items()},
            has_tripartite=self.has_tripartite.isChecked(),
            has_consent=self.has_consent.isChecked(),
            has_safety_record=self.has_safety.isChecked(),
            note=self.note.toPlainText(),
        )
        return d, errors

    def state(self) -> tuple:
        """What the fields show (money as typed), to ask before closing with unsaved edits."""
        d, _ = self.data()
        return (d, self.pay.text(), self.wage.text())

    # ------------------------------------------------------------ live hints

    def live_problems(self, today: dt.date | None = None) -> list[Problem]:
        """The problems of the pay, hours and insurance rules for the terms as typed."""
        d, _ = self.data()
        starts, ends = d.starts_on, d.ends_on
        dated = starts is not None and ends is not None and starts <= ends
        facts = InternshipFacts(
            kind=d.kind,
            status="计划",
            starts_on=starts or dt.date.today(),
            ends_on=ends or dt.date.today(),
            monthly_pay_fen=d.monthly_pay_fen,
            same_post_wage_fen=d.same_post_wage_fen,
            hours_per_day=d.hours_per_day,
            days_per_week=d.days_per_week,
            night_shift=d.night_shift,
            overtime=d.overtime,
            insurer=d.insurer,
            policy_no=d.policy_no,
            insured_from=d.insured_from,
            insured_to=d.insured_to,
            has_tripartite=True,
            insurance_paid_by=d.insurance_paid_by,
        )
        found = internship_problems(facts, today or dt.date.today())
        return [p for p in found if p.code in HINT_CODES and (dated or p.code != "INT-INSURANCE")]

    def refresh_hints(self) -> None:
        if not hasattr(self, "insurance_hint"):
            return  # still building
        problems = self.live_problems()
        for label, code in (
            (self.pay_hint, "INT-PAY"),
            (self.hours_hint, "INT-HOURS"),
            (self.insurance_hint, "INT-INSURANCE INT-PREMIUM"),
        ):
            show_hints(label, [p for p in problems if p.code in code.split()])
