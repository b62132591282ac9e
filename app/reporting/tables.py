"""The standard report tables of DOMAIN.md for a 学年, filled from the records: 产学合作 per 专业 and per 专业 ×
合作企业, 校外实习实训基地 (per base that is not 校内), 校内实践基地 (per 校内实训基地) and 访企拓岗 (per enterprise
visited). Headers and each column's definition: app/reporting/columns.py. Live records only, and only the
学年's: what is dated falls in it, what is held is held at its end.

Choices (each also in the column's definition, shown as its tooltip):
- 学年 bounds, placements, 订单培养 / 现代学徒制 in force, assets held and the distinct days a base was used:
  app/reporting/facts.py.
- 产学合作: one row per (专业, 合作企业) with anything to report. The five figures of app/services/outcomes.py
  (课程, 教材, 兼职教师, 技术服务年收入, 培训人天) come from its facts, split by both keys; 捐赠 / 准捐赠 = assets
  an enterprise contributed so, acquired in the 学年; 订单培养人数 = students placed at an enterprise with an
  订单培养 scheme covering their major; 是否合作开展学徒制 = a 现代学徒制 scheme covers the pair (an agreement
  names no major: it marks the enterprise's existing rows; a project naming majors also makes rows of its own);
  接受毕业生就业数 = graduates of the end year employed at that enterprise of the archive (an employer typed as
  text cannot be matched). Records without a major / enterprise are reported under 未指定专业 / 未指定企业 rather
  than dropped, so that the columns add up to the college's totals.
- 产学合作（按专业）: the same cells added up per major (students counted once per major), every major of 设置
  listed; 产学合作企业总数 = the enterprises of the major's rows (未指定企业 is not one).
- 专业代码 = Major.code; 专业层次 = the setting `major_level`, "高职专科" (the national directory's word) if unset.
- Bases: usage figures of app/services/base_usage.py summed over the 学年's two semesters (the summer break is
  in none), except the days: distinct dates (report_facts.base_use_days). 半年顶岗 = a 岗位实习 at the base of at
  least 180 days as planned (终止 left out: its actual length is unknown). 人时 = students × hours of the manual
  usage rows by audience (校内 / 社会); empty when every such row lacks hours. Costs = the base's BaseCost row of
  the 学年 (empty when there is none).
- 校内实践基地: an asset is at a base when its free-text 存放地点 starts with the base's name (the longest such
  name wins); values of assets held at the 学年's end, 当年新增 those acquired in the 学年; 大型 = unit value of at
  least 10 万元.
- 访企拓岗: visits dated in the 学年, one row per enterprise visited, with what was recorded at that enterprise.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import (
    EMPLOYED_STATUSES,
    Asset,
    BaseCost,
    BaseUsage,
    Employment,
    Enterprise,
    Major,
    PracticeBase,
    PracticeBaseMajor,
    Student,
    Visit,
    VisitEnterprise,
)
from app.domain.names import name_key
from app.reporting.columns import (
    COOPERATION,
    COOPERATION_BY_MAJOR,
    COOPERATION_BY_MAJOR_COLUMNS,
    COOPERATION_COLUMNS,
    LARGE_EQUIPMENT_FEN,
    OFFSITE_BASES,
    OFFSITE_COLUMNS,
    ONSITE_BASES,
    ONSITE_COLUMNS,
    VISITS,
    VISITS_COLUMNS,
    Column,
)
from app.reporting.facts import (
    Year,
    assets_held,
    base_use_days,
    placements,
    scheme_kinds,
    schemes,
    year_of,
)
from app.services.base_usage import SemesterUsage, UsageTotals, semester_usage
from app.services.bases import project_names
from app.services.choices import major_choices
from app.services.outcomes import cooperation_facts
from app.services.settings import _get

NO_MAJOR, NO_ENTERPRISE = "未指定专业", "未指定企业"
HALF_YEAR_DAYS = 180
MAJOR_LEVEL_KEY, DEFAULT_MAJOR_LEVEL = "major_level", "高职专科"


@dataclass(frozen=True)
class ReportTable:
    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    keys: tuple[tuple[str | None, ...], ...]  # per row, the ids it comes from (see key_types)
    key_types: tuple[str, ...]  # e.g. ("major", "enterprise")

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def definitions(self) -> tuple[str, ...]:
        return tuple(c.definition for c in self.columns)

    def column(self, header: str) -> list:
        """The values of one column, by its header."""
        i = self.headers.index(header)
        return [row[i] for row in self.rows]


@dataclass(frozen=True)
class ReportTables:
    school_year: str
    first_day: dt.date
    last_day: dt.date
    tables: tuple[ReportTable, ...]  # in the order of TABLE_NAMES

    def table(self, name: str) -> ReportTable:
        return next(t for t in self.tables if t.name == name)


def year_use(s: Session, y: Year, as_of: dt.date) -> tuple[list[SemesterUsage], dict[str, int]]:
    """The 学年's base use by semester and its days of use as of `as_of`: what the 校外/校内基地 tables are built
    from, here and wherever a figure sums them (period_figures)."""
    usage = [semester_usage(s, sem) for sem in y.semesters]
    return usage, base_use_days(s, usage, as_of=as_of)


def report_tables(s: Session, school_year: str, *, as_of: dt.date | None = None) -> ReportTables:
    """The tables of `school_year` as of `as_of` (default today): days after it are not yet days of use, a
    visit dated after it not yet a visit (a 学年 still running reports what has happened)."""
    y = year_of(s, school_year)
    as_of = as_of or dt.date.today()
    usage, days = year_use(s, y, as_of)
    cells = cooperation_cells(s, y)
    return ReportTables(
        y.school_year,
        y.first,
        y.last,
        (
            cooperation_by_major_table(s, cells),
            cooperation_table(s, y, cells),
            offsite_table(s, y, usage, days),
            onsite_table(s, y, usage, days),
            visits_table(s, y, as_of=as_of),
        ),
    )


def major_level(s: Session) -> str:
    """The 专业层次 reported beside a major (设置 key `major_level`)."""
    return _get(s, MAJOR_LEVEL_KEY).strip() or DEFAULT_MAJOR_LEVEL


@dataclass(frozen=True)
class MajorInfo:
    name: str
    position: int  # in the order of 设置; majors no longer in 设置 go last
    code: str | None


def _major_info(s: Session, ids: set[str]) -> dict[str, MajorInfo]:
    position = {c.id: i for i, c in enumerate(major_choices(s))}
    rows = s.execute(select(Major.id, Major.name, Major.code).where(Major.id.in_(ids))) if ids else []
    return {i: MajorInfo(n, position.get(i, 10**8), (code or "").strip() or None) for i, n, code in rows}


# ---------------------------------------------------------------- 产学合作

Key = tuple[str | None, str | None]  # (major id, enterprise id)
_OUTCOME_FIGURES = ("courses", "textbooks", "industry_teachers", "service_income_fen", "training_person_days")
_STUDENT_FIGURES = ("order", "interns")  # counted as distinct students


@dataclass
class CooperationCells:
    """Per (major, enterprise): the figures (name → amount) and the students behind the student counts."""

    figures: dict[Key, dict[str, int]]
    students: dict[Key, dict[str, set[str]]]

    def keys(self) -> list[Key]:
        return [k for k, v in self.figures.items() if any(v.values())]


def cooperation_cells(s: Session, y: Year) -> CooperationCells:
    figures: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    students: dict[Key, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for major, ent, figure, amount in cooperation_facts(s, y.first, y.last):
        figures[(major, ent)][figure] += amount
    for major, ent, kind, fen in _donations(s, y):
        figures[(major, ent)]["donated" if kind == "捐赠" else "quasi"] += fen or 0
    scheme_list = schemes(s, y)
    for p in placements(s, y):
        key = (p.major_id, p.enterprise_id)
        students[key]["interns"].add(p.student_id)
        if "订单培养" in scheme_kinds(scheme_list, p.enterprise_id, p.major_id):
            students[key]["order"].add(p.student_id)
    for key, sets in students.items():
        for figure, who in sets.items():
            figures[key][figure] = len(who)
    for major, ent in _employed(s, y):
        figures[(major, ent)]["employed"] += 1
    apprentice = [x for x in scheme_list if x.kind == "现代学徒制"]
    for x in apprentice:
        for ent in x.enterprise_ids:
            for major in x.major_ids or ():
                figures[(major, ent)]["apprentice"] = 1
    for major, ent in list(figures):
        if any(x.covers(ent, major) for x in apprentice):
            figures[(major, ent)]["apprentice"] = 1
    return CooperationCells(figures, students)


def _donations(s: Session, y: Year) -> list[tuple]:
    return s.execute(
        select(Asset.major_id, Asset.contributed_by_id, Asset.contribution_kind)
        .add_columns(func.sum(Asset.quantity * Asset.unit_value_fen))
        .where(
            Asset.deleted_at.is_(None),
            Asset.contribution_kind.in_(("捐赠", "准捐赠")),
            Asset.acquired_on.between(y.first, y.last),
        )
        .group_by(Asset.major_id, Asset.contributed_by_id, Asset.contribution_kind)
    ).all()


def _employed(s: Session, y: Year) -> list[tuple[str | None, str]]:
    return s.execute(
        select(Student.major_id, Employment.enterprise_id)
        .join(Student, Student.id == Employment.student_id)
        .where(
            Employment.deleted_at.is_(None),
            Student.deleted_at.is_(None),
            Employment.graduate_year == y.end_year,
            Employment.status.in_(EMPLOYED_STATUSES),
            Employment.enterprise_id.is_not(None),
        )
    ).all()


_ODS_FIGURES = (
    "order",
    "courses",
    "textbooks",
    "industry_teachers",
    "interns",
    "employed",
    "service_income_fen",
    "donated",
    "quasi",
    "training_person_days",
)


def cooperation_table(s: Session, y: Year, cells: CooperationCells | None = None) -> ReportTable:
    cells = cells or cooperation_cells(s, y)
    keys = cells.keys()
    majors = _major_info(s, {m for m, _ in keys if m})
    ent_ids = {e for _, e in keys if e}
    ents = {
        r[0]: r[1:]
        for r in s.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.cooperation_start).where(
                Enterprise.id.in_(ent_ids)
            )
        )
    }

    def order(key: Key) -> tuple:
        m, e = key
        info = majors.get(m or "")
        return (m is None, info.position if info else 10**9, e is None, ents.get(e, ("",))[0], e or "")

    rows = []
    keys.sort(key=order)
    for m, e in keys:
        name, uscc, started = ents.get(e, (NO_ENTERPRISE, "", None)) if e else (NO_ENTERPRISE, "", None)
        info = majors.get(m or "")
        v = cells.figures[(m, e)]
        rows.append(
            (
                info.code if info else None,
                info.name if info else NO_MAJOR,
                name,
                uscc or None,
                started,
                *(v.get(f, 0) for f in _ODS_FIGURES),
                bool(v.get("apprentice")),
            )
        )
    return ReportTable(COOPERATION, COOPERATION_COLUMNS, tuple(rows), tuple(keys), ("major", "enterprise"))


_BY_MAJOR_FIGURES = (
    "order",
    "courses",
    "textbooks",
    "industry_teachers",
    "interns",
    "donated",
    "quasi",
    "employed",
    "service_income_fen",
    "training_person_days",
)


def cooperation_by_major_table(s: Session, cells: CooperationCells) -> ReportTable:
    """The 产学合作 cells added up per major: every major of 设置 (zeros included), then any other major with
    figures, then 未指定专业 when something has no major."""
    sums: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    who: dict[str | None, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    partners: dict[str | None, set[str]] = defaultdict(set)
    for m, e in cells.keys():
        for figure, amount in cells.figures[(m, e)].items():
            if figure not in _STUDENT_FIGURES:
                sums[m][figure] += amount
        for figure, students in cells.students.get((m, e), {}).items():
            who[m][figure] |= students
        if e is not None:
            partners[m].add(e)
    listed = [c.id for c in major_choices(s)]
    info = _major_info(s, {*listed, *(m for m in sums if m)})
    extra = sorted((m for m in sums if m and m not in listed), key=lambda m: (info[m].name, m))
    ids: list[str | None] = [*listed, *extra, *([None] if None in sums else [])]
    rows = []
    for m in ids:
        v = {**sums.get(m, {}), **{f: len(x) for f, x in who.get(m, {}).items()}}
        major = info.get(m or "")
        rows.append(
            (
                major.code if major else None,
                major.name if major else NO_MAJOR,
                len(partners.get(m, ())),
                *(v.get(f, 0) for f in _BY_MAJOR_FIGURES),
            )
        )
    return ReportTable(
        COOPERATION_BY_MAJOR, COOPERATION_BY_MAJOR_COLUMNS, tuple(rows), tuple((m,) for m in ids), ("major",)
    )


# ---------------------------------------------------------------- bases: both tables


def _bases(s: Session, y: Year, *, onsite: bool) -> list[PracticeBase]:
    kind = PracticeBase.kind == "校内实训基地"
    return list(
        s.scalars(
            select(PracticeBase)
            .where(
                PracticeBase.deleted_at.is_(None),
                kind if onsite else ~kind,
                (PracticeBase.established_on.is_(None)) | (PracticeBase.established_on <= y.last),
            )
            .order_by(PracticeBase.name, PracticeBase.id)
        )
    )


def _served_majors(s: Session, base_ids: list[str]) -> dict[str, list[str]]:
    """Base id → the names of the live majors it serves, in the order of 设置."""
    links = s.execute(
        select(PracticeBaseMajor.base_id, PracticeBaseMajor.major_id)
        .join(Major, Major.id == PracticeBaseMajor.major_id)
        .where(PracticeBaseMajor.base_id.in_(base_ids), Major.deleted_at.is_(None))
    ).all()
    info = _major_info(s, {m for _, m in links})
    by_base: dict[str, list[str]] = defaultdict(list)
    for base_id, major_id in links:
        by_base[base_id].append(major_id)
    return {
        b: [info[m].name for m in sorted(ms, key=lambda m: (info[m].position, info[m].name))]
        for b, ms in by_base.items()
    }


def _project_names(text: str) -> str | None:
    """主要项目 joined by 、 (as the base form splits them); None when there are none."""
    return "、".join(project_names(text)) or None


def _usage_totals(usage: list[SemesterUsage], base_id: str) -> UsageTotals:
    return sum((u.base_totals(base_id) for u in usage), UsageTotals())


# ---------------------------------------------------------------- 校外实习实训基地


def offsite_table(
    s: Session, y: Year, usage: list[SemesterUsage] | None = None, days: dict[str, int] | None = None
) -> ReportTable:
    usage = usage if usage is not None else [semester_usage(s, sem) for sem in y.semesters]
    days = days if days is not None else base_use_days(s, usage)
    bases = _bases(s, y, onsite=False)
    ents = {
        r[0]: r[1:]
        for r in s.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.staff_count).where(
                Enterprise.id.in_({b.enterprise_id for b in bases})
            )
        )
    }
    served = _served_majors(s, [b.id for b in bases])
    half_year: dict[str, set[str]] = defaultdict(set)
    for p in placements(s, y):
        if p.base_id and p.status != "终止" and (p.ends_on - p.starts_on).days + 1 >= HALF_YEAR_DAYS:
            half_year[p.base_id].add(p.student_id)
    employed: dict[str, int] = defaultdict(int)
    for _, ent in _employed(s, y):
        employed[ent] += 1
    rows = []
    for b in bases:
        t = _usage_totals(usage, b.id)
        ent_name, staff = ents.get(b.enterprise_id or "", (None, None))
        majors = served.get(b.id, [])
        rows.append(
            (
                b.name,
                ent_name or None,
                staff,
                b.established_on,
                len(majors),
                "、".join(majors) or None,
                t.activities,
                _project_names(b.main_projects),
                t.students,
                days.get(b.id, 0),
                len(half_year[b.id]),
                b.has_lodging,
                b.gives_allowance,
                b.fee_per_student_fen,
                t.teachers,
                employed.get(b.enterprise_id, 0) if b.enterprise_id else 0,
            )
        )
    return ReportTable(
        OFFSITE_BASES, OFFSITE_COLUMNS, tuple(rows), tuple((b.id,) for b in bases), ("practice_base",)
    )


# ---------------------------------------------------------------- 校内实践基地


def base_of_location(location: str, base_names: dict[str, str]) -> str | None:
    """The base an asset's 存放地点 names: the longest base name (name_key) the location starts with.
    `base_names`: base id → name."""
    key = name_key(location)
    matches = [
        (len(name_key(n)), i) for i, n in base_names.items() if name_key(n) and key.startswith(name_key(n))
    ]
    return max(matches)[1] if matches else None


_EQUIPMENT = ("value", "new", "self_made", "donated", "quasi", "count", "large")


def _equipment(s: Session, y: Year) -> dict[str, dict[str, int]]:
    """Base id → the equipment figures of the assets held there at the 学年's end."""
    all_names = dict(
        s.execute(select(PracticeBase.id, PracticeBase.name).where(PracticeBase.deleted_at.is_(None))).all()
    )
    sums: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_EQUIPMENT, 0))
    for a in assets_held(s, y.last):
        base_id = base_of_location(a.location, all_names)
        if base_id is None:
            continue
        t = sums[base_id]
        t["value"] += a.value_fen
        t["new"] += a.value_fen if a.acquired_on >= y.first else 0
        t["self_made"] += a.value_fen if a.self_made else 0
        t["donated"] += a.value_fen if a.contribution_kind == "捐赠" else 0
        t["quasi"] += a.value_fen if a.contribution_kind == "准捐赠" else 0
        t["count"] += a.quantity
        t["large"] += a.quantity if a.unit_value_fen >= LARGE_EQUIPMENT_FEN else 0
    return sums


