"""The public table of column words (app/db/labels.py): every column the offline-copy merge compares is named in
Chinese (a conflict never shows a raw column name), and the table names no table or column that does not exist."""

from __future__ import annotations

import re

from app.db.labels import COLUMN_LABELS
from app.db.models import Base
from app.offline.copies import merged_tables
from app.offline.merge import _compared, column_words

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_compared_column_has_chinese_words() -> None:
    raw = [
        f"{t.name}.{c} → {column_words(t.name, c)}"
        for t in merged_tables()
        for c in _compared(t)
        if column_words(t.name, c) == c or not CJK.search(column_words(t.name, c))
    ]
    assert not raw, "无中文名的列：\n" + "\n".join(raw)


def test_labels_name_real_tables_and_columns() -> None:
    tables = Base.metadata.tables
    stale = [
        f"{table}.{column}"
        for table, columns in COLUMN_LABELS.items()
        for column in columns
        if table not in tables or column not in tables[table].c
    ]
    assert not stale, stale


def test_labels_are_plain_chinese_and_win_over_fallbacks() -> None:
    for table, columns in COLUMN_LABELS.items():
        for column, words in columns.items():
            assert CJK.search(words) and words.strip() == words, (table, column, words)
            assert not column.endswith("_fen") or "分" not in words, (table, column, words)
            assert column_words(table, column) == words
    # the form's words, not a generic one
    assert column_words("internship", "starts_on") == "实习开始日期"
    assert column_words("employment", "monthly_salary_fen") == "月薪"
