"""`chanjiao docs`: Word documents from templates — a draft agreement, a project's 运行报告, the 三方协议 of a
batch of internships, the built-in templates (to edit in Word), the college's own templates (设置 → 模板:
`docs template KIND --set FILE` / `--clear`, `docs templates`) and the list of placeholders they may use."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from app.commands.common import open_db, print_json
from app.docs.kinds import kinds

KIND_NAMES = {"agreement": "合作协议草稿", "report": "项目运行报告", "tripartite": "三方协议"}


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("--out", type=Path, required=True, metavar="FILE.docx", help="生成的 Word 文件")
    out.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    template = argparse.ArgumentParser(add_help=False)
    template.add_argument("--template", type=Path, metavar="FILE.docx", help="自定义模板（默认：内置模板）")

    docs = sub.add_parser("docs", help="生成 Word 文档（协议草稿、运行报告）")
    actions = docs.add_subparsers(dest="action", metavar="操作", required=True)
    agr = actions.add_parser("agreement", parents=[db_parent, out, template], help="生成合作协议草稿")
    agr.add_argument("id", help="协议 id（见 chanjiao agreements list --json）")
    rep = actions.add_parser("report", parents=[db_parent, out, template], help="生成项目运行报告")
    rep.add_argument("id", metavar="PROJECT_ID", help="项目 id")
    rep.add_argument("--semester", required=True, metavar="CODE", help="学期，如 2025-2026-1")
    _tripartite_parser(actions, db_parent, template)
    _template_parsers(actions, db_parent)
    fields = actions.add_parser("fields", help="列出模板可用的占位符")
    fields.add_argument("kind", choices=list(kinds()), help=_KIND_HELP)
    fields.add_argument("--json", action="store_true", help="以 JSON 输出")
    return {"docs": cmd_docs}


_KIND_HELP = "、".join(f"{k}={v}" for k, v in kinds().items())


def _template_parsers(actions, db_parent: argparse.ArgumentParser) -> None:
    tpl = actions.add_parser(
        "template",
        parents=[db_parent],
        help="学院的 Word 模板：保存内置模板（--out）、设为学院模板（--set）、恢复内置（--clear）",
    )
    tpl.add_argument("kind", choices=list(kinds()), help=_KIND_HELP)
    what = tpl.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", type=Path, metavar="FILE.docx", help="保存内置模板，以便在 Word 中修改")
    what.add_argument(
        "--set", dest="set_file", type=Path, metavar="FILE.docx", help="检查后设为学院模板（保存在数据库中）"
    )
    what.add_argument("--clear", action="store_true", help="不再用学院模板，恢复内置模板")
    tpl.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    status = actions.add_parser("templates", parents=[db_parent], help="列出各类文档当前使用的模板")
    status.add_argument("--json", action="store_true", help="以 JSON 输出")


def _tripartite_parser(
    actions, db_parent: argparse.ArgumentParser, template: argparse.ArgumentParser
) -> None:
    tri = actions.add_parser(
        "tripartite", parents=[db_parent, template], help="批量生成三方协议（每个实习一份 Word 文件）"
    )
    which = tri.add_mutually_exclusive_group(required=True)
    which.add_argument("--class", dest="class_name", metavar="班级", help="该班学生的全部实习")
    which.add_argument("--ids", metavar="ID,ID…", help="实习记录 id，以逗号分隔")
    which.add_argument("--all", action="store_true", help="全部岗位实习记录（认识实习不需要三方协议）")
    tri.add_argument(
        "--major", default="", metavar="专业", help="只要该专业学生的实习（与 --class 或 --all 一起用）"
    )
    tri.add_argument(
        "--status", default="", metavar="状态", help="只要该状态的实习，如 计划（与 --class 或 --all 一起用）"
    )
    tri.add_argument("--out", type=Path, required=True, metavar="FOLDER", help="保存到的文件夹")
    tri.add_argument(
        "--combined", action="store_true", help="同时生成合并打印版（每份从奇数页开始，便于双面打印）"
    )
    tri.add_argument("--json", action="store_true", help="以 JSON 输出结果")


def cmd_docs(args: argparse.Namespace) -> int:
    return {
        "agreement": _agreement,
        "report": _report,
        "tripartite": _tripartite,
        "template": _template,
        "templates": _templates,
        "fields": _fields,
    }[args.action](args)


def _done(args: argparse.Namespace, kind: str, path: Path) -> int:
    if args.json:
        print_json({"kind": kind, "file": str(path)})
    else:
        print(f"已生成{KIND_NAMES[kind]}：{path}")
    return 0


def _agreement(args: argparse.Namespace) -> int:
    from app.docs.cooperation import write_agreement_document

    db = open_db(args)
    try:
        with db.reader() as s:
            path = write_agreement_document(s, args.id, args.out, args.template)
    finally:
        db.close()
    return _done(args, "agreement", path)


def _report(args: argparse.Namespace) -> int:
    from app.docs.cooperation import write_project_report

    db = open_db(args)
    try:
        with db.reader() as s:
            path = write_project_report(s, args.id, args.semester, args.out, args.template)
    finally:
        db.close()
    return _done(args, "report", path)


def _tripartite(args: argparse.Namespace) -> int:
    """Exit 0 when every agreement chosen was written (a 认识实习 needs none), 1 when some were blocked by a
    rule or skipped (listed), 2 when the batch could not run. The 协议编号 assigned are kept (one write
    transaction). Never prints an ID number."""
    from app.docs.internship import KIND, NOT_NEEDED, reserve_agreement_numbers, write_tripartite_batch
    from app.docs.internship_plan import select_internships
    from app.errors import ValidationError

    db = open_db(args)
    try:
        with db.session() as s:
            if args.ids:
                ids = [i.strip() for i in args.ids.split(",") if i.strip()]
            else:
                ids = select_internships(
                    s, class_name=args.class_name or "", major=args.major, status=args.status, all_=args.all
                )
            if not ids:
                raise ValidationError("internships", "没有符合条件的岗位实习记录。")
            reserve_agreement_numbers(s, ids)  # committed here: they stand whatever becomes of the batch
        with db.reader() as s:  # writes only files: the numbers are committed above
            result = write_tripartite_batch(
                s, ids, args.out, template=args.template, combined=args.combined, numbers_reserved=True
            )
    finally:
        db.close()
    if args.json:
        print_json(
            {
                "folder": str(result.folder),
                "written": len(result.files),
                "files": [str(p) for p in result.files],
                "consents": [str(p) for p in result.consents],
                "combined": str(result.combined) if result.combined else None,
                "blocked": [{"student": who, "reasons": list(why)} for who, why in result.blocked],
                "skipped": [{"student": who, "reason": why} for who, why in result.skipped],
                "not_needed": [{"student": who, "reason": NOT_NEEDED} for who in result.not_needed],
                "incomplete": [{"file": name, "blank": blanks} for name, blanks in result.incomplete],
                "seconds": round(result.seconds, 2),
            }
        )
    else:
        print(f"已生成 {len(result.files)} 份{KIND}到 {result.folder}（{result.seconds:.1f} 秒）")
        if result.consents:
            print(f"监护人知情同意书：{len(result.consents)} 份（未满18周岁的学生）")
        if result.combined:
            print(f"合并打印版：{result.combined}")
        for name, blanks in result.incomplete:
            print(f"留空待手写：{name}：{blanks}")
        for who in result.not_needed:
            print(f"跳过：{who}：{NOT_NEEDED}")
        for who, why in result.blocked:
            print(f"不符合实习规定，未生成：{who}：{'；'.join(why)}", file=sys.stderr)
        for who, why in result.skipped:
            print(f"未生成：{who}：{why}", file=sys.stderr)
    return 1 if result.refused else 0


def _template(args: argparse.Namespace) -> int:
    """--out saves the built-in template; --set / --clear change the college's (exit 2 if refused)."""
    from app.services import templates as svc

    label = svc.label(args.kind)
    if args.out is not None:
        path = svc.save_builtin_template(args.kind, args.out)
        result = {"kind": args.kind, "file": str(path)}
        text = f"已保存内置{label}模板：{path}（在 Word 中修改后可用 --set 设为学院模板）"
    else:
        db = open_db(args)
        try:
            with db.session() as s:
                if args.clear:
                    svc.clear_custom_template(s, args.kind)
                else:
                    svc.set_custom_template(s, args.kind, args.set_file)
        finally:
            db.close()
        name = args.set_file.name if args.set_file else ""
        result = {"kind": args.kind, "custom": name or None}
        text = f"已将“{name}”设为学院的{label}模板" if name else f"{label}已恢复使用内置模板"
    if args.json:
        print_json(result)
    else:
        print(text)
    return 0


def _templates(args: argparse.Namespace) -> int:
    from app.services.templates import template_status

    db = open_db(args)
    try:
        with db.reader() as s:
            rows = template_status(s)
    finally:
        db.close()
    if args.json:
        print_json(
            [
                {
                    "kind": r.kind,
                    "label": r.label,
                    "custom": r.custom_name or None,
                    "set_on": r.set_on.isoformat() if r.set_on else None,
                }
                for r in rows
            ]
        )
        return 0
    for r in rows:
        when = f"{r.set_on.astimezone():%Y-%m-%d}" if r.set_on else ""
        where = f"自定义（{r.custom_name}，{when}设置）" if r.custom_name else "内置模板"
        print(f"{r.kind}\t{r.label}\t{where}")
    return 0


def _fields(args: argparse.Namespace) -> int:
    from app.services.templates import placeholders

    items = placeholders(args.kind)
    if args.json:
        print_json([{"placeholder": name, "meaning": meaning} for name, meaning in items])
        return 0
    for name, meaning in items:
        print(f"{{{{ {name} }}}}\t{meaning}")
    return 0
