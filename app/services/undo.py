"""Undo of a user's last actions (编辑 → 撤销): a journal of what one write transaction did to each row, and
the write that puts every row back — or refuses, changing nothing, when a row changed since.

    changes = journaled(s, lambda: svc.update_enterprise(s, eid, data), "修改企业：某某公司")
    ...                                   # committed; later, on the GUI thread:
    journal = take(changes)               # the journal of that transaction (once)
    done = undo(s2, journal)              # another transaction: the rows as they were; done.inverse redoes it

While `journaled` runs, the ORM's flushes record each row the transaction inserts, updates or deletes — a
record and its child rows alike (a form's contacts, 企业类别, attachments): the row as it was in the database
before its first change (read from the database, so exactly what was stored), and at the end a digest of the
row as the transaction left it. Rows written with Core inserts (an import's new enterprises) are named with
`note_created`. Undo checks every row against its digest first: a row that another action changed since
makes undo refuse with the record's name, so undo never overwrites a later change. Then it deletes the child
rows the action added, moves the records it created to the 回收站 (a new enterprise, an import's enterprises:
restorable, like any delete), and writes back the rows it changed or deleted — all in one transaction,
audited like any change, and itself journaled: its journal (`UndoChanges.inverse`) is the redo.

The audit trail is not journaled (an undo adds its own entries); nor are `updated_at` values (an undo is a
new change of the record).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import event, select, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session, object_session

from app.db.base import Base, utcnow
from app.errors import AppError
from app.services.common import Changes

T = TypeVar("T")

SESSION_KEY = "undo_journal"
NOT_JOURNALED = {"audit_log"}  # bookkeeping tables: an undo writes its own audit entries
NOT_COMPARED = {"updated_at", "updated_by", "version"}  # change with every write, an undo's too
MAX_ROWS = 50_000  # a larger action (a 100,000-row import) is not undoable: it would hold too much
KEPT = 20  # journals waiting for the GUI to take them


@dataclass
class RowImage:
    model: type
    key: tuple[Any, ...]  # the primary key
    before: dict[str, Any] | None  # attribute → value before the action; None: the action created the row
    after: str | None = None  # digest of the row after the action; None: the action deleted it
    parents: tuple[tuple[str, Any], ...] = ()  # (table, id) the row's foreign keys name (rows it created)

    @property
    def table(self) -> str:
        return self.model.__tablename__

    def title(self, values: dict[str, Any] | None = None) -> str:
        values = values or self.before or {}
        return str(values.get("name") or values.get("title") or values.get("original_name") or "")


@dataclass
class Journal:
    label: str  # what the user did, as 编辑 → 撤销“…” names it
    database: str  # the database file it belongs to
    rows: dict[tuple[type, tuple[Any, ...]], RowImage] = field(default_factory=dict)
    too_big: bool = False

    def __bool__(self) -> bool:
        return bool(self.rows) or self.too_big

    # ------------------------------------------------------------ recording (flush events)

    def saw(self, mapper: Mapper, connection: Connection, target: Any, *, created: bool) -> None:
        key = (mapper.class_, tuple(mapper.primary_key_from_instance(target)))
        if key in self.rows or mapper.local_table.name in NOT_JOURNALED:
            return
        if len(self.rows) >= MAX_ROWS:
            self.too_big = True
            return
        before = None if created else _read(connection, mapper.class_, [key[1]]).get(key[1])
        self.rows[key] = RowImage(mapper.class_, key[1], before)

    def created(self, model: type, ids: Iterable[Any]) -> None:
        for rid in ids:
            key = (model, (rid,))
            if key in self.rows:
                continue
            if len(self.rows) >= MAX_ROWS:
                self.too_big = True
                return
            self.rows[key] = RowImage(model, (rid,), None)

    def seal(self, conn: Connection) -> None:
        """The digest of each row as the action leaves it, and what a created row's foreign keys name."""
        for model, images in _by_model(self.rows.values()).items():
            now = _read(conn, model, [i.key for i in images])
            for image in images:
                values = now.get(image.key)
                image.after = None if values is None else digest(values)
                if image.before is None and values is not None:
                    image.parents = _parents(model, values)


