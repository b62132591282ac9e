"""Phone numbers of mainland China, checked by their shape (the number itself is never put in a message).

- 手机号: 11 digits starting 13–19 (1[3-9]xxxxxxxxx), optionally after +86 / 0086 / 86; spaces and hyphens
  between the digits are allowed (139 1234 5678, 139-1234-5678).
- 固定电话: a 3–4 digit area code starting with 0, then a 7–8 digit number not starting with 0 or 1
  (0731-84567890, 010 12345678 is refused, (0731)8456789), optionally an extension of 1–6 digits written
  转123, -123, #123, ext123 or 分机123.
- 400 / 800 service numbers (400-123-4567) for enterprise contacts.

Which kinds a field accepts is the service's choice: a student's own phone is a mobile; a guardian's may be a
landline; an enterprise contact's may also be a 400 number, and may hold several numbers (、 , / ;).
"""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"(?:\+86|0086|86)?1[3-9]\d{9}")
_LANDLINE = re.compile(
    r"(?:\+86)?(?:\(0\d{2,3}\)|0\d{2,3}-?)[2-9]\d{6,7}(?:(?:转|-|#|ext\.?|x|分机)\d{1,6})?", re.IGNORECASE
)
_SERVICE = re.compile(r"[48]00-?\d{3}-?\d{4}")
_SEPARATORS = re.compile(r"[、,，/;；]+")
_WHITESPACE = re.compile(r"\s+")

MOBILE_RULE = "应为以1开头的11位手机号码"
LANDLINE_RULE = "应为11位手机号码，或带区号的固定电话（如 0731-8456 7890，分机写在后面：转123）"
CONTACT_RULE = "应为11位手机号码、带区号的固定电话（如 0731-8456 7890）或 400 电话，多个号码用“、”隔开"


def _compact(text: str) -> str:
    """NFKC (full-width digits and brackets), no spaces; a hyphen written as – or — counts as one."""
    text = unicodedata.normalize("NFKC", text or "")
    return _WHITESPACE.sub("", text).replace("–", "-").replace("—", "-")


def is_mobile(text: str) -> bool:
    return bool(_MOBILE.fullmatch(_compact(text).replace("-", "")))


def is_landline(text: str) -> bool:
    compact = _compact(text)
    return bool(_LANDLINE.fullmatch(compact)) and not is_mobile(compact)


def is_phone(text: str, *, landline: bool = True, service: bool = False) -> bool:
    """One number: a mobile, or (when allowed) a landline with its area code or a 400/800 number."""
    compact = _compact(text)
    if is_mobile(compact):
        return True
    if landline and _LANDLINE.fullmatch(compact):
        return True
    return service and bool(_SERVICE.fullmatch(compact))


def is_phone_list(text: str) -> bool:
    """One or more numbers separated by 、 , / ;: each a mobile, a landline or a 400/800 number."""
    parts = [p for p in _SEPARATORS.split(unicodedata.normalize("NFKC", text or "")) if p.strip()]
    return bool(parts) and all(is_phone(p, service=True) for p in parts)
