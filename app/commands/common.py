"""What every command shares: the argparse types of dates and years, --json output, progress on the
terminal, the database a command names, and the one way an Excel file is imported. The commands import
these from here; none imports the dispatcher (app/cli.py), which imports the commands."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any

from app import tempfiles


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


def print_json(value: object) -> None:
    """--json output is UTF-8 whatever the console's code page (JSON is UTF-8 by its standard; a script
    reading it on Chinese Windows must not get GBK). A Windows console takes UTF-8 bytes too."""
    sys.stdout.flush()
    sys.stdout.buffer.write((json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    sys.stdout.buffer.flush()


def print_progress(fraction: float, message: str = "") -> None:
    """Progress on an interactive terminal only (stderr), so --json output stays clean."""
    if sys.stderr.isatty():
        print(f"\r{message} {fraction:6.1%}   ", end="", file=sys.stderr, flush=True)


def end_progress() -> None:
    if sys.stderr.isatty():
        print("\r" + " " * 60 + "\r", end="", file=sys.stderr, flush=True)


def open_db(args: argparse.Namespace):
    """The database the command names (--db, CHANJIAO_DB, or the default: a file, or a server's
    postgresql://user@host:5432/dbname), opened and upgraded."""
    from app.backup import daily_backup_quietly
    from app.db.engine import open_database
    from app.db.location import FileLocation, resolve_location

    loc = resolve_location(args.db)
    if isinstance(loc, FileLocation):
        tempfiles.sweep_for_database(loc.path)
    db = open_database(loc)
    if db.key_problems and args.command != "check-keys":
        print(
            f"注意：数据库中有{len(db.key_problems)}处学号、工号等重复，请运行 chanjiao check-keys 查看并处理。",
            file=sys.stderr,
        )
    if not db.is_server:  # a server's backup is its administrator's (pg_dump)
        daily_backup_quietly(db.path)
    return db


def run_import(
    args: argparse.Namespace,
    read: Callable[..., Any],
    write: Callable[..., Any],
    *,
    notes: Callable[[Any, Any], list[str]] | None = None,
    more_json: Callable[[Any, Any], dict[str, object]] | None = None,
) -> int:
    """An import from the command line, the same for every table: read and check the file (a preview), write
    the valid rows in one transaction unless --dry-run, report (--json: app.io.importing.preview_json).
    read(s, file, progress=…) -> ImportPreview; write(s, preview, progress=…) -> Changes. Exit 0: every row
    valid; 1: rows rejected (the valid ones are imported unless --dry-run); 2: the file cannot be used."""
    from app.io.importing import preview_json

    db = open_db(args)
    try:
        with db.reader() as s:  # reading the file takes no lock: another import may write meanwhile
            preview = read(s, args.file, progress=print_progress)
        changes = None
        if not args.dry_run:  # the write transaction rechecks the rows against the data it writes into
            with db.session() as s:
                changes = write(s, preview, progress=print_progress)
        end_progress()
    finally:
        db.close()
    out = preview_json(preview, args.file, 0 if changes is None else changes.count)
    if more_json is not None:
        out.update(more_json(preview, changes))
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
