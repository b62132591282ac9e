"""The window on a database on a PostgreSQL server (issue 19): opening one with a clear message for each way it
can fail and the password asked when the server wants one (kept, if the user says so, in the system's
credential store — Windows 凭据管理器 — never in a file), and 设置 → 数据库: connect to a server, or go back to
a database file on this PC, for the next starts (the choice is remembered: app/db/location.py)."""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from pathlib import Path

from app.db.engine import Database, open_database
from app.db.location import (
    DEFAULT_PORT,
    FileLocation,
    Location,
    ServerLocation,
    remember_location,
    save_password,
)
from app.errors import DatabaseError, WrongPassword
from ui.forms.record_form import ok_cancel
from ui.qt import *  # noqa: F403

log = logging.getLogger(__name__)

REMEMBER_TEXT = "在这台电脑上记住密码（保存在系统的凭据管理器中）"


LOCAL_TEXT = "改用本机数据库文件"


class UseLocalFile(Exception):  # noqa: N818 (a choice, not an error)
    """The user chose to open the database file on this PC instead of the server, this time (the server stays
    remembered: the next start tries it again)."""


class PasswordDialog(QDialog):
    """The password of a server user, asked when the server wants one."""

    def __init__(self, loc: ServerLocation, why: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("登录数据库服务器")
        lay = QVBoxLayout(self)
        text = QLabel(
            why or f"请输入用户“{loc.user}”在服务器 {loc.host}:{loc.port} 上的密码。", wordWrap=True
        )
        lay.addWidget(text)
        form = QFormLayout()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form.addRow("密码：", self.password)
        lay.addLayout(form)
        self.remember = QCheckBox(REMEMBER_TEXT, checked=True)
        lay.addWidget(self.remember)
        buttons = ok_cancel(self, "登录")
        self.use_local = False
        local = buttons.addButton(LOCAL_TEXT, QDialogButtonBox.ButtonRole.ResetRole)
        local.setToolTip("这次不连接服务器，打开这台电脑上的数据库文件（下次启动仍先连接服务器）")
        local.clicked.connect(self._local)
        lay.addWidget(buttons)
        self.password.setFocus()
        self.resize(460, self.sizeHint().height())

    def _local(self) -> None:
        self.use_local = True
        self.reject()


def ask_password(loc: ServerLocation, why: str = "") -> tuple[str, bool] | None:
    """(password, remember it) or None when the user cancels; UseLocalFile when they choose the file on this
    PC instead."""
    dialog = PasswordDialog(loc, why)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        if dialog.use_local:
            raise UseLocalFile
        return None
    return dialog.password.text(), dialog.remember.isChecked()


def open_server_or_ask(loc: ServerLocation) -> Database | None:
    """Open the server database; ask for the password when the server wants one (and keep it if asked to);
    on any other failure say why and offer to try again. None: the user gave up; UseLocalFile: they chose the
    database file on this PC instead (a server out of reach on an enterprise visit must not lock them out)."""
    remember = False
    why = ""
    while True:
        try:
            database = open_database(loc)
        except WrongPassword as e:
            log.warning("server refused the login: %s", e.detail)
            answer = ask_password(loc, why)
            if answer is None:
                return None
            loc = dataclasses.replace(loc, password=answer[0])
            remember = answer[1]
            why = e.message
            continue
        except DatabaseError as e:
            log.warning("cannot open %s: %s %s", loc.safe_url, e.message, e.detail)
            box = QMessageBox(QMessageBox.Icon.Warning, "无法打开数据库", e.message)
            retry = box.addButton("重试", QMessageBox.ButtonRole.AcceptRole)
            local = box.addButton(LOCAL_TEXT, QMessageBox.ButtonRole.ActionRole)
            box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is local:
                raise UseLocalFile from None
            if box.clickedButton() is not retry:
                return None
            continue
        if remember and loc.password:
            _keep_password(loc, loc.password)
        return database


def _keep_password(loc: ServerLocation, password: str) -> None:
    try:
        save_password(loc, password)
    except Exception as e:  # no usable key store: the password is asked again next time
        log.warning("could not keep the password in the key store: %s", type(e).__name__)
        QMessageBox.warning(
            None, "密码没有记住", "这台电脑的凭据管理器不可用，密码没有保存；下次打开时会再次询问密码。"
        )


# ------------------------------------------------------------------ 设置 → 数据库


class ServerDialog(QDialog):
    """Connect to a database on a server: address, port, database, user and password, tried before it is
    kept for the next starts."""

    def __init__(self, parent: QWidget | None = None, current: Location | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("连接服务器上的数据库")
        self.location: ServerLocation | None = None
        lay = QVBoxLayout(self)
        note = QLabel(
            "几个人同时使用同一份数据时，把数据库放在学校或学院的 PostgreSQL 服务器上。"
            "服务器、数据库名、用户名和密码请向服务器管理员索取。",
            wordWrap=True,
        )
        lay.addWidget(note)
        form = QFormLayout()
        self.host = QLineEdit(placeholderText="如 192.168.1.20 或 db.xxxx.edu.cn")
        self.port = QSpinBox(minimum=1, maximum=65535, value=DEFAULT_PORT)
        self.port.setMaximumWidth(self.port.fontMetrics().horizontalAdvance("655350") * 2)
        self.database = QLineEdit(placeholderText="如 jidian_college")
        self.user = QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(REMEMBER_TEXT, checked=True)
        for label, widget in (
            ("服务器地址：", self.host),
            ("端口：", self.port),
            ("数据库名：", self.database),
            ("用户名：", self.user),
            ("密码：", self.password),
        ):
            form.addRow(label, widget)
        form.addRow("", self.remember)
        lay.addLayout(form)
        self.message = QLabel(wordWrap=True)
        self.message.hide()
        lay.addWidget(self.message)
        buttons = ok_cancel(self, "连接")
        buttons.accepted.disconnect()
        buttons.accepted.connect(self.try_connect)
        lay.addWidget(buttons)
        if isinstance(current, ServerLocation):
            self.host.setText(current.host)
            self.port.setValue(current.port)
            self.database.setText(current.database)
            self.user.setText(current.user)
        self.host.setFocus()
        self.resize(520, self.sizeHint().height())

    def _say(self, text: str) -> None:
        from ui import theme

        theme.error(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def entered(self) -> ServerLocation | None:
        host, database, user = (w.text().strip() for w in (self.host, self.database, self.user))
        missing = [
            name
            for name, value in (("服务器地址", host), ("数据库名", database), ("用户名", user))
            if not value
        ]
        if missing:
            self._say("请填写" + "、".join(missing) + "。")
            return None
        return ServerLocation(host, self.port.value(), database, user, self.password.text() or None)

    @Slot()
    def try_connect(self) -> None:
        """Try the database before keeping it: open it (a database made by a newer version is refused) and
        close it again."""
        loc = self.entered()
        if loc is None:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            database = open_database(loc, migrate=False)
            database.close()
        except DatabaseError as e:
            self._say(e.message)
            return
        finally:
            QApplication.restoreOverrideCursor()
        if self.remember.isChecked() and loc.password:
            _keep_password(loc, loc.password)
        self.location = loc
        self.accept()


def choose_database(parent: QWidget, current: Location) -> None:
    """设置 → 数据库 → 连接服务器…: the server database for the next starts, then offer to reopen now."""
    dialog = ServerDialog(parent, current)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.location is None:
        return
    remember_location(dialog.location)
    offer_restart(parent, f"以后启动时将打开{dialog.location.display}。")


def choose_local_file(parent: QWidget, current: Location) -> None:
    """设置 → 数据库 → 使用本机数据库文件…: the default file (or one the user picks) for the next starts."""
    from app.paths import default_db_path

    box = QMessageBox(
        QMessageBox.Icon.Question, "使用本机数据库文件", "以后启动时打开哪个数据库文件？", parent=parent
    )
    default = box.addButton(f"默认文件（{default_db_path()}）", QMessageBox.ButtonRole.AcceptRole)
    other = box.addButton("选择其他文件…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is default:
        remember_location(None)
        chosen = default_db_path()
    elif box.clickedButton() is other:
        start = str(current.path.parent if isinstance(current, FileLocation) else default_db_path().parent)
        name, _ = QFileDialog.getOpenFileName(parent, "选择数据库文件", start, "数据库 (*.db);;所有文件 (*)")
        if not name:
            return
        chosen = Path(name).resolve()
        remember_location(FileLocation(chosen))
    else:
        return
    offer_restart(parent, f"以后启动时将打开本机数据库文件“{chosen}”。")


def offer_restart(parent: QWidget, said: str) -> None:
    """Having remembered another database (`said` tells which), offer to reopen the program on it now; where
    CHANJIAO_DB names one, say that it wins instead."""
    if os.environ.get("CHANJIAO_DB"):
        QMessageBox.information(
            parent,
            "已记下",
            said
            + "\n\n注意：这台电脑设置了环境变量 CHANJIAO_DB，它指定的数据库优先；要使用这里的选择，请先删除该环境变量。",
        )
        return
    answer = QMessageBox.question(
        parent, "重新打开", said + "\n\n现在就重新打开软件吗？（未保存的表单请先保存）"
    )
    if answer == QMessageBox.StandardButton.Yes:
        restart()


def restart_command() -> tuple[str, list[str]]:
    """How this program starts again on the remembered database (without a --db given this time)."""
    args, given = [], iter(sys.argv[1:])
    for arg in given:
        if arg == "--db":
            next(given, None)  # and its value
        elif not arg.startswith("--db="):
            args.append(arg)
    if getattr(sys, "frozen", False):
        return sys.executable, args
    return sys.executable, ["-c", "import sys; from ui.launcher import main; sys.exit(main())", *args]


def restart() -> None:
    """Start a new copy of the program and close this one (the new copy opens the remembered database)."""
    program, args = restart_command()
    if QProcess.startDetached(program, args):
        QApplication.closeAllWindows()
        QApplication.quit()
    else:
        QMessageBox.warning(None, "无法重新打开", "无法自动重新打开软件，请关闭后手动重新打开。")
