"""Running the CLI in a subprocess as a user's shell would, on Linux and on Chinese Windows alike:
--json output is UTF-8 (app.cli.print_json); other output and errors are in the console's code page
(GBK on Chinese Windows)."""

from __future__ import annotations

import locale
import subprocess
import sys


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, env=env, timeout=timeout)
    console = locale.getpreferredencoding(False)
    stdout = proc.stdout.decode("utf-8" if "--json" in args else console, "replace")
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, stdout, proc.stderr.decode(console, "replace")
    )
