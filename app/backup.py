"""Backups and restore: the one mechanism for every copy of the database the app makes.

- Every copy is made with SQLite's backup API (consistent even while the app writes), written to a temporary
  name, checked with `PRAGMA quick_check`, and only then renamed to its final name (fsutil.atomic_path).
- Automatic backups live in the folder `<库名>_备份` beside the database (like `<库名>_附件`): one on the first
  start of each day (`daily_backup`, called by the GUI and CLI after opening), one before every migration and
  one before every restore. They hold the database only: attachments are stored by content and never
  rewritten, so the folder beside the database keeps them. Old automatic backups are thinned as Anki does:
  everything from the last 24 hours, then the newest of each of the last 7 days, 4 weeks and 12 months.
- A manual backup (立即备份, `chanjiao backup --out`) is ONE .zip file holding the database, the attachments
  folder and a small `backup.json` (date, counts, versions): a USB stick carries it as one unit, and
  `restore_backup` takes it back whole (attachments are merged in: they are named by their SHA-256).
- `restore_backup` checks the backup, backs up the current database first, then replaces it. The caller closes
  every engine on the database before (Windows cannot replace an open file) and reopens it after: the GUI
  closes its Database, restores, and reopens on the restored file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import logging
import re
import shutil
import sqlite3
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app import archive
from app.errors import AppError, BackupFailed, DatabaseCorrupt
from app.fsutil import atomic_path, human_size, scratch_folder  # noqa: F401 (callers use backup.human_size)
from app.progress import Progress, noop_progress, tick
from app.tempfiles import pause_for_test

log = logging.getLogger(__name__)

DAILY, WEEKLY, MONTHLY = 7, 4, 12
# What is kept, in the user's words (the 备份与恢复 tab and the README say the same): `to_delete` below.
RETENTION_TEXT = (
    f"保留最近 24 小时内的全部自动备份，以及最近 {DAILY} 天每天、{WEEKLY} 周每周、{MONTHLY} 个月每月各一份；"
    "手动备份（.zip）不会自动删除"
)
KIND_DAILY, KIND_MIGRATION, KIND_RESTORE, KIND_MANUAL = "每日", "升级前", "恢复前", "手动"
AUTOMATIC = {KIND_DAILY, KIND_MIGRATION, KIND_RESTORE}  # thinned; 手动 and 损坏 files are kept
MANIFEST = "backup.json"
# What a backup's list entry shows: table -> label (tables missing from an old copy are skipped).
COUNTED = {
    "enterprise": "企业",
    "contact": "联系人",
    "agreement": "协议",
    "project": "项目",
    "visit": "走访",
    "attachment": "附件",
}
_NAME = re.compile(r"-(\d{8}-\d{6})(?:-\d+)?-([^-.]+)\.(db|zip)$")
_STAMP = "%Y%m%d-%H%M%S"


def backups_dir_for(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).stem + "_备份")


# ---------------------------------------------------------------- checking and copying


def quick_check(path: Path) -> str | None:
    """None if SQLite's quick_check passes on the file, else what it found (opened read-only)."""
    try:
        con = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
    except sqlite3.Error as e:
        return str(e)
    try:
        return _check(con)
    finally:
        con.close()


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(Path(path).resolve().as_posix(), safe="/:")


