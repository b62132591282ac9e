"""One usage record of a 实践基地: semester, activity and who used it (校内 students / 社会 trainees), major, dates,
人次, days, person-days, 学时 per person (人时 = 人次 × 学时) and the supervising teachers. Days left at 0 follow the
dates, person-days 人次 × 天数, 指导教师人次 the names listed (app/services/bases.py completed); the line under
the numbers shows what will be saved."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.db.models import USAGE_ACTIVITIES
from app.domain.semesters import next_semester
from app.errors import ValidationError, ValidationErrors
from app.services import bases as svc
from app.services.choices import Choice
from app.services.common import Changes
from ui import theme
from ui.forms import ChoiceBox, DateField, RecordForm, required
from ui.forms.fields import note_edit, side_by_side
from ui.forms.record_form import id_alias
from ui.ops import read_now
from ui.qt import *  # noqa: F403


def recent_semesters(current: str, back: int = 5) -> list[str]:
    """The next semester, the current one and `back` before it, latest first."""
    out = [next_semester(current), current]
    code = current
    for _ in range(back):
        y = int(code[:4])
        code = f"{y - 1}-{y}-2" if code.endswith("-1") else f"{y}-{y + 1}-1"
        out.append(code)
    return out


class UsageDialog(RecordForm):
    geometry_key = "base_usage"
    default_size = (560, 470)
    unsaved_what = "使用记录"
    titles = ("登记基地使用", "基地使用记录")
    bound_fields = (
        "semester activity starts_on ends_on students days person_days hours teachers teacher_count note"
    )

    def __init__(
        self,
        parent: QWidget | None,
        base_id: str,
        majors: list[Choice],
        usage: svc.UsageRow | None = None,
        semester: str = "",
    ) -> None:
        self.base_id = base_id
        self.majors_offered = majors
        self.preset_semester = semester
        # the listed row names the record; `read` reads it from the database
        super().__init__(parent, usage.id if usage else None)

    usage_id = id_alias()

    def build(self) -> None:
        form = self.form()
        self.current = read_now(svc.current_semester)
        self.semester = QComboBox(editable=True)
        self.semester.addItems(recent_semesters(self.current))
        self.semester.setToolTip("学期代码，如 2025-2026-1（第一学期）、2025-2026-2（第二学期）")
        form.addRow(required("学期"), self.with_error("semester", self.semester))
        self.activity = QComboBox()
        self.activity.addItems(USAGE_ACTIVITIES)
        self.audience = QComboBox()
        for value, label in (("校内", "校内（本校学生）"), ("社会", "社会（社会培训等）")):
            self.audience.addItem(label, value)
        self.audience.setToolTip("“校内实践基地”表分别统计校内与社会的学年使用频率（人时）")
        what = QHBoxLayout()
        what.addWidget(self.activity, 1)
        what.addWidget(QLabel("使用对象"))
        what.addWidget(self.audience, 1)
        form.addRow(required("活动类型"), self.with_error("activity", what))
        self.also_error("audience", "activity")
        self.major = ChoiceBox(self.majors_offered, blank="（不指定专业）", editable=False)
        form.addRow("专业", self.with_error("major_id", self.major))
        self.starts_on = DateField(field="starts_on", label="开始日期")
        self.ends_on = DateField(field="ends_on", label="结束日期")
        form.addRow(
            "起止日期", self.with_error("starts_on", side_by_side(self.starts_on, "至", self.ends_on))
        )
        self.also_error("ends_on", "starts_on")
        self.students = QSpinBox(maximum=1_000_000, suffix=" 人次")
        form.addRow(required("学生"), self.with_error("students", self.students))
        self.days = QSpinBox(maximum=366, suffix=" 天", specialValueText="按起止日期")
        form.addRow("使用天数", self.with_error("days", self.days))
        self.person_days = QSpinBox(maximum=10_000_000, suffix=" 人天", specialValueText="人次 × 天数")
        form.addRow("人天数", self.with_error("person_days", self.person_days))
        self.hours = QSpinBox(maximum=svc.MAX_HOURS, suffix=" 学时", specialValueText="未填写")
        self.hours.setToolTip("每名学生（学员）在本次使用中的学时；人时 = 人次 × 学时")
        form.addRow("每人学时", self.with_error("hours", self.hours))
        self.teachers = QLineEdit(placeholderText="指导教师姓名，以顿号分隔，如 王强、李芳")
        form.addRow("指导教师", self.with_error("teachers", self.teachers))
        self.teacher_count = QSpinBox(maximum=1_000_000, suffix=" 人次", specialValueText="按所填姓名")
        form.addRow("指导教师人次", self.with_error("teacher_count", self.teacher_count))
        self.note = note_edit("活动内容、项目名称等", 70)
        form.addRow("说明", self.with_error("note", self.note))
        self.preview = theme.muted(QLabel(wordWrap=True))
        self.preview.setToolTip(f"每个专业每学期末汇总基地使用情况（依据：{cite_source('N四(四)2')}）")
        self.body.addWidget(self.preview)
        self.body.addStretch(1)
        for w in (self.students, self.days, self.person_days, self.hours, self.teacher_count):
            w.valueChanged.connect(self._update_preview)
        for d in (self.starts_on, self.ends_on):
            d.changed.connect(self._update_preview)
        self.teachers.textChanged.connect(self._update_preview)

    def read(self, s: Session, record_id: str) -> svc.UsageRow:
        return svc.get_usage(s, record_id)

    def load_new(self) -> None:
        self.semester.setCurrentText(self.preset_semester or self.current)
        self._update_preview()

    def load(self, u: svc.UsageRow) -> None:
        self.fill(u)
        self.audience.setCurrentIndex(max(0, self.audience.findData(u.audience)))
        self.major.set_value(u.major_id, u.major_name or "（已删除的专业）")
        self._update_preview()

    def data(self) -> svc.UsageData:
        return svc.UsageData(
            base_id=self.base_id,
            **self.values(),
            major_id=self.major.value(),
            audience=self.audience.currentData() or "校内",
        )

    @Slot()
    def _update_preview(self) -> None:
        try:
            d = svc.completed(self.data())
        except ValidationErrors:
            self.preview.setText("将保存：（日期未填对）")
            return
        hours = f"，{d.person_hours} 人时" if d.hours else "，未填学时（不计人时）"
        self.preview.setText(
            f"将保存：{d.students} 人次，使用 {d.days} 天，{d.person_days} 人天{hours}，"
            f"指导教师 {d.teacher_count} 人次"
        )

    def check(self, s: Session, data: svc.UsageData) -> list[ValidationError]:
        return svc.check_usage(s, data)

    def write(self, s: Session, data: svc.UsageData) -> Changes:
        return svc.save_usage(s, data, self.record_id)
