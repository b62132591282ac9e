"""Opening a database with its quick_check started ahead (ui/app.py run_gui → open_or_ask): a damaged file gets
the same message and offers as before, and an answer is never reused for a later try on a file that may have
changed since (重试, a restore)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QMessageBox

from app import backup
from app.db.engine import IntegrityCheck
from app.instance import InstanceLock
from tests.core.test_backup import corrupt, filled


def test_damaged_file_checked_ahead_gets_the_same_message_and_offers(qapp, db_path, monkeypatch):
    from ui import app as ui_app
    from ui import backup as ui_backup

    filled(db_path)
    backup.auto_backup(db_path, backup.KIND_DAILY, dt.datetime.now() - dt.timedelta(days=1))
    corrupt(db_path)
    seen: list[tuple[str, list[str]]] = []

    def answer(box):
        seen.append((box.text(), [b.text() for b in box.buttons()]))
        wanted = "恢复最近的完好备份…" if len(seen) == 1 else "退出"
        next(b for b in box.buttons() if b.text() == wanted).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    monkeypatch.setattr(ui_backup, "confirm", lambda *a, **k: True)
    check = IntegrityCheck.start(db_path)
    database = ui_app.open_or_ask(db_path, check)
    try:
        assert len(seen) == 1 and "已损坏（完整性检查未通过）" in seen[0][0]
        assert sorted(seen[0][1]) == sorted(["恢复最近的完好备份…", "选择其他数据库文件…", "重试", "退出"])
        assert database is not None  # the restored file, checked afresh (the early answer was “damaged”)
        with database.reader() as s:
            assert s.connection().exec_driver_sql("SELECT count(*) FROM enterprise").scalar() == 300
    finally:
        if database is not None:
            database.close()
        ui_app.release_lock()


def test_a_good_answer_is_not_reused_after_a_retry(qapp, db_path, monkeypatch):
    """Checked good, refused (another window had it), damaged meanwhile, 重试: the damage is found."""
    from ui import app as ui_app

    filled(db_path)
    check = IntegrityCheck.start(db_path)
    assert check is not None and check.answer(db_path) == "ok"
    holder = InstanceLock(db_path).acquire()
    seen: list[str] = []

    def answer(box):
        seen.append(box.text())
        if len(seen) == 1:
            holder.release()
            corrupt(db_path)
        wanted = "重试" if len(seen) == 1 else "退出"
        next(b for b in box.buttons() if b.text() == wanted).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    try:
        assert ui_app.open_or_ask(db_path, check) is None
    finally:
        ui_app.release_lock()
    assert "另一个窗口" in seen[0] and "已损坏" in seen[1]
