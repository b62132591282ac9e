"""合作协议: validation, create / update, the lifecycle, 回收站. Listing: agreement_list.py.

Lifecycle (H第四条(三)): 草稿 → 学院审核 → 学校审定 → 生效 → 到期 | 终止; a reviewer may send an agreement
back to 草稿. Each move is stamped (AgreementTransition: from, to, when, OS user, remark). An agreement
already signed on paper can be entered directly as 生效 (补录). A 生效 agreement whose end date has passed
*shows* as 到期 (effective_status) without anyone editing it; the stored status stays 生效 until the user
confirms the expiry, and the reminders point at such agreements.

Dates: the end must not be before the start, and the signing not after the end. Signing after the start is
allowed on purpose: agreements are often signed (补签) after the cooperation has begun. An agreement without
an end date never expires. The end date is the last day in force: on the next day it is 到期.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.audit import os_user
from app.db.models import (
    AGREEMENT_KINDS,
    Agreement,
    AgreementEnterprise,
    AgreementTransition,
    Attachment,
    AuditLog,
    Enterprise,
)
from app.domain.names import clean_text
from app.errors import AppError, ValidationError, ValidationErrors
from app.services.common import LONG_TEXT_MAX, Changes, get_or_raise, length_errors, now, restore, soft_delete
from app.services.history import ACTIONS, HistoryEntry

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "草稿": ("学院审核",),
    "学院审核": ("学校审定", "草稿"),
    "学校审定": ("生效", "草稿"),
    "生效": ("到期", "终止"),
    "到期": (),
    "终止": (),
}
INITIAL_STATUSES = ("草稿", "生效")  # a new agreement, or one signed before it was entered (补录)


def allowed_transitions(status: str) -> tuple[str, ...]:
    """The statuses an agreement with this stored status may move to (the only ones a form offers)."""
    return TRANSITIONS.get(status, ())


def effective_status(status: str, ends_on: dt.date | None, today: dt.date) -> str:
    """What the user sees: a 生效 agreement past its end date is 到期."""
    if status == "生效" and ends_on is not None and ends_on < today:
        return "到期"
    return status


@dataclass(frozen=True)
class AgreementData:
    """What a user enters for an agreement. `status` counts only when creating (草稿 or 生效)."""

    title: str
    kind: str
    enterprise_ids: tuple[str, ...]
    number: str = ""
    signed_on: dt.date | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    has_revenue_clause: bool = False
    revenue_clause: str = ""
    has_asset_clause: bool = False
    asset_clause: str = ""
    note: str = ""
    status: str = "草稿"


@dataclass(frozen=True)
class TransitionInfo:
    from_status: str
    to_status: str
    at: dt.datetime
    os_user: str
    remark: str


@dataclass(frozen=True)
class AgreementDetail(AgreementData):
    id: str = ""
    effective_status: str = ""
    termination_reason: str = ""
    enterprise_names: tuple[str, ...] = ()
    transitions: tuple[TransitionInfo, ...] = ()
    allowed: tuple[str, ...] = ()
    deleted: bool = False


# ---------------------------------------------------------------- validation


def normalized(d: AgreementData) -> AgreementData:
    revenue, asset = (d.revenue_clause or "").strip(), (d.asset_clause or "").strip()
    return AgreementData(
        title=clean_text(d.title),
        kind=clean_text(d.kind),
        enterprise_ids=tuple(dict.fromkeys(e for e in d.enterprise_ids if e)),
        number=clean_text(d.number),
        signed_on=d.signed_on,
        starts_on=d.starts_on,
        ends_on=d.ends_on,
        has_revenue_clause=bool(d.has_revenue_clause or revenue),
        revenue_clause=revenue,
        has_asset_clause=bool(d.has_asset_clause or asset),
        asset_clause=asset,
        note=(d.note or "").strip(),
        status=clean_text(d.status) or "草稿",
    )


def check_fields(d: AgreementData) -> list[ValidationError]:
    """Rules that need no database, on normalized() data."""
    errors: list[ValidationError] = []
    if not d.title:
        errors.append(ValidationError("title", "协议名称不能为空"))
    elif len(d.title) > 200:
        errors.append(ValidationError("title", "协议名称过长（最多200字）"))
    if len(d.number) > 50:
        errors.append(ValidationError("number", "协议编号过长（最多50字）"))
    if d.kind not in AGREEMENT_KINDS:
        errors.append(ValidationError("kind", f"协议类型应为：{'、'.join(AGREEMENT_KINDS)}"))
    if not d.enterprise_ids:
        errors.append(ValidationError("enterprise_ids", "请至少选择一家合作企业"))
    if d.starts_on and d.ends_on and d.ends_on < d.starts_on:
        errors.append(ValidationError("ends_on", "结束日期不能早于开始日期"))
    if d.signed_on and d.ends_on and d.signed_on > d.ends_on:
        errors.append(ValidationError("signed_on", "签订日期不能晚于结束日期"))
    errors += length_errors(
        Agreement,
        d,
        {
            "revenue_clause": ("收益分配条款", LONG_TEXT_MAX),
            "asset_clause": ("资产条款", LONG_TEXT_MAX),
            "note": "备注",
        },
    )
    return errors


def _effect_errors(
    number: str, signed_on: dt.date | None, starts_on: dt.date | None
) -> list[ValidationError]:
    """What an agreement needs to be 生效."""
    errors = []
    if not number:
        errors.append(ValidationError("number", "生效的协议须填写协议编号"))
    if signed_on is None:
        errors.append(ValidationError("signed_on", "生效的协议须填写签订日期"))
    if starts_on is None:
        errors.append(ValidationError("starts_on", "生效的协议须填写开始日期"))
    return errors


def check_agreement(
    s: Session, data: AgreementData, *, exclude_id: str | None = None
) -> list[ValidationError]:
    d = normalized(data)
    errors = check_fields(d)
    if exclude_id is None:
        if d.status not in INITIAL_STATUSES:
            errors.append(ValidationError("status", "新协议的状态应为草稿，或补录已签订的协议为生效"))
        elif d.status == "生效":
            errors += _effect_errors(d.number, d.signed_on, d.starts_on)
    if d.number:
        same = select(Agreement.title, Agreement.deleted_at.is_not(None)).where(Agreement.number == d.number)
        if exclude_id:
            same = same.where(Agreement.id != exclude_id)
        clash = s.execute(same.limit(1)).first()
        if clash:
            where = "（在回收站中）" if clash[1] else ""
            errors.append(ValidationError("number", f"协议编号“{d.number}”已被协议“{clash[0]}”{where}使用"))
    if d.enterprise_ids:
        live = set(
            s.scalars(
                select(Enterprise.id).where(
                    Enterprise.id.in_(d.enterprise_ids), Enterprise.deleted_at.is_(None)
                )
            )
        )
        if missing := [e for e in d.enterprise_ids if e not in live]:
            errors.append(
                ValidationError("enterprise_ids", f"有{len(missing)}家所选企业不存在或已在回收站中")
            )
    return errors


# ---------------------------------------------------------------- writing


def _apply(a: Agreement, d: AgreementData) -> None:
    for key in (
        "title kind number signed_on starts_on ends_on has_revenue_clause revenue_clause "
        "has_asset_clause asset_clause note"
    ).split():
        setattr(a, key, getattr(d, key))
    kept = {link.enterprise_id: link for link in a.enterprise_links}
    links = []
    for order, eid in enumerate(d.enterprise_ids):
        link = kept.get(eid) or AgreementEnterprise(enterprise_id=eid)
        link.sort_order = order
        links.append(link)
    a.enterprise_links = links


def _stamp(a: Agreement, from_status: str, to_status: str, remark: str) -> None:
    a.transitions.append(
        AgreementTransition(
            from_status=from_status, to_status=to_status, at=now(), os_user=os_user(), remark=remark
        )
    )


def create_agreement(s: Session, data: AgreementData) -> Changes:
    if errors := check_agreement(s, data):
        raise ValidationErrors(errors)
    d = normalized(data)
    a = Agreement(status=d.status, termination_reason="")
    with s.no_autoflush:  # one audit row per save, not one per lazy load
        _apply(a, d)
    _stamp(a, "", d.status, "新建" if d.status == "草稿" else "补录已签订的协议")
    s.add(a)
    s.flush()
    return Changes("agreement", (a.id,))


def update_agreement(s: Session, agreement_id: str, data: AgreementData) -> Changes:
    """Change the fields (not the status: that is transition_agreement's)."""
    a = _get(s, agreement_id)
    errors = check_agreement(s, data, exclude_id=agreement_id)
    d = normalized(data)
    if a.status in ("生效", "到期", "终止"):
        errors += _effect_errors(d.number, d.signed_on, d.starts_on)
    if errors:
        raise ValidationErrors(errors)
    with s.no_autoflush:  # one audit row per save, not one per lazy load
        _apply(a, d)
    s.flush()
    return Changes("agreement", (a.id,))


def transition_agreement(
    s: Session,
    agreement_id: str,
    to_status: str,
    *,
    remark: str = "",
    reason: str = "",
    today: dt.date | None = None,
) -> Changes:
    """Move an agreement one legal step; 终止 needs a `reason`; the step is stamped."""
    today = today or dt.date.today()
    a = _get(s, agreement_id)
    if a.deleted_at is not None:
        raise AppError("回收站中的协议不能变更状态，请先恢复")
    if to_status not in allowed_transitions(a.status):
        offered = "、".join(allowed_transitions(a.status)) or "无（已是最终状态）"
        raise ValidationError("status", f"协议状态不能从“{a.status}”变为“{to_status}”；可选：{offered}")
    reason, remark = (reason or "").strip(), (remark or "").strip()
    errors: list[ValidationError] = []
    if to_status == "终止" and not reason:
        errors.append(ValidationError("termination_reason", "终止协议须填写终止原因"))
    if to_status == "生效":
        errors += _effect_errors(a.number, a.signed_on, a.starts_on)
    if to_status == "到期" and (a.ends_on is None or a.ends_on >= today):
        errors.append(ValidationError("ends_on", "协议尚未到结束日期，不能标记为到期；提前结束请选择“终止”"))
    if errors:
        raise ValidationErrors(errors)
    if to_status == "终止":
        a.termination_reason = reason
    _stamp(a, a.status, to_status, remark or reason)
    a.status = to_status
    s.flush()
    return Changes("agreement", (a.id,))


def delete_agreements(s: Session, ids: Sequence[str]) -> Changes:
    return soft_delete(s, Agreement, ids)


def restore_agreements(s: Session, ids: Sequence[str]) -> Changes:
    return restore(s, Agreement, ids)


def _get(s: Session, agreement_id: str) -> Agreement:
    return get_or_raise(s, Agreement, agreement_id, "协议")


def get_agreement(s: Session, agreement_id: str, *, today: dt.date | None = None) -> AgreementDetail:
    a = _get(s, agreement_id)
    eids = tuple(link.enterprise_id for link in a.enterprise_links)
    names = dict(s.execute(select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(eids))).all())
    return AgreementDetail(
        id=a.id,
        title=a.title,
        kind=a.kind,
        enterprise_ids=eids,
        enterprise_names=tuple(names.get(e, "") for e in eids),
        number=a.number,
        signed_on=a.signed_on,
        starts_on=a.starts_on,
        ends_on=a.ends_on,
        has_revenue_clause=a.has_revenue_clause,
        revenue_clause=a.revenue_clause,
        has_asset_clause=a.has_asset_clause,
        asset_clause=a.asset_clause,
        note=a.note,
        status=a.status,
        effective_status=effective_status(a.status, a.ends_on, today or dt.date.today()),
        termination_reason=a.termination_reason,
        transitions=tuple(
            TransitionInfo(t.from_status, t.to_status, t.at, t.os_user, t.remark) for t in a.transitions
        ),
        allowed=allowed_transitions(a.status),
        deleted=a.deleted_at is not None,
    )