def digest(values: dict[str, Any]) -> str:
    text = repr(sorted((k, _plain(v)) for k, v in values.items() if k not in NOT_COMPARED))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (
            value.replace(tzinfo=None).isoformat()
            if value.tzinfo is None
            else value.astimezone(dt.UTC).isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _by_model(images: Iterable[RowImage]) -> dict[type, list[RowImage]]:
    out: dict[type, list[RowImage]] = {}
    for image in images:
        out.setdefault(image.model, []).append(image)
    return out


def _columns(model: type) -> list[tuple[str, Any]]:
    mapper: Mapper = model.__mapper__  # type: ignore[attr-defined]
    return [(a.key, a.columns[0]) for a in mapper.column_attrs]


def _read(
    conn: Connection, model: type, keys: Sequence[tuple[Any, ...]]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The stored rows of `model` with these primary keys: {key: {attribute: value}}."""
    from app.db.personal import unreadable

    mapper: Mapper = model.__mapper__  # type: ignore[attr-defined]
    hidden = unreadable(conn, model)  # a user without 学生个人信息 journals the rest (and never writes them)
    columns = [(k, c) for k, c in _columns(model) if k not in hidden]
    pk = list(mapper.primary_key)
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        where = pk[0].in_([k[0] for k in chunk]) if len(pk) == 1 else tuple_(*pk).in_(chunk)
        stmt = select(*(c.label(k) for k, c in columns)).where(where)
        for row in conn.execute(stmt).mappings():
            values = dict(row)
            out[tuple(values[mapper.get_property_by_column(c).key] for c in pk)] = values
    return out


def _parents(model: type, values: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    out = []
    for key, column in _columns(model):
        for fk in column.foreign_keys:
            if values.get(key) is not None:
                out.append((fk.column.table.name, values[key]))
    return tuple(out)


# ------------------------------------------------------------ the flush events (only while journaled)


def _journal_of(target: Any) -> Journal | None:
    s = object_session(target)
    return s.info.get(SESSION_KEY) if s is not None else None


@event.listens_for(Base, "before_update", propagate=True)
def _before_update(mapper: Mapper, connection: Connection, target: Any) -> None:
    if (j := _journal_of(target)) is not None:
        j.saw(mapper, connection, target, created=False)


@event.listens_for(Base, "before_delete", propagate=True)
def _before_delete(mapper: Mapper, connection: Connection, target: Any) -> None:
    if (j := _journal_of(target)) is not None:
        j.saw(mapper, connection, target, created=False)


@event.listens_for(Base, "after_insert", propagate=True)
def _after_insert(mapper: Mapper, connection: Connection, target: Any) -> None:
    if (j := _journal_of(target)) is not None:
        j.saw(mapper, connection, target, created=True)


# ------------------------------------------------------------ journaling an action


_lock = threading.Lock()
_waiting: OrderedDict[int, tuple[Changes, Journal]] = OrderedDict()


def _database(s: Session) -> str:
    return str(s.get_bind().url)


def journaled(s: Session, action: Callable[[], T], label: str) -> T:
    """Run `action` (a service call writing in the session's transaction) with a journal; when it returns a
    Changes, its journal waits for `take`. The journal of a transaction that does not commit is never taken."""
    if SESSION_KEY in s.info:  # already inside a journaled action: one journal for the whole transaction
        return action()
    journal = Journal(label, _database(s))
    s.info[SESSION_KEY] = journal
    try:
        result = action()
        s.flush()
        journal.seal(s.connection())
    finally:
        s.info.pop(SESSION_KEY, None)
    if isinstance(result, Changes) and journal:
        with _lock:
            _waiting[id(result)] = (result, journal)
            while len(_waiting) > KEPT:
                _waiting.popitem(last=False)
    return result


def note_created(s: Session, model: type, ids: Iterable[Any]) -> None:
    """Records written with Core inserts (which the flush events do not see) that the journaled action
    created: undo moves them to the 回收站."""
    journal = s.info.get(SESSION_KEY)
    if journal is not None:
        journal.created(model, ids)


def take(changes: Changes) -> Journal | None:
    """The journal of the committed action that returned `changes` (once; None when it kept none)."""
    with _lock:
        found = _waiting.pop(id(changes), None)
    return found[1] if found is not None and found[0] is changes else None


# ------------------------------------------------------------ undoing


@dataclass(frozen=True)
class UndoChanges(Changes):
    """What an undo changed; `inverse` is the journal that redoes the action."""

    label: str = ""
    inverse: Journal | None = None


def _trash_models() -> set[type]:
    """Records an undo moves to the 回收站 rather than deleting: the 回收站's kinds, and attachments (removed
    the way the attachments panel removes them: the bytes stay)."""
    from app.db.models import Attachment
    from app.trash import KINDS

    return {k.model for k in KINDS.values()} | {Attachment}


def undo(s: Session, journal: Journal) -> UndoChanges:
    """Put back every row the journaled action changed, in this one transaction — or refuse (AppError,
    nothing written) when the journal belongs to another database, is too big, or a row changed since."""
    if journal.too_big:
        raise AppError(
            f"“{journal.label}”涉及的记录太多（超过{MAX_ROWS}条），不能撤销；可到回收站或逐条修改。"
        )
    if journal.database != _database(s):
        raise AppError(f"“{journal.label}”是在另一个数据库中做的，不能在这里撤销。")
    _refuse_if_changed(s, journal)
    inverse = Journal(journal.label, journal.database)
    s.info[SESSION_KEY] = inverse
    try:
        touched = _put_back(s, journal)
        s.flush()
        inverse.seal(s.connection())
    finally:
        s.info.pop(SESSION_KEY, None)
    table = touched[0][0] if touched else ""
    ids = tuple(dict.fromkeys(str(k[0]) for t, k in touched if t == table))
    return UndoChanges(table, ids, label=journal.label, inverse=inverse)


def _refuse_if_changed(s: Session, journal: Journal) -> None:
    conn = s.connection()
    for model, images in _by_model(journal.rows.values()).items():
        now = _read(conn, model, [i.key for i in images])
        for image in images:
            values = now.get(image.key)
            if (None if values is None else digest(values)) != image.after:
                name = image.title(values)
                what = f"“{name}”" if name else "其中的记录"
                raise AppError(
                    f"“{journal.label}”之后，{what}又被修改或删除过；为免覆盖这些修改，未做任何撤销。"
                    "如需恢复原来的内容，请手动修改。"
                )


def _put_back(s: Session, journal: Journal) -> list[tuple[str, tuple[Any, ...]]]:
    """The writes of an undo; returns the (table, key) of the records it concerns, records first."""
    created = {(i.table, i.key[0]) for i in journal.rows.values() if i.before is None and len(i.key) == 1}
    records = _trash_models()
    to_delete, to_trash, to_write = [], [], []
    for image in journal.rows.values():
        if image.before is None:
            if any(p in created for p in image.parents):
                continue  # goes with the record it belongs to (a new enterprise's contacts)
            (to_trash if image.model in records else to_delete).append(image)
        else:
            to_write.append(image)
    _refuse_taken_keys(s, journal, to_write)  # before anything is written
    for image in to_delete:  # child rows the action added (a contact, a category): gone again
        obj = s.get(image.model, image.key if len(image.key) > 1 else image.key[0])
        if obj is not None:
            s.delete(obj)
    s.flush()
    stamp = utcnow()
    for image in to_trash:  # records the action created: to the 回收站, restorable
        obj = s.get(image.model, image.key[0])
        if obj is not None and obj.deleted_at is None:
            obj.deleted_at = stamp
    recreated = []
    for image in to_write:  # rows the action changed or deleted: as they were
        assert image.before is not None
        obj = s.get(image.model, image.key if len(image.key) > 1 else image.key[0])
        if obj is None:
            obj = image.model()
            s.add(obj)
            if (was := image.before.get("version")) is not None:
                recreated.append((obj, was))
        for key, value in image.before.items():
            if key not in NOT_COMPARED:
                setattr(obj, key, value)
    if recreated:  # a record purged by the action comes back: its version goes on from where it was (an
        s.flush()  # INSERT starts at 1; a form that saw the record before must not take it for unchanged)
        for obj, was in recreated:
            obj.version = was + 1
    order = [*to_trash, *to_write, *to_delete]
    order.sort(key=lambda i: i.model not in records)
    return [(i.table, i.key) for i in order]


def _refuse_taken_keys(s: Session, journal: Journal, images: Sequence[RowImage]) -> None:
    """The rows an undo writes back must not give a natural key (学号, 工号, 统一社会信用代码, 协议编号 …) two
    live records: one taken since by another record — a deleted student's 学号 given to a new one, or the
    old 信用代码 of an edited enterprise — refuses the whole undo before anything is written, naming the
    record, the key and the record that holds it now. The rows of the action itself are left out: the undo
    writes them back as they all were together before it."""
    from app.db.unique_keys import KEYS

    mine: dict[str, set[Any]] = {}
    for image in journal.rows.values():
        if len(image.key) == 1:
            mine.setdefault(image.table, set()).add(image.key[0])
    keyed = {k.table for k in KEYS}
    for model, group in _by_model(i for i in images if i.table in keyed).items():
        now = _read(s.connection(), model, [i.key for i in group])
        for image in group:
            _refuse_one(s, journal, image, now.get(image.key), mine.get(image.table, set()))


def _refuse_one(
    s: Session, journal: Journal, image: RowImage, now: dict[str, Any] | None, mine: set[Any]
) -> None:
    from app.db.unique_keys import KEYS

    before = image.before or {}
    if before.get("deleted_at") is not None:
        return  # goes back to the 回收站, where no key counts
    for key in (k for k in KEYS if k.table == image.table):
        value = before.get(key.column)
        if not value:
            continue
        if now is not None and now.get("deleted_at") is None and _same(key, now.get(key.column), value):
            continue  # live with this very value now: it holds it (most rows of a large import)
        holder = _live_holder(s, image.model, key, value, mine)
        if holder is not None:
            shown = "" if key.private else f"“{value}”"
            title = before.get(key.title) or ""
            record = f"{key.record}“{title}”" if title else f"这个{key.record}"
            raise AppError(
                f"不能撤销“{journal.label}”：{record}原来的{key.label}{shown}现在已被{key.record}“{holder}”使用，"
                f"每个{key.label}只能属于一个{key.record}。未做任何撤销。"
                f"如仍要撤销，请先修改“{holder}”的{key.label}。"
            )


def _same(key: Any, a: Any, b: Any) -> bool:
    a, b = str(a or ""), str(b or "")
    return a.lower() == b.lower() if key.folded else a == b


def _live_holder(s: Session, model: type, key: Any, value: str, skip: set[Any]) -> str | None:
    """The title of a live record, not one of `skip`, whose `key` is `value` (compared as the index does)."""
    from sqlalchemy import func

    table = model.__table__  # type: ignore[attr-defined]
    column, title, pk = table.c[key.column], table.c[key.title], table.c["id"]
    same = func.lower(column) == func.lower(value) if key.folded else column == value
    stmt = select(title, pk).where(table.c.deleted_at.is_(None), same)
    for name, rid in s.connection().execute(stmt):
        if rid not in skip:
            return str(name or "")
    return None
