"""The 依据 legend: one small line under a list whose rows cite rules (the 工作台's 提醒 and 合规检查, the 问题 of
学生实习, the indicators of 年度评价), naming by title the documents in force — the national
《职业学校学生实习管理规定》 and the school policy chosen in 设置 → 合规检查依据 (app/services/rule_sets.py) — with a
link to 帮助 → 依据说明 (every rule and its source). It reads the choice itself and follows 设置.

`source_note(source)` is the same in a tooltip: "（出自《…》第…）", the shorthand of a rule's source (H第八条(一),
N四(五)1, 实习规定第十六条) in words. It says where a requirement comes from, which holds whichever policy the
college follows."""

from __future__ import annotations

import html

from app.compliance.registry import SOURCE_TITLES, cite_source
from app.services import rule_sets
from app.services.common import Changes
from ui import theme
from ui.ops import ReadOp, context
from ui.qt import *  # noqa: F403

SOURCES_LINK = "sources"  # the href of 依据说明


# The documents by a short name, where a column has no room for the full title (the legend gives it whole).
SHORT_TITLES = {
    "H": "《产教融合管理办法》",
    "N": "《产教融合校企合作实施意见》",
    "实习规定": "《学生实习管理规定》",
}


def short_citation(citation: str) -> str:
    """A citation in words (Finding.citation) with each document by its short name: 《产教融合管理办法》第十五条."""
    for key, title in SOURCE_TITLES.items():
        citation = citation.replace(title, SHORT_TITLES[key])
    return citation


def source_note(source: str) -> str:
    """A rule's source in words for a tooltip or hint: "（出自《…管理办法（试行）》第九条）"."""
    return f"（出自{cite_source(source)}）"


def legend_text(preset: str, lead: str = "依据") -> str:
    """The legend as plain text under the school policy `preset` ("" for none)."""
    documents = "、".join(rule_sets.documents_in_force(preset))
    chosen = "" if preset else "（本校未选择学校制度，只检查国家规定）"
    return f"{lead}：{documents}{chosen}。学校制度在“设置 → 合规检查依据”中选择，每条规则的出处见“帮助 → 依据说明”。"


def legend_html(preset: str, lead: str = "依据") -> str:
    text = html.escape(legend_text(preset, lead))
    link = html.escape("“帮助 → 依据说明”")
    return text.replace(link, f'<a href="{SOURCES_LINK}">依据说明</a>')


def legend_label(text: str) -> QLabel:
    """A fixed legend line (wrapped, muted), for a page whose source does not depend on the 设置 choice."""
    label = QLabel(text)
    label.setWordWrap(True)
    return theme.muted(label)


class SourcesLegend(QLabel):
    """“依据：《…》、《…》。…” under a list; the link opens 帮助 → 依据说明 in the main window."""

    def __init__(self, lead: str = "依据", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lead = lead
        self.preset: str | None = None
        self.setWordWrap(True)  # wraps on a narrow window, never widens the page
        self.setTextFormat(Qt.TextFormat.RichText)
        theme.muted(self)
        self.linkActivated.connect(self._open)
        self.set_preset(rule_sets.DEFAULT_PRESET)
        try:
            ctx = context()
        except RuntimeError:  # a widget built without a database (some tests): the default policy
            return
        ctx.changes_applied.connect(self._on_changes)
        self.reload()

    def reload(self) -> None:
        ReadOp(self, rule_sets.get_rule_preset).success(self.set_preset).run()

    def set_preset(self, preset: str) -> None:
        self.preset = preset
        self.setText(legend_html(preset, self.lead))

    def plain_text(self) -> str:
        return legend_text(self.preset or "", self.lead)

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table == "settings":
            self.reload()

    @Slot(str)
    def _open(self, href: str) -> None:
        window = self.window()
        if href == SOURCES_LINK and hasattr(window, "sources"):
            window.sources()
