"""`chanjiao check-keys`: duplicates of 学号, 身份证号, 工号, 统一社会信用代码, 协议编号 … among live records
(app/db/unique_keys.py). A database from before these keys were enforced may hold some: they are listed by
key and record (身份证号 never shown); once resolved, the command creates the missing unique index."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from app.commands.common import open_db, print_json


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    chk = sub.add_parser(
        "check-keys",
        parents=[db_parent],
        help="检查学号、身份证号、工号、统一社会信用代码、协议编号等是否重复；有重复时列出并以退出码1结束",
        description="没有重复时，为以前因重复而未能建立的唯一索引补建索引。",
    )
    chk.add_argument("--json", action="store_true", help="以 JSON 输出（每处重复一个对象）")
    return {"check-keys": cmd_check_keys}


def cmd_check_keys(args: argparse.Namespace) -> int:
    from app.db.unique_keys import check_unique_keys

    db = open_db(args)
    try:
        with db.engine.begin() as conn:
            found = check_unique_keys(conn)
    finally:
        db.close()
    if args.json:
        print_json(
            [
                {"key": d.key.label, "table": d.key.table, "records": list(d.records), "message": d.message}
                for d in found
            ]
        )
    else:
        for d in found:
            print(d.message)
        print(f"发现 {len(found)} 处重复。" if found else "学号、工号、统一社会信用代码等均无重复。")
    return 1 if found else 0
