"""A whole database copied between a file and a server, in either direction (`chanjiao transfer`, 设置 → 上传到服务器… /
保存服务器数据到本机文件…): every table in foreign-key order with its ids, versions, timestamps and audit rows as they
are, the schema version, the settings, and the attachments' bytes (once per SHA-256, through app/services/blobs.py).

The destination must hold no records (a server database `chanjiao server init` set up may hold its settings: they
are replaced). It is brought to the same schema version as the source, filled in one transaction, and checked table
by table before it is kept: the number of rows and a checksum of their content, computed the same way on both sides
(app/db/table_rows.py: the order-independent sum of a SHA-256 per row of a canonical text), and the SHA-256 of every
attachment's bytes read back. A file destination is written under a temporary name beside its final one and renamed
only when it checked out; a server destination is committed only then. A difference, an error or 取消 leaves nothing.

No Qt here."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Connection, Table, delete, func, inspect, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

import app.db.models  # noqa: F401  (every table in Base.metadata)
import app.db.models_compliance  # noqa: F401
import app.db.models_internships  # noqa: F401
from app.db import migrate
from app.db import table_rows as rows_
from app.db.base import Base
from app.db.engine import Database, attachments_dir_for, open_database, runtime_error, take_write_lock
from app.db.location import FileLocation, Location, ServerLocation, parse_location
from app.errors import AppError, NoPermission
from app.fsutil import atomic_path, human_size, replace_with_retry, scratch_folder
from app.progress import Progress, noop_progress, tick

log = logging.getLogger(__name__)

BLOBS = "attachment_blob"  # a server's attachment bytes: copied as attachments, not as rows
OFFLINE = {"offline_origin", "offline_base"}  # what makes a file an offline copy (app/offline/): not copied
NOT_RECORDS = {"alembic_version", "budget_category", "setting"}  # what a new or `server init` database holds
LABELS = {
    "enterprise": "合作企业",
    "contact": "企业联系人",
    "enterprise_category": "企业类别",
    "attachment": "附件",
    "audit_log": "修改记录",
    "setting": "设置",
    "agreement": "合作协议",
    "agreement_enterprise": "协议的企业",
    "agreement_transition": "协议状态变化",
    "project": "产教融合项目",
    "project_kpi": "项目考核指标",
    "project_responsible": "项目负责人",
    "meeting": "会议",
    "visit": "走访",
    "visit_enterprise": "走访的企业",
    "budget_category": "经费类别",
    "budget": "经费预算",
    "ledger_entry": "经费台账",
    "asset": "资产",
    "asset_repair": "资产维修",
    "asset_disposal": "资产处置",
    "teacher": "教师",
    "enterprise_practice": "企业实践",
    "industry_organization": "行业组织",
    "achievement": "成果",
    "training": "培训",
    "studio": "工作室",
    "practice_base": "实践基地",
    "base_usage": "基地使用",
    "base_cost": "基地费用",
    "student": "学生",
    "internship": "实习",
    "monthly_evaluation": "企业月度评价",
    "employment": "就业",
    "major": "专业",
    "major_group": "专业群",
    "finding_ack": "已忽略的合规问题",
}


class TransferRefused(AppError):
    """The destination (or the source) cannot be used: not empty, the same database, not a database."""


class TransferMismatch(AppError):
    """The copy differs from the source: it was not kept."""


@dataclass(frozen=True)
class TableCheck:
    name: str
    rows: int
    checksum: str  # hex: the same on both sides (that is what was checked)

    @property
    def label(self) -> str:
        return label(self.name)


@dataclass(frozen=True)
class TransferReport:
    source: str  # display names (never a password)
    dest: str
    revision: str
    tables: tuple[TableCheck, ...]
    attachments: int  # distinct contents copied
    attachment_bytes: int
    missing: tuple[str, ...] = ()  # attachments whose bytes were not in the source (their records are copied)
    grants_applied: bool = False  # a server database with the college's roles: grants renewed
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def summary(self) -> str:
        text = (
            f"已复制 {self.rows} 行（{len(self.tables)} 张表）、{self.attachments} 个附件"
            f"（{human_size(self.attachment_bytes)}），逐表核对行数和内容校验和一致。"
        )
        if self.missing:
            text += f"另有 {len(self.missing)} 个附件在源数据库中就没有内容，未能复制：{'、'.join(self.missing[:5])}"
            text += "等。" if len(self.missing) > 5 else "。"
        return text

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "dest": self.dest,
            "revision": self.revision,
            "rows": self.rows,
            "tables": [{"name": t.name, "rows": t.rows, "checksum": t.checksum} for t in self.tables],
            "attachments": self.attachments,
            "attachment_bytes": self.attachment_bytes,
            "missing_attachments": list(self.missing),
            "grants_applied": self.grants_applied,
            "seconds": round(self.seconds, 2),
        }


def label(table: str) -> str:
    """A table as a message names it: “合作企业（enterprise）”."""
    return f"{LABELS[table]}（{table}）" if table in LABELS else f"数据表 {table}"


def tables() -> list[Table]:
    """The tables copied row by row, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name != BLOBS and t.name not in OFFLINE]


