"""The cooperation documents: a draft 合作协议 and a project's 运行报告 (H第十条(五)) for one semester.

Each is a built-in template in resources/templates/ (made by tools/make_templates.py) that the user may save,
edit in Word and pass back. The context is plain dicts and lists of text (dates written 2025年9月1日),
so a template needs nothing but `{{ … }}` and the docxtpl loops; PLACEHOLDERS lists every field for the
帮助 text and docs/templates.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.compliance.registry import RULES, run_checks
from app.db.models import Achievement, Agreement, Major, Training
from app.docs.common import (
    COMMON_PLACEHOLDERS,
    cn_date,
    common_fields,
    copies_text,
    doc_number,
    doc_text,
    enterprise_party,
    period_text,
    render,
    school_party,
    semester_name,
)
from app.docs.render import for_reader
from app.domain.semesters import semester_bounds
from app.errors import ValidationError
from app.fsutil import atomic_path
from app.services.agreements import get_agreement
from app.services.enterprises import get_enterprise
from app.services.meetings import project_meetings
from app.services.projects import get_project
from app.services.settings import get_semester_calendar

KINDS = {"agreement": "合作协议草稿", "report": "项目运行报告"}
TEMPLATE_FILES = {"agreement": "agreement.docx", "report": "project_report.docx"}
PARTY_LABELS = "乙丙丁戊己庚辛壬癸"

_ENTERPRISE = (
    ("label", "乙方、丙方……（仅协议）"),
    ("name", "企业名称"),
    ("uscc", "统一社会信用代码"),
    ("address", "地址"),
    ("representative", "法定代表人（企业档案）"),
    ("contact", "第一位联系人"),
    ("phone", "联系人电话"),
)
PLACEHOLDERS: dict[str, tuple[tuple[str, str], ...]] = {
    "agreement": (
        *COMMON_PLACEHOLDERS,
        *(
            (f"school_party.{key}", f"甲方（学校）的{label}（设置 → 学校与学院）")
            for key, label in (
                ("uscc", "统一社会信用代码"),
                ("address", "地址"),
                ("representative", "法定代表人"),
                ("contact", "联系人"),
                ("phone", "联系电话"),
            )
        ),
        ("agreement.number", "协议编号（未编号为空）"),
        ("agreement.title", "协议名称"),
        ("agreement.kind", "协议类型，如 订单培养"),
        ("agreement.status", "状态，如 草稿"),
        ("agreement.signed_on", "签订日期（未填为空白“  年  月  日”）"),
        ("agreement.starts_on", "开始日期"),
        ("agreement.ends_on", "结束日期"),
        ("agreement.term", "合作期限，如 2025年9月1日至2028年8月31日"),
        ("agreement.has_revenue_clause", "是否有收益分配条款（用于 {%p if %}）"),
        ("agreement.revenue_clause", "收益分配条款内容"),
        ("agreement.has_asset_clause", "是否有资产归属与处置条款"),
        ("agreement.asset_clause", "资产归属与处置条款内容"),
        ("agreement.note", "备注"),
        ("parties", "乙方等企业列表：{%p for p in parties %} … {{ p.name }} … {%p endfor %}"),
        *((f"p.{key}", f"（循环中）{label}") for key, label in _ENTERPRISE),
        ("party_names", "全部企业名称，以顿号分隔"),
        ("party_side", "企业一方的称呼：乙方，或 乙方、丙方"),
        ("party_intro", "（以下简称“乙方”），或（以下分别简称“乙方”“丙方”）"),
        ("sides", "“双方”，三方及以上的协议为“各方”"),
        ("copies", "份数，每方各执两份：两方为“一式四份，双方各执两份”，三方为“一式六份，各方各执两份”"),
    ),
    "report": (
        *COMMON_PLACEHOLDERS,
        ("semester", "学期代码，如 2025-2026-1"),
        ("semester_name", "学期名称，如 2025—2026学年第一学期"),
        ("semester_start", "学期第一天"),
        ("semester_end", "学期最后一天"),
        ("project.name", "项目名称"),
        ("project.kind", "项目类型"),
        ("project.tier", "合作层次，如 深化层"),
        ("project.leader", "项目负责人"),
        ("project.period", "项目周期，如 2025年9月1日至2027年8月31日"),
        ("project.majors", "面向专业，以顿号分隔"),
        ("project.note", "备注"),
        ("responsibles", "各环节责任人列表：r.part 负责环节、r.name 姓名"),
        ("enterprises", "合作企业列表：e.name、e.uscc、e.address、e.contact、e.phone"),
        ("enterprise_names", "全部合作企业名称，以顿号分隔"),
        ("agreements", "关联协议列表：a.number、a.title、a.status"),
        ("kpis", "关键指标列表：k.index 序号、k.name、k.unit、k.target、k.actual、k.progress、k.period"),
        (
            "meetings",
            "本学期协调会议列表（按日期）：m.index、m.date、m.place、m.attendees、m.minutes、m.decisions",
        ),
        ("m.action_items", "会议的待办事项列表：i.description、i.owner、i.due、i.status"),
        ("meeting_count", "本学期会议次数"),
        ("open_items", "本学期会议中尚未完成的待办事项数"),
        (
            "outcomes",
            "主要成效（取自记录：已完成的关键指标、本学期合作企业的成果和培训、已完成的待办事项）：{%p for x in outcomes %}",
        ),
        (
            "problems",
            "存在问题（取自记录：未达目标的关键指标、逾期未完成的待办事项、本项目未整改的合规问题）",
        ),
        ("plans", "下学期工作计划（取自记录：尚未完成的待办事项及其期限、继续推进的关键指标）"),
    ),
}


def placeholders(kind: str) -> tuple[tuple[str, str], ...]:
    """(placeholder, meaning) pairs a template of this kind ("agreement" or "report") may use, for a 帮助 text."""
    if kind not in PLACEHOLDERS:
        raise ValidationError("kind", f"文档类型应为：{'、'.join(PLACEHOLDERS)}")
    return PLACEHOLDERS[kind]


def agreement_context(s: Session, agreement_id: str, *, today: dt.date | None = None) -> dict[str, Any]:
    a = get_agreement(s, agreement_id, today=today)
    parties = []
    for i, eid in enumerate(a.enterprise_ids):
        label = f"{PARTY_LABELS[i]}方" if i < len(PARTY_LABELS) else f"第{i + 2}方"
        parties.append({"label": label, **enterprise_party(get_enterprise(s, eid))})
    quoted = "".join(f"“{p['label']}”" for p in parties)
    return {
        **common_fields(s, today),
        "school_party": school_party(s),
        "agreement": {
            "number": doc_text(a.number),
            "title": doc_text(a.title),
            "kind": doc_text(a.kind),
            "status": doc_text(a.effective_status or a.status),
            "signed_on": cn_date(a.signed_on),
            "starts_on": cn_date(a.starts_on),
            "ends_on": cn_date(a.ends_on),
            "term": period_text(a.starts_on, a.ends_on) if a.starts_on or a.ends_on else "双方另行约定",
            "has_revenue_clause": a.has_revenue_clause,
            "revenue_clause": doc_text(a.revenue_clause),
            "has_asset_clause": a.has_asset_clause,
            "asset_clause": doc_text(a.asset_clause),
            "note": doc_text(a.note),
        },
        "parties": parties,
        "party_names": "、".join(p["name"] for p in parties),
        "party_side": "、".join(p["label"] for p in parties) or "乙方",
        "sides": "双方" if len(parties) <= 1 else "各方",
        "party_intro": f"（以下分别简称{quoted}）" if len(parties) > 1 else "（以下简称“乙方”）",
        "copies": copies_text(1 + max(1, len(parties))),
    }


def project_report_context(
    s: Session, project_id: str, semester: str, *, today: dt.date | None = None
) -> dict[str, Any]:
    """The report for one semester: only meetings held within it (the college's semester calendar)."""
    semester = (semester or "").strip()
    try:
        start, end = semester_bounds(semester, get_semester_calendar(s))
    except ValueError as e:
        raise ValidationError("semester", str(e)) from e
    p = get_project(s, project_id)
    majors = s.scalars(select(Major.name).where(Major.id.in_(p.major_ids)).order_by(Major.sort_order)).all()
    agreements = s.execute(
        select(Agreement.number, Agreement.title, Agreement.status).where(Agreement.id.in_(p.agreement_ids))
    ).all()
    # a project's enterprises have no order of their own: by name, as the project list shows them
    enterprises = sorted(
        (enterprise_party(get_enterprise(s, eid)) for eid in p.enterprise_ids), key=lambda e: e["name"]
    )
    meetings = sorted(
        (m for m in project_meetings(s, project_id) if m.held_on and start <= m.held_on <= end),
        key=lambda m: m.held_on,
    )
    return {
        **common_fields(s, today),
        "semester": semester,
        "semester_name": semester_name(semester),
        "semester_start": cn_date(start),
        "semester_end": cn_date(end),
        "project": {
            "name": doc_text(p.name),
            "kind": doc_text(p.kind),
            "tier": doc_text(p.tier_label),
            "leader": doc_text(p.leader) or "未指定",
            "period": period_text(p.starts_on, p.ends_on),
            "majors": "、".join(doc_text(m) for m in majors),
            "note": doc_text(p.note),
        },
        "responsibles": [{"part": doc_text(r.part), "name": doc_text(r.name)} for r in p.responsibles],
        "enterprises": enterprises,
        "enterprise_names": "、".join(e["name"] for e in enterprises),
        "agreements": [
            {"number": doc_text(n) or "（未编号）", "title": doc_text(t), "status": doc_text(st)}
            for n, t, st in agreements
        ],
        "kpis": [
            {
                "index": str(i),
                "name": doc_text(k.name),
                "unit": doc_text(k.unit),
                "target": doc_number(k.target),
                "actual": doc_number(k.actual),
                "progress": "—" if k.progress is None else f"{k.progress:.0%}",
                "period": doc_text(k.period),
            }
            for i, k in enumerate(p.kpis, start=1)
        ],
        "meetings": [
            {
                "index": str(i),
                "date": cn_date(m.held_on),
                "place": doc_text(m.place),
                "attendees": doc_text(m.attendees),
                "minutes": doc_text(m.minutes),
                "decisions": doc_text(m.decisions) or "（无）",
                "action_items": [
                    {
                        "description": doc_text(a.description),
                        "owner": doc_text(a.owner) or "未指定",
                        "due": cn_date(a.due_on, "未定"),
                        "status": f"已完成（{cn_date(a.done_on, '')}）" if a.done else "未完成",
                    }
                    for a in m.action_items
                ],
            }
            for i, m in enumerate(meetings, start=1)
        ],
        "meeting_count": str(len(meetings)),
        "open_items": str(sum(not a.done for m in meetings for a in m.action_items)),
        **_review(s, p, meetings, semester, today or dt.date.today()),
    }


def _review(s: Session, p, meetings, semester: str, today: dt.date) -> dict[str, list[str]]:
    """Sections 五–七 of the report from the records (a report lists what the records say, not prompts to fill
    in): outcomes, problems and next semester's plans; an empty list prints “（无）”."""
    start, end = semester_bounds(semester, get_semester_calendar(s))
    items = [a for m in meetings for a in m.action_items]
    kpis = [k for k in p.kpis if k.target is not None and k.actual is not None]
    ents = list(p.enterprise_ids)
    outcomes = [
        f"关键指标“{k.name}”完成{doc_number(k.actual)}{k.unit}（目标{doc_number(k.target)}{k.unit}）。"
        for k in kpis
        if k.actual >= k.target
    ]
    if ents:
        for kind, title in s.execute(
            select(Achievement.kind, Achievement.title)
            .where(Achievement.enterprise_id.in_(ents), Achievement.deleted_at.is_(None))
            .where(Achievement.dated_on.between(start, end))
            .order_by(Achievement.dated_on)
        ):
            outcomes.append(f"{kind}：{title}。")
        for title, trainees in s.execute(
            select(Training.title, Training.trainees)
            .where(Training.enterprise_id.in_(ents), Training.deleted_at.is_(None))
            .where(Training.starts_on.between(start, end))
            .order_by(Training.starts_on)
        ):
            outcomes.append(f"培训：{title}（{trainees}人）。")
    outcomes += [
        f"完成会议议定事项：{a.description}（{a.owner or '未指定责任人'}）。" for a in items if a.done
    ]
    problems = [
        f"关键指标“{k.name}”完成{doc_number(k.actual)}{k.unit}，未达目标{doc_number(k.target)}{k.unit}。"
        for k in kpis
        if k.actual < k.target
    ]
    problems += [
        f"会议议定事项“{a.description}”逾期未完成（期限{cn_date(a.due_on)}，责任人{a.owner or '未指定'}）。"
        for a in items
        if not a.done and a.due_on and a.due_on <= min(end, today)
    ]
    problems += [
        f"{f.rule_title}：{f.message}（依据{f.citation}）。"
        for f in _project_findings(s, p.id, semester, today)
    ]
    plans = [
        f"{a.description}（责任人{a.owner or '未指定'}，期限{cn_date(a.due_on, '未定')}）。"
        for a in items
        if not a.done
    ]
    plans += [
        f"继续推进关键指标“{k.name}”（目标{doc_number(k.target)}{k.unit}）。"
        for k in kpis
        if k.actual < k.target
    ]
    return {
        "outcomes": [doc_text(x) for x in outcomes],
        "problems": [doc_text(x) for x in problems],
        "plans": plans,
    }


def _project_findings(s: Session, project_id: str, semester: str, today: dt.date):
    """The project's open compliance problems, but the missing report of this semester (this is it)."""
    codes = [c for c, r in RULES.items() if r.record_type == "project"]
    return [
        f
        for f in run_checks(s, today, codes=codes)
        if f.record_id == project_id and not (f.rule == "PRJ-REPORT" and f.detail == semester)
    ]


# ---------------------------------------------------------------- writing the documents


def builtin_template(kind: str) -> bytes:
    """The built-in template of a document kind ("agreement" or "report")."""
    from resources import resource_bytes

    if kind not in TEMPLATE_FILES:
        raise ValidationError("kind", f"文档类型应为：{'、'.join(TEMPLATE_FILES)}")
    return resource_bytes("templates", TEMPLATE_FILES[kind])


def save_builtin_template(kind: str, out: Path) -> Path:
    """Save the built-in template so the user can edit it in Word and pass it back as `template`."""
    data = builtin_template(kind)
    with atomic_path(Path(out)) as tmp:
        tmp.write_bytes(data)
    return Path(out)


def write_agreement_document(
    s: Session, agreement_id: str, out: Path, template: Path | None = None, *, today: dt.date | None = None
) -> Path:
    """The draft agreement as a Word document at `out` (written atomically); returns `out`."""
    return render(s, "agreement", for_reader(agreement_context(s, agreement_id, today=today)), out, template)


def write_project_report(
    s: Session,
    project_id: str,
    semester: str,
    out: Path,
    template: Path | None = None,
    *,
    today: dt.date | None = None,
) -> Path:
    """The project's 运行报告 for `semester` (like 2025-2026-1) as a Word document at `out`."""
    context = for_reader(project_report_context(s, project_id, semester, today=today))
    return render(s, "report", context, out, template)


def default_file_name(kind: str, title: str, semester: str = "") -> str:
    """A file name to offer in a save dialog, e.g. 运行报告_智能制造产业学院_2025-2026-1.docx."""
    from app.fsutil import safe_filename

    stem = "合作协议草稿" if kind == "agreement" else "运行报告"
    parts = [stem, title, semester] if semester else [stem, title]
    return safe_filename("_".join(p for p in parts if p) + ".docx")
