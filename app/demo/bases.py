"""演示数据, fifth part: 实践教学基地 and their usage in the last two semesters (the one `today` is in, or has just
ended, and the one before), through the services, the same for the small and the large demo.

Eight bases: two 校内实训基地 (one 引企驻校 with an enterprise), four 校外实践教学基地 (one 省级, one 校级示范) and two
产教融合实训基地 (校企一体 省级, 引校进企 校级示范); the third 专业群's majors are served by one 校外 base only. Usage
rows of every activity, dated inside their semester and, in the current one, not after `today`; the first
major's summary of the previous semester is marked submitted, the others not (N四(四)2 reminders).

The platform tables' fields: every base has its main projects and managers, the 校外 and 产教融合 bases the
专项实习经费 the school pays per student (0 where it pays none), every usage row its 学时 per student, each
校内 base a 社会 training in every semester, and 耗材 / 维护 costs for each of the last three 学年. These draw on
their own random sequence, so the rest of the demo is the same as before they were added.
"""

from __future__ import annotations

import datetime as dt
import random
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Agreement, AgreementEnterprise, Enterprise
from app.progress import Progress, tick
from app.services.bases import (
    ONSITE_KIND,
    BaseData,
    CostData,
    UsageData,
    bounds,
    current_semester,
    mark_summary_submitted,
    save_base,
    save_cost,
    save_usage,
)
from app.services.choices import major_choices

# name ({e}: the enterprise's short name), kind, mode, level, majors (indexes into the college's majors in the
# order of 设置), 工位数, established years ago, lodging, allowance, the industries its enterprise is from ("" none)
BASES = (
    ("智能制造实训中心", "校内实训基地", "", "校级示范", (0, 1, 2, 3), 120, 8, False, False, ""),
    ("新能源汽车检测与维修实训室", "校内实训基地", "引企驻校", "无", (4, 6), 48, 3, False, False, "汽车制造 新能源"),
    ("{e}岗位实习基地", "校外实践教学基地", "", "省级", (0, 3), 60, 6, True, True, "智能制造 电气设备"),
    ("{e}实践教学基地", "校外实践教学基地", "", "校级示范", (1, 2), 40, 4, True, False, "智能制造 工程机械"),
    ("{e}校外实训基地", "校外实践教学基地", "", "无", (4, 5, 6), 35, 2, False, True, "汽车制造"),
    ("{e}农机实践基地", "校外实践教学基地", "", "无", (7, 8), 25, 1, True, False, "现代农业 工程机械"),
    ("智能产线产教融合实训基地", "产教融合实训基地", "校企一体", "省级", (0, 1, 8), 80, 5, False, False, "智能制造"),
    ("新能源汽车产教融合实训基地", "产教融合实训基地", "引校进企", "校级示范", (4, 5), 50, 2, True, True, "新能源 汽车制造"),
)  # fmt: skip
# per base of BASES: main projects (全称), 专项实习经费 元/生 (None: a 校内 base), 专职 and 兼职管理人员
PLATFORM = (
    ("数控车削加工、数控铣削加工、PLC编程与调试、工业机器人编程与操作、机械装配与调试", None, 2, 4),
    ("动力电池检测与维护、驱动电机检修、新能源汽车整车故障诊断、高压安全防护", None, 1, 3),
    ("智能产线运维岗位实习、电气设备安装调试、设备点检与维护", 1200, 0, 2),
    ("机械加工工艺实践、工程机械装配、产品质量检测", 600, 1, 2),
    ("汽车维修接待、汽车保养与检修、钣金与喷涂", 0, 0, 1),
    ("农机装备装配、农机维修与保养、植保无人机操作", 500, 0, 1),
    ("智能产线安装调试、MES系统应用、工业网络组态、机器视觉检测", 1500, 2, 3),
    ("三电系统装调、整车下线检测、充电设施运维", 0, 1, 2),
)  # fmt: skip
HOURS_A_DAY = {"专业认识实习": 4, "技能实训": 6, "岗位实习": 6, "技能竞赛": 8}  # 学时 per student and day
TRAININGS = (
    "面向合作企业职工的电工技能培训",
    "职业技能等级认定培训（社会考生）",
    "新能源汽车维修技术社会培训",
)
TEACHERS = ("李芳", "王磊", "刘强", "陈晨", "杨静", "黄海峰", "周婷", "吴俊", "彭湘", "曾慧")
# activity, students (least, most), days (least, most)
ACTIVITIES = (
    ("专业认识实习", (30, 90), (1, 3)),
    ("技能实训", (20, 60), (5, 15)),
    ("岗位实习", (8, 30), (30, 90)),
    ("技能竞赛", (4, 12), (2, 5)),
)


