"""No lost update for imports that update records already in the database (issue #19), on a SQLite file and on a
PostgreSQL server: two handles on one database are two users (two PCs).

An import reads and checks its file first (the preview the user looks at), then writes. The preview remembers
the version of each record a row will update, as of the values it compared the row with. If another user
saves (or deletes) one of those records between the preview and the write, the write — its recheck inside its
own write transaction, before anything is written — refuses the whole import: “数据已有变化，未导入任何数据：
第N行：企业“X”在读取文件后已被“王老师”于 2026年12月7日 9:30 修改…。请重新读取文件后再导入。”, and nothing of
the file is written. Read again, the preview shows the other user's values and the import goes through with
the file's values. A record the import does not update (a row left as it is, a student an employment row is
matched with, an enterprise not in the file) may change meanwhile: the import goes through.

Updating imports: 合作企业 (更新 chosen, `--on-existing update`), 学生名册, 企业月度评价 and 就业去向 (with
update_existing, `--update`). Teachers, 企业实践, 经费台账 only add records."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.db import audit
from app.db.engine import Database, open_database
from app.db.models import Employment, Enterprise, MonthlyEvaluation, Student
from app.errors import AppError
from app.io.enterprises_xlsx import import_enterprises, read_enterprises
from app.io.internships_xlsx import import_employment, import_evaluations, read_employment, read_evaluations
from app.io.students_xlsx import import_students, read_students
from app.services.employment import EmploymentData, save_employment
from app.services.enterprises import (
    ContactData,
    EnterpriseData,
    create_enterprise,
    delete_enterprises,
    get_enterprise,
    update_enterprise,
)
from app.services.internships import (
    EvaluationData,
    InternshipData,
    create_internships,
    save_evaluation,
    update_internship,
)
from app.services.students import StudentData, create_student, update_student
from app.services.versions import when_words
from tests.codes import valid_uscc
from tests.held_import import start_import, wait_for

pytestmark = [
    pytest.mark.both_backends,
    pytest.mark.skipif(
        sys.platform == "win32",
        reason="the same code on every platform, tested on Linux on both backends (the Wine half of CI is its long pole)",
    ),
]

D = dt.date
OTHER_USER = "王老师"  # who the other user is on a SQLite file (its computer login); a server names its role


@pytest.fixture
def other(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A second user's handle on the same database (an engine of its own), saving as OTHER_USER on SQLite."""
    monkeypatch.setattr(audit, "os_user", lambda: OTHER_USER)
    second = open_database(db.location)
    yield second
    second.close()


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def _saved(db: Database, model: type, record_id: str) -> str:
    """“已被“王老师”于 2026年12月7日 9:30 ” — who saved the record last and when, as a refusal names them."""
    with db.reader() as s:
        who, at = s.execute(select(model.updated_by, model.updated_at).where(model.id == record_id)).one()
    assert who == (db.location.user if db.is_server else OTHER_USER)  # a server: the other user's role
    return f"已被“{who}”于 {when_words(at)} "


def _refused(excinfo: pytest.ExceptionInfo[AppError], *said: str) -> None:
    message = excinfo.value.message
    assert message.startswith("数据已有变化，未导入任何数据：第"), message
    assert message.endswith("请重新读取文件后再导入。"), message
    for words in said:
        assert words in message, message


# ---------------------------------------------------------------- 合作企业


HEAD = ["企业名称", "统一社会信用代码", "地址", "所属行业"]


@pytest.fixture
def archive(db: Database) -> dict[str, str]:
    with db.session() as s:
        return {
            "甲": create_enterprise(
                s,
                EnterpriseData(
                    "湖南甲科技有限公司",
                    valid_uscc(1),
                    address="长沙市岳麓区",
                    contacts=(ContactData("张三", "经理", "13900000001"),),
                ),
            ).ids[0],
            "乙": create_enterprise(s, EnterpriseData("湖南乙机械有限公司", address="长沙市雨花区")).ids[0],
            "丁": create_enterprise(s, EnterpriseData("湖南丁物流有限公司")).ids[0],
        }


def _enterprise_file(tmp_path: Path) -> Path:
    return _sheet(
        tmp_path / "企业.xlsx",
        [
            HEAD,
            ["湖南甲科技有限公司", valid_uscc(1), "长沙市天心区", None],  # updates 甲 (by code)
            ["湖南乙机械有限公司", None, None, "装备制造"],  # updates 乙 (by name)
            ["湖南丙新材料有限公司", valid_uscc(3), "株洲市", None],  # new
        ],
    )


