"""`chanjiao transfer SOURCE DEST [--json]`: a whole database copied between a file and a server, either way
(app/db/transfer.py): every record, attachment, audit row and setting, into an empty destination, checked table by
table before it is kept.

    chanjiao transfer 学院.db postgresql://王老师@db.school.cn/cj_jixie       # up to the server
    chanjiao transfer postgresql://王老师@db.school.cn/cj_jixie 备份.db       # back to a file (a portable copy)

A server's password as for --db: PGPASSWORD, or the one 设置 keeps in the system's key store."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from app.commands.common import end_progress, print_json, print_progress

ADDRESS = "本机数据库文件的路径，或服务器地址 postgresql://用户名@服务器:5432/数据库名"


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    t = sub.add_parser(
        "transfer",
        help="把整个数据库复制到服务器或本机文件（记录、附件、修改记录和设置），并逐表核对",
        description="把源数据库的全部内容（每条记录、附件、修改记录和设置，编号和版本不变）复制到一个空的目标："
        "新的本机文件，或服务器上已建好的空数据库。复制后逐表核对行数和内容校验和，以及每个附件的内容；"
        "不一致、出错或中断时不留下目标。从服务器保存到本机文件也可作为服务器数据的便携备份"
        "（服务器本身的备份 pg_dump 仍由服务器管理员负责）。",
    )
    t.add_argument("source", metavar="源", help=ADDRESS)
    t.add_argument("dest", metavar="目标", help=f"{ADDRESS}（必须是新文件或空数据库）")
    t.add_argument("--json", action="store_true", help="以 JSON 输出结果（每张表的行数和校验和）")
    return {"transfer": cmd_transfer}


def cmd_transfer(args: argparse.Namespace) -> int:
    from app.db.location import parse_location
    from app.db.transfer import TransferMismatch, transfer

    source, dest = parse_location(args.source), parse_location(args.dest)
    try:
        report = transfer(source, dest, progress=print_progress)
    except (
        TransferMismatch
    ) as e:  # nothing was kept: not “unusable input” (2) but a copy that failed its check
        end_progress()
        print(f"错误：{e.message}", file=sys.stderr)
        return 1
    except BaseException:
        end_progress()
        raise
    end_progress()
    if args.json:
        print_json(report.as_json())
    else:
        print(f"已复制到 {report.dest}")
        print(report.summary)
        if report.grants_applied:
            print("已按本学院的角色（管理员、录入、只读、学生个人信息）设置目标数据库的权限。")
    return 0
