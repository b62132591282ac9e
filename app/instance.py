"""One copy of the app per database, and a warning for databases on a network drive.

The lock is an OS lock on a small file beside the database (`<库名>.db.lock`): fcntl.flock on Linux and
macOS, msvcrt.locking on Windows. The OS drops it when the process ends, even in a crash or a power cut, so a
stale lock file never blocks anyone: only a running process holds the lock. The file itself stays (it tells who
holds the lock: computer name and process id) and is harmless.

SQLite's locking is unreliable over SMB/NFS (its own documentation says so): `network_drive(path)` says
whether a path is on one, so the GUI can warn.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
import sys
from pathlib import Path, PurePosixPath

from app.errors import DatabaseLocked

_LOCK_OFFSET = 4096  # the byte locked on Windows, past the text (a locked range cannot be read there)


class DatabaseInUse(DatabaseLocked):
    """Another running copy of the app has this database open."""


def lock_path_for(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".lock")


class InstanceLock:
    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path_for(self.db_path)
        self._file = None

    def acquire(self) -> InstanceLock:
        """Take the lock or raise DatabaseInUse with a message saying what to do."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = open(self.path, "a+b")  # noqa: SIM115 - held open as long as the lock
        try:
            lock_file(f)
        except OSError:
            holder = _read_holder(self.path)
            f.close()
            raise DatabaseInUse(
                f"数据库“{self.db_path.name}”已经在本软件的另一个窗口中打开{holder}。"
                "同一个数据库同时只能在一个窗口中使用：请切换到那个窗口（看任务栏），或先关闭它。",
                str(self.path),
            ) from None
        f.seek(0)
        f.truncate()
        f.write(f"{socket.gethostname()} pid={os.getpid()}\n".encode())
        f.flush()
        self._file = f
        return self

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                unlock_file(self._file)
            self._file.close()
            self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(path: Path) -> str:
    try:
        text = path.read_bytes()[:200].decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return f"（{text}）" if text else ""


# The one file-lock helper (the instance lock here, the temporary folders' owners in app/tempfiles.py): an
# exclusive lock on an open file, never waiting — OSError when another process holds it. The OS drops it when
# the holder ends, however it ends.
if sys.platform == "win32":
    import msvcrt

    def lock_file(f) -> None:
        f.seek(_LOCK_OFFSET)
        msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)

    def unlock_file(f) -> None:
        f.seek(_LOCK_OFFSET)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def lock_file(f) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def unlock_file(f) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------- network drives

_NETWORK_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smbfs",
    "smb3",
    "fuse.sshfs",
    "afs",
    "ncpfs",
    "9p",
    "davfs",
    "fuse.davfs",
}
DRIVE_REMOTE = 4


def network_drive(path: Path, *, mounts: str | None = None) -> bool:
    """True if the path is on a network share: a UNC path or a mapped network drive on Windows, an
    nfs/cifs/… mount on Linux (read from /proc/mounts, or `mounts` in tests)."""
    raw = str(path)
    if raw.startswith(("\\\\", "//")) and not raw.startswith(("\\\\?\\", "\\\\.\\")):
        return True
    if raw.startswith("\\\\?\\UNC\\"):
        return True
    if sys.platform == "win32":
        drive = os.path.splitdrive(os.path.abspath(raw))[0]
        if drive.endswith(":"):
            try:
                return ctypes.windll.kernel32.GetDriveTypeW(f"{drive}\\") == DRIVE_REMOTE  # type: ignore[attr-defined]
            except (AttributeError, OSError):
                return False
        return False
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    best, best_fs = "", ""
    target = PurePosixPath(os.path.abspath(raw))
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if target.is_relative_to(point) and len(point) >= len(best):
            best, best_fs = point, parts[2]
    return best_fs in _NETWORK_FS


NETWORK_WARNING = (
    "数据库位于网络共享文件夹（网络驱动器）上。SQLite 数据库在网络驱动器上的文件锁不可靠，"
    "多人或断网时可能损坏数据。建议把数据库放在本机硬盘上，需要共享时用“立即备份”复制给同事。"
)
