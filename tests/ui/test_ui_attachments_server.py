"""The 附件 tab of a form over a database on a PostgreSQL server (issue 19): it says where the files go, refuses a
file over the server's size limit when it is chosen (nothing pending, the reason in words), saves the others
into the database with the record, and opens them from there."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from app.db.engine import open_database
from app.db.models import AttachmentBlob
from app.services import blobs
from app.services.enterprises import EnterpriseData, create_enterprise
from ui import attachments_panel
from ui.ops import DbContext, set_context

pytestmark = pytest.mark.qt


@pytest.fixture
def server_ctx(pg_server, qapp):
    loc = pg_server.create(template=pg_server.migrated_template())
    database = open_database(loc)
    context = DbContext(database)
    set_context(context)
    yield context
    context.wait()
    set_context(None)
    database.close()
    pg_server.drop(loc)


def test_the_attachments_tab_on_a_server(
    server_ctx: DbContext, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = server_ctx.database
    with db.session() as s:
        firm = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司")).ids[0]
    panel = attachments_panel.AttachmentsPanel("enterprise", "营业执照扫描件等。")
    qtbot.addWidget(panel)
    panel.load(firm)
    (label,) = [w for w in panel.findChildren(QLabel) if "原文件可随意移动" in w.text()]
    assert label.text().startswith("营业执照扫描件等。文件会保存到服务器上的数据库中（每个不超过 64 MB）")
    assert "附件文件夹" not in label.text()

    monkeypatch.setattr(blobs, "MAX_SERVER_ATTACHMENT", 4096)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        attachments_panel, "show_error", lambda parent, exc, title="": shown.append((title, exc.message))
    )
    (tmp_path / "全景视频.mp4").write_bytes(b"\0" * 5000)
    (tmp_path / "营业执照.pdf").write_bytes(b"%PDF-1.4 licence")
    panel.add_files([tmp_path / "全景视频.mp4", tmp_path / "营业执照.pdf"])
    assert [p.name for p in panel.pending_files] == ["营业执照.pdf"]
    assert (
        shown and shown[0][0] == "无法添加附件" and "“全景视频.mp4”" in shown[0][1] and "上限" in shown[0][1]
    )

    with db.session() as s:  # what the form's save does, in its transaction
        panel.apply(s, firm)
    panel.saved(firm)
    with db.reader() as s:
        assert s.scalars(select(AttachmentBlob.data)).all() == [b"%PDF-1.4 licence"]
    (tmp_path / "营业执照.pdf").unlink()

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    panel.list.setCurrentRow(0)
    panel.open_selected()
    (url,) = opened
    path = Path(url.toLocalFile())
    assert path.name == "营业执照.pdf" and path.read_bytes() == b"%PDF-1.4 licence"
