"""Backups and restore (app/backup.py): thinning on injected dates, consistent copies during writes, the
restore round trip, manual zips with attachments, and a damaged database refused on open."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app import backup
from app.backup import (
    BackupInfo,
    backups_dir_for,
    daily_backup,
    list_backups,
    make_backup,
    newest_good_backup,
    quick_check,
    record_counts,
    restore_backup,
    to_delete,
)
from app.db.engine import Database, open_database
from app.errors import AppError, BackupFailed, DatabaseCorrupt
from app.services.enterprises import EnterpriseData, add_enterprises, create_enterprise

NOW = dt.datetime(2026, 11, 23, 9, 30)


def add(db: Database, *names: str) -> None:
    with db.session() as s:
        for name in names:
            create_enterprise(s, EnterpriseData(name=name))


def names(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM enterprise"))
    finally:
        con.close()


# ---------------------------------------------------------------- thinning (pure)


def dated(*moments: dt.datetime) -> list[tuple[dt.datetime, Path]]:
    return [(m, Path(m.strftime("%Y%m%d-%H%M%S"))) for m in moments]


def test_one_backup_a_day_for_two_years_keeps_7_daily_4_weekly_12_monthly() -> None:
    days = dated(*(NOW - dt.timedelta(days=i, hours=1) for i in range(1, 731)))
    gone = set(to_delete(days, NOW))
    kept = sorted((m for m, p in days if p not in gone), reverse=True)
    assert kept[:7] == [NOW - dt.timedelta(days=i, hours=1) for i in range(1, 8)]  # the last 7 days
    assert len(kept) == 7 + 4 + 12
    weekly = kept[7:11]
    assert len({m.isocalendar()[:2] for m in weekly}) == 4
    assert all(m.isocalendar()[:2] not in {k.isocalendar()[:2] for k in kept[:7]} for m in weekly)
    monthly = kept[11:]
    assert len({(m.year, m.month) for m in monthly}) == 12
    assert NOW - dt.timedelta(days=450) < kept[-1] < NOW - dt.timedelta(days=300)  # about a year back


def test_everything_from_the_last_24_hours_is_kept() -> None:
    recent = dated(*(NOW - dt.timedelta(minutes=5 * i) for i in range(200)))
    assert to_delete(recent, NOW) == []


def test_several_backups_on_one_old_day_keep_the_newest() -> None:
    day = NOW - dt.timedelta(days=3)
    three = dated(day.replace(hour=8), day.replace(hour=12), day.replace(hour=17))
    assert to_delete(three, NOW) == [three[1][1], three[0][1]]


@pytest.mark.parametrize(("daily", "weekly", "monthly"), [(0, 0, 0), (1, 0, 0), (7, 4, 12), (3, 1, 2)])
def test_limits_are_respected(daily: int, weekly: int, monthly: int) -> None:
    days = dated(*(NOW - dt.timedelta(days=i, hours=2) for i in range(1, 800)))
    gone = to_delete(days, NOW, daily=daily, weekly=weekly, monthly=monthly)
    assert len(days) - len(gone) == daily + weekly + monthly


moments = st.lists(
    st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=NOW), unique=True, max_size=120
).map(lambda ms: dated(*ms))


@settings(max_examples=200, deadline=None)
@given(moments)
def test_thinning_properties(backups: list[tuple[dt.datetime, Path]]) -> None:
    gone = set(to_delete(backups, NOW))
    kept = [(m, p) for m, p in backups if p not in gone]
    assert gone <= {p for _, p in backups}
    recent = [m for m, _ in backups if m > NOW - dt.timedelta(days=1)]
    assert len(kept) <= len(recent) + 7 + 4 + 12
    if backups:  # the newest is always kept
        assert max(backups)[1] not in gone
    days = {m.date() for m, _ in backups}
    for day in sorted(days, reverse=True)[:7]:  # each of the 7 newest days keeps a backup
        assert any(m.date() == day for m, _ in kept)
    assert set(to_delete(kept, NOW)) == set()  # thinning twice changes nothing


# ---------------------------------------------------------------- copies


def test_daily_backup_once_a_day_then_thinned(db: Database) -> None:
    add(db, "湖南甲公司")
    first = daily_backup(db.path, NOW)
    assert first is not None and first.parent == backups_dir_for(db.path)
    assert first.name.endswith("-每日.db") and names(first) == ["湖南甲公司"]
    assert daily_backup(db.path, NOW + dt.timedelta(hours=5)) is None
    for i in range(1, 40):
        daily_backup(db.path, NOW + dt.timedelta(days=i))
    infos = list_backups(db.path)
    assert 7 <= len(infos) <= 7 + 4 + 12
    assert infos[0].created == NOW + dt.timedelta(days=39)
    assert infos[0].counts == {
        "enterprise": 1,
        "contact": 0,
        "agreement": 0,
        "project": 0,
        "visit": 0,
        "attachment": 0,
    }
    assert not list(backups_dir_for(db.path).glob("*.tmp"))


def test_thinning_never_deletes_manual_backups_or_damaged_files(db: Database) -> None:
    old = NOW - dt.timedelta(days=400)
    manual = make_backup(db.path, now=old)
    damaged = backups_dir_for(db.path) / f"chanjiao-{old:%Y%m%d-%H%M%S}-损坏.db"
    damaged.write_bytes(b"x")
    for i in range(60):
        backup.auto_backup(db.path, backup.KIND_DAILY, old + dt.timedelta(days=i, hours=1))
    backup.thin(db.path, NOW)
    assert manual.exists() and damaged.exists()
    assert len(list(backups_dir_for(db.path).glob("*-每日.db"))) <= 12


def test_daily_backup_skips_a_missing_database(tmp_path: Path) -> None:
    assert daily_backup(tmp_path / "none.db", NOW) is None


def test_backup_during_writes_is_consistent(db: Database) -> None:
    """A thread commits batches of 50 enterprises while backups are taken: each copy passes integrity_check
    and holds whole batches only."""
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            with db.session() as s:
                add_enterprises(s, [EnterpriseData(name=f"并发写入公司{n}-{i}") for i in range(50)])
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    copies = []
    try:
        for i in range(8):
            copies.append(backup.auto_backup(db.path, backup.KIND_DAILY, NOW + dt.timedelta(seconds=i)))
    finally:
        stop.set()
        thread.join()
    for copy in copies:
        con = sqlite3.connect(copy)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("SELECT count(*) FROM enterprise").fetchone()[0] % 50 == 0
        finally:
            con.close()
    assert record_counts(copies[-1])["enterprise"] >= record_counts(copies[0])["enterprise"]


def test_restore_round_trip(db_path: Path) -> None:
    db = open_database(db_path)
    add(db, "湖南甲公司", "长沙乙公司")
    saved = backup.auto_backup(db.path, backup.KIND_DAILY, NOW)
    before_counts = record_counts(db_path)
    add(db, "后来加的公司")
    db.close()
    before = restore_backup(db_path, saved, now=NOW + dt.timedelta(hours=1))
    assert before is not None and before.name.endswith("-恢复前.db")
    assert names(before) == ["后来加的公司", "湖南甲公司", "长沙乙公司"]  # nothing lost by restoring
    assert record_counts(db_path) == before_counts
    db = open_database(db_path)  # opens, passes quick_check, no migration needed
    db.close()
    assert names(db_path) == ["湖南甲公司", "长沙乙公司"]


def test_manual_zip_holds_database_and_attachments_and_restores_whole(db: Database, tmp_path: Path) -> None:
    from app.services.attachments import add_attachment

    add(db, "湖南甲公司")
    src = tmp_path / "营业执照.pdf"
    src.write_bytes(b"%PDF-1.4 test")
    with db.session() as s:
        eid = s.execute(text("SELECT id FROM enterprise")).scalar()
        add_attachment(s, "enterprise", eid, src)
    usb = tmp_path / "U盘"
    out = make_backup(db.path, usb / "产教融合备份")
    assert out.suffix == ".zip" and out.exists()
    with zipfile.ZipFile(out) as z:
        members = z.namelist()
    assert "chanjiao.db" in members and "backup.json" in members
    assert any(m.startswith("chanjiao_附件/") for m in members)
    info = backup.describe_backup(out)
    assert info.counts["enterprise"] == 1 and info.counts["attachment"] == 1
    db.close()
    # another computer: an empty data folder
    other = tmp_path / "其他电脑" / "chanjiao.db"
    restore_backup(other, out)
    assert names(other) == ["湖南甲公司"]
    stored = [p for p in (other.parent / "chanjiao_附件").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in stored] == [b"%PDF-1.4 test"]


def test_manual_backup_reports_progress_and_cancel_leaves_nothing(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        add_enterprises(
            s, [EnterpriseData(name=f"湖南测试{i:05d}有限公司", note="备注" * 300) for i in range(3000)]
        )
    seen: list[float] = []
    usb = tmp_path / "U盘"
    out = make_backup(db.path, usb / "备份.zip", progress=lambda f, _m: seen.append(f))
    assert seen == sorted(seen) and seen[0] < 0.4 < seen[-1] <= 1.0 and len(seen) > 5
    assert zipfile.ZipFile(out).testzip() is None
    before = out.read_bytes()
    cancel = threading.Event()

    def stop_while_zipping(fraction: float, _message: str) -> None:
        if fraction > 0.5:
            cancel.set()

    with pytest.raises(AppError, match="已取消"):
        make_backup(db.path, out, progress=stop_while_zipping, cancel=cancel)
    assert out.read_bytes() == before  # the older backup of that name is untouched
    assert sorted(p.name for p in usb.iterdir()) == ["备份.zip"]  # no temporary file left


def test_manual_backup_without_target_goes_to_the_backups_folder(db: Database) -> None:
    out = make_backup(db.path, now=NOW)
    assert out.parent == backups_dir_for(db.path) and out.name.endswith("-手动.zip")
    (listed,) = list_backups(db.path)
    assert isinstance(listed, BackupInfo) and listed.kind == "手动" and listed.size == out.stat().st_size


# ---------------------------------------------------------------- damage


def corrupt(path: Path) -> None:
    """Garbage over pages 2.. of the file (page 1, the header and schema, stays)."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for offset in range(page, len(data), page):
        data[offset : offset + 64] = b"\xde\xad\xbe\xef" * 16
    path.write_bytes(bytes(data))


