"""Internships over a real SQLite file: batch creation for a class, transitions refused with what is missing,
evaluations (service and Excel import), employment import and the 就业质量 figures, the CLI."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.db.engine import Database
from app.db.models import Employment, Internship, MonthlyEvaluation
from app.errors import ValidationErrors
from app.io.internships_xlsx import import_employment, import_evaluations, read_employment, read_evaluations
from app.services.employment import EmploymentData, employment_figures, save_employment
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.internships import (
    EvaluationData,
    InternshipData,
    create_internships,
    evaluation_rows,
    get_internship,
    internship_problems_by_id,
    save_evaluation,
    set_status,
    update_internship,
)
from app.services.students import StudentData, create_student
from tests.cli_run import run_cli
from tests.codes import valid_uscc

D = dt.date
TODAY = D(2026, 11, 23)


@pytest.fixture
def world(db: Database) -> dict[str, object]:
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湘麓智能装备有限公司", uscc=valid_uscc(1))).ids[0]
        students = [
            create_student(
                s,
                StudentData(
                    f"202300{n}", name, class_name="机电2301", entry_year=2023, guardian_name=f"{name}父"
                ),
            ).ids[0]
            for n, name in enumerate(("张三", "李四", "王五"), start=1)
        ]
    terms = InternshipData(
        student_id="",
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 6, 30),
        enterprise_id=ent,
        position="装配技术员",
        monthly_pay_fen=300000,
        same_post_wage_fen=350000,
        counselor="辅导员甲",
        academic_mentor="导师乙",
        enterprise_hr="人事丙",
        enterprise_mentor="师傅丁",
    )
    return {"enterprise": ent, "students": students, "terms": terms}


def test_batch_creation_fills_guardians(db: Database, world: dict) -> None:
    with db.session() as s:
        changes = create_internships(s, world["students"], world["terms"])
    assert changes.count == 3
    with db.reader() as s:
        rows = [get_internship(s, i, TODAY) for i in changes.ids]
    assert [r.guardian for r in rows] == ["张三父", "李四父", "王五父"]
    assert all(r.status == "计划" for r in rows)
    codes = {p.code for p in rows[0].problems}
    assert codes == {"INT-INSURANCE", "INT-TRIPARTITE"}


def test_batch_errors_name_the_student_and_write_nothing(db: Database, world: dict) -> None:
    bad = replace(world["terms"], ends_on=D(2026, 2, 1))
    with db.session() as s, pytest.raises(ValidationErrors) as e:
        create_internships(s, world["students"], bad)
    assert "张三：实习结束日期不能早于开始日期" in str(e.value)
    with db.reader() as s:
        assert s.scalars(select(Internship)).all() == []


def test_start_refused_until_insured_and_signed(db: Database, world: dict) -> None:
    with db.session() as s:
        iid = create_internships(s, world["students"][:1], world["terms"]).ids[0]
    with db.session() as s, pytest.raises(ValidationErrors) as e:
        set_status(s, [iid], "实习中", today=TODAY)
    message = str(e.value)
    assert "张三不能开始实习" in message and "保险" in message and "三方协议" in message
    insured = replace(
        world["terms"],
        student_id=world["students"][0],
        insurer="人保",
        policy_no="PICC-1",
        insured_from=D(2026, 3, 1),
        insured_to=D(2026, 6, 30),
        guardian="张父",
    )
    with db.session() as s:
        update_internship(s, iid, insured)
        set_status(s, [iid], "协议已签")
        set_status(s, [iid], "实习中", today=TODAY)
    with db.session() as s:  # 实习中: dropping the insurance is refused
        with pytest.raises(ValidationErrors, match="实习中的记录不能这样修改"):
            update_internship(s, iid, replace(insured, insurer=""))
    with db.session() as s, pytest.raises(ValidationErrors, match="不能从“实习中”改为“计划”"):
        set_status(s, [iid], "计划")
    with db.session() as s, pytest.raises(Exception, match="须填写原因"):
        set_status(s, [iid], "终止")
    with db.session() as s:
        set_status(s, [iid], "终止", reason="学生退学")
        assert s.get(Internship, iid).status_reason == "学生退学"


def test_evaluations_and_warnings(db: Database, world: dict) -> None:
    with db.session() as s:
        iid = create_internships(s, world["students"][:1], world["terms"]).ids[0]
        s.get(Internship, iid).status = "实习中"
        save_evaluation(s, EvaluationData(iid, D(2026, 3, 15), 85, "师傅丁"))
    with db.session() as s, pytest.raises(ValidationErrors, match="已有企业评价"):
        save_evaluation(s, EvaluationData(iid, D(2026, 3, 1), 70))
    with db.session() as s, pytest.raises(ValidationErrors, match="评分"):
        save_evaluation(s, EvaluationData(iid, D(2026, 4, 1), 101))
    with db.session() as s:
        save_evaluation(s, EvaluationData(iid, D(2026, 4, 1), 55))
    with db.reader() as s:
        assert [(r.month, r.score) for r in evaluation_rows(s, iid)] == [
            (D(2026, 3, 1), 85),
            (D(2026, 4, 1), 55),
        ]
        problems = internship_problems_by_id(s, today=TODAY)[iid]
    messages = " ".join(p.message for p in problems)
    assert "缺少2026年5月、2026年6月" in messages and "2026年4月55分" in messages


def _sheet(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_evaluation_import(db: Database, world: dict, tmp_path: Path) -> None:
    with db.session() as s:
        ids = create_internships(s, world["students"][:2], world["terms"]).ids
        save_evaluation(s, EvaluationData(ids[0], D(2026, 3, 1), 70))
    path = _sheet(
        tmp_path / "评价.xlsx",
        ["学号", "姓名", "评价月份", "得分", "企业导师"],
        [
            ["2023001", "张三", "2026-03", 90, "师傅丁"],  # updates March (after confirmation)
            ["2023001", "张三", "2026年4月", "58", ""],
            ["2023002", "李斯", D(2026, 4, 30), 80, ""],  # name differs: warning
            ["2023002", "李四", "2026-09", 80, ""],  # no internship that month
            ["2023003", "王五", 2026.1, 80, ""],  # numeric month
            ["2029999", "某某", "2026-04", 80, ""],
            ["2023001", "张三", "2026-04", 101, ""],
        ],
    )
    with db.reader() as s:
        preview = read_evaluations(s, path)
    assert len(preview.valid_rows) == 3
    errors: dict[int, str] = {}
    for e in preview.errors:
        errors[e.row] = errors.get(e.row, "") + e.message
    assert "没有实习记录" in errors[5] and "存成了数字" in errors[6] and "不在学生名册" in errors[7]
    assert "0–100" in errors[8] and "与第3行是同一学生同一月份" in errors[8]
    warnings = " ".join(w.message for w in preview.warnings)
    assert "确认后将更新" in warnings and "李斯" in warnings and "低于60分" in warnings
    with db.session() as s:
        assert import_evaluations(s, preview).count == 2
    with db.session() as s:
        import_evaluations(s, read_evaluations(s, path), update_existing=True)
    with db.reader() as s:
        march = s.scalars(
            select(MonthlyEvaluation.score).where(MonthlyEvaluation.month == D(2026, 3, 1))
        ).one()
    assert march == 90


def test_employment_import_and_figures(db: Database, world: dict, tmp_path: Path) -> None:
    path = _sheet(
        tmp_path / "就业.xlsx",
        ["学号", "姓名", "毕业年份", "毕业去向", "就业单位", "是否对口", "月薪（元）"],
        [
            ["2023001", "张三", "2026届", "签约", "湘麓智能装备有限公司", "是", "5,000"],
            ["2023002", "李四", 2026, "", "长沙某科技公司", "否", 4000.5],
            ["2023003", "王五", "2026", "专升本", "", "", ""],
            ["2023003", "王五", "2026", "待就业", "", "", ""],
            ["2023001", "张三", "二〇二六", "协议就业", "", "", "abc"],
        ],
    )
    with db.reader() as s:
        preview = read_employment(s, path)
    assert len(preview.valid_rows) == 3
    errors = {e.column for e in preview.errors if e.row == 6}
    assert errors == {"毕业年份", "月薪（元）"}
    assert "同一学生同一届" in " ".join(e.message for e in preview.errors if e.row == 5)
    with db.session() as s:
        import_employment(s, preview)
    with db.reader() as s:
        rows = {e.employer_name: e for e in s.scalars(select(Employment))}
        assert rows["湘麓智能装备有限公司"].enterprise_id == world["enterprise"]
        assert rows["长沙某科技公司"].monthly_salary_fen == 400050
        total = employment_figures(s, 2026)[-1]
    assert (total.graduates, total.employed, total.with_employer, total.related) == (3, 3, 2, 1)
    assert total.employment_rate == 1.0 and total.related_rate == 0.5
    assert total.average_salary_fen == (500000 + 400050) // 2 or total.average_salary_fen == 450025


def test_employment_rules(db: Database, world: dict) -> None:
    sid = world["students"][0]
    with db.session() as s, pytest.raises(ValidationErrors, match="须填写就业单位"):
        save_employment(s, EmploymentData(sid, 2026, "协议就业"))
    with db.session() as s:
        save_employment(s, EmploymentData(sid, 2026, "待就业", employer_name="不该留下"))
    with db.session() as s, pytest.raises(ValidationErrors, match="已有2026届"):
        save_employment(s, EmploymentData(sid, 2026, "升学"))
    with db.reader() as s:
        assert s.scalars(select(Employment.employer_name)).one() == ""
        figures = employment_figures(s, 2026)[-1]
    assert (
        figures.employment_rate == 0.0 and figures.related_rate is None and figures.average_salary_fen is None
    )


def test_cli_internships_list(db: Database, db_path: Path, world: dict) -> None:
    with db.session() as s:
        create_internships(s, world["students"][:1], world["terms"])
    db.close()
    r = run_cli("--db", str(db_path), "internships", "list", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert rows[0]["student"] == "张三" and rows[0]["monthly_pay_fen"] == 300000
    assert {p["rule"] for p in rows[0]["problems"]} == {"INT-INSURANCE", "INT-TRIPARTITE"}
    r = run_cli("--db", str(db_path), "import", "enterprises", str(db_path), "--update")
    assert r.returncode == 2 and "--update" in r.stderr


def test_reminders_for_internships(db: Database, world: dict) -> None:
    from tests.findings import kind_label, reminders, target_of

    with db.session() as s:
        iid = create_internships(s, world["students"][:1], world["terms"]).ids[0]
    with db.reader() as s:
        found = [r for r in reminders(s, TODAY) if r.record_type == "internship"]
        assert {r.rule for r in found} == {"INT-INSURANCE", "INT-TRIPARTITE"}
        assert all(r.record_id == iid and r.title.startswith("张三（机电2301）") for r in found)
        assert kind_label("INT-TRIPARTITE") == "未签三方协议"
        assert target_of(s, found[0]).record_type == "internship"
    with db.session() as s:
        set_status(s, [iid], "终止", reason="转专业")
    with db.reader() as s:
        assert not [r for r in reminders(s, TODAY) if r.record_type == "internship"]


def test_trash_purges_a_student_with_its_records(db: Database, world: dict) -> None:
    from app import trash
    from app.services.students import delete_students

    sid = world["students"][0]
    with db.session() as s:
        iid = create_internships(s, [sid], world["terms"]).ids[0]
        save_evaluation(s, EvaluationData(iid, D(2026, 3, 1), 80))
        save_employment(s, EmploymentData(sid, 2026, "升学"))
        delete_students(s, [sid])
    with db.reader() as s:
        assert [r.title for r in trash.trash_rows(s, "student")] == ["张三（2023001）"]
    with db.session() as s:
        trash.purge_items(s, "student", [sid])
    with db.reader() as s:
        assert s.scalars(select(Internship)).all() == [] and s.scalars(select(Employment)).all() == []
        assert s.scalars(select(MonthlyEvaluation)).all() == []


def test_cli_internships_check(db: Database, db_path: Path, world: dict) -> None:
    with db.session() as s:
        create_internships(s, world["students"][:1], world["terms"])
        save_employment(s, EmploymentData(world["students"][1], 2026, "待就业"))
    db.close()
    r = run_cli("internships", "check", "--json", "--today", TODAY.isoformat(), "--db", str(db_path))
    assert r.returncode == 1, r.stderr  # 错误-level findings: no insurance, no 三方协议
    found = json.loads(r.stdout)
    assert {f["rule"] for f in found} == {"INT-INSURANCE", "INT-TRIPARTITE"}
    assert all(f["record_type"] == "internship" and f["source"].startswith("H第十二条") for f in found)


def test_db_option_before_or_after_the_command() -> None:
    from app.cli import parse_args

    assert parse_args(["--db", "X.db", "internships", "list"]).db == "X.db"
    assert parse_args(["internships", "list", "--db", "Y.db"]).db == "Y.db"
    assert parse_args(["init"]).db is None and parse_args([]).db is None