# ------------------------------------------------------------------ the one entry point


def transfer(
    source: Location | str | Path | Database,
    dest: Location | str | Path,
    *,
    progress: Progress = noop_progress,
    cancel: threading.Event | None = None,
    leave_out: Mapping[str, Collection[str]] | None = None,
    then: Callable[[Connection], None] | None = None,
) -> TransferReport:
    """Copy the whole database `source` (a location, or an open Database, left open) into `dest`, a new file or
    an empty database on a server; see the module's text. Raises TransferRefused, TransferMismatch, Cancelled
    or a DatabaseError subclass, and then leaves nothing at `dest`.

    `leave_out`: {table: columns} not read from the source and left blank in the copy (an offline copy without
    the students' personal data); `then(conn)`: more to write into the destination, in its transaction, after
    the copy is checked (an offline copy's origin and base rows)."""
    started = time.monotonic()
    dest_loc = dest if isinstance(dest, FileLocation | ServerLocation) else parse_location(dest)
    src_loc = source.location if isinstance(source, Database) else _location(source)
    if _same(src_loc, dest_loc):
        raise TransferRefused(f"源和目标是同一个数据库（{dest_loc.display}），请另选目标。")
    tick(progress, cancel, 0.0, "正在检查目标数据库…")
    check_dest_empty(dest_loc)
    tick(progress, cancel, 0.0, "正在打开源数据库…")
    src_db = source if isinstance(source, Database) else open_database(src_loc)
    try:
        if src_db.key_problems:  # the copy's unique keys would refuse them half-way: say so first
            raise TransferRefused(
                "源数据库中有学号、工号等重复，复制前请先处理（chanjiao check-keys 逐条列出）："
                + "；".join(src_db.key_problems[:3])
            )
        job = _Job(
            src_db,
            dest_loc,
            progress,
            cancel,
            leave_out={k: frozenset(v) for k, v in (leave_out or {}).items()},
        )
        job.then = then
        report = job.to_file(dest_loc.path) if isinstance(dest_loc, FileLocation) else job.to_server(dest_loc)
    finally:
        if not isinstance(source, Database):
            src_db.close()
    report = _with_seconds(report, time.monotonic() - started)
    log.info(
        "transfer %s -> %s: %d rows, %d attachments",
        src_loc.display,
        dest_loc.display,
        report.rows,
        report.attachments,
    )
    return report


def _location(where: Location | str | Path) -> Location:
    return where if isinstance(where, FileLocation | ServerLocation) else parse_location(where)


def _same(a: Location, b: Location) -> bool:
    if isinstance(a, FileLocation) and isinstance(b, FileLocation):
        return a.path.resolve() == b.path.resolve()
    if isinstance(a, ServerLocation) and isinstance(b, ServerLocation):
        return (a.host, a.port, a.database) == (b.host, b.port, b.database)
    return False


def _with_seconds(report: TransferReport, seconds: float) -> TransferReport:
    return replace(report, seconds=seconds)


