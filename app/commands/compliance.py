"""`chanjiao check` (合规检查) and `chanjiao reminders` (the same findings by due date): app/compliance/."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Callable

from app.commands.common import iso_date, open_db, print_json

_SCHOOL_YEAR = re.compile(r"(\d{4})(?:-(\d{4}))?")


def school_year(text: str) -> int:
    """--year: 2025 or 2025-2026, the 学年 that begins in 2025."""
    m = _SCHOOL_YEAR.fullmatch(text.strip())
    if not m or (m[2] and int(m[2]) != int(m[1]) + 1):
        raise argparse.ArgumentTypeError(f"学年“{text}”应写成 2025-2026（或 2025）")
    return int(m[1])


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    when = argparse.ArgumentParser(add_help=False)
    when.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="按此日期检查（默认：今天）")
    when.add_argument("--json", action="store_true", help="以 JSON 输出（每条问题一个对象）")
    chk = sub.add_parser(
        "check",
        parents=[db_parent, when],
        help="合规检查：按政策文件逐条规则检查全部记录；有“错误”级问题时退出码为1",
    )
    chk.add_argument(
        "--rule", action="append", metavar="CODE", help="只检查此规则（可多次给出），如 INT-INSURANCE"
    )
    chk.add_argument(
        "--year",
        type=school_year,
        metavar="2025-2026",
        help="按该学年结束时（或今天，取较早者）的情况检查，只列属于该学年的问题（与该学年的上报材料包、自评报告相同）",
    )
    chk.add_argument("--include-acknowledged", action="store_true", help="也列出已“忽略并说明”的问题")
    chk.add_argument("--rules", action="store_true", help="只列出全部规则：代码、名称、是否检查、依据")
    sub.add_parser("reminders", parents=[db_parent, when], help="列出提醒：未忽略的合规问题，按期限排列")
    return {"check": cmd_check, "reminders": cmd_reminders}


def _as_of(args: argparse.Namespace, s) -> dt.date:
    from app.services.settings import get_semester_calendar

    today = args.today or dt.date.today()
    if getattr(args, "year", None) is None:
        return today
    month, day = get_semester_calendar(s).first_start
    end = dt.date(args.year + 1, month, day) - dt.timedelta(days=1)
    return min(today, end)


def _findings(args: argparse.Namespace, s, codes):
    """Today's check; with --year, that 学年's findings — the very ones its package and 自评报告 list
    (app/reporting/period_figures.py period_findings)."""
    if getattr(args, "year", None) is None:
        from app.compliance.acks import check_results

        return check_results(s, args.today or dt.date.today(), codes=codes)
    from app.package.period import period_of
    from app.reporting.period_figures import period_findings

    period = period_of(s, year=f"{args.year}-{args.year + 1}")
    return period_findings(s, period, args.today, codes=codes)


def _row(f, ack=None) -> dict[str, object]:
    out: dict[str, object] = {
        "rule": f.rule,
        "rule_title": f.rule_title,
        "severity": f.severity,
        "source": f.source,
        "citation": f.citation,
        "record_type": f.record_type,
        "record_id": f.record_id,
        "title": f.title,
        "message": f.message,
        "due": f.due.isoformat() if f.due else None,
    }
    if ack is not None:
        out["acknowledged"] = {"reason": ack.reason, "by": ack.by, "at": ack.at.isoformat()}
    return out


def _list_rules(args: argparse.Namespace) -> int:
    """Every rule with its source by the document's title and whether it is checked under the school
    policy chosen in 设置 (app/services/rule_sets.py)."""
    from app.compliance.registry import RULES, rule_applies
    from app.services.rule_sets import documents_in_force, get_rule_preset

    db = open_db(args)
    try:
        with db.reader() as s:
            preset = get_rule_preset(s)
    finally:
        db.close()
    rules = list(RULES.values())
    if args.json:
        print_json([{**vars(r), "citation": r.citation, "in_force": rule_applies(r, preset)} for r in rules])
    else:
        print("检查依据：" + "、".join(documents_in_force(preset)))
        for r in rules:
            state = "检查" if rule_applies(r, preset) else "不检查（所在学校制度未采用）"
            print(f"{r.code}\t{r.severity}\t{r.title}\t{state}\t{r.citation}\t{r.description}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Exit 0 when no open 错误-level finding, 1 otherwise."""
    from app.compliance.registry import rule_of

    if args.rules:
        return _list_rules(args)
    codes = [rule_of(c).code for c in args.rule] if args.rule else None
    db = open_db(args)
    try:
        with db.reader() as s:
            as_of = _as_of(args, s)
            result = _findings(args, s, codes)
    finally:
        db.close()
    acked = result.acknowledged if args.include_acknowledged else ()
    if args.json:
        print_json([_row(f) for f in result.open] + [_row(f, a) for f, a in acked])
    else:
        for f in result.open:
            print(f"[{f.severity}] {f.rule} {f.title}：{f.message}（依据：{f.citation}）")
        for f, a in acked:
            print(f"[已忽略] {f.rule} {f.title}：{f.message}（理由：{a.reason}）")
        by = {sev: sum(f.severity == sev for f in result.open) for sev in ("错误", "警告", "提示")}
        print(
            f"截至 {as_of}：错误 {by['错误']} 条，警告 {by['警告']} 条，提示 {by['提示']} 条；"
            f"已忽略 {len(result.acknowledged)} 条"
        )
    return 1 if result.errors else 0


def cmd_reminders(args: argparse.Namespace) -> int:
    from app.compliance.acks import check_results
    from app.compliance.registry import by_due

    db = open_db(args)
    try:
        with db.reader() as s:
            today = args.today or dt.date.today()
            found = by_due(check_results(s, today).open, today)
    finally:
        db.close()
    if args.json:
        print_json([_row(f) for f in found])
        return 0
    for f in found:
        print(f"{f.due or '—'}\t[{f.severity}] {f.rule_title}\t{f.title}\t{f.message}")
    print(f"共 {len(found)} 条提醒")
    return 0
