"""岗位实习 / 认识实习: records, batch creation for a class, status transitions guarded by the rules of
app/domain/internship_rules.py, and enterprise monthly evaluations.

- An internship needs its student (live), a kind, start and end (end ≥ start) and an enterprise of the archive
  or a practice base. Money in fen; hours a day 0–24 (decimals allowed); 1–7 days a week; pay day 0–31 (0 = not
  agreed yet). The 家长 defaults to the student's guardian when left blank.
- Status: 计划 → 协议已签 → 实习中 → 已结束, and 终止 (with a reason) from any of the first three; 已结束 → 实习中
  and 终止 → 计划 undo a mistake. Becoming 协议已签 ticks the 三方协议 on the checklist. Becoming 实习中 is refused
  while a blocking rule fails (insurance, signed 三方协议, first-year or under-16 student) — the refusal names
  the student and says exactly what is missing. A batch transition is all or nothing.
- 三方协议编号 (agreement_no): assigned once, by the first 三方协议 batch that writes the agreement
  (assign_agreement_numbers), as 2026-SX-0001 — the start year and a sequence per year above the highest
  number ever given (deleted internships keep theirs, so a number is never given twice) — and kept.
- Evaluations: one per internship and month (the month's first day), score 0–100.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db.models import (
    INSURANCE_PAYERS,
    INTERNSHIP_KINDS,
    INTERNSHIP_STATUSES,
    Enterprise,
    Internship,
    MonthlyEvaluation,
    PracticeBase,
    Student,
)
from app.domain.internship_rules import Problem, month_start
from app.domain.names import clean_text
from app.errors import ValidationError, ValidationErrors
from app.services.common import (
    Changes,
    get_or_raise,
    in_view,
    length_errors,
    like_pattern,
    restore,
    soft_delete,
)
from app.services.internship_checks import internship_problems_by_id
from app.services.teachers import date_error, is_live, text_error

MAX_FEN = 10_000_000_00  # 1000万元 a month is a typing error
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "计划": ("协议已签", "实习中", "终止"),
    "协议已签": ("实习中", "终止", "计划"),
    "实习中": ("已结束", "终止"),
    "已结束": ("实习中",),
    "终止": ("计划",),
}
_TEXTS = {
    "position": ("实习岗位", 100),
    "place": ("实习地点", 200),
    "insurer": ("保险公司", 100),
    "policy_no": ("保单号", 60),
    "counselor": ("辅导员", 50),
    "academic_mentor": ("专业导师", 50),
    "enterprise_hr": ("企业人事主管", 50),
    "enterprise_mentor": ("企业实习负责人", 50),
    "guardian": ("家长", 50),
    "lodging": ("食宿安排", 200),
    "transport": ("交通安排", 200),
}


@dataclass(frozen=True)
class InternshipData:
    student_id: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    kind: str = "岗位实习"
    enterprise_id: str | None = None
    base_id: str | None = None
    position: str = ""
    place: str = ""
    monthly_pay_fen: int = 0
    same_post_wage_fen: int = 0
    pay_day: int = 0
    hours_per_day: float = 8.0
    days_per_week: int = 5
    night_shift: bool = False
    overtime: bool = False
    lodging: str = ""  # 食宿安排, printed in the 三方协议
    transport: str = ""  # 交通安排
    insurer: str = ""
    policy_no: str = ""
    insured_from: dt.date | None = None
    insured_to: dt.date | None = None
    insurance_paid_by: str = ""
    counselor: str = ""
    academic_mentor: str = ""
    enterprise_hr: str = ""
    enterprise_mentor: str = ""
    guardian: str = ""
    has_tripartite: bool = False
    has_consent: bool = False
    has_safety_record: bool = False
    note: str = ""


@dataclass(frozen=True)
class InternshipRow(InternshipData):
    id: str = ""
    agreement_no: str = ""  # 三方协议编号: assigned by the first 三方协议 batch, read-only
    status: str = "计划"
    status_reason: str = ""
    student_no: str = ""
    student_name: str = ""
    class_name: str = ""
    enterprise_name: str = ""
    base_name: str = ""
    problems: tuple[Problem, ...] = ()

    @property
    def errors(self) -> int:
        return sum(p.severity == "错误" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "警告" for p in self.problems)


def normalized_internship(d: InternshipData) -> InternshipData:
    texts = {k: clean_text(getattr(d, k)) for k in _TEXTS}
    return replace(
        d,
        **texts,
        kind=clean_text(d.kind),
        enterprise_id=d.enterprise_id or None,
        base_id=d.base_id or None,
        insurance_paid_by=clean_text(d.insurance_paid_by),
        note=(d.note or "").strip(),
    )


def _int_error(field: str, label: str, value: object, low: int, high: int) -> list[ValidationError]:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        return [ValidationError(field, f"{label}应为{low}–{high}之间的整数")]
    return []


def check_internship(s: Session, data: InternshipData) -> list[ValidationError]:
    d = normalized_internship(data)
    errors: list[ValidationError] = []
    if not is_live(s, Student, d.student_id):
        errors.append(ValidationError("student_id", "请选择学生（所选学生不存在或已删除）"))
    if d.kind not in INTERNSHIP_KINDS:
        errors.append(ValidationError("kind", f"实习类型应为“岗位实习”或“认识实习”，而不是“{d.kind}”"))
    errors += date_error("starts_on", "实习开始日期", d.starts_on, required=True)
    errors += date_error("ends_on", "实习结束日期", d.ends_on, required=True)
    if d.starts_on and d.ends_on and not errors and d.ends_on < d.starts_on:
        errors.append(ValidationError("ends_on", "实习结束日期不能早于开始日期"))
    if not d.enterprise_id and not d.base_id:
        errors.append(ValidationError("enterprise_id", "请选择实习单位（合作企业）或实践基地"))
    if d.enterprise_id and not is_live(s, Enterprise, d.enterprise_id):
        errors.append(ValidationError("enterprise_id", "所选企业不存在或已在回收站中"))
    if d.base_id and not is_live(s, PracticeBase, d.base_id):
        errors.append(ValidationError("base_id", "所选实践基地不存在或已在回收站中"))
    for key, (label, most) in _TEXTS.items():
        errors += text_error(key, label, getattr(d, key), most, required=False)
    errors += _int_error("monthly_pay_fen", "实习报酬（分）", d.monthly_pay_fen, 0, MAX_FEN)
    errors += _int_error("same_post_wage_fen", "同岗位职工工资（分）", d.same_post_wage_fen, 0, MAX_FEN)
    errors += _int_error("pay_day", "每月发放日", d.pay_day, 0, 31)
    errors += _int_error("days_per_week", "每周工作天数", d.days_per_week, 1, 7)
    hours = d.hours_per_day
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= 24:
        errors.append(ValidationError("hours_per_day", "每日工作时长应为0–24之间的小时数"))
    errors += date_error("insured_from", "保险起始日期", d.insured_from, required=False)
    errors += date_error("insured_to", "保险截止日期", d.insured_to, required=False)
    if d.insured_from and d.insured_to and d.insured_to < d.insured_from:
        errors.append(ValidationError("insured_to", "保险截止日期不能早于起始日期"))
    if d.insurance_paid_by and d.insurance_paid_by not in INSURANCE_PAYERS:
        errors.append(ValidationError("insurance_paid_by", f"投保方应为：{'、'.join(INSURANCE_PAYERS)}"))
    errors += length_errors(Internship, d, {"note": "备注"})
    return errors


def _apply(i: Internship, d: InternshipData) -> None:
    for f in fields(InternshipData):
        setattr(i, f.name, getattr(d, f.name))


def _with_guardian(s: Session, d: InternshipData) -> InternshipData:
    if d.guardian:
        return d
    st = s.get(Student, d.student_id)
    return replace(d, guardian=st.guardian_name) if st else d


def create_internship(s: Session, data: InternshipData) -> Changes:
    return create_internships(s, [data.student_id], data)


def create_internships(s: Session, student_ids: Sequence[str], terms: InternshipData) -> Changes:
    """批量安排: one internship per student with the same terms (then adjusted one by one). All or nothing:
    a problem names the student."""
    errors: list[ValidationError] = []
    prepared = []
    names = dict(s.execute(select(Student.id, Student.name).where(Student.id.in_(list(student_ids)))).all())
    for sid in dict.fromkeys(student_ids):
        d = normalized_internship(_with_guardian(s, replace(terms, student_id=sid)))
        found = check_internship(s, d)
        who = f"{names[sid]}：" if len(student_ids) > 1 and sid in names else ""
        errors += [ValidationError(e.field, f"{who}{e.message}") for e in found]
        prepared.append(d)
    if errors:
        raise ValidationErrors(errors)
    ids = []
    for d in prepared:
        i = Internship(status="计划")
        _apply(i, d)
        s.add(i)
        s.flush()
        ids.append(i.id)
    return Changes("internship", tuple(ids))


def update_internship(s: Session, internship_id: str, data: InternshipData) -> Changes:
    i = get_or_raise(s, Internship, internship_id, "实习记录")
    d = normalized_internship(data)
    if errors := check_internship(s, d):
        raise ValidationErrors(errors)
    _apply(i, d)
    if i.status == "实习中" and (
        blocking := [p for p in internship_problems_by_id(s, [i.id])[i.id] if p.blocks]
    ):
        raise ValidationErrors(
            [ValidationError("status", f"实习中的记录不能这样修改：{p.message}") for p in blocking]
        )
    s.flush()
    return Changes("internship", (i.id,))


def delete_internships(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, Internship, ids)


def restore_internships(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, Internship, ids)


def set_status(
    s: Session, ids: Sequence[str], status: str, *, reason: str = "", today: dt.date | None = None
) -> Changes:
    """Move internships to `status` (see TRANSITIONS); all or nothing, each refusal names the student."""
    if status not in INTERNSHIP_STATUSES:
        raise ValidationError("status", f"未知的实习状态“{status}”")
    reason = (reason or "").strip()
    if status == "终止" and not reason:
        raise ValidationError("status_reason", "终止实习须填写原因")
    rows = s.scalars(
        select(Internship).where(Internship.id.in_(list(ids)), Internship.deleted_at.is_(None))
    ).all()
    names = dict(
        s.execute(select(Student.id, Student.name).where(Student.id.in_([r.student_id for r in rows]))).all()
    )
    errors = []
    for i in rows:
        who = names.get(i.student_id, "")
        if i.status == status:
            continue
        if status not in TRANSITIONS[i.status]:
            errors.append(ValidationError("status", f"{who}：实习状态不能从“{i.status}”改为“{status}”"))
            continue
        if status == "协议已签":
            i.has_tripartite = True
        if status == "实习中":
            blocking = [p for p in internship_problems_by_id(s, [i.id], today)[i.id] if p.blocks]
            errors += [ValidationError("status", f"{who}不能开始实习：{p.message}") for p in blocking]
    if errors:
        raise ValidationErrors(errors)
    changed = []
    for i in rows:
        if i.status != status:
            i.status = status
            i.status_reason = reason if status == "终止" else ""
            changed.append(i.id)
    s.flush()
    return Changes("internship", tuple(changed))


# ---------------------------------------------------------------- rules and lists


def internship_rows(
    s: Session,
    *,
    search: str = "",
    status: str = "",
    class_name: str = "",
    enterprise_id: str = "",
    student_id: str = "",
    ids: Sequence[str] | None = None,
    deleted: bool = False,
    today: dt.date | None = None,
) -> list[InternshipRow]:
    """Internships by class, 学号 and start, with their problems; search in student, class, enterprise, post."""
    stmt = (
        select(Internship, Student.student_no, Student.name, Student.class_name)
        .join(Student, Student.id == Internship.student_id)
        .where(in_view(Internship, deleted))
        .order_by(Student.class_name, Student.student_no, Internship.starts_on)
    )
    if search.strip():
        pattern = like_pattern(search.strip())
        hits = select(Enterprise.id).where(Enterprise.name.like(pattern, escape="\\"))
        stmt = stmt.where(
            or_(
                Student.student_no.like(pattern, escape="\\"),
                Student.name.like(pattern, escape="\\"),
                Student.class_name.like(pattern, escape="\\"),
                Internship.position.like(pattern, escape="\\"),
                Internship.enterprise_id.in_(hits),
            )
        )
    for column, value in (
        (Internship.status, status),
        (Student.class_name, class_name),
        (Internship.enterprise_id, enterprise_id),
        (Internship.student_id, student_id),
    ):
        if value:
            stmt = stmt.where(column == value)
    if ids is not None:
        stmt = stmt.where(Internship.id.in_(list(ids)))
    found = s.execute(stmt).all()
    internships = [r[0] for r in found]
    problems = internship_problems_by_id(s, [i.id for i in internships], today)
    enterprises = _names(s, Enterprise, {i.enterprise_id for i in internships})
    bases = _names(s, PracticeBase, {i.base_id for i in internships})
    keys = [f.name for f in fields(InternshipData)]
    return [
        InternshipRow(
            **{k: getattr(i, k) for k in keys},
            id=i.id,
            status=i.status,
            status_reason=i.status_reason,
            agreement_no=i.agreement_no or "",
            student_no=no,
            student_name=name,
            class_name=cls,
            enterprise_name=enterprises.get(i.enterprise_id or "", ""),
            base_name=bases.get(i.base_id or "", ""),
            problems=tuple(problems.get(i.id, ())),
        )
        for i, no, name, cls in found
    ]


def _names(s: Session, model: type, ids: set[str | None]) -> dict[str, str]:
    wanted = [i for i in ids if i]
    out: dict[str, str] = {}
    for chunk in range(0, len(wanted), 900):
        out.update(
            s.execute(select(model.id, model.name).where(model.id.in_(wanted[chunk : chunk + 900]))).all()
        )
    return out


def get_internship(s: Session, internship_id: str, today: dt.date | None = None) -> InternshipRow:
    i = get_or_raise(s, Internship, internship_id, "实习记录")
    return internship_rows(s, ids=[internship_id], deleted=i.deleted_at is not None, today=today)[0]


# ---------------------------------------------------------------- monthly evaluations


@dataclass(frozen=True)
class EvaluationData:
    internship_id: str
    month: dt.date | None
    score: int
    evaluator: str = ""
    comment: str = ""


@dataclass(frozen=True)
class EvaluationRow(EvaluationData):
    id: str = ""


def check_evaluation(
    s: Session, d: EvaluationData, *, exclude_id: str | None = None
) -> list[ValidationError]:
    errors = []
    if not is_live(s, Internship, d.internship_id):
        errors.append(ValidationError("internship_id", "所选实习记录不存在或已删除"))
    errors += date_error("month", "评价月份", d.month, required=True)
    errors += _int_error("score", "评分", d.score, 0, 100)
    errors += text_error("evaluator", "评价人", clean_text(d.evaluator), 50, required=False)
    if not errors and d.month:
        taken = s.scalar(
            select(MonthlyEvaluation.id).where(
                MonthlyEvaluation.internship_id == d.internship_id,
                MonthlyEvaluation.month == month_start(d.month),
                MonthlyEvaluation.deleted_at.is_(None),
                MonthlyEvaluation.id != (exclude_id or ""),
            )
        )
        if taken:
            errors.append(
                ValidationError("month", f"{d.month.year}年{d.month.month}月已有企业评价，请修改原记录")
            )
    errors += length_errors(MonthlyEvaluation, d, {"comment": "评语"})
    return errors


def save_evaluation(s: Session, data: EvaluationData, evaluation_id: str | None = None) -> Changes:
    if errors := check_evaluation(s, data, exclude_id=evaluation_id):
        raise ValidationErrors(errors)
    e = (
        get_or_raise(s, MonthlyEvaluation, evaluation_id, "企业评价")
        if evaluation_id
        else MonthlyEvaluation()
    )
    e.internship_id = data.internship_id
    e.month = month_start(data.month)
    e.score = data.score
    e.evaluator = clean_text(data.evaluator)
    e.comment = (data.comment or "").strip()
    if not evaluation_id:
        s.add(e)
    s.flush()
    return Changes("monthly_evaluation", (e.id,))


def delete_evaluations(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, MonthlyEvaluation, ids)


def evaluation_rows(s: Session, internship_id: str) -> list[EvaluationRow]:
    stmt = (
        select(MonthlyEvaluation)
        .where(MonthlyEvaluation.internship_id == internship_id, MonthlyEvaluation.deleted_at.is_(None))
        .order_by(MonthlyEvaluation.month)
    )
    return [_evaluation_row(e) for e in s.scalars(stmt)]


def _evaluation_row(e: MonthlyEvaluation) -> EvaluationRow:
    return EvaluationRow(e.internship_id, e.month, e.score, e.evaluator, e.comment, id=e.id)


def get_evaluation(s: Session, evaluation_id: str) -> EvaluationRow:
    """One monthly evaluation as its internship lists it; NotFound when deleted for good."""
    return _evaluation_row(get_or_raise(s, MonthlyEvaluation, evaluation_id, "企业评价"))


# ---------------------------------------------------------------- 三方协议编号

AGREEMENT_NO_MARK = "SX"  # 实习


def _sequence(number: str, prefix: str) -> int:
    tail = number.removeprefix(prefix)
    return int(tail) if number.startswith(prefix) and tail.isdigit() else 0


def assign_agreement_numbers(s: Session, ids: Sequence[str]) -> dict[str, str]:
    """The 三方协议编号 of each internship of `ids`, assigning the next one of its start year to those that
    have none (in the order given), in the caller's transaction; a number once given is kept."""
    rows = {
        i.id: i
        for chunk in range(0, len(ids), 900)
        for i in s.scalars(select(Internship).where(Internship.id.in_(list(ids[chunk : chunk + 900]))))
    }
    last: dict[int, int] = {}
    out = {}
    for iid in ids:
        i = rows.get(iid)
        if i is None:
            continue
        if not i.agreement_no:
            year = i.starts_on.year
            prefix = f"{year}-{AGREEMENT_NO_MARK}-"
            if year not in last:  # every row, deleted too: a number is never given twice
                taken = s.scalars(
                    select(Internship.agreement_no).where(Internship.agreement_no.like(f"{prefix}%"))
                )
                last[year] = max((_sequence(n, prefix) for n in taken), default=0)
            last[year] += 1
            i.agreement_no = f"{prefix}{last[year]:04d}"
        out[iid] = i.agreement_no
    s.flush()
    return out
