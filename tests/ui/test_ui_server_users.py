"""设置 → 用户与权限 (issue 19): the college's 管理员 lists, adds, grants and removes users in the dialog, with
real widgets, a real server (tests/pg.py) and a college set up by the real `chanjiao server init`; what the
dialog did is then proved by connecting as the new user with plain psycopg, as someone with psql would. A 只读
user sees the button disabled with the reason; a file database has none. Roles are cluster-wide: every one a
test makes starts with this run's prefix and is dropped at the end (tests/college_users.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from app.db.roles import ADMIN, EDITOR, READER, privileges
from tests.college_users import PASSWORD, College, add_user, cli, prefixed, set_up_college
from ui import messages
from ui.ops import DbContext, set_context
from ui.server_users_dialog import GRANT, MISMATCH, REVOKE, AddUserDialog, ServerUsersDialog

pytestmark = pytest.mark.qt

SHOTS = Path("/tmp/helper_users")


@pytest.fixture(scope="module")
def prefix(pg_server) -> Iterator[str]:
    with prefixed(pg_server, "uiusers") as name:
        yield name


@pytest.fixture(scope="module")
def college(pg_server, prefix: str, tmp_path_factory: pytest.TempPathFactory) -> College:
    """One college's database set up by `server init`, with a 管理员 and a 只读 user."""
    return set_up_college(
        pg_server, f"{prefix}_a", tmp_path_factory.mktemp("home"), ("boss", ADMIN), ("li", READER)
    )


@contextmanager
def signed_in(college: College, user: str) -> Iterator[DbContext]:
    """The GUI's database context, connected as `user`."""
    database = college.open(user)
    ctx = DbContext(database)
    set_context(ctx)
    try:
        yield ctx
    finally:
        ctx.wait()
        set_context(None)
        database.close()


def when_shown(kind: type, act: Callable[[QWidget], None]) -> None:
    """When a modal window of `kind` shows, `act` on it."""
    box = QApplication.activeModalWidget()
    if not isinstance(box, kind):
        QTimer.singleShot(30, lambda: when_shown(kind, act))
        return
    act(box)


def answer_yes(said: list[str]) -> Callable[[QMessageBox], None]:
    def act(box: QMessageBox) -> None:
        said.append(messages.plain(box.text()))
        box.button(QMessageBox.StandardButton.Yes).click()

    return act


def close_box(said: list[str]) -> Callable[[QMessageBox], None]:
    def act(box: QMessageBox) -> None:
        said.append(messages.plain(box.text()))
        box.accept()

    return act


def rows(dialog: ServerUsersDialog) -> dict[str, tuple[str, str]]:
    t = dialog.table
    return {t.item(i, 0).text(): (t.item(i, 1).text(), t.item(i, 2).text()) for i in range(t.rowCount())}


def select(dialog: ServerUsersDialog, name: str) -> None:
    row = next(i for i in range(dialog.table.rowCount()) if dialog.table.item(i, 0).text() == name)
    dialog.table.selectRow(row)


def reads_id_number(college: College, user: str) -> bool:
    with college.connect(user) as conn:
        conn.execute("SELECT name FROM student").fetchall()  # the columns that are not personal: always
        try:
            conn.execute("SELECT id_number FROM student").fetchall()
        except psycopg.errors.InsufficientPrivilege:
            return False
        return True


def test_an_admin_lists_adds_grants_and_removes_users(qtbot, college: College, pg_server) -> None:
    from ui.pages.settings import SettingsPage

    boss, xu = college.user("boss"), college.user("xu")
    with signed_in(college, boss) as ctx:
        page = SettingsPage()
        qtbot.addWidget(page)
        assert ctx.wait()
        assert page.users_button.isEnabled() and page.users_button.text() == "用户与权限…"

        dialog = ServerUsersDialog(page)
        qtbot.addWidget(dialog)
        assert ctx.wait()
        listed = rows(dialog)
        assert listed[boss] == (ADMIN, "是") and listed[college.user("li")] == (READER, "否")
        assert listed[pg_server.admin.user] == (ADMIN, "是")  # who ran `server init`
        assert not dialog.remove_button.isEnabled()  # nothing chosen yet

        def fill(add: AddUserDialog) -> None:
            add.name.setText(xu)
            add.role.setCurrentText(EDITOR)
            add.password.setText(PASSWORD)
            add.again.setText(PASSWORD)
            add.ok.click()

        QTimer.singleShot(0, lambda: when_shown(AddUserDialog, fill))
        dialog.add_button.click()  # the add dialog closes once the server has added the user
        qtbot.waitUntil(lambda: xu in rows(dialog), timeout=10_000)
        assert rows(dialog)[xu] == (EDITOR, "否")
        assert f"已添加用户“{xu}”，角色：录入" in dialog.status.text()
        assert dialog.chosen().name == xu  # the new user is the one chosen
        # the login works, and the server keeps 录入 out of the personal columns
        assert not reads_id_number(college, xu)

        assert dialog.personal_button.text() == GRANT
        dialog.personal_button.click()  # the grant, then the list read again
        qtbot.waitUntil(lambda: rows(dialog)[xu] == (EDITOR, "是"), timeout=10_000)
        assert dialog.personal_button.text() == REVOKE and "学生个人信息可查看" in dialog.status.text()
        assert reads_id_number(college, xu)

        SHOTS.mkdir(exist_ok=True)
        dialog.show()
        dialog.grab().save(str(SHOTS / "users.png"))

        select(dialog, xu)
        said: list[str] = []
        QTimer.singleShot(0, lambda: when_shown(QMessageBox, answer_yes(said)))
        dialog.remove_button.click()
        qtbot.waitUntil(lambda: xu not in rows(dialog), timeout=10_000)
        assert said and f"删除用户“{xu}”（录入）" in said[0]
        assert "登录账号已从服务器删除" in dialog.status.text()
        assert pg_server.sql(f"SELECT count(*) FROM pg_roles WHERE rolname = '{xu}'") == [(0,)]

        select(dialog, boss)  # oneself: the service refuses, in its words
        said.clear()
        QTimer.singleShot(0, lambda: when_shown(QMessageBox, answer_yes(said)))
        dialog.remove_button.click()
        refused: list[str] = []
        QTimer.singleShot(0, lambda: when_shown(QMessageBox, close_box(refused)))
        assert ctx.wait()
        qtbot.waitUntil(lambda: bool(refused), timeout=10_000)
        assert refused[0] == f"不能删除自己（“{boss}”）。请让本学院的另一位“管理员”来删除。"
        assert boss in rows(dialog)


