"""设置 → 常规 → 数据: “上传到服务器…” (a database file's whole content into an empty database on a server, then,
if the user wants, that server from the next start on) and “保存服务器数据到本机文件…” (a server database's whole
content into a new file on this PC: a portable copy; the server's own backup, pg_dump, stays its administrator's).
The copy and its check run on the database worker (app/db/transfer.py) under a progress dialog with 取消."""

from __future__ import annotations

from pathlib import Path

from app.db.location import FileLocation, ServerLocation, remember_location
from app.db.personal import personal_refusal
from app.db.transfer import TransferReport, transfer
from ui import messages
from ui.files import Progress, ask_save, run_with_progress, show_in_folder
from ui.ops import context, read_now
from ui.qt import *  # noqa: F403
from ui.server_connect import ServerDialog, offer_restart
from ui.widgets import push_button

UPLOAD = "上传到服务器…"
SAVE = "保存服务器数据到本机文件…"
DB_FILTER = "数据库文件 (*.db)"
UPLOAD_NOTE = (
    "把这个数据库文件的全部内容（每条记录、附件、修改记录和设置）复制到服务器上一个空的数据库中，复制后逐表核对。"
    "数据库须由服务器管理员先建好（可同时设好本学院的用户和角色），里面还不能有记录。这台电脑上的文件保持不变。"
)


def transfer_button(parent: QWidget) -> QPushButton:
    """The button of the data row: 上传到服务器… on a database file, 保存服务器数据到本机文件… on a server's."""
    if context().database.is_server:
        button = push_button(
            SAVE,
            lambda: save_to_file(parent),
            "把服务器上这个数据库的全部内容保存为本机的一个数据库文件（便携的副本；服务器的备份仍由其管理员负责）",
        )
        if refused := read_now(personal_refusal):  # the whole database: the students' personal data too
            button.setEnabled(False)
            button.setToolTip(f"保存全部数据需要能读取学生个人信息。{refused}")
        return button
    return push_button(
        UPLOAD, lambda: upload_to_server(parent), "把这个数据库文件的全部内容复制到服务器上的空数据库"
    )


# ------------------------------------------------------------------ up


class UploadDialog(ServerDialog):
    """Where to upload: the server's address fields of 连接服务器上的数据库, tried before the copy starts; nothing
    is remembered here (that is asked when the copy has checked out)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("上传到服务器")
        self.findChildren(QLabel)[0].setText(UPLOAD_NOTE)
        for button in self.findChildren(QPushButton):
            if button.text() == "连接":
                button.setText("上传")


def upload_to_server(parent: QWidget) -> None:
    dialog = UploadDialog(parent)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.location is not None:
        start_upload(parent, dialog.location)


def start_upload(parent: QWidget, dest: ServerLocation) -> Progress:
    source = context().database
    return run_with_progress(
        parent,
        "正在上传到服务器…",
        lambda report, cancel: transfer(source, dest, progress=report, cancel=cancel),
        lambda report: uploaded(parent, dest, report),
        "上传失败",
        task=True,
    )


def uploaded(parent: QWidget, dest: ServerLocation, report: TransferReport) -> None:
    """Say what was copied; offer the server database from the next start on."""
    box = QMessageBox(QMessageBox.Icon.Information, "上传完成", "", parent=parent)
    box.setText(
        f"已上传到{dest.display}。\n\n{report.summary}\n\n"
        "以后启动时改用服务器上的这个数据库吗？（这台电脑上的文件保持不变，但之后在服务器上的修改不会写回这个文件。）"
    )
    use = box.addButton("以后使用服务器上的数据库", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("暂不", QMessageBox.ButtonRole.RejectRole)
    messages.fit(box).exec()
    if box.clickedButton() is use:
        remember_location(dest)
        offer_restart(parent, f"以后启动时将打开{dest.display}。")


# ------------------------------------------------------------------ back


def save_to_file(parent: QWidget) -> None:
    loc = context().database.location
    name = f"{loc.database if isinstance(loc, ServerLocation) else '服务器数据'}.db"
    path = ask_save(parent, "保存服务器数据到本机文件", "transfer", name, DB_FILTER)
    if path is None:
        return
    if path.suffix.lower() != ".db":
        path = path.with_name(path.name + ".db")
    start_save(parent, path)


def start_save(parent: QWidget, path: Path) -> Progress:
    source = context().database
    return run_with_progress(
        parent,
        "正在保存服务器数据到本机文件…",
        lambda report, cancel: transfer(source, FileLocation(path), progress=report, cancel=cancel),
        lambda report: saved(parent, path, report),
        "保存失败",
        task=True,
    )


def saved(parent: QWidget, path: Path, report: TransferReport) -> None:
    """Say where the copy went (the file and its attachments folder beside it)."""
    text = (
        f"已保存到本机文件\n{path}\n\n{report.summary}\n\n"
        "这个文件可以用“使用本机数据库文件…”打开，或交给别人保存；服务器本身的备份仍由服务器管理员负责。"
    )
    box = QMessageBox(
        QMessageBox.Icon.Information, "保存完成", messages.with_paths(text, path), parent=parent
    )
    folder = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
    messages.copy_path_button(box, path)
    box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    messages.fit(box).exec()
    if box.clickedButton() is folder:
        show_in_folder(path)
