"""The roster import writes exactly what the plain ORM write of the same rows writes (issue #21: the import is
made fast; what it stores must not move): every column of every student row, the masked copies of the personal
columns, the audit rows, and the undo journal of the transaction — for new students and for students it
updates. And the preview's rejected rows, messages and warnings for a varied roster, word for word."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import undefer_group

from app.db.engine import Database
from app.db.models import AuditLog, Student
from app.db.personal import PERSONAL_GROUP
from app.domain.codes import id_check_char
from app.io.importing import ImportPreview
from app.io.students_xlsx import FIELDS_STUDENTS, import_students, read_students
from app.services import undo
from app.services.common import Changes
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.students import StudentData, apply_student, create_student

pytestmark = pytest.mark.both_backends

PROFILE = CollegeProfile(
    "湖南湘麓职业技术学院",
    "机电工程学院",
    (MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术")),),
)
HEADERS = [FIELDS_STUDENTS[f][0] for f in FIELDS_STUDENTS]  # 学号 姓名 性别 身份证号 专业 班级 入学年份 …
TIMES = {"created_at", "updated_at"}  # the moment of the write: differs between two writes


def _id(birth: str, seq: str) -> str:
    body = f"430102{birth}{seq}"
    return body + id_check_char(body)


def _row(no: str, name: str, **values: object) -> list[object]:
    cells = {"student_no": no, "name": name, **values}
    return [cells.get(f, "") for f in FIELDS_STUDENTS]


ROWS = [
    _row(  # every column filled; a lower-case x; a note over two lines
        "2023001",
        "张三",
        gender="男",
        id_number=_id("20050312", "107").lower(),  # ends in x
        major="机电一体化技术",
        class_name=" 机电2301 ",
        entry_year="2023级",
        phone="139 1234 5678",
        guardian_name="张建国",
        guardian_phone="0731-84567890",
        guardian_relation="父亲",
        guardian_id_number=_id("19780506", "235"),
        home_address="湖南省长沙市芙蓉区五一大道100号3栋201",
        emergency_contact="李秀英",
        emergency_phone="13800001111",
        note="住校\n  周末回家 ",
    ),
    _row(
        "2023002", "李四", id_number=_id("20060101", "124"), major="工业机器人技术", entry_year=2023
    ),  # gender from ID
    _row("2023003", "王五", gender="女", id_number=_id("20050505", "131")),  # contradicts the ID: a warning
    _row("2023004", "赵六", gender="m", major="机电一体化技术", entry_year="2024年"),  # no ID: no birth date
    _row("2023005", "钱七", id_number=_id("20050505", "131")),  # the 身份证号 of row 5 again
    _row("2023006", "孙八", id_number="430102200513011234"),  # impossible birth date
    _row("2023007", "周九", major="不存在专业", phone="12345"),  # unknown major
    _row("2023001", "重复", class_name="机电2302"),  # 学号 twice
    _row("", "无学号"),
    _row("2023010", "吴十", id_number=430102200501011234.0),  # Excel stored it as a number
    _row("2023011", "郑一", guardian_id_number=_id("20050312", "107")),  # the guardian: another's ID, fine
    _row("2023012", "冯二", phone="12345"),
    _row("2023013", "陈三", entry_year="二三级"),
    _row("2023014", "褚四", gender="未知", major="机电一体化技术"),
    _row("2023015", "卫五", id_number=_id("20051111", "111"), guardian_id_number=_id("20051111", "111")),
    _row("2023016", "蒋六", home_address="湖南省长沙市****", emergency_phone="0731-1234"),
    _row("2023017", "韩" * 51, guardian_phone=13912345678.0),
    _row("2022001", "老生", class_name="机电2201", entry_year=2022, phone="13700000000"),  # updates
    _row("2022002", "老生二", class_name="新班"),  # updates (or is left alone)
]


def _roster(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["机电工程学院学生名册"])
    ws.append(HEADERS)
    for r in ROWS:
        ws.append(r)
    ws.append(["合计", f"{len(ROWS)}人"])
    wb.save(path)
    return path


@pytest.fixture
def roster(db: Database, tmp_path: Path) -> Path:
    with db.session() as s:
        save_profile(s, PROFILE)
        create_student(s, StudentData("2022001", "老生", class_name="旧班", phone="13600000000"))
        create_student(s, StudentData("2022002", "老生二", id_number=_id("20040404", "222")))
    return _roster(tmp_path / "名册.xlsx")


class _Rollback(Exception):
    pass


def _plain_import(s: Any, preview: ImportPreview, update_existing: bool) -> Changes:
    """The reference: each valid row written through the ORM, one object at a time (as a form's save does)."""
    ids = []
    for r in preview.valid_rows:
        item = r.data
        if item.existing_id and not update_existing:
            continue
        st = s.get(Student, item.existing_id, options=[_personal()]) if item.existing_id else Student()
        apply_student(st, item.data)
        s.add(st)
        s.flush()
        ids.append(st.id)
    return Changes("student", tuple(ids))


def _personal() -> Any:
    return undefer_group(PERSONAL_GROUP)


def _written(s: Any, before: dict[str, dt.datetime]) -> dict[str, Any]:
    """Every student (all columns but the write's moment, ids as 学号) and every audit row of students (ids and
    times left out), in a comparable form."""
    no = dict(s.execute(select(Student.id, Student.student_no)).all())
    students = {}
    for st in s.scalars(select(Student).options(_personal())):
        values = {c.key: getattr(st, c.key) for c in Student.__table__.columns if c.key not in TIMES}
        values["id"] = st.id if st.id in before else "new"
        values["updated_at moved"] = st.updated_at != before.get(st.id)
        students[st.student_no] = values
    audit = sorted(
        (
            no.get(a.record_id, a.record_id),
            a.action,
            repr(sorted((a.changes or {}).items())),
            a.os_user,
            a.db_user,
        )
        for a in s.scalars(select(AuditLog).where(AuditLog.table_name == Student.__tablename__))
    )
    return {"students": students, "audit": audit}


def _journaled(s: Any, journal: undo.Journal | None) -> list[tuple[Any, ...]]:
    """The undo journal's rows: table, 学号, the row as it was before (None: created), its foreign keys."""
    assert journal is not None
    no = dict(s.execute(select(Student.id, Student.student_no)).all())
    return sorted(
        (
            image.table,
            no.get(image.key[0]),
            repr(None if image.before is None else sorted(image.before.items())),
            image.parents,
            image.after is None,
        )
        for image in journal.rows.values()
    )


def _write(db: Database, preview: ImportPreview, update_existing: bool, *, plain: bool) -> dict[str, Any]:
    """Write the preview (the import, or the plain reference) in one journaled transaction, note what it wrote,
    roll it back."""
    seen: dict[str, Any] = {}
    with pytest.raises(_Rollback), db.session() as s:
        before = dict(s.execute(select(Student.id, Student.updated_at)).all())
        audit_rows = len(s.scalars(select(AuditLog.id)).all())
        write = _plain_import if plain else lambda s, p, u: import_students(s, p, update_existing=u)
        changes = undo.journaled(s, lambda: write(s, preview, update_existing), "导入学生名册")
        seen.update(_written(s, before))
        seen["audit rows"] = len(s.scalars(select(AuditLog.id)).all()) - audit_rows
        seen["journal"] = _journaled(s, undo.take(changes))
        seen["ids"] = sorted(
            no for (no,) in s.execute(select(Student.student_no).where(Student.id.in_(changes.ids)))
        )
        raise _Rollback
    return seen


@pytest.mark.parametrize("update_existing", [False, True])
def test_the_import_writes_what_the_plain_orm_write_writes(
    db: Database, roster: Path, update_existing: bool
) -> None:
    with db.reader() as s:
        preview = read_students(s, roster)
    assert len(preview.valid_rows) == 7
    reference = _write(db, preview, update_existing, plain=True)
    imported = _write(db, preview, update_existing, plain=False)
    assert imported["students"].keys() == reference["students"].keys()
    for no, values in reference["students"].items():
        assert imported["students"][no] == values, no
    assert imported == reference
    assert reference["audit rows"] == (7 if update_existing else 5)
    assert len(reference["journal"]) == reference["audit rows"]


EXPECTED = {  # row: (imported, errors, warnings) — (column, message) as the preview shows them
    3: (True, [], []),
    4: (True, [], []),
    5: (True, [], [("性别", "性别“女”与身份证号（第17位表示男）不符，请核对")]),
    6: (True, [], []),
    7: (False, [("身份证号", "身份证号与第5行相同，同一人不能登记两次，请核对")], []),
    8: (False, [("身份证号", "身份证号中的出生日期不存在")], []),
    9: (False, [("专业", "专业“不存在专业”不在设置的专业中（请先在设置中添加，或改为已有专业）")], []),
    10: (False, [("学号", "学号“2023001”与第3行重复")], []),
    11: (False, [("学号", "学号不能为空")], []),
    12: (False, [("身份证号", "身份证号被 Excel 存成了数字，末几位已丢失；请把该列设为文本后重新录入")], []),
    13: (True, [], []),
    14: (False, [("手机号", "手机号格式不对：应为以1开头的11位手机号码")], []),
    15: (False, [("入学年份", "入学年份应为四位年份（如 2023 或 2023级），而不是“二三级”")], []),
    16: (False, [("性别", "性别应为“男”或“女”，而不是“未知”")], []),
    17: (False, [("监护人身份证号", "监护人身份证号与学生本人的相同，请核对")], []),
    18: (
        False,
        [
            (
                "紧急联系人电话",
                "紧急联系人电话格式不对：应为11位手机号码，或带区号的固定电话（如 0731-8456 7890，分机写在后面：转123）",
            ),
            ("家庭住址", "家庭住址是打码后的内容（含“**”），请填写完整住址"),
        ],
        [],
    ),
    19: (False, [("姓名", "姓名过长（最多50字）")], []),
    20: (True, [], [("学号", "学号“2022001”已有学生，确认后将更新其信息")]),
    21: (True, [], [("学号", "学号“2022002”已有学生，确认后将更新其信息")]),
}


def test_the_preview_names_each_problem_by_row_and_column_word_for_word(db: Database, roster: Path) -> None:
    with db.reader() as s:
        preview = read_students(s, roster)
    got = {
        r.row: (
            r.data is not None,
            [(e.column, e.message) for e in r.errors],
            [(w.column, w.message) for w in r.warnings],
        )
        for r in preview.rows
    }
    assert got == EXPECTED
    assert preview.header_row == 2 and preview.headers == tuple(HEADERS) and not preview.notices
    assert preview.rows[0].values == {
        **{h: "" for h in HEADERS},
        "学号": "2023001",
        "姓名": "张三",
        "性别": "男",
        "身份证号": _id("20050312", "107").lower(),
        "专业": "机电一体化技术",
        "班级": "机电2301",
        "入学年份": "2023级",
        "手机号": "139 1234 5678",
        "家长姓名": "张建国",
        "家长电话": "0731-84567890",
        "与学生关系": "父亲",
        "监护人身份证号": _id("19780506", "235"),
        "家庭住址": "湖南省长沙市芙蓉区五一大道100号3栋201",
        "紧急联系人": "李秀英",
        "紧急联系人电话": "13800001111",
        "备注": "住校 周末回家",  # the preview's text; the note is stored with its line break
    }
    first = preview.rows[0].data.data
    assert (first.student_no, first.id_number, first.class_name, first.entry_year) == (
        "2023001",
        _id("20050312", "107"),
        "机电2301",
        2023,
    )
    assert (first.phone, first.note) == ("139 1234 5678", "住校\n周末回家")
