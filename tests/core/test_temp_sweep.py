"""Temporary files (app/tempfiles.py): in the app's own folder under the data folder, and what a killed run
leaves (kill -9 in the middle of a restore, a backup, a package export) swept by the next start — never the
files of a copy still running. Real processes: each child is stopped at the right moment by
CHANJIAO_TEST_PAUSE, then killed with SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app import tempfiles
from app.backup import make_backup
from app.db.engine import Database
from app.fsutil import atomic_path
from app.paths import temp_dir

ROOT = Path(__file__).resolve().parents[2]


def _start(args: list[str], home: Path, pause: str) -> subprocess.Popen[str]:
    """`python -m app …` stopped at `pause`: returns once it says it is there. This process's own temporary
    folder is given up first, so what is under the data folder is the child's."""
    tempfiles.release()
    env = {
        **os.environ,
        "CHANJIAO_HOME": str(home),
        "CHANJIAO_TEST_PAUSE": pause,
        "PYTHONIOENCODING": "utf-8",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != f"paused {pause}":
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"the child did not pause at {pause!r}: {line!r} {err}")
    return proc


def _kill_9(proc: subprocess.Popen[str]) -> None:
    if hasattr(signal, "SIGKILL"):
        os.kill(proc.pid, signal.SIGKILL)
    else:  # Windows: TerminateProcess, as hard
        proc.kill()
    proc.communicate()


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHANJIAO_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    env.pop("CHANJIAO_TEST_PAUSE", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def _temporary(folder: Path) -> list[str]:
    """The app's temporary files in a folder (names that say whose they are)."""
    return (
        sorted(p.name for p in folder.iterdir() if tempfiles.BESIDE.match(p.name)) if folder.is_dir() else []
    )


def _everything(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def test_killed_restore_is_swept_by_the_next_start_and_a_running_copy_is_not(
    db: Database, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    zipped = make_backup(db.path, tmp_path / "U盘" / "备份.zip")
    db.close()
    proc = _start(["restore", str(zipped), "--yes", "--db", str(db.path)], home, f"copy {db.path.name}")
    try:
        # the child's copy of the backup is in its own folder under the data folder, not in %TEMP%
        owners = [p for p in temp_dir().iterdir() if p.is_dir()]
        assert len(owners) == 1
        extracted = [p for p in _everything(owners[0]) if p.name == "backup.db"]
        assert extracted and extracted[0].stat().st_size > 0
        beside = _temporary(db.path.parent)
        assert beside and all(f".~{owners[0].name}." in n for n in beside)

        # a running copy's files survive every sweep: the start's, and the one when its database is opened
        assert tempfiles.sweep() == []
        tempfiles.sweep_for_database(db.path)
        assert _run(["backup", "--list", "--db", str(tmp_path / "其他.db")], home).returncode == 0
        assert extracted[0].exists() and _temporary(db.path.parent) == beside
    finally:
        _kill_9(proc)

    assert extracted[0].exists() and _temporary(db.path.parent) == beside  # kill -9: left behind
    result = _run(["backup", "--list", "--db", str(tmp_path / "其他.db")], home)  # any next start
    assert result.returncode == 0, result.stderr
    assert _everything(temp_dir()) == []
    assert _temporary(db.path.parent) == []
    left = sorted(p.name for p in db.path.parent.iterdir() if p.is_file())
    assert left == [db.path.name, f"{db.path.name}.lock"]  # the lock file stays by design (app/instance.py)


def test_killed_backup_is_swept(db: Database, tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "U盘" / "备份.zip"
    out.parent.mkdir()
    proc = _start(["backup", "--out", str(out), "--db", str(db.path)], home, "backup")
    try:
        copies = [p for p in _everything(temp_dir()) if p.name == db.path.name]
        assert copies, "the database copy is in the app's own temporary folder"
        assert _temporary(out.parent)  # the zip being written, beside its target
    finally:
        _kill_9(proc)
    assert copies[0].exists() and _temporary(out.parent)
    assert _run(["backup", "--list", "--db", str(db.path)], home).returncode == 0
    assert _everything(temp_dir()) == []
    assert list(out.parent.iterdir()) == []


def test_killed_package_export_is_swept(demo_db: Database, tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "上报" / "包.zip"
    out.parent.mkdir()
    args = ["package", "export", "--db", str(demo_db.path), "--semester", "2025-2026-2", "--out", str(out)]
    proc = _start(args, home, "package")
    try:
        sheets = [p for p in _everything(temp_dir()) if p.name == "data.xlsx"]
        assert sheets, "the package's sheets are written in the app's own temporary folder"
        assert _temporary(out.parent)
    finally:
        _kill_9(proc)
    assert sheets[0].exists()
    assert _run(["backup", "--list", "--db", str(demo_db.path)], home).returncode == 0
    assert _everything(temp_dir()) == []
    assert list(out.parent.iterdir()) == []


def test_a_live_copys_folder_survives_a_sweep_from_another_process(tmp_path: Path) -> None:
    """This process holds its folder's lock; a second process sweeps: nothing of ours goes."""
    mine = tempfiles.new_folder("keep-")
    (mine / "名单.xlsx").write_bytes(b"x")
    target = tmp_path / "导出" / "名单.xlsx"
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        code = "from app import tempfiles; print(len(tempfiles.sweep()))"
        env = {**os.environ, "CHANJIAO_HOME": str(tmp_path / "home")}
        swept = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert swept.stdout.strip() == "0", swept.stderr
        assert (mine / "名单.xlsx").exists() and tmp.exists()
    assert target.read_bytes() == b"half"


def test_a_folder_whose_lock_is_free_is_swept_with_the_files_it_listed(tmp_path: Path) -> None:
    """A dead owner's folder (its lock file not held) and the files beside targets it listed go; another
    program's file of a similar name does not."""
    dead = temp_dir() / "0123abcd"
    (dead / "restore-x").mkdir(parents=True)
    (dead / "restore-x" / "backup.db").write_bytes(b"personal data")
    (dead / "lock").write_bytes(b"host pid=1\n")
    beside = tmp_path / "数据" / ".chanjiao.~0123abcd.89abcdef.tmp"
    beside.parent.mkdir()
    beside.write_bytes(b"x")
    Path(f"{beside}-journal").write_bytes(b"j")
    foreign = tmp_path / "数据" / ".chanjiao.~0123abcd.tmp"
    foreign.write_bytes(b"not ours")
    (dead / "beside.txt").write_text(f"{beside}\n{foreign}\n", encoding="utf-8")
    removed = tempfiles.sweep()
    assert dead in removed and not dead.exists()
    assert sorted(p.name for p in beside.parent.iterdir()) == [foreign.name]


def test_opening_a_database_sweeps_dead_owners_files_beside_it(tmp_path: Path) -> None:
    folder = tmp_path / "数据"
    (folder / "库_备份").mkdir(parents=True)
    db_path = folder / "库.db"
    dead = temp_dir() / "deadbeef"
    dead.mkdir(parents=True)
    (dead / "lock").write_bytes(b"")
    left = [folder / ".库.~deadbeef.0000aaaa.tmp", folder / ".库.~deadbeef.0000aaaa.tmp-journal"]
    left.append(folder / "库_备份" / ".库-20261201-每日.~deadbeef.0000bbbb.tmp")
    unknown_fresh = folder / ".库.~99999999.0000cccc.tmp"  # an owner not here: perhaps another data folder
    unknown_old = folder / ".库.~88888888.0000dddd.tmp"
    legacy_old = folder / ".库.k3j_x9ab.tmp"  # an older version's mkstemp name, a day untouched
    other_app = folder / ".笔记.k3j_x9ab.tmp"
    for p in [*left, unknown_fresh, unknown_old, legacy_old, other_app]:
        p.write_bytes(b"x")
    day_ago = os.stat(unknown_fresh).st_mtime - tempfiles.STALE_SECONDS - 60
    for p in (unknown_old, legacy_old, other_app):
        os.utime(p, (day_ago, day_ago))
    tempfiles.sweep_for_database(db_path)
    assert not any(p.exists() for p in [*left, unknown_old, legacy_old])
    assert unknown_fresh.exists() and other_app.exists()


def test_files_left_in_the_system_temp_by_older_versions_go_once_a_day_old(tmp_path: Path) -> None:
    system = tmp_path / "Temp"
    old, fresh, other = system / ".chanjiao-abc123", system / "chanjiao-verify-x", system / "别的程序"
    for folder in (old, fresh, other):
        folder.mkdir(parents=True)
        (folder / "backup.db").write_bytes(b"x")
    day_ago = os.stat(fresh).st_mtime - tempfiles.STALE_SECONDS - 60
    os.utime(old, (day_ago, day_ago))
    os.utime(other, (day_ago, day_ago))
    assert tempfiles.sweep_legacy_system_temp(system) == [old]
    assert fresh.exists() and other.exists()


def test_the_temporary_folder_follows_chanjiao_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANJIAO_HOME", str(tmp_path / "便携" / "data"))
    assert temp_dir() == tmp_path / "便携" / "data" / "临时"
    assert tempfiles.process_dir().parent == temp_dir().absolute()
    with tempfiles.started():
        assert Path(tempfile.gettempdir()) == tempfiles.process_dir()
    assert Path(tempfile.gettempdir()) != tempfiles.process_dir()


def test_release_removes_the_own_folder(tmp_path: Path) -> None:
    folder = tempfiles.new_folder("x-").parent
    assert (folder / "lock").exists()
    tempfiles.release()
    assert not folder.exists()
    shutil.rmtree(tmp_path / "home", ignore_errors=True)


def test_a_folder_a_sweep_holds_while_it_is_being_claimed_is_left_to_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The instant between a copy's mkdir and its lock: a sweep that took the lock first keeps the folder
    (it is removing it); the copy claims another one instead of sharing it."""
    from app.instance import lock_file

    tempfiles.release()
    contested = temp_dir() / "aaaaaaaa"
    contested.mkdir(parents=True)
    ids = iter(["aaaaaaaa", "bbbbbbbb"])
    monkeypatch.setattr(tempfiles.secrets, "token_hex", lambda n: next(ids))
    with open(contested / "lock", "a+b") as sweeper:
        lock_file(sweeper)  # held as a sweep in another process would hold it
        assert tempfiles.process_dir() == temp_dir().absolute() / "bbbbbbbb"
    tempfiles.release()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_link_planted_in_the_temporary_folder_is_never_followed(tmp_path: Path) -> None:
    """An owner-named entry of 临时 that is a link (a symlink; on Windows also a junction, which needs no
    privilege) to a folder of the user's: the sweep leaves the folder and everything in it alone, and takes
    no lock file into it."""
    documents = tmp_path / "我的文档"
    (documents / "子文件夹").mkdir(parents=True)
    (documents / "论文.docx").write_bytes(b"keep")
    (documents / "子文件夹" / "照片.jpg").write_bytes(b"keep")
    temp_dir().mkdir(parents=True, exist_ok=True)
    link = temp_dir() / "0badc0de"
    try:
        link.symlink_to(documents, target_is_directory=True)
    except OSError:
        pytest.skip("cannot create a symlink here")
    removed = tempfiles.sweep()
    assert link not in removed
    assert (documents / "论文.docx").read_bytes() == b"keep"
    assert (documents / "子文件夹" / "照片.jpg").read_bytes() == b"keep"
    assert sorted(p.name for p in documents.iterdir()) == ["子文件夹", "论文.docx"]
