"""`chanjiao package`: the submission package (上报材料包, app/package/) — export (college side), verify and
merge (school side). docs/package-format.md describes the format."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from app.commands.common import end_progress, iso_date, open_db, print_json, print_progress


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    package = sub.add_parser("package", help="上报材料包：导出（学院）、校验与汇总（学校）")
    actions = package.add_subparsers(dest="action", metavar="操作", required=True)
    exp = actions.add_parser("export", parents=[db_parent], help="导出学年或学期的上报材料包（.zip）")
    exp.add_argument("--year", metavar="2025-2026", help="学年")
    exp.add_argument("--semester", metavar="2025-2026-1", help="学期（给出时导出该学期）")
    exp.add_argument("--out", type=Path, required=True, metavar="FILE.zip", help="要保存的材料包文件")
    exp.add_argument(
        "--include-personal-data",
        action="store_true",
        help="包含完整的学生身份证号和电话（默认打码；仅在学校明确要求时使用）",
    )
    exp.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="按此日期做合规检查（默认：今天）")
    exp.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    ver = actions.add_parser("verify", help="校验上报材料包：格式、文件完整性、安全性和表头")
    ver.add_argument("file", type=Path, metavar="FILE.zip", help="要校验的材料包")
    ver.add_argument("--json", action="store_true", help='以 JSON 输出：{"ok": …, "problems": […]}')
    mrg = actions.add_parser("merge", help="汇总多个学院的上报材料包为全校汇总表（.xlsx）")
    mrg.add_argument("files", type=Path, nargs="+", metavar="FILE.zip", help="各学院的材料包（一个或多个）")
    mrg.add_argument("--out", type=Path, required=True, metavar="SUMMARY.xlsx", help="要保存的全校汇总表")
    mrg.add_argument(
        "--trust-new",
        action="store_true",
        help="登记尚无公钥的学院的签名公钥（首次使用时信任；请先与学院核对输出的指纹）",
    )
    mrg.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    key = actions.add_parser("key", help="材料包签名公钥：学院导出公钥文件，学校导入或查看已登记的公钥")
    keys = key.add_subparsers(dest="key_action", metavar="操作", required=True)
    kexp = keys.add_parser("export", parents=[db_parent], help="导出本学院的签名公钥文件，交给学校")
    kexp.add_argument("--out", type=Path, required=True, metavar="FILE.json", help="要保存的公钥文件")
    kimp = keys.add_parser("import", help="学校：导入学院交来的公钥文件")
    kimp.add_argument("file", type=Path, metavar="FILE.json", help="学院交来的公钥文件")
    keys.add_parser("list", help="学校：列出已登记的学院公钥及其指纹")
    return {"package": cmd_package}


def cmd_package(args: argparse.Namespace) -> int:
    return {"export": _export, "verify": _verify, "merge": _merge, "key": _key}[args.action](args)


def _export(args: argparse.Namespace) -> int:
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
                progress=print_progress,
                today=args.today,
            )
        end_progress()
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
        if result.signer is not None:
            print(f"  有学院签名：公钥指纹 {result.signer.short}，序号 {result.signer.sequence}")
        else:
            print("  没有签名（由旧版本导出）：无法确认来自哪个学院、未被改动。")
    else:
        print(f"校验未通过：{args.file}")
        for p in result.problems:
            print(f"  {p.entry or '（整个文件）'}：{p.message}")
    return 0 if result.ok else 1


def _merge(args: argparse.Namespace) -> int:
    from app.package.merge import merge_packages

    result = merge_packages(args.files, args.out, progress=print_progress, trust_new=args.trust_new)
    end_progress()
    if args.json:
        print_json(result.as_json())
    else:
        print(result.summary())
    if not result.used:
        return 2  # nothing usable, nothing written
    return 1 if result.invalid else 0  # 1: written without the packages listed as unusable


def _key(args: argparse.Namespace) -> int:
    return {"export": _key_export, "import": _key_import, "list": _key_list}[args.key_action](args)


def _key_export(args: argparse.Namespace) -> int:
    from app.package.keys import export_public_key

    db = open_db(args)
    try:
        with db.reader() as s:
            path, fingerprint = export_public_key(s, args.out)
    finally:
        db.close()
    print(f"已导出本学院的签名公钥：{path}\n指纹：{fingerprint}\n请把此文件交给学校，并请学校核对指纹。")
    return 0


def _key_import(args: argparse.Namespace) -> int:
    from app.package.signing import short_fingerprint
    from app.package.trust import import_key_file

    entry, replaced = import_key_file(args.file)
    print(f"已登记 {entry.school} {entry.college} 的签名公钥，指纹：{short_fingerprint(entry.fingerprint)}")
    if replaced is not None:
        print(f"（替换了原先登记的公钥，指纹：{short_fingerprint(replaced.fingerprint)}）")
    return 0


def _key_list(args: argparse.Namespace) -> int:
    from app.package.signing import short_fingerprint
    from app.package.trust import TrustStore

    keys = sorted(TrustStore.load().keys.values(), key=lambda k: k.key)
    if not keys:
        print("尚未登记任何学院的签名公钥。")
    for k in keys:
        print(f"{k.school} {k.college}：{short_fingerprint(k.fingerprint)}（{k.source}，{k.added[:10]}）")
    return 0
