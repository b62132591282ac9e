"""行业与工作室: three tabs.

- 工作室 (N四(五)2): the studios with lead, members, enterprise; the form is ui/dialogs/studio_dialog.py.
- 行业组织: the industry organizations and, above them, each 专业群 against N四(一)2 (1–2 linked organizations,
  at least one activity in the 学年) — red where the rule is not met; a click on a group filters the list.
  The form is ui/dialogs/organization_dialog.py.
- 指导委员会: ui/pages/steering.py.

Studios and organizations are few (tens), so their lists filter and sort the service's rows in Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.domain.names import pinyin_keys
from app.services import industry as svc
from ui import theme
from ui.models.lazy_table import Column, LazyTableModel
from ui.ops import read_now
from ui.pages.group_strip import RULE, RULE_TIP, GroupStrip
from ui.pages.list_page import ListPage, RecordsModel, TabbedPage, refill
from ui.pages.steering import SteeringView
from ui.qt import *  # noqa: F403
from ui.widgets import write_action

RED = theme.qcolor(theme.ERROR)
ORANGE = theme.qcolor(theme.WARNING)


@dataclass(frozen=True)
class RowQuery:
    text: str = ""
    sort: str = ""
    descending: bool = False
    group_id: str = ""
    today: dt.date | None = None


def _sort_key(value: Any) -> tuple:
    if isinstance(value, tuple):
        return (0, len(value))
    if value is None or value == "":
        return (1, "")
    if isinstance(value, str):
        return (0, pinyin_keys(value)[1])
    return (0, value)


def pick(rows: Sequence[Any], q: RowQuery, texts: Callable[[Any], str]) -> list[str]:
    """Ids of the rows containing the search text (also as pinyin initials of the name), sorted by q.sort."""
    key = q.text.strip().lower()
    if key:
        rows = [r for r in rows if key in texts(r).lower() or key in pinyin_keys(r.name)[0]]
    if q.sort:
        nones = [r for r in rows if _sort_key(getattr(r, q.sort))[0]]
        rest = sorted(
            (r for r in rows if not _sort_key(getattr(r, q.sort))[0]),
            key=lambda r: _sort_key(getattr(r, q.sort)),
            reverse=q.descending,
        )
        rows = rest + nones  # empty values last either way
    return [r.id for r in rows]


# ---------------------------------------------------------------- 工作室


def _members(ids: tuple[str, ...]) -> str:
    return f"{len(ids)} 人" if ids else ""


def _member_names(r: svc.StudioRow) -> str | None:
    return "、".join(n for n in r.member_names if n) or None


STUDIO_COLUMNS = [
    Column("name", "工作室名称", "name", 230),
    Column("kind", "类型", "kind", 170),
    Column("lead_name", "负责人", "lead_name", 80),
    Column("member_ids", "成员", "member_ids", 56, fmt=_members, tooltip=_member_names),
    Column("enterprise_name", "合作企业", "enterprise_name", 220),
    Column("established_on", "成立日期", "established_on", 92),
    Column("activities", "活动次数", "activities", 70, fmt=lambda n: str(n) if n else ""),
]


def _studio_texts(r: svc.StudioRow) -> str:
    return " ".join((r.name, r.kind, r.lead_name, *r.member_names, r.enterprise_name, r.note))


class StudiosPage(ListPage):
    title = "工作室"
    state_key = "studios"
    noun, unit = "工作室", "个"
    new_text = "新建工作室…"
    search_hint = "搜索工作室名称、类型、负责人、成员或企业"
    columns = STUDIO_COLUMNS
    default_sort = ("name", False)
    watched = ("studio", "studio_activity", "teacher", "enterprise")
    empty_title = "还没有工作室"
    empty_hint = (
        "登记技能大师工作室、劳模和工匠人才创新工作室、名师工作室、企业专家工作室："
        "负责人、成员（从教师档案中选择）、合作企业和开展的活动。"
    )
    form_class = "ui.dialogs.studio_dialog:StudioDialog"
    delete_service = staticmethod(svc.delete_studios)
    restore_service = staticmethod(svc.restore_studios)

    right_aligned = frozenset({3, 6})  # 成员, 活动次数

    def make_model(self) -> LazyTableModel:
        def rows(s: Session, ids: Sequence[str]) -> dict[str, Any]:
            wanted = set(ids)
            return {r.id: r for r in svc.studio_rows(s) if r.id in wanted}

        return RecordsModel(STUDIO_COLUMNS, rows, self.right_aligned)

    def query(self) -> RowQuery:
        return RowQuery(self.search.text(), *self._sort)

    def has_filter(self) -> bool:
        return bool(self.search.text().strip())

    @staticmethod
    def ids_and_total(s: Session, q: RowQuery) -> tuple[list[str], int]:
        rows = svc.studio_rows(s)
        return pick(rows, q, _studio_texts), len(rows)


# ---------------------------------------------------------------- 行业组织


@dataclass(frozen=True)
class OrganizationLine(svc.OrganizationRow):
    year_activities: int = 0  # in the 学年 containing today
    status: str = ""


def organization_lines(s: Session, today: dt.date) -> list[OrganizationLine]:
    counts = svc.organization_year_activities(s, today)
    out = []
    for r in svc.organization_rows(s):
        n = counts.get(r.id, 0)
        status = "未对接专业群" if not r.group_ids else "本学年无活动" if not n else "本学年已开展"
        out.append(OrganizationLine(**vars(r), year_activities=n, status=status))
    return out


def _status_color(r: OrganizationLine) -> QColor | None:
    return {"未对接专业群": ORANGE, "本学年无活动": RED}.get(r.status)


def _status_tip(r: OrganizationLine) -> str:
    what = {
        "未对接专业群": "尚未对接专业群：打开组织勾选它服务的专业群。",
        "本学年无活动": "本学年还没有登记活动：打开组织在“活动”页添加。",
    }.get(r.status, "本学年已登记活动。")
    return f"{what}\n{RULE_TIP}"


ORGANIZATION_COLUMNS = [
    Column("name", "组织名称", "name", 250),
    Column("kind", "类型", "kind", 70),
    Column("group_names", "对接专业群", "group_names", 220, fmt=lambda g: "、".join(g)),
    Column("year_activities", "本学年活动", "year_activities", 80, fmt=lambda n: f"{n} 次"),
    Column("last_activity_on", "最近活动", "last_activity_on", 92),
    Column("status", "状态", "status", 100, tooltip=_status_tip, foreground=_status_color),
    Column("contact", "联系方式", "contact", 140),
]


def _organization_texts(r: OrganizationLine) -> str:
    return " ".join((r.name, r.kind, *r.group_names, r.contact, r.note, r.status))


class OrganizationsPage(ListPage):
    title = "行业组织"
    state_key = "organizations"
    noun, unit = "行业组织", "个"
    new_text = "新建行业组织…"
    search_hint = "搜索组织名称、类型、专业群或联系方式"
    columns = ORGANIZATION_COLUMNS
    default_sort = ("name", False)
    watched = ("industry_organization", "organization_activity", "settings", "major_group")
    today: dt.date | None = None  # tests fix the day; None = today
    empty_title = "还没有行业组织"
    empty_hint = (
        "登记学院加入或对接的行业组织、行业协会，勾选它服务的专业群，并记录每次参加的活动。"
        "要求：每个专业群对接 1–2 个行业组织，每学年至少开展一次活动。"
    )
    delete_service = staticmethod(svc.delete_organizations)
    restore_service = staticmethod(svc.restore_organizations)

    right_aligned = frozenset({3})  # 本学年活动

    def make_model(self) -> LazyTableModel:
        def rows(s: Session, ids: Sequence[str]) -> dict[str, Any]:
            wanted, day = set(ids), self.today or dt.date.today()
            return {r.id: r for r in organization_lines(s, day) if r.id in wanted}

        return RecordsModel(ORGANIZATION_COLUMNS, rows, self.right_aligned)

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.group_box = self.filter_combo("全部专业群", ())
        self.group_box.setMinimumContentsLength(12)
        bar.addWidget(self.group_box, 1)

    def _build(self) -> None:
        super()._build()
        self.strip = GroupStrip()
        self.strip.group_clicked.connect(self.show_group)
        lay = self.layout()
        assert isinstance(lay, QVBoxLayout)
        lay.insertWidget(1, self.strip)  # under the heading, above the search

    def query(self) -> RowQuery:
        return RowQuery(
            self.search.text(), *self._sort, self.group_box.currentData() or "", self.today or dt.date.today()
        )

    def has_filter(self) -> bool:
        return bool(self.search.text().strip() or self.group_box.currentData())

    @staticmethod
    def ids_and_total(s: Session, q: RowQuery) -> tuple[Any, int]:
        day = q.today or dt.date.today()
        rows = organization_lines(s, day)
        shown = [r for r in rows if not q.group_id or q.group_id in r.group_ids]
        return (pick(shown, q, _organization_texts), svc.group_organizations(s, day)), len(rows)

    def _loaded(self, result: tuple[Any, int]) -> None:
        (ids, groups), total = result
        self._refresh_groups([(g.group_id, g.group_name) for g in groups])
        self.strip.set_groups(groups, self.group_box.currentData() or "")
        super()._loaded((ids, total))

    def _refresh_groups(self, groups: list[tuple[str, str]]) -> None:
        refill(self.group_box, [(name, gid) for gid, name in groups])

    @Slot(str)
    def show_group(self, group_id: str) -> None:
        """Filter the list to a 专业群 and highlight it in the strip (the 工作台 reminders call this)."""
        if self.group_box.findData(group_id) < 0:  # asked before the first load came back
            self._refresh_groups([(c.id, c.label) for c in read_now(svc.group_choices)])
        i = self.group_box.findData(group_id)
        self.group_box.setCurrentIndex(max(0, i))  # reloads; the strip highlights the chosen group
        self.strip.highlight(group_id if i > 0 else "")

    def _show_empty_state(self, ids: list[str], total: int) -> None:
        group = self.group_box.currentData()
        if ids or not total or not group or self.search.text().strip():
            super()._show_empty_state(ids, total)
            return
        self.empty.configure(
            f"{self.group_box.currentText()}还没有对接行业组织",
            f"{RULE}。新建行业组织时已勾选这个专业群；已登记的组织可打开后勾选。",
            [write_action("新建行业组织…", self.new_record), ("显示全部行业组织", self.clear_filters)],
        )
        self.stack.setCurrentWidget(self.empty)

    def new_record(self) -> str | None:
        from ui.dialogs.organization_dialog import OrganizationDialog

        dlg = OrganizationDialog(self.window(), group_id=self.group_box.currentData() or "")
        dlg.exec()
        self.created(dlg.saved_id)
        return dlg.saved_id

    def open_record(self, record_id: str) -> None:
        from ui.dialogs.organization_dialog import OrganizationDialog

        OrganizationDialog(self.window(), record_id).exec()


# ---------------------------------------------------------------- the page


class IndustryPage(TabbedPage):
    """行业与工作室. Ctrl+N creates on the tab on screen (new_text follows it), Ctrl+F searches it."""

    title = "行业与工作室"
    state_key = "industry"

    def add_tabs(self, tabs: QTabWidget) -> None:
        self.studios = StudiosPage()
        self.organizations = OrganizationsPage()
        self.steering = SteeringView()
        tabs.addTab(self.studios, "工作室")
        tabs.addTab(self.organizations, "行业组织")
        tabs.addTab(self.steering, "指导委员会")

    def open_studio(self, studio_id: str) -> None:
        self.show_record_on(self.studios, studio_id)

    def open_organization(self, organization_id: str) -> None:
        self.show_record_on(self.organizations, organization_id)

    def open_group(self, major_group_id: str) -> None:
        """A 工作台 reminder of type "major_group": the 行业组织 tab with that 专业群 highlighted."""
        self.tabs.setCurrentWidget(self.organizations)
        self.organizations.show_group(major_group_id)
