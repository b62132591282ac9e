"""回收站 across record types: what is deleted, restore, and 彻底删除 (purge).

Each record type that can be soft-deleted registers a `TrashKind`: how to list its deleted records and how
to purge one. The 回收站 page and any later area use `KINDS`; a new area adds one `register(...)` and never
touches the page. Purging refuses a record that another record still points to (the message names it),
and removes the record's attachments with it (the bytes only when no other record uses them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import (
    TIER_LABELS,
    Achievement,
    Agreement,
    Asset,
    AssetDisposal,
    AssetRepair,
    Budget,
    BudgetCategory,
    Enterprise,
    EnterprisePractice,
    IndustryOrganization,
    LedgerEntry,
    Meeting,
    OperationReport,
    OrganizationActivity,
    Project,
    ProjectAgreement,
    SteeringMeeting,
    SteeringMember,
    Studio,
    StudioActivity,
    StudioMember,
    Teacher,
    Training,
    Visit,
    VisitEnterprise,
)
from app.errors import AppError
from app.services.attachments import purge_owner_attachments
from app.services.common import Changes, restore


@dataclass(frozen=True)
class TrashRow:
    id: str
    title: str
    detail: str
    deleted_at: dt.datetime


@dataclass(frozen=True)
class TrashKind:
    key: str  # the table name, as in Changes.table
    label: str  # 企业
    unit: str  # 家
    model: type
    rows: Callable[[Session], list[TrashRow]]  # deleted records, latest deleted first
    purge_one: Callable[[Session, object], None]  # the ORM row, deleted_at set; raises AppError to refuse


KINDS: dict[str, TrashKind] = {}


def register(kind: TrashKind) -> TrashKind:
    KINDS[kind.key] = kind
    return kind


def kind_of(key: str) -> TrashKind:
    try:
        return KINDS[key]
    except KeyError:
        raise AppError(f"回收站中没有“{key}”这类记录") from None


def trash_rows(s: Session, key: str) -> list[TrashRow]:
    return kind_of(key).rows(s)


def trash_counts(s: Session) -> dict[str, int]:
    """Deleted records per kind (for the 回收站's type chooser)."""
    out = {}
    for key, kind in KINDS.items():
        m = kind.model
        out[key] = s.scalar(select(func.count()).select_from(m).where(m.deleted_at.is_not(None))) or 0
    return out


def restore_items(s: Session, key: str, ids: Sequence[str]) -> Changes:
    return restore(s, kind_of(key).model, ids)


def purge_items(s: Session, key: str, ids: Sequence[str]) -> Changes:
    """Delete for good, only records already in the 回收站; all or nothing."""
    kind = kind_of(key)
    m = kind.model
    done = []
    for row in s.scalars(select(m).where(m.id.in_(list(ids)), m.deleted_at.is_not(None))):
        kind.purge_one(s, row)
        done.append(row.id)
    s.flush()
    return Changes(kind.key, tuple(done))


def _deleted(model: type, *columns):
    return (
        select(model.id, model.deleted_at, *columns)
        .where(model.deleted_at.is_not(None))
        .order_by(model.deleted_at.desc(), model.id)
    )


# ------------------------------------------------------------------ enterprises


def _enterprise_rows(s: Session) -> list[TrashRow]:
    return [
        TrashRow(r.id, r.name, f"{r.uscc}  {r.status}".strip(), r.deleted_at)
        for r in s.execute(_deleted(Enterprise, Enterprise.name, Enterprise.uscc, Enterprise.status))
    ]


def _purge_enterprise(s: Session, ent: Enterprise) -> None:
    from app.services.enterprises import purge_enterprises

    purge_enterprises(s, [ent.id])


register(TrashKind("enterprise", "企业", "家", Enterprise, _enterprise_rows, _purge_enterprise))


# ------------------------------------------------------------------ agreements


def _agreement_rows(s: Session) -> list[TrashRow]:
    return [
        TrashRow(r.id, f"{r.number} {r.title}".strip(), r.kind, r.deleted_at)
        for r in s.execute(_deleted(Agreement, Agreement.number, Agreement.title, Agreement.kind))
    ]


def _purge_agreement(s: Session, a: Agreement) -> None:
    project = s.scalar(
        select(Project.name)
        .join(ProjectAgreement, ProjectAgreement.project_id == Project.id)
        .where(ProjectAgreement.agreement_id == a.id)
        .limit(1)
    )
    if project is not None:
        raise AppError(
            f"协议“{a.title}”仍被项目“{project}”引用，不能彻底删除（可留在回收站中，或先在项目中取消关联）"
        )
    purge_owner_attachments(s, "agreement", a.id)
    s.delete(a)


register(TrashKind("agreement", "合作协议", "份", Agreement, _agreement_rows, _purge_agreement))


# ------------------------------------------------------------------ projects (with their meetings and reports)


def _project_rows(s: Session) -> list[TrashRow]:
    return [
        TrashRow(r.id, r.name, f"{TIER_LABELS.get(r.tier, r.tier)} · {r.kind}", r.deleted_at)
        for r in s.execute(_deleted(Project, Project.name, Project.tier, Project.kind))
    ]


def _purge_project(s: Session, p: Project) -> None:
    for m in s.scalars(select(Meeting).where(Meeting.project_id == p.id)):
        _purge_meeting(s, m)
    for r in s.scalars(select(OperationReport).where(OperationReport.project_id == p.id)):
        purge_owner_attachments(s, "operation_report", r.id)
        s.delete(r)
    purge_owner_attachments(s, "project", p.id)
    s.flush()
    s.delete(p)


register(TrashKind("project", "项目与平台", "个", Project, _project_rows, _purge_project))


# ------------------------------------------------------------------ meetings


def _meeting_rows(s: Session) -> list[TrashRow]:
    stmt = _deleted(Meeting, Meeting.held_on, Meeting.place, Project.name.label("project")).join(
        Project, Project.id == Meeting.project_id
    )
    return [
        TrashRow(r.id, f"{r.held_on:%Y-%m-%d} {r.project} 协调会议", r.place, r.deleted_at)
        for r in s.execute(stmt)
    ]


def _purge_meeting(s: Session, m: Meeting) -> None:
    purge_owner_attachments(s, "meeting", m.id)
    s.delete(m)


register(TrashKind("meeting", "协调会议", "次", Meeting, _meeting_rows, _purge_meeting))


# ------------------------------------------------------------------ visits


def _visit_rows(s: Session) -> list[TrashRow]:
    rows = s.execute(_deleted(Visit, Visit.visited_on, Visit.leader)).all()
    names: dict[str, list[str]] = {}
    for vid, name in s.execute(
        select(VisitEnterprise.visit_id, Enterprise.name)
        .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)
        .where(VisitEnterprise.visit_id.in_([r.id for r in rows]))
        .order_by(VisitEnterprise.visit_id, VisitEnterprise.sort_order)
    ):
        names.setdefault(vid, []).append(name)
    return [
        TrashRow(
            r.id, f"{r.visited_on:%Y-%m-%d} 走访 {'、'.join(names.get(r.id, ()))}", r.leader, r.deleted_at
        )
        for r in rows
    ]