class _Bases:
    def __init__(self, s: Session, rng: random.Random, today: dt.date, extra: random.Random) -> None:
        self.s, self.rng, self.today = s, rng, today
        self.extra = extra  # the platform fields' own sequence: `rng` draws as before they were added
        self.majors = [c.id for c in major_choices(s)]
        self.partners = [
            tuple(r)
            for r in s.execute(
                select(Enterprise.id, Enterprise.short_name, Enterprise.name, Enterprise.industry)
                .where(Enterprise.deleted_at.is_(None), Enterprise.status == "合作中")
                .order_by(Enterprise.pinyin_full, Enterprise.id)
                .limit(120)
            )
        ]

    def bases(self) -> list[tuple[str, tuple[str, ...]]]:
        out = []
        used: set[str] = set()
        for row, (projects, fee, full_time, part_time) in zip(BASES, PLATFORM, strict=True):
            name, kind, mode, level, majors, capacity, years, lodging, allowance, industries = row
            ent_id, short, full = self._partner(industries.split(), used)
            firm = bool(industries)
            major_ids = tuple(self.majors[m] for m in majors if m < len(self.majors))
            data = BaseData(
                name=name.format(e=short or full[:6]),
                kind=kind,
                mode=mode,
                level=level,
                enterprise_id=ent_id if firm else None,
                agreement_id=self._agreement(ent_id) if firm else None,
                major_ids=major_ids,
                capacity=capacity,
                established_on=dt.date(self.today.year - years, self.rng.choice((3, 6, 9, 10)), 1),
                address="学院实训楼" if kind == "校内实训基地" else "",
                has_lodging=lodging,
                gives_allowance=allowance,
                main_projects=projects,
                fee_per_student_fen=None if fee is None else fee * 100,
                full_time_managers=full_time,
                part_time_managers=part_time,
            )
            out.append((save_base(self.s, data).ids[0], major_ids))
        return out

    def onsite(self, bases: list[tuple[str, tuple[str, ...]]]) -> list[str]:
        return [b for (b, _m), row in zip(bases, BASES, strict=True) if row[1] == ONSITE_KIND]

    def costs(self, onsite: list[str], school_year: str) -> int:
        """耗材 3–12 万元 and 维护 1–6 万元 a 学年 for each 校内 base."""
        for base_id in onsite:
            consumables = self.extra.randrange(30_000, 120_000, 100) * 100
            maintenance = self.extra.randrange(10_000, 60_000, 100) * 100
            save_cost(self.s, CostData(base_id, school_year, consumables, maintenance))
        return len(onsite)

    def trainings(self, onsite: list[str], semesters: list[str]) -> int:
        """One 社会 training at each 校内 base in each semester (no major: the trainees are not students)."""
        n = 0
        for semester in semesters:
            first, last = bounds(self.s, semester)
            last = min(last, self.today)
            if (last - first).days < 4:
                continue
            for base_id in onsite:
                length = self.extra.randint(2, 4)
                start = first + dt.timedelta(days=self.extra.randint(0, (last - first).days - length + 1))
                save_usage(
                    self.s,
                    UsageData(
                        base_id=base_id,
                        semester=semester,
                        activity="技能实训",
                        starts_on=start,
                        ends_on=start + dt.timedelta(days=length - 1),
                        students=self.extra.randint(20, 50),
                        teachers=self.extra.choice(TEACHERS),
                        note=self.extra.choice(TRAININGS),
                        hours=length * 8,
                        audience="社会",
                    ),
                )
                n += 1
        return n

    def _partner(self, industries: list[str], used: set[str]) -> tuple[str, str, str]:
        fitting = (
            [p for p in self.partners if p[3] in industries and p[0] not in used]
            or [p for p in self.partners if p[0] not in used]
            or self.partners
        )
        ent_id, short, full, _industry = self.rng.choice(fitting)
        if industries:
            used.add(ent_id)
        return ent_id, short, full

    def _agreement(self, enterprise_id: str) -> str | None:
        return self.s.scalar(
            select(AgreementEnterprise.agreement_id)
            .join(Agreement, Agreement.id == AgreementEnterprise.agreement_id)
            .where(AgreementEnterprise.enterprise_id == enterprise_id, Agreement.deleted_at.is_(None))
            .limit(1)
        )

    def usage(self, bases: list[tuple[str, tuple[str, ...]]], semesters: list[str]) -> int:
        n = 0
        for semester in semesters:
            first, last = bounds(self.s, semester)
            last = min(last, self.today)
            if last < first:
                continue
            for base_id, majors in bases:
                for major_id in majors:
                    for activity, students, days in self.rng.sample(ACTIVITIES, self.rng.randint(1, 2)):
                        n += self._row(base_id, major_id, semester, first, last, activity, students, days)
        return n

    def _row(self, base_id, major_id, semester, first, last, activity, students, days) -> int:
        span = (last - first).days + 1
        length = min(self.rng.randint(*days), span)
        start = first + dt.timedelta(days=self.rng.randint(0, span - length))
        count = self.rng.randint(*students)
        save_usage(
            self.s,
            UsageData(
                base_id=base_id,
                semester=semester,
                activity=activity,
                major_id=major_id,
                starts_on=start,
                ends_on=start + dt.timedelta(days=length - 1),
                students=count,
                person_days=count * length - (self.rng.randint(0, count // 4) if length > 1 else 0),
                teachers="、".join(self.rng.sample(TEACHERS, self.rng.randint(1, 3))),
                hours=length * HOURS_A_DAY[activity],
            ),
        )
        return 1


def fill_bases(
    s: Session,
    *,
    seed: int,
    today: dt.date,
    progress: Progress,
    cancel: threading.Event | None,
    at: float = 0.996,
) -> dict[str, int]:
    """Bases and their usage in the current and the previous semester (needs partners and majors)."""
    work = _Bases(s, random.Random(seed * 7919), today, random.Random(seed * 7919 + 1))
    if not work.partners or not work.majors:
        return {}
    tick(progress, cancel, at, "正在生成实践基地与使用记录")
    bases = work.bases()
    current = current_semester(s, today)
    y = int(current[:4])
    previous = f"{y}-{y + 1}-1" if current.endswith("-2") else f"{y - 1}-{y}-2"
    counts = {"实践基地": len(bases), "基地使用记录": work.usage(bases, [previous, current])}
    mark_summary_submitted(s, work.majors[0], previous, bounds(s, previous)[1])
    onsite = work.onsite(bases)
    counts["基地使用记录"] += work.trainings(onsite, [previous, current])
    counts["基地费用记录"] = sum(work.costs(onsite, f"{y - k}-{y - k + 1}") for k in range(3))
    return counts
