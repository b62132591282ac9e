"""`chanjiao copy out --to FILE [--include-personal-data]` and `chanjiao copy merge FILE [--dry-run] [--json]
[--prefer copy|origin]`: the offline copy for the laptop and its merge back (app/offline/).

    chanjiao copy out --to 企业行.db                 # from the database --db names (a file or a server)
    chanjiao copy merge 企业行.db --dry-run          # what the merge would do, conflicts listed
    chanjiao copy merge 企业行.db --prefer origin    # conflicts: keep this database's side

Exit codes: 0 done (or, with --dry-run, nothing in conflict), 1 conflicts left undecided (nothing written), 2 bad
input (not a copy of this database, …)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from app.commands.common import end_progress, open_db, print_json, print_progress


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    copy = sub.add_parser(
        "copy",
        help="带出副本（外出时在笔记本上用）和合并副本",
        description="带出副本：把数据库复制为一个本机文件，外出时离线使用；回来后把副本中的修改合并回原来的数据库"
        "（本机文件或服务器），两边都改过的同一处由用户决定，不会悄悄丢失任何一方的修改。",
    )
    actions = copy.add_subparsers(dest="action", metavar="操作", required=True)
    out = actions.add_parser("out", parents=[db_parent], help="带出副本：写一个新的数据库文件")
    out.add_argument("--to", required=True, type=Path, metavar="文件", help="副本文件（必须是新文件）")
    out.add_argument(
        "--include-personal-data",
        action="store_true",
        help="副本中包含学生的身份证号、电话、家庭住址和出生日期（默认不带）",
    )
    merge = actions.add_parser("merge", parents=[db_parent], help="合并副本：把副本中的修改合并回本数据库")
    merge.add_argument("file", type=Path, metavar="副本", help="带出的副本文件")
    merge.add_argument(
        "--dry-run", action="store_true", help="只列出将新增、修改、删除什么和哪些冲突，不写入"
    )
    merge.add_argument("--json", action="store_true", help="以 JSON 输出")
    merge.add_argument(
        "--prefer",
        choices=("copy", "origin"),
        help="冲突一律保留哪一方：copy（副本）或 origin（本数据库）；不给时有冲突就不合并",
    )
    return {"copy": cmd_copy}


def cmd_copy(args: argparse.Namespace) -> int:
    return _out(args) if args.action == "out" else _merge(args)


def _out(args: argparse.Namespace) -> int:
    from app.offline.copies import copy_out

    db = open_db(args)
    try:
        info = copy_out(db, args.to, personal_data=args.include_personal_data, progress=print_progress)
    finally:
        end_progress()
        db.close()
    print(f"已带出副本到 {args.to}。{info.words}")
    return 0


def _merge(args: argparse.Namespace) -> int:
    from app.offline.merge import COPY, ORIGIN, apply_merge, open_copy, plan_merge

    db = open_db(args)
    try:
        with db.reader() as s:
            copy_db, info = open_copy(s, args.file)
        try:
            with db.reader() as s, copy_db.reader() as c:
                plan = plan_merge(s, c, info)
            if plan.clashes:
                _show(plan, args.json)
                print("不能合并：" + "；".join(plan.clashes), file=sys.stderr)
                return 1
            if args.dry_run or (plan.conflicts and not args.prefer):
                _show(plan, args.json)
                if plan.conflicts and not args.dry_run:
                    print(
                        f"有 {len(plan.conflicts)} 处冲突，没有合并任何内容。请在窗口中逐一决定，"
                        "或用 --prefer copy / --prefer origin 一律保留一方。",
                        file=sys.stderr,
                    )
                return 1 if plan.conflicts else 0
            choice = COPY if args.prefer == "copy" else ORIGIN
            decisions = {c.id: choice for c in plan.conflicts}
            with db.session() as s, copy_db.reader() as c:
                report = apply_merge(s, c, info, decisions, progress=print_progress)
            end_progress()
        finally:
            copy_db.close()
    finally:
        end_progress()
        db.close()
    if args.json:
        print_json(report.__dict__)
    else:
        print(report.summary)
    return 0


def _show(plan, as_json: bool) -> None:
    from app.offline.merge import table_words

    if as_json:
        print_json(plan.as_json())
        return
    print(f"副本来自 {plan.info.origin}，{plan.info.made_by or '（未知）'}带出。")
    if plan.nothing_to_do:
        print("副本中没有需要合并的修改。")
        return
    for table, n in plan.counts().items():
        parts = [
            f"{w}{n[k]}条"
            for k, w in (("added", "新增"), ("changed", "修改"), ("deleted", "删除"), ("conflicts", "冲突"))
            if n[k]
        ]
        print(f"  {table_words(table)}：" + "，".join(parts))
    for c in plan.conflicts:
        if c.column:
            print(f"冲突：{c.title}的“{c.label}”：副本为 {c.copy}，本数据库为 {c.origin}（原为 {c.base}）")
        else:
            print(f"冲突：{c.title}：副本中{c.copy}，本数据库中{c.origin}")
    if plan.audit_rows:
        print(f"修改记录 {plan.audit_rows} 条将并入。")
