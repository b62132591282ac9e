"""The compliance findings as the older tests read them: reminders(s, today) in the 工作台's order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.compliance.registry import RULES, Finding, by_due, run_checks
from app.compliance.targets import Target, target_of

__all__ = ["Finding", "Target", "kind_label", "reminders", "target_of"]


def reminders(s: Session, today: dt.date) -> list[Finding]:
    return by_due(run_checks(s, today), today)


def kind_label(code: str) -> str:
    return RULES[code].title
