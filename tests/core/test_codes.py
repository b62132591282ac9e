"""统一社会信用代码 (GB 32100-2015) and 居民身份证号 (GB 11643-1999) checks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.domain.codes import (
    ID_CHECK,
    ID_WEIGHTS,
    USCC_ALPHABET,
    USCC_WEIGHTS,
    check_id_number,
    check_uscc,
    id_check_char,
    normalize_uscc,
    uscc_check_char,
)

FORBIDDEN = "IOSVZ"

uscc_bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    body = draw(uscc_bodies)
    return body + uscc_check_char(body)


def reference_check_char(first17: str) -> str:
    """GB 32100 written out independently: C18 = 31 − (Σ Ci·Wi mod 31), 31 → 0."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    c18 = 31 - total % 31
    return USCC_ALPHABET[0 if c18 == 31 else c18]


# ---------------------------------------------------------------- USCC


def test_known_real_codes() -> None:
    # codes as published (the GB 32100 example among them): check characters computed by the issuer
    for code in ("91350100M000100Y43", "911100001000079554", "91110000100005220B"):
        assert check_uscc(code).ok, code


def test_alphabet_and_weights_as_in_the_standard() -> None:
    assert USCC_ALPHABET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(USCC_ALPHABET) == 31 and not set(FORBIDDEN) & set(USCC_ALPHABET)
    assert USCC_WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


@given(uscc_bodies)
def test_check_char_matches_reference(body: str) -> None:
    assert uscc_check_char(body) == reference_check_char(body)


@given(valid_usccs())
def test_valid_codes_pass(code: str) -> None:
    res = check_uscc(code)
    assert res.ok and res.value == code and not res.error and not res.check_failed


@given(valid_usccs(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_any_single_substitution_fails(code: str, pos: int, char: str) -> None:
    assume(code[pos] != char)
    changed = code[:pos] + char + code[pos + 1 :]
    res = check_uscc(changed)
    assert not res.ok
    assert res.check_failed and not res.error  # a typo: blocks unless confirmed against the licence


@given(valid_usccs(), st.integers(0, 16))
def test_swapping_adjacent_chars_fails(code: str, pos: int) -> None:
    assume(code[pos] != code[pos + 1])
    swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :]
    # the weights are distinct powers of 3 mod 31, so a transposition of the first 17 always shows;
    # swapping into the check position can coincide, so only positions < 16 are certain
    if pos < 16:
        assert not check_uscc(swapped).ok


@given(st.text(alphabet=USCC_ALPHABET, max_size=30).filter(lambda s: len(s) != 18))
def test_wrong_length_is_an_error(code: str) -> None:
    res = check_uscc(code)
    assert res.error and "18位" in res.error and f"{len(code)}位" in res.error
    assert not res.ok


@given(valid_usccs(), st.integers(0, 17), st.sampled_from(FORBIDDEN))
def test_forbidden_chars_are_an_error(code: str, pos: int, char: str) -> None:
    res = check_uscc(code[:pos] + char + code[pos + 1 :])
    assert res.error and f"“{char}”" in res.error and "I、O、S、V、Z" in res.error
    assert not res.check_failed


@given(valid_usccs(), st.lists(st.sampled_from([" ", "\u3000", "\t", "\n"]), max_size=4), st.data())
def test_normalisation(code: str, spaces: list[str], data: st.DataObject) -> None:
    chars = list(code.lower())
    for space in spaces:
        chars.insert(data.draw(st.integers(0, len(chars))), space)
    messy = " " + "".join(chars) + "\u3000"
    res = check_uscc(messy)
    assert res.ok and res.value == code
    assert normalize_uscc(messy) == code


def test_empty_and_none() -> None:
    assert check_uscc("").error
    assert normalize_uscc(None) == ""  # type: ignore[arg-type]


# ---------------------------------------------------------------- 身份证号

birth_dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date.today() - dt.timedelta(days=1))


