"""教师及企业实践情况 to .xlsx: one row per live teacher with the “五年六个月” figures (N四(五)1) as of a day
(today by default) — days done in the five-year window, months (days / 30, cut to one decimal, never showing
a shortfall as met), days missing, 是否达标 — and a second sheet with every practice record. Text is stored
as text (a name beginning with “=” stays a name), dates as dates; saved atomically.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.domain.practice import DAYS_PER_MONTH, REQUIRED_DAYS
from app.io.xlsx import discard_workbook, save_workbook_atomic, write_table
from app.progress import Progress, noop_progress, tick
from app.services.teacher_list import TeacherQuery, teacher_ids, teacher_list_rows
from app.services.teachers import practice_rows, teacher_rows

TEACHER_HEADERS = (
    "姓名",
    "工号",
    "教师类型",
    "所属专业",
    "是否双师型",
    "双师型证书",
    "所在企业",
    "任教课程",
    "授课学时",
    "统计区间开始",
    "统计区间结束",
    "近五年实践天数",
    "近五年实践月数",
    "尚缺天数",
    "是否达标",
)
PRACTICE_HEADERS = ("工号", "姓名", "实践单位", "开始日期", "结束日期", "天数", "实践内容", "备注")


def months(days: int) -> float:
    """days / 30 cut (not rounded) to one decimal: 179 days → 5.9, never 6.0."""
    return days * 10 // DAYS_PER_MONTH / 10


def _teacher_table(s: Session, as_of: dt.date) -> list[list[object]]:
    ids = teacher_ids(s, TeacherQuery(as_of=as_of))
    figures = teacher_list_rows(s, ids, as_of)
    details = {t.id: t for t in teacher_rows(s)}
    out: list[list[object]] = []
    for tid in ids:
        r, t = figures[tid], details[tid]
        exempt = r.days_missing is None
        out.append(
            [
                r.name,
                r.staff_no,
                "专任教师" if r.kind == "专任" else "产业教师",
                r.major_name,
                r.is_dual,
                t.dual_certificate,
                r.employer_name,
                t.courses,
                t.hours_taught or None,
                r.window_start,
                r.window_end,
                r.days_done,
                months(r.days_done),
                None if exempt else r.days_missing,
                "不适用" if exempt else ("是" if not r.days_missing else "否"),
            ]
        )
    return out


def _practice_table(s: Session) -> list[list[object]]:
    staff = {t.id: t.staff_no for t in teacher_rows(s)}
    return [
        [
            staff.get(p.teacher_id, ""),
            p.teacher_name,
            p.unit_name,
            p.starts_on,
            p.ends_on,
            p.days,
            p.content,
            p.note,
        ]
        for p in practice_rows(s)
        if p.teacher_id in staff  # live teachers only
    ]


def export_teachers(
    s: Session,
    path: Path,
    *,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Write the teachers (sheet 教师企业实践情况) and their practice records (sheet 企业实践记录); return the
    number of teachers."""
    report = progress or noop_progress
    day = as_of or dt.date.today()
    tick(report, cancel, 0.0, "正在统计企业实践…")
    teachers = _teacher_table(s, day)
    tick(report, cancel, 0.4, "正在读取实践记录…")
    records = _practice_table(s)
    wb = Workbook(write_only=True)
    try:
        count = write_table(wb.create_sheet("教师企业实践情况"), TEACHER_HEADERS, teachers)
        write_table(wb.create_sheet("企业实践记录"), PRACTICE_HEADERS, records)
        note = wb.create_sheet("说明")
        note.append([f"统计日期：{day.isoformat()}"])
        note.append(
            [f"专任教师每五年累计不少于6个月（{REQUIRED_DAYS}天）企业实践（{cite_source('N四(五)1')}）。"]
        )
        note.append(
            ["实践天数按近五年（截至统计日期）各段实践的并集计算，重叠时段只计一次，首尾两天都计入。"]
        )
        note.append(["月数 = 天数 ÷ 30，保留一位小数（舍去，不进位）。产业教师不适用此要求。"])
        tick(report, cancel, 0.9, "正在保存文件…")
        save_workbook_atomic(wb, Path(path))
    except BaseException:
        discard_workbook(wb)
        raise
    report(1.0, f"已导出 {count} 名教师")
    return count
