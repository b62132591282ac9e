"""The 成果 and 培训 lists (ids up front, rows on demand, STYLE §5): search, kind and 学年 filters, sorting;
the record behind a form; the 学年 worth offering in a chooser. The records themselves and the 产学合作
figures are app/services/outcomes.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Achievement, Enterprise, Teacher, Training
from app.domain.names import clean_text
from app.services.assets import school_year_bounds
from app.services.common import get_or_raise, like_pattern
from app.services.industry import school_year_of
from app.services.outcomes import (
    AchievementData,
    AchievementRow,
    TrainingData,
    TrainingRow,
    outcome_rows,
)


@dataclass(frozen=True)
class OutcomeQuery:
    text: str = ""  # title, people / note, enterprise name
    kind: str = ""
    school_year: str = ""  # like 2025-2026: dated (成果) or started (培训) in that 学年
    sort: str = ""  # a key of the model's sort columns; "" = by date
    descending: bool = True


_ACHIEVEMENT_SORT = {
    "dated_on": Achievement.dated_on,
    "kind": Achievement.kind,
    "title": Achievement.title,
    "amount_fen": Achievement.amount_fen,
    "enterprise": Enterprise.name,
}
_TRAINING_SORT = {
    "starts_on": Training.starts_on,
    "kind": Training.kind,
    "title": Training.title,
    "trainees": Training.trainees,
    "hours": Training.hours,
    "person_days": Training.person_days,
    "income_fen": Training.income_fen,
    "enterprise": Enterprise.name,
}


def _ids(s: Session, model: Any, date_col: Any, text_cols: tuple, sorts: dict, q: OutcomeQuery) -> list[str]:
    stmt = (
        select(model.id)
        .outerjoin(Enterprise, Enterprise.id == model.enterprise_id)
        .where(model.deleted_at.is_(None))
    )
    for term in clean_text(q.text).split(" "):
        if term:
            pattern = like_pattern(term)
            cols = (*text_cols, Enterprise.name, Enterprise.short_name)
            stmt = stmt.where(or_(*(c.like(pattern, escape="\\") for c in cols)))
    if q.kind:
        stmt = stmt.where(model.kind == q.kind)
    if q.school_year:
        first, last = school_year_bounds(s, q.school_year)
        stmt = stmt.where(date_col.between(first, last))
    col = sorts.get(q.sort, date_col)
    key = func.coalesce(col, "") if col is Enterprise.name else col
    order = (key.desc() if q.descending else key.asc(), date_col.desc(), model.id)
    return list(s.scalars(stmt.order_by(*order)))


def _by_id(s: Session, model: Any, ids: Sequence[str], data: type, row: type) -> dict[str, Any]:
    if not ids:
        return {}
    records = s.scalars(select(model).where(model.id.in_(list(ids)))).all()
    return {r.id: r for r in outcome_rows(s, records, data, row)}


def _count(s: Session, model: Any) -> int:
    return s.scalar(select(func.count()).select_from(model).where(model.deleted_at.is_(None))) or 0


# ---------------------------------------------------------------- 成果


def achievement_ids(s: Session, q: OutcomeQuery = OutcomeQuery()) -> list[str]:
    """Live achievements matching the query, newest first unless sorted otherwise."""
    text_cols = (Achievement.title, Achievement.people, Achievement.note)
    return _ids(s, Achievement, Achievement.dated_on, text_cols, _ACHIEVEMENT_SORT, q)


def achievement_rows_by_id(s: Session, ids: Sequence[str]) -> dict[str, AchievementRow]:
    return _by_id(s, Achievement, ids, AchievementData, AchievementRow)


def achievement_count(s: Session) -> int:
    return _count(s, Achievement)


def get_achievement(s: Session, achievement_id: str) -> AchievementRow:
    record = get_or_raise(s, Achievement, achievement_id, "成果")
    return outcome_rows(s, [record], AchievementData, AchievementRow)[0]


# ---------------------------------------------------------------- 培训


def training_ids(s: Session, q: OutcomeQuery = OutcomeQuery()) -> list[str]:
    """Live training records matching the query, latest start first unless sorted otherwise."""
    return _ids(s, Training, Training.starts_on, (Training.title, Training.note), _TRAINING_SORT, q)


def training_rows_by_id(s: Session, ids: Sequence[str]) -> dict[str, TrainingRow]:
    return _by_id(s, Training, ids, TrainingData, TrainingRow)


def training_count(s: Session) -> int:
    return _count(s, Training)


def get_training(s: Session, training_id: str) -> TrainingRow:
    record = get_or_raise(s, Training, training_id, "培训")
    return outcome_rows(s, [record], TrainingData, TrainingRow)[0]


# ---------------------------------------------------------------- 学年


def outcome_school_years(s: Session, today: dt.date | None = None) -> list[str]:
    """学年 to choose from, latest first: the current one and back to the earliest 成果, 培训 or 产业教师
    appointment on record (at most 30)."""
    current = school_year_of(s, today or dt.date.today())
    dates = [
        s.scalar(select(func.min(Achievement.dated_on)).where(Achievement.deleted_at.is_(None))),
        s.scalar(select(func.min(Training.starts_on)).where(Training.deleted_at.is_(None))),
        s.scalar(
            select(func.min(Teacher.appointed_from)).where(
                Teacher.deleted_at.is_(None), Teacher.kind == "产业"
            )
        ),
    ]
    years = [school_year_of(s, d) for d in dates if d]
    latest = [
        s.scalar(select(func.max(Achievement.dated_on)).where(Achievement.deleted_at.is_(None))),
        s.scalar(select(func.max(Training.starts_on)).where(Training.deleted_at.is_(None))),
    ]
    last = max([current, *(school_year_of(s, d) for d in latest if d)])
    first = min([last, *years])
    start, end = int(first[:4]), int(last[:4])
    return [f"{y}-{y + 1}" for y in range(end, max(start, end - 29) - 1, -1)]
