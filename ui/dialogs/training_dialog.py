"""企业员工培训 form: kind, title, enterprise, major, dates, trainees, 学时, 人天 and income. 人天 feeds
“学校为企业年培训员工数（人天）” of the 学年 the training starts in; “按人数×天数” fills it from the trainees
and the dates."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.db.models import TRAINING_KINDS
from app.errors import ValidationError
from app.services import outcome_list
from app.services import outcomes as svc
from app.services.choices import Choice
from app.services.common import Changes
from ui import theme
from ui.dialogs.outcome_form import OutcomeForm, amount_fen
from ui.forms import DateField, MoneyEdit, required
from ui.forms.fields import note_edit, side_by_side
from ui.qt import *  # noqa: F403

SOURCES = "H第二十一条；N四(六)2"


def _count_box(suffix: str) -> QSpinBox:
    box = QSpinBox(minimum=0, maximum=svc.MAX_COUNT)
    box.setSuffix(f" {suffix}")
    box.setGroupSeparatorShown(True)
    box.setMinimumWidth(110)
    return box


class TrainingDialog(OutcomeForm):
    geometry_key = "training"
    unsaved_what = "培训记录"
    titles = ("新建培训记录", "修改培训记录")
    bound_fields = "kind title starts_on ends_on trainees hours person_days note"
    first_field = "title"

    def build_fields(self, enterprises: list[Choice], majors: list[Choice]) -> None:
        self.kind = QComboBox()
        self.kind.addItems(TRAINING_KINDS)
        self.row(required("培训类型"), side_by_side(self.kind), "kind")
        self.title = QLineEdit(placeholderText="如：新能源汽车维修技术技能培训（第3期）")
        self.row(required("培训名称"), self.title, "title")
        self.enterprise = self.enterprise_box(enterprises, "（面向多家企业 / 未指定）")
        self.row("培训企业", self.enterprise, "enterprise_id")
        self.major = self.major_box(majors)
        self.row("承办专业", side_by_side(self.major), "major_id")
        self.starts_on = DateField(optional=False, field="starts_on", label="开始日期")
        self.ends_on = DateField(field="ends_on", label="结束日期")
        self.row(required("培训日期"), side_by_side(self.starts_on, "至", self.ends_on), "starts_on")
        self.also_error("ends_on", "starts_on")
        self.trainees, self.hours = _count_box("人"), _count_box("学时")
        self.row("培训人数", side_by_side(self.trainees, "学时", self.hours), "trainees")
        self.also_error("hours", "trainees")
        self.person_days = _count_box("人天")
        self.compute_button = QPushButton("按人数×天数")
        self.compute_button.setToolTip("人天 = 培训人数 × 培训天数（含首尾两天；没有结束日期按 1 天）")
        self.compute_button.clicked.connect(self.compute_person_days)
        self.row("培训人天", side_by_side(self.person_days, self.compute_button), "person_days")
        hint = theme.hint(
            QLabel("计入培训开始日期所在学年的“学校为企业年培训员工数（人天）”。", wordWrap=True)
        )
        hint.setToolTip(f"依据：{cite_source(SOURCES)}")
        self.fields.addRow("", hint)
        self.income = MoneyEdit("income_fen", "培训收入", placeholder="如 36,000（没有收入可不填）")
        self.income.setToolTip("培训收入（元），精确到分")
        self.row("培训收入（元）", side_by_side(self.income), "income_fen")
        self.note = note_edit("备注：培训内容、授课教师、证书等", 70)
        self.row("备注", self.note, "note")

    @Slot()
    def compute_person_days(self) -> None:
        try:
            start, end = self.starts_on.value(), self.ends_on.value()
        except ValidationError as e:
            self.show_errors([e])
            return
        days = (end - start).days + 1 if start and end and end >= start else 1
        self.person_days.setValue(min(self.trainees.value() * days, svc.MAX_COUNT))

    def read(self, s: Session, record_id: str) -> svc.TrainingRow:
        return outcome_list.get_training(s, record_id)

    def title_for(self, t: svc.TrainingRow) -> str:
        return f"培训：{t.title}"

    def load(self, t: svc.TrainingRow) -> None:
        self.fill_outcome(t)
        self.income.set_fen(t.income_fen or None)

    def data(self) -> svc.TrainingData:
        return svc.TrainingData(
            **self.outcome_values(),
            income_fen=amount_fen(self.income),
        )

    def check_record(self, s: Session, data: svc.TrainingData):
        return svc.check_training(s, data)

    def write(self, s: Session, data: svc.TrainingData) -> Changes:
        return svc.save_training(s, data, self.record_id)
