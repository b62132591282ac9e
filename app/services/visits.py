"""企业走访 / 访企拓岗 (H第十七条): who visited which enterprises when, what they found, follow-up actions,
and for each enterprise visited what was agreed there (the platform's 访企拓岗 table has one row per
enterprise visited): majors asked for, positions and average monthly pay, who received the visitors, the
outcome, interns and graduates it takes and their pay. Counts and money None = not recorded; money in fen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Enterprise, Major, Visit, VisitEnterprise
from app.domain.names import clean_name, clean_text, name_key
from app.errors import ValidationError, ValidationErrors
from app.services.common import (
    LONG_TEXT_MAX,
    Changes,
    get_or_raise,
    in_view,
    length_error,
    length_errors,
    like_pattern,
    max_length,
    restore,
    soft_delete,
)
from app.services.enterprises import EnterpriseData, check_fields, create_enterprise, normalized

# 访谈成果主要形式: the usual answers, offered in a list; any other text is kept as typed
OUTCOMES = (
    "签订合作协议",
    "达成合作意向",
    "提供岗位需求",
    "建立实习基地",
    "接收学生实习",
    "接收毕业生就业",
    "其他",
)
STOP_MONEY_MAX = 100_000_000  # 100万元 a month: more is a typing slip (分 typed as 元 …)
STOP_COUNT_MAX = 100_000


@dataclass(frozen=True)
class VisitStop:
    """What was recorded at one enterprise visited (访企拓岗). `name`: for an enterprise typed by name in
    quick entry (enterprise_id ""), the name it is created under; otherwise only used in messages."""

    enterprise_id: str
    major_id: str | None = None  # 需求专业
    positions: int | None = None  # 可提供岗位数
    average_pay_fen: int | None = None  # 平均薪酬, per month
    host_name: str = ""  # 企业接待人姓名
    host_title: str = ""  # 接待人职务
    outcome: str = ""  # 访谈成果主要形式 (OUTCOMES or free text)
    intern_major_id: str | None = None  # 接受实习生专业
    interns: int | None = None  # 接受实习生人数
    intern_pay_fen: int | None = None  # 实习报酬, per month
    hire_major_id: str | None = None  # 接受学生就业专业
    hires: int | None = None  # 接受学生就业人数
    starting_pay_fen: int | None = None  # 起薪线, per month
    other_cooperation: str = ""  # 其他达成意向的合作
    name: str = ""


STOP_FIELDS = tuple(f for f in VisitStop.__dataclass_fields__ if f not in ("enterprise_id", "name"))
STOP_COUNTS = {"positions": "可提供岗位数", "interns": "接受实习生人数", "hires": "接受就业人数"}
STOP_MONEY = {"average_pay_fen": "平均薪酬", "intern_pay_fen": "实习报酬", "starting_pay_fen": "起薪线"}
STOP_MAJORS = {"major_id": "需求专业", "intern_major_id": "接受实习生专业", "hire_major_id": "接受就业专业"}
STOP_TEXTS = {
    "host_name": "企业接待人",
    "host_title": "接待人职务",
    "outcome": "访谈成果",
    "other_cooperation": "其他达成意向的合作",
}


@dataclass(frozen=True)
class VisitData:
    """A visit. `enterprise_ids`: the enterprises visited, in order; `stops`: what was recorded at each
    (matched by enterprise_id; an enterprise without a stop has nothing recorded)."""

    visited_on: dt.date | None
    enterprise_ids: tuple[str, ...]
    leader: str  # 带队院领导 (牵头拜访人)
    participants: str = ""
    purpose: str = ""
    findings: str = ""
    follow_up: str = ""
    leader_title: str = ""  # 牵头拜访人职务
    stops: tuple[VisitStop, ...] = ()

    def stop(self, enterprise_id: str) -> VisitStop:
        """The details recorded for one enterprise of the visit (an empty stop when none were)."""
        return next((x for x in self.stops if x.enterprise_id == enterprise_id), VisitStop(enterprise_id))


@dataclass(frozen=True)
class VisitDetail(VisitData):
    id: str = ""
    enterprise_names: tuple[str, ...] = ()
    deleted: bool = False


def check_visit(s: Session, data: VisitData, *, today: dt.date | None = None) -> list[ValidationError]:
    today = today or dt.date.today()
    errors: list[ValidationError] = []
    if data.visited_on is None:
        errors.append(ValidationError("visited_on", "请填写走访日期"))
    elif data.visited_on > today:
        errors.append(ValidationError("visited_on", "走访日期不能晚于今天（计划中的走访请在走访后登记）"))
    ids = tuple(dict.fromkeys(e for e in data.enterprise_ids if e))
    if not ids:
        errors.append(ValidationError("enterprise_ids", "请至少选择一家走访的企业"))
    else:
        live = s.scalar(select(func.count()).where(Enterprise.id.in_(ids), Enterprise.deleted_at.is_(None)))
        if (n := len(ids) - (live or 0)) > 0:
            errors.append(ValidationError("enterprise_ids", f"有{n}家所选企业不存在或已在回收站中"))
    if not clean_text(data.leader):
        errors.append(ValidationError("leader", "请填写带队领导（企业走访由院领导带队）"))
    errors += length_errors(
        Visit,
        data,
        {
            "leader_title": "带队领导职务",
            "participants": "参加人员",
            "purpose": "走访目的",
            "findings": ("走访发现", LONG_TEXT_MAX),
            "follow_up": ("后续跟进", LONG_TEXT_MAX),
        },
    )
    return errors + _stop_errors(s, data)


def _stop_errors(s: Session, data: VisitData) -> list[ValidationError]:
    """Each enterprise's details, with messages naming the enterprise and the field (field "stops")."""
    names = dict(
        s.execute(
            select(Enterprise.id, Enterprise.name).where(
                Enterprise.id.in_([x.enterprise_id for x in data.stops])
            )
        ).all()
    )
    # a major since removed from 设置 stays valid where it was recorded (the forms offer only live ones)
    majors = set(
        s.scalars(
            select(Major.id).where(
                Major.id.in_([getattr(x, f) for x in data.stops for f in STOP_MAJORS if getattr(x, f)])
            )
        )
    )
    visited = set(data.enterprise_ids)
    errors: list[str] = []
    for stop in data.stops:
        who = names.get(stop.enterprise_id) or clean_text(stop.name) or "所选企业"
        if stop.enterprise_id and stop.enterprise_id not in visited:
            errors.append(f"{who}：不在本次走访的企业中")
        for f, label in STOP_COUNTS.items():
            n = getattr(stop, f)
            if n is not None and not 0 <= n <= STOP_COUNT_MAX:
                errors.append(f"{who}：{label}应在0～{STOP_COUNT_MAX}之间（现为{n}）")
        for f, label in STOP_MONEY.items():
            fen = getattr(stop, f)
            if fen is not None and fen < 0:
                errors.append(f"{who}：{label}不能为负数")
            elif fen is not None and fen > STOP_MONEY_MAX:
                errors.append(f"{who}：{label}按月填写，不能超过100万元")
        for f, label in STOP_MAJORS.items():
            if (major := getattr(stop, f)) and major not in majors:
                errors.append(f"{who}：{label}不存在，请重新选择")
        for f, label in STOP_TEXTS.items():
            errors += [
                f"{who}：{e.message}"
                for e in length_error(f, label, getattr(stop, f), max_length(VisitEnterprise, f))
            ]
    return [ValidationError("stops", m) for m in errors]