def _enterprise(db: Database, eid: str):
    with db.reader() as s:
        return get_enterprise(s, eid)


def _enterprise_names(db: Database) -> set[str]:
    with db.reader() as s:
        return set(s.scalars(select(Enterprise.name).where(Enterprise.deleted_at.is_(None))))


def _other_saves(other: Database, eid: str, **changes: object) -> None:
    with other.session() as s:
        old = get_enterprise(s, eid)
        data = EnterpriseData(**{f: getattr(old, f) for f in EnterpriseData.__dataclass_fields__})
        update_enterprise(s, eid, EnterpriseData(**{**vars(data), **changes}))


def test_an_enterprise_saved_by_another_user_after_the_preview_refuses_the_update(
    db: Database, other: Database, archive: dict[str, str], tmp_path: Path
) -> None:
    path = _enterprise_file(tmp_path)
    with db.reader() as s:
        preview = read_enterprises(s, path)
    assert set(preview.existing) == {2, 3}
    _other_saves(other, archive["甲"], address="长沙市开福区", note="对方的备注")

    with db.session() as s, pytest.raises(AppError) as excinfo:
        import_enterprises(s, preview, on_existing="update")
    _refused(
        excinfo, f"第2行：企业“湖南甲科技有限公司”在读取文件后{_saved(db, Enterprise, archive['甲'])}修改"
    )
    assert "第3行" not in excinfo.value.message  # 乙 was not changed
    assert "湖南丙新材料有限公司" not in _enterprise_names(db)  # nothing written
    assert _enterprise(db, archive["乙"]).industry == ""
    assert _enterprise(db, archive["甲"]).address == "长沙市开福区"

    with db.reader() as s:  # read again: the preview shows the other user's value
        preview = read_enterprises(s, path)
    assert ("地址", "长沙市开福区", "长沙市天心区") in preview.existing[2].changes
    with db.session() as s:
        changes = import_enterprises(s, preview, on_existing="update")
    assert set(changes.updated) == {archive["甲"], archive["乙"]}
    jia = _enterprise(db, archive["甲"])
    assert jia.address == "长沙市天心区" and jia.note == "对方的备注"  # the file's value; the rest kept
    assert _enterprise(db, archive["乙"]).industry == "装备制造"
    assert "湖南丙新材料有限公司" in _enterprise_names(db)


def test_a_change_of_an_enterprise_s_contacts_or_its_deletion_refuses_the_update(
    db: Database, other: Database, archive: dict[str, str], tmp_path: Path
) -> None:
    """A change of a record's own parts (its contacts) is a change of the record; so is its move to the
    回收站."""
    with db.reader() as s:
        preview = read_enterprises(s, _enterprise_file(tmp_path))
    _other_saves(other, archive["甲"], contacts=(ContactData("张三", "总经理", "13900000001"),))
    with other.session() as s:
        delete_enterprises(s, [archive["乙"]])

    with db.session() as s, pytest.raises(AppError) as excinfo:
        import_enterprises(s, preview, on_existing="update")
    _refused(
        excinfo,
        f"第2行：企业“湖南甲科技有限公司”在读取文件后{_saved(db, Enterprise, archive['甲'])}修改",
        "第3行：企业“湖南乙机械有限公司”在读取文件后已被“",
        "删除（移到了回收站）",
    )
    assert "湖南丙新材料有限公司" not in _enterprise_names(db)


def test_enterprises_the_import_does_not_update_may_change_meanwhile(
    db: Database, other: Database, archive: dict[str, str], tmp_path: Path
) -> None:
    """乙's row is left as it is (跳过), 丁 is not in the file: their changes do not stop the import."""
    with db.reader() as s:
        preview = read_enterprises(s, _enterprise_file(tmp_path))
    _other_saves(other, archive["乙"], note="对方改了乙")
    _other_saves(other, archive["丁"], note="对方改了丁")

    with db.session() as s:
        changes = import_enterprises(s, preview, choices={2: "update", 3: "skip"})
    assert changes.updated == (archive["甲"],) and changes.skipped == (3,)
    assert _enterprise(db, archive["甲"]).address == "长沙市天心区"
    assert _enterprise(db, archive["乙"]).note == "对方改了乙"
    assert "湖南丙新材料有限公司" in _enterprise_names(db)


