"""毕业生就业 form: the student (a search over the roster), the graduation year, the status, and for a graduate
with an employer (协议就业, 灵活就业, 自主创业) the employer, 对口 and the monthly salary.

The employer is free text; a name that is an enterprise of the archive links the record to it (as the import
does). The salary is a MoneyEdit (5000, 5,000.00, ¥5000元); its error, like every error of check_employment,
shows under its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy.orm import Session

from app.db.models import EMPLOYED_STATUSES, EMPLOYMENT_STATUSES
from app.services import employment as svc
from app.services.choices import Choice, enterprise_choices
from app.services.common import Changes
from app.services.student_list import student_choices, student_label
from app.services.students import get_student
from ui import theme
from ui.forms import MoneyEdit, RecordForm, required
from ui.forms.fields import note_edit, side_by_side
from ui.ops import read_now
from ui.pickers import PICKER_LIMIT, RecordPicker, keep_last
from ui.qt import *  # noqa: F403


def student_search(text: str) -> list[Choice]:
    return read_now(lambda s: student_choices(s, text, limit=PICKER_LIMIT + 1))


def default_year(today: dt.date | None = None) -> int:
    """This calendar year: its graduates sign before leaving in June and are followed up until December."""
    return (today or dt.date.today()).year


class EmploymentDialog(RecordForm):
    geometry_key = "employment"
    default_size = (640, 520)
    unsaved_what = "就业记录"
    titles = ("新建就业记录", "编辑就业记录")
    bound_fields = "status position related note"  # position and 对口 are read back as the status allows

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        row: svc.EmploymentRow | None = None,
        student_id: str | None = None,
        year: int | None = None,
    ) -> None:
        self.employment_id = row.id if row else None  # the listed row names the record; `read` reads it
        self._fixed_student = student_id
        self._year = year
        self._student_id = student_id or (row.student_id if row else None)
        self._enterprise: tuple[str, str] | None = None  # (id, name) the record is linked to
        super().__init__(parent, self.employment_id)
        (self.status if self._student_id else self.student.search).setFocus()

    def build(self) -> None:
        form = self.form()
        fixed = bool(self._student_id)
        self.student = RecordPicker(student_search, chosen_title="学生", placeholder="搜索学号、姓名或班级")
        self.student.changed.connect(lambda: keep_last(self.student))
        self.student_label = QLabel()
        theme.heading(self.student_label)
        self.student.setVisible(not fixed)
        self.student_label.setVisible(fixed)
        box = QVBoxLayout()
        box.addWidget(self.student)
        box.addWidget(self.student_label)
        form.addRow(required("学生"), self.with_error("student_id", box))
        self.year = QSpinBox(minimum=1990, maximum=2100, suffix=" 届")
        self.year.setValue(self._year or default_year())
        form.addRow(required("毕业年份"), self.with_error("graduate_year", side_by_side(self.year)))
        self.status = QComboBox()
        self.status.addItems(list(EMPLOYMENT_STATUSES))
        self.status.currentIndexChanged.connect(lambda _i: self._status_changed())
        form.addRow(required("就业状态"), self.with_error("status", side_by_side(self.status)))
        self.employer = QLineEdit(placeholderText="就业单位全称；与合作企业档案同名时自动关联")
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.employer.setCompleter(completer)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self._complete)
        self.employer.textEdited.connect(lambda _t: self._timer.start())
        form.addRow("就业单位", self.with_error("employer_name", self.employer))
        self.also_error("enterprise_id", "employer_name")
        self.position = QLineEdit(placeholderText="岗位，如 装配工艺员")
        form.addRow("岗位", self.with_error("position", self.position))
        self.related = QCheckBox("与所学专业对口")
        form.addRow("专业对口", self.with_error("related", self.related))
        self.salary = MoneyEdit("monthly_salary_fen", "月薪", placeholder="如 4500（不知道可不填）")
        self.salary.setMinimumWidth(200)
        form.addRow("月薪（元）", self.with_error("monthly_salary_fen", side_by_side(self.salary)))
        self.note = note_edit("备注", 56)
        form.addRow("备注", self.with_error("note", self.note))
        self.body.addStretch(1)

    def read(self, s: Session, record_id: str) -> svc.EmploymentRow:
        return svc.get_employment(s, record_id)

    def load(self, r: svc.EmploymentRow) -> None:
        self.student_label.setText(student_label(r.student_no, r.student_name, r.class_name))
        self.year.setValue(r.graduate_year)
        self.fill(r)
        self.employer.setText(r.employer_name)
        if r.enterprise_id:
            self._enterprise = (r.enterprise_id, r.employer_name)
        self.salary.set_fen(r.monthly_salary_fen or None)
        self._status_changed()

    def load_new(self) -> None:
        if sid := self._fixed_student:
            st = read_now(lambda s: get_student(s, sid, full=False))
            self.student_label.setText(student_label(st.student_no, st.name, st.class_name))
        self._status_changed()

    @Slot()
    def _status_changed(self) -> None:
        employed = self.status.currentText() in EMPLOYED_STATUSES
        for w in (self.related, self.salary):
            w.setEnabled(employed)
        waiting = self.status.currentText() == "待就业"
        self.employer.setEnabled(not waiting)
        self.position.setEnabled(not waiting)
        self.employer.setPlaceholderText(
            "就业单位全称；与合作企业档案同名时自动关联" if employed else "升学的学校、入伍的部队等（可不填）"
        )

    @Slot()
    def _complete(self) -> None:
        text = self.employer.text().strip()
        found = read_now(lambda s: enterprise_choices(s, text, limit=20)) if text else []
        self._completions.setStringList([c.label for c in found])

    def student_id(self) -> str:
        if self._student_id:
            return self._student_id
        ids = self.student.ids()
        return ids[0] if ids else ""

    def data(self) -> svc.EmploymentData:
        employed = self.status.currentText() in EMPLOYED_STATUSES
        return svc.EmploymentData(
            student_id=self.student_id(),
            graduate_year=self.year.value(),
            **self.values("status note"),
            employer_name=self.employer.text().strip() if self.employer.isEnabled() else "",
            related=employed and self.related.isChecked(),
            monthly_salary_fen=(self.salary.fen() or 0) if employed else 0,
            position=self.position.text() if self.position.isEnabled() else "",
        )

    def check(self, s: Session, data: svc.EmploymentData):
        return svc.check_employment(s, svc.normalized_employment(s, data), exclude_id=self.employment_id)

    def _enterprise_id(self, s: Session, employer: str) -> str | None:
        if not employer:
            return None
        if self._enterprise and self._enterprise[1] == employer:
            return self._enterprise[0]
        return next((c.id for c in enterprise_choices(s, employer, limit=5) if c.label == employer), None)

    def write(self, s: Session, data: svc.EmploymentData) -> Changes:
        linked = replace(data, enterprise_id=self._enterprise_id(s, data.employer_name))
        return svc.save_employment(s, linked, self.employment_id)
