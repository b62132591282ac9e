"""The 附件 tab of a record's form: the files on record, plus files added or removed in the dialog.

Nothing is written while the dialog is open: the dialog's save WriteOp calls `apply(s, owner_id)` so the
record and its attachments are saved in one transaction."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app import tempfiles
from app.errors import AppError
from app.fsutil import human_size
from app.services import attachments as att
from app.services import blobs
from ui import theme
from ui.errors import show_error
from ui.files import last_folder, remember_folder
from ui.ops import context, read_now
from ui.qt import *  # noqa: F403
from ui.widgets import push_button

PENDING = Qt.ItemDataRole.UserRole + 1


class AttachmentsPanel(QWidget):
    """List / add / open / remove the attachments of one record (`owner_type`, e.g. "enterprise")."""

    changed = Signal()  # a file was added or removed in the dialog (not yet saved)

    def __init__(self, owner_type: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.owner_type = owner_type
        self.owner_id: str | None = None
        self.pending_files: list[Path] = []
        self.removed_ids: list[str] = []
        self.on_server = context().database.is_server
        v = QVBoxLayout(self)
        if self.on_server:
            where = f"文件会保存到服务器上的数据库中（每个不超过 {blobs.limit_words()}），"
        else:
            where = "文件会复制到数据库旁的附件文件夹，"
        text = f"{hint}{where}原文件可随意移动。"
        label = theme.muted(QLabel(text, wordWrap=True))
        v.addWidget(label)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.itemDoubleClicked.connect(lambda _i: self.open_selected())
        v.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.add_button = push_button("添加文件…", self.ask_add, writes=True)
        self.open_button = push_button("打开", self.open_selected)
        self.remove_button = push_button("移除", self.remove_selected, writes=True)
        for b in (self.add_button, self.open_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        v.addLayout(row)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # ------------------------------------------------------------ state

    def load(self, owner_id: str | None) -> None:
        """Show the attachments of a saved record (None: a new record, only pending files)."""
        self.owner_id = owner_id
        self.refresh()

    def saved(self, owner_id: str) -> None:
        """The pending files were written with the record `owner_id`: show it as saved, nothing pending."""
        self.pending_files.clear()
        self.removed_ids.clear()
        self.load(owner_id)

    def has_changes(self) -> bool:
        return bool(self.pending_files or self.removed_ids)

    def refresh(self) -> None:
        self.list.clear()
        if self.owner_id:
            owner_type, owner_id = self.owner_type, self.owner_id
            for a in read_now(lambda s: att.list_attachments(s, owner_type, owner_id)):
                if a.id in self.removed_ids:
                    continue
                item = QListWidgetItem(f"{a.original_name}    ({human_size(a.size)})")
                item.setData(Qt.ItemDataRole.UserRole, a.id)
                self.list.addItem(item)
        for p in self.pending_files:
            item = QListWidgetItem(f"{p.name}    （保存后添加）")
            item.setData(Qt.ItemDataRole.UserRole, str(p))
            item.setData(PENDING, True)
            self.list.addItem(item)
        self._update_buttons()

    def apply(self, s: Session, owner_id: str) -> None:
        """Write the pending adds and removals (inside the dialog's save WriteOp, on the worker)."""
        self.work()(s, owner_id)

    def work(self):
        """A snapshot of the pending changes as a function of (session, owner id): safe to run on the worker
        even if the dialog is closed meanwhile."""
        owner_type, files, removed = self.owner_type, list(self.pending_files), list(self.removed_ids)

        def apply(s: Session, owner_id: str) -> None:
            for f in files:
                att.add_attachment(s, owner_type, owner_id, f)
            if removed:
                att.remove_attachments(s, removed)

        return apply

    # ------------------------------------------------------------ actions

    def add_files(self, paths: list[Path]) -> None:
        """Files to add when the record is saved; on a server, one over the size limit is refused now."""
        paths = [Path(p) for p in paths]
        if self.on_server:
            refused = [why for p in paths if (why := blobs.too_big_for_a_server(p))]
            if refused:
                show_error(self, AppError("\n".join(refused)), "无法添加附件")
            paths = [p for p in paths if not blobs.too_big_for_a_server(p)]
        if not paths:
            return
        self.pending_files += paths
        self.refresh()
        self.changed.emit()

    @Slot()
    def ask_add(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "选择附件", last_folder("attachments"), "所有文件 (*)")
        if not paths:
            return
        remember_folder("attachments", paths[0])
        self.add_files([Path(p) for p in paths])

    @Slot()
    def remove_selected(self) -> None:
        items = self.list.selectedItems()
        if not items:
            return
        for item in items:
            value = item.data(Qt.ItemDataRole.UserRole)
            if item.data(PENDING):
                self.pending_files = [p for p in self.pending_files if str(p) != value]
            else:
                self.removed_ids.append(value)
        self.refresh()
        self.changed.emit()

    @Slot()
    def open_selected(self) -> None:
        items = self.list.selectedItems()
        if not items:
            return
        item = items[0]
        value = item.data(Qt.ItemDataRole.UserRole)
        try:
            if item.data(PENDING):
                path = Path(value)
            else:
                # in the app's own temporary folder: removed at exit, else by the next start's sweep
                folder = tempfiles.process_dir() / "附件查看"
                path = read_now(lambda s: att.copy_for_viewing(s, value, folder))
        except Exception as e:  # missing file etc.: tell the user
            show_error(self, e, "无法打开附件")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _update_buttons(self) -> None:
        selected = bool(self.list.selectedItems())
        self.open_button.setEnabled(selected)
        self.remove_button.setEnabled(selected)
