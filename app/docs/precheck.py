"""Checks of a template's XML before docxtpl sees it: input docxtpl's preprocessing (regular expressions over
each part) handles in linear time, or a refusal with a Chinese message.

docxtpl's expressions like `{{.*?}}` scan from every `{{`, `{%` and `{#` to the next closing `}}`/`%}`/`#}`:
40,000 unclosed `{%` in one paragraph took 85 s, and a 45 MB document.xml 199 s. So, per text part of the
.docx (every part that is UTF-8 text, as docxtpl reads the footnotes, and every XML part as python-docx
re-writes it, character references resolved):
- its size is capped (MAX_PART_BYTES);
- the tags are counted per paragraph and in total, after docxtpl's own first step (which joins a `{` and
  a `%` that Word split into two runs);
- the length docxtpl would scan from every opening to its closing is added up; an opening never closed
  scans to the end of the part, so a heap of them is refused (a real template scans each tag once).
The built-in templates: document.xml 18–89 KB, at most 11 tags in a paragraph and 137 in all.
"""

from __future__ import annotations

import bisect
import io
import re
import zipfile
from collections.abc import Iterator

from lxml import etree

from app.errors import DocumentTemplateError

MAX_PART_BYTES = 5 * 1024 * 1024  # one text part (document.xml, a header …): 50× the largest built-in
MAX_TAGS = 5_000  # tags and placeholders in the whole template
MAX_TAGS_PER_PARAGRAPH = 200
SCAN_ALLOWANCE = 100_000  # characters docxtpl may scan beyond twice the part's length

# docxtpl's first step (DocxTemplate.patch_xml): markup between `{` and `{`/`%`/`#` (or `%`/`}`/`#` and `}`) goes
_JOIN = re.compile(r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})", re.S)
_OPENING = re.compile(r"(?=(\{\{|\{%|\{#))")  # overlapping: "{{%" opens twice for docxtpl
_CLOSING = re.compile(r"(?=(\}\}|%\}|#\}))")
_CLOSES = {"{{": "}}", "{%": "%}", "{#": "#}"}
_PARAGRAPH = re.compile(r"<w:p[ >]")
_MARKUP = re.compile(r"<[^>]*>")
_XML_START = (b"<", b"\xef\xbb\xbf<", b"\xff\xfe", b"\xfe\xff", b"\x00<")


def check_parts(data: bytes, name: str) -> None:
    """Refuse a template (bytes already checked by check_docx) whose text parts docxtpl would take too long
    over; DocumentTemplateError naming the file and what is too big."""
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            raw = b"" if info.is_dir() else _read(z, info, name)
            total += max((_check_text(text, name, info.filename) for text in _views(raw)), default=0)
            if total > MAX_TAGS:
                raise DocumentTemplateError(
                    f"模板“{name}”中的占位符和标记过多（超过{MAX_TAGS}个），不像是正常的 Word 模板，已拒绝。",
                    f"more than {MAX_TAGS} tags",
                )


def _read(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """The part's bytes if it may be text (XML, or UTF-8 as docxtpl reads the footnotes); b"" for images."""
    with z.open(info) as f:
        raw = f.read(4)
        if not raw.startswith(_XML_START) and not _utf8(raw):
            return b""
        raw += f.read(MAX_PART_BYTES + 1 - len(raw))
    if len(raw) > MAX_PART_BYTES and (raw.startswith(_XML_START) or _utf8(raw[: MAX_PART_BYTES // 2])):
        raise DocumentTemplateError(
            f"模板“{name}”中的“{info.filename}”过大（超过{MAX_PART_BYTES // 1024 // 1024} MB），"
            "不像是正常的 Word 模板，已拒绝。请删去不需要的内容或拆分成几个模板。",
            f"{info.filename}: {info.file_size} bytes",
        )
    return raw


def _utf8(raw: bytes) -> bool:
    """UTF-8 text (the last character may be cut off)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.reason == "unexpected end of data" and e.start >= len(raw) - 3
    return True


def _views(raw: bytes) -> Iterator[str]:
    """The part as docxtpl may read it: the UTF-8 text (the footnotes), and the XML as python-docx writes it
    back (another encoding, character references like &#123; resolved)."""
    if not raw:
        return
    try:
        yield raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if raw.startswith(_XML_START):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
        try:
            yield etree.tostring(etree.fromstring(raw, parser), encoding="unicode")
        except (etree.LxmlError, ValueError):
            pass  # not XML: python-docx will not read it either (and says so)


def _check_text(text: str, name: str, part: str) -> int:
    """The number of tags in `text`; DocumentTemplateError if a paragraph has too many or docxtpl would
    scan too long from the openings to their closings."""
    if "{" not in text:
        return 0
    text = _JOIN.sub("", text)
    openings = [(m.start(), m[1]) for m in _OPENING.finditer(text)]
    if not openings:
        return 0
    if len(openings) > MAX_TAGS:
        return len(openings)  # check_parts refuses it
    _check_paragraphs(text, openings, name)
    _check_scan(text, openings, name, part)
    return len(openings)


def _check_paragraphs(text: str, openings: list[tuple[int, str]], name: str) -> None:
    starts = [m.start() for m in _PARAGRAPH.finditer(text)]
    counts: dict[int, int] = {}
    for position, _ in openings:
        paragraph = bisect.bisect_right(starts, position)
        counts[paragraph] = counts.get(paragraph, 0) + 1
    paragraph, most = max(counts.items(), key=lambda item: item[1])
    if most > MAX_TAGS_PER_PARAGRAPH:
        begin = starts[paragraph - 1] if paragraph else 0
        end = starts[paragraph] if paragraph < len(starts) else len(text)
        words = _MARKUP.sub("", text[begin : min(end, begin + 2000)])[:30]
        raise DocumentTemplateError(
            f"模板“{name}”的段落“{words}…”中有{most}个占位符或标记（一个段落最多{MAX_TAGS_PER_PARAGRAPH}个），"
            "已拒绝。请把它拆成几个段落。",
            f"{most} tags in one paragraph",
        )


def _check_scan(text: str, openings: list[tuple[int, str]], name: str, part: str) -> None:
    closings: dict[str, list[int]] = {"}}": [], "%}": [], "#}": []}
    for m in _CLOSING.finditer(text):
        closings[m[1]].append(m.start())
    scanned = 0
    unclosed = ""
    for position, opening in openings:
        ends = closings[_CLOSES[opening]]
        i = bisect.bisect_left(ends, position + 2)
        if i == len(ends):
            unclosed = unclosed or _MARKUP.sub("", _PARAGRAPH.split(text[position : position + 400])[0])[:40]
        scanned += (ends[i] + 2 if i < len(ends) else len(text)) - position
    if scanned > 2 * len(text) + SCAN_ALLOWANCE:
        where = f"（如“{unclosed}”）" if unclosed else ""
        raise DocumentTemplateError(
            f"模板“{name}”中有大量没有结尾（“}}}}”或“%}}”）的占位符或标记{where}，已拒绝。"
            "请在 Word 中检查占位符是否完整。",
            f"{part}: docxtpl would scan {scanned} characters",
        )
