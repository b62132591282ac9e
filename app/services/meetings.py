"""项目协调会议 (H第十条(一)) with decisions and action items, and 运行报告 per semester (H第十条(五))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import ActionItem, Meeting, OperationReport, Project
from app.domain.names import clean_text
from app.domain.semesters import past_semesters, semester_bounds, semester_of
from app.errors import NotFound, ValidationError, ValidationErrors
from app.services.attachments import list_attachments
from app.services.common import LONG_TEXT_MAX, Changes, get_or_raise, length_errors, restore, soft_delete
from app.services.settings import get_semester_calendar


@dataclass(frozen=True)
class ActionItemData:
    description: str
    owner: str = ""
    due_on: dt.date | None = None
    done: bool = False
    done_on: dt.date | None = None
    id: str | None = None


@dataclass(frozen=True)
class MeetingData:
    project_id: str
    held_on: dt.date | None
    place: str = ""
    attendees: str = ""
    minutes: str = ""
    decisions: str = ""
    action_items: tuple[ActionItemData, ...] = ()


@dataclass(frozen=True)
class MeetingDetail(MeetingData):
    id: str = ""


def _live_project(s: Session, project_id: str) -> Project | None:
    p = s.get(Project, project_id) if project_id else None
    return p if p is not None and p.deleted_at is None else None


def check_meeting(s: Session, d: MeetingData) -> list[ValidationError]:
    errors: list[ValidationError] = []
    if _live_project(s, d.project_id) is None:
        errors.append(ValidationError("project_id", "请选择会议所属的项目（项目不存在或已在回收站中）"))
    if d.held_on is None:
        errors.append(ValidationError("held_on", "请填写会议日期"))
    for i, item in enumerate(d.action_items, start=1):
        if not clean_text(item.description):
            errors.append(ValidationError("action_items", f"第{i}项待办事项缺少内容"))
        if item.due_on and d.held_on and item.due_on < d.held_on:
            errors.append(ValidationError("action_items", f"第{i}项待办事项的完成期限早于会议日期"))
        if item.done_on and not item.done:
            errors.append(ValidationError("action_items", f"第{i}项待办事项未标记完成，却填写了完成日期"))
    errors += length_errors(
        Meeting,
        d,
        {
            "place": "地点",
            "attendees": "参会人员",
            "minutes": ("会议纪要", LONG_TEXT_MAX),
            "decisions": ("决定事项", LONG_TEXT_MAX),
        },
    )
    return errors


def _apply(m: Meeting, d: MeetingData) -> None:
    m.project_id, m.held_on, m.place = d.project_id, d.held_on, clean_text(d.place)
    m.attendees, m.minutes, m.decisions = (v.strip() for v in (d.attendees, d.minutes, d.decisions))
    by_id = {a.id: a for a in m.action_items}
    items = []
    for i, a in enumerate(d.action_items):
        row = (by_id.pop(a.id, None) if a.id else None) or ActionItem()
        row.description, row.owner, row.due_on = a.description.strip(), clean_text(a.owner), a.due_on
        row.done, row.done_on, row.sort_order = bool(a.done), a.done_on if a.done else None, i
        items.append(row)
    m.action_items = items


def create_meeting(s: Session, data: MeetingData) -> Changes:
    if errors := check_meeting(s, data):
        raise ValidationErrors(errors)
    m = Meeting()
    with s.no_autoflush:  # one audit row per save, not one per lazy load
        _apply(m, data)
    s.add(m)
    s.flush()
    return Changes("meeting", (m.id,))


def update_meeting(s: Session, meeting_id: str, data: MeetingData) -> Changes:
    m = _get(s, meeting_id)
    if errors := check_meeting(s, data):
        raise ValidationErrors(errors)
    with s.no_autoflush:  # one audit row per save, not one per lazy load
        _apply(m, data)
    s.flush()
    return Changes("meeting", (m.id,))


def complete_action_item(s: Session, item_id: str, done_on: dt.date | None = None) -> Changes:
    item = s.get(ActionItem, item_id)
    if item is None:
        raise NotFound("找不到该待办事项")
    item.done, item.done_on = True, done_on or dt.date.today()
    s.flush()
    return Changes("action_item", (item.id,))


def _get(s: Session, meeting_id: str) -> Meeting:
    return get_or_raise(s, Meeting, meeting_id, "会议记录")


def get_meeting(s: Session, meeting_id: str) -> MeetingDetail:
    m = _get(s, meeting_id)
    return MeetingDetail(
        id=m.id,
        project_id=m.project_id,
        held_on=m.held_on,
        place=m.place,
        attendees=m.attendees,
        minutes=m.minutes,
        decisions=m.decisions,
        action_items=tuple(
            ActionItemData(a.description, a.owner, a.due_on, a.done, a.done_on, a.id) for a in m.action_items
        ),
    )


def project_meetings(s: Session, project_id: str) -> list[MeetingDetail]:
    """A project's live meetings, newest first."""
    ids = s.scalars(
        select(Meeting.id)
        .where(Meeting.project_id == project_id, Meeting.deleted_at.is_(None))
        .order_by(Meeting.held_on.desc())
    )
    return [get_meeting(s, i) for i in ids]


