"""The app's temporary files: one folder of its own, swept at start, never touching a running copy's files.

Temporary files hold personal data (a restore's copy of the backup, a backup's copy of the database, a
package's sheets), so they live under the data folder (`paths.temp_dir()`, `<data folder>/临时`), not in the
system's %TEMP%, and whatever a killed run (kill -9, a power cut) left behind is removed on the next start.

Ownership. Each process that needs temporary files claims a folder of its own, `临时/<id>/` (id: 8 random hex
digits), holding a file `lock` it keeps locked (app.instance.lock_file: flock / msvcrt.locking) for as long as
it lives. The OS drops the lock when the process ends, however it ends. The sweep removes a folder only after
taking its lock itself, so the folder of a running copy is never touched; the lock file is removed last, and
only while locked (POSIX) or when no one has it open (Windows refuses to delete an open file), and a lock is
trusted only if the lock file still is the file locked (`_take`): so a sweep racing a copy that is just
claiming its folder either finds it locked or makes that copy claim another one.

Files beside a target. A file the user keeps is written beside it and renamed (fsutil.atomic_path: the rename
must stay on the same disk), under a name that says whose it is: `.<name>.~<id>.<random>.tmp` (and SQLite's
`-journal` beside it). Before creating one, the owner writes its path into `<id>/beside.txt`; sweeping a dead
owner's folder removes the files listed there first (on the desktop, a USB stick, beside the database), and the
folder is kept, with its list, while any of them cannot be removed yet. When a database is opened,
`sweep_beside` also looks at the folders beside it (the database's own, `_备份`, `_附件`) for such names: one
whose owner folder is here and unlocked is removed; one whose owner folder is not here is removed only when
untouched for STALE_SECONDS (it may belong to a copy running with another data folder, but no write of the
app leaves its file untouched for a day). The same age rule sweeps what older versions left in %TEMP% and
beside the database, whose names tell no owner.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import secrets
import shutil
import socket
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app.errors import AppError
from app.instance import lock_file, unlock_file

log = logging.getLogger(__name__)

LOCK = "lock"
RECORDS = "beside.txt"
STALE_SECONDS = 24 * 3600
SQLITE_SIDE_FILES = ("", "-journal", "-wal", "-shm")
# .<stem>.~<owner>.<random>.tmp, and the SQLite files a database written there has beside it
BESIDE = re.compile(r"^\.(?P<stem>.*)\.~(?P<owner>[0-9a-f]{8})\.[0-9a-f]{8}\.tmp(?:-journal|-wal|-shm)?$")
_NAME_SURROGATE = (
    0x20000000  # reparse tags that point elsewhere: symlinks, junctions (IsReparseTagNameSurrogate)
)
_OWNER_NAME = re.compile(r"^[0-9a-f]{8}$")
# What versions before this scheme left: mkstemp's .<stem>.<8 random>.tmp beside targets, folders in %TEMP%
_LEGACY_BESIDE = re.compile(r"^\..*\.[a-z0-9_]{8}\.tmp(?:-journal|-wal|-shm)?$")
_LEGACY_SYSTEM = re.compile(r"^\.?chanjiao-")


@dataclass
class _Owner:
    folder: Path
    lock: IO[bytes]
    pid: int


_owners: dict[Path, _Owner] = {}
_guard = threading.RLock()


# ---------------------------------------------------------------- this process's folder


def process_dir() -> Path:
    """This process's own temporary folder under the data folder, claimed (created and locked) on first use."""
    root = _root()
    with _guard:
        owner = _owners.get(root)
        if owner is None or owner.pid != os.getpid():  # a forked child claims its own
            owner = _claim(root)
            _owners[root] = owner
        return owner.folder


def owner_id() -> str:
    return process_dir().name


