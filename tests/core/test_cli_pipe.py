"""A closed pipe (`chanjiao check | head`) keeps the exit status honest, through a real pipe to a real
process: the command's own code when it had finished (the reader was found gone at the last flush), 141
(128 + SIGPIPE, as a shell reports `yes | head`) when its output was cut off in the middle; never a crash
message, never “Exception ignored”."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.commands.output import CLOSED_PIPE


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "CHANJIAO_HOME": str(tmp_path / "home"), "PYTHONIOENCODING": "utf-8"}
    env.pop("CHANJIAO_DB", None)
    env.pop("PYTHONUNBUFFERED", None)  # stdout buffered, as usual; one test sets it
    return env


def _into_closed_pipe(tmp_path: Path, *argv: str) -> tuple[int, str]:
    """Run `python -m app ARGV` writing into a pipe whose reader has already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write fails, as once `head` has exited
    try:
        done = subprocess.run(
            [sys.executable, "-m", "app", *argv],
            env=_env(tmp_path),
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(write_end)
    return done.returncode, done.stderr.decode("utf-8", "replace")


def _into_open_pipe(tmp_path: Path, *argv: str) -> tuple[int, bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "app", *argv], env=_env(tmp_path), capture_output=True, timeout=120
    )
    return done.returncode, done.stdout


def test_a_finished_command_keeps_its_own_code(tmp_path: Path) -> None:
    """`package verify` of a file that is no package prints two short lines and exits 1: that output is
    still in Python's buffer when the command returns, so the closed pipe is found at the last flush."""
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip", encoding="utf-8")
    code, out = _into_open_pipe(tmp_path, "package", "verify", str(bad))
    assert code == 1 and 0 < len(out) < 4096  # the same command, read to the end
    code, err = _into_closed_pipe(tmp_path, "package", "verify", str(bad))
    assert (code, err) == (1, "")  # found at the last flush: the command had finished


def test_a_command_cut_off_midway_keeps_its_own_code(tmp_path: Path) -> None:
    """`check --rules --json` writes its JSON (over 8 KB, more than Python buffers) and flushes it before
    returning 0; `package verify` prints line by line when stdout is unbuffered: the write that fails is
    inside the command, which still ends with its own code."""
    db = str(tmp_path / "x.db")
    code, out = _into_open_pipe(tmp_path, "check", "--rules", "--json", "--db", db)
    assert code == 0 and len(out) > 8192
    assert _into_closed_pipe(tmp_path, "check", "--rules", "--json", "--db", db) == (0, "")
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip", encoding="utf-8")
    env = {**_env(tmp_path), "PYTHONUNBUFFERED": "1"}
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "app", "package", "verify", str(bad)],
            env=env,
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, b"")


def test_a_command_broken_off_exits_as_a_closed_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    """A closed pipe that still breaks a command off (a write around the guard): its code is unknown, and
    the status is a shell's for a closed pipe, 128 + SIGPIPE."""
    from app.commands import output
    from app.commands.output import finish

    monkeypatch.setattr(output, "end_quietly", lambda: None)  # leave pytest's own stdout alone

    def cut_off() -> int:
        raise BrokenPipeError(32, "Broken pipe")

    assert finish(cut_off) == CLOSED_PIPE == 128 + 13


def test_errors_other_than_a_closed_pipe_are_still_errors(tmp_path: Path) -> None:
    """Only a write to a reader that went away is quiet: an OSError of the command itself stays a failure."""
    from app.commands.output import finish

    def fails() -> int:
        raise PermissionError(13, "denied", "x.xlsx")

    with pytest.raises(PermissionError):
        finish(fails)
    assert finish(lambda: 3) == 3


def test_in_the_shell_the_status_is_the_commands(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("a POSIX shell pipeline")
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip", encoding="utf-8")
    done = subprocess.run(
        f'"{sys.executable}" -m app package verify "{bad}" | head -1; echo "status ${{PIPESTATUS[0]}}"',
        shell=True,
        executable="/bin/bash",
        env=_env(tmp_path),
        capture_output=True,
        timeout=120,
    )
    lines = done.stdout.decode("utf-8").splitlines()
    assert lines[0].startswith("校验未通过") and lines[-1] == "status 1"
    assert done.stderr == b""


def test_check_with_errors_exits_1_under_a_closed_pipe(tmp_path: Path, demo_file: Path) -> None:
    """The case of the issue: `chanjiao check | head` over the demo data, whose errors make check exit 1 —
    with a reader that has gone, as with one that reads everything."""
    import shutil

    db = tmp_path / "demo.db"
    shutil.copyfile(demo_file, db)
    argv = ("check", "--today", "2026-11-01", "--db", str(db))
    code, out = _into_open_pipe(tmp_path, *argv)
    assert code == 1 and "错误" in out.decode("utf-8")
    assert _into_closed_pipe(tmp_path, *argv) == (1, "")
