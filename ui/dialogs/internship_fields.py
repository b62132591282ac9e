"""The fields of an internship's terms, shared by the batch dialog and the form of one internship, on two
pages: 实习安排 (unit, kind, dates, post, pay, hours) and 保险、五方与材料 (insurance, the five parties, the
documents on file).

Live hints under the fields for the rules that can be checked before saving — pay under 80% of the same-post
wage, more than 8 hours a day or 40 a week, night shifts and overtime, insurance missing or not covering the
dates — from the pure rules of app/domain/internship_rules.py (no database).

`terms()` reads the fields as the service's InternshipData with the fields whose text is not a date or an amount
(`Terms.unread`); `check_terms` adds the service's check, so a save names every field to fix at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

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
from app.errors import ValidationError
from app.services import internships as svc
from app.services.choices import Choice, chosen_labels
from app.services.internships import InternshipData
from app.services.rule_sets import get_rule_preset
from ui import theme
from ui.forms import ChoiceBox, DateField, MoneyEdit, RecordForm, required
from ui.forms.fields import fill_fields, note_edit, read_fields, side_by_side
from ui.ops import read_now
from ui.pickers import RecordPicker, enterprise_search, keep_last
from ui.qt import *  # noqa: F403

HINT_CODES = ("INT-PAY", "INT-HOURS", "INT-INSURANCE", "INT-PREMIUM")
NO_BASE = "（不在实践基地）"
# The terms shown and read as they are (no date or amount: reading them cannot fail).
PLAIN_FIELDS = "kind position place lodging transport pay_day night_shift overtime insurer policy_no note"
T = TypeVar("T")


def severity_color(severity: str) -> str:
    """The colour of a problem's severity (错误 / 警告 / 提示) from the theme."""
    return theme.SEVERITY[{ERROR: "error", WARNING: "warning"}.get(severity, "info")]


@dataclass(frozen=True)
class Terms:
    """The terms as the fields show them: the service's data, and the fields whose text could not be read (a
    date or an amount mistyped) as (field, message) — their value in `data` is empty."""

    data: InternshipData
    unread: tuple[tuple[str, str], ...] = ()

    def errors(self) -> list[ValidationError]:
        return [ValidationError(field, message) for field, message in self.unread]


def check_terms(s, terms: Terms, *, skip: tuple[str, ...] = ()) -> list[ValidationError]:
    """The text that could not be read, then the service's check of the rest (not again for those fields, nor
    for the fields in `skip`)."""
    unread = terms.errors()
    bad = {e.field for e in unread} | set(skip)
    return unread + [e for e in svc.check_internship(s, terms.data) if e.field not in bad]


def hint_label() -> QLabel:
    label = QLabel(wordWrap=True)
    label.hide()
    return label


def source_tip(what: str, code: str) -> str:
    return f"{what}\n依据：{cite_source(code)}"


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
            f"<span style='color:{theme.HINT}'>　{cite_source(p.source)}</span></span>"
        )
    label.setText("<br>".join(lines))
    label.show()


