"""工作室 form (N四(五)2), two tabs:

- 基本信息: name, kind, lead and members (teachers of the archive; the lead counts as a member), enterprise,
  major, established date. 保存 is one WriteOp and closes the form.
- 活动: the studio's activities (date, title, participants); each 添加 / 编辑 / 删除 is its own small
  transaction, written at once. Needs a saved studio: on a new one the tab says so."""

from __future__ import annotations

from PySide6.QtCore import QDate, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db.models import STUDIO_KINDS
from app.services import industry as svc
from app.services.choices import Choice, chosen_labels, enterprise_choices, major_choices
from app.services.common import Changes
from ui.dialogs.industry_widgets import (
    ChildTable,
    choice_box,
    chosen_id,
    pydate,
    qdate,
    save_buttons,
    set_choice,
)
from ui.form import ERROR_STYLE, FieldErrors, SaveFlow
from ui.ops import WriteOp, read_now
from ui.pickers import PICKER_LIMIT, RecordPicker
from ui.widgets import OptionalDate

MAX_CHOICES = 5000


def teacher_search(text: str) -> list[Choice]:
    return read_now(lambda s: svc.teacher_choices(s, text, limit=PICKER_LIMIT + 1))


class StudioActivityDialog(FieldErrors, QDialog):
    """添加 / 编辑 a studio activity: date, title, participants, note."""

    def __init__(self, parent: QWidget, studio_id: str, row: svc.StudioActivityRow | None = None) -> None:
        super().__init__(parent)
        self.studio_id = studio_id
        self.activity_id = row.id if row else None
        self.saved_id: str | None = None
        self.setWindowTitle("编辑工作室活动" if row else "添加工作室活动")
        self.resize(480, 320)
        self.errors: dict[str, QLabel] = {}
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.held_on = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.held_on.setDate(qdate(row.held_on) if row and row.held_on else QDate.currentDate())
        form.addRow("活动日期*", self.with_error("held_on", self.held_on))
        self.title = QLineEdit(placeholderText="如：技能传承专题讲座、学生技能竞赛集训")
        form.addRow("活动名称*", self.with_error("title", self.title))
        self.participants = QLineEdit(placeholderText="参加的教师、学生或企业人员")
        form.addRow("参加人员", self.with_error("participants", self.participants))
        self.note = QPlainTextEdit(placeholderText="活动内容、成效")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)
        form.addRow("活动内容", self.with_error("note", self.note))
        if row:
            self.title.setText(row.title)
            self.participants.setText(row.participants)
            self.note.setPlainText(row.note)
        lay.addLayout(form)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = save_buttons(self)
        lay.addWidget(buttons)
        self.title.setFocus()

    def data(self) -> svc.StudioActivityData:
        return svc.StudioActivityData(
            self.studio_id,
            pydate(self.held_on.date()),
            self.title.text(),
            self.participants.text(),
            self.note.toPlainText(),
        )

    @Slot()
    def save(self) -> None:
        data, aid = self.data(), self.activity_id
        op = WriteOp(self, lambda s: svc.save_studio_activity(s, data, aid))
        op.success(self._saved).failure(self.save_failed).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self.accept()