def new_folder(prefix: str = "") -> Path:
    """A new empty folder inside this process's folder (removed by the caller, or by the sweep)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=process_dir()))


def record_beside(path: Path) -> None:
    """Note a temporary file about to be created beside its target, so a sweep removes it if we die."""
    folder = process_dir()
    with _guard, open(folder / RECORDS, "a", encoding="utf-8") as f:
        f.write(f"{Path(path).absolute()}\n")


@contextlib.contextmanager
def started() -> Iterator[None]:
    """Around a CLI command or the GUI's run: sweep what dead copies left, then send every temporary file the
    process makes through the tempfile module (openpyxl's sheets, docxtpl's parts) into this process's
    folder; the tempfile module is given back as it was at the end (tests run the CLI in their process).
    TEMP/TMP are left alone: a program we open a file with (Word, a PDF viewer) may outlive us and must not
    keep its own temporary files in a folder the sweep removes."""
    sweep_quietly()
    saved = tempfile.tempdir
    try:
        tempfile.tempdir = str(process_dir())
    except (OSError, AppError):  # an unwritable data folder: the system's temp folder still works
        log.warning("no temporary folder of our own", exc_info=True)
    try:
        yield
    finally:
        tempfile.tempdir = saved


def _root() -> Path:
    from app.paths import temp_dir

    return temp_dir().absolute()


def _claim(root: Path) -> _Owner:
    root.mkdir(parents=True, exist_ok=True)
    for _attempt in range(50):
        folder = root / secrets.token_hex(4)
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        f = _take(folder / LOCK)
        if f is None:  # a sweep took it in the instant between mkdir and lock: leave it to the sweep
            continue
        f.seek(0)
        f.truncate()
        f.write(f"{socket.gethostname()} pid={os.getpid()}\n".encode())
        f.flush()
        return _Owner(folder, f, os.getpid())
    raise AppError(f"无法在“{root}”中创建临时文件夹。", "no folder could be claimed")


def _take(lock_path: Path) -> IO[bytes] | None:
    """Open and lock `lock_path` (created if missing); None if another process holds it, or if the file was
    replaced or removed while we locked it (the lock would then protect nothing)."""
    try:
        f = open(lock_path, "a+b")  # noqa: SIM115 - held open as long as the lock
    except OSError:
        return None
    try:
        lock_file(f)
    except OSError:
        f.close()
        return None
    try:
        same = os.path.samestat(os.fstat(f.fileno()), os.stat(lock_path))
    except OSError:
        same = False
    if not same:
        _close(f)
        return None
    return f


def _close(f: IO[bytes]) -> None:
    if f.closed:
        return
    with contextlib.suppress(OSError):
        unlock_file(f)
    f.close()


def _drop_lock(f: IO[bytes], lock_path: Path) -> bool:
    """Remove a lock file we hold: on POSIX while still locked, on Windows once closed (an open file cannot
    be deleted there, so a process that opened it meanwhile keeps it). True if it is gone."""
    if sys.platform != "win32":
        with contextlib.suppress(FileNotFoundError):
            lock_path.unlink()
        _close(f)
        return True
    _close(f)
    try:
        lock_path.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def release() -> None:
    """Remove this process's folders (at exit). Temporary files still open elsewhere (a viewer) stay for the
    next start's sweep."""
    with _guard:
        for root, owner in list(_owners.items()):
            del _owners[root]
            if owner.pid != os.getpid():
                continue
            try:
                _clear(owner.folder, owner.lock)
            except OSError:  # removed under us, or its drive gone: nothing more to do here
                _close(owner.lock)


atexit.register(release)


# ---------------------------------------------------------------- sweeping


def sweep(root: Path | None = None) -> list[Path]:
    """Remove the folders (and the files they list beside targets) of every copy of the app that is no
    longer running. Returns what was removed. Never raises for a file it cannot remove: next time."""
    root = Path(root) if root is not None else _root()
    if not root.is_dir():
        return []
    mine = {o.folder for o in _owners.values()}
    removed: list[Path] = []
    for entry in sorted(root.iterdir()):
        if entry in mine or not _OWNER_NAME.match(entry.name) or not _plain_dir(entry):
            continue
        f = _take(entry / LOCK)
        if f is None:  # a running copy's
            continue
        try:
            removed += _clear(entry, f)
        except OSError:  # another start sweeping it at the same moment, or a file in the way: next time
            _close(f)
    return removed


