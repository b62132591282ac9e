"""The figures behind the 工作台 charts (app/reporting/chart_data.py) on fixed data, worked out by hand: partners
by tier and category, internships by enterprise and month (tests/report_data.py), funds per project, and the
five-学年 indicator trend."""

from __future__ import annotations

import datetime as dt

import pytest

from app.db.engine import Database
from app.reporting.chart_data import NO_CATEGORY, chart_data, indicator_trend, school_years_back
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.funds import BudgetData, LedgerData, budget_categories, create_budget, create_ledger_entry
from app.services.projects import ProjectData, create_project
from tests import report_data as data

D = dt.date


def fill_partners(s) -> dict[str, str]:
    """A (上市公司, 链主企业) and B (校友企业) in a 融合层 project, C (no category) in a 基础层 one only, F 合作中
    without a project, D only 意向 (not counted). A is also in the 基础层 project: its highest tier counts."""

    def ent(name: str, status: str = "合作中", categories: tuple[str, ...] = ()) -> str:
        return create_enterprise(s, EnterpriseData(name=name, status=status, categories=categories)).ids[0]

    ids = {
        "A": ent("湖南甲上市有限公司", categories=("上市公司", "链主企业")),
        "B": ent("湖南乙校友有限公司", categories=("校友企业",)),
        "C": ent("湖南丙有限公司"),
        "D": ent("湖南丁意向有限公司", "意向", ("上市公司",)),
        "F": ent("湖南戊有限公司"),
    }
    ids["P1"] = create_project(
        s, ProjectData("智能制造产业学院", "现代产业学院", enterprise_ids=(ids["A"], ids["B"]))
    ).ids[0]
    ids["P2"] = create_project(s, ProjectData("订单班", "订单培养", enterprise_ids=(ids["A"], ids["C"]))).ids[
        0
    ]
    return ids


def test_partners_by_tier_and_category(db: Database) -> None:
    with db.session() as s:
        fill_partners(s)
    with db.reader() as s:
        d = chart_data(s, D(2026, 11, 23))
    assert [(c.label, c.value) for c in d.partners_by_tier] == [
        ("融合层", 2),  # A, B
        ("深化层", 0),
        ("基础层", 1),  # C
        ("尚无项目", 1),  # F
    ]
    assert d.partners == 4
    cats = {c.label: c.value for c in d.partners_by_category}
    assert cats == {
        "世界500强": 0,
        "中国500强": 0,
        "上市公司": 1,  # A; not D (意向)
        "链主企业": 1,
        "行业龙头企业": 0,
        "行业特色明显的中小微企业": 0,
        "校友企业": 1,
        NO_CATEGORY: 2,  # C, F
    }
    assert list(cats)[-1] == NO_CATEGORY


def test_internships_by_enterprise_and_month(db: Database) -> None:
    data.fill(db)
    with db.reader() as s:
        d = chart_data(s, D(2026, 3, 15))  # 学年 2025-2026: 2025-09-01 … 2026-08-31
    assert d.school_year == "2025-2026"
    # Not 计划, overlapping the 学年: E1 — S1, S2 (starts on the last day), S7 (认识实习); E2 — S4 (at E2's base
    # B1), S5. Not S3 (starts the day after), S6 (计划).
    assert [(c.label, c.value) for c in d.internships_by_enterprise] == [(data.E1, 3), (data.E2, 2)]
    assert d.enterprises_left_out == 0
    assert d.internships_by_enterprise[0].tip == data.E1
    months = [(m.month, m.by_kind) for m in d.internships_by_month]
    assert [m for m, _k in months] == [D(2025, 9, 1), *(D(2025, n, 1) for n in (10, 11, 12))] + [
        D(2026, n, 1) for n in range(1, 9)
    ]
    # (岗位实习, 认识实习) under way in each month: S1 Sep–Feb, S4 Oct–Jun, S5 Oct–Jan, S2 from Aug 31, S7 in Nov.
    assert [k for _m, k in months] == [
        (1, 0),  # Sep: S1
        (3, 0),  # Oct: S1 S4 S5
        (3, 1),  # Nov: + S7
        (3, 0),
        (3, 0),  # Jan
        (2, 0),  # Feb: S1 S4
        (1, 0),  # Mar–Jun: S4
        (1, 0),
        (1, 0),
        (1, 0),
        (0, 0),  # Jul
        (1, 0),  # Aug: S2 from the 31st
    ]
    assert d.internships_by_month[0].label == "9月"


