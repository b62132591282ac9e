"""Fill a Word template (.docx with Jinja placeholders, docxtpl) and write the result atomically.

The template is treated as hostile: users edit it in Word and pass it around. Before docxtpl opens it, the
file must be a real .docx (a zip with word/document.xml) of a reasonable size, and its XML must be input
docxtpl's preprocessing handles in linear time (app/docs/precheck.py). It is rendered in Jinja's immutable
sandbox (app/docs/sandbox.py), so `{{ ''.__class__.__mro__ }}` and the like are refused; dicts in the context
behave as records (`agreement.items` is a missing field, not the dict method); what a template can build,
loop and render is bounded. The filling itself runs in a separate process with a hard time and memory limit
(app/docs/worker.py: render_docx here, or a RenderWorker for a batch); fill_docx and TemplateCache are what
that process runs. StrictUndefined makes a misspelt placeholder an error. autoescape keeps & < > in values
valid XML.
Images: a context value may be a Picture (PNG bytes and a width); fill_docx makes it a docxtpl InlineImage of
the document being filled, which prints as the image and whose fields a template cannot reach.

Every failure is a DocumentTemplateError whose Chinese message names the file and the placeholder.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.exceptions import SecurityError
from lxml import etree

from app import archive
from app.docs import precheck
from app.docs.combine import Combined
from app.docs.packing import Packer
from app.docs.sandbox import Overbudget, sandbox
from app.docs.worker import RenderWorker
from app.errors import AppError, DocumentTemplateError
from app.fsutil import atomic_path

log = logging.getLogger(__name__)

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024  # the .docx file itself
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all its parts, uncompressed
MAX_PARTS = 2000
# The one archive check (app/archive.py) with a template's limits: names, sizes, overlapping entries.
TEMPLATE_LIMITS = archive.Limits(MAX_PARTS, MAX_UNPACKED_BYTES, max_ratio=1000)

TemplateSource = Path | bytes
HELP = "可用的占位符见《Word 模板占位符说明》（或运行 chanjiao docs fields）。"


# ---------------------------------------------------------------- the template file


def template_bytes(source: TemplateSource, name: str) -> bytes:
    """The template's bytes, checked to be a usable .docx; DocumentTemplateError (naming it) otherwise."""
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_TEMPLATE_BYTES:
                raise DocumentTemplateError(f"模板“{name}”过大（超过20 MB），不像是 Word 模板，已拒绝。")
            data = path.read_bytes()
        except FileNotFoundError as e:
            raise DocumentTemplateError(f"找不到模板文件“{path}”。", str(e)) from e
        except IsADirectoryError as e:
            raise DocumentTemplateError(f"“{path}”是一个文件夹，不是模板文件。", str(e)) from e
        except OSError as e:
            raise DocumentTemplateError(f"无法读取模板文件“{name}”：{e.strerror or e}", str(e)) from e
    check_docx(data, name)
    precheck.check_parts(data, name)
    return data


