"""工作室 (N四(五)2), 行业组织 / 行业协会 with their activities and the 专业群 they serve (N四(一)2), and the
专业群建设指导委员会 (members, meetings; N四(一)3). Achievements, training and the 产学合作 figures are in
app/services/outcomes.py.

- An organization is linked to any number of 专业群; the rule ORG-GROUP / ORG-ACTIVITY (app/compliance/rules_people.py) wants 1–2 per group and at least
  one activity of a linked organization in each 学年 (first day of semester 1 to the day before the next 学年
  starts, by the college's calendar).
- A studio's lead and members are teachers of the archive (live); the lead counts as a member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import (
    ORGANIZATION_KINDS,
    STEERING_ROLES,
    STUDIO_KINDS,
    Enterprise,
    IndustryOrganization,
    Major,
    MajorGroup,
    OrganizationActivity,
    OrganizationGroup,
    SteeringMeeting,
    SteeringMember,
    Studio,
    StudioActivity,
    StudioMember,
    Teacher,
)
from app.domain.names import clean_text, pinyin_keys
from app.errors import ValidationError, ValidationErrors
from app.services.assets import school_year_bounds
from app.services.choices import Choice
from app.services.common import Changes, get_or_raise, length_errors, restore, soft_delete
from app.services.settings import get_semester_calendar
from app.services.teachers import date_error, is_live, text_error

# ---------------------------------------------------------------- shared


def school_year_of(s: Session, day: dt.date) -> str:
    """The 学年 a day falls in, like 2025-2026 (by the college's calendar: it starts with semester 1)."""
    cal = get_semester_calendar(s)
    y = day.year if (day.month, day.day) >= cal.first_start else day.year - 1
    return f"{y}-{y + 1}"


def ref_error(s: Session, field: str, model: type, record_id: str | None, what: str) -> list[ValidationError]:
    if record_id and not is_live(s, model, record_id):
        return [ValidationError(field, f"所选{what}不存在或已删除")]
    return []


def choice_error(field: str, label: str, value: str, choices: Sequence[str]) -> list[ValidationError]:
    if value not in choices:
        return [ValidationError(field, f"{label}应为：{'、'.join(choices)}")]
    return []


def save_record(s: Session, model: type, record_id: str | None, values: dict[str, Any], what: str) -> Changes:
    """Insert (record_id None) or update a record with already-checked column values."""
    row = model() if record_id is None else get_or_raise(s, model, record_id, what)
    for key, value in values.items():
        setattr(row, key, value)
    if record_id is None:
        s.add(row)
    s.flush()
    return Changes(model.__tablename__, (row.id,))


def _clean(d: Any, *texts: str, ids: Sequence[str] = (), notes: Sequence[str] = ()) -> Any:
    """The dataclass with its text fields cleaned, empty ids as None and notes trimmed."""
    changes = {f: clean_text(getattr(d, f)) for f in texts}
    changes |= {f: getattr(d, f) or None for f in ids}
    changes |= {f: (getattr(d, f) or "").strip() for f in notes}
    return replace(d, **changes)


# ---------------------------------------------------------------- studios


@dataclass(frozen=True)
class StudioData:
    name: str
    kind: str
    lead_id: str | None = None
    member_ids: tuple[str, ...] = ()
    enterprise_id: str | None = None
    major_id: str | None = None
    established_on: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class StudioRow(StudioData):
    id: str = ""
    lead_name: str = ""
    member_names: tuple[str, ...] = ()
    enterprise_name: str = ""
    activities: int = 0


def _studio_clean(d: StudioData) -> StudioData:
    d = _clean(d, "name", "kind", ids=("lead_id", "enterprise_id", "major_id"), notes=("note",))
    members = tuple(dict.fromkeys(m for m in d.member_ids if m))
    return replace(d, member_ids=members)


def check_studio(s: Session, data: StudioData) -> list[ValidationError]:
    d = _studio_clean(data)
    errors = text_error("name", "工作室名称", d.name, 200, required=True)
    errors += choice_error("kind", "工作室类型", d.kind, STUDIO_KINDS)
    errors += ref_error(s, "lead_id", Teacher, d.lead_id, "负责人")
    errors += ref_error(s, "enterprise_id", Enterprise, d.enterprise_id, "企业")
    errors += ref_error(s, "major_id", Major, d.major_id, "专业")
    if any(not is_live(s, Teacher, m) for m in d.member_ids):
        errors.append(ValidationError("member_ids", "成员中有不存在或已删除的教师"))
    errors += date_error("established_on", "成立日期", d.established_on, required=False)
    errors += length_errors(Studio, d, {"note": "备注"})
    return errors


def save_studio(s: Session, data: StudioData, studio_id: str | None = None) -> Changes:
    """Create (no id) or update a studio with its members."""
    if errors := check_studio(s, data):
        raise ValidationErrors(errors)
    d = _studio_clean(data)
    values = {k: v for k, v in vars(d).items() if k != "member_ids"}
    changes = save_record(s, Studio, studio_id, values, "工作室")
    studio = s.get(Studio, changes.ids[0])
    assert studio is not None
    members = (d.lead_id, *d.member_ids) if d.lead_id else d.member_ids
    studio.member_links = [
        StudioMember(teacher_id=t, sort_order=i) for i, t in enumerate(dict.fromkeys(members))
    ]
    s.flush()
    return changes


def delete_studios(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, Studio, ids)


def restore_studios(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, Studio, ids)


def studio_rows(s: Session) -> list[StudioRow]:
    studios = s.scalars(
        select(Studio).where(Studio.deleted_at.is_(None)).order_by(Studio.kind, Studio.name)
    ).all()
    teachers = dict(s.execute(select(Teacher.id, Teacher.name)).all())
    enterprises = dict(s.execute(select(Enterprise.id, Enterprise.name)).all()) if studios else {}
    counts = dict(
        s.execute(
            select(StudioActivity.studio_id, func.count())
            .where(StudioActivity.deleted_at.is_(None))
            .group_by(StudioActivity.studio_id)
        ).all()
    )
    out = []
    for st in studios:
        members = tuple(m.teacher_id for m in st.member_links)
        out.append(
            StudioRow(
                st.name, st.kind, st.lead_id, members, st.enterprise_id, st.major_id, st.established_on, st.note,
                id=st.id,
                lead_name=teachers.get(st.lead_id or "", ""),
                member_names=tuple(teachers.get(m, "") for m in members),
                enterprise_name=enterprises.get(st.enterprise_id or "", ""),
                activities=counts.get(st.id, 0),
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class StudioActivityData:
    studio_id: str
    held_on: dt.date | None
    title: str
    participants: str = ""
    note: str = ""


def save_studio_activity(s: Session, data: StudioActivityData, activity_id: str | None = None) -> Changes:
    d = _clean(data, "title", notes=("participants", "note"))
    errors = ref_error(s, "studio_id", Studio, d.studio_id, "工作室") if d.studio_id else []
    if not d.studio_id:
        errors.append(ValidationError("studio_id", "请选择工作室"))
    errors += date_error("held_on", "活动日期", d.held_on, required=True)
    errors += text_error("title", "活动名称", d.title, 200, required=True)
    if errors:
        raise ValidationErrors(errors)
    return save_record(s, StudioActivity, activity_id, vars(d), "工作室活动")


def delete_studio_activities(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, StudioActivity, ids)


def studio_activities(s: Session, studio_id: str) -> list[StudioActivityData]:
    rows = s.scalars(
        select(StudioActivity)
        .where(StudioActivity.studio_id == studio_id, StudioActivity.deleted_at.is_(None))
        .order_by(StudioActivity.held_on.desc())
    )
    return [StudioActivityData(a.studio_id, a.held_on, a.title, a.participants, a.note) for a in rows]


@dataclass(frozen=True)
class StudioActivityRow(StudioActivityData):
    id: str = ""


def studio_activity_rows(s: Session, studio_id: str) -> list[StudioActivityRow]:
    """A studio's activities with their ids (to edit or delete), latest first."""
    rows = s.scalars(
        select(StudioActivity)
        .where(StudioActivity.studio_id == studio_id, StudioActivity.deleted_at.is_(None))
        .order_by(StudioActivity.held_on.desc())
    )
    return [_studio_activity_row(a) for a in rows]


def _studio_activity_row(a: StudioActivity) -> StudioActivityRow:
    return StudioActivityRow(a.studio_id, a.held_on, a.title, a.participants, a.note, a.id)


def get_studio_activity(s: Session, activity_id: str) -> StudioActivityRow:
    """One studio activity as its studio lists it; NotFound when deleted for good."""
    return _studio_activity_row(get_or_raise(s, StudioActivity, activity_id, "工作室活动"))


def restore_studio_activities(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, StudioActivity, ids)


def teacher_choices(s: Session, text: str = "", limit: int = 50) -> list[Choice]:
    """Live teachers whose name, 工号 or pinyin initials contain `text`, labelled 姓名（工号）, by name."""
    rows = s.execute(
        select(Teacher.id, Teacher.name, Teacher.staff_no)
        .where(Teacher.deleted_at.is_(None))
        .order_by(Teacher.name)
    ).all()
    key = clean_text(text).lower()
    out = []
    for tid, name, staff_no in sorted(rows, key=lambda r: pinyin_keys(r[1])[1]):
        if key and key not in f"{name} {staff_no} {' '.join(pinyin_keys(name))}".lower():
            continue
        out.append(Choice(tid, f"{name}（{staff_no}）" if staff_no else name))
        if len(out) >= limit:
            break
    return out


def group_choices(s: Session) -> list[Choice]:
    """The college's live 专业群, in the order of 设置."""
    rows = s.execute(
        select(MajorGroup.id, MajorGroup.name)
        .where(MajorGroup.deleted_at.is_(None))
        .order_by(MajorGroup.sort_order)
    )
    return [Choice(i, name) for i, name in rows]


# ---------------------------------------------------------------- industry organizations


@dataclass(frozen=True)
class OrganizationData:
    name: str
    kind: str = "行业协会"
    group_ids: tuple[str, ...] = ()  # 专业群
    contact: str = ""
    note: str = ""


@dataclass(frozen=True)
class OrganizationRow(OrganizationData):
    id: str = ""
    group_names: tuple[str, ...] = ()
    last_activity_on: dt.date | None = None


def check_organization(
    s: Session, data: OrganizationData, *, exclude_id: str | None = None
) -> list[ValidationError]:
    d = _clean(data, "name", "kind", "contact", notes=("note",))
    errors = text_error("name", "组织名称", d.name, 200, required=True)
    errors += choice_error("kind", "组织类型", d.kind, ORGANIZATION_KINDS)
    if any(not is_live(s, MajorGroup, g) for g in d.group_ids if g):
        errors.append(ValidationError("group_ids", "所选专业群不存在或已删除"))
    same = select(IndustryOrganization.id).where(
        IndustryOrganization.name == d.name, IndustryOrganization.deleted_at.is_(None)
    )
    if d.name and s.scalar(same.where(IndustryOrganization.id != (exclude_id or "")).limit(1)):
        errors.append(ValidationError("name", f"行业组织“{d.name}”已存在"))
    errors += length_errors(IndustryOrganization, d, {"note": "备注"})
    return errors


def save_organization(s: Session, data: OrganizationData, organization_id: str | None = None) -> Changes:
    if errors := check_organization(s, data, exclude_id=organization_id):
        raise ValidationErrors(errors)
    d = _clean(data, "name", "kind", "contact", notes=("note",))
    values = {k: v for k, v in vars(d).items() if k != "group_ids"}
    changes = save_record(s, IndustryOrganization, organization_id, values, "行业组织")
    org = s.get(IndustryOrganization, changes.ids[0])
    assert org is not None
    org.group_links = [
        OrganizationGroup(major_group_id=g) for g in dict.fromkeys(x for x in d.group_ids if x)
    ]
    s.flush()
    return changes


def delete_organizations(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, IndustryOrganization, ids)


def restore_organizations(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, IndustryOrganization, ids)


def organization_rows(s: Session) -> list[OrganizationRow]:
    orgs = s.scalars(
        select(IndustryOrganization)
        .where(IndustryOrganization.deleted_at.is_(None))
        .order_by(IndustryOrganization.name)
    ).all()
    groups = dict(s.execute(select(MajorGroup.id, MajorGroup.name)).all())
    last = dict(
        s.execute(
            select(OrganizationActivity.organization_id, func.max(OrganizationActivity.held_on))
            .where(OrganizationActivity.deleted_at.is_(None))
            .group_by(OrganizationActivity.organization_id)
        ).all()
    )
    out = []
    for o in orgs:
        gids = tuple(g.major_group_id for g in o.group_links)
        row = OrganizationRow(
            o.name, o.kind, gids, o.contact, o.note, o.id, tuple(groups.get(g, "") for g in gids)
        )
        out.append(replace(row, last_activity_on=last.get(o.id)))
    return out


def organization_year_activities(s: Session, today: dt.date) -> dict[str, int]:
    """{organization id: activities held in the 学年 containing `today`} (organizations with none are left out)."""
    first, last = school_year_bounds(s, school_year_of(s, today))
    return dict(
        s.execute(
            select(OrganizationActivity.organization_id, func.count())
            .where(
                OrganizationActivity.deleted_at.is_(None),
                OrganizationActivity.held_on >= first,
                OrganizationActivity.held_on <= last,
            )
            .group_by(OrganizationActivity.organization_id)
        ).all()
    )


@dataclass(frozen=True)
class ActivityData:
    organization_id: str
    held_on: dt.date | None
    activity_type: str  # 年会 / 论坛 / 技能竞赛 / 标准制定 / 调研 …
    participants: str = ""
    note: str = ""


@dataclass(frozen=True)
class ActivityRow(ActivityData):
    id: str = ""
    organization_name: str = ""


def save_activity(s: Session, data: ActivityData, activity_id: str | None = None) -> Changes:
    d = _clean(data, "activity_type", notes=("participants", "note"))
    errors = [] if d.organization_id else [ValidationError("organization_id", "请选择行业组织")]
    errors += ref_error(s, "organization_id", IndustryOrganization, d.organization_id, "行业组织")
    errors += date_error("held_on", "活动日期", d.held_on, required=True)
    errors += text_error("activity_type", "活动类型", d.activity_type, 50, required=True)
    if errors:
        raise ValidationErrors(errors)
    return save_record(s, OrganizationActivity, activity_id, vars(d), "行业组织活动")


def delete_activities(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, OrganizationActivity, ids)


def restore_activities(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, OrganizationActivity, ids)


def activity_rows(s: Session, organization_id: str = "") -> list[ActivityRow]:
    stmt = (
        select(OrganizationActivity, IndustryOrganization.name)
        .join(IndustryOrganization, IndustryOrganization.id == OrganizationActivity.organization_id)
        .where(OrganizationActivity.deleted_at.is_(None))
        .order_by(OrganizationActivity.held_on.desc())
    )
    if organization_id:
        stmt = stmt.where(OrganizationActivity.organization_id == organization_id)
    return [_activity_row(a, name) for a, name in s.execute(stmt)]


def _activity_row(a: OrganizationActivity, organization_name: str) -> ActivityRow:
    return ActivityRow(
        a.organization_id, a.held_on, a.activity_type, a.participants, a.note, a.id, organization_name
    )


def get_activity(s: Session, activity_id: str) -> ActivityRow:
    """One industry-organization activity as its organization lists it; NotFound when deleted for good."""
    a = get_or_raise(s, OrganizationActivity, activity_id, "行业组织活动")
    return _activity_row(a, s.get(IndustryOrganization, a.organization_id).name)


@dataclass(frozen=True)
class GroupOrganizations:
    """One 专业群 against N四(一)2 in a 学年."""

    group_id: str
    group_name: str
    school_year: str
    last_day: dt.date  # of the 学年
    organization_ids: tuple[str, ...]  # live linked organizations, by name
    activities: int  # activities of those organizations held in the 学年
    last_activity_on: dt.date | None  # ever

    @property
    def linked_ok(self) -> bool:
        return 1 <= len(self.organization_ids) <= 2


def group_organizations(s: Session, today: dt.date) -> list[GroupOrganizations]:
    """Each live 专业群 with its linked organizations and their activities in the 学年 containing `today`."""
    year = school_year_of(s, today)
    first, last = school_year_bounds(s, year)
    links: dict[str, list[str]] = {}
    for gid, oid in s.execute(
        select(OrganizationGroup.major_group_id, IndustryOrganization.id)
        .join(IndustryOrganization, IndustryOrganization.id == OrganizationGroup.organization_id)
        .where(IndustryOrganization.deleted_at.is_(None))
        .order_by(IndustryOrganization.name)
    ):
        links.setdefault(gid, []).append(oid)
    held = s.execute(
        select(OrganizationActivity.organization_id, OrganizationActivity.held_on).where(
            OrganizationActivity.deleted_at.is_(None)
        )
    ).all()
    out = []
    for gid, name in s.execute(
        select(MajorGroup.id, MajorGroup.name)
        .where(MajorGroup.deleted_at.is_(None))
        .order_by(MajorGroup.sort_order)
    ):
        orgs = tuple(links.get(gid, ()))
        days = [d for oid, d in held if oid in orgs]
        in_year = sum(first <= d <= last for d in days)
        out.append(GroupOrganizations(gid, name, year, last, orgs, in_year, max(days, default=None)))
    return out


# ---------------------------------------------------------------- 专业群建设指导委员会


@dataclass(frozen=True)
class SteeringMemberData:
    major_group_id: str
    name: str
    role: str = "委员"
    enterprise_id: str | None = None
    title: str = ""  # 职务 / 职称
    sort_order: int = 0


@dataclass(frozen=True)
class SteeringMeetingData:
    major_group_id: str
    held_on: dt.date | None
    place: str = ""
    attendees: str = ""
    minutes: str = ""


def _group_errors(s: Session, group_id: str) -> list[ValidationError]:
    if not group_id:
        return [ValidationError("major_group_id", "请选择专业群")]
    return ref_error(s, "major_group_id", MajorGroup, group_id, "专业群")


def save_steering_member(s: Session, data: SteeringMemberData, member_id: str | None = None) -> Changes:
    d = _clean(data, "name", "role", "title", ids=("enterprise_id",))
    errors = _group_errors(s, d.major_group_id) + text_error("name", "委员姓名", d.name, 50, required=True)
    errors += choice_error("role", "委员会职务", d.role, STEERING_ROLES)
    errors += ref_error(s, "enterprise_id", Enterprise, d.enterprise_id, "企业")
    if errors:
        raise ValidationErrors(errors)
    return save_record(s, SteeringMember, member_id, vars(d), "指导委员会委员")


def save_steering_meeting(s: Session, data: SteeringMeetingData, meeting_id: str | None = None) -> Changes:
    d = _clean(data, "place", notes=("attendees", "minutes"))
    errors = _group_errors(s, d.major_group_id) + date_error("held_on", "会议日期", d.held_on, required=True)
    if errors:
        raise ValidationErrors(errors)
    return save_record(s, SteeringMeeting, meeting_id, vars(d), "指导委员会会议")


def delete_steering_members(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, SteeringMember, ids)


def delete_steering_meetings(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, SteeringMeeting, ids)


def steering_committee(
    s: Session, group_id: str
) -> tuple[list[SteeringMemberData], list[SteeringMeetingData]]:
    """A group's committee: members by role order then sort order, meetings latest first."""
    members = s.scalars(
        select(SteeringMember)
        .where(SteeringMember.major_group_id == group_id, SteeringMember.deleted_at.is_(None))
        .order_by(SteeringMember.sort_order, SteeringMember.name)
    ).all()
    members = sorted(members, key=lambda m: STEERING_ROLES.index(m.role) if m.role in STEERING_ROLES else 9)
    meetings = s.scalars(
        select(SteeringMeeting)
        .where(SteeringMeeting.major_group_id == group_id, SteeringMeeting.deleted_at.is_(None))
        .order_by(SteeringMeeting.held_on.desc())
    )
    return (
        [
            SteeringMemberData(m.major_group_id, m.name, m.role, m.enterprise_id, m.title, m.sort_order)
            for m in members
        ],
        [SteeringMeetingData(m.major_group_id, m.held_on, m.place, m.attendees, m.minutes) for m in meetings],
    )


@dataclass(frozen=True)
class SteeringMemberRow(SteeringMemberData):
    id: str = ""
    enterprise_name: str = ""


@dataclass(frozen=True)
class SteeringMeetingRow(SteeringMeetingData):
    id: str = ""


def steering_rows(s: Session, group_id: str) -> tuple[list[SteeringMemberRow], list[SteeringMeetingRow]]:
    """Like steering_committee, with ids (to edit or delete) and the members' enterprise names."""
    members = s.scalars(
        select(SteeringMember)
        .where(SteeringMember.major_group_id == group_id, SteeringMember.deleted_at.is_(None))
        .order_by(SteeringMember.sort_order, SteeringMember.name)
    ).all()
    members = sorted(members, key=lambda m: STEERING_ROLES.index(m.role) if m.role in STEERING_ROLES else 9)
    wanted = [m.enterprise_id for m in members if m.enterprise_id]
    names = (
        dict(s.execute(select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(wanted))).all())
        if wanted
        else {}
    )
    meetings = s.scalars(
        select(SteeringMeeting)
        .where(SteeringMeeting.major_group_id == group_id, SteeringMeeting.deleted_at.is_(None))
        .order_by(SteeringMeeting.held_on.desc())
    )
    return (
        [_member_row(m, names.get(m.enterprise_id or "", "")) for m in members],
        [_meeting_row(m) for m in meetings],
    )


def _member_row(m: SteeringMember, enterprise_name: str) -> SteeringMemberRow:
    return SteeringMemberRow(
        m.major_group_id,
        m.name,
        m.role,
        m.enterprise_id,
        m.title,
        m.sort_order,
        id=m.id,
        enterprise_name=enterprise_name,
    )


def _meeting_row(m: SteeringMeeting) -> SteeringMeetingRow:
    return SteeringMeetingRow(m.major_group_id, m.held_on, m.place, m.attendees, m.minutes, id=m.id)


def get_steering_member(s: Session, member_id: str) -> SteeringMemberRow:
    """One committee member as the committee's tab lists them; NotFound when deleted for good."""
    m = get_or_raise(s, SteeringMember, member_id, "指导委员会委员")
    e = s.get(Enterprise, m.enterprise_id) if m.enterprise_id else None
    return _member_row(m, e.name if e else "")


def get_steering_meeting(s: Session, meeting_id: str) -> SteeringMeetingRow:
    """One committee meeting as the committee's tab lists it; NotFound when deleted for good."""
    return _meeting_row(get_or_raise(s, SteeringMeeting, meeting_id, "指导委员会会议"))


def restore_steering_members(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, SteeringMember, ids)


def restore_steering_meetings(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, SteeringMeeting, ids)
