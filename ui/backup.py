"""备份与恢复 in the GUI: the section of the 设置 page, the day's automatic backup on the worker, restoring
(close the database, replace the file, reopen, rebuild the main window) and the offer to restore the newest
good backup when the database is found damaged on start."""

from __future__ import annotations

import datetime as dt
import html
import logging
from pathlib import Path

from app import backup
from app.db.engine import open_database
from ui import messages, theme
from ui.errors import show_error
from ui.files import ask_open, ask_save, run_with_progress
from ui.forms import read_only_table
from ui.operations import backup as backup_ops
from ui.ops import context
from ui.qt import *  # noqa: F403
from ui.watching import follow_database
from ui.widgets import confirm, push_button

log = logging.getLogger(__name__)

ZIP_FILTER = "备份文件 (*.zip)"
RESTORE_FILTER = "备份文件 (*.zip *.db);;所有文件 (*)"


def start_daily_backup() -> None:
    """The day's first backup, on the database worker: the window is not held up."""
    path = context().database.path
    backup_ops.daily_backup(path)


class BackupSection(QGroupBox):
    """立即备份…, the list of backups beside the database, 恢复所选…, 从文件恢复…."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("备份与恢复", parent)
        lay = QVBoxLayout(self)
        db_path = context().database.path
        folder = backup.backups_dir_for(db_path)
        intro = QLabel(
            "每天第一次启动、数据库升级前和恢复前，软件会自动把数据库备份到下面的文件夹"
            f"（{backup.RETENTION_TEXT}）：<br>{html.escape(str(folder))}<br>"
            "“立即备份”把数据库和附件一起保存为一个 .zip 文件，可以存到U盘或其他电脑。"
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(intro)
        buttons = QHBoxLayout()  # above the list: on screen however long the list is
        self.backup_button = push_button("立即备份…", self.backup_now)
        self.restore_button = push_button("恢复所选…", self.restore_selected)
        self.restore_button.setEnabled(False)
        from_file = push_button("从文件恢复…", self.restore_from_file)
        open_folder = push_button("打开备份文件夹", lambda: _open_folder(folder))
        for b in (self.backup_button, self.restore_button, from_file, open_folder):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.empty = QLabel("还没有备份。")
        theme.hint(self.empty)
        lay.addWidget(self.empty)
        self.table = read_only_table(["备份时间", "类型", "大小", "记录数"], stretch=3)
        metrics = self.table.fontMetrics()
        for col, sample in enumerate(
            ("2026-12-07 05:44", "升级前", "1023.9 MB")
        ):  # the longest of each column
            self.table.setColumnWidth(col, metrics.horizontalAdvance(sample) + 4 * metrics.averageCharWidth())
        self.table.setMinimumHeight(160)
        self.table.setMaximumHeight(320)  # about ten backups; more scroll, the page stays the page's
        self.table.itemSelectionChanged.connect(self._selection_changed)
        lay.addWidget(self.table)
        self.table.hide()  # until there are backups listed: the empty line instead
        self.infos: list[backup.BackupInfo] = []
        self._loaded = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Listed when first shown, not when the window is built: counting the records of 20 backups of a
        100k database takes seconds, and the worker is needed for the first page of the archive."""
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.reload()

    def reload(self) -> None:
        path = context().database.path
        backup_ops.list_backups(self, path, self._listed)

    def _listed(self, infos: list[backup.BackupInfo]) -> None:
        self.infos = infos
        self.table.setRowCount(len(infos))
        for row, info in enumerate(infos):
            cells = (
                f"{info.created:%Y-%m-%d %H:%M}",
                info.kind,
                backup.human_size(info.size),
                info.describe_counts(),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(info.path))
                self.table.setItem(row, col, item)
        self.empty.setVisible(not infos)
        self.table.setVisible(bool(infos))
        self._selection_changed()

    @Slot()
    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> backup.BackupInfo | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.infos[rows.pop()] if len(rows) == 1 else None

    @Slot()
    def backup_now(self) -> None:
        name = f"产教融合备份-{dt.date.today():%Y%m%d}.zip"
        target = ask_save(self, "立即备份（数据库和附件）", "backup", name, ZIP_FILTER)
        if target is None:
            return
        self.backup_button.setEnabled(False)
        self._progress = run_with_progress(
            self,
            "正在备份数据库和附件…",
            backup_ops.backup_work(context().database.path, target),
            self._backed_up,
            "备份失败",
            task=True,
            finished=self._finished,
        )

    def _finished(self, _outcome: object) -> None:
        self.backup_button.setEnabled(True)
        self.reload()

    def _backed_up(self, info: backup.BackupInfo) -> None:
        messages.inform(
            self,
            "备份完成",
            f"已备份到：\n{info.path}\n\n大小 {backup.human_size(info.size)}；{info.describe_counts()}。\n"
            "需要时，用“从文件恢复…”选择这个文件即可恢复。",
            info.path,
        )

    @Slot()
    def restore_selected(self) -> None:
        info = self.selected()
        if info is not None:
            ask_and_restore(self, info)

    @Slot()
    def restore_from_file(self) -> None:
        path = ask_open(self, "选择要恢复的备份文件", "backup", RESTORE_FILTER)
        if path is None:
            return
        try:
            backup.check_backup(path)
            info = backup.describe_backup(path)
        except Exception as e:
            show_error(self, e, "不能用这个文件恢复")
            return
        ask_and_restore(self, info)