def check_docx(data: bytes, name: str) -> None:
    """A .docx of reasonable size: a zip holding word/document.xml, not a zip bomb."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise DocumentTemplateError(f"模板“{name}”过大（超过20 MB），不像是 Word 模板，已拒绝。")
    if data[:4] == b"\xd0\xcf\x11\xe0":  # OLE: Word 97-2003 .doc, or an encrypted .docx
        raise DocumentTemplateError(
            f"模板“{name}”是旧版 .doc 格式或已加密。请在 Word 中取消密码并“另存为” .docx 格式后再用。"
        )
    not_docx = f"模板“{name}”不是 Word 文档（.docx）。请在 Word 中“另存为” .docx 格式后再用。"
    try:
        with archive.open_zip(data, max_entries=MAX_PARTS) as z:
            infos = z.infolist()
            _check_parts(infos, name, not_docx)
            if z.ambiguous:  # docxtpl, given the whole file, might read another directory than ours
                raise DocumentTemplateError(not_docx, "a second end record in the zip comment")
            problems = archive.check_zip(z, TEMPLATE_LIMITS, subject="模板")
    except archive.BadArchive as e:
        if e.entries is None:
            raise DocumentTemplateError(not_docx, e.message) from e
        raise DocumentTemplateError(f"模板“{name}”{e.message}。", e.message) from e
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as e:
        raise DocumentTemplateError(not_docx, repr(e)) from e
    if problems:
        p = problems[0]
        where = f"其中的“{archive.shown_name(p.entry)}”" if p.entry else ""
        raise DocumentTemplateError(
            f"模板“{name}”不能使用：{where}{p.message}。请在 Word 中打开并“另存为” .docx 后再用。",
            "; ".join(f"{archive.shown_name(x.entry)}: {x.message}" for x in problems[:20]),
        )


def _check_parts(infos: list[zipfile.ZipInfo], name: str, not_docx: str) -> None:
    names = {i.filename for i in infos}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise DocumentTemplateError(not_docx, f"parts: {sorted(names)[:20]}")
    unpacked = sum(i.file_size for i in infos)
    if len(infos) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES:
        raise DocumentTemplateError(
            f"模板“{name}”解压后过大（{len(infos)}个部件，{unpacked // 1024 // 1024} MB），"
            "不像是正常的 Word 模板，已拒绝。",
            f"{len(infos)} parts, {unpacked} bytes unpacked",
        )


def _open(data: bytes, name: str) -> DocxTemplate:
    tpl = DocxTemplate(io.BytesIO(data))
    try:
        tpl.init_docx()
    except Exception as e:  # python-docx on a damaged package: KeyError, ValueError, lxml errors…
        raise DocumentTemplateError(
            f"模板“{name}”已损坏或不是 Word 文档，无法打开。请在 Word 中打开并“另存为” .docx 后再用。",
            repr(e),
        ) from e
    return tpl


# ---------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Picture:
    """An image for a context: PNG or JPEG bytes, shown `width_mm` wide (the height keeps the proportions)."""

    data: bytes
    width_mm: float

    def __repr__(self) -> str:
        return f"Picture({len(self.data)} bytes, {self.width_mm} mm)"


def _with_pictures(value: Any, tpl: DocxTemplate) -> Any:
    """The context with each Picture (in plain dicts, lists and tuples) replaced by an image of `tpl`; other
    values as they are."""
    if isinstance(value, Picture):
        return InlineImage(tpl, io.BytesIO(value.data), width=Mm(value.width_mm))
    if type(value) is dict:
        return {k: _with_pictures(v, tpl) for k, v in value.items()}
    if type(value) in (list, tuple):
        return [_with_pictures(v, tpl) for v in value]
    return value


_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def cn_dates(text: str) -> str:
    """Text for a reader: each ISO date (2026-03-01, as messages and definitions built for the app may say)
    written 2026年3月1日."""
    return _ISO_DATE.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", text)


_CODE = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")
# a hyphen between two WORD JOINERs (U+2060, invisible): no line break on either side. Word and LibreOffice
# both honour it; LibreOffice breaks a code with U+2011 (NON-BREAKING HYPHEN) between its digits instead.
NB_HYPHEN = "\u2060-\u2060"


def unbroken(text: str) -> str:
    """Codes such as an agreement's number (JDXY-2024-029) kept on one line in a narrow table cell (a line may
    still break before or after the code); the text still reads and searches as JDXY-2024-029."""
    return _CODE.sub(lambda m: m[0].replace("-", NB_HYPHEN), cn_dates(text))  # a date is no code


def for_reader(value: Any) -> Any:
    """A context (plain dicts, lists, tuples) with every text in the reader's words (cn_dates); Pictures and
    other values as they are."""
    if isinstance(value, str):
        return cn_dates(value)
    if type(value) is dict:
        return {k: for_reader(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return [for_reader(v) for v in value]
    return value


def render_docx(source: TemplateSource, context: Mapping[str, Any], out: Path, *, name: str = "") -> Path:
    """Fill the template with `context` in a render process (app/docs/worker.py) and write `out` (temporary
    file, then rename: a failure leaves nothing under `out` and an existing `out` unchanged). `name` is how
    messages call the template."""
    name = name or (Path(source).name if not isinstance(source, bytes) else "模板")
    data = template_bytes(source, name)
    with RenderWorker(data, name) as worker:
        document = worker.fill(dict(context))
    return write_document(document, out)


def fill_docx(
    data: bytes, context: Mapping[str, Any], *, name: str, cache: TemplateCache | None = None
) -> DocxTemplate:
    """The template (bytes already checked by template_bytes) filled with `context`, in memory: its
    .docx is the python-docx Document (a batch appends its body to a combined document). A batch passes
    one TemplateCache for all its documents. Runs in the render process (app/docs/worker.py), which stops
    it when it is too slow or too big."""
    tpl = cache.template(data, name) if cache is not None else _open(data, name)
    env: Any = cache.prepare(tpl) if cache is not None else sandbox()
    try:
        tpl.render(_with_pictures(dict(context), tpl), jinja_env=env, autoescape=True)
    except MemoryError:
        raise  # the render process reports it
    except Exception as e:  # anything a template's expressions can raise is the template's problem
        raise explain(e, data, name) from e
    return tpl


class TemplateCache:
    """For filling one template many times: docxtpl prepares each part's XML (regular expressions over the
    whole part) and compiles it with Jinja again for every document — 40% of the time of a batch. Here
    that is done once per part and kept. The sandbox environment is shared by the batch; its build budget
    starts again for each document. Not thread-safe: one cache per batch.

    It also opens the package once: opening parses every part of the .docx (styles, numbering, theme …),
    a quarter of the time of a document. From the second document on, one opened template is filled again
    and again, put back first to what it was before filling: its body is read as the original's XML (kept as
    text: docxtpl replaces the body with the filled one anyway), the headers and footers (docxtpl points
    their relationships at new parts: they are pointed back, and their XML kept as text too), the footnotes
    and the core properties it renders. The parts the filling never changes (styles, numbering, theme,
    settings …: nine tenths of the package) are kept serialized and compressed once (app/docs/packing.py).
    The first document gets its own copy, because a combined print copy keeps it as its base; each later
    one is saved (and its body moved into the combined copy) before the next is filled."""

    def __init__(self) -> None:
        self.env = sandbox()
        self.patched: dict[str, str] = {}
        self.compiled: dict[str, jinja2.Template] = {}
        self.autoescape = True  # docxtpl sets it on the environment it is given
        self.opened = 0
        self.reused: DocxTemplate | None = None
        self.packer: Packer | None = None
        self._pristine: dict[str, Any] = {}

    def template(self, data: bytes, name: str) -> DocxTemplate:
        """The template to fill for the next document (see the class docstring)."""
        self.opened += 1
        if self.opened == 1:
            return _open(data, name)
        if self.reused is None:
            self.reused = _open(data, name)
            self._remember(self.reused)
            return self.reused
        return self._restore(self.reused)

    def _remember(self, tpl: DocxTemplate) -> None:
        docx = tpl.docx
        body = tpl.get_xml()
        tpl.get_xml = lambda: body  # type: ignore[method-assign]  # the same text: its patch is looked up
        headers: dict[Any, str] = {}  # the original header and footer parts (docxtpl fills new ones)
        part_xml = tpl.get_part_xml

        def header_xml(part: Any) -> str:
            if part not in headers:
                headers[part] = part_xml(part)
            return headers[part]

        tpl.get_part_xml = header_xml  # type: ignore[method-assign]
        self._pristine = {
            "rels": {
                key: rel._target
                for key, rel in docx.part.rels.items()
                if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI)
            },
            "props": {p: getattr(docx.core_properties, p) for p in _RENDERED_PROPERTIES},
            "footnotes": {
                part: part._blob for part in docx.part.package.parts if part.content_type == _FOOTNOTES
            },
        }
        filled = {docx.part, *self._pristine["rels"].values()}  # and the footnotes and core properties
        self.packer = Packer(
            part
            for part in docx.part.package.parts
            if part not in filled and part.content_type not in (_FOOTNOTES, CT.OPC_CORE_PROPERTIES)
        )

    def _restore(self, tpl: DocxTemplate) -> DocxTemplate:
        docx, p = tpl.docx, self._pristine
        for key, target in p["rels"].items():
            docx.part.rels[key]._target = target
        for prop, value in p["props"].items():
            setattr(docx.core_properties, prop, value)
        for part, blob in p["footnotes"].items():
            part._blob = blob
        tpl.is_rendered = False  # filled again in place, not re-read from the package
        return tpl

    def prepare(self, tpl: DocxTemplate) -> TemplateCache:
        """Route `tpl`'s XML preparation through the cache; returns the environment to render with."""
        patch, resolve = tpl.patch_xml, tpl.resolve_listing

        def cached_patch(xml: str) -> str:
            if xml not in self.patched:
                self.patched[xml] = patch(xml)
            return self.patched[xml]

        def resolve_listing(xml: str) -> str:
            """docxtpl's "\\a" (a new paragraph), "\\n", "\\t", "\\f" in a text made Word's: three nested regular
            expressions over every paragraph, which give back the text unchanged when it has none of the four."""
            return resolve(xml) if _LISTING.search(xml) else xml

        tpl.patch_xml = cached_patch  # type: ignore[method-assign]
        tpl.resolve_listing = resolve_listing  # type: ignore[method-assign]
        self.env.reset()  # type: ignore[attr-defined]
        return self

    def from_string(self, source: str) -> jinja2.Template:
        if source not in self.compiled:
            self.compiled[source] = self.env.from_string(source)
        return self.compiled[source]

    def package_bytes(self, tpl: DocxTemplate) -> bytes:
        """The filled template as .docx bytes: by the Packer for the template filled again and again."""
        if tpl is not self.reused or self.packer is None:
            buffer = io.BytesIO()
            tpl.save(buffer)
            return buffer.getvalue()
        tpl.is_saved = True
        return self.packer.save(tpl.docx.part.package)


