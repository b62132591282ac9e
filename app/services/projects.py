"""产教融合项目 / 平台: tier by kind (H第九条), leader and responsible people (H第十条(四)), KPIs (H第十条(三)),
linked enterprises, agreements and majors; listing by tier; each enterprise's highest tier.
Meetings, action items and operation reports: meetings.py."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import (
    TIER_LABELS,
    TIERS,
    Agreement,
    Enterprise,
    Major,
    Project,
    ProjectAgreement,
    ProjectEnterprise,
    ProjectKPI,
    ProjectMajor,
    ProjectResponsible,
)
from app.domain.names import clean_text
from app.errors import ValidationError, ValidationErrors
from app.services.common import (
    Changes,
    get_or_raise,
    in_view,
    length_errors,
    like_pattern,
    restore,
    soft_delete,
)

TIER_BY_KIND = {  # H第九条
    "岗位实习": "foundation",
    "订单培养": "foundation",
    "现代学徒制": "deepening",
    "现场工程师": "deepening",
    "产教融合共同体": "integration",
    "市域产教联合体": "integration",
    "现代产业学院": "integration",
    "协同创新中心": "integration",
}
OTHER_KINDS = ("实训基地共建", "技能大师工作室", "横向课题", "培训服务", "其他")  # tier chosen by the user
PROJECT_KINDS = (*TIER_BY_KIND, *OTHER_KINDS)


def tier_for(kind: str, chosen: str = "") -> str:
    """The project's tier: fixed by H第九条 for the kinds it names (a different choice is an error), the
    user's choice for the others (required)."""
    fixed = TIER_BY_KIND.get(kind)
    if fixed is not None:
        if chosen and chosen != fixed:
            raise ValidationError(
                "tier",
                f"“{kind}”项目属于{TIER_LABELS[fixed]}，不能选择{TIER_LABELS.get(chosen, chosen)}",
            )
        return fixed
    if chosen not in TIERS:
        raise ValidationError("tier", f"“{kind or '该类型'}”项目须选择合作层次：基础层、深化层或融合层")
    return chosen


def tier_is_chosen(kind: str) -> bool:
    """Whether the form asks the user for the tier (else it shows the one H第九条 gives)."""
    return kind not in TIER_BY_KIND


@dataclass(frozen=True)
class ResponsibleData:
    part: str  # 环节, e.g. 学生管理
    name: str


@dataclass(frozen=True)
class KPIData:
    name: str
    target: float
    unit: str = ""
    actual: float | None = None
    period: str = ""
    id: str | None = None

    @property
    def progress(self) -> float | None:
        """actual / target (0–1+), None without an actual or a target."""
        if self.actual is None or not self.target:
            return None
        return self.actual / self.target


@dataclass(frozen=True)
class ProjectData:
    name: str
    kind: str
    tier: str = ""  # only for kinds H第九条 does not name
    leader: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    responsibles: tuple[ResponsibleData, ...] = ()
    kpis: tuple[KPIData, ...] = ()
    enterprise_ids: tuple[str, ...] = ()
    agreement_ids: tuple[str, ...] = ()
    major_ids: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ProjectDetail(ProjectData):
    id: str = ""
    tier_label: str = ""
    deleted: bool = False


def normalized(d: ProjectData) -> ProjectData:
    def ids(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for v in values if v))

    return ProjectData(
        name=clean_text(d.name),
        kind=clean_text(d.kind),
        tier=clean_text(d.tier),
        leader=clean_text(d.leader),
        starts_on=d.starts_on,
        ends_on=d.ends_on,
        responsibles=tuple(
            ResponsibleData(clean_text(r.part), clean_text(r.name))
            for r in d.responsibles
            if clean_text(r.part) or clean_text(r.name)
        ),
        kpis=tuple(
            KPIData(clean_text(k.name), k.target, clean_text(k.unit), k.actual, clean_text(k.period), k.id)
            for k in d.kpis
        ),
        enterprise_ids=ids(d.enterprise_ids),
        agreement_ids=ids(d.agreement_ids),
        major_ids=ids(d.major_ids),
        note=(d.note or "").strip(),
    )


def check_fields(d: ProjectData) -> list[ValidationError]:
    errors: list[ValidationError] = []
    if not d.name:
        errors.append(ValidationError("name", "项目名称不能为空"))
    elif len(d.name) > 200:
        errors.append(ValidationError("name", "项目名称过长（最多200字）"))
    if d.kind not in PROJECT_KINDS:
        errors.append(ValidationError("kind", f"项目类型应为：{'、'.join(PROJECT_KINDS)}"))
    else:
        try:
            tier_for(d.kind, d.tier)
        except ValidationError as e:
            errors.append(e)
    if d.starts_on and d.ends_on and d.ends_on < d.starts_on:
        errors.append(ValidationError("ends_on", "结束日期不能早于开始日期"))
    for i, r in enumerate(d.responsibles, start=1):
        if not r.part or not r.name:
            errors.append(ValidationError("responsibles", f"第{i}位责任人须同时填写负责环节和姓名"))
    for i, k in enumerate(d.kpis, start=1):
        if not k.name:
            errors.append(ValidationError("kpis", f"第{i}项指标缺少名称"))
        for label, value in (("目标值", k.target), ("完成值", k.actual)):
            if value is not None and (not math.isfinite(value) or value < 0):
                errors.append(ValidationError("kpis", f"指标“{k.name}”的{label}应为不小于0的数"))
    errors += length_errors(Project, d, {"note": "备注"})
    return errors


