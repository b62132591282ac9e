"""Name keys and pinyin keys: the per-segment cache gives exactly what a full pypinyin conversion gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.demo import _Generator
from app.domain import names
from app.domain.names import clean_name, clean_text, name_key, pinyin_keys

TRICKY = [
    "长沙",
    "长沙市长沙县",
    "重庆重工",
    "株洲中联重工股份有限公司",
    "ABC（长沙）智能 有限公司",
    "银行行长",
    "湖南湘江",
    "",
    "  ",
    "123 公司",
    "乐乐音乐",
]


def test_pinyin_keys_examples() -> None:
    assert pinyin_keys("湖南湘江") == ("hnxj", "hunanxiangjiang")
    assert pinyin_keys("ABC（长沙）智能") == ("abccszn", "abcchangshazhineng")
    assert pinyin_keys("") == ("", "")


def test_cached_segments_equal_full_conversion() -> None:
    texts = [t for d in _Generator(3).take(3000) for t in (d.name, d.short_name)] + TRICKY
    for text in texts:
        assert pinyin_keys(text) == names._converted(text), text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="长重行乐银沙湘江湖南有限公司中联工业大道科技 (（）)AbC12-", max_size=16))
def test_cached_segments_equal_full_conversion_for_any_mix(text: str) -> None:
    assert pinyin_keys(text) == names._converted(text)


def test_name_key_ignores_width_brackets_spaces_and_case() -> None:
    assert name_key("ＡＢＣ智能(长沙) 有限公司") == name_key("abc智能（长沙）有限公司")


INVISIBLE = {
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "right-to-left override": "\u202e",
    "pop directional formatting": "\u202c",
    "left-to-right isolate": "\u2066",
    "right-to-left mark": "\u200f",
    "soft hyphen": "\u00ad",
    "byte order mark": "\ufeff",
    "Hangul filler": "\u3164",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_characters_do_not_make_another_name(char: str) -> None:
    name = "湖南湘江智能装备有限公司"
    hostile = name[:2] + char + name[2:] + char
    assert name_key(hostile) == name_key(name)
    assert clean_text(hostile) == name and clean_name(hostile) == name


def test_clean_name_keeps_the_registered_brackets_and_folds_the_rest() -> None:
    assert clean_name(" ＡＢＣ\u200b（长沙）\u3000智能  有限公司 ") == "ABC（长沙） 智能 有限公司"
    assert clean_name("ABC(长沙)有限公司") == "ABC(长沙)有限公司"  # typed half-width: kept as typed
    assert clean_text("ABC（长沙）") == "ABC(长沙)"  # other fields: NFKC as before
    assert name_key(clean_name("ABC（长沙）")) == name_key("abc(长沙)")
    assert clean_name(None) == ""


def test_a_variation_selector_in_a_rare_name_is_kept() -> None:
    """Ideographic variation sequences (U+E0100…) are a glyph choice, not an invisible trick."""
    name = "葛\U000e0100优"
    assert clean_text(name) == name and name_key(name) == name
