"""Check characters of 统一社会信用代码 (GB 32100-2015) and 居民身份证号 (GB 11643-1999)."""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_WHITESPACE = re.compile(r"\s+")
_SCIENTIFIC = re.compile(r"\d\.\d+E\+?\d+")
_ID_SHAPE = re.compile(r"\d{17}[\dX]")


def normalize_uscc(raw: str) -> str:
    """Strip all whitespace (also full-width) and upper-case."""
    return _WHITESPACE.sub("", str(raw or "")).replace("\u3000", "").upper()


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    value = (31 - total % 31) % 31
    return USCC_ALPHABET[value]


@dataclass(frozen=True)
class CodeCheck:
    """Result of checking a code: `error` blocks outright; `check_failed` blocks unless confirmed."""

    value: str
    error: str = ""
    check_failed: bool = False

    @property
    def ok(self) -> bool:
        return not self.error and not self.check_failed


def check_uscc(raw: str) -> CodeCheck:
    code = normalize_uscc(raw)
    if len(code) != 18:
        return CodeCheck(code, f"统一社会信用代码应为18位，现为{len(code)}位")
    bad = [c for c in code if c not in _USCC_VALUE]
    if bad:
        return CodeCheck(code, f"统一社会信用代码含有不允许的字符“{bad[0]}”（不使用 I、O、S、V、Z）")
    if uscc_check_char(code[:17]) != code[17]:
        return CodeCheck(code, "", check_failed=True)
    return CodeCheck(code)


USCC_CHECK_FAILED_MESSAGE = "统一社会信用代码校验位不符，请对照营业执照核对；确认无误请勾选“已核对营业执照”"


def normalize_id_number(raw: str) -> str:
    return _WHITESPACE.sub("", str(raw or "")).upper()


def id_check_char(first17: str) -> str:
    if len(first17) != len(ID_WEIGHTS):
        raise ValueError(f"身份证号的前17位应为17个字符，现为{len(first17)}个")
    if isinstance(first17, str) and first17.isdecimal():
        # The weights are 2^(17-i) mod 11 and 13 ≡ 2 (mod 11): the weighted sum is 2 × the digits read in base
        # 13, mod 11 — one int() instead of 17 (the import checks every row). int() reads the same digits
        # (full-width too) as int(c) does one by one; anything else goes the long way, and fails as it did.
        return ID_CHECK[2 * int(first17, 13) % 11]
    total = sum(map(operator.mul, map(int, first17), ID_WEIGHTS))  # map: about twice a Python loop's speed
    return ID_CHECK[total % 11]


@dataclass(frozen=True)
class IdNumberInfo:
    value: str
    birth_date: dt.date
    male: bool


def check_id_number(raw: object) -> IdNumberInfo:
    """Validate a 18-digit 居民身份证号; raise ValueError with a Chinese reason.

    A number Excel stored as a float has lost its last digits: that is an error, never guessed.
    """
    if isinstance(raw, float) or (isinstance(raw, int) and not isinstance(raw, bool)):
        raise ValueError("身份证号被 Excel 存成了数字，末几位已丢失；请把该列设为文本后重新录入")
    # a number without spaces (no whitespace is alphanumeric) needs no search for them
    value = raw.upper() if type(raw) is str and raw.isalnum() else normalize_id_number(str(raw))
    if not _ID_SHAPE.fullmatch(value):  # a number of the right shape has no “.”: it is not scientific
        if _SCIENTIFIC.fullmatch(value):
            raise ValueError("身份证号被 Excel 存成了科学计数法，末几位已丢失；请把该列设为文本后重新录入")
        raise ValueError("身份证号应为18位（17位数字加1位数字或X）")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValueError("身份证号中的出生日期不存在") from None
    if birth.year < 1900 or birth > dt.date.today():
        raise ValueError("身份证号中的出生日期不合理")
    if id_check_char(value[:17]) != value[17]:
        raise ValueError("身份证号校验位不符，请核对")
    return IdNumberInfo(value, birth, int(value[16]) % 2 == 1)