def filled(db_path: Path) -> Path:
    db = open_database(db_path)
    with db.session() as s:
        add_enterprises(s, [EnterpriseData(name=f"公司{i}") for i in range(300)])
    db.close()
    return db_path


def test_damaged_database_is_refused_on_open_with_a_plain_message(db_path: Path) -> None:
    corrupt(filled(db_path))
    assert quick_check(db_path) is not None
    with pytest.raises(DatabaseCorrupt) as exc:
        open_database(db_path)
    assert "已损坏" in exc.value.message and "备份" in exc.value.message


def test_damaged_backup_is_refused_and_newest_good_one_found(db_path: Path) -> None:
    filled(db_path)
    good = backup.auto_backup(db_path, backup.KIND_DAILY, NOW - dt.timedelta(days=1))
    bad = backup.auto_backup(db_path, backup.KIND_DAILY, NOW)
    corrupt(bad)
    with pytest.raises(DatabaseCorrupt, match="备份"):
        restore_backup(db_path, bad)
    assert newest_good_backup(db_path) == good


def test_damaged_database_restored_from_newest_good_backup(db_path: Path) -> None:
    filled(db_path)
    good = backup.auto_backup(db_path, backup.KIND_DAILY, NOW - dt.timedelta(days=1))
    corrupt(db_path)
    kept = restore_backup(db_path, newest_good_backup(db_path), now=NOW)
    assert kept is not None and "损坏" in kept.name  # the damaged file is kept as it was
    db = open_database(db_path)
    db.close()
    assert record_counts(db_path)["enterprise"] == 300
    assert good.exists()


