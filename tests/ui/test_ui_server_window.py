"""The window on a database on a PostgreSQL server (issue 19): the launcher hands a server address to the
window, which asks for the password when the server wants one (and keeps it only if told to); the title,
status bar, 关于 and 设置 name the server, database and user, and say the server's backups are its
administrator's; 设置 → 数据 → 连接服务器上的数据库… tries the server before it is remembered for the next
starts, and 使用本机数据库文件… goes back. A bad address is still refused in words."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app.db.engine import SERVER_BACKUP, open_database
from app.db.location import ServerLocation, parse_location, remembered_location, resolve_location
from ui.ops import DbContext, set_context

pytestmark = pytest.mark.qt


@pytest.fixture
def server_db(pg_server):
    loc = pg_server.create(template=pg_server.migrated_template())
    database = open_database(loc)
    yield database
    database.close()
    pg_server.drop(loc)


@pytest.fixture
def clerk(pg_server, server_db):
    """A second login role with a password, allowed into the test database."""
    role = f"cjtest_clerk_{uuid.uuid4().hex[:8]}"
    pg_server.sql(f"CREATE ROLE {role} LOGIN PASSWORD 'clerk-pw'")
    pg_server.sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}", database=server_db.location.database)
    yield ServerLocation(pg_server.admin.host, pg_server.admin.port, server_db.location.database, role)
    pg_server.sql(
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}", database=server_db.location.database
    )
    pg_server.sql(f"DROP ROLE {role}")


def test_a_bad_address_is_refused_in_words(qtbot, monkeypatch, capsys) -> None:
    from ui import launcher

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append((title, text)))
    assert launcher.gui("postgresql://secretary@db.example.edu.cn:5432/") == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "Traceback" not in err and "数据库名" in err
    assert shown and shown[0][0] == "无法打开数据库"


def test_the_launcher_hands_a_server_address_to_the_window(qtbot, monkeypatch) -> None:
    from ui import app as ui_app
    from ui import launcher

    given = []
    monkeypatch.setattr(ui_app, "run_gui", lambda where: given.append(where) or 0)
    assert launcher.gui("postgresql://secretary@db.example.edu.cn:5432/jidian") == 0
    assert given == [ServerLocation("db.example.edu.cn", 5432, "jidian", "secretary")]


def test_the_password_is_asked_and_kept_only_when_told(qtbot, monkeypatch, clerk) -> None:
    import ui.server_connect as sc

    kept: list[tuple[str, str]] = []
    monkeypatch.setattr(sc, "save_password", lambda loc, pw: kept.append((loc.user, pw)))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    asked: list[str] = []

    def type_password(text: str, remember: bool) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, sc.PasswordDialog):
            QTimer.singleShot(20, lambda: type_password(text, remember))
            return
        asked.append(dialog.findChildren(QLabel)[0].text())
        dialog.password.setText(text)
        dialog.remember.setChecked(remember)
        dialog.accept()

    # first a wrong password: asked again, saying the server refused it; then the right one, kept
    QTimer.singleShot(0, lambda: type_password("wrong", True))
    QTimer.singleShot(400, lambda: type_password("clerk-pw", True))
    database = sc.open_server_or_ask(clerk)
    try:
        assert database is not None and database.location.user == clerk.user
    finally:
        database.close()
    assert len(asked) == 2 and "密码" in asked[0] and "拒绝" in asked[1]
    assert kept == [(clerk.user, "clerk-pw")]  # once, after the login worked; never the wrong one

    kept.clear()
    QTimer.singleShot(0, lambda: type_password("clerk-pw", False))
    database = sc.open_server_or_ask(clerk)
    database.close()
    assert kept == []  # not told to keep it


def test_the_window_names_the_server_and_leaves_backups_to_its_administrator(qtbot, server_db) -> None:
    from ui.main_window import MainWindow, about_text

    ctx = DbContext(server_db)
    set_context(ctx)
    window = MainWindow()
    try:
        window.show()
        loc = server_db.location
        assert window.windowTitle().startswith(loc.database)
        assert loc.host in window.db_label.text() and loc.user in window.db_label.text()
        assert loc.database in about_text() and "数据库文件" not in about_text()
        page = window.settings_page
        assert SERVER_BACKUP in " ".join(label.text() for label in page.backups.findChildren(QLabel))
        assert not hasattr(page.backups, "backup_button")
        assert page.db_label.text() == server_db.display_name
    finally:
        window.close()
        window.deleteLater()
        ctx.wait()
        set_context(None)


def test_connecting_to_a_server_is_tried_then_remembered(qtbot, monkeypatch, server_db, pg_server) -> None:
    import ui.server_connect as sc

    offered: list[str] = []
    monkeypatch.setattr(sc, "offer_restart", lambda parent, said: offered.append(said))
    monkeypatch.setattr(sc, "save_password", lambda loc, pw: None)
    loc = server_db.location
    said: dict[str, str] = {}

    def fill(password: str, then_cancel: bool = False) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, sc.ServerDialog):
            QTimer.singleShot(20, lambda: fill(password, then_cancel))
            return
        dialog.host.setText(loc.host)
        dialog.port.setValue(loc.port)
        dialog.database.setText(loc.database)
        dialog.user.setText(loc.user)
        dialog.password.setText(password)
        dialog.try_connect()
        if then_cancel:
            said["message"] = dialog.message.text()
            dialog.reject()

    QTimer.singleShot(0, lambda: fill("not-the-password", then_cancel=True))
    sc.choose_database(None, parse_location("x.db"))
    assert "拒绝" in said["message"] and remembered_location() == "" and offered == []

    QTimer.singleShot(0, lambda: fill(pg_server.password))
    sc.choose_database(None, parse_location("x.db"))
    assert remembered_location() == loc.safe_url and f":{pg_server.password}@" not in remembered_location()
    assert resolve_location(None) == dataclasses.replace(loc, password=None)
    assert offered and loc.database in offered[0]

    def default_file() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, default_file)
            return
        next(b for b in box.buttons() if b.text().startswith("默认文件")).click()

    QTimer.singleShot(0, default_file)
    sc.choose_local_file(None, loc)
    assert remembered_location() == ""


def test_a_restart_opens_the_remembered_database_not_the_given_one(monkeypatch) -> None:
    import ui.server_connect as sc

    monkeypatch.setattr(sc.sys, "argv", ["chanjiao", "--db", "D:\\旧.db", "gui"])
    program, args = sc.restart_command()
    assert "--db" not in args and "D:\\旧.db" not in args and args[-1] == "gui"
    monkeypatch.setattr(sc.sys, "argv", ["chanjiao", "--db=D:\\旧.db", "gui"])
    assert not any("旧.db" in a for a in sc.restart_command()[1])


def test_a_server_out_of_reach_does_not_lock_the_user_out(qtbot, monkeypatch, clerk) -> None:
    """On an enterprise visit the remembered server is out of reach: the failure and the password question
    both offer 改用本机数据库文件, which the window takes as the file on this PC from now on."""
    import ui.server_connect as sc

    def press(kind: type, text: str) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, kind):
            QTimer.singleShot(20, lambda: press(kind, text))
            return
        next(b for b in box.findChildren(sc.QAbstractButton) if b.text() == text).click()

    closed = dataclasses.replace(clerk, port=1, password="x")  # nothing listens there
    QTimer.singleShot(0, lambda: press(QMessageBox, sc.LOCAL_TEXT))
    with pytest.raises(sc.UseLocalFile):
        sc.open_server_or_ask(closed)

    monkeypatch.delenv("PGPASSWORD", raising=False)
    QTimer.singleShot(0, lambda: press(sc.PasswordDialog, sc.LOCAL_TEXT))
    with pytest.raises(sc.UseLocalFile):
        sc.open_server_or_ask(clerk)  # no password anywhere: asked, and the user takes the file instead


def test_a_server_address_in_chanjiao_db_is_not_taken_for_a_file(monkeypatch) -> None:
    from app import paths

    monkeypatch.setenv("CHANJIAO_DB", "postgresql://secretary:secret@db.example.edu.cn:5432/jidian")
    assert paths.default_db_path() == paths.home_dir() / "chanjiao.db"
