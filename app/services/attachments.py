"""Attachments: a record's files, stored once per SHA-256 (app/services/blobs.py: in the folder beside a
database file, in the database on a server).

The original file name is kept in the record. Removing an attachment from one record never removes bytes
another record still uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Attachment
from app.errors import AppError, NotFound
from app.fsutil import atomic_path, safe_filename
from app.services import blobs
from app.services.blobs import sha256_of, stored_path  # noqa: F401 (callers and tests import them from here)
from app.services.common import Changes, soft_delete


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    original_name: str
    size: int
    kind: str
    sha256: str
    created_at: dt.datetime


def add_attachment(s: Session, owner_type: str, owner_id: str, src: Path, kind: str = "") -> Changes:
    src = Path(src)
    if not src.is_file():
        raise AppError(f"找不到文件“{src}”")
    try:
        stored = blobs.store(s, src)
    except PermissionError as e:
        raise AppError(f"无法读取文件“{src.name}”：没有权限或文件正被其他程序占用", str(e)) from e
    row = Attachment(
        owner_type=owner_type,
        owner_id=owner_id,
        sha256=stored.sha256,
        original_name=src.name,
        size=stored.size,
        kind=kind,
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


def missing(row: Attachment, on_server: bool) -> NotFound:
    if on_server:
        return NotFound(f"附件“{row.original_name}”的内容不在数据库中（可能已被其他用户彻底删除）")
    return NotFound(f"附件“{row.original_name}”的文件不在附件文件夹中（可能被手动删除或移动）")


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
    blobs.forget_unused(s, shas)


def copy_for_viewing(s: Session, attachment_id: str, folder: Path) -> Path:
    """A copy of the attachment under its original (Windows-safe) name, so the OS opens it with the
    right program; stored files are named by hash and have no extension."""
    row = s.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("附件记录不存在")
    if not blobs.exists(s, row.sha256):
        raise missing(row, blobs.on_server(s))
    target = folder / row.id[:8] / safe_filename(row.original_name)
    if not target.exists() or target.stat().st_size != row.size:
        with atomic_path(target) as tmp:  # the old copy may still be open in the viewer
            try:
                blobs.copy_to(s, row.sha256, tmp)
            except FileNotFoundError as e:
                raise missing(row, blobs.on_server(s)) from e
    return target
