"""设置 → 学期日历: when the college's two semesters start and end (used by operation reports and, later, by
every per-semester figure). Three days of the year; semester 1 crosses the new year. A settings dialog, not a
record form: 保存 / 取消 (ok_cancel), its size kept (restore_geometry)."""

from __future__ import annotations

import datetime as dt

from app.domain.semesters import SemesterCalendar, semester_bounds
from app.services import settings as svc
from app.services.common import Changes
from ui import theme
from ui.errors import show_error
from ui.forms import ok_cancel, restore_geometry, save_geometry
from ui.forms.fields import side_by_side
from ui.operations import semesters as ops
from ui.ops import read_now
from ui.qt import *  # noqa: F403
from ui.widgets import for_writers

YEAR = 2001  # any year without 2月29日: only month and day are kept
GEOMETRY_KEY = "semester_calendar"


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
        for label, edit in (
            ("第一学期开始：", self.first_start),
            ("第二学期开始：", self.second_start),
            ("第二学期结束：", self.second_end),
        ):
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("12月31日") + 40)
            form.addRow(label, side_by_side(edit))
        lay.addLayout(form)
        self.preview = QLabel(wordWrap=True)
        lay.addWidget(self.preview)
        lay.addStretch(1)
        self.buttons = ok_cancel(self, "保存")
        accept = QDialogButtonBox.ButtonRole.AcceptRole
        self.save_button = next(b for b in self.buttons.buttons() if self.buttons.buttonRole(b) == accept)
        for_writers(self.save_button)  # 只读: the calendar shows, 保存 says why it cannot
        lay.addWidget(self.buttons)
        for edit in (self.first_start, self.second_start, self.second_end):
            edit.dateChanged.connect(self._update)
        self._saving = False
        self._update()
        restore_geometry(self, GEOMETRY_KEY, (480, 320))

    def calendar(self) -> SemesterCalendar:
        def md(edit: QDateEdit) -> tuple[int, int]:
            return edit.date().month(), edit.date().day()

        return SemesterCalendar(md(self.first_start), md(self.second_start), md(self.second_end))

    @Slot()
    def _update(self) -> None:
        cal = self.calendar()
        problem = cal.problem()
        if problem:
            theme.error(self.preview)
            self.preview.setText(problem)
        else:
            year = dt.date.today().year - (1 if dt.date.today().month < cal.first_start[0] else 0)
            code = f"{year}-{year + 1}"
            lines = []
            for n in (1, 2):
                start, end = semester_bounds(f"{code}-{n}", cal)
                lines.append(f"{code}-{n}：{start:%Y年%m月%d日} – {end:%Y年%m月%d日}")
            theme.muted(self.preview)
            self.preview.setText("例：\n" + "\n".join(lines))
        self.save_button.setEnabled(not problem)

    def accept(self) -> None:
        """保存 (the OK button, or Enter): write the calendar; the dialog closes once it is saved."""
        self.save()

    @Slot()
    def save(self) -> None:
        if self._saving or not self.save_button.isEnabled():
            return
        self._saving = True
        self.save_button.setEnabled(False)
        ops.save_calendar(self, self.calendar(), self._saved, self._failed)

    def _saved(self, _changes: Changes) -> None:
        self._saving = False
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        show_error(self, exc, "保存失败")

    def done(self, result: int) -> None:
        save_geometry(self, GEOMETRY_KEY)
        super().done(result)
