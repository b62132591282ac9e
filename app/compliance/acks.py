"""忽略并说明: acknowledging a finding with a reason (kept in the audit trail, shown in the submission package),
and the results of a check split into open and acknowledged findings.

An acknowledgement refers to a finding's key (rule, record, detail): it stays while that finding does — its
message may change (the days missing grow) — and is ignored once the finding is gone. A later finding of the
same key is acknowledged too until the acknowledgement is withdrawn (撤销忽略, a soft delete).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.compliance.registry import ERROR, Finding, run_checks
from app.db.audit import os_user
from app.db.models import FindingAck
from app.errors import ValidationError
from app.services.common import Changes, get_or_raise, now, soft_delete

MIN_REASON = 4


@dataclass(frozen=True)
class Ack:
    id: str
    reason: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class CheckResult:
    open: tuple[Finding, ...]
    acknowledged: tuple[tuple[Finding, Ack], ...]

    @property
    def errors(self) -> int:
        """Open 错误-level findings (those make `chanjiao check` exit 1)."""
        return sum(f.severity == ERROR for f in self.open)


def _key(rule: str, record_id: str, detail: str) -> str:
    return f"{rule}|{record_id}|{detail}"


def active_acks(s: Session) -> dict[str, Ack]:
    rows = s.scalars(select(FindingAck).where(FindingAck.deleted_at.is_(None)))
    return {
        _key(a.rule, a.record_id, a.detail): Ack(a.id, a.reason, a.acknowledged_by, a.acknowledged_at)
        for a in rows
    }


def acknowledge(s: Session, finding: Finding, reason: str) -> Changes:
    """Acknowledge a finding with a reason (again: the reason is replaced)."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            "reason", f"请说明忽略的理由（至少{MIN_REASON}个字），它会留在修改记录和上报材料中"
        )
    row = s.scalars(
        select(FindingAck).where(
            FindingAck.deleted_at.is_(None),
            FindingAck.rule == finding.rule,
            FindingAck.record_id == finding.record_id,
            FindingAck.detail == finding.detail,
        )
    ).first()
    if row is None:
        row = FindingAck(rule=finding.rule, record_id=finding.record_id, detail=finding.detail)
        s.add(row)
    row.reason, row.acknowledged_by, row.acknowledged_at = reason, os_user(), now()
    s.flush()
    return Changes("finding_ack", (row.id,))


def withdraw(s: Session, ack_ids: Sequence[str]) -> Changes:
    """撤销忽略: the findings count again."""
    for ack_id in ack_ids:
        get_or_raise(s, FindingAck, ack_id, "忽略说明")
    return soft_delete(s, FindingAck, ack_ids)


def check_results(
    s: Session, today: dt.date | None = None, *, codes: Sequence[str] | None = None, ordered: bool = True
) -> CheckResult:
    """Today's check split into open and acknowledged findings, each in run_checks' order (or, with
    `ordered=False`, in the checks' own: for a caller that sorts them its own way)."""
    acks = active_acks(s)
    found = run_checks(s, today, codes=codes, ordered=ordered)
    rules = rules_keyed(found, acks.keys())
    if not rules:
        return CheckResult(open=tuple(found), acknowledged=())
    open_, acknowledged = [], []
    for f in found:
        if f.rule in rules and (ack := acks.get(f.key)) is not None:
            acknowledged.append((f, ack))
        else:
            open_.append(f)
    return CheckResult(open=tuple(open_), acknowledged=tuple(acknowledged))


def rules_keyed(found: Iterable[Finding], keys: Collection[str]) -> set[str]:
    """The rules of `found` whose findings may have one of `keys` (a key begins with its rule): only their
    findings' keys need making (not the 66,000 一年未走访's of a large college when none is acknowledged)."""
    if not keys:
        return set()
    heads = {key.partition("|")[0] for key in keys}
    return {rule for rule in {f.rule for f in found} if rule.partition("|")[0] in heads}
