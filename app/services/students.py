"""学生 (roster). 学号 is required and unique among live students (compared after NFKC, trimmed, case-folded).

身份证号 is checked per GB 11643 (app/domain/codes.py): lower-case x is normalised; a wrong check digit or an
impossible birth date is an error — never guessed. With a valid number the birth date is stored from it and a
gender that contradicts it is a warning (the ID decides nothing on its own: the user may have typed the wrong
one); the same 身份证号 for two live students is an error that names the other student (never the number).
A student's own phone is a mobile (11 digits, 1[3-9]…); a guardian's and the emergency contact's are a mobile or a
landline with its area code (app/domain/phones.py). The 监护人's 身份证号 is checked like the student's (GB 11643)
and must not be the student's own. Every text has its most characters (app/services/common.py: the column's length, 备注
NOTE_MAX); a longer one is an error that names the field and the limit.

Privacy (DOMAIN.md): rows for lists carry masked 身份证号 (the student's and the guardian's) and phones, and no
家庭住址, unless `full=True`, which only the student's own form (and an export the user confirmed) asks for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from functools import cache
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, undefer_group

from app.db.models import GENDERS, Internship, Major, Student
from app.db.personal import COPIED, PERSONAL_GROUP, may_read_personal, personal_refusal
from app.domain.codes import IdNumberInfo, check_id_number
from app.domain.names import clean_text
from app.domain.phones import LANDLINE_RULE, MOBILE_RULE, is_phone
from app.domain.privacy import is_masked
from app.errors import NoPermission, ValidationError, ValidationErrors
from app.services.common import (
    Changes,
    get_or_raise,
    in_view,
    length_errors,
    like_pattern,
    max_length,
    restore,
    soft_delete,
)
from app.services.teachers import is_live, text_error

MIN_ENTRY_YEAR, MAX_ENTRY_YEAR = 1990, 2100
_LENGTHS = {
    "class_name": "班级",
    "phone": "手机号",
    "guardian_name": "家长姓名",
    "guardian_phone": "家长电话",
    "guardian_relation": "与学生关系",
    "home_address": "家庭住址",
    "emergency_contact": "紧急联系人",
    "emergency_phone": "紧急联系人电话",
}
# The student's fields as the form and the roster name them (a merge's conflict, a record's history)
FIELD_LABELS = {"student_no": "学号", "name": "姓名", **_LENGTHS, "note": "备注"}
GUARDIAN_RELATIONS = ("父亲", "母亲", "祖父", "祖母", "外祖父", "外祖母", "兄", "姐", "其他监护人")


def student_key(student_no: str) -> str:
    return clean_text(student_no).replace(" ", "").casefold()


@dataclass(frozen=True)
class StudentData:
    student_no: str
    name: str
    gender: str = ""
    id_number: str = ""
    major_id: str | None = None
    class_name: str = ""
    entry_year: int | None = None
    phone: str = ""
    guardian_name: str = ""
    guardian_phone: str = ""
    note: str = ""
    # after `note`, so that positional callers keep working
    guardian_relation: str = ""  # 与学生关系 (父亲 / 母亲 / 其他监护人 …)
    guardian_id_number: str = ""  # 监护人身份证号: personal, masked like id_number
    home_address: str = ""  # 家庭住址: personal, masked in lists and exports
    emergency_contact: str = ""
    emergency_phone: str = ""  # personal, masked like phone


@dataclass(frozen=True)
class StudentRow(StudentData):
    id: str = ""
    major_name: str = ""
    birth_date: object = None  # dt.date | None
    masked: bool = True


def normalized_student(d: StudentData) -> StudentData:
    return replace(
        d,
        student_no=clean_text(d.student_no).replace(" ", ""),
        name=clean_text(d.name),
        gender=clean_text(d.gender),
        id_number=re.sub(r"\s+", "", d.id_number or "").upper(),
        major_id=d.major_id or None,
        class_name=clean_text(d.class_name),
        phone=clean_text(d.phone),
        guardian_name=clean_text(d.guardian_name),
        guardian_phone=clean_text(d.guardian_phone),
        guardian_relation=clean_text(d.guardian_relation),
        guardian_id_number=re.sub(r"\s+", "", d.guardian_id_number or "").upper(),
        home_address=clean_text(d.home_address),
        emergency_contact=clean_text(d.emergency_contact),
        emergency_phone=clean_text(d.emergency_phone),
        note=(d.note or "").strip(),
    )


def find_student_by_no(s: Session, student_no: str, *, exclude_id: str | None = None) -> str | None:
    """The live student with this 学号 (same after normalising), or None."""
    key = student_key(student_no)
    if not key:
        return None
    stmt = select(Student.id, Student.student_no).where(
        Student.deleted_at.is_(None), func.lower(Student.student_no) == key
    )
    for sid, _no in s.execute(stmt):
        if sid != exclude_id:
            return sid
    return None


def students_by_no(s: Session) -> dict[str, str]:
    """学号 key → id of every live student (one query; for imports)."""
    rows = s.execute(select(Student.student_no, Student.id).where(Student.deleted_at.is_(None)))
    return {student_key(no): sid for no, sid in rows}


def _phone_error(field: str, label: str, value: str, *, landline: bool) -> list[ValidationError]:
    """The shape of a phone (app/domain/phones.py); the message never repeats the number."""
    if not value or len(value) > 30 or _plain_mobile(value) or is_phone(value, landline=landline):
        return []  # too long: length_errors says so
    return [ValidationError(field, f"{label}格式不对：{LANDLINE_RULE if landline else MOBILE_RULE}")]


def _plain_mobile(value: str) -> bool:
    """11 ASCII digits 1[3-9]…: a mobile is_phone accepts as it is (nothing to fold), told without its regexes
    (the import checks two or three phones a row)."""
    return (
        len(value) == 11 and value.isdigit() and value.isascii() and value[0] == "1" and value[1] in "3456789"
    )


def same_id_number(
    s: Session, id_number: str, *, exclude_id: str | None = None
) -> tuple[str, str, str] | None:
    """(id, 姓名, 学号) of a live student with this (normalised) 身份证号, or None."""
    if not id_number:
        return None
    stmt = select(Student.id, Student.name, Student.student_no).where(
        Student.deleted_at.is_(None), Student.id_number == id_number
    )
    if exclude_id:
        stmt = stmt.where(Student.id != exclude_id)
    found = s.execute(stmt.limit(1)).first()
    return (found[0], found[1], found[2]) if found else None


def id_number_clash(name: str, student_no: str) -> str:
    """The message for a 身份证号 another student has: names that student, not the number."""
    return f"身份证号与已有学生“{name}”（学号{student_no}）相同，同一人不能登记两次，请核对"


def students_by_id_number(s: Session) -> dict[str, tuple[str, str, str]]:
    """身份证号 → (id, 姓名, 学号) of every live student that has one (one query; for imports)."""
    stmt = select(Student.id_number, Student.id, Student.name, Student.student_no).where(
        Student.deleted_at.is_(None), Student.id_number != ""
    )
    return {number: (sid, name, no) for number, sid, name, no in s.execute(stmt)}


def checked_id_number(number: str, known: IdNumberInfo | None = None) -> IdNumberInfo:
    """check_id_number(number); or `known`, the result of an earlier check, when it is that of this very
    (normalised) number: the import checks each row's number once and carries the result to the row's warnings
    and its write. (A valid number stays valid: its birth date was not after the day of the first check.)"""
    if known is not None and known.value == number:
        return known
    return check_id_number(number)


def id_number_info(number: str, known: IdNumberInfo | None = None) -> IdNumberInfo | None:
    """checked_id_number of a student's 身份证号, None when it is blank or not valid."""
    if not number:
        return None
    try:
        return checked_id_number(number, known)
    except ValueError:
        return None


