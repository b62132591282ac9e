"""ORM models. Schema changes go through an Alembic migration (app/db/migrations)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    FetchedValue,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, Money, RecordMixin, UTCDateTime, new_id, this_machine, utcnow

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
    legal_representative: Mapped[str] = mapped_column(String(50), default="")  # 法定代表人 (三方协议 乙方)
    staff_count: Mapped[int | None] = mapped_column(Integer)  # 在岗职工总数 (校外实习实训基地 table)
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
# the list's first contact of each enterprise, read in order (migration 0019)
Index("ix_contact_enterprise_order", Contact.enterprise_id, Contact.sort_order, Contact.id)

# Substring search on a server (app/services/enterprise_list.py): a pg_trgm GIN index on each column the
# enterprise search reads (migration 0016, which leaves them out on a server without pg_trgm). On SQLite each
# is an empty partial index (WHERE 0): nothing to keep up, there only so that models and migrations agree.
SEARCH_INDEXED = {
    "enterprise": ("name", "short_name", "uscc", "name_key", "pinyin_initials", "pinyin_full"),
    "contact": ("name", "phone"),
}
for _table in (Enterprise.__table__, Contact.__table__):
    for _column in SEARCH_INDEXED[_table.name]:
        Index(
            f"ix_{_table.name}_{_column}_trgm",
            _table.c[_column],
            postgresql_using="gin",
            postgresql_ops={_column: "gin_trgm_ops"},
            sqlite_where=false(),
        )


class Attachment(RecordMixin, Base):
    """A file attached to a record; the bytes live once per SHA-256 (app/services/blobs.py): in the attachments
    folder beside a database file, in AttachmentBlob on a server."""

    __tablename__ = "attachment"
    owner_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[str] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(String(260))
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")


Index("ix_attachment_owner", Attachment.owner_type, Attachment.owner_id)


class AttachmentBlob(Base):
    """The bytes of attachments in a database on a server, once per SHA-256 (app/services/blobs.py). A
    database file keeps them in the folder beside it instead: there this table stays empty."""

    __tablename__ = "attachment_blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    os_user: Mapped[str] = mapped_column(String(100), default="")
    # The role that logged in to a server, filled in by the server itself (migration 0012); None on a file.
    db_user: Mapped[str | None] = mapped_column(String(100), server_default=FetchedValue())
    # The computer the change was made on (migration 0020; "" before it): a merged copy's rows keep the laptop's
    machine: Mapped[str] = mapped_column(String(100), default=this_machine, server_default="")
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(16))  # insert / update / delete / restore / purge
    changes: Mapped[dict | None] = mapped_column(JSON)


# ---------------------------------------------------------------- agreements, projects, meetings, visits

AGREEMENT_KINDS = (
    "框架协议",
    "订单培养",
    "现代学徒制",
    "实训基地共建",
    "产业学院共建",
    "技术服务",
    "横向课题",
    "培训服务",
    "其他",
)
AGREEMENT_STATUSES = ("草稿", "学院审核", "学校审定", "生效", "到期", "终止")  # H第四条(三)
TIERS = ("foundation", "deepening", "integration")  # H第九条
TIER_LABELS = {"foundation": "基础层", "deepening": "深化层", "integration": "融合层"}


class Agreement(RecordMixin, Base):
    """合作协议. `status` is the stored one; a 生效 agreement past `ends_on` shows as 到期 (services)."""

    __tablename__ = "agreement"
    __audit_collections__ = {"enterprise_links": "enterprise_id"}
    number: Mapped[str] = mapped_column(String(50), default="", index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="草稿", index=True)
    termination_reason: Mapped[str] = mapped_column(Text, default="")
    has_revenue_clause: Mapped[bool] = mapped_column(Boolean, default=False)  # 收益分配, H第十六条(一)
    revenue_clause: Mapped[str] = mapped_column(Text, default="")
    has_asset_clause: Mapped[bool] = mapped_column(Boolean, default=False)  # 资产归属与处置, H第十六条
    asset_clause: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")

    enterprise_links: Mapped[list[AgreementEnterprise]] = relationship(
        order_by="AgreementEnterprise.sort_order", cascade="all, delete-orphan"
    )
    transitions: Mapped[list[AgreementTransition]] = relationship(
        order_by="AgreementTransition.at", cascade="all, delete-orphan"
    )


class AgreementEnterprise(Base):
    __tablename__ = "agreement_enterprise"
    agreement_id: Mapped[str] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True
    )
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), primary_key=True, index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class AgreementTransition(RecordMixin, Base):
    """One step of an agreement's lifecycle: who moved it from which status to which, when, and why."""

    __tablename__ = "agreement_transition"
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    os_user: Mapped[str] = mapped_column(String(100), default="")
    remark: Mapped[str] = mapped_column(Text, default="")


