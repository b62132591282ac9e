"""Masking of personal data (DOMAIN.md → Privacy; PIPL Art. 28, 51): 身份证号 and phone numbers (the student's,
the guardian's, the emergency contact's) are shown as `430102********1234` and `139****0000`, a home address as
`湖南省长沙市****`, in lists and exports unless the user asks for the full value."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """139****0000, 073*-****0000: all digits but the first 3 and the last 4 hidden (7+ digits only)."""
    digits = sum(ch.isdigit() for ch in phone)
    if digits < 7:
        return phone
    out, seen = [], 0
    for ch in phone:
        if ch.isdigit():
            seen += 1
            ch = ch if seen <= 3 or seen > digits - 4 else "*"
        out.append(ch)
    return "".join(out)


def mask_id_number(value: str) -> str:
    """430102********1234: the region (6) and the last 4 kept, the birth date and sequence hidden. Anything
    shorter than 10 characters is hidden whole (it is not a valid number, but it is still personal)."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


ADDRESS_KEPT = 6  # 湖南省长沙市 / 长沙市芙蓉区: the region stays, the street and house number go


def mask_address(value: str) -> str:
    """湖南省长沙市****: a home address keeps its first 6 characters (the region), the rest is hidden."""
    if not value:
        return ""
    if len(value) <= ADDRESS_KEPT:
        return "*" * len(value)
    return value[:ADDRESS_KEPT] + "****"


def is_masked(value: str) -> bool:
    """A value copied from a masked list or export (it holds a run of *), not a real one."""
    return "**" in (value or "")


# The personal columns of a student and how each is masked: the masked copy beside each column
# (`<column>_masked`, app/db/personal.py) is this function of it.
MASKS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "guardian_phone": mask_phone,
    "guardian_id_number": mask_id_number,
    "emergency_phone": mask_phone,
    "home_address": mask_address,
}


def masked_copy(column: str, value: str) -> str:
    """What every user may read of a student's personal `column` holding `value`."""
    return MASKS[column](value or "")
