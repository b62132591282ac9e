"""Characters that show nothing, in one place: names (app/domain/names.py) and file names (app/fsutil.py)
both drop them, so a name that looks the same is the same, and a file name shows what it is."""

from __future__ import annotations

import re
import unicodedata

# Unicode's format characters (category Cf: zero-width space and joiners, word joiner, soft hyphen, BOM, the
# bidi marks, embeddings, overrides and isolates, tag characters) and the filler letters that render blank
# (Hangul fillers, the combining grapheme joiner, Khmer's inherent vowels). Variation selectors stay: a rare
# 汉字 in a person's name may be written with one.
_FILLERS = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0]")


def strip_invisible(text: str) -> str:
    """`text` without the characters that show nothing (format characters such as U+200B, U+2060, U+202E,
    U+00AD, U+FEFF, and blank fillers)."""
    if not text.isprintable():  # the fast path: printable text holds no format character
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _FILLERS.sub("", text)