def copy_database(
    src: Path, target: Path, *, progress: Progress = noop_progress, cancel: threading.Event | None = None
) -> Path:
    """Copy a (possibly live) database with the backup API to a temporary name, quick_check it, rename.
    The copy is switched to a rollback journal, so it is one self-contained file (no -wal beside it).
    progress gets the fraction of pages copied; cancel stops between steps (nothing is left behind)."""

    def copied(_status: int, remaining: int, total: int) -> None:
        tick(progress, cancel, (total - remaining) / total if total else 1.0, "正在复制数据库…")

    with atomic_path(target) as tmp:
        try:
            source = sqlite3.connect(str(src))
            try:
                dest = sqlite3.connect(str(tmp))
                try:
                    source.backup(dest, pages=4096, progress=copied)
                    dest.execute("PRAGMA journal_mode=DELETE")
                    pause_for_test(f"copy {Path(target).name}")
                    problem = _check(dest)
                finally:
                    dest.close()
            finally:
                source.close()
        except sqlite3.DatabaseError as e:  # "database disk image is malformed" while copying
            problem = str(e)
        finally:
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        if problem:
            from app.db import verified

            verified.distrust(Path(src))  # the next start reads and checks the whole file
            raise DatabaseCorrupt(
                f"数据库“{Path(src).name}”已损坏，无法备份（完整性检查未通过）。请从以前的备份恢复。", problem
            )
    return target


def _check(con: sqlite3.Connection) -> str | None:
    try:
        rows = con.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as e:
        return str(e)
    result = "; ".join(str(r[0]) for r in rows[:5])
    return None if result == "ok" else result


def _unique(folder: Path, stem: str, when: dt.datetime, kind: str, suffix: str) -> Path:
    stamp = when.strftime(_STAMP)
    target = folder / f"{stem}-{stamp}-{kind}{suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{stamp}-{n}-{kind}{suffix}"
    return target


@contextlib.contextmanager
def _writing(where: Path) -> Iterator[None]:
    """OS and SQLite write failures as BackupFailed with a message a secretary can act on."""
    try:
        yield
    except (OSError, sqlite3.OperationalError) as e:
        reason = getattr(e, "strerror", None) or str(e)
        full = getattr(e, "errno", None) == errno.ENOSPC or "full" in str(e)
        hint = (
            "磁盘空间不足，请清理磁盘或换一个位置。"
            if full
            else "请确认该位置可以写入（U盘未写保护、未被拔出）。"
        )
        raise BackupFailed(f"无法写入备份“{where}”：{hint}", reason) from e


def auto_backup(db_path: Path, kind: str, now: dt.datetime | None = None, *, thinning: bool = True) -> Path:
    """A database-only copy into the backups folder, then thinning of the old ones."""
    db_path = Path(db_path)
    folder = backups_dir_for(db_path)
    now = now or dt.datetime.now()
    with _writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
        target = copy_database(db_path, _unique(folder, db_path.stem, now, kind, ".db"))
    log.info("backup (%s): %s", kind, target.name)
    if thinning:
        thin(db_path, now)
    return target


def daily_backup(db_path: Path, now: dt.datetime | None = None) -> Path | None:
    """On the first start of a day: a backup, unless one from today is already there. None = nothing to do."""
    db_path = Path(db_path)
    now = now or dt.datetime.now()
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    if any(created.date() == now.date() for created, _ in _entries(db_path)):
        return None
    return auto_backup(db_path, KIND_DAILY, now)


def daily_backup_quietly(db_path: Path, now: dt.datetime | None = None) -> Path | None:
    """daily_backup for callers that must go on regardless (opening the app): a failure is only logged."""
    try:
        return daily_backup(db_path, now)
    except Exception:  # a full disk or a damaged copy must not stop the user from working
        log.warning("daily backup of %s failed", Path(db_path).name, exc_info=True)
        return None


# ---------------------------------------------------------------- manual backups (one zip)


def make_backup(
    db_path: Path,
    target: Path | None = None,
    *,
    now: dt.datetime | None = None,
    progress: Progress = noop_progress,
    cancel: threading.Event | None = None,
) -> Path:
    """A manual backup: one .zip with the database, the attachments folder and backup.json. Without a target
    it goes to the backups folder. Returns the zip's path. Progress: the copy (first 40 %), then the bytes
    zipped; cancelled, it leaves no file behind (and an older file of that name untouched)."""
    with _writing(Path(target) if target else backups_dir_for(db_path)):
        return _make_backup(Path(db_path), target, now, progress, cancel)


