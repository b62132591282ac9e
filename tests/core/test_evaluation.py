"""The annual indicators (H第二十二条) on fixed data (tests/report_data.py), each worked out by hand, with the
学年's boundaries: a record on the first or the last day counts, the day after does not; an indicator whose
denominator is 0 is None (never a fake 0%)."""

from __future__ import annotations

import pytest

from app.db.engine import Database
from app.errors import ValidationError
from app.reporting.evaluation import GROUPS, Indicator, annual_indicators
from app.services.settings import SemesterCalendar, save_profile, save_semester_calendar
from tests import report_data as data


@pytest.fixture
def filled(db: Database) -> dict[str, str]:
    return data.fill(db)


def _by_key(db: Database, year: str = data.YEAR) -> dict[str, Indicator]:
    with db.reader() as s:
        return {i.key: i for i in annual_indicators(s, year)}


def test_every_group_and_indicator_in_order(db: Database, filled: dict[str, str]) -> None:
    with db.reader() as s:
        found = annual_indicators(s, data.YEAR)
    assert [i.key for i in found] == [
        "partners", "positions", "base_days", "base_person_days", "equipment_value_fen", "order_students", "interns", "dual_ratio",
        "industry_teachers", "practice_months", "horizontal_fen", "patents", "service_count", "service_fen",
        "employment_rate", "related_rate", "average_salary_fen",
    ]  # fmt: skip
    assert [g for g in dict.fromkeys(i.group for i in found)] == list(GROUPS)
    for i in found:
        assert i.definition.endswith("。") and "\n" not in i.definition, i.key
        assert i.definition.count("。") == 1, i.key  # one sentence


def test_resources(db: Database, filled: dict[str, str]) -> None:
    ind = _by_key(db)
    # B2 by hand: 200 (semester 1) + 30 (semester 2); the 2024-2025-2 row (999) is another 学年.
    # S4's internship at B1, 2025-10-01…2026-06-30: 123 days in semester 1 (Oct 31 + Nov 30 + Dec 31 + Jan 31)
    # and 150 in semester 2 (Feb 28 + Mar 31 + Apr 30 + May 31 + Jun 30).
    assert ind["base_person_days"].value == 200 + 30 + 123 + 150
    assert set(ind["base_person_days"].records[1]) == {filled[data.B1], filled[data.B2]}
    # Held on 2026-08-31: X1 2×100,000元, X2 (acquired on the last day), X3 (the first day), X6 (disposed the
    # day after); not X4 (acquired the day after), X5 (disposed on the last day), X7 (no date).
    eq = ind["equipment_value_fen"]
    assert eq.value == 20_000_000 + 5_000_000 + 3_000_000 + 2_000_000
    assert eq.records == ("asset", tuple(filled[x] for x in ("X6", "X1", "X3", "X2")))  # by acquisition date
    assert eq.text == "300,000.00元"


def test_training(db: Database, filled: dict[str, str]) -> None:
    ind = _by_key(db)
    # 岗位实习 overlapping the 学年: S1 (starts on the first day), S2 (starts on the last day), S4, S5; not S3
    # (the day after), S6 (计划), S7 (认识实习).
    assert ind["interns"].value == 4
    assert set(ind["interns"].records[1]) == {filled[k] for k in ("S1", "S2", "S4", "S5")}
    # 订单/学徒: S1, S2 at E1 (订单培养 agreement, every major), S4 (M2 at E2, 学徒制 project for M2); not S5
    # (M1 at E2), S6 (E3's agreement is a draft, and the internship is 计划).
    assert ind["order_students"].value == 3
    assert set(ind["order_students"].records[1]) == {filled[k] for k in ("S1", "S2", "S4")}
    assert ind["order_students"].records[0] == "student"


def test_teachers(db: Database, filled: dict[str, str]) -> None:
    ind = _by_key(db)
    dual = ind["dual_ratio"]  # T1; not T2 (certified the day after), T3
    assert (dual.value, dual.numerator, dual.denominator) == (pytest.approx(1 / 3), 1, 3)
    assert dual.records == ("teacher", (filled["T1"],))
    assert dual.text == "33.3%（1/3）"
    # I2 (appointed from the last day), I3 (no dates); not I1 (ended the day before the 学年)
    assert ind["industry_teachers"].value == 2
    assert set(ind["industry_teachers"].records[1]) == {filled["I2"], filled["I3"]}
    # T1: 2025-09-01…2025-10-14 once = 44 days; T3: 2026-08-31 = 1 day → 45 / 30
    months = ind["practice_months"]
    assert months.value == 1.5 and months.text == "1.5个月"
    assert months.records[0] == "enterprise_practice" and len(months.records[1]) == 3


def test_research(db: Database, filled: dict[str, str]) -> None:
    ind = _by_key(db)
    assert ind["horizontal_fen"].value == 50_000_000  # signed on the first day; not the one the day after
    assert ind["patents"].value == 1  # granted on the last day; not the one the day before the 学年
    assert ind["service_count"].value == 2  # 技术服务 + 技术咨询
    assert ind["service_fen"].value == 1_234_560 + 99
    assert ind["patents"].records[0] == "achievement"


def test_employment(db: Database, filled: dict[str, str]) -> None:
    ind = _by_key(db)
    # 2026届: S1 协议就业 (E1, 对口, 5000元), S2 灵活就业 (不对口, no salary), S4 协议就业 (E2, 对口, 6000元),
    # S5 待就业, S7 升学; S3 is 2025届.
    rate = ind["employment_rate"]
    assert (rate.value, rate.numerator, rate.denominator) == (0.8, 4, 5)
    related = ind["related_rate"]
    assert (related.value, related.numerator, related.denominator) == (pytest.approx(2 / 3), 2, 3)
    assert ind["average_salary_fen"].value == 550_000
    assert len(ind["average_salary_fen"].records[1]) == 2


def test_undefined_ratios_are_none_not_zero(db: Database) -> None:
    with db.session() as s:
        save_profile(s, data.PROFILE)
    ind = _by_key(db)
    for key in ("dual_ratio", "employment_rate", "related_rate", "average_salary_fen"):
        assert ind[key].value is None, key
        assert ind[key].text == "—"
    assert ind["interns"].value == 0 and ind["equipment_value_fen"].value == 0
    assert ind["practice_months"].value == 0


def test_next_year_has_no_graduates_yet(db: Database, filled: dict[str, str]) -> None:
    ind = _by_key(db, "2026-2027")
    assert ind["employment_rate"].value is None  # no 2027届 records
    assert ind["interns"].value == 2  # S2 (ends 2026-12-31) and S3


def test_the_college_calendar_sets_the_bounds(db: Database, filled: dict[str, str]) -> None:
    with db.session() as s:
        save_semester_calendar(s, SemesterCalendar((8, 25), (2, 20), (7, 10)))
    ind = _by_key(db)  # 2025-08-25 … 2026-08-24
    assert ind["patents"].value == 1  # the one of 2025-08-31 now; the one of 2026-08-31 is next year's
    assert "2025-08-25至2026-08-24" in ind["interns"].definition


def test_bad_year(db: Database) -> None:
    with db.reader() as s, pytest.raises(ValidationError):
        annual_indicators(s, "2025-2027")
