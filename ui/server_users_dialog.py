"""设置 → 常规 → 数据 → 用户与权限… (issue 19): the college's 管理员 lists the users of its server database, adds
one (用户名, 角色, 学生个人信息, the password twice), removes one, grants or revokes 学生个人信息 — the same
service calls and checks as the command line (app/db/server_users.py), each change one transaction on
the database worker (ui/operations/server_users.py). The server enforces the roles (app/db/roles.py); a refusal
(oneself, the last 管理员) is the service's own message. The button is shown on a server database only, and is
disabled, saying why, for a user who is not 管理员 or on a database whose roles are not set up."""

from __future__ import annotations

from app.db.roles import ADMIN, EDITOR, PERSONAL, READER, ROLES, Privileges
from app.db.server_users import ServerUser, check_name, check_password
from app.errors import AppError
from ui import theme
from ui.errors import show_error
from ui.forms.record_form import close_box, ok_cancel, read_only_table
from ui.operations import server_users as ops
from ui.ops import context
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, push_button

BUTTON_TEXT = "用户与权限…"
BUTTON_TIP = "添加、删除本学院数据库的用户，设置其角色和能否查看学生个人信息"
ROLES_NOTE = (
    f"“{ADMIN}”：全部操作，并管理用户；“{EDITOR}”：新增、修改和删除记录；“{READER}”：只能查看。"
    f"“{PERSONAL}”指学生的身份证号、电话和家庭住址，{ADMIN}总能查看，{EDITOR}和{READER}要单独授予。"
    "这些限制由服务器执行：用其他程序连接数据库也一样。"
)
GRANT, REVOKE = f"授予{PERSONAL}", f"收回{PERSONAL}"
MISMATCH = "两次输入的密码不一致，没有添加用户。"  # as the command line's `server user add` says it


def users_button(parent: QWidget) -> QPushButton:
    """The button of 设置's data group (a server database only): opens the dialog for a 管理员; for anyone else
    disabled, its tooltip saying why (Privileges.refusal). Disabled until the server has said."""
    button = push_button(BUTTON_TEXT, lambda: ServerUsersDialog(parent).exec(), BUTTON_TIP)
    button.setEnabled(False)

    def known(mine: Privileges) -> None:
        why = mine.refusal(ADMIN)
        button.setEnabled(why is None)
        button.setToolTip(BUTTON_TIP if why is None else why)

    ops.load_privileges(button, known)
    return button


def personal_words(user: ServerUser) -> str:
    return "是" if user.personal_data else "否"


