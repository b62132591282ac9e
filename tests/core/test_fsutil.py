"""Safe file names and atomic saves. The tests that hold a file open bite on Windows (and under Wine, see
tests/windows/run_wine.sh); on Linux the lock is simulated."""

from __future__ import annotations

import os
import stat
import sys
import threading
from pathlib import Path

import pytest

from app import fsutil
from app.errors import AppError
from app.fsutil import atomic_path, safe_filename

on_windows = pytest.mark.skipif(sys.platform != "win32", reason="Windows file locking")


def _files(folder: Path) -> list[str]:
    """What a folder holds besides the test's data folder (CHANJIAO_HOME, tests/conftest.py)."""
    return sorted(name for name in os.listdir(folder) if name != "home")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("合作协议.docx", "合作协议.docx"),
        ("CON.docx", "_CON.docx"),
        ("con", "_con"),
        ("Nul.tar.gz", "_Nul.tar.gz"),
        ("COM1.xlsx", "_COM1.xlsx"),
        ("LPT9", "_LPT9"),
        ("CONSOLE.docx", "CONSOLE.docx"),
        ('长沙/某某:公司*?"<>|.xlsx', "长沙_某某_公司______.xlsx"),
        ("名单. ", "名单"),
        ("   ", "未命名"),
        ("...", "未命名"),
        ("a\tb\x00c.txt", "a_b_c.txt"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_keeps_extension_when_cut() -> None:
    name = safe_filename("湖南" * 200 + ".docx", max_length=50)
    assert len(name) == 50
    assert name.endswith(".docx")


def test_safe_filename_can_be_created(tmp_path: Path) -> None:
    for raw in ["CON.docx", "aux", "a:b.xlsx", "末尾点.", "COM3.zip", "x" * 300 + ".txt"]:
        path = tmp_path / safe_filename(raw)
        path.write_text("内容", encoding="utf-8")
        assert path.read_text(encoding="utf-8") == "内容"


def test_atomic_path_replaces_target(tmp_path: Path) -> None:
    target = tmp_path / "导出" / "名单.xlsx"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(target.parent) == ["名单.xlsx"]


def test_atomic_path_failure_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "名单.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert _files(tmp_path) == ["名单.xlsx"]


def test_atomic_path_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(AppError, match="文件夹"), atomic_path(tmp_path):
        pass


def test_replace_retries_while_target_is_busy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace, calls = os.replace, []

    def busy_twice(src, dst):
        calls.append(dst)
        if len(calls) <= 2:
            raise PermissionError(32, "The process cannot access the file")
        real_replace(src, dst)

    monkeypatch.setattr(fsutil.os, "replace", busy_twice)
    target = tmp_path / "名单.xlsx"
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and len(calls) == 3


def test_replace_gives_up_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def always_busy(src, dst):
        raise PermissionError(32, "The process cannot access the file")

    monkeypatch.setattr(fsutil.os, "replace", always_busy)
    monkeypatch.setattr(fsutil, "REPLACE_RETRY_SECONDS", 0.2)
    target = tmp_path / "名单.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(AppError, match="正被其他程序打开"), atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"old"
    assert _files(tmp_path) == ["名单.xlsx"]


@on_windows
def test_target_open_in_another_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fsutil, "REPLACE_RETRY_SECONDS", 0.3)
    target = tmp_path / "名单.xlsx"
    target.write_bytes(b"old")
    with target.open("rb"), pytest.raises(AppError, match="正被其他程序打开"), atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"old"
    assert _files(tmp_path) == ["名单.xlsx"]


@on_windows
def test_target_released_while_retrying(tmp_path: Path) -> None:
    target = tmp_path / "名单.xlsx"
    target.write_bytes(b"old")
    holder = target.open("rb")
    threading.Timer(0.3, holder.close).start()
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_written_files_get_the_usual_mode_not_mkstemps_private_one(tmp_path: Path) -> None:
    new = tmp_path / "导出.xlsx"
    with atomic_path(new) as tmp:
        tmp.write_bytes(b"x")
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~fsutil._umask()
    os.chmod(new, 0o640)
    with atomic_path(new) as tmp:  # replacing keeps the mode the user gave the file
        tmp.write_bytes(b"y")
    assert stat.S_IMODE(new.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "张三\u202excod.exe_三方协议.docx",
            "张三xcod.exe_三方协议.docx",
        ),  # RLO: would show as 张三exe.docx…
        ("李\u200b四_三方协议.docx", "李四_三方协议.docx"),
        ("\ufeff王五\u2060\u00ad.docx", "王五.docx"),
        ("赵\u2066六\u2069\u200f.docx", "赵六.docx"),
        ("CON\u200b.txt", "_CON.txt"),  # what is left is checked as Windows sees it
        ("a\x85b\u2028c.txt", "a_b_c.txt"),
        ("\u200b\u202e", "未命名"),
    ],
)
def test_safe_filename_strips_bidi_and_invisible_characters(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_fit_filename_strips_them_from_every_part() -> None:
    name = fsutil.fit_filename(
        ["机电\u200b2301", "2023\u2060001", "张三\u202excod.exe"], "_三方协议.docx", 100
    )
    assert name == "机电2301_2023001_张三xcod.exe_三方协议.docx"
