"""A major's semester-end 实践教学基地 usage summary (N四(四)2) as a Word document.

The built-in template is resources/templates/base_usage_summary.docx (tools/make_templates.py); a user's own
template (edited in Word) may replace it. Rendered in the sandbox of app/docs/render.py; the context is plain
dicts and lists of text, PLACEHOLDERS lists every field (also in docs/templates.md).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Enterprise, Major, MajorGroup, PracticeBase
from app.docs.common import cn_date, semester_name
from app.docs.render import for_reader, render_docx
from app.domain.semesters import next_semester
from app.errors import ValidationError
from app.fsutil import atomic_path, safe_filename
from app.services.base_usage import UsageTotals, semester_usage, summary_status
from app.services.bases import usage_rows
from app.services.settings import get_profile
from app.services.templates import template_source

TEMPLATE_FILE = "base_usage_summary.docx"
TITLE = "实践教学基地使用情况汇总"

_TOTALS = (
    ("activities", "实习实训项目数"),
    ("students", "接待学生量（人次）"),
    ("days", "使用天数"),
    ("person_days", "人天数"),
    ("teachers", "学校派指导教师（人次）"),
)
PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    ("school", "学校名称（设置）"),
    ("college", "二级学院名称（设置）"),
    ("party_a", "学校名称 + 二级学院名称"),
    ("today", "生成日期，如 2026年1月20日"),
    ("semester", "学期代码，如 2025-2026-1"),
    ("semester_name", "学期名称，如 2025—2026学年第一学期"),
    ("semester_start", "学期第一天"),
    ("semester_end", "学期最后一天"),
    ("major.name", "专业名称"),
    ("major.group", "所属专业群"),
    ("submitted_on", "汇总提交日期（未标记提交为“未提交”）"),
    ("base_count", "本学期使用的基地数"),
    *((f"totals.{key}", f"本专业合计：{label}") for key, label in _TOTALS),
    ("bases", "使用的基地列表：{%p for b in bases %} … {%p endfor %}"),
    ("b.index / b.name / b.kind / b.level / b.enterprise", "（循环中）序号、基地名称、类型、级别、依托单位"),
    *((f"b.{key}", f"（循环中）该基地的{label}") for key, label in _TOTALS),
    ("lines", "明细行（基地 × 活动类型），用于表格：{%tr for l in lines %}"),
    (
        "l.index / l.base / l.activity / l.source",
        "（循环中）序号、基地名称、活动类型、数据来源（手工 / 实习记录）",
    ),
    *((f"l.{key}", f"（循环中）{label}") for key, label in _TOTALS),
    ("records", "手工登记的使用记录：r.base、r.activity、r.period、r.students、r.teachers、r.note"),
    ("effects", "使用成效（取自记录：各基地的项目、人次、人天，使用记录的说明）：{%p for x in effects %}"),
    ("problems", "存在问题（取自记录：缺校级以上示范基地、未派指导教师的活动）"),
    ("plans", "下学期使用计划（取自记录：已登记的下学期基地使用）"),
)
MODEL_LEVELS = ("校级示范", "省级", "国家级")
ONSITE_KIND = "校内实训基地"


def _totals(t: UsageTotals) -> dict[str, str]:
    return {key: str(getattr(t, key)) for key, _label in _TOTALS}


def _major(s: Session, major_id: str) -> tuple[str, str]:
    row = s.execute(
        select(Major.name, MajorGroup.name)
        .outerjoin(MajorGroup, MajorGroup.id == Major.group_id)
        .where(Major.id == major_id, Major.deleted_at.is_(None))
    ).first()
    if row is None:
        raise ValidationError("major_id", "所选专业不存在或已删除")
    return row[0], row[1] or ""


def usage_summary_context(
    s: Session, semester: str, major_id: str, *, today: dt.date | None = None
) -> dict[str, Any]:
    name, group = _major(s, major_id)
    usage = semester_usage(s, semester)
    bases = usage.major_bases(major_id)
    info = {
        r[0]: r[1:]
        for r in s.execute(
            select(PracticeBase.id, PracticeBase.kind, PracticeBase.level, Enterprise.name)
            .outerjoin(Enterprise, Enterprise.id == PracticeBase.enterprise_id)
            .where(PracticeBase.id.in_([b.key_id for b in bases]))
        )
    }
    status = next((st for st in summary_status(s, usage.semester, usage) if st.major_id == major_id), None)
    lines = [x for b in bases for x in b.lines]
    profile = get_profile(s)
    records = [r for r in usage_rows(s, semester=usage.semester) if r.major_id == major_id]
    planned = [r for r in usage_rows(s, semester=next_semester(usage.semester)) if r.major_id == major_id]
    return {
        "school": profile.school,
        "college": profile.college,
        "party_a": f"{profile.school}{profile.college}",
        "today": cn_date(today or dt.date.today()),
        "semester": usage.semester,
        "semester_name": semester_name(usage.semester),
        "semester_start": cn_date(usage.first_day),
        "semester_end": cn_date(usage.last_day),
        "major": {"name": name, "group": group},
        "submitted_on": cn_date(status.submitted_on) if status and status.submitted_on else "未提交",
        "base_count": str(len(bases)),
        "totals": _totals(sum((b.totals for b in bases), UsageTotals())),
        "bases": [
            {
                "index": str(i),
                "name": b.name,
                "kind": info.get(b.key_id, ("", "", ""))[0],
                "level": info.get(b.key_id, ("", "", ""))[1],
                "enterprise": info.get(b.key_id, ("", "", ""))[2] or "",
                **_totals(b.totals),
            }
            for i, b in enumerate(bases, start=1)
        ],
        "lines": [
            {
                "index": str(i),
                "base": x.base_name,
                "activity": x.activity,
                "source": x.source,
                **_totals(x.totals),
            }
            for i, x in enumerate(lines, start=1)
        ],
        "records": [
            {
                "base": r.base_name,
                "activity": r.activity,
                "period": _period(r.starts_on, r.ends_on),
                "students": str(r.students),
                "teachers": r.teachers or "未填写",
                "note": _clean(r.note),
            }
            for r in records
        ],
        **_review(bases, info, lines, records, planned),
    }


def _review(bases, info, lines, records, planned) -> dict[str, list[str]]:
    """Sections 四–六 from the records (never a prompt to fill in); an empty list prints “（无）”."""
    effects = []
    for b in bases:
        kind, level, _ent = info.get(b.key_id, ("", "", ""))
        what = "，".join(x for x in (kind, level if level in MODEL_LEVELS else "") if x)
        t = b.totals
        effects.append(
            f"{b.name}{f'（{what}）' if what else ''}：开展实习实训项目{t.activities}项，接待学生{t.students}人次、"
            f"{t.person_days}人天，使用{t.days}天。"
        )
    effects += [f"{r.base_name}（{r.activity}）：{_clean(r.note)}" for r in records if _clean(r.note)]
    problems = []
    if not bases:
        problems.append("本学期本专业没有使用实践教学基地。")
    if not any(info.get(b.key_id, ("", "", ""))[1] in MODEL_LEVELS and info.get(b.key_id)[0] != ONSITE_KIND
               for b in bases):  # fmt: skip
        problems.append("本学期使用的基地中没有校级（或以上）校外实践教学示范基地。")
    problems += [
        f"{x.base_name}的{x.activity}没有学校派出的指导教师。" for x in lines if not x.totals.teachers
    ]
    plans = [
        f"{r.base_name}：{r.activity}，{_period(r.starts_on, r.ends_on)}，{r.students}人次。" for r in planned
    ]
    return {"effects": effects, "problems": problems, "plans": plans}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """One line of text fit for a document (characters XML forbids removed)."""
    return "；".join(line.strip() for line in _CONTROL.sub("", text or "").splitlines() if line.strip())


def _period(start: dt.date | None, end: dt.date | None) -> str:
    if start and end and start != end:
        return f"{cn_date(start)}至{cn_date(end)}"
    return cn_date(start or end, "日期未填写")


def builtin_template() -> bytes:
    from resources import resource_bytes

    return resource_bytes("templates", TEMPLATE_FILE)


def save_builtin_template(out: Path) -> Path:
    with atomic_path(Path(out)) as tmp:
        tmp.write_bytes(builtin_template())
    return Path(out)


def write_usage_summary(
    s: Session,
    semester: str,
    major_id: str,
    out: Path,
    template: Path | None = None,
    *,
    today: dt.date | None = None,
) -> Path:
    """The major's summary for `semester` as a Word document at `out` (written atomically); returns `out`."""
    context = usage_summary_context(s, semester, major_id, today=today)
    source, name = template_source(s, "base_summary", template)  # none chosen: 设置 → 模板, else built-in
    return render_docx(source, for_reader(context), out, name=name)


def default_file_name(major: str, semester: str) -> str:
    """基地使用汇总_机电一体化技术_2025-2026-1.docx."""
    return safe_filename(f"基地使用汇总_{major}_{semester}.docx")
