"""One usage record of a 实践基地 (N四(四)2): semester, activity and who used it (校内 students / 社会 trainees),
major, dates, 人次, days, person-days, 学时 per person (人时 = 人次 × 学时) and the supervising teachers. Days left at 0 follow the dates, person-days 人次 × 天数, 指导教师人次 the names listed
(app/services/bases.py completed); the line under the numbers shows what will be saved."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.db.models import USAGE_ACTIVITIES
from app.domain.semesters import next_semester
from app.services import bases as svc
from app.services.choices import Choice
from app.services.common import Changes
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, read_now
from ui.widgets import OptionalDate


def recent_semesters(current: str, back: int = 5) -> list[str]:
    """The next semester, the current one and `back` before it, latest first."""
    out = [next_semester(current), current]
    code = current
    for _ in range(back):
        y = int(code[:4])
        code = f"{y - 1}-{y}-2" if code.endswith("-1") else f"{y}-{y + 1}-1"
        out.append(code)
    return out


class UsageDialog(FieldErrors, QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        base_id: str,
        majors: list[Choice],
        usage: svc.UsageRow | None = None,
        semester: str = "",
    ) -> None:
        super().__init__(parent)
        self.base_id = base_id
        self.usage_id = usage.id if usage else None
        self.saved_id: str | None = None
        self.errors: dict[str, QLabel] = {}
        self.setWindowTitle("基地使用记录" if usage else "登记基地使用")
        self.resize(540, 560)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        lay.addLayout(form)
        current = read_now(svc.current_semester)
        self.semester = QComboBox(editable=True)
        self.semester.addItems(recent_semesters(current))
        self.semester.setCurrentText(usage.semester if usage else semester or current)
        self.semester.setToolTip("学期代码，如 2025-2026-1（第一学期）、2025-2026-2（第二学期）")
        form.addRow("学期*", self.with_error("semester", self.semester))
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
        form.addRow("活动类型*", self.with_error("activity", what))
        self.errors["audience"] = self.errors["activity"]
        self.major = QComboBox()
        self.major.addItem("（不指定专业）", "")
        for m in majors:
            self.major.addItem(m.label, m.id)
        form.addRow("专业", self.with_error("major_id", self.major))
        dates = QHBoxLayout()
        self.starts_on, self.ends_on = OptionalDate(), OptionalDate()
        dates.addWidget(self.starts_on)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.ends_on)
        dates.addStretch(1)
        form.addRow("起止日期", self.with_error("starts_on", dates))
        self.errors["ends_on"] = self.errors["starts_on"]
        self.students = QSpinBox(maximum=1_000_000, suffix=" 人次")
        form.addRow("学生*", self.with_error("students", self.students))
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
        self.note = QPlainTextEdit(placeholderText="活动内容、项目名称等")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(70)
        form.addRow("说明", self.note)
        self.preview = QLabel()
        self.preview.setStyleSheet("color:#555;")
        lay.addWidget(self.preview)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        lay.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        if usage:
            self._load(usage)
        for w in (self.students, self.days, self.person_days, self.hours, self.teacher_count):
            w.valueChanged.connect(self._update_preview)
        for d in (self.starts_on, self.ends_on):
            d.dateChanged.connect(self._update_preview)
        self.teachers.textChanged.connect(self._update_preview)
        self._update_preview()

    def _load(self, u: svc.UsageRow) -> None:
        self.activity.setCurrentText(u.activity)
        self.audience.setCurrentIndex(max(0, self.audience.findData(u.audience)))
        self.hours.setValue(u.hours)
        i = self.major.findData(u.major_id or "")
        if i < 0:
            self.major.addItem(u.major_name or "（已删除的专业）", u.major_id)
            i = self.major.count() - 1
        self.major.setCurrentIndex(i)
        self.starts_on.set_value(u.starts_on)
        self.ends_on.set_value(u.ends_on)
        self.students.setValue(u.students)
        self.days.setValue(u.days)
        self.person_days.setValue(u.person_days)
        self.teachers.setText(u.teachers)
        self.teacher_count.setValue(u.teacher_count)
        self.note.setPlainText(u.note)

    def data(self) -> svc.UsageData:
        return svc.UsageData(
            base_id=self.base_id,
            semester=self.semester.currentText(),
            activity=self.activity.currentText(),
            major_id=self.major.currentData() or None,
            starts_on=self.starts_on.value(),
            ends_on=self.ends_on.value(),
            students=self.students.value(),
            days=self.days.value(),
            person_days=self.person_days.value(),
            teachers=self.teachers.text(),
            teacher_count=self.teacher_count.value(),
            note=self.note.toPlainText(),
            hours=self.hours.value(),
            audience=self.audience.currentData() or "校内",
        )

    @Slot()
    def _update_preview(self) -> None:
        d = svc.completed(self.data())
        hours = f"，{d.person_hours} 人时" if d.hours else "，未填学时（不计人时）"
        self.preview.setText(
            f"将保存：{d.students} 人次，使用 {d.days} 天，{d.person_days} 人天{hours}，指导教师 {d.teacher_count} 人次"
        )

    @Slot()
    def save(self) -> None:
        self.show_errors([])
        data, usage_id = self.data(), self.usage_id
        if errors := read_now(lambda s: svc.check_usage(s, data)):
            self.show_errors(errors)
            return
        WriteOp(self, lambda s: svc.save_usage(s, data, usage_id)).success(self._saved).failure(
            self.save_failed
        ).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self.accept()
