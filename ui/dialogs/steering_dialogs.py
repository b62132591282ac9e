"""专业群建设指导委员会 (N四(一)3): the small forms for a member (name, committee role, enterprise, 职务 / 职称)
and a meeting (date, place, attendees, minutes) of one 专业群's committee. Each save is one WriteOp."""

from __future__ import annotations

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.db.models import STEERING_ROLES
from app.services import industry as svc
from app.services.choices import enterprise_choices
from app.services.common import Changes
from ui.dialogs.industry_widgets import choice_box, chosen_id, pydate, qdate, save_buttons, set_choice
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, read_now

MAX_CHOICES = 5000


class _SmallForm(FieldErrors, QDialog):
    """A form with a summary line and 保存 / 取消; the subclass fills `self.form` and implements work()."""

    def __init__(self, parent: QWidget | None, title: str, group_name: str) -> None:
        super().__init__(parent)
        self.saved_id: str | None = None
        self.setWindowTitle(title)
        self.errors: dict[str, QLabel] = {}
        lay = QVBoxLayout(self)
        group = QLabel(f"专业群：{group_name}")
        group.setStyleSheet("color:#555;")
        lay.addWidget(group)
        self.form = QFormLayout()
        lay.addLayout(self.form)
        lay.addStretch(1)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        self.errors["major_group_id"] = self.message
        lay.addWidget(self.message)
        buttons = save_buttons(self)
        self.buttons = buttons
        lay.addWidget(buttons)

    def row(self, label: str, widget: QWidget, field: str) -> None:
        self.form.addRow(label, self.with_error(field, widget))

    def work(self):
        raise NotImplementedError

    @Slot()
    def save(self) -> None:
        WriteOp(self, self.work()).success(self._saved).failure(self.save_failed).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self.accept()


class SteeringMemberDialog(_SmallForm):
    def __init__(
        self,
        parent: QWidget | None,
        group_id: str,
        group_name: str,
        row: svc.SteeringMemberRow | None = None,
    ) -> None:
        super().__init__(parent, "编辑委员" if row else "添加委员", group_name)
        self.resize(520, 340)
        self.group_id = group_id
        self.member_id = row.id if row else None
        self.name = QLineEdit(placeholderText="委员姓名")
        self.row("姓名*", self.name, "name")
        self.role = QComboBox()
        self.role.addItems(STEERING_ROLES)
        self.role.setCurrentText("委员")
        self.row("委员会职务*", self.role, "role")
        enterprises = read_now(lambda s: enterprise_choices(s, limit=MAX_CHOICES))
        self.enterprise = choice_box(enterprises, "（校内或不指定）")
        self.enterprise.setToolTip("企业委员所在的合作企业（须在合作企业档案中）")
        self.row("所在企业", self.enterprise, "enterprise_id")
        self.title = QLineEdit(placeholderText="如：企业总工程师、二级学院院长、教授")
        self.row("职务 / 职称", self.title, "title")
        self.sort_order = QSpinBox(maximum=999)
        self.sort_order.setToolTip("同一委员会职务内的排列顺序（小的在前）")
        self.row("排序", self.sort_order, "sort_order")
        if row:
            self.name.setText(row.name)
            self.role.setCurrentText(row.role)
            set_choice(self.enterprise, row.enterprise_id, row.enterprise_name)
            self.title.setText(row.title)
            self.sort_order.setValue(row.sort_order)
        self.name.setFocus()

    def data(self) -> svc.SteeringMemberData:
        return svc.SteeringMemberData(
            self.group_id,
            self.name.text(),
            self.role.currentText(),
            chosen_id(self.enterprise),
            self.title.text(),
            self.sort_order.value(),
        )

    def work(self):
        data, mid = self.data(), self.member_id
        return lambda s: svc.save_steering_member(s, data, mid)


class SteeringMeetingDialog(_SmallForm):
    def __init__(
        self,
        parent: QWidget | None,
        group_id: str,
        group_name: str,
        row: svc.SteeringMeetingRow | None = None,
    ) -> None:
        super().__init__(parent, "编辑会议" if row else "添加会议", group_name)
        self.resize(560, 460)
        self.group_id = group_id
        self.meeting_id = row.id if row else None
        self.held_on = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.held_on.setDate(qdate(row.held_on) if row and row.held_on else QDate.currentDate())
        self.row("会议日期*", self.held_on, "held_on")
        self.place = QLineEdit(placeholderText="如：学院第一会议室")
        self.row("地点", self.place, "place")
        self.attendees = QLineEdit(placeholderText="如：全体委员，或列出出席委员")
        self.row("出席人员", self.attendees, "attendees")
        self.minutes = QPlainTextEdit(placeholderText="会议议题与纪要：审议事项、决定、分工……")
        self.minutes.setTabChangesFocus(True)
        self.row("议题与纪要", self.minutes, "minutes")
        if row:
            self.place.setText(row.place)
            self.attendees.setText(row.attendees)
            self.minutes.setPlainText(row.minutes)
        self.place.setFocus()

    def data(self) -> svc.SteeringMeetingData:
        return svc.SteeringMeetingData(
            self.group_id,
            pydate(self.held_on.date()),
            self.place.text(),
            self.attendees.text(),
            self.minutes.toPlainText(),
        )

    def work(self):
        data, mid = self.data(), self.meeting_id
        return lambda s: svc.save_steering_meeting(s, data, mid)
