"""The rows of each data sheet of a submission package (format.SHEETS), read for one period.

One generator per sheet key, each yielding tuples in the order of the sheet's columns, with values as the
sheet wants them (format types): dates as dates, money as integer 分 (the writer turns them into 元), bools as
bools, several ids joined by ";". Which records each sheet holds is the sheet's `included` sentence; the
queries below are that sentence."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Load, Session

from app.compliance.acks import CheckResult
from app.compliance.registry import RECORD_TYPE_LABELS
from app.db.models import (
    TIER_LABELS,
    Achievement,
    ActionItem,
    Agreement,
    AgreementEnterprise,
    Asset,
    AssetDisposal,
    BaseCost,
    BaseUsage,
    Budget,
    BudgetCategory,
    Employment,
    Enterprise,
    EnterpriseCategory,
    EnterprisePractice,
    IndustryOrganization,
    Internship,
    LedgerEntry,
    Major,
    MajorGroup,
    Meeting,
    MonthlyEvaluation,
    OrganizationActivity,
    OrganizationGroup,
    PracticeBase,
    PracticeBaseMajor,
    Project,
    ProjectAgreement,
    ProjectEnterprise,
    ProjectMajor,
    SteeringMeeting,
    Student,
    Studio,
    StudioActivity,
    StudioMember,
    Teacher,
    Training,
    Visit,
    VisitEnterprise,
)
from app.db.personal import PERSONAL_GROUP
from app.domain.practice import practice_status
from app.package.format import ACKNOWLEDGED, ID_SEPARATOR, OPEN, SHEETS
from app.package.period import Period
from app.reporting.self_evaluation import highest_tiers
from app.services.agreements import effective_status
from app.services.base_usage import AUTOMATIC, semester_usage
from app.services.visits import visit_jobs

NAME_JOIN = "、"


@dataclass
class Context:
    """What the sheet builders share: the session, the period, the day the export is made, and name lookups
    filled on first use. `ids` collects, per sheet key, the records written (attachments follow them)."""

    s: Session
    period: Period
    today: dt.date
    personal: bool
    findings: CheckResult
    ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _names: dict[type, dict[str, str]] = field(default_factory=dict)

    def names(self, model: type) -> dict[str, str]:
        if model not in self._names:
            self._names[model] = dict(self.s.execute(select(model.id, model.name)).all())
        return self._names[model]

    def name(self, model: type, record_id: str | None) -> str:
        return self.names(model).get(record_id, "") if record_id else ""

    @property
    def semesters(self) -> tuple[str, ...]:
        return self.period.year.semesters if self.period.kind == "学年" else (self.period.code,)


def _live(model: type):
    return model.deleted_at.is_(None)


def _overlaps(start, end, p: Period):
    """A record whose (possibly open) period overlaps the package's; unknown ends count as open."""
    return and_(or_(start.is_(None), start <= p.last), or_(end.is_(None), end >= p.first))


def _within(column, p: Period):
    return column.between(p.first, p.last)


def _links(s: Session, link_col, target_col, owners: list[str]) -> dict[str, list[str]]:
    """{owner id: [linked ids in order]} of an association table."""
    out: dict[str, list[str]] = defaultdict(list)
    for i in range(0, len(owners), 500):
        chunk = owners[i : i + 500]
        for owner, target in s.execute(select(link_col, target_col).where(link_col.in_(chunk))):
            out[owner].append(target)
    return out


def _joined(ids: list[str], names: dict[str, str]) -> tuple[str, str]:
    return NAME_JOIN.join(names.get(i, "") for i in ids), ID_SEPARATOR.join(ids)


Row = tuple
Builder = Callable[[Context], Iterator[Row]]


def enterprises(c: Context) -> Iterator[Row]:
    tiers = highest_tiers(c.s, c.period.year)
    categories: dict[str, list[str]] = defaultdict(list)
    for eid, cat in c.s.execute(select(EnterpriseCategory.enterprise_id, EnterpriseCategory.category)):
        categories[eid].append(cat)
    rows = c.s.execute(
        select(
            Enterprise.id,
            Enterprise.name,
            Enterprise.uscc,
            Enterprise.uscc_confirmed,
            Enterprise.short_name,
            Enterprise.industry,
            Enterprise.region,
            Enterprise.address,
            Enterprise.scale,
            Enterprise.status,
            Enterprise.status_date,
            Enterprise.cooperation_start,
            Enterprise.legal_representative,
            Enterprise.staff_count,
        )
        .where(_live(Enterprise))
        .order_by(Enterprise.name, Enterprise.id)
    )
    for r in rows:
        yield (
            *r[:9],
            NAME_JOIN.join(sorted(categories.get(r.id, ()))),
            *r[9:12],
            TIER_LABELS.get(tiers.get(r.id), ""),
            *r[12:],
        )