# ------------------------------------------------------------------ an empty destination


def check_dest_empty(dest: Location) -> None:
    """Refuse a destination that holds records, or that a newer version of the app made (in Chinese)."""
    if isinstance(dest, ServerLocation):
        _check_server_empty(dest)
    else:
        _check_file_empty(dest.path)


def records_in(conn: Connection) -> list[str]:
    """The app's tables holding rows of a college's (not the schema version, seeded 经费类别 or settings)."""
    there = set(inspect(conn).get_table_names())
    return [
        t.name
        for t in Base.metadata.sorted_tables
        if t.name in there
        and t.name not in NOT_RECORDS
        and conn.execute(select(1).select_from(t).limit(1)).first()
    ]


def _not_empty(where: str, found: list[str]) -> TransferRefused:
    names = "、".join(LABELS.get(t, t) for t in found[:5])
    return TransferRefused(
        f"{where}里已经有记录（{names}{'等' if len(found) > 5 else ''}），不能作为目标：复制只能写入空的数据库，"
        "不会与已有记录合并。请另选一个新的文件名或一个空的服务器数据库。"
    )


def _check_server_empty(dest: ServerLocation) -> None:
    from app.db.server import make_server_engine, server_error

    engine = make_server_engine(dest)
    try:
        with engine.connect() as conn:
            migrate.check_not_newer(conn, dest)
            if found := records_in(conn):
                raise _not_empty(f"服务器上的数据库“{dest.database}”", found)
    except DBAPIError as e:
        raise (server_error(dest, e, connecting=True) or e) from None
    finally:
        engine.dispose()


def _check_file_empty(path: Path) -> None:
    if path.is_dir():
        raise TransferRefused(f"“{path}”是一个文件夹，请另选文件名。")
    folder = attachments_dir_for(path)
    if folder.is_dir() and any(p.is_file() for p in folder.rglob("*")):
        raise TransferRefused(
            f"“{path.name}”旁已有附件文件夹“{folder.name}”，里面有文件。请另选一个新的文件名（或换个文件夹）。"
        )
    if not path.exists() or path.stat().st_size == 0:
        return
    from urllib.parse import quote

    from sqlalchemy import create_engine

    uri = f"file:{quote(path.resolve().as_posix(), safe='/:')}?mode=ro"
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with engine.connect() as conn:
            migrate.check_not_newer(conn, FileLocation(path))
            found = records_in(conn)
    except (DBAPIError, sqlite3.Error):
        raise TransferRefused(
            f"“{path.name}”已存在，且不是本软件的数据库文件。请另选一个新的文件名。"
        ) from None
    finally:
        engine.dispose()
    if found:
        raise _not_empty(f"文件“{path.name}”", found)


# ------------------------------------------------------------------ the copy


