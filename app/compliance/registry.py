"""合规检查: one registry of the rules of the policy texts (DOMAIN.md → Rules), and the one way to run them.

A rule is metadata — a code (INT-INSURANCE), a title, its source (H第十二条(三)), a default severity (错误 /
警告 / 提示), the record type its findings name, and what it checks. A check is a function
`(session, today) -> iterable of Finding` registered for the codes it produces (one query can serve several
rules: the agreement end dates give AGR-EXPIRING-30, AGR-EXPIRING-90 and AGR-PAST-END). Each area's rules live
in a module of this package (rules_cooperation, rules_funds, rules_people), imported at the end of this one;
the 工作台, `chanjiao check` / `chanjiao reminders` and the submission package only call run_checks().

A finding names its record, says what is wrong and how to fix it, and may carry a due date (when it becomes or
became a problem: an agreement's end, a semester's last day, an internship's start). Its `key` — rule, record
and a detail for rules that find a record more than once (a project's missing report per semester) — is what
an acknowledgement (忽略并说明, app/compliance/acks.py) refers to.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy.orm import Session

ERROR, WARNING, HINT = "错误", "警告", "提示"
SEVERITIES = (ERROR, WARNING, HINT)
# What a finding's record is, in words (the package's 合规检查 sheet); every rule's record_type has one.
RECORD_TYPE_LABELS = {
    "action_item": "会议待办事项",
    "agreement": "合作协议",
    "asset": "资产",
    "budget": "经费预算",
    "enterprise": "合作企业",
    "internship": "学生实习",
    "major": "专业",
    "major_group": "专业群",
    "project": "项目",
    "teacher": "教师",
}


@dataclass(frozen=True)
class Rule:
    code: str
    title: str  # short, for lists: 协议30天内到期
    source: str  # H第十条, 实习规定第十八条 …
    severity: str
    record_type: str  # agreement / project / enterprise / internship / teacher / major / major_group …
    description: str  # what is checked, in a sentence (tooltips, the package, `chanjiao check --rules`)

    @property
    def sets(self) -> frozenset[str]:
        """The rule sets that say this rule: NATIONAL and/or a school preset (H, N)."""
        return source_sets(self.source)

    @property
    def citation(self) -> str:
        return cite_source(self.source)


class Finding(NamedTuple):
    """A finding: immutable and compared field by field like the frozen dataclass it was, a named tuple
    because a large college's check makes 70,000 of them (built 3–5× faster; `_replace` for a changed copy)."""

    rule: str
    severity: str
    source: str
    record_type: str
    record_id: str
    title: str  # the record, as a person reads it
    message: str  # what is wrong and how to fix it
    due: dt.date | None = None
    detail: str = ""  # tells apart two findings of one rule on one record (a semester, a budget line …)

    @property
    def key(self) -> str:
        return f"{self.rule}|{self.record_id}|{self.detail}"

    @property
    def rule_title(self) -> str:
        return RULES[self.rule].title if self.rule in RULES else self.rule

    @property
    def citation(self) -> str:
        """The source in the reader's words (documents print this, never the shorthand or the rule code)."""
        return cite_source(self.source)


# The documents behind the shorthand of Rule.source (DOMAIN.md): how a reader sees them cited.
SOURCE_TITLES = {
    "H": "《湖南生物机电职业技术学院产教融合管理办法（试行）》",
    "N": "《海南职业技术学院关于深化产教融合校企合作工作的实施意见（试行）》",
    "实习规定": "《职业学校学生实习管理规定》",
}
_CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _cite_one(part: str) -> str:
    """H第十二条(三) → 《…管理办法（试行）》第十二条第（三）项; N四(五)1 → 《…实施意见（试行）》第四部分第（五）项第1点;
    实习规定第十八条 → 《职业学校学生实习管理规定》第十八条; 实习规定（休息休假） → 《…》关于休息休假的规定;
    实习规定 → the title alone."""
    import re

    part = part.strip()
    if m := re.fullmatch(r"H(第[一二三四五六七八九十]+条)(?:\(([一二三四五六七八九十]+)\))?", part):
        return SOURCE_TITLES["H"] + m[1] + (f"第（{m[2]}）项" if m[2] else "")
    if m := re.fullmatch(r"N([一二三四五六七八九十]+)(?:\(([一二三四五六七八九十]+)\))?(\d+)?", part):
        text = SOURCE_TITLES["N"] + f"第{m[1]}部分"
        if m[2]:
            text += f"第（{m[2]}）项"
        if m[3]:
            text += f"第{_cn_number(int(m[3]))}点"
        return text
    if part.startswith("实习规定"):
        rest = part.removeprefix("实习规定")
        if m := re.fullmatch(r"[（(](.+)[）)]", rest):  # cited by content: 实习规定（休息休假）
            return SOURCE_TITLES["实习规定"] + f"关于{m[1]}的规定"
        return SOURCE_TITLES["实习规定"] + rest
    return part


