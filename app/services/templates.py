"""The college's own Word templates (设置 → 模板): for each kind of document, a .docx that replaces the
built-in template when no other template is chosen for one generation.

Storage: the template is an Attachment with owner_type "template" and owner_id the kind ("tripartite",
"agreement", …), its bytes stored as every attachment's (app/services/blobs.py: by SHA-256 in the folder
beside a database file, in the database on a server), so it travels with the database and with its backup
(a file's .zip holds the attachments folder; a server's pg_dump holds the table). At most one live attachment
per kind; replacing or clearing soft-deletes the previous one (its bytes stay until purged).

A template is hostile input: before it is stored it passes the checks of app/docs/render.py (a real .docx of
a reasonable size, XML docxtpl handles in linear time) and is filled once with a sample context of its kind
in the sandbox, in the render process with its time and memory limit (app/docs/worker.py), so a broken
placeholder, an unknown field, template code, or a template too slow or too big for real data is refused
with the Chinese message of the render module and nothing is stored. The sample is shaped like real data
(app/docs/sample.py: lists of several items), so nested loops cost at the check what they would cost
on real data. It is checked again every time it is used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Attachment
from app.docs.kinds import KINDS, DocumentKind, kinds
from app.docs.render import TemplateSource, template_bytes
from app.docs.sample import SAMPLE, Sample
from app.docs.worker import RenderWorker
from app.errors import AppError, DocumentTemplateError, ValidationError
from app.fsutil import atomic_path
from app.services import blobs
from app.services.attachments import add_attachment
from app.services.common import Changes, now

OWNER_TYPE = "template"


def _kind(kind: str) -> DocumentKind:
    if kind not in kinds():
        raise ValidationError("kind", f"文档类型应为：{'、'.join(kinds())}")
    return KINDS[kind]


def label(kind: str) -> str:
    return _kind(kind).label


def placeholders(kind: str) -> tuple[tuple[str, str], ...]:
    """(placeholder, meaning) pairs a template of this kind may use (the sheet inside the app)."""
    module = importlib.import_module(_kind(kind).module)
    if module.__name__ == "app.docs.cooperation":
        return module.placeholders(kind)
    return tuple(module.PLACEHOLDERS)


def builtin_template(kind: str) -> bytes:
    module = importlib.import_module(_kind(kind).module)
    if module.__name__ == "app.docs.cooperation":
        return module.builtin_template(kind)
    return module.builtin_template()


def builtin_file_name(kind: str) -> str:
    return _kind(kind).file_name


def save_builtin_template(kind: str, out: Path) -> Path:
    """The built-in template of `kind` at `out`, to edit in Word and set as the college's template."""
    data = builtin_template(kind)
    with atomic_path(Path(out)) as tmp:
        tmp.write_bytes(data)
    return Path(out)


# ---------------------------------------------------------------- the check


def sample_context(kind: str) -> dict[str, Any]:
    """A context with every documented field: records whose fields are listed (student.name …) are strict,
    so a misspelt field is refused; lists and loop items (Sample) accept any field and hold several items."""
    context: dict[str, Any] = {}
    for key, _meaning in placeholders(kind):
        for name in key.split(" / "):
            top, _, field = name.strip().partition(".")
            if not field:
                context.setdefault(top, Sample())
            elif not isinstance(context.get(top), dict):
                context[top] = {field: SAMPLE}
            else:
                context[top][field] = SAMPLE
    return context


def check_template(kind: str, source: TemplateSource, name: str) -> bytes:
    """The template's bytes if it can fill a document of `kind`; DocumentTemplateError (Chinese, naming the
    placeholder) otherwise."""
    data = template_bytes(source, name)
    with RenderWorker(data, name) as worker:
        worker.fill(sample_context(kind))  # read back in full: a result Word could not open is refused
    return data


# ---------------------------------------------------------------- the college's templates


@dataclass(frozen=True)
class TemplateStatus:
    kind: str
    label: str
    custom_name: str  # the original file name; "" = the built-in template
    set_on: dt.datetime | None
    attachment_id: str = ""


