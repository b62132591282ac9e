"""The internship checks shown on 学生实习 and in the 三方协议 batch follow the rule preset chosen in 设置, as
合规检查 does (one test of what is in force: app.compliance.registry.source_in_force): switching from the
湖南生物机电 preset (H) to the 海南 one (N) or to none drops H's 五方联动 and monthly-evaluation findings and
cites only the national rules — over a real SQLite file."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.compliance.registry import run_checks
from app.db.engine import Database
from app.db.models import Internship
from app.docs.internship_plan import gate_reasons
from app.domain.internship_rules import PLACEMENT, InternshipFacts, internship_problems
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.internship_list import InternshipQuery, internship_ids
from app.services.internships import (
    InternshipData,
    create_internships,
    get_internship,
    internship_problems_by_id,
)
from app.services.rule_sets import save_rule_preset
from app.services.students import StudentData, create_student
from tests.codes import valid_uscc

D = dt.date
TODAY = D(2026, 11, 23)
H_ONLY = {"INT-PARTIES", "INT-EVALUATION"}


@pytest.fixture
def placement(db: Database) -> str:
    """A 岗位实习 under way since March: no insurance, no 辅导员 (五方联动), no monthly evaluation."""
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湘麓智能装备有限公司", uscc=valid_uscc(1))).ids[0]
        student = create_student(
            s, StudentData("2023001", "张三", class_name="机电2301", entry_year=2023, guardian_name="张父")
        ).ids[0]
        terms = InternshipData(
            student_id="",
            starts_on=D(2026, 3, 1),
            ends_on=D(2026, 12, 31),
            enterprise_id=ent,
            position="装配技术员",
            monthly_pay_fen=300000,
            same_post_wage_fen=350000,
            academic_mentor="导师乙",
            enterprise_hr="人事丙",
            enterprise_mentor="师傅丁",
            has_tripartite=True,
        )
        iid = create_internships(s, [student], terms).ids[0]
        s.get(Internship, iid).status = "实习中"
    return iid


def _choose(db: Database, preset: str) -> None:
    with db.session() as s:
        save_rule_preset(s, preset)


def _shown(db: Database, iid: str) -> dict[str, str]:
    """What 学生实习 shows of the internship: rule code → source."""
    with db.reader() as s:
        return {p.code: p.source for p in get_internship(s, iid, TODAY).problems}


def _compliance(db: Database, iid: str) -> set[str]:
    with db.reader() as s:
        return {f.rule for f in run_checks(s, TODAY) if f.record_id == iid}


def test_switching_the_preset_changes_the_internship_findings(db: Database, placement: str) -> None:
    shown = _shown(db, placement)  # a database that never chose follows H
    assert H_ONLY <= shown.keys()
    assert shown["INT-INSURANCE"] == "H第十二条(三)；实习规定"
    assert shown.keys() == {"INT-INSURANCE", *H_ONLY} == _compliance(db, placement)

    _choose(db, "N")
    shown = _shown(db, placement)
    assert not H_ONLY & shown.keys()
    assert shown["INT-INSURANCE"] == "实习规定"  # cites only the documents in force
    assert not H_ONLY & _compliance(db, placement)
    assert _compliance(db, placement) == set(shown)

    _choose(db, "")  # no school policy: the national rules only
    assert set(_shown(db, placement)) == {"INT-INSURANCE"} == _compliance(db, placement)

    _choose(db, "H")
    assert H_ONLY <= _shown(db, placement).keys()


def test_every_path_shows_the_same_rules(db: Database, placement: str) -> None:
    """学生实习's 只看有问题的 filter, the problems by id and 合规检查 agree under every preset."""
    for preset in ("H", "N", ""):
        _choose(db, preset)
        with db.reader() as s:
            by_id = {p.code for p in internship_problems_by_id(s, [placement], TODAY)[placement]}
            listed = internship_ids(s, InternshipQuery(problems_only=True), TODAY)
            checked = {f.rule for f in run_checks(s, TODAY) if f.record_id == placement}
        assert by_id == checked and by_id
        assert listed == [placement]  # insurance is missing under every preset


def test_the_tripartite_batch_cites_what_is_in_force(db: Database, placement: str) -> None:
    with db.session() as s:
        i = s.get(Internship, placement)
        i.status, i.has_tripartite = "计划", False
    for preset, cited in (("H", "《湖南生物机电职业技术学院产教融合管理办法（试行）》"), ("N", None)):
        _choose(db, preset)
        with db.reader() as s:
            rows = list(s.scalars(select(Internship).where(Internship.id == placement)))
            reasons = gate_reasons(s, rows, TODAY)[placement]
        assert any("实习责任保险" in r for r in reasons)
        assert any(cited in r for r in reasons) if cited else not any("湖南生物机电" in r for r in reasons)


def test_the_pure_rules_take_the_preset() -> None:
    facts = InternshipFacts(PLACEMENT, "实习中", D(2026, 3, 1), D(2026, 6, 30), has_tripartite=True)
    every = {p.code for p in internship_problems(facts, TODAY)}
    assert H_ONLY <= every
    assert not H_ONLY & {p.code for p in internship_problems(facts, TODAY, preset="N")}
    kept = internship_problems(facts, TODAY, preset="")
    assert {p.source for p in kept if p.code == "INT-INSURANCE"} == {"实习规定"}
