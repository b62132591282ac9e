"""One 企业月度评价 of an internship: the month (YYYY-MM), the score 0–100 (under 60 is a 预警), the evaluator and
a comment. Saving is one write; a month already evaluated is refused at the month field."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.domain.internship_rules import LOW_SCORE
from app.services import internships as svc
from app.services.common import Changes
from ui import theme
from ui.forms import RecordForm, required
from ui.forms.fields import note_edit, side_by_side
from ui.qt import *  # noqa: F403

LOW_SCORE_RULE = "H第十二条(四)"


class EvaluationDialog(RecordForm):
    geometry_key = "internship_evaluation"
    default_size = (500, 360)
    unsaved_what = "企业月度评价"
    titles = ("添加企业月度评价", "编辑企业月度评价")
    bound_fields = "score evaluator comment"

    def __init__(
        self,
        parent: QWidget | None,
        internship_id: str,
        row: svc.EvaluationRow | None = None,
        month: dt.date | None = None,
        evaluator: str = "",
    ) -> None:
        self.internship_id = internship_id
        self.evaluation_id = row.id if row else None  # the listed row names the record; `read` reads it
        self._month = month
        self._evaluator = evaluator
        super().__init__(parent, self.evaluation_id)
        self.score.setFocus()
        self.score.selectAll()

    def build(self) -> None:
        form = self.form()
        self.month = QDateEdit(displayFormat="yyyy-MM", calendarPopup=False)
        self.month.setMinimumWidth(self.month.fontMetrics().horizontalAdvance("2026-12") + 48)
        self.month.setToolTip("评价的是哪个月的实习表现")
        form.addRow(required("评价月份"), self.with_error("month", side_by_side(self.month)))
        self.score = QSpinBox(minimum=0, maximum=100, suffix=" 分")
        self.score.setMinimumWidth(self.month.minimumWidth())
        self.low = theme.error(QLabel(f"低于{LOW_SCORE}分，将产生预警"))
        self.low.setToolTip(f"依据：{cite_source(LOW_SCORE_RULE)}")
        score = QVBoxLayout()
        score.setSpacing(2)
        score.addWidget(side_by_side(self.score))
        score.addWidget(self.low)
        form.addRow(required("评分"), self.with_error("score", score))
        self.evaluator = QLineEdit(placeholderText="企业实习负责人")
        form.addRow("评价人", self.with_error("evaluator", self.evaluator))
        self.comment = note_edit("", 80)
        form.addRow("评语", self.with_error("comment", self.comment))
        self.body.addStretch(1)
        self.score.valueChanged.connect(self._score_changed)

    def read(self, s: Session, record_id: str) -> svc.EvaluationRow:
        return svc.get_evaluation(s, record_id)

    def load(self, row: svc.EvaluationRow) -> None:
        self._show_month(row.month or dt.date.today())
        self.fill(row)
        self._score_changed(row.score)

    def load_new(self) -> None:
        self._show_month(self._month or dt.date.today())
        self.score.setValue(80)
        self.evaluator.setText(self._evaluator)
        self._score_changed(self.score.value())

    def _show_month(self, d: dt.date) -> None:
        self.month.setDate(QDate(d.year, d.month, 1))

    @Slot(int)
    def _score_changed(self, value: int) -> None:
        self.low.setVisible(value < LOW_SCORE)

    def data(self) -> svc.EvaluationData:
        d = self.month.date()
        return svc.EvaluationData(
            internship_id=self.internship_id,
            month=dt.date(d.year(), d.month(), 1),
            **self.values(),
        )

    def check(self, s: Session, data: svc.EvaluationData):
        return svc.check_evaluation(s, data, exclude_id=self.evaluation_id)

    def write(self, s: Session, data: svc.EvaluationData) -> Changes:
        return svc.save_evaluation(s, data, self.evaluation_id)
