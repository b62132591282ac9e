"""The 工作台 in two jobs (issue #21): dashboard_figures (the counts, no check) and dashboard_reminders (the
check) give what dashboard gives in one, on several days of the demo and with acknowledged findings; the
counts made in SQL agree with the ids they stand for; the rules rewritten for speed keep their boundaries."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from app.compliance.acks import acknowledge, check_results
from app.compliance.registry import run_checks
from app.db.engine import Database
from app.db.models import Enterprise
from app.reporting import period_figures as pf
from app.reporting.dashboard import (
    NO_TIER,
    dashboard,
    dashboard_figures,
    dashboard_reminders,
    partners_by_tier,
)
from app.services.agreements import AgreementData, create_agreement
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.funds import LedgerData, budget_categories, create_ledger_entry, delete_ledger_entries
from app.services.projects import ProjectData, create_project, enterprise_highest_tiers
from app.services.visits import VisitData, create_visit, delete_visits
from tests.conftest import DEMO_TODAY

DAY = dt.timedelta(days=1)
# the demo's day, a day in the 学年 before it, one in the summer break and the first of a 学年
DAYS = (DEMO_TODAY, dt.date(2026, 3, 15), dt.date(2026, 8, 10), dt.date(2026, 9, 1))


def _same_as_dashboard(s, day: dt.date) -> None:
    whole = dashboard(s, day)
    figures, reminders = dashboard_figures(s, day), dashboard_reminders(s, day)
    assert figures.partners_by_tier == whole.partners_by_tier
    assert figures.agreements_by_status == whole.agreements_by_status
    assert figures.projects_by_tier == whole.projects_by_tier
    assert figures.partners == whole.partners
    assert whole.figures is not None
    assert (figures.period, figures.as_of) == (whole.figures.period, whole.figures.as_of)
    assert {**figures.year, **reminders.headline()} == whole.figures.headline()
    assert reminders.reminders == whole.reminders
    assert reminders.acknowledged == whole.acknowledged
    assert reminders.year_findings == whole.figures.summary


@pytest.mark.parametrize("day", DAYS)
def test_the_two_jobs_give_the_dashboard(demo_db: Database, day: dt.date) -> None:
    with demo_db.reader() as s:
        _same_as_dashboard(s, day)
        assert dashboard(s, day).reminders  # the demo has findings on each of these days


def test_the_two_jobs_with_acknowledged_findings(demo_db: Database) -> None:
    with demo_db.session() as s:
        found = check_results(s, DEMO_TODAY).open
        picked = [next(f for f in found if f.rule == rule) for rule in sorted({f.rule for f in found})[:3]]
        for f in picked:
            acknowledge(s, f, "已与企业沟通，下学期处理")
    with demo_db.reader() as s:
        _same_as_dashboard(s, DEMO_TODAY)
        reminders = dashboard_reminders(s, DEMO_TODAY)
        assert {f.key for f, _ack in reminders.acknowledged} == {f.key for f in picked}
        assert not {f.key for f in picked} & {f.key for f in reminders.reminders}


@pytest.mark.parametrize("day", DAYS)
def test_counts_agree_with_the_ids(demo_db: Database, day: dt.date) -> None:
    """The SQL counts against the one definition's ids and a recount in Python of the tiers."""
    with demo_db.reader() as s:
        ids = pf.cooperating_enterprises(s, day)
        assert pf.count_cooperating(s, day) == len(ids) > 0
        best = enterprise_highest_tiers(s)
        recount = Counter(best.get(eid, NO_TIER) for eid in ids)
        by_tier = partners_by_tier(s, day)
        assert by_tier == {k: recount.get(k, 0) for k in by_tier}
        assert by_tier[NO_TIER] < len(ids) and sum(by_tier.values()) == len(ids)
        period = pf.current_period(s, day)
        full = pf.period_figures(s, period, day).headline()
        assert pf.table_figures(s, period, day) == {
            k: full[k] for k in (pf.COOPERATING, pf.POSITIONS, pf.BASE_DAYS)
        }


def test_partners_not_visited_reads_the_latest_live_visit(db: Database) -> None:
    """A deleted visit does not count; of several visits the latest; no visit and no start: no due date."""
    today = dt.date(2026, 11, 23)
    with db.session() as s:
        ids = {
            name: create_enterprise(
                s, EnterpriseData(name=name, status="合作中", cooperation_start=start)
            ).ids[0]
            for name, start in (
                ("湖南删除走访有限公司", dt.date(2020, 1, 1)),
                ("湖南两次走访有限公司", dt.date(2020, 1, 1)),
                ("湖南无开始日期有限公司", None),
            )
        }
        deleted = create_visit(
            s, VisitData(today - 10 * DAY, (ids["湖南删除走访有限公司"],), "张院长"), today=today
        )
        create_visit(s, VisitData(today - 400 * DAY, (ids["湖南删除走访有限公司"],), "张院长"), today=today)
        create_visit(s, VisitData(today - 500 * DAY, (ids["湖南两次走访有限公司"],), "张院长"), today=today)
        create_visit(s, VisitData(today - 100 * DAY, (ids["湖南两次走访有限公司"],), "张院长"), today=today)
        delete_visits(s, deleted.ids)
    with db.reader() as s:
        found = {f.title: f for f in run_checks(s, today, codes=["VISIT-YEARLY"])}
    assert set(found) == {"湖南删除走访有限公司", "湖南无开始日期有限公司"}
    late = found["湖南删除走访有限公司"]
    assert late.due == today - 35 * DAY
    assert late.message == f"上次走访：{today - 400 * DAY}，已超过一年"
    assert (late.record_id, late.severity, late.record_type) == (
        ids["湖南删除走访有限公司"],
        "警告",
        "enterprise",
    )
    assert found["湖南无开始日期有限公司"].due is None


