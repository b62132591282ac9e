"""File-system helpers that hold on Windows: safe file names and atomic replacement."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from app.domain.invisible import strip_invisible
from app.errors import AppError

# Windows' device names. COM and LPT take the superscript digits ¹ ² ³ as digits too (Windows counts them among
# its digits there); CONIN$ and CONOUT$ are the console's input and output.
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"{port}{d}" for port in ("COM", "LPT") for d in (*"123456789", "\u00b9", "\u00b2", "\u00b3")),
}
_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\u2028\u2029]')


def is_reserved_name(name: str) -> bool:
    """Whether Windows takes `name` (one path segment) for a device: CON, nul.txt, Com1.tar.gz, "AUX .txt",
    CONIN$, COM¹.pdf, lpt² — in any case, with or without an extension, spaces before the extension ignored as
    Windows ignores them."""
    return name.split(".")[0].rstrip(" ").upper() in _RESERVED


def safe_filename(name: str, *, max_length: int = 120, default: str = "未命名") -> str:
    """A file name valid on Windows (and elsewhere): no reserved names (CON, NUL, COM1…), no <>:"/\\|?*
    or control characters, no trailing dots or spaces, limited length with the extension kept; and no
    characters that show nothing (zero-width, bidi overrides: “张三\u202excod.exe” would show as
    “张三exe.docx”), so the name shown is the name it is."""
    name = _BAD_CHARS.sub("_", strip_invisible(str(name))).strip().rstrip(". ")
    if not name:
        name = default
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if is_reserved_name(name):
        stem = f"_{stem}"
    ext = ext[:16]
    room = max_length - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(". ") or default
    return f"{stem}.{ext}" if ext else stem


# A full path on Windows holds at most 259 characters (MAX_PATH = 260 with the terminating NUL), counted in
# UTF-16 units; atomic_path's temporary file beside the target has a name of up to TEMP_NAME_CHARS.
MAX_PATH_CHARS = 259
TEMP_STEM_CHARS = 30
TEMP_NAME_CHARS = 54  # "." + 30 characters of the stem + ".~" + 8 (owner) + "." + 8 random + ".tmp"


def path_chars(text: str) -> int:
    """Length as Windows counts it (UTF-16 units: a rare 汉字 outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def name_room(folder: Path) -> int:
    """How many characters a file name in `folder` may have for its full path to stay within MAX_PATH."""
    return MAX_PATH_CHARS - path_chars(str(Path(folder).absolute())) - 1


def fit_filename(parts: list[str], suffix: str, room: int, *, sep: str = "_") -> str:
    """safe_filename of sep.join(parts) + suffix, within `room` characters: the longest part is shortened
    first (a 120-character class name before the student's name); the suffix is kept whole. ValueError
    when even empty parts do not fit."""
    parts = [_BAD_CHARS.sub("_", strip_invisible(str(p))).strip() for p in parts]
    parts = [p for p in parts if p]
    while True:
        name = safe_filename(sep.join(parts) + suffix, max_length=10_000)
        if path_chars(name) <= room:
            return name
        if not parts:
            raise ValueError(f"no room for a file name ({room} characters)")
        longest = max(range(len(parts)), key=lambda i: path_chars(parts[i]))
        excess = path_chars(name) - room
        parts[longest] = parts[longest][: max(len(parts[longest]) - excess, 0)].rstrip(". ")
        parts = [p for p in parts if p]


# Windows refuses to replace a file another process holds open. Antivirus scanners and Explorer's preview
# let go within a moment, so the replace is retried for this long; Excel or WPS keeping it open does not.
REPLACE_RETRY_SECONDS = 2.0


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; when the block ends without an error it replaces `target`,
    otherwise it is removed. The one way the app writes a file the user keeps (exports, documents, packages,
    backups): a crash or a full disk never leaves a half-written file under the final name.

    Write the temporary path and close every handle on it inside the block (Windows cannot rename an
    open file). A target held open by another program is retried for REPLACE_RETRY_SECONDS, then reported
    as an AppError that says so."""
    target = Path(target)
    if target.is_dir():
        raise AppError(f"“{target}”是一个文件夹，请另选文件名。")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_temp_beside(target)
    try:
        yield tmp
        _usual_mode(tmp, target)
        replace_with_retry(tmp, target)
    finally:
        with contextlib.suppress(OSError):  # never hide the error that brought us here
            tmp.unlink(missing_ok=True)


def _new_temp_beside(target: Path) -> Path:
    """An empty private file `.<stem>.~<owner>.<random>.tmp` beside `target`, listed in this process's
    temporary folder first: a sweep after a crash finds it by both (app/tempfiles.py)."""
    from app import tempfiles

    try:
        owner: str | None = tempfiles.owner_id()
    except (OSError, AppError):  # no data folder to write in: the save still works, swept by age only
        owner = None
    for _attempt in range(100):
        name = f".{target.stem[:TEMP_STEM_CHARS]}.~{owner or secrets.token_hex(4)}.{secrets.token_hex(4)}.tmp"
        tmp = target.with_name(name)
        if owner:
            with contextlib.suppress(OSError):  # unlisted, it is still found beside a database by its name
                tempfiles.record_beside(tmp)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise AppError(f"无法在“{target.parent}”中创建临时文件。")


def _usual_mode(tmp: Path, target: Path) -> None:
    """The temporary file is made private (0600); give it the mode of the file it replaces, or the mode a new
    file gets from the user's umask — what saving from any other program would give (POSIX only)."""
    if os.name != "posix" or not tmp.exists():
        return
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
    except OSError:  # keep the private mode rather than fail the save
        pass


def _umask() -> int:
    try:  # Linux tells it without changing it (os.umask would, for a moment, for every thread)
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def replace_with_retry(src: Path, target: Path, *, seconds: float | None = None) -> None:
    """os.replace, retried while Windows says the target is in use (PermissionError)."""
    deadline = time.monotonic() + (REPLACE_RETRY_SECONDS if seconds is None else seconds)
    delay = 0.05
    while True:
        try:
            os.replace(src, target)
            return
        except PermissionError as e:
            if time.monotonic() + delay > deadline:
                if target.exists() and not os.access(target, os.W_OK):
                    raise AppError(f"文件“{target.name}”是只读的，无法覆盖。请另选文件名。", str(e)) from e
                raise AppError(
                    f"文件“{target.name}”正被其他程序打开（如 Excel/WPS），请关闭后重试。", str(e)
                ) from e
            time.sleep(delay)
            delay = min(delay * 2, 0.4)


@contextlib.contextmanager
def scratch_folder(prefix: str = "") -> Iterator[Path]:
    """A temporary folder, removed with its contents at the end, in this process's own temporary folder under
    the data folder (never the system's %TEMP%): a crash leaves it to the next start's sweep (app/tempfiles.py)."""
    from app import tempfiles

    folder = tempfiles.new_folder(prefix)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def human_size(n: int) -> str:
    """1536 → “1.5 KB”, 512 → “512 字节”: a size as a person reads it."""
    size = float(n)
    for unit in ("字节", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "字节" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} 字节"