def _fill(link: VisitEnterprise, stop: VisitStop) -> None:
    for f in STOP_FIELDS:
        value = getattr(stop, f)
        if f in STOP_TEXTS:
            value = (value or "").strip()
        elif f in STOP_MAJORS:
            value = value or None
        setattr(link, f, value)


def _same(link: VisitEnterprise, stop: VisitStop) -> bool:
    probe = VisitEnterprise()
    _fill(probe, stop)
    return all(getattr(link, f) == getattr(probe, f) for f in STOP_FIELDS)


def _apply(v: Visit, d: VisitData) -> None:
    v.visited_on, v.leader, v.leader_title = d.visited_on, clean_text(d.leader), clean_text(d.leader_title)
    v.participants, v.purpose, v.findings, v.follow_up = (
        (x or "").strip() for x in (d.participants, d.purpose, d.findings, d.follow_up)
    )
    kept = {link.enterprise_id: link for link in v.enterprise_links}
    links = []
    for order, eid in enumerate(dict.fromkeys(e for e in d.enterprise_ids if e)):
        stop, link = d.stop(eid), kept.get(eid)
        if link is None or not _same(link, stop):
            # a changed enterprise gets a new link row (the flush turns it into an UPDATE): the visit's
            # audit row then shows the old and the new details (Visit.__audit_collections__)
            link = VisitEnterprise(enterprise_id=eid)
            _fill(link, stop)
        link.sort_order = order
        links.append(link)
    v.enterprise_links = links