class StudioDialog(SaveFlow, FieldErrors, QDialog):
    unsaved_what = "工作室"

    def form_state(self) -> object:
        return self.data()

    def __init__(self, parent: QWidget | None = None, studio_id: str | None = None) -> None:
        super().__init__(parent)
        self.studio_id = studio_id
        self.saved_id: str | None = None
        self.setWindowTitle("工作室" if studio_id else "新建工作室")
        self.resize(720, 620)
        self.errors: dict[str, QLabel] = {}
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        enterprises, majors, teachers = read_now(
            lambda s: (
                enterprise_choices(s, limit=MAX_CHOICES),
                major_choices(s),
                svc.teacher_choices(s, limit=MAX_CHOICES),
            )
        )
        self._build_basic(enterprises, majors, teachers)
        self.activities = ChildTable(
            ("日期", "活动名称", "参加人员", "活动内容"),
            (92, 200, 150, 200),
            noun="工作室活动",
            add_text="添加活动…",
            empty_text="还没有活动记录。点“添加活动…”登记工作室开展的讲座、集训、技术攻关、带徒等活动。",
        )
        self.activities.add_wanted.connect(self.add_activity)
        self.activities.edit_wanted.connect(self.edit_activity)
        self.activities.delete_wanted.connect(self.delete_activities)
        self.tabs.addTab(self.activities, "活动")
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存（Ctrl+S）", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        if studio_id:
            self._load()
            self.reload_activities()
        else:
            self.tabs.setTabEnabled(1, False)
            self.tabs.setTabToolTip(1, "保存工作室后可登记活动")
        self._initial = self.data()
        self.name.setFocus()

    def _build_basic(self, enterprises, majors, teachers) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        self.name = QLineEdit(placeholderText="如：湘麓数控技能大师工作室")
        form.addRow("工作室名称*", self.with_error("name", self.name))
        self.kind = QComboBox()
        self.kind.addItems(STUDIO_KINDS)
        self.kind.setToolTip("N四(五)2：技能大师、劳模和工匠人才创新、名师、企业专家工作室")
        form.addRow("类型*", self.with_error("kind", self.kind))
        self.lead = choice_box(teachers, "（未指定）")
        self.lead.setToolTip("负责人须是教师档案中的教师（专任或产业教师），自动计为成员")
        form.addRow("负责人", self.with_error("lead_id", self.lead))
        self.members = RecordPicker(
            teacher_search, chosen_title="成员（负责人自动计入）", placeholder="教师姓名、工号或拼音首字母"
        )
        form.addRow("成员", self.with_error("member_ids", self.members))
        self.enterprise = choice_box(enterprises, "（无合作企业）")
        form.addRow("合作企业", self.with_error("enterprise_id", self.enterprise))
        self.major = QComboBox()
        self.major.addItem("（不指定）", "")
        for m in majors:
            self.major.addItem(m.label, m.id)
        form.addRow("所属专业", self.with_error("major_id", self.major))
        self.established_on = OptionalDate()
        form.addRow("成立日期", self.with_error("established_on", self.established_on))
        self.note = QPlainTextEdit(placeholderText="备注：认定级别、批准文号等")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(70)
        form.addRow("备注", self.with_error("note", self.note))
        self.tabs.addTab(page, "基本信息")

    def _load(self) -> None:
        sid = self.studio_id
        row = next((r for r in read_now(svc.studio_rows) if r.id == sid), None)
        if row is None:
            self.message.setText("该工作室已被删除。")
            self.save_button.setEnabled(False)
            return
        labels = read_now(lambda s: chosen_labels(s, [row.enterprise_id or ""], []))
        self.name.setText(row.name)
        self.kind.setCurrentText(row.kind)
        set_choice(self.lead, row.lead_id, row.lead_name)
        self.members.set_chosen(
            Choice(tid, name)
            for tid, name in zip(row.member_ids, row.member_names, strict=True)
            if tid != row.lead_id
        )
        set_choice(self.enterprise, row.enterprise_id, labels.get(row.enterprise_id or "", ""))
        set_choice(self.major, row.major_id)
        self.established_on.set_value(row.established_on)
        self.note.setPlainText(row.note)

    # ------------------------------------------------------------ saving

    def data(self) -> svc.StudioData:
        return svc.StudioData(
            name=self.name.text(),
            kind=self.kind.currentText(),
            lead_id=chosen_id(self.lead),
            member_ids=self.members.ids(),
            enterprise_id=chosen_id(self.enterprise),
            major_id=self.major.currentData() or None,
            established_on=self.established_on.value(),
            note=self.note.toPlainText(),
        )

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(0)

    @Slot()
    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        data, sid = self.data(), self.studio_id
        self.save_button.setEnabled(False)
        op = WriteOp(self, lambda s: svc.save_studio(s, data, sid))
        op.success(self._saved).failure(self._failed).run()

    # ------------------------------------------------------------ activities

    def reload_activities(self, select: str | None = None) -> None:
        sid = self.studio_id or ""
        self._activities = {a.id: a for a in read_now(lambda s: svc.studio_activity_rows(s, sid))}
        rows = [
            (a.id, [a.held_on.isoformat() if a.held_on else "", a.title, a.participants, a.note])
            for a in self._activities.values()
        ]
        self.activities.set_rows(rows, select)
        self.tabs.setTabText(1, f"活动（{len(rows)}）" if rows else "活动")

    @Slot()
    def add_activity(self) -> None:
        self._edit(None)

    @Slot(str)
    def edit_activity(self, activity_id: str) -> None:
        self._edit(self._activities.get(activity_id))

    def _edit(self, row: svc.StudioActivityRow | None) -> None:
        if not self.studio_id:
            return
        dlg = StudioActivityDialog(self, self.studio_id, row)
        if dlg.exec():
            self.reload_activities(dlg.saved_id)

    @Slot(list)
    def delete_activities(self, ids: list[str]) -> None:
        WriteOp(self, lambda s: svc.delete_studio_activities(s, ids)).success(
            lambda _c: self.reload_activities()
        ).run()
