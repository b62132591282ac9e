"""Facts of a 学年 shared by the annual indicators (app/reporting/evaluation.py) and the standard report tables
(app/reporting/tables.py), so that the two count the same records the same way.

- The 学年 (`Year`): from the first day of semester 1 to the day before the next 学年 starts, by the college's
  calendar (app/services/assets.py school_year_bounds); its graduates are those of its end year (2026 for
  2025-2026); its semesters are 2025-2026-1 and 2025-2026-2.
- Placements (`placements`): live 岗位实习 of live students whose period overlaps the 学年, except those still
  计划 (not begun, may never happen); a 终止 one counts (the student was received). The enterprise is the
  internship's own, or else that of the base it is placed at.
- 订单培养 / 现代学徒制 in force (`schemes`): a live agreement of that kind whose stored status is 生效 or 到期
  (it was signed and effective; a 终止 one is left out: the app does not know since when) and whose period
  overlaps the 学年; or a live project of that kind whose period (open ends allowed) overlaps the 学年. A
  project that names majors covers those majors only; an agreement covers every major.
- Assets held at a day (`assets_held`): live assets acquired on or before that day and not disposed of on or
  before it (a live disposal record dated on or before it). Assets without an acquisition date are left out:
  the app cannot tell when they arrived.
- Days a base was used (`base_use_days`): DISTINCT dates, never a sum of activities. Within each of the 学年's
  semesters, the lines of app/services/base_usage.py: a manual usage row with both dates covers every date
  between them (inside its semester, as the form requires); an internship placed at the base covers its dates inside the semester
  (only where no manual row of the same base, major and activity replaces it, as base_usage does); a manual
  row without dates cannot be matched to other dates and adds its own 使用天数.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import (
    Agreement,
    AgreementEnterprise,
    Asset,
    AssetDisposal,
    BaseUsage,
    Internship,
    PracticeBase,
    Project,
    ProjectEnterprise,
    ProjectMajor,
    Student,
)
from app.services.assets import school_year_bounds
from app.services.base_usage import AUTO_ACTIVITY, MANUAL, SemesterUsage, placed_at_bases

SCHEME_KINDS = ("订单培养", "现代学徒制")


@dataclass(frozen=True)
class Year:
    school_year: str  # 2025-2026
    first: dt.date
    last: dt.date

    @property
    def end_year(self) -> int:
        """The graduation year whose graduates the 学年 reports (2026 for 2025-2026)."""
        return self.last.year

    @property
    def semesters(self) -> tuple[str, str]:
        return f"{self.school_year}-1", f"{self.school_year}-2"

    @property
    def span(self) -> str:
        return f"{self.first.isoformat()}至{self.last.isoformat()}"


def year_of(s: Session, school_year: str) -> Year:
    first, last = school_year_bounds(s, school_year)
    return Year((school_year or "").strip(), first, last)


@dataclass(frozen=True)
class Placement:
    internship_id: str
    student_id: str
    major_id: str | None
    enterprise_id: str | None
    base_id: str | None
    status: str
    starts_on: dt.date
    ends_on: dt.date


def placements(s: Session, y: Year) -> list[Placement]:
    rows = s.execute(
        select(
            Internship.id,
            Internship.student_id,
            Student.major_id,
            func.coalesce(Internship.enterprise_id, PracticeBase.enterprise_id),
            Internship.base_id,
            Internship.status,
            Internship.starts_on,
            Internship.ends_on,
        )
        .join(Student, Student.id == Internship.student_id)
        .outerjoin(PracticeBase, PracticeBase.id == Internship.base_id)
        .where(
            Internship.deleted_at.is_(None),
            Student.deleted_at.is_(None),
            Internship.kind == "岗位实习",
            Internship.status != "计划",
            Internship.starts_on <= y.last,
            Internship.ends_on >= y.first,
        )
        .order_by(Internship.starts_on, Internship.id)
    )
    return [Placement(*r) for r in rows]


@dataclass(frozen=True)
class Scheme:
    """An 订单培养 / 现代学徒制 agreement or project in force in the 学年."""

    kind: str
    record_type: str  # agreement / project
    record_id: str
    enterprise_ids: frozenset[str]
    major_ids: frozenset[str] | None  # None: every major

    def covers(self, enterprise_id: str | None, major_id: str | None) -> bool:
        return enterprise_id in self.enterprise_ids and (self.major_ids is None or major_id in self.major_ids)


def _overlaps(start_col, end_col, y: Year) -> tuple:
    return (
        or_(start_col.is_(None), start_col <= y.last),
        or_(end_col.is_(None), end_col >= y.first),
    )


def schemes(s: Session, y: Year) -> list[Scheme]:
    out: list[Scheme] = []
    agreements = s.execute(
        select(Agreement.id, Agreement.kind).where(
            Agreement.deleted_at.is_(None),
            Agreement.kind.in_(SCHEME_KINDS),
            Agreement.status.in_(("生效", "到期")),
            *_overlaps(Agreement.starts_on, Agreement.ends_on, y),
        )
    ).all()
    parties = _links(
        s, AgreementEnterprise.agreement_id, AgreementEnterprise.enterprise_id, [a for a, _ in agreements]
    )
    for aid, kind in agreements:
        out.append(Scheme(kind, "agreement", aid, frozenset(parties.get(aid, ())), None))
    projects = s.execute(
        select(Project.id, Project.kind).where(
            Project.deleted_at.is_(None),
            Project.kind.in_(SCHEME_KINDS),
            *_overlaps(Project.starts_on, Project.ends_on, y),
        )
    ).all()
    pids = [p for p, _ in projects]
    ents = _links(s, ProjectEnterprise.project_id, ProjectEnterprise.enterprise_id, pids)
    majors = _links(s, ProjectMajor.project_id, ProjectMajor.major_id, pids)
    for pid, kind in projects:
        named = majors.get(pid)
        out.append(
            Scheme(kind, "project", pid, frozenset(ents.get(pid, ())), frozenset(named) if named else None)
        )
    return out


def _links(s: Session, key_col, value_col, keys: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if keys:
        for k, v in s.execute(select(key_col, value_col).where(key_col.in_(list(keys)))):
            out.setdefault(k, []).append(v)
    return out


def scheme_kinds(scheme_list: Sequence[Scheme], enterprise_id: str | None, major_id: str | None) -> set[str]:
    """The scheme kinds in force that cover a student of `major_id` placed at `enterprise_id`."""
    return {x.kind for x in scheme_list if x.covers(enterprise_id, major_id)}


@dataclass(frozen=True)
class HeldAsset:
    id: str
    value_fen: int  # quantity × unit value
    contribution_kind: str
    contributed_by_id: str | None
    major_id: str | None
    location: str
    acquired_on: dt.date
    quantity: int
    unit_value_fen: int
    self_made: bool


def assets_held(s: Session, day: dt.date) -> list[HeldAsset]:
    disposed = select(AssetDisposal.asset_id).where(
        AssetDisposal.deleted_at.is_(None), AssetDisposal.disposed_on <= day
    )
    rows = s.execute(
        select(
            Asset.id,
            Asset.quantity * Asset.unit_value_fen,
            Asset.contribution_kind,
            Asset.contributed_by_id,
            Asset.major_id,
            Asset.location,
            Asset.acquired_on,
            Asset.quantity,
            Asset.unit_value_fen,
            Asset.self_made,
        )
        .where(
            Asset.deleted_at.is_(None),
            Asset.acquired_on.is_not(None),
            Asset.acquired_on <= day,
            Asset.id.not_in(disposed),
        )
        .order_by(Asset.acquired_on, Asset.id)
    )
    return [HeldAsset(*r) for r in rows]


def base_use_days(
    s: Session, usage: Sequence[SemesterUsage], *, as_of: dt.date | None = None
) -> dict[str, int]:
    """Base id → the distinct days it was used in the semesters of `usage` (their base_usage figures, which
    say which lines are manual): a 学年's two, or one semester; with `as_of`, only days up to it (an
    internship under way has not yet used the base on the days still to come)."""
    dates: dict[str, set[dt.date]] = defaultdict(set)
    undated: dict[str, int] = defaultdict(int)
    for sem in usage:
        last = min(sem.last_day, as_of) if as_of else sem.last_day
        if last < sem.first_day:
            continue
        manual = {(x.base_id, x.major_id, x.activity) for x in sem.lines if x.source == MANUAL}
        for base_id, starts, ends, days in _manual_uses(s, sem.semester):
            if starts is None or ends is None:
                undated[base_id] += days or 0
            else:
                dates[base_id].update(_dates(max(starts, sem.first_day), min(ends, last)))
        for base_id, kind, starts, ends, major_id in _placed_at_bases(s, sem.first_day, last):
            if (base_id, major_id, AUTO_ACTIVITY[kind]) not in manual:
                dates[base_id].update(_dates(max(starts, sem.first_day), min(ends, last)))
    return {b: len(dates[b]) + undated[b] for b in {*dates, *undated}}


def _dates(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _manual_uses(s: Session, semester: str) -> list[tuple]:
    return s.execute(
        select(BaseUsage.base_id, BaseUsage.starts_on, BaseUsage.ends_on, BaseUsage.days)
        .join(PracticeBase, PracticeBase.id == BaseUsage.base_id)
        .where(
            BaseUsage.semester == semester,
            BaseUsage.deleted_at.is_(None),
            PracticeBase.deleted_at.is_(None),
        )
    ).all()


def _placed_at_bases(s: Session, first: dt.date, last: dt.date) -> list[tuple]:
    """Internships at a base in the semester, as app/services/base_usage.py counts them."""
    return s.execute(placed_at_bases(first, last)).all()
