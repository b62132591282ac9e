"""Output to a reader that went away: `chanjiao reminders | head` closes the pipe after ten lines, and the
next write fails. That is the reader's choice, not a failure of the command: it ends quietly with exit 0 —
no “程序遇到了意外的问题”, no traceback, no “Exception ignored” when Python flushes stdout at exit."""

from __future__ import annotations

import errno
import os
import sys


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