class InternshipFields:
    """The widgets of the terms; `form` (a RecordForm) holds the error lines, `batch` hides the 家长 field (it
    comes from each student's roster entry)."""

    def __init__(self, form: RecordForm, bases: list[Choice], *, batch: bool = False) -> None:
        self.form = form
        self.batch = batch
        # the hints cite the rules in force, as the lists and checks do
        self.preset = read_now(get_rule_preset)
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
            enterprise_search, chosen_title="已选实习单位", placeholder="搜索合作企业名称、简称或拼音首字母"
        )
        self.enterprise.changed.connect(lambda: keep_last(self.enterprise))
        form.addRow("实习单位", f.with_error("enterprise_id", self.enterprise))
        self.base = ChoiceBox(bases, blank=NO_BASE)
        base_hint = theme.hint(QLabel("实习单位与实践基地至少选一个"))
        form.addRow("实践基地", f.with_error("base_id", side_by_side(self.base, base_hint)))
        self.kind = QComboBox()
        self.kind.addItems(INTERNSHIP_KINDS)
        form.addRow(required("实习类型"), f.with_error("kind", side_by_side(self.kind)))
        # required; a batch starts with both empty (no date is a good guess) and its save asks for them by name
        self.starts_on = DateField(optional=self.batch, field="starts_on", label="实习开始日期")
        self.ends_on = DateField(optional=self.batch, field="ends_on", label="实习结束日期")
        form.addRow(
            required("起止日期"), f.with_error("starts_on", side_by_side(self.starts_on, "至", self.ends_on))
        )
        f.also_error("ends_on", "starts_on")
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
        self.pay = MoneyEdit("monthly_pay_fen", "实习报酬", placeholder="元")
        self.wage = MoneyEdit("same_post_wage_fen", "同岗位职工工资", placeholder="元")
        for box in (self.pay, self.wage):
            box.setMaximumWidth(110)
        self.pay_day = QSpinBox(minimum=0, maximum=31, prefix="每月 ", suffix=" 日")
        self.pay_day.setSpecialValueText("未约定")
        self.pay_day.setMinimumWidth(100)
        pay = QVBoxLayout()
        pay.setSpacing(2)
        pay.addWidget(
            side_by_side(self.pay, "元/月　　同岗位职工工资", self.wage, "元/月　　发放日", self.pay_day)
        )
        self.pay_hint = hint_label()
        pay.addWidget(self.pay_hint)
        form.addRow("实习报酬", f.with_error("monthly_pay_fen", pay))
        for key in ("same_post_wage_fen", "pay_day"):
            f.also_error(key, "monthly_pay_fen")
        self.hours = QDoubleSpinBox(minimum=0.5, maximum=24, singleStep=0.5, decimals=1, value=8)
        self.hours.setSuffix(" 小时/天")
        self.days = QSpinBox(minimum=1, maximum=7, value=5, suffix=" 天/周")
        self.night_shift = QCheckBox("安排夜班")
        self.overtime = QCheckBox("加班或法定节假日上岗")
        hours = QVBoxLayout()
        hours.setSpacing(2)
        hours.addWidget(side_by_side(self.hours, self.days, self.night_shift, self.overtime))
        self.hours_hint = hint_label()
        hours.addWidget(self.hours_hint)
        form.addRow("工作时间", f.with_error("hours_per_day", hours))
        f.also_error("days_per_week", "hours_per_day")
        self.note = note_edit("备注", 52)
        form.addRow("备注", self.note)
        for w in (self.pay, self.wage):
            w.textChanged.connect(self.refresh_hints)
        for d in (self.starts_on, self.ends_on):
            d.changed.connect(self.refresh_hints)
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
        box = QGroupBox("实习责任保险（岗位实习开始前须投保，并覆盖整个实习期）")
        box.setToolTip(
            source_tip("岗位实习开始前须投保实习责任保险，保险期间覆盖整个实习期。", "H第十二条(三)")
        )
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.insurer = QLineEdit(placeholderText="如：中国人民财产保险股份有限公司")
        self.policy_no = QLineEdit()
        form.addRow("保险公司", f.with_error("insurer", self.insurer))
        form.addRow("保单号", f.with_error("policy_no", self.policy_no))
        self.insured_from = DateField(field="insured_from", label="保险起始日期")
        self.insured_to = DateField(field="insured_to", label="保险截止日期")
        period = QVBoxLayout()
        period.setSpacing(2)
        period.addWidget(side_by_side(self.insured_from, "至", self.insured_to))
        self.insurance_hint = hint_label()
        period.addWidget(self.insurance_hint)
        form.addRow("保险期间", f.with_error("insured_from", period))
        f.also_error("insured_to", "insured_from")
        self.paid_by = ChoiceBox([Choice(p, p) for p in INSURANCE_PAYERS], blank="（未填写）", editable=False)
        self.paid_by.setMinimumContentsLength(8)
        form.addRow("投保方", f.with_error("insurance_paid_by", side_by_side(self.paid_by)))
        v.addWidget(box)
        for w in (self.insurer, self.policy_no):
            w.textChanged.connect(self.refresh_hints)
        for d in (self.insured_from, self.insured_to):
            d.changed.connect(self.refresh_hints)
        self.paid_by.currentIndexChanged.connect(self.refresh_hints)

        parties = QGroupBox("五方联动（实习的五位负责人）")
        parties.setToolTip(
            source_tip("、".join(PARTY_LABELS.values()) + "五方共同管理学生实习。", "H第十二条(二)")
        )
        pform = QFormLayout(parties)
        pform.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.parties: dict[str, QLineEdit] = {}
        for key, label in PARTY_LABELS.items():
            edit = QLineEdit()
            self.parties[key] = edit
            if key == "guardian" and self.batch:
                note = QLabel("按名册逐个填入每名学生的家长姓名；名册中没有的，之后在该生的实习表单中补填。")
                note.setWordWrap(True)
                self.guardian_note = theme.hint(note)
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
        self.base.set_value(d.base_id, "（已删除的基地）")
        fill_fields(self, d, f"{PLAIN_FIELDS} starts_on ends_on insured_from insured_to")
        number = getattr(d, "agreement_no", "")
        self.agreement_no.setText(f"三方协议编号：{number or '（生成三方协议时编定）'}")
        self.pay.set_fen(d.monthly_pay_fen or None)
        self.wage.set_fen(d.same_post_wage_fen or None)
        self.hours.setValue(d.hours_per_day)
        self.days.setValue(d.days_per_week)
        self.paid_by.set_value(d.insurance_paid_by or None, d.insurance_paid_by)
        for key, edit in self.parties.items():
            edit.setText(getattr(d, key))
        self.has_tripartite.setChecked(d.has_tripartite)
        self.has_consent.setChecked(d.has_consent)
        self.has_safety.setChecked(d.has_safety_record)
        self.refresh_hints()

    def terms(self, student_id: str = "") -> Terms:
        """The terms as shown; a date or an amount that cannot be read counts as empty and is named in
        `Terms.unread`."""
        unread: list[tuple[str, str]] = []

        def read(value: Callable[[], T], empty: T) -> T:
            try:
                return value()
            except ValidationError as e:
                unread.append((e.field, e.message))
                return empty

        enterprise = self.enterprise.ids()
        d = InternshipData(
            student_id=student_id,
            starts_on=read(self.starts_on.value, None),
            ends_on=read(self.ends_on.value, None),
            **read_fields(self, PLAIN_FIELDS),
            enterprise_id=enterprise[0] if enterprise else None,
            base_id=self.base.value(),
            monthly_pay_fen=read(self.pay.fen, None) or 0,
            same_post_wage_fen=read(self.wage.fen, None) or 0,
            hours_per_day=round(self.hours.value(), 1),
            days_per_week=self.days.value(),
            insured_from=read(self.insured_from.value, None),
            insured_to=read(self.insured_to.value, None),
            insurance_paid_by=self.paid_by.value() or "",
            **{key: edit.text() for key, edit in self.parties.items()},
            has_tripartite=self.has_tripartite.isChecked(),
            has_consent=self.has_consent.isChecked(),
            has_safety_record=self.has_safety.isChecked(),
        )
        return Terms(d, tuple(unread))

    def state(self) -> tuple:
        """What the fields show (money and dates as typed), to ask before closing with unsaved edits."""
        typed = (self.pay, self.wage, self.starts_on.edit, self.ends_on.edit, self.insured_from.edit,
                 self.insured_to.edit)  # fmt: skip
        return (self.terms().data, *(w.text() for w in typed))

    # ------------------------------------------------------------ live hints

    def live_problems(self, today: dt.date | None = None) -> list[Problem]:
        """The problems of the pay, hours and insurance rules for the terms as typed."""
        d = self.terms().data
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
        found = internship_problems(facts, today or dt.date.today(), preset=self.preset)
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
