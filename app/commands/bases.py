"""`chanjiao bases`: 实践教学基地 — the list with this semester's usage, the semester-end summary per major as
Excel (all majors) or Word (one major), which majors have submitted it, and marking one submitted."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from app.commands.common import open_db, print_json
from app.errors import ValidationError


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    semester = argparse.ArgumentParser(add_help=False)
    semester.add_argument("--semester", required=True, metavar="CODE", help="学期，如 2025-2026-1")
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="以 JSON 输出")

    bases = sub.add_parser("bases", help="实践教学基地与学期使用汇总")
    actions = bases.add_subparsers(dest="action", metavar="操作", required=True)
    lst = actions.add_parser("list", parents=[db_parent, as_json], help="列出实践基地及本学期使用情况")
    lst.add_argument("--semester", metavar="CODE", help="使用情况的学期（默认：当前学期）")
    xlsx = actions.add_parser(
        "summary", parents=[db_parent, semester, as_json], help="导出学期基地使用汇总（Excel，按专业）"
    )
    xlsx.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help="要保存的 Excel 文件")
    doc = actions.add_parser(
        "summary-doc", parents=[db_parent, semester, as_json], help="生成一个专业的基地使用汇总（Word）"
    )
    doc.add_argument("--major", required=True, metavar="专业名", help="专业名称（或 id）")
    doc.add_argument("--out", type=Path, required=True, metavar="FILE.docx", help="要保存的 Word 文件")
    doc.add_argument("--template", type=Path, metavar="FILE.docx", help="自定义模板（默认：内置模板）")
    tpl = actions.add_parser("template", help="保存内置的基地使用汇总 Word 模板，以便修改")
    tpl.add_argument("--out", type=Path, required=True, metavar="FILE.docx", help="模板保存到的 Word 文件")
    actions.add_parser("status", parents=[db_parent, semester, as_json], help="各专业汇总提交情况")
    submit = actions.add_parser("submit", parents=[db_parent, semester], help="标记某专业的汇总已提交")
    submit.add_argument("--major", required=True, metavar="专业名", help="专业名称（或 id）")
    submit.add_argument("--on", type=_day, metavar="YYYY-MM-DD", help="提交日期（默认今天）")
    return {"bases": cmd_bases}


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式不对，应如 2026-01-20") from None


def cmd_bases(args: argparse.Namespace) -> int:
    if args.action == "template":
        from app.docs.bases import save_builtin_template

        path = save_builtin_template(args.out)
        print(f"已保存内置基地使用汇总模板：{path}（可在 Word 中修改后用 --template 使用）")
        return 0

    db = open_db(args)
    try:
        handler = {"list": _list, "summary": _summary, "summary-doc": _doc, "status": _status}
        if args.action == "submit":
            with db.session() as s:
                return _submit(s, args)
        with db.reader() as s:
            return handler[args.action](s, args)
    finally:
        db.close()


def major_id_of(s, text: str) -> str:
    """A major named by its name (as in 设置) or its id."""
    from app.domain.names import clean_text
    from app.services.choices import major_choices

    choices = major_choices(s)
    wanted = clean_text(text)
    for c in choices:
        if wanted in (c.id, clean_text(c.label)):
            return c.id
    names = "、".join(c.label for c in choices) or "（尚未设置专业）"
    raise ValidationError("major", f"没有名为“{text}”的专业。可用的专业：{names}")


def _list(s, args: argparse.Namespace) -> int:
    from app.services.bases import base_ids, base_rows

    ids = base_ids(s)
    rows = base_rows(s, ids, args.semester)
    items = [rows[i] for i in ids]
    if args.json:
        out = []
        for r in items:
            d = asdict(r)
            d["established_on"] = r.established_on.isoformat() if r.established_on else None
            out.append(d)
        print_json(out)
        return 0
    for r in items:
        print(
            f"{r.name}\t{r.kind}\t{r.level}\t{r.enterprise or '—'}\t{r.majors or '—'}\t工位 {r.capacity}\t"
            f"{r.semester}：{r.usage.students}人次 {r.usage.person_days}人天"
        )
    print(f"共 {len(items)} 个实践基地")
    return 0


def _summary(s, args: argparse.Namespace) -> int:
    from app.io.bases_xlsx import export_usage_summary

    r = export_usage_summary(s, args.semester, args.out)
    if args.json:
        print_json({"semester": r.semester, "file": str(args.out), "majors": r.majors, "lines": r.lines,
                    "totals": asdict(r.totals)})  # fmt: skip
        return 0
    t = r.totals
    print(
        f"已导出 {r.semester} 学期基地使用汇总到 {args.out}：{r.majors} 个专业，{t.activities} 项活动，"
        f"{t.students} 人次，{t.person_days} 人天"
    )
    return 0


def _doc(s, args: argparse.Namespace) -> int:
    from app.docs.bases import write_usage_summary

    path = write_usage_summary(s, args.semester, major_id_of(s, args.major), args.out, args.template)
    if args.json:
        print_json({"kind": "base_summary", "file": str(path)})
    else:
        print(f"已生成 {args.major} {args.semester} 学期基地使用汇总：{path}")
    return 0


def _status(s, args: argparse.Namespace) -> int:
    from app.services.bases import summary_status

    status = summary_status(s, args.semester)
    if args.json:
        print_json(
            [
                {
                    "major": st.major_name,
                    "major_id": st.major_id,
                    "submitted_on": st.submitted_on.isoformat() if st.submitted_on else None,
                    "totals": asdict(st.totals),
                }
                for st in status
            ]
        )
        return 0
    for st in status:
        print(f"{st.major_name}\t{st.submitted_on or '未提交'}\t{st.totals.students}人次")
    done = sum(st.submitted_on is not None for st in status)
    print(f"已提交 {done} / {len(status)} 个专业")
    return 0 if done == len(status) else 1


def _submit(s, args: argparse.Namespace) -> int:
    from app.services.bases import mark_summary_submitted

    mark_summary_submitted(s, major_id_of(s, args.major), args.semester, args.on or dt.date.today())
    print(f"已标记 {args.major} {args.semester} 学期基地使用汇总为已提交")
    return 0
