"""The strip above the 行业组织 list: each 专业群 against N四(一)2 in the current 学年 — how many organizations
it is linked to and how many activities they held — red where the rule is not met. A click on a group's name
asks the page to show that group's organizations."""

from __future__ import annotations

import html

from app.services.industry import GroupOrganizations
from ui import theme
from ui.legend import source_note
from ui.messages import reader_text
from ui.qt import *  # noqa: F403

RULE = "每个专业群对接 1–2 个行业组织，每学年至少开展一次活动"
RULE_TIP = RULE + source_note("N四(一)2")  # where the requirement comes from, in words
COLUMNS = 2
OK_COLOR, BAD_COLOR = theme.OK, theme.ERROR


def rule_met(g: GroupOrganizations) -> bool:
    return g.linked_ok and g.activities > 0


def group_text(g: GroupOrganizations) -> str:
    n = len(g.organization_ids)
    text = f"专业群 {g.group_name}：已联系 {n} 个行业组织，本学年活动 {g.activities} 次"
    problems = []
    if n == 0:
        problems.append("未对接行业组织")
    elif n > 2:
        problems.append("对接超过 2 个")
    if g.activities == 0:
        problems.append("本学年尚无活动")
    return f"{text}（{'，'.join(problems)}）" if problems else f"{text} ✓"


def group_tip(g: GroupOrganizations) -> str:
    last = f"最近一次活动：{g.last_activity_on}" if g.last_activity_on else "还没有登记过活动"
    return reader_text(
        f"{RULE_TIP}。\n{g.school_year}学年截至{g.last_day}；{last}。\n点击专业群名称只看它对接的行业组织。"
    )


class GroupStrip(QFrame):
    group_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.banner(self, theme.INFO)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(4)
        self.heading = QLabel(wordWrap=True)  # wraps on a narrow window
        theme.muted(self.heading).setContentsMargins(4, 0, 4, 0)
        self.heading.setToolTip(RULE_TIP)
        lay.addWidget(self.heading)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(2)
        lay.addLayout(self.grid)
        self.labels: dict[str, QLabel] = {}
        self.groups: list[GroupOrganizations] = []
        self._highlighted = ""

    def set_groups(self, groups: list[GroupOrganizations], highlighted: str = "") -> None:
        self.groups = list(groups)
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.labels = {}
        if not groups:
            self.heading.setText(f"尚未设置专业群：请在“设置”中添加专业群与专业，这里会逐个检查：{RULE}。")
            return
        bad = sum(not rule_met(g) for g in groups)
        summary = f"{bad} 个专业群未达要求" if bad else "全部专业群已达要求"
        self.heading.setText(f"专业群对接行业组织（{groups[0].school_year} 学年，{RULE}）— {summary}")
        for i, g in enumerate(groups):
            label = QLabel(wordWrap=True)  # wraps on a narrow window
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setToolTip(group_tip(g))
            label.linkActivated.connect(self._clicked)
            self.labels[g.group_id] = label
            self.grid.addWidget(label, i // COLUMNS, i % COLUMNS)
        self.grid.setColumnStretch(COLUMNS - 1, 1)
        self.highlight(highlighted)

    def highlight(self, group_id: str) -> None:
        self._highlighted = group_id
        for g in self.groups:
            label = self.labels.get(g.group_id)
            if label is None:
                continue
            color = OK_COLOR if rule_met(g) else BAD_COLOR
            name, rest = html.escape(g.group_name), html.escape(group_text(g).split("：", 1)[1])
            label.setText(
                f'<span style="color:{color}">专业群 <a href="{g.group_id}" style="color:{color}">{name}</a>'
                f"：{rest}</span>"
            )
            on = g.group_id == group_id
            theme.mark(label, on).setContentsMargins(4, 1, 4, 1)

    def label_text(self, group_id: str) -> str:
        """The plain text shown for a group (tests)."""
        g = next((g for g in self.groups if g.group_id == group_id), None)
        return group_text(g) if g else ""

    def is_red(self, group_id: str) -> bool:
        g = next((g for g in self.groups if g.group_id == group_id), None)
        return g is not None and not rule_met(g)

    @Slot(str)
    def _clicked(self, group_id: str) -> None:
        self.group_clicked.emit(group_id)