def _purge_visit(s: Session, v: Visit) -> None:
    purge_owner_attachments(s, "visit", v.id)
    s.delete(v)


register(TrashKind("visit", "企业走访", "条", Visit, _visit_rows, _purge_visit))


# ------------------------------------------------------------------ funds and assets (经费台账, 预算, 资产)


def _ledger_rows(s: Session) -> list[TrashRow]:
    from app.domain.money import format_money

    stmt = _deleted(
        LedgerEntry,
        LedgerEntry.entry_date,
        LedgerEntry.direction,
        LedgerEntry.amount_fen,
        LedgerEntry.summary,
        LedgerEntry.voucher_no,
        Project.name.label("project"),
    ).join(Project, Project.id == LedgerEntry.project_id)
    return [
        TrashRow(
            r.id,
            f"{r.entry_date:%Y-%m-%d} {r.direction} {format_money(r.amount_fen)} {r.summary}".strip(),
            f"{r.project}  {r.voucher_no}".strip(),
            r.deleted_at,
        )
        for r in s.execute(stmt)
    ]


def _purge_ledger_entry(s: Session, e: LedgerEntry) -> None:
    purge_owner_attachments(s, "ledger_entry", e.id)
    s.delete(e)


register(TrashKind("ledger_entry", "经费台账", "条", LedgerEntry, _ledger_rows, _purge_ledger_entry))


