"""One 企业月度评价 (H第十二条(四)): the month (YYYY-MM), the score 0–100 (under 60 is a 预警), the evaluator
and a comment. Saving is one WriteOp; a month already evaluated is refused at the month field."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.internship_rules import LOW_SCORE
from app.services import internships as svc
from app.services.common import Changes
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp


class EvaluationDialog(FieldErrors, QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        internship_id: str,
        row: svc.EvaluationRow | None = None,
        month: dt.date | None = None,
        evaluator: str = "",
    ) -> None:
        super().__init__(parent)
        self.internship_id = internship_id
        self.evaluation_id = row.id if row else None
        self.saved_id: str | None = None
        self.errors = {}
        self.setWindowTitle("编辑企业月度评价" if row else "添加企业月度评价")
        self.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.month = QDateEdit(displayFormat="yyyy-MM", calendarPopup=False)
        self.month.setFixedWidth(120)
        start = (row.month if row else None) or month or dt.date.today().replace(day=1)
        self.month.setDate(QDate(start.year, start.month, 1))
        form.addRow("评价月份*", self.with_error("month", self.month))
        self.score = QSpinBox(minimum=0, maximum=100, suffix=" 分")
        self.score.setValue(row.score if row else 80)
        self.score.setFixedWidth(120)
        self.low = QLabel(f"低于{LOW_SCORE}分，将产生预警（H第十二条(四)）")
        self.low.setStyleSheet(ERROR_STYLE)
        score = QVBoxLayout()
        score.setSpacing(2)
        score.addWidget(self.score)
        score.addWidget(self.low)
        form.addRow("评分*", self.with_error("score", score))
        self.evaluator = QLineEdit(row.evaluator if row else evaluator, placeholderText="企业实习负责人")
        form.addRow("评价人", self.with_error("evaluator", self.evaluator))
        self.comment = QPlainTextEdit(row.comment if row else "")
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(80)
        form.addRow("评语", self.comment)
        lay.addLayout(form)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.score.valueChanged.connect(self._score_changed)
        self._score_changed(self.score.value())
        self.score.setFocus()
        self.score.selectAll()

    @Slot(int)
    def _score_changed(self, value: int) -> None:
        self.low.setVisible(value < LOW_SCORE)

    def data(self) -> svc.EvaluationData:
        d = self.month.date()
        return svc.EvaluationData(
            internship_id=self.internship_id,
            month=dt.date(d.year(), d.month(), 1),
            score=self.score.value(),
            evaluator=self.evaluator.text(),
            comment=self.comment.toPlainText(),
        )

    @Slot()
    def save(self) -> None:
        data, eid = self.data(), self.evaluation_id
        self.save_button.setEnabled(False)
        op = WriteOp(self, lambda s: svc.save_evaluation(s, data, eid))
        op.success(self._saved).failure(self._failed).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.save_failed(exc)