def agreements(c: Context) -> Iterator[Row]:
    start = func.coalesce(Agreement.starts_on, Agreement.signed_on)
    rows = c.s.execute(
        select(Agreement)
        .where(_live(Agreement), _overlaps(start, Agreement.ends_on, c.period))
        .order_by(Agreement.signed_on, Agreement.number, Agreement.id)
    ).scalars()
    rows = list(rows)
    links = _links(
        c.s, AgreementEnterprise.agreement_id, AgreementEnterprise.enterprise_id, [a.id for a in rows]
    )
    names = c.names(Enterprise)
    for a in rows:
        yield (
            a.id,
            a.number,
            a.title,
            a.kind,
            *_joined(links.get(a.id, []), names),
            a.signed_on,
            a.starts_on,
            a.ends_on,
            effective_status(a.status, a.ends_on, c.today),
            a.termination_reason,
            a.has_revenue_clause,
            a.has_asset_clause,
        )


def projects(c: Context) -> Iterator[Row]:
    rows = list(
        c.s.execute(
            select(Project)
            .where(_live(Project), _overlaps(Project.starts_on, Project.ends_on, c.period))
            .order_by(Project.tier.desc(), Project.name, Project.id)
        ).scalars()
    )
    ids = [p.id for p in rows]
    firms = _links(c.s, ProjectEnterprise.project_id, ProjectEnterprise.enterprise_id, ids)
    deals = _links(c.s, ProjectAgreement.project_id, ProjectAgreement.agreement_id, ids)
    majors = _links(c.s, ProjectMajor.project_id, ProjectMajor.major_id, ids)
    for p in rows:
        yield (
            p.id,
            p.name,
            p.kind,
            TIER_LABELS.get(p.tier, p.tier),
            p.leader,
            p.starts_on,
            p.ends_on,
            *_joined(firms.get(p.id, []), c.names(Enterprise)),
            ID_SEPARATOR.join(deals.get(p.id, [])),
            _joined(majors.get(p.id, []), c.names(Major))[0],
        )


def bases(c: Context) -> Iterator[Row]:
    rows = list(
        c.s.execute(
            select(PracticeBase)
            .where(
                _live(PracticeBase),
                or_(PracticeBase.established_on.is_(None), PracticeBase.established_on <= c.period.last),
            )
            .order_by(PracticeBase.kind, PracticeBase.name, PracticeBase.id)
        ).scalars()
    )
    majors = _links(c.s, PracticeBaseMajor.base_id, PracticeBaseMajor.major_id, [b.id for b in rows])
    for b in rows:
        yield (
            b.id,
            b.name,
            b.kind,
            b.mode,
            b.level,
            c.name(Enterprise, b.enterprise_id),
            b.enterprise_id,
            b.agreement_id,
            b.capacity,
            b.established_on,
            b.address,
            b.has_lodging,
            b.gives_allowance,
            _joined(majors.get(b.id, []), c.names(Major))[0],
            b.main_projects,
            b.fee_per_student_fen,
            b.full_time_managers,
            b.part_time_managers,
        )


def base_usage(c: Context) -> Iterator[Row]:
    """Manual rows as recorded, then the lines counted from internships (no record of their own); a manual
    row for a base, major and activity replaces the counted line (app/services/base_usage.py)."""
    for semester in c.semesters:
        rows = c.s.execute(
            select(BaseUsage)
            .where(_live(BaseUsage), BaseUsage.semester == semester)
            .order_by(BaseUsage.base_id, BaseUsage.activity, BaseUsage.id)
        ).scalars()
        for u in rows:
            yield (
                u.id,
                u.base_id,
                c.name(PracticeBase, u.base_id),
                semester,
                u.activity,
                c.name(Major, u.major_id),
                1,
                u.students,
                u.days,
                u.person_days,
                u.teacher_count,
                "手工登记",
                u.audience,
                u.hours,
                u.students * u.hours,
            )
        for line in semester_usage(c.s, semester).lines:
            if line.source != AUTOMATIC:
                continue
            t = line.totals
            yield (
                "",
                line.base_id,
                line.base_name,
                semester,
                line.activity,
                line.major_name,
                t.activities,
                t.students,
                t.days,
                t.person_days,
                t.teachers,
                "由实习记录统计",
                "校内",
                None,
                None,
            )


