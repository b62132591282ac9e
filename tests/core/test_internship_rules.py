"""The internship rules on fixed facts: each with a case that breaks it and one that just passes (boundaries);
the months that need an evaluation against a day-by-day reference (hypothesis)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from app.domain.internship_rules import (
    InternshipFacts,
    age_on,
    due_months,
    internship_problems,
    month_start,
    sixteenth_birthday,
)

D = dt.date
TODAY = D(2026, 11, 23)
PARTIES = dict(
    counselor="甲", academic_mentor="乙", enterprise_hr="丙", enterprise_mentor="丁", guardian="戊"
)
GOOD = InternshipFacts(
    kind="岗位实习",
    status="计划",
    starts_on=D(2026, 3, 1),
    ends_on=D(2026, 6, 30),
    monthly_pay_fen=240000,
    same_post_wage_fen=300000,
    hours_per_day=8,
    days_per_week=5,
    insurer="中国人寿",
    policy_no="P1",
    insured_from=D(2026, 3, 1),
    insured_to=D(2026, 6, 30),
    has_tripartite=True,
    parties=PARTIES,
    birth_date=D(2005, 3, 1),
    entry_year=2024,
    school_year_start=2025,
)


def codes(f: InternshipFacts) -> set[str]:
    return {p.code for p in internship_problems(f, TODAY)}


def test_a_good_internship_has_no_problems() -> None:
    assert codes(GOOD) == set()


def test_insurance_must_cover_the_whole_period() -> None:
    late = internship_problems(replace(GOOD, insured_from=D(2026, 3, 2)), TODAY)
    assert late[0].code == "INT-INSURANCE" and late[0].blocks and "2026年3月1日" in late[0].message
    assert codes(replace(GOOD, insured_to=D(2026, 6, 29))) == {"INT-INSURANCE"}
    missing = internship_problems(replace(GOOD, policy_no=""), TODAY)[0]
    assert "保单号" in missing.message
    observation = internship_problems(replace(GOOD, kind="认识实习", insurer=""), TODAY)[0]
    assert observation.severity == "警告" and not observation.blocks


def test_tripartite_only_for_placement() -> None:
    assert codes(replace(GOOD, has_tripartite=False)) == {"INT-TRIPARTITE"}
    assert codes(replace(GOOD, kind="认识实习", has_tripartite=False)) == set()


def test_first_year_and_under_16() -> None:
    assert codes(replace(GOOD, entry_year=2025)) == {"INT-GRADE"}  # starts in 学年 2025-2026, entered 2025
    assert codes(replace(GOOD, entry_year=2024)) == set()
    birth = D(2010, 3, 2)  # 16 on 2026-03-02: one day short on 2026-03-01
    problem = internship_problems(replace(GOOD, birth_date=birth), TODAY)[0]
    assert problem.code == "INT-AGE" and "15周岁" in problem.message and "2026年3月2日" in problem.message
    assert codes(replace(GOOD, birth_date=D(2010, 3, 1))) == set()


def test_leap_day_birthdays() -> None:
    assert sixteenth_birthday(D(2008, 2, 29)) == D(2024, 2, 29)
    assert sixteenth_birthday(D(2009, 2, 28)) == D(2025, 2, 28)
    assert age_on(D(2008, 2, 29), D(2024, 2, 28)) == 15
    assert age_on(D(2007, 2, 28), D(2023, 3, 1)) == 16


def test_pay_at_least_80_percent() -> None:
    assert codes(replace(GOOD, monthly_pay_fen=239999)) == {"INT-PAY"}
    assert codes(replace(GOOD, monthly_pay_fen=240000)) == set()
    hint = internship_problems(replace(GOOD, same_post_wage_fen=0), TODAY)[0]
    assert hint.severity == "提示"


def test_hours_nights_and_overtime() -> None:
    assert codes(replace(GOOD, hours_per_day=8.5)) == {"INT-HOURS"}
    assert codes(replace(GOOD, hours_per_day=8, days_per_week=6)) == {"INT-HOURS"}  # 48 h a week
    assert codes(replace(GOOD, hours_per_day=6.5, days_per_week=6)) == set()  # 39 h
    assert "夜班" in internship_problems(replace(GOOD, night_shift=True), TODAY)[0].message
    assert codes(replace(GOOD, overtime=True)) == {"INT-HOURS"}


def test_five_parties() -> None:
    p = internship_problems(replace(GOOD, parties={**PARTIES, "guardian": "", "enterprise_hr": ""}), TODAY)[0]
    assert p.code == "INT-PARTIES" and "企业人事主管、家长" in p.message


def test_evaluations_missing_and_low() -> None:
    running = replace(GOOD, status="实习中")
    problems = internship_problems(running, TODAY)
    assert [p.code for p in problems] == ["INT-EVALUATION"]
    assert "2026年3月、2026年4月、2026年5月、2026年6月" in problems[0].message
    all_months = {D(2026, m, 1): 80 for m in (3, 4, 5, 6)}
    assert codes(replace(running, evaluations=all_months)) == set()
    low = {**all_months, D(2026, 5, 1): 59}
    assert codes(replace(running, evaluations=low)) == {"INT-LOW-SCORE"}
    assert codes(replace(running, evaluations={**all_months, D(2026, 5, 1): 60})) == set()
    assert codes(replace(GOOD, status="计划")) == set()  # not started: nothing due


def test_month_due_rule_boundaries() -> None:
    # 15 days of a month: due; 14: not; a short internship wholly inside a month: due
    assert due_months(D(2026, 3, 17), D(2026, 4, 30), TODAY) == [D(2026, 3, 1), D(2026, 4, 1)]
    assert due_months(D(2026, 3, 18), D(2026, 4, 30), TODAY) == [D(2026, 4, 1)]
    assert due_months(D(2026, 3, 10), D(2026, 3, 12), TODAY) == [D(2026, 3, 1)]
    assert due_months(D(2026, 11, 1), D(2026, 12, 31), TODAY) == []  # November not over on the 23rd
    assert due_months(D(2026, 10, 1), D(2026, 12, 31), D(2026, 11, 1)) == [D(2026, 10, 1)]


def _reference(start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    covered: dict[dt.date, int] = {}
    day = start
    while day <= end:
        covered[month_start(day)] = covered.get(month_start(day), 0) + 1
        day += dt.timedelta(days=1)
    single = month_start(start) == month_start(end)
    out = []
    for m, n in sorted(covered.items()):
        nxt = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        if nxt <= today and (n >= 15 or single):
            out.append(m)
    return out


@given(
    st.dates(D(2024, 1, 1), D(2026, 12, 31)),
    st.integers(0, 400),
    st.dates(D(2024, 1, 1), D(2027, 12, 31)),
)
def test_due_months_match_day_by_day(start: dt.date, length: int, today: dt.date) -> None:
    end = start + dt.timedelta(days=length)
    assert due_months(start, end, today) == _reference(start, end, today)


def test_terminated_has_no_problems() -> None:
    assert codes(replace(GOOD, status="终止", has_tripartite=False)) == set()
