"""`chanjiao funds summary` (budget, spent, remaining per project and category) and `chanjiao assets list`."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from app.commands.common import end_progress, four_digit_year, open_db, print_json, print_progress, run_import
from app.domain.money import format_money


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    funds = sub.add_parser("funds", help="经费预算与台账")
    actions = funds.add_subparsers(dest="action", metavar="操作", required=True)
    summary = actions.add_parser("summary", parents=[db_parent], help="按项目和经费类别汇总预算、支出、结余")
    summary.add_argument(
        "--year", type=four_digit_year, metavar="YYYY", help="只汇总此年度（默认：全部年度）"
    )
    summary.add_argument("--json", action="store_true", help="以 JSON 输出（金额单位：分）")

    assets = sub.add_parser("assets", help="产教融合资产")
    asset_actions = assets.add_subparsers(dest="action", metavar="操作", required=True)
    lst = asset_actions.add_parser("list", parents=[db_parent], help="列出资产登记")
    lst.add_argument("--json", action="store_true", help="以 JSON 输出（金额单位：分）")
    return {"funds": cmd_funds, "assets": cmd_assets}


def cmd_funds(args: argparse.Namespace) -> int:
    from app.services.funds import budget_summary

    db = open_db(args)
    try:
        with db.reader() as s:
            summary = budget_summary(s, args.year)
    finally:
        db.close()
    if args.json:
        print_json(
            {
                "year": summary.year,
                "lines": [
                    {
                        "year": x.year,
                        "project_id": x.project_id,
                        "project": x.project_name,
                        "category_id": x.category_id,
                        "category": x.category_name,
                        "budget_fen": x.budget_fen,
                        "spent_fen": x.spent_fen,
                        "remaining_fen": x.remaining_fen,
                        "income_fen": x.income_fen,
                        "percent_used": None if x.percent_used is None else round(x.percent_used, 2),
                        "overspent": x.overspent,
                    }
                    for x in summary.lines
                ],
                "total_budget_fen": summary.total_budget_fen,
                "total_income_fen": summary.total_income_fen,
                "total_expense_fen": summary.total_expense_fen,
                "total_remaining_fen": summary.total_remaining_fen,
            }
        )
        return 0
    for x in summary.lines:
        used = "—" if x.percent_used is None else f"{x.percent_used:.1f}%"
        mark = "  超预算" if x.overspent else ""
        got = f"\t收入 {format_money(x.income_fen)}" if x.income_fen else ""
        print(
            f"{x.year}\t{x.project_name}\t{x.category_name}\t预算 {format_money(x.budget_fen)}\t"
            f"支出 {format_money(x.spent_fen)}\t结余 {format_money(x.remaining_fen)}\t{used}{mark}{got}"
        )
    print(
        f"合计：预算 {format_money(summary.total_budget_fen)}，收入 {format_money(summary.total_income_fen)}，"
        f"支出 {format_money(summary.total_expense_fen)}；超预算 {len(summary.overspent_lines)} 项"
    )
    return 0


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def cmd_assets(args: argparse.Namespace) -> int:
    from app.services.assets import asset_ids, asset_rows

    db = open_db(args)
    try:
        with db.reader() as s:
            ids = asset_ids(s)
            rows = asset_rows(s, ids)
    finally:
        db.close()
    items = [rows[i] for i in ids]
    if args.json:
        fields = (
            "id name spec quantity unit_value_fen total_value_fen owner contributed_by contribution_kind "
            "agreement location custodian acquired_on status major"
        ).split()
        print_json([{f: _json_value(getattr(r, f)) for f in fields} for r in items])
        return 0
    for r in items:
        print(
            f"{r.name}\t{r.spec}\t{r.quantity}\t{format_money(r.total_value_fen)}\t{r.owner}\t"
            f"{r.custodian or '（无保管人）'}\t{r.status}"
        )
    print(f"共 {len(items)} 项资产，总值 {format_money(sum(r.total_value_fen for r in items))}")
    return 0


# ---------------------------------------------------------------- import / export / template ledger
# Registered in app/cli.py as `import ledger`, `export ledger`, `template ledger` (beside the enterprises).


def cmd_import_ledger(args: argparse.Namespace) -> int:
    """Exit 0: every row valid; 1: rows rejected (the valid ones are imported unless --dry-run); 2: the file
    (or the --project) cannot be used. --json: the same shape as `import enterprises`."""
    from app.io.ledger_xlsx import import_ledger, read_ledger

    def read(s, file, progress):
        return read_ledger(
            s, file, project=args.project, keep_duplicates=args.keep_duplicates, progress=progress
        )

    def notes(preview, changes) -> list[str]:
        out = [f"（提示）{w}" for w in (changes.warnings[len(preview.warnings) :] if changes else ())]
        return out + ([f"跳过合计/小计行 {preview.skipped} 行。"] if preview.skipped else [])

    return run_import(args, read, import_ledger, notes=notes)


def cmd_export_ledger(args: argparse.Namespace) -> int:
    from app.io.ledger_export import export_ledger

    db = open_db(args)
    try:
        with db.reader() as s:
            r = export_ledger(s, args.file, year=args.year, project_id=args.project, progress=print_progress)
        end_progress()
    finally:
        db.close()
    print(
        f"已导出 {r.entries} 条台账记录到 {args.file}：收入 {format_money(r.income_fen)}，"
        f"支出 {format_money(r.expense_fen)}，期末余额 {format_money(r.closing_fen)}"
    )
    return 0


def cmd_template_ledger(args: argparse.Namespace) -> int:
    from app.db.models import BUDGET_CATEGORIES
    from app.io.ledger_xlsx import write_template

    write_template(args.file, categories=BUDGET_CATEGORIES)
    print(f"已生成经费台账导入模板：{args.file}")
    return 0
