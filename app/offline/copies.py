"""带出副本: an offline copy of the database for the laptop (`chanjiao copy out`, 文件 → 带出副本…).

The copy is a database file written by app/db/transfer.py (every record, attachment, audit row and setting, checked
table by table before it is kept), with, in the same transaction, where it came from (`offline_origin`) and each
row as it was copied (`offline_base`: its columns' canonical values, app/db/table_rows.py), which the merge takes
as the common ancestor. Students' 身份证号, phones, home address and birth date stay out unless asked for (and
allowed: 学生个人信息 on a server); their masked copies travel, so the copy's lists look the same.

No Qt here."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, insert, select
from sqlalchemy.orm import Session

from app.db import migrate
from app.db import table_rows as rows_
from app.db.base import Base, utcnow
from app.db.engine import Database
from app.db.location import FileLocation
from app.db.models_offline import DATABASE_ID, OfflineBase, OfflineOrigin
from app.db.personal import PERSONAL_COLUMNS
from app.errors import AppError
from app.progress import Progress, noop_progress

# Not merged row by row: bookkeeping (the schema version), the audit trail (joined by id), the attachments' bytes
# (by SHA-256), and the copy's own tables.
NOT_MERGED = {"alembic_version", "audit_log", "attachment_blob", "offline_origin", "offline_base"}


class CopyRefused(AppError):
    """This database cannot be copied out, or a file is not a copy of it."""


@dataclass(frozen=True)
class CopyInfo:
    """What an offline copy says about itself."""

    copy_id: str
    origin_id: str
    origin: str  # the origin as the user reads it
    made_at: dt.datetime
    made_by: str
    personal_data: bool
    revision: str

    @property
    def words(self) -> str:
        """“副本：来自 学院.db（2026年12月7日 王老师带出，不含学生个人信息）”, for a status bar."""
        when = self.made_at.astimezone()
        personal = "含学生个人信息" if self.personal_data else "不含学生个人信息"
        who = f"{self.made_by}带出，" if self.made_by else ""
        return f"副本：来自 {self.origin}（{when.year}年{when.month}月{when.day}日{who}{personal}）"


def merged_tables() -> list[Table]:
    """The tables merged row by row, parents before children."""
    import app.db.models  # noqa: F401  (every table in Base.metadata)

    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_MERGED]


def row_key(table: Table, row: dict[str, object]) -> str:
    """A row's primary key as the base stores it."""
    return json.dumps([row[c.name] for c in table.primary_key.columns], ensure_ascii=False)


def database_id(bind: Session | Connection | Engine) -> str:
    """The database's own id (migration 0017); "" for a database without one (not yet upgraded)."""
    from app.db.models import Setting

    stmt = select(Setting.value).where(Setting.key == DATABASE_ID)
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return conn.execute(stmt).scalar() or ""
    return bind.execute(stmt).scalar() or ""


def copy_info(bind: Session | Connection | Engine) -> CopyInfo | None:
    """What the database says of itself if it is an offline copy; None otherwise."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return copy_info(conn)
    table = OfflineOrigin.__table__
    row = bind.execute(select(table)).mappings().first()
    if row is None:
        return None
    return CopyInfo(
        row["copy_id"],
        row["origin_id"],
        row["origin"],
        row["made_at"],
        row["made_by"],
        bool(row["personal_data"]),
        row["revision"],
    )


def copy_out(
    source: Database,
    dest: Path,
    *,
    personal_data: bool = False,
    progress: Progress = noop_progress,
    cancel: threading.Event | None = None,
) -> CopyInfo:
    """Write the offline copy of `source` to `dest`, a new database file; see the module's text."""
    from app.db.audit import saved_by
    from app.db.transfer import transfer
    from app.services.students import need_personal

    with source.reader() as s:
        if copy_info(s) is not None:
            raise CopyRefused(
                "这个数据库本身就是一个副本，不能再从它带出副本。请回到原来的数据库（办公室电脑或服务器）带出。"
            )
        if personal_data:
            need_personal(s)
        origin_id = database_id(s)
        if not origin_id:
            raise CopyRefused("这个数据库还没有编号，请用本版本的软件打开一次（会自动升级）后再带出副本。")
        who = saved_by(s)
    info = CopyInfo(
        str(uuid.uuid4()),
        origin_id,
        source.display_name,
        utcnow(),
        who,
        personal_data,
        "",
    )
    written: list[CopyInfo] = []

    def then(out: Connection) -> None:
        done = _with_revision(info, migrate.current_revision(out) or "")
        out.execute(insert(OfflineOrigin.__table__).values(**_origin_row(done)))
        _write_base(out)
        written.append(done)

    leave_out = {} if personal_data else {"student": PERSONAL_COLUMNS}
    transfer(
        source, FileLocation(Path(dest)), progress=progress, cancel=cancel, leave_out=leave_out, then=then
    )
    return written[0]


