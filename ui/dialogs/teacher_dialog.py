"""教师 form, three tabs:

- 基本信息: the fields of TeacherData. The 产业教师 part (employer, courses, hours, appointment) shows only for an
  industry teacher; the 双师型 evidence (certificate, date) only when 双师型 is ticked. Errors of check_teacher
  appear under their fields. 保存 writes the teacher and the 证明材料 tab's files in one transaction.
- 企业实践: the teacher's practice records and, above them, the “五年六个月” figures of the service
  (teacher_practice: days in the five years ending today, overlaps counted once) and the window's dates.
  添加 / 编辑 (ui/dialogs/practice_dialog.py) / 删除 each write at once. Needs a saved teacher.
- 证明材料: scans of the 双师型 certificate and the like (Attachment owner_type "teacher").
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.domain.practice import REQUIRED_DAYS, PracticeStatus, format_months
from app.services import teacher_list as listing
from app.services import teachers as svc
from app.services.choices import Choice, chosen_labels, major_choices
from app.services.common import Changes
from ui import theme
from ui.attachments_panel import AttachmentsPanel
from ui.dialogs.practice_dialog import PracticeDialog
from ui.forms import ChoiceBox, DateField, RecordForm, required, scrolling
from ui.forms.child_table import button_bar
from ui.forms.fields import note_edit, side_by_side
from ui.forms.record_form import id_alias
from ui.operations import teachers as ops
from ui.ops import read_now
from ui.pickers import RecordPicker, enterprise_search, keep_last
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, push_button

KINDS = (("专任教师", "专任"), ("产业教师（企业兼职教师）", "产业"))
PRACTICE_TAB = 1
PRACTICE_RULE = "N四(五)1"  # 专任教师 five years, six months of enterprise practice
INDUSTRY_RULE = "H第二十条"  # 产业教师 (part-time teachers from enterprises)


class TeacherDialog(RecordForm):
    geometry_key = "teacher"
    default_size = (860, 600)
    unsaved_what = "教师信息"
    titles = ("新建教师", "教师")
    bound_fields = "name staff_no kind courses appointed_from appointed_to note"
    first_field = "name"

    practices: Sequence[
        listing.PracticeListRow
    ] = ()  # the 企业实践 tab's rows and their status, as last read
    status: PracticeStatus | None = None
    teacher_id = id_alias()

    def build(self) -> None:
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs)
        self._build_basic(read_now(major_choices))
        self._build_practice()
        self.evidence = self.with_attachments(
            AttachmentsPanel(
                "teacher", "双师型证书、职业资格证书、企业工作证明等的扫描件（保存时一并保存）。"
            )
        )
        self.tabs.addTab(self.evidence, "证明材料")

    # ------------------------------------------------------------ 基本信息

    def _build_basic(self, majors: list[Choice]) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        fields = QWidget()
        form = self.form(fields)
        form.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(fields, 1)  # the 备注 box takes what the rows leave (no empty half-tab)
        self.name = QLineEdit(placeholderText="教师姓名")
        form.addRow(required("姓名"), self.with_error("name", self.name))
        self.staff_no = QLineEdit(placeholderText="专任教师必填，不能与其他教师重复")
        form.addRow("工号", self.with_error("staff_no", self.staff_no))
        self.kind = QComboBox()
        for label, value in KINDS:
            self.kind.addItem(label, value)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        form.addRow(required("教师类型"), self.with_error("kind", side_by_side(self.kind)))
        self.major = ChoiceBox(majors, blank="（未指定）", editable=False)
        form.addRow("所属专业", self.with_error("major_id", side_by_side(self.major)))
        self.is_dual = QCheckBox("双师型教师")
        self.is_dual.toggled.connect(self._dual_changed)
        self.dual_certificate = QLineEdit(placeholderText="证书名称（如 高级电工职业资格证书）")
        self.dual_certified_on = DateField(field="dual_certified_on", label="认定日期")
        dual = QHBoxLayout()
        dual.addWidget(self.is_dual)
        dual.addWidget(QLabel("证书"))
        dual.addWidget(self.dual_certificate, 1)
        dual.addWidget(QLabel("认定日期"))
        dual.addWidget(self.dual_certified_on)
        form.addRow("双师型", self.with_error("dual_certificate", dual))
        self.also_error("dual_certified_on", "dual_certificate")
        form.addRow(self._industry_box())
        self.note = note_edit("备注", 16777215)  # Qt's QWIDGETSIZE_MAX: as high as the tab allows
        self.note.setMinimumHeight(56)
        self.note.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        form.addRow("备注", self.with_error("note", self.note))
        self.tabs.addTab(scrolling(page), "基本信息")
        self._dual_changed(False)

    def _industry_box(self) -> QGroupBox:
        self.industry = QGroupBox("产业教师（企业兼职教师）")
        self.industry.setToolTip(f"依据：{cite_source(INDUSTRY_RULE)}")
        form = self.form(self.industry)
        self.employer = RecordPicker(
            enterprise_search, chosen_title="所在企业", placeholder="搜索合作企业名称、简称或拼音首字母"
        )
        self.employer.changed.connect(lambda: keep_last(self.employer))
        form.addRow("所在企业", self.with_error("employer_id", self.employer))
        self.courses = QLineEdit(placeholderText="任教课程，多门用“、”分隔")
        self.hours = QSpinBox(minimum=0, maximum=svc.MAX_HOURS, suffix=" 学时")
        self.hours.setMinimumWidth(110)
        form.addRow("任教课程", self.with_error("courses", self.courses))
        form.addRow("授课学时", self.with_error("hours_taught", side_by_side(self.hours)))
        self.appointed_from = DateField(field="appointed_from", label="聘期开始")
        self.appointed_to = DateField(field="appointed_to", label="聘期结束")
        form.addRow(
            "聘期",
            self.with_error("appointed_from", side_by_side(self.appointed_from, "至", self.appointed_to)),
        )
        self.also_error("appointed_to", "appointed_from")
        return self.industry

    @Slot(bool)
    def _dual_changed(self, on: bool) -> None:
        self.dual_certificate.setEnabled(on)
        self.dual_certified_on.setEnabled(on)

    def _kind_changed(self) -> None:
        industry = self.kind.currentData() == "产业"
        self.industry.setVisible(industry)
        self.staff_no.setPlaceholderText("产业教师可不填" if industry else "专任教师必填，不能与其他教师重复")
        self._show_summary()

    def read(self, s: Session, record_id: str) -> svc.TeacherRow:
        return svc.get_teacher(s, record_id)

    def title_for(self, t: svc.TeacherRow) -> str:
        return f"教师：{t.name}"

    def load(self, t: svc.TeacherRow) -> None:
        self.fill(t)
        self.fill(t, "is_dual dual_certificate dual_certified_on")  # read back only for a 双师型 teacher
        self.major.set_value(t.major_id, t.major_name or "（已删除的专业）")
        if eid := t.employer_id:
            label = read_now(lambda s: chosen_labels(s, [eid], [])).get(eid, "")
            self.employer.set_chosen([Choice(eid, label or t.employer_name)])
        self.hours.setValue(t.hours_taught)
        self.evidence.load(t.id)
        self.reload_practice()
        self._kind_changed()

    def load_new(self) -> None:
        self.tabs.setTabEnabled(PRACTICE_TAB, False)
        self.tabs.setTabToolTip(PRACTICE_TAB, "保存教师后可登记企业实践")
        self.evidence.load(None)
        self._kind_changed()

    def data(self) -> svc.TeacherData:
        employer = self.employer.ids()
        dual = self.is_dual.isChecked()
        return svc.TeacherData(
            **self.values(),
            is_dual=dual,
            dual_certificate=self.dual_certificate.text() if dual else "",
            dual_certified_on=self.dual_certified_on.value() if dual else None,
            major_id=self.major.value(),
            employer_id=employer[0] if employer else None,
            hours_taught=self.hours.value(),
        )

    # ------------------------------------------------------------ 企业实践

    def _build_practice(self) -> None:
        page = QWidget()
        v = QVBoxLayout(page)
        self.summary = theme.heading(QLabel(wordWrap=True))
        self.summary.setToolTip(f"依据：{cite_source(PRACTICE_RULE)}")
        self.window_label = theme.muted(QLabel(wordWrap=True))
        v.addWidget(self.summary)
        v.addWidget(self.window_label)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["实践单位", "起止日期", "天数", "实践内容", "证明材料"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for i, w in enumerate((240, 190, 56, 0, 80)):
            if w:
                self.table.setColumnWidth(i, w)
        self.table.itemSelectionChanged.connect(self._update_practice_buttons)
        self.table.doubleClicked.connect(lambda _i: self.edit_practice())
        self.empty_practice = theme.empty_state(
            QLabel(
                "还没有企业实践记录。\n点“添加实践记录…”逐条登记，或在“师资队伍”页从 Excel 导入。",
                alignment=Qt.AlignmentFlag.AlignCenter,
                wordWrap=True,
            )
        )
        self.practice_stack = QStackedWidget()
        self.practice_stack.addWidget(self.table)
        self.practice_stack.addWidget(self.empty_practice)
        v.addWidget(self.practice_stack, 1)
        self.add_practice_button = push_button("添加实践记录…", self.add_practice, writes=True)
        self.edit_practice_button = push_button("编辑…", self.edit_practice)
        self.delete_practice_button = push_button("删除", self.delete_practice, writes=True)
        v.addLayout(
            button_bar(self.add_practice_button, self.edit_practice_button, apart=self.delete_practice_button)
        )
        self.tabs.addTab(page, "企业实践")
        self._update_practice_buttons()

    def reload_practice(self, _changes: Changes | None = None) -> None:
        """Re-read the records and the service's figures (after an add, edit or delete)."""
        tid = self.teacher_id
        assert tid
        self.practices, self.status = read_now(
            lambda s: (listing.practice_list(s, tid), svc.teacher_practice(s, tid))
        )
        self.table.setRowCount(len(self.practices))
        for r, p in enumerate(self.practices):
            rec = p.record
            cells = (rec.unit_name, f"{rec.starts_on} 至 {rec.ends_on}", str(rec.days), rec.content,
                     f"{p.evidence} 个文件" if p.evidence else "无")  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, rec.id)
                item.setToolTip(text if c in (0, 3) else "")
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.practice_stack.setCurrentWidget(self.table if self.practices else self.empty_practice)
        self.tabs.setTabText(
            PRACTICE_TAB, f"企业实践（{len(self.practices)}）" if self.practices else "企业实践"
        )
        self._show_summary()
        self._update_practice_buttons()

    def _show_summary(self) -> None:
        st = self.status
        if st is None:
            self.summary.setText("保存教师后可登记企业实践。")
            theme.heading(self.summary)
            self.window_label.clear()
            return
        months = f"（约{format_months(st.days_done)}）" if st.days_done else ""
        done = f"近五年累计 {st.days_done} 天{months}"
        window = f"统计区间：{st.window_start} 至 {st.window_end}（截至今天的五年；首尾两天都计入，重叠时段只计一次）"
        if self.kind.currentData() == "产业":
            self.summary.setText(
                f"产业教师不适用“五年六个月”企业实践要求（这一要求只针对专任教师）。{done}。"
            )
            theme.heading(self.summary, theme.MUTED)
        elif st.met:
            self.summary.setText(f"{done}，已满足五年六个月要求（{REQUIRED_DAYS}天）。")
            theme.heading(self.summary, theme.OK)
        else:
            self.summary.setText(f"{done}，尚缺 {st.days_missing} 天（专任教师五年内累计不少于6个月）。")
            theme.heading(self.summary, theme.ERROR)
        self.window_label.setText(window)

    def selected_practice(self) -> svc.PracticeRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        pid = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((p.record for p in self.practices if p.record.id == pid), None)

    @Slot()
    def _update_practice_buttons(self) -> None:
        one = self.selected_practice() is not None
        self.edit_practice_button.setEnabled(one)
        self.delete_practice_button.setEnabled(one)

    @Slot()
    def add_practice(self) -> None:
        if self.teacher_id and PracticeDialog(self, self.teacher_id).exec():
            self.reload_practice()

    @Slot()
    def edit_practice(self) -> None:
        row = self.selected_practice()
        if self.teacher_id and row and PracticeDialog(self, self.teacher_id, row).exec():
            self.reload_practice()

    @Slot()
    def delete_practice(self) -> None:
        row = self.selected_practice()
        if row is None:
            return
        text = f"确定删除在“{row.unit_name}”的这条企业实践记录（{row.starts_on} 至 {row.ends_on}）？"
        if confirm(self, "删除企业实践记录", text + "\n\n删除的记录移到“回收站”，可随时恢复。"):
            ops.delete_practices(self, [row.id], self.reload_practice)

    # ------------------------------------------------------------ saving

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(0)

    def check(self, s: Session, data: svc.TeacherData):
        return svc.check_teacher(s, data, exclude_id=self.teacher_id)

    def write(self, s: Session, data: svc.TeacherData) -> Changes:
        tid = self.teacher_id
        return svc.update_teacher(s, tid, data) if tid else svc.create_teacher(s, data)
