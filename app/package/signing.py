"""Signed submission packages (上报材料包): each college's installation holds an Ed25519 signing key and signs
the bytes of manifest.json (which lists the SHA-256 of every other file), so the school can tell a genuine
package from one whose files, college or export time were changed after export.

Where the private key lives (college side):
- the OS key store through keyring (Windows: 凭据管理器; macOS: 钥匙串; Linux: Secret Service) when a usable
  backend exists;
- else (Linux without Secret Service, portable mode on a USB stick, or CHANJIAO_KEY_STORE=file as the tests
  set) a key file in the app's data folder (app/paths.py) readable only by the OS user (0600).

The package carries `signature.json` (SIGNATURE_FORMAT: the algorithm, the public key and the signature of
manifest.json's bytes); the manifest carries "signing": the key's fingerprint and the college's package
sequence number (app/services/settings.py next_package_sequence), both covered by the signature.
The school's side (which keys it trusts) is app/package/trust.py."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.errors import AppError
from app.paths import home_dir, portable_dir

log = logging.getLogger(__name__)

ALGORITHM = "ed25519"
ENV = "CHANJIAO_KEY_STORE"  # "file": never the OS key store (tests; a machine whose key store misbehaves)
SERVICE, ACCOUNT = "chanjiao", "package-signing-key"
KEY_FOLDER = "keys"
KEY_FILE = "package-signing.key"
PRIVATE_FORMAT = "chanjiao-signing-key"
PUBLIC_FORMAT = "chanjiao-college-key"  # the public key file a college hands to the school
MAX_SEQUENCE = 10**9
MAX_SIGNATURE_BYTES = 4096
MAX_KEY_FILE_BYTES = 64 * 1024
_DEFAULT: Any = object()


@dataclass(frozen=True)
class Signer:
    """Who signed a package, as its signature.json and manifest say (the signature checked)."""

    public_key: str  # base64 of the raw 32 bytes
    fingerprint: str  # SHA-256 of the raw key, 64 hex digits
    sequence: int

    @property
    def short(self) -> str:
        return short_fingerprint(self.fingerprint)


@dataclass(frozen=True)
class CollegeKey:
    private: Ed25519PrivateKey
    where: str  # "系统密钥库" or the key file's path

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes_raw()

    @property
    def public_key(self) -> str:
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_raw)


def fingerprint(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()


def short_fingerprint(hex_digest: str) -> str:
    """The first 32 hex digits in groups of four, upper case: what people read aloud to compare."""
    head = hex_digest[:32].upper()
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


# ---------------------------------------------------------------- signing and checking


def signature_entry(key: CollegeKey, manifest_bytes: bytes) -> bytes:
    """signature.json for `manifest_bytes` (exactly the bytes stored as manifest.json)."""
    sig = key.private.sign(manifest_bytes)
    body = {
        "algorithm": ALGORITHM,
        "public_key": key.public_key,
        "signature": base64.b64encode(sig).decode("ascii"),
    }
    return json.dumps(body, indent=2).encode("utf-8")


def check_signature(manifest_bytes: bytes, entry: bytes, manifest: dict) -> Signer | str:
    """The signer of a package when signature.json (`entry`) is a valid signature of `manifest_bytes` and the
    manifest's "signing" names the same key; else why not (Chinese)."""
    try:
        body = json.loads(entry.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "签名文件不是有效的 JSON，无法核对签名"
    if not isinstance(body, dict) or body.get("algorithm") != ALGORITHM:
        return f"签名文件的算法不是 {ALGORITHM}，无法核对签名"
    raw, sig = _b64(body.get("public_key")), _b64(body.get("signature"))
    if raw is None or len(raw) != 32 or sig is None or len(sig) != 64:
        return "签名文件中的公钥或签名格式不对"
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(sig, manifest_bytes)
    except (InvalidSignature, ValueError):
        return "签名与清单不符：清单（其中记有每个文件的 SHA-256）在导出后被改动过"
    signing = manifest.get("signing")
    if not isinstance(signing, dict) or signing.get("key") != fingerprint(raw):
        return "清单中的“signing”缺失或与签名的公钥不符"
    seq = signing.get("sequence")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= MAX_SEQUENCE:
        return "清单中的材料包序号“signing.sequence”无效"
    return Signer(base64.b64encode(raw).decode("ascii"), fingerprint(raw), seq)


def _b64(value: object) -> bytes | None:
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


# ---------------------------------------------------------------- the college's key


def key_file_path() -> Path:
    return home_dir() / KEY_FOLDER / KEY_FILE


def os_key_store() -> Any | None:
    """The keyring backend to keep the private key in, or None for the key file: CHANJIAO_KEY_STORE=file,
    portable mode (the key travels with the stick), no keyring installed, or only keyring's fail backend."""
    if os.environ.get(ENV, "").strip().lower() == "file" or portable_dir() is not None:
        return None
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or backend.priority <= 0:
            return None
    except Exception:  # keyring missing or its discovery failing: the file will do
        log.info("no usable OS key store", exc_info=True)
        return None
    return backend


def college_key(*, store: Any = _DEFAULT, create: bool = True) -> CollegeKey | None:
    """This installation's signing key, made on first use (None when `create` is False and there is none).
    `store`: a keyring backend, or None for the key file (default: os_key_store()). A store that fails is
    left for the key file; a stored key that cannot be read raises AppError (never silently replaced: the
    school knows the college by it)."""
    backend = os_key_store() if store is _DEFAULT else store
    if backend is not None:
        try:
            return _from_store(backend, create)
        except AppError:
            raise
        except Exception:
            log.warning("the OS key store failed; using the key file", exc_info=True)
    return _from_file(key_file_path(), create)


def _from_store(backend: Any, create: bool) -> CollegeKey | None:
    text = backend.get_password(SERVICE, ACCOUNT)
    if not text and create:
        backend.set_password(SERVICE, ACCOUNT, _private_text(Ed25519PrivateKey.generate()))
        text = backend.get_password(SERVICE, ACCOUNT)
    if not text:
        return None
    return CollegeKey(_parse_private(text, f"系统密钥库中的“{SERVICE}”项"), "系统密钥库")


def _from_file(path: Path, create: bool) -> CollegeKey | None:
    if not path.exists():
        if not create:
            return None
        _write_private(path, Ed25519PrivateKey.generate())
    _owner_only(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise AppError(f"无法读取签名密钥文件“{path}”：{e}", repr(e)) from e
    return CollegeKey(_parse_private(text, f"签名密钥文件“{path}”"), str(path))


def _private_text(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes_raw()
    return json.dumps({"format": PRIVATE_FORMAT, "algorithm": ALGORITHM, "private_key": _enc(raw)})


def _enc(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _parse_private(text: str, where: str) -> Ed25519PrivateKey:
    try:
        body = json.loads(text)
        raw = _b64(body.get("private_key")) if isinstance(body, dict) else None
        if body.get("format") != PRIVATE_FORMAT or raw is None or len(raw) != 32:
            raise ValueError("not a signing key")
        return Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, AttributeError) as e:
        raise AppError(
            f"{where}已损坏，无法用它给材料包签名。请删除它后重新导出（将生成新的密钥），并把新的公钥文件交给学校。",
            repr(e),
        ) from e


def _write_new(path: Path, key: Ed25519PrivateKey) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(_private_text(key))
        f.flush()
        os.fsync(f.fileno())


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    """The key file, created readable by the OS user only; a file made meanwhile by another copy wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        path.parent.chmod(0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(_private_text(key))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # fails when the key exists: never replace a key already in use
        except FileExistsError:
            pass
        except OSError:  # no hard links (FAT32 USB stick): create it in place, only if it does not exist
            _write_new(path, key)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _owner_only(path: Path) -> None:
    if os.name != "posix":
        return
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            path.chmod(0o600)
            log.warning("signing key file was readable by others; made private")
    except OSError:
        log.warning("could not check the signing key file's permissions", exc_info=True)


# ---------------------------------------------------------------- the public key file


@dataclass(frozen=True)
class PublicKeyFile:
    school: str
    college: str
    public_key: str  # base64
    fingerprint: str


def public_key_file(key: CollegeKey, school: str, college: str) -> bytes:
    body = {
        "format": PUBLIC_FORMAT,
        "version": 1,
        "school": school,
        "college": college,
        "algorithm": ALGORITHM,
        "public_key": key.public_key,
        "fingerprint": key.fingerprint,
    }
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def read_public_key_file(path: Path) -> PublicKeyFile:
    """A college's public key file (hostile until read: size, JSON, fields); AppError (Chinese) when bad."""
    path = Path(path)
    bad = f"“{path.name}”不是本软件导出的学院公钥文件"
    try:
        if path.stat().st_size > MAX_KEY_FILE_BYTES:
            raise AppError(f"{bad}（文件过大）。")
        body = json.loads(path.read_bytes().decode("utf-8-sig"))
    except AppError:
        raise
    except OSError as e:
        raise AppError(f"无法读取“{path.name}”：{e.strerror or e}", repr(e)) from e
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise AppError(f"{bad}（不是有效的 JSON）。", repr(e)) from e
    if (
        not isinstance(body, dict)
        or body.get("format") != PUBLIC_FORMAT
        or body.get("algorithm") != ALGORITHM
    ):
        raise AppError(f"{bad}。")
    raw = _b64(body.get("public_key"))
    school, college = body.get("school"), body.get("college")
    if raw is None or len(raw) != 32 or not isinstance(school, str) or not isinstance(college, str):
        raise AppError(f"{bad}（公钥或学院名称缺失）。")
    if not college.strip():
        raise AppError(f"“{path.name}”中没有学院名称。")
    if body.get("fingerprint") not in (None, fingerprint(raw)):
        raise AppError(f"“{path.name}”中的指纹与公钥不符，文件可能被改动过。")
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as e:
        raise AppError(f"{bad}（公钥无效）。", repr(e)) from e
    return PublicKeyFile(school.strip(), college.strip(), _enc(raw), fingerprint(raw))