def _budget_rows(s: Session) -> list[TrashRow]:
    from app.domain.money import format_money

    stmt = (
        _deleted(Budget, Budget.year, Budget.amount_fen, Project.name.label("project"), BudgetCategory.name)
        .join(Project, Project.id == Budget.project_id)
        .join(BudgetCategory, BudgetCategory.id == Budget.category_id)
    )
    return [
        TrashRow(r.id, f"{r.project} {r.year}年度 {r.name}预算", format_money(r.amount_fen), r.deleted_at)
        for r in s.execute(stmt)
    ]


def _purge_budget(s: Session, b: Budget) -> None:
    s.delete(b)


register(TrashKind("budget", "经费预算", "条", Budget, _budget_rows, _purge_budget))


def _asset_rows(s: Session) -> list[TrashRow]:
    return [
        TrashRow(r.id, f"{r.name} {r.spec}".strip(), f"{r.status}  {r.custodian}".strip(), r.deleted_at)
        for r in s.execute(_deleted(Asset, Asset.name, Asset.spec, Asset.status, Asset.custodian))
    ]


def _purge_asset(s: Session, a: Asset) -> None:
    for model in (AssetRepair, AssetDisposal):
        for child in s.scalars(select(model).where(model.asset_id == a.id)):
            s.delete(child)
    purge_owner_attachments(s, "asset", a.id)
    s.flush()
    s.delete(a)


register(TrashKind("asset", "资产", "项", Asset, _asset_rows, _purge_asset))


def _refuse_if_used(s: Session, what: str, checks: list[tuple[object, str]]) -> None:
    for stmt, label in checks:
        n = s.scalar(select(func.count()).select_from(stmt.subquery()))  # type: ignore[attr-defined]
        if n:
            raise AppError(f"{what}仍被{n}{label}引用，不能彻底删除（可留在回收站中，或先修改这些记录）")


def _purge_project_with_funds(s: Session, p: Project) -> None:
    """A project's budgets and ledger entries are kept: the project stays in the 回收站 while any exist."""
    _refuse_if_used(
        s,
        f"项目“{p.name}”",
        [
            (select(Budget.id).where(Budget.project_id == p.id), "条经费预算"),
            (select(LedgerEntry.id).where(LedgerEntry.project_id == p.id), "条经费台账记录"),
        ],
    )
    _purge_project(s, p)


def _purge_agreement_with_assets(s: Session, a: Agreement) -> None:
    _refuse_if_used(
        s,
        f"协议“{a.title}”",
        [
            (select(Asset.id).where(Asset.agreement_id == a.id), "项资产"),
            (select(AssetDisposal.id).where(AssetDisposal.agreement_id == a.id), "条资产处置记录"),
        ],
    )
    _purge_agreement(s, a)


def _purge_enterprise_with_assets(s: Session, ent: Enterprise) -> None:
    _refuse_if_used(
        s, f"企业“{ent.name}”", [(select(Asset.id).where(Asset.contributed_by_id == ent.id), "项资产")]
    )
    _purge_enterprise(s, ent)


# The same kinds as above (same place in the 回收站), purged only when no fund or asset record names them.
register(replace(KINDS["project"], purge_one=_purge_project_with_funds))
register(replace(KINDS["agreement"], purge_one=_purge_agreement_with_assets))
register(replace(KINDS["enterprise"], purge_one=_purge_enterprise_with_assets))


# ------------------------------------------------------------------ teachers, studios, organizations, outcomes


