"""The 学年 the annual evaluation page offers, and the one it opens on: the 学年 that has just ended while the
new one is in its first two months (the annual report of the past 学年 is made then), else the current one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services.assets import school_year_bounds
from app.services.industry import school_year_of
from app.services.outcome_list import outcome_school_years

RECENT = 6  # 学年 always offered, the current one included
GRACE_MONTHS = 2


@dataclass(frozen=True)
class EvaluationYears:
    choices: tuple[str, ...]  # latest first
    default: str
    reason: str  # why the default, for the chooser's tooltip


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def _previous(school_year: str) -> str:
    first = int(school_year[:4]) - 1
    return f"{first}-{first + 1}"


def evaluation_years(s: Session, today: dt.date | None = None) -> EvaluationYears:
    today = today or dt.date.today()
    current = school_year_of(s, today)
    first, _last = school_year_bounds(s, current)
    grace_end = _add_months(first, GRACE_MONTHS)
    if today < grace_end:
        default = _previous(current)
        reason = (
            f"默认显示刚结束的{default}学年：本学年{first.isoformat()}开始，"
            f"{grace_end.isoformat()}之前正是上一学年年度评价和数据上报的时候。"
        )
    else:
        default = current
        reason = f"默认显示当前的{current}学年（{first.isoformat()}开始）。"
    start = int(current[:4])
    recent = [f"{y}-{y + 1}" for y in range(start, start - RECENT, -1)]
    years = sorted({*recent, *outcome_school_years(s, today)}, reverse=True)
    return EvaluationYears(tuple(years), default, reason)
