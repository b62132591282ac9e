"""Money is integer 分: parse what people type or Excel holds, format ¥1,234.50, round-trip."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.money import fen_to_yuan, format_money, parse_money


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        (1234.5, 123450),
        ("1,234.50", 123450),
        ("¥1234.50", 123450),
        ("￥1,234.5元", 123450),
        ("1234元", 123400),
        (1234.4999999, 123450),  # Excel's binary float for 1234.50
        (0.1 + 0.2, 30),
        (1234, 123400),
        (0, 0),
        ("0.01", 1),
        (".5", 50),
        ("1234.", 123400),
        (" 1 234.50 ", 123450),
        ("１，２３４．５０", 123450),  # full-width, as typed with a Chinese IME
        ("RMB 88", 8800),
        ("88圆", 8800),
        ("12.345", 1235),  # half-up to the fen
        ("12.344", 1234),
        ("1,234.50元", 123450),
        ("¥1,234,567.89", 123456789),
        ("1,234", 123400),
        (" 1,234.50 元 ", 123450),
    ],
)
def test_parse(raw: object, fen: int) -> None:
    assert parse_money(raw) == fen


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        (-1234.5, -123450),
        (-12, -1200),
        ("-12.3", -1230),
        ("-1,234.50", -123450),
        ("(1,234.50)", -123450),  # accounting style
        ("¥-12", -1200),
        ("-¥1,234.50", -123450),  # what format_money writes
        ("－12", -1200),  # full-width minus
        ("+5", 500),
        ("-0", 0),
        ("(¥1,234.50)", -123450),
        ("（1,234.50）", -123450),  # full-width brackets
        ("(1234元)", -123400),
        ("¥(1,234.50)", -123450),
        ("(1,234.50)元", -123450),
        ("-1234", -123400),
    ],
)
def test_parse_negative(raw: object, fen: int) -> None:
    assert parse_money(raw) == fen


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "12a",
        "1.2.3",
        "¥",
        "元",
        "--5",
        "1e5",
        "12,34",  # a comma where no thousands separator belongs
        "1,2345.00",
        ",123",
        "-(5)",
        "NaN",
        "Infinity",
        None,
        True,
        float("nan"),
        float("inf"),
    ],
)
def test_garbage_raises_chinese_value_error(raw: object) -> None:
    with pytest.raises(ValueError) as info:
        parse_money(raw)
    assert "金额" in str(info.value)


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "¥0.00"),
        (1, "¥0.01"),
        (123450, "¥1,234.50"),
        (-123450, "-¥1,234.50"),
        (100_000_000, "¥1,000,000.00"),
    ],
)
def test_format(fen: int, text: str) -> None:
    assert format_money(fen) == text
    assert format_money(fen, symbol=False) == text.replace("¥", "")


fens = st.integers(min_value=-(10**13), max_value=10**13)


@given(fens)
def test_round_trip(fen: int) -> None:
    assert parse_money(format_money(fen)) == fen
    assert parse_money(format_money(fen, symbol=False)) == fen


@given(fens)
def test_excel_float_round_trip(fen: int) -> None:
    """A value Excel stores as a float (yuan) comes back as the same fen, up to 10^11 yuan."""
    assert parse_money(fen / 100) == fen


@given(st.lists(fens, max_size=20))
def test_sum_of_parsed_equals_parsed_sum(values: list[int]) -> None:
    texts = [format_money(v) for v in values]
    total = sum(parse_money(t) for t in texts)
    assert total == sum(values)
    assert parse_money(format_money(total)) == total


@given(fens)
def test_fen_to_yuan(fen: int) -> None:
    assert fen_to_yuan(fen) == Decimal(fen) / 100
    assert int(fen_to_yuan(fen) * 100) == fen
