"""实践教学基地: validation naming the field, majors kept, usage rows with their defaults and semester bounds, a
semester's figures with internships crossing the semester's ends (person-days computed by hand below), a manual
row replacing the internships' figure, the summary to Excel and Word read back, the CLI, the 回收站."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from app import trash
from app.db.models import Internship, Major, Student
from app.docs.bases import write_usage_summary
from app.domain.semesters import SemesterCalendar
from app.errors import AppError, ValidationErrors
from app.io.bases_xlsx import HEADERS, export_usage_summary
from app.services import bases as svc
from app.services.agreements import AgreementData, create_agreement
from app.services.enterprises import EnterpriseData, create_enterprise, delete_enterprises
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile, save_semester_calendar
from tests.cli_run import run_cli

D = dt.date
SEM = "2025-2026-1"  # 2025-09-01 … 2026-01-31 by the default calendar
PROFILE = CollegeProfile(
    "湖南湘麓职业技术学院",
    "机电工程学院",
    (
        MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术")),
        MajorGroupInfo("新能源汽车专业群", ("新能源汽车技术",)),
    ),
)


@pytest.fixture
def ids(db) -> dict[str, str]:
    with db.session() as s:
        save_profile(s, PROFILE)
        majors = dict(s.execute(select(Major.name, Major.id)).all())
        ent = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")).ids[0]
        other = create_enterprise(s, EnterpriseData(name="长沙麓谷汽车部件有限公司", status="合作中")).ids[0]
        agr = create_agreement(
            s, AgreementData(title="实训基地共建协议", kind="实训基地共建", enterprise_ids=(ent,))
        ).ids[0]
        base = svc.save_base(
            s,
            svc.BaseData(
                name="湘江智能岗位实习基地",
                kind="校外实践教学基地",
                level="校级示范",
                enterprise_id=ent,
                agreement_id=agr,
                major_ids=(majors["机电一体化技术"], majors["工业机器人技术"]),
                capacity=60,
                established_on=D(2022, 9, 1),
                has_lodging=True,
            ),
        ).ids[0]
    return {"m1": majors["机电一体化技术"], "m2": majors["工业机器人技术"], "m3": majors["新能源汽车技术"],
            "ent": ent, "other": other, "agr": agr, "base": base}  # fmt: skip


def errors_of(s, data: svc.BaseData, base_id: str | None = None) -> dict[str, str]:
    return {e.field: e.message for e in svc.check_base(s, data, base_id)}


# ---------------------------------------------------------------- bases


def test_check_base_names_the_field(db, ids) -> None:
    with db.reader() as s:
        assert errors_of(s, svc.BaseData(name="  ")) == {
            "name": "基地名称不能为空",
            "enterprise_id": "校外实践教学基地须选择依托企业（报表中的“依托单位名称”）",
        }
        assert "enterprise_id" in errors_of(s, svc.BaseData(name="产教基地", kind="产教融合实训基地"))
        assert (
            errors_of(s, svc.BaseData(name="校内实训室", kind="校内实训基地")) == {}
        )  # no enterprise needed
        bad = errors_of(
            s,
            svc.BaseData(
                name="x", kind="实训室", mode="合办", level="市级", enterprise_id=ids["ent"], capacity=-1
            ),
        )
        assert set(bad) == {"kind", "mode", "level", "capacity"}
        assert "基地类型应为" in bad["kind"] and "工位数" in bad["capacity"]
        dup = errors_of(s, svc.BaseData(name="湘江智能岗位实习基地", enterprise_id=ids["ent"]))
        assert dup == {"name": "已有名为“湘江智能岗位实习基地”的实践基地"}
        assert (
            errors_of(s, svc.BaseData(name="湘江智能岗位实习基地", enterprise_id=ids["ent"]), ids["base"])
            == {}
        )
        wrong = errors_of(
            s, svc.BaseData(name="麓谷基地", enterprise_id=ids["other"], agreement_id=ids["agr"])
        )
        assert wrong == {"agreement_id": "所选合作协议的合作方中没有该依托企业"}


def test_save_keeps_majors_and_lists_the_base(db, ids) -> None:
    with db.session() as s:
        d = svc.get_base(s, ids["base"])
        assert d.major_ids == (ids["m1"], ids["m2"]) and d.capacity == 60 and d.has_lodging
        svc.save_base(s, _data(d, major_ids=(ids["m2"], ids["m3"])), ids["base"])
    with db.reader() as s:
        assert svc.get_base(s, ids["base"]).major_ids == (ids["m2"], ids["m3"])
        row = svc.base_rows(s, [ids["base"]], SEM)[ids["base"]]
        assert row.enterprise == "湖南湘江智能装备有限公司" and row.agreement == "实训基地共建协议"
        assert row.majors == "工业机器人技术、新能源汽车技术" and row.usage == svc.UsageTotals()
        assert svc.base_ids(s, svc.BaseQuery(text="湘江智能装备")) == [ids["base"]]  # the enterprise's name
        assert svc.base_ids(s, svc.BaseQuery(level="省级")) == []
        assert svc.base_ids(s, svc.BaseQuery(major_id=ids["m3"])) == [ids["base"]]


def _data(d: svc.BaseDetail, **changes) -> svc.BaseData:
    values = {k: getattr(d, k) for k in svc.BaseData.__dataclass_fields__}
    return svc.BaseData(**{**values, **changes})


# ---------------------------------------------------------------- usage rows


def test_usage_defaults_and_bounds(db, ids) -> None:
    with db.session() as s:
        uid = svc.save_usage(
            s,
            svc.UsageData(ids["base"], SEM, "技能实训", ids["m1"], D(2025, 10, 8), D(2025, 10, 12), 40,
                          teachers="王强，李芳 王强"),
        ).ids[0]  # fmt: skip
        row = svc.get_usage(s, uid)
        assert (row.days, row.person_days, row.teacher_count, row.teachers) == (5, 200, 3, "王强、李芳、王强")
        with pytest.raises(ValidationErrors) as e:
            svc.save_usage(
                s, svc.UsageData(ids["base"], SEM, "参观", None, D(2025, 8, 31), D(2026, 2, 1), 10, 5, 60)
            )
        fields = {x.field: x.message for x in e.value.errors}
        assert set(fields) == {"activity", "starts_on", "ends_on"}
        assert fields["starts_on"] == "开始日期不在2025-2026-1学期内（2025-09-01至2026-01-31）"
        with pytest.raises(ValidationErrors) as e:
            svc.save_usage(
                s, svc.UsageData(ids["base"], SEM, "技能竞赛", None, students=4, days=3, person_days=13)
            )
        assert [x.field for x in e.value.errors] == ["person_days"]
        with pytest.raises(ValidationErrors) as e:
            svc.save_usage(s, svc.UsageData(ids["base"], "2025-2026-3", "技能竞赛", students=4))
        assert [x.field for x in e.value.errors] == ["semester"]
        assert [r.id for r in svc.usage_rows(s, ids["base"])] == [uid]
        assert svc.usage_rows(s, semester="2025-2026-2") == []


# ---------------------------------------------------------------- the semester's figures


def _student(s, no: str, major_id: str | None) -> str:
    st = Student(student_no=no, name=f"学生{no}", major_id=major_id)
    s.add(st)
    s.flush()
    return st.id


def _internship(s, base_id, student_id, kind, start, end, status="实习中", mentor="", deleted=False) -> str:
    i = Internship(student_id=student_id, base_id=base_id, kind=kind, starts_on=start, ends_on=end, status=status,
                   academic_mentor=mentor)  # fmt: skip
    if deleted:
        i.deleted_at = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    s.add(i)
    s.flush()
    return i.id


@pytest.fixture
def placed(db, ids) -> dict[str, str]:
    """Internships at the base around 2025-2026-1 (2025-09-01 … 2026-01-31)."""
    with db.session() as s:
        a, b, c, d = (_student(s, f"2023010{i}", ids["m1"]) for i in range(4))
        e = _student(s, "20230201", ids["m2"])
        f = _student(s, "20230301", None)
        base = ids["base"]
        _internship(s, base, a, "岗位实习", D(2025, 7, 1), D(2025, 9, 10), "已结束", "王强")  # 10 days in
        _internship(s, base, b, "岗位实习", D(2026, 1, 20), D(2026, 3, 31), mentor="李芳")  # 12 days in
        _internship(s, base, c, "岗位实习", D(2025, 9, 5), D(2025, 9, 14), mentor="王强")  # 10, overlaps a's
        _internship(s, base, d, "认识实习", D(2025, 10, 8), D(2025, 10, 10))  # 3 days: 专业认识实习
        _internship(s, base, a, "岗位实习", D(2025, 10, 1), D(2025, 10, 30), status="计划")  # not counted
        _internship(s, base, b, "岗位实习", D(2025, 10, 1), D(2025, 10, 30), deleted=True)  # not counted
        _internship(s, base, c, "岗位实习", D(2026, 2, 1), D(2026, 6, 30))  # next semester
        _internship(s, None, d, "岗位实习", D(2025, 10, 1), D(2025, 10, 30))  # at no base
        _internship(s, base, e, "岗位实习", D(2025, 12, 1), D(2026, 6, 30), mentor="周婷")  # 31 + 31 = 62
        _internship(s, base, f, "岗位实习", D(2025, 9, 1), D(2025, 9, 1), "终止")  # 1 day, no major
    return ids


def _line(usage, major_id, activity) -> tuple:
    (x,) = [x for x in usage.lines if x.major_id == major_id and x.activity == activity]
    t = x.totals
    return x.source, t.activities, t.students, t.days, t.person_days, t.teachers


def test_internships_count_by_their_days_inside_the_semester(db, placed) -> None:
    with db.reader() as s:
        u = svc.semester_usage(s, SEM)
    # m1 岗位实习: 10 + 12 + 10 person-days; days used 09-01…09-14 (14) + 01-20…01-31 (12); mentors 王强, 李芳
    assert _line(u, placed["m1"], "岗位实习") == ("实习记录", 1, 3, 26, 32, 2)
    assert _line(u, placed["m1"], "专业认识实习") == ("实习记录", 1, 1, 3, 3, 0)
    assert _line(u, placed["m2"], "岗位实习") == ("实习记录", 1, 1, 62, 62, 1)
    assert _line(u, None, "岗位实习") == ("实习记录", 1, 1, 1, 1, 0)
    assert [g.name for g in u.by_major] == ["机电一体化技术", "工业机器人技术", "未指定专业"]
    assert u.by_major[0].totals == svc.UsageTotals(2, 4, 29, 35, 2)
    assert u.totals == svc.UsageTotals(4, 6, 92, 98, 3)
    assert u.base_totals(placed["base"]) == u.totals
    with db.reader() as s:
        nxt = svc.semester_usage(s, "2025-2026-2")  # 2026-02-01 … 2026-07-31
    assert _line(nxt, placed["m1"], "岗位实习") == ("实习记录", 1, 2, 150, 209, 1)  # 59 (b) + 150 (c)


def test_a_manual_row_replaces_the_internships_figure(db, placed) -> None:
    with db.session() as s:
        svc.save_usage(s, svc.UsageData(placed["base"], SEM, "岗位实习", placed["m2"], students=5, days=20,
                                        person_days=80, teacher_count=2))  # fmt: skip
        svc.save_usage(s, svc.UsageData(placed["base"], SEM, "技能实训", placed["m1"], students=30, days=4))
    with db.reader() as s:
        u = svc.semester_usage(s, SEM)
    assert _line(u, placed["m2"], "岗位实习") == ("手工", 1, 5, 20, 80, 2)  # not 6 人次 / 142 人天
    assert _line(u, placed["m1"], "岗位实习") == ("实习记录", 1, 3, 26, 32, 2)  # other majors unchanged
    assert _line(u, placed["m1"], "技能实训") == ("手工", 1, 30, 4, 120, 0)  # added beside them
    assert [x.activity for x in u.by_major[0].lines] == ["专业认识实习", "技能实训", "岗位实习"]


def test_the_college_calendar_moves_the_bounds(db, placed) -> None:
    with db.session() as s:
        save_semester_calendar(s, SemesterCalendar((8, 20), (2, 20), (7, 15)))
    with db.reader() as s:
        u = svc.semester_usage(s, SEM)  # 2025-08-20 … 2026-02-19
    # a: 08-20…09-10 = 22, b: 01-20…02-19 = 31, c: 10 and now 02-01…02-19 = 19 of its next one;
    # days used 08-20…09-14 (26) + 01-20…02-19 (31)
    assert _line(u, placed["m1"], "岗位实习") == ("实习记录", 1, 4, 57, 82, 2)
    assert (u.first_day, u.last_day) == (D(2025, 8, 20), D(2026, 2, 19))


def test_a_deleted_base_leaves_the_figures(db, placed) -> None:
    with db.session() as s:
        svc.delete_bases(s, [placed["base"]])
    with db.reader() as s:
        assert svc.semester_usage(s, SEM).lines == ()


# ---------------------------------------------------------------- summary: status, Excel, Word


def test_summary_status(db, placed) -> None:
    with db.session() as s:
        svc.mark_summary_submitted(s, placed["m2"], SEM, D(2026, 1, 20))
        svc.mark_summary_submitted(s, placed["m2"], SEM, D(2026, 1, 22))  # again: the date moves
    with db.reader() as s:
        status = {st.major_name: st.submitted_on for st in svc.summary_status(s, SEM)}
    assert status == {"机电一体化技术": None, "工业机器人技术": D(2026, 1, 22), "新能源汽车技术": None}
    with db.session() as s:
        svc.unmark_summary_submitted(s, placed["m2"], SEM)
        with pytest.raises(AppError):
            svc.unmark_summary_submitted(s, placed["m2"], SEM)
    with db.reader() as s:
        assert all(st.submitted_on is None for st in svc.summary_status(s, SEM))


def test_export_reads_back(db, placed, tmp_path: Path) -> None:
    with db.session() as s:
        weird = svc.save_base(s, svc.BaseData(name="=SUM(A1)实训室", kind="校内实训基地")).ids[0]
        svc.save_usage(s, svc.UsageData(weird, SEM, "技能竞赛", placed["m1"], students=6, days=2))
        svc.mark_summary_submitted(s, placed["m1"], SEM, D(2026, 1, 25))
    out = tmp_path / "基地使用汇总.xlsx"
    with db.reader() as s:
        r = export_usage_summary(s, SEM, out)
    assert (r.majors, r.lines, r.totals.students) == (3, 5, 12)
    ws = load_workbook(out).active
    rows = [tuple(c.value for c in row) for row in ws.iter_rows()]
    assert rows[0] == HEADERS and ws["A1"].font.bold and ws.freeze_panes == "A2"
    assert rows[1][:6] == ("机电一体化技术", "=SUM(A1)实训室", "校内实训基地", None, "技能竞赛", "手工")
    assert ws["B2"].data_type == "s"  # text, not a formula
    assert rows[2][:6] == ("机电一体化技术", "湘江智能岗位实习基地", "校外实践教学基地", "湖南湘江智能装备有限公司",
                           "专业认识实习", "实习记录")  # fmt: skip
    assert rows[3][6:] == (1, 3, 26, 32, 2)
    assert rows[4][0] == "机电一体化技术 小计" and rows[4][6:] == (3, 10, 31, 47, 2)
    total = next(r for r in rows if r[0] == "合计")
    assert total[6:] == (5, 12, 94, 110, 3)
    period = next(r for r in rows if r[0] == "统计期间")
    assert period[1] == dt.datetime(2025, 9, 1) and period[3] == dt.datetime(2026, 1, 31)  # dates, not text
    status = {r[0]: r[1] for r in rows[rows.index(next(r for r in rows if r[0] == "汇总提交情况")) + 1 :]}
    assert status == {
        "机电一体化技术": dt.datetime(2026, 1, 25),
        "工业机器人技术": "未提交",
        "新能源汽车技术": "未提交",
    }
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9


def test_word_summary_reads_back(db, placed, tmp_path: Path) -> None:
    with db.session() as s:
        svc.save_base(s, _data(svc.get_base(s, placed["base"]), name="湘江 & <智能> 基地"), placed["base"])
        svc.save_usage(s, svc.UsageData(placed["base"], SEM, "技能实训", placed["m1"], D(2025, 11, 3),
                                        D(2025, 11, 7), 30, teachers="王强、李芳", note="数控车削\n综合训练"))  # fmt: skip
    out = tmp_path / "汇总.docx"
    with db.reader() as s:
        write_usage_summary(s, SEM, placed["m1"], out, today=D(2026, 1, 20))
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "机电一体化技术专业" in text and "2025—2026学年第一学期" in text
    assert "共使用实践教学基地1个，开展实习实训项目3项，接待学生34人次、185人天" in text
    assert (
        "湘江 & <智能> 基地：技能实训，2025年11月3日至2025年11月7日，30人次，指导教师：王强、李芳。数控车削；综合训练"
        in text
    )
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells[0][:3] == ["序号", "基地名称", "活动类型"]
    assert cells[1] == ["1", "湘江 & <智能> 基地", "专业认识实习", "1", "3", "3", "0"]
    assert cells[-1][1] == "合计" and cells[-1][3:] == ["34", "34", "185", "4"]
    assert "2026年1月20日" in text


# ---------------------------------------------------------------- CLI


def test_cli(db, placed, db_path: Path, tmp_path: Path) -> None:
    listed = run_cli("bases", "list", "--db", str(db_path), "--semester", SEM, "--json")
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert row["name"] == "湘江智能岗位实习基地" and row["usage"]["person_days"] == 98
    assert row["established_on"] == "2022-09-01"
    xlsx = tmp_path / "汇总.xlsx"
    out = run_cli("bases", "summary", "--db", str(db_path), "--semester", SEM, "--out", str(xlsx))
    assert out.returncode == 0 and "3 个专业" in out.stdout and xlsx.exists()
    docx = tmp_path / "机电.docx"
    out = run_cli("bases", "summary-doc", "--db", str(db_path), "--semester", SEM, "--major", "机电一体化技术",
                  "--out", str(docx))  # fmt: skip
    assert out.returncode == 0 and docx.exists()
    bad = run_cli("bases", "summary-doc", "--db", str(db_path), "--semester", SEM, "--major", "护理",
                  "--out", str(docx))  # fmt: skip
    assert bad.returncode == 2 and "没有名为“护理”的专业" in bad.stderr
    bad = run_cli("bases", "summary", "--db", str(db_path), "--semester", "2025-1", "--out", str(xlsx))
    assert bad.returncode == 2 and "学期“2025-1”格式不对" in bad.stderr
    assert (
        run_cli(
            "bases", "submit", "--db", str(db_path), "--semester", SEM, "--major", "新能源汽车技术"
        ).returncode
        == 0
    )
    status = run_cli("bases", "status", "--db", str(db_path), "--semester", SEM, "--json")
    submitted = {x["major"]: x["submitted_on"] for x in json.loads(status.stdout)}
    assert submitted["新能源汽车技术"] and submitted["机电一体化技术"] is None
    assert run_cli("bases", "status", "--db", str(db_path), "--semester", SEM).returncode == 1  # not all in


# ---------------------------------------------------------------- 回收站


def test_trash(db, placed) -> None:
    with db.session() as s:
        lone = svc.save_base(s, svc.BaseData(name="电工实训室", kind="校内实训基地", level="无")).ids[0]
        svc.save_base(s, svc.BaseData(name="麓谷汽车实践基地", enterprise_id=placed["other"]))
        svc.delete_bases(s, [placed["base"], lone])
        listed = {r.title: r.detail for r in trash.trash_rows(s, "practice_base")}
        assert listed == {"湘江智能岗位实习基地": "校外实践教学基地 · 校级示范", "电工实训室": "校内实训基地"}
        with pytest.raises(AppError, match="实践基地“湘江智能岗位实习基地”仍被9条实习记录引用"):
            trash.purge_items(s, "practice_base", [placed["base"]])
    with db.session() as s:
        assert trash.purge_items(s, "practice_base", [lone]).count == 1
        delete_enterprises(s, [placed["other"]])
    with db.session() as s, pytest.raises(AppError, match="仍被1个实践基地引用"):
        trash.purge_items(s, "enterprise", [placed["other"]])
    with db.session() as s:
        trash.restore_items(s, "practice_base", [placed["base"]])
        assert placed["base"] in svc.base_ids(s)


# ---------------------------------------------------------------- the platform tables' fields (issue #17)


def test_platform_fields_round_trip_and_validation(db, ids) -> None:
    """主要项目 cleaned and joined with 、, the fee per student (None = not recorded, never for a 校内 base),
    专职 / 兼职管理人员; each error names its field."""
    with db.session() as s:
        old = svc.get_base(s, ids["base"])
        assert (old.main_projects, old.fee_per_student_fen, old.full_time_managers) == ("", None, 0)
        data = _data(old, main_projects=" 数控车削加工，PLC编程与调试;\n工业机器人操作、数控车削加工 ",
                     fee_per_student_fen=120_000, full_time_managers=2, part_time_managers=6)  # fmt: skip
        svc.save_base(s, data, ids["base"])
        b = svc.get_base(s, ids["base"])
        assert b.main_projects == "数控车削加工、PLC编程与调试、工业机器人操作"
        assert svc.project_names(b.main_projects) == ["数控车削加工", "PLC编程与调试", "工业机器人操作"]
        assert (b.fee_per_student_fen, b.full_time_managers, b.part_time_managers) == (120_000, 2, 6)
        row = svc.base_rows(s, [ids["base"]], SEM)[ids["base"]]
        assert (row.main_projects, row.fee_per_student_fen, row.part_time_managers) == (
            b.main_projects,
            120_000,
            6,
        )
        svc.save_base(s, _data(b, fee_per_student_fen=0), ids["base"])  # 0 = none paid, kept apart from None
        assert svc.get_base(s, ids["base"]).fee_per_student_fen == 0
        bad = _data(
            b,
            fee_per_student_fen=-1,
            full_time_managers=-2,
            part_time_managers=True,
            main_projects="项" * 2001,
        )
        errors = errors_of(s, bad, ids["base"])
    assert errors == {
        "fee_per_student_fen": "专项实习经费应为0到1,000,000元/生之间的金额",
        "full_time_managers": "专职管理人员应为0到10000之间的整数",
        "part_time_managers": "兼职管理人员应为0到10000之间的整数",
        "main_projects": errors["main_projects"],
    }
    assert "主要项目" in errors["main_projects"]
    with db.reader() as s:
        onsite = errors_of(s, svc.BaseData(name="电工实训室", kind="校内实训基地", fee_per_student_fen=5_000))
        assert onsite == {"fee_per_student_fen": "校内实训基地不填学校向基地支付的专项实习经费"}


def test_usage_hours_and_audience(db, ids) -> None:
    """学时 per student (人时 = 人次 × 学时, at most 24 a day of the use) and 校内 / 社会."""
    with db.session() as s:
        uid = svc.save_usage(
            s, svc.UsageData(ids["base"], SEM, "技能实训", None, D(2025, 10, 8), D(2025, 10, 10), 30, hours=18,
                             audience="社会"),
        ).ids[0]  # fmt: skip
        row = svc.get_usage(s, uid)
        assert (row.hours, row.audience, row.person_hours) == (18, "社会", 540)
        plain = svc.get_usage(
            s, svc.save_usage(s, svc.UsageData(ids["base"], SEM, "技能竞赛", students=4)).ids[0]
        )
        assert (plain.hours, plain.audience, plain.person_hours) == (0, "校内", 0)
        for data, field, message in (
            (svc.UsageData(ids["base"], SEM, "技能实训", students=3, days=2, hours=49), "hours",
             "每人学时不能超过 使用天数 × 24（48学时）"),
            (svc.UsageData(ids["base"], SEM, "技能实训", students=3, hours=-1), "hours", "每人学时应为0到5000之间的整数"),
            (svc.UsageData(ids["base"], SEM, "技能实训", students=3, audience="校外"), "audience",
             "使用对象应为：校内（本校学生）或 社会（社会培训等）"),
        ):  # fmt: skip
            with pytest.raises(ValidationErrors) as e:
                svc.save_usage(s, data)
            assert [(x.field, x.message) for x in e.value.errors] == [(field, message)]


def test_costs_of_an_onsite_base_one_per_school_year(db, ids) -> None:
    """BaseCost: only a live 校内 base, one row per 学年 (a second refused, on save and on restore), amounts
    checked, listed latest 学年 first, in the 回收站 with its base named."""
    with db.session() as s:
        lab = svc.save_base(s, svc.BaseData(name="电工电子实训室", kind="校内实训基地")).ids[0]
        first = svc.save_cost(s, svc.CostData(lab, " 2025-2026 ", 1_250_050, 800_000, "电线电缆")).ids[0]
        svc.save_cost(s, svc.CostData(lab, "2024-2025", 980_000)).ids[0]
        assert [(c.school_year, c.consumables_fen, c.maintenance_fen) for c in svc.cost_rows(s, lab)] == [
            ("2025-2026", 1_250_050, 800_000), ("2024-2025", 980_000, 0)
        ]  # fmt: skip
        with pytest.raises(ValidationErrors) as e:
            svc.save_cost(s, svc.CostData(lab, "2025-2026", 1))
        assert [(x.field, x.message) for x in e.value.errors] == [
            ("school_year", "“电工电子实训室”已登记2025-2026学年的费用，请修改那一条")
        ]
        svc.save_cost(s, svc.CostData(lab, "2025-2026", 1_300_000, 800_000), first)  # its own 学年: no clash
        assert svc.get_cost(s, first).consumables_fen == 1_300_000
        checks = {
            "base_id": svc.CostData(ids["base"], "2025-2026"),  # a 校外 base
            "school_year": svc.CostData(lab, "2025-2027"),
            "consumables_fen": svc.CostData(lab, "2023-2024", consumables_fen=-5),
            "maintenance_fen": svc.CostData(lab, "2023-2024", maintenance_fen=1.5),  # type: ignore[arg-type]
        }
        for field, data in checks.items():
            assert [x.field for x in svc.check_cost(s, data)] == [field]
        assert "只有校内实训基地" in svc.check_cost(s, checks["base_id"])[0].message
        svc.delete_costs(s, [first])
        again = svc.save_cost(s, svc.CostData(lab, "2025-2026", 5)).ids[0]  # the deleted one holds no 学年
        with pytest.raises(AppError, match="已有2025-2026学年的费用记录，不能再恢复"):
            svc.restore_costs(s, [first])
    with pytest.raises(AppError, match="同一学年只能登记一条"), db.session() as s:
        trash.restore_items(s, "base_cost", [first])  # the 回收站's own restore: refused at the flush
    with db.session() as s:
        svc.delete_costs(s, [again])
        svc.restore_costs(s, [first])
        assert [c.id for c in svc.cost_rows(s, lab, "2025-2026")] == [first]
        (listed,) = [r for r in trash.trash_rows(s, "base_cost") if r.id == again]
        assert listed.title == "电工电子实训室 2025-2026学年费用" and "耗材¥0.05" in listed.detail
        svc.delete_bases(s, [lab])
        with pytest.raises(AppError, match="基地费用记录"):
            trash.purge_items(s, "practice_base", [lab])  # its cost rows still name it
        assert svc.check_cost(s, svc.CostData(lab, "2022-2023"))[0].field == "base_id"  # a base in the 回收站
        assert trash.purge_items(s, "base_cost", [again]).count == 1