def create_visit(s: Session, data: VisitData, *, today: dt.date | None = None) -> Changes:
    if errors := check_visit(s, data, today=today):
        raise ValidationErrors(errors)
    v = Visit()
    with s.no_autoflush:  # one audit row per save, not one per lazy load
        _apply(v, data)
    s.add(v)
    s.flush()
    return Changes("visit", (v.id,))


def update_visit(s: Session, visit_id: str, data: VisitData, *, today: dt.date | None = None) -> Changes:
    v = _get(s, visit_id)
    if errors := check_visit(s, data, today=today):
        raise ValidationErrors(errors)
    with s.no_autoflush:  # one audit row per save, not one per lazy load
        _apply(v, data)
    s.flush()
    return Changes("visit", (v.id,))


def delete_visits(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, Visit, ids)


def restore_visits(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, Visit, ids)


def _get(s: Session, visit_id: str) -> Visit:
    return get_or_raise(s, Visit, visit_id, "走访记录")


def get_visit(s: Session, visit_id: str) -> VisitDetail:
    v = _get(s, visit_id)
    eids = tuple(link.enterprise_id for link in v.enterprise_links)
    names = dict(s.execute(select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(eids))).all())
    return VisitDetail(
        id=v.id,
        visited_on=v.visited_on,
        enterprise_ids=eids,
        enterprise_names=tuple(names.get(e, "") for e in eids),
        leader=v.leader,
        leader_title=v.leader_title,
        participants=v.participants,
        purpose=v.purpose,
        findings=v.findings,
        follow_up=v.follow_up,
        stops=tuple(
            VisitStop(
                link.enterprise_id,
                **{f: getattr(link, f) for f in STOP_FIELDS},
                name=names.get(link.enterprise_id, ""),
            )
            for link in v.enterprise_links
        ),
        deleted=v.deleted_at is not None,
    )


@dataclass(frozen=True)
class VisitRow:
    id: str
    visited_on: dt.date
    enterprises: str
    leader: str
    purpose: str
    positions: int | None  # summed over the enterprises visited; None when none was recorded
    average_pay_fen: int | None  # the enterprises' average pay weighted by their positions


def visit_ids(
    s: Session, *, enterprise_id: str = "", text: str = "", year: int | None = None, deleted: bool = False
) -> list[str]:
    """Visits newest first; optionally those to one enterprise, those whose enterprise, leader, participants,
    purpose or findings contain `text`, or those in one calendar year."""
    stmt = select(Visit.id).where(in_view(Visit, deleted))
    if enterprise_id:
        stmt = stmt.where(
            Visit.id.in_(
                select(VisitEnterprise.visit_id).where(VisitEnterprise.enterprise_id == enterprise_id)
            )
        )
    if term := text.strip():
        pattern = like_pattern(term)
        stmt = stmt.where(
            or_(
                *(
                    col.like(pattern, escape="\\")
                    for col in (Visit.leader, Visit.participants, Visit.purpose, Visit.findings)
                ),
                Visit.id.in_(
                    select(VisitEnterprise.visit_id)
                    .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)
                    .where(
                        or_(
                            Enterprise.name.like(pattern, escape="\\"),
                            Enterprise.pinyin_initials.like(pattern.lower(), escape="\\"),
                        )
                    )
                ),
            )
        )
    if year is not None:
        stmt = stmt.where(Visit.visited_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return list(s.scalars(stmt.order_by(Visit.visited_on.desc(), Visit.id)))


def visit_years(s: Session) -> list[int]:
    """Years that have live visits, latest first (the page's year filter)."""
    days = s.scalars(select(func.min(Visit.visited_on)).where(Visit.deleted_at.is_(None))).first()
    last = s.scalars(select(func.max(Visit.visited_on)).where(Visit.deleted_at.is_(None))).first()
    return list(range(last.year, days.year - 1, -1)) if days and last else []


def visit_rows(s: Session, ids: Sequence[str]) -> dict[str, VisitRow]:
    if not ids:
        return {}
    ids = list(ids)
    names: dict[str, list[str]] = {}
    jobs: dict[str, list[tuple[int | None, int | None]]] = {}
    for vid, name, positions, pay in s.execute(
        select(
            VisitEnterprise.visit_id,
            Enterprise.name,
            VisitEnterprise.positions,
            VisitEnterprise.average_pay_fen,
        )
        .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)
        .where(VisitEnterprise.visit_id.in_(ids))
        .order_by(VisitEnterprise.visit_id, VisitEnterprise.sort_order)
    ):
        names.setdefault(vid, []).append(name)
        jobs.setdefault(vid, []).append((positions, pay))
    return {
        v.id: VisitRow(
            v.id,
            v.visited_on,
            "、".join(names.get(v.id, ())),
            v.leader,
            v.purpose,
            *visit_jobs(jobs.get(v.id, [])),
        )
        for v in s.execute(select(Visit.__table__).where(Visit.id.in_(ids)))
    }


