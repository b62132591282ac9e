"""企业走访 / 访企拓岗 (H第十七条): who visited which enterprises when, what they found, jobs offered
(positions and average monthly pay in fen), follow-up actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Enterprise, Visit, VisitEnterprise
from app.domain.names import clean_text, name_key
from app.errors import ValidationError, ValidationErrors
from app.services.common import (
    LONG_TEXT_MAX,
    Changes,
    get_or_raise,
    in_view,
    length_errors,
    like_pattern,
    restore,
    soft_delete,
)
from app.services.enterprises import EnterpriseData, check_fields, create_enterprise, normalized


@dataclass(frozen=True)
class VisitData:
    visited_on: dt.date | None
    enterprise_ids: tuple[str, ...]
    leader: str  # 带队院领导
    participants: str = ""
    purpose: str = ""
    findings: str = ""
    positions_offered: int = 0
    average_pay_fen: int | None = None  # monthly
    follow_up: str = ""


@dataclass(frozen=True)
class VisitDetail(VisitData):
    id: str = ""
    enterprise_names: tuple[str, ...] = ()
    deleted: bool = False


def check_visit(s: Session, data: VisitData, *, today: dt.date | None = None) -> list[ValidationError]:
    today = today or dt.date.today()
    errors: list[ValidationError] = []
    if data.visited_on is None:
        errors.append(ValidationError("visited_on", "请填写走访日期"))
    elif data.visited_on > today:
        errors.append(ValidationError("visited_on", "走访日期不能晚于今天（计划中的走访请在走访后登记）"))
    ids = tuple(dict.fromkeys(e for e in data.enterprise_ids if e))
    if not ids:
        errors.append(ValidationError("enterprise_ids", "请至少选择一家走访的企业"))
    else:
        live = s.scalar(select(func.count()).where(Enterprise.id.in_(ids), Enterprise.deleted_at.is_(None)))
        if (n := len(ids) - (live or 0)) > 0:
            errors.append(ValidationError("enterprise_ids", f"有{n}家所选企业不存在或已在回收站中"))
    if not clean_text(data.leader):
        errors.append(ValidationError("leader", "请填写带队领导（H第十七条：由院领导带队走访）"))
    if data.positions_offered < 0:
        errors.append(ValidationError("positions_offered", "可提供岗位数不能为负数"))
    if data.average_pay_fen is not None and data.average_pay_fen < 0:
        errors.append(ValidationError("average_pay_fen", "平均薪酬不能为负数"))
    errors += length_errors(
        Visit,
        data,
        {
            "participants": "参加人员",
            "purpose": "走访目的",
            "findings": ("走访发现", LONG_TEXT_MAX),
            "follow_up": ("后续跟进", LONG_TEXT_MAX),
        },
    )
    return errors


def _apply(v: Visit, d: VisitData) -> None:
    v.visited_on, v.leader = d.visited_on, clean_text(d.leader)
    v.participants, v.purpose, v.findings, v.follow_up = (
        (x or "").strip() for x in (d.participants, d.purpose, d.findings, d.follow_up)
    )
    v.positions_offered, v.average_pay_fen = d.positions_offered, d.average_pay_fen
    kept = {link.enterprise_id: link for link in v.enterprise_links}
    links = []
    for order, eid in enumerate(dict.fromkeys(e for e in d.enterprise_ids if e)):
        link = kept.get(eid) or VisitEnterprise(enterprise_id=eid)
        link.sort_order = order
        links.append(link)
    v.enterprise_links = links


def create_visit(s: Session, data: VisitData, *, today: dt.date | None = None) -> Changes:
    if errors := check_visit(s, data, today=today):
        raise ValidationErrors(errors)
    v = Visit()
    with s.no_autoflush:  # one audit row per save, not one per lazy load
        _apply(v, data)
    s.add(v)
    s.flush()
    return Changes("visit", (v.id,))


def update_visit(s: Session, visit_id: str, data: VisitData, *, today: dt.date | None = None) -> Changes:
    v = _get(s, visit_id)
    if errors := check_visit(s, data, today=today):
        raise ValidationErrors(errors)
    with s.no_autoflush:  # one audit row per save, not one per lazy load
        _apply(v, data)
    s.flush()
    return Changes("visit", (v.id,))


def delete_visits(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, Visit, ids)


def restore_visits(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, Visit, ids)


def _get(s: Session, visit_id: str) -> Visit:
    return get_or_raise(s, Visit, visit_id, "走访记录")


def get_visit(s: Session, visit_id: str) -> VisitDetail:
    v = _get(s, visit_id)
    eids = tuple(link.enterprise_id for link in v.enterprise_links)
    names = dict(s.execute(select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(eids))).all())
    return VisitDetail(
        id=v.id,
        visited_on=v.visited_on,
        enterprise_ids=eids,
        enterprise_names=tuple(names.get(e, "") for e in eids),
        leader=v.leader,
        participants=v.participants,
        purpose=v.purpose,
        findings=v.findings,
        positions_offered=v.positions_offered,
        average_pay_fen=v.average_pay_fen,
        follow_up=v.follow_up,
        deleted=v.deleted_at is not None,
    )


@dataclass(frozen=True)
class VisitRow:
    id: str
    visited_on: dt.date
    enterprises: str
    leader: str
    purpose: str
    positions_offered: int
    average_pay_fen: int | None


def visit_ids(
    s: Session, *, enterprise_id: str = "", text: str = "", year: int | None = None, deleted: bool = False
) -> list[str]:
    """Visits newest first; optionally those to one enterprise, those whose enterprise, leader, participants,
    purpose or findings contain `text`, or those in one calendar year."""
    stmt = select(Visit.id).where(in_view(Visit, deleted))
    if enterprise_id:
        stmt = stmt.where(
            Visit.id.in_(
                select(VisitEnterprise.visit_id).where(VisitEnterprise.enterprise_id == enterprise_id)
            )
        )
    if term := text.strip():
        pattern = like_pattern(term)
        stmt = stmt.where(
            or_(
                *(
                    col.like(pattern, escape="\\")
                    for col in (Visit.leader, Visit.participants, Visit.purpose, Visit.findings)
                ),
                Visit.id.in_(
                    select(VisitEnterprise.visit_id)
                    .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)
                    .where(
                        or_(
                            Enterprise.name.like(pattern, escape="\\"),
                            Enterprise.pinyin_initials.like(pattern.lower(), escape="\\"),
                        )
                    )
                ),
            )
        )
    if year is not None:
        stmt = stmt.where(Visit.visited_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return list(s.scalars(stmt.order_by(Visit.visited_on.desc(), Visit.id)))


def visit_years(s: Session) -> list[int]:
    """Years that have live visits, latest first (the page's year filter)."""
    days = s.scalars(select(func.min(Visit.visited_on)).where(Visit.deleted_at.is_(None))).first()
    last = s.scalars(select(func.max(Visit.visited_on)).where(Visit.deleted_at.is_(None))).first()
    return list(range(last.year, days.year - 1, -1)) if days and last else []


def visit_rows(s: Session, ids: Sequence[str]) -> dict[str, VisitRow]:
    if not ids:
        return {}
    ids = list(ids)
    names: dict[str, list[str]] = {}
    for vid, name in s.execute(
        select(VisitEnterprise.visit_id, Enterprise.name)
        .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)
        .where(VisitEnterprise.visit_id.in_(ids))
        .order_by(VisitEnterprise.visit_id, VisitEnterprise.sort_order)
    ):
        names.setdefault(vid, []).append(name)
    return {
        v.id: VisitRow(
            v.id,
            v.visited_on,
            "、".join(names.get(v.id, ())),
            v.leader,
            v.purpose,
            v.positions_offered,
            v.average_pay_fen,
        )
        for v in s.execute(select(Visit.__table__).where(Visit.id.in_(ids)))
    }


