"""合作企业档案: validation, create / update, lazy listing with search and filters, soft delete."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import (
    ENTERPRISE_CATEGORIES,
    ENTERPRISE_SCALES,
    ENTERPRISE_STATUSES,
    Contact,
    Enterprise,
    EnterpriseCategory,
)
from app.domain.codes import USCC_CHECK_FAILED_MESSAGE, check_uscc
from app.domain.names import clean_text, name_key, pinyin_keys
from app.errors import NotFound, ValidationError, ValidationErrors
from app.services.common import Changes, now

PHONE_RE = re.compile(r"[0-9+\-() 转#,，/、]{3,40}")


@dataclass(frozen=True)
class ContactData:
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    note: str = ""
    id: str | None = None


@dataclass(frozen=True)
class EnterpriseData:
    """What a user enters for an enterprise (the form, an import row)."""

    name: str
    uscc: str = ""
    uscc_confirmed: bool = False
    short_name: str = ""
    industry: str = ""
    region: str = ""
    address: str = ""
    scale: str = ""
    categories: tuple[str, ...] = ()
    status: str = "意向"
    status_reason: str = ""
    status_date: dt.date | None = None
    cooperation_start: dt.date | None = None
    website: str = ""
    note: str = ""
    contacts: tuple[ContactData, ...] = ()


@dataclass(frozen=True)
class EnterpriseDetail(EnterpriseData):
    id: str = ""
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


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


@dataclass(frozen=True)
class Check:
    errors: tuple[ValidationError, ...] = ()
    warnings: tuple[ValidationError, ...] = ()


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


@dataclass(frozen=True)
class Facets:
    industries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ENTERPRISE_STATUSES
    categories: tuple[str, ...] = ENTERPRISE_CATEGORIES
    scales: tuple[str, ...] = field(default=ENTERPRISE_SCALES)


# ---------------------------------------------------------------- validation


def normalized(data: EnterpriseData) -> EnterpriseData:
    """Trim / NFKC every text, normalise the code, drop blank contacts and unknown duplicates."""
    contacts = tuple(
        ContactData(
            name=clean_text(c.name),
            title=clean_text(c.title),
            phone=clean_text(c.phone),
            email=clean_text(c.email),
            note=(c.note or "").strip(),
            id=c.id,
        )
        for c in data.contacts
        if any(clean_text(v) for v in (c.name, c.title, c.phone, c.email, c.note))
    )
    cats = tuple(dict.fromkeys(clean_text(c) for c in data.categories if clean_text(c)))
    return EnterpriseData(
        name=clean_text(data.name),
        uscc=check_uscc(data.uscc).value if clean_text(data.uscc) else "",
        uscc_confirmed=bool(data.uscc_confirmed),
        short_name=clean_text(data.short_name),
        industry=clean_text(data.industry),
        region=clean_text(data.region),
        address=clean_text(data.address),
        scale=clean_text(data.scale),
        categories=cats,
        status=clean_text(data.status) or "意向",
        status_reason=(data.status_reason or "").strip(),
        status_date=data.status_date,
        cooperation_start=data.cooperation_start,
        website=clean_text(data.website),
        note=(data.note or "").strip(),
        contacts=contacts,
    )


def check_enterprise(s: Session, data: EnterpriseData, *, exclude_id: str | None = None) -> Check:
    """Errors block saving; warnings (a similar name) ask the user to confirm."""
    d = normalized(data)
    errors: list[ValidationError] = []
    warnings: list[ValidationError] = []
    if not d.name:
        errors.append(ValidationError("name", "企业名称不能为空"))
    elif len(d.name) > 200:
        errors.append(ValidationError("name", "企业名称过长（最多200字）"))
    if d.uscc:
        res = check_uscc(d.uscc)
        if res.error:
            errors.append(ValidationError("uscc", res.error))
        elif res.check_failed and not d.uscc_confirmed:
            errors.append(ValidationError("uscc", USCC_CHECK_FAILED_MESSAGE))
        else:
            clash = _find_by_uscc(s, d.uscc, exclude_id)
            if clash is not None:
                where = "（在回收站中，可先恢复）" if clash.deleted_at else ""
                errors.append(ValidationError("uscc", f"统一社会信用代码与已有企业“{clash.name}”{where}重复"))
    if d.status not in ENTERPRISE_STATUSES:
        errors.append(ValidationError("status", f"合作状态应为：{'、'.join(ENTERPRISE_STATUSES)}"))
    elif d.status == "已解除" and not d.status_reason:
        errors.append(ValidationError("status_reason", "解除合作须填写原因（H第二十三条）"))
    if d.scale and d.scale not in ENTERPRISE_SCALES:
        errors.append(ValidationError("scale", f"企业规模应为：{'、'.join(ENTERPRISE_SCALES)}"))
    for c in d.categories:
        if c not in ENTERPRISE_CATEGORIES:
            errors.append(ValidationError("categories", f"未知的企业类别“{c}”"))
    for i, c in enumerate(d.contacts, start=1):
        if not c.name:
            errors.append(ValidationError("contacts", f"第{i}个联系人缺少姓名"))
        if c.phone and not PHONE_RE.fullmatch(c.phone):
            errors.append(ValidationError("contacts", f"联系人“{c.name}”的电话“{c.phone}”格式不对"))
    if d.name:
        same = s.scalars(
            select(Enterprise.name).where(
                Enterprise.name_key == name_key(d.name),
                Enterprise.deleted_at.is_(None),
                Enterprise.id != (exclude_id or ""),
            )
        ).first()
        if same:
            warnings.append(
                ValidationError("name", f"已有名称相同的企业“{same}”，请确认不是同一家", warning_only=True)
            )
    return Check(tuple(errors), tuple(warnings))


def _find_by_uscc(s: Session, uscc: str, exclude_id: str | None) -> Enterprise | None:
    stmt = select(Enterprise).where(Enterprise.uscc == uscc)
    if exclude_id:
        stmt = stmt.where(Enterprise.id != exclude_id)
    return s.scalars(stmt.order_by(Enterprise.deleted_at.is_not(None))).first()


# ---------------------------------------------------------------- writing


def _apply(s: Session, ent: Enterprise, d: EnterpriseData) -> None:
    ent.name, ent.name_key = d.name, name_key(d.name)
    ent.uscc = d.uscc
    ent.uscc_confirmed = bool(d.uscc) and d.uscc_confirmed and check_uscc(d.uscc).check_failed
    for attr in ("short_name", "industry", "region", "address", "scale", "status", "website", "note"):
        setattr(ent, attr, getattr(d, attr))
    ent.cooperation_start = d.cooperation_start
    if d.status == "已解除":
        ent.status_reason = d.status_reason
        ent.status_date = d.status_date or dt.date.today()
    else:
        ent.status_reason = d.status_reason
        ent.status_date = d.status_date
    initials, full = pinyin_keys(d.name)
    short_initials, short_full = pinyin_keys(d.short_name)
    ent.pinyin_initials = f"{initials} {short_initials}".strip()
    ent.pinyin_full = f"{full} {short_full}".strip()
    wanted = set(d.categories)
    ent.categories = [c for c in ent.categories if c.category in wanted] + [
        EnterpriseCategory(category=c) for c in d.categories if c not in {x.category for x in ent.categories}
    ]
    by_id = {c.id: c for c in ent.contacts}
    kept = []
    for order, c in enumerate(d.contacts):
        row = by_id.pop(c.id, None) if c.id else None
        if row is None:
            row = Contact(name=c.name)
        row.name, row.title, row.phone, row.email, row.note = c.name, c.title, c.phone, c.email, c.note
        row.sort_order = order
        kept.append(row)
    ent.contacts = kept


def _raise_errors(check: Check) -> None:
    if check.errors:
        raise ValidationErrors(list(check.errors))


def create_enterprise(s: Session, data: EnterpriseData) -> Changes:
    check = check_enterprise(s, data)
    _raise_errors(check)
    ent = Enterprise()
    _apply(s, ent, normalized(data))
    s.add(ent)
    s.flush()
    return Changes("enterprise", (ent.id,), tuple(w.message for w in check.warnings))


def update_enterprise(s: Session, enterprise_id: str, data: EnterpriseData) -> Changes:
    ent = _get(s, enterprise_id)
    check = check_enterprise(s, data, exclude_id=enterprise_id)
    _raise_errors(check)
    _apply(s, ent, normalized(data))
    s.flush()
    return Changes("enterprise", (ent.id,), tuple(w.message for w in check.warnings))


def _get(s: Session, enterprise_id: str) -> Enterprise:
    ent = s.get(Enterprise, enterprise_id)
    if ent is None:
        raise NotFound("找不到该企业（可能已被彻底删除）")
    return ent


def get_enterprise(s: Session, enterprise_id: str) -> EnterpriseDetail:
    ent = _get(s, enterprise_id)
    return EnterpriseDetail(
        id=ent.id,
        name=ent.name,
        uscc=ent.uscc,
        uscc_confirmed=ent.uscc_confirmed,
        short_name=ent.short_name,
        industry=ent.industry,
        region=ent.region,
        address=ent.address,
        scale=ent.scale,
        categories=tuple(c.category for c in ent.categories),
        status=ent.status,
        status_reason=ent.status_reason,
        status_date=ent.status_date,
        cooperation_start=ent.cooperation_start,
        website=ent.website,
        note=ent.note,
        contacts=tuple(ContactData(c.name, c.title, c.phone, c.email, c.note, c.id) for c in ent.contacts),
        created_at=ent.created_at,
        updated_at=ent.updated_at,
    )


def delete_enterprises(s: Session, ids: Sequence[str]) -> Changes:
    """Soft delete: to the 回收站, restorable."""
    stamp = now()
    done = []
    for ent in s.scalars(select(Enterprise).where(Enterprise.id.in_(ids), Enterprise.deleted_at.is_(None))):
        ent.deleted_at = stamp
        done.append(ent.id)
    return Changes("enterprise", tuple(done))


def restore_enterprises(s: Session, ids: Sequence[str]) -> Changes:
    done = []
    for ent in s.scalars(
        select(Enterprise).where(Enterprise.id.in_(ids), Enterprise.deleted_at.is_not(None))
    ):
        ent.deleted_at = None
        done.append(ent.id)
    return Changes("enterprise", tuple(done))


def purge_enterprises(s: Session, ids: Sequence[str]) -> Changes:
    """Delete for good (only from the 回收站), with the enterprise's attachment records."""
    from app.services.attachments import purge_owner_attachments

    done = []
    for ent in s.scalars(
        select(Enterprise).where(Enterprise.id.in_(ids), Enterprise.deleted_at.is_not(None))
    ):
        purge_owner_attachments(s, "enterprise", ent.id)
        s.delete(ent)
        done.append(ent.id)
    return Changes("enterprise", tuple(done))


