"""ORM models. Schema changes go through an Alembic migration (app/db/migrations)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, RecordMixin, UTCDateTime, new_id, utcnow

ENTERPRISE_STATUSES = ("意向", "合作中", "暂停", "已解除")
ENTERPRISE_SCALES = ("大型", "中型", "小型", "微型")
ENTERPRISE_CATEGORIES = (
    "世界500强",
    "中国500强",
    "上市公司",
    "链主企业",
    "行业龙头企业",
    "行业特色明显的中小微企业",
    "校友企业",
)


class Setting(Base):
    """College-wide settings (school, college): key/value, travelling with the database."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class MajorGroup(RecordMixin, Base):
    __tablename__ = "major_group"
    name: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    majors: Mapped[list[Major]] = relationship(back_populates="group", order_by="Major.sort_order")


class Major(RecordMixin, Base):
    __tablename__ = "major"
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20), default="")
    group_id: Mapped[str | None] = mapped_column(ForeignKey("major_group.id"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    group: Mapped[MajorGroup | None] = relationship(back_populates="majors")


class Enterprise(RecordMixin, Base):
    __tablename__ = "enterprise"
    __audit_collections__ = {"categories": "category"}  # audited as a list of names with the enterprise
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    uscc: Mapped[str] = mapped_column(String(18), default="", index=True)
    uscc_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    short_name: Mapped[str] = mapped_column(String(100), default="")
    industry: Mapped[str] = mapped_column(String(100), default="", index=True)
    region: Mapped[str] = mapped_column(String(100), default="", index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    scale: Mapped[str] = mapped_column(String(10), default="")
    status: Mapped[str] = mapped_column(String(10), default="意向", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_date: Mapped[dt.date | None] = mapped_column(Date)
    cooperation_start: Mapped[dt.date | None] = mapped_column(Date)
    website: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    pinyin_initials: Mapped[str] = mapped_column(String(400), default="")
    pinyin_full: Mapped[str] = mapped_column(String(1000), default="", index=True)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="enterprise", order_by="Contact.sort_order", cascade="all, delete-orphan"
    )
    categories: Mapped[list[EnterpriseCategory]] = relationship(cascade="all, delete-orphan")


class EnterpriseCategory(Base):
    __tablename__ = "enterprise_category"
    enterprise_id: Mapped[str] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class Contact(RecordMixin, Base):
    __tablename__ = "contact"
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(50), default="", index=True)
    email: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    enterprise: Mapped[Enterprise] = relationship(back_populates="contacts")

    __audit_masked__ = frozenset({"phone"})  # personal data: the audit trail notes the change, not the number


Index("ix_contact_name", Contact.name)


class Attachment(RecordMixin, Base):
    """A file attached to a record; the bytes live once per SHA-256 in the attachments folder."""

    __tablename__ = "attachment"
    owner_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[str] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(String(260))
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")


Index("ix_attachment_owner", Attachment.owner_type, Attachment.owner_id)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    os_user: Mapped[str] = mapped_column(String(100), default="")
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(16))  # insert / update / delete / restore / purge
    changes: Mapped[dict | None] = mapped_column(JSON)
