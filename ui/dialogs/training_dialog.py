"""企业员工培训 form (H第二十一条, N四(六)2): kind, title, enterprise, major, dates, trainees, 学时, 人天 and
income. 人天 feeds “学校为企业年培训员工数（人天）” of the 学年 the training starts in; “按人数×天数” fills
it from the trainees and the dates."""

from __future__ import annotations

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from sqlalchemy.orm import Session

from app.db.models import TRAINING_KINDS
from app.domain.money import format_money
from app.services import outcome_list
from app.services import outcomes as svc
from app.services.choices import Choice
from ui.dialogs.outcome_form import HINT_STYLE, OutcomeForm, money_fen
from ui.ops import read_now
from ui.widgets import OptionalDate


def _count_box(suffix: str) -> QSpinBox:
    box = QSpinBox(minimum=0, maximum=svc.MAX_COUNT)
    box.setSuffix(f" {suffix}")
    box.setGroupSeparatorShown(True)
    box.setMinimumWidth(110)
    return box


class TrainingDialog(OutcomeForm):
    new_title = "新建培训记录"
    edit_title = "修改培训记录"

    def __init__(self, parent: QWidget | None = None, training_id: str | None = None) -> None:
        super().__init__(parent, training_id)
        self.resize(620, 520)
        self.title.setFocus()

    def build(self, form: QFormLayout, enterprises: list[Choice], majors: list[Choice]) -> None:
        self.kind = QComboBox()
        self.kind.addItems(TRAINING_KINDS)
        self.row("培训类型*", self.kind, "kind")
        self.title = QLineEdit(placeholderText="如：新能源汽车维修技术技能培训（第3期）")
        self.row("培训名称*", self.title, "title")
        self.enterprise = self.enterprise_box(enterprises, "（面向多家企业 / 未指定）")
        self.row("培训企业", self.enterprise, "enterprise_id")
        self.major = self.major_box(majors)
        self.row("承办专业", self.major, "major_id")
        period = QWidget()
        p = QHBoxLayout(period)
        p.setContentsMargins(0, 0, 0, 0)
        self.starts_on = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.starts_on.setDate(QDate.currentDate())
        self.ends_on = OptionalDate()
        p.addWidget(self.starts_on)
        p.addWidget(QLabel("至"))
        p.addWidget(self.ends_on)
        p.addStretch(1)
        self.row("培训日期*", period, "starts_on")
        self.errors["ends_on"] = self.errors["starts_on"]
        counts = QWidget()
        c = QHBoxLayout(counts)
        c.setContentsMargins(0, 0, 0, 0)
        self.trainees, self.hours = _count_box("人"), _count_box("学时")
        c.addWidget(self.trainees)
        c.addWidget(QLabel("学时"))
        c.addWidget(self.hours)
        c.addStretch(1)
        self.row("培训人数", counts, "trainees")
        self.errors["hours"] = self.errors["trainees"]
        days = QWidget()
        d = QHBoxLayout(days)
        d.setContentsMargins(0, 0, 0, 0)
        self.person_days = _count_box("人天")
        self.compute_button = QPushButton("按人数×天数")
        self.compute_button.setToolTip("人天 = 培训人数 × 培训天数（含首尾两天；没有结束日期按 1 天）")
        self.compute_button.clicked.connect(self.compute_person_days)
        d.addWidget(self.person_days)
        d.addWidget(self.compute_button)
        d.addStretch(1)
        self.row("培训人天", days, "person_days")
        hint = QLabel("计入培训开始日期所在学年的“学校为企业年培训员工数（人天）”。", wordWrap=True)
        hint.setStyleSheet(HINT_STYLE)
        self.form.addRow("", hint)
        self.income = QLineEdit(placeholderText="如 36,000（没有收入可不填）")
        self.income.setToolTip("培训收入（元），精确到分")
        self.row("培训收入（元）", self.income, "income_fen")
        self.note = QPlainTextEdit(placeholderText="备注：培训内容、授课教师、证书等")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(70)
        self.row("备注", self.note, "note")

    @Slot()
    def compute_person_days(self) -> None:
        start, end = self.starts_on.date().toPython(), self.ends_on.value()
        days = (end - start).days + 1 if end and end >= start else 1
        self.person_days.setValue(min(self.trainees.value() * days, svc.MAX_COUNT))

    def fetch(self, record_id: str) -> svc.TrainingRow:
        return read_now(lambda s: outcome_list.get_training(s, record_id))

    def load(self, t: svc.TrainingRow) -> None:
        self.kind.setCurrentText(t.kind)
        self.title.setText(t.title)
        self.set_enterprise(self.enterprise, t.enterprise_id)
        self.set_major(self.major, t.major_id, t.major_name)
        if t.starts_on:
            self.starts_on.setDate(QDate(t.starts_on.year, t.starts_on.month, t.starts_on.day))
        self.ends_on.set_value(t.ends_on)
        self.trainees.setValue(t.trainees)
        self.hours.setValue(t.hours)
        self.person_days.setValue(t.person_days)
        self.income.setText(format_money(t.income_fen, symbol=False) if t.income_fen else "")
        self.note.setPlainText(t.note)
        self.setWindowTitle(f"培训：{t.title}")

    def data(self) -> svc.TrainingData:
        return svc.TrainingData(
            kind=self.kind.currentText(),
            title=self.title.text(),
            starts_on=self.starts_on.date().toPython(),
            enterprise_id=self.chosen(self.enterprise),
            major_id=self.major.currentData() or None,
            ends_on=self.ends_on.value(),
            trainees=self.trainees.value(),
            hours=self.hours.value(),
            person_days=self.person_days.value(),
            income_fen=money_fen(self.income, "income_fen", "培训收入"),
            note=self.note.toPlainText(),
        )

    def form_errors(self):
        return self.enterprise_error(self.enterprise)

    def check(self, s: Session, data: svc.TrainingData):
        return svc.check_training(s, data)

    def work(self, data: svc.TrainingData):
        record_id = self.record_id
        return lambda s: svc.save_training(s, data, record_id)
