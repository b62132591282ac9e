"""`chanjiao server init|user`: a college's database on a PostgreSQL server, set up from the command line —
the database, its tables, its roles (管理员 / 录入 / 只读 / 学生个人信息, enforced by the server: app/db/roles.py)
and the school, college and 专业群 (the same service and merging as `chanjiao setup`); then its users.

    chanjiao server init postgresql://王老师@db.school.cn/cj_jixie --school … --college … [--group …]
    chanjiao --db postgresql://王老师@db.school.cn/cj_jixie server user add 李老师 --role 录入 [--personal-data]
    chanjiao … server user list [--json] | remove NAME | grant-personal NAME | revoke-personal NAME

A password is read from standard input (--password-stdin) or asked without echo; never from the command line
(other users of the PC see it in the process list), never written anywhere."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from app.commands.common import open_db, print_json
from app.commands.setup import GROUP_FORMAT, group_arg
from app.errors import AppError, ValidationError

ROLE_CHOICES = ("管理员", "录入", "只读")


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    server = sub.add_parser(
        "server",
        help="服务器上的数据库：新建并设置角色、管理用户",
        description="在 PostgreSQL 服务器上为本学院新建数据库并设置角色（管理员、录入、只读、学生个人信息），"
        "以及添加、列出、删除用户。角色由服务器执行：用其他程序连接数据库也受同样的限制。",
    )
    actions = server.add_subparsers(dest="action", metavar="操作", required=True)
    init = actions.add_parser(
        "init",
        help="新建本学院的数据库，设置角色，填写学校与学院；运行者成为管理员",
        description="在服务器上新建数据库（已存在的空数据库也可以），建表，设置本学院的角色，"
        "填写学校、二级学院和专业群，并让连接的用户成为本学院的“管理员”。已有记录的数据库不能再初始化。",
    )
    init.add_argument(
        "url", metavar="地址", help="postgresql://用户名@服务器:5432/数据库名（该用户需能创建数据库和角色）"
    )
    init.add_argument("--school", required=True, metavar="名称", help="学校名称")
    init.add_argument("--college", required=True, metavar="名称", help="二级学院名称")
    init.add_argument(
        "--group",
        type=group_arg,
        action="append",
        default=[],
        metavar=GROUP_FORMAT,
        help="一个专业群及其专业（可多次使用），写法同 chanjiao setup",
    )
    users = actions.add_parser("user", help="本学院的用户：添加、列出、删除，授予或收回学生个人信息")
    user_actions = users.add_subparsers(dest="user_action", metavar="操作", required=True)
    add = user_actions.add_parser("add", parents=[db_parent], help="添加用户（需要管理员角色）")
    add.add_argument("name", metavar="用户名", help="新用户的登录名（字母、数字、汉字、下划线）")
    add.add_argument(
        "--role", required=True, choices=ROLE_CHOICES, metavar="角色", help="管理员、录入 或 只读"
    )
    add.add_argument(
        "--personal-data", action="store_true", help="同时授予“学生个人信息”（查看身份证号、电话、家庭住址）"
    )
    add.add_argument(
        "--password-stdin", action="store_true", help="从标准输入读取密码（一行）；不给出则提示输入（不回显）"
    )
    lst = user_actions.add_parser("list", parents=[db_parent], help="列出本学院的用户及其角色")
    lst.add_argument("--json", action="store_true", help="以 JSON 输出")
    remove = user_actions.add_parser(
        "remove", parents=[db_parent], help="删除用户（不能删除自己和唯一的管理员）"
    )
    remove.add_argument("name", metavar="用户名", help="要删除的用户的登录名")
    for verb, what in (("grant-personal", "授予"), ("revoke-personal", "收回")):
        p = user_actions.add_parser(verb, parents=[db_parent], help=f"{what}用户的“学生个人信息”权限")
        p.add_argument("name", metavar="用户名", help=f"要{what}权限的用户的登录名")
    return {"server": cmd_server}


def cmd_server(args: argparse.Namespace) -> int:
    if args.action == "init":
        return _init(args)
    return {
        "add": _add,
        "list": _list,
        "remove": _remove,
        "grant-personal": _personal,
        "revoke-personal": _personal,
    }[args.user_action](args)


# ------------------------------------------------------------------ init


def _init(args: argparse.Namespace) -> int:
    from app.commands.setup import merged
    from app.db import roles, server_users
    from app.db.engine import open_database
    from app.db.location import ServerLocation, parse_location
    from app.db.server import make_server_engine
    from app.services.settings import get_profile, save_profile

    loc = parse_location(args.url)
    if not isinstance(loc, ServerLocation):
        raise ValidationError(
            "url",
            "server init 需要服务器地址，如 postgresql://用户名@服务器:5432/数据库名（本机数据库文件不需要设置角色）。",
        )
    created = server_users.create_database(loc)
    engine = make_server_engine(loc)
    try:
        with engine.begin() as conn:
            server_users.check_can_set_up(conn, loc)
            if server_users.tables_with_records(conn):
                raise AppError(
                    f"数据库“{loc.database}”里已经有记录，不能再初始化（server init 只用于新的空数据库）。"
                    "要添加用户请用 chanjiao server user add，要修改学校、学院和专业请用 chanjiao setup。"
                )
            # the roles first: the migrations then hand their tables to 管理员 (roles.apply_grants)
            group = roles.create_roles(conn)
            roles.make_admin(conn, loc.user, group)
            roles.secure_database(conn, group)
    finally:
        engine.dispose()
    db = open_database(loc)
    try:
        with db.session() as s:
            roles.apply_grants(s)  # also when the tables were there already (an empty migrated database)
            save_profile(s, merged(get_profile(s), args.school, args.college, args.group))
            s.flush()
            profile = get_profile(s)
    finally:
        db.close()
    print(f"{'已新建' if created else '已设置'}数据库：{loc.display}")
    print(
        f"学校：{profile.school}；二级学院：{profile.college}；{len(profile.groups)} 个专业群、{len(profile.majors)} 个专业。"
    )
    print(
        f"角色：管理员 {group.admin}、录入 {group.editor}、只读 {group.reader}、学生个人信息 {group.personal}。"
    )
    print(
        f"“{loc.user}”是本学院的管理员。添加用户：chanjiao --db {loc.safe_url} server user add 用户名 --role 录入"
    )
    return 0


# ------------------------------------------------------------------ users


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    first = getpass.getpass(f"用户“{args.name}”的密码：")
    if getpass.getpass("再输入一次：") != first:
        raise ValidationError("password", "两次输入的密码不一致，没有添加用户。")
    return first


def _server_db(args: argparse.Namespace):
    db = open_db(args)
    if not db.is_server:
        db.close()
        raise ValidationError(
            "db",
            "用户和角色只用于服务器上的数据库（--db postgresql://用户名@服务器:5432/数据库名）；本机数据库文件没有用户。",
        )
    return db


def _add(args: argparse.Namespace) -> int:
    from app.db import server_users

    password = _read_password(args)
    db = _server_db(args)
    try:
        with db.session() as s:
            user = server_users.add_user(
                s.connection(), args.name, args.role, password, personal_data=args.personal_data
            )
    finally:
        db.close()
    print(
        f"已添加用户“{user.name}”，角色：{user.role}，学生个人信息：{'可查看' if user.personal_data else '不可查看'}。"
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.db import server_users

    db = _server_db(args)
    try:
        with db.reader() as s:
            users = server_users.list_users(s.connection())
    finally:
        db.close()
    if args.json:
        print_json([{"name": u.name, "role": u.role, "personal_data": u.personal_data} for u in users])
        return 0
    for u in users:
        print(f"{u.name}\t{u.role}\t学生个人信息：{'是' if u.personal_data else '否'}")
    print(f"共 {len(users)} 个用户。")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from app.db import server_users

    db = _server_db(args)
    try:
        with db.session() as s:
            dropped = server_users.remove_user(s.connection(), args.name)
    finally:
        db.close()
    tail = (
        "登录账号已从服务器删除。"
        if dropped
        else "其登录账号仍在服务器上（用于其他数据库或拥有其他对象），但已不能使用本学院的数据库。"
    )
    print(f"已删除用户“{args.name}”：{tail}")
    return 0


def _personal(args: argparse.Namespace) -> int:
    from app.db import server_users

    allowed = args.user_action == "grant-personal"
    db = _server_db(args)
    try:
        with db.session() as s:
            user = server_users.set_personal_data(s.connection(), args.name, allowed)
    finally:
        db.close()
    print(f"用户“{user.name}”（{user.role}）：学生个人信息{'可查看' if user.personal_data else '不可查看'}。")
    return 0
