"""合作企业档案: validation, create / update / bulk insert, soft delete. Listing: enterprise_list.py."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.db.audit import insert_entry
from app.db.base import new_id, utcnow
from app.db.models import (
    ENTERPRISE_CATEGORIES,
    ENTERPRISE_SCALES,
    ENTERPRISE_STATUSES,
    AgreementEnterprise,
    AuditLog,
    Contact,
    Enterprise,
    EnterpriseCategory,
    ProjectEnterprise,
    VisitEnterprise,
)
from app.domain.codes import USCC_CHECK_FAILED_MESSAGE, check_uscc
from app.domain.names import clean_name, clean_text, name_key, pinyin_keys
from app.domain.phones import CONTACT_RULE, is_phone_list
from app.errors import AppError, ValidationError, ValidationErrors
from app.progress import Progress, noop_progress, tick
from app.services.common import (
    Changes,
    get_or_raise,
    length_error,
    length_errors,
    max_length,
    restore,
    soft_delete,
)

BULK_CHUNK = 2000  # records per Core insert in add_enterprises
BULK_CACHE_KIB = 65536  # SQLite page cache while it writes
MAX_STAFF = 10_000_000  # 在岗职工总数: more than any employer has (a typo guard, not a rule)


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
    legal_representative: str = ""  # 法定代表人 (三方协议 乙方)
    staff_count: int | None = None  # 在岗职工总数 (校外实习实训基地 table); None = not known
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
class Check:
    errors: tuple[ValidationError, ...] = ()
    warnings: tuple[ValidationError, ...] = ()


# ---------------------------------------------------------------- validation


def normalized(data: EnterpriseData) -> EnterpriseData:
    """Trim / NFKC every text (the name keeps its full-width brackets: clean_name), strip invisible
    characters, normalise the code, drop blank contacts and unknown duplicates."""
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
        name=clean_name(data.name),  # as registered (（）kept), invisible characters gone
        uscc=check_uscc(data.uscc).value if clean_text(data.uscc) else "",
        uscc_confirmed=bool(data.uscc_confirmed),
        short_name=clean_text(data.short_name),
        industry=clean_text(data.industry),
        region=clean_text(data.region),
        address=clean_text(data.address),
        legal_representative=clean_text(data.legal_representative),
        staff_count=data.staff_count,
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


class ContactError(ValidationError):
    """A problem with one contact: `number` (1-based) and `part` (a ContactData field: "name", "phone" …)
    say where."""

    def __init__(self, number: int, part: str, message: str) -> None:
        super().__init__("contacts", message)
        self.number = number
        self.part = part


def check_fields(d: EnterpriseData) -> list[ValidationError]:
    """Every rule that needs no database, on normalized() data: cheap enough for 20,000 import rows.
    The duplicate checks are KnownEnterprises'."""
    errors: list[ValidationError] = []
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
    if d.status not in ENTERPRISE_STATUSES:
        errors.append(ValidationError("status", f"合作状态应为：{'、'.join(ENTERPRISE_STATUSES)}"))
    elif d.status == "已解除" and not d.status_reason:
        errors.append(ValidationError("status_reason", "解除合作须填写原因"))
    if d.staff_count is not None and (
        not isinstance(d.staff_count, int)
        or isinstance(d.staff_count, bool)
        or not 0 <= d.staff_count <= MAX_STAFF
    ):
        errors.append(ValidationError("staff_count", f"在岗职工总数应为0–{MAX_STAFF}之间的整数"))
    if d.scale and d.scale not in ENTERPRISE_SCALES:
        errors.append(ValidationError("scale", f"企业规模应为：{'、'.join(ENTERPRISE_SCALES)}"))
    for c in d.categories:
        if c not in ENTERPRISE_CATEGORIES:
            errors.append(ValidationError("categories", f"未知的企业类别“{c}”"))
    errors += length_errors(Enterprise, d, _LABELS)
    for i, c in enumerate(d.contacts, start=1):
        errors += _contact_errors(i, c)
    return errors


