"""Teachers to Excel: the blank import templates (headers read back by the importers, drop-downs), the export
of teachers with their practice gaps (days counted once over overlaps, 产业教师 exempt, formula-safe text),
the CLI's `template teachers|practice` and `export teachers`, and the list service behind the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.db.engine import Database
from app.io.teachers_export import export_teachers, months
from app.io.teachers_xlsx import (
    read_practice,
    read_teachers,
    write_practice_template,
    write_teacher_template,
)
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.teacher_list import TeacherQuery, practice_list, teacher_ids, teacher_list_rows
from app.services.teachers import PracticeData, TeacherData, add_practice, create_teacher
from tests.cli_run import run_cli

AS_OF = dt.date(2026, 11, 23)
D = dt.date


@pytest.fixture
def data(db: Database) -> dict[str, str]:
    with db.session() as s:
        save_profile(
            s,
            CollegeProfile(
                "湖南湘麓职业技术学院",
                "机电工程学院",
                (MajorGroupInfo("智能制造专业群", ("机电一体化技术",)),),
            ),
        )
        ent = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")).ids[0]
        wang = create_teacher(s, TeacherData(name="王强", staff_no="T001", is_dual=True)).ids[0]
        li = create_teacher(s, TeacherData(name="=李明", staff_no="T002")).ids[0]
        zhao = create_teacher(s, TeacherData(name="赵工", kind="产业", employer_id=ent, hours_taught=64)).ids[
            0
        ]
        add_practice(s, PracticeData(wang, D(2025, 7, 1), D(2025, 8, 31), unit_name="某厂"))  # 62 days
        add_practice(
            s, PracticeData(wang, D(2025, 8, 1), D(2025, 9, 30), enterprise_id=ent)
        )  # +30 overlapping
        add_practice(s, PracticeData(li, D(2024, 1, 1), D(2024, 6, 28), unit_name="某所"))  # 180 days
    return {"ent": ent, "wang": wang, "li": li, "zhao": zhao}


def test_templates_read_back_as_empty_files(db: Database, tmp_path: Path) -> None:
    t, p = tmp_path / "教师模板.xlsx", tmp_path / "实践模板.xlsx"
    write_teacher_template(t)
    write_practice_template(p)
    ws = load_workbook(t).active
    assert [c.value for c in ws[2]][:5] == ["姓名", "工号", "教师类型", "所属专业", "是否双师型"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists == {"C3": '"专任,产业"', "E3": '"是,否"'}
    assert ws.column_dimensions["B"].number_format == "@"  # 工号 stays text
    assert [c.value for c in load_workbook(p).active[2]][:5] == [
        "工号",
        "姓名",
        "实践单位",
        "开始日期",
        "结束日期",
    ]
    with db.reader() as s:
        assert read_teachers(s, t).rows == () and read_teachers(s, t).header_row == 2
        assert read_practice(s, p).rows == ()


def test_export_has_one_row_per_teacher_with_the_gap(
    db: Database, data: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "教师.xlsx"
    with db.reader() as s:
        assert export_teachers(s, out, as_of=AS_OF) == 3
    wb = load_workbook(out)
    rows = list(wb["教师企业实践情况"].iter_rows(values_only=True))
    head = rows[0]
    by_name = {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"王强", "=李明", "赵工"}
    wang = by_name["王强"]
    assert (wang["近五年实践天数"], wang["近五年实践月数"], wang["尚缺天数"], wang["是否达标"]) == (
        92,
        3.0,
        88,
        "否",
    )
    assert wang["是否双师型"] == "是" and wang["统计区间开始"] == dt.datetime(2021, 11, 24)
    assert (by_name["=李明"]["尚缺天数"], by_name["=李明"]["是否达标"]) == (0, "是")
    zhao = by_name["赵工"]
    assert (zhao["尚缺天数"], zhao["是否达标"], zhao["所在企业"], zhao["授课学时"]) == (
        None,
        "不适用",
        "湖南湘江智能装备有限公司",
        64,
    )
    cell = next(c for c in wb["教师企业实践情况"]["A"] if c.value == "=李明")
    assert cell.data_type == "s"  # text, not a formula
    practice = list(wb["企业实践记录"].iter_rows(values_only=True))
    assert len(practice) == 4 and practice[0][:3] == ("工号", "姓名", "实践单位")


def test_months_are_cut_never_rounded_up() -> None:
    assert (months(179), months(180), months(45), months(0)) == (5.9, 6.0, 1.5, 0.0)


def test_cli_template_and_export(db: Database, db_path: Path, data: dict[str, str], tmp_path: Path) -> None:
    db.close()
    for table in ("teachers", "practice"):
        tpl = tmp_path / f"{table}.xlsx"
        done = run_cli("template", table, str(tpl))
        assert done.returncode == 0 and tpl.stat().st_size > 0, done.stderr
    out = tmp_path / "导出 教师.xlsx"
    exported = run_cli("export", "teachers", str(out), "--db", str(db_path))
    assert exported.returncode == 0 and "已导出 3 名教师" in exported.stdout, exported.stderr
    assert load_workbook(out)["教师企业实践情况"].max_row == 4


def test_list_search_filter_and_sort(db: Database, data: dict[str, str]) -> None:
    with db.reader() as s:
        ids = lambda **k: teacher_ids(s, TeacherQuery(as_of=AS_OF, **k))  # noqa: E731
        assert ids(text="wq") == [data["wang"]]  # pinyin initials
        assert ids(text="t002") == [data["li"]]
        assert ids(text="湘江") == [data["zhao"]]  # employer
        assert ids(kind="产业") == [data["zhao"]]
        assert ids(short_only=True) == [data["wang"]]
        assert ids(sort="days_missing", descending=True) == [data["wang"], data["li"], data["zhao"]]
        rows = teacher_list_rows(s, [data["wang"], data["zhao"]], AS_OF)
        assert (rows[data["wang"]].days_done, rows[data["wang"]].days_missing) == (92, 88)
        assert rows[data["zhao"]].days_missing is None
        assert [r.evidence for r in practice_list(s, data["wang"])] == [0, 0]
