"""ORM models of the offline copy (issue 20; app/offline/). Re-exported by app.db.models.

A database gets its own id once (`setting` key DATABASE_ID, migration 0017): a copy carries it, so a merge knows
the copy came from here. A copy (a database file made by 带出副本) holds one `offline_origin` row — where it came
from, when, by whom, with or without the students' personal data — and in `offline_base` every row as it was
copied: the common ancestor of the three-way merge. Other databases leave both tables empty."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UTCDateTime

DATABASE_ID = "database_id"  # the setting holding a database's own id (a UUID)


class OfflineOrigin(Base):
    """Where an offline copy came from: one row, in the copy only."""

    __tablename__ = "offline_origin"
    copy_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    origin_id: Mapped[str] = mapped_column(String(36))  # the origin's DATABASE_ID
    origin: Mapped[str] = mapped_column(Text, default="")  # the origin as the user reads it (no password)
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    made_by: Mapped[str] = mapped_column(String(100), default="")
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    revision: Mapped[str] = mapped_column(String(32), default="")  # the schema the base rows are of


class OfflineBase(Base):
    """A row of the copy as it was copied (its columns' canonical values, app/db/table_rows.py)."""

    __tablename__ = "offline_base"
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_key: Mapped[str] = mapped_column(String(200), primary_key=True)  # the primary key's values, as JSON
    row_values: Mapped[dict] = mapped_column(JSON)