def _open_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def ask_and_restore(parent: QWidget, info: backup.BackupInfo) -> None:
    ctx = context()
    ctx.wait()
    now_counts = backup.describe_backup(ctx.database.path).describe_counts()
    text = (
        f"将把数据库恢复为 {info.created:%Y-%m-%d %H:%M} 的备份（{info.describe_counts()}）。\n\n"
        f"现在的数据（{now_counts}）会先自动备份到备份文件夹（类型“恢复前”），"
        "如果恢复错了，可以再从那份备份恢复回来。\n\n恢复后软件会重新打开数据库。继续吗？"
    )
    if confirm(parent, "恢复备份", text, destructive=True):
        restore_and_reopen(parent, info.path)


def restore_and_reopen(parent: QWidget, source: Path) -> None:
    """Close the database (Windows cannot replace an open file), restore on the worker behind a busy dialog,
    reopen, and rebuild the main window on the restored data (see _reopen)."""
    ctx = context()
    ctx.wait()
    window = parent.window()
    path = ctx.database.path
    ctx.database.close()
    busy = QProgressDialog("正在恢复备份，请稍候…", "", 0, 0, window)
    busy.setWindowTitle("恢复备份")
    busy.setCancelButton(None)
    busy.setWindowModality(Qt.WindowModality.ApplicationModal)
    busy.setMinimumDuration(0)
    busy.show()
    reopen = _Reopen(window, path, busy)
    backup_ops.restore_backup(window, path, source, reopen.restored, reopen.failed)


class _Reopen:
    """After the restore job: reopen the database and, if it was replaced, a new main window over it."""

    def __init__(self, window: QWidget, path: Path, busy: QProgressDialog) -> None:
        self.window, self.path, self.busy = window, path, busy

    def restored(self, _before: Path | None) -> None:
        if self._open():
            self._new_window()

    def failed(self, exc: BaseException) -> None:
        self.busy.close()
        show_error(self.window, exc, "恢复失败（数据库没有改变）")
        self._open()

    def _open(self) -> bool:
        self.busy.close()
        try:
            context().database = open_database(self.path)
        except Exception as e:
            show_error(None, e, "无法重新打开数据库")
            QApplication.quit()
            return False
        follow_database()  # others' changes: the watcher of the database closed for the restore had stopped
        return True

    def _new_window(self) -> None:
        from ui.main_window import MainWindow

        window = MainWindow()
        old = self.window
        if isinstance(old, MainWindow):
            window.setGeometry(old.geometry())
        window.show()
        if isinstance(old, MainWindow):
            old.close()
            old.deleteLater()
        window.nav.setCurrentRow(window.pages.index(window.settings_page))
        messages.inform(window, "恢复完成", f"已恢复，现在打开的是恢复后的数据：\n{self.path}", self.path)


def offer_good_backup(path: Path) -> bool:
    """The database is damaged: restore the newest backup that passes quick_check, if the user agrees.
    True = restored (open again)."""
    good = backup.newest_good_backup(path)
    if good is None:
        ask = QMessageBox.question(
            None,
            "没有可用的自动备份",
            f"在“{messages.display_path(backup.backups_dir_for(path))}”中没有找到完好的备份。\n\n"
            "如果U盘或其他地方有“立即备份”保存的备份文件（.zip），现在选择它吗？",
        )
        if ask != QMessageBox.StandardButton.Yes:
            return False
        chosen = ask_open(None, "选择备份文件", "backup", RESTORE_FILTER)
        if chosen is None:
            return False
        good = chosen
    info = backup.describe_backup(good)
    text = (
        f"找到最近的完好备份：{info.created:%Y-%m-%d %H:%M}（{info.describe_counts()}）。\n\n"
        "恢复后，这次备份之后录入的内容需要重新录入。损坏的数据库文件会原样另存到备份文件夹，不会删除。\n\n"
        "现在恢复吗？"
    )
    if not confirm(None, "恢复最近的完好备份", text, destructive=True):
        return False
    try:
        backup.restore_backup(path, good)
    except Exception as e:
        show_error(None, e, "恢复失败")
        return False
    return True