ZIP_CHUNK = 1 << 20


def _zip_file(
    z: zipfile.ZipFile, src: Path, arcname: str, compress: int, report: Callable[[int], None]
) -> None:
    """One file into the zip a chunk at a time, so a 300 MB database shows progress and can be cancelled."""
    info = zipfile.ZipInfo.from_file(src, arcname)
    info.compress_type = compress
    # level 1, as the archive's default: the attribute is public from Python 3.13 on
    if hasattr(info, "compress_level"):
        info.compress_level = 1
    else:
        info._compresslevel = 1  # type: ignore[attr-defined]
    with src.open("rb") as f, z.open(info, "w", force_zip64=True) as out:
        while chunk := f.read(ZIP_CHUNK):
            out.write(chunk)
            report(len(chunk))


def _make_backup(
    db_path: Path,
    target: Path | None,
    now: dt.datetime | None,
    progress: Progress,
    cancel: threading.Event | None,
) -> Path:
    from app.db.engine import attachments_dir_for

    now = now or dt.datetime.now()
    if target is None:
        folder = backups_dir_for(db_path)
        folder.mkdir(parents=True, exist_ok=True)
        target = _unique(folder, db_path.stem, now, KIND_MANUAL, ".zip")
    target = Path(target)
    if target.suffix.lower() != ".zip":
        target = target.with_name(target.name + ".zip")
    with scratch_folder("backup-") as scratch:
        copy = copy_database(
            db_path, scratch / db_path.name, progress=lambda f, m: progress(0.4 * f, m), cancel=cancel
        )
        manifest = {
            "created": now.isoformat(timespec="seconds"),
            "database": db_path.name,
            "counts": record_counts(copy),
            "schema": _revision(copy),
            "app_version": _app_version(),
        }
        attachments = attachments_dir_for(db_path)
        files = [
            f
            for f in (sorted(attachments.rglob("*")) if attachments.is_dir() else ())
            if f.is_file() and not f.name.endswith(".tmp")
        ]
        total = copy.stat().st_size + sum(f.stat().st_size for f in files) or 1
        done = 0

        def report(n: int) -> None:
            nonlocal done
            done += n
            tick(progress, cancel, 0.4 + 0.58 * done / total, "正在压缩数据库和附件…")

        with atomic_path(target) as tmp:
            # level 1: half the time of the default for 10% more size (355 MB database: 7 s, 122 MB)
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1) as z:
                z.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
                _zip_file(z, copy, db_path.name, zipfile.ZIP_DEFLATED, report)
                for f in files:
                    arc = f"{attachments.name}/{f.relative_to(attachments).as_posix()}"
                    _zip_file(z, f, arc, zipfile.ZIP_STORED, report)  # PDFs, images: already packed
            pause_for_test("backup")
            progress(0.99, "正在校验备份文件…")
            with zipfile.ZipFile(tmp) as z:
                bad = z.testzip()
            if bad:
                raise AppError(f"备份文件写入后校验失败（{bad}），请换一个位置重试。")
    log.info("manual backup: %s", target)
    return target


# A manual backup .zip as restore reads it: checked whole (names, sizes, overlapping entries) before anything is
# extracted. Its database is deflated at level 1 (at most ~229:1, even pages of zeros) and its attachments are
# stored; the limits refuse only what no backup of ours can be (a file of a hundred thousand attachments and a
# database of gigabytes is far inside them). Entry names are not held to Windows' path length: only the part
# after `库名_附件/` (`ab/<SHA-256>`) is written, under the restoring database's own attachments folder.
BACKUP_LIMITS = archive.Limits(max_entries=2_000_000, max_total=1024 * 2**30, max_ratio=1000, max_path=4096)
MAX_BACKUP_MANIFEST_BYTES = 2**20


