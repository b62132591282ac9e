"""`chanjiao report`: the annual evaluation (H第二十二条) — the indicators of a 学年 and the standard report
tables as Excel."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    report = sub.add_parser("report", help="年度考核指标与标准报表（H第二十二条）")
    report.add_subparsers(dest="action", metavar="操作", required=True)
    return {"report": cmd_report}


def cmd_report(args: argparse.Namespace) -> int:
    return 2
