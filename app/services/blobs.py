"""Where the bytes of attachments live, once per SHA-256: the one seam between the attachment records and
their storage, chosen by the session's database.

- A database file: files in the folder beside it (`<数据库名>_附件/<aa>/<sha256>`). A file no record uses
  any more is removed only after the transaction that dropped its last reference has committed (a file
  removal cannot roll back); after a rollback it stays.
- A database on a server: rows of `attachment_blob` (app/db/models.py AttachmentBlob), so every client reads
  them and the server's backup (pg_dump) carries them. Bytes no record uses any more are deleted in the same
  transaction (transactional for free). Each attachment is at most MAX_SERVER_ATTACHMENT bytes.

Nothing outside this module knows the folder or the table."""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from sqlalchemy import LargeBinary, delete, event, func, select
from sqlalchemy import exists as sql_exists
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.engine import attachments_dir_for
from app.db.models import Attachment, AttachmentBlob
from app.errors import AppError, NotOnServer
from app.fsutil import atomic_path, human_size

CHUNK = 1 << 20
READ_CHUNK = 8 << 20  # one query per 8 MB when a server's attachment is read
MAX_SERVER_ATTACHMENT = 64 * 1024 * 1024


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int


def on_server(s: Session) -> bool:
    return s.get_bind().dialect.name != "sqlite"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _changed(src: Path) -> AppError:
    return AppError(f"复制附件“{src.name}”时文件发生了变化，请关闭正在编辑它的程序后重试")


def store(s: Session, src: Path) -> Stored:
    """Keep the bytes of the file at `src` (once: the same bytes stored before are not stored again)."""
    if on_server(s):
        return _store_row(s, src)
    sha = sha256_of(src)
    size = src.stat().st_size
    _store_file(folder(s), src, sha)
    return Stored(sha, size)


def present(s: Session, shas: Iterable[str]) -> set[str]:
    """Those of `shas` whose bytes are stored."""
    wanted = set(shas)
    if not on_server(s):
        where = folder(s)
        return {sha for sha in wanted if stored_path(where, sha).is_file()}
    found: set[str] = set()
    ordered = sorted(wanted)
    for i in range(0, len(ordered), 500):
        part = ordered[i : i + 500]
        found.update(s.scalars(select(AttachmentBlob.sha256).where(AttachmentBlob.sha256.in_(part))))
    return found


def exists(s: Session, sha: str) -> bool:
    return sha in present(s, [sha])


@contextlib.contextmanager
def opened(s: Session, sha: str) -> Iterator[BinaryIO]:
    """The stored bytes, to read (FileNotFoundError when they are not stored)."""
    if not on_server(s):
        with stored_path(folder(s), sha).open("rb") as f:
            yield f
        return
    size = s.scalar(select(AttachmentBlob.size).where(AttachmentBlob.sha256 == sha))
    if size is None:
        raise FileNotFoundError(sha)
    with io.BufferedReader(_RowReader(s, sha, size), buffer_size=READ_CHUNK) as f:
        yield cast(BinaryIO, f)


def copy_to(s: Session, sha: str, dest: Path) -> None:
    """Write the stored bytes to the file `dest`."""
    with opened(s, sha) as f, Path(dest).open("wb") as out:
        shutil.copyfileobj(f, out, CHUNK)


def read_bytes(s: Session, sha: str) -> bytes:
    with opened(s, sha) as f:
        return f.read()


def forget_unused(s: Session, shas: Iterable[str]) -> None:
    """Drop the bytes of `shas` that no attachment (live or in the 回收站) refers to any more."""
    shas = sorted(set(shas))
    if not shas:
        return
    s.flush()
    if on_server(s):
        unused = ~sql_exists().where(Attachment.sha256 == AttachmentBlob.sha256)
        s.execute(delete(AttachmentBlob).where(AttachmentBlob.sha256.in_(shas), unused))
        return
    where = folder(s)
    for sha in shas:
        users = s.scalar(select(func.count()).select_from(Attachment).where(Attachment.sha256 == sha))
        if not users:
            s.info.setdefault(_FILES_TO_REMOVE, set()).add(stored_path(where, sha))


# ---------------------------------------------------------------- a database on a server