def _open_backup(backup: Path) -> archive.Zip:
    """A backup .zip opened after the archive check. An entry whose name could land outside the attachments
    folder (`库名_附件/C:/x.txt`, `…/\\\\?\\C:\\x`, `…/ab/CON`, `..`), a zip bomb or a damaged file refuses the
    whole backup with an AppError naming the entry, before anything is extracted or replaced."""
    try:
        z = archive.open_zip(backup, max_entries=BACKUP_LIMITS.max_entries)
    except archive.BadArchive as e:
        raise AppError(f"“{backup.name}”不是有效的备份文件：{e.message}。", e.message) from e
    try:
        problems = archive.check_zip(z, BACKUP_LIMITS, subject="备份")
    except BaseException:
        z.close()
        raise
    if problems:
        z.close()
        first = problems[0]
        where = f"其中的“{archive.shown_name(first.entry)}”" if first.entry else ""
        more = f"（共 {len(problems)} 处问题）" if len(problems) > 1 else ""
        raise AppError(
            f"备份“{backup.name}”不能用来恢复：{where}{first.message}{more}。当前的数据库和附件都没有改动。",
            "; ".join(f"{archive.shown_name(p.entry)}: {p.message}" for p in problems[:20]),
        )
    return z


def _zip_database_name(z: zipfile.ZipFile) -> str:
    names = [n for n in z.namelist() if "/" not in n and n.lower().endswith(".db")]
    if len(names) != 1:
        raise AppError("这个压缩文件不是本软件的备份（里面没有唯一的数据库文件）。")
    return names[0]


# ---------------------------------------------------------------- listing


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: dt.datetime
    size: int
    kind: str
    counts: dict[str, int] = field(default_factory=dict)
    readable: bool = True

    def describe_counts(self) -> str:
        if not self.readable:
            return "（无法读取）"
        return "，".join(f"{COUNTED.get(k, k)} {v}" for k, v in self.counts.items())


def _parse(path: Path) -> tuple[dt.datetime, str] | None:
    m = _NAME.search(path.name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1), _STAMP), m.group(2)
    except ValueError:
        return None


def _entries(db_path: Path) -> list[tuple[dt.datetime, Path]]:
    folder = backups_dir_for(db_path)
    if not folder.is_dir():
        return []
    out = []
    for p in folder.iterdir():
        parsed = _parse(p) if p.is_file() and p.name.startswith(Path(db_path).stem + "-") else None
        if parsed:
            out.append((parsed[0], p))
    return sorted(out, reverse=True)


def list_backups(db_path: Path, *, counts: bool = True) -> list[BackupInfo]:
    """The backups in the database's backups folder, newest first."""
    out = []
    for created, path in _entries(db_path):
        kind = _parse(path)[1]  # type: ignore[index]
        out.append(describe_backup(path, created, kind) if counts else BackupInfo(path, created, 0, kind))
    return out


def describe_backup(path: Path, created: dt.datetime | None = None, kind: str = "") -> BackupInfo:
    """Date, size and record counts of one backup file (.db or .zip), read without changing it."""
    path = Path(path)
    if created is None:
        parsed = _parse(path)
        created, kind = parsed if parsed else (dt.datetime.fromtimestamp(path.stat().st_mtime), "")
    size = path.stat().st_size
    try:
        if path.suffix.lower() == ".zip":
            with archive.open_zip(path) as z:
                if z.getinfo(MANIFEST).file_size > MAX_BACKUP_MANIFEST_BYTES:
                    raise ValueError(f"{MANIFEST} too big")
                manifest = json.loads(z.read(MANIFEST).decode("utf-8"))
            found = dict(manifest.get("counts", {}))
            with contextlib.suppress(ValueError, TypeError):
                created = dt.datetime.fromisoformat(manifest["created"])
        else:
            found = _cached_counts(path)
    except Exception:
        log.warning("cannot read backup %s", path.name, exc_info=True)
        return BackupInfo(path, created, size, kind or KIND_MANUAL, {}, readable=False)
    return BackupInfo(path, created, size, kind or KIND_MANUAL, found)


