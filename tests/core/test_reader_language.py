"""The school's own policy decides which rules apply (app/services/rule_sets.py), and documents speak the
reader's language: sources by the documents' titles, no rule codes, command names or ISO dates, money in 万元,
sections written from the records instead of “（请填写：…）” prompts. Real SQLite files, real .docx read back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from docx import Document

from app.compliance.acks import Ack, CheckResult
from app.compliance.registry import RULES, cite_source, finding, rule_applies, run_checks, source_in_force
from app.db.engine import Database
from app.docs.bases import write_usage_summary
from app.docs.semester_summary import write_semester_summary
from app.errors import ValidationError
from app.services import bases as svc
from app.services.projects import ProjectData, create_project
from app.services.rule_sets import (
    DEFAULT_PRESET,
    documents_in_force,
    get_rule_preset,
    preset_choices,
    rules_off,
    save_rule_preset,
)
from tests.cli_run import run_cli
from tests.core.test_bases import SEM, ids, placed  # noqa: F401 (fixtures)
from tests.reader_text import docx_text, tool_words

D = dt.date
HUNAN = "《湖南生物机电职业技术学院产教融合管理办法（试行）》"
HAINAN = "《海南职业技术学院关于深化产教融合校企合作工作的实施意见（试行）》"
NATIONAL = "《职业学校学生实习管理规定》"


# ---------------------------------------------------------------- rule sets


def test_the_choice_is_a_setting_with_a_default(db: Database) -> None:
    with db.reader() as s:
        assert get_rule_preset(s) == DEFAULT_PRESET == "H"  # a database that never chose
    for choice in ("N", "", "H"):
        with db.session() as s:
            save_rule_preset(s, choice)
        with db.reader() as s:
            assert get_rule_preset(s) == choice
    with db.session() as s, pytest.raises(ValidationError, match="未知的学校制度"):
        save_rule_preset(s, "X")
    assert [c.key for c in preset_choices()] == ["H", "N", ""]
    assert documents_in_force("N") == (NATIONAL, HAINAN) and documents_in_force("") == (NATIONAL,)


def test_rules_whose_only_source_is_another_policy_are_off() -> None:
    only_h = {c for c, r in RULES.items() if r.sets == {"H"}}
    only_n = {c for c, r in RULES.items() if r.sets == {"N"}}
    national = {c for c, r in RULES.items() if "实习规定" in r.sets}
    assert {"VISIT-YEARLY", "FUND-OVERSPENT"} <= only_h and {"TEACHER-PRACTICE", "BASE-DEMO"} <= only_n
    assert {"INT-GRADE", "INT-PAY", "INT-INSURANCE"} <= national
    assert {r.code for r in rules_off("H")} == only_n
    assert {r.code for r in rules_off("N")} == only_h
    assert {r.code for r in rules_off("")} == only_h | only_n
    # a rule citing a preset and the national rules stays, citing what is in force
    insurance = RULES["INT-INSURANCE"]
    assert rule_applies(insurance, "N") and rule_applies(insurance, "")
    assert source_in_force(insurance.source, "N") == "实习规定"
    assert cite_source(source_in_force(insurance.source, "H")) == f"{HUNAN}第十二条第（三）项；{NATIONAL}"
    assert cite_source(RULES["INT-HOURS"].source) == f"{NATIONAL}关于休息休假的规定"
    assert cite_source("N四(五)1") == f"{HAINAN}第四部分第（五）项第一点"


def test_findings_follow_the_chosen_policy(db: Database) -> None:
    with db.session() as s:
        create_project(s, ProjectData("无负责人的项目", "订单培养"))  # PRJ-LEADER: 湖南 only
    today = D(2026, 11, 23)
    with db.reader() as s:
        hunan = run_checks(s, today)
        leader = next(f for f in hunan if f.rule == "PRJ-LEADER")
        assert leader.source == "H第十条(四)" and leader.citation == f"{HUNAN}第十条第（四）项"
        assert not run_checks(s, today, preset="N", codes=["PRJ-LEADER"])
        assert not [f for f in run_checks(s, today, preset="") if f.rule == "PRJ-LEADER"]
    with db.session() as s:
        save_rule_preset(s, "N")
    with db.reader() as s:
        assert not [f for f in run_checks(s, today) if RULES[f.rule].sets == {"H"}]


def test_cli_lists_rules_with_titles_and_whether_checked(db: Database, db_path: Path) -> None:
    args = ("--db", str(db_path))
    r = run_cli("check", "--rules", "--json", *args)
    assert r.returncode == 0, r.stderr
    rules = {x["code"]: x for x in json.loads(r.stdout)}
    assert set(rules) == set(RULES)
    assert rules["VISIT-YEARLY"]["in_force"] and not rules["TEACHER-PRACTICE"]["in_force"]
    assert rules["INT-GRADE"]["citation"] == f"{NATIONAL}第十六条"
    r = run_cli("check", "--rules", *args)
    assert r.returncode == 0 and f"检查依据：{NATIONAL}、{HUNAN}" in r.stdout
    assert f"不检查（所在学校制度未采用）\t{HAINAN}第四部分第（五）项第一点" in r.stdout


# ---------------------------------------------------------------- documents


def test_base_summary_is_written_from_the_records(db, placed, tmp_path: Path) -> None:  # noqa: F811
    with db.session() as s:
        svc.save_usage(s, svc.UsageData(placed["base"], SEM, "技能实训", placed["m1"], D(2025, 11, 3),
                                        D(2025, 11, 7), 30, note="数控车削综合训练"))  # fmt: skip
        svc.save_usage(s, svc.UsageData(placed["base"], "2025-2026-2", "技能竞赛", placed["m1"], D(2026, 4, 8),
                                        D(2026, 4, 9), 12, teachers="王强"))  # fmt: skip
    out = tmp_path / "汇总.docx"
    with db.reader() as s:
        write_usage_summary(s, SEM, placed["m1"], out, today=D(2026, 1, 20))
    lines = [p.text for p in Document(str(out)).paragraphs]
    effects = lines[lines.index("四、使用成效") + 1 : lines.index("五、存在问题与改进措施")]
    assert effects[0].startswith("1. 湘江智能岗位实习基地") and "接待学生34人次、185人天" in effects[0]
    assert "2. 湘江智能岗位实习基地（技能实训）：数控车削综合训练" in effects
    problems = lines[lines.index("五、存在问题与改进措施") + 1 : lines.index("六、下学期使用计划")]
    assert problems == [  # the base is a 校级示范 base: only the activities without a teacher
        "1. 湘江智能岗位实习基地的专业认识实习没有学校派出的指导教师。",
        "2. 湘江智能岗位实习基地的技能实训没有学校派出的指导教师。",
    ]
    i = lines.index("六、下学期使用计划")
    assert lines[i + 1] == "1. 湘江智能岗位实习基地：技能竞赛，2026年4月8日至2026年4月9日，12人次。"
    text = docx_text(out)
    assert "请填写" not in text and not tool_words(text)


def test_semester_summary_in_the_readers_words(tmp_path: Path) -> None:
    overdue = finding("PRJ-LEADER", "p1", "无负责人的项目", "项目自2025-10-01起没有负责人，请指定。")
    acked = finding("AGR-ASSET-CLAUSE", "a1", "共建协议（XY-2025-01）", "请补充资产条款")
    ack = Ack("k1", "已在2026-03-01的补充协议中约定", "王芳", dt.datetime(2026, 3, 2, 9, 0))
    out = tmp_path / "report.docx"
    write_semester_summary(
        out,
        school="湖南湘麓职业技术学院",
        college="机电工程学院",
        period_label="2025-2026学年第二学期",
        first=D(2026, 2, 1),
        last=D(2026, 7, 31),
        counts={"合作企业": 1234},
        figures={"合作中的企业": 205, "成果金额（元）": 15232200.0, "经费支出（元）": 0},
        findings=CheckResult((overdue,), ((acked, ack),)),
        today=D(2026, 7, 31),
    )
    text = docx_text(out)
    assert not tool_words(text), tool_words(text)
    assert "统计期间：2026年2月1日至2026年7月31日；合规检查日期：2026年7月31日。" in text
    rows = ["|".join(c.text for c in r.cells) for t in Document(str(out)).tables for r in t.rows]
    assert (
        "成果金额（万元）|1,523.22" in rows and "经费支出（万元）|0.00" in rows and "合作中的企业|205" in rows
    )
    assert "合作企业|1,234" in rows or "合作企业|1234" in rows
    assert (
        f"项目无负责人|{HUNAN}第十条第（四）项|无负责人的项目|项目自2025年10月1日起没有负责人，请指定。"
        in rows
    )
    assert "已在2026年3月1日的补充协议中约定" in text
    assert "共建协议（XY\u2060-\u20602025\u2060-\u206001）" in text  # the number never split across lines
    sizes = {r.font.size.pt for p in Document(str(out)).paragraphs for r in p.runs if r.font.size}
    assert min(sizes) >= 10.5


# ---------------------------------------------------------------- the package's report.docx, on the demo


@pytest.mark.parametrize("semester", ["2025-2026-2", None], ids=["学期", "学年"])
def test_package_report_speaks_the_readers_language(demo_db: Database, tmp_path: Path, semester) -> None:
    """A semester's 运行情况 and a 学年's 自评报告 as the package carries them (report.docx), from the demo."""
    import zipfile

    from app.package import format as fmt
    from app.package.export import export_package
    from app.package.period import period_of
    from tests.conftest import DEMO_TODAY

    out = tmp_path / "p.zip"
    with demo_db.reader() as s:
        period = period_of(s, year=None if semester else "2025-2026", semester=semester)
        export_package(s, period, out, today=DEMO_TODAY)
    with zipfile.ZipFile(out) as z:
        (tmp_path / "report.docx").write_bytes(z.read(fmt.REPORT))
    text = docx_text(tmp_path / "report.docx")
    assert not tool_words(text), sorted(set(tool_words(text)))[:10]
    assert "请填写" not in text and HUNAN in text  # the sources of the findings, by title