_LABELS = {
    "short_name": "简称",
    "industry": "所属行业",
    "region": "所在地区",
    "address": "地址",
    "legal_representative": "法定代表人",
    "status_reason": "状态说明",
    "website": "网址",
    "note": "备注",
}
_CONTACT_LABELS = {"name": "姓名", "title": "职务", "phone": "电话", "email": "邮箱", "note": "备注"}


def _contact_errors(i: int, c: ContactData) -> list[ValidationError]:
    """One contact's problems; a phone's message says what is wrong with it, never the number."""
    who = f"联系人“{c.name}”" if c.name else f"第{i}个联系人"
    errors: list[ValidationError] = []
    if not c.name:
        errors.append(ContactError(i, "name", f"第{i}个联系人缺少姓名"))
    for part, label in _CONTACT_LABELS.items():
        for e in length_error(part, f"{who}的{label}", getattr(c, part), max_length(Contact, part)):
            errors.append(ContactError(i, part, e.message))
    phone_too_long = len(c.phone) > max_length(Contact, "phone")
    if c.phone and not phone_too_long and not is_phone_list(c.phone):
        errors.append(ContactError(i, "phone", f"{who}的电话格式不对：{CONTACT_RULE}"))
    return errors


@dataclass(frozen=True)
class KnownEnterprises:
    """Codes and names already stored, for the duplicate checks: `codes` {uscc: (name, in 回收站)} over
    all enterprises (a live one wins), `names` {name_key: name} over live ones."""

    codes: dict[str, tuple[str, bool]]
    names: dict[str, str]

    @classmethod
    def load(
        cls, s: Session, *, like: EnterpriseData | None = None, exclude_id: str | None = None
    ) -> KnownEnterprises:
        """All of them, one query each (an import); or only those that could clash with the normalized
        record `like`, leaving out the record `exclude_id` itself (a form)."""
        codes = select(Enterprise.uscc, Enterprise.name, Enterprise.deleted_at.is_not(None)).where(
            Enterprise.uscc != ""
        )
        names = select(Enterprise.name_key, Enterprise.name).where(Enterprise.deleted_at.is_(None))
        if like is not None:
            codes = codes.where(Enterprise.uscc == like.uscc)
            names = names.where(Enterprise.name_key == name_key(like.name))
        if exclude_id:
            codes = codes.where(Enterprise.id != exclude_id)
            names = names.where(Enterprise.id != exclude_id)
        known: dict[str, tuple[str, bool]] = {}
        for code, name, deleted in s.execute(codes):
            if code not in known or known[code][1]:
                known[code] = (name, bool(deleted))
        return cls(known, {k: n for k, n in s.execute(names)})

    def code_clash(self, d: EnterpriseData) -> ValidationError | None:
        """The error for a code another enterprise has (only for a code check_fields accepts)."""
        if not d.uscc or d.uscc not in self.codes:
            return None
        res = check_uscc(d.uscc)
        if res.error or (res.check_failed and not d.uscc_confirmed):
            return None
        name, deleted = self.codes[d.uscc]
        where = "（在回收站中，可先恢复）" if deleted else ""
        return ValidationError("uscc", f"统一社会信用代码与已有企业“{name}”{where}重复")

    def same_name(self, d: EnterpriseData) -> ValidationError | None:
        """The warning for a name a live enterprise has (after name_key)."""
        same = self.names.get(name_key(d.name)) if d.name else None
        if same is None:
            return None
        return ValidationError("name", f"已有名称相同的企业“{same}”，请确认不是同一家", warning_only=True)


def check_enterprise(s: Session, data: EnterpriseData, *, exclude_id: str | None = None) -> Check:
    """Errors block saving; warnings (a similar name) ask the user to confirm."""
    d = normalized(data)
    known = KnownEnterprises.load(s, like=d, exclude_id=exclude_id)
    errors = check_fields(d)
    if clash := known.code_clash(d):  # where check_fields puts the code's errors: after the name's
        errors.insert(sum(e.field == "name" for e in errors), clash)
    same = known.same_name(d)
    return Check(tuple(errors), (same,) if same else ())