def _with_revision(info: CopyInfo, revision: str) -> CopyInfo:
    from dataclasses import replace

    return replace(info, revision=revision)


def _origin_row(info: CopyInfo) -> dict[str, object]:
    return {
        "copy_id": info.copy_id,
        "origin_id": info.origin_id,
        "origin": info.origin,
        "made_at": info.made_at,
        "made_by": info.made_by,
        "personal_data": info.personal_data,
        "revision": info.revision,
    }


def _write_base(out: Connection) -> None:
    """Every merged row of the copy as it is now (just copied): the common ancestor of the merge."""
    base = OfflineBase.__table__
    for table in merged_tables():
        for part in rows_.read_rows(out, table):
            out.execute(
                insert(base),
                [
                    {
                        "table_name": table.name,
                        "row_key": row_key(table, row),
                        "row_values": rows_.canonical_values(table, row),
                    }
                    for row in part
                ],
            )


def refresh_copy(
    source: Database,
    path: Path,
    *,
    progress: Progress = noop_progress,
    cancel: threading.Event | None = None,
) -> CopyInfo:
    """The copy at `path` made again from `source` as it is now (after a merge: ready for the next trip), with
    the same choice about personal data. The new copy is written beside it first and replaces it only when
    complete; the old one's attachments folder goes with it — moved aside first, so that one of its files open
    in a viewer (Windows will not move a folder then) stops the update before anything is replaced."""
    import shutil

    from app.db.engine import attachments_dir_for, open_database
    from app.fsutil import replace_with_retry

    path = Path(path)
    old = open_database(path)
    try:
        with old.reader() as s:
            before = copy_info(s)
    finally:
        old.close()
    if before is None:
        raise CopyRefused(f"“{path.name}”不是副本。")
    fresh = path.with_name(f"{path.stem}.更新中{path.suffix}")
    folder, new_folder = attachments_dir_for(path), attachments_dir_for(fresh)
    aside = folder.with_name(folder.name + ".旧")

    def remove(*leftovers: Path) -> None:
        for leftover in leftovers:
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                for side in ("", "-wal", "-shm", "-journal"):
                    leftover.with_name(leftover.name + side).unlink(missing_ok=True)

    remove(fresh, new_folder, aside)
    info = copy_out(source, fresh, personal_data=before.personal_data, progress=progress, cancel=cancel)
    if folder.is_dir():
        try:
            replace_with_retry(folder, aside)
        except (AppError, OSError) as e:
            remove(fresh, new_folder)
            raise CopyRefused(
                f"副本旁边的附件文件夹“{folder.name}”中有文件正被其他程序打开（如看图或 PDF 软件），"
                "请关闭后再更新副本。副本没有改动。",
                str(e),
            ) from e
    try:
        for side in ("-wal", "-shm"):
            path.with_name(path.name + side).unlink(missing_ok=True)
        replace_with_retry(fresh, path)
    except BaseException:
        if aside.is_dir():
            replace_with_retry(aside, folder)  # the old copy stays whole
        remove(fresh, new_folder)
        raise
    if new_folder.is_dir():
        replace_with_retry(new_folder, folder)
    shutil.rmtree(aside, ignore_errors=True)  # what cannot go now: removed with the next update
    return info