def delete_meetings(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, Meeting, ids)


def restore_meetings(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, Meeting, ids)


# ---------------------------------------------------------------- 运行报告


@dataclass(frozen=True)
class ReportInfo:
    id: str
    semester: str
    submitted_on: dt.date | None
    note: str


def record_operation_report(
    s: Session, project_id: str, semester: str, submitted_on: dt.date | None, note: str = ""
) -> Changes:
    """Note that a project's report for a semester was submitted (one per project and semester)."""
    errors: list[ValidationError] = []
    if _live_project(s, project_id) is None:
        errors.append(ValidationError("project_id", "项目不存在或已在回收站中"))
    try:
        semester_bounds(semester)
    except ValueError as e:
        errors.append(ValidationError("semester", str(e)))
    if errors:
        raise ValidationErrors(errors)
    row = s.scalars(
        select(OperationReport).where(
            OperationReport.project_id == project_id,
            OperationReport.semester == semester.strip(),
            OperationReport.deleted_at.is_(None),
        )
    ).first()
    if row is None:
        row = OperationReport(project_id=project_id, semester=semester.strip())
        s.add(row)
    row.submitted_on, row.note = submitted_on, (note or "").strip()
    s.flush()
    return Changes("operation_report", (row.id,))


def operation_reports(s: Session, project_id: str) -> list[ReportInfo]:
    rows = s.scalars(
        select(OperationReport)
        .where(OperationReport.project_id == project_id, OperationReport.deleted_at.is_(None))
        .order_by(OperationReport.semester)
    )
    return [ReportInfo(r.id, r.semester, r.submitted_on, r.note) for r in rows]


def delete_operation_reports(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, OperationReport, ids)


@dataclass(frozen=True)
class SemesterReport:
    """One semester of a project's period and its report: `past` semesters without one are missing
    (a reminder); the current one may be reported already."""

    semester: str
    last_day: dt.date
    past: bool
    report: ReportInfo | None
    files: tuple[str, ...] = ()  # names of the report's attached files

    @property
    def missing(self) -> bool:
        return self.past and self.report is None


def report_schedule(s: Session, project_id: str, today: dt.date | None = None) -> list[SemesterReport]:
    """The semesters a project owes reports for (its past semesters and the current one, per the college's
    calendar), oldest first, with any reports recorded for other semesters too. None without a start date."""
    today = today or dt.date.today()
    p = get_or_raise(s, Project, project_id, "项目")
    cal = get_semester_calendar(s)
    reports = {r.semester: r for r in operation_reports(s, project_id)}
    semesters: list[str] = []
    if p.starts_on:
        semesters = past_semesters(p.starts_on, today, p.ends_on, cal)
        current = semester_of(today, cal)
        if current and _overlaps(semester_bounds(current, cal), p.starts_on, p.ends_on):
            semesters.append(current)
    out = []
    for code in sorted(set(semesters) | set(reports)):
        last = semester_bounds(code, cal)[1]
        report = reports.get(code)
        files = (
            tuple(a.original_name for a in list_attachments(s, "operation_report", report.id))
            if report
            else ()
        )
        out.append(SemesterReport(code, last, last < today, report, files))
    return out


def _overlaps(bounds: tuple[dt.date, dt.date], starts_on: dt.date, ends_on: dt.date | None) -> bool:
    return bounds[1] >= starts_on and (ends_on is None or bounds[0] <= ends_on)


def missing_report_counts(s: Session, ids: Sequence[str], today: dt.date | None = None) -> dict[str, int]:
    """{project id: past semesters without a 运行报告} for the projects given (0s left out)."""
    today = today or dt.date.today()
    cal = get_semester_calendar(s)
    ids = list(ids)
    submitted = set(
        s.execute(
            select(OperationReport.project_id, OperationReport.semester).where(
                OperationReport.project_id.in_(ids), OperationReport.deleted_at.is_(None)
            )
        ).all()
    )
    out = {}
    for pid, starts_on, ends_on in s.execute(
        select(Project.id, Project.starts_on, Project.ends_on).where(
            Project.id.in_(ids), Project.starts_on.is_not(None)
        )
    ):
        n = sum(1 for code in past_semesters(starts_on, today, ends_on, cal) if (pid, code) not in submitted)
        if n:
            out[pid] = n
    return out


def overdue_item_counts(s: Session, ids: Sequence[str], today: dt.date | None = None) -> dict[str, int]:
    """{project id: open action items past their due date} over the projects' live meetings (0s left out)."""
    today = today or dt.date.today()
    rows = s.execute(
        select(Meeting.project_id, func.count())
        .join(ActionItem, ActionItem.meeting_id == Meeting.id)
        .where(
            Meeting.project_id.in_(list(ids)),
            Meeting.deleted_at.is_(None),
            ActionItem.deleted_at.is_(None),
            ActionItem.done.is_(False),
            ActionItem.due_on < today,
        )
        .group_by(Meeting.project_id)
    )
    return {pid: n for pid, n in rows}