def test_copying_a_damaged_database_fails_and_leaves_nothing(db_path: Path) -> None:
    corrupt(filled(db_path))
    with pytest.raises(DatabaseCorrupt):
        backup.auto_backup(db_path, backup.KIND_DAILY, NOW)
    assert [p.name for p in backups_dir_for(db_path).iterdir()] == []


def test_unwritable_place_gives_a_plain_message(db: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(BackupFailed) as exc:
        make_backup(db.path, blocker / "备份.zip")
    assert "无法写入备份" in exc.value.message and "U盘" in exc.value.message


def test_full_disk_gives_a_plain_message(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "copy_database", full)
    with pytest.raises(BackupFailed, match="磁盘空间不足"):
        backup.auto_backup(db.path, backup.KIND_DAILY)


def test_restore_refuses_what_is_not_a_backup(db: Database, tmp_path: Path) -> None:
    junk = tmp_path / "x.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(AppError):
        restore_backup(db.path, junk)
    with pytest.raises(AppError, match="找不到"):
        restore_backup(db.path, tmp_path / "missing.db")


def test_copies_of_the_database_stay_in_the_apps_own_temporary_folder(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A manual backup's copy of the database and a restore's copy of the backup are personal data: they are
    made under the data folder (临时/), never in the system's %TEMP% nor beside the backup, and are gone after."""
    import tempfile

    from app.paths import temp_dir

    system = tmp_path / "系统临时"
    system.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system))
    copies: list[tuple[Path, Path]] = []
    real_copy = backup.copy_database

    def spy(src: Path, target: Path, **kw: object) -> Path:
        copies.append((Path(src), Path(target)))
        return real_copy(src, target, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(backup, "copy_database", spy)
    usb = tmp_path / "U盘"
    zipped = backup.make_backup(db.path, usb / "备份.zip")
    db.close()
    restore_backup(db.path, zipped)
    made_by_backup, restored_from = copies[0][1], copies[-1][0]
    assert temp_dir().absolute() in made_by_backup.parents and temp_dir().absolute() in restored_from.parents
    assert list(system.iterdir()) == [] and sorted(p.name for p in usb.iterdir()) == ["备份.zip"]
    left = [p for p in temp_dir().rglob("*") if p.is_file() and p.name not in ("lock", "beside.txt")]
    assert left == []


# ---------------------------------------------------------------- hostile backups (issue #22)


def _with_attachment(db: Database, tmp_path: Path) -> Path:
    from app.services.attachments import add_attachment

    add(db, "湖南甲公司")
    src = tmp_path / "营业执照.pdf"
    src.write_bytes(b"%PDF-1.4 test")
    with db.session() as s:
        add_attachment(s, "enterprise", s.execute(text("SELECT id FROM enterprise")).scalar(), src)
    return make_backup(db.path, tmp_path / "备份.zip")


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("chanjiao_附件/C:/x.txt", "盘符"),
        ("chanjiao_附件/C:\\x.txt", "盘符"),
        ("chanjiao_附件/\\\\?\\C:\\x.txt", "网络路径"),
        ("chanjiao_附件/ab/CON", "保留名"),
        ("chanjiao_附件/ab/COM¹", "保留名"),
        ("chanjiao_附件/ab/CONIN$", "保留名"),
        ("chanjiao_附件/ab/x\u202egpj.exe", "文字方向"),
        ("chanjiao_附件/../../x.txt", ".."),
    ],
)
def test_a_backup_with_a_bad_entry_is_refused_before_anything_is_touched(
    db: Database, tmp_path: Path, entry: str, words: str
) -> None:
    from app.db.engine import attachments_dir_for

    good = _with_attachment(db, tmp_path)
    hostile = tmp_path / "坏备份.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(hostile, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(zipfile.ZipInfo(entry), b"written outside the attachments folder")
    add(db, "后来加的公司")
    db.close()
    database, attachments = db.path.read_bytes(), _tree(attachments_dir_for(db.path))
    backups = (
        sorted(p.name for p in backups_dir_for(db.path).glob("*"))
        if backups_dir_for(db.path).exists()
        else []
    )
    with pytest.raises(AppError) as refused:
        backup.check_backup(hostile)
    assert "不能用来恢复" in refused.value.message and words in refused.value.message
    with pytest.raises(AppError) as e:
        restore_backup(db.path, hostile)
    message = e.value.message
    assert "坏备份.zip" in message and "没有改动" in message and words in message
    # the entry is named as stored (its invisible characters written out; Windows' zipfile stores \ as /)
    assert archive_name(zipfile.ZipInfo(entry).filename) in message
    assert db.path.read_bytes() == database
    assert _tree(attachments_dir_for(db.path)) == attachments
    now = (
        sorted(p.name for p in backups_dir_for(db.path).glob("*"))
        if backups_dir_for(db.path).exists()
        else []
    )
    assert now == backups  # not even the 恢复前 copy was made
    assert not list(tmp_path.rglob("x.txt")) and not (Path.cwd() / "x.txt").exists()