# ---------------------------------------------------------------- writing


class _Stored(NamedTuple):
    columns: dict[str, Any]  # the enterprise's, without id and timestamps
    categories: tuple[str, ...]
    contacts: list[dict[str, Any]]  # each contact's, in order, without id, enterprise_id and timestamps


_COPIED = (
    "uscc short_name industry region address legal_representative staff_count scale status status_reason "
    "cooperation_start website note"
).split()
_CONTACT_COPIED = ("name", "title", "phone", "email", "note")


def name_columns(name: str, short_name: str) -> dict[str, str]:
    """The columns an enterprise's names give: the key that finds the same name written otherwise, and the pinyin
    that search reads (the offline merge writes them again too: app/offline/merge.py)."""
    initials, full = pinyin_keys(name)
    short_initials, short_full = pinyin_keys(short_name)
    return {
        "name_key": name_key(name),
        "pinyin_initials": f"{initials} {short_initials}".strip(),
        "pinyin_full": f"{full} {short_full}".strip(),
    }


def _stored(d: EnterpriseData) -> _Stored:
    """What create, update and add_enterprises store for normalized data — the one place that says it."""
    columns = {k: getattr(d, k) for k in _COPIED}
    columns.update(
        name=d.name,
        uscc_confirmed=bool(d.uscc) and d.uscc_confirmed and check_uscc(d.uscc).check_failed,
        status_date=(d.status_date or dt.date.today()) if d.status == "已解除" else d.status_date,
        **name_columns(d.name, d.short_name),
    )
    contacts = [
        {**{k: getattr(c, k) for k in _CONTACT_COPIED}, "sort_order": i} for i, c in enumerate(d.contacts)
    ]
    return _Stored(columns, d.categories, contacts)


def _apply(ent: Enterprise, d: EnterpriseData) -> None:
    stored = _stored(d)
    for key, value in stored.columns.items():
        setattr(ent, key, value)
    kept = {c.category: c for c in ent.categories}
    ent.categories = [kept.get(c) or EnterpriseCategory(category=c) for c in stored.categories]
    by_id = {c.id: c for c in ent.contacts}
    rows = []
    for c, values in zip(d.contacts, stored.contacts, strict=True):
        row = (by_id.pop(c.id, None) if c.id else None) or Contact()
        for key, value in values.items():
            setattr(row, key, value)
        rows.append(row)
    ent.contacts = rows


def _raise_errors(check: Check) -> None:
    if check.errors:
        raise ValidationErrors(list(check.errors))


def create_enterprise(s: Session, data: EnterpriseData) -> Changes:
    check = check_enterprise(s, data)
    _raise_errors(check)
    ent = Enterprise()
    _apply(ent, normalized(data))
    s.add(ent)
    s.flush()
    return Changes("enterprise", (ent.id,), tuple(w.message for w in check.warnings))


def update_enterprise(s: Session, enterprise_id: str, data: EnterpriseData) -> Changes:
    ent = _get(s, enterprise_id)
    check = check_enterprise(s, data, exclude_id=enterprise_id)
    _raise_errors(check)
    _apply(ent, normalized(data))
    s.flush()
    return Changes("enterprise", (ent.id,), tuple(w.message for w in check.warnings))