def test_revenue_rule_counts_live_income_only(db: Database) -> None:
    """An expense, or an income since deleted, in a linked project's ledger is no revenue."""
    today = dt.date(2026, 11, 23)
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湖南收入企业有限公司", status="合作中")).ids[0]
        aid = create_agreement(
            s,
            AgreementData(
                title="框架协议",
                kind="框架协议",
                enterprise_ids=(ent,),
                number="XY-1",
                signed_on=dt.date(2026, 1, 5),
                starts_on=dt.date(2026, 1, 5),
                status="生效",
            ),
        ).ids[0]
        pid = create_project(
            s, ProjectData(name="订单班", kind="订单培养", leader="王", agreement_ids=(aid,))
        ).ids[0]
        category = budget_categories(s)[0].id
        create_ledger_entry(s, LedgerData(dt.date(2026, 3, 1), "支出", 50_00, pid, category))
        income = create_ledger_entry(s, LedgerData(dt.date(2026, 3, 2), "收入", 100_00, pid, category)).ids
    with db.reader() as s:
        assert [f.record_id for f in run_checks(s, today, codes=["AGR-REVENUE-CLAUSE"])] == [aid]
    with db.session() as s:
        delete_ledger_entries(s, income)
    with db.reader() as s:
        assert run_checks(s, today, codes=["AGR-REVENUE-CLAUSE"]) == []
        assert s.scalar(select(Enterprise.id)) == ent


# ---------------------------------------------------------------- the 提醒 order (sorted once, issue #21)


def _plain_reminders(s, day: dt.date) -> list:
    """The 提醒 order as first written: the findings in run_checks' order, then sorted (stable) by when they are
    due, severity, rule and title — ties left in run_checks' order."""
    ranks = {"错误": 0, "警告": 1, "提示": 2}
    undated = dt.date.max.toordinal()

    def key(f) -> tuple:
        if f.due is None:
            bucket = 1 if f.severity == "错误" else 3
        elif f.due > day:
            bucket = 2
        else:
            bucket = 0 if f.due < day else 1
        rank = ranks.get(f.severity, 3)
        due = f.due.toordinal() if f.due is not None else undated
        first, second = (rank, due) if bucket in (0, 1) else (due, rank)
        return (bucket, first, second, f.rule, f.title)

    return sorted(check_results(s, day).open, key=key)


@pytest.mark.parametrize("day", DAYS)
def test_reminders_in_the_plain_order(demo_db: Database, day: dt.date) -> None:
    with demo_db.session() as s:  # a few acknowledged: they leave the reminders, in run_checks' order
        found = check_results(s, day).open
        for f in found[:: max(1, len(found) // 4)]:
            acknowledge(s, f, "已与企业沟通，下学期处理")
    with demo_db.reader() as s:
        reminders = dashboard_reminders(s, day)
        assert list(reminders.reminders) == _plain_reminders(s, day)
        assert list(reminders.acknowledged) == list(check_results(s, day).acknowledged)
        assert len(reminders.acknowledged) >= 4


def test_ties_keep_the_check_order_whatever_order_the_findings_come_in() -> None:
    """Findings alike in due date, severity, rule and title (a student's two internships at one place) are
    ordered as run_checks orders them, by record and detail, whether by_due gets them in that order or not."""
    import random

    from app.compliance.registry import Finding, by_due, check_order

    day = dt.date(2026, 11, 23)
    alike = [
        Finding(
            rule, severity, "实习规定", "internship", record, "李明（22级1班）—湖南甲公司", "…", due, detail
        )
        for rule, severity in (("INT-INSURANCE", "错误"), ("INT-PARTIES", "警告"))
        for due in (day - DAY, day, day + DAY, None)
        for record in ("b", "a", "c")
        for detail in ("", "2026-2027-1")
    ]
    in_check_order = sorted(alike, key=check_order)
    expected = by_due(in_check_order, day)
    assert [f.record_id for f in expected[:6]] == ["a", "a", "b", "b", "c", "c"]  # ties: by record, detail
    for seed in range(5):
        shuffled = alike[:]
        random.Random(seed).shuffle(shuffled)
        assert by_due(shuffled, day) == expected