def internships(c: Context) -> Iterator[Row]:
    stmt = (
        select(Internship, Student)
        .join(Student, Student.id == Internship.student_id)
        .where(
            _live(Internship),
            _live(Student),
            _overlaps(Internship.starts_on, Internship.ends_on, c.period),
        )
        .order_by(Student.class_name, Student.student_no, Internship.starts_on, Internship.id)
    )
    if c.personal:  # the full values: 学生个人信息 on a server (the package checks it before it starts)
        stmt = stmt.options(Load(Student).undefer_group(PERSONAL_GROUP))
    for i, st in c.s.execute(stmt):
        id_number = st.id_number if c.personal else st.id_number_masked
        phone = st.phone if c.personal else st.phone_masked
        yield (
            i.id,
            st.id,
            st.student_no,
            st.name,
            st.gender,
            id_number,
            phone,
            c.name(Major, st.major_id),
            st.class_name,
            i.kind,
            c.name(Enterprise, i.enterprise_id),
            i.enterprise_id,
            i.base_id,
            i.position,
            i.place,
            i.starts_on,
            i.ends_on,
            i.monthly_pay_fen,
            i.same_post_wage_fen,
            i.hours_per_day,
            i.days_per_week,
            i.night_shift,
            i.overtime,
            i.insurer,
            i.policy_no,
            i.insured_from,
            i.insured_to,
            i.insurance_paid_by,
            i.counselor,
            i.academic_mentor,
            i.enterprise_hr,
            i.enterprise_mentor,
            i.guardian,
            i.status,
            i.status_reason,
            i.has_tripartite,
            i.has_consent,
            i.has_safety_record,
        )


def evaluations(c: Context) -> Iterator[Row]:
    rows = c.s.execute(
        select(MonthlyEvaluation, Student.student_no, Student.name)
        .join(Internship, Internship.id == MonthlyEvaluation.internship_id)
        .join(Student, Student.id == Internship.student_id)
        .where(
            _live(MonthlyEvaluation),
            _live(Internship),
            _live(Student),
            _within(MonthlyEvaluation.month, c.period),
        )
        .order_by(Student.student_no, MonthlyEvaluation.month, MonthlyEvaluation.id)
    )
    for e, no, name in rows:
        yield (e.id, e.internship_id, no, name, e.month, e.score, e.evaluator, e.comment)


def employment(c: Context) -> Iterator[Row]:
    graduates = int(c.period.school_year[5:9])
    rows = c.s.execute(
        select(Employment, Student)
        .join(Student, Student.id == Employment.student_id)
        .where(_live(Employment), _live(Student), Employment.graduate_year == graduates)
        .order_by(Student.student_no, Employment.id)
    )
    for e, st in rows:
        yield (
            e.id,
            st.id,
            st.student_no,
            st.name,
            c.name(Major, st.major_id),
            e.graduate_year,
            e.status,
            e.employer_name or c.name(Enterprise, e.enterprise_id),
            e.enterprise_id,
            e.position,
            e.related,
            e.monthly_salary_fen,
        )


def teachers(c: Context) -> Iterator[Row]:
    periods: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    stmt = select(EnterprisePractice.teacher_id, EnterprisePractice.starts_on, EnterprisePractice.ends_on)
    for tid, start, end in c.s.execute(stmt.where(_live(EnterprisePractice))):
        periods[tid].append((start, end))
    rows = c.s.execute(
        select(Teacher).where(_live(Teacher)).order_by(Teacher.kind, Teacher.staff_no, Teacher.name)
    )
    for t in rows.scalars():
        st = practice_status(periods.get(t.id, []), c.period.last)
        yield (
            t.id,
            t.name,
            t.staff_no,
            t.kind,
            c.name(Major, t.major_id),
            t.is_dual,
            t.dual_certificate,
            t.dual_certified_on,
            c.name(Enterprise, t.employer_id),
            t.employer_id,
            t.courses,
            t.hours_taught,
            t.appointed_from,
            t.appointed_to,
            st.days_done,
            st.days_missing if t.kind == "专任" else None,
        )