def _person_hours(s: Session, y: Year) -> dict[tuple[str, str], int | None]:
    """(base id, audience) → Σ students × hours of the manual usage rows of the 学年's semesters; None when
    every such row lacks hours (unknown, not nothing)."""
    out: dict[tuple[str, str], int | None] = {}
    rows = s.execute(
        select(BaseUsage.base_id, BaseUsage.audience, BaseUsage.students, BaseUsage.hours).where(
            BaseUsage.deleted_at.is_(None), BaseUsage.semester.in_(y.semesters)
        )
    )
    for base_id, audience, students, hours in rows:
        key = (base_id, audience or "校内")
        if hours and hours > 0:
            out[key] = (out.get(key) or 0) + (students or 0) * hours
        else:
            out.setdefault(key, None)
    return out


def _costs(s: Session, y: Year) -> dict[str, tuple[int, int]]:
    """Base id → (耗材, 维护) in fen entered for the 学年."""
    rows = s.execute(
        select(BaseCost.base_id, func.sum(BaseCost.consumables_fen), func.sum(BaseCost.maintenance_fen))
        .where(BaseCost.deleted_at.is_(None), BaseCost.school_year == y.school_year)
        .group_by(BaseCost.base_id)
    )
    return {b: (c or 0, m or 0) for b, c, m in rows}


