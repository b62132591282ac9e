"""学生名册 from Excel: read and check a roster (a preview, nothing written), then import its valid rows in the
caller's one transaction. Same rules as the other imports (app/io/importing.py): the header may sit below title
rows, unknown columns are ignored, footers are skipped, each problem names its row and column.

- 学号 and 姓名 are required; a 学号 twice in the file is an error on the later row.
- 身份证号 per GB 11643: lower-case x normalised; a wrong check digit, an impossible birth date, or a number
  Excel stored as a number (its last digits are lost) is an error for that row — never guessed. A gender that
  contradicts the number is a warning; a blank gender is taken from it.
- 专业 must be a major of 设置 (the error says so); 入学年份 is a four-digit year (2023, 2023级, 2023年).
- A 学号 already in the database marks the row as an update: `import_students(update_existing=False)` leaves
  those students alone (and says how many), `update_existing=True` overwrites them — the GUI asks first, the
  CLI needs --update. A student someone else saved since the file was read is not overwritten: the import is
  refused whole (app/io/importing.py changed_since_read) and the file read again.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, undefer_group

from app.db.audit import insert_entry, saved_by
from app.db.base import new_id, utcnow
from app.db.models import AuditLog, Major, Student
from app.db.personal import PERSONAL_GROUP, with_masked_copies
from app.domain.codes import IdNumberInfo, check_id_number
from app.domain.names import clean_text, name_key
from app.errors import ValidationErrors
from app.io.importing import (
    ImportPreview,
    ImportRow,
    ToUpdate,
    changed_since_read,
    ids_by_name,
    make_row,
    read_file,
    refuse_if_changed,
    row_warnings,
)
from app.io.xlsx import (
    bulk_gc,
    cell_text,
    discard_workbook,
    lost_digits,
    save_workbook_atomic,
    set_print_layout,
    set_widths,
    style_header,
    write_cell,
    write_table,
)
from app.progress import Progress, noop_progress, tick
from app.services.common import Changes
from app.services.students import (
    StudentData,
    StudentRow,
    apply_student,
    check_student_fields,
    id_number_clash,
    id_number_info,
    need_personal,
    new_student_columns,
    student_key,
    student_rows,
    student_warnings,
    students_by_id_number,
    students_by_no,
)
from app.services.undo import note_created
from app.services.versions import Opened

FIELDS_STUDENTS: dict[str, tuple[str, ...]] = {
    "student_no": ("学号", "学生学号", "学籍号"),
    "name": ("姓名", "学生姓名"),
    "gender": ("性别",),
    "id_number": ("身份证号", "身份证号码", "证件号码", "身份证", "公民身份号码", "证件号"),
    "major": ("专业", "专业名称", "所学专业", "所在专业"),
    "class_name": ("班级", "班级名称", "行政班", "所在班级"),
    "entry_year": ("入学年份", "年级", "入学年级", "入学年度"),
    "phone": ("手机号", "手机号码", "联系电话", "手机", "电话", "学生电话", "学生手机"),
    "guardian_name": ("家长姓名", "监护人", "监护人姓名", "家长"),
    "guardian_phone": ("家长电话", "监护人电话", "家长联系电话", "家长手机", "监护人手机", "监护人联系电话"),
    "guardian_relation": ("与学生关系", "监护人与学生关系", "监护人关系", "家长关系", "与本人关系", "关系"),
    "guardian_id_number": (
        "监护人身份证号",
        "监护人身份证号码",
        "家长身份证号",
        "家长身份证号码",
        "监护人证件号码",
    ),
    "home_address": ("家庭住址", "家庭地址", "家庭详细地址", "住址", "家庭住址（详细）"),
    "emergency_contact": ("紧急联系人", "紧急联系人姓名"),
    "emergency_phone": ("紧急联系人电话", "紧急联系电话", "紧急联系人手机", "紧急联系方式"),
    "note": ("备注",),
}
_GENDER = {"男": "男", "女": "女", "男性": "男", "女性": "女", "m": "男", "f": "女"}
_YEAR = re.compile(r"(\d{4})\s*(?:级|年|年级|届)?")
_FIELD_COLUMN = {"major_id": "major"}
BULK_CHUNK = 1000  # new students a Core insert writes at once


@dataclass(frozen=True)
class StudentImport:
    data: StudentData
    existing_id: str | None  # the live student with this 学号: the row updates it (after confirmation)
    updates: ToUpdate | None = None  # that student as read (its version), for the write's recheck
    id_info: IdNumberInfo | None = None  # the check of data.id_number the read made (students.id_number_info)


@dataclass
class _Context:
    columns: dict[str, str]
    majors: dict[str, str]
    existing: dict[str, str]  # 学号 key → id of the live students
    read: dict[str, tuple[str, str, int]]  # id → (学号, 姓名, version) of the live students, as read
    id_numbers: dict[str, tuple[str, str, str]]  # 身份证号 → (id, 姓名, 学号) of the live students
    seen: dict[str, int] = field(default_factory=dict)
    seen_ids: dict[str, int] = field(default_factory=dict)  # 身份证号 → the first row that has it
    # 专业 and 入学年份 as written → what they give: a roster repeats a few of each in every row
    major_ids: dict[str, str | None] = field(default_factory=dict)
    years: dict[str, int | str | None] = field(default_factory=dict)  # the year, or why the text is none
    texts: dict[str, str] = field(default_factory=dict)  # cell_text of the texts of _REPEATING fields

    def column(self, f: str) -> str:
        return self.columns.get(f) or FIELDS_STUDENTS[f][0]

    def major_id(self, major: str) -> str | None:
        if major not in self.major_ids:
            self.major_ids[major] = self.majors.get(name_key(major))
        return self.major_ids[major]

    def entry_year(self, text: str) -> int | None:
        """_entry_year(text), worked out once for each text (raising as it does)."""
        if text not in self.years:
            try:
                self.years[text] = _entry_year(text)
            except ValueError as e:
                self.years[text] = str(e)
        year = self.years[text]
        if isinstance(year, str):
            raise ValueError(year)
        return year


def _entry_year(text: str) -> int | None:
    if not text:
        return None
    m = _YEAR.fullmatch(text.replace(" ", ""))
    if not m:
        raise ValueError(f"入学年份应为四位年份（如 2023 或 2023级），而不是“{text}”")
    return int(m.group(1))


def _values(raw: dict[str, Any], text: dict[str, str], ctx: _Context) -> tuple[dict[str, Any], list]:
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    for f, who in (("id_number", ""), ("guardian_id_number", "监护人")):
        id_raw = raw.get(f)
        if isinstance(id_raw, (int, float)) and not isinstance(id_raw, bool):
            try:
                check_id_number(id_raw)
            except ValueError as e:  # always: a number cell has lost (or may lose) digits
                problems.append((ctx.column(f), f"{who}{e}"))
        values[f] = text.get(f, "")
    gender = text.get("gender", "")
    values["gender"] = _GENDER.get(gender.casefold(), gender)
    if major := text.get("major", ""):
        values["major_id"] = ctx.major_id(major)
        if not values["major_id"]:
            problems.append(
                (ctx.column("major"), f"专业“{major}”不在设置的专业中（请先在设置中添加，或改为已有专业）")
            )
    try:
        values["entry_year"] = ctx.entry_year(text.get("entry_year", ""))
    except ValueError as e:
        problems.append((ctx.column("entry_year"), str(e)))
    for f, label in (
        ("student_no", "学号"),
        ("phone", "手机号"),
        ("guardian_phone", "家长电话"),
        ("emergency_phone", "紧急联系人电话"),
    ):
        if lost_digits(raw.get(f)):
            problems.append(
                (ctx.column(f), f"{label}被 Excel 存成了数字，末几位已丢失；请把该列设为文本后重新录入")
            )
    return values, problems


# fields with a few values, each in many rows: their texts are made once (_cell_texts)
_REPEATING = frozenset({"gender", "major", "class_name", "entry_year", "guardian_relation"})


def _cell_texts(raw: dict[str, Any], ctx: _Context) -> dict[str, str]:
    """{field: cell_text(value)}, without its work for the usual cells: printable ASCII without a space (a 学号, a
    phone, a 身份证号) is its own text (nothing to fold, trim or take out), and the text of a _REPEATING field is
    made once for each value."""
    texts = ctx.texts
    out = {}
    for f, v in raw.items():
        if type(v) is not str:
            out[f] = cell_text(v)
        elif v.isascii() and v.isprintable() and " " not in v:
            out[f] = v
        elif f in _REPEATING:
            if (t := texts.get(v)) is None:
                t = texts[v] = cell_text(v)
            out[f] = t
        else:
            out[f] = cell_text(v)
    return out


def _read_student(row: int, raw: dict[str, Any], ctx: _Context) -> ImportRow:
    text = _cell_texts(raw, ctx)
    shown = {ctx.columns[f]: t for f, t in text.items()}  # every field read has its column
    if "note" in raw:
        text["note"] = cell_text(raw["note"], free_text=True)
    values, errors = _values(raw, text, ctx)
    data = _student_data(text, values)
    info = id_number_info(data.id_number)  # checked once: the row's checks, warnings and write take it
    if not errors:
        errors += [
            (ctx.column(_FIELD_COLUMN.get(e.field, e.field)), e.message)
            for e in check_student_fields(data, id_info=info)
        ]
    warnings = [(ctx.column("gender"), w) for w in student_warnings(data, id_info=info)]
    key = _clean_again(data.student_no).replace(" ", "").casefold()  # student_key(data.student_no)
    existing = ctx.existing.get(key)
    if key and key in ctx.seen:
        errors.append((ctx.column("student_no"), f"学号“{data.student_no}”与第{ctx.seen[key]}行重复"))
    elif key:
        ctx.seen[key] = row
    updates = None
    if existing:
        warnings.append((ctx.column("student_no"), f"学号“{data.student_no}”已有学生，确认后将更新其信息"))
        no, name, version = ctx.read[existing]
        updates = ToUpdate(f"学生“{name}”（学号{no}）", Opened(Student.__tablename__, existing, version))
    errors += _id_number_clashes(row, data, existing, errors, ctx)
    return make_row(row, StudentImport(data, existing, updates, info), errors, warnings, shown)


def _student_data(text: dict[str, str], values: dict[str, Any]) -> StudentData:
    """normalized_student(StudentData(the texts, **values)) for texts cell_text made (clean_text's already, but
    the note) and _values: each cleaned again only when that can change it (_clean_again)."""
    again = _clean_again
    get = text.get
    return StudentData(
        student_no=again(get("student_no", "")).replace(" ", ""),
        name=again(get("name", "")),
        gender=again(values["gender"]),
        id_number=_id_number(values["id_number"]),
        major_id=values.get("major_id") or None,
        class_name=again(get("class_name", "")),
        entry_year=values.get("entry_year"),  # none when the text is no year (an error)
        phone=again(get("phone", "")),
        guardian_name=again(get("guardian_name", "")),
        guardian_phone=again(get("guardian_phone", "")),
        note=get("note", "").strip(),
        guardian_relation=again(get("guardian_relation", "")),
        guardian_id_number=_id_number(values["guardian_id_number"]),
        home_address=again(get("home_address", "")),
        emergency_contact=again(get("emergency_contact", "")),
        emergency_phone=again(get("emergency_phone", "")),
    )


_WHITESPACE = re.compile(r"\s+")


def _id_number(text: str) -> str:
    """normalized_student's 身份证号: no whitespace (none is alphanumeric), upper case."""
    return text.upper() if text.isalnum() else _WHITESPACE.sub("", text).upper()