def test_a_reader_sees_the_button_disabled_with_the_reason(qtbot, college: College) -> None:
    from ui.pages.settings import SettingsPage

    li = college.user("li")
    with signed_in(college, li) as ctx:
        page = SettingsPage()
        qtbot.addWidget(page)
        assert ctx.wait()
        why = privileges(ctx.database.engine).refusal(ADMIN)
        assert why == f"管理用户需要“管理员”角色，用户“{li}”的角色是“只读”。"
        assert not page.users_button.isEnabled() and page.users_button.toolTip() == why


def test_a_wrong_second_password_or_a_bad_name_is_refused_in_the_dialog(
    qtbot, college: College, pg_server
) -> None:
    with signed_in(college, college.user("boss")) as ctx:
        add = AddUserDialog()
        qtbot.addWidget(add)
        name = college.user("wu")
        add.name.setText(name)
        add.password.setText(PASSWORD)
        add.again.setText(PASSWORD + "x")
        add.show()
        add.ok.click()
        assert ctx.wait()
        assert add.problem.text() == MISMATCH and add.problem.isVisible() and add.isVisible()
        assert add.again.text() == ""  # to be typed again
        SHOTS.mkdir(exist_ok=True)
        add.grab().save(str(SHOTS / "add.png"))

        add.again.setText("short")
        add.password.setText("short")
        add.ok.click()
        assert add.problem.text() == "密码太短：至少 8 个字符。"
        add.name.setText("pg_bad")
        add.ok.click()
        assert "以 pg_ 开头的名称由 PostgreSQL 保留" in add.problem.text()
        li = college.user("li")  # a user already there: refused by the service, in the dialog's words
        add.name.setText(li)
        add.password.setText(PASSWORD)
        add.again.setText(PASSWORD)
        add.ok.click()
        qtbot.waitUntil(lambda: add.ok.isEnabled(), timeout=10_000)
        assert (
            add.problem.text() == f"“{li}”已是本学院的用户。要换角色，请先在列表中删除这个用户，再重新添加。"
        )
        add.reject()
        assert add.password.text() == "" and add.again.text() == ""  # kept in no widget after closing
        assert ctx.wait()
        assert pg_server.sql(f"SELECT count(*) FROM pg_roles WHERE rolname = '{name}'") == [(0,)]


def test_a_user_removed_meanwhile_is_told_in_the_dialog_s_words(qtbot, college: College) -> None:
    """Another 管理员 removes a user while the dialog lists it: the grant is refused, saying what happened in the
    window's words (the command line's names its `server user list`)."""
    gone = add_user(college, "gone", READER)
    with signed_in(college, college.user("boss")) as ctx:
        dialog = ServerUsersDialog()
        qtbot.addWidget(dialog)
        assert ctx.wait() and gone in rows(dialog)
        removed = cli("--db", college.url, "server", "user", "remove", gone)
        assert removed.returncode == 0, removed.stderr
        select(dialog, gone)
        refused: list[str] = []
        QTimer.singleShot(0, lambda: when_shown(QMessageBox, close_box(refused)))
        dialog.personal_button.click()
        qtbot.waitUntil(lambda: bool(refused), timeout=10_000)
        assert refused[0] == (
            f"本学院的数据库没有用户“{gone}”。"
            "可能已被本学院的另一位管理员删除；关闭“用户与权限”再打开，可看到现在的用户。"
        )


def test_a_file_database_has_no_users_button(qtbot, ctx) -> None:
    from ui.pages.settings import SettingsPage

    page = SettingsPage()
    qtbot.addWidget(page)
    assert not hasattr(page, "users_button")
    assert "用户与权限…" not in [b.text() for b in page.findChildren(QPushButton)]
