"""The headline figures of a package (format.HEADLINES) and the sums of its columns, computed one way for
both sides: the exporter (from the rows it writes, app/package/export.py) and the school's merge (from the
cells of a received data.xlsx, app/package/merge.py) — except the period's figures (format.Headline.period:
合作中的企业, 可提供岗位数, 基地使用天数, the open findings), which app/reporting/period_figures.py computes once
for the college's every page and report, the manifest carries ("figures") and the merge reads from it
(`manifest_figures`). Rows are given as data.xlsx holds them: 是/否 text,
money in 元. Money and 万元 are summed as whole units (分, 0.0001 万元) so that many cells add up without float
drift.

Nothing here raises on a cell's value: verify (app/package/sanity.py) refuses a package whose numbers are
outside sane ranges, and should one slip through, an amount that cannot be a finite number counts as 0 and a
sum that overflows is 0 — never an OverflowError that would sink the school's merge, nor an inf written as an
empty number."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

from app.package import format as fmt

UNITS = {fmt.YUAN: 100, "yuan": 100, "wan": 10_000}


def headline_kind(h: fmt.Headline) -> str:
    """The column type of a headline's figure: INT for a count, else the summed column's type."""
    if h.column is None:
        return fmt.INT
    return next(c.type for c in fmt.SHEET_BY_KEY[h.sheet].columns if c.header == h.column)


def number(value: object) -> int | float | None:
    """A numeric cell's value (a number written as text too); None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            n = float(value.strip().replace(",", ""))
        except ValueError:
            return None
        return n if math.isfinite(n) else None
    return None


def _amount(value: object, kind: str) -> int | float:
    """A cell as a number to add: in whole units for money; 0 for an empty or non-numeric cell."""
    n = number(value)
    if n is None:
        return 0
    unit = UNITS.get(kind)
    if not unit:
        return n
    scaled = n * unit
    return round(scaled) if math.isfinite(scaled) else 0


def from_units(total: int | float, kind: str) -> int | float:
    if isinstance(total, float) and not math.isfinite(total):
        return 0  # only values verify refuses add up to this
    unit = UNITS.get(kind)
    try:
        if unit:
            return round(total / unit, 4 if unit > 100 else 2)
        return int(total) if isinstance(total, float) and total.is_integer() else total
    except OverflowError:  # a sum of whole units past a float's range
        return 0


def sum_column(values: Iterable[object], kind: str) -> int | float:
    """The 合计 of a column of `kind` (an app.reporting.columns kind or a format type)."""
    return from_units(sum(_amount(v, kind) for v in values), kind)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def headline_figures(rows_of: Callable[[fmt.Sheet], Iterable[Sequence[object]]]) -> dict[str, int | float]:
    """format.HEADLINES over the rows `rows_of(sheet)` gives for each sheet they read (each sheet once)."""
    by_sheet: dict[str, list[fmt.Headline]] = {}
    for h in fmt.HEADLINES:
        by_sheet.setdefault(h.sheet, []).append(h)
    acc: dict[str, int | float] = {h.label: 0 for h in fmt.HEADLINES}
    for key, heads in by_sheet.items():
        sheet = fmt.SHEET_BY_KEY[key]
        index = {c.header: i for i, c in enumerate(sheet.columns)}
        for row in rows_of(sheet):
            for h in heads:
                if all(_text(row[index[c]]) in values for c, values in h.where):
                    acc[h.label] += 1 if h.column is None else _amount(row[index[h.column]], headline_kind(h))
    return {h.label: from_units(acc[h.label], headline_kind(h)) for h in fmt.HEADLINES}


PERIOD_LABELS = tuple(h.label for h in fmt.HEADLINES if h.period)
MAX_FIGURE = 10**9  # a count in a manifest beyond this is not believed (the sheets' figure is used)


def period_headline(values: Mapping[str, int]) -> dict[str, int]:
    """The period figures (app/reporting/period_figures.py PeriodFigures.headline) the manifest carries:
    those of format.HEADLINES marked `period`."""
    return {label: int(values[label]) for label in PERIOD_LABELS if label in values}


def manifest_figures(manifest: object) -> dict[str, int]:
    """The period figures a (verified) manifest carries under "figures": whole numbers 0..MAX_FIGURE of the
    period headlines only; anything else is left out (the figure is then computed from the sheets)."""
    found = manifest.get("figures") if isinstance(manifest, dict) else None
    if not isinstance(found, dict):
        return {}
    return {
        label: v
        for label in PERIOD_LABELS
        if isinstance(v := found.get(label), int) and not isinstance(v, bool) and 0 <= v <= MAX_FIGURE
    }


def with_period(figures: dict[str, int | float], period: Mapping[str, int]) -> dict[str, int | float]:
    """Headline figures computed from the sheets, the period figures taking the place of theirs."""
    return {**figures, **period_headline(period)}


def totals(figures: Iterable[dict[str, int | float]]) -> dict[str, int | float]:
    """The school's 合计 of several packages' headline figures."""
    figures = list(figures)
    return {h.label: sum_column((f.get(h.label) for f in figures), headline_kind(h)) for h in fmt.HEADLINES}