def practice(c: Context) -> Iterator[Row]:
    rows = c.s.execute(
        select(EnterprisePractice, Teacher.name)
        .join(Teacher, Teacher.id == EnterprisePractice.teacher_id)
        .where(
            _live(EnterprisePractice),
            _live(Teacher),
            _overlaps(EnterprisePractice.starts_on, EnterprisePractice.ends_on, c.period),
        )
        .order_by(Teacher.name, EnterprisePractice.starts_on, EnterprisePractice.id)
    )
    for p, teacher in rows:
        yield (
            p.id,
            p.teacher_id,
            teacher,
            p.unit_name or c.name(Enterprise, p.enterprise_id),
            p.enterprise_id,
            p.starts_on,
            p.ends_on,
            (p.ends_on - p.starts_on).days + 1,
            p.content,
        )


def _activity_counts(c: Context, owner_col, date_col, live) -> dict[str, int]:
    stmt = select(owner_col, func.count()).where(live, _within(date_col, c.period)).group_by(owner_col)
    return dict(c.s.execute(stmt).all())


def studios(c: Context) -> Iterator[Row]:
    members = dict(
        c.s.execute(select(StudioMember.studio_id, func.count()).group_by(StudioMember.studio_id)).all()
    )
    held = _activity_counts(c, StudioActivity.studio_id, StudioActivity.held_on, _live(StudioActivity))
    rows = c.s.execute(
        select(Studio)
        .where(_live(Studio), or_(Studio.established_on.is_(None), Studio.established_on <= c.period.last))
        .order_by(Studio.kind, Studio.name, Studio.id)
    )
    for x in rows.scalars():
        yield (
            x.id,
            x.name,
            x.kind,
            c.name(Teacher, x.lead_id),
            c.name(Enterprise, x.enterprise_id),
            x.enterprise_id,
            c.name(Major, x.major_id),
            x.established_on,
            members.get(x.id, 0),
            held.get(x.id, 0),
        )


def organizations(c: Context) -> Iterator[Row]:
    held = _activity_counts(
        c, OrganizationActivity.organization_id, OrganizationActivity.held_on, _live(OrganizationActivity)
    )
    last = dict(
        c.s.execute(
            select(OrganizationActivity.organization_id, func.max(OrganizationActivity.held_on))
            .where(_live(OrganizationActivity), OrganizationActivity.held_on <= c.period.last)
            .group_by(OrganizationActivity.organization_id)
        ).all()
    )
    rows = list(
        c.s.execute(
            select(IndustryOrganization)
            .where(_live(IndustryOrganization))
            .order_by(IndustryOrganization.name, IndustryOrganization.id)
        ).scalars()
    )
    groups = _links(
        c.s, OrganizationGroup.organization_id, OrganizationGroup.major_group_id, [o.id for o in rows]
    )
    for o in rows:
        yield (
            o.id,
            o.name,
            o.kind,
            _joined(groups.get(o.id, []), c.names(MajorGroup))[0],
            held.get(o.id, 0),
            last.get(o.id),
        )


def achievements(c: Context) -> Iterator[Row]:
    rows = c.s.execute(
        select(Achievement)
        .where(_live(Achievement), _within(Achievement.dated_on, c.period))
        .order_by(Achievement.dated_on, Achievement.kind, Achievement.id)
    )
    for a in rows.scalars():
        yield (
            a.id,
            a.kind,
            a.title,
            c.name(Enterprise, a.enterprise_id),
            a.enterprise_id,
            c.name(Major, a.major_id),
            a.amount_fen,
            a.dated_on,
            a.starts_on,
            a.ends_on,
            a.people,
        )


def training(c: Context) -> Iterator[Row]:
    rows = c.s.execute(
        select(Training)
        .where(_live(Training), _within(Training.starts_on, c.period))
        .order_by(Training.starts_on, Training.id)
    )
    for t in rows.scalars():
        yield (
            t.id,
            t.kind,
            t.title,
            c.name(Enterprise, t.enterprise_id),
            t.enterprise_id,
            c.name(Major, t.major_id),
            t.starts_on,
            t.ends_on,
            t.trainees,
            t.hours,
            t.person_days,
            t.income_fen,
        )


