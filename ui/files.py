"""File dialogs that remember the last folder, and the ONE set of import / export flows every area uses:

- `preview_file` / `choose_and_preview`: ask for a file (remembered folder) → read and check it on the worker
  with progress and 取消 → show the area's preview dialog (ui/dialogs/import_dialog.py; its 导入 writes);
- `export_file`: write a file on the worker with progress and 取消 → offer to open it;
- `run_with_progress`: any such job (a read, or with `task` a copy of files) under progress and 取消;
- `generate_file`: write a file on the worker (no progress) → the area's done, errors shown;
- `save_file`: ask where, write a small file (a blank template) now → offer to open it.

An area module only says what is its own: which service reads or writes, and which texts."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.errors import Cancelled
from app.services.enterprise_list import EnterpriseQuery
from ui import errors, messages
from ui.ops import ReadOp, TaskOp
from ui.qt import *  # noqa: F403
from ui.settings import ui_settings

Report = Callable[[float, str], None]  # progress(fraction, message) from the worker
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
WORD_FILTER = "Word 文档 (*.docx)"
PACKAGE_FILTER = "上报材料包 (*.zip)"
_SUFFIXES = {XLSX_FILTER: ".xlsx", PACKAGE_FILTER: ".zip"}  # added when the user typed a name without it


def last_folder(key: str) -> str:
    folder = ui_settings().value(f"folders/{key}", "")
    return str(folder) if folder and Path(str(folder)).is_dir() else str(Path.home())


def remember_folder(key: str, path: str) -> None:
    ui_settings().setValue(f"folders/{key}", str(Path(path).parent))


def ask_open(parent: QWidget, title: str, key: str, filter_: str = XLSX_FILTER) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, last_folder(key), filter_)
    if not path:
        return None
    remember_folder(key, path)
    return Path(path)


def ask_open_many(parent: QWidget, title: str, key: str, filter_: str = XLSX_FILTER) -> list[Path]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, last_folder(key), filter_)
    if paths:
        remember_folder(key, paths[0])
    return [Path(p) for p in paths]


def ask_folder(parent: QWidget, title: str, key: str) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, title, last_folder(key))
    if not folder:
        return None
    ui_settings().setValue(f"folders/{key}", folder)
    return Path(folder)


def ask_save(parent: QWidget, title: str, key: str, name: str, filter_: str = XLSX_FILTER) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path(last_folder(key)) / name), filter_)
    if not path:
        return None
    suffix = _SUFFIXES.get(filter_)
    if suffix and not path.lower().endswith(suffix):
        path += suffix
    remember_folder(key, path)
    return Path(path)


class Throttled:
    """A progress report `(fraction, message)` passed on to `show` at most every ~100 ms, and always the first
    that reaches the end (fraction 1): a job reports far more often than it is worth repainting. With `hold`, a
    report held back is shown ~100 ms later unless another came meanwhile, so the last words of a job that goes
    quiet (a long last step) are the ones on screen; `stop()` when the job has ended."""

    def __init__(self, show: Report, *, hold: bool = False) -> None:
        self._show = show
        self._hold = hold
        self._last = 0.0
        self._held: tuple[float, str] | None = None
        self._clock = QElapsedTimer()
        self._clock.start()
        self._later = QTimer()
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._show_held)

    def __call__(self, fraction: float, message: str) -> None:
        if self._clock.elapsed() < 100 and (fraction < 1 or self._last >= 1):
            self._held = (fraction, message) if self._hold else None
            if self._hold and not self._later.isActive():
                self._later.start(100)
            return
        self._pass_on(fraction, message)

    def _show_held(self) -> None:
        if self._held is not None:
            self._pass_on(*self._held)

    def _pass_on(self, fraction: float, message: str) -> None:
        self._held = None
        self._clock.restart()
        self._last = fraction
        self._show(fraction, message)

    def stop(self) -> None:
        """Nothing more to show (the job ended)."""
        self._held = None
        self._later.stop()


class Progress:
    """A modal progress dialog whose 取消 sets a threading.Event; `update` throttled to ~100 ms."""

    def __init__(self, parent: QWidget, title: str) -> None:
        self.cancel = threading.Event()
        self.dialog = QProgressDialog(title, "取消", 0, 1000, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)
        # Only close() ends it: a job reporting its end (fraction 1) before the last steps (a check, a rename)
        # would otherwise reset and hide the dialog, and each later report show it again; under Windows each
        # such show took two seconds with the job waiting, and a copy with many small tables never ended.
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(self.cancel.set)
        self._throttled = Throttled(self._show, hold=True)

    def update(self, fraction: float, message: str) -> None:
        self._throttled(fraction, message)

    def _show(self, fraction: float, message: str) -> None:
        self.dialog.setValue(int(fraction * 1000))
        if message:
            self.dialog.setLabelText(message)

    def close(self) -> None:
        self._throttled.stop()
        self.dialog.reset()
        self.dialog.close()


def offer_open(parent: QWidget, path: Path, text: str) -> None:
    """完成: `text` (the path in it wraps at its separators), then open the file, its folder, or copy its path."""
    box = QMessageBox(parent)
    box.setWindowTitle("完成")
    box.setIcon(QMessageBox.Icon.Information)
    box.setText(messages.with_paths(text, path, path.parent))
    open_button = box.addButton("打开文件", QMessageBox.ButtonRole.AcceptRole)
    folder_button = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
    messages.copy_path_button(box, path)
    box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    messages.fit(box).exec()
    if box.clickedButton() is open_button:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    elif box.clickedButton() is folder_button:
        show_in_folder(path)


WINDOWS = sys.platform == "win32"


def show_in_folder(path: Path) -> None:
    """The file's folder in Explorer with the file selected, as Qt Creator does (elsewhere, or when Explorer
    cannot start: the folder)."""
    if WINDOWS and QProcess.startDetached("explorer", ["/select,", str(path)])[0]:
        return
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def ask_save_word(parent: QWidget, title: str, key: str, name: str) -> Path | None:
    """ask_save for a Word document, with .docx added when the user typed a name without it."""
    path = ask_save(parent, title, key, name, WORD_FILTER)
    if path is not None and path.suffix.lower() != ".docx":
        path = path.with_name(path.name + ".docx")
    return path


def run_with_progress(
    parent: QWidget,
    title: str,
    work: Callable[..., Any],
    done: Callable[[Any], None],
    failed_title: str,
    *,
    task: bool = False,
    finished: Callable[[Any], None] | None = None,
) -> Progress:
    """`work(s, report, cancel)` on the database worker (it only reads) under a progress dialog whose 取消 sets
    `cancel`; then `done(result)`. An error other than Cancelled (取消) is shown under `failed_title`.

    With `task`, `work(report, cancel)` opens no session (it copies or zips files: a TaskOp, queued behind the
    database jobs). `finished(result or error)` runs first on either outcome, the progress dialog closed (a
    button enabled again, a list reloaded)."""
    progress = Progress(parent, title)

    def ended(outcome: Any) -> None:
        progress.close()
        if finished is not None:
            finished(outcome)

    def succeeded(result: Any) -> None:
        ended(result)
        done(result)

    def went_wrong(exc: BaseException) -> None:
        ended(exc)
        if not isinstance(exc, Cancelled):
            errors.show_error(parent, exc, failed_title)

    if task:
        op: ReadOp | TaskOp = TaskOp(parent, lambda report, _c: work(report, progress.cancel))
    else:
        op = ReadOp(parent, lambda s, report, _c: work(s, report, progress.cancel))
    op.with_progress(progress.update).success(succeeded).failure(went_wrong).run()
    return progress


def preview_file(
    parent: QWidget, path: Path, read: Callable[..., Any], dialog: Callable[[Any], QDialog], **kwargs: Any
) -> None:
    """Read and check `path` on the worker (`read(s, path, **kwargs, progress=, cancel=)`), then show
    `dialog(preview)` — nothing is written before its 导入. The dialog's `reread` (when it has one) reads the
    file again the same way: an import refused because the data changed since offers it."""

    def show(preview: Any) -> None:
        shown = dialog(preview)
        if hasattr(shown, "reread"):
            shown.reread = lambda: preview_file(parent, path, read, dialog, **kwargs)
        shown.exec()

    run_with_progress(
        parent,
        f"正在检查 {path.name}…",
        lambda s, report, cancel: read(s, path, **kwargs, progress=report, cancel=cancel),
        show,
        "无法导入",
    )


def choose_and_preview(
    parent: QWidget,
    title: str,
    key: str,
    read: Callable[..., Any],
    dialog: Callable[[Path, Any], QDialog],
    **kwargs: Any,
) -> None:
    """Ask for the Excel file to import (the folder of `key` remembered), then `preview_file`."""
    path = ask_open(parent, title, key)
    if path is not None:
        preview_file(parent, path, read, lambda preview: dialog(path, preview), **kwargs)


def export_file(
    parent: QWidget,
    path: Path,
    title: str,
    write: Callable[..., Any],
    message: Callable[[Any], str],
    *args: Any,
    **kwargs: Any,
) -> None:
    """`write(s, path, *args, **kwargs, progress=, cancel=)` on the worker with progress and 取消, then offer to
    open the file with `message(result)`; an error is shown as 导出失败."""
    run_with_progress(
        parent,
        title,
        lambda s, report, cancel: write(s, path, *args, **kwargs, progress=report, cancel=cancel),
        lambda result: offer_open(parent, path, message(result)),
        "导出失败",
    )


def generate_file(
    parent: QWidget, work: Callable[[Session], Any], done: Callable[[Any], None], failed_title: str
) -> None:
    """`work(s)` writes a file on the database worker (it only reads); then `done(result)`; an error is shown
    under `failed_title`."""
    ReadOp(parent, work).success(done).failure(lambda e: errors.show_error(parent, e, failed_title)).run()


def save_file(
    parent: QWidget,
    title: str,
    key: str,
    name: str,
    write: Callable[[Path], Any],
    text: str,
    filter_: str = XLSX_FILTER,
    failed_title: str = "保存模板失败",
) -> Path | None:
    """Ask where (as `name` in the folder of `key`), `write(path)` now (a small file: a blank template), then
    offer to open it with `text` (its {path} the file, {result} what `write` answered)."""
    path = (
        ask_save_word(parent, title, key, name)
        if filter_ == WORD_FILTER
        else ask_save(parent, title, key, name, filter_)
    )
    if path is None:
        return None
    try:
        result = write(path)
    except Exception as e:  # shown to the user, never lost
        errors.show_error(parent, e, failed_title)
        return None
    offer_open(parent, path, text.format(path=path, result=result))
    return path


# ---------------------------------------------------------------- 合作企业 (the enterprise list's own)


def run_export(parent: QWidget, query: EnterpriseQuery) -> None:
    from app.io.enterprises_xlsx import export_enterprises

    path = ask_save(parent, "导出合作企业", "export", "合作企业档案.xlsx")
    if path is not None:
        export_file(
            parent,
            path,
            "正在导出合作企业…",
            export_enterprises,
            lambda n: f"已导出 {n} 家企业（列表中的全部企业，不限合作状态）到\n{path}",
            query,
        )


def save_template(parent: QWidget) -> None:
    from app.io.enterprises_xlsx import write_template

    save_file(
        parent,
        "保存导入模板",
        "template",
        "合作企业导入模板.xlsx",
        write_template,
        "导入模板已保存到\n{path}\n\n按表头填写后，用“从 Excel 导入…”导入。",
    )
