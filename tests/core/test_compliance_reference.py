"""The 合规检查 made quicker (issue #21) gives what it gave: each quick path against a plain reference written
here as the code was before — the orders (run_checks' and the 工作台's) against plain sorts on findings with
many ties; the whole check on the demo, on several days and under each rule preset, against the findings of
internships worked out from ORM objects one by one, the terminations asked of every agreement, the sources
cut finding by finding and a plain sort; the acknowledged ones and a period's findings against a split by
key and a record-by-record look; the quick paths of the insurance and 五方联动 rules against their plain
forms."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.compliance.acks import acknowledge, check_results
from app.compliance.registry import (
    CHECKS,
    ERROR,
    HINT,
    RULES,
    WARNING,
    Finding,
    by_due,
    check_order,
    finding,
    in_check_order,
    run_checks,
    source_in_force,
)
from app.compliance.rules_cooperation import agreement_title
from app.db.engine import Database
from app.db.models import (
    Agreement,
    AgreementTransition,
    Asset,
    Budget,
    Enterprise,
    Internship,
    MonthlyEvaluation,
    PracticeBase,
    Project,
    Student,
)
from app.domain import internship_rules as rules
from app.domain.internship_rules import PARTY_LABELS, PLACEMENT, InternshipFacts, Problem, cn_day
from app.package.period import period_of
from app.reporting import period_figures as pf
from app.reporting.dashboard import dashboard_reminders
from app.services.internship_checks import school_year_start
from app.services.settings import get_semester_calendar
from tests.conftest import DEMO_TODAY

D = dt.date
DAY = dt.timedelta(days=1)
DAYS = (DEMO_TODAY, D(2026, 3, 15), D(2026, 8, 10), D(2026, 9, 1))


# ---------------------------------------------------------------- the orders, as plain sorts


def _plain_check_order(f: Finding) -> tuple:
    rank = (ERROR, WARNING, HINT).index(f.severity) if f.severity in (ERROR, WARNING, HINT) else 3
    return (rank, f.rule, f.due is None, -(f.due or dt.date.min).toordinal(), f.title, f.record_id, f.detail)


def _plain_by_due(findings: list[Finding], today: dt.date | None) -> list[Finding]:
    undated = dt.date.max.toordinal()

    def key(f: Finding) -> tuple:
        rank = (ERROR, WARNING, HINT).index(f.severity) if f.severity in (ERROR, WARNING, HINT) else 3
        ties = (f.rule, f.title, f.record_id, f.detail)
        if f.due is None:
            return (1, rank, undated, *ties) if f.severity == ERROR and today else (3, undated, rank, *ties)
        if today is None or f.due > today:
            return (2, f.due.toordinal(), rank, *ties)
        return (0 if f.due < today else 1, rank, f.due.toordinal(), *ties)

    return sorted(findings, key=key)


def _many_alike(seed: int, n: int = 600) -> list[Finding]:
    """Findings alike in most ways: few rules, titles, records and dates (ties at every level), a severity
    no rule has, dates far back and far ahead."""
    r = random.Random(seed)
    dues = [None, DEMO_TODAY, DEMO_TODAY - DAY, DEMO_TODAY + DAY, dt.date(1, 1, 1), dt.date(9999, 12, 31)]
    dues += [DEMO_TODAY + r.randint(-400, 400) * DAY for _ in range(6)]
    return [
        Finding(
            r.choice(["VISIT-YEARLY", "AGR-PAST-END", "INT-INSURANCE", "PRJ-REPORT", "自定义"]),
            r.choice([ERROR, WARNING, HINT, "其他"]),
            "H第十条",
            "enterprise",
            r.choice(["a", "b", "c", "b|c"]),
            r.choice(["湖南甲公司", "湖南乙公司", "Alpha", "", "湖南甲公司（一）"]),
            "…",
            r.choice(dues),
            r.choice(["", "2026-2027-1", "2025:材料"]),
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize("seed", range(8))
def test_the_orders_are_the_plain_sorts(seed: int) -> None:
    found = _many_alike(seed)
    expected = sorted(found, key=_plain_check_order)
    assert in_check_order(found) == expected
    assert sorted(found, key=check_order) == expected
    assert in_check_order(expected[::-1]) == expected
    for today in (DEMO_TODAY, None):
        assert by_due(found, today) == _plain_by_due(found, today)
    # stable as sorted(): findings alike in every field keep the order they came in
    twins = [found[0]._replace(message=str(i)) for i in range(5)]
    assert [f.message for f in in_check_order(twins)] == [f.message for f in by_due(twins)] == list("01234")


def test_a_finding_is_a_value() -> None:
    f = finding("VISIT-YEARLY", "e1", "湖南甲公司", "合作中的企业尚无走访记录")
    with pytest.raises(AttributeError):
        f.title = "改"  # type: ignore[misc]
    same = Finding(*f)
    assert same == f and hash(same) == hash(f) and same is not f
    assert f.key == "VISIT-YEARLY|e1|" and f.rule_title == "一年未走访" and f.citation.startswith("《")
    assert f._replace(severity=ERROR) != f and f._replace(severity=ERROR).severity == ERROR


# ---------------------------------------------------------------- the whole check, against plain paths


FACT_COLUMNS = (
    "kind", "status", "starts_on", "ends_on", "monthly_pay_fen", "same_post_wage_fen", "hours_per_day",
    "days_per_week", "night_shift", "overtime", "insurer", "policy_no", "insured_from", "insured_to",
    "has_tripartite",
)  # fmt: skip


def _plain_internship_findings(s, today: dt.date) -> list[Finding]:
    """rules_people.internship_problems as it was: each internship's facts from its ORM objects."""
    first_start = get_semester_calendar(s).first_start
    scores: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for e in s.scalars(select(MonthlyEvaluation).where(MonthlyEvaluation.deleted_at.is_(None))):
        scores[e.internship_id][e.month] = e.score
    out = []
    live = select(Internship).where(Internship.deleted_at.is_(None), Internship.status != "终止")
    for i in s.scalars(live):
        student = s.get(Student, i.student_id)
        place = s.get(Enterprise, i.enterprise_id) if i.enterprise_id else None
        place = place or (s.get(PracticeBase, i.base_id) if i.base_id else None)
        facts = InternshipFacts(
            *(getattr(i, name) for name in FACT_COLUMNS),
            parties={k: getattr(i, k) for k in PARTY_LABELS},
            birth_date=student.birth_date,
            entry_year=student.entry_year,
            school_year_start=school_year_start(first_start, i.starts_on),
            evaluations=dict(scores.get(i.id, {})),
            insurance_paid_by=i.insurance_paid_by or "",
        )
        title = f"{student.name}（{student.class_name or ''}）" + (f"—{place.name}" if place else "")
        for p in rules.internship_problems(facts, today):
            if p.severity == HINT or (
                i.status == "已结束" and p.code not in ("INT-EVALUATION", "INT-LOW-SCORE")
            ):
                continue
            due = i.starts_on if p.blocks else None
            out.append(finding(p.code, i.id, title, p.message, due, severity=p.severity))
    return out


