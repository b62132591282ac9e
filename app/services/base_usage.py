"""A semester's use of the 实践教学基地 (N四(四)2): figures per base, per major and per major and base, and
which majors have submitted their semester-end summary.

Where the figures come from:

- Manual usage rows (BaseUsage) of the semester: each row is one activity (实习实训项目) with the students
  (人次), days (使用天数), person-days (人天) and supervising teachers (指导教师人次) the secretary entered.
- Internships placed at a base (Internship.base_id) that overlap the semester count automatically, as the
  activity 岗位实习 (kind 岗位实习) or 专业认识实习 (kind 认识实习), under the student's major: 1 人次 per
  internship; person-days = the days of the internship inside the semester, both ends inclusive; days = the
  days on which at least one of those internships ran; teachers = the distinct 专业导师 named; one activity per
  base, major and kind. Internships still 计划 (not begun, may never happen) and those in the 回收站 are left
  out; a 终止 internship counts up to its end date.
- No double counting: a manual row REPLACES the automatic figure of the same base, major, activity and
  semester. A secretary who enters 岗位实习 by hand for a base and major (say the internship records are
  incomplete, or she has the enterprise's own figures) gets her numbers, not hers plus the internships'. Each
  line says where it came from (`source`: 手工 / 实习记录).
- Bases in the 回收站 are left out with their rows. Totals add the lines up (a day used by two activities
  counts twice in 使用天数, as two activities used the base that day).

Semester bounds come from the college's calendar (设置 → 学期日历).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, fields
from itertools import groupby

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.db.models import BaseUsage, Internship, Major, PracticeBase, Student, UsageSummary
from app.domain.semesters import semester_bounds, semester_of
from app.errors import AppError, ValidationError
from app.services.common import Changes, soft_delete
from app.services.settings import get_semester_calendar

AUTO_ACTIVITY = {"岗位实习": "岗位实习", "认识实习": "专业认识实习"}  # internship kind → usage activity
MANUAL, AUTOMATIC = "手工", "实习记录"
NO_MAJOR = "未指定专业"


@dataclass(frozen=True)
class UsageTotals:
    activities: int = 0  # 实习实训项目数
    students: int = 0  # 接待学生量（人次）
    days: int = 0  # 基地使用天数
    person_days: int = 0  # 人天
    teachers: int = 0  # 学校派指导教师（人次）

    def __add__(self, other: UsageTotals) -> UsageTotals:
        return UsageTotals(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def total(items) -> UsageTotals:
    out = UsageTotals()
    for x in items:
        out = out + x.totals
    return out


@dataclass(frozen=True)
class UsageLine:
    """One base, major and activity in the semester."""

    base_id: str
    base_name: str
    base_kind: str
    major_id: str | None
    major_name: str
    activity: str
    source: str  # 手工 / 实习记录
    totals: UsageTotals


@dataclass(frozen=True)
class UsageGroup:
    """Totals of a base (lines of all majors) or of a major (lines of all bases), or of a major at a base."""

    key_id: str | None
    name: str
    totals: UsageTotals
    lines: tuple[UsageLine, ...]


@dataclass(frozen=True)
class SemesterUsage:
    semester: str
    first_day: dt.date
    last_day: dt.date
    lines: tuple[UsageLine, ...]  # by major, base, activity
    by_base: tuple[UsageGroup, ...]
    by_major: tuple[UsageGroup, ...]

    @property
    def totals(self) -> UsageTotals:
        return total(self.lines)

    def major_bases(self, major_id: str | None) -> tuple[UsageGroup, ...]:
        """The bases a major used, each with its lines (for the per-major summary)."""
        lines = [x for x in self.lines if x.major_id == major_id]
        return _groups(lines, lambda x: x.base_id, lambda x: x.base_name)

    def base_totals(self, base_id: str) -> UsageTotals:
        return next((g.totals for g in self.by_base if g.key_id == base_id), UsageTotals())


def bounds(s: Session, semester: str) -> tuple[dt.date, dt.date]:
    try:
        return semester_bounds((semester or "").strip(), get_semester_calendar(s))
    except ValueError as e:
        raise ValidationError("semester", str(e)) from e


def current_semester(s: Session, today: dt.date | None = None) -> str:
    """The semester of `today`; in the summer break the one that has just ended."""
    day = today or dt.date.today()
    cal = get_semester_calendar(s)
    return semester_of(day, cal) or f"{day.year - 1}-{day.year}-2"


def _overlap(a: dt.date, b: dt.date, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date] | None:
    lo, hi = max(a, first), min(b, last)
    return (lo, hi) if lo <= hi else None


def _union_days(spans: list[tuple[dt.date, dt.date]]) -> int:
    days, end = 0, None
    for lo, hi in sorted(spans):
        if end is not None and lo <= end:
            if hi > end:
                days += (hi - end).days
                end = hi
            continue
        days += (hi - lo).days + 1
        end = hi
    return days


def _manual_lines(s: Session, semester: str) -> dict[tuple[str, str | None, str], UsageTotals]:
    rows = s.execute(
        select(BaseUsage)
        .join(PracticeBase, PracticeBase.id == BaseUsage.base_id)
        .where(
            BaseUsage.semester == semester,
            BaseUsage.deleted_at.is_(None),
            PracticeBase.deleted_at.is_(None),
        )
    ).scalars()
    out: dict[tuple[str, str | None, str], UsageTotals] = defaultdict(UsageTotals)
    for r in rows:
        key = (r.base_id, r.major_id, r.activity)
        out[key] = out[key] + UsageTotals(1, r.students, r.days, r.person_days, r.teacher_count)
    return out


def placed_at_bases(first: dt.date, last: dt.date, *columns) -> Select:
    """The internships that use a base between `first` and `last` (the one definition: not 计划, live, at a
    live base, overlapping the days), selecting (base id, kind, starts, ends, major id, *columns)."""
    return (
        select(
            Internship.base_id, Internship.kind, Internship.starts_on, Internship.ends_on, Student.major_id
        )
        .add_columns(*columns)
        .join(PracticeBase, PracticeBase.id == Internship.base_id)
        .join(Student, Student.id == Internship.student_id)
        .where(
            Internship.deleted_at.is_(None),
            PracticeBase.deleted_at.is_(None),
            Internship.status != "计划",
            Internship.kind.in_(tuple(AUTO_ACTIVITY)),
            Internship.starts_on <= last,
            Internship.ends_on >= first,
        )
    )


def _internship_lines(
    s: Session, first: dt.date, last: dt.date, base_ids: list[str] | None = None
) -> dict[tuple[str, str | None, str], UsageTotals]:
    stmt = placed_at_bases(first, last, Internship.academic_mentor)
    if base_ids is not None:
        stmt = stmt.where(Internship.base_id.in_(base_ids))
    spans: dict[tuple[str, str | None, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    mentors: dict[tuple[str, str | None, str], set[str]] = defaultdict(set)
    for base_id, kind, starts, ends, major_id, mentor in s.execute(stmt):
        span = _overlap(starts, ends, first, last)
        if span is None or kind not in AUTO_ACTIVITY:
            continue
        key = (base_id, major_id, AUTO_ACTIVITY[kind])
        spans[key].append(span)
        if (mentor or "").strip():
            mentors[key].add(mentor.strip())
    return {
        key: UsageTotals(
            1, len(v), _union_days(v), sum((hi - lo).days + 1 for lo, hi in v), len(mentors[key])
        )
        for key, v in spans.items()
    }


def semester_usage(s: Session, semester: str, *, base_ids: list[str] | None = None) -> SemesterUsage:
    """The semester's usage lines (manual rows replacing the internships' figure of the same base, major and
    activity) and their totals per base and per major. `base_ids` limits the work to those bases."""
    semester = (semester or "").strip()
    first, last = bounds(s, semester)
    manual = _manual_lines(s, semester)
    if base_ids is not None:
        wanted = set(base_ids)
        manual = {k: v for k, v in manual.items() if k[0] in wanted}
    auto = _internship_lines(s, first, last, base_ids)
    merged = {k: (AUTOMATIC, v) for k, v in auto.items() if k not in manual}
    merged.update({k: (MANUAL, v) for k, v in manual.items()})
    base_info = dict(
        (r[0], (r[1], r[2]))
        for r in s.execute(
            select(PracticeBase.id, PracticeBase.name, PracticeBase.kind).where(
                PracticeBase.id.in_({k[0] for k in merged})
            )
        )
    )
    major_info = _majors(s, {k[1] for k in merged} - {None})
    lines = [
        UsageLine(
            base_id,
            base_info[base_id][0],
            base_info[base_id][1],
            major_id,
            major_info.get(major_id, (NO_MAJOR, 10**9))[0] if major_id else NO_MAJOR,
            activity,
            source,
            totals,
        )
        for (base_id, major_id, activity), (source, totals) in merged.items()
    ]

    def major_order(x: UsageLine) -> tuple:
        return (x.major_id is None, major_info.get(x.major_id, ("", 10**9))[1], x.major_name)

    activity_order = {a: i for i, a in enumerate(("专业认识实习", "技能实训", "岗位实习", "技能竞赛"))}
    lines.sort(key=lambda x: (*major_order(x), x.base_name, x.base_id, activity_order.get(x.activity, 9)))
    by_major = _groups(lines, lambda x: x.major_id, lambda x: x.major_name)
    by_base_lines = sorted(lines, key=lambda x: (x.base_name, x.base_id))
    by_base = _groups(by_base_lines, lambda x: x.base_id, lambda x: x.base_name)
    return SemesterUsage(semester, first, last, tuple(lines), by_base, by_major)


def _groups(lines, key, name) -> tuple[UsageGroup, ...]:
    out = []
    for k, items in groupby(lines, key):
        group = tuple(items)
        out.append(UsageGroup(k, name(group[0]), total(group), group))
    return tuple(out)


def _majors(s: Session, ids: set) -> dict[str, tuple[str, int]]:
    """Major id → (name, position in the 设置 order)."""
    from app.services.choices import major_choices

    order = {c.id: i for i, c in enumerate(major_choices(s))}
    rows = s.execute(select(Major.id, Major.name).where(Major.id.in_(ids))) if ids else []
    return {i: (n, order.get(i, 10**8)) for i, n in rows}


# ---------------------------------------------------------------- the semester-end summary per major


@dataclass(frozen=True)
class SummaryStatus:
    major_id: str
    major_name: str
    submitted_on: dt.date | None
    totals: UsageTotals  # the major's usage in the semester


def _live_summary(s: Session, major_id: str, semester: str) -> UsageSummary | None:
    return s.scalars(
        select(UsageSummary).where(
            UsageSummary.major_id == major_id,
            UsageSummary.semester == semester,
            UsageSummary.deleted_at.is_(None),
        )
    ).first()


def mark_summary_submitted(s: Session, major_id: str, semester: str, on: dt.date, note: str = "") -> Changes:
    """Record that the major submitted its semester-end base usage summary on `on` (again: the date moves)."""
    semester = (semester or "").strip()
    bounds(s, semester)
    major = s.get(Major, major_id) if major_id else None
    if major is None or major.deleted_at is not None:
        raise ValidationError("major_id", "所选专业不存在或已删除")
    if not isinstance(on, dt.date):
        raise ValidationError("submitted_on", "请填写提交日期")
    row = _live_summary(s, major_id, semester)
    if row is None:
        row = UsageSummary(major_id=major_id, semester=semester, submitted_on=on, note=note.strip())
        s.add(row)
    else:
        row.submitted_on, row.note = on, note.strip() or row.note
    s.flush()
    return Changes("usage_summary", (row.id,))


def unmark_summary_submitted(s: Session, major_id: str, semester: str) -> Changes:
    """Take back a submission marked by mistake (the record goes to the 回收站)."""
    row = _live_summary(s, major_id, (semester or "").strip())
    if row is None:
        raise AppError("该专业本学期尚未标记为已提交")
    return soft_delete(s, UsageSummary, [row.id])


def summary_status(s: Session, semester: str, usage: SemesterUsage | None = None) -> list[SummaryStatus]:
    """Every live major (in the order of 设置) with its submission date (None: not yet) and its usage."""
    from app.services.choices import major_choices

    semester = (semester or "").strip()
    usage = usage or semester_usage(s, semester)
    totals = {g.key_id: g.totals for g in usage.by_major}
    submitted = dict(
        s.execute(
            select(UsageSummary.major_id, UsageSummary.submitted_on).where(
                UsageSummary.semester == semester, UsageSummary.deleted_at.is_(None)
            )
        ).all()
    )
    return [
        SummaryStatus(c.id, c.label, submitted.get(c.id), totals.get(c.id, UsageTotals()))
        for c in major_choices(s)
    ]