def _clear(folder: Path, f: IO[bytes]) -> list[Path]:
    """Empty and remove a folder whose lock we hold: the files it lists beside targets first."""
    removed = _remove_listed(folder)
    complete = removed is not None
    for child in folder.iterdir():
        if child.name in (LOCK, RECORDS):
            continue
        if _plain_dir(child):
            shutil.rmtree(child, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                child.unlink()
        complete = complete and not child.exists()
    if not complete:
        _close(f)  # what could not go yet (an open file on Windows) is tried again next time
        return []
    with contextlib.suppress(OSError):
        (folder / RECORDS).unlink(missing_ok=True)
    if _drop_lock(f, folder / LOCK):
        with contextlib.suppress(OSError):
            folder.rmdir()
    return [folder, *(removed or [])]


def _remove_listed(folder: Path) -> list[Path] | None:
    """Remove the files beside targets that the owner of `folder` listed; None if one is still there."""
    try:
        lines = (folder / RECORDS).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except OSError:
        return None
    gone: list[Path] = []
    complete = True
    for line in dict.fromkeys(lines):
        listed = Path(line.strip())
        m = BESIDE.match(listed.name)
        if not m or m["owner"] != folder.name:  # only names this owner made
            continue
        for suffix in SQLITE_SIDE_FILES:
            path = Path(f"{listed}{suffix}")
            try:
                path.unlink()
                gone.append(path)
            except FileNotFoundError:
                pass
            except OSError:  # held open (Windows), or its drive is not there now
                complete = False
    return gone if complete else None


def sweep_beside(folders: Iterable[Path], *, legacy_prefixes: Iterable[str] = ()) -> list[Path]:
    """Temporary files left beside targets in `folders` by copies no longer running (see the module's
    docstring). legacy_prefixes: name prefixes under which files of the old scheme are ours there."""
    root = _root()
    mine = {o.folder.name for o in _owners.values()}
    legacy = tuple(legacy_prefixes)
    now = time.time()
    removed: list[Path] = []
    for folder in map(Path, folders):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            m = BESIDE.match(path.name)
            if m:
                dead = m["owner"] not in mine and _dead(root / m["owner"], path, now)
            else:
                old = bool(legacy) and path.name.startswith(legacy) and _LEGACY_BESIDE.match(path.name)
                dead = bool(old) and _stale(path, now)
            if dead and path.is_file():
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed


def _dead(owner_folder: Path, path: Path, now: float) -> bool:
    """Whether the owner of a file beside a target is gone: its folder here unlocked, or — not here at all —
    the file untouched for STALE_SECONDS (it may be a copy's with another data folder)."""
    if not owner_folder.is_dir():
        return _stale(path, now)
    if not _plain_dir(owner_folder):  # a link planted under an owner's name: nobody's folder, leave it
        return False
    f = _take(owner_folder / LOCK)
    if f is None:
        return False
    _close(f)  # the sweep of the folder itself removes it (and its list) next
    return True


def _plain_dir(path: Path) -> bool:
    """A folder itself, not a link to one: no symlink, and on Windows no junction (which anyone may create
    without privilege) or other name-surrogate reparse point; OneDrive's placeholders are folders. The sweep
    never follows a link: one planted in 临时 under an owner's name would have the folder it points to
    emptied."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and not getattr(st, "st_reparse_tag", 0) & _NAME_SURROGATE


def _stale(path: Path, now: float) -> bool:
    try:
        return now - path.stat().st_mtime > STALE_SECONDS
    except OSError:
        return False


def sweep_legacy_system_temp(folder: Path | None = None) -> list[Path]:
    """What versions before this scheme left in the system's temporary folder (chanjiao-*, .chanjiao-*: a
    restore's backup.db among them), once untouched for STALE_SECONDS. Called before started() points the
    tempfile module at our own folder."""
    folder = Path(folder or tempfile.gettempdir()).absolute()
    if folder == _root() or _root() in folder.parents:
        return []
    now = time.time()
    removed = []
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            if _LEGACY_SYSTEM.match(entry.name) and _plain_dir(entry):
                if _stale(entry, now):
                    shutil.rmtree(entry, ignore_errors=True)
                    removed.append(entry)
    return removed


def sweep_quietly() -> None:
    """sweep() and the old versions' leftovers for callers that must go on regardless (the start)."""
    try:
        removed = sweep() + sweep_legacy_system_temp()
    except Exception:  # a sweep must never stop the app from starting
        log.warning("sweeping temporary files failed", exc_info=True)
        return
    if removed:
        log.info("removed %d temporary files and folders left by copies no longer running", len(removed))


def sweep_for_database(db_path: Path) -> None:
    """When a database is opened: temporary files left beside it, in its backups and attachments folders."""
    from app.backup import backups_dir_for
    from app.db.engine import attachments_dir_for

    db_path = Path(db_path)
    try:
        sweep_beside([db_path.parent], legacy_prefixes=[f".{db_path.stem[:40]}."])
        sweep_beside([backups_dir_for(db_path)], legacy_prefixes=[f".{db_path.stem}-"])
        sweep_beside([attachments_dir_for(db_path)], legacy_prefixes=["."])
    except Exception:
        log.warning("sweeping temporary files beside %s failed", db_path.name, exc_info=True)


def pause_for_test(stage: str) -> None:
    """Tests kill a process in the middle of writing: CHANJIAO_TEST_PAUSE=<stage> stops it here, after
    printing `paused <stage>`, until it is killed."""
    if os.environ.get("CHANJIAO_TEST_PAUSE") == stage:
        print(f"paused {stage}", flush=True)
        time.sleep(3600)