def _plain_assets_not_disposed(s, today: dt.date) -> list[Finding]:
    """rules_funds.assets_not_disposed as it was: the terminations of every agreement grouped, then joined."""
    ended = (
        select(AgreementTransition.agreement_id, func.max(AgreementTransition.at).label("at"))
        .where(AgreementTransition.to_status == "终止")
        .group_by(AgreementTransition.agreement_id)
        .subquery()
    )
    rows = s.execute(
        select(Asset.id, Asset.name, Agreement.title, Agreement.number, ended.c.at)
        .join(Agreement, Agreement.id == Asset.agreement_id)
        .outerjoin(ended, ended.c.agreement_id == Agreement.id)
        .where(
            Asset.deleted_at.is_(None),
            Asset.status != "已处置",
            Agreement.deleted_at.is_(None),
            Agreement.status == "终止",
        )
    )
    return [
        finding(
            "ASSET-DISPOSAL",
            aid,
            name,
            f"协议“{agreement_title(number, title)}”已终止，资产尚未处置（清算、移交或折价补偿）",
            at.date() if at else None,
        )
        for aid, name, title, number, at in rows
    ]


PLAIN = {"internship_problems": _plain_internship_findings, "assets_not_disposed": _plain_assets_not_disposed}


def _plain_run_checks(s, today: dt.date, preset: str) -> list[Finding]:
    """run_checks as it was: every finding looked at one by one, its source cut, a plain sort."""
    wanted = {c for c, r in RULES.items() if source_in_force(r.source, preset)}
    out = []
    for produced, fn in CHECKS:
        if wanted & set(produced):
            for f in PLAIN.get(fn.__name__, fn)(s, today):
                if f.rule in wanted:
                    source = source_in_force(f.source, preset) if f.source else f.source
                    out.append(f if source == f.source else f._replace(source=source))
    return sorted(out, key=_plain_check_order)


