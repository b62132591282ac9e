"""`chanjiao report`: the annual evaluation (H第二十二条) — the indicators of a 学年, each with what it counts,
and the four standard report tables (产学合作, 校外实习实训基地, 校内实践基地, 访企拓岗) as Excel."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from app.commands.common import iso_date, open_db, print_json


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--year", required=True, metavar="YYYY-YYYY", help="学年，如 2025-2026")
    common.add_argument("--json", action="store_true", help="以 JSON 输出")
    report = sub.add_parser("report", help="年度考核指标、标准报表与自评报告")
    actions = report.add_subparsers(dest="action", metavar="操作", required=True)
    actions.add_parser("indicators", parents=[db_parent, common], help="列出学年的考核指标及其统计口径")
    tables = actions.add_parser(
        "tables", parents=[db_parent, common], help="导出学年的标准报表（产学合作、校外/校内基地、访企拓岗）"
    )
    tables.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help="要保存的 Excel 文件")
    selfeval = actions.add_parser(
        "selfeval", parents=[db_parent, common], help="生成学年的产教融合工作自评报告（Word，含图表）"
    )
    selfeval.add_argument("--out", type=Path, required=True, metavar="FILE.docx", help="要保存的 Word 文件")
    selfeval.add_argument(
        "--template", type=Path, metavar="FILE.docx", help="自定义模板（默认：学院模板或内置模板）"
    )
    selfeval.add_argument(
        "--today", type=iso_date, metavar="YYYY-MM-DD", help="报告日期，按此日期列出未整改问题（默认：今天）"
    )
    return {"report": cmd_report}


def cmd_report(args: argparse.Namespace) -> int:

    db = open_db(args)
    try:
        with db.reader() as s:
            action = {"indicators": _indicators, "tables": _tables, "selfeval": _selfeval}[args.action]
            return action(s, args)
    finally:
        db.close()


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _indicators(s, args: argparse.Namespace) -> int:
    from app.reporting.evaluation import annual_indicators
    from app.reporting.facts import year_of

    y = year_of(s, args.year)
    indicators = annual_indicators(s, args.year)
    if args.json:
        print_json(
            {
                "school_year": y.school_year,
                "first_day": y.first.isoformat(),
                "last_day": y.last.isoformat(),
                "indicators": [
                    {
                        "group": i.group,
                        "key": i.key,
                        "name": i.name,
                        "value": i.value,
                        "kind": i.kind,
                        "unit": i.unit,
                        "text": i.text,
                        "numerator": i.numerator,
                        "denominator": i.denominator,
                        "definition": i.definition,
                        "record_type": i.records[0],
                        "record_ids": list(i.records[1]),
                    }
                    for i in indicators
                ],
            }
        )
        return 0
    print(f"{y.school_year}学年（{y.span}）考核指标")
    group = ""
    for i in indicators:
        if i.group != group:
            group = i.group
            print(f"\n【{group}】")
        print(f"{i.name}：{i.text}")
        print(f"    口径：{i.definition}")
    return 0


def _tables(s, args: argparse.Namespace) -> int:
    from app.io.report_xlsx import write_report_tables
    from app.reporting.tables import report_tables

    tables = report_tables(s, args.year)
    result = write_report_tables(tables, args.out)
    if args.json:
        print_json(
            {
                "school_year": tables.school_year,
                "first_day": tables.first_day.isoformat(),
                "last_day": tables.last_day.isoformat(),
                "file": str(args.out),
                "tables": [
                    {
                        "name": t.name,
                        "columns": [
                            {"header": c.header, "kind": c.kind, "definition": c.definition}
                            for c in t.columns
                        ],
                        "rows": [[_json_value(v) for v in row] for row in t.rows],
                    }
                    for t in tables.tables
                ],
            }
        )
        return 0
    counts = "，".join(f"{name} {n} 行" for name, n in result.rows.items())
    print(f"已导出 {result.school_year} 学年标准报表到 {args.out}：{counts}")
    print("各列的统计口径见文件中的“说明”工作表；数据无法给出的列留空。")
    return 0


def _selfeval(s, args: argparse.Namespace) -> int:
    from app.docs.self_evaluation import write_self_evaluation

    path = write_self_evaluation(s, args.year, args.out, template=args.template, today=args.today)
    if args.json:
        print_json({"school_year": args.year, "file": str(path)})
    else:
        print(f"已生成 {args.year} 学年产教融合工作自评报告：{path}")
    return 0
