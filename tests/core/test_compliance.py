"""合规检查 (app/compliance/): the rules added with the registry, each with a record that breaks it and one that
just passes; acknowledging with a reason (audited); `chanjiao check` — JSON, --rule, --year, --rules, exit codes
(real SQLite)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.compliance import acks
from app.compliance.registry import RULES, run_checks
from app.compliance.rules_people import last_ended_semester
from app.db.engine import Database
from app.db.models import AuditLog, Major
from app.errors import ValidationError
from app.services.agreements import AgreementData, create_agreement
from app.services.assets import AssetData, create_asset
from app.services.base_usage import mark_summary_submitted
from app.services.bases import BaseData, save_base
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.funds import LedgerData, budget_categories, create_ledger_entry
from app.services.projects import ProjectData, create_project
from app.services.rule_sets import save_rule_preset
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from tests.cli_run import run_cli
from tests.codes import valid_uscc

TODAY = dt.date(2026, 11, 23)
PROFILE = CollegeProfile(
    "湖南湘麓职业技术学院",
    "机电工程学院",
    (MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术")),),
)


def found(db: Database, code: str, today: dt.date = TODAY) -> list[str]:
    """The titles of the findings, without an agreement's number in brackets."""
    with db.reader() as s:
        return [f.title.split("（")[0] for f in run_checks(s, today, codes=[code])]


@pytest.fixture
def ent(db: Database) -> str:
    with db.session() as s:
        return create_enterprise(s, EnterpriseData(name="湖南湘麓智能装备有限公司", uscc=valid_uscc(7))).ids[
            0
        ]


def agreement(db: Database, ent: str, title: str, kind: str, **clauses: object) -> str:
    with db.session() as s:
        day = dt.date(2025, 9, 1)
        data = AgreementData(
            title=title,
            kind=kind,
            enterprise_ids=(ent,),
            number=f"XY-{len(title)}-{kind}",
            signed_on=day,
            starts_on=day,
            status="生效",
            **clauses,
        )
        return create_agreement(s, data).ids[0]


def test_revenue_needs_a_clause(db: Database, ent: str) -> None:
    agreement(db, ent, "技术服务协议", "技术服务")  # a revenue-earning kind: breaks the rule
    agreement(
        db, ent, "有条款的技术服务协议", "技术服务", has_revenue_clause=True, revenue_clause="按比例分配"
    )
    framework = agreement(db, ent, "框架协议", "框架协议")
    assert found(db, "AGR-REVENUE-CLAUSE") == ["技术服务协议"]
    with db.session() as s:  # income in the ledger of a project linked to the framework agreement
        pid = create_project(
            s, ProjectData(name="订单班", kind="订单培养", leader="王", agreement_ids=(framework,))
        ).ids[0]
        category = budget_categories(s)[0].id
        create_ledger_entry(s, LedgerData(dt.date(2026, 3, 1), "收入", 100_00, pid, category))
    assert found(db, "AGR-REVENUE-CLAUSE") == ["技术服务协议", "框架协议"]


def test_contributed_assets_need_a_clause(db: Database, ent: str) -> None:
    bare = agreement(db, ent, "共建协议", "实训基地共建")
    clause = agreement(
        db, ent, "有资产条款的共建协议", "实训基地共建", has_asset_clause=True, asset_clause="归学校"
    )
    with db.session() as s:
        create_asset(s, AssetData(name="学校自购设备", agreement_id=bare, custodian="李"))  # not contributed
    assert found(db, "AGR-ASSET-CLAUSE") == []
    with db.session() as s:
        create_asset(s, AssetData(name="企业投入机床", owner="企业", agreement_id=bare, custodian="李"))
        create_asset(s, AssetData(name="企业捐赠设备", contributed_by_id=ent, contribution_kind="捐赠",
                                  agreement_id=clause, custodian="李"))  # fmt: skip
    assert found(db, "AGR-ASSET-CLAUSE") == ["共建协议"]


@pytest.fixture
def majors(db: Database) -> dict[str, str]:
    with db.session() as s:
        save_profile(s, PROFILE)
    with db.reader() as s:
        return {m.name: m.id for m in s.scalars(select(Major))}


@pytest.fixture
def hainan(db: Database) -> None:
    """The rules of the 海南 preset (N四…) are checked only where 设置 chose it."""
    with db.session() as s:
        save_rule_preset(s, "N")


