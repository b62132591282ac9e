"""学期 (semesters) of the Chinese academic year, named like 2025-2026-1.

The calendar is the college's (设置, stored in the database): by default semester 1 runs from 1 September
to 31 January of the next year, semester 2 from 1 February to 31 July; the days between the end of semester 2
and the start of semester 1 (August) are the summer break and belong to none. Semester 1 always ends the day
before semester 2 starts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

SEMESTER_RE = re.compile(r"(\d{4})-(\d{4})-([12])")
MonthDay = tuple[int, int]


@dataclass(frozen=True)
class SemesterCalendar:
    first_start: MonthDay = (9, 1)  # semester 1 starts
    second_start: MonthDay = (2, 1)  # semester 2 starts (semester 1 ends the day before)
    second_end: MonthDay = (7, 31)  # semester 2 ends

    def problem(self) -> str:
        """Why the calendar cannot be used ("" if it can)."""
        for md in (self.first_start, self.second_start, self.second_end):
            try:
                dt.date(2001, *md)  # a day every year has (no 2月29日)
            except (TypeError, ValueError):
                return f"日期“{md}”不存在（不能用2月29日）"
        if not self.second_start < self.second_end < self.first_start:
            return "学期日期顺序不对：应为第二学期开始 < 第二学期结束 < 第一学期开始（第一学期跨年）"
        return ""

    def text(self) -> str:
        """Stored form: 09-01,02-01,07-31."""
        return ",".join(f"{m:02d}-{d:02d}" for m, d in (self.first_start, self.second_start, self.second_end))

    @classmethod
    def parse(cls, text: str) -> SemesterCalendar:
        """From text(); ValueError (Chinese) for anything else."""
        parts = [p.strip() for p in text.split(",")]
        try:
            values = [tuple(int(x) for x in p.split("-")) for p in parts]
            cal = cls(*values) if len(values) == 3 and all(len(v) == 2 for v in values) else None  # type: ignore[arg-type]
        except ValueError:
            cal = None
        if cal is None:
            raise ValueError(f"学期日历“{text}”格式不对，应如 09-01,02-01,07-31")
        if problem := cal.problem():
            raise ValueError(problem)
        return cal


DEFAULT_CALENDAR = SemesterCalendar()


def semester_bounds(code: str, cal: SemesterCalendar = DEFAULT_CALENDAR) -> tuple[dt.date, dt.date]:
    """First and last day of a semester; ValueError (Chinese) for a malformed code."""
    m = SEMESTER_RE.fullmatch(code.strip())
    if not m or int(m[2]) != int(m[1]) + 1:
        raise ValueError(f"学期“{code}”格式不对，应如 2025-2026-1")
    first_year, term = int(m[1]), m[3]
    second_start = dt.date(first_year + 1, *cal.second_start)
    if term == "1":
        return dt.date(first_year, *cal.first_start), second_start - dt.timedelta(days=1)
    return second_start, dt.date(first_year + 1, *cal.second_end)


def semester_of(day: dt.date, cal: SemesterCalendar = DEFAULT_CALENDAR) -> str | None:
    """The semester a day falls in; None in the summer break."""
    md, y = (day.month, day.day), day.year
    if md >= cal.first_start:
        return f"{y}-{y + 1}-1"
    if md < cal.second_start:
        return f"{y - 1}-{y}-1"
    if md <= cal.second_end:
        return f"{y - 1}-{y}-2"
    return None


def next_semester(code: str) -> str:
    y = int(code[:4])
    return f"{y}-{y + 1}-2" if code.endswith("-1") else f"{y + 1}-{y + 2}-1"


def first_semester_from(day: dt.date, cal: SemesterCalendar = DEFAULT_CALENDAR) -> str:
    """The semester containing `day`, or the next one to start (for a day in the summer break)."""
    return semester_of(day, cal) or f"{day.year}-{day.year + 1}-1"


def past_semesters(
    start: dt.date, today: dt.date, end: dt.date | None = None, cal: SemesterCalendar = DEFAULT_CALENDAR
) -> list[str]:
    """Semesters that overlap [start, end] (end open if None) and are over by `today` (their last day is
    before today), oldest first."""
    out: list[str] = []
    code = first_semester_from(start, cal)
    while True:
        first, last = semester_bounds(code, cal)
        if last >= today or (end is not None and first > end):
            return out
        out.append(code)
        code = next_semester(code)
