"""The command line: a thin layer over the services. `chanjiao` with no arguments starts the GUI
(see ui/launcher.py, the installed entry point, which hands every other command to `run`)."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import logging
import multiprocessing
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app import APP_TITLE, __version__, tempfiles
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


def four_digit_year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"年度“{text}”应为四位年份，如 2026")
    return int(text)


def iso_date(text: str) -> dt.date:
    """An argparse type: a date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”应为 YYYY-MM-DD，如 2026-09-01") from None


def build_parser() -> argparse.ArgumentParser:
    db = _db_parent()
    parser = argparse.ArgumentParser(
        prog="chanjiao", description=f"{APP_TITLE}（不带参数运行即打开图形界面）", parents=[db]
    )
    parser.add_argument("--version", action="version", version=f"chanjiao {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    sub.add_parser("init", parents=[db], help="创建或升级数据库")
    sub.add_parser("gui", parents=[db], help="打开图形界面")

    demo = sub.add_parser("demo", parents=[db], help="向空数据库填入演示数据")
    demo.add_argument(
        "--size", choices=["small", "large"], default="small", help="small≈300家企业；large=100000家"
    )
    demo.add_argument("--seed", type=int, default=1, help="随机种子（相同种子得到相同数据）")

    imp = sub.add_parser("import", parents=[db], help="从 Excel 导入")
    imp.add_argument("table", choices=["enterprises", *TABLE_HANDLERS["import"]])
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    imp.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    imp.add_argument("--project", metavar="NAME", help="ledger：整个文件记入此项目（名称或 id）")
    imp.add_argument(
        "--keep-duplicates", action="store_true", help="ledger：与已有记录相同的行也导入（默认跳过）"
    )
    imp.add_argument(
        "--update", action="store_true", help="students / evaluations / employment：已有记录（按学号）也更新"
    )

    exp = sub.add_parser("export", parents=[db], help="导出为 Excel")
    exp.add_argument("table", choices=["enterprises", *TABLE_HANDLERS["export"]])
    exp.add_argument("file", type=Path)
    exp.add_argument("--year", type=four_digit_year, metavar="YYYY", help="ledger：只导出此年度")
    exp.add_argument("--project", metavar="ID", help="ledger：只导出此项目（id 或名称）")
    exp.add_argument(
        "--show-personal-data", action="store_true", help="students：导出完整身份证号和电话（默认打码）"
    )

    tpl = sub.add_parser("template", help="生成空白导入模板")
    tpl.add_argument("table", choices=["enterprises", *TABLE_HANDLERS["template"]])
    tpl.add_argument("file", type=Path)

    sub.add_parser("selftest", help="检查本机安装是否完整（无界面）")
    for module in AREA_COMMANDS:
        COMMANDS.update(importlib.import_module(module).register(sub, db))
    return parser


# Each area adds its own top-level commands in a module of app/commands/ with
# `register(sub, db_parent) -> {command: handler}`; list the module here.
AREA_COMMANDS: tuple[str, ...] = (
    "app.commands.agreements",
    "app.commands.backup",
    "app.commands.compliance",
    "app.commands.bases",
    "app.commands.docs",
    "app.commands.funds",
    "app.commands.internships",
    "app.commands.keys",
    "app.commands.package",
    "app.commands.report",
    "app.commands.teachers",
)


# `import` / `export` / `template` of the tables other than enterprises: table → "module:function".
TABLE_HANDLERS: dict[str, dict[str, str]] = {
    "import": {
        "ledger": "app.commands.funds:cmd_import_ledger",
        "teachers": "app.commands.teachers:cmd_import_teachers",
        "practice": "app.commands.teachers:cmd_import_teachers",
        "students": "app.commands.internships:cmd_import",
        "evaluations": "app.commands.internships:cmd_import",
        "employment": "app.commands.internships:cmd_import",
    },
    "export": {
        "ledger": "app.commands.funds:cmd_export_ledger",
        "teachers": "app.commands.teachers:cmd_export_teachers",
        "students": "app.commands.internships:cmd_export_students",
    },
    "template": {
        "ledger": "app.commands.funds:cmd_template_ledger",
        "teachers": "app.commands.teachers:cmd_template_teachers",
        "practice": "app.commands.teachers:cmd_template_teachers",
        "students": "app.commands.internships:cmd_template",
    },
}


def _table_handler(command: str, table: str) -> Callable[[argparse.Namespace], int] | None:
    target = TABLE_HANDLERS[command].get(table)
    if target is None:
        return None
    module, function = target.split(":")
    return getattr(importlib.import_module(module), function)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    args.db = getattr(args, "db", None)
    return args


def open_db(args: argparse.Namespace):
    """The database the command names (--db, CHANJIAO_DB, or the default), opened and upgraded."""
    from app.backup import daily_backup_quietly
    from app.db.engine import open_database
    from app.paths import resolve_db_path

    path = resolve_db_path(args.db)
    tempfiles.sweep_for_database(path)
    db = open_database(path)
    if db.key_problems and args.command != "check-keys":
        print(
            f"注意：数据库中有{len(db.key_problems)}处学号、工号等重复，请运行 chanjiao check-keys 查看并处理。",
            file=sys.stderr,
        )
    daily_backup_quietly(db.path)
    return db


def cmd_init(args: argparse.Namespace) -> int:
    db = open_db(args)
    from app.db.migrate import current_revision

    print(f"数据库已就绪：{db.path}（结构版本 {current_revision(db.engine)}）")
    db.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import fill_demo

    db = open_db(args)
    try:
        with db.session() as s:
            counts = fill_demo(s, size=args.size, seed=args.seed, progress=_print_progress)
        _end_progress()
        print("已填入演示数据：" + "，".join(f"{k} {v} 条" for k, v in counts.items()))
    finally:
        db.close()
    return 0


def _print_progress(fraction: float, message: str = "") -> None:
    """Progress on an interactive terminal only (stderr), so --json output stays clean."""
    if sys.stderr.isatty():
        print(f"\r{message} {fraction:6.1%}   ", end="", file=sys.stderr, flush=True)


def _end_progress() -> None:
    if sys.stderr.isatty():
        print("\r" + " " * 60 + "\r", end="", file=sys.stderr, flush=True)


def run_import(
    args: argparse.Namespace,
    read: Callable[..., Any],
    write: Callable[..., Any],
    *,
    notes: Callable[[Any, Any], list[str]] | None = None,
) -> int:
    """An import from the command line, the same for every table: read and check the file (a preview), write
    the valid rows in one transaction unless --dry-run, report (--json: app.io.importing.preview_json).
    read(s, file, progress=…) -> ImportPreview; write(s, preview, progress=…) -> Changes. Exit 0: every row
    valid; 1: rows rejected (the valid ones are imported unless --dry-run); 2: the file cannot be used."""
    from app.io.importing import preview_json

    db = open_db(args)
    try:
        with db.reader() as s:  # reading the file takes no lock: another import may write meanwhile
            preview = read(s, args.file, progress=_print_progress)
        changes = None
        if not args.dry_run:  # the write transaction rechecks the rows against the data it writes into
            with db.session() as s:
                changes = write(s, preview, progress=_print_progress)
        _end_progress()
    finally:
        db.close()
    out = preview_json(preview, args.file, 0 if changes is None else changes.count)
    if args.json:
        print_json(out)
    else:
        for e in preview.errors:
            print(f"第{e.row}行 [{e.column}]：{e.message}")
        for w in preview.warnings:
            print(f"第{w.row}行 [{w.column}]（提示）：{w.message}")
        for notice in preview.notices:  # hidden rows and columns of the file
            print(f"（提示）{notice}")
        for note in notes(preview, changes) if notes else ():
            print(note)
        verb = "可导入" if args.dry_run else "已导入"
        print(f"{verb} {out['valid'] if args.dry_run else out['imported']} 条，拒绝 {out['rejected']} 行。")
    return 1 if preview.rejected_rows else 0


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
    if handler := _table_handler("import", args.table):
        return handler(args)
    from app.io.enterprises_xlsx import import_enterprises, read_enterprises

    return run_import(args, read_enterprises, import_enterprises)


def cmd_export(args: argparse.Namespace) -> int:
    _refuse_ledger_options(args)
    if getattr(args, "show_personal_data", False) and args.table != "students":
        raise ValidationError(
            "show_personal_data", f"--show-personal-data 只用于 students，不能用于 {args.table}"
        )
    if handler := _table_handler("export", args.table):
        return handler(args)
    from app.io.enterprises_xlsx import export_enterprises

    db = open_db(args)
    try:
        with db.reader() as s:
            n = export_enterprises(s, args.file, progress=_print_progress)
        _end_progress()
    finally:
        db.close()
    print(f"已导出 {n} 家企业到 {args.file}（档案中的全部企业，各种合作状态都在内，不是“合作中的企业”数）")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    if handler := _table_handler("template", args.table):
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


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "import": cmd_import,
    "export": cmd_export,
    "template": cmd_template,
    "selftest": cmd_selftest,
}


def print_json(value: object) -> None:
    """--json output is UTF-8 whatever the console's code page (JSON is UTF-8 by its standard; a script
    reading it on Chinese Windows must not get GBK). A Windows console takes UTF-8 bytes too."""
    sys.stdout.flush()
    sys.stdout.buffer.write((json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    sys.stdout.buffer.flush()


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
        return COMMANDS[args.command](args)
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
