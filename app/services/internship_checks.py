"""The rules of app/domain/internship_rules.py applied to stored internships, reading only the columns they
need (plain rows, not ORM objects: 20,000 internships are checked in a fraction of a second).

The session's pending changes are flushed by the query first (autoflush), so a form's unsaved edit is
checked as it will be stored (set_status / update_internship rely on that).

The rules in force are those of the school preset chosen in 设置 (internship_problems_by_id: 学生实习, the
三方协议 batch, a change of status); checked_internships gives every rule's problems to the 合规检查, whose
run_checks keeps the rules in force with the same test (and may be asked about another preset).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Integer, MetaData, String, Table, null, select
from sqlalchemy.orm import Session

from app.db.models import Enterprise, Internship, MonthlyEvaluation, PracticeBase, Student
from app.db.personal import may_read_personal
from app.domain.internship_rules import PARTY_LABELS, InternshipFacts, Problem, internship_problems
from app.services.settings import get_semester_calendar

# The age of each internship's student on its first day (a view on a server: migration 0014).
START_AGE = Table(
    "internship_start_age", MetaData(), Column("internship_id", String(36)), Column("age", Integer)
)

_FACTS = (
    Internship.kind,
    Internship.status,
    Internship.starts_on,
    Internship.ends_on,
    Internship.monthly_pay_fen,
    Internship.same_post_wage_fen,
    Internship.hours_per_day,
    Internship.days_per_week,
    Internship.night_shift,
    Internship.overtime,
    Internship.insurer,
    Internship.policy_no,
    Internship.insured_from,
    Internship.insured_to,
    Internship.has_tripartite,
)
_PARTIES = tuple(getattr(Internship, k) for k in PARTY_LABELS)
CHUNK = 900  # SQLite's bound-parameter limit is 999 on older builds


def school_year_start(first_start: tuple[int, int], day: dt.date) -> int:
    """The year the 学年 containing `day` began (2025 for 2025-2026), by the calendar's first semester start."""
    return day.year if (day.month, day.day) >= first_start else day.year - 1


def _evaluations(s: Session, ids: Sequence[str] | None) -> dict[str, dict[dt.date, int]]:
    out: dict[str, dict[dt.date, int]] = defaultdict(dict)
    stmt = select(MonthlyEvaluation.internship_id, MonthlyEvaluation.month, MonthlyEvaluation.score).where(
        MonthlyEvaluation.deleted_at.is_(None)
    )
    chunks = [None] if ids is None else [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    for chunk in chunks:
        part = stmt if chunk is None else stmt.where(MonthlyEvaluation.internship_id.in_(chunk))
        for iid, month, score in s.execute(part):
            out[iid][month] = score
    return out


@dataclass(frozen=True)
class Checked:
    """An internship with what a finding needs to name it, and its problems."""

    id: str
    status: str
    starts_on: dt.date
    student_name: str
    class_name: str
    place_name: str  # the enterprise, or else the base
    problems: tuple[Problem, ...]


def _problems(
    s: Session, ids: Sequence[str] | None, today: dt.date | None, preset: str | None
) -> Iterator[tuple[str, str, dt.date, tuple[Problem, ...]]]:
    """(id, status, starts_on, problems) of each live internship not 终止 (all, or those of `ids`), read with
    the columns the rules need only."""
    today = today or dt.date.today()
    first_start = get_semester_calendar(s).first_start
    # The birth date is personal: a user without 学生个人信息 (on a server) reads the age at the start instead,
    # from a view that may read it (migration 0014); the rule is the same.
    personal = may_read_personal(s)
    # no view on a file: there only an offline copy made without personal data is not `personal`, and it has no
    # birth dates to judge by (the office's database judges them)
    on_server = s.get_bind().dialect.name == "postgresql"
    age = Student.birth_date if personal else START_AGE.c.age if on_server else null()
    stmt = (
        select(Internship.id, *_FACTS, *_PARTIES, age, Student.entry_year, Internship.insurance_paid_by)
        .join(Student, Student.id == Internship.student_id)
        .where(Internship.deleted_at.is_(None), Internship.status != "终止")
    )
    if not personal and on_server:
        stmt = stmt.outerjoin(START_AGE, START_AGE.c.internship_id == Internship.id)
    chunks = [None] if ids is None else [list(ids)[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    evaluations = _evaluations(s, None if ids is None else list(ids))
    n_facts, n_parties = len(_FACTS), len(_PARTIES)
    if s.autoflush:  # as the ORM's query would: the rows below are read as plain Core rows (quicker)
        s.flush()
    for chunk in chunks:
        part = stmt if chunk is None else stmt.where(Internship.id.in_(chunk))
        # fetched in batches: quicker than row by row
        rows = (row for batch in s.connection().execute(part).partitions(CHUNK) for row in batch)
        for row in rows:
            iid, facts = row[0], row[1 : 1 + n_facts]
            parties = dict(zip(PARTY_LABELS, row[1 + n_facts : 1 + n_facts + n_parties], strict=True))
            birth, entry, paid_by = row[1 + n_facts + n_parties :]
            f = InternshipFacts(
                *facts,
                parties=parties,
                birth_date=birth if personal else None,
                age_at_start=None if personal else birth,
                entry_year=entry,
                school_year_start=school_year_start(first_start, facts[2]),
                evaluations=evaluations.get(iid, {}),
                insurance_paid_by=paid_by or "",
            )
            yield iid, f.status, f.starts_on, tuple(internship_problems(f, today, preset=preset))


def _names(s: Session, ids: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """id → (student, class, place: the enterprise, or else the base) of the internships of `ids`."""
    stmt = (
        select(Internship.id, Student.name, Student.class_name, Enterprise.name, PracticeBase.name)
        .join(Student, Student.id == Internship.student_id)
        .outerjoin(Enterprise, Enterprise.id == Internship.enterprise_id)
        .outerjoin(PracticeBase, PracticeBase.id == Internship.base_id)
    )
    out = {}
    for i in range(0, len(ids), CHUNK):
        for iid, student, class_name, enterprise, base in s.execute(
            stmt.where(Internship.id.in_(ids[i : i + CHUNK]))
        ):
            out[iid] = (student, class_name or "", enterprise or base or "")
    return out


def checked_internships(s: Session, today: dt.date | None = None) -> list[Checked]:
    """The live internships not 终止 that have a problem (of any rule set: the compliance check keeps those in
    force), each with its names. A large college's 20,000 are checked as they are read, their names read for
    those with a problem only (a few dozen)."""
    found = [row for row in _problems(s, None, today, None) if row[3]]
    names = _names(s, [iid for iid, *_ in found])
    return [
        Checked(iid, status, starts_on, *names[iid], problems) for iid, status, starts_on, problems in found
    ]


def internship_problems_by_id(
    s: Session, ids: Sequence[str] | None = None, today: dt.date | None = None
) -> dict[str, list[Problem]]:
    """The problems of the live internships (all, or those of `ids`) not 终止, under the rules chosen in 设置."""
    from app.services.rule_sets import get_rule_preset

    return {iid: list(problems) for iid, _, _, problems in _problems(s, ids, today, get_rule_preset(s))}
