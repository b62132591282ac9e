"""Output to a reader that went away: `chanjiao reminders | head` closes the pipe after ten lines, and the
next write fails. That is the reader's choice, not a failure of the command: it ends quietly — no
“程序遇到了意外的问题”, no traceback, no “Exception ignored” when Python flushes stdout at exit — and its exit
status stays honest. While a command runs, stdout is guarded (`finish`): the first write that finds the reader
gone points stdout at the null device and the command runs on, so it exits with its own code (`check` with
errors still exits 1 under `| head`), whether Python buffers stdout or not (PYTHONUNBUFFERED). Should a closed
pipe still break a command off, its code is unknown: CLOSED_PIPE, what a shell reports for a program ended by
a closed pipe (128 + SIGPIPE), as `yes | head` under `set -o pipefail`."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from typing import Any

CLOSED_PIPE = 141  # 128 + SIGPIPE (13): the status of a writer whose reader went away


def output_closed(exc: BaseException) -> bool:
    """Whether `exc` is a write to stdout whose reader has gone: BrokenPipeError (EPIPE) on Linux and macOS;
    on Windows a pipe whose reader closed fails with EINVAL (or EPIPE), with no file name — an invalid path
    gives EINVAL too, but names its file."""
    if isinstance(exc, BrokenPipeError):
        return True
    return (
        sys.platform == "win32"
        and isinstance(exc, OSError)
        and exc.errno in (errno.EINVAL, errno.EPIPE)
        and exc.filename is None
        and not _is_terminal()
    )


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def end_quietly() -> None:
    """Point stdout at the null device, so that what is still buffered goes nowhere instead of failing again
    when Python flushes stdout on the way out."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests capture stdout in memory)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


class _Guarded:
    """stdout (or its byte buffer) for the length of a command: a write to a reader that went away ends the
    output quietly (the rest goes to the null device) and the command runs on to its own exit code."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.cut = False

    def write(self, data: Any) -> int:
        try:
            return self._stream.write(data)
        except OSError as e:
            self._closed(e)
            return len(data)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as e:
            self._closed(e)

    @property
    def buffer(self) -> _Guarded:  # print_json writes UTF-8 bytes to stdout's buffer
        if not hasattr(self, "_buffer"):
            self._buffer = _Guarded(self._stream.buffer)
        return self._buffer

    def _closed(self, e: OSError) -> None:
        if not output_closed(e):
            raise e
        if not self.cut:
            self.cut = True
            end_quietly()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def finish(run: Callable[[], int]) -> int:
    """Run a command with stdout guarded, and flush what it printed: its own exit code, also when the reader
    went away meanwhile; CLOSED_PIPE when a closed pipe still broke the command off (a write that went
    around the guard). Any other error propagates."""
    saved = sys.stdout
    if saved is not None:  # None in a windowed build
        sys.stdout = _Guarded(saved)
    try:
        code = run()
        if sys.stdout is not None:
            sys.stdout.flush()  # a reader that went away (`| head`) is found here, not at exit
        return code
    except OSError as e:
        if not output_closed(e):
            raise
        end_quietly()
        return CLOSED_PIPE
    finally:
        sys.stdout = saved
