"""Which internships a 三方协议 batch takes and what it will do with each (app/docs/internship.py writes them):

- select_internships: a class / major / status, or all — the 岗位实习 only (a 认识实习 needs no 三方协议) and
  none 终止 unless that status is asked for; internship_classes lists the classes the dialog offers.
- plan_batch: the chosen internships sorted into ready (to sign), blocked (a rule on the placement itself is
  broken: the same problems 合规检查 reports, app/domain/internship_rules.py placement_problems, and the
  premium never borne by the student), not needed (认识实习) and missing (REQUIRED party data). The dialog shows
  it before 生成; the batch writes only the ready ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.db.models import Internship, Major, Student
from app.docs.internship import NOT_NEEDED, _by_id, _who, contexts, missing_required
from app.domain.internship_rules import PLACEMENT, placement_problems
from app.errors import ValidationError


def select_internships(
    s: Session,
    *,
    class_name: str = "",
    major: str = "",
    status: str = "",
    all_: bool = False,
    placement_only: bool = True,
) -> list[str]:
    """Ids of the live internships of a class / major / status (or all), by class, 学号 and start date: the
    岗位实习 only (a 认识实习 needs no 三方协议) unless `placement_only` is False, and none 终止 unless that
    status is asked for."""
    if not (class_name or major or status or all_):
        raise ValidationError("class", "请指定班级、专业、状态，或选择全部实习记录。")
    q = (
        select(Internship.id)
        .join(Student, Student.id == Internship.student_id)
        .where(Internship.deleted_at.is_(None), Student.deleted_at.is_(None))
    )
    if placement_only:
        q = q.where(Internship.kind == PLACEMENT)
    if class_name:
        q = q.where(Student.class_name == class_name.strip())
    if major:
        q = q.join(Major, Major.id == Student.major_id).where(Major.name == major.strip())
    q = q.where(Internship.status == status.strip()) if status else q.where(Internship.status != "终止")
    return list(s.scalars(q.order_by(Student.class_name, Student.student_no, Internship.starts_on)))


def internship_classes(s: Session) -> list[tuple[str, int]]:
    """(班级, live 岗位实习 not 终止) of every class that has some, by class: the choices of the dialog."""
    q = (
        select(Student.class_name, func.count(Internship.id))
        .join(Student, Student.id == Internship.student_id)
        .where(
            Internship.deleted_at.is_(None),
            Student.deleted_at.is_(None),
            Internship.kind == PLACEMENT,
            Internship.status != "终止",
            Student.class_name != "",
        )
        .group_by(Student.class_name)
        .order_by(Student.class_name)
    )
    return [(c, n) for c, n in s.execute(q)]


# ---------------------------------------------------------------- the plan: what a batch will do


@dataclass(frozen=True)
class BatchPlan:
    """What a batch of `ids` writes and why not the others (the dialog shows it before 生成)."""

    ready: tuple[str, ...]  # internship ids, in the order chosen
    blocked: tuple[tuple[str, tuple[str, ...]], ...]  # (学生, the rules broken, each with its source)
    not_needed: tuple[str, ...]  # 学生 of a 认识实习
    missing: tuple[tuple[str, str], ...]  # (学生, 缺少…)
    minors: int = 0  # of the ready: students under 18, who get a 监护人知情同意书 too
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def total(self) -> int:
        return len(self.ready) + len(self.blocked) + len(self.not_needed) + len(self.missing)


def gate_reasons(
    s: Session, internships: Sequence[Internship], today: dt.date | None
) -> dict[str, list[str]]:
    """Why each 岗位实习 is not one to sign: the placement rules it breaks (the same problems 合规检查 reports),
    each as "message（source in words）"; an internship passing has an empty list."""
    from app.compliance.registry import source_in_force
    from app.services.internship_checks import internship_problems_by_id
    from app.services.rule_sets import get_rule_preset

    problems = internship_problems_by_id(s, [i.id for i in internships], today)
    preset = get_rule_preset(s)  # cited as 合规检查 cites it: the documents the college follows
    grades = dict(
        s.execute(
            select(Student.id, Student.entry_year).where(Student.id.in_({i.student_id for i in internships}))
        ).all()
    )
    out = {}
    for i in internships:
        if i.status == "终止":
            out[i.id] = ["实习已终止，不再签订三方协议"]
            continue
        found = placement_problems(problems.get(i.id, []))
        out[i.id] = [f"{p.message}（{cite_source(source_in_force(p.source, preset))}）" for p in found]
        if i.kind == PLACEMENT and grades.get(i.student_id) is None:  # the grade rule cannot be checked
            out[i.id].append(
                "学生的入学年份未填写，无法确认不是一年级学生：请在学生信息中填写入学年份"
                f"（{cite_source('实习规定第十六条')}）"
            )
    return out


def plan_batch(s: Session, internship_ids: Sequence[str], *, today: dt.date | None = None) -> BatchPlan:
    """Sort the chosen internships into ready / blocked / not needed / missing (see the module docstring)."""
    ids = list(dict.fromkeys(internship_ids))
    ctxs = dict(zip(ids, contexts(s, ids, today=today), strict=True))
    rows = _by_id(s, Internship, ids)
    placements = [rows[i] for i in ids if rows[i].kind == PLACEMENT]
    reasons = gate_reasons(s, placements, today)
    ready, blocked, not_needed, missing = [], [], [], []
    for iid in ids:
        ctx = ctxs[iid]
        if rows[iid].kind != PLACEMENT:
            not_needed.append(_who(ctx))
        elif reasons[iid]:
            blocked.append((_who(ctx), tuple(reasons[iid])))
        elif lacking := missing_required(ctx):
            missing.append((_who(ctx), f"缺少{'、'.join(lacking)}"))
        else:
            ready.append(iid)
    minors = sum(bool(ctxs[i]["agreement"]["minor"]) for i in ready)
    return BatchPlan(tuple(ready), tuple(blocked), tuple(not_needed), tuple(missing), minors, ctxs)


def plan_lines(plan: BatchPlan) -> list[str]:
    """The plan in words, one line per student not written (the dialog and the CLI print it)."""
    lines = []
    if plan.blocked:
        lines.append(f"不符合实习规定、不生成（{len(plan.blocked)} 条）：")
        lines += [f"{who}：{'；'.join(why)}" for who, why in plan.blocked]
    if plan.missing:
        lines += [""] if lines else []
        lines.append(f"缺少协议必填信息、不生成（{len(plan.missing)} 条，请补全后再生成）：")
        lines += [f"{who}：{why}" for who, why in plan.missing]
    if plan.not_needed:
        lines += [""] if lines else []
        lines.append(f"跳过（{len(plan.not_needed)} 条，{NOT_NEEDED}）：")
        lines.append("、".join(plan.not_needed))
    return lines
