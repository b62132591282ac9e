"""`chanjiao backup [--out FILE] [--list [--json]]` and `chanjiao restore FILE --yes` (app/backup.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from app.commands.common import print_json

Handler = Callable[[argparse.Namespace], int]


def register(sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser) -> dict[str, Handler]:
    b = sub.add_parser(
        "backup",
        parents=[db_parent],
        help="备份数据库（含附件，一个 .zip 文件）或列出已有备份",
        description="不带 --out 时备份到数据库旁的“库名_备份”文件夹。",
    )
    b.add_argument("--out", type=Path, metavar="FILE", help="备份文件（.zip），例如 U 盘上的文件")
    b.add_argument("--list", action="store_true", help="列出数据库旁备份文件夹中的备份")
    b.add_argument("--json", action="store_true", help="与 --list 一起：以 JSON 输出")
    r = sub.add_parser(
        "restore",
        parents=[db_parent],
        help="用备份替换当前数据库（先自动备份当前数据库）",
        description="请先关闭正在使用该数据库的图形界面。必须加 --yes 确认。",
    )
    r.add_argument("file", type=Path, help="备份文件（.db 或“立即备份”生成的 .zip）")
    r.add_argument("--yes", action="store_true", help="确认替换当前数据库")
    return {"backup": cmd_backup, "restore": cmd_restore}


def cmd_backup(args: argparse.Namespace) -> int:
    from app import backup
    from app.db.engine import open_database
    from app.paths import resolve_db_path

    path = resolve_db_path(args.db)
    if args.list:
        return _list(path, args.json)
    open_database(path).close()  # checks the file (and upgrades it) before copying it
    out = backup.make_backup(path, args.out)
    info = backup.describe_backup(out)
    print(f"已备份到 {out}（{backup.human_size(info.size)}；{info.describe_counts()}）")
    return 0


def _list(path: Path, as_json: bool) -> int:
    from app import backup

    infos = backup.list_backups(path)
    if as_json:
        out = [
            {
                "path": str(i.path),
                "created": i.created.isoformat(timespec="seconds"),
                "kind": i.kind,
                "size": i.size,
                "counts": i.counts,
                "readable": i.readable,
            }
            for i in infos
        ]
        print_json(out)
        return 0
    if not infos:
        print(f"还没有备份（备份文件夹：{backup.backups_dir_for(path)}）")
        return 0
    for i in infos:
        print(
            f"{i.created:%Y-%m-%d %H:%M}  {i.kind:<4} {backup.human_size(i.size):>9}  "
            f"{i.describe_counts()}  {i.path.name}"
        )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    import sys

    from app import backup
    from app.paths import resolve_db_path

    path = resolve_db_path(args.db)
    backup.check_backup(args.file)
    info = backup.describe_backup(args.file)
    if not args.yes:
        print(
            f"将用备份“{args.file.name}”（{info.created:%Y-%m-%d %H:%M}，{info.describe_counts()}）替换数据库 {path}。\n"
            "当前数据库会先自动备份。请先关闭正在使用它的图形界面，然后加 --yes 重新运行以确认。",
            file=sys.stderr,
        )
        return 1
    from app.instance import InstanceLock

    with InstanceLock(path):  # refused while the window has this database open
        before = backup.restore_backup(path, args.file)
    if before is not None:
        print(f"原数据库已备份到 {before}")
    print(f"已恢复：{path}（{backup.describe_backup(path).describe_counts()}）")
    return 0
