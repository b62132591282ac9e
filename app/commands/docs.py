"""`chanjiao docs`: Word documents from templates — a draft agreement, a project's 运行报告, the built-in
templates (to edit in Word) and the list of placeholders they may use."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from app.cli import print_json

KIND_NAMES = {"agreement": "合作协议草稿", "report": "项目运行报告"}


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
    tpl = actions.add_parser("template", parents=[out], help="保存内置模板，以便在 Word 中修改")
    tpl.add_argument("kind", choices=list(KIND_NAMES), help="agreement=合作协议，report=运行报告")
    fields = actions.add_parser("fields", help="列出模板可用的占位符")
    fields.add_argument("kind", choices=list(KIND_NAMES))
    fields.add_argument("--json", action="store_true", help="以 JSON 输出")
    return {"docs": cmd_docs}


def cmd_docs(args: argparse.Namespace) -> int:
    return {"agreement": _agreement, "report": _report, "template": _template, "fields": _fields}[
        args.action
    ](args)


def _done(args: argparse.Namespace, kind: str, path: Path) -> int:
    if args.json:
        print_json({"kind": kind, "file": str(path)})
    else:
        print(f"已生成{KIND_NAMES[kind]}：{path}")
    return 0


def _agreement(args: argparse.Namespace) -> int:
    from app.cli import open_db
    from app.docs.cooperation import write_agreement_document

    db = open_db(args)
    try:
        with db.reader() as s:
            path = write_agreement_document(s, args.id, args.out, args.template)
    finally:
        db.close()
    return _done(args, "agreement", path)


def _report(args: argparse.Namespace) -> int:
    from app.cli import open_db
    from app.docs.cooperation import write_project_report

    db = open_db(args)
    try:
        with db.reader() as s:
            path = write_project_report(s, args.id, args.semester, args.out, args.template)
    finally:
        db.close()
    return _done(args, "report", path)


def _template(args: argparse.Namespace) -> int:
    from app.docs.cooperation import save_builtin_template

    path = save_builtin_template(args.kind, args.out)
    if args.json:
        print_json({"kind": args.kind, "file": str(path)})
    else:
        print(f"已保存内置{KIND_NAMES[args.kind]}模板：{path}（可在 Word 中修改后用 --template 使用）")
    return 0


def _fields(args: argparse.Namespace) -> int:
    from app.docs.cooperation import PLACEHOLDERS

    items = PLACEHOLDERS[args.kind]
    if args.json:
        print_json([{"placeholder": name, "meaning": meaning} for name, meaning in items])
        return 0
    for name, meaning in items:
        print(f"{{{{ {name} }}}}\t{meaning}")
    return 0
