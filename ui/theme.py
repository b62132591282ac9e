"""One theme: the colours, text styles and the UI font every window uses (Anki: aqt/colors.py + aqt/theme.py).

A widget asks for a role, never writes a hex colour or a style sheet of its own:

    label.setStyleSheet(theme.text(theme.ERROR))      # red text
    theme.hint(label)                                  # grey explanatory line
    theme.heading(label)                               # a section's bold heading
    item.setForeground(theme.brush(theme.WARNING))     # a table cell

The application-wide style sheet (navigation, the undo bar, banners) is `STYLE_SHEET`, applied once by
`apply(app)`; widgets that need one of its looks set an object name (`theme.banner(widget, theme.WARNING)`).
"""

from __future__ import annotations

from ui.qt import *  # noqa: F403

# --- colours, by what they mean -------------------------------------------------------------------------
ERROR = "#c42b1c"  # a field error, a rule broken, a failed step
WARNING = "#b26a00"  # 提醒 / 即将到期
OK = "#1e7b34"  # 达标 / 已完成
INFO = "#1f6fb2"  # a link-like or informational accent
ACCENT = "#1f4e79"  # the selected navigation item, headings of figures
TEXT = "#222222"
MUTED = "#555555"  # secondary text: units, captions, "统计区间 …"
HINT = "#777777"  # hints and empty states
DISABLED = "#999999"
BORDER = "#dcdfe6"
SURFACE = "#f3f5f8"  # the navigation pane, table headers of summaries
SELECTED = "#dbe8f7"
ERROR_BG = "#fdecea"
WARNING_BG = "#fff4ce"
WARNING_BORDER = "#e6c86e"
OK_BG = "#e8f5e9"
INFO_BG = "#eef3f8"

# A series palette for charts (colour-blind friendly, in the order series are drawn).
SERIES = ("#1f6fb2", "#e08a1e", "#3a8d5c", "#c42b1c", "#6b3fa0", "#8a8f98", "#d9822b", "#1b5e20")

SEVERITY = {"error": ERROR, "warning": WARNING, "info": INFO, "ok": OK}
TIER = {"integration": SERIES[4], "deepening": INFO, "foundation": OK}  # 融合层 / 深化层 / 基础层 (H第九条)

# --- text sizes (points) ------------------------------------------------------------------------------------
BODY_PT = 9  # Windows' message font size
HEADING_PT = 11
TITLE_PT = 14
FIGURE_PT = 18  # a big number on the 工作台

# Windows' own UI font for Chinese (微软雅黑 UI; plain 微软雅黑 since Vista), then sans-serif fonts that stand in
# where it is missing (a trimmed Windows, Wine): never Qt's own fallback, which on Windows is the serif SimSun.
UI_FONTS = ["Microsoft YaHei UI", "Microsoft YaHei", "DengXian", "Noto Sans CJK SC", "SimHei"]


def text(color: str, *, bold: bool = False, pt: int | None = None) -> str:
    """A label's style sheet: its colour, weight and size."""
    css = f"color:{color};"
    if bold:
        css += "font-weight:bold;"
    if pt:
        css += f"font-size:{pt}pt;"
    return css


ERROR_STYLE = text(ERROR)


def brush(color: str) -> QBrush:
    return QBrush(QColor(color))


def qcolor(color: str) -> QColor:
    return QColor(color)


def error(label: QLabel) -> QLabel:
    label.setStyleSheet(ERROR_STYLE)
    return label


def hint(label: QLabel) -> QLabel:
    label.setStyleSheet(text(HINT))
    return label


def muted(label: QLabel) -> QLabel:
    label.setStyleSheet(text(MUTED))
    return label


def heading(label: QLabel, color: str = TEXT) -> QLabel:
    label.setStyleSheet(text(color, bold=True, pt=HEADING_PT))
    return label


def title(label: QLabel) -> QLabel:
    label.setStyleSheet(text(TEXT, bold=True, pt=TITLE_PT))
    return label


def figure(label: QLabel, color: str = ACCENT) -> QLabel:
    label.setStyleSheet(text(color, bold=True, pt=FIGURE_PT))
    return label


def empty_state(label: QLabel) -> QLabel:
    label.setStyleSheet(text(HINT, pt=HEADING_PT))
    return label


def banner(widget: QWidget, color: str = WARNING) -> QWidget:
    """A coloured strip above a page or a form (a notice, a warning, an error): the style sheet's #banner."""
    widget.setObjectName("banner")
    widget.setProperty("tone", {ERROR: "error", WARNING: "warning", OK: "ok"}.get(color, "info"))
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    return widget