def add_enterprises(
    s: Session,
    datas: Sequence[EnterpriseData],
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Changes:
    """Insert many new enterprises fast (Core inserts in chunks), storing exactly what create_enterprise
    stores for the same data, with the same audit_log row per inserted enterprise and contact.

    Nothing is checked here: `datas` must be normalized() and pass check_fields and the duplicate checks
    of KnownEnterprises (against the database and among themselves), as the Excel import makes sure.
    Writes in the caller's transaction; a cancel (checked every 200 records) raises Cancelled."""
    report = progress or noop_progress
    ids: list[str] = []
    batch = _Batch()
    with _big_cache(s):
        for i, d in enumerate(datas):
            if i % 200 == 0:
                tick(report, cancel, i / len(datas), f"正在写入第{i + 1}/{len(datas)}家企业…")
            ids.append(batch.add(_stored(d)))
            if len(batch.enterprises) >= BULK_CHUNK:
                batch.write(s)
                batch = _Batch()
        batch.write(s)
    report(1.0, f"已写入 {len(ids)} 家企业")
    return Changes("enterprise", tuple(ids))


@contextlib.contextmanager
def _big_cache(s: Session) -> Iterator[None]:
    """A larger SQLite page cache while bulk inserting (random UUID keys touch pages all over the indexes)."""
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


class _Batch:
    """Rows for one chunk of Core inserts, audit rows included."""

    def __init__(self) -> None:
        self.stamp = utcnow()
        self.enterprises: list[dict[str, Any]] = []
        self.contacts: list[dict[str, Any]] = []
        self.categories: list[dict[str, Any]] = []
        self.audit: list[dict[str, Any]] = []

    def add(self, stored: _Stored) -> str:
        when = {"created_at": self.stamp, "updated_at": self.stamp, "deleted_at": None}
        ent = {"id": new_id(), **stored.columns, **when}
        self.enterprises.append(ent)
        self.audit.append(
            insert_entry(Enterprise, ent, at=self.stamp, collections={"categories": stored.categories})
        )
        self.categories += [{"enterprise_id": ent["id"], "category": c} for c in stored.categories]
        for values in stored.contacts:
            contact = {"id": new_id(), "enterprise_id": ent["id"], **values, **when}
            self.contacts.append(contact)
            self.audit.append(insert_entry(Contact, contact, at=self.stamp))
        return ent["id"]

    def write(self, s: Session) -> None:
        for model, rows in (
            (Enterprise, self.enterprises),
            (Contact, self.contacts),
            (EnterpriseCategory, self.categories),
            (AuditLog, self.audit),
        ):
            if rows:
                s.execute(insert(model.__table__), rows)


def _get(s: Session, enterprise_id: str) -> Enterprise:
    return get_or_raise(s, Enterprise, enterprise_id, "企业")


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
        legal_representative=ent.legal_representative,
        staff_count=ent.staff_count,
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
    return soft_delete(s, Enterprise, ids)


def restore_enterprises(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, Enterprise, ids)


def _refuse_linked(s: Session, ids: Sequence[str]) -> None:
    """An enterprise that agreements, projects or visits name stays (in the 回收站): purging it would
    silently take it out of those records."""
    for link, label in (
        (AgreementEnterprise, "份协议"),
        (ProjectEnterprise, "个项目"),
        (VisitEnterprise, "条走访记录"),
    ):
        row = s.execute(
            select(Enterprise.name, func.count())
            .join(link, link.enterprise_id == Enterprise.id)
            .where(Enterprise.id.in_(ids), Enterprise.deleted_at.is_not(None))
            .group_by(Enterprise.id)
            .limit(1)
        ).first()
        if row:
            raise AppError(
                f"企业“{row[0]}”仍被{row[1]}{label}引用，不能彻底删除（可留在回收站中，或先修改这些记录）"
            )


def purge_enterprises(s: Session, ids: Sequence[str]) -> Changes:
    """Delete for good (only from the 回收站), with the enterprise's attachment records."""
    from app.services.attachments import purge_owner_attachments

    _refuse_linked(s, ids)
    done = []
    for ent in s.scalars(
        select(Enterprise).where(Enterprise.id.in_(ids), Enterprise.deleted_at.is_not(None))
    ):
        purge_owner_attachments(s, "enterprise", ent.id)
        s.delete(ent)
        done.append(ent.id)
    return Changes("enterprise", tuple(done))
