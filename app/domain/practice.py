"""教师企业实践 “五年六个月” (N四(五)1): each full-time teacher (专任教师) has at least 6 months of enterprise
practice within the last 5 years. Industry teachers (产业教师) are not subject to it (the services skip them).

Counted in days, exactly:
- A practice period runs from its first day to its last day, both ends inclusive (1 March–1 March = 1 day).
- The window is the 5 years ending on the as-of date: from the day after the same date 5 years earlier to the
  as-of date itself, both inclusive. As of 2026-11-23 the window is 2021-11-24 … 2026-11-23 (1826 days); as
  of a 29 February the same date 5 years earlier is 28 February of that year (as of 2028-02-29 the window
  starts 2023-03-01).
- Periods are clipped to the window (days after the as-of date do not count yet) and united: a day covered by
  two overlapping records counts once.
- 6 months = 180 days (REQUIRED_DAYS); days missing = max(0, 180 − days done); months = days / 30.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

REQUIRED_DAYS = 180  # 6 months of 30 days
DAYS_PER_MONTH = 30
WINDOW_YEARS = 5

Period = tuple[dt.date, dt.date]  # first and last day, both inclusive


def years_before(day: dt.date, years: int) -> dt.date:
    """The same date `years` earlier; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def practice_window(as_of: dt.date) -> Period:
    """First and last day (inclusive) of the 5 years ending on `as_of`."""
    return years_before(as_of, WINDOW_YEARS) + dt.timedelta(days=1), as_of


def merged(periods: Iterable[Period]) -> list[Period]:
    """The union of inclusive periods as disjoint, sorted periods (adjacent ones joined); a period whose end
    is before its start is empty."""
    out: list[Period] = []
    for start, end in sorted(p for p in periods if p[0] <= p[1]):
        if out and start <= out[-1][1] + dt.timedelta(days=1):
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def days_in_window(periods: Iterable[Period], as_of: dt.date) -> int:
    """Days of practice in the 5-year window ending on `as_of`, each day counted once."""
    first, last = practice_window(as_of)
    clipped = ((max(a, first), min(b, last)) for a, b in periods)
    return sum((b - a).days + 1 for a, b in merged(clipped))


@dataclass(frozen=True)
class PracticeStatus:
    window_start: dt.date
    window_end: dt.date
    days_done: int
    days_missing: int  # 0 when the rule is met

    @property
    def met(self) -> bool:
        return self.days_missing == 0

    @property
    def months_done(self) -> float:
        return self.days_done / DAYS_PER_MONTH

    @property
    def months_missing(self) -> float:
        return self.days_missing / DAYS_PER_MONTH


def practice_status(periods: Iterable[Period], as_of: dt.date) -> PracticeStatus:
    first, last = practice_window(as_of)
    done = days_in_window(periods, as_of)
    return PracticeStatus(first, last, done, max(0, REQUIRED_DAYS - done))


def format_months(days: int) -> str:
    """180 → “6个月”, 45 → “1.5个月”, 179 → “5.9个月” (cut, not rounded: never shows a shortfall as met)."""
    tenths = days * 10 // DAYS_PER_MONTH
    return f"{tenths // 10}.{tenths % 10}".removesuffix(".0") + "个月"
