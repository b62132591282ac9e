"""Declarative base and the columns every record has: UUID id, UTC timestamps, soft delete."""

from __future__ import annotations

import datetime as dt
import functools
import socket
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, String, TypeDecorator
from sqlalchemy.engine import Dialect, processors
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@functools.cache
def this_machine() -> str:
    """This computer's name (an audit row's `machine`: which PC a change was made on, the laptop of a trip
    among them); "" when the system gives none."""
    try:
        return socket.gethostname()[:100]
    except OSError:
        return ""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stored as naive UTC (portable), returned as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], dt.datetime | None]:
        """What TypeDecorator's own result_processor does — the dialect's conversion (on SQLite
        datetime.fromisoformat of the stored text, on a server none), then process_result_value — as one call
        per value instead of two: a page of the enterprise list reads 200 of these per jump. On SQLite the text
        is read with "+00:00" after it, which gives the aware UTC time in one step (`replace(tzinfo=)` costs
        five times the parse); a text that this does not suit (one with an offset of its own, or a date alone:
        none this app writes) is read as before."""
        parse = self.impl_instance.result_processor(dialect, coltype)
        utc = dt.UTC
        if parse is None:
            return lambda value: None if value is None else value.replace(tzinfo=utc)
        if parse is not processors.str_to_datetime:
            return lambda value: None if value is None else parse(value).replace(tzinfo=utc)
        from_text = dt.datetime.fromisoformat

        def from_utc_text(value: str | None) -> dt.datetime | None:
            if value is None:
                return None
            try:
                read = from_text(value + "+00:00")
            except ValueError:  # a text that names an offset of its own
                read = None
            if read is None or read.tzinfo is not utc:  # a date alone: "+00:00" read as a time
                return from_text(value).replace(tzinfo=utc)
            return read

        return from_utc_text


# Money in integer 分: 64 bits on both backends (SQLite's INTEGER is; PostgreSQL's integer is 32, so bigint there:
# migration 0011).
Money = Integer().with_variant(BigInteger(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class RecordMixin:
    """UUID primary key, created/updated time and by whom, soft delete (回收站) and a version.

    `version` counts the record's saved changes (SQLAlchemy's version counter: each UPDATE checks it and adds
    one). A form remembers the version it opened and a save of a record someone changed since is refused
    (app/services/versions.py). A change of a record's own parts (an enterprise's contacts or categories)
    counts as a change of the record (app/db/audit.py touches it). `updated_by` names who saved last: the
    database user on a server, the computer's login name on a file."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # No index: nearly every row is NULL, and with such an index SQLite picks it over the useful ones
    # (a page of contacts by enterprise_id took 50 ms instead of 2 ms on 170k contacts).
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    updated_by: Mapped[str] = mapped_column(String(100), nullable=False, default="", server_default="")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:  # noqa: N805 (SQLAlchemy's declared attribute)
        return {"version_id_col": cls.__table__.c.version}
