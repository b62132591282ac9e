"""The “五年六个月” rule (N四(五)1) as a pure function: inclusive periods, overlaps counted once, the 5-year
window ending on the as-of date, against a day-by-day reference (sets of dates)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.practice import (
    REQUIRED_DAYS,
    days_in_window,
    format_months,
    merged,
    practice_status,
    practice_window,
    years_before,
)

D = dt.date
DAY = dt.timedelta(days=1)


def reference_days(periods: list[tuple[dt.date, dt.date]], as_of: dt.date) -> int:
    """Day by day: every date of every period, as a set, within (as_of − 5 years, as_of]."""
    first = D(as_of.year - 5, as_of.month, as_of.day if (as_of.month, as_of.day) != (2, 29) else 28) + DAY
    days: set[dt.date] = set()
    for a, b in periods:
        day = a
        while day <= b:
            if first <= day <= as_of:
                days.add(day)
            day += DAY
    return len(days)


def test_window_is_five_years_ending_on_the_as_of_date() -> None:
    assert practice_window(D(2026, 11, 23)) == (D(2021, 11, 24), D(2026, 11, 23))
    first, last = practice_window(D(2026, 11, 23))
    assert (last - first).days + 1 == 1826  # 2024 is a leap year
    assert practice_window(D(2028, 2, 29)) == (D(2023, 3, 1), D(2028, 2, 29))
    assert practice_window(D(2026, 1, 1)) == (D(2021, 1, 2), D(2026, 1, 1))
    assert years_before(D(2024, 2, 29), 1) == D(2023, 2, 28)


def test_both_ends_count() -> None:
    assert days_in_window([(D(2025, 3, 1), D(2025, 3, 1))], D(2026, 1, 1)) == 1
    assert days_in_window([(D(2025, 7, 1), D(2025, 8, 31))], D(2026, 1, 1)) == 62


def test_overlaps_and_duplicates_count_once() -> None:
    periods = [
        (D(2025, 7, 1), D(2025, 8, 31)),
        (D(2025, 8, 1), D(2025, 9, 30)),
        (D(2025, 7, 1), D(2025, 8, 31)),
    ]
    assert days_in_window(periods, D(2026, 1, 1)) == 92  # 1 July – 30 September
    contained = [(D(2025, 1, 1), D(2025, 12, 31)), (D(2025, 3, 1), D(2025, 3, 31))]
    assert days_in_window(contained, D(2026, 6, 1)) == 365
    adjacent = [(D(2025, 1, 1), D(2025, 1, 31)), (D(2025, 2, 1), D(2025, 2, 28))]
    assert merged(adjacent) == [(D(2025, 1, 1), D(2025, 2, 28))]
    assert days_in_window(adjacent, D(2026, 1, 1)) == 59


def test_month_boundaries_and_leap_years() -> None:
    assert days_in_window([(D(2024, 2, 1), D(2024, 2, 29))], D(2025, 1, 1)) == 29
    assert days_in_window([(D(2023, 2, 1), D(2023, 2, 28))], D(2025, 1, 1)) == 28
    assert days_in_window([(D(2024, 12, 31), D(2025, 1, 1))], D(2025, 6, 1)) == 2
    six_months = [(D(2025, 1, 1), D(2025, 6, 29))]  # 180 days in a year without 29 February
    assert days_in_window(six_months, D(2026, 1, 1)) == REQUIRED_DAYS


def test_clipped_to_the_window_at_both_ends() -> None:
    as_of = D(2026, 11, 23)
    assert days_in_window([(D(2021, 11, 1), D(2021, 11, 30))], as_of) == 7  # 24–30 November 2021
    assert days_in_window([(D(2021, 11, 1), D(2021, 11, 23))], as_of) == 0  # ends the day before the window
    assert days_in_window([(D(2026, 11, 20), D(2026, 12, 31))], as_of) == 4  # future days do not count yet
    assert days_in_window([(D(2027, 1, 1), D(2027, 3, 1))], as_of) == 0


def test_a_period_leaves_the_window_as_the_clock_moves() -> None:
    """The window ends on the injected as-of date: the same record counts less each day once it is old."""
    periods = [(D(2021, 7, 1), D(2021, 12, 27))]  # 180 days
    assert practice_status(periods, D(2026, 6, 30)).days_missing == 0
    assert practice_status(periods, D(2026, 7, 1)).days_done == 179  # 1 July 2021 has left the window
    later = practice_status(periods, D(2026, 7, 10))
    assert (later.days_done, later.days_missing, later.met) == (170, 10, False)
    assert practice_status(periods, D(2026, 12, 27)).days_done == 0


def test_status_figures() -> None:
    st_ = practice_status([(D(2025, 7, 1), D(2025, 8, 14))], D(2026, 1, 1))
    assert (st_.days_done, st_.days_missing, st_.months_done, st_.months_missing) == (45, 135, 1.5, 4.5)
    assert practice_status([], D(2026, 1, 1)).days_missing == 180
    assert practice_status([(D(2022, 1, 1), D(2025, 1, 1))], D(2026, 1, 1)).days_missing == 0
    assert practice_status([(D(2025, 3, 1), D(2025, 2, 1))], D(2026, 1, 1)).days_done == 0  # reversed: empty


@pytest.mark.parametrize(("days", "text"), [(0, "0个月"), (45, "1.5个月"), (179, "5.9个月"), (180, "6个月")])
def test_months_text(days: int, text: str) -> None:
    assert format_months(days) == text


dates = st.dates(min_value=D(2015, 1, 1), max_value=D(2031, 12, 31))
periods_ = st.lists(
    st.tuples(dates, st.integers(min_value=0, max_value=400)).map(
        lambda t: (t[0], t[0] + dt.timedelta(days=t[1]))
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(periods=periods_, as_of=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)))
def test_matches_the_day_by_day_reference(periods: list[tuple[dt.date, dt.date]], as_of: dt.date) -> None:
    done = reference_days(periods, as_of)
    status = practice_status(periods, as_of)
    assert status.days_done == done
    assert status.days_missing == max(0, REQUIRED_DAYS - done)
    assert status.window_end == as_of and status.window_start == practice_window(as_of)[0]


@settings(max_examples=100, deadline=None)
@given(periods=periods_)
def test_merged_periods_are_disjoint_and_cover_the_same_days(periods: list[tuple[dt.date, dt.date]]) -> None:
    out = merged(periods)
    assert all(b[0] > a[1] + DAY for a, b in zip(out, out[1:], strict=False))
    far = D(2040, 1, 1)
    assert days_in_window(out, far) == days_in_window(periods, far)