def test_funds_of_the_year_per_project(db: Database) -> None:
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湖南经费有限公司", status="合作中")).ids[0]
        cats = {c.name: c.id for c in budget_categories(s)}

        def project(name: str) -> str:
            return create_project(s, ProjectData(name, "订单培养", enterprise_ids=(ent,))).ids[0]

        p1, p2 = project("订单班一"), project("订单班二")
        create_budget(s, BudgetData(2026, p1, cats["设备"], 10_000_000))  # 100,000.00元
        create_budget(s, BudgetData(2026, p1, cats["材料"], 2_000_000))
        create_budget(s, BudgetData(2025, p1, cats["设备"], 99_000_000))  # another year
        for on, direction, fen, pid, cat in (
            (D(2026, 3, 1), "支出", 3_000_000, p1, "设备"),
            (D(2026, 4, 1), "支出", 2_500_000, p1, "材料"),
            (D(2026, 5, 1), "收入", 500_000, p1, "材料"),  # income: not spent
            (D(2025, 12, 31), "支出", 999_999, p1, "设备"),  # last year
            (D(2026, 6, 1), "支出", 100_000, p2, None),  # P2: no budget
        ):
            create_ledger_entry(s, LedgerData(on, direction, fen, pid, cats[cat] if cat else None))
        extra = [project(f"小项目{n:02d}") for n in range(1, 10)]  # 11 projects with money in all
        for n, pid in enumerate(extra, start=1):
            create_budget(s, BudgetData(2026, pid, cats["其他"], n * 1_000))
    with db.reader() as s:
        d = chart_data(s, D(2026, 11, 23))
    assert d.year == 2026
    assert [(p.name, p.budget_fen, p.spent_fen) for p in d.funds[:2]] == [
        ("订单班一", 12_000_000, 5_500_000),
        ("小项目09", 9_000, 0),
    ]
    assert len(d.funds) == 10 and d.projects_left_out == 1  # the smallest budget: 订单班二 (0 元)
    assert "订单班二" not in [p.name for p in d.funds]


def test_empty_database(db: Database) -> None:
    with db.reader() as s:
        d = chart_data(s, D(2026, 11, 23))
        trend = indicator_trend(s, D(2026, 11, 23))
    assert d.partners == 0 and not d.internships_by_enterprise and not d.funds
    assert all(m.by_kind == (0, 0) for m in d.internships_by_month) and len(d.internships_by_month) == 12
    assert trend.empty and len(trend.years) == 5


def test_indicator_trend_over_five_school_years(db: Database) -> None:
    data.fill(db)
    with db.reader() as s:
        assert school_years_back(s, D(2026, 11, 23)) == [
            "2022-2023",
            "2023-2024",
            "2024-2025",
            "2025-2026",
            "2026-2027",
        ]
        trend = indicator_trend(s, D(2026, 11, 23))
    got = {y.school_year: y.values for y in trend.years}
    third = pytest.approx(1 / 3)
    # 就业率: 2025届 S3 (1/1), 2026届 4/5 (tests/core/test_evaluation.py), none for 2023, 2024, 2027.
    # 双师型: T1 (certified 2020) of 3 专任; from 2026-2027 also T2 (certified 2026-09-01).
    # 岗位实习: 2025-2026 S1 S2 S4 S5; 2026-2027 S2 (to 2026-12-31) and S3.
    assert got == {
        "2022-2023": {"employment_rate": None, "dual_ratio": third, "interns": 0},
        "2023-2024": {"employment_rate": None, "dual_ratio": third, "interns": 0},
        "2024-2025": {"employment_rate": 1.0, "dual_ratio": third, "interns": 0},
        "2025-2026": {"employment_rate": 0.8, "dual_ratio": third, "interns": 4},
        "2026-2027": {"employment_rate": None, "dual_ratio": pytest.approx(2 / 3), "interns": 2},
    }
    assert [y.current for y in trend.years] == [False] * 4 + [True]
    assert trend.names == {
        "employment_rate": "就业率",
        "dual_ratio": "双师型教师比例",
        "interns": "岗位实习学生数",
    }
    assert not trend.empty
