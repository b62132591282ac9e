"""帮助: the 入门指南 (F1; a new secretary's first week, resources/help/guide.md) and the 依据说明 (the documents
the 合规检查 cites, the school policy in force by its title, and each rule's source in words) — each a window
of its own, not modal, so it can stay open beside the page it talks about. A link `page:<name>` asks the main
window for that page (`page_wanted`), `do:<action>` for an action (`action_wanted`: 导入企业, 上报材料包 …);
other links open in the browser. Esc closes the window; its size and place are kept.
"""

from __future__ import annotations

import html

from app.compliance.registry import (
    NATIONAL,
    PRESETS,
    RECORD_TYPE_LABELS,
    SOURCE_TITLES,
    cite_source,
    source_in_force,
)
from app.services import rule_sets
from app.services.common import Changes
from resources import resource_bytes
from ui.forms.record_form import restore_geometry, save_geometry
from ui.ops import ReadOp, context
from ui.qt import *  # noqa: F403


class HelpWindow(QWidget):
    """A page of help text in a window of its own."""

    page_wanted = Signal(str)  # a page of the main window, by its attribute name ("settings_page")
    action_wanted = Signal(str)  # an action of the main window ("import_enterprises", "package" …)
    window_title = ""
    geometry_key = ""
    default_size = (720, 600)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.window_title)
        lay = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # page:/do: links go to the main window, web links to the browser
        self.browser.anchorClicked.connect(self._link)
        lay.addWidget(self.browser, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        close = QPushButton("关闭")
        close.setToolTip("关闭（Esc）")
        close.clicked.connect(self.close)
        row.addWidget(close)
        lay.addLayout(row)
        restore_geometry(self, self.geometry_key, self.default_size)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Esc closes the window, as it closes a dialog (the text browser leaves the key to its window)."""
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    @Slot(QUrl)
    def _link(self, url: QUrl) -> None:
        if url.scheme() == "page":
            self.page_wanted.emit(url.path())
        elif url.scheme() == "do":
            self.action_wanted.emit(url.path())
        else:
            QDesktopServices.openUrl(url)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        save_geometry(self, self.geometry_key)
        super().closeEvent(event)


def guide_text() -> str:
    return resource_bytes("help", "guide.md").decode("utf-8")


class GuideWindow(HelpWindow):
    """帮助 → 入门指南."""

    window_title = "入门指南"
    geometry_key = "help_guide"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser.setMarkdown(guide_text())


def sources_html(preset: str) -> str:
    """The 依据说明 under the school policy `preset` ("" for none): the documents in force, the one not chosen,
    and every rule with its source in words."""
    national = SOURCE_TITLES[NATIONAL]
    parts = [
        "<h2>依据说明</h2>",
        "<p>合规检查（工作台的“提醒”和“合规检查”、上报材料包中的检查结果）依据以下文件。"
        "提示中写明的条款，都引自这些文件。</p>",
        "<h3>正在执行的文件</h3><ul>",
        f"<li><b>{html.escape(national)}</b>：国家规定，总是检查。</li>",
    ]
    if preset:
        parts.append(f"<li><b>{html.escape(SOURCE_TITLES[preset])}</b>：本校执行的产教融合管理制度。</li>")
    parts.append("</ul>")
    others = [p for p in PRESETS if p != preset]
    if others:
        off = len(rule_sets.rules_off(preset))
        titles = "、".join(html.escape(SOURCE_TITLES[p]) for p in others)
        parts.append(
            f"<p>未采用：{titles}。只出自未采用文件的 {off} 条规则不检查。</p>"
            if off
            else f"<p>未采用：{titles}。</p>"
        )
    if not preset:
        parts.append("<p>目前没有选择本校的管理制度，只检查国家规定。</p>")
    parts.append(
        '<p>本校执行哪一份制度，在 <a href="page:settings_page">设置</a> 的“合规检查依据”页中选择。</p>'
    )
    parts.append("<h3>各条规则的依据</h3>")
    parts.append('<table cellspacing="0" cellpadding="4" border="1" width="100%">')
    parts.append("<tr><th>检查内容</th><th>程度</th><th>针对</th><th>依据</th></tr>")
    for rule in rule_sets.rules_in_force(preset):
        cited = cite_source(source_in_force(rule.source, preset))
        parts.append(
            "<tr>"
            f"<td>{html.escape(rule.title)}</td>"
            f"<td>{html.escape(rule.severity)}</td>"
            f"<td>{html.escape(RECORD_TYPE_LABELS.get(rule.record_type, ''))}</td>"
            f"<td>{html.escape(cited)}</td>"
            "</tr>"
        )
    parts.append("</table>")
    return "".join(parts)


class SourcesWindow(HelpWindow):
    """帮助 → 依据说明: follows 设置 (the preset chosen there) while it is open."""

    window_title = "依据说明"
    geometry_key = "help_sources"
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preset: str | None = None
        context().changes_applied.connect(self._on_changes)
        self.reload()

    def reload(self) -> None:
        ReadOp(self, rule_sets.get_rule_preset).success(self._show).run()

    def _show(self, preset: str) -> None:
        self.preset = preset
        self.browser.setHtml(sources_html(preset))
        self.loaded.emit()

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table == "settings":
            self.reload()
