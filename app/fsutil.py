"""File-system helpers that hold on Windows: safe file names and atomic replacement."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from app.errors import AppError

_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def safe_filename(name: str, *, max_length: int = 120, default: str = "未命名") -> str:
    """A file name valid on Windows (and elsewhere): no reserved names (CON, NUL, COM1…), no <>:"/\\|?*,
    no trailing dots or spaces, limited length with the extension kept."""
    name = _BAD_CHARS.sub("_", str(name)).strip().rstrip(". ")
    if not name:
        name = default
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.split(".")[0].upper() in _RESERVED or name.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    ext = ext[:16]
    room = max_length - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(". ") or default
    return f"{stem}.{ext}" if ext else stem


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`, on failure it is removed.

    A crash or a full disk never leaves a half-written file under the final name."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem[:40]}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except PermissionError as e:
            raise AppError(
                f"文件“{target.name}”正被其他程序打开（如 Excel/WPS），请关闭后重试。", str(e)
            ) from e
    finally:
        tmp.unlink(missing_ok=True)
