"""The roster import made fast (issue #21: each 身份证号 checked once and the result carried to the row's
warnings and its write, texts cleaned once, phones and lengths looked at before any words, masked copies of blank
values worked out once) says and stores what the plain way does, on a messy roster:

- every message of a roster with each kind of problem, word for word, with its row and column;
- a seeded random roster of a few hundred rows (wrong check digits, numbers stored as numbers, duplicate 学号 and
  身份证号, unknown majors, genders contradicting the number or blank, updates of existing students, and texts
  with invisible characters, full-width letters and combining marks) read by read_students and by the plain
  reader below — each cell's cell_text, then the form's normalized_student, check_student_fields and
  student_warnings, each checking the 身份证号 itself — to the same preview, row for row; and written by
  import_students and by the ORM one object at a time to the same students, masked copies, audit rows and undo
  journal (test_students_import_writes._write)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.models import Major, Student
from app.db.personal import COPIED, copies_of
from app.domain.codes import check_id_number
from app.domain.names import name_key
from app.domain.privacy import masked_copy
from app.io.importing import ImportPreview, ImportRow, ToUpdate, ids_by_name, make_row, read_file
from app.io.students_xlsx import (
    FIELDS_STUDENTS,
    StudentImport,
    _entry_year,
    import_students,
    read_students,
)
from app.io.xlsx import cell_text, lost_digits
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.students import (
    StudentData,
    check_student_fields,
    create_student,
    id_number_clash,
    new_student_columns,
    normalized_student,
    student_key,
    student_warnings,
    students_by_id_number,
)
from app.services.versions import Opened
from tests.core.test_students_import_writes import _write

pytestmark = pytest.mark.both_backends

PROFILE = CollegeProfile(
    "湖南湘麓职业技术学院",
    "机电工程学院",
    (MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术", "Python 开发")),),
)
HEADERS = [FIELDS_STUDENTS[f][0] for f in FIELDS_STUDENTS]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(birth: str, seq: str) -> str:
    """A valid number (GB 11643's check character, worked out here the plain way)."""
    body = f"430102{birth}{seq}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def _wrong(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


OLD_ID = _id("20040404", "222")  # the 身份证号 of 老生二 (2022002), in the database before the import
OTHER_ID = _id("20030303", "333")  # of 老生三 (2022003)


@pytest.fixture
def students(db: Database) -> Database:
    with db.session() as s:
        save_profile(s, PROFILE)
        create_student(s, StudentData("2022001", "老生", class_name="旧班", phone="13600000000"))
        create_student(s, StudentData("2022002", "老生二", id_number=OLD_ID))
        create_student(s, StudentData("2022003", "老生三", id_number=OTHER_ID, gender="男"))
    return db


def _roster(path: Path, rows: list[dict[str, object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["机电工程学院学生名册"])
    ws.append(HEADERS)
    for cells in rows:
        ws.append([cells.get(f) for f in FIELDS_STUDENTS])
    wb.save(path)
    return path


def _row(no: object, name: object, **values: object) -> dict[str, object]:
    return {"student_no": no, "name": name, **values}


# ------------------------------------------------------------------ every message, word for word

MESSY = [
    _row("2024001", "甲", id_number=_wrong(_id("20050101", "111"))),  # 3: wrong check digit
    _row("2024002", "乙", id_number=430102200501011234),  # 4: an int cell
    _row("2024003", "丙", id_number="4.30102E+17"),  # 5: scientific notation as text
    _row("2024004", "丁", id_number="43010220050101"),  # 6: too short
    _row("2024005", "戊", id_number=_id("18990101", "111")),  # 7: born before 1900
    _row("2024006", "己", id_number=_id("20990101", "111")),  # 8: born in the future
    _row("2022002", "老生二", id_number=OLD_ID, class_name="新班"),  # 9: its own number: an update
    _row("2024007", "庚", id_number=OLD_ID),  # 10: 老生二's number, and row 9's
    _row("2024009", "辛", id_number=" 11010519 491231002x "),  # 11: spaces, a lower-case x
    _row("2024010", "壬", gender="", id_number=_id("20060606", "124")),  # 12: blank gender: 女 (the number)
    _row("2024011", "癸", gender="F", id_number=_id("20060606", "135")),  # 13: contradicts (male number)
    _row("2024012", "子", gender="男性", id_number=_id("20060606", "137")),  # 14
    _row("2024013", "丑", guardian_id_number=_wrong(_id("19780506", "235"))),  # 15
    _row("2024014", "寅", guardian_id_number=430102197805062351.0),  # 16: a number cell
    _row(2.024015e16, "卯"),  # 17: 学号 stored as a number with its last digits lost
    _row("ＡＢ２０２４", "辰"),  # 18: full-width 学号
    _row("ab2024", "巳"),  # 19: the same 学号 (NFKC, case-folded)
    _row("2024018", "午", major=" 机电 一体化技术 "),  # 20: the same major, written loosely
    _row("2024019", "未", major="工业机器人技术（高职）"),  # 21: unknown
    _row("2024020", "申", class_name="班" * 51),  # 22: too long
    _row("2024021", "酉", entry_year="1980"),  # 23: out of range
    _row("2024022", "戌", phone=13912345678.0, guardian_phone="0731-84567890", emergency_phone="0731-1234"),
    _row("2024023", "张\u200b三", gender="Ｍ", id_number=_id("20070707", "111")),  # 25: zero-width space
    _row("2024024", "亥", id_number=_id("20080808", "111"), major="不存在专业"),  # 26: error, number noted
    _row("2024025", "甲二", id_number=_id("20080808", "111")),  # 27: the number of row 26
    _row("2022003", "老生三", id_number=OTHER_ID, gender="女"),  # 28: update, gender contradicts
    _row("2024027", "乙二", id_number=_id("20090909", "111"), guardian_id_number=_id("20090909", "111")),
    _row("2024028", "丙二", home_address="湖南省长沙市****", note="住校\r\n 周末回家 "),  # 30
    _row("2024029", "丁二", entry_year=2023.0, phone="+86 139-1234-5678"),  # 31
]
NUMBER_AS_NUMBER = "被 Excel 存成了数字，末几位已丢失；请把该列设为文本后重新录入"
EXPECTED = {  # row: (imported, errors, warnings) — (column, message) as the preview shows them
    3: (False, [("身份证号", "身份证号校验位不符，请核对")], []),
    4: (False, [("身份证号", "身份证号" + NUMBER_AS_NUMBER)], []),
    5: (
        False,
        [("身份证号", "身份证号被 Excel 存成了科学计数法，末几位已丢失；请把该列设为文本后重新录入")],
        [],
    ),
    6: (False, [("身份证号", "身份证号应为18位（17位数字加1位数字或X）")], []),
    7: (False, [("身份证号", "身份证号中的出生日期不合理")], []),
    8: (False, [("身份证号", "身份证号中的出生日期不合理")], []),
    9: (True, [], [("学号", "学号“2022002”已有学生，确认后将更新其信息")]),
    10: (
        False,
        [
            ("身份证号", "身份证号与第9行相同，同一人不能登记两次，请核对"),
            ("身份证号", "身份证号与已有学生“老生二”（学号2022002）相同，同一人不能登记两次，请核对"),
        ],
        [],
    ),
    11: (True, [], []),
    12: (True, [], []),
    13: (True, [], [("性别", "性别“女”与身份证号（第17位表示男）不符，请核对")]),
    14: (True, [], []),
    15: (False, [("监护人身份证号", "监护人身份证号校验位不符，请核对")], []),
    16: (False, [("监护人身份证号", "监护人身份证号" + NUMBER_AS_NUMBER)], []),
    17: (False, [("学号", "学号" + NUMBER_AS_NUMBER)], []),
    18: (True, [], []),
    19: (False, [("学号", "学号“ab2024”与第18行重复")], []),
    20: (True, [], []),
    21: (
        False,
        [("专业", "专业“工业机器人技术(高职)”不在设置的专业中（请先在设置中添加，或改为已有专业）")],
        [],
    ),
    22: (False, [("班级", "班级过长（最多50字，现有51字）")], []),
    23: (False, [("入学年份", "入学年份应为1990–2100之间的四位年份")], []),
    24: (
        False,
        [
            (
                "紧急联系人电话",
                "紧急联系人电话格式不对：应为11位手机号码，或带区号的固定电话（如 0731-8456 7890，分机写在后面：转123）",
            )
        ],
        [],
    ),
    25: (True, [], []),
    26: (False, [("专业", "专业“不存在专业”不在设置的专业中（请先在设置中添加，或改为已有专业）")], []),
    27: (False, [("身份证号", "身份证号与第26行相同，同一人不能登记两次，请核对")], []),
    28: (
        True,
        [],
        [
            ("性别", "性别“女”与身份证号（第17位表示男）不符，请核对"),
            ("学号", "学号“2022003”已有学生，确认后将更新其信息"),
        ],
    ),
    29: (False, [("监护人身份证号", "监护人身份证号与学生本人的相同，请核对")], []),
    30: (False, [("家庭住址", "家庭住址是打码后的内容（含“**”），请填写完整住址")], []),
    31: (True, [], []),
}


def test_every_message_of_a_messy_roster_word_for_word(students: Database, tmp_path: Path) -> None:
    with students.reader() as s:
        preview = read_students(s, _roster(tmp_path / "名册.xlsx", MESSY))
    got = {
        r.row: (
            r.data is not None,
            [(e.column, e.message) for e in r.errors],
            [(w.column, w.message) for w in r.warnings],
        )
        for r in preview.rows
    }
    assert got == EXPECTED
    data = {r.row: r.data.data for r in preview.valid_rows}
    assert data[11].id_number == "11010519491231002X"  # spaces out, x upper-cased
    assert (data[18].student_no, data[25].name, data[25].gender) == ("AB2024", "张三", "男")
    assert data[20].major_id is not None and data[31].entry_year == 2023
    assert data[31].phone == "+86 139-1234-5678"
    with students.session() as s:
        changes = import_students(s, preview, update_existing=True)
    with students.reader() as s:
        stored = {st.student_no: st for st in s.scalars(select(Student).where(Student.id.in_(changes.ids)))}
        born_girl = stored["2024010"]
        assert (born_girl.gender, born_girl.birth_date) == ("女", dt.date(2006, 6, 6))  # from the number
        assert stored["2024011"].gender == "女"  # as written: the warning said so, the number decides nothing
        assert stored["2022003"].gender == "女"


# ------------------------------------------------------------------ a random roster against the plain reader


TEXTS = (
    "张\u200b三",  # a zero-width space
    "e\u200d\u0301x",  # a joiner between a letter and its accent: NFKC joins the two once it is taken out
    "e \u0301y",  # a space there: in a 学号 it is taken out, and the two joined
    "Ａｂｃ",
    " 李  四 ",
    "名\u00a0字",
    "名\t字",
    "\u3164名",
    "ﬁ名",
    "¨名",
    "名\u202e字",
    "ß名",
    "x\u034f\u0301",
)


def _random_rows(seed: int, n: int) -> list[dict[str, object]]:
    """`n` rows: each a plain valid one, then one or two of its cells (about half the rows) taken from that
    column's messy values — some harmless (spaces, full-width letters, 男性), most a problem."""
    rng = random.Random(seed)
    ids: list[str] = []
    nos: list[object] = []

    def new_id() -> str:
        birth = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(3300))
        number = _id(f"{birth:%Y%m%d}", f"{rng.randrange(1000):03d}")
        ids.append(number)
        return number

    def pick(*makers: Callable[[], object]) -> Callable[[], object]:
        return lambda: rng.choice(makers)()

    messy: dict[str, Callable[[], object]] = {
        "student_no": pick(
            lambda: rng.choice(nos),  # a 学号 twice
            lambda: "２０２５" + f"{rng.randrange(n):04d}",  # full-width: maybe the same as another
            lambda: f" 2025 {rng.randrange(n):04d} ",
            lambda: f"Ab{rng.randrange(5)}",
            lambda: f"aB{rng.randrange(5)}",
            lambda: 2.025e16,  # a number Excel shortened
            lambda: 20250000 + rng.randrange(n),  # a number cell, whole
            lambda: "",
            lambda: rng.choice(("2022001", "2022002", "2022003")),  # an update
            lambda: "9" * 31,
            lambda: f"2025\u200b{rng.randrange(n):04d}",
            lambda: rng.choice(TEXTS),
        ),
        "name": pick(lambda: rng.choice(TEXTS), lambda: "", lambda: "韩" * 51),
        "gender": pick(lambda: rng.choice(("", "m", "F", "男性", "女性", "未知", " 男 ", "Ｍ", "女", "男"))),
        "id_number": pick(
            lambda: "",
            lambda: _wrong(new_id()),
            lambda: rng.choice(ids),  # a number twice
            lambda: rng.choice((OLD_ID, OTHER_ID)),
            lambda: new_id().lower(),
            lambda: " ".join(new_id()[i : i + 6] for i in (0, 6, 12)),
            lambda: new_id().translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            lambda: int(new_id()[:17]),
            lambda: float(new_id()),
            lambda: "4.30102E+17",
            lambda: new_id()[:15],
            lambda: _id("20050230", "111"),  # no 30 February
            lambda: _id("18991231", "111"),
            lambda: _id("20990101", "111"),
            lambda: new_id()[:17] + "Y",
            lambda: "11010519491231002x",
        ),
        "major": pick(
            lambda: rng.choice((" 机电 一体化技术 ", "python开发", "ＰＹＴＨＯＮ 开发", "")),
            lambda: rng.choice(("不存在专业", "工业机器人技术（高职）")),
        ),
        "class_name": pick(
            lambda: "班" * 51, lambda: dt.datetime(2025, 9, 1), lambda: True, lambda: rng.choice(TEXTS)
        ),
        "entry_year": pick(
            lambda: rng.choice((2025, 2025.0, "2024年", "2023 级", "二三级", "1980", "", None))
        ),
        "phone": pick(
            lambda: rng.choice(("139 1234 5678", "139-1234-5678", 13912345678.0, "+8613912345678")),
            lambda: rng.choice(
                ("１３９１２３４５６７８", "", 1.3912345678e16, "12345", "0731-84567890", "1" * 31)
            ),
        ),
        "guardian_name": pick(lambda: rng.choice(TEXTS), lambda: ""),
        "guardian_phone": pick(
            lambda: rng.choice(("0731-84567890", "0731-1234", "", 13800001111, "(0731)8456789"))
        ),
        "guardian_relation": pick(lambda: rng.choice(("", "其他监护人", " 父 亲 ", "母亲"))),
        "guardian_id_number": pick(
            new_id, lambda: _wrong(new_id()), lambda: int(new_id()[:17]), lambda: rng.choice(ids)
        ),
        "home_address": pick(lambda: rng.choice(("湖南省长沙市****", "长沙", "址" * 301, ""))),
        "emergency_contact": pick(lambda: rng.choice(("", "张\u200b三", "李秀英"))),
        "emergency_phone": pick(lambda: rng.choice(("13800002222", "0731-1234", "07318456789转123", "１"))),
        "note": pick(lambda: rng.choice(("", "住校\n  周末回家 ", " 走读 ", "a\r\nb", 12.5, "\u200b备注"))),
    }
    rows: list[dict[str, object]] = [  # updates, first: the same 学号 later in the file is one twice
        _row("2022001", "老生", id_number=new_id(), phone="13700000000"),
        _row("2022002", "老生二", id_number=OLD_ID, class_name="新班"),
        _row("2022003", "老生三", id_number=OTHER_ID, gender="女"),
    ]
    rows += [  # each odd text in each kind of text field, in a valid row
        _row(f"T{i}{text}", text, class_name=text, guardian_name=text, emergency_contact=text, note=text)
        for i, text in enumerate(TEXTS)
    ]
    for k in range(n):
        row: dict[str, object] = {
            "student_no": f"2025{k:04d}",
            "name": f"学生{k}",
            "gender": rng.choice(("男", "女")),
            "id_number": new_id(),
            "major": rng.choice(("机电一体化技术", "工业机器人技术", "Python 开发")),
            "class_name": f"机电25{k % 30:02d}",
            "entry_year": "2025级",
            "phone": f"139{rng.randrange(10**8):08d}",
            "guardian_name": f"家长{k}",
            "guardian_phone": f"138{rng.randrange(10**8):08d}",
            "guardian_relation": "父亲",
        }
        nos.append(row["student_no"])
        for f in rng.sample(list(messy), rng.choice((0, 0, 0, 1, 1, 2))):
            row[f] = messy[f]()
        rows.append(row)
    return rows


def _plain_read(s: Session, path: Path) -> ImportPreview:
    """The roster read the plain way (as read_students read it before issue #21): cell_text of each cell, the
    form's normalized_student, check_student_fields and student_warnings (each checking the 身份证号 itself)."""
    read = {
        sid: (no, name, version)
        for sid, no, name, version in s.execute(
            select(Student.id, Student.student_no, Student.name, Student.version).where(
                Student.deleted_at.is_(None)
            )
        )
    }
    existing = {student_key(no): sid for sid, (no, _n, _v) in read.items()}
    majors = ids_by_name(s, Major)
    id_numbers = students_by_id_number(s)
    genders = {"男": "男", "女": "女", "男性": "男", "女性": "女", "m": "男", "f": "女"}

    def make_reader(columns: dict[str, str]) -> Callable[[int, dict[str, Any]], ImportRow]:
        seen: dict[str, int] = {}
        seen_ids: dict[str, int] = {}

        def column(f: str) -> str:
            return columns.get(f) or FIELDS_STUDENTS[f][0]

        def read_row(row: int, raw: dict[str, Any]) -> ImportRow:
            shown = {columns[f]: cell_text(v) for f, v in raw.items()}
            text = {f: cell_text(v) for f, v in raw.items()}
            if "note" in raw:
                text["note"] = cell_text(raw["note"], free_text=True)
            errors: list[tuple[str, str]] = []
            values: dict[str, Any] = {}
            for f, who in (("id_number", ""), ("guardian_id_number", "监护人")):
                if isinstance(raw.get(f), (int, float)) and not isinstance(raw.get(f), bool):
                    try:
                        check_id_number(raw[f])
                    except ValueError as e:
                        errors.append((column(f), f"{who}{e}"))
            if major := text.get("major", ""):
                values["major_id"] = majors.get(name_key(major))
                if not values["major_id"]:
                    errors.append(
                        (
                            column("major"),
                            f"专业“{major}”不在设置的专业中（请先在设置中添加，或改为已有专业）",
                        )
                    )
            try:
                values["entry_year"] = _entry_year(text.get("entry_year", ""))
            except ValueError as e:
                errors.append((column("entry_year"), str(e)))
            for f, label in (
                ("student_no", "学号"),
                ("phone", "手机号"),
                ("guardian_phone", "家长电话"),
                ("emergency_phone", "紧急联系人电话"),
            ):
                if lost_digits(raw.get(f)):
                    errors.append(
                        (column(f), f"{label}被 Excel 存成了数字，末几位已丢失；请把该列设为文本后重新录入")
                    )
            gender = text.get("gender", "")
            data = normalized_student(
                StudentData(
                    **{
                        f: text.get(f, "")
                        for f in FIELDS_STUDENTS
                        if f not in ("major", "entry_year", "gender")
                    },
                    gender=genders.get(gender.casefold(), gender),
                    **values,
                )
            )
            if not errors:
                errors += [
                    (column("major" if e.field == "major_id" else e.field), e.message)
                    for e in check_student_fields(data)
                ]
            warnings = [(column("gender"), w) for w in student_warnings(data)]
            key = student_key(data.student_no)
            sid = existing.get(key)
            if key and key in seen:
                errors.append((column("student_no"), f"学号“{data.student_no}”与第{seen[key]}行重复"))
            elif key:
                seen[key] = row
            updates = None
            if sid:
                warnings.append(
                    (column("student_no"), f"学号“{data.student_no}”已有学生，确认后将更新其信息")
                )
                no, name, version = read[sid]
                updates = ToUpdate(f"学生“{name}”（学号{no}）", Opened(Student.__tablename__, sid, version))
            number = data.id_number
            if number and not any(c == column("id_number") for c, _m in errors):
                if number in seen_ids:
                    errors.append(
                        (
                            column("id_number"),
                            f"身份证号与第{seen_ids[number]}行相同，同一人不能登记两次，请核对",
                        )
                    )
                else:
                    seen_ids[number] = row
                other = id_numbers.get(number)
                if other and other[0] != sid:
                    errors.append((column("id_number"), id_number_clash(other[1], other[2])))
            try:
                info = check_id_number(number) if number else None
            except ValueError:
                info = None
            return make_row(row, StudentImport(data, sid, updates, info), errors, warnings, shown)

        return read_row

    return read_file(path, FIELDS_STUDENTS, {"student_no", "name"}, make_reader)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_random_roster_reads_and_writes_as_the_plain_way_does(
    students: Database, tmp_path: Path, seed: int
) -> None:
    path = _roster(tmp_path / "名册.xlsx", _random_rows(seed, 300))
    with students.reader() as s:
        preview = read_students(s, path)
        plain = _plain_read(s, path)
    for got, expected in zip(preview.rows, plain.rows, strict=True):
        assert got == expected, got.row
    assert preview == plain
    # the roster has every kind of row: the comparison is not of a few easy cases
    assert 150 < len(preview.valid_rows) < 270
    assert {e.column for e in preview.errors} >= {
        "学号",
        "姓名",
        "性别",
        "身份证号",
        "专业",
        "班级",
        "入学年份",
    }
    assert any(r.data and r.data.existing_id for r in preview.rows)
    assert any(w.column == "性别" for w in preview.warnings)
    for update_existing in (False, True):
        assert _write(students, preview, update_existing, plain=False) == _write(
            students, preview, update_existing, plain=True
        )


def test_masked_copies_of_blank_values_are_those_of_the_masks() -> None:
    for blank in ("", None):
        assert copies_of(dict.fromkeys(COPIED, blank)) == {f"{c}_masked": masked_copy(c, "") for c in COPIED}
    filled = {"id_number": "430102200501011234", "phone": "13912345678", "home_address": "湖南省长沙市芙蓉区"}
    assert copies_of(filled) == {f"{c}_masked": masked_copy(c, v) for c, v in filled.items()}


def test_a_check_carried_over_is_taken_only_for_its_own_number() -> None:
    mine, other = _id("20060606", "124"), _id("20050505", "135")
    checked_other = check_id_number(other)
    for number, errors in ((mine, []), (_wrong(mine), ["身份证号校验位不符，请核对"])):
        d = StudentData("2025001", "学生", id_number=number)
        assert [e.message for e in check_student_fields(d, id_info=checked_other)] == errors
        assert student_warnings(replace(d, gender="男"), id_info=checked_other) == (
            ["性别“男”与身份证号（第17位表示女）不符，请核对"] if not errors else []
        )
    columns = new_student_columns(StudentData("2025001", "学生", id_number=mine), id_info=checked_other)
    assert (columns["birth_date"], columns["gender"]) == (dt.date(2006, 6, 6), "女")