@dataclass
class _Job:
    src: Database
    dest: Location
    progress: Progress
    cancel: threading.Event | None
    done: float = 0.0
    work: float = 1.0
    counts: dict[str, int] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # sha256: name, of bytes the source lacks
    leave_out: dict[str, frozenset[str]] = field(default_factory=dict)
    then: Callable[[Connection], None] | None = None

    # -------------------------------------------------------------- the two destinations

    def to_file(self, path: Path) -> TransferReport:
        final_folder = attachments_dir_for(path)
        moved = False
        try:
            with atomic_path(path) as tmp:  # renamed to `path` only when the block ends without an error
                tmp_folder = attachments_dir_for(tmp)
                try:
                    report = self._fill_file(tmp)
                    if tmp_folder.is_dir():
                        moved = _move_folder(tmp_folder, final_folder)
                except BaseException:
                    shutil.rmtree(tmp_folder, ignore_errors=True)
                    for side in ("-wal", "-shm", "-journal"):
                        tmp.with_name(tmp.name + side).unlink(missing_ok=True)
                    raise
        except BaseException:
            if moved:  # the file could not take its name (held open by another program): no folder without it
                shutil.rmtree(final_folder, ignore_errors=True)
            raise
        return report

    def _fill_file(self, tmp: Path) -> TransferReport:
        with self._source() as src:
            self.tick("正在新建数据库文件…")
            out_db = open_database(tmp)
            try:
                with out_db.engine.connect() as out:
                    with out.begin():
                        take_write_lock(out)
                        tables_done, blobs = self._copy(src, out)
                with out_db.engine.connect() as out:  # read back from the file itself
                    report = self._verify(src, out, tables_done, blobs)
                    if self.then is not None:
                        self.then(out)  # in the transaction the check began
                        out.commit()
                    out.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                out_db.close()
        wal = tmp.with_name(tmp.name + "-wal")
        if (
            wal.exists() and wal.stat().st_size
        ):  # closed, the file holds everything: a -wal left means it does not
            raise AppError(f"新文件没有写完（“{wal.name}”仍在使用），没有保留。请关闭其他程序后重试。")
        for side in ("-wal", "-shm"):
            tmp.with_name(tmp.name + side).unlink(missing_ok=True)
        return report

    def to_server(self, dest: ServerLocation) -> TransferReport:
        from app.db import roles, server

        with self._source() as src:
            self.tick("正在准备服务器上的数据库…")
            out_db = open_database(dest)  # the schema, at the same version as the source's
            try:
                with out_db.engine.connect() as out:
                    try:
                        with out.begin():  # one transaction: a difference or 取消 rolls all of it back
                            take_write_lock(out)
                            if found := records_in(out):  # someone wrote meanwhile
                                raise _not_empty(f"服务器上的数据库“{dest.database}”", found)
                            tables_done, blobs = self._copy(src, out)
                            report = self._verify(src, out, tables_done, blobs)
                            if self.then is not None:
                                self.then(out)
                            self.tick("正在设置本学院角色的权限…")
                            granted = roles.apply_grants(out)
                    except DBAPIError as e:
                        raise (server.server_error(dest, e) or e) from None
            finally:
                out_db.close()
        return replace(report, grants_applied=granted)

    # -------------------------------------------------------------- reading the source

    @contextlib.contextmanager
    def _source(self) -> Iterator[Connection]:
        """One read transaction over the source, so that the copy is of one moment (a snapshot)."""
        engine = self.src.engine
        try:
            if engine.dialect.name == "sqlite":
                with engine.connect() as conn:
                    conn.exec_driver_sql("BEGIN")  # deferred: a read snapshot from the first read on (WAL)
                    yield conn
                    conn.rollback()
            else:
                with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
                    with conn.begin():
                        yield conn
        except DBAPIError as e:
            raise self._source_failure(e) from None

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """A failure of a read of the source said as the source's (not the destination's)."""
        try:
            yield
        except DBAPIError as e:
            raise self._source_failure(e) from None

    def _source_failure(self, e: DBAPIError) -> Exception:
        if "permission denied" in str(e.orig).lower() or getattr(e.orig, "sqlstate", "") == "42501":
            return NoPermission(
                "复制整个数据库需要能读取全部数据（包括学生的身份证号和电话）：请用本学院“管理员”"
                "或有“学生个人信息”权限的用户连接。",
                _first_line(e),
            )
        if isinstance(self.src.location, ServerLocation):
            from app.db.server import server_error

            return server_error(self.src.location, e) or e
        return e

    # -------------------------------------------------------------- copying

    def tick(self, message: str, amount: float = 0.0) -> None:
        self.done += amount
        tick(self.progress, self.cancel, self.done / self.work, message)

    def _copy(self, src: Connection, out: Connection) -> tuple[dict[str, TableCheck], dict[str, str]]:
        """Every table and attachment of `src` into `out` (emptied of what a new database holds first); the
        source's checks of each table, and {sha256: a name of the attachment}."""
        with self._reading():
            self.counts = {
                t.name: src.execute(select(func.count()).select_from(t)).scalar_one() for t in tables()
            }
            blobs = _attachment_names(src)
            if isinstance(self.dest, ServerLocation):
                _check_sizes(src)
        rows = sum(self.counts.values())
        # copied, then read back; an attachment weighs 2 rows each way
        self.work = max(2 * rows + 4 * len(blobs), 1)
        for t in reversed(tables()):  # seeded 经费类别, a `server init`'s settings: the source's replace them
            out.execute(delete(t))
        checks = {t.name: self._copy_table(src, out, t) for t in tables()}
        self._copy_attachments(src, out, blobs)
        return checks, blobs

    def _copy_table(self, src: Connection, out: Connection, table: Table) -> TableCheck:
        check = rows_.Checksum()
        total = self.counts[table.name]
        parts = rows_.read_rows(src, table, self.leave_out.get(table.name, frozenset()))
        while True:
            with self._reading():
                part = next(parts, None)
            if part is None:
                break
            for row in part:
                check.add(rows_.canonical(table, row))
            try:
                insert_rows(out, table, [rows_.for_insert(table, r) for r in part])
            except DBAPIError as e:
                if isinstance(self.dest, ServerLocation) and _is_connection_failure(e):
                    raise
                if isinstance(self.dest, FileLocation) and isinstance(e, OperationalError):
                    raise runtime_error(self.dest.path, e) from None  # a full disk, a read-only folder
                raise AppError(
                    f"复制{label(table.name)}时目标数据库拒绝了数据，没有复制任何内容：{_first_line(e)}",
                    _first_line(e),  # not the whole text: its DETAIL may hold a value (a 身份证号)
                ) from None
            self.tick(f"正在复制：{label(table.name)}（{check.rows}/{total} 行）", len(part))
        return TableCheck(table.name, check.rows, check.hex)

    def _copy_attachments(self, src: Connection, out: Connection, blobs: dict[str, str]) -> None:
        src_s, out_s = Session(bind=src), Session(bind=out)
        with scratch_folder("transfer") as scratch:
            for i, (sha, name) in enumerate(sorted(blobs.items()), 1):
                self.tick(f"正在复制附件（{i}/{len(blobs)}）：{name}", 2)
                with self._reading():
                    path = read_attachment(src_s, sha, scratch)
                if path is None:
                    self.missing[sha] = name
                    continue
                write_attachment(out_s, path)
                if path.parent == scratch:
                    path.unlink()

    # -------------------------------------------------------------- checking

    def _verify(
        self, src: Connection, out: Connection, expected: dict[str, TableCheck], blobs: dict[str, str]
    ) -> TransferReport:
        checks = []
        for t in tables():
            self.tick(f"正在核对：{label(t.name)}", self.counts[t.name])
            got = checksum_of(out, t)
            want = expected[t.name]
            if got.rows != want.rows:
                raise TransferMismatch(
                    f"核对不一致：{label(t.name)}在源数据库中有 {want.rows} 行，复制后有 {got.rows} 行。"
                    "目标没有保留，请重试；仍不一致请联系技术支持。"
                )
            if got.checksum != want.checksum:
                raise TransferMismatch(
                    f"核对不一致：{label(t.name)}复制后的内容与源数据库不同（校验和不符）。"
                    "目标没有保留，请重试；仍不一致请联系技术支持。"
                )
            checks.append(got)
        src_rev, out_rev = migrate.current_revision(src), migrate.current_revision(out)
        if src_rev != out_rev:
            raise TransferMismatch(
                f"核对不一致：结构版本不同（源 {src_rev}，目标 {out_rev}）。目标没有保留。"
            )
        copied, size = self._verify_attachments(out, blobs)
        return TransferReport(
            self.src.display_name,
            self.dest.display,
            out_rev or "",
            tuple(checks),
            copied,
            size,
            tuple(sorted(self.missing.values())),
        )

    def _verify_attachments(self, out: Connection, blobs: dict[str, str]) -> tuple[int, int]:
        out_s = Session(bind=out)
        copied = size = 0
        for i, (sha, name) in enumerate(sorted(blobs.items()), 1):
            self.tick(f"正在核对附件（{i}/{len(blobs)}）", 2)
            if sha in self.missing:
                continue
            got, n = attachment_digest(out_s, sha)
            if got != sha:
                raise TransferMismatch(
                    f"核对不一致：附件“{name}”复制后的内容与源数据库不同。目标没有保留，请重试。"
                )
            copied += 1
            size += n
        return copied, size