def _teacher_rows(s: Session) -> list[TrashRow]:
    return [
        TrashRow(r.id, f"{r.name}（{r.staff_no}）" if r.staff_no else r.name, f"{r.kind}教师", r.deleted_at)
        for r in s.execute(_deleted(Teacher, Teacher.name, Teacher.staff_no, Teacher.kind))
    ]


def _purge_practice(s: Session, p: EnterprisePractice) -> None:
    purge_owner_attachments(s, "enterprise_practice", p.id)
    s.delete(p)


def _purge_teacher(s: Session, t: Teacher) -> None:
    """A teacher's practice records (live or in the 回收站) go with the teacher; a teacher who leads or is a
    member of a studio stays until the studio no longer names them."""
    studio = s.scalar(
        select(Studio.name)
        .outerjoin(StudioMember, StudioMember.studio_id == Studio.id)
        .where((Studio.lead_id == t.id) | (StudioMember.teacher_id == t.id))
        .limit(1)
    )
    if studio is not None:
        raise AppError(
            f"教师“{t.name}”仍是工作室“{studio}”的负责人或成员，不能彻底删除（可留在回收站中，或先修改工作室）"
        )
    for p in s.scalars(select(EnterprisePractice).where(EnterprisePractice.teacher_id == t.id)):
        _purge_practice(s, p)
    purge_owner_attachments(s, "teacher", t.id)
    s.flush()
    s.delete(t)


register(TrashKind("teacher", "教师", "名", Teacher, _teacher_rows, _purge_teacher))


def _practice_rows(s: Session) -> list[TrashRow]:
    stmt = _deleted(
        EnterprisePractice,
        EnterprisePractice.starts_on,
        EnterprisePractice.ends_on,
        EnterprisePractice.unit_name,
        Teacher.name,
    ).join(Teacher, Teacher.id == EnterprisePractice.teacher_id)
    return [
        TrashRow(r.id, f"{r.name} 企业实践 {r.unit_name}", f"{r.starts_on}至{r.ends_on}", r.deleted_at)
        for r in s.execute(stmt)
    ]


register(
    TrashKind(
        "enterprise_practice", "教师企业实践", "条", EnterprisePractice, _practice_rows, _purge_practice
    )
)


def _studio_rows(s: Session) -> list[TrashRow]:
    return [
        TrashRow(r.id, r.name, r.kind, r.deleted_at)
        for r in s.execute(_deleted(Studio, Studio.name, Studio.kind))
    ]


def _purge_studio(s: Session, st: Studio) -> None:
    for a in s.scalars(select(StudioActivity).where(StudioActivity.studio_id == st.id)):
        s.delete(a)
    purge_owner_attachments(s, "studio", st.id)
    s.flush()
    s.delete(st)


register(TrashKind("studio", "工作室", "个", Studio, _studio_rows, _purge_studio))


def _studio_activity_rows(s: Session) -> list[TrashRow]:
    stmt = _deleted(StudioActivity, StudioActivity.held_on, StudioActivity.title, Studio.name).join(
        Studio, Studio.id == StudioActivity.studio_id
    )
    return [TrashRow(r.id, f"{r.held_on} {r.title}", r.name, r.deleted_at) for r in s.execute(stmt)]


def _delete_row(s: Session, row: object) -> None:
    s.delete(row)


def _with_attachments(owner_type: str) -> Callable[[Session, object], None]:
    def purge(s: Session, row: object) -> None:
        purge_owner_attachments(s, owner_type, row.id)  # type: ignore[attr-defined]
        s.delete(row)

    return purge


register(TrashKind("studio_activity", "工作室活动", "次", StudioActivity, _studio_activity_rows, _delete_row))


def _organization_rows(s: Session) -> list[TrashRow]:
    stmt = _deleted(IndustryOrganization, IndustryOrganization.name, IndustryOrganization.kind)
    return [TrashRow(r.id, r.name, r.kind, r.deleted_at) for r in s.execute(stmt)]


