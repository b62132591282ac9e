"""Name normalisation (duplicate detection) and pinyin keys (search and sorting)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


def clean_text(value: object) -> str:
    """NFKC, trimmed, inner whitespace folded to one space. None → ""."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", " ", text).strip()


def name_key(name: str) -> str:
    """Key under which two names count as the same: NFKC, no spaces, （）≡ (), case-folded."""
    text = unicodedata.normalize("NFKC", name or "")  # NFKC maps （） to ()
    text = re.sub(r"\s+", "", text)
    return text.casefold()


@lru_cache(maxsize=4096)
def pinyin_keys(text: str) -> tuple[str, str]:
    """(initials, full) in lower case without separators: 湖南湘江 → ("hnxj", "hunanxiangjiang")."""
    if not text:
        return "", ""
    full = lazy_pinyin(text, errors=lambda s: list(s.lower()))
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda s: list(s.lower()))

    def join(parts: list[str]) -> str:
        return re.sub(r"[^0-9a-z]", "", "".join(parts).lower())

    return join(initials), join(full)
