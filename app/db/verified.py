"""A database file's last integrity check, remembered on this PC, so that the window's start need not read the
whole file again when nothing has touched it since.

SQLite's quick_check reads every page of the file: on the large demo (530 MB) a second and a half with the file
in the disk cache, many seconds from a cold disk — the longest part of a start. When this app closed the file
cleanly (no -wal or -journal file left beside it) and its size, modification and change times and file id are
still those it had then, it is the file that the check passed; the start takes that answer if the check is less
than CHECK_EVERY old. Anything else — another program or a sync folder wrote it, a copy or a restore replaced
it, a crash left a journal, the window met a damaged page, the note is missing or unreadable, a week has gone
by — and the start checks the file as before. The note (verified.json in the data folder) holds paths, sizes
and times, no data.

Only the window's start uses it (ui/launcher.py → IntegrityCheck.start(remembered=True)); every other open of
a file (the command line, 重试, a restore, another file chosen) checks the file itself.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger(__name__)

FILE = "verified.json"
CHECK_EVERY = dt.timedelta(days=7)
KEEP = 20  # files remembered (the most recently closed)


class Stamp(NamedTuple):
    device: int  # st_dev: two USB sticks given the same drive letter
    size: int
    mtime_ns: int
    ctime_ns: (
        int  # the change time (POSIX) or the creation time (Windows): a tool that sets mtime back moves it
    )
    file_id: int  # st_ino: a file replaced by a copy or a restore is another file


def stamp(path: Path) -> Stamp | None:
    """The file as the file system describes it; None when it has a journal beside it (not closed cleanly, or
    open elsewhere) or cannot be read. Never opens the file: closing a handle would drop the POSIX locks this
    process may hold on it."""
    try:
        if any(path.with_name(path.name + suffix).exists() for suffix in ("-wal", "-journal")):
            return None
        st = path.stat()
    except OSError:
        return None
    return Stamp(st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _note() -> Path:
    from app.paths import home_dir

    return home_dir() / FILE


def _read() -> dict[str, dict]:
    try:
        data = json.loads(_note().read_text(encoding="utf-8"))
    except Exception:  # unreadable, not JSON, nested past the recursion limit: no note, a check
        return {}
    return data if isinstance(data, dict) else {}


def _key(path: Path) -> str:
    return str(path.resolve())


def recall(path: Path, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the check last passed on this file, if the file is still as this app closed it after that and the
    check is less than CHECK_EVERY old; None: check it."""
    now = now or dt.datetime.now(dt.UTC)
    entry = _read().get(_key(path))
    current = stamp(path)
    if not isinstance(entry, dict) or current is None:
        return None
    try:
        checked_at = dt.datetime.fromisoformat(entry["checked_at"])
        recorded = Stamp(*(int(v) for v in entry["stamp"]))
    except Exception:  # a note edited or damaged (Infinity, wrong shapes…): a check
        return None
    if checked_at.tzinfo is None or recorded != current or not (now - CHECK_EVERY < checked_at <= now):
        return None
    return checked_at


_distrusted: set[str] = set()  # files found damaged by this process: never noted again while it runs


def distrust(path: Path) -> None:
    """The file was found damaged (a page SQLite calls malformed, a backup's check): the next start checks it,
    whatever this run's close finds."""
    _distrusted.add(_key(path))
    forget(path)


def remember(path: Path, checked_at: dt.datetime) -> None:
    """Note, at a clean close, the file as it is now and when its last check passed (nothing noted when a
    journal is left beside it, or the file was found damaged while open). Never fails: the next start then
    checks the file."""
    current = stamp(path)
    if current is None or _key(path) in _distrusted:
        forget(path)
        return
    entries = _read()
    entries.pop(_key(path), None)
    entries[_key(path)] = {"stamp": list(current), "checked_at": checked_at.isoformat()}
    _write(dict(list(entries.items())[-KEEP:]))


def forget(path: Path) -> None:
    entries = _read()
    if entries.pop(_key(path), None) is not None:
        _write(entries)


def _write(entries: dict[str, dict]) -> None:
    from app.errors import AppError
    from app.fsutil import atomic_path

    target = _note()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
    except (OSError, AppError) as e:
        log.info("could not note the integrity check: %s", e)