def check_student_fields(d: StudentData, *, id_info: IdNumberInfo | None = None) -> list[ValidationError]:
    """The checks that need no database (the import runs them for every row). `id_info`: see id_number_info."""
    errors = text_error("student_no", "学号", d.student_no, 30, required=True)
    errors += text_error("name", "姓名", d.name, 50, required=True)
    if d.gender and d.gender not in GENDERS:
        errors.append(ValidationError("gender", f"性别应为“男”或“女”，而不是“{d.gender}”"))
    if d.id_number:
        try:
            checked_id_number(d.id_number, id_info)
        except ValueError as exc:
            errors.append(ValidationError("id_number", str(exc)))
    year = d.entry_year
    if year is not None and (
        not isinstance(year, int) or isinstance(year, bool) or not MIN_ENTRY_YEAR <= year <= MAX_ENTRY_YEAR
    ):
        errors.append(
            ValidationError("entry_year", f"入学年份应为{MIN_ENTRY_YEAR}–{MAX_ENTRY_YEAR}之间的四位年份")
        )
    errors += _phone_error("phone", "手机号", d.phone, landline=False)
    errors += _phone_error("guardian_phone", "家长电话", d.guardian_phone, landline=True)
    errors += _phone_error("emergency_phone", "紧急联系人电话", d.emergency_phone, landline=True)
    errors += _guardian_id_errors(d)
    if is_masked(d.home_address):
        errors.append(ValidationError("home_address", "家庭住址是打码后的内容（含“**”），请填写完整住址"))
    limits = _length_limits()
    for f, (_label, most) in limits.items():  # most rows have no text too long: looked at before any words
        value = getattr(d, f, "")
        if isinstance(value, str) and len(value) > most:
            errors += length_errors(Student, d, limits)
            break
    return errors


