"""Short labels of records named by type and id (the click-through of the annual indicators lists the records an
indicator counts), and where each opens in the GUI: the record itself, or the record that holds it (an
enterprise practice opens its teacher, an employment record its student).

Record types: those of app/reporting/evaluation.py Indicator.records — enterprise, visit, practice_base, asset,
student, teacher, enterprise_practice, achievement, employment. Ids not found (deleted meanwhile) are left out; the order of
`ids` is kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    Achievement,
    Asset,
    Employment,
    Enterprise,
    EnterprisePractice,
    PracticeBase,
    Student,
    Teacher,
    Visit,
    VisitEnterprise,
)
from app.domain.money import format_money

CHUNK = 500  # ids per IN (...) query


@dataclass(frozen=True)
class Target:
    """What the main window opens for a listed record (its open_record(record_type, record_id, tab))."""

    record_type: str
    record_id: str
    tab: str = ""


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _rows(s: Session, model: type, columns: Sequence, ids: Sequence[str]) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for part in _chunks(list(ids)):
        for row in s.execute(select(model.id, *columns).where(model.id.in_(part))):
            out[row[0]] = tuple(row[1:])
    return out


def _names(s: Session, model: type, ids: set[str]) -> dict[str, str]:
    return {i: r[0] for i, r in _rows(s, model, [model.name], sorted(ids)).items()}


def _base_labels(s: Session, ids: Sequence[str]) -> dict[str, str]:
    rows = _rows(s, PracticeBase, [PracticeBase.name, PracticeBase.kind], ids)
    return {i: f"{name}（{kind}）" for i, (name, kind) in rows.items()}


def _asset_labels(s: Session, ids: Sequence[str]) -> dict[str, str]:
    cols = [Asset.name, Asset.spec, Asset.quantity, Asset.unit_value_fen, Asset.location, Asset.acquired_on]
    out = {}
    for i, (name, spec, qty, fen, place, on) in _rows(s, Asset, cols, ids).items():
        what = f"{name} {spec}".strip()
        where = f"，{place}" if place else ""
        out[i] = f"{what}：{qty}×{format_money(fen)} = {format_money(qty * fen)}（购置 {on}{where}）"
    return out


def _student_label(student_no: str, name: str, class_name: str) -> str:
    return f"{student_no} {name}" + (f"（{class_name}）" if class_name else "")


def _student_labels(s: Session, ids: Sequence[str]) -> dict[str, str]:
    cols = [Student.student_no, Student.name, Student.class_name]
    return {
        i: _student_label(no, name, cls or "") for i, (no, name, cls) in _rows(s, Student, cols, ids).items()
    }


def _teacher_labels(s: Session, ids: Sequence[str]) -> dict[str, str]:
    out = {}
    for i, (name, no, kind) in _rows(s, Teacher, [Teacher.name, Teacher.staff_no, Teacher.kind], ids).items():
        out[i] = f"{name}（{kind}教师{'，工号 ' + no if no else ''}）"
    return out


def _practice_labels(s: Session, ids: Sequence[str]) -> dict[str, str]:
    cols = [
        EnterprisePractice.teacher_id,
        EnterprisePractice.enterprise_id,
        EnterprisePractice.unit_name,
        EnterprisePractice.starts_on,
        EnterprisePractice.ends_on,
    ]
    rows = _rows(s, EnterprisePractice, cols, ids)
    teachers = _names(s, Teacher, {r[0] for r in rows.values()})
    ents = _names(s, Enterprise, {r[1] for r in rows.values() if r[1]})
    return {
        i: f"{teachers.get(t, '')}：{start} 至 {end}，{ents.get(e or '') or unit or '未填单位'}"
        for i, (t, e, unit, start, end) in rows.items()
    }


def _achievement_labels(s: Session, ids: Sequence[str]) -> dict[str, str]:
    cols = [Achievement.dated_on, Achievement.kind, Achievement.title, Achievement.amount_fen]
    return {
        i: f"{on} {kind}：{title}" + (f"（{format_money(fen)}）" if fen else "")
        for i, (on, kind, title, fen) in _rows(s, Achievement, cols, ids).items()
    }


def _employment_labels(s: Session, ids: Sequence[str]) -> dict[str, str]:
    cols = [Employment.student_id, Employment.status, Employment.enterprise_id, Employment.employer_name]
    cols += [Employment.monthly_salary_fen, Employment.related]
    rows = _rows(s, Employment, cols, ids)
    students = _student_labels(s, sorted({r[0] for r in rows.values()}))
    ents = _names(s, Enterprise, {r[2] for r in rows.values() if r[2]})
    out = {}
    for i, (student, status, ent, employer, fen, related) in rows.items():
        parts = [status, ents.get(ent or "") or employer]
        parts += ["专业对口" if related else "", f"月薪 {format_money(fen)}" if fen else ""]
        out[i] = f"{students.get(student, '')}：{'，'.join(p for p in parts if p)}"
    return out


def _enterprise_labels(s: Session, ids: Sequence[str]) -> dict[str, str]:
    rows = _rows(s, Enterprise, [Enterprise.name, Enterprise.status], ids)
    return {i: f"{name}（{status}）" for i, (name, status) in rows.items()}


def _visit_labels(s: Session, ids: Sequence[str]) -> dict[str, str]:
    """A visit: its date and the enterprises visited, with the positions each offered."""
    rows = _rows(s, Visit, [Visit.visited_on], ids)
    stops: dict[str, list[str]] = {}
    for part in _chunks(list(rows)):
        for visit_id, name, positions in s.execute(
            select(VisitEnterprise.visit_id, Enterprise.name, VisitEnterprise.positions)
            .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)
            .where(VisitEnterprise.visit_id.in_(part))
            .order_by(VisitEnterprise.visit_id, VisitEnterprise.sort_order)
        ):
            stops.setdefault(visit_id, []).append(name + (f"（岗位{positions}个）" if positions else ""))
    return {i: f"{on} 走访：{'、'.join(stops.get(i, []))}" for i, (on,) in rows.items()}


_LABELS: dict[str, Callable[[Session, Sequence[str]], dict[str, str]]] = {
    "enterprise": _enterprise_labels,
    "visit": _visit_labels,
    "practice_base": _base_labels,
    "asset": _asset_labels,
    "student": _student_labels,
    "teacher": _teacher_labels,
    "enterprise_practice": _practice_labels,
    "achievement": _achievement_labels,
    "employment": _employment_labels,
}
RECORD_TYPES = tuple(_LABELS)


def record_labels(s: Session, record_type: str, ids: Sequence[str]) -> list[tuple[str, str]]:
    """(id, label) of each record found, in the order of `ids`."""
    if record_type not in _LABELS:
        raise ValueError(f"unknown record type {record_type!r}")
    labels = _LABELS[record_type](s, list(dict.fromkeys(ids)))
    return [(i, labels[i]) for i in dict.fromkeys(ids) if i in labels]


def record_targets(s: Session, record_type: str, ids: Sequence[str]) -> dict[str, Target]:
    """Where each record opens: enterprise practice → its teacher's 企业实践 tab, employment → its student's 就业
    tab, a student → the student (实习 tab), anything else → itself."""
    if record_type == "enterprise_practice":
        rows = _rows(s, EnterprisePractice, [EnterprisePractice.teacher_id], ids)
        return {i: Target("teacher", r[0], "practice") for i, r in rows.items()}
    if record_type == "employment":
        rows = _rows(s, Employment, [Employment.student_id], ids)
        return {i: Target("student", r[0], "employment") for i, r in rows.items()}
    tab = "internships" if record_type == "student" else ""
    return {i: Target(record_type, i, tab) for i in ids}