def _parts(source: str) -> list[str]:
    return [p.strip() for p in source.replace(";", "；").split("；") if p.strip()]


def cite_source(source: str) -> str:
    """A rule's source in the reader's words: every part of "H第十二条(三)；实习规定" by the document's title."""
    return "；".join(_cite_one(p) for p in _parts(source))


# Rule sets (app/services/rule_sets.py keeps the choice): the national 实习规定 always applies; of the school
# policies (presets, by the shorthand of their source) a college follows one, or none. A rule is checked when
# one of its sources is in force; its findings cite only the sources in force.
NATIONAL = "实习规定"
PRESETS = ("H", "N")


def _set_of(part: str) -> str:
    return next((p for p in PRESETS if part.startswith(p)), NATIONAL)


def source_sets(source: str) -> frozenset[str]:
    return frozenset(_set_of(p) for p in _parts(source))


def source_in_force(source: str, preset: str) -> str:
    """The parts of `source` of the sets in force (实习规定 and `preset`, "" for none); "" when the rule is off."""
    return "；".join(p for p in _parts(source) if _set_of(p) in (NATIONAL, preset))


def rule_applies(rule: Rule, preset: str) -> bool:
    return bool(source_in_force(rule.source, preset))


Check = Callable[[Session, dt.date], Iterable[Finding]]
RULES: dict[str, Rule] = {}
CHECKS: list[tuple[tuple[str, ...], Check]] = []


def define(code: str, title: str, source: str, severity: str, record_type: str, description: str) -> Rule:
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r} for {code}")
    RULES[code] = Rule(code, title, source, severity, record_type, description)
    return RULES[code]


def check(*codes: str) -> Callable[[Check], Check]:
    """Register a check producing findings of `codes` (each defined before)."""

    def register(fn: Check) -> Check:
        missing = [c for c in codes if c not in RULES]
        if missing:
            raise ValueError(f"check {fn.__name__} produces undefined rules {missing}")
        CHECKS.append((codes, fn))
        return fn

    return register


def finding(
    code: str,
    record_id: str,
    title: str,
    message: str,
    due: dt.date | None = None,
    *,
    severity: str = "",
    detail: str = "",
    record_type: str = "",
) -> Finding:
    """A finding of rule `code`, with the rule's source, severity and record type unless given."""
    r = RULES[code]
    return Finding(
        code,
        severity or r.severity,
        r.source,
        record_type or r.record_type,
        record_id,
        title,
        message,
        due,
        detail,
    )


def rule_of(code: str) -> Rule:
    from app.errors import AppError

    try:
        return RULES[code.strip().upper()]
    except KeyError:
        raise AppError(f"没有代码为“{code}”的规则（`chanjiao check --rules` 列出全部规则）") from None


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def run_checks(
    s: Session,
    today: dt.date | None = None,
    *,
    codes: Sequence[str] | None = None,
    preset: str | None = None,
    ordered: bool = True,
) -> list[Finding]:
    """Every finding of the registered rules in force (or of `codes` only) as of `today`: by severity, rule,
    then the newest due date first (those without one last) and the record's title (`check_order`; with
    `ordered=False` in the checks' own order, for a caller that sorts them its own way: the 工作台's by_due).
    The rules in force are the national ones and those of the school preset chosen in 设置 (or `preset`); a
    finding's source keeps only the parts in force."""
    from app.services.rule_sets import get_rule_preset

    today = today or dt.date.today()
    preset = get_rule_preset(s) if preset is None else preset
    in_force = {c for c, r in RULES.items() if rule_applies(r, preset)}
    wanted = {rule_of(c).code for c in codes} & in_force if codes is not None else in_force
    out: list[Finding] = []
    cited: dict[str, str] = {}  # a source → its parts in force (a rule's source, cut once per run)
    for produced, fn in CHECKS:
        if wanted & set(produced):
            out += _kept(list(fn(s, today)), wanted, preset, cited)
    return in_check_order(out) if ordered else out


