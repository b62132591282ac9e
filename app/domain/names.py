"""Name normalisation (duplicate detection) and pinyin keys (search and sorting).

Identity: two names are the same when their name_key is — NFKC, invisible characters removed (zero-width
spaces, word joiners, bidi overrides, soft hyphens, BOMs: app/domain/invisible.py), no spaces, case-folded,
（）≡ (). Every comparison of names for identity goes through it (enterprise duplicates on import and in the
form, a student, teacher, major or project matched by name).

Storage: invisible characters are removed on input, by forms and imports alike (clean_text for every text
field, clean_name for an enterprise's registered name), so no stored name holds an RLO or a zero-width space;
everything visible is kept — clean_name keeps full-width brackets as typed (某某（长沙）有限公司 is the
registered form), while clean_text's NFKC folds full-width letters and digits."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from app.domain.invisible import strip_invisible


@lru_cache(maxsize=1)
def _segmenter():
    """pypinyin's own segmenter: lets pinyin_keys cache per segment and still match lazy_pinyin exactly (None
    in a pypinyin without it: every text is converted in full). pypinyin is imported here, when a name is
    first converted, not with this module: its dictionaries take a fifth of a second to load, which the
    window's start does not need."""
    try:
        from pypinyin.seg.simpleseg import seg
    except ImportError:  # pragma: no cover
        return None
    return seg


_FULL_WIDTH_BRACKETS = re.compile("([（）])")
_WHITESPACE = re.compile(r"\s+")  # compiled once: clean_text runs for every cell of an import
_NOT_KEY = re.compile(r"[^0-9a-z]")


def clean_text(value: object) -> str:
    """NFKC, invisible characters removed, trimmed, inner whitespace folded to one space. None → ""."""
    if value is None:
        return ""
    text = strip_invisible(unicodedata.normalize("NFKC", str(value)))
    return _WHITESPACE.sub(" ", text).strip()


def clean_name(value: object) -> str:
    """A registered name as stored and shown: clean_text, except that full-width brackets（）stay as typed
    (the registered form of 某某（长沙）有限公司). Identity is name_key's, where（）≡ ()."""
    if value is None:
        return ""
    parts = _FULL_WIDTH_BRACKETS.split(str(value))
    text = "".join(p if p in ("（", "）") else unicodedata.normalize("NFKC", p) for p in parts)
    return _WHITESPACE.sub(" ", strip_invisible(text)).strip()


def name_key(name: str) -> str:
    """Key under which two names count as the same — the one identity of names: NFKC, invisible characters
    removed, no spaces, （）≡ (), case-folded."""
    text = strip_invisible(unicodedata.normalize("NFKC", name or ""))  # NFKC maps （） to ()
    text = _WHITESPACE.sub("", text)
    return text.casefold()


@lru_cache(maxsize=4096)
def pinyin_keys(text: str) -> tuple[str, str]:
    """(initials, full) in lower case without separators: 湖南湘江 → ("hnxj", "hunanxiangjiang").

    pypinyin segments a text and converts each segment on its own, so the keys of a text are the
    concatenation of the keys of its segments; segments repeat across names (湖南, 有限公司…) and are
    cached, which makes 100,000 different names ten times faster. A segment that pypinyin would split
    again if given alone is not cached: such a text is converted in full."""
    segments = _segmenter()
    if not text or segments is None:
        return _converted(text)
    initials, full = [], []
    for segment in segments(text):
        keys = _segment_keys(segment)
        if keys is None:
            return _converted(text)
        initials.append(keys[0])
        full.append(keys[1])
    return "".join(initials), "".join(full)


@lru_cache(maxsize=65536)
def _segment_keys(segment: str) -> tuple[str, str] | None:
    return _converted(segment) if _segmenter()(segment) == [segment] else None


def _converted(text: str) -> tuple[str, str]:
    if not text:
        return "", ""
    from pypinyin import Style, lazy_pinyin  # imported once, the first time (see _segmenter)

    full = lazy_pinyin(text, errors=lambda s: list(s.lower()))
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda s: list(s.lower()))

    def join(parts: list[str]) -> str:
        return _NOT_KEY.sub("", "".join(parts).lower())

    return join(initials), join(full)
