"""企业月度评价 and 毕业生就业 from Excel (same rules as the other imports, app/io/importing.py). Both link a
row to the student by 学号 (not found: an error naming it); a 姓名 that differs from the student's is a warning.

Evaluations: 学号, 月份 (2025-03, 2025年3月, 2025/3/31 …; a bare number such as 2025.03 is refused, because
Excel turns 2025.10 into 2025.1), 评分 0–100, optionally 评价人 and 评语. The row goes to the student's internship
that covers the month (not 终止; a 岗位实习 before a 认识实习, then the latest). A month already evaluated updates
that evaluation only with update_existing (the GUI asks first, the CLI needs --update).

Employment: 学号, 毕业年份 (2026, 2026届), 就业状态 (签约 → 协议就业, 专升本 → 升学 …; blank with an employer =
协议就业), 就业单位 (linked to the enterprise of the archive with the same name, if any), 是否对口, 月薪 (元),
岗位. One record per student and year: an existing one is updated only with update_existing.

An evaluation or employment record someone else saved since the file was read is not overwritten: the import is
refused whole (app/io/importing.py changed_since_read) and the file read again.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Employment, Enterprise, Internship, MonthlyEvaluation, Student
from app.domain.internship_rules import month_end, month_start
from app.domain.money import parse_money
from app.domain.names import name_key
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
from app.io.xlsx import bulk_gc, cell_bool, cell_date, cell_text
from app.progress import Progress, noop_progress, tick
from app.services.common import Changes, length_error, max_length
from app.services.employment import EmploymentData, check_employment_fields, normalized_employment
from app.services.students import student_key
from app.services.versions import Opened

FIELDS_EVALUATIONS: dict[str, tuple[str, ...]] = {
    "student_no": ("学号", "学生学号"),
    "name": ("姓名", "学生姓名"),
    "month": ("月份", "评价月份", "考核月份", "年月"),
    "score": ("评分", "分数", "得分", "成绩", "月度评价", "评价分数", "考核分数"),
    "evaluator": ("评价人", "企业导师", "企业实习负责人", "评价教师"),
    "comment": ("评语", "评价意见", "评价", "备注"),
}
FIELDS_EMPLOYMENT: dict[str, tuple[str, ...]] = {
    "student_no": ("学号", "学生学号"),
    "name": ("姓名", "学生姓名"),
    "graduate_year": ("毕业年份", "毕业年度", "届别", "毕业届别", "毕业时间"),
    "status": ("就业状态", "毕业去向", "去向", "就业情况", "就业类型"),
    "employer": ("就业单位", "单位名称", "工作单位", "就业单位名称", "用人单位"),
    "related": ("是否对口", "专业对口", "是否专业对口", "对口"),
    "salary": ("月薪", "月收入", "薪酬", "月薪（元）", "起薪", "薪资"),
    "position": ("岗位", "职位", "工作岗位"),
    "note": ("备注",),
}
STATUS_WORDS = {
    "协议就业": ("协议就业", "签约", "签约就业", "就业", "已就业", "合同就业", "劳动合同"),
    "灵活就业": ("灵活就业",),
    "自主创业": ("自主创业", "创业"),
    "升学": ("升学", "专升本", "专接本", "升本", "出国留学", "留学"),
    "参军入伍": ("参军入伍", "参军", "入伍", "应征入伍"),
    "待就业": ("待就业", "未就业", "暂未就业", "求职中", "不就业拟升学"),
}
_STATUS = {w: status for status, words in STATUS_WORDS.items() for w in words}
_YEAR = re.compile(r"(\d{4})\s*(?:届|年)?")


@dataclass(frozen=True)
class RowImport:
    """A checked row: the values to write and the record it would update (None = a new record)."""

    data: Any
    existing_id: str | None
    updates: ToUpdate | None = None  # that record as read (its version), for the write's recheck


@dataclass
class _Context:
    s: Session
    fields: dict[str, tuple[str, ...]]
    columns: dict[str, str]
    students: dict[str, tuple[str, str]]  # 学号 key → (id, name)
    seen: dict[tuple, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def column(self, f: str) -> str:
        return self.columns.get(f) or self.fields[f][0]


def _students(s: Session) -> dict[str, tuple[str, str]]:
    rows = s.execute(select(Student.student_no, Student.id, Student.name).where(Student.deleted_at.is_(None)))
    return {student_key(no): (sid, name) for no, sid, name in rows}


def _student(text: dict[str, str], ctx: _Context, errors: list, warnings: list) -> str | None:
    no = text.get("student_no", "")
    if not no:
        errors.append((ctx.column("student_no"), "请填写学号"))
        return None
    found = ctx.students.get(student_key(no))
    if not found:
        errors.append((ctx.column("student_no"), f"学号“{no}”不在学生名册中，请先导入学生"))
        return None
    name = text.get("name", "")
    if name and name_key(name) != name_key(found[1]):
        warnings.append((ctx.column("name"), f"姓名“{name}”与学号{no}的学生“{found[1]}”不一致"))
    return found[0]


def _month(raw: object) -> dt.date:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1900 <= raw < 2200:
        raise ValueError("月份被 Excel 存成了数字（如 2025.1 可能是 10 月）；请写成 2025-10 或 2025年10月")
    day = cell_date(raw)
    if day is None:
        raise ValueError("请填写评价月份，如 2025-10")
    return month_start(day)


def _int(text: str, label: str, low: int, high: int) -> int:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{label}应为{low}–{high}之间的数，而不是“{text}”") from None
    if not value.is_integer() or not low <= value <= high:
        raise ValueError(f"{label}应为{low}–{high}之间的整数，而不是“{text}”")
    return int(value)


# ---------------------------------------------------------------- evaluations


def _internship_for(ctx: _Context, student_id: str, month: dt.date) -> str | None:
    candidates = [
        i
        for i in ctx.extra["internships"].get(student_id, ())
        if i.starts_on <= month_end(month) and i.ends_on >= month
    ]
    candidates.sort(key=lambda i: (i.kind != "岗位实习", -i.starts_on.toordinal()))
    return candidates[0].id if candidates else None


def _read_evaluation(row: int, raw: dict[str, Any], ctx: _Context) -> ImportRow:
    text = {f: cell_text(v, free_text=f == "comment") for f, v in raw.items()}
    shown = {ctx.column(f): cell_text(v) for f, v in raw.items()}
    errors: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    student_id = _student(text, ctx, errors, warnings)
    month = score = None
    try:
        month = _month(raw.get("month"))
    except ValueError as e:
        errors.append((ctx.column("month"), str(e)))
    try:
        score = _int(text.get("score", ""), "评分", 0, 100)
    except ValueError as e:
        errors.append((ctx.column("score"), str(e) if text.get("score") else "请填写评分（0–100）"))
    internship_id = existing = updates = None
    if student_id and month:
        internship_id = _internship_for(ctx, student_id, month)
        if not internship_id:
            errors.append((ctx.column("month"), f"该生在{month.year}年{month.month}月没有实习记录"))
        else:
            key = (internship_id, month)
            if key in ctx.seen:
                errors.append((ctx.column("month"), f"与第{ctx.seen[key]}行是同一学生同一月份"))
            ctx.seen.setdefault(key, row)
            existing, version = ctx.extra["evaluations"].get(key, (None, 0))
            if existing:
                warnings.append((ctx.column("month"), "该月已有企业评价，确认后将更新"))
                student_name = ctx.students[student_key(text["student_no"])][1]
                updates = ToUpdate(
                    f"学生“{student_name}”{month.year}年{month.month}月的企业评价",
                    Opened(MonthlyEvaluation.__tablename__, existing, version),
                )
    if score is not None and score < 60 and not errors:
        warnings.append((ctx.column("score"), f"评分{score}低于60分，将产生预警"))
    for f, label in (("evaluator", "评价人"), ("comment", "评语")):  # never cut: too long is an error
        errors += [
            (ctx.column(f), e.message)
            for e in length_error(f, label, text.get(f), max_length(MonthlyEvaluation, f))
        ]
    data = {
        "internship_id": internship_id,
        "month": month,
        "score": score,
        "evaluator": text.get("evaluator", ""),
        "comment": text.get("comment", ""),
    }
    return make_row(row, RowImport(data, existing, updates), errors, warnings, shown)


def read_evaluations(
    s: Session, path: Path, *, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ImportPreview:
    def reader(columns: dict[str, str]) -> Callable[[int, dict[str, Any]], ImportRow]:
        internships: dict[str, list[Internship]] = {}
        for i in s.scalars(
            select(Internship).where(Internship.deleted_at.is_(None), Internship.status != "终止")
        ):
            internships.setdefault(i.student_id, []).append(i)
        evaluations = {  # with the version of each, read with it
            (iid, month): (eid, version)
            for eid, iid, month, version in s.execute(
                select(
                    MonthlyEvaluation.id,
                    MonthlyEvaluation.internship_id,
                    MonthlyEvaluation.month,
                    MonthlyEvaluation.version,
                ).where(MonthlyEvaluation.deleted_at.is_(None))
            )
        }
        ctx = _Context(s, FIELDS_EVALUATIONS, columns, _students(s))
        ctx.extra.update(internships=internships, evaluations=evaluations)
        return lambda row, raw: _read_evaluation(row, raw, ctx)

    return read_file(
        path, FIELDS_EVALUATIONS, {"student_no", "month", "score"}, reader, progress=progress, cancel=cancel
    )


def _write(
    s: Session,
    preview: ImportPreview,
    model: type,
    recheck: Callable[[ImportRow], str | None],
    *,
    update_existing: bool,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> Changes:
    report = progress or noop_progress
    rows = preview.valid_rows
    saved = changed_since_read(
        s, {r.row: r.data.updates for r in rows if update_existing and r.data.existing_id and r.data.updates}
    )
    refuse_if_changed([*saved.values(), *(p for r in rows if r.row not in saved and (p := recheck(r)))])
    ids, skipped = [], 0
    with bulk_gc():
        for n, r in enumerate(rows):
            if n % 200 == 0:
                tick(report, cancel, n / max(len(rows), 1), f"正在导入第{n + 1}行…")
            item: RowImport = r.data
            if item.existing_id and not update_existing:
                skipped += 1
                continue
            record = s.get(model, item.existing_id) if item.existing_id else model()
            values = item.data if isinstance(item.data, dict) else vars(item.data)
            for k, v in values.items():
                setattr(record, k, v)
            if not item.existing_id:
                s.add(record)
            s.flush()
            ids.append(record.id)
    notes = row_warnings(r for r in rows if not (r.data.existing_id and not update_existing))
    if skipped:
        notes += (f"{skipped}行对应已有记录，未更新（确认后可选择更新）",)
    report(1.0, f"已导入 {len(ids)} 条")
    return Changes(model.__tablename__, tuple(ids), notes)


def import_evaluations(
    s: Session,
    preview: ImportPreview,
    *,
    update_existing: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Changes:
    live = set(s.scalars(select(Internship.id).where(Internship.deleted_at.is_(None))))

    def recheck(r: ImportRow) -> str | None:
        d = r.data.data
        if d["internship_id"] not in live:
            return f"第{r.row}行的实习记录已被删除"
        now = s.scalar(
            select(MonthlyEvaluation.id).where(
                MonthlyEvaluation.internship_id == d["internship_id"],
                MonthlyEvaluation.month == d["month"],
                MonthlyEvaluation.deleted_at.is_(None),
            )
        )
        return None if now == r.data.existing_id else f"第{r.row}行该月的评价已有变化"

    return _write(
        s,
        preview,
        MonthlyEvaluation,
        recheck,
        update_existing=update_existing,
        progress=progress,
        cancel=cancel,
    )


# ---------------------------------------------------------------- employment


def _graduate_year(raw: object, text: str) -> int:
    if isinstance(raw, (dt.date, dt.datetime)):
        return raw.year
    m = _YEAR.fullmatch(text.replace(" ", ""))
    if not m:
        raise ValueError(
            f"毕业年份应为四位年份（如 2026 或 2026届），而不是“{text}”" if text else "请填写毕业年份"
        )
    return int(m.group(1))


def _read_employment(row: int, raw: dict[str, Any], ctx: _Context) -> ImportRow:
    text = {f: cell_text(v, free_text=f == "note") for f, v in raw.items()}
    shown = {ctx.column(f): cell_text(v) for f, v in raw.items()}
    errors: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    student_id = _student(text, ctx, errors, warnings)
    year = 0
    try:
        year = _graduate_year(raw.get("graduate_year"), text.get("graduate_year", ""))
    except ValueError as e:
        errors.append((ctx.column("graduate_year"), str(e)))
    employer = text.get("employer", "")
    status_text = text.get("status", "").replace(" ", "")
    status = _STATUS.get(status_text, status_text) or ("协议就业" if employer else "")
    if not status:
        errors.append((ctx.column("status"), "请填写就业状态（如 协议就业、升学、待就业）"))
    salary = 0
    if text.get("salary"):
        try:
            salary = parse_money(raw.get("salary"))
        except ValueError as e:
            errors.append((ctx.column("salary"), f"月薪{e}"))
    related = False
    try:
        related = cell_bool(raw.get("related"))
    except ValueError as e:
        errors.append((ctx.column("related"), f"是否对口{e}"))
    data = EmploymentData(
        student_id=student_id or "",
        graduate_year=year,
        status=status,
        enterprise_id=ctx.extra["enterprises"].get(name_key(employer)) if employer else None,
        employer_name=employer,
        related=related,
        monthly_salary_fen=salary,
        position=text.get("position", ""),
        note=text.get("note", ""),
    )
    if not errors:
        data = normalized_employment(ctx.s, data)
        errors += [
            (ctx.column(_COLUMN.get(e.field, e.field)), e.message) for e in check_employment_fields(data)
        ]
    existing = updates = None
    if student_id and year:
        key = (student_id, year)
        if key in ctx.seen:
            errors.append((ctx.column("student_no"), f"与第{ctx.seen[key]}行是同一学生同一届"))
        ctx.seen.setdefault(key, row)
        existing, version = ctx.extra["employment"].get(key, (None, 0))
        if existing:
            warnings.append((ctx.column("student_no"), f"该生已有{year}届就业记录，确认后将更新"))
            student_name = ctx.students[student_key(text["student_no"])][1]
            updates = ToUpdate(
                f"学生“{student_name}”{year}届的就业记录", Opened(Employment.__tablename__, existing, version)
            )
    return make_row(row, RowImport(data, existing, updates), errors, warnings, shown)


_COLUMN = {"employer_name": "employer", "monthly_salary_fen": "salary", "enterprise_id": "employer"}


def read_employment(
    s: Session, path: Path, *, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ImportPreview:
    def reader(columns: dict[str, str]) -> Callable[[int, dict[str, Any]], ImportRow]:
        ctx = _Context(s, FIELDS_EMPLOYMENT, columns, _students(s))
        ctx.extra["enterprises"] = ids_by_name(s, Enterprise)
        ctx.extra["employment"] = {  # with the version of each, read with it
            (sid, year): (eid, version)
            for eid, sid, year, version in s.execute(
                select(
                    Employment.id, Employment.student_id, Employment.graduate_year, Employment.version
                ).where(Employment.deleted_at.is_(None))
            )
        }
        return lambda row, raw: _read_employment(row, raw, ctx)

    return read_file(
        path, FIELDS_EMPLOYMENT, {"student_no", "graduate_year"}, reader, progress=progress, cancel=cancel
    )


def import_employment(
    s: Session,
    preview: ImportPreview,
    *,
    update_existing: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Changes:
    live = set(s.scalars(select(Student.id).where(Student.deleted_at.is_(None))))

    def recheck(r: ImportRow) -> str | None:
        d: EmploymentData = r.data.data
        if d.student_id not in live:
            return f"第{r.row}行的学生已被删除"
        now = s.scalar(
            select(Employment.id).where(
                Employment.student_id == d.student_id,
                Employment.graduate_year == d.graduate_year,
                Employment.deleted_at.is_(None),
            )
        )
        return None if now == r.data.existing_id else f"第{r.row}行该生的就业记录已有变化"

    for r in preview.valid_rows:
        if errors := check_employment_fields(r.data.data):
            raise ValidationErrors(errors)
    return _write(
        s, preview, Employment, recheck, update_existing=update_existing, progress=progress, cancel=cancel
    )


def existing_count(preview: ImportPreview) -> int:
    return sum(1 for r in preview.valid_rows if r.data and r.data.existing_id)