def _move_folder(tmp_folder: Path, final: Path) -> bool:
    """The attachments written beside the temporary file, to the folder beside the final name (an empty or
    absent one: check_dest_empty refused one holding files). True: `final` is this copy's alone (made here)."""
    if final.is_dir() and not any(final.rglob("*")):
        shutil.rmtree(final)
    if not final.exists():
        replace_with_retry(tmp_folder, final)  # (a folder: os.replace, retried while Windows holds it)
        return True
    for p in sorted(tmp_folder.rglob("*")):  # a folder holding only empty folders (content-addressed files)
        if p.is_file():
            target = final / p.relative_to(tmp_folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_with_retry(p, target)
    shutil.rmtree(tmp_folder, ignore_errors=True)
    return False


def _attachment_names(src: Connection) -> dict[str, str]:
    from app.db.models import Attachment

    rows = src.execute(
        select(Attachment.sha256, func.min(Attachment.original_name)).group_by(Attachment.sha256)
    ).all()
    return {sha: name for sha, name in rows}


def _check_sizes(src: Connection) -> None:
    """Refuse, before anything is written, attachments larger than a server database keeps."""
    from app.db.models import Attachment
    from app.services import blobs

    big = src.execute(
        select(Attachment.original_name, Attachment.size)
        .where(Attachment.size > blobs.MAX_SERVER_ATTACHMENT)
        .order_by(Attachment.size.desc())
    ).all()
    if big:
        names = "、".join(f"“{name}”（{human_size(size)}）" for name, size in big[:3])
        raise TransferRefused(
            f"有 {len(big)} 个附件超过了服务器数据库中每个附件 {blobs.limit_words()} 的上限：{names}"
            f"{'等' if len(big) > 3 else ''}。没有上传任何内容。请先在本机把这些附件换成压缩或拆分后的文件，再上传。"
        )


def _first_line(e: DBAPIError) -> str:
    text = str(e.orig) if e.orig is not None else str(e)
    return text.strip().splitlines()[0] if text.strip() else text


def _is_connection_failure(e: DBAPIError) -> bool:
    return bool(e.connection_invalidated)


# ------------------------------------------------------------------ seams (tests replace them; see the report)


def insert_rows(out: Connection, table: Table, rows: list[dict[str, object]]) -> None:
    """Write one chunk of rows as they are (ids, versions, timestamps kept)."""
    if rows:
        out.execute(table.insert(), rows)


def checksum_of(out: Connection, table: Table) -> TableCheck:
    """The rows of `table` as the destination holds them (read back)."""
    check = rows_.table_checksum(out, table)
    return TableCheck(table.name, check.rows, check.hex)


def read_attachment(src_s: Session, sha: str, scratch: Path) -> Path | None:
    """A file holding the source's bytes of `sha` (its own stored file on a database file, else a copy in
    `scratch`); None when the source has no such bytes, or bytes that are not `sha`'s (damaged)."""
    from app.services import blobs

    if not blobs.on_server(src_s):
        path = blobs.stored_path(blobs.folder(src_s), sha)
        if not path.is_file():
            return None
    else:
        path = scratch / sha
        try:
            blobs.copy_to(src_s, sha, path)
        except FileNotFoundError:
            return None
    return path if blobs.sha256_of(path) == sha else None


def write_attachment(out_s: Session, path: Path) -> None:
    """Keep the bytes at `path` in the destination (its folder, or its attachment_blob table)."""
    from app.services import blobs

    blobs.store(out_s, path)


def attachment_digest(out_s: Session, sha: str) -> tuple[str, int]:
    """The SHA-256 and size of the bytes the destination holds for `sha` (read back)."""
    from app.services import blobs

    h, n = hashlib.sha256(), 0
    try:
        with blobs.opened(out_s, sha) as f:
            while chunk := f.read(blobs.CHUNK):
                h.update(chunk)
                n += len(chunk)
    except FileNotFoundError:
        return "", 0
    return h.hexdigest(), n
