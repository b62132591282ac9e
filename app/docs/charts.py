"""The charts of the 自评报告 as PNG images (bytes), drawn with matplotlib's Agg backend — no Qt, no pyplot (no
global figure state: safe off the GUI thread). Each function takes plain data and returns PNG bytes at DPI;
with nothing to show it returns a chart that says what to enter instead of empty axes.

matplotlib is imported inside the functions (importing it costs about a second; the rest of the app never
needs it). Chinese text needs a CJK font: the first of CJK_FONTS that is installed (Windows: Microsoft YaHei,
SimHei, SimSun …; Linux: WenQuanYi, Noto CJK …), else any installed font that has Chinese glyphs; with none
at all a warning is logged and the default font is used (its missing glyphs would show as boxes).
"""

from __future__ import annotations

import functools
import io
import logging
import textwrap
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)

DPI = 150
WIDTH_IN = 6.4  # inches: 16.3 cm, the text width of an A4 page with 公文 margins
CJK_FONTS = (
    "Microsoft YaHei",  # Windows 7+
    "SimHei",
    "DengXian",
    "SimSun",
    "WenQuanYi Micro Hei",  # Debian/Ubuntu fonts-wqy-microhei
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",  # fonts-noto-cjk
    "Noto Sans SC",
    "Source Han Sans SC",
    "Noto Serif CJK SC",
    "PingFang SC",  # macOS
    "Heiti SC",
    "Arial Unicode MS",
)
_PROBE = "产教融合企业"
THIS, LAST, SPENT, OVER = "#2f6db5", "#b8c4d6", "#e08a2c", "#c0392b"