def test_each_major_needs_a_model_base(db: Database, ent: str, majors: dict[str, str], hainan: None) -> None:
    assert set(found(db, "BASE-DEMO")) == {"机电一体化技术", "工业机器人技术"}
    with db.session() as s:
        for name, kind, level in (
            ("校内示范实训室", "校内实训基地", "校级示范"),  # 校内: does not count
            ("校外普通基地", "校外实践教学基地", "无"),  # no level: does not count
        ):
            save_base(
                s,
                BaseData(
                    name, kind=kind, level=level, enterprise_id=ent, major_ids=(majors["机电一体化技术"],)
                ),
            )
    assert set(found(db, "BASE-DEMO")) == {"机电一体化技术", "工业机器人技术"}
    with db.session() as s:
        save_base(
            s,
            BaseData(
                "校级示范基地", level="校级示范", enterprise_id=ent, major_ids=(majors["机电一体化技术"],)
            ),
        )
    assert found(db, "BASE-DEMO") == ["工业机器人技术"]


def test_majors_with_bases_submit_their_semester_summary(
    db: Database, ent: str, majors: dict[str, str], hainan: None
) -> None:
    assert last_ended_semester_of(db, TODAY) == "2025-2026-2"
    assert last_ended_semester_of(db, dt.date(2026, 7, 31)) == "2025-2026-1"  # semester 2 ends that day
    assert last_ended_semester_of(db, dt.date(2026, 8, 1)) == "2025-2026-2"  # the summer break
    assert found(db, "BASE-SUMMARY") == []  # no base serves a major yet
    with db.session() as s:
        save_base(s, BaseData("基地", enterprise_id=ent, major_ids=(majors["工业机器人技术"],)))
    with db.reader() as s:
        (f,) = run_checks(s, TODAY, codes=["BASE-SUMMARY"])
    assert (f.title, f.detail, f.due) == ("工业机器人技术", "2025-2026-2", dt.date(2026, 7, 31))
    with db.session() as s:
        mark_summary_submitted(s, majors["工业机器人技术"], "2025-2026-2", dt.date(2026, 7, 20))
    assert found(db, "BASE-SUMMARY") == []


def last_ended_semester_of(db: Database, day: dt.date) -> str:
    with db.reader() as s:
        return last_ended_semester(s, day)


def test_acknowledge_keeps_the_reason_in_the_audit_trail(db: Database) -> None:
    with db.session() as s:
        create_project(s, ProjectData(name="无负责人项目", kind="订单培养"))
    with db.reader() as s:
        (f,) = run_checks(s, TODAY, codes=["PRJ-LEADER"])
    with db.session() as s, pytest.raises(ValidationError, match="理由"):
        acks.acknowledge(s, f, "  ")
    with db.session() as s:
        ack_id = acks.acknowledge(s, f, "项目已撤销，负责人不再指定").ids[0]
    with db.reader() as s:
        result = acks.check_results(s, TODAY)
        assert f.key not in {x.key for x in result.open}
        assert [(x.key, a.reason) for x, a in result.acknowledged] == [(f.key, "项目已撤销，负责人不再指定")]
        audit = s.scalars(select(AuditLog).where(AuditLog.table_name == "finding_ack")).all()
        assert audit and "项目已撤销" in json.dumps(audit[0].changes, ensure_ascii=False)
    with db.session() as s:
        acks.withdraw(s, [ack_id])
    with db.reader() as s:
        assert f.key in {x.key for x in acks.check_results(s, TODAY).open}


def test_every_rule_is_described() -> None:
    assert len(RULES) >= 26
    for r in RULES.values():
        assert r.title and r.source and r.description and r.severity in ("错误", "警告", "提示")


def test_cli_check(db: Database, db_path: Path) -> None:
    with db.session() as s:
        create_project(s, ProjectData(name="无负责人项目", kind="订单培养"))  # PRJ-LEADER: 错误
    db.close()
    args = ("--db", str(db_path), "--today", TODAY.isoformat())
    r = run_cli("check", "--json", *args)
    assert r.returncode == 1, r.stderr
    (f,) = json.loads(r.stdout)
    assert {k: f[k] for k in ("rule", "severity", "source", "record_type", "title")} == {
        "rule": "PRJ-LEADER",
        "severity": "错误",
        "source": "H第十条(四)",
        "record_type": "project",
        "title": "无负责人项目",
    }
    assert f["record_id"] and "负责人" in f["message"]
    r = run_cli("check", "--json", "--rule", "VISIT-YEARLY", *args)
    assert r.returncode == 0 and json.loads(r.stdout) == []  # only that rule: no 错误
    r = run_cli("check", "--year", "2025-2026", *args)
    assert r.returncode == 1 and "截至 2026-08-31" in r.stdout
    r = run_cli("check", "--rule", "NO-SUCH-RULE", *args)
    assert r.returncode == 2 and "NO-SUCH-RULE" in r.stderr
    r = run_cli("check", "--year", "2025-2027", *args)
    assert r.returncode == 2
    r = run_cli("check", "--rules", "--json", *args)
    assert r.returncode == 0 and {x["code"] for x in json.loads(r.stdout)} == set(RULES)
