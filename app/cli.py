"""The command line: a thin layer over the services. `chanjiao` with no arguments starts the GUI
(see ui/launcher.py, the installed entry point, which hands every other command to `run`)."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import APP_TITLE, __version__, tempfiles
from app.commands import (
    agreements,
    backup,
    bases,
    compliance,
    copy,
    docs,
    funds,
    internships,
    keys,
    package,
    projects,
    report,
    server,
    setup,
    teachers,
    transfer,
)
from app.commands.chinese_argparse import VERSION, ChineseParser
from app.commands.common import end_progress, four_digit_year, open_db, print_progress, run_import
from app.commands.output import finish
from app.errors import AppError, ImportFileError, ValidationError

log = logging.getLogger(__name__)


def _db_parent() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--db",
        metavar="PATH",
        # No default here: a sub-command's default would overwrite the X of `chanjiao --db X import …`.
        # parse_args() puts None when --db is given nowhere.
        default=argparse.SUPPRESS,
        help="数据库文件（默认：用户数据目录下的 chanjiao.db；或环境变量 CHANJIAO_DB）",
    )
    return p


TABLES_HELP = (
    "enterprises 合作企业、ledger 经费台账、teachers 教师、practice 企业实践、students 学生名册、"
    "evaluations 企业月度评价、employment 就业数据（导出与模板只有其中几种）"
)


def build_parser() -> argparse.ArgumentParser:
    db = _db_parent()
    parser = ChineseParser(
        prog="chanjiao", description=f"{APP_TITLE}（不带参数运行即打开图形界面）", parents=[db]
    )
    parser.add_argument("--version", action="version", version=f"chanjiao {__version__}", help=VERSION)
    sub = parser.add_subparsers(dest="command", metavar="命令")

    sub.add_parser("init", parents=[db], help="创建或升级数据库")
    sub.add_parser("gui", parents=[db], help="打开图形界面")

    demo = sub.add_parser("demo", parents=[db], help="向空数据库填入演示数据")
    demo.add_argument(
        "--size", choices=["small", "large"], default="small", help="small≈300家企业；large=100000家"
    )
    demo.add_argument("--seed", type=int, default=1, help="随机种子（相同种子得到相同数据）")

    imp = sub.add_parser("import", parents=[db], help="从 Excel 导入")
    imp.add_argument(
        "table", choices=["enterprises", *TABLE_HANDLERS["import"]], metavar="表", help=TABLES_HELP
    )
    imp.add_argument("file", type=Path, metavar="文件", help="要导入的 Excel 文件（.xlsx）")
    imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    imp.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    imp.add_argument("--project", metavar="NAME", help="ledger：整个文件记入此项目（名称或 id）")
    imp.add_argument(
        "--keep-duplicates", action="store_true", help="ledger：与已有记录相同的行也导入（默认跳过）"
    )
    imp.add_argument(
        "--update", action="store_true", help="students / evaluations / employment：已有记录（按学号）也更新"
    )
    imp.add_argument(
        "--on-existing",
        choices=["skip", "update"],
        help="enterprises：已在档案中的企业（统一社会信用代码或名称相同）跳过（skip，默认）"
        "或用文件中非空的列更新（update）",
    )

    exp = sub.add_parser("export", parents=[db], help="导出为 Excel")
    exp.add_argument(
        "table", choices=["enterprises", *TABLE_HANDLERS["export"]], metavar="表", help=TABLES_HELP
    )
    exp.add_argument("file", type=Path, metavar="文件", help="要保存的 Excel 文件（.xlsx）")
    exp.add_argument("--year", type=four_digit_year, metavar="YYYY", help="ledger：只导出此年度")
    exp.add_argument("--project", metavar="ID", help="ledger：只导出此项目（id 或名称）")
    exp.add_argument(
        "--show-personal-data", action="store_true", help="students：导出完整身份证号和电话（默认打码）"
    )

    tpl = sub.add_parser("template", help="生成空白导入模板")
    tpl.add_argument(
        "table", choices=["enterprises", *TABLE_HANDLERS["template"]], metavar="表", help=TABLES_HELP
    )
    tpl.add_argument("file", type=Path, metavar="文件", help="要保存的模板文件（.xlsx）")

    sub.add_parser("selftest", help="检查本机安装是否完整（无界面）")
    for area in AREAS:
        COMMANDS.update(area.register(sub, db))
    return parser


# Each area adds its own top-level commands in a module of app/commands/ with
# `register(sub, db_parent) -> {command: handler}`; list the module here. The modules keep their heavy
# imports inside the handlers, so that building the parser (every start) stays fast.
AREAS = (
    agreements,
    backup,
    compliance,
    copy,
    bases,
    docs,
    funds,
    internships,
    keys,
    package,
    projects,
    report,
    server,
    setup,
    teachers,
    transfer,
)

Handler = Callable[[argparse.Namespace], int]

# `import` / `export` / `template` of the tables other than enterprises: table → handler.
TABLE_HANDLERS: dict[str, dict[str, Handler]] = {
    "import": {
        "ledger": funds.cmd_import_ledger,
        "teachers": teachers.cmd_import_teachers,
        "practice": teachers.cmd_import_teachers,
        "students": internships.cmd_import,
        "evaluations": internships.cmd_import,
        "employment": internships.cmd_import,
    },
    "export": {
        "ledger": funds.cmd_export_ledger,
        "teachers": teachers.cmd_export_teachers,
        "students": internships.cmd_export_students,
    },
    "template": {
        "ledger": funds.cmd_template_ledger,
        "teachers": teachers.cmd_template_teachers,
        "practice": teachers.cmd_template_teachers,
        "students": internships.cmd_template,
    },
}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    args.db = getattr(args, "db", None)
    return args


def cmd_init(args: argparse.Namespace) -> int:
    db = open_db(args)
    from app.db.migrate import current_revision

    print(f"数据库已就绪：{db.display_name}（结构版本 {current_revision(db.engine)}）")
    db.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import fill_demo

    db = open_db(args)
    try:
        with db.session() as s:
            counts = fill_demo(s, size=args.size, seed=args.seed, progress=print_progress)
        end_progress()
        print("已填入演示数据：" + "，".join(f"{k} {v} 条" for k, v in counts.items()))
    finally:
        db.close()
    return 0


LEDGER_ONLY = {"project": "--project", "keep_duplicates": "--keep-duplicates", "year": "--year"}


def _refuse_ledger_options(args: argparse.Namespace) -> None:
    """--project / --keep-duplicates / --year mean something for the ledger only: refuse them elsewhere."""
    given = [flag for name, flag in LEDGER_ONLY.items() if getattr(args, name, None)]
    if given and args.table != "ledger":
        raise ValidationError(
            given[0], f"{'、'.join(given)} 只用于 ledger（经费台账），不能用于 {args.table}"
        )


def cmd_import(args: argparse.Namespace) -> int:
    _refuse_ledger_options(args)
    if args.update and args.table not in ("students", "evaluations", "employment"):
        raise ValidationError(
            "update", f"--update 只用于 students、evaluations、employment，不能用于 {args.table}"
        )
    if args.on_existing and args.table != "enterprises":
        raise ValidationError("on_existing", f"--on-existing 只用于 enterprises，不能用于 {args.table}")
    if handler := TABLE_HANDLERS["import"].get(args.table):
        return handler(args)
    from app.commands.enterprises import existing_json, existing_notes
    from app.io.enterprises_xlsx import import_enterprises, read_enterprises

    on_existing = args.on_existing or "skip"
    return run_import(
        args,
        read_enterprises,
        lambda s, preview, progress: import_enterprises(
            s, preview, on_existing=on_existing, progress=progress
        ),
        notes=lambda preview, changes: existing_notes(preview, changes, on_existing),
        more_json=lambda preview, changes: existing_json(preview, changes, on_existing),
    )


def cmd_export(args: argparse.Namespace) -> int:
    _refuse_ledger_options(args)
    if getattr(args, "show_personal_data", False) and args.table != "students":
        raise ValidationError(
            "show_personal_data", f"--show-personal-data 只用于 students，不能用于 {args.table}"
        )
    if handler := TABLE_HANDLERS["export"].get(args.table):
        return handler(args)
    from app.io.enterprises_xlsx import export_enterprises

    db = open_db(args)
    try:
        with db.reader() as s:
            n = export_enterprises(s, args.file, progress=print_progress)
        end_progress()
    finally:
        db.close()
    print(f"已导出 {n} 家企业到 {args.file}（档案中的全部企业，各种合作状态都在内，不是“合作中的企业”数）")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    if handler := TABLE_HANDLERS["template"].get(args.table):
        return handler(args)
    from app.io.enterprises_xlsx import write_template

    write_template(args.file)
    print(f"已生成导入模板：{args.file}")
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from app.selftest import run_core_checks

    failures = run_core_checks(print)
    print("自检通过" if not failures else f"自检失败：{'、'.join(failures)}")
    return 1 if failures else 0


COMMANDS: dict[str, Handler] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "import": cmd_import,
    "export": cmd_export,
    "template": cmd_template,
    "selftest": cmd_selftest,
}


def setup_console() -> None:
    """Printing never fails: a redirected console on Chinese Windows encodes in GBK, which lacks some
    characters (rare 汉字 in names); those are replaced rather than raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit code. 2 = unusable input or database."""
    from app.logs import setup_logging

    setup_console()
    setup_logging()
    args = parse_args(argv)
    with tempfiles.started():  # what killed runs left is swept; this run's temporary files under 临时/
        return _run_command(args)


def _run_command(args: argparse.Namespace) -> int:
    try:
        return finish(lambda: COMMANDS[args.command](args))  # honest exit code also when `| head` closed
    except ImportFileError as e:
        print(f"错误：{e.message}", file=sys.stderr)
        return 2
    except AppError as e:
        log.error("%s %s", e.message, e.detail)
        print(f"错误：{e.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except Exception:  # a bug: the user gets a short message, the log gets the traceback
        from app.logs import log_file

        log.exception("command %s failed", args.command)
        print(f"错误：程序遇到了意外的问题，操作未完成。详细信息已写入日志：{log_file()}", file=sys.stderr)
        return 3


def main(argv: Sequence[str] | None = None) -> int:
    """Core-only entry point (no GUI): `python -m app`."""
    multiprocessing.freeze_support()  # a frozen build's render process (app/docs/worker.py) stops here
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] == "gui":
        print("图形界面请运行 chanjiao（或 chanjiao-gui）", file=sys.stderr)
        return 2
    return run(argv)
