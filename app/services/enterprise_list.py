"""The enterprise list: ids in display order for a search / filter / sort, rows a page at a time, the
filter drop-downs and the 工作台 figures. Reads only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.db.models import (
    ENTERPRISE_CATEGORIES,
    ENTERPRISE_SCALES,
    ENTERPRISE_STATUSES,
    TIER_LABELS,
    Contact,
    Enterprise,
    EnterpriseCategory,
)
from app.domain.names import clean_text, name_key
from app.services.common import in_view, like_pattern


@dataclass(frozen=True)
class EnterpriseQuery:
    text: str = ""
    status: str = ""
    category: str = ""
    industry: str = ""
    region: str = ""
    sort: str = "name"
    descending: bool = False
    deleted: bool = False  # True lists the 回收站

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip() or self.status or self.category or self.industry or self.region)


@dataclass(frozen=True)
class EnterpriseRow:
    """One line of the enterprise list."""

    id: str
    name: str
    short_name: str
    uscc: str
    uscc_confirmed: bool
    industry: str
    region: str
    scale: str
    status: str
    categories: str
    cooperation_start: dt.date | None
    contact_name: str
    contact_phone: str
    updated_at: dt.datetime
    tier: str = ""  # the highest tier of its live projects (基础层 / 深化层 / 融合层), "" if none


@dataclass(frozen=True)
class Facets:
    industries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ENTERPRISE_STATUSES
    categories: tuple[str, ...] = ENTERPRISE_CATEGORIES
    scales: tuple[str, ...] = field(default=ENTERPRISE_SCALES)


SORT_COLUMNS = {
    "name": Enterprise.pinyin_full,  # Chinese names sort by pinyin, as Excel does on Chinese Windows
    "uscc": Enterprise.uscc,
    "industry": Enterprise.industry,
    "region": Enterprise.region,
    "scale": Enterprise.scale,
    "status": Enterprise.status,
    "cooperation_start": Enterprise.cooperation_start,
    "updated_at": Enterprise.updated_at,
    "deleted_at": Enterprise.deleted_at,
}


def _term_condition(term: str):
    """One search word: name, short name, code, pinyin (Latin letters), or a contact's name or phone.

    Contacts are matched by one scan of the contact table (an IN subquery), not a lookup per enterprise."""
    pattern = like_pattern(term)
    contacts = select(Contact.enterprise_id).where(
        Contact.deleted_at.is_(None),
        or_(Contact.name.like(pattern, escape="\\"), Contact.phone.like(pattern, escape="\\")),
    )
    conds = [
        Enterprise.name.like(pattern, escape="\\"),
        Enterprise.short_name.like(pattern, escape="\\"),
        Enterprise.uscc.like(like_pattern(term.upper()), escape="\\"),
        Enterprise.id.in_(contacts),
    ]
    if any(c in term for c in "()（）"):  # names keep the brackets as registered: either width finds them
        conds.append(Enterprise.name_key.like(like_pattern(name_key(term)), escape="\\"))
    if term.isascii() and term.isalpha():
        lower = like_pattern(term.lower())
        conds += [
            Enterprise.pinyin_initials.like(lower, escape="\\"),
            Enterprise.pinyin_full.like(lower, escape="\\"),
        ]
    return or_(*conds)


def matching(q: EnterpriseQuery) -> Select:
    """The ids the query finds, unordered: the list, its count and the pickers (app/services/choices.py)
    all search the same way."""
    stmt = select(Enterprise.id)
    stmt = stmt.where(in_view(Enterprise, q.deleted))
    for term in clean_text(q.text).split(" "):
        if term:
            stmt = stmt.where(_term_condition(term))
    if q.status:
        stmt = stmt.where(Enterprise.status == q.status)
    if q.industry:
        stmt = stmt.where(Enterprise.industry == q.industry)
    if q.region:
        stmt = stmt.where(Enterprise.region == q.region)
    if q.category:
        with_category = select(EnterpriseCategory.enterprise_id).where(
            EnterpriseCategory.category == q.category
        )
        stmt = stmt.where(Enterprise.id.in_(with_category))
    return stmt


def enterprise_ids(s: Session, q: EnterpriseQuery = EnterpriseQuery()) -> list[str]:
    """All matching ids in display order (cheap even for 100k rows); rows are fetched on demand."""
    col = SORT_COLUMNS.get(q.sort, Enterprise.pinyin_full)
    order = [col.desc() if q.descending else col.asc(), Enterprise.id]
    return list(s.scalars(matching(q).order_by(*order)))


def count_enterprises(s: Session, q: EnterpriseQuery = EnterpriseQuery()) -> int:
    return s.scalar(select(func.count()).select_from(matching(q).subquery())) or 0


ROW_COLUMNS = (
    Enterprise.id,
    Enterprise.name,
    Enterprise.short_name,
    Enterprise.uscc,
    Enterprise.uscc_confirmed,
    Enterprise.industry,
    Enterprise.region,
    Enterprise.scale,
    Enterprise.status,
    Enterprise.cooperation_start,
    Enterprise.updated_at,
)


def enterprise_rows(s: Session, ids: Sequence[str]) -> dict[str, EnterpriseRow]:
    """Rows for one page of the list: three plain queries (enterprises, first contacts, categories)."""
    if not ids:
        return {}
    ids = list(ids)
    contacts: dict[str, tuple[str, str]] = {}
    for eid, name, phone in s.execute(
        select(Contact.enterprise_id, Contact.name, Contact.phone)
        .where(Contact.enterprise_id.in_(ids), Contact.deleted_at.is_(None))
        .order_by(Contact.enterprise_id, Contact.sort_order.desc())
    ):
        contacts[eid] = (name, phone)  # the last one written per enterprise is its first contact
    categories: dict[str, list[str]] = {}
    for eid, category in s.execute(
        select(EnterpriseCategory.enterprise_id, EnterpriseCategory.category).where(
            EnterpriseCategory.enterprise_id.in_(ids)
        )
    ):
        categories.setdefault(eid, []).append(category)
    from app.services.projects import enterprise_highest_tiers  # projects lists enterprises: import late

    tiers = enterprise_highest_tiers(s, ids)
    out = {}
    for r in s.execute(select(*ROW_COLUMNS).where(Enterprise.id.in_(ids))):
        name, phone = contacts.get(r.id, ("", ""))
        cats = sorted(categories.get(r.id, ()), key=ENTERPRISE_CATEGORIES.index)
        out[r.id] = EnterpriseRow(
            id=r.id,
            name=r.name,
            short_name=r.short_name,
            uscc=r.uscc,
            uscc_confirmed=r.uscc_confirmed,
            industry=r.industry,
            region=r.region,
            scale=r.scale,
            status=r.status,
            categories="、".join(cats),
            cooperation_start=r.cooperation_start,
            contact_name=name,
            contact_phone=phone,
            updated_at=r.updated_at,
            tier=TIER_LABELS.get(tiers.get(r.id, ""), ""),
        )
    return out


def facets(s: Session) -> Facets:
    """Values offered in the filter drop-downs."""

    def distinct(col: object) -> tuple[str, ...]:
        rows = s.scalars(
            select(col).where(Enterprise.deleted_at.is_(None), col != "").distinct().order_by(col)  # type: ignore[arg-type]
        )
        return tuple(rows)

    return Facets(industries=distinct(Enterprise.industry), regions=distinct(Enterprise.region))


@dataclass(frozen=True)
class Overview:
    total: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    recent: tuple[tuple[str, str, dt.datetime], ...]  # (id, name, updated_at)


def overview(s: Session, recent: int = 8) -> Overview:
    """Figures for the 工作台 page."""
    live = Enterprise.deleted_at.is_(None)
    by_status = dict(
        s.execute(select(Enterprise.status, func.count()).where(live).group_by(Enterprise.status)).all()
    )
    by_category = dict(
        s.execute(
            select(EnterpriseCategory.category, func.count())
            .join(Enterprise, Enterprise.id == EnterpriseCategory.enterprise_id)
            .where(live)
            .group_by(EnterpriseCategory.category)
        ).all()
    )
    rows = s.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.updated_at)
        .where(live)
        .order_by(Enterprise.updated_at.desc())
        .limit(recent)
    ).all()
    return Overview(sum(by_status.values()), by_status, by_category, tuple((r[0], r[1], r[2]) for r in rows))