def test_an_enterprise_skipped_by_default_may_change_meanwhile(
    db: Database, other: Database, archive: dict[str, str], tmp_path: Path
) -> None:
    with db.reader() as s:
        preview = read_enterprises(s, _enterprise_file(tmp_path))
    _other_saves(other, archive["甲"], note="对方改了甲")
    with db.session() as s:
        changes = import_enterprises(s, preview)  # 跳过: nothing of the archive is updated
    assert changes.updated == () and len(changes.added) == 1
    assert _enterprise(db, archive["甲"]).note == "对方改了甲"


# ---------------------------------------------------------------- 学生名册


ROSTER_HEAD = ["学号", "姓名", "班级"]


@pytest.fixture
def students(db: Database) -> dict[str, str]:
    with db.session() as s:
        return {
            no: create_student(s, StudentData(no, name, class_name="旧班")).ids[0]
            for no, name in (("2023001", "张三"), ("2023002", "李四"))
        }


def _roster(tmp_path: Path) -> Path:
    return _sheet(
        tmp_path / "名册.xlsx",
        [ROSTER_HEAD, ["2023001", "张三", "新班"], ["2023002", "李四", "新班"], ["2023003", "王五", "新班"]],
    )


def _classes(db: Database) -> dict[str, str]:
    with db.reader() as s:
        stmt = select(Student.student_no, Student.class_name).where(Student.deleted_at.is_(None))
        return {no: class_name for no, class_name in s.execute(stmt)}


def _other_saves_student(other: Database, sid: str, no: str, name: str, **changes: object) -> None:
    with other.session() as s:
        update_student(s, sid, StudentData(no, name, **changes))


def test_a_student_moved_to_the_recycle_bin_after_the_preview_refuses_the_update(
    db: Database, other: Database, students: dict[str, str], tmp_path: Path
) -> None:
    from app.services.students import delete_students

    with db.reader() as s:
        preview = read_students(s, _roster(tmp_path))
    with other.session() as s:
        delete_students(s, [students["2023001"]])
    with db.session() as s, pytest.raises(AppError) as excinfo:
        import_students(s, preview, update_existing=True)
    _refused(excinfo, "第2行：学生“张三”（学号2023001）在读取文件后已被“", "删除（移到了回收站）")
    assert _classes(db) == {"2023002": "旧班"}


def test_students_the_import_does_not_update_may_change_meanwhile(
    db: Database, other: Database, students: dict[str, str], tmp_path: Path
) -> None:
    """Without 更新 the students already there are only matched, not written: the new ones go in."""
    with db.reader() as s:
        preview = read_students(s, _roster(tmp_path))
    _other_saves_student(other, students["2023002"], "2023002", "李四", class_name="对方的班")
    with db.session() as s:
        changes = import_students(s, preview)
    assert changes.count == 1
    assert _classes(db) == {"2023001": "旧班", "2023002": "对方的班", "2023003": "新班"}


# ---------------------------------------------------------------- 企业月度评价 and 就业去向


