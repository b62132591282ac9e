"""Money is integer 分 (fen) everywhere. Parse what people type or Excel holds; format ¥1,234.50."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def parse_money(value: object) -> int:
    """Return fen. Accepts 1234.5, "1,234.50", "¥1234.50", "1234元", "-12.3", "(1,234.50)", Excel's 1234.4999999.

    Raises ValueError with a Chinese message for anything else.
    """
    if value is None or isinstance(value, bool):
        raise ValueError("金额为空")
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"无法识别的金额“{value}”")
        # Excel stores 1234.5 as a binary float; round to the nearest fen through its shortest repr.
        dec = Decimal(repr(value))
    else:
        # NFKC: full-width digits, ，．－ and ￥ as typed with a Chinese input method
        text = unicodedata.normalize("NFKC", str(value)).strip()
        sign = ""
        if text[:1] in ("+", "-"):  # "-¥1,234.50" as format_money writes it
            sign, text = text[0], text[1:].lstrip()
        sign, text = _accounting(sign, text, value)  # (1,234.50), (¥1,234.50)
        text = re.sub(r"^[¥￥]|^RMB|元$|圆$", "", text, flags=re.IGNORECASE).strip()
        sign, text = _accounting(sign, text, value)  # ¥(1,234.50), (1,234.50)元
        text = text.replace(" ", "")
        if "," in text:  # thousands separators only where they belong: 1,234.50, never 12,34
            if not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", text):
                raise ValueError(f"无法识别的金额“{value}”（千分位逗号位置不对）")
            text = text.replace(",", "")
        text = sign + text
        if not re.fullmatch(r"[+-]?\d+(\.\d*)?|[+-]?\.\d+", text):
            raise ValueError(f"无法识别的金额“{value}”")
        try:
            dec = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"无法识别的金额“{value}”") from None
    return int((dec * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _accounting(sign: str, text: str, value: object) -> tuple[str, str]:
    """An accounting negative in brackets: (1,234.50) → ("-", "1,234.50")."""
    if not (text.startswith("(") and text.endswith(")")):
        return sign, text
    if sign:
        raise ValueError(f"无法识别的金额“{value}”")
    return "-", text[1:-1].strip()


def format_money(fen: int, *, symbol: bool = True) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{'¥' if symbol else ''}{yuan:,}.{cents:02d}"


def fen_to_yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_GROUP_UNITS = ("", "万", "亿", "万亿")


def amount_in_words(fen: int) -> str:
    """The amount in capital Chinese numerals as written on contracts and cheques (大写金额):
    300000 → 叁仟元整, 1000550 → 壹万零伍元伍角, 5 → 伍分, 0 → 零元整."""
    if fen < 0:
        return "负" + amount_in_words(-fen)
    yuan, cents = divmod(fen, 100)
    jiao, fen_ = divmod(cents, 10)
    text = _yuan_words(yuan) + "元" if yuan else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen_ and yuan:
        text += "零"  # 壹元零伍分
    if fen_:
        text += _DIGITS[fen_] + "分"
    if not text:
        return "零元整"
    return text if fen_ else text + "整"


def _yuan_words(yuan: int) -> str:
    groups: list[int] = []
    while yuan:
        yuan, group = divmod(yuan, 10_000)
        groups.append(group)
    if len(groups) > len(_GROUP_UNITS):
        raise ValueError("金额过大")
    text, zero = "", False
    for i in reversed(range(len(groups))):
        group = groups[i]
        if not group:
            zero = bool(text)
            continue
        if text and (zero or group < 1000):
            text += "零"
        text += _group_words(group) + _GROUP_UNITS[i]
        zero = False
    return text


def _group_words(group: int) -> str:
    """1–9999 in capitals: 1010 → 壹仟零壹拾, 305 → 叁佰零伍."""
    text, zero = "", False
    for digit, unit in zip(f"{group:04d}", ("仟", "佰", "拾", ""), strict=True):
        if digit == "0":
            zero = bool(text)
            continue
        if zero:
            text += "零"
        text += _DIGITS[int(digit)] + unit
        zero = False
    return text