@cache
def _length_limits() -> dict[str, tuple[str, int]]:
    """{field: (中文名, most characters)} of the texts whose limit is the column's (looked up once: the import
    checks every row)."""
    return {f: (label, max_length(Student, f)) for f, label in {**_LENGTHS, "note": "备注"}.items()}


def _guardian_id_errors(d: StudentData) -> list[ValidationError]:
    """The 监护人's number per GB 11643; never the student's own (a copy-paste slip the contract would print)."""
    if not d.guardian_id_number:
        return []
    try:
        check_id_number(d.guardian_id_number)
    except ValueError as exc:
        return [ValidationError("guardian_id_number", f"监护人{exc}")]
    if d.guardian_id_number == d.id_number:
        return [ValidationError("guardian_id_number", "监护人身份证号与学生本人的相同，请核对")]
    return []


def student_warnings(d: StudentData, *, id_info: IdNumberInfo | None = None) -> list[str]:
    """Things to look at that do not block saving: a gender that contradicts the 身份证号. `id_info`: see
    id_number_info."""
    if not d.id_number or not d.gender:
        return []
    info = id_number_info(d.id_number, id_info)
    if info is None:
        return []
    by_id = "男" if info.male else "女"
    if by_id != d.gender:
        return [f"性别“{d.gender}”与身份证号（第17位表示{by_id}）不符，请核对"]
    return []


def check_student(s: Session, data: StudentData, *, exclude_id: str | None = None) -> list[ValidationError]:
    """The checks of a save; without 学生个人信息 the personal fields are not checked (nor written: a form shows
    their masked copies, read-only)."""
    data, _personal = _without_personal(s, data, new=exclude_id is None)
    d = normalized_student(data)
    errors = check_student_fields(d)
    if d.student_no and find_student_by_no(s, d.student_no, exclude_id=exclude_id):
        errors.append(ValidationError("student_no", f"学号“{d.student_no}”已被其他学生使用"))
    if d.id_number and not any(e.field == "id_number" for e in errors):
        if other := same_id_number(s, d.id_number, exclude_id=exclude_id):
            errors.append(ValidationError("id_number", id_number_clash(other[1], other[2])))
    if d.major_id and not is_live(s, Major, d.major_id):
        errors.append(ValidationError("major_id", "所选专业不存在或已删除"))
    return errors


