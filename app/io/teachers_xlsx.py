"""教师 and 教师企业实践 from Excel: read and check a file (a preview, nothing written), then import its valid
rows in the caller's one transaction. Same rules as the enterprise import (app/io/importing.py): the header
may sit below title rows (first 10 rows), unknown columns are ignored, each problem names its row and column.

Teachers (FIELDS_TEACHERS, standard header first, then aliases): 姓名 required; 工号 required for 专任教师 and
unique (in the file and among live teachers); 教师类型 专任 / 产业 (专任教师, 专职, 产业教师, 兼职, 企业兼职教师
…; blank = 专任); 所属专业 must be a major in 设置; 是否双师型 是/否; for 产业教师 also 所在企业 (an enterprise of
the archive), 任教课程, 授课学时, 聘任开始/结束日期.

Templates: write_teacher_template / write_practice_template (blank files with those headers and drop-downs).

Practice (FIELDS_PRACTICE): 工号, 开始日期, 结束日期 required; linked to the live teacher with that 工号 (not
found: a row error naming it); a 姓名 that differs from the teacher's is a warning; 实践单位 is kept as written
and linked to the enterprise of the archive with the same name, if any. An end date written as a month only
(2025-08) means its last day; a start date as a month only its first day. A row the same as a live record
(same teacher, start and end) or an earlier row of the file is skipped with a warning.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Enterprise, EnterprisePractice, Major, Teacher
from app.domain.names import name_key
from app.errors import ValidationErrors
from app.io.importing import (
    ImportPreview,
    ImportRow,
    ids_by_name,
    make_row,
    read_file,
    refuse_if_changed,
    row_warnings,
)
from app.io.xlsx import (
    DATE_FORMAT,
    cell_bool,
    cell_date,
    cell_text,
    lost_digits,
    save_workbook_atomic,
    set_print_layout,
    set_widths,
    style_header,
    write_cell,
)
from app.progress import Progress
from app.services.common import Changes
from app.services.teachers import (
    PracticeData,
    TeacherData,
    add_practice,
    check_practice,
    check_teacher,
    create_teacher,
    staff_key,
)

FIELDS_TEACHERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "教师姓名"),
    "staff_no": ("工号", "教工号", "职工号", "教师工号", "教师编号"),
    "kind": ("教师类型", "教师类别", "类型", "类别"),
    "major": ("所属专业", "专业", "专业名称", "任教专业"),
    "is_dual": ("是否双师型", "双师型", "是否双师", "双师型教师"),
    "dual_certificate": ("双师型证书", "证书名称", "双师证书"),
    "dual_certified_on": ("双师型认定日期", "认定日期", "取证日期"),
    "employer": ("所在企业", "工作单位", "企业名称", "所在单位"),
    "courses": ("任教课程", "承担课程", "授课课程"),
    "hours_taught": ("授课学时", "学时", "课时"),
    "appointed_from": ("聘任开始日期", "聘期开始", "聘任起始日期"),
    "appointed_to": ("聘任结束日期", "聘期结束", "聘任截止日期"),
    "note": ("备注",),
}
FIELDS_PRACTICE: dict[str, tuple[str, ...]] = {
    "staff_no": ("工号", "教工号", "职工号", "教师工号"),
    "name": ("姓名", "教师姓名"),
    "unit": ("实践单位", "实践企业", "企业名称", "单位名称", "实践单位名称"),
    "starts_on": ("开始日期", "开始时间", "起始日期", "实践开始日期"),
    "ends_on": ("结束日期", "结束时间", "截止日期", "实践结束日期"),
    "content": ("实践内容", "内容", "工作内容", "实践岗位及内容"),
    "note": ("备注",),
}
KIND_WORDS = {
    "专任": ("专任", "专任教师", "专职", "专职教师", "校内", "校内教师"),
    "产业": ("产业", "产业教师", "兼职", "兼职教师", "企业兼职教师", "企业教师", "行业导师"),
}
_KINDS = {w: kind for kind, words in KIND_WORDS.items() for w in words}
_MONTH_ONLY = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*月?|\d{6}")


# ---------------------------------------------------------------- teachers


@dataclass
class _TeacherContext:
    s: Session
    columns: dict[str, str]
    majors: dict[str, str]
    enterprises: dict[str, str]
    seen: dict[str, int] = field(default_factory=dict)  # 工号 key → first row

    def column(self, f: str) -> str:
        return self.columns.get(f) or FIELDS_TEACHERS[f][0]


def _teacher_values(raw: dict[str, Any], text: dict[str, str], ctx: _TeacherContext) -> tuple[dict, list]:
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    for f in ("dual_certified_on", "appointed_from", "appointed_to"):
        try:
            values[f] = cell_date(raw.get(f))
        except ValueError as e:
            problems.append((ctx.column(f), str(e)))
    try:
        values["is_dual"] = cell_bool(raw.get("is_dual"))
    except ValueError as e:
        problems.append((ctx.column("is_dual"), f"{ctx.column('is_dual')}{e}"))
    kind_text = text.get("kind", "")
    values["kind"] = _KINDS.get(kind_text.replace(" ", ""), kind_text) if kind_text else "专任"
    if values["kind"] not in KIND_WORDS:
        problems.append((ctx.column("kind"), f"教师类型应为“专任”或“产业”，而不是“{kind_text}”"))
    if major := text.get("major", ""):
        values["major_id"] = ctx.majors.get(name_key(major))
        if not values["major_id"]:
            problems.append(
                (ctx.column("major"), f"专业“{major}”不在设置的专业中（请先在设置中添加，或改为已有专业）")
            )
    if employer := text.get("employer", ""):
        values["employer_id"] = ctx.enterprises.get(name_key(employer))
        if not values["employer_id"]:
            problems.append((ctx.column("employer"), f"企业“{employer}”不在合作企业档案中，请先添加该企业"))
    hours = text.get("hours_taught", "")
    values["hours_taught"] = int(hours) if hours.isdigit() else 0
    if hours and not hours.isdigit():
        problems.append((ctx.column("hours_taught"), f"授课学时应为整数，而不是“{hours}”"))
    if lost_digits(raw.get("staff_no")):
        problems.append(
            (ctx.column("staff_no"), "工号被 Excel 存成了数字，末几位已丢失；请把该列设为文本后重新录入")
        )
    return values, problems


def _read_teacher(row: int, raw: dict[str, Any], ctx: _TeacherContext) -> ImportRow:
    text = {f: cell_text(v, free_text=f == "note") for f, v in raw.items()}
    shown = {ctx.column(f): cell_text(v) for f, v in raw.items()}
    values, errors = _teacher_values(raw, text, ctx)
    data = TeacherData(
        name=text.get("name", ""),
        staff_no=text.get("staff_no", ""),
        dual_certificate=text.get("dual_certificate", ""),
        courses=text.get("courses", ""),
        note=text.get("note", ""),
        **values,
    )
    if not errors:
        errors += [
            (ctx.column(_TEACHER_COLUMN.get(e.field, e.field)), e.message) for e in check_teacher(ctx.s, data)
        ]
    key = staff_key(data.staff_no)
    if key and key in ctx.seen:
        errors.append((ctx.column("staff_no"), f"工号“{data.staff_no}”与第{ctx.seen[key]}行重复"))
    elif key:
        ctx.seen[key] = row
    return make_row(row, data, errors, [], shown)


_TEACHER_COLUMN = {"major_id": "major", "employer_id": "employer"}


def read_teachers(
    s: Session, path: Path, *, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ImportPreview:
    """Parse and check every row of a teachers file against the database. Nothing is written."""

    def reader(columns: dict[str, str]) -> Callable[[int, dict[str, Any]], ImportRow]:
        ctx = _TeacherContext(s, columns, ids_by_name(s, Major), ids_by_name(s, Enterprise))
        return lambda row, raw: _read_teacher(row, raw, ctx)

    return read_file(path, FIELDS_TEACHERS, {"name"}, reader, progress=progress, cancel=cancel)


def import_teachers(s: Session, preview: ImportPreview, *, progress: Progress | None = None) -> Changes:
    """Write the valid rows (checked once more: the database may have changed since the preview)."""
    rows = preview.valid_rows
    refuse_if_changed([f"第{r.row}行：{e.message}" for r in rows for e in check_teacher(s, r.data)])
    ids: list[str] = []
    for i, r in enumerate(rows):
        if progress and i % 100 == 0:
            progress(i / max(len(rows), 1), f"正在导入第{i + 1}/{len(rows)}名教师")
        try:
            ids += create_teacher(s, r.data).ids
        except ValidationErrors as e:  # two rows of the file changed meanwhile to clash: refuse all
            refuse_if_changed([f"第{r.row}行：{e.message}"])
    return Changes("teacher", tuple(ids), row_warnings(rows))


# ---------------------------------------------------------------- practice


@dataclass
class _PracticeContext:
    s: Session
    columns: dict[str, str]
    teachers: dict[str, tuple[str, str]]  # 工号 key → (id, name)
    enterprises: dict[str, str]
    existing: set[tuple[str, dt.date, dt.date]]
    seen: dict[tuple[str, dt.date, dt.date], int] = field(default_factory=dict)

    def column(self, f: str) -> str:
        return self.columns.get(f) or FIELDS_PRACTICE[f][0]


def _date_cell(raw: object, *, end: bool) -> dt.date | None:
    day = cell_date(raw)
    if end and day is not None and not isinstance(raw, dt.date) and _MONTH_ONLY.fullmatch(cell_text(raw)):
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def _read_practice(row: int, raw: dict[str, Any], ctx: _PracticeContext) -> ImportRow:
    text = {f: cell_text(v, free_text=f in ("content", "note")) for f, v in raw.items()}
    shown = {ctx.column(f): cell_text(v) for f, v in raw.items()}
    errors: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    dates: dict[str, dt.date | None] = {}
    for f in ("starts_on", "ends_on"):
        try:
            dates[f] = _date_cell(raw.get(f), end=f == "ends_on")
        except ValueError as e:
            errors.append((ctx.column(f), str(e)))
    staff_no = text.get("staff_no", "")
    teacher = ctx.teachers.get(staff_key(staff_no))
    if not staff_no:
        errors.append((ctx.column("staff_no"), "请填写工号"))
    elif teacher is None:
        errors.append((ctx.column("staff_no"), f"工号“{staff_no}”找不到对应的教师（请先导入或添加该教师）"))
    name = text.get("name", "")
    if teacher and name and name_key(name) != name_key(teacher[1]):
        warnings.append(
            (ctx.column("name"), f"姓名“{name}”与工号{staff_no}的教师“{teacher[1]}”不一致，已按工号导入")
        )
    unit = text.get("unit", "")
    data = PracticeData(
        teacher_id=teacher[0] if teacher else "",
        starts_on=dates.get("starts_on"),
        ends_on=dates.get("ends_on"),
        enterprise_id=ctx.enterprises.get(name_key(unit)) if unit else None,
        unit_name=unit,
        content=text.get("content", ""),
        note=text.get("note", ""),
    )
    if not errors:
        errors += [
            (ctx.column(_PRACTICE_COLUMN.get(e.field, e.field)), e.message)
            for e in check_practice(ctx.s, data)
        ]
    if not errors:
        key = (data.teacher_id, data.starts_on, data.ends_on)
        if key in ctx.existing or key in ctx.seen:
            where = f"第{ctx.seen[key]}行" if key in ctx.seen else "已有的实践记录"
            warnings.append((ctx.column("starts_on"), f"与{where}相同（同一教师、同一时段），已跳过"))
            return make_row(row, None, [], warnings, shown)
        ctx.seen[key] = row  # type: ignore[index]
    return make_row(row, data, errors, warnings, shown)


_PRACTICE_COLUMN = {"teacher_id": "staff_no", "unit_name": "unit", "enterprise_id": "unit"}


def read_practice(
    s: Session, path: Path, *, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ImportPreview:
    """Parse and check every row of a practice file against the database. Nothing is written."""
    teachers: dict[str, tuple[str, str]] = {}
    for tid, no, name in s.execute(
        select(Teacher.id, Teacher.staff_no, Teacher.name).where(
            Teacher.deleted_at.is_(None), Teacher.staff_no != ""
        )
    ):
        teachers.setdefault(staff_key(no), (tid, name))
    existing = {
        tuple(r)
        for r in s.execute(
            select(
                EnterprisePractice.teacher_id, EnterprisePractice.starts_on, EnterprisePractice.ends_on
            ).where(EnterprisePractice.deleted_at.is_(None))
        )
    }

    def reader(columns: dict[str, str]) -> Callable[[int, dict[str, Any]], ImportRow]:
        ctx = _PracticeContext(s, columns, teachers, ids_by_name(s, Enterprise), existing)
        return lambda row, raw: _read_practice(row, raw, ctx)

    return read_file(
        path, FIELDS_PRACTICE, {"staff_no", "starts_on", "ends_on"}, reader, progress=progress, cancel=cancel
    )


def import_practice(s: Session, preview: ImportPreview, *, progress: Progress | None = None) -> Changes:
    """Write the valid rows (checked once more: a teacher may have been deleted since the preview)."""
    rows = preview.valid_rows
    refuse_if_changed([f"第{r.row}行：{e.message}" for r in rows for e in check_practice(s, r.data)])
    ids: list[str] = []
    for i, r in enumerate(rows):
        if progress and i % 200 == 0:
            progress(i / max(len(rows), 1), f"正在导入第{i + 1}/{len(rows)}条实践记录")
        ids += add_practice(s, r.data).ids
    return Changes("enterprise_practice", tuple(ids), row_warnings(rows))


# ---------------------------------------------------------------- templates

TEMPLATE_ROWS = 1000
_TEACHER_NOTES = {
    "name": "必填。",
    "staff_no": "专任教师必填，且不能与其他教师重复；产业教师可不填。本列已设为文本格式。",
    "kind": "从下拉列表选择：专任 / 产业（企业兼职教师）。不填视为“专任”。",
    "major": "须与“设置”中的专业名称一致。",
    "is_dual": "是 / 否。",
    "dual_certified_on": "日期，如 2025-10-08。",
    "employer": "产业教师所在企业，须已在合作企业档案中。",
    "hours_taught": "产业教师授课学时，整数。",
    "appointed_from": "产业教师聘任开始日期，如 2025-09-01。",
    "appointed_to": "产业教师聘任结束日期，如 2026-07-31。",
}
_PRACTICE_NOTES = {
    "staff_no": "必填。按工号对应到已登记的教师。本列已设为文本格式。",
    "name": "可不填；与工号对应的教师姓名不一致时导入时会提示。",
    "unit": "实践单位名称；与合作企业档案中的名称一致时自动关联该企业。",
    "starts_on": "必填。日期，如 2025-07-01；只写年月（2025-07）视为该月1日。",
    "ends_on": "必填。日期，如 2025-08-31；只写年月（2025-08）视为该月最后一天。",
}


def _template(
    path: Path,
    title: str,
    fields: dict[str, tuple[str, ...]],
    notes: dict[str, str],
    required: tuple[str, ...],
    formats: dict[str, str],
    lists: dict[str, tuple[str, ...]],
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    names = list(fields)
    note = ws.cell(
        row=1,
        column=1,
        value=f"{title}导入模板：红色列为必填；鼠标移到列名上可看填写说明。请从第3行开始填写，勿改动列名。",
    )
    note.font = Font(bold=True, color="C00000")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(names))
    for col, f in enumerate(names, start=1):
        cell = write_cell(ws, 2, col, fields[f][0])
        if f in notes:
            cell.comment = Comment(notes[f], "产教融合工作台", width=260, height=90)
    style_header(ws, 2, len(names), last_row=2)
    for f in required:
        ws.cell(row=2, column=names.index(f) + 1).font = Font(bold=True, color="C00000")
    for f, values in lists.items():
        letter = get_column_letter(names.index(f) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        dv.error, dv.errorTitle = "请从下拉列表中选择：" + "、".join(values), "输入值无效"
        ws.add_data_validation(dv)
        dv.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
    set_widths(ws, [max(10, min(len(fields[f][0]) * 2 + 4, 30)) for f in names])
    for f, fmt in formats.items():
        ws.column_dimensions[get_column_letter(names.index(f) + 1)].number_format = fmt
    ws.freeze_panes = "A3"
    set_print_layout(ws, header_rows="1:2")
    save_workbook_atomic(wb, Path(path))


def write_teacher_template(path: Path) -> None:
    """A blank teachers template: a note row, the headers read_teachers accepts (required in red, each with
    a comment), drop-downs for 教师类型 and 是否双师型, text format for 工号, date format for the dates."""
    dates = {f: DATE_FORMAT for f in ("dual_certified_on", "appointed_from", "appointed_to")}
    _template(
        path,
        "教师",
        FIELDS_TEACHERS,
        _TEACHER_NOTES,
        ("name",),
        {"staff_no": "@", **dates},
        {"kind": tuple(KIND_WORDS), "is_dual": ("是", "否")},
    )


def write_practice_template(path: Path) -> None:
    """A blank practice template: the headers read_practice accepts (工号, 开始日期, 结束日期 required)."""
    _template(
        path,
        "教师企业实践",
        FIELDS_PRACTICE,
        _PRACTICE_NOTES,
        ("staff_no", "starts_on", "ends_on"),
        {"staff_no": "@", "starts_on": DATE_FORMAT, "ends_on": DATE_FORMAT},
        {},
    )