def onsite_table(
    s: Session, y: Year, usage: list[SemesterUsage] | None = None, days: dict[str, int] | None = None
) -> ReportTable:
    usage = usage if usage is not None else [semester_usage(s, sem) for sem in y.semesters]
    days = days if days is not None else base_use_days(s, usage)
    bases = _bases(s, y, onsite=True)
    served = _served_majors(s, [b.id for b in bases])
    equipment = _equipment(s, y)
    hours = _person_hours(s, y)
    costs = _costs(s, y)
    rows = []
    for b in bases:
        e = equipment.get(b.id) or dict.fromkeys(_EQUIPMENT, 0)
        cost = costs.get(b.id)
        rows.append(
            (
                b.name,
                "、".join(served.get(b.id, [])) or None,
                days.get(b.id, 0),
                *(e[k] for k in ("value", "new", "self_made", "donated", "quasi", "count", "large")),
                _usage_totals(usage, b.id).activities,
                _project_names(b.main_projects),
                hours.get((b.id, "校内"), 0),
                hours.get((b.id, "社会"), 0),
                b.capacity,
                cost[0] if cost else None,
                cost[1] if cost else None,
                b.full_time_managers,
                b.part_time_managers,
            )
        )
    return ReportTable(
        ONSITE_BASES, ONSITE_COLUMNS, tuple(rows), tuple((b.id,) for b in bases), ("practice_base",)
    )


