"""Entry points. `chanjiao` with no command (or `gui`) opens the window; `selftest` checks the core and
the GUI; every other command is the core CLI (app/cli.py). Qt is imported only when needed, so the
CLI works on machines without a display."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # a frozen build's render process (app/docs/worker.py) stops here
    from app.cli import parse_args, run, setup_console

    setup_console()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.command in (None, "gui"):
        return gui(args.db)
    if args.command == "selftest":
        return selftest()
    return run(argv)


def gui(db: str | None = None) -> int:
    from app import tempfiles
    from app.db.location import FileLocation, resolve_location
    from app.errors import AppError

    try:
        loc = resolve_location(db)  # a database file, or a database on a server
    except AppError as e:
        return _refused(str(e))
    if not isinstance(loc, FileLocation):
        from ui.app import run_gui

        with tempfiles.started():
            return run_gui(loc)
    from app.db.engine import IntegrityCheck

    # the file's quick_check (1–2 s on the large demo) runs while the window's modules import, unless this app
    # closed the file after a check and nothing has touched it since (app/db/verified.py)
    integrity = IntegrityCheck.start(loc.path, remembered=True)
    from ui.app import run_gui

    with tempfiles.started():  # what killed copies left is swept; this run's temporary files under 临时/
        return run_gui(loc.path, integrity)


def _refused(message: str) -> int:
    """Said on the terminal and in a message box: `chanjiao-gui` has no terminal on Windows."""
    print(f"错误：{message}", file=sys.stderr)
    from ui.app import make_application
    from ui.qt import QMessageBox

    make_application()
    QMessageBox.critical(None, "无法打开数据库", message)
    return 2


def gui_main() -> None:
    """`chanjiao-gui`: a GUI script (no console window on Windows)."""
    multiprocessing.freeze_support()
    args = sys.argv[1:]
    db = args[args.index("--db") + 1] if "--db" in args[:-1] else None
    sys.exit(gui(db))


def selftest() -> int:
    from app import tempfiles
    from app.logs import setup_logging
    from app.selftest import run_core_checks

    setup_logging()
    with tempfiles.started():
        return _selftest(run_core_checks)


def _selftest(run_core_checks) -> int:
    failures = run_core_checks(print)
    try:
        from ui.selftest import run_gui_checks

        failures += run_gui_checks(print)
    except Exception as e:  # Qt missing or broken: that is what a selftest is for
        print(f"× 图形界面：{type(e).__name__}: {e}")
        failures.append("图形界面")
    print("自检通过" if not failures else f"自检失败：{'、'.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
