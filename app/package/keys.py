"""The college's side of package signing (app/package/signing.py): the next sequence number for an export,
and the public key file handed to the school (`chanjiao package key export`, the export wizard's 导出签名公钥…).

The sequence lives in the college's database settings (it travels with the database); a copy of the highest
number used is kept beside the signing key, so that a database restored from an old backup does not hand out
numbers the school has already seen (the school would call the new package "older")."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlalchemy.orm import Session

from app.db.engine import holds_write_lock, take_write_lock
from app.errors import AppError
from app.fsutil import atomic_path
from app.package.signing import CollegeKey, college_key, public_key_file, short_fingerprint
from app.paths import home_dir
from app.services.settings import get_profile, next_package_sequence

log = logging.getLogger(__name__)

SEQUENCE_FILE = "package-sequence.json"


def reserve_sequence(s: Session, key: CollegeKey) -> int:
    """The next sequence number, committed at once in a transaction of its own when the export's session
    only reads (never reused, even when the export fails after); in the caller's transaction when it is
    writing already (tests, a job that writes and exports)."""
    path = home_dir() / "keys" / SEQUENCE_FILE
    local = _local_sequences(path)
    above = local.get(key.fingerprint, 0)
    if holds_write_lock(s.connection()):  # a caller's write transaction: another connection would wait for it
        n = next_package_sequence(s, above=above)
        s.flush()
    else:
        with Session(s.get_bind()) as w, w.begin():
            take_write_lock(w.connection())  # the last number read under the write lock
            n = next_package_sequence(w, above=above)
    local[key.fingerprint] = n
    _save_local(path, local)
    return n


def _local_sequences(path: Path) -> dict[str, int]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        log.warning("package sequence copy unreadable: %r", e)
        return {}
    if not isinstance(body, dict):
        return {}
    return {k: v for k, v in body.items() if isinstance(k, str) and isinstance(v, int)}


def _save_local(path: Path, values: dict[str, int]) -> None:
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(values), encoding="utf-8")
    except (OSError, AppError) as e:  # the database holds the number: the copy is a safeguard only
        log.warning("package sequence copy not saved: %r", e)


def export_public_key(s: Session, out: Path) -> tuple[Path, str]:
    """Write this installation's public key, with the college's names, to `out` (.json added when missing);
    (the file, the short fingerprint to read to the school)."""
    profile = get_profile(s)
    if not profile.college.strip():
        raise AppError("请先在“设置 → 学院信息”中填写学校和学院名称，再导出签名公钥。")
    out = Path(out)
    if out.suffix.lower() != ".json":
        out = out.with_name(out.name + ".json")
    key = college_key()
    assert key is not None
    try:
        with atomic_path(out) as tmp:
            tmp.write_bytes(public_key_file(key, profile.school, profile.college))
    except OSError as e:
        raise AppError(f"无法写入“{out.name}”：{e.strerror or e}。请另选保存位置。", repr(e)) from e
    return out, short_fingerprint(key.fingerprint)