@functools.cache
def chinese_fonts() -> tuple[str, ...]:
    """Installed font families for Chinese text, best first; () when there is none."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = tuple(name for name in CJK_FONTS if name in installed)
    if found:
        return found
    for entry in font_manager.fontManager.ttflist:  # any other font with the glyphs
        try:
            from matplotlib.ft2font import FT2Font

            charmap = FT2Font(entry.fname).get_charmap()
        except Exception:  # an unreadable font file
            continue
        if all(ord(c) in charmap for c in _PROBE):
            return (entry.name,)
    log.warning("no font with Chinese glyphs found (tried %s): chart labels may show as boxes", CJK_FONTS)
    return ()


def _rc() -> dict[str, Any]:
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [*chinese_fonts(), "DejaVu Sans"],
        "axes.unicode_minus": False,  # some CJK fonts lack U+2212
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
    }


def _figure(height: float = 3.0, cols: int = 1) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    axes = fig.subplots(1, cols, squeeze=False)[0]
    return fig, axes


def _png(fig: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _draw(height: float, cols: int, paint) -> bytes:
    import matplotlib

    with matplotlib.rc_context(_rc()):
        fig, axes = _figure(height, cols)
        rect = paint(fig, axes)  # a painter leaving room around the axes (legend, note) returns their box
        fig.tight_layout(rect=rect or (0, 0, 1, 1))
        return _png(fig)


def message_chart(title: str, message: str, height: float = 1.6) -> bytes:
    """A framed note in place of a chart: what it would show and what to enter to see it."""

    def paint(fig, axes) -> None:
        ax = axes[0]
        ax.set_axis_off()
        from matplotlib.patches import FancyBboxPatch

        ax.add_patch(
            FancyBboxPatch((0.01, 0.04), 0.98, 0.92, boxstyle="round,pad=0.01", transform=ax.transAxes,
                           facecolor="#f4f6f9", edgecolor="#b8c4d6")
        )  # fmt: skip
        ax.text(0.5, 0.66, title, ha="center", va="center", fontsize=11.5, transform=ax.transAxes)
        wrapped = "\n".join(textwrap.wrap(message, 40))
        ax.text(
            0.5, 0.32, wrapped, ha="center", va="center", fontsize=9, color="#555555", transform=ax.transAxes
        )

    return _draw(height, 1, paint)


def _labels(ax, bars, values: Sequence[float], fmt: str = "{:g}", horizontal: bool = False) -> None:
    ax.bar_label(bars, labels=[fmt.format(v) if v else "" for v in values], padding=2, fontsize=8)


def _two_lines(text: str, width: int = 9) -> str:
    """A long name on two lines of equal length (a third of it or more cut with “…”)."""
    if len(text) <= width:
        return text
    text = text if len(text) <= 2 * width else text[: 2 * width - 1] + "…"
    half = (len(text) + 1) // 2
    return f"{text[:half]}\n{text[half:]}"


# ---------------------------------------------------------------- the five charts


def tier_chart(rows: Sequence[tuple[str, int, int]], this_year: str, last_year: str) -> bytes:
    """Grouped bars: active partners per highest tier, (label, this 学年, last 学年)."""
    title = "合作企业的合作层次分布"
    if not any(a or b for _, a, b in rows):
        return message_chart(
            title,
            "两个学年都没有合作中的企业：请在“合作企业”中登记企业并设为“合作中”，再在“项目”中为其立项。",
        )

    tiers, rest = list(rows[:-1]), list(rows[-1:])
    top = max((max(a, b) for _, a, b in tiers), default=0)
    split = bool(rest) and max(rest[0][1:]) > 3 * max(top, 1)  # 未立项 on a scale of its own

    def bars(ax, part) -> None:
        x = range(len(part))
        last = ax.bar([i - 0.19 for i in x], [r[2] for r in part], 0.38, color=LAST, label=f"{last_year}学年")
        this = ax.bar([i + 0.19 for i in x], [r[1] for r in part], 0.38, color=THIS, label=f"{this_year}学年")
        _labels(ax, last, [r[2] for r in part])
        _labels(ax, this, [r[1] for r in part])
        ax.set_xticks(list(x), [r[0] for r in part])
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.margins(y=0.18)

    import matplotlib

    with matplotlib.rc_context(_rc()):
        fig, axes = _figure(2.9, 1)
        if split:
            fig.clear()
            axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
            bars(axes[1], rest)
            axes[1].set_title("（比例尺不同）", fontsize=8, color="#555555")
        bars(axes[0], tiers if split else list(rows))
        axes[0].set_ylabel("企业数（家）")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper center", ncol=2, frameon=False)
        fig.tight_layout(rect=(0, 0, 1, 0.9))
        return _png(fig)


def category_chart(counts: Sequence[tuple[str, int]]) -> bytes:
    """Horizontal bars: active partners per category (H第八条(一))."""
    title = "合作企业类别"
    if not any(n for _, n in counts):
        return message_chart(
            title, "本学年没有合作中的企业：请在“合作企业”中登记企业、标注类别并设为“合作中”。"
        )

    def paint(fig, axes) -> None:
        ax = axes[0]
        shown = list(reversed(counts))
        bars = ax.barh([c[0] for c in shown], [c[1] for c in shown], color=THIS, height=0.6)
        ax.bar_label(bars, labels=[str(c[1]) if c[1] else "" for c in shown], padding=2, fontsize=8)
        ax.set_xlabel("企业数（家，一家企业可属多个类别）")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.margins(x=0.12)

    return _draw(0.9 + 0.28 * len(counts), 1, paint)


def monthly_chart(months: Sequence[tuple[str, int]]) -> bytes:
    """Bars: students with a 岗位实习 in progress, per month of the 学年."""
    title = "各月在岗实习学生数"
    if not any(n for _, n in months):
        return message_chart(title, "本学年没有岗位实习：请在“学生实习”中登记岗位实习（签订协议后计入）。")

    def paint(fig, axes) -> None:
        ax = axes[0]
        bars = ax.bar([m for m, _ in months], [n for _, n in months], color=THIS, width=0.6)
        _labels(ax, bars, [n for _, n in months])
        ax.set_ylabel("学生数（人）")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.margins(y=0.15)

    return _draw(2.6, 1, paint)


MAX_PROJECTS = 10


def funds_chart(years: Sequence[tuple[int, Sequence[tuple[str, int, int]]]]) -> bytes:
    """Per calendar year a panel of horizontal bars: (project, budget fen, spent fen), in 万元; spending over
    the budget in red. At most MAX_PROJECTS per year (the largest)."""
    title = "各项目经费预算与支出"
    if not any(rows for _, rows in years):
        names = "、".join(f"{y}年" for y, _ in years)
        return message_chart(title, f"{names}没有经费预算或支出：请在“经费”中登记项目的年度预算和台账。")
    height = 0.9 + 0.34 * min(MAX_PROJECTS, max(len(rows) for _, rows in years))

    def paint(fig, axes) -> None:
        for ax, (year, rows) in zip(axes, years, strict=True):
            rows = list(rows)[:MAX_PROJECTS][::-1]
            ax.set_title(f"{year}年")
            if not rows:
                ax.set_axis_off()
                ax.text(0.5, 0.5, "该年没有预算或支出记录", ha="center", va="center", color="#555555")
                continue
            y = range(len(rows))
            budget = [r[1] / 1_000_000 for r in rows]
            spent = [r[2] / 1_000_000 for r in rows]
            colors = [OVER if r[2] > r[1] else SPENT for r in rows]
            ax.barh([i + 0.2 for i in y], budget, 0.4, color=LAST, label="预算")
            ax.barh([i - 0.2 for i in y], spent, 0.4, color=colors, label="支出")
            ax.set_yticks(list(y), [_two_lines(r[0]) for r in rows], fontsize=7.5)
            ax.set_xlabel("万元")
            ax.margins(x=0.08)
        from matplotlib.patches import Patch

        fig.legend(
            handles=[Patch(color=LAST, label="预算"), Patch(color=SPENT, label="支出"),
                     Patch(color=OVER, label="支出超过预算")],
            loc="upper center", ncol=3, frameon=False, bbox_to_anchor=(0.5, 1.0),
        )  # fmt: skip
        return (0, 0, 1, 1 - 0.35 / (height + 0.3))

    return _draw(height + 0.3, len(years), paint)


def trend_chart(series: Sequence[tuple[str, str, Sequence[tuple[str, float | None]]]]) -> bytes:
    """Small multiples, one panel per indicator: (name, kind "ratio" or "count", [(学年, value)])."""
    title = "主要指标近五年变化"
    if not any(v for _, _, points in series for _, v in points):
        return message_chart(
            title, "近五个学年都没有这些指标的数据：请登记毕业生就业、专任教师和岗位实习记录。"
        )

    def paint(fig, axes) -> None:
        for ax, (name, kind, points) in zip(axes, series, strict=True):
            ratio = kind == "ratio"
            xs = list(range(len(points)))
            ys = [(v * 100 if ratio else v) if v is not None else float("nan") for _, v in points]
            ax.plot(xs, ys, marker="o", color=THIS, linewidth=1.6)
            ax.set_xticks(xs, [f"{p[0][2:4]}-{p[0][7:9]}" for p in points])
            ax.set_xlim(-0.5, len(points) - 0.5)
            for x, v in zip(xs, ys, strict=True):
                if v == v:  # not NaN
                    ax.annotate(f"{v:.1f}%" if ratio else f"{v:g}", (x, v), textcoords="offset points",
                                xytext=(0, 5), ha="center", fontsize=7)  # fmt: skip
            ax.set_title(name + ("（%）" if ratio else "（人）"))
            if ratio:
                ax.set_ylim(0, 110)
            else:
                ax.set_ylim(bottom=0)
                ax.margins(y=0.2)
                ax.yaxis.get_major_locator().set_params(integer=True)
            ax.tick_params(axis="x", labelsize=7.5)
        fig.text(
            0.5, 0.01, "学年（如 25-26 即 2025-2026学年；无数据的学年不画点）", ha="center", fontsize=7.5
        )
        return (0, 0.07, 1, 1)

    return _draw(2.5, max(1, len(series)), paint)
