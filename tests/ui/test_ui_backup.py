"""备份与恢复 in the GUI (ui/backup.py), 关于, and opening a damaged or already open database (ui/app.py)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app import backup
from app.backup import record_counts
from app.db.engine import open_database
from app.instance import InstanceLock
from app.services import settings as settings_svc
from app.services.enterprises import EnterpriseData, create_enterprise
from ui.ops import DbContext, context, set_context

pytestmark = pytest.mark.qt


def add(db, *names: str) -> None:
    with db.session() as s:
        for name in names:
            create_enterprise(s, EnterpriseData(name=name))


@pytest.fixture
def ctx(db, qapp):
    with db.session() as s:
        settings_svc.save_profile(s, settings_svc.CollegeProfile("测试学校", "机电工程学院", ()))
    context_ = DbContext(db)
    set_context(context_)
    yield context_
    context().wait()
    set_context(None)


@pytest.fixture
def quiet(monkeypatch):
    """Message boxes answer at once; what they said is kept."""
    said: list[str] = []
    from ui import messages

    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: said.append(text))
    monkeypatch.setattr(messages, "inform", lambda _p, _t, text, *a, **k: said.append(text))
    return said


def test_backup_now_writes_one_zip_and_lists_it(ctx, db, qtbot, tmp_path, monkeypatch, quiet):
    from ui import backup as ui_backup
    from ui.pages.settings import SettingsPage

    add(db, "湖南甲公司")
    page = SettingsPage()
    qtbot.addWidget(page)
    section = page.backups
    qtbot.waitUntil(lambda: section.empty.isVisibleTo(page), timeout=5000)
    target = tmp_path / "U盘" / "产教融合备份.zip"
    monkeypatch.setattr(ui_backup, "ask_save", lambda *a, **k: target)
    section.backup_button.click()
    qtbot.waitUntil(lambda: bool(quiet), timeout=10000)
    assert target.exists() and "企业 1" in quiet[0]
    with zipfile.ZipFile(target) as z:
        assert "chanjiao.db" in z.namelist()
    backup.auto_backup(db.path, backup.KIND_DAILY)
    section.reload()
    qtbot.waitUntil(lambda: section.table.rowCount() == 1, timeout=5000)
    assert section.table.item(0, 1).text() == "每日" and "企业 1" in section.table.item(0, 3).text()
    assert not section.restore_button.isEnabled()
    section.table.selectRow(0)
    assert section.restore_button.isEnabled()


def test_backup_now_can_be_cancelled(ctx, db, qtbot, tmp_path, monkeypatch, quiet):
    import threading

    from ui import backup as ui_backup
    from ui.ops import TaskOp
    from ui.pages.settings import SettingsPage

    add(db, "湖南甲公司")
    page = SettingsPage()
    qtbot.addWidget(page)
    ctx.wait()
    target = tmp_path / "U盘" / "产教融合备份.zip"
    monkeypatch.setattr(ui_backup, "ask_save", lambda *a, **k: target)
    errors: list[BaseException] = []
    monkeypatch.setattr("ui.errors.show_error", lambda _p, exc, *a: errors.append(exc))
    release = threading.Event()
    TaskOp(None, lambda: release.wait(10)).run()  # the worker is busy: the backup waits in the queue
    page.backups.backup_button.click()
    dialog = page.backups._progress.dialog
    next(b for b in dialog.findChildren(QPushButton) if b.text() == "取消").click()  # the user presses 取消
    release.set()
    qtbot.waitUntil(lambda: page.backups.backup_button.isEnabled(), timeout=10000)
    assert not target.exists() and not quiet and not errors  # nothing written, nothing to report
    assert not target.parent.exists() or not list(target.parent.iterdir())


def test_restore_round_trip_reopens_on_the_restored_data(ctx, db, qtbot, monkeypatch, quiet):
    from ui import backup as ui_backup
    from ui.main_window import MainWindow

    add(db, "湖南甲公司", "长沙乙公司")
    backup.auto_backup(db.path, backup.KIND_DAILY, dt.datetime.now() - dt.timedelta(days=1))
    add(db, "后来加的公司")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    section = window.settings_page.backups
    assert section.infos == [] and not section._loaded  # listed only when shown
    window.nav.setCurrentRow(window.pages.index(window.settings_page))
    qtbot.waitUntil(lambda: section.table.rowCount() == 1, timeout=5000)
    section.table.selectRow(0)
    asked: list[str] = []
    monkeypatch.setattr(ui_backup, "confirm", lambda _p, _t, text, **k: asked.append(text) or True)
    section.restore_selected()
    assert "企业 2" in asked[0] and "企业 3" in asked[0] and "恢复前" in asked[0]
    qtbot.waitUntil(lambda: any("已恢复" in t for t in quiet), timeout=10000)
    assert context().database is not db  # closed and reopened
    assert record_counts(context().database.path)["enterprise"] == 2
    new = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
    qtbot.addWidget(new)
    assert new is not window and new.stack.currentWidget() is new.settings_page
    assert any("已恢复" in t for t in quiet)
    section = new.settings_page.backups
    qtbot.waitUntil(lambda: section.table.rowCount() == 2, timeout=5000)  # the daily one and 恢复前
    assert {section.table.item(r, 1).text() for r in range(2)} == {"每日", "恢复前"}
    context().database.close()


def test_about_shows_versions_and_database(ctx, db, qtbot):
    from ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    box = window.about()
    text = box.text()
    assert "数据库结构版本" in text and str(db.path) in text and "Qt" in text and "Python" in text
    assert any(b.text() == "打开日志文件夹" for b in box.buttons())
    box.close()


def test_damaged_database_offers_the_newest_good_backup(qapp, db_path, monkeypatch):
    from tests.core.test_backup import corrupt, filled
    from ui import app as ui_app
    from ui import backup as ui_backup

    filled(db_path)
    backup.auto_backup(db_path, backup.KIND_DAILY, dt.datetime.now() - dt.timedelta(days=1))
    corrupt(db_path)
    seen: list[str] = []

    def answer(box):
        seen.append(box.text())
        wanted = "恢复最近的完好备份…" if len(seen) == 1 else "退出"
        next(b for b in box.buttons() if b.text() == wanted).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    monkeypatch.setattr(ui_backup, "confirm", lambda *a, **k: True)
    database = ui_app.open_or_ask(db_path)
    try:
        assert database is not None and "已损坏" in seen[0] and len(seen) == 1
        with database.reader() as s:
            assert s.connection().exec_driver_sql("SELECT count(*) FROM enterprise").scalar() == 300
        assert list(backup.backups_dir_for(db_path).glob("*-损坏.db"))
    finally:
        if database is not None:
            database.close()
        ui_app.release_lock()


def test_second_window_on_the_same_database_is_refused(qapp, db_path, monkeypatch):
    from ui import app as ui_app

    open_database(db_path).close()
    seen: list[str] = []

    def answer(box):
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == "退出").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    with InstanceLock(db_path):  # the first window
        assert ui_app.open_or_ask(db_path) is None
    assert "另一个窗口" in seen[0]
    database = ui_app.open_or_ask(db_path)  # the first window closed: opens
    assert database is not None
    with pytest.raises(Exception, match="另一个窗口"):
        InstanceLock(db_path).acquire()  # and now this one holds the lock
    database.close()
    ui_app.release_lock()
    InstanceLock(db_path).acquire().release()


def test_daily_backup_runs_on_the_worker(ctx, db, qtbot):
    from ui.backup import start_daily_backup

    add(db, "湖南甲公司")
    start_daily_backup()
    ctx.wait()
    assert len(list(backup.backups_dir_for(db.path).glob("*-每日.db"))) == 1


def test_backup_section_renders(ctx, db, qtbot):
    from ui.pages.settings import SettingsPage

    add(db, "湖南甲公司")
    backup.auto_backup(db.path, backup.KIND_DAILY)
    page = SettingsPage()
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    qtbot.waitUntil(lambda: page.backups.table.rowCount() == 1, timeout=5000)
    shot = page.grab()
    assert not shot.isNull() and shot.width() >= 1000


def test_failed_restore_reopens_the_unchanged_database(ctx, db, qtbot, tmp_path, monkeypatch):
    from ui import backup as ui_backup
    from ui.main_window import MainWindow

    add(db, "湖南甲公司")
    junk = tmp_path / "坏的备份.zip"
    junk.write_bytes(b"not a zip")
    shown: list[BaseException] = []
    monkeypatch.setattr(ui_backup, "show_error", lambda _p, exc, _t="": shown.append(exc))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    ui_backup.restore_and_reopen(window.settings_page, junk)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "不是有效的备份文件" in str(shown[0])
    assert context().database is not db and window.isVisible()
    assert record_counts(context().database.path)["enterprise"] == 1
    context().database.close()


def test_unexpected_error_offers_to_copy_the_details(qapp, monkeypatch):
    from PySide6.QtGui import QGuiApplication

    from ui.errors import show_error

    def answer(box):
        next(b for b in box.buttons() if b.text() == "复制详细信息").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    try:
        raise RuntimeError("意外的错误")
    except RuntimeError as e:
        show_error(None, e)
    copied = QGuiApplication.clipboard().text()
    assert "RuntimeError: 意外的错误" in copied and "Traceback" in copied


def test_database_on_a_network_drive_gets_a_warning(qapp, monkeypatch, tmp_path):
    from ui import app as ui_app

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: warned.append(text))
    monkeypatch.setattr(ui_app, "network_drive", lambda _p: False)
    ui_app.warn_if_network_drive(tmp_path / "a.db")
    assert warned == []
    monkeypatch.setattr(ui_app, "network_drive", lambda _p: True)
    ui_app.warn_if_network_drive(Path(r"\\server\share\chanjiao.db"))
    assert "网络" in warned[0] and "本机硬盘" in warned[0]


def test_second_start_hands_over_to_the_running_window(qapp, db_path, monkeypatch):
    """The running copy answered (tests/core/test_single_instance.py checks the socket exchange between two
    processes): the second start shows no message and leaves."""
    from ui import app as ui_app

    open_database(db_path).close()
    asked: list[Path] = []
    monkeypatch.setattr(ui_app, "ask_running_copy_to_show", lambda p: asked.append(p) or True)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail(f"unexpected message: {box.text()}"))
    with InstanceLock(db_path):  # the first window
        assert ui_app.open_or_ask(db_path) is None
    assert asked == [db_path]
    ui_app.release_lock()