@pytest.fixture
def odd_demo(demo_db: Database) -> Database:
    """The demo with terminations the quick query must get right: an agreement terminated twice (the later
    counts) and reopened in between, one terminated without a recorded step (no due date), each with an
    asset in use."""
    with demo_db.session() as s:
        twice, silent = s.scalars(select(Agreement).where(Agreement.status == "生效").limit(2))
        for at, (before, after) in (
            (dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC), ("生效", "终止")),
            (dt.datetime(2025, 1, 5, 8, tzinfo=dt.UTC), ("生效", "终止")),
            (dt.datetime(2025, 1, 6, 8, tzinfo=dt.UTC), ("终止", "生效")),
        ):
            s.add(AgreementTransition(agreement_id=twice.id, from_status=before, to_status=after, at=at))
        twice.status = silent.status = "终止"
        s.add(Asset(name="示教机器人", agreement_id=twice.id, custodian="王老师"))
        s.add(Asset(name="数控车床", agreement_id=silent.id, custodian="李老师"))
    return demo_db


@pytest.mark.parametrize("day", DAYS)
def test_the_check_is_the_plain_check(odd_demo: Database, day: dt.date) -> None:
    with odd_demo.reader() as s:
        for preset in ("H", "N", ""):
            assert run_checks(s, day, preset=preset) == _plain_run_checks(s, day, preset)
        codes = ["INT-INSURANCE", "VISIT-YEARLY", "ASSET-DISPOSAL"]
        plain = [f for f in _plain_run_checks(s, day, "H") if f.rule in codes]
        assert run_checks(s, day, codes=codes, preset="H") == plain
        due = {f.title: f.due for f in plain if f.rule == "ASSET-DISPOSAL"}
        assert due["示教机器人"] == D(2025, 3, 1) and due["数控车床"] is None


# ---------------------------------------------------------------- acknowledged findings and a period's


def _outside_one_by_one(s, period, day: dt.date, found: list[Finding]) -> set[str]:
    """period_figures._outside's definition, each finding's record looked up on its own."""
    out = set()
    for f in found:
        if f.record_type == "internship":
            i = s.get(Internship, f.record_id)
            gone = i is not None and (i.starts_on > period.last or i.ends_on < period.first)
        elif f.record_type == "agreement":
            a = s.get(Agreement, f.record_id)
            start = a and (a.starts_on or a.signed_on)
            gone = start is not None and start > day
        elif f.record_type in ("project", "asset"):
            model, column = (Project, "starts_on") if f.record_type == "project" else (Asset, "acquired_on")
            r = s.get(model, f.record_id)
            gone = r is not None and getattr(r, column) is not None and getattr(r, column) > day
        elif f.record_type == "budget":
            b = s.get(Budget, f.record_id)
            gone = b is not None and b.year not in period.calendar_years
        else:
            gone = False
        fund = f.rule == "FUND-OVERSPENT" and f.record_type == "project" and f.detail[:4].isdigit()
        if gone or (fund and int(f.detail[:4]) not in period.calendar_years):
            out.add(f.key)
    return out


