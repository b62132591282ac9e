"""The enterprise list: ids in display order for a search / filter / sort, rows a page at a time, the
filter drop-downs and the 工作台 figures. Reads only."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    CursorResult,
    Select,
    String,
    any_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from app.db.models import (
    ENTERPRISE_CATEGORIES,
    ENTERPRISE_SCALES,
    ENTERPRISE_STATUSES,
    TIER_LABELS,
    TIERS,
    Contact,
    Enterprise,
    EnterpriseCategory,
    Project,
    ProjectEnterprise,
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


class EnterpriseRow(NamedTuple):
    """One line of the enterprise list. A NamedTuple, as immutable as a frozen dataclass and built five times
    faster (a frozen dataclass sets each of its 15 fields through object.__setattr__): a jump while scrolling
    builds 200 of them."""

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


def _contains(col: Any, text: str) -> Any:
    """`col` holds `text`, as SQLite's LIKE finds it: ASCII letters in either case, every other character as it
    is. A text without ASCII letters (and without %, _ or \\) is matched by a plain LIKE, the same rows on
    SQLite; on a server `.like()` renders as ILIKE (app/db/server.py), which lower-cases every row's text
    before comparing — three times the work of LIKE on Chinese text, and it would also fold letters SQLite
    keeps apart (Ａ/ａ)."""
    if any(c in text for c in "%_\\") or any(c.isascii() and c.isalpha() for c in text):
        return col.like(like_pattern(text), escape="\\")
    return col.op("LIKE", is_comparison=True)(f"%{text}%")


def _term_condition(term: str):
    """One search word: name, short name, code, pinyin (Latin letters), or a contact's name or phone.

    The ids of the enterprises found by their own columns and of those found by a contact, as one UNION: on a
    server each side can then use its trigram indexes (migration 0016: one bitmap scan per column, OR-ed),
    which a row-by-row `OR id IN (contacts)` rules out. Contacts are matched by one scan of the contact table,
    not a lookup per enterprise."""
    found = aliased(Enterprise, name="found")
    conds = [
        _contains(found.name, term),
        _contains(found.short_name, term),
        _contains(found.uscc, term.upper()),
    ]
    if any(c in term for c in "()（）"):  # names keep the brackets as registered: either width finds them
        conds.append(_contains(found.name_key, name_key(term)))
    if term.isascii() and term.isalpha():
        conds += [_contains(found.pinyin_initials, term.lower()), _contains(found.pinyin_full, term.lower())]
    contacts = select(Contact.enterprise_id).where(
        Contact.deleted_at.is_(None), or_(_contains(Contact.name, term), _contains(Contact.phone, term))
    )
    return Enterprise.id.in_(union(select(found.id).where(or_(*conds)), contacts))


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
    """All matching ids in display order (cheap even for 100k rows); rows are fetched on demand. A Core read on
    the session's connection (flushed first, as the session's own read would be), the ids taken from the
    driver's rows one by one: an ORM read builds a row object per id, which cost a third as much again as the
    query, and holding 100,000 rows at once costs the window (whose heap is large) garbage collections."""
    if s.autoflush:
        s.flush()
    conn = s.connection()
    key = _sort_key(conn.dialect.name, SORT_COLUMNS.get(q.sort, Enterprise.pinyin_full))
    stmt = matching(q).order_by(key.desc() if q.descending else key.asc(), Enterprise.id)
    return [row[0] for row in _driver_rows(conn, conn.execute(stmt))]


def _sort_key(dialect: str, col: Any) -> Any:
    """What the list is ordered by. On SQLite `+col` (the same values, compared the same way: SQLite's own
    way to keep an index out of a query): otherwise SQLite walks the column's index and looks up each row in
    the table for its id and deleted_at, one page read per row — for the whole list three times the work of
    reading the table in one pass and sorting what it keeps. A search or filter plans as before (its own
    index, then a sort); a server picks its plan itself."""
    if dialect == "sqlite":
        return UnaryExpression(col, operator=custom_op("+"))
    return col


def _driver_rows(conn: Connection, result: CursorResult[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of an executed statement as the driver gives them, one by one: plain tuples, not a Row object
    each with SQLAlchemy's conversions (a caller converts the few values that need it). A failure while reading
    comes out as SQLAlchemy's DBAPIError, as a failure of the statement itself does."""
    dbapi_error = conn.dialect.loaded_dbapi.Error
    with result:
        try:
            yield from result.cursor
        except dbapi_error as e:
            raise DBAPIError.instance(None, None, e, dbapi_error) from e


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


