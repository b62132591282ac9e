"""Who may speak for a college (the school side of signed packages, app/package/signing.py): whether a
verified package's signer is the key the school registered for the college its manifest names
(app/package/trust.py), and whether its sequence is older than one already merged. Used by the merge
(app/package/merge.py) for each package on its own; the unknown keys it meets are listed (NewKey) for the
school to confirm, or trusted on first use when asked (trust_new)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.names import name_key
from app.package import format as fmt
from app.package.signing import short_fingerprint
from app.package.trust import ON_FIRST_USE, TrustStore
from app.package.verify import Problem, shown

if TYPE_CHECKING:
    from app.package.merge import PackageInfo


def _show(text: str) -> str:
    return shown(text, 60)


@dataclass(frozen=True)
class NewKey:
    """A signing key the school has not registered for the college a package names."""

    school: str
    college: str
    public_key: str
    fingerprint: str
    replaces: str | None  # the fingerprint registered for the college now, if any
    files: tuple[Path, ...]

    @property
    def short(self) -> str:
        return short_fingerprint(self.fingerprint)

    def as_json(self) -> dict[str, Any]:
        return {
            "school": self.school,
            "college": self.college,
            "fingerprint": self.fingerprint,
            "replaces": self.replaces,
            "files": [str(p) for p in self.files],
        }


class Judge:
    """Whether a verified package's signer may speak for the college its manifest names."""

    def __init__(self, trust: TrustStore, trust_new: bool, infos: Sequence[PackageInfo]) -> None:
        self.trust = trust
        self.pending: dict[str, NewKey] = {}
        self.trusted: dict[str, NewKey] = {}
        claims: dict[tuple[str, str], set[str]] = {}  # unknown keys by the college they claim
        # a signed package of each college, whatever its key: an unsigned one beside it is not the college's
        self.signed: dict[tuple[str, str], Path] = {}
        for info in infos:
            if info.signer:
                self.signed.setdefault(_college(info), info.path)
            if info.signer and trust.owner(info.signer.fingerprint) is None:
                claims.setdefault(_college(info), set()).add(info.signer.fingerprint)
        # with trust_new, a college nobody registered yet, claimed by one key only (two: one is forged)
        self.may_trust = {c for c, fps in claims.items() if len(fps) == 1} if trust_new else set()

    def __call__(self, info: PackageInfo) -> Problem | None:
        registered = self.trust.for_college(info.school, info.college)
        if info.signer is None:
            if registered is None and (signed := self.signed.get(_college(info))) is None:
                return None  # used, flagged as unsigned
            if registered is None:
                return Problem(
                    fmt.SIGNATURE,
                    f"材料包没有签名，而同一学院的“{_show(signed.name)}”有签名：没有签名的可能是伪造的，不使用。"
                    "请核对该学院的签名公钥后再汇总。",
                )
            return Problem(
                fmt.SIGNATURE,
                f"材料包没有签名，而学校已登记了“{_show(registered.college)}”的签名公钥：可能是伪造的，或由旧版本"
                "导出。请让学院用新版本重新导出。",
            )
        signer = info.signer
        owner = self.trust.owner(signer.fingerprint)
        if owner is not None and owner.key != _college(info):
            return Problem(
                fmt.MANIFEST,
                f"签名的密钥属于“{_show(owner.school)} {_show(owner.college)}”，清单中写的却是"
                f"“{_show(info.school)} {_show(info.college)}”：材料包的学院被改动过，或不是该学院的材料包。",
            )
        if owner is None:
            if registered is None and _college(info) in self.may_trust:
                self._trust(info)
            else:
                return self._unknown(info, registered)
        seen = self.trust.seen_sequence(info.school, info.college, info.period_code)
        if seen is not None and signer.sequence < seen:
            return Problem(
                fmt.MANIFEST,
                f"这是该学院{_show(info.period_label)}较旧的材料包（序号 {signer.sequence}）：学校已汇总过序号 "
                f"{seen} 的材料包，较旧的不能替换较新的。",
            )
        return None

    def _trust(self, info: PackageInfo) -> None:
        signer = info.signer
        assert signer is not None
        self.trust.trust(info.school, info.college, signer.public_key, signer.fingerprint, ON_FIRST_USE)
        self.trusted[signer.fingerprint] = self._new_key(info, None, self.trusted)

    def _unknown(self, info: PackageInfo, registered: Any) -> Problem:
        signer = info.signer
        assert signer is not None
        replaces = registered.fingerprint if registered is not None else None
        self.pending[signer.fingerprint] = self._new_key(info, replaces, self.pending)
        if registered is not None:
            why = (
                f"签名公钥（指纹 {signer.short}）与学校为该学院登记的（指纹 "
                f"{short_fingerprint(registered.fingerprint)}）不同：学院可能重装了软件，也可能是伪造的。"
                "请与学院核对指纹，或导入学院交来的公钥文件。"
            )
        else:
            why = f"签名公钥未登记（指纹 {signer.short}）。请与学院核对指纹后确认登记，或导入学院交来的公钥文件。"
        return Problem(fmt.SIGNATURE, why)

    @staticmethod
    def _new_key(info: PackageInfo, replaces: str | None, known: dict[str, NewKey]) -> NewKey:
        signer = info.signer
        assert signer is not None
        files = (*known[signer.fingerprint].files, info.path) if signer.fingerprint in known else (info.path,)
        return NewKey(info.school, info.college, signer.public_key, signer.fingerprint, replaces, files)

    def new_keys(self) -> tuple[NewKey, ...]:
        return tuple(self.pending.values())

    def trusted_keys(self) -> tuple[NewKey, ...]:
        return tuple(self.trusted.values())


def trust_keys(keys: Iterable[NewKey], trust: TrustStore | None = None) -> int:
    """Register `keys` (fingerprints the school confirmed) for their colleges and save; how many."""
    trust = trust or TrustStore.load()
    n = 0
    for k in keys:
        trust.trust(k.school, k.college, k.public_key, k.fingerprint, ON_FIRST_USE)
        n += 1
    trust.save()
    return n


def _college(info: PackageInfo) -> tuple[str, str]:
    return (name_key(info.school), name_key(info.college))
