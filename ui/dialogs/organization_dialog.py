"""行业组织 / 行业协会 form, two tabs (the shape in ui/dialogs/activity_forms.py):

- 基本信息: name, kind, contact, the 专业群 it serves (a checkable list of the college's groups).
- 活动: the organization's activities the college took part in (date, type, participants).

The college's plan asks each 专业群 to work with 1–2 industry organizations and take part in at least one of
their activities per 学年: the 行业组织 tab shows that per group."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.db.models import ORGANIZATION_KINDS
from app.services import industry as svc
from app.services.common import Changes
from ui import theme
from ui.dialogs.activity_forms import ActivityForm, WithActivities
from ui.forms import required
from ui.forms.fields import note_edit
from ui.forms.record_form import id_alias
from ui.operations import industry as ops
from ui.ops import read_now
from ui.qt import *  # noqa: F403

ACTIVITY_TYPES = ("年会", "论坛", "技能竞赛", "标准制定", "调研", "培训", "座谈会", "产教对接会")
RULE = "每个专业群对接 1–2 个行业组织，每学年至少开展一次活动"


def rule_source() -> str:
    """Where the rule comes from, in words (the policy's title)."""
    return cite_source("N四(一)2")


class ActivityDialog(ActivityForm):
    """添加 / 编辑 an activity of an industry organization: date, type, participants, note."""

    geometry_key = "organization_activity"
    titles = ("添加行业组织活动", "编辑行业组织活动")
    what_field, what_label = "activity_type", "活动类型"
    participants_hint = "学院参加人员，如：专业群负责人、骨干教师"
    data_class = svc.ActivityData
    get_activity = staticmethod(svc.get_activity)
    save_activity = staticmethod(svc.save_activity)

    def what_widget(self) -> QComboBox:
        box = QComboBox(editable=True)
        box.addItems(ACTIVITY_TYPES)
        box.setCurrentText("")
        box.lineEdit().setPlaceholderText("选择或输入，如：年会、论坛、标准制定")
        return box


class OrganizationDialog(WithActivities):
    geometry_key = "organization"
    default_size = (700, 560)
    unsaved_what = "行业组织"
    titles = ("新建行业组织", "行业组织")
    activity_form = ActivityDialog
    activity_columns = (("日期", 92), ("活动类型", 110), ("参加人员", 200), ("备注", 200))
    activity_noun = "行业组织活动"
    activity_empty = (
        "还没有活动记录。点“添加活动…”登记学院参加的年会、论坛、标准制定、调研等活动（每学年至少一次）。"
    )
    activity_needs_saving = "保存行业组织后可登记活动"
    bound_fields = "name kind contact note"
    first_field = "name"

    def __init__(
        self, parent: QWidget | None = None, organization_id: str | None = None, group_id: str = ""
    ) -> None:
        self.preset_group_id = group_id
        super().__init__(parent, organization_id)

    organization_id = id_alias()

    def build_basic(self, form: QFormLayout) -> None:
        groups = read_now(svc.group_choices)
        self.name = QLineEdit(placeholderText="如：湖南省智能制造行业协会")
        form.addRow(required("组织名称"), self.with_error("name", self.name))
        self.kind = QComboBox()
        self.kind.addItems(ORGANIZATION_KINDS)
        form.addRow(required("类型"), self.with_error("kind", self.kind))
        self.contact = QLineEdit(placeholderText="联系部门或联系人，如：秘书处")
        form.addRow("联系方式", self.with_error("contact", self.contact))
        self.groups = QListWidget()
        self.groups.setMaximumHeight(130)
        self.groups.setToolTip(f"{RULE}（{rule_source()}）")
        for g in groups:
            item = QListWidgetItem(g.label)
            item.setData(Qt.ItemDataRole.UserRole, g.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.groups.addItem(item)
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.groups)
        hint = QLabel(
            f"{RULE}。" if groups else "尚未设置专业群：请先在“设置”中添加专业群与专业。", wordWrap=True
        )
        v.addWidget(theme.hint(hint))
        form.addRow("对接专业群", self.with_error("group_ids", box))
        self.note = note_edit("备注：学院在组织中的身份（会员、理事单位等）")
        form.addRow("备注", self.with_error("note", self.note))

    def group_ids(self) -> tuple[str, ...]:
        items = (self.groups.item(i) for i in range(self.groups.count()))
        return tuple(
            i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked
        )

    def set_group_ids(self, ids: tuple[str, ...]) -> None:
        for i in range(self.groups.count()):
            item = self.groups.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    # ------------------------------------------------------------ RecordForm

    def read(self, s: Session, record_id: str) -> svc.OrganizationRow | None:
        return next((r for r in svc.organization_rows(s) if r.id == record_id), None)

    def load_basic(self, row: svc.OrganizationRow) -> None:
        self.fill(row)
        self.set_group_ids(row.group_ids)

    def load_new(self) -> None:
        super().load_new()
        self.set_group_ids((self.preset_group_id,) if self.preset_group_id else ())

    def data(self) -> svc.OrganizationData:
        return svc.OrganizationData(**self.values(), group_ids=self.group_ids())

    def check(self, s: Session, data: svc.OrganizationData):
        return svc.check_organization(s, data, exclude_id=self.record_id)

    def write(self, s: Session, data: svc.OrganizationData) -> Changes:
        return svc.save_organization(s, data, self.record_id)

    # ------------------------------------------------------------ activities

    def activity_rows(self, s: Session, record_id: str) -> list[svc.ActivityRow]:
        return svc.activity_rows(s, record_id)

    def delete_activities_op(self, ids, done) -> None:
        ops.delete_activities(self, ids, done)
