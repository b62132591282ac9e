"""Name keys and pinyin keys: the per-segment cache gives exactly what a full pypinyin conversion gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.demo import _Generator
from app.domain import names
from app.domain.names import name_key, pinyin_keys

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