# ---------------------------------------------------------------- listing

SORT_COLUMNS = {
    "name": Enterprise.pinyin_full,
    "uscc": Enterprise.uscc,
    "industry": Enterprise.industry,
    "region": Enterprise.region,
    "scale": Enterprise.scale,
    "status": Enterprise.status,
    "cooperation_start": Enterprise.cooperation_start,
    "updated_at": Enterprise.updated_at,
    "deleted_at": Enterprise.deleted_at,
}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(q: EnterpriseQuery) -> Select:
    stmt = select(Enterprise.id)
    stmt = stmt.where(Enterprise.deleted_at.is_not(None) if q.deleted else Enterprise.deleted_at.is_(None))
    for term in clean_text(q.text).split(" "):
        if not term:
            continue
        pattern = _like(term)
        lower = _like(term.lower())
        conds = [
            Enterprise.name.like(pattern, escape="\\"),
            Enterprise.short_name.like(pattern, escape="\\"),
            Enterprise.uscc.like(_like(term.upper()), escape="\\"),
            exists().where(
                Contact.enterprise_id == Enterprise.id,
                or_(Contact.name.like(pattern, escape="\\"), Contact.phone.like(pattern, escape="\\")),
            ),
        ]
        if term.isascii() and term.isalpha():
            conds += [
                Enterprise.pinyin_initials.like(lower, escape="\\"),
                Enterprise.pinyin_full.like(lower, escape="\\"),
            ]
        stmt = stmt.where(or_(*conds))
    if q.status:
        stmt = stmt.where(Enterprise.status == q.status)
    if q.industry:
        stmt = stmt.where(Enterprise.industry == q.industry)
    if q.region:
        stmt = stmt.where(Enterprise.region == q.region)
    if q.category:
        stmt = stmt.where(
            exists().where(
                EnterpriseCategory.enterprise_id == Enterprise.id, EnterpriseCategory.category == q.category
            )
        )
    return stmt


