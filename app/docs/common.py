"""What the generated Word documents share: dates and counts written as a contract writes them (2025年9月1日,
一式四份), text made fit for a document, the school and college heading every document, the parties'
details, a semester's name, and rendering a context with the template the user chose.

The document modules (cooperation, internship, bases, employment, self_evaluation, semester_summary) import
these from here; none imports another document's module for them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.docs.render import render_docx
from app.services.settings import get_profile, party_details
from app.services.templates import template_source

if TYPE_CHECKING:
    from app.services.enterprises import EnterpriseDetail

BLANK_DATE = "    年  月  日"

# the placeholders of common_fields(), in every document's 帮助 sheet
COMMON_PLACEHOLDERS = (
    ("school", "学校名称（设置）"),
    ("college", "二级学院名称（设置）"),
    ("party_a", "学校名称 + 二级学院名称（协议中的甲方）"),
    ("today", "生成日期，如 2025年9月1日"),
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML (\t \n \r are)


def cn_date(day: dt.date | None, blank: str = BLANK_DATE) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else blank


_CN_DIGITS = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (up to 99): counts as a contract writes them."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def copies_text(parties: int) -> str:
    """Each party keeps two originals: 2 parties → 一式四份，双方各执两份."""
    sides = "双方" if parties <= 2 else "各方"
    return f"一式{cn_number(2 * parties)}份，{sides}各执两份"


def doc_text(value: object) -> str:
    """Text for a document: characters XML forbids removed; each line of a multi-line value becomes a
    paragraph of its own in Word, formatted (indented) like the placeholder's ("\\a" to docxtpl)."""
    text = _CONTROL.sub("", "" if value is None else str(value))
    return "\a".join(line.strip() for line in text.strip().splitlines())


def doc_number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def period_text(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"{cn_date(start)}至{cn_date(end)}"
    if start:
        return f"自{cn_date(start)}起（未约定结束日期）"
    if end:
        return f"至{cn_date(end)}"
    return "未填写"


def enterprise_party(e: EnterpriseDetail) -> dict[str, str]:
    """An enterprise as a party to a document: its details and its first contact."""
    contact = e.contacts[0] if e.contacts else None
    return {
        "name": doc_text(e.name),
        "uscc": doc_text(e.uscc),
        "address": doc_text(e.address),
        "representative": doc_text(e.legal_representative),
        "contact": doc_text(contact.name if contact else ""),
        "phone": doc_text(contact.phone if contact else ""),
    }


def common_fields(s: Session, today: dt.date | None) -> dict[str, Any]:
    """The fields every document has (COMMON_PLACEHOLDERS): the school, the college, 甲方, the date."""
    profile = get_profile(s)
    school, college = doc_text(profile.school), doc_text(profile.college)
    return {
        "school": school,
        "college": college,
        "party_a": f"{school}{college}",
        "today": cn_date(today or dt.date.today()),
    }


def school_party(s: Session) -> dict[str, str]:
    """甲方 as an agreement names it: the school (the legal person), its details from 设置."""
    d = party_details(s, "school")
    return {f: doc_text(getattr(d, f)) for f in ("uscc", "address", "representative", "contact", "phone")}


def semester_name(code: str) -> str:
    first, second, term = code.split("-")
    return f"{first}—{second}学年第{'一' if term == '1' else '二'}学期"


def render(s: Session, kind: str, context: dict[str, Any], out: Path, template: Path | None) -> Path:
    """With no template chosen: the college's own (设置 → 模板), else the built-in one."""
    source, name = template_source(s, kind, template)
    return render_docx(source, context, out, name=name)
