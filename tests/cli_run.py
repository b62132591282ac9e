"""Running the CLI as a user's shell would, on Linux and on Chinese Windows alike: --json output is UTF-8
(app.commands.common.print_json); other output and errors are in the console's code page (GBK on Chinese Windows).

By default the command runs in this process, with stdout and stderr replaced by byte buffers encoded as the
console would encode them: the same bytes a subprocess would print, without starting Python again for each
command (seconds each under Wine). `subprocess=True`, or an `env`, runs `python -m app` for real — the
Windows smoke (tests/windows/smoke.py) runs every command that way too.
"""

from __future__ import annotations

import io
import locale
import subprocess as sp
import sys


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, subprocess: bool = False
) -> sp.CompletedProcess[str]:
    console = locale.getpreferredencoding(False)
    if subprocess or env is not None:
        proc = sp.run([sys.executable, "-m", "app", *args], capture_output=True, env=env, timeout=timeout)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    else:
        code, out, err = _in_process(list(args), console)
    stdout = out.decode("utf-8" if "--json" in args else console, "replace")
    return sp.CompletedProcess(["chanjiao", *args], code, stdout, err.decode(console, "replace"))


def _in_process(argv: list[str], console: str) -> tuple[int, bytes, bytes]:
    from app.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding=console, write_through=True)
    stderr = io.TextIOWrapper(err, encoding=console, write_through=True)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, stderr
    try:
        try:
            code = main(argv)
        except SystemExit as e:  # argparse: --help, or a usage error (exit 2)
            code = e.code if isinstance(e.code, int) else 0 if e.code is None else 2
    finally:
        stdout.flush()
        stderr.flush()
        sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()
