"""Rules of agreements, projects and visits on fixed dates (the clock is injected): boundaries of each rule,
the registry taking new rules, the reminders CLI, where each finding leads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from app.compliance import registry
from app.db.engine import Database
from app.db.models import Enterprise
from app.services.agreements import AgreementData, create_agreement, delete_agreements, transition_agreement
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.meetings import ActionItemData, MeetingData, create_meeting, record_operation_report
from app.services.projects import ProjectData, create_project
from app.services.visits import VisitData, create_visit
from tests.cli_run import run_cli
from tests.findings import Finding, Target, kind_label, reminders, target_of

TODAY = dt.date(2026, 11, 23)
DAY = dt.timedelta(days=1)


def kinds(found: list[Finding], kind: str) -> list[str]:
    return [r.title for r in found if r.rule == kind]


@pytest.fixture
def enterprise(db: Database) -> str:
    with db.session() as s:
        return create_enterprise(s, EnterpriseData(name="湖南甲智能有限公司", status="意向")).ids[0]


def agreement(db: Database, eid: str, title: str, ends_on: dt.date | None, status: str = "生效") -> str:
    with db.session() as s:
        return create_agreement(
            s,
            AgreementData(
                title=title,
                kind="框架协议",
                enterprise_ids=(eid,),
                number=title,
                signed_on=dt.date(2024, 1, 1),
                starts_on=dt.date(2024, 1, 1),
                ends_on=ends_on,
                status=status,
            ),
        ).ids[0]


def test_agreement_boundaries(db: Database, enterprise: str) -> None:
    for days in (91, 90, 31, 30, 0, -1):
        agreement(db, enterprise, f"协议{days}", TODAY + days * DAY)
    agreement(db, enterprise, "长期协议", None)
    agreement(db, enterprise, "草稿协议", TODAY + 10 * DAY, status="草稿")
    gone = agreement(db, enterprise, "已删除", TODAY + 10 * DAY)
    ended = agreement(db, enterprise, "已终止", TODAY + 10 * DAY)
    with db.session() as s:
        delete_agreements(s, [gone])
        transition_agreement(s, ended, "终止", reason="企业注销")
    with db.reader() as s:
        found = reminders(s, TODAY)
    assert kinds(found, "AGR-EXPIRING-90") == ["协议31（协议31）", "协议90（协议90）"]
    assert kinds(found, "AGR-EXPIRING-30") == ["协议0（协议0）", "协议30（协议30）"]
    assert kinds(found, "AGR-PAST-END") == ["协议-1（协议-1）"]
    past = next(r for r in found if r.rule == "AGR-PAST-END")
    assert past.due == TODAY - DAY and past.record_type == "agreement" and "仍为生效" in past.message
    today_one = next(r for r in found if r.title.startswith("协议0"))
    assert "今天到期" in today_one.message and today_one.source == "H第十条"
    assert [r.due for r in found] == sorted(r.due for r in found)  # nearest first, the overdue one on top


def test_reminders_nearest_first_with_the_overdue_on_top(db: Database, enterprise: str) -> None:
    """The 工作台's order: overdue errors (longest overdue first), then overdue warnings, then what is due
    today with the undated errors, then what is coming up by date (severity breaks ties), other undated ones
    last — never the far future
    first (a new user found 今天's errors on rows 10–11 and a 96-days-overdue one on row 19)."""
    from app.reporting.dashboard import dashboard

    with db.session() as s:
        pid = create_project(
            s, ProjectData(name="订单班", kind="订单培养", leader="", enterprise_ids=(enterprise,))
        ).ids[0]
        create_meeting(
            s,
            MeetingData(
                pid,
                dt.date(2026, 6, 1),
                action_items=(
                    ActionItemData("早就到期", "李芳", TODAY - 96 * DAY),
                    ActionItemData("昨天到期", "李芳", TODAY - DAY),
                ),
            ),
        )
    for days in (400, 60, 5, 0, -1, -200):  # created far-future first: the order is the service's own
        agreement(db, enterprise, f"协议{days}", TODAY + days * DAY)
    with db.reader() as s:
        found = dashboard(s, TODAY).reminders
    rows = [(r.due and (r.due - TODAY).days, r.severity, r.title) for r in found]
    assert rows[:8] == [
        (-200, "错误", "协议-200（协议-200）"),
        (-1, "错误", "协议-1（协议-1）"),
        (-96, "警告", "订单班：早就到期"),
        (-1, "警告", "订单班：昨天到期"),
        (None, "错误", "订单班"),  # no leader: an error without a due date is wrong today
        (0, "警告", "协议0（协议0）"),
        (5, "警告", "协议5（协议5）"),
        (60, "提示", "协议60（协议60）"),
    ]
    assert all(due is None and sev != "错误" for due, sev, _t in rows[8:])
    assert "协议400（协议400）" not in [t for _d, _v, t in rows]  # more than 90 days ahead: no reminder yet


def test_overdue_action_items_and_leaderless_projects(db: Database, enterprise: str) -> None:
    with db.session() as s:
        pid = create_project(
            s, ProjectData(name="订单班", kind="订单培养", leader="", enterprise_ids=(enterprise,))
        ).ids[0]
        create_meeting(
            s,
            MeetingData(
                pid,
                dt.date(2026, 10, 1),
                action_items=(
                    ActionItemData("昨天到期", "李芳", TODAY - DAY),
                    ActionItemData("今天到期", "李芳", TODAY),
                    ActionItemData("已完成", "李芳", TODAY - 10 * DAY, done=True, done_on=TODAY - 11 * DAY),
                    ActionItemData("无期限"),
                ),
            ),
        )
        create_project(s, ProjectData(name="有负责人", kind="现代学徒制", leader="王建国"))
    with db.reader() as s:
        found = reminders(s, TODAY)
    assert kinds(found, "MTG-ACTION-OVERDUE") == ["订单班：昨天到期"]
    item = next(r for r in found if r.rule == "MTG-ACTION-OVERDUE")
    assert item.message == "会议待办事项已逾期1天（责任人：李芳）" and item.due == TODAY - DAY
    leaderless = [r for r in found if r.rule == "PRJ-LEADER"]
    assert [(r.record_id, r.due) for r in leaderless] == [(pid, None)]
    assert found[-1].due is None  # undated ones last


def test_missing_operation_reports(db: Database) -> None:
    with db.session() as s:
        pid = create_project(
            s, ProjectData(name="学徒制", kind="现代学徒制", leader="王", starts_on=dt.date(2025, 9, 1))
        ).ids[0]
        create_project(s, ProjectData(name="无开始日期", kind="现代学徒制", leader="王"))
        record_operation_report(s, pid, "2025-2026-1", dt.date(2026, 1, 20))
    with db.reader() as s:
        on_last_day = reminders(s, dt.date(2026, 7, 31))
        after = reminders(s, dt.date(2026, 8, 1))
    assert kinds(on_last_day, "PRJ-REPORT") == []
    missing = [r for r in after if r.rule == "PRJ-REPORT"]
    assert [(r.record_id, r.due) for r in missing] == [(pid, dt.date(2026, 7, 31))]
    assert "2025-2026-2" in missing[0].message


def test_partners_not_visited(db: Database) -> None:
    with db.session() as s:
        ids = {
            name: create_enterprise(
                s, EnterpriseData(name=name, status=status, cooperation_start=dt.date(2020, 1, 1))
            ).ids[0]
            for name, status in (
                ("湖南一年前走访有限公司", "合作中"),
                ("湖南昨天满一年有限公司", "合作中"),
                ("湖南从未走访有限公司", "合作中"),
                ("湖南意向企业有限公司", "意向"),
            )
        }
        create_visit(s, VisitData(TODAY - 364 * DAY, (ids["湖南一年前走访有限公司"],), "张院长"), today=TODAY)
        create_visit(s, VisitData(TODAY - 365 * DAY, (ids["湖南昨天满一年有限公司"],), "张院长"), today=TODAY)
    with db.reader() as s:
        found = [r for r in reminders(s, TODAY) if r.rule == "VISIT-YEARLY"]
    assert [(r.title, r.due) for r in found] == [  # the longest overdue first
        ("湖南从未走访有限公司", dt.date(2020, 12, 31)),
        ("湖南昨天满一年有限公司", TODAY),
    ]
    assert found[0].message == "合作中的企业尚无走访记录" and found[0].source == "H第十七条"


def test_registry_takes_new_rules(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "RULES", dict(registry.RULES))
    monkeypatch.setattr(registry, "CHECKS", [])
    registry.define("TEST-NEW", "新规则", "测试", registry.WARNING, "project", "测试用")

    @registry.check("TEST-NEW")
    def always(s: object, today: dt.date) -> list[Finding]:
        return [registry.finding("TEST-NEW", "x", "新规则", "来自新规则", today)]

    with db.reader() as s:
        assert [(r.rule, r.severity, r.source) for r in reminders(s, TODAY)] == [("TEST-NEW", "警告", "测试")]
        assert registry.run_checks(s, TODAY, codes=["test-new"])[0].rule == "TEST-NEW"
    with pytest.raises(ValueError, match="undefined"):
        registry.check("NOT-DEFINED")(always)


def test_cli_reminders_json(db: Database, db_path: Path, enterprise: str) -> None:
    aid = agreement(db, enterprise, "快到期", TODAY + 20 * DAY)
    db.close()
    out = run_cli("reminders", "--db", str(db_path), "--today", TODAY.isoformat(), "--json")
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert items == [
        {
            "rule": "AGR-EXPIRING-30",
            "rule_title": "协议30天内到期",
            "severity": "警告",
            "record_type": "agreement",
            "record_id": aid,
            "title": "快到期（快到期）",
            "due": (TODAY + 20 * DAY).isoformat(),
            "message": f"协议还有20天到期（{TODAY + 20 * DAY}），请及早商议续签",
            "source": "H第十条",
            "citation": "《湖南生物机电职业技术学院产教融合管理办法（试行）》第十条",  # the source in words
        }
    ]
    text = run_cli("reminders", "--db", str(db_path))
    assert text.returncode == 0 and "条提醒" in text.stdout


def test_dashboard_figures(db: Database) -> None:
    from app.reporting.dashboard import dashboard

    with db.session() as s:
        active = [
            create_enterprise(s, EnterpriseData(name=f"湖南合作{i}有限公司", status="合作中")).ids[0]
            for i in range(3)
        ]
        create_enterprise(s, EnterpriseData(name="湖南意向有限公司", status="意向"))
        create_project(
            s, ProjectData(name="订单班", kind="订单培养", leader="王", enterprise_ids=(active[0],))
        )
        create_project(
            s, ProjectData(name="产业学院", kind="现代产业学院", leader="王", enterprise_ids=active[:2])
        )
    agreement(db, active[2], "快到期", TODAY + 5 * DAY)
    with db.reader() as s:
        d = dashboard(s, TODAY)
    assert d.partners_by_tier == {"foundation": 0, "deepening": 0, "integration": 2, "none": 1}
    assert d.projects_by_tier == {"foundation": 1, "deepening": 0, "integration": 1}
    assert d.agreements_by_status["生效"] == 1 and sum(d.agreements_by_status.values()) == 1
    assert "AGR-EXPIRING-30" in {r.rule for r in d.reminders}


def test_each_reminder_leads_to_its_record(db: Database, enterprise: str) -> None:
    agreement(db, enterprise, "将到期", TODAY + 10 * DAY)
    with db.session() as s:
        pid = create_project(
            s, ProjectData(name="无人负责", kind="订单培养", starts_on=dt.date(2025, 9, 1))
        ).ids[0]
        create_meeting(
            s,
            MeetingData(pid, dt.date(2026, 10, 1), action_items=(ActionItemData("逾期", "李", TODAY - DAY),)),
        )
        s.get(Enterprise, enterprise).status = "合作中"
    with db.reader() as s:
        found = reminders(s, TODAY)
        targets = {r.rule: target_of(s, r) for r in found}
    assert {r.rule for r in found} == {
        "AGR-EXPIRING-30",
        "MTG-ACTION-OVERDUE",
        "PRJ-LEADER",
        "PRJ-REPORT",
        "VISIT-YEARLY",
    }
    assert targets["MTG-ACTION-OVERDUE"] == Target("project", pid, "meetings")
    assert targets["PRJ-REPORT"] == Target("project", pid, "reports")
    assert targets["PRJ-LEADER"] == Target("project", pid, "")
    assert targets["VISIT-YEARLY"] == Target("enterprise", enterprise, "")
    assert targets["AGR-EXPIRING-30"].record_type == "agreement"
    assert all(kind_label(r.rule) != r.rule for r in found)  # every built-in rule has a Chinese title
