"""学期 (semesters) of the Chinese academic year, named like 2025-2026-1.

Calendar (the default the college can later set in 设置): semester 1 runs from 1 September to 31 January of
the next year, semester 2 from 1 February to 31 July; August is the summer break and belongs to none.
"""

from __future__ import annotations

import datetime as dt
import re

SEMESTER_RE = re.compile(r"(\d{4})-(\d{4})-([12])")


def semester_bounds(code: str) -> tuple[dt.date, dt.date]:
    """First and last day of a semester; ValueError (Chinese) for a malformed code."""
    m = SEMESTER_RE.fullmatch(code.strip())
    if not m or int(m[2]) != int(m[1]) + 1:
        raise ValueError(f"学期“{code}”格式不对，应如 2025-2026-1")
    first_year, term = int(m[1]), m[3]
    if term == "1":
        return dt.date(first_year, 9, 1), dt.date(first_year + 1, 1, 31)
    return dt.date(first_year + 1, 2, 1), dt.date(first_year + 1, 7, 31)


def semester_of(day: dt.date) -> str | None:
    """The semester a day falls in; None in August (summer break)."""
    if day.month >= 9:
        return f"{day.year}-{day.year + 1}-1"
    if day.month == 1:
        return f"{day.year - 1}-{day.year}-1"
    if day.month <= 7:
        return f"{day.year - 1}-{day.year}-2"
    return None


def next_semester(code: str) -> str:
    first, _ = semester_bounds(code)
    y, term = first.year, code[-1]
    return f"{y}-{y + 1}-2" if term == "1" else f"{y}-{y + 1}-1"


def first_semester_from(day: dt.date) -> str:
    """The semester containing `day`, or the next one to start (for a day in August)."""
    return semester_of(day) or f"{day.year}-{day.year + 1}-1"


def past_semesters(start: dt.date, today: dt.date, end: dt.date | None = None) -> list[str]:
    """Semesters that overlap [start, end] (end open if None) and are over by `today` (their last day is
    before today), oldest first."""
    out: list[str] = []
    code = first_semester_from(start)
    while True:
        first, last = semester_bounds(code)
        if last >= today or (end is not None and first > end):
            return out
        out.append(code)
        code = next_semester(code)
