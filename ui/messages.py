"""Small message boxes that read well: wide enough for their title (a title bar cuts a long title to "…" where
the box is only as wide as a short text), and paths that wrap at their separators, never inside a folder's or
a file's name.

`display_path` is for showing only: it joins the characters of each name with WORD JOINER (no break inside a
name, though Chinese text may break between any two characters) and puts a ZERO WIDTH SPACE after each \\ or /
(a break there). What a user copies is the real path (`copy_path_button`); `plain` undoes the marks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from app.package.period import TERM_NAMES
from ui.qt import *  # noqa: F403

WORD_JOINER, BREAK, NBSP = "\u2060", "\u200b", "\u00a0"
LONGEST_KEPT = 24  # a longer name may break inside (better than a box wider than the screen)
MIN_WIDTH = 360  # px: a box never narrower
TITLE_BAR = 170  # px of a title bar besides its text: the icon and the ✕ (and the space Windows keeps)

_PARTS = re.compile(r"([\\/]+)")


def display_path(path: Path | str) -> str:
    """`path` to show in a label: breaks only after a separator."""
    out = []
    for part in _PARTS.split(str(path)):
        if not part:
            continue
        if _PARTS.fullmatch(part):
            out.append((WORD_JOINER if out else "") + part + BREAK)  # never a line that starts with \\
        elif len(part) <= LONGEST_KEPT:
            out.append(WORD_JOINER.join(part.replace(" ", NBSP)))
        else:
            out.append(part)
    return "".join(out)


def plain(text: str) -> str:
    """Text shown with `display_path` back as written."""
    return text.replace(WORD_JOINER, "").replace(BREAK, "").replace(NBSP, " ")


_SEMESTER = re.compile(r"(?<![\d-])(\d{4})-(\d{4})-([12])(?![\d-])")
_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")


def reader_text(text: str) -> str:
    """A sentence for a reader: semester codes (2026-2027-1) as 2026-2027学年第一学期 (as the 学年 choosers and the
    package's periods name them, app/package/period.py) and ISO dates (2026-09-01) as 2026年9月1日
    (app/docs/common.py cn_date)."""
    text = _SEMESTER.sub(lambda m: f"{m[1]}-{m[2]}学年{TERM_NAMES[m[3]]}", text)
    # imported here: python-docx (under app/docs/common.py) is not loaded before a message needs it
    from app.docs.common import cn_date

    return _DATE.sub(lambda m: cn_date(dt.date(int(m[1]), int(m[2]), int(m[3]))), text)


def with_paths(text: str, *paths: Path | str) -> str:
    """`text` with each of `paths` in it shown by `display_path` (the longest first: a folder and a file in it)."""
    for p in sorted({str(p) for p in paths}, key=len, reverse=True):
        text = text.replace(p, display_path(p))
    return text


def title_width(box: QWidget) -> int:
    """The width a box needs for its whole title in the title bar."""
    return max(MIN_WIDTH, QFontMetrics(box.font()).horizontalAdvance(box.windowTitle()) + TITLE_BAR)


def fit(box: QMessageBox) -> QMessageBox:
    """Make `box` at least as wide as its title needs. Call it after the texts and buttons are set (QMessageBox
    builds its layout again when they change)."""
    layout = box.layout()
    spacer = QSpacerItem(title_width(box), 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Minimum)
    layout.addItem(spacer, layout.rowCount(), 0, 1, layout.columnCount())
    return box


def copy_path_button(box: QMessageBox, path: Path | str) -> QAbstractButton:
    """A 复制路径 button: the path as written, on the clipboard (the box's text has marks for wrapping)."""
    button = box.addButton("复制路径", QMessageBox.ButtonRole.ActionRole)
    button.clicked.connect(lambda: QGuiApplication.clipboard().setText(str(path)))
    return button


def inform(parent: QWidget | None, title: str, text: str, *paths: Path | str) -> None:
    """An information box; the paths in `text` wrap at separators, the first can be copied as written."""
    box = QMessageBox(QMessageBox.Icon.Information, title, with_paths(text, *paths), parent=parent)
    if paths:
        copy_path_button(box, paths[0])
    box.addButton(QMessageBox.StandardButton.Ok)
    fit(box).exec()
