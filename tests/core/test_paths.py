"""Where files live (app/paths.py): overrides, the per-user default, and portable mode."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app import paths


@pytest.fixture
def frozen_exe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed app: sys.frozen set, sys.executable in its own folder, no CHANJIAO_HOME."""
    exe = tmp_path / "U盘" / "产教融合工作台" / "chanjiao.exe"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.delenv("CHANJIAO_HOME")
    return exe


def test_portable_txt_beside_the_executable_keeps_everything_in_data(frozen_exe: Path) -> None:
    (frozen_exe.parent / "portable.txt").write_text("", encoding="utf-8")
    data = frozen_exe.parent.resolve() / "data"
    assert paths.portable_dir() == data
    assert paths.home_dir() == data
    assert paths.log_dir() == data / "logs"
    assert paths.default_db_path() == data / "chanjiao.db"
    assert paths.temp_dir() == data / "临时"  # temporary files too: never the computer's %TEMP%
    from app.backup import backups_dir_for

    assert backups_dir_for(paths.default_db_path()).parent == data


def test_without_portable_txt_the_per_user_folder_is_used(frozen_exe: Path) -> None:
    assert paths.portable_dir() is None
    assert frozen_exe.parent not in paths.home_dir().parents


def test_a_source_run_is_never_portable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    (tmp_path / "portable.txt").write_text("", encoding="utf-8")
    assert paths.portable_dir() is None


def test_chanjiao_home_wins_over_portable(
    frozen_exe: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (frozen_exe.parent / "portable.txt").write_text("", encoding="utf-8")
    monkeypatch.setenv("CHANJIAO_HOME", str(tmp_path / "home"))
    assert paths.home_dir() == tmp_path / "home"
    monkeypatch.setenv("CHANJIAO_DB", str(tmp_path / "x.db"))
    assert paths.default_db_path() == tmp_path / "x.db"