def limit_words() -> str:
    """The server's size limit as people write it (“64 MB”, not “64.0 MB”)."""
    mb, rest = divmod(MAX_SERVER_ATTACHMENT, 1 << 20)
    return f"{mb} MB" if mb and not rest else human_size(MAX_SERVER_ATTACHMENT)


def too_big_for_a_server(src: Path) -> str:
    """Why the file at `src` cannot be kept in a server's database ("" when it can), in words: the form's
    attachments tab says it when the file is chosen, the save refuses it the same way."""
    try:
        size = src.stat().st_size
    except OSError:  # gone or unreadable: adding it says so (the file's own message)
        return ""
    if size <= MAX_SERVER_ATTACHMENT:
        return ""
    return (
        f"附件“{src.name}”有 {human_size(size)}，超过了服务器数据库中每个附件 "
        f"{limit_words()} 的上限，没有添加。请压缩或拆分后再添加。"
    )


def _store_row(s: Session, src: Path) -> Stored:
    if refused := too_big_for_a_server(src):
        raise AppError(refused + "这次保存没有写入任何内容，表单中的修改仍在。")
    size = src.stat().st_size
    sha = sha256_of(src)
    if s.scalar(select(AttachmentBlob.size).where(AttachmentBlob.sha256 == sha)) is not None:
        return Stored(sha, size)  # the same bytes are there already
    data = src.read_bytes()  # the one copy in memory, at most MAX_SERVER_ATTACHMENT
    if len(data) > MAX_SERVER_ATTACHMENT or hashlib.sha256(data).hexdigest() != sha:
        raise _changed(src)
    # Two users adding the same bytes at once: one row, the other insert does nothing.
    s.execute(
        pg_insert(AttachmentBlob)
        .values(sha256=sha, size=len(data), data=data, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    return Stored(sha, len(data))


class _RowReader(io.RawIOBase):
    """A server's stored bytes read a piece at a time (substr of the column, stored uncompressed by
    migration 0013 so that a piece costs only its own bytes): never the whole attachment in memory."""

    def __init__(self, s: Session, sha: str, size: int) -> None:
        self.s, self.sha, self.size, self.pos = s, sha, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = min(len(buffer), self.size - self.pos)
        if n <= 0:
            return 0
        piece = self.s.scalar(
            select(func.substr(AttachmentBlob.data, self.pos + 1, n, type_=LargeBinary)).where(
                AttachmentBlob.sha256 == self.sha
            )
        )
        if not piece:  # removed meanwhile by another user's purge
            raise FileNotFoundError(self.sha)
        buffer[: len(piece)] = piece
        self.pos += len(piece)
        return len(piece)

    def readall(self) -> bytes:  # RawIOBase's reads 8 KB at a time: one query each
        parts = []
        while piece := self.read(READ_CHUNK):
            parts.append(piece)
        return b"".join(parts)


# ---------------------------------------------------------------- a database file: the folder


def folder(s: Session) -> Path:
    """The attachments folder beside the session's database file (a server's database has none)."""
    if on_server(s):
        raise NotOnServer("服务器上的数据库没有附件文件夹：附件保存在数据库中。")
    return attachments_dir_for(Path(s.get_bind().engine.url.database or "."))


def stored_path(where: Path, sha: str) -> Path:
    return where / sha[:2] / sha


def _store_file(where: Path, src: Path, sha: str) -> None:
    target = stored_path(where, sha)
    if target.exists():
        return
    with atomic_path(target) as tmp:
        shutil.copyfile(src, tmp)
        if sha256_of(tmp) != sha:  # the source changed while we copied it
            raise _changed(src)


# Removing a file cannot roll back: it happens only after the transaction that dropped the last reference
# has committed.
_FILES_TO_REMOVE = "chanjiao.files_to_remove"


@event.listens_for(Session, "after_commit")
def _remove_files_after_commit(session: Session) -> None:
    for path in session.info.pop(_FILES_TO_REMOVE, ()):
        try:
            path.unlink(missing_ok=True)
        except OSError:  # open in another program (Windows): leave it; it is unreferenced and harmless
            pass


@event.listens_for(Session, "after_rollback")
def _keep_files_after_rollback(session: Session) -> None:
    session.info.pop(_FILES_TO_REMOVE, None)