_LISTING = re.compile("[\t\a\n\f]")


class FillSession:
    """What the render process (app/docs/worker.py) does for one template: fill it for each context in turn
    (one TemplateCache for them all) and, when asked, build the combined print copy of them."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name = data, name
        self.cache = TemplateCache()
        self.merged: Combined | None = None

    def fill(self, context: Mapping[str, Any], full_check: bool = True, combine: bool = False) -> bytes:
        tpl = fill_docx(self.data, context, name=self.name, cache=self.cache)
        document = document_bytes(tpl, name=self.name, full_check=full_check, cache=self.cache)
        if combine:  # the body moves into the combined copy before the cache fills the template again
            if self.merged is None:
                self.merged = Combined(tpl.docx)
            else:
                self.merged.append(tpl.docx)
        return document

    def combined(self) -> bytes:
        if self.merged is None:
            raise DocumentTemplateError("没有可合并的文档。")
        return document_bytes(self.merged, name=self.name)


_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # docxtpl's list
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def document_bytes(
    tpl: DocxTemplate | Any, *, name: str, full_check: bool = True, cache: TemplateCache | None = None
) -> bytes:
    """A filled template (or any python-docx Document) as .docx bytes, read back first: a result Word could
    not open is refused. Without full_check only the package and its document.xml are read back (a batch
    checks its first document fully; the others differ from it in the values alone, escaped)."""
    if cache is not None:
        data = cache.package_bytes(tpl)
    else:
        buffer = io.BytesIO()
        tpl.save(buffer)
        data = buffer.getvalue()
    try:
        if full_check:
            Document(io.BytesIO(data))
        else:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                etree.fromstring(z.read("word/document.xml"))
    except Exception as e:
        raise DocumentTemplateError(
            f"用模板“{name}”生成的文档无效（模板中可能有不配对的循环或表格占位符），未保存。", repr(e)
        ) from e
    return data


def write_document(document: bytes, out: Path) -> Path:
    """Write a generated .docx to `out` atomically (a temporary file beside it, then renamed)."""
    out = Path(out)
    with atomic_path(out) as tmp:
        tmp.write_bytes(document)
    return out


def explain(e: BaseException, data: bytes, name: str) -> AppError:
    """A Chinese message for a rendering failure, naming the placeholder at fault where it can be found."""
    tags = template_tags(data)
    detail = f"{type(e).__name__}: {e}"
    if isinstance(e, Overbudget):  # too much built, looped or rendered: no one placeholder to blame for loops
        tag = next((t for t in tags if e.sign in t[2:-2]), "") if e.sign else ""
        where = f"的占位符“{tag}”" if tag else ""
        return DocumentTemplateError(f"模板“{name}”{where}{e.reason}，已拒绝生成。", detail)
    if isinstance(e, SecurityError):
        tag = _tag_naming(tags, _quoted(str(e))) or _tag_naming(tags, "__")
        if not tag and (number := re.search(r"number (-?\d+)", str(e))):
            tag = next((t for t in tags if number[1] in t), "")
        tag = tag or _risky_tag(tags)
        where = f"占位符“{tag}”" if tag else "占位符"
        return DocumentTemplateError(
            f"模板“{name}”的{where}包含不允许的代码，已拒绝生成。模板只能引用数据字段，不能运行程序。", detail
        )
    if isinstance(e, jinja2.UndefinedError):
        field = _quoted(str(e))
        tag = _tag_naming(tags, field)
        where = f"占位符“{tag}”" if tag else "占位符"
        return DocumentTemplateError(f"模板“{name}”的{where}引用了不存在的字段“{field}”。{HELP}", detail)
    if isinstance(e, jinja2.TemplateSyntaxError):
        return DocumentTemplateError(f"模板“{name}”{_syntax_problem(data, tags, e)}", detail)
    log.info("template %s failed: %s", name, detail)
    return DocumentTemplateError(
        f"模板“{name}”中的占位符无法计算（{type(e).__name__}），请检查模板。", detail
    )


_RISKY = re.compile(r"\*|%|\+|~|replace|range|just|zfill|\d{5,}")


def _risky_tag(tags: list[str]) -> str:
    """The first tag with something that builds big strings or numbers."""
    return next((t for t in tags if _RISKY.search(t[2:-2])), "")


def _quoted(message: str) -> str:
    """The name in "'nosuch' is undefined" / "has no attribute 'nosuch'" / "attribute '__class__' of …"."""
    m = re.search(r"attribute '([^']*)'", message) or re.search(r"'([^']*)' is undefined", message)
    return m[1] if m else ""


def _tag_naming(tags: list[str], word: str) -> str:
    if not word:
        return ""
    pattern = re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])" if word[0].isalnum() else re.escape(word))
    return next((t for t in tags if pattern.search(t)), "")


def _paragraph_texts(data: bytes) -> Iterator[str]:
    """The text of every paragraph of every XML part (body, tables, headers, footers, footnotes)."""
    doc = Document(io.BytesIO(data))
    for part in doc.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is None:
            continue
        for p in element.iter(qn("w:p")):
            yield "".join(t.text or "" for t in p.iter(qn("w:t")))


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_DOCXTPL_PREFIX = re.compile(r"^\{([{%])(?:p|tr|tc|r|s)\s+")  # {%p for … %}, {%tr endfor %}, {{r x }}
_DOCXTPL_CELL = re.compile(r"^\{%\s*(?:colspan|cellbg)\b")  # table-cell tags docxtpl removes before Jinja


def template_tags(data: bytes) -> list[str]:
    """Every placeholder and tag ({{ … }}, {% … %}) in the template, in document order."""
    return [m[0] for text in _paragraph_texts(data) for m in _TAG.finditer(text)]


def _unclosed(text: str) -> str:
    """A "{{" or "{%" in a paragraph with no closing brace after it (shown up to 40 characters)."""
    for m in re.finditer(r"\{\{|\{%", text):
        closing = "}}" if m[0] == "{{" else "%}"
        rest = text[m.start() :]
        end = rest.find(closing)
        if end < 0 or "{{" in rest[2:end] or "{%" in rest[2:end]:
            return rest[:40]
    return ""


_JINJA_HINTS = (
    ("unexpected end of template", "缺少结束标记（如 {%p endfor %} 或 {%p endif %}）"),
    ("encountered unknown tag 'end", "有多余的或不配对的结束标记"),
    ("encountered unknown tag", "使用了不支持的标记"),
    ("no filter named", "使用了不存在的过滤器"),
    ("no test named", "使用了不存在的判断"),
    ("expected token 'end of print statement'", "写法不对（占位符中间可能多了空格或符号）"),
)


def _syntax_problem(data: bytes, tags: list[str], e: jinja2.TemplateSyntaxError) -> str:
    for text in _paragraph_texts(data):
        if fragment := _unclosed(text):
            closing = "}}" if fragment.startswith("{{") else "%}"
            return f"中的占位符“{fragment.strip()}”缺少结尾的“{closing}”，请在 Word 中补全。"
    env = sandbox()
    plain = [_plain(t) for t in tags]
    for tag in tags:  # each {{ }} alone
        if tag.startswith("{{"):
            try:
                env.from_string(_plain(tag))
            except jinja2.TemplateSyntaxError as inner:
                return f"中的占位符“{tag}”{_hint(inner)}。"
    try:  # the block structure: one tag per line, so the error's line is the tag's index
        env.from_string("\n".join(plain))
    except jinja2.TemplateSyntaxError as inner:
        if "end of template" in (inner.message or "").lower() and (opened := _unmatched_open(tags)):
            return f"中的标记“{opened}”没有对应的结束标记（如 {{%p endfor %}} 或 {{%p endif %}}）。"
        line = inner.lineno or 0
        if 1 <= line <= len(tags):
            return f"中的标记“{tags[line - 1]}”附近{_hint(inner)}。"
    return f"中有写法错误的占位符（{_hint(e)}）。"


def _unmatched_open(tags: list[str]) -> str:
    """The innermost {% for %} / {% if %} / … left open at the end of the template."""
    stack: list[str] = []
    for tag in tags:
        words = _plain(tag)[2:].strip("-+ ").split()
        if tag.startswith("{%") and words:
            if words[0] in ("for", "if", "macro", "call", "filter", "with", "block", "set") and (
                words[0] != "set" or "=" not in tag
            ):
                stack.append(tag)
            elif words[0].startswith("end") and stack:
                stack.pop()
    return stack[-1] if stack else ""


def _plain(tag: str) -> str:
    """The tag as Jinja sees it after docxtpl's own preprocessing."""
    if _DOCXTPL_CELL.match(tag):
        return ""
    return _DOCXTPL_PREFIX.sub(lambda m: "{" + m[1] + " ", tag)


def _hint(e: jinja2.TemplateSyntaxError) -> str:
    message = (e.message or "").lower()
    return next((hint for key, hint in _JINJA_HINTS if key in message), "写法不对")
