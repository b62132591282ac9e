"""工作室 form, two tabs (the shape in ui/dialogs/activity_forms.py):

- 基本信息: name, kind, lead and members (teachers of the archive; the lead counts as a member), enterprise,
  major, established date.
- 活动: the studio's activities (date, title, participants)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.db.models import STUDIO_KINDS
from app.services import industry as svc
from app.services.choices import Choice, enterprise_choices, major_choices
from app.services.common import Changes
from ui.dialogs.activity_forms import ActivityForm, WithActivities, as_wide_as_needed
from ui.forms import ChoiceBox, DateField, required
from ui.forms.fields import note_edit
from ui.forms.record_form import id_alias
from ui.operations import industry as ops
from ui.ops import read_now
from ui.pickers import PICKER_LIMIT, RecordPicker
from ui.qt import *  # noqa: F403

MAX_CHOICES = 5000


def teacher_search(text: str) -> list[Choice]:
    return read_now(lambda s: svc.teacher_choices(s, text, limit=PICKER_LIMIT + 1))


class StudioActivityDialog(ActivityForm):
    """添加 / 编辑 a studio activity: date, title, participants, note."""

    geometry_key = "studio_activity"
    titles = ("添加工作室活动", "编辑工作室活动")
    what_hint = "如：技能传承专题讲座、学生技能竞赛集训"
    participants_hint = "参加的教师、学生或企业人员"
    note_label, note_hint = "活动内容", "活动内容、成效"
    data_class = svc.StudioActivityData
    get_activity = staticmethod(svc.get_studio_activity)
    save_activity = staticmethod(svc.save_studio_activity)


class StudioDialog(WithActivities):
    geometry_key = "studio"
    default_size = (720, 600)
    unsaved_what = "工作室"
    titles = ("新建工作室", "工作室")
    activity_form = StudioActivityDialog
    activity_columns = (("日期", 92), ("活动名称", 200), ("参加人员", 150), ("活动内容", 200))
    activity_noun = "工作室活动"
    activity_empty = "还没有活动记录。点“添加活动…”登记工作室开展的讲座、集训、技术攻关、带徒等活动。"
    activity_needs_saving = "保存工作室后可登记活动"
    bound_fields = "name kind established_on note"
    first_field = "name"

    studio_id = id_alias()

    def build_basic(self, form: QFormLayout) -> None:
        enterprises, majors, teachers = read_now(
            lambda s: (
                enterprise_choices(s, limit=MAX_CHOICES),
                major_choices(s),
                svc.teacher_choices(s, limit=MAX_CHOICES),
            )
        )
        self.name = QLineEdit(placeholderText="如：湘麓数控技能大师工作室")
        form.addRow(required("工作室名称"), self.with_error("name", self.name))
        self.kind = QComboBox()
        self.kind.addItems(STUDIO_KINDS)
        self.kind.setToolTip(
            "技能大师、劳模和工匠人才创新、名师、企业专家工作室。依据：" + cite_source("N四(五)2")
        )
        form.addRow(required("类型"), self.with_error("kind", self.kind))
        self.lead = ChoiceBox(teachers, blank="（未指定）")
        self.lead.setToolTip("负责人须是教师档案中的教师（专任或产业教师），自动计为成员")
        form.addRow("负责人", self.with_error("lead_id", self.lead))
        self.members = RecordPicker(
            teacher_search, chosen_title="成员（负责人自动计入）", placeholder="教师姓名、工号或拼音首字母"
        )
        form.addRow("成员", self.with_error("member_ids", self.members))
        self.enterprise = ChoiceBox(enterprises, blank="（无合作企业）")
        form.addRow("合作企业", self.with_error("enterprise_id", self.enterprise))
        self.major = ChoiceBox(majors, blank="（不指定）", editable=False)
        form.addRow("所属专业", self.with_error("major_id", self.major))
        self.established_on = DateField(field="established_on", label="成立日期")
        form.addRow("成立日期", self.with_error("established_on", as_wide_as_needed(self.established_on)))
        self.note = note_edit("备注：认定级别、批准文号等")
        form.addRow("备注", self.with_error("note", self.note))

    # ------------------------------------------------------------ RecordForm

    def read(self, s: Session, record_id: str) -> svc.StudioRow | None:
        return next((r for r in svc.studio_rows(s) if r.id == record_id), None)

    def load_basic(self, row: svc.StudioRow) -> None:
        self.fill(row)
        self.lead.set_value(row.lead_id, row.lead_name)
        self.members.set_chosen(
            Choice(tid, name)
            for tid, name in zip(row.member_ids, row.member_names, strict=True)
            if tid != row.lead_id
        )
        self.enterprise.set_value(row.enterprise_id, row.enterprise_name)
        self.major.set_value(row.major_id)

    def data(self) -> svc.StudioData:
        return svc.StudioData(
            **self.values(),
            lead_id=self.lead.value(),
            member_ids=self.members.ids(),
            enterprise_id=self.enterprise.value(),
            major_id=self.major.value(),
        )

    def check(self, s: Session, data: svc.StudioData):
        return svc.check_studio(s, data)

    def write(self, s: Session, data: svc.StudioData) -> Changes:
        return svc.save_studio(s, data, self.record_id)

    # ------------------------------------------------------------ activities

    def activity_rows(self, s: Session, record_id: str) -> list[svc.StudioActivityRow]:
        return svc.studio_activity_rows(s, record_id)

    def delete_activities_op(self, ids, done) -> None:
        ops.delete_studio_activities(self, ids, done)
