"""Sane ranges for the values of a submission package (上报材料包), decided once: verify (app/package/verify.py)
reports what falls outside them as a problem, and whatever passed is safe for the school's figures and sums
(app/package/figures.py, merge_xlsx.py) — no OverflowError, no inf or NaN written as an empty number.

- the manifest's "created": from 2000-01-01 to one day after now (a clock a little fast is not an error);
- money (元) within ±1000 亿元, 万元 within ±1000 万万元 (the same amount), counts and other whole numbers
  within ±100 亿 (an attachment's size in bytes is one of them), other decimals within ±100 万;
- no cell of a numeric column holds an infinite or not-a-number value.

A million rows of the largest money allowed add up to 1e17 分, far inside a float and exactly kept as int."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator

from app.package import format as fmt

EARLIEST_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
CREATED_SLACK = dt.timedelta(days=1)  # a college PC's clock may run ahead a little
MAX_YUAN = 10**11  # 1000 亿元
MAX_WAN = 10**7  # 1000 万万元, the same amount in 万元
MAX_COUNT = 10**10  # counts, years, an attachment's size in bytes
MAX_DECIMAL = 10**6  # hours a day and the like
LIMITS: dict[str, int] = {
    fmt.YUAN: MAX_YUAN,  # "yuan": the data sheets' and the report tables' money in 元
    "wan": MAX_WAN,
    fmt.INT: MAX_COUNT,
    fmt.DECIMAL: MAX_DECIMAL,
}
LIMIT_TEXT = {fmt.YUAN: "±1000亿元", "wan": "±1000万万元", fmt.INT: "±100亿", fmt.DECIMAL: "±100万"}
MAX_VALUE_PROBLEMS = 20  # per package: listed one by one, the rest counted


def created_at(value: object, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """The manifest's "created" as an aware datetime when it is a sane export time, else None. Never raises
    (a naive time is the local time; year 1 or 9999 with an offset cannot be converted everywhere)."""
    if not isinstance(value, str):
        return None
    try:
        created = dt.datetime.fromisoformat(value)
        if created.tzinfo is None:
            created = created.astimezone()
        utc = created.astimezone(dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    latest = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC) + CREATED_SLACK
    return created if EARLIEST_CREATED <= utc <= latest else None


def created_problem(value: str, *, now: dt.datetime | None = None) -> str | None:
    """Why `value` is not a sane export time (Chinese, for verify), or None."""
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return "不是有效的日期时间"
    if created_at(value, now=now) is None:
        return "不在合理范围内（应在 2000 年之后、不晚于现在）"
    return None


def value_problem(value: object, kind: str) -> str | None:
    """Why a numeric cell's value is not sane for its column `kind`, or None (text, empty: not judged here;
    the figures count them as 0)."""
    limit = LIMITS.get(kind)
    if limit is None or isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        n: float = value
    elif isinstance(value, str):
        try:
            n = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    if not math.isfinite(n):
        return "不是有限的数"
    if abs(n) > limit:
        return f"超出合理范围（应在 {LIMIT_TEXT[kind]} 以内）"
    return None


def numeric_columns(kinds: Iterable[str]) -> list[tuple[int, str]]:
    """(index, kind) of the columns whose values are judged."""
    return [(i, k) for i, k in enumerate(kinds) if k in LIMITS]


def row_problems(
    rows: Iterable[tuple], headers: tuple[str, ...], columns: list[tuple[int, str]]
) -> Iterator[tuple[int, str, object, str]]:
    """(row number, header, value, reason) of each insane numeric cell; rows from row 2."""
    for r, row in enumerate(rows, start=2):
        for i, kind in columns:
            if i < len(row) and (reason := value_problem(row[i], kind)):
                yield r, headers[i], row[i], reason


def shown_number(value: object) -> str:
    """A hostile number for a message: short (1e+307, not 308 digits)."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        try:
            return f"{value:.6g}"
        except (ValueError, OverflowError):
            return "（无法显示）"
    text = str(value)
    return text if len(text) <= 20 else text[:20] + "…"
