"""The agreement list: ids in display order for a search / filter / sort (status and "expiring within N
days" computed from the end date and an injected `today`), rows a page at a time, counts per status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from app.db.models import AGREEMENT_STATUSES, Agreement, AgreementEnterprise, Enterprise
from app.domain.names import clean_text
from app.services.agreements import effective_status
from app.services.common import in_view, like_pattern


@dataclass(frozen=True)
class AgreementQuery:
    text: str = ""
    status: str = ""  # the effective status
    kind: str = ""
    enterprise_id: str = ""
    expiring_within: int | None = None  # days: 生效 and ending between today and today + N
    hide_ended: bool = False  # leave out the long ended (`ended_condition`): the list's default view
    sort: str = "ends_on"
    descending: bool = False
    deleted: bool = False


@dataclass(frozen=True)
class AgreementRow:
    id: str
    number: str
    title: str
    kind: str
    enterprises: str
    signed_on: dt.date | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: str  # effective
    stored_status: str
    days_left: int | None  # to the end date, for 生效 ones
    updated_at: dt.datetime


def _effective_col(today: dt.date):
    return case(
        (and_(Agreement.status == "生效", Agreement.ends_on < today), literal("到期")), else_=Agreement.status
    )


ENDED_SHOWN_DAYS = 90  # an agreement that ran out within this many days is still in the default view


def ended_condition(today: dt.date):
    """The long ended agreements the 合作协议 list hides unless asked: 终止, and 到期 (confirmed, or 生效 past
    its end date) more than ENDED_SHOWN_DAYS ago. One that ran out lately stays: it may want renewing."""
    long_ago = today - dt.timedelta(days=ENDED_SHOWN_DAYS)
    past_end = and_(Agreement.ends_on.is_not(None), Agreement.ends_on < today)  # never NULL: NOT must hold
    expired = or_(Agreement.status == "到期", and_(Agreement.status == "生效", past_end))
    return or_(
        Agreement.status == "终止",
        and_(expired, or_(Agreement.ends_on.is_(None), Agreement.ends_on < long_ago)),
    )


def _status_condition(status: str, today: dt.date):
    if status == "到期":
        return or_(Agreement.status == "到期", and_(Agreement.status == "生效", Agreement.ends_on < today))
    if status == "生效":
        return and_(Agreement.status == "生效", or_(Agreement.ends_on.is_(None), Agreement.ends_on >= today))
    return Agreement.status == status


def matching(q: AgreementQuery, today: dt.date):
    """The ids the query finds, unordered (the list, its count and the pickers search the same way)."""
    stmt = select(Agreement.id).where(in_view(Agreement, q.deleted))
    for term in clean_text(q.text).split(" "):
        if term:
            pattern = like_pattern(term)
            by_enterprise = (
                select(AgreementEnterprise.agreement_id)
                .join(Enterprise, Enterprise.id == AgreementEnterprise.enterprise_id)
                .where(
                    or_(
                        Enterprise.name.like(pattern, escape="\\"),
                        Enterprise.short_name.like(pattern, escape="\\"),
                    )
                )
            )
            stmt = stmt.where(
                or_(
                    Agreement.title.like(pattern, escape="\\"),
                    Agreement.number.like(pattern, escape="\\"),
                    Agreement.id.in_(by_enterprise),
                )
            )
    if q.status:
        stmt = stmt.where(_status_condition(q.status, today))
    if q.kind:
        stmt = stmt.where(Agreement.kind == q.kind)
    if q.enterprise_id:
        stmt = stmt.where(
            Agreement.id.in_(
                select(AgreementEnterprise.agreement_id).where(
                    AgreementEnterprise.enterprise_id == q.enterprise_id
                )
            )
        )
    if q.hide_ended:
        stmt = stmt.where(~ended_condition(today))
    if q.expiring_within is not None:
        last = today + dt.timedelta(days=q.expiring_within)
        stmt = stmt.where(Agreement.status == "生效", Agreement.ends_on >= today, Agreement.ends_on <= last)
    return stmt


SORT_COLUMNS = {
    "number": Agreement.number,
    "title": Agreement.title,
    "kind": Agreement.kind,
    "signed_on": Agreement.signed_on,
    "starts_on": Agreement.starts_on,
    "ends_on": Agreement.ends_on,
    "updated_at": Agreement.updated_at,
}


def agreement_ids(
    s: Session, q: AgreementQuery = AgreementQuery(), *, today: dt.date | None = None
) -> list[str]:
    """Matching ids in display order; rows come from agreement_rows a page at a time."""
    today = today or dt.date.today()
    col = _effective_col(today) if q.sort == "status" else SORT_COLUMNS.get(q.sort, Agreement.ends_on)
    order = [col.desc() if q.descending else col.asc(), Agreement.id]
    return list(s.scalars(matching(q, today).order_by(*order)))


def count_agreements(
    s: Session, q: AgreementQuery = AgreementQuery(), *, today: dt.date | None = None
) -> int:
    stmt = matching(q, today or dt.date.today()).subquery()
    return s.scalar(select(func.count()).select_from(stmt)) or 0


def agreement_rows(
    s: Session, ids: Sequence[str], *, today: dt.date | None = None
) -> dict[str, AgreementRow]:
    today = today or dt.date.today()
    if not ids:
        return {}
    ids = list(ids)
    names: dict[str, list[str]] = {}
    for aid, name in s.execute(
        select(AgreementEnterprise.agreement_id, Enterprise.name)
        .join(Enterprise, Enterprise.id == AgreementEnterprise.enterprise_id)
        .where(AgreementEnterprise.agreement_id.in_(ids))
        .order_by(AgreementEnterprise.agreement_id, AgreementEnterprise.sort_order)
    ):
        names.setdefault(aid, []).append(name)
    out = {}
    for a in s.execute(select(Agreement.__table__).where(Agreement.id.in_(ids))):
        status = effective_status(a.status, a.ends_on, today)
        out[a.id] = AgreementRow(
            id=a.id,
            number=a.number,
            title=a.title,
            kind=a.kind,
            enterprises="、".join(names.get(a.id, ())),
            signed_on=a.signed_on,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            status=status,
            stored_status=a.status,
            days_left=(a.ends_on - today).days if status == "生效" and a.ends_on else None,
            updated_at=a.updated_at,
        )
    return out


def status_counts(s: Session, *, today: dt.date | None = None) -> dict[str, int]:
    """Live agreements per effective status, every status present (the 工作台)."""
    col = _effective_col(today or dt.date.today())
    found = dict(
        s.execute(select(col, func.count()).where(Agreement.deleted_at.is_(None)).group_by(col)).all()
    )
    return {status: found.get(status, 0) for status in AGREEMENT_STATUSES}