# ---------------------------------------------------------------- history (the form's 修改记录 tab)

HISTORY_FIELDS = {
    "number": "协议编号",
    "title": "协议名称",
    "kind": "协议类型",
    "signed_on": "签订日期",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "status": "状态",
    "termination_reason": "终止原因",
    "has_revenue_clause": "收益分配条款",
    "revenue_clause": "收益分配条款内容",
    "has_asset_clause": "资产归属与处置条款",
    "asset_clause": "资产归属与处置条款内容",
    "note": "备注",
    "enterprise_links": "合作企业",
}


def _shown(v: object, names: dict[str, str]) -> str:
    if v is None or v == "" or v == []:
        return "（空）"
    if isinstance(v, bool):
        return "有" if v else "无"
    if isinstance(v, list):
        return "、".join(names.get(str(x), str(x)) for x in v)
    text = str(v)
    return text if len(text) <= 30 else text[:30] + "…"


def _agreement_summary(row: AuditLog, names: dict[str, str]) -> str:
    changes = row.changes or {}
    if row.action != "update":
        return f"{ACTIONS.get(row.action, row.action)}协议"
    parts = [
        f"{label}：{_shown(changes[key][0], names)} → {_shown(changes[key][1], names)}"
        for key, label in HISTORY_FIELDS.items()
        if key in changes
    ]
    return "修改 " + "；".join(parts) if parts else "修改协议"


