"""The four standard report tables of DOMAIN.md for a 学年, filled from the records: 产学合作 (per 专业 × 合作企业),
校外实习实训基地 (per base that is not 校内), 校内实践基地 (per 校内实训基地) and 访企拓岗 (per visit × enterprise).
Headers and each column's definition: app/services/report_columns.py. Live records only.

Choices (each also in the column's definition, shown as its tooltip):
- 学年 bounds, placements, 订单培养 / 现代学徒制 in force and assets held: app/services/report_facts.py.
- 产学合作: one row per (专业, 合作企业) with anything to report. The five figures of app/services/outcomes.py
  (课程, 教材, 兼职教师, 技术服务年收入, 培训人天) come from its facts, split by both keys; 捐赠 / 准捐赠 = assets
  an enterprise contributed so, acquired in the 学年 (as contribution_totals); 订单培养人数 = students placed at
  an enterprise with an 订单培养 scheme covering their major; 是否合作开展学徒制 = a 现代学徒制 scheme covers the
  pair (an agreement names no major: it marks the enterprise's existing rows; a project naming majors also
  makes rows of its own); 接受毕业生就业数 = graduates of the end year employed at that enterprise of the archive
  (an employer typed as text cannot be matched). Records without a major / enterprise are reported under
  未指定专业 / 未指定企业 rather than dropped, so that the columns add up to the college's totals.
- 校外实习实训基地: the figures of app/services/base_usage.py summed over the 学年's two semesters (the summer
  break is in none); 半年顶岗 = a 岗位实习 at the base of at least 180 days as planned (终止 left out: its actual
  length is unknown); 应届毕业生就业数 = graduates employed at the base's enterprise.
- 校内实践基地: an asset is at a base when its free-text 存放地点 starts with the base's name (the longest such
  name wins); 设备总值 / 社会捐赠 count assets held at the 学年's end (捐赠 only, not 准捐赠), 当年新增 those of
  them acquired in the 学年; in 万元. 学年使用频率（人时） and 社会使用频率（人时） stay EMPTY: the app records
  person-days, not hours, and nothing records use by outsiders — never a made-up conversion.
- 访企拓岗: visits dated in the 学年, one row per visited enterprise; a visit to several enterprises records one
  total of positions and pay that cannot be split, so those cells stay empty.
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
from app.services.base_usage import UsageTotals, semester_usage
from app.services.choices import major_choices
from app.services.outcomes import cooperation_facts
from app.services.report_columns import (
    COOPERATION,
    COOPERATION_COLUMNS,
    OFFSITE_BASES,
    OFFSITE_COLUMNS,
    ONSITE_BASES,
    ONSITE_COLUMNS,
    VISITS,
    VISITS_COLUMNS,
    Column,
)
from app.services.report_facts import Year, assets_held, placements, scheme_kinds, schemes, year_of

NO_MAJOR, NO_ENTERPRISE = "未指定专业", "未指定企业"
HALF_YEAR_DAYS = 180


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


@dataclass(frozen=True)
class ReportTables:
    school_year: str
    first_day: dt.date
    last_day: dt.date
    tables: tuple[ReportTable, ...]  # in the order of TABLE_NAMES

    def table(self, name: str) -> ReportTable:
        return next(t for t in self.tables if t.name == name)


def report_tables(s: Session, school_year: str) -> ReportTables:
    y = year_of(s, school_year)
    usage = [semester_usage(s, sem) for sem in y.semesters]
    return ReportTables(
        y.school_year,
        y.first,
        y.last,
        (cooperation_table(s, y), offsite_table(s, y, usage), onsite_table(s, y), visits_table(s, y)),
    )


# ---------------------------------------------------------------- 产学合作

_FIGURE_COLUMN = {  # CooperationFigure field → column position
    "courses": 5,
    "textbooks": 6,
    "industry_teachers": 7,
    "service_income_fen": 12,
    "training_person_days": 13,
}
ORDER, INTERNS, DONATED, QUASI, EMPLOYED, APPRENTICE = 4, 8, 9, 10, 11, 14


def cooperation_table(s: Session, y: Year) -> ReportTable:
    cells: dict[tuple[str | None, str | None], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for major, ent, figure, amount in cooperation_facts(s, y.first, y.last):
        cells[(major, ent)][_FIGURE_COLUMN[figure]] += amount
    for major, ent, kind, fen in s.execute(
        select(Asset.major_id, Asset.contributed_by_id, Asset.contribution_kind)
        .add_columns(func.sum(Asset.quantity * Asset.unit_value_fen))
        .where(
            Asset.deleted_at.is_(None),
            Asset.contribution_kind.in_(("捐赠", "准捐赠")),
            Asset.acquired_on.between(y.first, y.last),
        )
        .group_by(Asset.major_id, Asset.contributed_by_id, Asset.contribution_kind)
    ):
        cells[(major, ent)][DONATED if kind == "捐赠" else QUASI] += fen or 0
    scheme_list = schemes(s, y)
    ordered: dict[tuple, set[str]] = defaultdict(set)
    interns: dict[tuple, set[str]] = defaultdict(set)
    for p in placements(s, y):
        key = (p.major_id, p.enterprise_id)
        interns[key].add(p.student_id)
        if "订单培养" in scheme_kinds(scheme_list, p.enterprise_id, p.major_id):
            ordered[key].add(p.student_id)
    for key, students in interns.items():
        cells[key][INTERNS] = len(students)
    for key, students in ordered.items():
        cells[key][ORDER] = len(students)
    for major, ent in _employed(s, y):
        cells[(major, ent)][EMPLOYED] += 1
    apprentice = [x for x in scheme_list if x.kind == "现代学徒制"]
    for x in apprentice:
        for ent in x.enterprise_ids:
            for major in x.major_ids or ():
                cells[(major, ent)][APPRENTICE] = 1
    for major, ent in cells:
        if any(x.covers(ent, major) for x in apprentice):
            cells[(major, ent)][APPRENTICE] = 1
    return _cooperation_rows(s, {k: v for k, v in cells.items() if any(v.values())})


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


def _cooperation_rows(s: Session, cells: dict[tuple, dict[int, int]]) -> ReportTable:
    majors = _major_info(s, {m for m, _ in cells if m})
    ent_ids = {e for _, e in cells if e}
    ents = {
        r[0]: r[1:]
        for r in s.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.cooperation_start).where(
                Enterprise.id.in_(ent_ids)
            )
        )
    }

    def order(key: tuple) -> tuple:
        m, e = key
        return (m is None, majors.get(m, ("", 10**9))[1], e is None, ents.get(e, ("",))[0], e or "")

    rows, keys = [], []
    for key in sorted(cells, key=order):
        m, e = key
        name, uscc, started = ents.get(e, (NO_ENTERPRISE, "", None)) if e else (NO_ENTERPRISE, "", None)
        v = cells[key]
        figures = [v.get(col, 0) for col in range(ORDER, APPRENTICE)]
        rows.append(
            (
                majors[m][0] if m in majors else NO_MAJOR,
                name,
                uscc or None,
                started,
                *figures,
                bool(v.get(APPRENTICE)),
            )
        )
        keys.append(key)
    return ReportTable(COOPERATION, COOPERATION_COLUMNS, tuple(rows), tuple(keys), ("major", "enterprise"))


def _major_info(s: Session, ids: set[str]) -> dict[str, tuple[str, int]]:
    """Major id → (name, position in the order of 设置); majors no longer in 设置 go last."""
    position = {c.id: i for i, c in enumerate(major_choices(s))}
    rows = s.execute(select(Major.id, Major.name).where(Major.id.in_(ids))) if ids else []
    return {i: (n, position.get(i, 10**8)) for i, n in rows}


# ---------------------------------------------------------------- 校外实习实训基地


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


def offsite_table(s: Session, y: Year, usage=None) -> ReportTable:
    usage = usage if usage is not None else [semester_usage(s, sem) for sem in y.semesters]
    bases = _bases(s, y, onsite=False)
    ents = dict(
        s.execute(
            select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_({b.enterprise_id for b in bases}))
        ).all()
    )
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
        t = sum((u.base_totals(b.id) for u in usage), UsageTotals())
        rows.append(
            (
                b.name,
                ents.get(b.enterprise_id or "") or None,
                b.established_on,
                served.get(b.id) or None,
                t.activities,
                t.students,
                t.days,
                len(half_year[b.id]),
                b.has_lodging,
                b.gives_allowance,
                t.teachers,
                employed.get(b.enterprise_id, 0) if b.enterprise_id else 0,
            )
        )
    return ReportTable(
        OFFSITE_BASES, OFFSITE_COLUMNS, tuple(rows), tuple((b.id,) for b in bases), ("practice_base",)
    )


def _served_majors(s: Session, base_ids: list[str]) -> dict[str, str]:
    links = s.execute(
        select(PracticeBaseMajor.base_id, PracticeBaseMajor.major_id).where(
            PracticeBaseMajor.base_id.in_(base_ids)
        )
    ).all()
    info = _major_info(s, {m for _, m in links})
    by_base: dict[str, list[str]] = defaultdict(list)
    for base_id, major_id in links:
        if major_id in info:
            by_base[base_id].append(major_id)
    return {
        b: "、".join(info[m][0] for m in sorted(ms, key=lambda m: info[m][1])) for b, ms in by_base.items()
    }


# ---------------------------------------------------------------- 校内实践基地


def base_of_location(location: str, base_names: dict[str, str]) -> str | None:
    """The base an asset's 存放地点 names: the longest base name (name_key) the location starts with.
    `base_names`: base id → name."""
    key = name_key(location)
    matches = [
        (len(name_key(n)), i) for i, n in base_names.items() if name_key(n) and key.startswith(name_key(n))
    ]
    return max(matches)[1] if matches else None


def onsite_table(s: Session, y: Year) -> ReportTable:
    bases = _bases(s, y, onsite=True)
    all_names = dict(
        s.execute(select(PracticeBase.id, PracticeBase.name).where(PracticeBase.deleted_at.is_(None))).all()
    )
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for a in assets_held(s, y.last):
        base_id = base_of_location(a.location, all_names)
        if base_id is None:
            continue
        t = sums[base_id]
        t[0] += a.value_fen
        t[1] += a.value_fen if a.acquired_on >= y.first else 0
        t[2] += a.value_fen if a.contribution_kind == "捐赠" else 0
    rows = tuple((b.name, *sums[b.id], b.capacity, None, None) for b in bases)
    return ReportTable(ONSITE_BASES, ONSITE_COLUMNS, rows, tuple((b.id,) for b in bases), ("practice_base",))


# ---------------------------------------------------------------- 访企拓岗


def visits_table(s: Session, y: Year) -> ReportTable:
    links = s.execute(
        select(Visit.id, Visit.visited_on, Visit.positions_offered, Visit.average_pay_fen)
        .add_columns(Enterprise.id, Enterprise.name, Enterprise.uscc)
        .join(VisitEnterprise, VisitEnterprise.visit_id == Visit.id)
        .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)
        .where(
            Visit.deleted_at.is_(None),
            Enterprise.deleted_at.is_(None),
            Visit.visited_on.between(y.first, y.last),
        )
        .order_by(Visit.visited_on, Visit.id, VisitEnterprise.sort_order)
    ).all()
    per_visit = (
        dict(  # every enterprise the visit names, in the 回收站 or not: its figures are for all of them
            s.execute(
                select(VisitEnterprise.visit_id, func.count())
                .where(VisitEnterprise.visit_id.in_({link[0] for link in links}))
                .group_by(VisitEnterprise.visit_id)
            ).all()
        )
    )
    rows, keys = [], []
    for visit_id, on, positions, pay, ent_id, name, uscc in links:
        single = per_visit[visit_id] == 1
        rows.append((name, uscc or None, on, positions if single else None, pay if single else None))
        keys.append((visit_id, ent_id))
    return ReportTable(VISITS, VISITS_COLUMNS, tuple(rows), tuple(keys), ("visit", "enterprise"))