@st.composite
def valid_id_numbers(draw: st.DrawFn, *, ending_x: bool = False) -> str:
    region = draw(st.sampled_from(["430102", "430104", "430211", "110105", "460100", "440304"]))
    birth = draw(birth_dates)
    start = draw(st.integers(0, 999))
    for step in range(1000):  # about one sequence number in eleven has the check character X
        first17 = f"{region}{birth:%Y%m%d}{(start + step) % 1000:03d}"
        if not ending_x or id_check_char(first17) == "X":
            return first17 + id_check_char(first17)
    raise AssertionError("no sequence number gives X")


def test_reference_id_number() -> None:
    # the example of GB 11643-1999 Appendix A: 11010519491231002X, a woman born 1949-12-31
    info = check_id_number("11010519491231002X")
    assert info.birth_date == dt.date(1949, 12, 31) and not info.male
    assert ID_WEIGHTS == tuple(pow(2, 17 - i, 11) for i in range(17))
    assert ID_CHECK == "10X98765432"


@given(valid_id_numbers())
def test_valid_id_numbers_pass(number: str) -> None:
    info = check_id_number(number)
    assert info.value == number
    assert info.birth_date == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert info.male == (int(number[16]) % 2 == 1)


@given(valid_id_numbers(), st.integers(0, 16), st.integers(1, 9))
def test_single_digit_change_fails(number: str, pos: int, delta: int) -> None:
    digit = str((int(number[pos]) + delta) % 10)
    changed = number[:pos] + digit + number[pos + 1 :]
    with pytest.raises(ValueError):
        check_id_number(changed)


@given(valid_id_numbers(), st.sampled_from("0123456789X"))
def test_wrong_check_char_fails(number: str, char: str) -> None:
    assume(number[17] != char)
    with pytest.raises(ValueError, match="校验位"):
        check_id_number(number[:17] + char)


@pytest.mark.parametrize("birth", ["19990230", "20011301", "19990000", "20000431", "21000101", "18991231"])
def test_impossible_birth_dates(birth: str) -> None:
    first17 = f"430102{birth}123"
    with pytest.raises(ValueError, match="出生日期"):
        check_id_number(first17 + id_check_char(first17))


def test_leap_day_birth() -> None:
    first17 = "43010220000229123"
    assert check_id_number(first17 + id_check_char(first17)).birth_date == dt.date(2000, 2, 29)
    first17 = "43010219000229123"  # 1900 was no leap year
    with pytest.raises(ValueError, match="出生日期"):
        check_id_number(first17 + id_check_char(first17))


@given(valid_id_numbers(ending_x=True))
def test_lower_case_x_is_normalised(number: str) -> None:
    assert check_id_number(number[:17] + "x").value == number
    assert check_id_number(f" {number[:6]} {number[6:14]} {number[14:17]}x ").value == number


def test_lower_case_x_example() -> None:
    assert check_id_number("11010519491231002x").value == "11010519491231002X"


@pytest.mark.parametrize("raw", [430102199001011234, 4.30102199001011e17, 430102199001011234.0])
def test_excel_numbers_rejected(raw: object) -> None:
    with pytest.raises(ValueError, match="Excel 存成了数字"):
        check_id_number(raw)


def test_scientific_notation_text_rejected() -> None:
    with pytest.raises(ValueError, match="科学计数法"):
        check_id_number("4.30102E+17")


@pytest.mark.parametrize(
    "raw", ["", "4301021990010112", "43010219900101123X5", "43010219900101A23X", None, True]
)
def test_malformed_id_numbers(raw: object) -> None:
    with pytest.raises(ValueError, match="18位"):
        check_id_number(raw)


@given(valid_id_numbers())
def test_gender_from_17th_digit(number: str) -> None:
    for digit in "0123456789":
        first17 = number[:16] + digit
        info = check_id_number(first17 + id_check_char(first17))
        assert info.male is (int(digit) % 2 == 1)
