"""Codes for tests: valid 统一社会信用代码 that differ by n, and ones whose check character fails."""

from __future__ import annotations

from app.domain.codes import uscc_check_char


def valid_uscc(n: int) -> str:
    body = f"91430100MA4L{n:04d}J"
    return body + uscc_check_char(body)


def failed_check(n: int) -> str:
    good = valid_uscc(n)
    return good[:17] + ("0" if good[17] != "0" else "1")
