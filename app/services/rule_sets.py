"""Which rules the 合规检查 applies: the national 《职业学校学生实习管理规定》 always, and the college's own school
policy — one of the presets taken from the two policy texts (DOMAIN.md: H, N), or none.

A college follows its own school's policy, not both: a rule whose only source is a preset not chosen is not
checked; a rule citing both a preset and the national rules stays (and cites only what is in force). The
choice is a setting (key `rule_preset`: "H", "N" or "none"); a database that never chose follows the
湖南生物机电 preset, the policy most rules come from (DEFAULT_PRESET).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.compliance.registry import NATIONAL, PRESETS, RULES, SOURCE_TITLES, Rule, rule_applies
from app.errors import ValidationError
from app.services.common import Changes
from app.services.settings import _get, _set

KEY = "rule_preset"
NONE = "none"  # stored for "no school preset" (an absent key means the default)
DEFAULT_PRESET = "H"


@dataclass(frozen=True)
class RuleSetChoice:
    key: str  # "H", "N" or "" (none)
    label: str  # for the 设置 panel
    title: str  # the policy document, as documents cite it ("" for none)


def preset_choices() -> tuple[RuleSetChoice, ...]:
    """The choices of 设置, in order: each preset, then none."""
    return (
        *(RuleSetChoice(p, SOURCE_TITLES[p], SOURCE_TITLES[p]) for p in PRESETS),
        RuleSetChoice("", "不采用学校制度（只检查国家规定）", ""),
    )


def get_rule_preset(s: Session) -> str:
    """The school preset in force: "H", "N", or "" for none."""
    value = _get(s, KEY)
    if not value:
        return DEFAULT_PRESET
    return "" if value == NONE else value if value in PRESETS else DEFAULT_PRESET


def save_rule_preset(s: Session, preset: str) -> Changes:
    if preset not in (*PRESETS, ""):
        raise ValidationError("rule_preset", f"未知的学校制度“{preset}”，请从列表中选择。")
    _set(s, KEY, preset or NONE)
    return Changes("settings", (KEY,))


def documents_in_force(preset: str) -> tuple[str, ...]:
    """The titles of the documents whose rules are checked: the national one first."""
    return (SOURCE_TITLES[NATIONAL], *((SOURCE_TITLES[preset],) if preset else ()))


def rules_in_force(preset: str) -> tuple[Rule, ...]:
    return tuple(r for r in RULES.values() if rule_applies(r, preset))


def rules_off(preset: str) -> tuple[Rule, ...]:
    """The rules not checked under `preset` (only a preset not chosen says them)."""
    return tuple(r for r in RULES.values() if not rule_applies(r, preset))
