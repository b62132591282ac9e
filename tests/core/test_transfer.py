"""`chanjiao transfer` and app/db/transfer.py (issue 19, “up and back”): a filled database file copied to a real
PostgreSQL database and back to a new file, every table's rows identical (ids, versions, timestamps, audit rows,
settings, JSON nulls told from SQL NULLs), attachments' bytes identical; a destination with records, a source
made by a newer version and the same database twice refused; a copy that differs from its source (a row or an
attachment changed on the way), an error and 取消 leave no destination. Needs the test server (tests/pg.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import JSON, func, insert, null, select
from sqlalchemy.orm import Session

from app.db import transfer as tr
from app.db.base import Base, utcnow
from app.db.engine import Database, attachments_dir_for, open_database
from app.db.migrate import current_revision, head_revision
from app.db.models import Attachment, AttachmentBlob, AuditLog, Contact, Enterprise, Setting
from app.errors import Cancelled, DatabaseTooNew, NoPermission
from app.services import blobs
from app.services.attachments import add_attachment, remove_attachments
from app.services.settings import get_profile
from tests.cli_run import run_cli
from tests.conftest import DEMO_TODAY

# ------------------------------------------------------------------ what a database holds, read independently


def dump(db: Database) -> dict[str, list[tuple]]:
    """Every table's rows as Python values (plus, for a JSON column, whether it is SQL NULL), sorted by primary
    key: what must be identical after a copy. attachment_blob is the attachments' storage, compared by bytes."""
    out: dict[str, list[tuple]] = {}
    with db.engine.connect() as conn:
        for t in Base.metadata.sorted_tables:
            if t.name == "attachment_blob":
                continue
            nulls = [c.is_(None) for c in t.columns if isinstance(c.type, JSON)]
            rows = conn.execute(select(*t.columns, *nulls)).all()
            keys = [list(t.columns).index(c) for c in t.primary_key.columns]
            out[t.name] = sorted((tuple(r) for r in rows), key=lambda r: [str(r[i]) for i in keys])
        out["alembic_version"] = [(current_revision(conn),)]
    return out


def attachment_bytes(db: Database) -> dict[str, bytes]:
    with db.reader() as s:
        shas = set(s.scalars(select(Attachment.sha256)))
        return {sha: blobs.read_bytes(s, sha) for sha in shas}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_left_empty(loc) -> None:
    """No records in the database at `loc`, no attachment bytes either: what a refused, differing or cancelled
    copy leaves on a server."""
    db = open_database(loc)
    try:
        with db.engine.connect() as conn:
            assert tr.records_in(conn) == []
            assert conn.execute(select(func.count()).select_from(AttachmentBlob)).scalar() == 0
    finally:
        db.close()


# ------------------------------------------------------------------ fixtures


@pytest.fixture
def source(demo_file: Path, tmp_path: Path) -> Path:
    """The small demo as a file, with what the demo lacks: attachments (two records sharing bytes, one in the
    回收站), a record saved twice (version 2), settings, an audit row whose changes are SQL NULL and one whose
    changes are JSON null (a purge), a float."""
    path = tmp_path / "src" / "学院.db"
    path.parent.mkdir()
    shutil.copyfile(demo_file, path)
    db = open_database(path)
    try:
        with db.session() as s:
            ids = s.scalars(select(Enterprise.id).order_by(Enterprise.id).limit(3)).all()
            for i, text in enumerate(("合同扫描件", "合同扫描件", "照片 €")):
                f = tmp_path / f"附件{i}.txt"
                f.write_text(text * 1000, encoding="utf-8")
                add_attachment(s, "enterprise", ids[i], f)
            gone = s.scalars(select(Attachment.id).where(Attachment.owner_id == ids[2])).one()
            remove_attachments(s, [gone])
            s.get(Enterprise, ids[0]).note = "改过一次"
            s.merge(Setting(key="college", value="机电工程学院"))
        with db.session() as s:
            s.execute(
                insert(AuditLog).values(
                    id="00000000-0000-0000-0000-0000000000aa",
                    at=utcnow(),
                    os_user="测试",
                    table_name="enterprise",
                    record_id=ids[1],
                    action="update",
                    changes=null(),
                )
            )
            s.delete(
                s.scalars(select(Contact).limit(1)).one()
            )  # a purge: its audit row's changes are JSON null
    finally:
        db.close()
    return path


