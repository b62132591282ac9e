"""`chanjiao package`: the submission package (上报材料包, app/package/) — export (college side), verify and
merge (school side). docs/package-format.md describes the format."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from app.cli import _end_progress, _print_progress, iso_date, print_json


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    package = sub.add_parser("package", help="上报材料包：导出（学院）、校验与汇总（学校）")
    actions = package.add_subparsers(dest="action", metavar="操作", required=True)
    exp = actions.add_parser("export", parents=[db_parent], help="导出学年或学期的上报材料包（.zip）")
    exp.add_argument("--year", metavar="2025-2026", help="学年")
    exp.add_argument("--semester", metavar="2025-2026-1", help="学期（给出时导出该学期）")
    exp.add_argument("--out", type=Path, required=True, metavar="FILE.zip")
    exp.add_argument(
        "--include-personal-data",
        action="store_true",
        help="包含完整的学生身份证号和电话（默认打码；仅在学校明确要求时使用）",
    )
    exp.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="按此日期做合规检查（默认：今天）")
    exp.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    ver = actions.add_parser("verify", help="校验上报材料包：格式、文件完整性、安全性和表头")
    ver.add_argument("file", type=Path, metavar="FILE.zip")
    ver.add_argument("--json", action="store_true", help='以 JSON 输出：{"ok": …, "problems": […]}')
    mrg = actions.add_parser("merge", help="汇总多个学院的上报材料包为全校汇总表（.xlsx）")
    mrg.add_argument("files", type=Path, nargs="+", metavar="FILE.zip")
    mrg.add_argument("--out", type=Path, required=True, metavar="SUMMARY.xlsx")
    mrg.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    return {"package": cmd_package}


def cmd_package(args: argparse.Namespace) -> int:
    return {"export": _export, "verify": _verify, "merge": _merge}[args.action](args)


def _export(args: argparse.Namespace) -> int:
    from app.cli import open_db
    from app.package.export import export_package
    from app.package.period import period_of

    db = open_db(args)
    try:
        with db.reader() as s:
            period = period_of(s, year=args.year, semester=args.semester)
            result = export_package(
                s,
                period,
                args.out,
                include_personal_data=args.include_personal_data,
                progress=_print_progress,
                today=args.today,
            )
        _end_progress()
    finally:
        db.close()
    if args.json:
        print_json(result.as_json())
    else:
        print(result.summary())
    return 0


def _verify(args: argparse.Namespace) -> int:
    from app.package.verify import verify_package

    result = verify_package(args.file)
    if args.json:
        print_json(result.as_json())
    elif result.ok:
        print(f"校验通过：{args.file}")
    else:
        print(f"校验未通过：{args.file}")
        for p in result.problems:
            print(f"  {p.entry or '（整个文件）'}：{p.message}")
    return 0 if result.ok else 1


def _merge(args: argparse.Namespace) -> int:
    from app.package.merge import merge_packages

    result = merge_packages(args.files, args.out, progress=_print_progress)
    _end_progress()
    if args.json:
        print_json(result.as_json())
    else:
        print(result.summary())
    return 0 if result.used else 1
