"""What a reader sees in a generated Word document, and the tool's words that must not be there.

docx_text(path) is every text of the .docx — body paragraphs, table cells (nested too), headers and footers of
every section — read with python-docx. tool_words(text) lists what a reader at the school has no legend for:
a rule code (AGR-ASSET-CLAUSE), a command name (chanjiao), an ISO date (2026-03-01), the shorthand of the policy
texts (H第十二条, N四(五)1).
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document

from app.compliance.registry import RULES

# a rule code: the pattern [A-Z]+-[A-Z0-9-]+ with the prefixes the rules use (INT-, AGR- …), so that a record's
# own number such as an agreement's “XY-2025-01” is not taken for one
_PREFIXES = sorted({code.split("-")[0] for code in RULES})
RULE_CODE = re.compile(rf"\b(?:{'|'.join(_PREFIXES)})-[A-Z0-9-]+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SHORTHAND = re.compile(r"H第|N四|实习规定第")  # 《职业学校学生实习管理规定》第十六条 is how a reader sees it


def _cells(table) -> list[str]:
    out = []
    for row in table.rows:
        for cell in row.cells:
            out += [p.text for p in cell.paragraphs]
            for inner in cell.tables:
                out += _cells(inner)
    return out


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += _cells(table)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            parts += [p.text for p in part.paragraphs]
            for table in part.tables:
                parts += _cells(table)
    return "\n".join(parts)


def tool_words(text: str) -> list[str]:
    """The rule codes, command names, ISO dates and policy shorthands in `text` (none in a document)."""
    text = text.replace("\u2060", "")  # word joiners keep codes on one line; they hide nothing from a reader
    found = RULE_CODE.findall(text) + ISO_DATE.findall(text) + SHORTHAND.findall(text)
    return found + (["chanjiao"] if "chanjiao" in text.lower() else [])