def _kept(found: list[Finding], wanted: set[str], preset: str, cited: dict[str, str]) -> list[Finding]:
    """Of one check's findings, those of the rules `wanted`, each citing only the parts of its source in
    force: the list itself when there is nothing to drop or cut (the usual case: a large college's 66,000
    一年未走访 are looked over for their rules and sources, not copied one by one)."""
    sources = {f.source for f in found}
    for source in sources - cited.keys():
        if source:
            cited[source] = source_in_force(source, preset)
    if {f.rule for f in found} <= wanted and all(not src or cited[src] == src for src in sources):
        return found
    out = []
    for f in found:
        if f.rule not in wanted:
            continue
        if f.source and (source := cited[f.source]) != f.source:
            f = f._replace(source=source)
        out.append(f)
    return out


_RANKS = {sev: i for i, sev in enumerate(SEVERITIES)}
_UNDATED = dt.date.max.toordinal() + 1  # after every day


def _sorted_by(
    findings: Iterable[Finding], head: Callable[[Finding], tuple], ties: Callable
) -> list[Finding]:
    """sorted(findings, key=lambda f: (*head(f), *ties(f))), quicker on many findings sharing a head (the
    66,000 一年未走访 of a large college have 5,000 due dates): grouped by head, the heads sorted, each group
    by its ties. Stable like sorted()."""
    groups: dict[tuple, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[head(f)].append(f)
    out: list[Finding] = []
    for h in sorted(groups):
        group = groups[h]
        if len(group) > 1:
            group.sort(key=ties)
        out += group
    return out


def _check_head(f: Finding) -> tuple[int, str, int]:
    due = f.due
    return (_RANKS.get(f.severity, len(SEVERITIES)), f.rule, _UNDATED - due.toordinal() if due else _UNDATED)


_CHECK_TIES = attrgetter("title", "record_id", "detail")
_DUE_TIES = attrgetter("rule", "title", "record_id", "detail")


def check_order(f: Finding) -> tuple:
    """run_checks' order: by severity, rule, then the newest due date first (those without one last), the
    record's title, id and detail."""
    return (*_check_head(f), *_CHECK_TIES(f))


def in_check_order(findings: Iterable[Finding]) -> list[Finding]:
    """sorted(findings, key=check_order), quicker on many."""
    return _sorted_by(findings, _check_head, _CHECK_TIES)


def by_due(findings: Iterable[Finding], today: dt.date | None = None) -> list[Finding]:
    """The 提醒 order of the 工作台, nearest first with what is overdue on top: the overdue (errors before
    warnings and hints, then the longest overdue first), then what is due today with the errors that have no
    due date (a project without a leader is wrong now; errors first), then what is coming up by date, the other undated
    ones last; severity, rule and title break ties, then the record's id and the detail (as run_checks' order
    does: the order is the same whether `findings` come in that order or in the checks' own). Without `today`
    nothing counts as overdue: plain due dates, earliest first."""

    last = len(SEVERITIES)
    undated = _UNDATED

    def head(f: Finding) -> tuple[int, int, int]:
        due = f.due
        rank = _RANKS.get(f.severity, last)
        if due is None:
            if f.severity == ERROR and today is not None:  # now: errors first
                return (1, rank, undated)
            return (3, undated, rank)
        if today is None or due > today:
            return (2, due.toordinal(), rank)
        return (0 if due < today else 1, rank, due.toordinal())

    return _sorted_by(findings, head, _DUE_TIES)


def with_severity(f: Finding, severity: str) -> Finding:
    return f._replace(severity=severity)


# The areas define their rules and checks, imported last (they use the names above) in the order of the
# rules table of DOMAIN.md.
for _area in ("rules_people", "rules_cooperation", "rules_funds"):
    importlib.import_module(f"app.compliance.{_area}")