def budgets(c: Context) -> Iterator[Row]:
    rows = c.s.execute(
        select(Budget)
        .where(_live(Budget), Budget.year.in_(c.period.calendar_years))
        .order_by(Budget.year, Budget.project_id, Budget.category_id, Budget.id)
    )
    for b in rows.scalars():
        yield (
            b.id,
            b.year,
            c.name(Project, b.project_id),
            b.project_id,
            c.name(BudgetCategory, b.category_id),
            b.amount_fen,
        )


def ledger(c: Context) -> Iterator[Row]:
    rows = c.s.execute(
        select(LedgerEntry)
        .where(_live(LedgerEntry), _within(LedgerEntry.entry_date, c.period))
        .order_by(LedgerEntry.entry_date, LedgerEntry.voucher_no, LedgerEntry.id)
    )
    for e in rows.scalars():
        yield (
            e.id,
            e.entry_date,
            e.year,
            e.direction,
            e.amount_fen,
            e.voucher_no,
            e.counterparty,
            e.summary,
            c.name(Project, e.project_id),
            e.project_id,
            c.name(BudgetCategory, e.category_id),
        )


def assets(c: Context) -> Iterator[Row]:
    disposals: dict[str, tuple[str, dt.date]] = {}
    for asset_id, method, on in c.s.execute(
        select(AssetDisposal.asset_id, AssetDisposal.method, AssetDisposal.disposed_on)
        .where(_live(AssetDisposal))
        .order_by(AssetDisposal.disposed_on)
    ):
        disposals[asset_id] = (method, on)  # the latest
    rows = c.s.execute(
        select(Asset)
        .where(_live(Asset), or_(Asset.acquired_on.is_(None), Asset.acquired_on <= c.period.last))
        .order_by(Asset.acquired_on, Asset.name, Asset.id)
    )
    for a in rows.scalars():
        method, on = disposals.get(a.id, ("", None))
        if on is not None and on < c.period.first:
            continue
        yield (
            a.id,
            a.name,
            a.spec,
            a.quantity,
            a.unit_value_fen,
            a.quantity * a.unit_value_fen,
            a.owner,
            c.name(Enterprise, a.contributed_by_id),
            a.contributed_by_id,
            a.contribution_kind,
            a.agreement_id,
            a.location,
            a.custodian,
            a.acquired_on,
            a.status,
            c.name(Major, a.major_id),
            method,
            on,
        )


def visits(c: Context) -> Iterator[Row]:
    rows = list(
        c.s.execute(
            select(Visit)
            .where(_live(Visit), _within(Visit.visited_on, c.period))
            .order_by(Visit.visited_on, Visit.id)
        ).scalars()
    )
    firms = _links(c.s, VisitEnterprise.visit_id, VisitEnterprise.enterprise_id, [v.id for v in rows])
    # positions and pay are recorded per enterprise visited: the visit's total and its mean weighted by
    # positions, as the 走访 page shows them; an enterprise in the 回收站 counts no more (as in 访企拓岗)
    stops: dict[str, list[tuple[int | None, int | None]]] = defaultdict(list)
    for vid, n, pay in c.s.execute(
        select(VisitEnterprise.visit_id, VisitEnterprise.positions, VisitEnterprise.average_pay_fen)
        .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)
        .where(VisitEnterprise.visit_id.in_([v.id for v in rows]), Enterprise.deleted_at.is_(None))
        .order_by(VisitEnterprise.visit_id, VisitEnterprise.sort_order)
    ):
        stops[vid].append((n, pay))
    jobs = {vid: visit_jobs(s) for vid, s in stops.items()}
    for v in rows:
        positions, pay = jobs.get(v.id, (None, None))
        yield (
            v.id,
            v.visited_on,
            *_joined(firms.get(v.id, []), c.names(Enterprise)),
            v.leader,
            v.participants,
            v.purpose,
            positions or 0,
            pay,
            v.follow_up,
            v.leader_title,
        )


