"""回收站 kinds of teachers, enterprise practice, studios, industry organizations, the steering committee,
achievements and training."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    Achievement,
    EnterprisePractice,
    IndustryOrganization,
    OrganizationActivity,
    SteeringMeeting,
    SteeringMember,
    Studio,
    StudioActivity,
    StudioMember,
    Teacher,
    Training,
)
from app.errors import AppError
from app.services.attachments import purge_owner_attachments
from app.trash.core import (
    TrashKind,
    TrashRow,
    delete_row,
    deleted,
    referenced_by,
    register,
    with_attachments,
)

# ------------------------------------------------------------------ teachers, studios, organizations, outcomes


def _teacher_rows(s: Session) -> list[TrashRow]:
    return [
        TrashRow(r.id, f"{r.name}（{r.staff_no}）" if r.staff_no else r.name, f"{r.kind}教师", r.deleted_at)
        for r in s.execute(deleted(Teacher, Teacher.name, Teacher.staff_no, Teacher.kind))
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
    stmt = deleted(
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
        for r in s.execute(deleted(Studio, Studio.name, Studio.kind))
    ]


def _purge_studio(s: Session, st: Studio) -> None:
    for a in s.scalars(select(StudioActivity).where(StudioActivity.studio_id == st.id)):
        s.delete(a)
    purge_owner_attachments(s, "studio", st.id)
    s.flush()
    s.delete(st)


register(TrashKind("studio", "工作室", "个", Studio, _studio_rows, _purge_studio))


def _studio_activity_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(StudioActivity, StudioActivity.held_on, StudioActivity.title, Studio.name).join(
        Studio, Studio.id == StudioActivity.studio_id
    )
    return [TrashRow(r.id, f"{r.held_on} {r.title}", r.name, r.deleted_at) for r in s.execute(stmt)]


register(TrashKind("studio_activity", "工作室活动", "次", StudioActivity, _studio_activity_rows, delete_row))


def _organization_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(IndustryOrganization, IndustryOrganization.name, IndustryOrganization.kind)
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
    stmt = deleted(
        OrganizationActivity,
        OrganizationActivity.held_on,
        OrganizationActivity.activity_type,
        IndustryOrganization.name,
    ).join(IndustryOrganization, IndustryOrganization.id == OrganizationActivity.organization_id)
    return [TrashRow(r.id, f"{r.held_on} {r.activity_type}", r.name, r.deleted_at) for r in s.execute(stmt)]


register(
    TrashKind(
        "organization_activity", "行业组织活动", "次", OrganizationActivity, _org_activity_rows, delete_row
    )
)


def _steering_member_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(SteeringMember, SteeringMember.name, SteeringMember.role, SteeringMember.title)
    return [TrashRow(r.id, f"{r.name}（{r.role}）", r.title, r.deleted_at) for r in s.execute(stmt)]


register(
    TrashKind("steering_member", "指导委员会委员", "名", SteeringMember, _steering_member_rows, delete_row)
)


def _steering_meeting_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(SteeringMeeting, SteeringMeeting.held_on, SteeringMeeting.place)
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
        with_attachments("steering_meeting"),
    )
)


def _achievement_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(Achievement, Achievement.kind, Achievement.title, Achievement.dated_on)
    return [TrashRow(r.id, r.title, f"{r.kind} {r.dated_on}", r.deleted_at) for r in s.execute(stmt)]


register(
    TrashKind("achievement", "成果", "项", Achievement, _achievement_rows, with_attachments("achievement"))
)


def _training_rows(s: Session) -> list[TrashRow]:
    stmt = deleted(Training, Training.kind, Training.title, Training.starts_on)
    return [TrashRow(r.id, r.title, f"{r.kind} {r.starts_on}", r.deleted_at) for r in s.execute(stmt)]


register(TrashKind("training", "企业培训", "期", Training, _training_rows, with_attachments("training")))


# Records of people and outcomes keep the enterprise they name.
referenced_by("enterprise", Teacher.employer_id, "名产业教师")
referenced_by("enterprise", EnterprisePractice.enterprise_id, "条教师企业实践记录")
referenced_by("enterprise", Studio.enterprise_id, "个工作室")
referenced_by("enterprise", SteeringMember.enterprise_id, "名指导委员会委员")
referenced_by("enterprise", Achievement.enterprise_id, "项成果")
referenced_by("enterprise", Training.enterprise_id, "期培训")
