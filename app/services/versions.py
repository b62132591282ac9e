"""No lost update: a form remembers the version of the record it opened (`read_opened`) and its save first checks
the record is still at that version (`ensure_unchanged`), in the save's own write transaction — after the
database's write lock is taken, so no other save can come between the check and the write.

A save of a record someone else changed since is refused with who saved it last and when (RecordChanged); the
form then offers to load the other person's version or to save over it (`overwrite`). A record moved to the
回收站 meanwhile is refused as RecordDeleted (the form may restore it and save, `restore`), one deleted for
good as RecordPurged. The version itself is SQLAlchemy's version counter (app/db/base.py RecordMixin), moved
on by every save of the record or of its own parts (app/db/audit.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from sqlalchemy import literal, select, union_all
from sqlalchemy.orm import Session

from app.db.base import Base, RecordMixin
from app.errors import RecordChanged, RecordDeleted, RecordPurged

T = TypeVar("T")


@dataclass(frozen=True)
class Opened:
    """The record a form opened and the version it showed."""

    table: str
    record_id: str
    version: int


@cache
def _models() -> dict[str, type[RecordMixin]]:
    return {
        m.class_.__tablename__: m.class_ for m in Base.registry.mappers if issubclass(m.class_, RecordMixin)
    }


def _find(s: Session, record_id: str) -> Opened | None:
    """Which table holds the record (ids are UUIDs: one at most) and its version, in one statement."""
    stmt = union_all(
        *(
            select(literal(table).label("t"), model.version).where(model.id == record_id)
            for table, model in sorted(_models().items())
        )
    )
    row = s.execute(stmt).first()
    return None if row is None else Opened(row[0], record_id, row[1])


def opened(s: Session, record_id: str) -> Opened | None:
    """The record's table and its version now; None when there is no such record."""
    return _find(s, record_id)


READ_TRIES = 5  # reads of a record that kept changing while being read before the last one is kept


def read_opened(s: Session, record_id: str, read: Callable[[Session], T]) -> tuple[T, Opened | None]:
    """What a form shows of a record, and the version that is exactly what it shows: the version is read
    before and after `read(s)`; only a read between two equal versions is kept (a version only grows, and a
    save of the record or of its parts moves it on), else it is read again. Neither backend gives a reader
    one snapshot of several statements: the version read alone, after the data, could be newer than the data
    shown, and a save over a change never seen would pass the check. If the record keeps changing, the last
    read is kept with the version from before it: a later save is then refused (never silently over a change)."""
    for _ in range(READ_TRIES):
        before = _find(s, record_id)
        data = read(s)
        if _find(s, record_id) == before:
            return data, before
    return data, before


def when_words(at: dt.datetime | None) -> str:
    """A moment in plain words, local time: “2026年12月7日 9:30”."""
    if at is None:
        return ""
    local = at.astimezone() if at.tzinfo else at
    return f"{local.year}年{local.month}月{local.day}日 {local.hour}:{local.minute:02d}"


def _by(who: str, at: dt.datetime | None) -> str:
    person = f"“{who}”" if who else "另一位用户"
    return f"{person}于 {when_words(at)} " if at else f"{person}"