class Project(RecordMixin, Base):
    """产教融合项目 / 平台 with its tier (H第九条) and leader (H第十条(四))."""

    __tablename__ = "project"
    __audit_collections__ = {
        "enterprise_links": "enterprise_id",
        "agreement_links": "agreement_id",
        "major_links": "major_id",
    }
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    tier: Mapped[str] = mapped_column(String(12), index=True)
    leader: Mapped[str] = mapped_column(String(50), default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    responsibles: Mapped[list[ProjectResponsible]] = relationship(
        order_by="ProjectResponsible.sort_order", cascade="all, delete-orphan"
    )
    kpis: Mapped[list[ProjectKPI]] = relationship(
        order_by="ProjectKPI.sort_order", cascade="all, delete-orphan"
    )
    enterprise_links: Mapped[list[ProjectEnterprise]] = relationship(cascade="all, delete-orphan")
    agreement_links: Mapped[list[ProjectAgreement]] = relationship(cascade="all, delete-orphan")
    major_links: Mapped[list[ProjectMajor]] = relationship(cascade="all, delete-orphan")


class ProjectEnterprise(Base):
    __tablename__ = "project_enterprise"
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), primary_key=True, index=True)


class ProjectAgreement(Base):
    __tablename__ = "project_agreement"
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreement.id"), primary_key=True, index=True)


class ProjectMajor(Base):
    __tablename__ = "project_major"
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    major_id: Mapped[str] = mapped_column(ForeignKey("major.id"), primary_key=True, index=True)


class ProjectResponsible(RecordMixin, Base):
    """各环节责任人: the part of the project and the person answering for it."""

    __tablename__ = "project_responsible"
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    part: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(50))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class ProjectKPI(RecordMixin, Base):
    """关键指标 (H第十条(三)): target and actual in the KPI's unit, for a period (e.g. 2025-2026学年)."""

    __tablename__ = "project_kpi"
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20), default="")
    target: Mapped[float] = mapped_column(Float, default=0)
    actual: Mapped[float | None] = mapped_column(Float)
    period: Mapped[str] = mapped_column(String(30), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Meeting(RecordMixin, Base):
    """项目协调会议 (H第十条(一)) with its decisions and action items."""

    __tablename__ = "meeting"
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    action_items: Mapped[list[ActionItem]] = relationship(
        order_by="ActionItem.sort_order", cascade="all, delete-orphan"
    )


class ActionItem(RecordMixin, Base):
    __tablename__ = "action_item"
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(50), default="")
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class OperationReport(RecordMixin, Base):
    """运行报告 of a project for one semester (H第十条(五)); `semester` like 2025-2026-1."""

    __tablename__ = "operation_report"
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    semester: Mapped[str] = mapped_column(String(11))
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class Visit(RecordMixin, Base):
    """企业走访 / 访企拓岗 (H第十七条); average pay in fen."""

    __tablename__ = "visit"
    # each enterprise visited with what was recorded there (VisitEnterprise.audit_entry), so an edit of the
    # positions or pay at one enterprise leaves an audit row for the visit
    __audit_collections__ = {"enterprise_links": "audit_entry"}
    visited_on: Mapped[dt.date] = mapped_column(Date, index=True)
    leader: Mapped[str] = mapped_column(String(50), default="")
    leader_title: Mapped[str] = mapped_column(String(50), default="")  # 牵头拜访人职务
    participants: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    enterprise_links: Mapped[list[VisitEnterprise]] = relationship(
        order_by="VisitEnterprise.sort_order", cascade="all, delete-orphan"
    )


