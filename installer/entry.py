"""Entry script of the frozen app (installer/chanjiao.spec): the same `ui.launcher.main` as the `chanjiao`
command, so one bundle opens the window (no arguments) and runs every subcommand (`selftest`, `--version`, …).

The bundle has two executables built from this script: `chanjiao` (on Windows a windowed .exe, no console)
and `chanjiao-cli` (a console .exe for the command line). A windowed Windows exe has no stdout/stderr
(they are None), so printing is sent to the null device there instead of raising.

Word templates are filled in a render process (app/docs/worker.py, multiprocessing "spawn"): the bundle
starts itself again with --multiprocessing-fork, and freeze_support() turns that copy into the render
process before anything else runs (only the null-device fix comes first: the copy has no console either)."""

import multiprocessing
import os
import sys

if __name__ == "__main__":
    for _name in ("stdout", "stderr"):
        if getattr(sys, _name) is None:
            setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    multiprocessing.freeze_support()  # a render process started by the app runs here, and exits

    from ui.launcher import main

    sys.exit(main())
