"""回收站 kinds of the cooperation records: enterprises, agreements, projects (with their meetings and
operation reports), meetings, visits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    TIER_LABELS,
    Agreement,
    Enterprise,
    Meeting,
    OperationReport,
    Project,
    ProjectAgreement,
    Visit,
    VisitEnterprise,
)
from app.errors import AppError
from app.services.attachments import purge_owner_attachments
from app.trash.core import (
    TrashKind,
    TrashRow,
    deleted,
    register,
)

# ------------------------------------------------------------------ enterprises


def _enterprise_rows(s: Session) -> list[TrashRow]:
    return [
        TrashRow(r.id, r.name, f"{r.uscc}  {r.status}".strip(), r.deleted_at)
        for r in s.execute(deleted(Enterprise, Enterprise.name, Enterprise.uscc, Enterprise.status))
    ]


def _purge_enterprise(s: Session, ent: Enterprise) -> None:
    from app.services.enterprises import purge_enterprises

    purge_enterprises(s, [ent.id])


register(TrashKind("enterprise", "企业", "家", Enterprise, _enterprise_rows, _purge_enterprise))


# ------------------------------------------------------------------ agreements


def _agreement_rows(s: Session) -> list[TrashRow]:
    return [
        TrashRow(r.id, f"{r.number} {r.title}".strip(), r.kind, r.deleted_at)
        for r in s.execute(deleted(Agreement, Agreement.number, Agreement.title, Agreement.kind))
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
        for r in s.execute(deleted(Project, Project.name, Project.tier, Project.kind))
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
    stmt = deleted(Meeting, Meeting.held_on, Meeting.place, Project.name.label("project")).join(
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
    rows = s.execute(deleted(Visit, Visit.visited_on, Visit.leader)).all()
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
