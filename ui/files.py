"""File dialogs that remember the last folder, and the export / template actions with progress."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QProcess, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from app.errors import Cancelled
from app.services.enterprise_list import EnterpriseQuery
from ui import messages
from ui.errors import show_error
from ui.ops import ReadOp
from ui.settings import ui_settings

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


class Progress:
    """A modal progress dialog whose 取消 sets a threading.Event; updates throttled to ~100 ms."""

    def __init__(self, parent: QWidget, title: str) -> None:
        self.cancel = threading.Event()
        self.dialog = QProgressDialog(title, "取消", 0, 1000, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(400)
        self.dialog.canceled.connect(self.cancel.set)
        self._clock = QElapsedTimer()
        self._clock.start()

    def update(self, fraction: float, message: str) -> None:
        if self._clock.elapsed() < 100 and fraction < 1:
            return
        self._clock.restart()
        self.dialog.setValue(int(fraction * 1000))
        if message:
            self.dialog.setLabelText(message)

    def close(self) -> None:
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


def run_export(parent: QWidget, query: EnterpriseQuery) -> None:
    from app.io.enterprises_xlsx import export_enterprises

    path = ask_save(parent, "导出合作企业", "export", "合作企业档案.xlsx")
    if path is None:
        return
    progress = Progress(parent, "正在导出合作企业…")

    def done(n: int) -> None:
        progress.close()
        offer_open(parent, path, f"已导出 {n} 家企业（列表中的全部企业，不限合作状态）到\n{path}")

    def failed(exc: BaseException) -> None:
        progress.close()
        if not isinstance(exc, Cancelled):
            show_error(parent, exc, "导出失败")

    op = ReadOp(
        parent,
        lambda s, report, cancel: export_enterprises(s, path, query, progress=report, cancel=progress.cancel),
    )
    op.with_progress(progress.update).success(done).failure(failed).run()


def save_template(parent: QWidget) -> None:
    from app.io.enterprises_xlsx import write_template

    path = ask_save(parent, "保存导入模板", "template", "合作企业导入模板.xlsx")
    if path is None:
        return
    try:
        write_template(path)
    except Exception as e:  # shown to the user, never lost
        show_error(parent, e, "保存模板失败")
        return
    offer_open(parent, path, f"导入模板已保存到\n{path}\n\n按表头填写后，用“从 Excel 导入…”导入。")
