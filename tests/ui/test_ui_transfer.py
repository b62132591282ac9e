"""设置 → 常规 → 数据: “保存服务器数据到本机文件…” on a server database and “上传到服务器…” on a database file
(ui/transfer_flow.py over app/db/transfer.py), with real widgets, a real server (tests/pg.py) and real files: the
copy runs on the worker, says where it went, and an upload offers the server for the next starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select

from app.db.engine import open_database
from app.db.location import remembered_location
from app.db.models import Enterprise
from tests.conftest import DEMO_TODAY
from ui import messages, transfer_flow
from ui.ops import DbContext, set_context

pytestmark = pytest.mark.qt


def answer(title: str, button: str, said: list[str]) -> None:
    """When the message box titled `title` shows, keep its text in `said` and press `button`."""
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox) or box.windowTitle() != title:
        QTimer.singleShot(30, lambda: answer(title, button, said))
        return
    said.append(messages.plain(box.text()))
    next(b for b in box.buttons() if b.text() == button).click()


@pytest.fixture
def server_demo(pg_server):
    loc = pg_server.create(template=pg_server.demo_template(DEMO_TODAY))
    database = open_database(loc)
    ctx = DbContext(database)
    set_context(ctx)
    yield database
    ctx.wait()
    set_context(None)
    database.close()
    pg_server.drop(loc)


def test_save_server_data_to_a_file(qtbot, server_demo, tmp_path: Path) -> None:
    from ui.pages.settings import SettingsPage

    page = SettingsPage()
    qtbot.addWidget(page)
    assert page.transfer_button.text() == transfer_flow.SAVE

    target = tmp_path / "备份" / "学院数据.db"
    target.parent.mkdir()
    said: list[str] = []
    QTimer.singleShot(0, lambda: answer("保存完成", "关闭", said))
    transfer_flow.start_save(page, target)
    from ui.ops import context

    assert context().wait(120_000)
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert f"已保存到本机文件\n{target}\n" in said[0] and "逐表核对" in said[0]
    copy = open_database(target)
    try:
        with copy.reader() as s:
            assert s.scalar(select(func.count()).select_from(Enterprise)) == 300
    finally:
        copy.close()


def test_upload_a_file_then_use_the_server(qtbot, ctx, pg_server, monkeypatch) -> None:
    from app.services.enterprises import EnterpriseData, create_enterprise
    from ui.pages.settings import SettingsPage

    with ctx.database.session() as s:
        create_enterprise(s, EnterpriseData(name="上传测试企业有限公司"))
    loc = pg_server.create()
    try:
        page = SettingsPage()
        qtbot.addWidget(page)
        assert page.transfer_button.text() == transfer_flow.UPLOAD

        dialog = transfer_flow.UploadDialog(page)
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "上传到服务器"
        for widget, text in (
            (dialog.host, loc.host),
            (dialog.database, loc.database),
            (dialog.user, loc.user),
            (dialog.password, loc.password),
        ):
            widget.setText(text)
        dialog.port.setValue(loc.port)
        dialog.remember.setChecked(False)
        dialog.try_connect()
        assert dialog.location == loc

        restarts: list[str] = []
        monkeypatch.setattr(transfer_flow, "offer_restart", lambda parent, text: restarts.append(text))
        said: list[str] = []
        QTimer.singleShot(0, lambda: answer("上传完成", "以后使用服务器上的数据库", said))
        transfer_flow.start_upload(page, dialog.location)
        assert ctx.wait(120_000)
        qtbot.waitUntil(lambda: bool(said), timeout=10_000)
        assert loc.database in said[0] and "逐表核对" in said[0]
        assert remembered_location() == loc.safe_url and restarts and loc.database in restarts[0]

        up = open_database(loc)
        try:
            with up.reader() as s:
                names = s.scalars(select(Enterprise.name)).all()
            assert names == ["上传测试企业有限公司"]
        finally:
            up.close()
    finally:
        pg_server.drop(loc)