def _purge_organization(s: Session, o: IndustryOrganization) -> None:
    """With its activities (the record of what the organization did with the college)."""
    for a in s.scalars(select(OrganizationActivity).where(OrganizationActivity.organization_id == o.id)):
        s.delete(a)
    purge_owner_attachments(s, "organization", o.id)
    s.flush()
    s.delete(o)


register(
    TrashKind(
        "industry_organization",
        "行业组织",
        "个",
        IndustryOrganization,
        _organization_rows,
        _purge_organization,
    )
)


def _org_activity_rows(s: Session) -> list[TrashRow]:
    stmt = _deleted(
        OrganizationActivity,
        OrganizationActivity.held_on,
        OrganizationActivity.activity_type,
        IndustryOrganization.name,
    ).join(IndustryOrganization, IndustryOrganization.id == OrganizationActivity.organization_id)
    return [TrashRow(r.id, f"{r.held_on} {r.activity_type}", r.name, r.deleted_at) for r in s.execute(stmt)]


register(
    TrashKind(
        "organization_activity", "行业组织活动", "次", OrganizationActivity, _org_activity_rows, _delete_row
    )
)


def _steering_member_rows(s: Session) -> list[TrashRow]:
    stmt = _deleted(SteeringMember, SteeringMember.name, SteeringMember.role, SteeringMember.title)
    return [TrashRow(r.id, f"{r.name}（{r.role}）", r.title, r.deleted_at) for r in s.execute(stmt)]


register(
    TrashKind("steering_member", "指导委员会委员", "名", SteeringMember, _steering_member_rows, _delete_row)
)


def _steering_meeting_rows(s: Session) -> list[TrashRow]:
    stmt = _deleted(SteeringMeeting, SteeringMeeting.held_on, SteeringMeeting.place)
    return [
        TrashRow(r.id, f"{r.held_on} 专业群建设指导委员会会议", r.place, r.deleted_at)
        for r in s.execute(stmt)
    ]


register(
    TrashKind(
        "steering_meeting",
        "指导委员会会议",
        "次",
        SteeringMeeting,
        _steering_meeting_rows,
        _with_attachments("steering_meeting"),
    )
)


def _achievement_rows(s: Session) -> list[TrashRow]:
    stmt = _deleted(Achievement, Achievement.kind, Achievement.title, Achievement.dated_on)
    return [TrashRow(r.id, r.title, f"{r.kind} {r.dated_on}", r.deleted_at) for r in s.execute(stmt)]


register(
    TrashKind("achievement", "成果", "项", Achievement, _achievement_rows, _with_attachments("achievement"))
)


def _training_rows(s: Session) -> list[TrashRow]:
    stmt = _deleted(Training, Training.kind, Training.title, Training.starts_on)
    return [TrashRow(r.id, r.title, f"{r.kind} {r.starts_on}", r.deleted_at) for r in s.execute(stmt)]


register(TrashKind("training", "企业培训", "期", Training, _training_rows, _with_attachments("training")))


def _purge_enterprise_with_people(s: Session, ent: Enterprise) -> None:
    """An enterprise named by teachers, practice records, studios, committee members, achievements or training
    stays in the 回收站 (purging would take it out of those records)."""
    _refuse_if_used(
        s,
        f"企业“{ent.name}”",
        [
            (select(Teacher.id).where(Teacher.employer_id == ent.id), "名产业教师"),
            (
                select(EnterprisePractice.id).where(EnterprisePractice.enterprise_id == ent.id),
                "条教师企业实践记录",
            ),
            (select(Studio.id).where(Studio.enterprise_id == ent.id), "个工作室"),
            (select(SteeringMember.id).where(SteeringMember.enterprise_id == ent.id), "名指导委员会委员"),
            (select(Achievement.id).where(Achievement.enterprise_id == ent.id), "项成果"),
            (select(Training.id).where(Training.enterprise_id == ent.id), "期培训"),
        ],
    )
    _purge_enterprise_with_assets(s, ent)


register(replace(KINDS["enterprise"], purge_one=_purge_enterprise_with_people))