def archive_name(entry: str) -> str:
    from app.archive import shown_name

    return shown_name(entry)


def test_an_overlapping_entries_backup_is_refused(db: Database, tmp_path: Path) -> None:
    from tests.zip_bombs import overlap_bomb

    good = _with_attachment(db, tmp_path)
    with zipfile.ZipFile(good) as z:
        plain = [(i.filename, z.read(i)) for i in z.infolist()]
    names = [f"chanjiao_附件/ff/{i:064x}" for i in range(50)]
    data, _ = overlap_bomb(plain, names, bytes(2**19))
    bomb = tmp_path / "炸弹.zip"
    bomb.write_bytes(data)
    db.close()
    database = db.path.read_bytes()
    with pytest.raises(AppError, match="重叠"):
        restore_backup(db.path, bomb)
    assert db.path.read_bytes() == database


def test_a_backup_with_a_fake_end_record_in_its_comment_still_restores(db: Database, tmp_path: Path) -> None:
    good = _with_attachment(db, tmp_path)
    with zipfile.ZipFile(good, "a") as z:
        z.comment = b"PK\x05\x06" + bytes(4) + (0xFFFF).to_bytes(2, "little") * 2 + bytes(10)
    db.close()
    other = tmp_path / "其他电脑" / "chanjiao.db"
    restore_backup(other, good)
    assert names(other) == ["湖南甲公司"]


def test_the_readme_and_the_window_say_what_thinning_keeps():
    """One definition of what is kept: the 备份与恢复 tab shows RETENTION_TEXT, the README says the same."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    kept = f"{backup.DAILY} 天每天、{backup.WEEKLY} 周每周、{backup.MONTHLY} 个月每月各一份"
    assert kept in backup.RETENTION_TEXT
    assert kept in readme.replace("\n  ", "")
    assert "24 小时内的全部自动备份" in backup.RETENTION_TEXT and "24 小时内的全部自动备份" in readme
    assert "手动备份" in backup.RETENTION_TEXT and "手动备份不会自动删除" in readme
