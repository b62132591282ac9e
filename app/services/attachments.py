"""Attachments: files copied into the managed folder beside the database, stored once per SHA-256.

The original file name is kept in the record; the bytes live at <folder>/<aa>/<sha256>. Removing an
attachment from one record never removes bytes another record still uses."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.db.models import Attachment
from app.errors import AppError, NotFound
from app.fsutil import atomic_path, safe_filename
from app.services.common import Changes, attachments_dir, soft_delete

CHUNK = 1 << 20


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    original_name: str
    size: int
    kind: str
    sha256: str
    created_at: dt.datetime


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def stored_path(folder: Path, sha: str) -> Path:
    return folder / sha[:2] / sha


def _store(folder: Path, src: Path, sha: str) -> None:
    target = stored_path(folder, sha)
    if target.exists():
        return
    with atomic_path(target) as tmp:
        shutil.copyfile(src, tmp)
        if sha256_of(tmp) != sha:  # the source changed while we copied it
            raise AppError(f"复制附件“{src.name}”时文件发生了变化，请关闭正在编辑它的程序后重试")


def add_attachment(s: Session, owner_type: str, owner_id: str, src: Path, kind: str = "") -> Changes:
    src = Path(src)
    if not src.is_file():
        raise AppError(f"找不到文件“{src}”")
    try:
        sha = sha256_of(src)
        size = src.stat().st_size
        _store(attachments_dir(s), src, sha)
    except PermissionError as e:
        raise AppError(f"无法读取文件“{src.name}”：没有权限或文件正被其他程序占用", str(e)) from e
    row = Attachment(
        owner_type=owner_type, owner_id=owner_id, sha256=sha, original_name=src.name, size=size, kind=kind
    )
    s.add(row)
    s.flush()
    return Changes("attachment", (row.id,))


def list_attachments(s: Session, owner_type: str, owner_id: str) -> list[AttachmentInfo]:
    rows = s.scalars(
        select(Attachment)
        .where(
            Attachment.owner_type == owner_type,
            Attachment.owner_id == owner_id,
            Attachment.deleted_at.is_(None),
        )
        .order_by(Attachment.created_at)
    )
    return [AttachmentInfo(a.id, a.original_name, a.size, a.kind, a.sha256, a.created_at) for a in rows]


def attachment_file(s: Session, attachment_id: str) -> Path:
    """The stored file of an attachment (to open with the OS default application)."""
    row = s.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("附件记录不存在")
    path = stored_path(attachments_dir(s), row.sha256)
    if not path.exists():
        raise NotFound(f"附件“{row.original_name}”的文件不在附件文件夹中（可能被手动删除或移动）")
    return path


def remove_attachments(s: Session, ids: list[str]) -> Changes:
    """Soft delete; the bytes stay until purged and unused."""
    return soft_delete(s, Attachment, ids)


def purge_owner_attachments(s: Session, owner_type: str, owner_id: str) -> None:
    rows = s.scalars(
        select(Attachment).where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
    ).all()
    shas = {r.sha256 for r in rows}
    for r in rows:
        s.delete(r)
    s.flush()
    if not shas:  # nothing stored (and a server database has no folder)
        return
    folder = attachments_dir(s)
    for sha in shas:
        users = s.scalar(select(func.count()).select_from(Attachment).where(Attachment.sha256 == sha))
        if not users:
            s.info.setdefault(_FILES_TO_REMOVE, set()).add(stored_path(folder, sha))


# Removing bytes cannot roll back: it happens only after the transaction that dropped the last
# reference has committed.
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


def copy_for_viewing(s: Session, attachment_id: str, folder: Path) -> Path:
    """A copy of the attachment under its original (Windows-safe) name, so the OS opens it with the
    right program; stored files are named by hash and have no extension."""
    row = s.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("附件记录不存在")
    src = attachment_file(s, attachment_id)
    target = folder / row.id[:8] / safe_filename(row.original_name)
    if not target.exists() or target.stat().st_size != row.size:
        with atomic_path(target) as tmp:  # the old copy may still be open in the viewer
            shutil.copyfile(src, tmp)
    return target