class AddUserDialog(QDialog):
    """A new user: name, role, 学生个人信息, the password twice (never shown, never kept after the dialog)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("添加用户")
        self.added: ServerUser | None = None
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(placeholderText="如 li.ming 或 李明")
        self.name.setToolTip("登录服务器用的名称：字母、数字、汉字、下划线、点或连字符")
        form.addRow("用户名：", self.name)
        self.role = QComboBox()
        self.role.addItems(list(ROLES))
        self.role.setCurrentText(EDITOR)
        form.addRow("角色：", self.role)
        self.personal = QCheckBox(f"可查看{PERSONAL}（身份证号、电话、家庭住址）")
        form.addRow("", self.personal)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form.addRow("密码：", self.password)
        form.addRow("再输入一次：", self.again)
        lay.addLayout(form)
        self.problem = theme.error(QLabel(wordWrap=True))
        self.problem.hide()
        lay.addWidget(self.problem)
        self.buttons = ok_cancel(self, "添加")
        lay.addWidget(self.buttons)
        self.role.currentTextChanged.connect(self._role_changed)
        self.name.setFocus()
        self.resize(440, self.sizeHint().height())

    @property
    def ok(self) -> QPushButton:
        return self.buttons.buttons()[0]  # type: ignore[return-value]

    def _role_changed(self, role: str) -> None:
        admin = role == ADMIN
        self.personal.setEnabled(not admin)
        if admin:
            self.personal.setChecked(True)
        self.personal.setToolTip(f"{ADMIN}总能查看学生个人信息" if admin else "")

    def say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def accept(self) -> None:
        """Check as the command line does, then add on the worker; the dialog closes when the server has."""
        try:
            name = check_name(self.name.text())
            password = check_password(self.password.text())
        except AppError as e:
            self.say(e.message)
            return
        if self.again.text() != password:
            self.say(MISMATCH)
            self.again.clear()
            self.again.setFocus()
            return
        self.say("")
        self.ok.setEnabled(False)
        role = self.role.currentText()
        personal = self.personal.isChecked() and role != ADMIN
        ops.add_user(self, name, role, password, personal, self._added, self._failed)

    def _added(self, user: ServerUser) -> None:
        self.added = user
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if isinstance(exc, AppError):
            self.say(exc.message)
        else:
            show_error(self, exc)

    def done(self, result: int) -> None:
        self.password.clear()  # the password stays in no widget once the dialog is closed
        self.again.clear()
        super().done(result)


class ServerUsersDialog(QDialog):
    """The college's users and what each may do; the 管理员 adds, removes, grants and revokes here."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("用户与权限")
        self.users: list[ServerUser] = []
        lay = QVBoxLayout(self)
        where = QLabel(f"数据库：{context().database.display_name}", wordWrap=True)
        lay.addWidget(where)
        self.table = read_only_table(("用户名", "角色", PERSONAL), widths={0: 240, 1: 100}, stretch=2)
        self.table.itemSelectionChanged.connect(self._selected)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = push_button("添加用户…", self.add_user)
        self.remove_button = push_button("删除…", self.remove_user)
        self.personal_button = push_button(GRANT, self.toggle_personal)
        for b in (self.add_button, self.remove_button, self.personal_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.status = theme.hint(QLabel(wordWrap=True))
        lay.addWidget(self.status)
        lay.addWidget(theme.hint(QLabel(ROLES_NOTE, wordWrap=True)))
        lay.addWidget(close_box(self))
        self.resize(640, 460)
        self._selected()
        self.reload()

    def reload(self, select: str = "") -> None:
        ops.load_users(self, lambda users: self._loaded(users, select))

    def _loaded(self, users: list[ServerUser], select: str) -> None:
        keep = select or (self.chosen().name if self.chosen() else "")
        self.users = users
        self.table.setRowCount(len(users))
        for i, u in enumerate(users):
            for col, value in enumerate((u.name, u.role, personal_words(u))):
                self.table.setItem(i, col, QTableWidgetItem(value))
        self.table.clearSelection()
        for i, u in enumerate(users):
            if u.name == keep:
                self.table.selectRow(i)
        self._selected()

    def chosen(self) -> ServerUser | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.users):
            return None
        return self.users[rows[0].row()]

    def _selected(self) -> None:
        user = self.chosen()
        self.remove_button.setEnabled(user is not None)
        self.personal_button.setEnabled(user is not None and user.role != ADMIN)
        self.personal_button.setText(REVOKE if user is not None and user.personal_data else GRANT)
        self.personal_button.setToolTip(
            f"{ADMIN}总能查看学生个人信息" if user is not None and user.role == ADMIN else ""
        )

    def say(self, text: str) -> None:
        self.status.setText(text)

    @Slot()
    def add_user(self) -> None:
        dialog = AddUserDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.added is None:
            return
        u = dialog.added
        self.say(
            f"已添加用户“{u.name}”，角色：{u.role}，学生个人信息：{'可查看' if u.personal_data else '不可查看'}。"
        )
        self.reload(u.name)

    @Slot()
    def remove_user(self) -> None:
        user = self.chosen()
        if user is None:
            return
        if not confirm(
            self,
            "删除用户",
            f"删除用户“{user.name}”（{user.role}）？\n删除后他不能再打开本学院的数据库；已录入的记录不受影响。",
            destructive=True,
        ):
            return

        def removed(dropped: bool) -> None:
            tail = (
                "登录账号已从服务器删除。"
                if dropped
                else "其登录账号仍在服务器上（用于其他数据库或拥有其他对象），但已不能使用本学院的数据库。"
            )
            self.say(f"已删除用户“{user.name}”：{tail}")
            self.reload()

        ops.remove_user(self, user.name, removed, lambda e: show_error(self, e, "不能删除用户"))

    @Slot()
    def toggle_personal(self) -> None:
        user = self.chosen()
        if user is None:
            return

        def changed(u: ServerUser) -> None:
            self.say(
                f"用户“{u.name}”（{u.role}）：学生个人信息{'可查看' if u.personal_data else '不可查看'}。"
            )
            self.reload(u.name)

        title = "不能收回" if user.personal_data else "不能授予"
        ops.set_personal_data(
            self, user.name, not user.personal_data, changed, lambda e: show_error(self, e, title)
        )
