"""The school's trust store: the colleges' public signing keys (app/package/signing.py) and, per college and
period, the highest package sequence number already merged. The school side has no college database of its
own, so it is a JSON file in the app's data folder (app/paths.py), written atomically.

A key is trusted either from a key file the college hands over (`chanjiao package key import`, the 学校汇总
page's 导入学院公钥…) or on first use, after someone at the school compared the fingerprint shown (the 学校汇总
page asks; the CLI only with --trust-new). A college has one key at a time: a new one replaces the old only
by a key file or an explicit confirmation."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from app.domain.names import clean_text, name_key
from app.errors import AppError
from app.fsutil import atomic_path
from app.paths import home_dir

log = logging.getLogger(__name__)

FILE = "trusted_college_keys.json"
FORMAT = "chanjiao-trust"
FROM_FILE, ON_FIRST_USE = "公钥文件", "首次使用时确认"


@dataclass(frozen=True)
class TrustedKey:
    school: str
    college: str
    public_key: str  # base64 of the raw Ed25519 key
    fingerprint: str
    added: str  # ISO time
    source: str  # FROM_FILE or ON_FIRST_USE

    @property
    def key(self) -> tuple[str, str]:
        return college_key(self.school, self.college)


def college_key(school: str, college: str) -> tuple[str, str]:
    """A college's identity: its school and name, as names compare (full-width, spaces, case)."""
    return (name_key(clean_text(school)), name_key(clean_text(college)))


def default_path() -> Path:
    return home_dir() / FILE


class TrustStore:
    """Loaded whole, changed in memory, saved whole (`save`)."""

    def __init__(self, path: Path, keys: list[TrustedKey], seen: dict[tuple[str, str, str], int]) -> None:
        self.path = path
        self.keys = {k.key: k for k in keys}
        self.seen = seen

    @classmethod
    def load(cls, path: Path | None = None) -> TrustStore:
        """The store at `path` (default: the data folder's); empty when there is none. AppError when it
        cannot be read: never carry on as if no college were known."""
        path = Path(path) if path else default_path()
        if not path.exists():
            return cls(path, [], {})
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            keys = [TrustedKey(**k) for k in body["keys"]]
            seen = {(s["school"], s["college"], s["period"]): int(s["sequence"]) for s in body["seen"]}
            if body.get("format") != FORMAT:
                raise ValueError("not a trust store")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise AppError(
                f"学院公钥登记文件“{path}”无法读取（已损坏？）。请从备份恢复它，或删除它后重新登记各学院的公钥。",
                repr(e),
            ) from e
        return cls(path, keys, seen)

    def for_college(self, school: str, college: str) -> TrustedKey | None:
        return self.keys.get(college_key(school, college))

    def owner(self, fingerprint: str) -> TrustedKey | None:
        """The college this key is registered for, if any."""
        return next((k for k in self.keys.values() if k.fingerprint == fingerprint), None)

    def trust(self, school: str, college: str, public_key: str, fingerprint: str, source: str) -> TrustedKey:
        """Register `public_key` as the college's (replacing its previous key; the key leaves any other
        college it was registered for). A new key numbers its packages afresh (a college reinstalled, its
        database restored from a backup): the sequences seen under the old key are forgotten, and the old
        key's packages are refused as signed by another key."""
        for k in [k for k in self.keys.values() if k.fingerprint == fingerprint]:
            del self.keys[k.key]
        previous = self.for_college(school, college)
        if previous is not None and previous.fingerprint != fingerprint:
            college_id = college_key(school, college)
            self.seen = {k: n for k, n in self.seen.items() if k[:2] != college_id}
        added = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        entry = TrustedKey(clean_text(school), clean_text(college), public_key, fingerprint, added, source)
        self.keys[entry.key] = entry
        return entry

    def seen_sequence(self, school: str, college: str, period: str) -> int | None:
        return self.seen.get((*college_key(school, college), period))

    def record(self, school: str, college: str, period: str, sequence: int) -> None:
        key = (*college_key(school, college), period)
        self.seen[key] = max(sequence, self.seen.get(key, 0))

    def save(self) -> None:
        body = {
            "format": FORMAT,
            "version": 1,
            "keys": [vars(k) for k in sorted(self.keys.values(), key=lambda k: k.key)],
            "seen": [
                {"school": s, "college": c, "period": p, "sequence": n}
                for (s, c, p), n in sorted(self.seen.items())
            ],
        }
        try:
            with atomic_path(self.path) as tmp:
                with open(tmp, "w", encoding="utf-8") as f:
                    json.dump(body, f, ensure_ascii=False, indent=2)
                    f.flush()
                    os.fsync(f.fileno())
        except OSError as e:
            raise AppError(f"无法保存学院公钥登记文件“{self.path}”：{e.strerror or e}", repr(e)) from e


def import_key_file(path: Path, store: TrustStore | None = None) -> tuple[TrustedKey, TrustedKey | None]:
    """Register the college public key file at `path` (saved); (the key registered, the one it replaced)."""
    from app.package.signing import read_public_key_file

    key = read_public_key_file(path)
    store = store or TrustStore.load()
    before = store.for_college(key.school, key.college)
    entry = store.trust(key.school, key.college, key.public_key, key.fingerprint, FROM_FILE)
    store.save()
    log.info("college key imported: %s", key.fingerprint[:16])
    return entry, before if before and before.fingerprint != key.fingerprint else None