def _among(dialect: str, col: Any) -> Any:
    """`col IN :ids`, the ids one parameter: a page of 200 ids is otherwise a statement of 200 placeholders (on
    SQLite 600: the ids are named three times) to render, send and parse on every jump. On a server an array
    (`= ANY`); on SQLite a JSON text read back by json_each (built into SQLite since 3.38) — one statement that
    SQLAlchemy compiles and SQLite prepares once (_ids_parameter)."""
    if dialect == "postgresql":
        return col == any_(bindparam("ids", type_=ARRAY(String)))
    listed = func.json_each(bindparam("ids", type_=String)).table_valued("value")
    return col.in_(select(listed.c.value))


def _ids_parameter(dialect: str, ids: Sequence[str]) -> list[str] | str:
    return list(ids) if dialect == "postgresql" else json.dumps(list(ids))


_SEPARATOR = "\x1f"  # between the categories of one enterprise (no category name holds it)


@functools.cache
def _row_statement(dialect: str) -> Select:
    """One statement for a page (built once per kind of database): the enterprise columns, its first contact
    (lowest sort_order), its categories and the rank of its highest tier among live projects — one round trip
    to a server, not four. Categories and tiers are grouped once for the page's ids (a subquery per row costs
    a server a plan node per row). The first contact: a LATERAL join on a server, on SQLite (which has no
    LATERAL) the contact whose rowid a correlated subquery picks."""
    categories = (
        select(
            EnterpriseCategory.enterprise_id,
            func.aggregate_strings(EnterpriseCategory.category, _SEPARATOR).label("names"),
        )
        .where(_among(dialect, EnterpriseCategory.enterprise_id))
        .group_by(EnterpriseCategory.enterprise_id)
        .subquery("page_categories")
    )
    rank = case({tier: rank for rank, tier in enumerate(TIERS, 1)}, value=Project.tier)
    tiers = (
        select(ProjectEnterprise.enterprise_id, func.max(rank).label("rank"))
        .join(Project, Project.id == ProjectEnterprise.project_id)
        .where(Project.deleted_at.is_(None), _among(dialect, ProjectEnterprise.enterprise_id))
        .group_by(ProjectEnterprise.enterprise_id)
        .subquery("page_tiers")
    )
    first = (
        select(Contact.id)
        .where(Contact.enterprise_id == Enterprise.id, Contact.deleted_at.is_(None))
        .order_by(Contact.sort_order, Contact.id)
        .limit(1)
        .correlate(Enterprise)
    )
    if dialect == "postgresql":
        contact = first.with_only_columns(Contact.name, Contact.phone).lateral("first_contact")
        name, phone, on = contact.c.name, contact.c.phone, true()
    else:  # by rowid: the contact's row straight from the table, not through the index of its id first
        contact = aliased(Contact, name="first_contact")
        first_row = first.with_only_columns(literal_column("contact.rowid")).scalar_subquery()
        name, phone, on = contact.name, contact.phone, literal_column("first_contact.rowid") == first_row
    return (
        select(
            *ROW_COLUMNS,
            name.label("contact_name"),
            phone.label("contact_phone"),
            categories.c.names.label("category_names"),
            tiers.c.rank.label("tier_rank"),
        )
        .select_from(Enterprise)
        .outerjoin(contact, on)
        .outerjoin(categories, categories.c.enterprise_id == Enterprise.id)
        .outerjoin(tiers, tiers.c.enterprise_id == Enterprise.id)
        .where(_among(dialect, Enterprise.id))
    )


