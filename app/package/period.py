"""The period a submission package covers: a 学年 (2025-2026) or a 学期 (2025-2026-1), with its first and last
day by the college's calendar (设置 → 学期日历)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.domain.semesters import semester_bounds
from app.errors import ValidationError
from app.package.format import SEMESTER, YEAR
from app.reporting.evaluation_years import evaluation_years
from app.reporting.facts import Year
from app.services.assets import school_year_bounds
from app.services.settings import get_semester_calendar

TERM_NAMES = {"1": "第一学期", "2": "第二学期"}


@dataclass(frozen=True)
class Period:
    kind: str  # 学年 / 学期
    code: str  # 2025-2026 or 2025-2026-1
    first: dt.date
    last: dt.date

    @property
    def school_year(self) -> str:
        return self.code[:9]

    @property
    def label(self) -> str:
        """2025-2026学年 / 2025-2026学年第一学期."""
        if self.kind == YEAR:
            return f"{self.code}学年"
        return f"{self.school_year}学年{TERM_NAMES[self.code[-1]]}"

    @property
    def year(self) -> Year:
        """The period as the report facts' Year (its first and last day), for the services that take one."""
        return Year(self.school_year, self.first, self.last)

    @property
    def calendar_years(self) -> tuple[int, ...]:
        return tuple(range(self.first.year, self.last.year + 1))

    def as_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "code": self.code,
            "label": self.label,
            "first_day": self.first.isoformat(),
            "last_day": self.last.isoformat(),
        }


def period_of(s: Session, *, year: str | None = None, semester: str | None = None) -> Period:
    """A 学期 when `semester` is given (it must lie in `year` if that is given too), else the 学年 `year`.
    ValidationError (Chinese) for a malformed or contradictory period."""
    year = (year or "").strip()
    semester = (semester or "").strip()
    if semester:
        try:
            first, last = semester_bounds(semester, get_semester_calendar(s))
        except ValueError as e:
            raise ValidationError("semester", str(e)) from e
        if year and semester[:9] != year:
            raise ValidationError("semester", f"学期“{semester}”不在{year}学年内")
        return Period(SEMESTER, semester, first, last)
    if not year:
        raise ValidationError("year", "请指定学年（如 2025-2026）或学期（如 2025-2026-1）")
    first, last = school_year_bounds(s, year)
    return Period(YEAR, year, first, last)


def period_choices(s: Session, today: dt.date | None = None) -> tuple[list[Period], Period]:
    """The periods the export wizard offers (recent 学年, each followed by its two 学期; latest first) and the
    default one (the 学年 the annual evaluation page opens on)."""
    years = evaluation_years(s, today)
    out: list[Period] = []
    for code in years.choices:
        out.append(period_of(s, year=code))
        out.extend(period_of(s, semester=f"{code}-{t}") for t in TERM_NAMES)
    return out, period_of(s, year=years.default)
