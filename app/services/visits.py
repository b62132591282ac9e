"""企业走访 / 访企拓岗 (H第十七条): who visited which enterprises when, what they found, jobs offered
(positions and average monthly pay in fen), follow-up actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Enterprise, Visit, VisitEnterprise
from app.domain.names import clean_text
from app.errors import NotFound, ValidationError, ValidationErrors
from app.services.common import Changes, restore, soft_delete


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
    v = s.get(Visit, visit_id)
    if v is None:
        raise NotFound("找不到该走访记录")
    return v


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


def visit_ids(s: Session, *, enterprise_id: str = "", deleted: bool = False) -> list[str]:
    """Visits newest first, optionally those to one enterprise."""
    stmt = select(Visit.id).where(Visit.deleted_at.is_not(None) if deleted else Visit.deleted_at.is_(None))
    if enterprise_id:
        stmt = stmt.where(
            Visit.id.in_(
                select(VisitEnterprise.visit_id).where(VisitEnterprise.enterprise_id == enterprise_id)
            )
        )
    return list(s.scalars(stmt.order_by(Visit.visited_on.desc(), Visit.id)))


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