@contextlib.contextmanager
def _one_read(s: Session) -> Iterator[Connection]:
    """A connection for one SELECT. For a session that has not begun (a page read on its own, as the list reads
    each page while it scrolls): a pooled connection of its own, which reads what the session's transaction
    would (one SELECT sees one committed state), without the session's transaction to begin and roll back —
    on a server in autocommit, which saves two of the four round trips of such a read. A session already in a
    transaction (a write under way) reads through its own."""
    if s.in_transaction():
        yield s.connection()
        return
    with s.get_bind().connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


def enterprise_rows(s: Session, ids: Sequence[str]) -> dict[str, EnterpriseRow]:
    """Rows for one page of the list, read by one statement (a Core read: plain rows, no ORM bookkeeping for
    what is only shown). The driver's tuples are turned into rows here, the three typed values (信用代码已核对,
    合作开始, 最后修改) by the conversions SQLAlchemy would apply (_conversions): a Row object per line with its
    conversions cost more than building the EnterpriseRow."""
    if not ids:
        return {}
    out = {}
    with _one_read(s) as conn:
        dialect = conn.dialect
        to_bool, to_date, to_time = _conversions(dialect)
        result = conn.execute(_row_statement(dialect.name), {"ids": _ids_parameter(dialect.name, ids)})
        rows = list(_driver_rows(conn, result))
    category_text: dict[str | None, str] = {}  # a page holds few combinations of categories: each sorted once
    for (
        eid,
        name,
        short_name,
        uscc,
        uscc_confirmed,
        industry,
        region,
        scale,
        status,
        cooperation_start,
        updated_at,
        contact_name,
        contact_phone,
        category_names,
        tier_rank,
    ) in rows:
        if (categories := category_text.get(category_names)) is None:
            cats = sorted(category_names.split(_SEPARATOR), key=_CATEGORY_ORDER) if category_names else ()
            categories = category_text[category_names] = "、".join(cats)
        out[eid] = EnterpriseRow(
            eid,
            name,
            short_name,
            uscc,
            to_bool(uscc_confirmed),
            industry,
            region,
            scale,
            status,
            categories,
            to_date(cooperation_start),
            contact_name or "",
            contact_phone or "",
            to_time(updated_at),
            _TIER_OF_RANK[tier_rank],
        )
    return out


def _same(value: Any) -> Any:
    return value


_CONVERTED = (Enterprise.uscc_confirmed, Enterprise.cooperation_start, Enterprise.updated_at)


_conversions_by_kind: dict[type, tuple[Callable[[Any], Any], ...]] = {}


def _conversions(dialect: Dialect) -> tuple[Callable[[Any], Any], ...]:
    """How the driver's values of _CONVERTED become Python's (on SQLite 0/1 → bool, text → date, text → aware
    UTC datetime; on a server mostly none): the column types' own result processors, found once per kind of
    database (they depend on the dialect's class, not on the engine)."""
    kind = type(dialect)
    if (found := _conversions_by_kind.get(kind)) is None:
        found = _conversions_by_kind[kind] = tuple(
            col.type.dialect_impl(dialect).result_processor(dialect, None) or _same for col in _CONVERTED
        )
    return found


_CATEGORY_ORDER = ENTERPRISE_CATEGORIES.index
_TIER_OF_RANK = {None: "", **{rank: TIER_LABELS[tier] for rank, tier in enumerate(TIERS, 1)}}


def _distinct_values(s: Session, col: Any) -> tuple[str, ...]:
    """The live, non-empty values of an indexed column in code-point order (as ORDER BY orders text here), by
    a walk of its index — the least value, then the least above it … — one probe per value instead of reading
    all 100,000 rows. (min() and > follow the database's collation, so the order is made here.)"""
    live = [Enterprise.deleted_at.is_(None), col != ""]
    walk = select(func.min(col).label("value")).where(*live).cte("walk", recursive=True)
    after = select(func.min(col)).where(*live, col > walk.c.value).scalar_subquery()
    walk = walk.union_all(select(after).where(walk.c.value.is_not(None)))
    return tuple(sorted(s.scalars(select(walk.c.value).where(walk.c.value.is_not(None)))))


def facets(s: Session) -> Facets:
    """Values offered in the filter drop-downs."""
    return Facets(
        industries=_distinct_values(s, Enterprise.industry), regions=_distinct_values(s, Enterprise.region)
    )


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
