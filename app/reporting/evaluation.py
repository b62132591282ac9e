"""年度考核指标 (H第二十二条): the indicators of a 学年 computed from the records, each with the sentence saying
exactly what it counts (shown next to the value) and the records it counts (for the click-through).

Choices (each indicator's `definition` says the same to the user):
- 合作中的企业, 可提供岗位数, 基地使用天数: app/reporting/period_figures.py, the one computation the 工作台, the
  自评报告, the package and the school's merge read too (合作中 as of the 学年's last day, or today when that is
  earlier; the other two are the sums of the 访企拓岗 and 校外实习实训基地 tables' columns).
- 学年: first day of semester 1 to the day before the next 学年 starts (设置 → 学期日历); a record dated on the
  first or the last day counts, the day after does not. Graduates: those of the 学年's end year.
- 基地使用人天: the 人天 of both semesters' base usage (app/services/base_usage.py: manual rows, and the
  internships placed at a base counted automatically, a manual row replacing the automatic figure of the same
  base, major and activity). The summer break belongs to no semester and is not counted.
- 设备总值: every live asset of the 资产登记 (all owners) held at the 学年's last day: acquired on or before it,
  not disposed of on or before it; assets without an acquisition date are left out.
- 订单/学徒培养学生数: students with a 岗位实习 in the 学年 at an enterprise that is party to an 订单培养 or
  现代学徒制 agreement (生效 / 到期) or project in force in the 学年 (a project naming majors: students of those
  majors only). Nothing else records an order class.
- 岗位实习学生数: students with a 岗位实习 overlapping the 学年 (not 计划; 终止 counts).
- 双师型教师比例: live 专任 teachers marked 双师型 (certified, if dated, by the last day) / live 专任 teachers;
  the archive has no hiring or leaving dates, so it is today's roster. None when there is no 专任 teacher.
- 产业教师数: live 产业 teachers whose appointment overlaps the 学年 (no start = always, no end = still).
- 教师企业实践月数: for each live 专任 teacher the days of enterprise practice inside the 学年 (overlapping records
  counted once), summed, / 30, one decimal.
- 横向课题合同额: the contract amounts of 横向课题 dated (signed) in the 学年 — the app records contract amounts,
  not money received (到账).
- 专利数: 专利 achievements dated (granted) in the 学年.
- 技术服务项数 / 金额: 技术服务, 技术转让, 技术咨询 achievements dated in the 学年 and their contract amounts.
- 就业率, 专业对口率, 平均月薪: app/services/employment.py employment_figures for the end year's graduates.
Ratios are floats in 0..1 with their numerator and denominator; money in fen.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db.models import (
    EMPLOYED_STATUSES,
    Achievement,
    Employment,
    EnterprisePractice,
    Student,
    Teacher,
)
from app.domain.money import format_money
from app.domain.practice import DAYS_PER_MONTH, merged
from app.package.period import period_of
from app.reporting.facts import Year, assets_held, placements, scheme_kinds, schemes, year_of
from app.reporting.period_figures import (
    BASE_DAYS,
    BASE_DAYS_COLUMN,
    COOPERATING,
    DEFINITIONS,
    POSITIONS,
    POSITIONS_COLUMN,
    as_of,
    column_sum,
    cooperating_definition,
    cooperating_enterprises,
    period_tables,
)
from app.reporting.tables import ReportTable, ReportTables
from app.services.base_usage import semester_usage
from app.services.employment import employment_figures

GROUPS = ("资源利用", "人才培养", "师资建设", "科研成果", "就业创业")
KINDS = ("count", "fen", "ratio", "decimal")


@dataclass(frozen=True)
class Indicator:
    group: str  # one of GROUPS
    key: str
    name: str
    value: int | float | None  # None: undefined (denominator 0), shown as “—”
    kind: str  # count (int) / fen (int) / ratio (0..1) / decimal (one place)
    unit: str  # shown after the value: 人天, 元, 人, 个月, 项 …
    definition: str  # one sentence: exactly what is counted
    records: tuple[str, tuple[str, ...]]  # (record type, ids) it counts
    numerator: int | None = None  # ratios only
    denominator: int | None = None

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if self.kind == "fen":
            return format_money(int(self.value), symbol=False) + self.unit
        if self.kind == "ratio":
            return f"{self.value:.1%}（{self.numerator}/{self.denominator}）"
        if self.kind == "decimal":
            return f"{self.value:.1f}{self.unit}"
        return f"{self.value}{self.unit}"


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def annual_indicators(
    s: Session,
    school_year: str,
    today: dt.date | None = None,
    *,
    tables: ReportTables | None = None,
    headline: bool = True,
) -> list[Indicator]:
    """The indicators of a 学年 like 2025-2026, in the order of GROUPS. `headline`: with the period figures
    (合作中的企业, 可提供岗位数, 基地使用天数: they need the standard tables — `tables` when already computed for
    this 学年); a trend of other indicators leaves them out."""
    y = year_of(s, school_year)
    return [
        *(_headline(s, y, today, tables) if headline else ()),
        *_resources(s, y),
        *_training(s, y),
        *_teachers(s, y),
        *_research(s, y),
        *_employment(s, y),
    ]


# ---------------------------------------------------------------- 资源利用


def _headline(s: Session, y: Year, today: dt.date | None, tables: ReportTables | None) -> list[Indicator]:
    period = period_of(s, year=y.school_year)
    day = as_of(period, today)
    tables = tables if tables is not None else period_tables(s, period, today)
    partners = cooperating_enterprises(s, day)
    visits, bases = tables.table(POSITIONS_COLUMN[0]), tables.table(BASE_DAYS_COLUMN[0])
    return [
        Indicator(
            "资源利用",
            "partners",
            COOPERATING,
            len(partners),
            "count",
            "家",
            cooperating_definition(day),
            ("enterprise", tuple(partners)),
        ),
        Indicator(
            "资源利用",
            "positions",
            POSITIONS,
            column_sum(visits, POSITIONS_COLUMN[1]),
            "count",
            "个",
            DEFINITIONS[POSITIONS],
            ("visit", _keys_with(visits, POSITIONS_COLUMN[1])),
        ),
        Indicator(
            "资源利用",
            "base_days",
            BASE_DAYS,
            column_sum(bases, BASE_DAYS_COLUMN[1]),
            "count",
            "天",
            DEFINITIONS[BASE_DAYS],
            ("practice_base", _keys_with(bases, BASE_DAYS_COLUMN[1])),
        ),
    ]


def _keys_with(table: ReportTable, header: str) -> tuple[str, ...]:
    """The records (first key of each row) whose `header` cell is more than 0, each once."""
    i = table.headers.index(header)
    return tuple(dict.fromkeys(k[0] for r, k in zip(table.rows, table.keys, strict=True) if r[i] and k[0]))


def _resources(s: Session, y: Year) -> list[Indicator]:
    person_days, base_ids = 0, {}
    for semester in y.semesters:
        usage = semester_usage(s, semester)
        person_days += usage.totals.person_days
        base_ids.update(dict.fromkeys(g.key_id for g in usage.by_base if g.totals.person_days))
    held = assets_held(s, y.last)
    return [
        Indicator(
            "资源利用",
            "base_person_days",
            "基地使用人天",
            person_days,
            "count",
            "人天",
            f"{y.semesters[0]}、{y.semesters[1]}两个学期实践基地使用记录的人天之和（含安排在基地的实习按天自动计入，"
            "同一基地、专业、活动已手工登记的以手工为准；暑假不属任何学期，不计）。",
            ("practice_base", tuple(base_ids)),
        ),
        Indicator(
            "资源利用",
            "equipment_value_fen",
            "设备总值",
            sum(a.value_fen for a in held),
            "fen",
            "元",
            f"截至{y.last.isoformat()}仍在册的产教融合资产（购置日期不晚于该日、该日前未处置，含各权属）"
            "数量×单价之和；未填购置日期的资产不计。",
            ("asset", tuple(a.id for a in held)),
        ),
    ]


# ---------------------------------------------------------------- 人才培养


def _training(s: Session, y: Year) -> list[Indicator]:
    found = placements(s, y)
    scheme_list = schemes(s, y)
    ordered = [p.student_id for p in found if scheme_kinds(scheme_list, p.enterprise_id, p.major_id)]
    interns = [p.student_id for p in found]
    return [
        Indicator(
            "人才培养",
            "order_students",
            "订单/学徒培养学生数",
            len(set(ordered)),
            "count",
            "人",
            f"{y.span}有岗位实习（不含计划中的）、且实习单位是本学年有效的订单培养或现代学徒制协议（生效或到期）"
            "或项目（项目指定专业的，只算这些专业的学生）的合作企业的学生人数，每人只算一次。",
            ("student", tuple(dict.fromkeys(ordered))),
        ),
        Indicator(
            "人才培养",
            "interns",
            "岗位实习学生数",
            len(set(interns)),
            "count",
            "人",
            f"实习期与{y.span}有交叉的岗位实习（不含计划中的，含已终止的）的学生人数，每人只算一次。",
            ("student", tuple(dict.fromkeys(interns))),
        ),
    ]


# ---------------------------------------------------------------- 师资建设


def _teachers(s: Session, y: Year) -> list[Indicator]:
    fulltime = s.execute(
        select(Teacher.id, Teacher.is_dual, Teacher.dual_certified_on).where(
            Teacher.deleted_at.is_(None), Teacher.kind == "专任"
        )
    ).all()
    dual = [t for t, is_dual, on in fulltime if is_dual and (on is None or on <= y.last)]
    industry = s.scalars(
        select(Teacher.id).where(
            Teacher.deleted_at.is_(None),
            Teacher.kind == "产业",
            or_(Teacher.appointed_from.is_(None), Teacher.appointed_from <= y.last),
            or_(Teacher.appointed_to.is_(None), Teacher.appointed_to >= y.first),
        )
    ).all()
    days, practice_ids = _practice_days(s, y)
    return [
        Indicator(
            "师资建设",
            "dual_ratio",
            "双师型教师比例",
            _ratio(len(dual), len(fulltime)),
            "ratio",
            "",
            f"标记为双师型（有认定日期的须不晚于{y.last.isoformat()}）的专任教师数÷专任教师总数，按当前教师档案"
            "（档案不记入职、离职日期）；没有专任教师时无法计算。",
            ("teacher", tuple(dual)),
            len(dual),
            len(fulltime),
        ),
        Indicator(
            "师资建设",
            "industry_teachers",
            "产业教师数",
            len(industry),
            "count",
            "人",
            f"聘任期与{y.span}有交叉的产业教师（企业兼职教师）人数（未填聘任起止日期的视为一直在聘）。",
            ("teacher", tuple(industry)),
        ),
        Indicator(
            "师资建设",
            "practice_months",
            "教师企业实践月数",
            round(days / DAYS_PER_MONTH, 1),
            "decimal",
            "个月",
            f"专任教师企业实践记录落在{y.span}内的天数（首尾两天都算，同一教师重叠的记录只算一次）之和÷30。",
            ("enterprise_practice", practice_ids),
        ),
    ]


def _practice_days(s: Session, y: Year) -> tuple[int, tuple[str, ...]]:
    rows = s.execute(
        select(EnterprisePractice.id, EnterprisePractice.teacher_id, EnterprisePractice.starts_on)
        .add_columns(EnterprisePractice.ends_on)
        .join(Teacher, Teacher.id == EnterprisePractice.teacher_id)
        .where(
            EnterprisePractice.deleted_at.is_(None),
            Teacher.deleted_at.is_(None),
            Teacher.kind == "专任",
            EnterprisePractice.starts_on <= y.last,
            EnterprisePractice.ends_on >= y.first,
        )
        .order_by(EnterprisePractice.starts_on, EnterprisePractice.id)
    ).all()
    periods: dict[str, list[tuple]] = defaultdict(list)
    for _, teacher_id, start, end in rows:
        periods[teacher_id].append((max(start, y.first), min(end, y.last)))
    days = sum((b - a).days + 1 for spans in periods.values() for a, b in merged(spans))
    return days, tuple(r[0] for r in rows)


# ---------------------------------------------------------------- 科研成果


SERVICE_KINDS = ("技术服务", "技术转让", "技术咨询")


def _research(s: Session, y: Year) -> list[Indicator]:
    rows = s.execute(
        select(Achievement.id, Achievement.kind, Achievement.amount_fen)
        .where(
            Achievement.deleted_at.is_(None),
            Achievement.dated_on.between(y.first, y.last),
            Achievement.kind.in_(("横向课题", "专利", *SERVICE_KINDS)),
        )
        .order_by(Achievement.dated_on, Achievement.id)
    ).all()
    horizontal = [(i, fen) for i, kind, fen in rows if kind == "横向课题"]
    patents = [i for i, kind, _ in rows if kind == "专利"]
    services = [(i, fen) for i, kind, fen in rows if kind in SERVICE_KINDS]
    return [
        Indicator(
            "科研成果",
            "horizontal_fen",
            "横向课题合同额",
            sum(f for _, f in horizontal),
            "fen",
            "元",
            f"签订日期在{y.span}的横向课题合同金额之和（系统记录合同额，不记录到账额）。",
            ("achievement", tuple(i for i, _ in horizontal)),
        ),
        Indicator(
            "科研成果",
            "patents",
            "专利数",
            len(patents),
            "count",
            "项",
            f"授权日期（成果日期）在{y.span}的专利成果项数。",
            ("achievement", tuple(patents)),
        ),
        Indicator(
            "科研成果",
            "service_count",
            "技术服务项数",
            len(services),
            "count",
            "项",
            f"日期在{y.span}的技术服务、技术转让、技术咨询成果项数（横向课题另计）。",
            ("achievement", tuple(i for i, _ in services)),
        ),
        Indicator(
            "科研成果",
            "service_fen",
            "技术服务金额",
            sum(f for _, f in services),
            "fen",
            "元",
            f"日期在{y.span}的技术服务、技术转让、技术咨询成果的合同金额之和（横向课题另计）。",
            ("achievement", tuple(i for i, _ in services)),
        ),
    ]


# ---------------------------------------------------------------- 就业创业


def _employment(s: Session, y: Year) -> list[Indicator]:
    year = y.end_year
    total = next((f for f in employment_figures(s, year) if f.major_name == ""), None)
    rows = s.execute(
        select(Employment.id, Employment.status, Employment.monthly_salary_fen)
        .join(Student, Student.id == Employment.student_id)
        .where(
            Employment.graduate_year == year, Employment.deleted_at.is_(None), Student.deleted_at.is_(None)
        )
        .order_by(Student.student_no, Employment.id)
    ).all()
    everyone = tuple(i for i, _, _ in rows)
    employed = tuple(i for i, status, _ in rows if status in EMPLOYED_STATUSES)
    paid = tuple(i for i, status, fen in rows if status in EMPLOYED_STATUSES and fen > 0)
    graduates = total.graduates if total else 0
    return [
        Indicator(
            "就业创业",
            "employment_rate",
            "就业率",
            total.employment_rate if total else None,
            "ratio",
            "",
            f"{year}届毕业生中去向不是“待就业”的人数÷有就业记录的{year}届毕业生人数；没有毕业生记录时无法计算。",
            ("employment", everyone),
            total.employed if total else 0,
            graduates,
        ),
        Indicator(
            "就业创业",
            "related_rate",
            "专业对口率",
            total.related_rate if total else None,
            "ratio",
            "",
            f"{year}届协议就业、灵活就业、自主创业的毕业生中标记为专业对口的人数÷这些毕业生人数；没有这样的毕业生时"
            "无法计算。",
            ("employment", employed),
            total.related if total else 0,
            total.with_employer if total else 0,
        ),
        Indicator(
            "就业创业",
            "average_salary_fen",
            "平均月薪",
            total.average_salary_fen if total else None,
            "fen",
            "元",
            f"{year}届协议就业、灵活就业、自主创业且填了月薪的毕业生的月薪平均值（未填的不计）；没有填月薪的毕业生时"
            "无法计算。",
            ("employment", paid),
        ),
    ]
