"""Fixed data for the annual indicators and the standard report tables of 学年 2025-2026 (2025-09-01 to
2026-08-31 by the default calendar), built through the services, with records on the 学年's first and last
day (they count) and the day after (it does not). The expected figures are worked out by hand in
tests/core/test_evaluation.py and tests/core/test_report_tables.py."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db.engine import Database
from app.db.models import Major
from app.services.agreements import AgreementData, create_agreement
from app.services.assets import AssetData, DisposalData, create_asset, dispose_asset
from app.services.bases import BaseData, CostData, UsageData, save_base, save_cost, save_usage
from app.services.employment import EmploymentData, save_employment
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.internships import InternshipData, create_internship, set_status
from app.services.outcomes import AchievementData, TrainingData, save_achievement, save_training
from app.services.projects import ProjectData, create_project
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.students import StudentData, create_student
from app.services.teachers import PracticeData, TeacherData, add_practice, create_teacher
from app.services.visits import VisitData, VisitStop, create_visit
from tests.codes import valid_uscc

D = dt.date
YEAR = "2025-2026"
TODAY = D(2026, 11, 23)
M1, M2 = "机电一体化技术", "新能源汽车技术"  # in this order in 设置
C1, C2 = "460301", "460702"  # their 专业代码
PROFILE = CollegeProfile(
    "湖南湘麓职业技术学院",
    "机电工程学院",
    (
        MajorGroupInfo("智能制造专业群", (M1,), codes=(C1,)),
        MajorGroupInfo("新能源汽车专业群", (M2,), codes=(C2,)),
    ),
)
E1 = "湖南甲智能装备有限公司"
E2 = "=湖南乙汽车有限公司"  # Excel would read it as a formula
E3 = "湖南丙科技有限公司"
B1 = "乙汽车校外实践基地"  # 校外, of E2
B2 = "智能制造实训中心"  # 校内
B3 = "智能制造实训中心B区"  # 校内: a longer name starting like B2
B4 = "丙科技实践基地"  # 校外, established the day after the 学年


def fill(db: Database) -> dict[str, str]:
    """Build the data; returns ids by name (enterprises, majors, bases, students S1…S7, teachers …)."""
    with db.session() as s:
        save_profile(s, PROFILE)
        ids = dict(s.execute(select(Major.name, Major.id)).all())
        ids[E1] = _ent(
            s, EnterpriseData(name=E1, uscc=valid_uscc(1), cooperation_start=D(2023, 5, 10), staff_count=1200)
        )
        ids[E2] = _ent(s, EnterpriseData(name=E2, staff_count=850))
        ids[E3] = _ent(s, EnterpriseData(name=E3, uscc=valid_uscc(3)))
        _schemes(s, ids)
        _bases(s, ids)
        _students(s, ids)
        _assets(s, ids)
        _teachers(s, ids)
        _outcomes(s, ids)
        _employment(s, ids)
        _visits(s, ids)
    return ids


def _ent(s, data: EnterpriseData) -> str:
    return create_enterprise(s, data).ids[0]


def _schemes(s, ids: dict[str, str]) -> None:
    # 订单培养 with E1, in force: covers every major
    create_agreement(
        s,
        AgreementData("甲订单班协议", "订单培养", (ids[E1],), "XY-2025-01", D(2025, 6, 1), D(2025, 7, 1),
                      D(2027, 6, 30), status="生效"),
    )  # fmt: skip
    # 订单培养 with E3, only a draft: not in force
    create_agreement(s, AgreementData("丙订单班协议（草稿）", "订单培养", (ids[E3],)))
    # 现代学徒制 with E2 for M2 only
    create_project(
        s,
        ProjectData("乙学徒制试点", "现代学徒制", starts_on=D(2025, 9, 1), enterprise_ids=(ids[E2],),
                    major_ids=(ids[M2],)),
    )  # fmt: skip


def _bases(s, ids: dict[str, str]) -> None:
    ids[B1] = save_base(
        s,
        BaseData(B1, "校外实践教学基地", enterprise_id=ids[E2], major_ids=(ids[M2],), capacity=30,
                 established_on=D(2024, 9, 1), has_lodging=True, gives_allowance=False,
                 main_projects="整车装配实习、动力电池检测实训", fee_per_student_fen=50_000),
    ).ids[0]  # fmt: skip
    ids[B2] = save_base(
        s,
        BaseData(B2, "校内实训基地", major_ids=(ids[M2], ids[M1]), capacity=40, established_on=D(2020, 1, 1),
                 main_projects="PLC编程实训、工业机器人实训", full_time_managers=1, part_time_managers=2),
    ).ids[0]  # fmt: skip
    ids[B3] = save_base(s, BaseData(B3, "校内实训基地", capacity=12)).ids[0]
    ids[B4] = save_base(
        s, BaseData(B4, "校外实践教学基地", enterprise_id=ids[E3], established_on=D(2026, 9, 1))
    ).ids[0]
    for data in (
        UsageData(ids[B2], "2025-2026-1", "技能实训", ids[M1], D(2025, 10, 13), D(2025, 10, 17), students=40, days=5,
                  person_days=200, teacher_count=2, hours=8),
        UsageData(ids[B2], "2025-2026-2", "技能竞赛", ids[M1], D(2026, 3, 16), D(2026, 3, 18), students=10, days=3,
                  person_days=30, teacher_count=1, hours=4),
        UsageData(ids[B2], "2024-2025-2", "技能实训", ids[M1], students=999, days=1, person_days=999),
    ):  # fmt: skip
        save_usage(s, data)
    for year, consumables, maintenance in (("2025-2026", 1_234_500, 500_000), ("2026-2027", 99_999_900, 1)):
        save_cost(s, CostData(ids[B2], year, consumables, maintenance))


def _students(s, ids: dict[str, str]) -> None:
    for n, major in enumerate((M1, M1, M1, M2, M1, M2, M1), start=1):
        ids[f"S{n}"] = create_student(
            s,
            StudentData(
                f"2023{n:04d}", f"学生{n}", major_id=ids[major], class_name="23级1班", entry_year=2023
            ),
        ).ids[0]
    placed = [
        ("S1", "岗位实习", E1, None, D(2025, 9, 1), D(2026, 2, 28)),  # starts on the first day
        ("S2", "岗位实习", E1, None, D(2026, 8, 31), D(2026, 12, 31)),  # starts on the last day
        ("S3", "岗位实习", E1, None, D(2026, 9, 1), D(2026, 12, 31)),  # the day after: not counted
        ("S4", "岗位实习", E2, B1, D(2025, 10, 1), D(2026, 6, 30)),  # at B1, 273 days
        ("S5", "岗位实习", E2, None, D(2025, 10, 1), D(2026, 1, 31)),  # M1 at E2: not the 学徒制's major
        ("S7", "认识实习", E1, None, D(2025, 11, 1), D(2025, 11, 5)),  # not a 岗位实习
    ]
    signed = []
    for who, kind, ent, base, start, end in placed:
        data = InternshipData(ids[who], start, end, kind, ids[ent], ids[base] if base else None,
                              academic_mentor="李老师")  # fmt: skip
        signed.append(create_internship(s, data).ids[0])
    set_status(s, signed, "协议已签")
    # S6 at E3, still 计划: not counted
    create_internship(s, InternshipData(ids["S6"], D(2025, 10, 1), D(2026, 3, 1), "岗位实习", ids[E3]))


def _assets(s, ids: dict[str, str]) -> None:
    at_b2, at_b3 = f"{B2} A101", f"{B3} 101"
    rows = [  # name, quantity, unit value, location, acquired, 投入方式, 投入企业, major
        ("X1", 2, 10_000_000, at_b2, D(2024, 5, 1), "捐赠", E1, M1),
        ("X2", 1, 5_000_000, at_b3, D(2026, 8, 31), "准捐赠", E2, M2),  # the last day
        ("X3", 1, 3_000_000, f"{B2} A102", D(2025, 9, 1), "捐赠", E1, M1),  # the first day
        ("X4", 1, 7_000_000, at_b2, D(2026, 9, 1), "捐赠", E1, M1),  # the day after
        ("X5", 1, 1_000_000, at_b2, D(2023, 1, 1), "", None, None),  # disposed on the last day
        ("X6", 1, 2_000_000, at_b2, D(2023, 1, 1), "", None, None),  # disposed the day after; 自主研制
        ("X7", 1, 9_999, at_b2, None, "", None, None),  # no acquisition date
    ]
    for name, qty, fen, place, on, kind, ent, major in rows:
        ids[name] = create_asset(
            s,
            AssetData(name, qty, fen, location=place, acquired_on=on, contribution_kind=kind,
                      contributed_by_id=ids[ent] if ent else None, major_id=ids[major] if major else None,
                      custodian="王老师", self_made=name == "X6"),
        ).ids[0]  # fmt: skip
    dispose_asset(s, DisposalData(ids["X5"], "清算", D(2026, 8, 31)))
    dispose_asset(s, DisposalData(ids["X6"], "清算", D(2026, 9, 1)))


def _teachers(s, ids: dict[str, str]) -> None:
    def teacher(key: str, data: TeacherData) -> None:
        ids[key] = create_teacher(s, data).ids[0]

    teacher("T1", TeacherData("张一", "T001", "专任", ids[M1], True, "技师", D(2020, 1, 1)))
    teacher(
        "T2", TeacherData("张二", "T002", "专任", ids[M1], True, "技师", D(2026, 9, 1))
    )  # certified after
    teacher("T3", TeacherData("张三", "T003", "专任", ids[M2]))
    teacher("I1", TeacherData("产一", "", "产业", ids[M1], employer_id=ids[E1],
                              appointed_from=D(2024, 9, 1), appointed_to=D(2025, 8, 31)))  # fmt: skip
    teacher(
        "I2", TeacherData("产二", "", "产业", ids[M1], employer_id=ids[E1], appointed_from=D(2026, 8, 31))
    )
    teacher("I3", TeacherData("产三", "", "产业", ids[M2], employer_id=ids[E2]))
    for key, start, end in (
        ("T1", D(2025, 8, 1), D(2025, 9, 30)),  # 30 days inside the 学年
        ("T1", D(2025, 9, 15), D(2025, 10, 14)),  # overlaps: 09-01…10-14 = 44 days in all
        ("T3", D(2026, 8, 31), D(2026, 9, 30)),  # 1 day inside
        ("T3", D(2026, 9, 1), D(2026, 9, 30)),  # outside
    ):
        add_practice(s, PracticeData(ids[key], start, end, ids[E1]))


def _outcomes(s, ids: dict[str, str]) -> None:
    e1, e2, m1 = ids[E1], ids[E2], ids[M1]
    for data in (
        AchievementData("横向课题", "产线优化", D(2025, 9, 1), e1, m1, 50_000_000),
        AchievementData("横向课题", "下一学年的课题", D(2026, 9, 1), e1, m1, 1_000),
        AchievementData("专利", "一种刀具检测装置", D(2026, 8, 31), e1, m1),
        AchievementData("专利", "上一学年的专利", D(2025, 8, 31), e1, m1),
        AchievementData("技术服务", "设备改造", D(2026, 1, 10), e1, m1, 1_234_560),
        AchievementData("技术咨询", "工艺咨询", D(2026, 5, 1), e2, None, 99),
        AchievementData("共同开发课程", "工业机器人编程", D(2025, 12, 1), e1, m1),
    ):
        save_achievement(s, data)
    save_training(
        s, TrainingData("岗前培训", "新员工入职", D(2025, 12, 1), e1, m1, trainees=20, person_days=60)
    )


def _employment(s, ids: dict[str, str]) -> None:
    for who, status, ent, name, related, pay, year in (
        ("S1", "协议就业", E1, "", True, 500_000, 2026),
        ("S2", "灵活就业", None, "个体经营", False, 0, 2026),
        ("S4", "协议就业", E2, "", True, 600_000, 2026),
        ("S5", "待就业", None, "", False, 0, 2026),
        ("S7", "升学", None, "", False, 0, 2026),
        ("S3", "协议就业", E1, "", True, 900_000, 2025),  # another year's graduates
    ):
        save_employment(
            s, EmploymentData(ids[who], year, status, ids[ent] if ent else None, name, related, pay)
        )


def _visits(s, ids: dict[str, str]) -> None:
    for on, ents, positions, pay in (
        (D(2025, 9, 1), (E1,), 5, 600_000),
        (D(2026, 8, 31), (E1, E3), 8, 500_000),  # two enterprises: the figures are E1's, none for E3
        (D(2026, 9, 1), (E2,), 3, 400_000),  # the day after
    ):
        first = ids[ents[0]]  # as migration 0010 moves a visit's figures: onto its first enterprise
        stop = VisitStop(first, positions=positions, average_pay_fen=pay)
        data = VisitData(on, tuple(ids[e] for e in ents), "院长", stops=(stop,))
        ids[f"V{on}"] = create_visit(s, data, today=TODAY).ids[0]