def apply_student(st: Student, d: StudentData, *, personal: bool = True) -> None:
    """`personal` False (a user without 学生个人信息): the personal fields are left as they are."""
    for f in fields(StudentData):
        if personal or f.name not in COPIED:
            setattr(st, f.name, getattr(d, f.name))
    if not personal:
        return
    info = check_id_number(d.id_number) if d.id_number else None
    st.birth_date = info.birth_date if info else None
    if info and not d.gender:
        st.gender = "男" if info.male else "女"


_STUDENT_FIELDS = tuple(f.name for f in fields(StudentData))


def new_student_columns(d: StudentData, *, id_info: IdNumberInfo | None = None) -> dict[str, Any]:
    """The columns apply_student sets on a new student (with 学生个人信息), as a dict for a Core insert.
    `id_info`: see id_number_info."""
    values = {name: getattr(d, name) for name in _STUDENT_FIELDS}
    info = checked_id_number(d.id_number, id_info) if d.id_number else None
    values["birth_date"] = info.birth_date if info else None
    if info and not d.gender:
        values["gender"] = "男" if info.male else "女"
    return values


def _without_personal(s: Session, data: StudentData, *, new: bool) -> tuple[StudentData, bool]:
    """`data` as a user may write it: whole with 学生个人信息; without it, the personal fields blank (a form shows
    them masked and read-only, an update keeps what is stored). A new student with any of them filled in is
    refused: it needs the grant."""
    if may_read_personal(s):
        return data, True
    if new and any(getattr(data, c) for c in COPIED):
        need_personal(s)
    return replace(data, **dict.fromkeys(COPIED, "")), False


def create_student(s: Session, data: StudentData) -> Changes:
    data, personal = _without_personal(s, data, new=True)
    if errors := check_student(s, data):
        raise ValidationErrors(errors)
    d = normalized_student(data)
    st = Student()
    apply_student(st, d, personal=personal)
    s.add(st)
    s.flush()
    return Changes("student", (st.id,), tuple(student_warnings(d)))


def update_student(s: Session, student_id: str, data: StudentData) -> Changes:
    """Without 学生个人信息 (on a server) the personal fields of `data` are not written: the stored ones stay."""
    data, personal = _without_personal(s, data, new=False)
    # with 学生个人信息, the stored personal values too: a field written unchanged is then not a change
    options = [undefer_group(PERSONAL_GROUP)] if personal else []
    st = s.get(Student, student_id, options=options) or get_or_raise(s, Student, student_id, "学生")
    if errors := check_student(s, data, exclude_id=student_id):
        raise ValidationErrors(errors)
    d = normalized_student(data)
    apply_student(st, d, personal=personal)
    s.flush()
    return Changes("student", (st.id,), tuple(student_warnings(d)))


def delete_students(s: Session, ids: Sequence[str]) -> Changes:
    """To the 回收站; internships and employment records stay with the student (restored with them)."""
    return soft_delete(s, Student, ids)


def restore_students(s: Session, ids: Sequence[str]) -> Changes:
    """Back from the 回收站, unless another live student has taken the 学号 meanwhile."""
    personal = may_read_personal(s)  # without it, the unique index refuses a taken 身份证号 (in words)
    stmt = select(Student).where(Student.id.in_(ids), Student.deleted_at.is_not(None))
    for st in s.scalars(stmt.options(undefer_group(PERSONAL_GROUP)) if personal else stmt):
        if find_student_by_no(s, st.student_no, exclude_id=st.id):
            raise ValidationError("student_no", f"学号“{st.student_no}”已被其他学生使用，不能恢复“{st.name}”")
        if personal and (other := same_id_number(s, st.id_number, exclude_id=st.id)):
            raise ValidationError(
                "id_number", f"“{st.name}”的身份证号与已有学生“{other[1]}”（学号{other[2]}）相同，不能恢复"
            )
    return restore(s, Student, ids)


