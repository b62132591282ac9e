"""`chanjiao setup` and `chanjiao projects add|list` (#19 “for scripts and first setup”): an empty database
prepared from the command line alone, then a teacher import and a ledger import that succeed — which fail
row by row without them. Real SQLite files, real .xlsx files, the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.db.engine import open_database
from app.db.models import Major, Teacher
from tests.cli_run import run_cli

GROUPS = ("机电一体化专业群:机电一体化技术=460301,工业机器人技术", "电气专业群：电气自动化技术、供用电技术")


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def _teachers(tmp_path: Path) -> Path:
    return _xlsx(
        tmp_path / "教师.xlsx",
        [
            ["姓名", "工号", "教师类型", "所属专业", "是否双师型"],
            ["张老师", "T001", "专任", "机电一体化技术", "是"],
            ["李老师", "T002", "专任", "电气自动化技术", "否"],
        ],
    )


def _ledger(tmp_path: Path) -> Path:
    return _xlsx(
        tmp_path / "明细账.xlsx",
        [
            ["日期", "凭证号", "摘要", "项目", "收入", "支出"],
            ["2026-03-02", "记-001", "企业拨付订单班经费", "校企合作订单班", 50000, None],
            ["2026-03-15", "记-007", "订单班教材", "校企合作订单班", None, 3200.5],
        ],
    )


def _setup(db: str, *more: str):
    groups = [a for g in GROUPS for a in ("--group", g)]
    return run_cli(
        "setup",
        "--db",
        db,
        "--school",
        "湖南生物机电职业技术学院",
        "--college",
        "机电工程学院",
        *groups,
        *more,
    )


def test_an_empty_database_prepared_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "新库.db")
    teachers, ledger = _teachers(tmp_path), _ledger(tmp_path)

    # without majors and projects every row is refused
    refused = run_cli("import", "teachers", str(teachers), "--db", db, "--json")
    assert refused.returncode == 1 and json.loads(refused.stdout)["imported"] == 0
    refused = run_cli("import", "ledger", str(ledger), "--db", db, "--json")
    assert refused.returncode == 1 and json.loads(refused.stdout)["imported"] == 0

    done = _setup(db, "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["school"], out["college"]) == ("湖南生物机电职业技术学院", "机电工程学院")
    assert [(g["name"], [(m["name"], m["code"]) for m in g["majors"]]) for g in out["groups"]] == [
        ("机电一体化专业群", [("机电一体化技术", "460301"), ("工业机器人技术", "")]),
        ("电气专业群", [("电气自动化技术", ""), ("供用电技术", "")]),
    ]
    added = run_cli(
        "projects", "add", "校企合作订单班", "--kind", "订单培养", "--leader", "张三",
        "--major", "机电一体化技术", "--start", "2026-02-01", "--db", db, "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    project = json.loads(added.stdout)
    assert (project["tier"], project["tier_label"], project["starts_on"]) == (
        "foundation",
        "基础层",
        "2026-02-01",
    )

    imported = run_cli("import", "teachers", str(teachers), "--db", db, "--json")
    assert imported.returncode == 0, imported.stdout
    assert json.loads(imported.stdout)["imported"] == 2
    imported = run_cli("import", "ledger", str(ledger), "--db", db, "--json")
    assert imported.returncode == 0, imported.stdout
    assert json.loads(imported.stdout)["imported"] == 2

    listed = run_cli("projects", "list", "--db", db, "--json")
    assert [(p["id"], p["name"], p["leader"]) for p in json.loads(listed.stdout)] == [
        (project["id"], "校企合作订单班", "张三")
    ]
    text = run_cli("projects", "list", "--db", db)
    assert "校企合作订单班\t订单培养\t基础层\t张三" in text.stdout and "共 1 个项目" in text.stdout


def test_setup_as_a_real_process(tmp_path: Path) -> None:
    """The same command in its own process, as a script runs it (the console's encoding, exit code)."""
    db = str(tmp_path / "脚本.db")
    done = run_cli("setup", "--db", db, "--school", "某职业技术学院", "--college", "某学院", subprocess=True)
    assert done.returncode == 0, done.stderr
    assert "二级学院：某学院" in done.stdout and "共 0 个专业群、0 个专业。" in done.stdout


def test_setup_adds_and_moves_but_removes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert _setup(db).returncode == 0
    teachers = _teachers(tmp_path)
    assert run_cli("import", "teachers", str(teachers), "--db", db).returncode == 0

    # a second run: school kept, a major moved (the same record: the teacher stays linked), a code set, a
    # name written with a space in it is the same major, spelt as before, a new group added
    again = run_cli(
        "setup", "--db", db, "--college", "智能制造学院",
        "--group", "电气专业群:机电一体化技术=460301, 供用电技术=460302",
        "--group", "新专业群:新能源汽车技术",
        "--group", "机电一体化专业群:工业 机器人技术=460305",
        "--json",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    out = json.loads(again.stdout)
    assert (out["school"], out["college"]) == ("湖南生物机电职业技术学院", "智能制造学院")
    majors = {g["name"]: [(m["name"], m["code"]) for m in g["majors"]] for g in out["groups"]}
    assert majors == {
        "机电一体化专业群": [("工业机器人技术", "460305")],
        "电气专业群": [("电气自动化技术", ""), ("机电一体化技术", "460301"), ("供用电技术", "460302")],
        "新专业群": [("新能源汽车技术", "")],
    }
    database = open_database(Path(db))
    try:
        with database.reader() as s:
            live = s.scalars(select(Major.name).where(Major.deleted_at.is_(None))).all()
            linked = s.scalar(
                select(Major.name)
                .join(Teacher, Teacher.major_id == Major.id)
                .where(Teacher.staff_no == "T001")
            )
    finally:
        database.close()
    assert sorted(live) == sorted(m for ms in majors.values() for m, _ in ms)  # none deleted, none doubled
    assert linked == "机电一体化技术"


def test_setup_fills_the_details_a_tripartite_agreement_prints(tmp_path: Path) -> None:
    """甲方 as the window asks it: given fields saved, the others kept on a later run."""
    db = str(tmp_path / "p.db")
    first = _setup(db, "--school-address", "长沙市芙蓉区远大二路", "--school-representative", "王校长")
    assert first.returncode == 0, first.stderr
    assert "学校：湖南生物机电职业技术学院（地址：长沙市芙蓉区远大二路，法定代表人：王校长）" in first.stdout
    later = run_cli("setup", "--db", db, "--college-phone", "0731-84638888", "--json")
    out = json.loads(later.stdout)
    assert (out["school_address"], out["school_representative"], out["college_phone"]) == (
        "长沙市芙蓉区远大二路",
        "王校长",
        "0731-84638888",
    )
    wrong = run_cli("setup", "--db", db, "--school-phone", "12", "--school-address", "别处")
    assert wrong.returncode == 2 and "学校的联系电话格式不对" in wrong.stderr
    assert (
        json.loads(run_cli("setup", "--db", db, "--json").stdout)["school_address"] == "长沙市芙蓉区远大二路"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["setup", "--college", "机电工程学院"], "请填写学校名称"),
        (["setup", "--school", "x", "--college", "y", "--group", "没有冒号"], "应写成“名称:专业,专业…”"),
        (["setup", "--school", "x", "--college", "y", "--group", "群:甲=12"], "专业代码应为6位数字"),
        (
            ["setup", "--school", "x", "--college", "y", "--group", "群一:甲", "--group", "群二:甲"],
            "专业“甲”重复出现",
        ),
        (["projects", "add", "课题", "--kind", "横向课题"], "须选择合作层次"),
        (["projects", "add", "课题", "--kind", "瞎写"], "项目类型应为：岗位实习、订单培养"),
        (["projects", "add", "课题", "--kind", "横向课题", "--tier", "顶层"], "合作层次“顶层”应为"),
        (["projects", "add", "课题", "--kind", "订单培养", "--major", "没有的专业"], "不在设置的专业中"),
    ],
)
def test_wrong_input_exits_2_and_writes_nothing(tmp_path: Path, argv: list[str], message: str) -> None:
    db = str(tmp_path / "b.db")
    done = run_cli(*argv, "--db", db)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert json.loads(run_cli("projects", "list", "--db", db, "--json").stdout) == []
    empty = run_cli("setup", "--db", db)  # still asks for the school: nothing of it was written
    assert empty.returncode == 2 and "请填写学校名称；请填写二级学院名称" in empty.stderr


