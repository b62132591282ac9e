"""One printable document from many filled copies of the same template, each starting on a new page.

Why not docxcompose: it merges documents made from *different* templates (styles, numbering, images and
their relationships renamed and copied). Every copy here comes from one template, so the styles, numbering,
headers and footers are the same part for part: moving each copy's body into the first document is enough,
and adds no dependency. Each copy becomes a section of its own (a section break, "odd page", with page
numbers restarting at 1), so a printed stack reads like the separate files: printed on both sides, each copy
starts on the front of a sheet, never on the back of the previous one (Word and LibreOffice insert the
blank page where a copy has an odd number of pages). Headers and footers are the
first copy's (a template whose header names the student shows the first student's name there).
"""

from __future__ import annotations

import copy

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# the children of w:sectPr in the order the schema requires
_SECT_ORDER = [
    qn(f"w:{t}")
    for t in (
        "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
        "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid "
        "printerSettings sectPrChange"
    ).split()
]


def _own_section(sect_pr) -> None:
    """The section starts on a new odd (right-hand) page, numbered from 1."""
    for tag, attr, value in (("w:type", "w:val", "oddPage"), ("w:pgNumType", "w:start", "1")):
        el = sect_pr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rank = _SECT_ORDER.index(el.tag)
            later = (c for c in sect_pr if c.tag in _SECT_ORDER and _SECT_ORDER.index(c.tag) > rank)
            if (before := next(later, None)) is not None:
                before.addprevious(el)
            else:
                sect_pr.append(el)
        el.set(qn(attr), value)


class Combined:
    """The first filled copy, to which the others are appended; `save` as any python-docx Document."""

    def __init__(self, first: Document) -> None:
        self.document = first
        self.body = first.element.body
        self.count = 1
        _own_section(self.body.sectPr)

    def append(self, other: Document) -> None:
        """Move `other`'s body (a copy filled from the same template) behind a section break."""
        self._break_section()
        final = self.body.sectPr
        for child in list(other.element.body):
            if child.tag != qn("w:sectPr"):
                final.addprevious(child)
        self.count += 1

    def _break_section(self) -> None:
        last = self.body.sectPr.getprevious()
        if last is None or last.tag != qn("w:p") or last.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            last = OxmlElement("w:p")
            self.body.sectPr.addprevious(last)
        ppr = last.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            last.insert(0, ppr)
        ppr.append(copy.deepcopy(self.body.sectPr))  # the section that ends here: the previous copy's

    def save(self, path) -> None:
        self.document.save(path)