_counts_cache: dict[tuple[str, int, int], dict[str, int]] = {}


def _cached_counts(path: Path) -> dict[str, int]:
    """record_counts of a backup file, remembered while the file is unchanged (0.4 s each on 100k records)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _counts_cache:
        _counts_cache[key] = record_counts(path)
    return dict(_counts_cache[key])


def record_counts(path: Path) -> dict[str, int]:
    """Live (not deleted) records per table in a database file, opened read-only."""
    con = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        out = {}
        for table in COUNTED:
            if table in tables:
                cols = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
                where = " WHERE deleted_at IS NULL" if "deleted_at" in cols else ""
                out[table] = con.execute(f"SELECT count(*) FROM {table}{where}").fetchone()[0]
        return out
    finally:
        con.close()


def _revision(path: Path) -> str | None:
    con = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except (sqlite3.Error, TypeError):
        return None
    finally:
        con.close()


def _app_version() -> str:
    from app import __version__

    return __version__


def newest_good_backup(db_path: Path) -> Path | None:
    """The newest backup in the backups folder that passes quick_check (for a database found damaged)."""
    for _created, path in _entries(db_path):
        try:
            with _database_of(path) as copy:
                if quick_check(copy) is None:
                    return path
        except Exception:
            log.warning("backup %s unusable", path.name, exc_info=True)
    return None


# ---------------------------------------------------------------- thinning


def to_delete(
    backups: Iterable[tuple[dt.datetime, Path]],
    now: dt.datetime,
    *,
    daily: int = DAILY,
    weekly: int = WEEKLY,
    monthly: int = MONTHLY,
) -> list[Path]:
    """Which backups to delete (pure). Kept: all from the last 24 hours, then, newest first, the newest of each
    of `daily` days, then of `weekly` ISO weeks, then of `monthly` months not already covered."""
    days: set[dt.date] = set()  # covered by a kept backup
    weeks: set[tuple[int, int]] = set()
    months: set[tuple[int, int]] = set()
    room = {"day": daily, "week": weekly, "month": monthly}
    out = []
    for created, path in sorted(backups, key=lambda b: b[0], reverse=True):
        day, week, month = created.date(), tuple(created.isocalendar()[:2]), (created.year, created.month)
        if created > now - dt.timedelta(days=1):
            tier = None
        elif day not in days and room["day"]:
            tier = "day"
        elif week not in weeks and day not in days and room["week"]:
            tier = "week"
        elif month not in months and week not in weeks and day not in days and room["month"]:
            tier = "month"
        else:
            out.append(path)
            continue
        if tier:
            room[tier] -= 1
        days.add(day)
        weeks.add(week)
        months.add(month)
    return out


def thin(db_path: Path, now: dt.datetime | None = None) -> list[Path]:
    """Delete the automatic backups to_delete names; returns them. Manual backups and set-aside damaged files
    are never deleted. A file that cannot be deleted is left for next time."""
    automatic = [(created, p) for created, p in _entries(db_path) if _parse(p)[1] in AUTOMATIC]  # type: ignore[index]
    gone = []
    for path in to_delete(automatic, now or dt.datetime.now()):
        try:
            path.unlink()
            gone.append(path)
        except OSError:
            log.warning("cannot delete old backup %s", path.name, exc_info=True)
    return gone


# ---------------------------------------------------------------- restore


@contextlib.contextmanager
def _database_of(backup: Path) -> Iterator[Path]:
    """The database file of a backup: the .db itself, or extracted from a .zip (after _open_backup's check of
    the whole .zip) into a temporary folder."""
    backup = Path(backup)
    if backup.suffix.lower() != ".zip":
        yield backup
        return
    with _open_backup(backup) as z, scratch_folder("restore-") as scratch:
        name = _zip_database_name(z)
        target = scratch / "backup.db"
        with z.open(name) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        yield target


def check_backup(backup: Path) -> None:
    """Refuse a backup that is damaged or made by a newer version of the app."""
    with _checked(backup):
        pass


@contextlib.contextmanager
def _checked(backup: Path) -> Iterator[Path]:
    """The backup's database file (extracted once from a zip), after the checks of check_backup."""
    from app.db import migrate

    backup = Path(backup)
    if not backup.is_file():
        raise AppError(f"找不到备份文件“{backup}”。")
    try:
        with _database_of(backup) as copy:
            problem = quick_check(copy)
            if problem:
                raise DatabaseCorrupt(
                    f"备份“{backup.name}”已损坏（完整性检查未通过），不能用来恢复。", problem
                )
            revision = _revision(copy)
            if revision is not None and not migrate.known_revision(revision):
                raise AppError(
                    f"备份“{backup.name}”由更新版本的软件创建（结构版本 {revision}），请先升级软件再恢复。"
                )
            yield copy
    except zipfile.BadZipFile as e:
        raise AppError(f"“{backup.name}”不是有效的备份文件（压缩包已损坏）。", str(e)) from e


