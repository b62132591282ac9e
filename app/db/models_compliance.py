"""ORM model of acknowledged compliance findings (忽略并说明, migration 0007). Re-exported by app.db.models."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, RecordMixin, UTCDateTime


class FindingAck(RecordMixin, Base):
    """A finding the user acknowledged with a reason: rule code, the record it names and the detail that tells
    apart two findings of one rule on one record (app/compliance/registry.py Finding.key). Withdrawing it is a
    soft delete; both are in the audit trail."""

    __tablename__ = "finding_ack"
    rule: Mapped[str] = mapped_column(String(30), index=True)
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    detail: Mapped[str] = mapped_column(String(60), default="")
    reason: Mapped[str] = mapped_column(Text)
    acknowledged_by: Mapped[str] = mapped_column(String(100), default="")
    acknowledged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