def test_acknowledged_and_period_findings_are_the_plain_ones(odd_demo: Database) -> None:
    with (
        odd_demo.session() as s
    ):  # records of later periods: one begun the day after a 学年, one on its last day
        found = run_checks(s, DEMO_TODAY)
        last = period_of(s, year="2025-2026").last
        agreements = dict.fromkeys(f.record_id for f in found if f.record_type == "agreement")
        late, on_the_day = (s.get(Agreement, aid) for aid in list(agreements)[:2])
        late.starts_on, on_the_day.starts_on = last + DAY, last
        coming = s.get(Internship, next(f.record_id for f in found if f.record_type == "internship"))
        coming.starts_on, coming.ends_on = D(2027, 10, 1), D(2027, 12, 31)
        s.flush()
        found = run_checks(s, DEMO_TODAY)
        picked = [next(f for f in found if f.rule == rule) for rule in sorted({f.rule for f in found})[::3]]
        picked += [f for f in found if f.rule == "VISIT-YEARLY"][:3]
        for f in picked:
            acknowledge(s, f, "已与企业沟通，下学期处理")
    with odd_demo.reader() as s:
        keys = {f.key for f in picked}
        result = check_results(s, DEMO_TODAY)
        assert result.open == tuple(f for f in found if f.key not in keys)
        assert [f for f, _ack in result.acknowledged] == [f for f in found if f.key in keys]
        reminders = dashboard_reminders(s, DEMO_TODAY)
        assert list(reminders.reminders) == _plain_by_due(list(result.open), DEMO_TODAY)
        assert reminders.acknowledged == result.acknowledged
        periods = [period_of(s, year=y) for y in ("2025-2026", "2026-2027")]
        periods += [period_of(s, semester=t) for t in ("2025-2026-2", "2026-2027-1")]
        left_out = []
        for period in periods:
            day = pf.as_of(period, DEMO_TODAY)
            whole = check_results(s, day)
            everything = [*whole.open, *(f for f, _ack in whole.acknowledged)]
            outside = _outside_one_by_one(s, period, day, everything)
            got = pf.period_findings(s, period, DEMO_TODAY)
            assert got.open == tuple(f for f in whole.open if f.key not in outside)
            assert got.acknowledged == tuple(fa for fa in whole.acknowledged if fa[0].key not in outside)
            left_out.append(len(outside))
    assert all(left_out)  # every period leaves some findings out


# ---------------------------------------------------------------- the rules' quick paths


def _plain_insurance(f: InternshipFacts) -> list[Problem]:
    placement = f.kind == PLACEMENT
    severity, source = (ERROR, "H第十二条(三)；实习规定") if placement else (WARNING, "实习规定")
    labels = (("保险公司", f.insurer), ("保单号", f.policy_no), ("保险起始日期", f.insured_from))
    missing = [label for label, value in (*labels, ("保险截止日期", f.insured_to)) if not value]
    if missing or f.insured_from is None or f.insured_to is None:
        message = f"未登记实习责任保险：请填写{'、'.join(missing)}"
        return [Problem("INT-INSURANCE", severity, source, message, placement)]
    gaps = []
    if f.insured_from > f.starts_on:
        gaps.append(f"实习开始的{cn_day(f.starts_on)}至{cn_day(f.insured_from - DAY)}")
    if f.insured_to < f.ends_on:
        gaps.append(f"{cn_day(f.insured_to + DAY)}至实习结束的{cn_day(f.ends_on)}")
    if not gaps:
        return []
    message = f"保险期间未覆盖整个实习期：{'；'.join(gaps)}没有保险。请续保或调整保险起止日期"
    return [Problem("INT-INSURANCE", severity, source, message, placement)]


def _plain_parties(f: InternshipFacts) -> list[Problem]:
    missing = [label for key, label in PARTY_LABELS.items() if not f.parties.get(key)]
    if not missing:
        return []
    return [Problem("INT-PARTIES", WARNING, "H第十二条(二)", f"五方联动未落实：请填写{'、'.join(missing)}")]


START = D(2026, 3, 1)
near = st.one_of(st.none(), st.integers(-3, 3).map(lambda n: START + n * DAY))
names = st.sampled_from(["", "甲", " "])


@given(
    kind=st.sampled_from([PLACEMENT, "认识实习"]),
    insurer=names,
    policy_no=names,
    insured_from=near,
    insured_to=near.map(lambda d: d and d + 120 * DAY),
    length=st.integers(0, 3),
    parties=st.dictionaries(st.sampled_from(list(PARTY_LABELS)), names),
)
def test_quick_rule_paths_are_the_plain_ones(
    kind, insurer, policy_no, insured_from, insured_to, length, parties
):
    facts = InternshipFacts(
        kind, "计划", START, START + (119 + length) * DAY, insurer=insurer, policy_no=policy_no,
        insured_from=insured_from, insured_to=insured_to, parties=parties,
    )  # fmt: skip
    assert rules._insurance(facts) == _plain_insurance(facts)
    assert rules._parties(facts) == _plain_parties(facts)
