"""合规检查 on the 工作台: the findings grouped 错误 → 警告 → 提示 (then 已忽略, with 显示已忽略), then by rule
(title, code, source and count; the rule's description as tooltip), then the findings (record, message, due).
A rule's findings are made into items when its group is first expanded, at most LEAF_LIMIT of them (a large
archive has tens of thousands of 一年未走访): the 提醒 tab lists them all."""

from __future__ import annotations

from app.compliance.registry import ERROR, HINT, RULES, SEVERITIES, WARNING, Finding
from ui import theme
from ui.findings_view import GREY, SEVERITY_COLOURS, FindingsTab, due_colour, due_text, finding_tip
from ui.qt import *  # noqa: F403
from ui.widgets import view_or_empty

ACKED = "已忽略"
LEAF_LIMIT = 1000
KIND = Qt.ItemDataRole.UserRole  # "severity" / "rule" / "finding" / "more"
KEY = Qt.ItemDataRole.UserRole + 1  # severity; (group, rule code); (group, rule code, index in the group)
SEVERITY_TIPS = {
    ERROR: "违反政策文件的硬性规定，须纠正",
    WARNING: "应尽快处理",
    HINT: "供参考",
    ACKED: "已“忽略并说明”的提醒，理由在提示中",
}


class ComplianceTab(FindingsTab):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._groups: dict[tuple[str, str], list[Finding]] = {}  # (severity or 已忽略, rule) → findings
        self._expanded: set[str | tuple[str, str]] | None = None  # None: the defaults (错误 open)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        head = QHBoxLayout()
        self.summary = QLabel("合规检查")
        theme.heading(self.summary)
        self.summary.setToolTip(
            "按设置中选定的合规检查依据，全部规则对整个档案的检查结果；数据修改后自动重新检查"
        )
        head.addWidget(self.summary)
        head.addStretch(1)
        self.add_actions(head)
        lay.addLayout(head)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["规则 / 记录", "说明", "期限"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setColumnWidth(0, 380)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.tree.setColumnWidth(2, 190)
        self.tree.itemExpanded.connect(self._fill)
        self.tree.itemExpanded.connect(lambda _i: self._remember())
        self.tree.itemCollapsed.connect(lambda _i: self._remember())
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.currentItemChanged.connect(lambda *_a: self.update_buttons())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.tree, self._enter, context=Qt.ShortcutContext.WidgetShortcut)
        self.stack, self.empty = view_or_empty(lay, self.tree)
        self.empty.configure(
            "合规检查全部通过",
            "按设置中选定的合规检查依据，协议、项目、实习、经费、资产、师资等各项规则均未发现问题。",
            [],
        )
        lay.addWidget(self.legend)

    # ------------------------------------------------------------ building

    def show_findings(self) -> None:
        current = self.current_finding()
        groups: dict[tuple[str, str], list[Finding]] = {}
        for f in self.open:
            groups.setdefault((f.severity, f.rule), []).append(f)
        if self.show_acked.isChecked():
            for f, _a in self.acked:
                groups.setdefault((ACKED, f.rule), []).append(f)
        self._groups = groups
        self.tree.setUpdatesEnabled(False)
        self.tree.blockSignals(True)
        self.tree.clear()
        for severity in (*SEVERITIES, ACKED):
            rules = [(code, fs) for (sev, code), fs in groups.items() if sev == severity]
            if rules:
                self._add_severity(severity, rules)
        self.tree.blockSignals(False)
        self.tree.setUpdatesEnabled(True)
        if current is not None:
            self.select(current.key)
        self._show_summary()
        self.stack.setCurrentWidget(self.tree if groups else self.empty)
        self.update_buttons()

    def _add_severity(self, severity: str, rules: list[tuple[str, list[Finding]]]) -> None:
        n = sum(len(fs) for _c, fs in rules)
        # Items are built before they join the tree: each change of an item in the tree is a model signal.
        top = QTreeWidgetItem([f"{severity}（{n} 条）", SEVERITY_TIPS[severity], ""])
        top.setData(0, KIND, "severity")
        top.setData(0, KEY, severity)
        font = QFont(top.font(0))
        font.setBold(True)
        top.setFont(0, font)
        rule_font = QFont(font)  # bold too (a CJK font has no demibold), without the severity's colour
        top.setForeground(0, QBrush(SEVERITY_COLOURS.get(severity, GREY)))
        top.setFirstColumnSpanned(False)
        rules.sort(key=lambda cf: (-len(cf[1]), RULES[cf[0]].title if cf[0] in RULES else cf[0]))
        expand = []
        for code, fs in rules:
            rule = RULES.get(code)
            title = rule.title if rule else code
            item = QTreeWidgetItem(top, [f"{title}（{len(fs)} 条）", f"依据：{fs[0].citation or '—'}", ""])
            item.setData(0, KIND, "rule")
            item.setFont(0, rule_font)
            item.setData(0, KEY, (severity, code))
            tip = (
                f"{title}（规则 {code}；依据：{fs[0].citation}）\n{rule.description if rule else ''}".strip()
            )
            for col in (0, 1):
                item.setToolTip(col, tip)
            item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            if self._is_expanded((severity, code), severity == ERROR):
                self._fill(item)
                expand.append(item)
        self.tree.addTopLevelItem(top)
        for item in expand:
            item.setExpanded(True)
        top.setExpanded(self._is_expanded(severity, severity == ERROR))

    def _is_expanded(self, key: str | tuple[str, str], default: bool) -> bool:
        return default if self._expanded is None else key in self._expanded

    @Slot(QTreeWidgetItem)
    def _fill(self, item: QTreeWidgetItem) -> None:
        if item.data(0, KIND) != "rule" or item.childCount():
            return
        group = tuple(item.data(0, KEY))
        findings = self._groups.get(group, [])
        leaves = []
        for i, f in enumerate(findings[:LEAF_LIMIT]):
            ack = self.acks.get(f.key)
            leaf = QTreeWidgetItem([f.title, f.message, due_text(f, self.today)])
            leaves.append(leaf)
            leaf.setData(0, KIND, "finding")
            leaf.setData(0, KEY, (*group, i))
            tip = finding_tip(f, ack)
            for col in range(3):
                leaf.setToolTip(col, tip)
            colour = GREY if ack else due_colour(f, self.today)
            if colour is not None:
                leaf.setForeground(2, QBrush(colour))
            if ack:
                leaf.setForeground(0, QBrush(GREY))
                leaf.setForeground(1, QBrush(GREY))
        if len(findings) > LEAF_LIMIT:
            more = QTreeWidgetItem(
                [f"还有 {len(findings) - LEAF_LIMIT} 条未列出", "在“提醒”页按规则筛选可看全部", ""]
            )
            more.setData(0, KIND, "more")
            more.setForeground(0, QBrush(GREY))
            leaves.append(more)
        item.addChildren(leaves)

    def _remember(self) -> None:
        expanded: set[str | tuple[str, str]] = set()
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.isExpanded():
                expanded.add(top.data(0, KEY))
            for j in range(top.childCount()):
                if top.child(j).isExpanded():
                    expanded.add(tuple(top.child(j).data(0, KEY)))
        self._expanded = expanded

    def _show_summary(self) -> None:
        n = self.counts()
        when = f"，检查于 {self.checked_at:%H:%M}" if self.checked_at else ""
        self.summary.setText(
            f"错误 {n[ERROR]} 条 · 警告 {n[WARNING]} 条 · 提示 {n[HINT]} 条 · 已忽略 {len(self.acked)} 条{when}"
        )

    # ------------------------------------------------------------ the current finding

    def current_finding(self) -> Finding | None:
        item = self.tree.currentItem()
        return self._finding_of(item) if item is not None else None

    def _finding_of(self, item: QTreeWidgetItem) -> Finding | None:
        if item.data(0, KIND) != "finding":
            return None
        severity, code, i = item.data(0, KEY)
        findings = self._groups.get((severity, code), [])
        return findings[i] if i < len(findings) else None

    def item_of(self, key: str) -> QTreeWidgetItem | None:
        """The item of a finding (its rule's group filled first)."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                rule = top.child(j)
                group = tuple(rule.data(0, KEY))
                if not any(f.key == key for f in self._groups.get(group, ())[:LEAF_LIMIT]):
                    continue
                self._fill(rule)
                return next(
                    (rule.child(k) for k in range(rule.childCount()) if self._key_of(rule.child(k)) == key),
                    None,
                )
        return None

    def _key_of(self, item: QTreeWidgetItem) -> str | None:
        f = self._finding_of(item)
        return f.key if f is not None else None

    def select(self, key: str) -> None:
        item = self.item_of(key)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    @Slot(QTreeWidgetItem, int)
    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(0, KIND) == "finding":
            self.open_finding(self._finding_of(item))

    @Slot()
    def _enter(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        if item.data(0, KIND) == "finding":
            self.open_current()
        elif item.childCount() or item.data(0, KIND) == "rule":
            item.setExpanded(not item.isExpanded())