def enterprise_ids(s: Session, q: EnterpriseQuery = EnterpriseQuery()) -> list[str]:
    """All matching ids in display order (cheap even for 100k rows); rows are fetched on demand."""
    col = SORT_COLUMNS.get(q.sort, Enterprise.pinyin_full)
    order = [col.desc() if q.descending else col.asc(), Enterprise.id]
    return list(s.scalars(_filtered(q).order_by(*order)))


def count_enterprises(s: Session, q: EnterpriseQuery = EnterpriseQuery()) -> int:
    return s.scalar(select(func.count()).select_from(_filtered(q).subquery())) or 0


def enterprise_rows(s: Session, ids: Sequence[str]) -> dict[str, EnterpriseRow]:
    """Rows for one page of the list, in one query (plus one for contacts and one for categories)."""
    if not ids:
        return {}
    ents = s.scalars(
        select(Enterprise)
        .where(Enterprise.id.in_(ids))
        .options(selectinload(Enterprise.contacts), selectinload(Enterprise.categories))
    ).all()
    out = {}
    for e in ents:
        first = e.contacts[0] if e.contacts else None
        out[e.id] = EnterpriseRow(
            id=e.id,
            name=e.name,
            short_name=e.short_name,
            uscc=e.uscc,
            uscc_confirmed=e.uscc_confirmed,
            industry=e.industry,
            region=e.region,
            scale=e.scale,
            status=e.status,
            categories="、".join(c.category for c in e.categories),
            cooperation_start=e.cooperation_start,
            contact_name=first.name if first else "",
            contact_phone=first.phone if first else "",
            updated_at=e.updated_at,
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


def existing_keys(s: Session) -> tuple[dict[str, str], dict[str, str]]:
    """{uscc: name} over all enterprises (incl. 回收站) and {name_key: name} over live ones — for imports."""
    codes = {
        u: n for u, n in s.execute(select(Enterprise.uscc, Enterprise.name).where(Enterprise.uscc != ""))
    }
    names = {
        k: n
        for k, n in s.execute(
            select(Enterprise.name_key, Enterprise.name).where(Enterprise.deleted_at.is_(None))
        )
    }
    return codes, names


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