def visit_enterprises(c: Context) -> Iterator[Row]:
    """Each enterprise visited in the period's visits, in the visit's order (访企拓岗 one row each)."""
    rows = c.s.execute(
        select(Visit.id, Visit.visited_on, VisitEnterprise, Enterprise.name, Enterprise.uscc)
        .join(VisitEnterprise, VisitEnterprise.visit_id == Visit.id)
        .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)
        .where(_live(Visit), _within(Visit.visited_on, c.period), Enterprise.deleted_at.is_(None))
        .order_by(Visit.visited_on, Visit.id, VisitEnterprise.sort_order, Enterprise.name)
    )
    majors = c.names(Major)
    for vid, day, e, name, uscc in rows:
        yield (
            vid,
            day,
            name,
            e.enterprise_id,
            uscc,
            majors.get(e.major_id, "") if e.major_id else "",
            e.positions,
            e.average_pay_fen,
            e.host_name,
            e.host_title,
            e.outcome,
            majors.get(e.intern_major_id, "") if e.intern_major_id else "",
            e.interns,
            e.intern_pay_fen,
            majors.get(e.hire_major_id, "") if e.hire_major_id else "",
            e.hires,
            e.starting_pay_fen,
            e.other_cooperation,
        )


def base_costs(c: Context) -> Iterator[Row]:
    """The 校内 bases' 耗材 and 维护 costs of the period's 学年."""
    rows = c.s.execute(
        select(BaseCost, PracticeBase.name)
        .join(PracticeBase, PracticeBase.id == BaseCost.base_id)
        .where(_live(BaseCost), BaseCost.school_year == c.period.school_year)
        .order_by(PracticeBase.name, BaseCost.id)
    )
    for cost, base in rows:
        yield (
            cost.id,
            cost.base_id,
            base,
            cost.school_year,
            cost.consumables_fen,
            cost.maintenance_fen,
            cost.note,
        )


def meetings(c: Context) -> Iterator[Row]:
    items = dict(
        c.s.execute(
            select(ActionItem.meeting_id, func.count())
            .where(_live(ActionItem))
            .group_by(ActionItem.meeting_id)
        ).all()
    )
    done = dict(
        c.s.execute(
            select(ActionItem.meeting_id, func.count())
            .where(_live(ActionItem), ActionItem.done.is_(True))
            .group_by(ActionItem.meeting_id)
        ).all()
    )
    rows = c.s.execute(
        select(Meeting)
        .where(_live(Meeting), _within(Meeting.held_on, c.period))
        .order_by(Meeting.held_on, Meeting.id)
    )
    for m in rows.scalars():
        yield (
            m.id,
            "项目协调会议",
            c.name(Project, m.project_id),
            m.project_id,
            m.held_on,
            m.place,
            m.attendees,
            m.decisions,
            items.get(m.id, 0),
            done.get(m.id, 0),
        )
    rows = c.s.execute(
        select(SteeringMeeting)
        .where(_live(SteeringMeeting), _within(SteeringMeeting.held_on, c.period))
        .order_by(SteeringMeeting.held_on, SteeringMeeting.id)
    )
    for m in rows.scalars():
        yield (
            m.id,
            "专业群建设指导委员会会议",
            c.name(MajorGroup, m.major_group_id),
            m.major_group_id,
            m.held_on,
            m.place,
            m.attendees,
            m.minutes,
            0,
            0,
        )


def findings(c: Context) -> Iterator[Row]:
    def kind(f) -> str:
        return RECORD_TYPE_LABELS.get(f.record_type, f.record_type)

    for f in c.findings.open:
        yield (f.rule, f.rule_title, f.severity, f.citation, kind(f), f.record_id, f.title, f.message,
               f.due, OPEN, "", "", None)  # fmt: skip
    for f, ack in c.findings.acknowledged:
        yield (f.rule, f.rule_title, f.severity, f.citation, kind(f), f.record_id, f.title, f.message,
               f.due, ACKNOWLEDGED, ack.reason, ack.by, ack.at)  # fmt: skip


# The attachments sheet is written by the exporter (it knows the entry names); every other sheet has a builder.
BUILDERS: dict[str, Builder] = {
    "enterprises": enterprises,
    "agreements": agreements,
    "projects": projects,
    "bases": bases,
    "base_usage": base_usage,
    "internships": internships,
    "evaluations": evaluations,
    "employment": employment,
    "teachers": teachers,
    "practice": practice,
    "studios": studios,
    "organizations": organizations,
    "achievements": achievements,
    "training": training,
    "budgets": budgets,
    "ledger": ledger,
    "assets": assets,
    "visits": visits,
    "visit_enterprises": visit_enterprises,
    "base_costs": base_costs,
    "meetings": meetings,
    "findings": findings,
}
assert set(BUILDERS) | {"attachments"} == {x.key for x in SHEETS}
