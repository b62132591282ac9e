"""Teachers and enterprise practice: validation, practice gaps, reminders on fixed dates (practice, 专业群 and
industry organizations), the Excel imports from real .xlsx files, the CLI's JSON, the 回收站 (real SQLite)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app import trash
from app.db.engine import Database
from app.db.models import Attachment, AuditLog, EnterprisePractice, Major, MajorGroup, Teacher
from app.errors import AppError, ImportFileError, ValidationError, ValidationErrors
from app.io.teachers_xlsx import import_practice, import_teachers, read_practice, read_teachers
from app.services.attachments import add_attachment
from app.services.enterprises import EnterpriseData, create_enterprise, delete_enterprises
from app.services.industry import (
    ActivityData,
    OrganizationData,
    StudioData,
    delete_organizations,
    organization_rows,
    save_activity,
    save_organization,
    save_studio,
)
from app.services.rule_sets import save_rule_preset
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.teachers import (
    PracticeData,
    TeacherData,
    add_practice,
    create_teacher,
    delete_practices,
    delete_teachers,
    get_teacher,
    practice_gaps,
    practice_rows,
    restore_teachers,
    teacher_counts,
    teacher_practice,
    update_practice,
    update_teacher,
)
from tests.cli_run import run_cli
from tests.findings import kind_label, reminders, target_of

TODAY = dt.date(2026, 11, 23)
D = dt.date
PROFILE = CollegeProfile(
    "湖南湘麓职业技术学院",
    "机电工程学院",
    (
        MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术")),
        MajorGroupInfo("新能源汽车专业群", ("新能源汽车技术",)),
        MajorGroupInfo("智慧农机专业群", ("现代农业装备应用技术",)),
    ),
)


@pytest.fixture
def base(db: Database) -> dict[str, str]:
    with db.session() as s:
        save_profile(s, PROFILE)
        majors = dict(s.execute(select(Major.name, Major.id)).all())
        groups = dict(s.execute(select(MajorGroup.name, MajorGroup.id)).all())
        ent = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")).ids[0]
    return {**majors, **groups, "enterprise": ent}


def teacher(s, name: str, staff_no: str, kind: str = "专任", **kw) -> str:
    return create_teacher(s, TeacherData(name, staff_no, kind, **kw)).ids[0]


def practice(s, tid: str, start: dt.date, end: dt.date, unit: str = "长沙某机械厂", **kw) -> str:
    return add_practice(s, PracticeData(tid, start, end, unit_name=unit, **kw)).ids[0]


# ---------------------------------------------------------------- teachers


def test_teacher_validation_names_the_field(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        teacher(s, "王强", "T001", major_id=base["机电一体化技术"])
        cases = [
            (TeacherData("", "T9"), "name", "姓名不能为空"),
            (TeacherData("李芳", "T9", "外聘"), "kind", "教师类型"),
            (TeacherData("李芳", ""), "staff_no", "专任教师须填写工号"),
            (TeacherData("李芳", " t001 "), "staff_no", "工号“t001”已被其他教师使用"),
            (TeacherData("李芳", "T2", major_id="no-such-major"), "major_id", "专业"),
            (
                TeacherData("李芳", "", "产业", appointed_from=D(2026, 1, 1), appointed_to=D(2025, 1, 1)),
                "appointed_to",
                "聘任结束日期不能早于开始日期",
            ),
            (TeacherData("李芳", "", "产业", hours_taught=-3), "hours_taught", "授课学时"),
        ]
        for data, field, text in cases:
            with pytest.raises(ValidationErrors) as e:
                create_teacher(s, data)
            assert [x.field for x in e.value.errors] == [field] and text in e.value.message, data


def test_industry_fields_belong_to_industry_teachers(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        tid = teacher(
            s, "赵工", "", "产业", employer_id=base["enterprise"], courses="PLC", hours_taught=48,
            appointed_from=D(2025, 9, 1), appointed_to=D(2027, 8, 31),
        )  # fmt: skip
        row = get_teacher(s, tid)
        assert (row.kind, row.employer_name, row.hours_taught, row.staff_no) == (
            "产业",
            "湖南湘江智能装备有限公司",
            48,
            "",
        )
        update_teacher(
            s, tid, TeacherData("赵工", "T100", "专任", employer_id=base["enterprise"], hours_taught=48)
        )
        row = get_teacher(s, tid)
        assert (row.kind, row.employer_id, row.hours_taught, row.appointed_from) == ("专任", None, 0, None)
        audit = s.scalars(select(AuditLog.action).where(AuditLog.record_id == tid)).all()
        assert audit == ["insert", "update"]


def test_restore_refused_when_the_staff_no_is_taken(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        old = teacher(s, "王强", "T001")
        delete_teachers(s, [old])
        teacher(s, "王强强", "T001")  # the 工号 is free once the first is in the 回收站
        with pytest.raises(ValidationError, match="T001"):
            restore_teachers(s, [old])


def test_practice_validation_and_unit_from_the_enterprise(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        tid = teacher(s, "王强", "T001")
        for data, field in [
            (PracticeData(tid, D(2025, 8, 1), D(2025, 7, 1), unit_name="某厂"), "ends_on"),
            (PracticeData(tid, None, D(2025, 7, 1), unit_name="某厂"), "starts_on"),
            (PracticeData(tid, D(2025, 7, 1), D(2025, 8, 1)), "unit_name"),
            (PracticeData("", D(2025, 7, 1), D(2025, 8, 1), unit_name="某厂"), "teacher_id"),
        ]:
            with pytest.raises(ValidationErrors) as e:
                add_practice(s, data)
            assert e.value.errors[0].field == field
        pid = add_practice(s, PracticeData(tid, D(2025, 7, 1), D(2025, 8, 31), base["enterprise"])).ids[0]
        [row] = practice_rows(s, tid)
        assert (row.unit_name, row.days, row.teacher_name) == ("湖南湘江智能装备有限公司", 62, "王强")
        update_practice(
            s, pid, PracticeData(tid, D(2025, 7, 1), D(2025, 7, 31), None, "长沙某机械厂", "跟岗")
        )
        assert practice_rows(s, tid)[0].days == 31
        delete_teachers(s, [tid])
        with pytest.raises(ValidationErrors, match="教师不存在或已在回收站中"):
            add_practice(s, PracticeData(tid, D(2025, 7, 1), D(2025, 8, 1), unit_name="某厂"))


def test_practice_gaps_full_time_only(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        met = teacher(s, "王强", "T001", major_id=base["机电一体化技术"])
        practice(s, met, D(2025, 7, 1), D(2025, 8, 31))
        practice(s, met, D(2025, 8, 1), D(2025, 12, 31))  # overlaps: July–December = 184 days
        short = teacher(s, "李芳", "T002")
        practice(s, short, D(2024, 7, 1), D(2024, 8, 31))
        gone = practice(s, short, D(2023, 7, 1), D(2023, 8, 31))
        delete_practices(s, [gone])  # in the 回收站: not counted
        teacher(s, "陈晨", "T003")
        teacher(s, "赵工", "", "产业", employer_id=base["enterprise"])  # exempt
        left = teacher(s, "刘强", "T004")
        delete_teachers(s, [left])
        gaps = practice_gaps(s, TODAY)
        assert [(g.name, g.staff_no, g.days_done, g.days_missing) for g in gaps] == [
            ("陈晨", "T003", 0, 180),
            ("李芳", "T002", 62, 118),
            ("王强", "T001", 184, 0),
        ]
        assert gaps[2].major_name == "机电一体化技术" and gaps[1].months_done == pytest.approx(62 / 30)
        assert gaps[0].window_start == D(2021, 11, 24) and gaps[0].window_end == TODAY
        assert [g.name for g in practice_gaps(s, TODAY, short_only=True)] == ["陈晨", "李芳"]
        assert teacher_practice(s, met, D(2030, 6, 30)).days_done == 184
        assert teacher_practice(s, met, D(2030, 7, 1)).days_done == 183  # 1 July 2025 has left the window
        assert teacher_counts(s) == {"专任": 3, "产业": 1, "双师型": 0}


# ---------------------------------------------------------------- reminders


def test_practice_reminders_on_a_fixed_date(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        save_rule_preset(s, "N")  # rules of the 海南 policy (N四…): checked where 设置 chose it
        met = teacher(s, "王强", "T001")
        practice(s, met, D(2022, 1, 1), D(2022, 6, 29))  # 180 days
        short = teacher(s, "李芳", "T002")
        practice(s, short, D(2026, 7, 1), D(2026, 8, 14))  # 45 days
        teacher(s, "赵工", "", "产业")
        found = [r for r in reminders(s, TODAY) if r.rule == "TEACHER-PRACTICE"]
        assert [(r.record_id, r.title, r.source) for r in found] == [(short, "李芳（T002）", "N四(五)1")]
        assert "企业实践45天（1.5个月），还差135天" in found[0].message
        assert kind_label("TEACHER-PRACTICE") == "教师企业实践不足"
        target = target_of(s, found[0])
        assert (target.record_type, target.record_id) == ("teacher", short)
        # five years after the first record started, it no longer covers 180 days
        later = {r.record_id for r in reminders(s, D(2027, 1, 2)) if r.rule == "TEACHER-PRACTICE"}
        assert later == {met, short}


def test_group_organization_reminders_per_school_year(db: Database, base: dict[str, str]) -> None:
    g1, g2, g3 = base["智能制造专业群"], base["新能源汽车专业群"], base["智慧农机专业群"]
    with db.session() as s:
        save_rule_preset(s, "N")  # rules of the 海南 policy (N四…): checked where 设置 chose it
        o1 = save_organization(s, OrganizationData("湖南省机械工程学会", "行业组织", (g1, g2))).ids[0]
        o2 = save_organization(s, OrganizationData("湖南省汽车行业协会", "行业协会", (g2,))).ids[0]
        for name in ("甲协会", "乙协会", "丙协会"):
            save_organization(s, OrganizationData(name, "行业协会", (g3,)))
        save_activity(s, ActivityData(o1, D(2026, 9, 1), "年会"))  # first day of 2026-2027
        save_activity(s, ActivityData(o2, D(2026, 8, 31), "论坛"))  # last day of 2025-2026

        def found(day: dt.date) -> set[tuple[str, str]]:
            return {(r.rule, r.record_id) for r in reminders(s, day) if r.rule.startswith("ORG-")}

        # 2026-2027: g1 and g2 share o1's activity; g3 has three organizations and no activity
        assert found(TODAY) == {("ORG-GROUP", g3), ("ORG-ACTIVITY", g3)}
        # 2025-2026: o2's activity covers g2; g1's only organization was idle that 学年
        assert found(D(2026, 8, 31)) == {("ORG-GROUP", g3), ("ORG-ACTIVITY", g3), ("ORG-ACTIVITY", g1)}  # fmt: skip
        r = next(r for r in reminders(s, D(2026, 8, 31)) if r.rule == "ORG-ACTIVITY" and r.record_id == g1)
        assert r.due == D(2026, 8, 31) and "2025-2026学年" in r.message and r.source == "N四(一)2"
        assert (target_of(s, r).record_type, target_of(s, r).record_id, target_of(s, r).tab) == (
            "organization",
            o1,
            "activities",
        )
        many = next(r for r in reminders(s, TODAY) if r.rule == "ORG-GROUP")
        assert "联系了3个行业组织" in many.message
    with db.session() as s:
        delete_organizations(s, [o.id for o in organization_rows(s) if g3 in o.group_ids])
        none = next(r for r in reminders(s, TODAY) if r.rule == "ORG-GROUP")
        assert none.record_id == g3 and "尚未联系行业组织" in none.message
        assert not [r for r in reminders(s, TODAY) if r.rule == "ORG-ACTIVITY"]  # only for linked groups
        assert target_of(s, none) == type(target_of(s, none))("organization", "", f"group:{g3}")


# ---------------------------------------------------------------- imports


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_import_teachers_with_aliases_and_bad_rows(
    db: Database, base: dict[str, str], tmp_path: Path
) -> None:
    with db.session() as s:
        teacher(s, "王强", "T001")
    path = write_xlsx(
        tmp_path / "教师名单.xlsx",
        [
            ["2026年机电工程学院教师名单"],
            [],
            ["序号", "教师姓名", "教工号", "教师类别", "专业", "双师型", "所在企业", "授课学时"],
            [1, "李芳", "T002", "专任教师", "机电一体化技术", "是", None, None],
            [2, "赵工", None, "企业兼职教师", "工业机器人技术", "否", "湖南湘江智能装备有限公司", 64],
            [3, "陈晨", "t001", "专任", None, None, None, None],  # taken in the database
            [4, "刘强", "T005", "外聘", None, None, None, None],
            [5, "周婷", "T006", "专任", "不存在的专业", None, None, None],
            [6, "吴俊", "T002", "专任", None, None, None, None],  # repeats row 4
            [7, "彭湘", "T007", None, None, "也许", None, None],
            [8, "曾慧", None, "专任", None, None, None, None],
            [9, "杨静", "T009", "产业", None, None, "不存在的企业", None],
            [None, None, None, None, None, None, None, None],
        ],
    )
    with db.session() as s:
        preview = read_teachers(s, path)
        assert preview.header_row == 3
        errors = {(e.row, e.column): e.message for e in preview.errors}
        assert set(errors) == {(6, "教工号"), (7, "教师类别"), (8, "专业"), (9, "教工号"), (10, "双师型"), (11, "教工号"), (12, "所在企业")}  # fmt: skip
        assert "已被其他教师使用" in errors[(6, "教工号")] and "与第4行重复" in errors[(9, "教工号")]
        assert "不存在的专业" in errors[(8, "专业")] and "不存在的企业" in errors[(12, "所在企业")]
        assert [r.row for r in preview.valid_rows] == [4, 5]
        changes = import_teachers(s, preview)
        assert changes.count == 2
    with db.reader() as s:
        rows = {t.name: t for t in s.scalars(select(Teacher))}
        assert rows["李芳"].is_dual and rows["李芳"].major_id == base["机电一体化技术"]
        assert (rows["赵工"].kind, rows["赵工"].employer_id, rows["赵工"].hours_taught) == (
            "产业",
            base["enterprise"],
            64,
        )


def test_import_practice_links_by_staff_no(db: Database, base: dict[str, str], tmp_path: Path) -> None:
    with db.session() as s:
        tid = teacher(s, "王强", "T001")
        practice(s, tid, D(2022, 7, 1), D(2022, 8, 31))
    path = write_xlsx(
        tmp_path / "企业实践.xlsx",
        [
            ["工号", "姓名", "实践企业", "开始时间", "结束时间", "工作内容"],
            [
                "T001",
                "王强",
                "湖南湘江智能装备有限公司",
                "2024-07-01",
                "2024-08",
                "设备调试",
            ],  # month: its last day
            ["t001", "王小强", "长沙某机械厂", dt.datetime(2023, 7, 1), dt.datetime(2023, 8, 31), "跟岗"],
            ["T404", "无名", "某厂", "2023-07-01", "2023-08-31", ""],
            ["T001", "王强", "某厂", "2023-09-01", "2023-08-01", ""],
            ["T001", "王强", "某厂", "2022-07-01", "2022-08-31", "重复"],  # the same as the database's
            ["T001", "王强", "某厂", "2023年7月1日", "2023年8月31日", "又一遍"],  # the same as row 3
            ["T001", "王强", "某厂", "二〇二三年", "2023-08-31", ""],
        ],
    )
    with db.session() as s:
        preview = read_practice(s, path)
        errors = {(e.row, e.column): e.message for e in preview.errors}
        assert set(errors) == {(4, "工号"), (5, "结束时间"), (8, "开始时间")}
        assert "工号“T404”找不到对应的教师" in errors[(4, "工号")]
        warnings = {(w.row, w.column): w.message for w in preview.warnings}
        assert "王小强" in warnings[(3, "姓名")] and "已跳过" in warnings[(6, "开始时间")]
        assert "第3行" in warnings[(7, "开始时间")]
        assert [r.row for r in preview.valid_rows] == [2, 3] and len(preview.rejected_rows) == 3
        first = preview.valid_rows[0].data
        assert first.ends_on == D(2024, 8, 31) and first.enterprise_id == base["enterprise"]
        changes = import_practice(s, preview)
        assert changes.count == 2 and any("王小强" in w for w in changes.warnings)
        assert teacher_practice(s, tid, TODAY).days_done == 62 * 3


def test_import_refuses_a_file_without_the_header(db: Database, base: dict[str, str], tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "随便.xlsx", [["名字", "编号"], ["王强", "1"]])
    with db.session() as s, pytest.raises(ImportFileError, match="工号"):
        read_practice(s, path)


def test_import_recheck_refuses_when_the_database_changed(
    db: Database, base: dict[str, str], tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [["姓名", "工号"], ["李芳", "T002"]])
    with db.session() as s:
        preview = read_teachers(s, path)
        teacher(s, "李芳芳", "T002")
        with pytest.raises(AppError, match="数据已有变化"):
            import_teachers(s, preview)


def test_cli_imports_and_practice_gaps(
    db: Database, base: dict[str, str], db_path: Path, tmp_path: Path
) -> None:
    db.close()
    teachers = write_xlsx(
        tmp_path / "教师.xlsx",
        [["姓名", "工号", "教师类型", "所属专业", "是否双师型"], ["王强", "T001", "专任", "机电一体化技术", "是"],
         ["李芳", "T002", "专任", None, "否"], ["赵工", None, "产业", None, None], ["坏行", None, "专任", None, None]],
    )  # fmt: skip
    dry = run_cli("import", "teachers", str(teachers), "--db", str(db_path), "--dry-run", "--json")
    assert dry.returncode == 1, dry.stderr
    out = json.loads(dry.stdout)
    assert (out["valid"], out["imported"], out["rejected"]) == (3, 0, 1)
    assert out["errors"] == [{"row": 5, "column": "工号", "message": "专任教师须填写工号"}]
    done = json.loads(run_cli("import", "teachers", str(teachers), "--db", str(db_path), "--json").stdout)
    assert done["imported"] == 3
    practice_file = write_xlsx(
        tmp_path / "实践.xlsx",
        [["工号", "姓名", "实践单位", "开始日期", "结束日期", "实践内容"], ["T001", "王强", "某厂", "2026-01-01", "2026-06-29", "跟岗"]],
    )  # fmt: skip
    ok = run_cli("import", "practice", str(practice_file), "--db", str(db_path))
    assert ok.returncode == 0 and "已导入 1 条" in ok.stdout, ok.stdout + ok.stderr
    gaps = run_cli("teachers", "practice-gaps", "--db", str(db_path), "--as-of", "2026-11-23", "--json")
    assert gaps.returncode == 0, gaps.stderr
    rows = {r["staff_no"]: r for r in json.loads(gaps.stdout)}
    assert set(rows) == {"T001", "T002"}  # the industry teacher is exempt
    assert {k: rows["T001"][k] for k in ("name", "days_done", "days_missing")} == {"name": "王强", "days_done": 180, "days_missing": 0}  # fmt: skip
    assert (rows["T002"]["days_done"], rows["T002"]["days_missing"]) == (0, 180)
    assert rows["T001"]["window_start"] == "2021-11-24"
    text = run_cli("teachers", "practice-gaps", "--db", str(db_path), "--as-of", "2026-11-23")
    assert text.returncode == 0 and "还差 180 天" in text.stdout
    bad_date = run_cli("teachers", "practice-gaps", "--db", str(db_path), "--as-of", "23/11/2026")
    assert bad_date.returncode == 2
    not_xlsx = tmp_path / "不是表格.xlsx"
    not_xlsx.write_text("hello", encoding="utf-8")
    assert run_cli("import", "practice", str(not_xlsx), "--db", str(db_path), "--json").returncode == 2


# ---------------------------------------------------------------- 回收站


def test_purging_a_teacher_takes_the_practice_records(
    db: Database, base: dict[str, str], tmp_path: Path
) -> None:
    scan = tmp_path / "实践证明.pdf"
    scan.write_bytes(b"%PDF-1.4 proof")
    with db.session() as s:
        tid = teacher(s, "王强", "T001", is_dual=True, dual_certificate="电工技师")
        add_attachment(s, "teacher", tid, scan)
        pid = practice(s, tid, D(2025, 7, 1), D(2025, 8, 31), enterprise_id=base["enterprise"])
        add_attachment(s, "enterprise_practice", pid, scan)
        practice(s, tid, D(2024, 7, 1), D(2024, 8, 31))
        delete_teachers(s, [tid])
    with db.reader() as s:
        [row] = trash.trash_rows(s, "teacher")
        assert (row.title, row.detail) == ("王强（T001）", "专任教师")
    with db.session() as s:
        assert trash.purge_items(s, "teacher", [tid]).ids == (tid,)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(EnterprisePractice)) == 0
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
        assert s.get(Teacher, tid) is None


def test_purge_refusals(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        lead = teacher(s, "王强", "T001")
        member = teacher(s, "李芳", "T002")
        save_studio(s, StudioData("王强技能大师工作室", "技能大师工作室", lead, (member,)))
        practice(s, member, D(2025, 7, 1), D(2025, 8, 31), enterprise_id=base["enterprise"])
        delete_teachers(s, [lead, member])
        delete_enterprises(s, [base["enterprise"]])
    for key, rid, text in (
        ("teacher", lead, "仍是工作室“王强技能大师工作室”的负责人或成员"),
        ("teacher", member, "工作室"),
        ("enterprise", base["enterprise"], "条教师企业实践记录"),
    ):
        with pytest.raises(AppError, match=text), db.session() as s:
            trash.purge_items(s, key, [rid])
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Teacher)) == 2
        assert trash.trash_counts(s)["teacher"] == 2


def test_practice_record_in_the_trash(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        tid = teacher(s, "王强", "T001")
        pid = practice(s, tid, D(2025, 7, 1), D(2025, 8, 31), unit="长沙某机械厂")
        delete_practices(s, [pid])
        [row] = trash.trash_rows(s, "enterprise_practice")
        assert row.title == "王强 企业实践 长沙某机械厂" and row.detail == "2025-07-01至2025-08-31"
        trash.restore_items(s, "enterprise_practice", [pid])
        assert teacher_practice(s, tid, TODAY).days_done == 62


# ---------------------------------------------------------------- #22: length limits


def test_long_texts_are_refused_naming_the_field_and_its_limit(
    db: Database, base: dict[str, str], tmp_path: Path
) -> None:
    """备注, 任教课程 and 实践内容 (Text columns) took any length: a 10 MB 备注 was stored whole."""
    with db.session() as s:
        tid = teacher(s, "王强", "T001", note="备" * 2000)
        with pytest.raises(ValidationErrors) as e:
            create_teacher(s, TeacherData("赵工", "", "产业", courses="课" * 2001, note="备" * 10 * 2**20))
        assert [(x.field, x.message) for x in e.value.errors] == [
            ("courses", "任教课程过长（最多2000字，现有2001字）"),
            ("note", "备注过长（最多2000字，现有10485760字）"),
        ]
        with pytest.raises(ValidationErrors, match="实践内容过长（最多2000字，现有5000字）"):
            add_practice(
                s, PracticeData(tid, D(2025, 7, 1), D(2025, 8, 1), unit_name="某厂", content="跟" * 5000)
            )
    path = write_xlsx(
        tmp_path / "教师.xlsx",
        [["姓名", "工号", "备注"], ["李芳", "T002", "长" * 2500], ["周婷", "T003", "短"]],
    )
    with db.reader() as s:
        preview = read_teachers(s, path)
    assert [(e.row, e.column, e.message) for e in preview.errors] == [
        (2, "备注", "备注过长（最多2000字，现有2500字）")
    ]
    assert [r.row for r in preview.valid_rows] == [3]