def _row(st: Student, major: str, full: bool) -> StudentRow:
    """`full`: the personal values themselves (loaded with the row: `_personal`); otherwise their masked
    copies, which every user may read, and no 出生日期 (the masked 身份证号 hides it)."""
    values = {f.name: getattr(st, f.name) for f in fields(StudentData) if f.name not in COPIED}
    for column in COPIED:
        values[column] = getattr(st, column if full else f"{column}_masked")
    born = st.birth_date if full else None
    return StudentRow(**values, id=st.id, major_name=major, birth_date=born, masked=not full)


def _personal(stmt: Select, s: Session, full: bool) -> Select:
    """`stmt` loading the students' personal columns too when `full` — refused (NoPermission, in words) to a
    user without 学生个人信息 before anything is read."""
    if not full:
        return stmt
    need_personal(s)
    return stmt.options(undefer_group(PERSONAL_GROUP))


def need_personal(s: Session) -> None:
    """NoPermission naming 学生个人信息 unless the connected user may read students' personal data."""
    if refused := personal_refusal(s):
        raise NoPermission(refused)


def student_rows(
    s: Session,
    *,
    search: str = "",
    major_id: str = "",
    class_name: str = "",
    ids: Sequence[str] | None = None,
    deleted: bool = False,
    full: bool = False,
) -> list[StudentRow]:
    """Students by class then 学号; search in 学号, 姓名 and 班级. ID numbers and phones masked unless `full`
    (which needs 学生个人信息 on a server)."""
    stmt = select(Student, Major.name).outerjoin(Major, Major.id == Student.major_id)
    stmt = stmt.where(in_view(Student, deleted)).order_by(Student.class_name, Student.student_no)
    if search.strip():
        pattern = like_pattern(search.strip())
        stmt = stmt.where(
            or_(
                Student.student_no.like(pattern, escape="\\"),
                Student.name.like(pattern, escape="\\"),
                Student.class_name.like(pattern, escape="\\"),
            )
        )
    if major_id:
        stmt = stmt.where(Student.major_id == major_id)
    if class_name:
        stmt = stmt.where(Student.class_name == class_name)
    if ids is not None:
        stmt = stmt.where(Student.id.in_(list(ids)))
    return [_row(st, major or "", full) for st, major in s.execute(_personal(stmt, s, full))]


def get_student(s: Session, student_id: str, *, full: bool = True) -> StudentRow:
    """One student for its own form: the full 身份证号 and phones (the only place they are shown) when `full`
    (which needs 学生个人信息 on a server), else their masked copies."""
    stmt = (
        select(Student, Major.name)
        .outerjoin(Major, Major.id == Student.major_id)
        .where(Student.id == student_id)
    )
    row = s.execute(_personal(stmt, s, full)).first()
    if row is None:
        get_or_raise(s, Student, student_id, "学生")  # the message for a record that is not there
    st, major = row  # type: ignore[misc]
    return _row(st, major or "", full)


@dataclass(frozen=True)
class ClassInfo:
    class_name: str
    major_name: str
    students: int
    interning: int  # students with an internship 实习中


def classes(s: Session) -> list[ClassInfo]:
    """The classes of live students with their size, for the batch internship chooser."""
    interning = (
        select(Internship.student_id)
        .where(Internship.deleted_at.is_(None), Internship.status == "实习中")
        .scalar_subquery()
    )
    stmt = (
        select(
            Student.class_name,
            func.min(Major.name),
            func.count(Student.id),
            func.count(Student.id).filter(Student.id.in_(interning)),
        )
        .outerjoin(Major, Major.id == Student.major_id)
        .where(Student.deleted_at.is_(None))
        .group_by(Student.class_name)
        .order_by(Student.class_name)
    )
    return [ClassInfo(c or "", m or "", n, i) for c, m, n, i in s.execute(stmt)]


def student_count(s: Session) -> int:
    return s.scalar(select(func.count(Student.id)).where(Student.deleted_at.is_(None))) or 0