def ensure_unchanged(s: Session, record: Opened, *, overwrite: bool = False, restore: bool = False) -> None:
    """Refuse the save of `record` if someone changed it since it was opened (RecordChanged; `overwrite`
    saves over the change), moved it to the 回收站 (RecordDeleted; with `restore` the save goes on, and
    `take_out_of_trash` after the save's own write brings the record back with the form's values) or deleted
    it for good (RecordPurged). Call inside the save's write transaction, first. Changes nothing."""
    model = _models()[record.table]
    row = s.execute(
        select(model.version, model.deleted_at, model.updated_at, model.updated_by).where(
            model.id == record.record_id
        )
    ).first()
    if row is None:
        raise RecordPurged(
            "这条记录在您打开之后已被其他用户彻底删除，无法再保存。您的修改没有保存；"
            "如需保留，请先把表单中的内容另行记下，再新建一条记录。"
        )
    version, deleted_at, updated_at, who = row
    if deleted_at is not None:
        if restore:
            return
        raise RecordDeleted(
            f"这条记录在您打开之后已被{_by(who, deleted_at)}删除（移到了回收站）。您的修改没有保存。"
            "可以把它从回收站恢复并保存您的修改，或者放弃修改。",
            who=who,
            at=deleted_at,
        )
    if version != record.version and not overwrite:
        raise RecordChanged(
            f"这条记录在您打开之后已被{_by(who, updated_at)}修改过。您的修改没有保存。"
            "可以载入对方保存的内容（放弃您的修改），或者仍然保存（您的内容将覆盖对方的修改）。",
            who=who,
            at=updated_at,
        )


def take_out_of_trash(s: Session, record: Opened) -> None:
    """恢复并保存: the record leaves the 回收站 in the save's own transaction. Flushed with the form's values
    (a 学号 changed in the form included: call it before the save's write with autoflush off, or after it);
    a natural key another record took meanwhile is refused by the database's unique index (DuplicateKey)."""
    obj = s.get(_models()[record.table], record.record_id)
    if obj is not None:
        obj.deleted_at = None


def written(s: Session, record_id: str | None) -> Opened | None:
    """The version a save just wrote, read in its own transaction (flushed first): a form kept open after it
    takes exactly this one, not one another user saved right after."""
    if not record_id:
        return None
    s.flush()
    return _find(s, record_id)


# ---------------------------------------------------------------- what changed, for the form to show

NOT_SHOWN = {"id", "created_at", "updated_at", "updated_by", "version", "masked"}


@dataclass(frozen=True)
class Difference:
    """One field the other person changed: as the form opened it, as saved now, and what the form holds."""

    field: str
    was: str
    now: str
    yours: str


def masked_fields(table: str) -> frozenset[str]:
    """A record's personal fields (身份证号, phones …): a difference says they changed, never their values."""
    return frozenset(getattr(_models()[table], "__audit_masked__", ()))


def value_words(field: str, value: object) -> str:
    """A field's value in plain words: dates in 年月日, money in 元, yes/no, lists joined."""
    from app.domain.money import format_money

    if value is None or value == "" or value == ():
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return when_words(value)
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, int) and field.endswith("_fen"):
        return format_money(value, symbol=False) + " 元"
    if isinstance(value, list | tuple):
        return "、".join(value_words(field, v) for v in value)
    name = getattr(value, "name", None)  # a part of the record (a contact): its name
    if isinstance(name, str):
        return name
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _the_record(read: object) -> object:
    """A form's read may give the record with more beside it ((record, its history)): the record."""
    import dataclasses

    if isinstance(read, tuple) and not dataclasses.is_dataclass(read):
        return next((x for x in read if dataclasses.is_dataclass(x)), None)
    return read


def differences(
    before: object, after: object, yours: object, masked: frozenset[str] = frozenset()
) -> list[Difference]:
    """The fields of a record (a service's frozen row) that differ between `before` (as a form opened it) and
    `after` (as saved since), with the form's own value of each from `yours` (its data); values of `masked`
    fields are not shown."""
    import dataclasses

    before, after = _the_record(before), _the_record(after)
    if not (dataclasses.is_dataclass(before) and dataclasses.is_dataclass(after)):
        return []
    out = []
    for f in dataclasses.fields(before):
        if f.name in NOT_SHOWN or not hasattr(after, f.name):
            continue
        was, now = getattr(before, f.name), getattr(after, f.name)
        if was == now:
            continue
        if f.name in masked:
            out.append(Difference(f.name, "（不显示）", "已修改", "（不显示）"))
            continue
        mine = value_words(f.name, getattr(yours, f.name)) if hasattr(yours, f.name) else ""
        out.append(Difference(f.name, value_words(f.name, was), value_words(f.name, now), mine))
    return out