def agreement_history(s: Session, agreement_id: str) -> list[HistoryEntry]:
    """Changes of an agreement and of its attachments, newest first, in Chinese."""
    files = dict(
        s.execute(
            select(Attachment.id, Attachment.original_name).where(
                Attachment.owner_type == "agreement", Attachment.owner_id == agreement_id
            )
        ).all()
    )
    rows = list(
        s.scalars(
            select(AuditLog)
            .where(AuditLog.record_id.in_([agreement_id, *files]))
            .order_by(AuditLog.at.desc())
        )
    )
    eids: set[str] = set()
    for r in rows:
        links = (r.changes or {}).get("enterprise_links")
        if links:
            eids.update(links if r.action != "update" else [*links[0], *links[1]])
    names = dict(s.execute(select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(eids))).all())
    out = []
    for r in rows:
        if r.record_id == agreement_id:
            summary = _agreement_summary(r, names)
        else:
            verb = {"insert": "添加", "delete": "移除"}.get(r.action, ACTIONS.get(r.action, r.action))
            summary = f"{verb}附件“{files.get(r.record_id, '')}”"
        out.append(
            HistoryEntry(
                r.at, r.os_user, ACTIONS.get(r.action, r.action), summary, r.db_user or "", r.machine
            )
        )
    return out