def _missing(s: Session, model: type, ids: tuple[str, ...]) -> int:
    if not ids:
        return 0
    live = s.scalar(select(func.count()).where(model.id.in_(ids), model.deleted_at.is_(None)))
    return len(ids) - (live or 0)


def check_project(s: Session, data: ProjectData) -> list[ValidationError]:
    d = normalized(data)
    errors = check_fields(d)
    for field, model, label in (
        ("enterprise_ids", Enterprise, "企业"),
        ("agreement_ids", Agreement, "协议"),
        ("major_ids", Major, "专业"),
    ):
        if n := _missing(s, model, getattr(d, field)):
            errors.append(ValidationError(field, f"有{n}个所选{label}不存在或已在回收站中"))
    return errors


def _relink(current: list, key: str, wanted: tuple[str, ...], make: type) -> list:
    kept = {getattr(link, key): link for link in current}
    return [kept.get(v) or make(**{key: v}) for v in wanted]


def _apply(p: Project, d: ProjectData) -> None:
    p.name, p.kind, p.tier = d.name, d.kind, tier_for(d.kind, d.tier)
    p.leader, p.starts_on, p.ends_on, p.note = d.leader, d.starts_on, d.ends_on, d.note
    old = list(p.responsibles)  # rows kept in place: an edit is one update, not a delete and an insert
    responsibles = []
    for i, r in enumerate(d.responsibles):
        row = old[i] if i < len(old) else ProjectResponsible()
        row.part, row.name, row.sort_order = r.part, r.name, i
        responsibles.append(row)
    p.responsibles = responsibles
    by_id = {k.id: k for k in p.kpis}
    kpis = []
    for i, k in enumerate(d.kpis):
        row = (by_id.pop(k.id, None) if k.id else None) or ProjectKPI()
        row.name, row.unit, row.target, row.actual, row.period, row.sort_order = (
            k.name,
            k.unit,
            k.target,
            k.actual,
            k.period,
            i,
        )
        kpis.append(row)
    p.kpis = kpis
    p.enterprise_links = _relink(p.enterprise_links, "enterprise_id", d.enterprise_ids, ProjectEnterprise)
    p.agreement_links = _relink(p.agreement_links, "agreement_id", d.agreement_ids, ProjectAgreement)
    p.major_links = _relink(p.major_links, "major_id", d.major_ids, ProjectMajor)


def create_project(s: Session, data: ProjectData) -> Changes:
    if errors := check_project(s, data):
        raise ValidationErrors(errors)
    p = Project()
    with s.no_autoflush:  # one audit row per save, not one per lazy load
        _apply(p, normalized(data))
    s.add(p)
    s.flush()
    return Changes("project", (p.id,))


def update_project(s: Session, project_id: str, data: ProjectData) -> Changes:
    p = _get(s, project_id)
    if errors := check_project(s, data):
        raise ValidationErrors(errors)
    with s.no_autoflush:  # one audit row per save, not one per lazy load
        _apply(p, normalized(data))
    s.flush()
    return Changes("project", (p.id,))


def delete_projects(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, Project, ids)


def restore_projects(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, Project, ids)


def _get(s: Session, project_id: str) -> Project:
    return get_or_raise(s, Project, project_id, "项目")


def get_project(s: Session, project_id: str) -> ProjectDetail:
    p = _get(s, project_id)
    return ProjectDetail(
        id=p.id,
        name=p.name,
        kind=p.kind,
        tier=p.tier,
        tier_label=TIER_LABELS.get(p.tier, p.tier),
        leader=p.leader,
        starts_on=p.starts_on,
        ends_on=p.ends_on,
        responsibles=tuple(ResponsibleData(r.part, r.name) for r in p.responsibles),
        kpis=tuple(KPIData(k.name, k.target, k.unit, k.actual, k.period, k.id) for k in p.kpis),
        enterprise_ids=tuple(link.enterprise_id for link in p.enterprise_links),
        agreement_ids=tuple(link.agreement_id for link in p.agreement_links),
        major_ids=tuple(link.major_id for link in p.major_links),
        note=p.note,
        deleted=p.deleted_at is not None,
    )


# ---------------------------------------------------------------- listing


@dataclass(frozen=True)
class ProjectQuery:
    text: str = ""
    tier: str = ""
    kind: str = ""
    enterprise_id: str = ""
    deleted: bool = False


