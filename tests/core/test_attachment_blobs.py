"""Where attachment bytes live (app/services/blobs.py): beside a database file, inside a database on a server
(issue 19). The same behaviour on both backends — stored once, read by every client, freed by the purge of
the last record using them and kept by a rollback — and on a server a size limit said in words, two users
adding the same bytes at once, and the roles the server enforces."""

from __future__ import annotations

import hashlib
import os
import threading
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app import trash
from app.db.engine import Database, open_database
from app.db.models import Attachment, AttachmentBlob
from app.docs.internship import write_tripartite_batch
from app.errors import AppError
from app.package import export as export_module
from app.package.period import period_of
from app.services import blobs
from app.services import templates as templates_svc
from app.services.attachments import add_attachment, copy_for_viewing, list_attachments
from app.services.enterprises import EnterpriseData, create_enterprise, delete_enterprises
from tests.conftest import DEMO_TODAY
from tests.tripartite_data import make_internships

CONTENT = b"%PDF-1.4 " + bytes(range(256)) * 40  # not text: every byte value once per block


def stored(db: Database) -> set[str]:
    """The SHA-256 of every stored attachment: the folder's files, or the server's rows."""
    if db.is_server:
        with db.reader() as s:
            return set(s.scalars(select(AttachmentBlob.sha256)))
    folder = db.attachments_dir
    return {p.name for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def other_handle(db: Database) -> Database:
    """The same database opened a second time, as another user's copy of the app opens it."""
    return open_database(db.location if db.is_server else db.path)


def viewed(db: Database, attachment_id: str, folder: Path) -> bytes:
    with db.reader() as s:
        return copy_for_viewing(s, attachment_id, folder).read_bytes()


@pytest.fixture
def firms(db: Database) -> tuple[str, str]:
    with db.session() as s:
        a = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司")).ids[0]
        b = create_enterprise(s, EnterpriseData(name="长沙麓谷电子科技有限公司")).ids[0]
    return a, b


@pytest.mark.both_backends
def test_same_bytes_stored_once_and_every_handle_reads_them(
    db: Database, firms: tuple[str, str], tmp_path: Path
) -> None:
    (tmp_path / "营业执照.pdf").write_bytes(CONTENT)
    (tmp_path / "同一份.pdf").write_bytes(CONTENT)
    sha = hashlib.sha256(CONTENT).hexdigest()
    with db.session() as s:
        first = add_attachment(s, "enterprise", firms[0], tmp_path / "营业执照.pdf").ids[0]
    other = other_handle(db)
    try:
        with other.session() as s:  # another user adds the same bytes to another record
            second = add_attachment(s, "enterprise", firms[1], tmp_path / "同一份.pdf").ids[0]
        assert stored(db) == {sha}
        (tmp_path / "营业执照.pdf").unlink()  # the database keeps its own copy
        assert viewed(other, first, tmp_path / "看1") == CONTENT
        assert viewed(db, second, tmp_path / "看2") == CONTENT
        with other.reader() as s:
            (info,) = list_attachments(s, "enterprise", firms[0])
        assert (info.original_name, info.size, info.sha256) == ("营业执照.pdf", len(CONTENT), sha)
        with db.reader() as s:  # the viewer's copy keeps the original name
            assert copy_for_viewing(s, first, tmp_path / "看3").name == "营业执照.pdf"
    finally:
        other.close()


@pytest.mark.both_backends
def test_purge_of_the_last_user_frees_the_bytes_and_a_rollback_keeps_them(
    db: Database, firms: tuple[str, str], tmp_path: Path
) -> None:
    (tmp_path / "合同.pdf").write_bytes(CONTENT)
    sha = hashlib.sha256(CONTENT).hexdigest()
    with db.session() as s:
        for firm in firms:
            add_attachment(s, "enterprise", firm, tmp_path / "合同.pdf")
    with db.session() as s:
        delete_enterprises(s, list(firms))
    with db.session() as s:  # the other firm still uses the bytes
        trash.purge_items(s, "enterprise", [firms[0]])
    assert stored(db) == {sha}
    with pytest.raises(RuntimeError), db.session() as s:  # the last user purged, then the action fails
        trash.purge_items(s, "enterprise", [firms[1]])
        raise RuntimeError("断电")
    assert stored(db) == {sha}
    with db.reader() as s:
        (left,) = s.scalars(select(Attachment.id)).all()
    assert viewed(db, left, tmp_path / "看") == CONTENT
    with db.session() as s:
        trash.purge_items(s, "enterprise", [firms[1]])
    assert stored(db) == set()


@pytest.mark.both_backends
def test_a_rolled_back_add_leaves_no_bytes_behind_on_a_server(
    db: Database, firms: tuple[str, str], tmp_path: Path
) -> None:
    (tmp_path / "照片.jpg").write_bytes(CONTENT)
    with pytest.raises(RuntimeError), db.session() as s:
        add_attachment(s, "enterprise", firms[0], tmp_path / "照片.jpg")
        raise RuntimeError("取消")
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
    # A server's row goes with the transaction; a file's copy stays (unreferenced: the purge of a file
    # database never removes a file it did not free, and a file cannot roll back).
    assert stored(db) == (set() if db.is_server else {hashlib.sha256(CONTENT).hexdigest()})


@pytest.mark.both_backends
def test_a_file_over_the_server_limit_is_refused_in_words(
    db: Database, firms: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blobs, "MAX_SERVER_ATTACHMENT", 4096)
    big = tmp_path / "实训基地全景.mp4"
    big.write_bytes(b"\0" * 4097)
    (tmp_path / "刚好.pdf").write_bytes(b"\1" * 4096)
    if not db.is_server:  # a file database keeps what fits on its disk
        with db.session() as s:
            add_attachment(s, "enterprise", firms[0], big)
        assert len(stored(db)) == 1
        return
    with pytest.raises(AppError) as e, db.session() as s:
        add_attachment(s, "enterprise", firms[0], big)
    assert "“实训基地全景.mp4”" in e.value.message and "4.0 KB" in e.value.message
    assert "上限" in e.value.message and "没有添加" in e.value.message
    assert stored(db) == set()
    with db.session() as s:  # up to the limit is fine
        add_attachment(s, "enterprise", firms[0], tmp_path / "刚好.pdf")
    assert len(stored(db)) == 1


@pytest.mark.both_backends
def test_a_big_attachment_is_read_a_piece_at_a_time(
    db: Database, firms: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blobs, "READ_CHUNK", 1000)
    data = os.urandom(10_500)
    (tmp_path / "扫描件.pdf").write_bytes(data)
    with db.session() as s:
        att = add_attachment(s, "enterprise", firms[0], tmp_path / "扫描件.pdf").ids[0]
    assert viewed(db, att, tmp_path / "看") == data
    with db.reader() as s:
        assert blobs.read_bytes(s, hashlib.sha256(data).hexdigest()) == data
        if db.is_server:  # stored uncompressed (migration 0013), so a piece costs only its own bytes
            storage = "SELECT attstorage FROM pg_attribute WHERE attrelid = 'attachment_blob'::regclass AND attname = 'data'"
            assert s.scalar(text(storage)) == "e"


@pytest.mark.both_backends
def test_bytes_gone_from_the_store_are_named(db: Database, firms: tuple[str, str], tmp_path: Path) -> None:
    (tmp_path / "协议.pdf").write_bytes(CONTENT)
    with db.session() as s:
        att = add_attachment(s, "enterprise", firms[0], tmp_path / "协议.pdf").ids[0]
    with db.session() as s:  # what an administrator's hand (or a lost file) can do
        if db.is_server:
            s.execute(AttachmentBlob.__table__.delete())
        else:
            blobs.stored_path(blobs.folder(s), hashlib.sha256(CONTENT).hexdigest()).unlink()
    with pytest.raises(AppError) as e:
        viewed(db, att, tmp_path / "看")
    where = "不在数据库中" if db.is_server else "不在附件文件夹中"
    assert "“协议.pdf”" in e.value.message and where in e.value.message


def _insert_without_the_write_lock(db: Database, src: Path, go: threading.Event, done: list) -> None:
    with Session(db.engine) as s:
        go.wait()
        done.append(blobs.store(s, src))
        s.commit()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_users_storing_the_same_bytes_at_once_make_one_row(db: Database, tmp_path: Path) -> None:
    """The app's writers take turns (the database's write lock), but the store does not depend on it: the
    second insert of the same SHA-256 waits for the first and then does nothing (ON CONFLICT DO NOTHING)."""
    (tmp_path / "甲.pdf").write_bytes(CONTENT)
    (tmp_path / "乙.pdf").write_bytes(CONTENT)
    go, done = threading.Event(), []
    with Session(db.engine) as first:
        mine = blobs.store(first, tmp_path / "甲.pdf")  # inserted, not yet committed
        other = threading.Thread(
            target=_insert_without_the_write_lock, args=(db, tmp_path / "乙.pdf", go, done)
        )
        other.start()
        go.set()
        time.sleep(0.5)  # the other insert is waiting on this one's row
        assert done == []
        first.commit()
    other.join(10)
    assert done == [mine] and stored(db) == {mine.sha256}


@pytest.mark.both_backends
def test_the_college_tripartite_template_is_stored_like_an_attachment(db: Database, tmp_path: Path) -> None:
    ids = make_internships(db, ["张三", "李四"])
    template = tmp_path / "学院三方协议.docx"
    templates_svc.save_builtin_template("tripartite", template)
    doc = Document(str(template))
    doc.add_paragraph("本协议由湘江学院自定义模板生成")
    doc.save(str(template))
    with db.session() as s:
        templates_svc.set_custom_template(s, "tripartite", template)
    template.unlink()  # the database keeps its own copy
    assert len(stored(db)) == 1
    other = other_handle(db)  # another user's copy of the app generates with it
    try:
        with other.reader() as s:
            result = write_tripartite_batch(s, ids, tmp_path / "out")
    finally:
        other.close()
    assert len(result.files) == 2
    for f in result.files:
        text = "\n".join(p.text for p in Document(str(f)).paragraphs)
        assert "本协议由湘江学院自定义模板生成" in text and "丙方（学生）：" in text


@pytest.mark.both_backends
def test_a_package_carries_the_attachments_of_its_records(demo_db: Database, tmp_path: Path) -> None:
    from app.db.models import Enterprise

    data = os.urandom(3000)
    (tmp_path / "营业执照.pdf").write_bytes(data)
    with demo_db.session() as s:
        firm = s.scalars(select(Enterprise.id).order_by(Enterprise.name)).first()
        add_attachment(s, "enterprise", firm, tmp_path / "营业执照.pdf")
    out = tmp_path / "p.zip"
    with demo_db.reader() as s:
        period = period_of(s, year=None, semester="2025-2026-2")
        result = export_module.export_package(s, period, out, today=DEMO_TODAY)
    assert result.attachments == 1 and not result.missing
    with zipfile.ZipFile(out) as z:
        assert z.read(f"attachments/enterprises/{firm}/营业执照.pdf") == data


# ------------------------------------------------------------------ the server's roles


@pytest.fixture(scope="module")
def college(pg_server, tmp_path_factory: pytest.TempPathFactory):
    """A college's database set up by `server init`, with a 录入 and a 只读 user (tests/college_users.py)."""
    from app.db.roles import EDITOR, READER
    from tests.college_users import prefixed, set_up_college

    with prefixed(pg_server, "blobs") as prefix:
        yield set_up_college(
            pg_server,
            f"{prefix}_a",
            tmp_path_factory.mktemp("home"),
            ("wang", EDITOR),
            ("li", READER),
            groups=(),
        )


def test_an_editor_adds_and_a_reader_opens_an_attachment_the_server_allows(college, tmp_path: Path) -> None:
    (tmp_path / "合同.pdf").write_bytes(CONTENT)
    editor = college.open(college.user("wang"))
    try:
        with editor.session() as s:
            firm = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司")).ids[0]
            att = add_attachment(s, "enterprise", firm, tmp_path / "合同.pdf").ids[0]
    finally:
        editor.close()
    reader = college.open(college.user("li"))
    try:
        assert viewed(reader, att, tmp_path / "看") == CONTENT
        (tmp_path / "新.pdf").write_bytes(b"new bytes")
        with pytest.raises(AppError), reader.session() as s:  # the server refuses a 只读 user's add
            add_attachment(s, "enterprise", firm, tmp_path / "新.pdf")
    finally:
        reader.close()
    with college.connect(college.user("li")) as conn:  # and outside the app, with plain SQL
        assert conn.execute("SELECT size FROM attachment_blob").fetchall() == [(len(CONTENT),)]