def test_a_project_name_is_not_taken_twice(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert run_cli("projects", "add", "校企合作订单班", "--kind", "订单培养", "--db", db).returncode == 0
    twice = run_cli("projects", "add", "校企合作订单班 ", "--kind", "现代学徒制", "--db", db)
    assert twice.returncode == 2 and "已有名为“校企合作订单班”的项目" in twice.stderr
    assert len(json.loads(run_cli("projects", "list", "--db", db, "--json").stdout)) == 1
    other = run_cli("projects", "add", "现代学徒制试点", "--kind", "现代学徒制", "--db", db, "--json")
    assert json.loads(other.stdout)["tier_label"] == "深化层"
    only = run_cli("projects", "list", "--tier", "深化层", "--db", db, "--json")
    assert [p["name"] for p in json.loads(only.stdout)] == ["现代学徒制试点"]


def _readme_line(command: str) -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    return next(line for line in readme.splitlines() if line.startswith(f"| `chanjiao {command}"))


def test_the_readme_names_every_key_the_commands_print(tmp_path: Path) -> None:
    """The CLI section of the README says what the JSON of `setup`, `projects` and `import enterprises`
    holds: every key they print is named there (a key added later must be documented too)."""
    db = str(tmp_path / "d.db")
    setup = json.loads(_setup(db, "--json").stdout)
    keys = {*setup, *setup["groups"][0], *setup["groups"][0]["majors"][0]}
    assert all(f"`{k}`" in _readme_line("setup") for k in keys), keys
    project = json.loads(
        run_cli("projects", "add", "课题", "--kind", "订单培养", "--db", db, "--json").stdout
    )
    assert all(f"`{k}`" in _readme_line("projects add") for k in project), project.keys()

    from tests.codes import valid_uscc

    head = ["企业名称", "统一社会信用代码", "地址"]
    first = _xlsx(tmp_path / "a.xlsx", [head, ["湖南甲科技有限公司", valid_uscc(1), "长沙市岳麓区"]])
    assert run_cli("import", "enterprises", str(first), "--db", db).returncode == 0
    again = _xlsx(
        tmp_path / "b.xlsx", [head, ["湖南甲科技有限公司", valid_uscc(1), "长沙市天心区"], ["乙", None, None]]
    )
    done = run_cli("import", "enterprises", str(again), "--on-existing", "update", "--db", db, "--json")
    assert done.returncode == 0
    out = json.loads(done.stdout)
    keys = {*out, *out["existing"][0]}
    line = _readme_line("import enterprises")
    assert all(f"`{k}`" in line for k in keys), sorted(k for k in keys if f"`{k}`" not in line)
    assert (out["added"], out["updated"], out["imported"]) == (1, 1, 2)  # imported: added + updated
