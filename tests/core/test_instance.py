"""One running copy per database (app/instance.py), stale-lock safe, and the network-drive check."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.instance import DatabaseInUse, InstanceLock, lock_path_for, network_drive


def test_second_lock_on_the_same_database_is_refused(db_path: Path) -> None:
    with InstanceLock(db_path) as first:
        assert first.held
        with pytest.raises(DatabaseInUse) as exc:
            InstanceLock(db_path).acquire()
        assert "另一个窗口" in exc.value.message and "pid=" in exc.value.message
        InstanceLock(db_path.with_name("other.db")).acquire().release()  # another database is fine
    InstanceLock(db_path).acquire().release()  # released: free again


def test_lock_held_by_another_process_then_released_when_it_dies(db_path: Path) -> None:
    """A process holding the lock is killed (a crash): the lock file stays, the lock does not."""
    code = textwrap.dedent(
        f"""
        import sys, time
        from app.instance import InstanceLock
        lock = InstanceLock({str(db_path)!r}).acquire()
        print("locked", flush=True)
        time.sleep(60)
        """
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=root)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseInUse):
            InstanceLock(db_path).acquire()
    finally:
        proc.kill()
        proc.wait()
    assert lock_path_for(db_path).exists()  # stale file left behind by the crash
    InstanceLock(db_path).acquire().release()


MOUNTS = """\
/dev/sda1 / ext4 rw 0 0
server:/export /mnt/nfs nfs4 rw 0 0
//nas/共享 /mnt/smb cifs rw 0 0
/dev/sdb1 /mnt/smb/local ext4 rw 0 0
"""


@pytest.mark.skipif(sys.platform == "win32", reason="/proc/mounts: Linux; Windows asks GetDriveTypeW")
@pytest.mark.parametrize(
    ("path", "remote"),
    [
        ("/home/user/chanjiao.db", False),
        ("/mnt/nfs/chanjiao.db", True),
        ("/mnt/smb/学院/chanjiao.db", True),
        ("/mnt/smb/local/chanjiao.db", False),
        ("/mnt/nfsother/chanjiao.db", False),
    ],
)
def test_network_mounts(path: str, remote: bool) -> None:
    assert network_drive(Path(path), mounts=MOUNTS) is remote


def test_local_drive_is_not_network(tmp_path: Path) -> None:
    assert not network_drive(tmp_path / "chanjiao.db")


def test_unc_paths_are_network() -> None:
    assert network_drive(r"\\server\share\chanjiao.db", mounts="")  # type: ignore[arg-type]
    assert network_drive(r"\\?\UNC\server\share\chanjiao.db", mounts="")  # type: ignore[arg-type]