def restore_backup(db_path: Path, backup: Path, *, now: dt.datetime | None = None) -> Path | None:
    """Replace the database with a backup (.db or manual .zip). Close every engine on db_path first.
    The current database is backed up first (a damaged one is moved into the backups folder as it is).
    Returns that backup of the current database (None if there was none)."""
    from app.db.engine import attachments_dir_for

    db_path, backup = Path(db_path), Path(backup)
    now = now or dt.datetime.now()
    with _checked(backup) as copy:
        before = _set_aside(db_path, now) if db_path.exists() and db_path.stat().st_size else None
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        copy_database(copy, db_path)
    if backup.suffix.lower() == ".zip":
        _merge_attachments(backup, attachments_dir_for(db_path))
    thin(db_path, now)
    log.info("restored %s from %s (before: %s)", db_path.name, backup.name, before and before.name)
    return before


def _set_aside(db_path: Path, now: dt.datetime) -> Path:
    _checkpoint(db_path)
    try:
        return auto_backup(db_path, KIND_RESTORE, now, thinning=False)  # never thin the one being restored
    except DatabaseCorrupt:  # keep the damaged file as it is: someone may still rescue rows from it
        folder = backups_dir_for(db_path)
        target = _unique(folder, db_path.stem, now, "损坏", ".db")
        with atomic_path(target) as tmp:
            shutil.copyfile(db_path, tmp)
        return target


def _checkpoint(db_path: Path) -> None:
    """Fold the WAL into the file so nothing is left in db-wal when the file is replaced."""
    with contextlib.suppress(sqlite3.Error):
        con = sqlite3.connect(str(db_path))
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()


def _merge_attachments(backup: Path, folder: Path) -> int:
    """Copy the backup's attachment files that are missing (names are content hashes: never overwritten).
    Every name was checked by _open_backup (restore_backup's _checked refused a bad one before anything was
    touched); each target is still confirmed to be inside `folder`."""
    added = 0
    root = folder.resolve()
    with _open_backup(backup) as z:
        db_name = _zip_database_name(z)
        prefix = f"{Path(db_name).stem}_附件/"  # a zip member name, always with /
        for info in z.infolist():
            if info.is_dir() or not info.filename.startswith(prefix):
                continue
            rel = info.filename[len(prefix) :]
            if not rel or ".." in rel.split("/"):
                continue
            target = folder.joinpath(*rel.split("/"))
            if not target.resolve().is_relative_to(root):
                raise AppError(
                    f"备份“{backup.name}”中的“{archive.shown_name(info.orig_filename)}”指向附件文件夹以外。"
                )
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(target) as tmp, z.open(info) as src, tmp.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            added += 1
    return added