@pytest.fixture
def world(db: Database) -> dict[str, object]:
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湘麓智能装备有限公司", uscc=valid_uscc(9))).ids[0]
        sids = [
            create_student(
                s, StudentData(f"202300{n}", name, class_name="机电2301", guardian_name="家长")
            ).ids[0]
            for n, name in enumerate(("张三", "李四"), start=1)
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
    with db.session() as s:
        internships = create_internships(s, sids, terms).ids
        march = save_evaluation(s, EvaluationData(internships[0], D(2026, 3, 1), 70)).ids[0]
        job = save_employment(s, EmploymentData(sids[0], 2026, "待就业")).ids[0]
    return {"students": sids, "internships": internships, "terms": terms, "march": march, "job": job}


def _evaluations_file(tmp_path: Path) -> Path:
    return _sheet(
        tmp_path / "评价.xlsx",
        [
            ["学号", "姓名", "评价月份", "得分"],
            ["2023001", "张三", "2026-03", 90],
            ["2023002", "李四", "2026-04", 85],
        ],
    )


def _scores(db: Database) -> list[int]:
    with db.reader() as s:
        return sorted(
            s.scalars(select(MonthlyEvaluation.score).where(MonthlyEvaluation.deleted_at.is_(None)))
        )


def _employment_file(tmp_path: Path) -> Path:
    return _sheet(
        tmp_path / "就业.xlsx",
        [
            ["学号", "姓名", "毕业年份", "就业状态", "就业单位"],
            ["2023001", "张三", 2026, "协议就业", "湘麓智能装备有限公司"],
            ["2023002", "李四", 2026, "升学", None],
        ],
    )


def _destinations(db: Database) -> list[str]:
    with db.reader() as s:
        return sorted(s.scalars(select(Employment.status).where(Employment.deleted_at.is_(None))))


# ---------------------------------------------------------------- 学生名册, 企业月度评价, 就业去向: --update


@dataclass(frozen=True)
class Updating:
    """An import with update_existing, over the records of fixture `given`: another user saves the record row
    `line` updates after the preview (`other_saves`); the refusal names it (`said`); the records as `state` reads
    them are `before` after the refusal (nothing written) and `after` once the file is read again and imported.
    `matched` (if any): another user's change of a record the rows are only matched with, which must not stop
    the import."""

    name: str
    given: str
    file: Callable[[Path], Path]
    read: Callable
    write: Callable
    other_saves: Callable[[Database, dict], None]
    said: Callable[[Database, dict], str]
    state: Callable[[Database], object]
    before: object
    after: object
    line: int
    matched: Callable[[Database, dict], None] | None = None


def _save_evaluation(other: Database, world: dict) -> None:
    with other.session() as s:
        save_evaluation(s, EvaluationData(world["internships"][0], D(2026, 3, 1), 75), world["march"])


def _save_employment(other: Database, world: dict) -> None:
    with other.session() as s:
        save_employment(s, EmploymentData(world["students"][0], 2026, "参军入伍"), world["job"])


def _change_internship(other: Database, world: dict) -> None:
    with other.session() as s:
        terms = world["terms"]
        update_internship(
            s,
            world["internships"][0],
            InternshipData(**{**vars(terms), "student_id": world["students"][0], "position": "调试员"}),
        )


UPDATING = [
    Updating(
        "students",
        "students",
        _roster,
        read_students,
        import_students,
        lambda other, given: _other_saves_student(
            other, given["2023002"], "2023002", "李四", class_name="对方的班", phone="13900000002"
        ),
        lambda db, given: (
            f"第3行：学生“李四”（学号2023002）在读取文件后{_saved(db, Student, given['2023002'])}修改"
        ),
        _classes,
        {"2023001": "旧班", "2023002": "对方的班"},
        {"2023001": "新班", "2023002": "新班", "2023003": "新班"},
        line=3,
    ),
    Updating(
        "evaluations",
        "world",
        _evaluations_file,
        read_evaluations,
        import_evaluations,
        _save_evaluation,
        lambda db, world: (
            f"第2行：学生“张三”2026年3月的企业评价在读取文件后{_saved(db, MonthlyEvaluation, world['march'])}修改"
        ),
        _scores,
        [75],
        [85, 90],
        line=2,
        matched=_change_internship,  # the internship the evaluations are matched with
    ),
    Updating(
        "employment",
        "world",
        _employment_file,
        read_employment,
        import_employment,
        _save_employment,
        lambda db, world: (
            f"第2行：学生“张三”2026届的就业记录在读取文件后{_saved(db, Employment, world['job'])}修改"
        ),
        _destinations,
        ["参军入伍"],
        sorted(["协议就业", "升学"]),
        line=2,
        matched=lambda other, world: _other_saves_student(  # the student the rows are matched with
            other, world["students"][0], "2023001", "张三", class_name="机电2302"
        ),
    ),
]


@pytest.mark.parametrize("case", UPDATING, ids=[c.name for c in UPDATING])
def test_a_record_saved_by_another_user_after_the_preview_refuses_the_update(
    db: Database, other: Database, tmp_path: Path, request: pytest.FixtureRequest, case: Updating
) -> None:
    given = request.getfixturevalue(case.given)
    path = case.file(tmp_path)
    with db.reader() as s:
        preview = case.read(s, path)
    case.other_saves(other, given)

    with db.session() as s, pytest.raises(AppError) as excinfo:
        case.write(s, preview, update_existing=True)
    _refused(excinfo, case.said(db, given))
    assert [n for n in (2, 3) if f"第{n}行" in excinfo.value.message] == [case.line]  # only the row changed
    assert case.state(db) == case.before  # nothing written

    with db.reader() as s:
        preview = case.read(s, path)
    with db.session() as s:
        case.write(s, preview, update_existing=True)
    assert case.state(db) == case.after


MATCHING = [c for c in UPDATING if c.matched is not None]


@pytest.mark.parametrize("case", MATCHING, ids=[c.name for c in MATCHING])
def test_a_record_the_rows_are_only_matched_with_may_change_meanwhile(
    db: Database, other: Database, tmp_path: Path, request: pytest.FixtureRequest, case: Updating
) -> None:
    given = request.getfixturevalue(case.given)
    with db.reader() as s:
        preview = case.read(s, case.file(tmp_path))
    case.matched(other, given)
    with db.session() as s:
        case.write(s, preview, update_existing=True)
    assert case.state(db) == case.after


# ---------------------------------------------------------------- the command line, a real second process


def _cli(tmp_path: Path, db_arg: str, *args: str, **hooks: str) -> subprocess.Popen[str]:
    return start_import(tmp_path, db_arg, *args, **hooks)


@pytest.mark.skipif(sys.platform == "win32", reason="the recheck is the same code on every platform")
@pytest.mark.parametrize("table", ["students", "enterprises"])
def test_the_command_line_refuses_an_update_of_a_record_changed_after_it_read_the_file(
    db: Database, db_arg: str, tmp_path: Path, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`chanjiao import students FILE --update` (enterprises: `--on-existing update`) reads its file and waits
    (CHANJIAO_TEST_HOLD_READ); another user — this process — saves a record it will update; let go, it exits 2
    with the refusal in Chinese and writes nothing. Run again, it imports.

    This process keeps to its one handle: opening a second one on a SQLite file here would drop this process's
    locks on the file (check_file's open/close, POSIX locks), and the command line's exit would then delete the
    -wal/-shm files under the first handle."""
    with db.session() as s:
        if table == "students":
            rid = create_student(s, StudentData("2023001", "张三", class_name="旧班")).ids[0]
            path = _sheet(
                tmp_path / "名册.xlsx",
                [ROSTER_HEAD, ["2023001", "张三", "新班"], ["2023003", "王五", "新班"]],
            )
            args = ["students", str(path), "--update"]
        else:
            rid = create_enterprise(s, EnterpriseData("湖南甲科技有限公司", valid_uscc(1))).ids[0]
            path = _sheet(
                tmp_path / "企业.xlsx",
                [
                    HEAD,
                    ["湖南甲科技有限公司", valid_uscc(1), "长沙市天心区", None],
                    ["湖南丙新材料有限公司", None, "株洲市", None],
                ],
            )
            args = ["enterprises", str(path), "--on-existing", "update"]
    read, go_on = tmp_path / "read", tmp_path / "go_on"
    proc = _cli(tmp_path, db_arg, *args, CHANJIAO_TEST_HOLD_READ=f"{read};{go_on}")
    wait_for(read, proc)
    monkeypatch.setattr(audit, "os_user", lambda: OTHER_USER)
    if table == "students":
        _other_saves_student(db, rid, "2023001", "张三", class_name="对方的班")
        said = f"第2行：学生“张三”（学号2023001）在读取文件后{_saved(db, Student, rid)}修改"
    else:
        _other_saves(db, rid, address="长沙市开福区")
        said = f"第2行：企业“湖南甲科技有限公司”在读取文件后{_saved(db, Enterprise, rid)}修改"
    go_on.write_text("go", encoding="utf-8")
    out, err = proc.communicate(timeout=120)

    assert proc.returncode == 2, (out, err)
    assert f"错误：数据已有变化，未导入任何数据：{said}。请重新读取文件后再导入。" in err, err
    assert "Traceback" not in err and "Error" not in err
    if table == "students":
        assert _classes(db) == {"2023001": "对方的班"}
    else:
        assert _enterprise_names(db) == {"湖南甲科技有限公司"}
        assert _enterprise(db, rid).address == "长沙市开福区"

    proc = _cli(tmp_path, db_arg, *args)  # read again: goes through
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, (out, err)
    if table == "students":
        assert _classes(db) == {"2023001": "新班", "2023003": "新班"}
    else:
        assert _enterprise(db, rid).address == "长沙市天心区"
        assert _enterprise_names(db) == {"湖南甲科技有限公司", "湖南丙新材料有限公司"}
