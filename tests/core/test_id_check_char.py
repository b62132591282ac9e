"""id_check_char (GB 11643-1999) against the standard's formula written out plainly: the same check character
for every body, full-width digits read as int() reads them, and a body of the wrong length refused."""

from __future__ import annotations

import random

import pytest

from app.domain.codes import check_id_number, id_check_char


def reference(first17: str) -> str:
    total = 0
    for i, c in enumerate(first17):
        total += int(c) * (2 ** (17 - i) % 11)  # weight of position i: 2^(17-i) mod 11
    return "10X98765432"[total % 11]


def test_same_check_character_as_the_formula():
    rng = random.Random(21)
    bodies = ["11010519491231002", "43010220050101001", "00000000000000000", "99999999999999999"]
    bodies += ["".join(rng.choice("0123456789") for _ in range(17)) for _ in range(5000)]
    for body in bodies:
        assert id_check_char(body) == reference(body), body
    assert id_check_char("11010519491231002") == "X"  # the standard's example


def test_full_width_digits_read_as_digits():
    body = "43010220050101001"
    wide = body.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert id_check_char(wide) == id_check_char(body)


@pytest.mark.parametrize("body", ["4301022005010100", "430102200501010011", ""])
def test_wrong_length_refused(body):
    with pytest.raises(ValueError):
        id_check_char(body)


def test_non_digit_refused():
    with pytest.raises(ValueError):
        id_check_char("4301022005010100X")


def test_check_id_number_messages_unchanged():
    good = "43010220050101001" + id_check_char("43010220050101001")
    assert check_id_number(good).value == good
    assert check_id_number(f" {good.lower()} ").birth_date.isoformat() == "2005-01-01"
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    for raw, message in [
        (wrong, "身份证号校验位不符，请核对"),
        ("4.30102E+17", "身份证号被 Excel 存成了科学计数法，末几位已丢失；请把该列设为文本后重新录入"),
        ("43010220050101", "身份证号应为18位（17位数字加1位数字或X）"),
        ("430102200502300012", "身份证号中的出生日期不存在"),
    ]:
        with pytest.raises(ValueError) as e:
            check_id_number(raw)
        assert str(e.value) == message, raw
