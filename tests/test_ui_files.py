"""打开所在文件夹: Explorer with the file selected on Windows, the folder elsewhere or when Explorer can't start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QProcess
from PySide6.QtGui import QDesktopServices

from ui import files


def _record(monkeypatch, explorer_starts: bool) -> tuple[list, list]:
    started: list[tuple[str, list[str]]] = []
    opened: list[str] = []

    def start_detached(program, arguments):
        started.append((program, list(arguments)))
        return (explorer_starts, 4242 if explorer_starts else 0)

    monkeypatch.setattr(QProcess, "startDetached", start_detached)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    return started, opened


def test_windows_selects_the_file_in_explorer(qapp, monkeypatch, tmp_path: Path):
    monkeypatch.setattr(files, "WINDOWS", True)
    started, opened = _record(monkeypatch, explorer_starts=True)
    target = tmp_path / "上报 材料" / "机电（2026）.zip"
    files.show_in_folder(target)
    assert started == [("explorer", ["/select,", str(target)])]
    assert opened == []


def test_windows_falls_back_to_the_folder_when_explorer_cannot_start(qapp, monkeypatch, tmp_path: Path):
    monkeypatch.setattr(files, "WINDOWS", True)
    started, opened = _record(monkeypatch, explorer_starts=False)
    target = tmp_path / "机电.zip"
    files.show_in_folder(target)
    assert len(started) == 1
    assert [Path(p) for p in opened] == [tmp_path]


def test_elsewhere_opens_the_folder(qapp, monkeypatch, tmp_path: Path):
    monkeypatch.setattr(files, "WINDOWS", False)
    started, opened = _record(monkeypatch, explorer_starts=True)
    files.show_in_folder(tmp_path / "机电.zip")
    assert started == [] and [Path(p) for p in opened] == [tmp_path]