# ---------------------------------------------------------------- 访企拓岗


def visits_table(s: Session, y: Year, *, as_of: dt.date | None = None) -> ReportTable:
    links = s.execute(
        select(Visit, VisitEnterprise, Enterprise.name, Enterprise.uscc)
        .join(VisitEnterprise, VisitEnterprise.visit_id == Visit.id)
        .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)
        .where(
            Visit.deleted_at.is_(None),
            Enterprise.deleted_at.is_(None),
            Visit.visited_on.between(y.first, min(y.last, as_of or y.last)),
        )
        .order_by(Visit.visited_on, Visit.id, VisitEnterprise.sort_order)
    ).all()
    major_ids = {m for _, x, _, _ in links for m in (x.major_id, x.intern_major_id, x.hire_major_id) if m}
    majors = _major_info(s, major_ids)
    level = major_level(s)

    def major(major_id: str | None) -> tuple[str | None, str | None, str | None]:
        info = majors.get(major_id or "")
        return (info.code, info.name, level) if info else (None, None, None)

    rows = []
    for v, x, name, uscc in links:
        rows.append(
            (
                name,
                uscc or None,
                *major(x.major_id),
                x.positions,
                x.average_pay_fen,
                v.leader or None,
                v.leader_title or None,
                v.visited_on,
                x.host_name or None,
                x.host_title or None,
                x.outcome or None,
                *major(x.intern_major_id),
                x.interns,
                x.intern_pay_fen,
                *major(x.hire_major_id),
                x.hires,
                x.starting_pay_fen,
                x.other_cooperation or None,
            )
        )
    keys = tuple((v.id, x.enterprise_id) for v, x, _, _ in links)
    return ReportTable(VISITS, VISITS_COLUMNS, tuple(rows), keys, ("visit", "enterprise"))
