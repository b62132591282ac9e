"""工作台: the college at a glance — partners by tier, agreements by status, projects — over three tabs: 提醒
(the findings of every compliance rule by due date), 合规检查 (the same findings grouped by severity and rule,
ui/compliance_tree.py) and 图表 (ui/charts_panel.py). A finding is one click (double-click or Enter) from its
record, with 忽略并说明 and 撤销忽略 (ui/findings_view.py, shared by both lists). A new rule shows here without
any change to this page.

Everything is read on the worker: the figures and findings on each reload; the charts only while the 图表 tab
is shown (else when it is next shown), the five-学年 trend as a job of its own (slow on a large archive). Each
read is a LatestRead: however many changes come, at most one of each runs and one waits. For changes made by
someone else, which may come every second while several people work, the slow part — the findings (the whole
compliance check, about a second on a large college) and the charts — runs at most once every SLOW_EVERY_S;
the figures follow every change."""

from __future__ import annotations

import datetime as dt
import math
import time

from app.compliance.registry import Finding, cite_source
from app.db.models import AGREEMENT_STATUSES, TIER_LABELS, TIERS
from app.reporting import chart_data as charts_svc
from app.reporting import dashboard as svc
from app.reporting import period_figures as fig
from app.services import settings as settings_svc
from app.services.common import Changes
from ui import theme
from ui.charts_panel import ChartsPanel
from ui.compliance_tree import ComplianceTab
from ui.findings_view import FindingsTab, ReminderTab
from ui.ops import context
from ui.pages.list_page import (
    PAGE_MARGINS,
    LatestRead,
    hidden_on_screen,
    others_changing,
    page_title,
    reload_soon,
)
from ui.qt import *  # noqa: F403

TIER_ORDER = tuple(reversed(TIERS))  # 融合层 first: the point is to move partners up
FIGURES_SHARE = 0.33  # of the page's height, at most, for the figures above the tabs
SLOW_EVERY_S = 5.0  # the findings and charts, for others' changes: at most this often


class _Figures(QGroupBox):
    """A titled box of label → number rows."""

    def __init__(self, title: str, rows: list[tuple[str, str, str]]) -> None:  # key, label, tooltip
        super().__init__(title)
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(18)
        self.values: dict[str, QLabel] = {}
        for i, (key, label, tip) in enumerate(rows):
            name = QLabel(label)
            value = QLabel("–")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setStyleSheet(theme.text(theme.ACCENT, bold=True, pt=theme.HEADING_PT + 2))
            if tip:
                name.setToolTip(tip)
                value.setToolTip(tip)
            grid.addWidget(name, i, 0)
            grid.addWidget(value, i, 1)
            self.values[key] = value
        grid.setRowStretch(len(rows), 1)

    def set(self, key: str, n: int) -> None:
        self.values[key].setText(str(n))


