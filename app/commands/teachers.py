"""`chanjiao teachers practice-gaps` (教师企业实践“五年六个月”, N四(五)1) and the handlers of
`chanjiao import teachers|practice FILE.xlsx`, `export teachers FILE.xlsx` and `template teachers|practice
FILE.xlsx` (registered in app/cli.py's import / export / template commands)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from app.commands.common import end_progress, iso_date, open_db, print_json, print_progress, run_import
from app.domain.practice import REQUIRED_DAYS, format_months


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    teachers = sub.add_parser("teachers", help="教师与企业实践")
    actions = teachers.add_subparsers(dest="action", metavar="操作", required=True)
    gaps = actions.add_parser(
        "practice-gaps", parents=[db_parent], help="专任教师近五年企业实践天数与差额（要求满180天）"
    )
    gaps.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="按此日期计算（默认：今天）")
    gaps.add_argument("--json", action="store_true", help="以 JSON 输出（每名专任教师一个对象）")
    return {"teachers": cmd_teachers}


def cmd_teachers(args: argparse.Namespace) -> int:
    from app.services.teachers import practice_gaps

    as_of = args.as_of or dt.date.today()
    db = open_db(args)
    try:
        with db.reader() as s:
            gaps = practice_gaps(s, as_of)
    finally:
        db.close()
    if args.json:
        print_json(
            [
                {
                    "teacher_id": g.teacher_id,
                    "name": g.name,
                    "staff_no": g.staff_no,
                    "major": g.major_name,
                    "window_start": g.window_start.isoformat(),
                    "window_end": g.window_end.isoformat(),
                    "days_done": g.days_done,
                    "days_missing": g.days_missing,
                    "months_done": round(g.months_done, 2),
                    "met": g.days_missing == 0,
                }
                for g in gaps
            ]
        )
        return 0
    for g in gaps:
        state = "已满足" if g.days_missing == 0 else f"还差 {g.days_missing} 天"
        print(
            f"{g.staff_no}\t{g.name}\t{g.major_name}\t已实践 {g.days_done} 天（{format_months(g.days_done)}）\t{state}"
        )
    short = sum(g.days_missing > 0 for g in gaps)
    window = f"{gaps[0].window_start}至{gaps[0].window_end}" if gaps else f"截至{as_of}的近五年"
    print(f"统计区间：{window}；专任教师 {len(gaps)} 名，未满{REQUIRED_DAYS}天（6个月）的 {short} 名")
    return 0


def cmd_import_teachers(args: argparse.Namespace) -> int:
    """`import teachers` / `import practice`. Exit 0: every row valid; 1: rows rejected (the valid ones are
    imported unless --dry-run); 2: the file cannot be used. --json: the shape of every import."""
    from app.io import teachers_xlsx as x

    if args.table == "teachers":
        return run_import(args, x.read_teachers, x.import_teachers)
    return run_import(args, x.read_practice, x.import_practice)


# ---------------------------------------------------------------- export / template
# Registered in app/cli.py as `export teachers`, `template teachers|practice` (beside the enterprises).


def cmd_export_teachers(args: argparse.Namespace) -> int:
    from app.io.teachers_export import export_teachers

    db = open_db(args)
    try:
        with db.reader() as s:
            n = export_teachers(s, args.file, progress=print_progress)
        end_progress()
    finally:
        db.close()
    print(f"已导出 {n} 名教师及其企业实践情况到 {args.file}")
    return 0


def cmd_template_teachers(args: argparse.Namespace) -> int:
    from app.io.teachers_xlsx import write_practice_template, write_teacher_template

    if args.table == "teachers":
        write_teacher_template(args.file)
        print(f"已生成教师导入模板：{args.file}")
    else:
        write_practice_template(args.file)
        print(f"已生成教师企业实践导入模板：{args.file}")
    return 0
