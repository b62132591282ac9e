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


# ---------------------------------------------------------------- the shared flows (save_file, export_file)


def _quiet(monkeypatch, ask: Path | None) -> dict[str, list]:
    """ask_save answers `ask`; offer_open and show_error record instead of showing a box."""
    from ui import errors

    seen: dict[str, list] = {"asked": [], "offered": [], "errors": []}

    def ask_save(_parent, title, key, name, filter_=files.XLSX_FILTER):
        seen["asked"].append((title, key, name, filter_))
        return ask

    monkeypatch.setattr(files, "ask_save", ask_save)
    monkeypatch.setattr(files, "offer_open", lambda _p, path, text: seen["offered"].append((path, text)))
    monkeypatch.setattr(errors, "show_error", lambda _p, exc, title="": seen["errors"].append((exc, title)))
    return seen


def test_save_file_writes_then_offers_the_file_with_what_the_writer_answered(qapp, monkeypatch, tmp_path):
    seen = _quiet(monkeypatch, tmp_path / "模板")  # a Word name typed without .docx
    written: list[Path] = []

    def write(path: Path) -> int:
        written.append(path)
        return 3

    got = files.save_file(
        None, "另存", "docs", "模板.docx", write, "{result} 项保存到\n{path}", files.WORD_FILTER
    )
    target = tmp_path / "模板.docx"
    assert got == target and written == [target]
    assert seen["asked"] == [("另存", "docs", "模板.docx", files.WORD_FILTER)]
    assert seen["offered"] == [(target, f"3 项保存到\n{target}")] and seen["errors"] == []


def test_save_file_shows_a_failure_and_offers_nothing(qapp, monkeypatch, tmp_path):
    seen = _quiet(monkeypatch, tmp_path / "a.xlsx")
    boom = OSError("磁盘已满")

    def write(_path: Path) -> None:
        raise boom

    assert files.save_file(None, "保存", "template", "a.xlsx", write, "{path}") is None
    assert seen["errors"] == [(boom, "保存模板失败")] and seen["offered"] == []


def test_save_file_asked_nothing_writes_nothing(qapp, monkeypatch):
    seen = _quiet(monkeypatch, None)
    assert files.save_file(None, "保存", "template", "a.xlsx", lambda _p: 1 / 0, "{path}") is None
    assert seen["offered"] == [] and seen["errors"] == []


def test_export_file_passes_the_arguments_and_offers_the_result(ctx, qtbot, monkeypatch, tmp_path):
    from app.errors import Cancelled

    seen = _quiet(monkeypatch, None)
    target = tmp_path / "导出.xlsx"
    calls: list[tuple] = []

    def write(s, path, year, *, project_id, progress, cancel):
        calls.append((path, year, project_id, cancel.is_set()))
        progress(1.0, "完成")
        return 7

    files.export_file(
        None, target, "正在导出…", write, lambda n: f"已导出 {n} 条到\n{target}", 2026, project_id="p1"
    )
    qtbot.waitUntil(lambda: bool(seen["offered"]), timeout=5000)
    assert calls == [(target, 2026, "p1", False)]
    assert seen["offered"] == [(target, f"已导出 7 条到\n{target}")] and seen["errors"] == []

    def cancelled(*_a, **_k):
        raise Cancelled()

    def broken(*_a, **_k):
        raise ValueError("坏文件")

    files.export_file(None, target, "正在导出…", cancelled, str)
    files.export_file(None, target, "正在导出…", broken, str)
    qtbot.waitUntil(lambda: bool(seen["errors"]), timeout=5000)
    ctx.wait()
    ((exc, title),) = seen["errors"]  # 取消 is no error; the broken one is shown once, as 导出失败
    assert isinstance(exc, ValueError) and title == "导出失败"
    assert len(seen["offered"]) == 1


def test_a_job_reporting_its_end_early_keeps_one_progress_dialog_open(qtbot, ctx):
    """A job whose fraction reaches 1 before its last steps (a copy checking its tables one by one) keeps the
    dialog shown until the job ends: no reset and show again per report (under Windows each show cost two
    seconds with the job waiting), and the reports at the end are throttled like the others."""
    import threading
    import time

    shown_again: list[int] = []
    seen: list[float] = []
    done: list[object] = []
    gate = threading.Event()

    def work(report, cancel):
        for i in range(5):
            report(i / 5, f"第 {i + 1} 步")
            time.sleep(0.12)
        for i in range(200):  # the end reached, then many more steps
            report(1.0, f"正在核对：表 {i}")
        gate.wait(10)
        return "完成"

    progress = files.run_with_progress(None, "正在试", work, done.append, "失败", task=True)
    progress.dialog.setMinimumDuration(0)
    original = progress._throttled._show

    def show(fraction: float, message: str) -> None:
        seen.append(fraction)
        was_shown = progress.dialog.isVisible()
        original(fraction, message)
        if was_shown and not progress.dialog.isVisible():
            shown_again.append(len(seen))

    progress._throttled._show = show
    qtbot.waitUntil(lambda: seen.count(1.0) >= 1, timeout=10000)
    qtbot.wait(300)
    assert progress.dialog.isVisible() and progress.dialog.value() == progress.dialog.maximum()
    assert progress.dialog.labelText() == "正在核对：表 199"  # the last words, shown once the job went quiet
    gate.set()
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    assert done == ["完成"] and not progress.dialog.isVisible()
    assert seen.count(1.0) == 2, seen  # 200 reports at the end in a few milliseconds: the first and the last
    assert shown_again == [], "the dialog was hidden by a report before the job ended"
