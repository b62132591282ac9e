"""The form of one internship (a RecordForm), four tabs:

- 实习安排 and 保险、五方与材料: the terms (ui/dialogs/internship_fields.py, with live hints); the student is
  read-only. Errors appear under their fields. 保存 is one transaction and closes the form.
- 状态与规则: the status, the legal next steps as buttons (TRANSITIONS) and every problem of the internship as
  saved. A step with unsaved edits saves them first, in the same transaction: a refusal changes nothing.
- 企业月度评价: the months due with their scores (ui/dialogs/internship_panels.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.services import internship_list as listing
from app.services import internships as svc
from app.services.common import Changes
from ui import theme
from ui.dialogs.internship_fields import InternshipFields, Terms, check_terms
from ui.dialogs.internship_panels import EvaluationsPanel, RulesPanel
from ui.dialogs.internship_status import change_status
from ui.forms import RecordForm, scrolling
from ui.ops import read_now
from ui.qt import *  # noqa: F403

ARRANGEMENT_FIELDS = {
    "enterprise_id", "base_id", "kind", "starts_on", "ends_on", "position", "place", "monthly_pay_fen",
    "same_post_wage_fen", "pay_day", "hours_per_day", "days_per_week", "lodging", "transport",
}  # fmt: skip
RULES_TAB, EVALUATIONS_TAB = 2, 3


class InternshipDialog(RecordForm):
    geometry_key = "internship"
    default_size = (900, 620)
    unsaved_what = "实习信息"
    titles = ("学生实习", "学生实习")

    def __init__(self, parent: QWidget | None, internship_id: str, today: dt.date | None = None) -> None:
        self.today = today
        super().__init__(parent, internship_id)

    @property
    def internship_id(self) -> str:
        return self.record_id or ""

    def build(self) -> None:
        self.student_label = theme.heading(QLabel())
        self.body.addWidget(self.student_label)
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)
        self.fields = InternshipFields(self, read_now(listing.base_choices))
        self.tabs.addTab(scrolling(self.fields.arrangement_page), "实习安排")
        self.tabs.addTab(scrolling(self.fields.insurance_page), "保险、五方与材料")
        self.rules = RulesPanel()
        self.rules.step.connect(self.change_status)
        self.tabs.addTab(self.rules, "状态与规则")
        self.evaluations = EvaluationsPanel()
        self.evaluations.changed.connect(self.reload)
        self.tabs.addTab(self.evaluations, "企业月度评价")

    # ------------------------------------------------------------ RecordForm

    def read(self, s: Session, record_id: str) -> svc.InternshipRow:
        return svc.get_internship(s, record_id, self.today)

    def load(self, row: svc.InternshipRow) -> None:
        self.fields.load(row, row.enterprise_name)
        self._show_row(row)

    def title_for(self, row: svc.InternshipRow) -> str:
        return f"学生实习：{row.student_name}"

    def data(self) -> Terms:
        return self.fields.terms(self.row.student_id)

    def state(self) -> object:
        return self.fields.state()

    def check(self, s: Session, terms: Terms):
        return check_terms(s, terms)

    def write(self, s: Session, terms: Terms) -> Changes:
        return svc.update_internship(s, self.internship_id, terms.data)

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(0 if first_field in ARRANGEMENT_FIELDS else 1)

    # ------------------------------------------------------------ the saved record

    def _read(self) -> svc.InternshipRow:
        iid, today = self.internship_id, self.today
        return read_now(lambda s: svc.get_internship(s, iid, today))

    def _show_row(self, row: svc.InternshipRow) -> None:
        self.row = row
        self.student_label.setText(f"{row.student_name}（{row.student_no}，{row.class_name or '未分班'}）")
        self.rules.show_row(row)
        self.evaluations.load(row, self.today)
        n = len(row.problems)
        self.tabs.setTabText(RULES_TAB, f"状态与规则（{n}）" if n else "状态与规则")
        missing = sum(1 for _m, e in self.evaluations.rows if e is None)
        self.tabs.setTabText(EVALUATIONS_TAB, f"企业月度评价（缺{missing}）" if missing else "企业月度评价")

    @Slot()
    def reload(self) -> None:
        """Re-read the record's status, problems and evaluations (after a step or an evaluation)."""
        self._show_row(self._read())

    # ------------------------------------------------------------ status

    @Slot(str)
    def change_status(self, to_status: str) -> None:
        """A step of the 状态与规则 tab; unsaved edits are saved with it, in one transaction."""
        before = None
        if self.dirty():
            terms = self.data()
            errors = read_now(lambda s: check_terms(s, terms))
            if errors:
                self.show_errors(errors)
                return
            iid = self.internship_id

            def before(s: Session) -> None:
                svc.update_internship(s, iid, terms.data)

        change_status(
            self,
            [self.internship_id],
            to_status,
            self._status_changed,
            before=before,
            order=[self.row.student_name],
        )

    def _status_changed(self, _changes: Changes) -> None:
        self.show_errors([])
        self.saved_id = self.internship_id
        row = self._read()
        self.fields.has_tripartite.setChecked(row.has_tripartite)  # 协议已签 ticks it
        self.mark_clean()
        self._show_row(row)

    def forget_changes(self) -> None:
        """Tests close the form without the 放弃修改 question."""
        self.mark_clean()