@dataclass(frozen=True)
class ProjectRow:
    id: str
    name: str
    kind: str
    tier: str
    tier_label: str
    leader: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    enterprises: str


def project_ids(s: Session, q: ProjectQuery = ProjectQuery()) -> list[str]:
    """Matching ids grouped by tier (基础层, 深化层, 融合层), then by name."""
    stmt = select(Project.id).where(in_view(Project, q.deleted))
    for term in clean_text(q.text).split(" "):
        if term:
            pattern = like_pattern(term)
            by_enterprise = (
                select(ProjectEnterprise.project_id)
                .join(Enterprise, Enterprise.id == ProjectEnterprise.enterprise_id)
                .where(Enterprise.name.like(pattern, escape="\\"))
            )
            stmt = stmt.where(
                or_(
                    Project.name.like(pattern, escape="\\"),
                    Project.leader.like(pattern, escape="\\"),
                    Project.id.in_(by_enterprise),
                )
            )
    if q.tier:
        stmt = stmt.where(Project.tier == q.tier)
    if q.kind:
        stmt = stmt.where(Project.kind == q.kind)
    if q.enterprise_id:
        stmt = stmt.where(
            Project.id.in_(
                select(ProjectEnterprise.project_id).where(ProjectEnterprise.enterprise_id == q.enterprise_id)
            )
        )
    rows = s.execute(stmt.add_columns(Project.tier, Project.name)).all()
    rows.sort(key=lambda r: (TIERS.index(r[1]) if r[1] in TIERS else len(TIERS), r[2], r[0]))
    return [r[0] for r in rows]


def project_rows(s: Session, ids: Sequence[str]) -> dict[str, ProjectRow]:
    if not ids:
        return {}
    ids = list(ids)
    names: dict[str, list[str]] = {}
    for pid, name in s.execute(
        select(ProjectEnterprise.project_id, Enterprise.name)
        .join(Enterprise, Enterprise.id == ProjectEnterprise.enterprise_id)
        .where(ProjectEnterprise.project_id.in_(ids))
        .order_by(Enterprise.name)
    ):
        names.setdefault(pid, []).append(name)
    return {
        p.id: ProjectRow(
            id=p.id,
            name=p.name,
            kind=p.kind,
            tier=p.tier,
            tier_label=TIER_LABELS.get(p.tier, p.tier),
            leader=p.leader,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            enterprises="、".join(names.get(p.id, ())),
        )
        for p in s.execute(select(Project.__table__).where(Project.id.in_(ids)))
    }


def tier_counts(s: Session) -> dict[str, int]:
    """Live projects per tier, every tier present."""
    found = dict(
        s.execute(
            select(Project.tier, func.count()).where(Project.deleted_at.is_(None)).group_by(Project.tier)
        ).all()
    )
    return {t: found.get(t, 0) for t in TIERS}


def enterprise_highest_tiers(s: Session, enterprise_ids: Sequence[str] | None = None) -> dict[str, str]:
    """{enterprise id: the highest tier among its live projects} — the archive page shows it, so the college
    sees whom to move up a tier. Enterprises without a project are absent."""
    stmt = (
        select(ProjectEnterprise.enterprise_id, Project.tier)
        .join(Project, Project.id == ProjectEnterprise.project_id)
        .where(Project.deleted_at.is_(None))
        .distinct()
    )
    if enterprise_ids is not None:
        stmt = stmt.where(ProjectEnterprise.enterprise_id.in_(list(enterprise_ids)))
    best: dict[str, str] = {}
    for eid, tier in s.execute(stmt):
        if tier in TIERS and (eid not in best or TIERS.index(tier) > TIERS.index(best[eid])):
            best[eid] = tier
    return best


@dataclass(frozen=True)
class KPISummary:
    """A project's KPIs at a glance: how many met their target, of how many, and the mean progress (each
    KPI capped at 100%; None when no KPI has an actual value yet)."""

    met: int
    total: int
    average: float | None

    @property
    def text(self) -> str:
        return f"{self.met}/{self.total} 达标" if self.total else ""


def kpi_summaries(s: Session, ids: Sequence[str]) -> dict[str, KPISummary]:
    """{project id: KPISummary} for the projects given (those without KPIs are absent)."""
    progress: dict[str, list[float | None]] = {}
    for pid, target, actual in s.execute(
        select(ProjectKPI.project_id, ProjectKPI.target, ProjectKPI.actual).where(
            ProjectKPI.project_id.in_(list(ids)), ProjectKPI.deleted_at.is_(None)
        )
    ):
        progress.setdefault(pid, []).append(KPIData("", target, actual=actual).progress)
    out = {}
    for pid, values in progress.items():
        known = [min(v, 1.0) for v in values if v is not None]
        out[pid] = KPISummary(
            met=sum(1 for v in values if v is not None and v >= 1),
            total=len(values),
            average=sum(known) / len(known) if known else None,
        )
    return out