class DashboardPage(QWidget):
    title = "工作台"
    open_record = Signal(str, str, str)  # record type (enterprise / agreement / project), id, tab

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today: dt.date | None = None  # injected by tests; None: the real today at each load
        self._stale = False
        self._charts_stale = True
        self._charts_job = 0  # the latest chart load: older results are dropped
        self._reads = {k: LatestRead() for k in ("figures", "reminders", "charts", "trend")}
        self._slow_at: float | None = None  # time.monotonic() of the last read of the findings
        self._slow_timer = QTimer(self)  # others' changes came too soon after it: the findings then
        self._slow_timer.setSingleShot(True)
        self._slow_timer.timeout.connect(self._slow_due)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(*PAGE_MARGINS)
        self.heading = page_title(self.title)
        lay.addWidget(self.heading)
        lay.addWidget(self._figures_area())

        self.reminders = ReminderTab()
        self.compliance = ComplianceTab()
        self.charts = ChartsPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.reminders, "提醒")
        self.tabs.addTab(self.compliance, "合规检查")
        self.tabs.addTab(self.charts, "图表")
        self.tabs.setTabToolTip(0, "各条规则发现的问题，按期限排列")
        self.tabs.setTabToolTip(1, "按程度（错误、警告、提示）和规则分组的检查结果")
        self.tabs.setTabToolTip(2, "合作企业、实习、经费和年度指标的图表")
        self.tabs.currentChanged.connect(self._tab_changed)
        lay.addWidget(self.tabs, 1)
        for tab in self.finding_tabs:
            tab.open_record.connect(self.open_record)
            tab.show_acked.toggled.connect(self._sync_show_acked)
        # The 提醒 tab's widgets, under the names they had before the tabs
        r = self.reminders
        self.model, self.table, self.stack, self.empty = r.model, r.table, r.stack, r.empty
        self.kind_box, self.severity_box, self.reminder_title = r.kind_box, r.severity_box, r.reminder_title
        self.show_acked, self.ack_button, self.unack_button = r.show_acked, r.ack_button, r.unack_button
        context().changes_applied.connect(self._on_changes)
        self.reload()

    def _figures_area(self) -> QScrollArea:
        """The figures above the tabs: at their full height when there is room; on a low or narrow window
        (1366×768 at 150 %) they scroll, and the reminders keep the room."""
        holder = QWidget()
        figures = self._figures()
        figures.setContentsMargins(0, 0, 0, 0)
        holder.setLayout(figures)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(holder)
        area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        area.setMinimumHeight(area.fontMetrics().height() * 4)
        self.figures_area = area
        return area

    def _figures(self) -> QHBoxLayout:
        figures = QHBoxLayout()
        self.partners = _Figures(
            "合作中的企业（按最高层级）",
            [
                *(
                    (t, TIER_LABELS[t], f"该企业参与的项目中层级最高者（{cite_source('H第九条')}）")
                    for t in TIER_ORDER
                ),
                (svc.NO_TIER, "尚无项目", "合作中但尚未参与任何项目的企业：可考虑共建项目，提升合作层级"),
                ("total", "合计", fig.DEFINITIONS[fig.COOPERATING]),
            ],
        )
        self.agreements = _Figures(
            "合作协议（按状态）",
            [
                (st, st, "到期：终止日期已过（自动显示）") if st == "到期" else (st, st, "")
                for st in AGREEMENT_STATUSES
            ],
        )
        self.projects = _Figures(
            "产教融合项目（按层级）",
            [*((t, TIER_LABELS[t], "") for t in TIER_ORDER), ("total", "合计", "")],
        )
        self.year_box = _Figures(
            "本学年（截至今天）",
            [(label, label, fig.DEFINITIONS[label]) for label in fig.LABELS if label != fig.COOPERATING],
        )
        for box in (self.partners, self.agreements, self.projects, self.year_box):
            figures.addWidget(box, 1)
        return figures

    @property
    def finding_tabs(self) -> tuple[FindingsTab, ...]:
        return (self.reminders, self.compliance)

    def current_tab(self) -> FindingsTab:
        """The findings list on screen (the 提醒 one when the charts are)."""
        tab = self.tabs.currentWidget()
        return tab if isinstance(tab, FindingsTab) else self.reminders

    # ------------------------------------------------------------ data

    def reload(self, today: dt.date | None = None) -> None:
        """Two jobs on the worker, the figures first: they show at once, the reminders (the whole compliance
        check, about a second on a large college) when they are ready. For a change made by someone else the
        reminders and charts wait until SLOW_EVERY_S after their last read."""
        self._stale = False
        self._today = today or self._today
        day = self._today
        self._reads["figures"].run(
            self, lambda s: (svc.dashboard_figures(s, day), settings_svc.get_profile(s)), self._figures_loaded
        )
        wait = self._slow_at + SLOW_EVERY_S - time.monotonic() if self._slow_at is not None else 0.0
        if others_changing() and wait > 0:
            if not self._slow_timer.isActive():
                self._slow_timer.start(math.ceil(wait * 1000))
            return
        self._reload_slow()

    def _reload_slow(self) -> None:
        """The reminders, and the charts if on screen (else when next shown)."""
        self._slow_timer.stop()
        self._slow_at = time.monotonic()
        day = self._today
        self._reads["reminders"].run(
            self, lambda s: (svc.dashboard_reminders(s, day), day), self._reminders_loaded
        )
        self._charts_stale = True
        if self.charts_shown():
            self.load_charts()

    @Slot()
    def _slow_due(self) -> None:
        if hidden_on_screen(self):  # another page came on screen meanwhile: all of it when shown again
            self._stale = True
        else:
            self._reload_slow()

    def _figures_loaded(self, result) -> None:
        d, profile = result
        college = f"{profile.school} {profile.college}".strip()
        self.heading.setText(f"工作台 — {college}" if college else "工作台")
        for key, n in d.partners_by_tier.items():
            self.partners.set(key, n)
        self.partners.set("total", d.partners)
        for st in AGREEMENT_STATUSES:
            self.agreements.set(st, d.agreements_by_status.get(st, 0))
        for t in TIERS:
            self.projects.set(t, d.projects_by_tier.get(t, 0))
        self.projects.set("total", sum(d.projects_by_tier.values()))
        # the 学年's figures, as its 年度评价, 自评报告 and package show them
        self.year_box.setTitle(f"{d.period.label}（截至{d.as_of.month}月{d.as_of.day}日）")
        for label, n in d.year.items():
            if label in self.year_box.values:
                self.year_box.set(label, n)

    def _reminders_loaded(self, result) -> None:
        r, today = result
        for label, n in r.headline().items():
            if label in self.year_box.values:
                self.year_box.set(label, n)
        checked_at = dt.datetime.now()
        for tab in self.finding_tabs:
            tab.set_findings(list(r.reminders), list(r.acknowledged), today or dt.date.today(), checked_at)

    def charts_shown(self) -> bool:
        return self.isVisible() and self.tabs.currentWidget() is self.charts

    def load_charts(self) -> None:
        """The charts' data on the worker: the quick figures, then the five-学年 trend as a job of its own."""
        self._charts_stale = False
        self._charts_job += 1
        job, day = self._charts_job, self._today
        self.charts.show_busy()
        self._reads["charts"].run(self, lambda s: (job, charts_svc.chart_data(s, day)), self._charts_loaded)
        self._reads["trend"].run(
            self, lambda s: (job, charts_svc.indicator_trend(s, day)), self._trend_loaded
        )

    def _charts_loaded(self, result) -> None:
        job, data = result
        if job == self._charts_job:
            self.charts.show_data(data)

    def _trend_loaded(self, result) -> None:
        job, trend = result
        if job == self._charts_job:
            self.charts.show_trend(trend)

    @Slot(int)
    def _tab_changed(self, _index: int) -> None:
        if self._charts_stale and self.charts_shown():
            self.load_charts()

    @Slot(bool)
    def _sync_show_acked(self, on: bool) -> None:
        for tab in self.finding_tabs:
            tab.show_acked.setChecked(on)

    # ------------------------------------------------------------ the current list's actions

    def current_finding(self) -> Finding | None:
        return self.current_tab().current_finding()

    @Slot()
    def acknowledge_current(self) -> None:
        self.current_tab().acknowledge_current()

    @Slot()
    def withdraw_current(self) -> None:
        self.current_tab().withdraw_current()

    @Slot()
    def open_current(self) -> None:
        self.current_tab().open_current()

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        # The rules read the whole database: recompute now only if the page is on screen, else when shown.
        self._stale = True
        if self.isVisible():
            reload_soon(self.reload)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """The figures take at most FIGURES_SHARE of the page's height: the reminders keep the rest."""
        super().resizeEvent(event)
        area = self.figures_area
        full = area.widget().sizeHint().height() + 2 * area.frameWidth()
        if area.widget().minimumSizeHint().width() > area.viewport().width():
            full += area.horizontalScrollBar().sizeHint().height()
        area.setMaximumHeight(max(area.minimumHeight(), min(full, int(self.height() * FIGURES_SHARE))))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.reload()
        elif self._charts_stale and self.charts_shown():
            self.load_charts()
