"""`chanjiao projects add|list`: 产教融合项目 from the command line — a ledger import (`import ledger`) books
every line to a project, so a script preparing a database adds them first. Written by the project service
(app/services/projects.py), as the 项目 page's form writes them; a name is kept unique among live projects
(the ledger import finds projects by name)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from app.commands.common import iso_date, open_db, print_json

TIER_WORDS = {"基础层": "foundation", "深化层": "deepening", "融合层": "integration"}


def _tier(text: str) -> str:
    tier = TIER_WORDS.get(text.strip(), text.strip())
    if tier not in TIER_WORDS.values():
        raise argparse.ArgumentTypeError(f"合作层次“{text}”应为：{'、'.join(TIER_WORDS)}")
    return tier


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    projects = sub.add_parser("projects", help="产教融合项目")
    actions = projects.add_subparsers(dest="action", metavar="操作", required=True)
    add = actions.add_parser("add", parents=[db_parent], help="新建项目")
    add.add_argument("name", metavar="名称", help="项目名称（与已有项目不能同名）")
    add.add_argument(
        "--kind",
        required=True,
        metavar="类型",
        help="项目类型，如 订单培养、现代学徒制、产教融合共同体、实训基地共建、横向课题（写错时列出全部类型）",
    )
    add.add_argument(
        "--tier",
        type=_tier,
        metavar="层次",
        help="合作层次：基础层、深化层、融合层。管理办法第九条列出的类型（如订单培养）按该条确定，可不填；"
        "其他类型（如横向课题）必须填写",
    )
    add.add_argument("--leader", default="", metavar="姓名", help="项目负责人")
    add.add_argument("--start", type=iso_date, metavar="YYYY-MM-DD", help="开始日期")
    add.add_argument("--end", type=iso_date, metavar="YYYY-MM-DD", help="结束日期")
    add.add_argument(
        "--major",
        action="append",
        default=[],
        metavar="专业",
        help="面向的专业（设置中的专业名称，可多次使用）",
    )
    add.add_argument("--note", default="", metavar="文字", help="备注")
    add.add_argument("--json", action="store_true", help="以 JSON 输出新项目")
    lst = actions.add_parser("list", parents=[db_parent], help="列出项目（按合作层次、名称）")
    lst.add_argument("--tier", type=_tier, metavar="层次", help="只列出此合作层次（基础层、深化层、融合层）")
    lst.add_argument("--kind", default="", metavar="类型", help="只列出此类型")
    lst.add_argument("--json", action="store_true", help="以 JSON 输出（每个项目一个对象，带 id）")
    return {"projects": cmd_projects}


def cmd_projects(args: argparse.Namespace) -> int:
    return _add(args) if args.action == "add" else _list(args)


def _json_row(r) -> dict[str, object]:
    day = lambda d: d.isoformat() if isinstance(d, dt.date) else None  # noqa: E731
    return {
        "id": r.id,
        "name": r.name,
        "kind": r.kind,
        "tier": r.tier,
        "tier_label": r.tier_label,
        "leader": r.leader,
        "starts_on": day(r.starts_on),
        "ends_on": day(r.ends_on),
        "enterprises": r.enterprises,
    }


def _line(r) -> str:
    period = f"{r.starts_on or '?'}～{r.ends_on or '?'}" if r.starts_on or r.ends_on else ""
    return "\t".join((r.id, r.name, r.kind, r.tier_label, r.leader, period, r.enterprises))


def _add(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.db.models import Major, Project
    from app.domain.names import name_key
    from app.errors import ValidationError
    from app.services.projects import ProjectData, create_project, project_rows

    db = open_db(args)
    try:
        with db.session() as s:
            names = s.scalars(select(Project.name).where(Project.deleted_at.is_(None)))
            if any(name_key(n) == name_key(args.name) for n in names):
                raise ValidationError(
                    "name",
                    f"已有名为“{args.name.strip()}”的项目：项目名称不能重复（导入经费台账按名称找项目）",
                )
            live = s.execute(select(Major.id, Major.name).where(Major.deleted_at.is_(None)))
            majors = {name_key(n): i for i, n in live}
            unknown = [m for m in args.major if name_key(m) not in majors]
            if unknown:
                raise ValidationError(
                    "major", f"专业“{'、'.join(unknown)}”不在设置的专业中（可先用 chanjiao setup 添加）"
                )
            data = ProjectData(
                name=args.name,
                kind=args.kind,
                tier=args.tier or "",
                leader=args.leader,
                starts_on=args.start,
                ends_on=args.end,
                major_ids=tuple(majors[name_key(m)] for m in args.major),
                note=args.note,
            )
            pid = create_project(s, data).ids[0]
            row = project_rows(s, [pid])[pid]
    finally:
        db.close()
    if args.json:
        print_json(_json_row(row))
    else:
        print(f"已新建项目“{row.name}”（{row.kind}，{row.tier_label}），编号 {row.id}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.services.projects import ProjectQuery, project_ids, project_rows

    db = open_db(args)
    try:
        with db.reader() as s:
            ids = project_ids(s, ProjectQuery(tier=args.tier or "", kind=args.kind.strip()))
            rows = project_rows(s, ids)
    finally:
        db.close()
    items = [rows[i] for i in ids]
    if args.json:
        print_json([_json_row(r) for r in items])
        return 0
    for r in items:
        print(_line(r))
    print(f"共 {len(items)} 个项目")
    return 0
