"""tests/conftest.py sets a module's TODAY to the day each test runs when the module says TODAY_IS_TODAY: a run
passing midnight between importing a module and running its tests compared a page's “还剩 20 天” with the day
before's count."""

from __future__ import annotations

import datetime as dt

TODAY = dt.date.today() - dt.timedelta(days=1)  # as if imported the day before
TODAY_IS_TODAY = True


def test_today_is_the_day_the_test_runs() -> None:
    assert TODAY == dt.date.today()
