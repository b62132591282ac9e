"""设置 → 学期日历: when the college's two semesters start and end (used by operation reports and, later, by
every per-semester figure). Three days of the year; semester 1 crosses the new year."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.domain.semesters import SemesterCalendar, semester_bounds
from app.services import settings as svc
from ui.errors import show_error
from ui.ops import WriteOp, read_now

YEAR = 2001  # any year without 2月29日: only month and day are kept


def _day_edit(md: tuple[int, int]) -> QDateEdit:
    edit = QDateEdit(calendarPopup=False, displayFormat="M月d日")
    edit.setDateRange(QDate(YEAR, 1, 1), QDate(YEAR, 12, 31))
    edit.setDate(QDate(YEAR, *md))
    return edit


class SemesterDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("学期日历")
        cal = read_now(svc.get_semester_calendar)
        lay = QVBoxLayout(self)
        lay.addWidget(
            QLabel(
                "学期以学年命名，如 2025-2026-1（第一学期）、2025-2026-2（第二学期）。\n"
                "第一学期跨年，结束于第二学期开始的前一天；第二学期结束到第一学期开始之间为暑假。",
                wordWrap=True,
            )
        )
        form = QFormLayout()
        self.first_start = _day_edit(cal.first_start)
        self.second_start = _day_edit(cal.second_start)
        self.second_end = _day_edit(cal.second_end)
        form.addRow("第一学期开始：", self.first_start)
        form.addRow("第二学期开始：", self.second_start)
        form.addRow("第二学期结束：", self.second_end)
        lay.addLayout(form)
        self.preview = QLabel(wordWrap=True)
        self.preview.setStyleSheet("color:#555;")
        lay.addWidget(self.preview)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        for edit in (self.first_start, self.second_start, self.second_end):
            edit.dateChanged.connect(self._update)
        self._update()

    def calendar(self) -> SemesterCalendar:
        def md(edit: QDateEdit) -> tuple[int, int]:
            return edit.date().month(), edit.date().day()

        return SemesterCalendar(md(self.first_start), md(self.second_start), md(self.second_end))

    @Slot()
    def _update(self) -> None:
        cal = self.calendar()
        problem = cal.problem()
        if problem:
            self.preview.setStyleSheet("color:#c42b1c;")
            self.preview.setText(problem)
        else:
            year = dt.date.today().year - (1 if dt.date.today().month < cal.first_start[0] else 0)
            code = f"{year}-{year + 1}"
            lines = []
            for n in (1, 2):
                start, end = semester_bounds(f"{code}-{n}", cal)
                lines.append(f"{code}-{n}：{start:%Y年%m月%d日} – {end:%Y年%m月%d日}")
            self.preview.setStyleSheet("color:#555;")
            self.preview.setText("例：" + "；".join(lines))
        self.save_button.setEnabled(not problem)

    @Slot()
    def save(self) -> None:
        cal = self.calendar()
        WriteOp(self, lambda s: svc.save_semester_calendar(s, cal)).success(lambda _c: self.accept()).failure(
            lambda e: show_error(self, e, "保存失败")
        ).run()
