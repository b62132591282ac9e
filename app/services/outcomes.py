"""成果 (achievements, N四(六)1) and 企业员工培训 (training, H第二十一条, N四(六)2), and the 产学合作 figures per
major and per enterprise for a 学年 (split from app/services/industry.py).

Figures for a 学年 (first day of semester 1 to the day before the next 学年 starts, by the college's calendar),
live records only:
- 共同开发课程数 / 共同开发教材数: achievements of that kind dated in the 学年;
- 支持学校兼职教师数: live 产业教师 whose appointment overlaps the 学年 (no start = since always, no end = still
  appointed), per employer and per major;
- 学校为企业技术服务年收入: the contract amounts of 横向课题 / 技术服务 / 技术转让 / 技术咨询 dated (signed) in the
  学年, in fen and in 万元 (exact Decimal);
- 学校为企业年培训员工数（人天）: the person-days of training that started in the 学年.
A record without a major (or enterprise) is counted under “未指定专业” (“未指定企业”); rows with nothing are left
out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db.models import (
    ACHIEVEMENT_KINDS,
    CONTRACT_ACHIEVEMENT_KINDS,
    TRAINING_KINDS,
    Achievement,
    Enterprise,
    Major,
    Teacher,
    Training,
)
from app.domain.names import clean_text
from app.errors import ValidationError, ValidationErrors
from app.services.assets import school_year_bounds, wan
from app.services.common import Changes, length_errors, restore, soft_delete
from app.services.industry import choice_error, ref_error, save_record
from app.services.teachers import date_error, text_error

MAX_FEN = 10**13
MAX_COUNT = 10_000_000


def _int_error(field: str, label: str, value: object, most: int) -> list[ValidationError]:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
        return [ValidationError(field, f"{label}应为0–{most}之间的整数")]
    return []


# ---------------------------------------------------------------- achievements


@dataclass(frozen=True)
class AchievementData:
    kind: str
    title: str
    dated_on: dt.date | None  # 签订 / 授权 / 获奖 / 发布 date: the 学年 it counts in
    enterprise_id: str | None = None
    major_id: str | None = None
    amount_fen: int = 0  # contract amount (横向课题, 技术服务 / 转让 / 咨询)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    people: str = ""
    note: str = ""


@dataclass(frozen=True)
class AchievementRow(AchievementData):
    id: str = ""
    enterprise_name: str = ""
    major_name: str = ""


def _achievement_clean(d: AchievementData) -> AchievementData:
    return replace(
        d,
        kind=clean_text(d.kind),
        title=clean_text(d.title),
        enterprise_id=d.enterprise_id or None,
        major_id=d.major_id or None,
        people=clean_text(d.people),
        note=(d.note or "").strip(),
    )


def check_achievement(s: Session, data: AchievementData) -> list[ValidationError]:
    d = _achievement_clean(data)
    errors = choice_error("kind", "成果类型", d.kind, ACHIEVEMENT_KINDS)
    errors += text_error("title", "成果名称", d.title, 300, required=True)
    errors += date_error("dated_on", "日期", d.dated_on, required=True)
    errors += date_error("starts_on", "开始日期", d.starts_on, required=False)
    errors += date_error("ends_on", "结束日期", d.ends_on, required=False)
    if not errors and d.starts_on and d.ends_on and d.ends_on < d.starts_on:
        errors.append(ValidationError("ends_on", "结束日期不能早于开始日期"))
    errors += ref_error(s, "enterprise_id", Enterprise, d.enterprise_id, "企业")
    errors += ref_error(s, "major_id", Major, d.major_id, "专业")
    errors += _int_error("amount_fen", "合同金额（分）", d.amount_fen, MAX_FEN)
    if d.kind in ("共同开发课程", "共同开发教材") and not d.enterprise_id:
        errors.append(ValidationError("enterprise_id", f"{d.kind}须选择合作企业"))
    errors += length_errors(Achievement, d, {"people": "完成人", "note": "备注"})
    return errors


def save_achievement(s: Session, data: AchievementData, achievement_id: str | None = None) -> Changes:
    if errors := check_achievement(s, data):
        raise ValidationErrors(errors)
    return save_record(s, Achievement, achievement_id, vars(_achievement_clean(data)), "成果")


def delete_achievements(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, Achievement, ids)


def restore_achievements(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, Achievement, ids)


def outcome_rows(s: Session, records: Sequence[Any], data_type: type, row_type: type) -> list[Any]:
    """Rows of the lists: the record's data fields, its id, and the names of the enterprise and major it
    names (looked up for those records only, not the whole archive)."""
    ent_ids = {r.enterprise_id for r in records if r.enterprise_id}
    major_ids = {r.major_id for r in records if r.major_id}
    ents = dict(s.execute(select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(ent_ids))).all())
    majors = dict(s.execute(select(Major.id, Major.name).where(Major.id.in_(major_ids))).all())
    names = [f.name for f in fields(data_type)]
    return [
        row_type(
            **{n: getattr(r, n) for n in names},
            id=r.id,
            enterprise_name=ents.get(r.enterprise_id or "", ""),
            major_name=majors.get(r.major_id or "", ""),
        )
        for r in records
    ]


def achievement_rows(s: Session, *, kind: str = "") -> list[AchievementRow]:
    stmt = select(Achievement).where(Achievement.deleted_at.is_(None)).order_by(Achievement.dated_on.desc())
    if kind:
        stmt = stmt.where(Achievement.kind == kind)
    return outcome_rows(s, s.scalars(stmt).all(), AchievementData, AchievementRow)


# ---------------------------------------------------------------- training


@dataclass(frozen=True)
class TrainingData:
    kind: str
    title: str
    starts_on: dt.date | None
    enterprise_id: str | None = None
    major_id: str | None = None
    ends_on: dt.date | None = None
    trainees: int = 0
    hours: int = 0  # 学时
    person_days: int = 0  # 人天
    income_fen: int = 0
    note: str = ""


@dataclass(frozen=True)
class TrainingRow(TrainingData):
    id: str = ""
    enterprise_name: str = ""
    major_name: str = ""


def _training_clean(d: TrainingData) -> TrainingData:
    return replace(
        d,
        kind=clean_text(d.kind),
        title=clean_text(d.title),
        enterprise_id=d.enterprise_id or None,
        major_id=d.major_id or None,
        note=(d.note or "").strip(),
    )


def check_training(s: Session, data: TrainingData) -> list[ValidationError]:
    d = _training_clean(data)
    errors = choice_error("kind", "培训类型", d.kind, TRAINING_KINDS)
    errors += text_error("title", "培训名称", d.title, 200, required=True)
    errors += date_error("starts_on", "培训开始日期", d.starts_on, required=True)
    errors += date_error("ends_on", "培训结束日期", d.ends_on, required=False)
    if not errors and d.starts_on and d.ends_on and d.ends_on < d.starts_on:
        errors.append(ValidationError("ends_on", "培训结束日期不能早于开始日期"))
    errors += ref_error(s, "enterprise_id", Enterprise, d.enterprise_id, "企业")
    errors += ref_error(s, "major_id", Major, d.major_id, "专业")
    errors += _int_error("trainees", "培训人数", d.trainees, MAX_COUNT)
    errors += _int_error("hours", "培训学时", d.hours, MAX_COUNT)
    errors += _int_error("person_days", "培训人天", d.person_days, MAX_COUNT)
    errors += _int_error("income_fen", "培训收入（分）", d.income_fen, MAX_FEN)
    errors += length_errors(Training, d, {"note": "备注"})
    return errors


def save_training(s: Session, data: TrainingData, training_id: str | None = None) -> Changes:
    if errors := check_training(s, data):
        raise ValidationErrors(errors)
    return save_record(s, Training, training_id, vars(_training_clean(data)), "培训")


def delete_trainings(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, Training, ids)


def restore_trainings(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, Training, ids)


def training_rows(s: Session) -> list[TrainingRow]:
    stmt = select(Training).where(Training.deleted_at.is_(None)).order_by(Training.starts_on.desc())
    return outcome_rows(s, s.scalars(stmt).all(), TrainingData, TrainingRow)


# ---------------------------------------------------------------- 产学合作 figures per 学年


@dataclass(frozen=True)
class CooperationFigure:
    key_id: str | None  # major id / enterprise id; None = 未指定
    name: str
    uscc: str  # enterprises only
    courses: int = 0  # 共同开发课程数（门）
    textbooks: int = 0  # 共同开发教材数（种）
    industry_teachers: int = 0  # 支持学校兼职教师数（人）
    service_income_fen: int = 0  # 学校为企业技术服务年收入
    training_person_days: int = 0  # 学校为企业年培训员工数（人天）

    @property
    def service_income_wan(self) -> Decimal:
        return wan(self.service_income_fen)


@dataclass(frozen=True)
class CooperationFigures:
    school_year: str
    first_day: dt.date
    last_day: dt.date
    by_major: tuple[CooperationFigure, ...]
    by_enterprise: tuple[CooperationFigure, ...]


_COUNTS = ("courses", "textbooks", "industry_teachers", "service_income_fen", "training_person_days")


def _facts(s: Session, first: dt.date, last: dt.date) -> list[tuple[str | None, str | None, str, int]]:
    """(major id, enterprise id, figure, amount) for every counted record of the 学年."""
    out: list[tuple[str | None, str | None, str, int]] = []
    figure = {"共同开发课程": "courses", "共同开发教材": "textbooks"}
    for major, ent, kind, fen in s.execute(
        select(
            Achievement.major_id, Achievement.enterprise_id, Achievement.kind, Achievement.amount_fen
        ).where(
            Achievement.deleted_at.is_(None),
            Achievement.dated_on.between(first, last),
            Achievement.kind.in_((*figure, *CONTRACT_ACHIEVEMENT_KINDS)),
        )
    ):
        out.append(
            (major, ent, figure[kind], 1) if kind in figure else (major, ent, "service_income_fen", fen)
        )
    for major, ent in s.execute(
        select(Teacher.major_id, Teacher.employer_id).where(
            Teacher.deleted_at.is_(None),
            Teacher.kind == "产业",
            or_(Teacher.appointed_from.is_(None), Teacher.appointed_from <= last),
            or_(Teacher.appointed_to.is_(None), Teacher.appointed_to >= first),
        )
    ):
        out.append((major, ent, "industry_teachers", 1))
    for major, ent, days in s.execute(
        select(Training.major_id, Training.enterprise_id, Training.person_days).where(
            Training.deleted_at.is_(None), Training.starts_on.between(first, last)
        )
    ):
        out.append((major, ent, "training_person_days", days))
    return out


def cooperation_facts(
    s: Session, first: dt.date, last: dt.date
) -> list[tuple[str | None, str | None, str, int]]:
    """(major id, enterprise id, figure, amount) of every record counted between `first` and `last`, figure
    being a CooperationFigure field name: for the 产学合作 report per 专业 × 合作企业 (app/reporting/tables.py),
    which needs both keys at once."""
    return _facts(s, first, last)


def _figures(
    facts: list[tuple[str | None, str, int]],
    labels: Callable[[list[str]], dict[str, tuple[str, str]]],
    none: str,
) -> tuple[CooperationFigure, ...]:
    sums: dict[str | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_COUNTS, 0))
    for key, figure, amount in facts:
        sums[key][figure] += amount
    info = labels([k for k in sums if k])
    out = [
        CooperationFigure(key, *info.get(key or "", (none, "")), **v)
        for key, v in sums.items()
        if any(v.values())
    ]
    return tuple(sorted(out, key=lambda f: (f.key_id is None, f.name)))


def cooperation_figures(s: Session, school_year: str) -> CooperationFigures:
    """The 产学合作 columns this module feeds, per major and per enterprise, for a 学年 like 2025-2026."""
    first, last = school_year_bounds(s, school_year)
    facts = _facts(s, first, last)

    def majors(ids: list[str]) -> dict[str, tuple[str, str]]:
        return {r[0]: (r[1], "") for r in s.execute(select(Major.id, Major.name).where(Major.id.in_(ids)))}

    def enterprises(ids: list[str]) -> dict[str, tuple[str, str]]:
        rows = s.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.uscc).where(Enterprise.id.in_(ids))
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    return CooperationFigures(
        school_year=school_year.strip(),
        first_day=first,
        last_day=last,
        by_major=_figures([(m, f, n) for m, _, f, n in facts], majors, "未指定专业"),
        by_enterprise=_figures([(e, f, n) for _, e, f, n in facts], enterprises, "未指定企业"),
    )