def _clean_again(text: str) -> str:
    """clean_text(text) of a text that is clean_text's output (or cell_text's of a number, date or 是/否), or one
    with spaces taken out of it. Such a text holds no invisible character and no whitespace but single inner
    spaces, so clean_text leaves it as it is unless NFKC changes it (an invisible character or a space taken out
    from between a letter and its combining mark leaves two that NFKC joins): cleaned again only then."""
    return text if unicodedata.is_normalized("NFKC", text) else clean_text(text)


def _id_number_clashes(
    row: int, data: StudentData, existing: str | None, errors: list, ctx: _Context
) -> list[tuple[str, str]]:
    """A 身份证号 an earlier row or another student already has (named by row or by 姓名 and 学号, never the
    number); checked only for a number without errors of its own."""
    column = ctx.column("id_number")
    number = data.id_number
    if not number or any(c == column for c, _m in errors):
        return []
    out = []
    if number in ctx.seen_ids:
        out.append((column, f"身份证号与第{ctx.seen_ids[number]}行相同，同一人不能登记两次，请核对"))
    else:
        ctx.seen_ids[number] = row
    other = ctx.id_numbers.get(number)
    if other and other[0] != existing:
        out.append((column, id_number_clash(other[1], other[2])))
    return out


def read_students(
    s: Session, path: Path, *, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ImportPreview:
    """Parse and check every row of a roster against the database. Nothing is written. A roster holds 身份证号s
    and phones, matched against the stored ones: 学生个人信息 on a server (refused before the file is read)."""
    need_personal(s)

    def reader(columns: dict[str, str]) -> Callable[[int, dict[str, Any]], ImportRow]:
        existing, read = _live_students(s)
        ctx = _Context(columns, ids_by_name(s, Major), existing, read, students_by_id_number(s))
        return lambda row, raw: _read_student(row, raw, ctx)

    return read_file(path, FIELDS_STUDENTS, {"student_no", "name"}, reader, progress=progress, cancel=cancel)


def _live_students(s: Session) -> tuple[dict[str, str], dict[str, tuple[str, str, int]]]:
    """学号 key → id, and id → (学号, 姓名, version), of the live students: one query, so each version is that of
    the student a row is matched with."""
    rows = s.execute(
        select(Student.student_no, Student.id, Student.name, Student.version).where(
            Student.deleted_at.is_(None)
        )
    ).all()
    return {student_key(no): sid for no, sid, _n, _v in rows}, {sid: (no, n, v) for no, sid, n, v in rows}


def existing_count(preview: ImportPreview) -> int:
    """Rows of the preview that would update a student already in the database."""
    return sum(1 for r in preview.valid_rows if r.data and r.data.existing_id)


def _changed_since_preview(s: Session, rows: tuple[ImportRow, ...], update_existing: bool) -> list[str]:
    """The rows the database no longer agrees with (read in the write transaction: see refuse_if_changed),
    first the students the import updates that someone else saved since the file was read."""
    saved = changed_since_read(
        s, {r.row: r.data.updates for r in rows if update_existing and r.data.existing_id and r.data.updates}
    )
    now_by_no = students_by_no(s)
    now_by_id_number = students_by_id_number(s)
    live_majors = set(s.scalars(select(Major.id).where(Major.deleted_at.is_(None))))
    problems = list(saved.values())
    for r in rows:
        if r.row in saved:
            continue
        d = r.data.data
        now = now_by_no.get(student_key(d.student_no))
        if now != r.data.existing_id:
            problems.append(
                f"第{r.row}行学号“{d.student_no}”"
                + ("已由另一个导入或另一位用户先添加" if now else "的学生已被删除或修改")
            )
        holder = now_by_id_number.get(d.id_number) if d.id_number else None
        if holder and holder[0] != r.data.existing_id:  # named by the other student, never the number
            problems.append(f"第{r.row}行的身份证号已登记给学生“{holder[1]}”（学号{holder[2]}）")
        if d.major_id and d.major_id not in live_majors:
            problems.append(f"第{r.row}行的专业已被删除")
    return problems


def import_students(
    s: Session,
    preview: ImportPreview,
    *,
    update_existing: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Changes:
    """Write the preview's valid rows (new students; existing ones only with update_existing) in the caller's
    transaction, after checking them again against the database as it is now. New students go in with Core
    inserts (_NewStudents: the same columns, masked copies, audit rows and undo journal as the ORM's write);
    the students it updates through the ORM, as a form's save."""
    report = progress or noop_progress
    rows = preview.valid_rows
    need_personal(s)
    refuse_if_changed(_changed_since_preview(s, rows, update_existing))
    ids: list[str] = []
    skipped = 0
    new = _NewStudents(s)
    with bulk_gc():
        if update_existing:
            _load_personal(s, [r.data.existing_id for r in rows if r.data.existing_id])
        for n, r in enumerate(rows):
            if n % 200 == 0:
                tick(report, cancel, n / max(len(rows), 1), f"正在导入第{n + 1}行…")
            item: StudentImport = r.data
            if item.existing_id and not update_existing:
                skipped += 1
                continue
            if errors := check_student_fields(item.data, id_info=item.id_info):
                raise ValidationErrors(errors)
            if item.existing_id:
                st = s.get(Student, item.existing_id, options=[undefer_group(PERSONAL_GROUP)])
                apply_student(st, item.data)
                ids.append(st.id)
            else:
                ids.append(new.add(item.data, item.id_info))
        new.write()
        s.flush()
    notes = row_warnings(r for r in rows if not (r.data.existing_id and not update_existing))
    if skipped:
        notes += (f"{skipped}名学生的学号已存在，未更新（确认后可选择更新）",)
    report(1.0, f"已导入 {len(ids)} 名学生")
    return Changes("student", tuple(ids), notes)


def _load_personal(s: Session, ids: list[str]) -> None:
    """The students the import updates, with their personal columns, 500 a query (then s.get finds each one
    in the session instead of reading it alone)."""
    for start in range(0, len(ids), 500):
        stmt = select(Student).where(Student.id.in_(ids[start : start + 500]))
        s.scalars(stmt.options(undefer_group(PERSONAL_GROUP))).all()


class _NewStudents:
    """New students written with Core inserts, BULK_CHUNK at a time, storing what the ORM stores for the same
    data: apply_student's columns, the masked copies (app/db/personal.py), who saved them, version 1; with the
    audit row the flush hook writes for each (app/db/audit.py insert_entry), named to the undo journal when
    the transaction keeps one (note_created)."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.stamp = utcnow()
        self.saved = {"created_at": self.stamp, "updated_at": self.stamp, "deleted_at": None, "version": 1}
        self.saved["updated_by"] = saved_by(s)
        self.students: list[dict[str, Any]] = []
        self.audit: list[dict[str, Any]] = []

    def add(self, d: StudentData, id_info: IdNumberInfo | None = None) -> str:
        row = new_student_columns(d, id_info=id_info)  # apply_student's columns
        row["id"] = new_id()
        row.update(self.saved)
        row = with_masked_copies(row)
        self.students.append(row)
        self.audit.append(insert_entry(Student, row, at=self.stamp))
        if len(self.students) >= BULK_CHUNK:
            self.write()
        return row["id"]

    def write(self) -> None:
        if not self.students:
            return
        self.s.execute(insert(Student.__table__), self.students)
        self.s.execute(insert(AuditLog.__table__), self.audit)
        note_created(self.s, Student, [row["id"] for row in self.students])
        self.students, self.audit = [], []


# ---------------------------------------------------------------- template and export

TEMPLATE_ROWS = 2000
TEXT_FIELDS = (
    "student_no",
    "id_number",
    "phone",
    "guardian_phone",
    "guardian_id_number",
    "emergency_phone",
)  # digits Excel must not turn into numbers
_NOTES = {
    "student_no": "必填，不能重复。本列已设为文本格式。",
    "name": "必填。",
    "gender": "从下拉列表选择：男 / 女。不填时按身份证号第17位确定。",
    "id_number": "18位居民身份证号，末位可为X。本列已设为文本格式：请勿改为数字格式，否则末几位会丢失。",
    "major": "须与“设置”中的专业名称一致。",
    "class_name": "如：机电2301。",
    "entry_year": "四位年份，如 2023 或 2023级。",
    "phone": "本列已设为文本格式。",
    "guardian_phone": "本列已设为文本格式。",
    "guardian_relation": "监护人与学生的关系，如 父亲、母亲、其他监护人。",
    "guardian_id_number": "监护人的18位居民身份证号（未满18周岁学生的三方协议和知情同意书需要）。本列已设为文本格式。",
    "home_address": "学生家庭住址，三方协议丙方信息使用。",
    "emergency_contact": "紧急情况下联系的人，可与监护人不同。",
    "emergency_phone": "本列已设为文本格式。",
}


def write_student_template(path: Path) -> None:
    """A blank roster: a note row, the headers read_students accepts (学号 and 姓名 in red, each with a
    comment), 学号 / 身份证号 / phones formatted as text so Excel keeps every digit, a 性别 drop-down."""
    names = list(FIELDS_STUDENTS)
    wb = Workbook()
    ws = wb.active
    ws.title = "学生名册"
    note = ws.cell(
        row=1,
        column=1,
        value="学生名册导入模板：红色列为必填；鼠标移到列名上可看填写说明。请从第3行开始填写，勿改动列名。",
    )
    note.font = Font(bold=True, color="C00000")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(names))
    for col, f in enumerate(names, start=1):
        cell = write_cell(ws, 2, col, FIELDS_STUDENTS[f][0])
        if f in _NOTES:
            cell.comment = Comment(_NOTES[f], "产教融合工作台", width=260, height=90)
    style_header(ws, 2, len(names), last_row=2)
    for f in ("student_no", "name"):
        ws.cell(row=2, column=names.index(f) + 1).font = Font(bold=True, color="C00000")
    letter = get_column_letter(names.index("gender") + 1)
    dv = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    dv.error, dv.errorTitle = "请从下拉列表中选择：男、女", "输入值无效"
    ws.add_data_validation(dv)
    dv.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
    widths = {
        "id_number": 22,
        "guardian_id_number": 22,
        "home_address": 30,
        "phone": 15,
        "guardian_phone": 15,
        "emergency_phone": 15,
        "class_name": 14,
        "major": 18,
    }
    set_widths(ws, [widths.get(f, 10) for f in names])
    for f in TEXT_FIELDS:
        letter = get_column_letter(names.index(f) + 1)
        ws.column_dimensions[letter].number_format = "@"
        for row in range(
            3, TEMPLATE_ROWS + 3
        ):  # cells Excel opens as text even where the column style is lost
            ws[f"{letter}{row}"].number_format = "@"
    ws.freeze_panes = "A3"
    set_print_layout(ws, header_rows="1:2")
    save_workbook_atomic(wb, Path(path))


EXPORT_HEADERS = tuple(FIELDS_STUDENTS[f][0] for f in FIELDS_STUDENTS)


def _export_row(r: StudentRow) -> list[object]:
    values = {f: getattr(r, f, "") for f in FIELDS_STUDENTS}
    values["major"] = r.major_name
    return [values[f] if values[f] != "" else None for f in FIELDS_STUDENTS]


def export_students(
    s: Session,
    path: Path,
    *,
    full: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Every live student (by class and 学号) with the roster's columns, so the file can be imported again.
    身份证号 (the student's and the guardian's), phones and the home address are masked unless `full` (个人信息
    保护法: the user asked for them explicitly); a 说明 sheet says which. Saved atomically; returns the number of
    students."""
    report = progress or noop_progress
    tick(report, cancel, 0.0, "正在读取学生名册…")
    rows = student_rows(s, full=full)
    wb = Workbook(write_only=True)
    try:
        tick(report, cancel, 0.5, f"正在写入 {len(rows)} 名学生…")
        count = write_table(wb.create_sheet("学生名册"), EXPORT_HEADERS, (_export_row(r) for r in rows))
        note = wb.create_sheet("说明")
        if full:
            note.append(
                [
                    "本文件含学生和监护人完整的身份证号、电话号码和家庭住址，属于敏感个人信息"
                    "（《中华人民共和国个人信息保护法》第二十八条）。"
                ]
            )
            note.append(["请仅用于学院工作需要，妥善保管，不得外传或公开；用完请删除。"])
        else:
            note.append(
                [
                    "身份证号、电话号码和家庭住址已打码（如 430102********1234、139****0000、湖南省长沙市****），"
                    "可以在学院内部使用。"
                ]
            )
        tick(report, cancel, 0.9, "正在保存…")
        save_workbook_atomic(wb, Path(path))
    except BaseException:
        discard_workbook(wb)
        raise
    report(1.0, f"已导出 {count} 名学生")
    return count