class VisitEnterprise(Base):
    """One enterprise visited in a visit, with what was agreed there (访企拓岗, one row per enterprise visited):
    the majors asked for, positions and pay, who received the visitors, interns and graduates it takes.
    Counts and money are None when not recorded (the platform's cell stays empty); money in fen."""

    __tablename__ = "visit_enterprise"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), primary_key=True, index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    major_id: Mapped[str | None] = mapped_column(ForeignKey("major.id"))  # 需求专业
    positions: Mapped[int | None] = mapped_column(Integer)  # 可提供岗位数
    average_pay_fen: Mapped[int | None] = mapped_column(Money)  # 平均薪酬（元/月）
    host_name: Mapped[str] = mapped_column(String(50), default="")  # 企业接待人姓名
    host_title: Mapped[str] = mapped_column(String(50), default="")  # 接待人职务
    outcome: Mapped[str] = mapped_column(String(100), default="")  # 访谈成果主要形式
    intern_major_id: Mapped[str | None] = mapped_column(ForeignKey("major.id"))  # 接受实习生专业
    interns: Mapped[int | None] = mapped_column(Integer)  # 接受实习生人数
    intern_pay_fen: Mapped[int | None] = mapped_column(Money)  # 接受实习报酬（元）
    hire_major_id: Mapped[str | None] = mapped_column(ForeignKey("major.id"))  # 接受学生就业专业
    hires: Mapped[int | None] = mapped_column(Integer)  # 接受学生就业人数
    starting_pay_fen: Mapped[int | None] = mapped_column(Money)  # 就业起薪线（元/月）
    other_cooperation: Mapped[str] = mapped_column(Text, default="")  # 其他达成意向的合作

    @property
    def audit_entry(self) -> str:
        """This enterprise in the visit's audit row: its id and the details recorded (services/visits.py
        replaces a link whose details change, so the audit sees the old and the new entry)."""
        skipped = {"visit_id", "enterprise_id", "sort_order"}
        values = {
            c.key: getattr(self, c.key)
            for c in self.__table__.columns
            if c.key not in skipped and getattr(self, c.key) not in (None, "")
        }
        return " ".join([self.enterprise_id or "", *(f"{k}={v}" for k, v in values.items())])


# ---------------------------------------------------------------- funds (经费) and assets (资产), H第十五条, H第十六条

BUDGET_CATEGORIES = ("设备", "材料", "差旅", "劳务", "培训", "会议", "其他")  # seeded by migration 0004
LEDGER_DIRECTIONS = ("收入", "支出")
ASSET_OWNERS = ("学校", "企业", "共有")
CONTRIBUTION_KINDS = ("捐赠", "准捐赠", "其他")  # 产学合作 report: 捐赠 / 准捐赠设备总值
ASSET_STATUSES = ("在用", "维修", "已处置")
REPAIR_KINDS = ("大修", "更换")  # H第十六条(二): 重大维修或更新
DISPOSAL_METHODS = ("清算", "移交", "折价补偿")  # H第十六条(三)