def _current(s: Session, kind: str) -> Attachment | None:
    return s.scalars(
        select(Attachment)
        .where(
            Attachment.owner_type == OWNER_TYPE,
            Attachment.owner_id == kind,
            Attachment.deleted_at.is_(None),
        )
        .order_by(Attachment.created_at.desc())
    ).first()


def set_custom_template(s: Session, kind: str, path: Path) -> Changes:
    """Check the .docx at `path` and make it the college's template of `kind` (replacing any other)."""
    info = _kind(kind)
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise DocumentTemplateError(
            f"“{path.name}”不是 Word 模板（.docx）。请在 Word 中“另存为” .docx 格式后再设置。"
        )
    data = check_template(kind, path, path.name)
    for old in s.scalars(
        select(Attachment).where(
            Attachment.owner_type == OWNER_TYPE, Attachment.owner_id == kind, Attachment.deleted_at.is_(None)
        )
    ):
        old.deleted_at = now()
    changes = add_attachment(s, OWNER_TYPE, kind, path, kind="template")
    row = s.get(Attachment, changes.ids[0])
    if row is None or row.sha256 != hashlib.sha256(data).hexdigest():  # the file changed after the check
        raise AppError(f"设置{info.label}模板时文件“{path.name}”发生了变化，请关闭正在编辑它的程序后重试。")
    return Changes("settings", (row.id,))


def clear_custom_template(s: Session, kind: str) -> Changes:
    """Back to the built-in template of `kind`."""
    _kind(kind)
    ids = []
    for row in s.scalars(
        select(Attachment).where(
            Attachment.owner_type == OWNER_TYPE, Attachment.owner_id == kind, Attachment.deleted_at.is_(None)
        )
    ):
        row.deleted_at = now()
        ids.append(row.id)
    return Changes("settings", tuple(ids))


def _missing(kind: str, row: Attachment, on_server: bool) -> DocumentTemplateError:
    where = "不在服务器数据库中" if on_server else "不在附件文件夹中（可能被移动或删除）"
    return DocumentTemplateError(
        f"学院的{label(kind)}模板“{row.original_name}”{where}。请在“设置 → 模板”中重新设置，或恢复内置模板。"
    )


def custom_template_path(s: Session, kind: str) -> Path | None:
    """The stored file of the college's template of `kind` in the attachments folder of a database file, or
    None for the built-in one. A template set but missing from the attachments folder is an error, not a
    silent fall-back to the built-in one. (A server's database keeps it in the database: template_source.)"""
    row = _current(s, kind)
    if row is None:
        return None
    path = blobs.stored_path(blobs.folder(s), row.sha256)
    if not path.is_file():
        raise _missing(kind, row, on_server=False)
    return path


def template_source(s: Session, kind: str, explicit: Path | None = None) -> tuple[TemplateSource, str]:
    """What to fill for one generation, and how messages call it: the template chosen for this generation,
    else the college's template (设置 → 模板: its file beside a database file, its bytes from a server's
    database), else the built-in one."""
    if explicit is not None:
        return Path(explicit), Path(explicit).name
    row = _current(s, kind)
    if row is None:
        return builtin_template(kind), f"内置{label(kind)}模板"
    if not blobs.on_server(s):
        path = custom_template_path(s, kind)
        assert path is not None
        return path, row.original_name
    try:
        return blobs.read_bytes(s, row.sha256), row.original_name  # checked when set: a few MB at most
    except FileNotFoundError as e:
        raise _missing(kind, row, on_server=True) from e


def template_status(s: Session) -> list[TemplateStatus]:
    """One line per kind: the college's template (file name, when it was set) or the built-in one."""
    result = []
    for kind, name in kinds().items():
        row = _current(s, kind)
        result.append(
            TemplateStatus(
                kind,
                name,
                row.original_name if row else "",
                row.created_at if row else None,
                row.id if row else "",
            )
        )
    return result