def total_cell(item: QTableWidgetItem) -> QTableWidgetItem:
    """A cell of a figures table's 合计 row: bold, on the informational background."""
    font = QFont(item.font())
    font.setBold(True)
    item.setFont(font)
    item.setBackground(brush(INFO_BG))
    return item


def greyed(color: str, *, bold: bool = False, pt: int | None = None) -> str:
    """A label's style sheet that still greys the label when it is disabled (a colour from a style sheet would
    otherwise stay)."""
    return f"QLabel{{{text(color, bold=bold, pt=pt)}}}QLabel:disabled{{color:{DISABLED};}}"


def section(label: QLabel) -> QLabel:
    """A group's heading with a rule under it (the 指标 tab's groups)."""
    label.setStyleSheet(
        f"QLabel{{{text(TEXT, bold=True, pt=HEADING_PT + 1)}border-bottom:1px solid {BORDER};"
        f"padding-top:10px;padding-bottom:3px;}}QLabel:disabled{{color:{DISABLED};}}"
    )
    return label


def link_value(button: QWidget) -> QWidget:
    """A figure that opens its records: a flat QPushButton drawn as an underlined link, aligned right."""
    button.setStyleSheet(
        f"QPushButton{{border:none;padding:0;text-align:right;{text(ACCENT, bold=True, pt=HEADING_PT + 1)}"
        f"text-decoration:underline;}}QPushButton:hover{{color:{INFO};}}QPushButton:disabled{{color:{DISABLED};}}"
    )
    return button


def mark(widget: QWidget, on: bool = True) -> QWidget:
    """The chosen one of a row of labels: bold on the warning background (off: as the others)."""
    widget.setStyleSheet(f"background:{WARNING_BG};font-weight:bold;" if on else "")
    return widget


def menu_button(button: QWidget) -> QWidget:
    """A QToolButton that opens a menu, drawn like a push button with "▼" (U+25BC, in every Chinese font of
    Windows, unlike U+25BE) at the end of its text: Qt's own small arrow is hidden (no second arrow)."""
    button.setStyleSheet("QToolButton{padding:4px 10px;} QToolButton::menu-indicator{image:none;}")
    return button


STYLE_SHEET = f"""
QListWidget#nav {{ background:{SURFACE}; border:none; border-right:1px solid {BORDER}; font-size:{HEADING_PT}pt; }}
QListWidget#nav::item {{ padding:8px 12px; }}
QListWidget#nav::item:selected {{ background:{SELECTED}; color:{ACCENT}; }}
#undoBar {{ background:{WARNING_BG}; border:1px solid {WARNING_BORDER}; border-radius:4px; }}
#banner[tone="warning"] {{ background:{WARNING_BG}; border:1px solid {WARNING_BORDER}; border-radius:4px; }}
#banner[tone="error"] {{ background:{ERROR_BG}; border:1px solid {ERROR}; border-radius:4px; }}
#banner[tone="ok"] {{ background:{OK_BG}; border:1px solid {OK}; border-radius:4px; }}
#banner[tone="info"] {{ background:{INFO_BG}; border:1px solid {BORDER}; border-radius:4px; }}
QLabel#pageTitle {{ font-size:{TITLE_PT}pt; font-weight:bold; }}
QLabel#banner {{ padding:6px 8px; }}
QTableView#frozen_columns {{ border:none; border-right:1px solid palette(mid); }}
"""


def ui_font(size_pt: int = BODY_PT) -> QFont:
    font = QFont()
    font.setFamilies(UI_FONTS)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSize(size_pt)
    return font


# Widget classes the platform gives a font of their own (Windows: the item views get the icon title font, which
# under a trimmed Windows or Wine is a serif one); they get the UI font too.
FONT_CLASSES = ("QAbstractItemView", "QListView", "QHeaderView")


def apply(app: QApplication, *, windows: bool) -> None:
    """The style sheet everywhere; the font on Windows (elsewhere the desktop's own font is the right one); a
    selection that stays visible when its list loses the focus."""
    app.setStyleSheet(STYLE_SHEET)  # first: a new style sheet reloads the platform's per-class fonts
    if windows:
        font = ui_font()
        app.setFont(font)
        for name in FONT_CLASSES:
            app.setFont(font, name)
    app.setPalette(_visible_inactive_selection(app.palette()))


def _visible_inactive_selection(palette: QPalette) -> QPalette:
    """Windows draws the selection of a list without the focus in a pale grey that is hard to see on white: the
    inactive selection takes the active colours."""
    for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText):
        palette.setColor(QPalette.ColorGroup.Inactive, role, palette.color(QPalette.ColorGroup.Active, role))
    return palette