def test_the_source_has_what_the_round_trip_must_keep(source: Path) -> None:
    db = open_database(source)
    try:
        with db.reader() as s:
            assert s.scalar(select(func.max(Enterprise.version))) >= 2
            nulls = select(func.count()).select_from(AuditLog).where(AuditLog.changes.is_(None))
            assert s.scalar(nulls) == 1  # SQL NULL; the purge's JSON null is not NULL
            assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "purge")) >= 1
            assert s.scalar(select(func.count()).select_from(Attachment)) == 3
            assert s.scalar(select(func.count(func.distinct(Attachment.sha256)))) == 2
            assert get_profile(s).college == "机电工程学院"
        assert attachment_bytes(db)
    finally:
        db.close()


@pytest.fixture
def server_db(pg_database):
    """An empty database on the test server (tests/conftest.py; not migrated: the copy brings it to the source's
    version)."""
    return pg_database


# ------------------------------------------------------------------ up and back


def test_file_to_server_to_file_keeps_every_row_and_attachment(
    source: Path, server_db, tmp_path: Path
) -> None:
    steps: list[tuple[float, str]] = []
    up = tr.transfer(source, server_db, progress=lambda f, m: steps.append((f, m)))
    back_path = tmp_path / "back" / "副本.db"
    down = tr.transfer(server_db, back_path)

    original, on_server, back = open_database(source), open_database(server_db), open_database(back_path)
    try:
        want = dump(original)
        assert want["alembic_version"] == [(head_revision(),)]
        assert dump(on_server) == want
        assert dump(back) == want
        assert attachment_bytes(on_server) == attachment_bytes(original) == attachment_bytes(back)
        with on_server.reader() as s:  # on the server the bytes are in the database: no folder
            assert s.scalar(select(func.count()).select_from(AttachmentBlob)) == 2
    finally:
        for db in (original, on_server, back):
            db.close()
    assert sorted(leftovers(back_path.parent)) == ["副本.db", "副本_附件"]
    assert len([p for p in attachments_dir_for(back_path).rglob("*") if p.is_file()]) == 2

    for report in (up, down):
        copied = {k: len(v) for k, v in want.items() if k != "alembic_version" and k not in tr.OFFLINE}
        assert report.tables and report.rows == sum(copied.values())
        assert {t.name: t.rows for t in report.tables} == copied  # an offline copy's own tables: not copied
        assert (report.attachments, report.missing) == (2, ())
        assert report.revision == head_revision()
    assert [t.checksum for t in up.tables] == [t.checksum for t in down.tables]
    assert steps[-1][0] == pytest.approx(1.0) and all(0 <= f <= 1 for f, _ in steps)
    assert [f for f, _ in steps] == sorted(f for f, _ in steps)
    assert any("合作企业（enterprise）" in m for _, m in steps) and any("附件" in m for _, m in steps)


def test_a_server_that_server_init_set_up_takes_the_copy_and_its_settings(
    source: Path, server_db, pg_server
) -> None:
    """`server init` leaves the school's settings (not records): the source's replace them; grants need roles."""
    db = open_database(server_db)
    try:
        with db.session() as s:
            s.add(Setting(key="school", value="别的学校"))
    finally:
        db.close()
    report = tr.transfer(source, server_db)
    assert report.grants_applied is False  # no college roles on this database
    db = open_database(server_db)
    try:
        with db.reader() as s:
            assert get_profile(s).college == "机电工程学院" and get_profile(s).school != "别的学校"
    finally:
        db.close()


# ------------------------------------------------------------------ refusals


def test_a_server_database_with_records_is_refused_and_untouched(source: Path, pg_server) -> None:
    loc = pg_server.create(template=pg_server.demo_template(DEMO_TODAY))
    try:
        before = dump(db := open_database(loc))
        db.close()
        with pytest.raises(tr.TransferRefused, match="已经有记录（.*合作企业"):
            tr.transfer(source, loc)
        assert dump(db := open_database(loc)) == before
        db.close()
    finally:
        pg_server.drop(loc)


