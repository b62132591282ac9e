"""One 教师企业实践 record (the “五年累计六个月” requirement for full-time teachers): the unit (an enterprise of
the archive, or a name typed in), the first and last day (both count), what was done, and the evidence files
(Attachment owner_type "enterprise_practice"). Saving is one transaction with the files; the teacher's summary
is re-read by the caller."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.services import teachers as svc
from app.services.choices import Choice, chosen_labels
from app.services.common import Changes
from ui import theme
from ui.attachments_panel import AttachmentsPanel
from ui.forms import DateField, RecordForm, required, scrolling
from ui.forms.fields import side_by_side
from ui.ops import read_now
from ui.pickers import RecordPicker, enterprise_search, keep_last
from ui.qt import *  # noqa: F403


class PracticeDialog(RecordForm):
    geometry_key = "practice"
    default_size = (700, 620)
    unsaved_what = "企业实践记录"
    titles = ("添加企业实践记录", "编辑企业实践记录")
    bound_fields = "starts_on ends_on content note"

    def __init__(self, parent: QWidget | None, teacher_id: str, row: svc.PracticeRow | None = None) -> None:
        self.teacher_id = teacher_id
        self.practice_id = row.id if row else None  # the listed row names the record; `read` reads it
        self._kept: tuple[str, str] = ("", "")  # (enterprise id, unit name) of the record as loaded
        super().__init__(parent, self.practice_id)
        (self.content if row else self.unit.search).setFocus()

    def build(self) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        fields = QWidget()
        form = self.form(fields)
        form.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(fields)
        self.unit = RecordPicker(
            enterprise_search,
            chosen_title="实践单位",
            placeholder="搜索企业，或输入单位名称后回车",
            allow_new=True,
            new_hint="（按名称记录）",
        )
        self.unit.changed.connect(lambda: keep_last(self.unit))
        form.addRow(required("实践单位"), self.with_error("unit_name", self.unit))
        self.also_error("enterprise_id", "unit_name")
        self.starts_on = DateField(optional=False, field="starts_on", label="开始日期")
        self.ends_on = DateField(optional=False, field="ends_on", label="结束日期")
        form.addRow(
            required("起止日期"),
            self.with_error("starts_on", side_by_side(self.starts_on, "至", self.ends_on)),
        )
        self.also_error("ends_on", "starts_on")
        form.addRow("", theme.hint(QLabel("首尾两天都计入；与其他记录重叠的日子只计一次。", wordWrap=True)))
        self.content = QPlainTextEdit(
            placeholderText="实践岗位及内容，如：在装配车间跟岗，参与工业机器人调试"
        )
        self.content.setTabChangesFocus(True)
        self.content.setMaximumHeight(70)
        form.addRow("实践内容", self.with_error("content", self.content))
        self.note = QLineEdit(placeholderText="备注")
        form.addRow("备注", self.with_error("note", self.note))
        self.evidence = self.with_attachments(
            AttachmentsPanel(
                "enterprise_practice", "证明材料：企业出具的实践证明、考核表、照片等（保存时一并保存）。"
            )
        )
        self.evidence.setMinimumHeight(170)
        outer.addWidget(self.evidence, 1)
        self.body.addWidget(scrolling(page))  # on a low screen the whole form scrolls

    def read(self, s: Session, record_id: str) -> svc.PracticeRow:
        return svc.get_practice(s, record_id)

    def load(self, r: svc.PracticeRow) -> None:
        if r.enterprise_id:  # shown as recorded (the unit may name a department of the enterprise)
            eid = r.enterprise_id
            label = read_now(lambda s: chosen_labels(s, [eid], [])).get(eid, "")
            self.unit.set_chosen([Choice(eid, r.unit_name or label)])
            self._kept = (eid, r.unit_name)
        elif r.unit_name:
            self.unit.set_chosen([Choice("", r.unit_name, new=True)])
        self.fill(r)
        self.evidence.load(r.id)

    def load_new(self) -> None:
        self.evidence.load(None)

    def data(self) -> svc.PracticeData:
        ids, names = self.unit.ids(), self.unit.new_names()
        if ids:  # the enterprise's name, or the unit as recorded while the same enterprise stays chosen
            unit = self._kept[1] if ids[0] == self._kept[0] else ""
        else:
            unit = names[0] if names else ""
        return svc.PracticeData(
            teacher_id=self.teacher_id,
            **self.values(),
            enterprise_id=ids[0] if ids else None,
            unit_name=unit,
        )

    def check(self, s: Session, data: svc.PracticeData):
        return svc.check_practice(s, data)

    def write(self, s: Session, data: svc.PracticeData) -> Changes:
        pid = self.practice_id
        return svc.update_practice(s, pid, data) if pid else svc.add_practice(s, data)
