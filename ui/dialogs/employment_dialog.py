"""毕业生就业 form (H第十三条): the student (a search over the roster), the graduation year, the status, and for
a graduate with an employer (协议就业, 灵活就业, 自主创业) the employer, 对口 and the monthly salary.

The employer is free text; a name that is an enterprise of the archive links the record to it (as the import
does). The salary is parsed like every amount (app.domain.money.parse_money: 5000, 5,000.00, ¥5000元); its
error, like every error of check_employment, shows under its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import QStringListModel, Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
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

from app.db.models import EMPLOYED_STATUSES, EMPLOYMENT_STATUSES
from app.domain.money import format_money, parse_money
from app.errors import ValidationError
from app.services import employment as svc
from app.services.choices import Choice, enterprise_choices
from app.services.common import Changes
from app.services.student_list import student_choices, student_label
from app.services.students import get_student
from ui.dialogs.practice_dialog import keep_last
from ui.form import ERROR_STYLE, FieldErrors, SaveFlow
from ui.ops import WriteOp, read_now
from ui.pickers import PICKER_LIMIT, RecordPicker


def student_search(text: str) -> list[Choice]:
    return read_now(lambda s: student_choices(s, text, limit=PICKER_LIMIT + 1))


def default_year(today: dt.date | None = None) -> int:
    """This calendar year: its graduates sign before leaving in June and are followed up until December."""
    return (today or dt.date.today()).year


class EmploymentDialog(SaveFlow, FieldErrors, QDialog):
    unsaved_what = "就业记录"

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        row: svc.EmploymentRow | None = None,
        student_id: str | None = None,
        year: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.employment_id = row.id if row else None
        self.saved_id: str | None = None
        self._saving = False
        self._enterprise: tuple[str, str] | None = None  # (id, name) the record is linked to
        self.errors = {}
        self.setWindowTitle("编辑就业记录" if row else "新建就业记录")
        self.resize(640, 420 if row or student_id else 560)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.student = RecordPicker(student_search, chosen_title="学生", placeholder="搜索学号、姓名或班级")
        self.student.changed.connect(lambda: keep_last(self.student))
        self.student_label = QLabel()
        self.student_label.setStyleSheet("font-weight:bold;")
        fixed = bool(row or student_id)
        self.student.setVisible(not fixed)
        self.student_label.setVisible(fixed)
        box = QVBoxLayout()
        box.addWidget(self.student)
        box.addWidget(self.student_label)
        form.addRow("学生*", self.with_error("student_id", box))
        self.year = QSpinBox(minimum=1990, maximum=2100, suffix=" 届")
        self.year.setValue(year or default_year())
        form.addRow("毕业年份*", self.with_error("graduate_year", self._row(self.year)))
        self.status = QComboBox()
        self.status.addItems(list(EMPLOYMENT_STATUSES))
        self.status.currentIndexChanged.connect(lambda _i: self._status_changed())
        form.addRow("就业状态*", self.with_error("status", self._row(self.status)))
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
        self.errors["enterprise_id"] = self.errors["employer_name"]
        self.position = QLineEdit(placeholderText="岗位，如 装配工艺员")
        form.addRow("岗位", self.with_error("position", self.position))
        self.related = QCheckBox("与所学专业对口")
        form.addRow("专业对口", self.related)
        self.salary = QLineEdit(placeholderText="如 4500（不知道可不填）")
        self.salary.setMinimumWidth(200)
        form.addRow("月薪（元）", self.with_error("monthly_salary_fen", self._row(self.salary)))
        self.note = QPlainTextEdit(placeholderText="备注")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(56)
        form.addRow("备注", self.note)
        lay.addLayout(form)
        lay.addStretch(1)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存（Ctrl+S）", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self._student_id = student_id or (row.student_id if row else None)
        if row:
            self._load(row)
        elif student_id:
            st = read_now(lambda s: get_student(s, student_id, full=False))
            self.student_label.setText(student_label(st.student_no, st.name, st.class_name))
        self._status_changed()
        self.mark_clean()
        (self.student.search if not fixed else self.status).setFocus()

    @staticmethod
    def _row(widget: QWidget) -> QWidget:
        box = QWidget()
        h = QHBoxLayout(box)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(widget)
        h.addStretch(1)
        return box

    def _load(self, r: svc.EmploymentRow) -> None:
        self.student_label.setText(student_label(r.student_no, r.student_name, r.class_name))
        self.year.setValue(r.graduate_year)
        self.status.setCurrentIndex(max(0, self.status.findText(r.status)))
        self.employer.setText(r.employer_name)
        if r.enterprise_id:
            self._enterprise = (r.enterprise_id, r.employer_name)
        self.position.setText(r.position)
        self.related.setChecked(r.related)
        self.salary.setText(format_money(r.monthly_salary_fen, symbol=False) if r.monthly_salary_fen else "")
        self.note.setPlainText(r.note)

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

    def _salary(self) -> int:
        text = self.salary.text().strip()
        if not text or not self.salary.isEnabled():
            return 0
        try:
            return parse_money(text)
        except ValueError as e:
            raise ValidationError("monthly_salary_fen", f"月薪{e}") from None

    def _enterprise_id(self, s, employer: str) -> str | None:
        if not employer:
            return None
        if self._enterprise and self._enterprise[1] == employer:
            return self._enterprise[0]
        return next((c.id for c in enterprise_choices(s, employer, limit=5) if c.label == employer), None)

    def data(self, fen: int) -> svc.EmploymentData:
        employed = self.status.currentText() in EMPLOYED_STATUSES
        return svc.EmploymentData(
            student_id=self.student_id(),
            graduate_year=self.year.value(),
            status=self.status.currentText(),
            employer_name=self.employer.text().strip() if self.employer.isEnabled() else "",
            related=employed and self.related.isChecked(),
            monthly_salary_fen=fen,
            position=self.position.text() if self.position.isEnabled() else "",
            note=self.note.toPlainText(),
        )

    @Slot()
    def save(self) -> None:
        if self._saving:
            return
        try:
            fen = self._salary()
        except ValidationError as e:
            self.show_errors([e])
            return
        data, eid = self.data(fen), self.employment_id
        errors = read_now(
            lambda s: svc.check_employment(s, svc.normalized_employment(s, data), exclude_id=eid)
        )
        if errors:
            self.show_errors(errors)
            return
        self.show_errors([])
        self._saving = True
        self.save_button.setEnabled(False)
        link = self._enterprise_id

        def work(s) -> Changes:
            return svc.save_employment(s, replace(data, enterprise_id=link(s, data.employer_name)), eid)

        WriteOp(self, work).success(self._saved).failure(self._failed).run()

    def form_state(self) -> tuple:
        texts = (self.employer, self.position, self.salary)
        return (self.student_id(), self.year.value(), self.status.currentIndex(), self.related.isChecked(),
                *(w.text() for w in texts), self.note.toPlainText())  # fmt: skip