def test_a_file_with_records_or_beside_an_attachments_folder_is_refused(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "已有.db"
    shutil.copyfile(source, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    with pytest.raises(tr.TransferRefused, match="文件“已有.db”里已经有记录"):
        tr.transfer(source, target)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest

    other = tmp_path / "不是数据库.db"
    other.write_text("你好", encoding="utf-8")
    with pytest.raises(tr.TransferRefused, match="不是本软件的数据库文件"):
        tr.transfer(source, other)

    beside = tmp_path / "新的.db"
    (attachments_dir_for(beside) / "ab").mkdir(parents=True)
    (attachments_dir_for(beside) / "ab" / "x").write_bytes(b"x")
    with pytest.raises(tr.TransferRefused, match="已有附件文件夹"):
        tr.transfer(source, beside)
    assert not beside.exists()

    with pytest.raises(tr.TransferRefused, match="同一个数据库"):
        tr.transfer(source, source)


def test_an_empty_database_file_is_a_fine_destination(source: Path, tmp_path: Path, _migrated: Path) -> None:
    target = tmp_path / "空的.db"
    shutil.copyfile(_migrated, target)
    report = tr.transfer(source, target)
    assert report.rows > 1000
    db = open_database(target)
    try:
        with db.reader() as s:
            assert s.scalar(select(func.count()).select_from(Enterprise)) == 300
    finally:
        db.close()


def test_a_source_made_by_a_newer_version_is_refused(source: Path, server_db, tmp_path: Path) -> None:
    with sqlite3.connect(source) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.close()
    with pytest.raises(DatabaseTooNew, match="更新版本"):
        tr.transfer(source, tmp_path / "新.db")
    assert not (tmp_path / "新.db").exists()
    with pytest.raises(DatabaseTooNew):
        tr.transfer(source, server_db)
    assert_left_empty(server_db)


# ------------------------------------------------------------------ a copy that differs is not kept


def _corrupting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A row of 合作企业 changed on its way (as a faulty driver or disk would): the check must catch it."""
    real = tr.insert_rows

    def insert_rows(out, table, rows):
        if table.name == "enterprise" and rows:
            rows = [{**rows[0], "note": (rows[0]["note"] or "") + "x"}, *rows[1:]]
        real(out, table, rows)

    monkeypatch.setattr(tr, "insert_rows", insert_rows)


def test_a_row_changed_on_the_way_to_the_server_rolls_all_back(
    source: Path, server_db, monkeypatch: pytest.MonkeyPatch
) -> None:
    _corrupting(monkeypatch)
    with pytest.raises(tr.TransferMismatch, match=r"合作企业（enterprise）复制后的内容与源数据库不同"):
        tr.transfer(source, server_db)
    assert_left_empty(server_db)


def test_a_row_changed_on_the_way_to_a_file_leaves_no_file(
    pg_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loc = pg_server.create(template=pg_server.demo_template(DEMO_TODAY))
    try:
        _corrupting(monkeypatch)
        target = tmp_path / "out" / "备份.db"
        target.parent.mkdir()
        with pytest.raises(tr.TransferMismatch, match="合作企业（enterprise）"):
            tr.transfer(loc, target)
        assert leftovers(target.parent) == []
    finally:
        pg_server.drop(loc)


def test_an_attachment_changed_on_the_way_is_caught(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def write_attachment(out_s: Session, path: Path) -> None:
        bad = tmp_path / "bad"
        bad.write_bytes(path.read_bytes()[:-1])
        blobs.store(out_s, bad)

    monkeypatch.setattr(tr, "write_attachment", write_attachment)
    target = tmp_path / "out" / "副本.db"
    target.parent.mkdir()
    with pytest.raises(tr.TransferMismatch, match="附件“附件.\\.txt”复制后的内容与源数据库不同"):
        tr.transfer(source, target)
    assert leftovers(target.parent) == []


def test_an_attachment_missing_from_the_source_is_reported_not_invented(source: Path, tmp_path: Path) -> None:
    folder = attachments_dir_for(source)
    victim = next(p for p in folder.rglob("*") if p.is_file())
    victim.unlink()
    report = tr.transfer(source, tmp_path / "副本.db")
    assert report.attachments == 1 and len(report.missing) == 1
    assert "未能复制" in report.summary


# ------------------------------------------------------------------ 取消


@pytest.mark.parametrize("direction", ["up", "down"])
def test_cancel_leaves_nothing(source: Path, server_db, tmp_path: Path, direction: str) -> None:
    if direction == "down":
        tr.transfer(source, server_db)
    cancel = threading.Event()
    seen: list[str] = []

    def progress(fraction: float, message: str) -> None:
        seen.append(message)
        if "学生" in message:  # well into the copy
            cancel.set()

    target = tmp_path / "out" / "副本.db"
    target.parent.mkdir()
    copy_from, copy_to = (source, server_db) if direction == "up" else (server_db, target)
    with pytest.raises(Cancelled):
        tr.transfer(copy_from, copy_to, progress=progress, cancel=cancel)
    assert any("学生" in m for m in seen)
    if direction == "up":
        assert_left_empty(server_db)
    else:
        assert leftovers(target.parent) == []


# ------------------------------------------------------------------ the command line


def test_the_command_line_up_and_back_with_json(source: Path, server_db, pg_server, tmp_path: Path) -> None:
    url = pg_server.url(server_db.database)
    done = run_cli("transfer", str(source), url, "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["dest"] == server_db.display and f":{pg_server.password}@" not in done.stdout
    assert out["attachments"] == 2 and out["missing_attachments"] == []
    assert {t["name"]: t["rows"] for t in out["tables"]}["enterprise"] == 300

    again = run_cli("transfer", str(source), url)
    assert again.returncode == 2 and "错误：" in again.stderr and "已经有记录" in again.stderr

    back = tmp_path / "back.db"
    plain = run_cli("transfer", url, str(back))
    assert plain.returncode == 0, plain.stderr
    assert "已复制到" in plain.stdout and "逐表核对" in plain.stdout
    assert back.exists()


def test_the_command_line_says_a_differing_copy_was_not_kept(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _corrupting(monkeypatch)
    done = run_cli("transfer", str(source), str(tmp_path / "x.db"), "--json")
    assert done.returncode == 1
    assert "核对不一致" in done.stderr and done.stdout == ""
    assert not (tmp_path / "x.db").exists()


def test_update_keeps_working_after_the_copy(source: Path, server_db) -> None:
    """The copied records carry their versions: a save of a copied record moves its version on from there."""
    tr.transfer(source, server_db)
    db = open_database(server_db)
    try:
        with db.session() as s:
            ent = s.scalars(select(Enterprise).where(Enterprise.version >= 2)).first()
            before = ent.version
            ent.note = "到服务器后又改了"
        with db.reader() as s:
            assert s.get(Enterprise, ent.id).version == before + 1
    finally:
        db.close()


# ------------------------------------------------------------------ a college's server with roles


def test_a_college_database_set_up_by_server_init_takes_the_copy_with_its_roles(
    source: Path, pg_server, tmp_path: Path
) -> None:
    """`server init` (no 专业群: no records) then the upload: the grants are renewed over the copied tables, a 只读
    user added afterwards reads the copied records but, even with plain SQL, not a student's 身份证号."""
    import psycopg

    from tests.college_users import PASSWORD, add_user, prefixed, set_up_college

    with prefixed(pg_server, "tr") as prefix:
        college = set_up_college(pg_server, f"{prefix}_a", tmp_path / "home", groups=())
        report = tr.transfer(source, pg_server.location(college.name))
        assert report.grants_applied is True
        li = add_user(college, "li", "只读")
        with college.connect(li) as conn:
            assert conn.execute("SELECT count(*) FROM enterprise").fetchone()[0] == 300
            assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 1000
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT id_number FROM student")
        # and cannot take the whole database home: it holds what the server keeps from that user
        reader = pg_server.location(college.name, user=li, password=PASSWORD)
        home = tmp_path / "回家"
        home.mkdir()
        with pytest.raises(NoPermission, match="学生个人信息"):
            tr.transfer(reader, home / "带回家.db")
        assert leftovers(home) == []


def test_an_attachment_too_large_for_a_server_is_refused_before_anything_is_written(
    source: Path, server_db, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blobs, "MAX_SERVER_ATTACHMENT", 1000)  # the demo's attachments are a few KB
    with pytest.raises(tr.TransferRefused, match="超过了服务器数据库中每个附件.*附件0.txt"):
        tr.transfer(source, server_db)
    assert_left_empty(server_db)


def test_a_source_with_duplicate_keys_is_refused_before_the_copy(source: Path, tmp_path: Path) -> None:
    """A file from before the keys were enforced may hold two live students with one 学号: the destination's
    unique index would refuse the second half-way, so the copy says what to do first."""
    con = sqlite3.connect(source)
    try:
        con.execute("DROP INDEX uq_live_student_no")
        columns = [r[1] for r in con.execute("PRAGMA table_info(student)")]
        fresh = {"id": "'00000000-0000-0000-0000-00000000dup1'", "id_number": "'990000200001010000'"}
        picked = ", ".join(fresh.get(c, c) for c in columns)
        con.execute(f"INSERT INTO student ({', '.join(columns)}) SELECT {picked} FROM student LIMIT 1")
        con.commit()
    finally:
        con.close()
    with pytest.raises(tr.TransferRefused, match="学号.*重复.*check-keys"):
        tr.transfer(source, tmp_path / "out.db")
    assert not (tmp_path / "out.db").exists()
