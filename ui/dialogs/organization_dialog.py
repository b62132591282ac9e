"""行业组织 / 行业协会 form (N四(一)2), two tabs:

- 基本信息: name, kind, contact, the 专业群 it serves (a checkable list of the college's groups). 保存 is one
  WriteOp and closes the form.
- 活动: the organization's activities the college took part in (date, type, participants); each 添加 / 编辑 /
  删除 is its own small transaction, written at once. Needs a saved organization.

N四(一)2 wants each 专业群 linked to 1–2 organizations with at least one activity per 学年: the 行业组织 tab
shows that per group."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db.models import ORGANIZATION_KINDS
from app.services import industry as svc
from app.services.common import Changes
from ui.dialogs.industry_widgets import ChildTable, pydate, qdate, save_buttons
from ui.form import ERROR_STYLE, FieldErrors, SaveFlow
from ui.ops import WriteOp, read_now

ACTIVITY_TYPES = ("年会", "论坛", "技能竞赛", "标准制定", "调研", "培训", "座谈会", "产教对接会")
RULE = "N四(一)2：每个专业群对接 1–2 个行业组织，每学年至少开展一次活动"


class ActivityDialog(FieldErrors, QDialog):
    """添加 / 编辑 an activity of an industry organization: date, type, participants, note."""

    def __init__(self, parent: QWidget, organization_id: str, row: svc.ActivityRow | None = None) -> None:
        super().__init__(parent)
        self.organization_id = organization_id
        self.activity_id = row.id if row else None
        self.saved_id: str | None = None
        self.setWindowTitle("编辑行业组织活动" if row else "添加行业组织活动")
        self.resize(480, 320)
        self.errors: dict[str, QLabel] = {}
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.held_on = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.held_on.setDate(qdate(row.held_on) if row and row.held_on else QDate.currentDate())
        form.addRow("活动日期*", self.with_error("held_on", self.held_on))
        self.activity_type = QComboBox(editable=True)
        self.activity_type.addItems(ACTIVITY_TYPES)
        self.activity_type.setCurrentText(row.activity_type if row else "")
        self.activity_type.lineEdit().setPlaceholderText("选择或输入，如：年会、论坛、标准制定")
        form.addRow("活动类型*", self.with_error("activity_type", self.activity_type))
        self.participants = QLineEdit(placeholderText="学院参加人员，如：专业群负责人、骨干教师")
        form.addRow("参加人员", self.with_error("participants", self.participants))
        self.note = QPlainTextEdit(placeholderText="活动内容、成果")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)
        form.addRow("备注", self.with_error("note", self.note))
        if row:
            self.participants.setText(row.participants)
            self.note.setPlainText(row.note)
        lay.addLayout(form)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = save_buttons(self)
        lay.addWidget(buttons)
        self.activity_type.setFocus()

    def data(self) -> svc.ActivityData:
        return svc.ActivityData(
            self.organization_id,
            pydate(self.held_on.date()),
            self.activity_type.currentText(),
            self.participants.text(),
            self.note.toPlainText(),
        )

    @Slot()
    def save(self) -> None:
        data, aid = self.data(), self.activity_id
        op = WriteOp(self, lambda s: svc.save_activity(s, data, aid))
        op.success(self._saved).failure(self.save_failed).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_id = changes.ids[0]
        self.accept()


class OrganizationDialog(SaveFlow, FieldErrors, QDialog):
    unsaved_what = "行业组织"

    def form_state(self) -> object:
        return self.data()

    def __init__(
        self, parent: QWidget | None = None, organization_id: str | None = None, group_id: str = ""
    ) -> None:
        super().__init__(parent)
        self.organization_id = organization_id
        self.saved_id: str | None = None
        self.setWindowTitle("行业组织" if organization_id else "新建行业组织")
        self.resize(680, 560)
        self.errors: dict[str, QLabel] = {}
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self._build_basic(read_now(svc.group_choices))
        self.activities = ChildTable(
            ("日期", "活动类型", "参加人员", "备注"),
            (92, 110, 200, 200),
            noun="行业组织活动",
            add_text="添加活动…",
            empty_text="还没有活动记录。点“添加活动…”登记学院参加的年会、论坛、标准制定、调研等活动"
            "（N四(一)2：每学年至少一次）。",
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
        if organization_id:
            self._load()
            self.reload_activities()
        else:
            self.set_group_ids((group_id,) if group_id else ())
            self.tabs.setTabEnabled(1, False)
            self.tabs.setTabToolTip(1, "保存行业组织后可登记活动")
        self._initial = self.data()
        self.name.setFocus()

    def _build_basic(self, groups) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        self.name = QLineEdit(placeholderText="如：湖南省智能制造行业协会")
        form.addRow("组织名称*", self.with_error("name", self.name))
        self.kind = QComboBox()
        self.kind.addItems(ORGANIZATION_KINDS)
        form.addRow("类型*", self.with_error("kind", self.kind))
        self.contact = QLineEdit(placeholderText="联系部门或联系人，如：秘书处")
        form.addRow("联系方式", self.with_error("contact", self.contact))
        self.groups = QListWidget()
        self.groups.setMaximumHeight(130)
        self.groups.setToolTip(RULE)
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
        hint = QLabel(f"{RULE}。" if groups else "尚未设置专业群：请先在“设置”中添加专业群与专业。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#666;")
        v.addWidget(hint)
        form.addRow("对接专业群", self.with_error("group_ids", box))
        self.note = QPlainTextEdit(placeholderText="备注：学院在组织中的身份（会员、理事单位等）")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(70)
        form.addRow("备注", self.with_error("note", self.note))
        outer.addStretch(1)
        self.tabs.addTab(page, "基本信息")

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

    def _load(self) -> None:
        oid = self.organization_id
        row = next((r for r in read_now(svc.organization_rows) if r.id == oid), None)
        if row is None:
            self.message.setText("该行业组织已被删除。")
            self.save_button.setEnabled(False)
            return
        self.name.setText(row.name)
        self.kind.setCurrentText(row.kind)
        self.contact.setText(row.contact)
        self.set_group_ids(row.group_ids)
        self.note.setPlainText(row.note)

    # ------------------------------------------------------------ saving

    def data(self) -> svc.OrganizationData:
        return svc.OrganizationData(
            name=self.name.text(),
            kind=self.kind.currentText(),
            group_ids=self.group_ids(),
            contact=self.contact.text(),
            note=self.note.toPlainText(),
        )

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(0)

    @Slot()
    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        data, oid = self.data(), self.organization_id
        self.save_button.setEnabled(False)
        op = WriteOp(self, lambda s: svc.save_organization(s, data, oid))
        op.success(self._saved).failure(self._failed).run()

    # ------------------------------------------------------------ activities

    def reload_activities(self, select: str | None = None) -> None:
        oid = self.organization_id or ""
        self._activities = {a.id: a for a in read_now(lambda s: svc.activity_rows(s, oid))}
        rows = [
            (a.id, [a.held_on.isoformat() if a.held_on else "", a.activity_type, a.participants, a.note])
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

    def _edit(self, row: svc.ActivityRow | None) -> None:
        if not self.organization_id:
            return
        dlg = ActivityDialog(self, self.organization_id, row)
        if dlg.exec():
            self.reload_activities(dlg.saved_id)

    @Slot(list)
    def delete_activities(self, ids: list[str]) -> None:
        WriteOp(self, lambda s: svc.delete_activities(s, ids)).success(
            lambda _c: self.reload_activities()
        ).run()
