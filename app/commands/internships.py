"""`chanjiao students …`, `chanjiao internships …` and the imports of students, evaluations and employment."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from app.commands.common import end_progress, iso_date, open_db, print_json, print_progress, run_import


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    students = sub.add_parser("students", help="学生名册")
    actions = students.add_subparsers(dest="action", metavar="操作", required=True)
    listing = actions.add_parser("list", parents=[db_parent], help="列出学生（身份证号、电话默认打码）")
    listing.add_argument("--class", dest="class_name", default="", metavar="班级", help="只列此班级")
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")
    listing.add_argument(
        "--show-personal-data", action="store_true", help="显示完整身份证号和电话（注意保护学生个人信息）"
    )
    internships = sub.add_parser("internships", help="学生实习")
    actions = internships.add_subparsers(dest="action", metavar="操作", required=True)
    listing = actions.add_parser("list", parents=[db_parent], help="列出实习记录及其问题")
    listing.add_argument("--class", dest="class_name", default="", metavar="班级", help="只列此班级")
    listing.add_argument(
        "--status", default="", help="只列此状态（计划 / 协议已签 / 实习中 / 已结束 / 终止）"
    )
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")
    chk = actions.add_parser(
        "check",
        parents=[db_parent],
        help="按实习规则检查全部实习（合规检查中 INT- 开头的规则）；有错误时退出码为1",
    )
    chk.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="按此日期检查（默认：今天）")
    chk.add_argument("--json", action="store_true", help="以 JSON 输出（每条问题一个对象）")
    return {"students": cmd_students, "internships": cmd_internships}


def cmd_students(args: argparse.Namespace) -> int:
    from app.services.students import student_rows

    db = open_db(args)
    try:
        with db.reader() as s:
            rows = student_rows(s, class_name=args.class_name, full=args.show_personal_data)
    finally:
        db.close()
    keys = (
        "id",
        "student_no",
        "name",
        "gender",
        "id_number",
        "major_name",
        "class_name",
        "entry_year",
        "phone",
        "guardian_name",
        "guardian_phone",
    )
    if args.json:
        print_json([{k: getattr(r, k) for k in keys} for r in rows])
        return 0
    for r in rows:
        print("\t".join(str(getattr(r, k) or "") for k in keys[1:]))
    print(f"共 {len(rows)} 名学生" + ("" if args.show_personal_data else "（身份证号、电话已打码）"))
    return 0


def cmd_internships(args: argparse.Namespace) -> int:
    if args.action == "check":
        return _check(args)
    from app.domain.money import format_money
    from app.services.internships import internship_rows

    db = open_db(args)
    try:
        with db.reader() as s:
            rows = internship_rows(s, class_name=args.class_name, status=args.status, today=dt.date.today())
    finally:
        db.close()
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "student_no": r.student_no,
                    "student": r.student_name,
                    "class_name": r.class_name,
                    "kind": r.kind,
                    "enterprise": r.enterprise_name,
                    "base": r.base_name,
                    "starts_on": r.starts_on.isoformat(),
                    "ends_on": r.ends_on.isoformat(),
                    "status": r.status,
                    "monthly_pay_fen": r.monthly_pay_fen,
                    "monthly_pay": format_money(r.monthly_pay_fen),
                    "problems": [
                        {"rule": p.code, "severity": p.severity, "source": p.source, "message": p.message}
                        for p in r.problems
                    ],
                }
                for r in rows
            ]
        )
        return 0
    for r in rows:
        issues = "；".join(f"[{p.severity}] {p.message}" for p in r.problems)
        print(
            f"{r.class_name}\t{r.student_no}\t{r.student_name}\t{r.enterprise_name or r.base_name}\t"
            f"{r.starts_on}至{r.ends_on}\t{r.status}\t{issues}"
        )
    print(f"共 {len(rows)} 条实习记录，{sum(1 for r in rows if r.errors)} 条有错误")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """`import students|evaluations|employment FILE [--update] [--dry-run] [--json]`. Exit 0: every row
    valid; 1: rows rejected (the valid ones imported unless --dry-run); 2: the file cannot be used."""
    from app.io import internships_xlsx, students_xlsx

    if args.table == "students":
        read, write, existing = (
            students_xlsx.read_students,
            students_xlsx.import_students,
            students_xlsx.existing_count,
        )
    elif args.table == "evaluations":
        read, write = internships_xlsx.read_evaluations, internships_xlsx.import_evaluations
        existing = internships_xlsx.existing_count
    else:
        read, write = internships_xlsx.read_employment, internships_xlsx.import_employment
        existing = internships_xlsx.existing_count

    def notes(preview, changes) -> list[str]:
        n = existing(preview)
        if not n:
            return []
        return [f"{n} 行对应已有记录：{'已更新' if args.update else '未更新（加 --update 可更新）'}"]

    return run_import(
        args,
        read,
        lambda s, p, progress=None: write(s, p, update_existing=args.update, progress=progress),
        notes=notes,
    )


def cmd_template(args: argparse.Namespace) -> int:
    """`template students FILE`: a blank roster (学号, 身份证号 and phones formatted as text)."""
    from app.io.students_xlsx import write_student_template

    write_student_template(args.file)
    print(f"已生成学生名册导入模板：{args.file}")
    return 0


def cmd_export_students(args: argparse.Namespace) -> int:
    """`export students FILE [--show-personal-data]`: 身份证号 and phones masked unless asked for."""
    from app.io.students_xlsx import export_students

    full = bool(getattr(args, "show_personal_data", False))
    db = open_db(args)
    try:
        with db.reader() as s:
            n = export_students(s, args.file, full=full, progress=print_progress)
        end_progress()
    finally:
        db.close()
    if full:
        print(f"已导出 {n} 名学生到 {args.file}（含完整身份证号和电话：请妥善保管，不得外传）")
    else:
        print(f"已导出 {n} 名学生到 {args.file}（身份证号、电话已打码）")
    return 0


def _check(args: argparse.Namespace) -> int:
    """The compliance check restricted to the internship rules: the same output as `chanjiao check`."""
    from app.commands.compliance import cmd_check
    from app.compliance.registry import RULES

    args.rule = [code for code in RULES if code.startswith("INT-")]
    args.year, args.include_acknowledged, args.rules = None, False, False
    return cmd_check(args)
