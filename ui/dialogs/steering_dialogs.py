"""专业群建设指导委员会: the small forms for a member (name, committee role, enterprise, 职务 / 职称) and a meeting
(date, place, attendees, minutes) of one 专业群's committee. Each is a RecordForm: 保存 is one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from app.db.models import STEERING_ROLES
from app.services import industry as svc
from app.services.choices import enterprise_choices
from app.services.common import Changes
from ui import theme
from ui.dialogs.activity_forms import as_wide_as_needed
from ui.forms import ChoiceBox, DateField, RecordForm, required
from ui.ops import read_now
from ui.qt import *  # noqa: F403

MAX_CHOICES = 5000


class _SteeringForm(RecordForm):
    """A form of one committee's member or meeting: the 专业群 named above the fields; the row (when editing)
    comes from the committee's tab, which lists it, and names the record the form reads (`get_row`)."""

    get_row: Callable[[Session, str], Any]

    def __init__(self, parent: QWidget | None, group_id: str, group_name: str, row: Any = None) -> None:
        self.group_id, self.group_name = group_id, group_name
        super().__init__(parent, row.id if row is not None else None)

    def build(self) -> None:
        self.body.addWidget(theme.muted(QLabel(f"专业群：{self.group_name}")))
        self.build_fields(self.form())

    def build_fields(self, form: QFormLayout) -> None:
        raise NotImplementedError

    def read(self, s: Session, record_id: str) -> Any:
        return type(self).get_row(s, record_id)


class SteeringMemberDialog(_SteeringForm):
    geometry_key = "steering_member"
    default_size = (520, 340)
    unsaved_what = "委员信息"
    titles = ("添加委员", "编辑委员")
    bound_fields = "name role title sort_order"
    first_field = "name"
    get_row = staticmethod(svc.get_steering_member)

    def build_fields(self, form: QFormLayout) -> None:
        self.name = QLineEdit(placeholderText="委员姓名")
        form.addRow(required("姓名"), self.with_error("name", self.name))
        self.role = QComboBox()
        self.role.addItems(STEERING_ROLES)
        self.role.setCurrentText("委员")
        form.addRow(required("委员会职务"), self.with_error("role", self.role))
        enterprises = read_now(lambda s: enterprise_choices(s, limit=MAX_CHOICES))
        self.enterprise = ChoiceBox(enterprises, blank="（校内或不指定）")
        self.enterprise.setToolTip("企业委员所在的合作企业（须在合作企业档案中）")
        form.addRow("所在企业", self.with_error("enterprise_id", self.enterprise))
        self.title = QLineEdit(placeholderText="如：企业总工程师、二级学院院长、教授")
        form.addRow("职务 / 职称", self.with_error("title", self.title))
        self.sort_order = QSpinBox(maximum=999)
        self.sort_order.setToolTip("同一委员会职务内的排列顺序（小的在前）")
        form.addRow("排序", self.with_error("sort_order", as_wide_as_needed(self.sort_order)))
        self.body.addStretch(1)

    def load(self, row: svc.SteeringMemberRow) -> None:
        self.fill(row)
        self.enterprise.set_value(row.enterprise_id, row.enterprise_name)

    def data(self) -> svc.SteeringMemberData:
        return svc.SteeringMemberData(self.group_id, **self.values(), enterprise_id=self.enterprise.value())

    def write(self, s: Session, data: svc.SteeringMemberData) -> Changes:
        return svc.save_steering_member(s, data, self.record_id)


class SteeringMeetingDialog(_SteeringForm):
    geometry_key = "steering_meeting"
    default_size = (560, 460)
    unsaved_what = "会议记录"
    titles = ("添加会议", "编辑会议")
    bound_fields = "held_on place attendees minutes"
    first_field = "place"
    get_row = staticmethod(svc.get_steering_meeting)

    def build_fields(self, form: QFormLayout) -> None:
        self.held_on = DateField(optional=False, field="held_on", label="会议日期")
        form.addRow(required("会议日期"), self.with_error("held_on", as_wide_as_needed(self.held_on)))
        self.place = QLineEdit(placeholderText="如：学院第一会议室")
        form.addRow("地点", self.with_error("place", self.place))
        self.attendees = QLineEdit(placeholderText="如：全体委员，或列出出席委员")
        form.addRow("出席人员", self.with_error("attendees", self.attendees))
        self.minutes = QPlainTextEdit(placeholderText="会议议题与纪要：审议事项、决定、分工……")
        self.minutes.setTabChangesFocus(True)
        form.addRow("议题与纪要", self.with_error("minutes", self.minutes))

    def load(self, row: svc.SteeringMeetingRow) -> None:
        self.fill(row)

    def data(self) -> svc.SteeringMeetingData:
        return svc.SteeringMeetingData(self.group_id, **self.values())

    def write(self, s: Session, data: svc.SteeringMeetingData) -> Changes:
        return svc.save_steering_meeting(s, data, self.record_id)
