"""The real command line importing a file in a process of its own, held at a point of its work by the test hooks
of app/io/importing.py (`hold_for_tests`), so that two writers overlap the same way on every run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HOOKS = ("CHANJIAO_TEST_HOLD_IMPORT", "CHANJIAO_TEST_HOLD_READ")


def start_import(tmp_path: Path, db_arg: str, *args: str, **hooks: str) -> subprocess.Popen[str]:
    """`python -m app import ARGS --db DB_ARG`, its own CHANJIAO_HOME under `tmp_path`; `hooks`: the hold
    variables ("marker;release")."""
    env = {**os.environ, "CHANJIAO_HOME": str(tmp_path / "home"), "PYTHONIOENCODING": "utf-8"}
    for name in ("CHANJIAO_DB", *HOOKS):
        env.pop(name, None)
    env.update(hooks)
    return subprocess.Popen(
        [sys.executable, "-m", "app", "import", *args, "--db", db_arg],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def wait_for(marker: Path, proc: subprocess.Popen[str], seconds: float = 60) -> None:
    """Until the held import writes `marker` (it is then holding); fails if it ended first."""
    deadline = time.monotonic() + seconds
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the import ended early: {proc.communicate()}")
        assert time.monotonic() < deadline, f"{marker.name} never appeared"
        time.sleep(0.05)
