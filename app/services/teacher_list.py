"""The 师资队伍 list: teachers with their “五年六个月” practice figures (N四(五)1), searched, filtered and
sorted in one place so the page, its exports and tests agree; and one teacher's practice records with the
number of evidence files each has.

A college has tens to a few hundred teachers: the list reads them all and their practice periods (two
queries) and filters in Python. Search: name, 工号, pinyin (initials or full) of the name, major, employer.
Industry teachers (产业教师) are exempt from the rule: their days are shown, their `days_missing` is None.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Attachment, EnterprisePractice
from app.domain.names import clean_text, pinyin_keys
from app.domain.practice import Period, practice_status
from app.services.teachers import PracticeRow, TeacherRow, practice_rows, teacher_rows

SORTS = ("name", "staff_no", "kind", "major_name", "is_dual", "days_done", "days_missing", "employer_name")


@dataclass(frozen=True)
class TeacherQuery:
    text: str = ""
    kind: str = ""  # "" = all, 专任 / 产业
    short_only: bool = False  # only 专任教师 who have not met the rule
    sort: str = "kind"
    descending: bool = False
    as_of: dt.date | None = None  # None = today

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip() or self.kind or self.short_only)


@dataclass(frozen=True)
class TeacherListRow:
    id: str
    name: str
    staff_no: str
    kind: str
    major_name: str
    is_dual: bool
    employer_name: str
    window_start: dt.date
    window_end: dt.date
    days_done: int
    days_missing: int | None  # None for 产业教师 (the rule does not apply)

    @property
    def short(self) -> bool:
        return bool(self.days_missing)


def _periods(s: Session, teacher_ids: Sequence[str] | None = None) -> dict[str, list[Period]]:
    stmt = select(
        EnterprisePractice.teacher_id, EnterprisePractice.starts_on, EnterprisePractice.ends_on
    ).where(EnterprisePractice.deleted_at.is_(None))
    if teacher_ids is not None:
        stmt = stmt.where(EnterprisePractice.teacher_id.in_(list(teacher_ids)))
    out: dict[str, list[Period]] = defaultdict(list)
    for tid, start, end in s.execute(stmt):
        out[tid].append((start, end))
    return out


def _list_row(t: TeacherRow, periods: list[Period], as_of: dt.date) -> TeacherListRow:
    st = practice_status(periods, as_of)
    return TeacherListRow(
        id=t.id,
        name=t.name,
        staff_no=t.staff_no,
        kind=t.kind,
        major_name=t.major_name,
        is_dual=t.is_dual,
        employer_name=t.employer_name,
        window_start=st.window_start,
        window_end=st.window_end,
        days_done=st.days_done,
        days_missing=st.days_missing if t.kind == "专任" else None,
    )


def _all_rows(s: Session, as_of: dt.date | None, kind: str = "") -> list[TeacherListRow]:
    day = as_of or dt.date.today()
    periods = _periods(s)
    return [_list_row(t, periods.get(t.id, []), day) for t in teacher_rows(s, kind=kind)]


def _matches(r: TeacherListRow, needle: str) -> bool:
    initials, full = pinyin_keys(r.name)
    fields = (r.name, r.staff_no, r.major_name, r.employer_name)
    return any(needle in clean_text(f).casefold() for f in fields) or needle in initials or needle in full


def _sort_key(sort: str):
    if sort == "name":
        return lambda r: pinyin_keys(r.name)[1]
    if sort == "days_missing":  # the exempt 产业教师 after everyone subject to the rule
        return lambda r: (r.days_missing is None, r.days_missing or 0)
    if sort == "kind":
        return lambda r: (r.kind, r.staff_no, pinyin_keys(r.name)[1])
    return lambda r: getattr(r, sort)


def teacher_ids(s: Session, q: TeacherQuery) -> list[str]:
    """The ids of the live teachers the query keeps, in its order (ties by 工号)."""
    rows = _all_rows(s, q.as_of, q.kind)
    needle = clean_text(q.text).casefold().replace(" ", "")
    if needle:
        rows = [r for r in rows if _matches(r, needle)]
    if q.short_only:
        rows = [r for r in rows if r.short]
    rows.sort(key=lambda r: (r.staff_no, r.name))
    sort = q.sort if q.sort in SORTS else "kind"
    if sort == "days_missing" and q.descending:  # most missing first, the exempt still last
        rows.sort(key=lambda r: (r.days_missing is None, -(r.days_missing or 0)))
    else:
        rows.sort(key=_sort_key(sort), reverse=q.descending)
    return [r.id for r in rows]


def teacher_total(s: Session) -> int:
    return len(teacher_rows(s))


def teacher_list_rows(
    s: Session, ids: Sequence[str], as_of: dt.date | None = None
) -> dict[str, TeacherListRow]:
    """{id: row} for these teachers (one page of the list)."""
    wanted = set(ids)
    day = as_of or dt.date.today()
    periods = _periods(s, list(wanted))
    return {t.id: _list_row(t, periods.get(t.id, []), day) for t in teacher_rows(s) if t.id in wanted}


def short_count(s: Session, as_of: dt.date | None = None) -> tuple[int, int]:
    """(专任教师, of whom short of the rule) among the live teachers."""
    rows = [r for r in _all_rows(s, as_of, "专任")]
    return len(rows), sum(r.short for r in rows)


# ---------------------------------------------------------------- one teacher's practice records


@dataclass(frozen=True)
class PracticeListRow:
    record: PracticeRow
    evidence: int  # attached files (owner_type "enterprise_practice")


def practice_list(s: Session, teacher_id: str) -> list[PracticeListRow]:
    """The teacher's live practice records, latest first, each with its number of evidence files."""
    rows = practice_rows(s, teacher_id)
    counts = dict(
        s.execute(
            select(Attachment.owner_id, func.count())
            .where(
                Attachment.owner_type == "enterprise_practice",
                Attachment.owner_id.in_([r.id for r in rows]),
                Attachment.deleted_at.is_(None),
            )
            .group_by(Attachment.owner_id)
        ).all()
    )
    return [PracticeListRow(r, counts.get(r.id, 0)) for r in rows]