class BudgetCategory(RecordMixin, Base):
    """经费类别 (user-extensible; the usual seven are seeded with fixed ids by migration 0004)."""

    __tablename__ = "budget_category"
    name: Mapped[str] = mapped_column(String(40))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Budget(RecordMixin, Base):
    """经费预算: one line per 年度 (calendar year), project and category, in fen."""

    __tablename__ = "budget"
    year: Mapped[int] = mapped_column(Integer, index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    category_id: Mapped[str] = mapped_column(ForeignKey("budget_category.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text, default="")


class LedgerEntry(RecordMixin, Base):
    """经费台账 entry: 收入 or 支出, amount > 0 in fen; `year` is the entry date's year (stored for the
    list filters). Invoice scans: Attachment owner_type "ledger_entry"."""

    __tablename__ = "ledger_entry"
    entry_date: Mapped[dt.date] = mapped_column(Date, index=True)
    year: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(4))
    amount_fen: Mapped[int] = mapped_column(Money)
    voucher_no: Mapped[str] = mapped_column(String(50), default="", index=True)
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(String(200), default="")
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    category_id: Mapped[str | None] = mapped_column(ForeignKey("budget_category.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")


Index("ix_ledger_entry_year_date", LedgerEntry.year, LedgerEntry.entry_date)


class Asset(RecordMixin, Base):
    """产教融合资产 (H第十六条): total value = quantity × unit value (computed, not stored)."""

    __tablename__ = "asset"
    name: Mapped[str] = mapped_column(String(200))
    spec: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_value_fen: Mapped[int] = mapped_column(Money, default=0)
    owner: Mapped[str] = mapped_column(String(4), default="学校")
    contributed_by_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    contribution_kind: Mapped[str] = mapped_column(String(6), default="")  # "" = not contributed
    self_made: Mapped[bool] = mapped_column(Boolean, default=False)  # 自主研制 (校内实践基地 table)
    agreement_id: Mapped[str | None] = mapped_column(ForeignKey("agreement.id"), index=True)
    location: Mapped[str] = mapped_column(String(200), default="")  # place or practice base
    custodian: Mapped[str] = mapped_column(String(50), default="")  # 保管责任人, H第十六条(二)
    acquired_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(6), default="在用", index=True)
    major_id: Mapped[str | None] = mapped_column(ForeignKey("major.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")


class AssetRepair(RecordMixin, Base):
    """重大维修或更新: confirmed only when both the school and the enterprise side have a confirmation date."""

    __tablename__ = "asset_repair"
    asset_id: Mapped[str] = mapped_column(ForeignKey("asset.id"), index=True)
    kind: Mapped[str] = mapped_column(String(4))
    description: Mapped[str] = mapped_column(Text, default="")
    cost_fen: Mapped[int] = mapped_column(Money, default=0)
    happened_on: Mapped[dt.date | None] = mapped_column(Date)
    school_person: Mapped[str] = mapped_column(String(50), default="")
    school_confirmed_on: Mapped[dt.date | None] = mapped_column(Date)
    enterprise_person: Mapped[str] = mapped_column(String(50), default="")
    enterprise_confirmed_on: Mapped[dt.date | None] = mapped_column(Date)


class AssetDisposal(RecordMixin, Base):
    """资产处置 when a cooperation ends (H第十六条(三)); the asset becomes 已处置."""

    __tablename__ = "asset_disposal"
    asset_id: Mapped[str] = mapped_column(ForeignKey("asset.id"), index=True)
    method: Mapped[str] = mapped_column(String(6))
    value_fen: Mapped[int] = mapped_column(Money, default=0)
    disposed_on: Mapped[dt.date] = mapped_column(Date)
    agreement_id: Mapped[str | None] = mapped_column(ForeignKey("agreement.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")


# ---------------------------------------------------------------- teachers, studios, industry organizations,
# achievements and training (N四(一), N四(五), N四(六), H第二十条, H第二十一条)

TEACHER_KINDS = ("专任", "产业")  # 专任教师 / 产业教师（企业兼职教师）
STUDIO_KINDS = ("技能大师工作室", "劳模和工匠人才创新工作室", "名师工作室", "企业专家工作室")  # N四(五)2
ORGANIZATION_KINDS = ("行业组织", "行业协会")  # N四(一)2
STEERING_ROLES = ("主任", "副主任", "秘书长", "委员")
CONTRACT_ACHIEVEMENT_KINDS = ("横向课题", "技术服务", "技术转让", "技术咨询")  # 学校为企业技术服务年收入
ACHIEVEMENT_KINDS = (
    *CONTRACT_ACHIEVEMENT_KINDS,
    "专利",
    "共同开发课程",
    "共同开发教材",
    "技能竞赛获奖",
    "标准",
)
TRAINING_KINDS = ("岗前培训", "岗位培训", "技术技能培训", "职业技能等级评价")  # H第二十一条


class Teacher(RecordMixin, Base):
    """教师: 专任 (subject to the enterprise-practice rule, N四(五)1) or 产业 (企业兼职教师, H第二十条: employer,
    courses, hours, appointment). 双师型 evidence: certificate and date here, the scan as Attachment owner_type
    "teacher". `staff_no` (工号) is unique among live teachers (checked by the service)."""

    __tablename__ = "teacher"
    name: Mapped[str] = mapped_column(String(50))
    staff_no: Mapped[str] = mapped_column(String(30), default="", index=True)
    kind: Mapped[str] = mapped_column(String(4), default="专任", index=True)
    major_id: Mapped[str | None] = mapped_column(ForeignKey("major.id"), index=True)
    is_dual: Mapped[bool] = mapped_column(Boolean, default=False)
    dual_certificate: Mapped[str] = mapped_column(String(200), default="")
    dual_certified_on: Mapped[dt.date | None] = mapped_column(Date)
    employer_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    courses: Mapped[str] = mapped_column(Text, default="")
    hours_taught: Mapped[int] = mapped_column(Integer, default=0)
    appointed_from: Mapped[dt.date | None] = mapped_column(Date)
    appointed_to: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class EnterprisePractice(RecordMixin, Base):
    """教师企业实践: a period (both ends inclusive) at an enterprise of the archive or a unit named in text.
    Evidence: Attachment owner_type "enterprise_practice"."""

    __tablename__ = "enterprise_practice"
    teacher_id: Mapped[str] = mapped_column(ForeignKey("teacher.id"), index=True)
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Studio(RecordMixin, Base):
    """工作室 (N四(五)2) with its lead, members (teachers) and activities."""

    __tablename__ = "studio"
    __audit_collections__ = {"member_links": "teacher_id"}
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    lead_id: Mapped[str | None] = mapped_column(ForeignKey("teacher.id"), index=True)
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    major_id: Mapped[str | None] = mapped_column(ForeignKey("major.id"), index=True)
    established_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    member_links: Mapped[list[StudioMember]] = relationship(
        order_by="StudioMember.sort_order", cascade="all, delete-orphan"
    )


class StudioMember(Base):
    __tablename__ = "studio_member"
    studio_id: Mapped[str] = mapped_column(ForeignKey("studio.id", ondelete="CASCADE"), primary_key=True)
    teacher_id: Mapped[str] = mapped_column(ForeignKey("teacher.id"), primary_key=True, index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class StudioActivity(RecordMixin, Base):
    __tablename__ = "studio_activity"
    studio_id: Mapped[str] = mapped_column(ForeignKey("studio.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    participants: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class IndustryOrganization(RecordMixin, Base):
    """行业组织 / 行业协会 linked to 专业群 (N四(一)2: each group links 1–2, one activity per 学年)."""

    __tablename__ = "industry_organization"
    __audit_collections__ = {"group_links": "major_group_id"}
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(4), default="行业协会")
    contact: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    group_links: Mapped[list[OrganizationGroup]] = relationship(cascade="all, delete-orphan")


class OrganizationGroup(Base):
    __tablename__ = "organization_group"
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("industry_organization.id", ondelete="CASCADE"), primary_key=True
    )
    major_group_id: Mapped[str] = mapped_column(ForeignKey("major_group.id"), primary_key=True, index=True)


class OrganizationActivity(RecordMixin, Base):
    """An activity of an industry organization the college took part in (date, type, participants)."""

    __tablename__ = "organization_activity"
    organization_id: Mapped[str] = mapped_column(ForeignKey("industry_organization.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    activity_type: Mapped[str] = mapped_column(String(50))
    participants: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class SteeringMember(RecordMixin, Base):
    """专业群建设指导委员会 member (N四(一)3), with the enterprise they come from."""

    __tablename__ = "steering_member"
    major_group_id: Mapped[str] = mapped_column(ForeignKey("major_group.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(6), default="委员")
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    title: Mapped[str] = mapped_column(String(100), default="")  # 职务 / 职称
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class SteeringMeeting(RecordMixin, Base):
    __tablename__ = "steering_meeting"
    major_group_id: Mapped[str] = mapped_column(ForeignKey("major_group.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(100), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")


class Achievement(RecordMixin, Base):
    """成果 (N四(六)1): kind, title, enterprise, contract amount (fen, 横向/技术服务/转让/咨询), the date it counts
    on (`dated_on`: contract signed / patent granted / award / publication), the contract's period, people.
    Attachments: owner_type "achievement"."""

    __tablename__ = "achievement"
    kind: Mapped[str] = mapped_column(String(10), index=True)
    title: Mapped[str] = mapped_column(String(300))
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    major_id: Mapped[str | None] = mapped_column(ForeignKey("major.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Money, default=0)
    dated_on: Mapped[dt.date] = mapped_column(Date, index=True)
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    people: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Training(RecordMixin, Base):
    """面向企业员工的培训 (H第二十一条, N四(六)2): trainees, hours, person-days (人天), income in fen."""

    __tablename__ = "training"
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    major_id: Mapped[str | None] = mapped_column(ForeignKey("major.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date, index=True)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    trainees: Mapped[int] = mapped_column(Integer, default=0)
    hours: Mapped[int] = mapped_column(Integer, default=0)
    person_days: Mapped[int] = mapped_column(Integer, default=0)
    income_fen: Mapped[int] = mapped_column(Money, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


# Practice bases, students, internships and employment live in their own module (size); imported here so that
# `app.db.models` stays the one place models come from and Alembic sees every table.
from app.db.models_compliance import FindingAck  # noqa: E402, F401
from app.db.models_internships import (  # noqa: E402, F401
    BASE_KINDS,
    BASE_LEVELS,
    BASE_MODES,
    EMPLOYED_STATUSES,
    EMPLOYMENT_STATUSES,
    GENDERS,
    INSURANCE_PAYERS,
    INTERNSHIP_KINDS,
    INTERNSHIP_STATUSES,
    USAGE_ACTIVITIES,
    BaseCost,
    BaseUsage,
    Employment,
    Internship,
    MonthlyEvaluation,
    PracticeBase,
    PracticeBaseMajor,
    Student,
    UsageSummary,
)
from app.db.models_offline import OfflineBase, OfflineOrigin  # noqa: E402, F401

# 学号, 身份证号, 工号 … unique among live records (partial unique indexes, migration 0008): app/db/unique_keys.py.
from app.db.unique_keys import add_model_indexes  # noqa: E402

add_model_indexes(Base.metadata.tables)