def visit_jobs(stops: list[tuple[int | None, int | None]]) -> tuple[int | None, int | None]:
    """(positions summed, pay averaged weighted by positions — an enterprise without positions counts once)."""
    counts = [n for n, _ in stops if n is not None]
    paid = [(n or 1, pay) for n, pay in stops if pay is not None]
    weight = sum(w for w, _ in paid)
    pay = round(sum(w * pay for w, pay in paid) / weight) if paid else None
    return (sum(counts) if counts else None), pay


def last_visits(s: Session) -> dict[str, dt.date]:
    """{enterprise id: the date of its latest live visit}."""
    return dict(
        s.execute(
            select(VisitEnterprise.enterprise_id, func.max(Visit.visited_on))
            .join(Visit, Visit.id == VisitEnterprise.visit_id)
            .where(Visit.deleted_at.is_(None))
            .group_by(VisitEnterprise.enterprise_id)
        ).all()
    )


QUICK_NOTE = "走访时新增，待在合作企业档案中补全信息"


def create_quick_visit(
    s: Session, data: VisitData, new_names: Sequence[str] = (), *, today: dt.date | None = None
) -> Changes:
    """A visit entered on the spot, with enterprises typed by name that are not picked from the archive: a
    live enterprise with the same name (after name_key) is used, any other name becomes a new enterprise
    (意向, noted “走访时新增”) to complete later. All or nothing: a visit that fails validation leaves no new
    enterprise behind. The warnings name the enterprises created."""
    names = list(dict.fromkeys(clean_name(n) for n in new_names if clean_name(n)))  # （）as registered
    for name in names:
        if errors := check_fields(normalized(EnterpriseData(name=name))):
            raise ValidationErrors([ValidationError("new_names", f"企业名称“{name}”：{errors[0].message}")])
    existing = dict(
        s.execute(
            select(Enterprise.name_key, Enterprise.id).where(
                Enterprise.deleted_at.is_(None), Enterprise.name_key.in_([name_key(n) for n in names])
            )
        ).all()
    )
    created: list[str] = []
    with s.begin_nested():
        ids = list(data.enterprise_ids)
        new_ids: dict[str, str] = {}
        for name in names:
            eid = existing.get(name_key(name))
            if eid is None:
                eid = create_enterprise(s, EnterpriseData(name=name, note=QUICK_NOTE)).ids[0]
                created.append(name)
            ids.append(eid)
            new_ids[name] = eid
        stops = tuple(  # a new enterprise's details were typed against its name
            x if x.enterprise_id else replace(x, enterprise_id=new_ids.get(clean_text(x.name), ""))
            for x in data.stops
        )
        changes = create_visit(s, replace(data, enterprise_ids=tuple(ids), stops=stops), today=today)
    warnings = tuple(f"已新增企业“{n}”，请稍后在合作企业档案中补全信息" for n in created)
    return Changes("visit", changes.ids, warnings)
