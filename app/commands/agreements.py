"""`chanjiao agreements list`."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from app.commands.common import iso_date, open_db, print_json


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"天数“{text}”应为不小于0的整数")
    return int(text)


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    today = argparse.ArgumentParser(add_help=False)
    today.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="按此日期计算（默认：今天）")

    agreements = sub.add_parser("agreements", help="合作协议")
    actions = agreements.add_subparsers(dest="action", metavar="操作", required=True)
    lst = actions.add_parser("list", parents=[db_parent, today], help="列出协议")
    lst.add_argument("--expiring", type=_days, metavar="DAYS", help="只列出生效且在 DAYS 天内到期的协议")
    lst.add_argument("--status", default="", help="只列出此状态（按到期日自动计算的状态）")
    lst.add_argument("--json", action="store_true", help="以 JSON 输出")
    return {"agreements": cmd_agreements}


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def cmd_agreements(args: argparse.Namespace) -> int:
    from app.services.agreement_list import AgreementQuery, agreement_ids, agreement_rows

    today = args.today or dt.date.today()
    query = AgreementQuery(status=args.status, expiring_within=args.expiring)
    db = open_db(args)
    try:
        with db.reader() as s:
            ids = agreement_ids(s, query, today=today)
            rows = agreement_rows(s, ids, today=today)
    finally:
        db.close()
    items = [rows[i] for i in ids]
    if args.json:
        fields = "id number title kind enterprises signed_on starts_on ends_on status days_left".split()
        out = [{f: _json_value(getattr(r, f)) for f in fields} for r in items]
        print_json(out)
        return 0
    for r in items:
        left = f"（剩{r.days_left}天）" if r.days_left is not None else ""
        print(
            f"{r.number or '（无编号）'}\t{r.title}\t{r.enterprises}\t{r.ends_on or '长期'}{left}\t{r.status}"
        )
    print(f"共 {len(items)} 份协议")
    return 0