def last_visits(s: Session) -> dict[str, dt.date]:
    """{enterprise id: the date of its latest live visit}."""
    return dict(
        s.execute(
            select(VisitEnterprise.enterprise_id, func.max(Visit.visited_on))
            .join(Visit, Visit.id == VisitEnterprise.visit_id)
            .where(Visit.deleted_at.is_(None))
            .group_by(VisitEnterprise.enterprise_id)
        ).all()
    )


QUICK_NOTE = "走访时新增，待在合作企业档案中补全信息"


def create_quick_visit(
    s: Session, data: VisitData, new_names: Sequence[str] = (), *, today: dt.date | None = None
) -> Changes:
    """A visit entered on the spot, with enterprises typed by name that are not picked from the archive: a
    live enterprise with the same name (after name_key) is used, any other name becomes a new enterprise
    (意向, noted “走访时新增”) to complete later. All or nothing: a visit that fails validation leaves no new
    enterprise behind. The warnings name the enterprises created."""
    names = list(dict.fromkeys(clean_text(n) for n in new_names if clean_text(n)))
    for name in names:
        if errors := check_fields(normalized(EnterpriseData(name=name))):
            raise ValidationErrors([ValidationError("new_names", f"企业名称“{name}”：{errors[0].message}")])
    existing = dict(
        s.execute(
            select(Enterprise.name_key, Enterprise.id).where(
                Enterprise.deleted_at.is_(None), Enterprise.name_key.in_([name_key(n) for n in names])
            )
        ).all()
    )
    created: list[str] = []
    with s.begin_nested():
        ids = list(data.enterprise_ids)
        for name in names:
            eid = existing.get(name_key(name))
            if eid is None:
                eid = create_enterprise(s, EnterpriseData(name=name, note=QUICK_NOTE)).ids[0]
                created.append(name)
            ids.append(eid)
        changes = create_visit(s, replace(data, enterprise_ids=tuple(ids)), today=today)
    warnings = tuple(f"已新增企业“{n}”，请稍后在合作企业档案中补全信息" for n in created)
    return Changes("visit", changes.ids, warnings)
