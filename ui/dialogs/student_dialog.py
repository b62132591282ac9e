"""学生 form, four tabs:

- 基本信息: the fields of StudentData. The only place the FULL 身份证号 and phones are shown (DOMAIN.md →
  Privacy). The 身份证号 is checked as it is typed out (GB 11643: length, birth date, check digit), its error
  under the field; the birth date is read from it (read-only); a gender that contradicts it is a warning that
  does not block saving. Errors of check_student appear under their fields on 保存.
- 家庭与监护人: home address, the 监护人 (name, relationship, 身份证号 — checked like the student's —, phone)
  and the emergency contact: personal data the 三方协议 prints for 丙方, shown in full only here.
- 实习: the student's internships, read-only, with the number of problems of each (the rules' messages in the
  tooltip). They are edited on the 实习 page.
- 就业: the student's employment records (one per graduation year); 新建 / 编辑 open the employment form.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.db.personal import COPIED, personal_refusal
from app.domain.codes import check_id_number
from app.domain.money import format_money
from app.errors import ValidationError
from app.services import students as svc
from app.services.choices import major_choices
from app.services.common import Changes
from app.services.employment import EmploymentRow
from app.services.internships import InternshipRow, internship_rows
from app.services.student_list import class_names, student_employment
from ui import theme
from ui.forms import ChoiceBox, RecordForm, required, scrolling
from ui.forms.child_table import ChildTable
from ui.forms.fields import note_edit, side_by_side
from ui.forms.record_form import id_alias
from ui.ops import read_now
from ui.qt import *  # noqa: F403

INTERNSHIPS_NOTE = "该生的实习记录（只读）。新建和修改请到“实习”页。"
NO_YEAR = 1989  # the spin box's “未填写”
BASIC_TAB, FAMILY_TAB, INTERNSHIPS_TAB, EMPLOYMENT_TAB = 0, 1, 2, 3
FAMILY_FIELDS = frozenset(
    {"guardian_name", "guardian_relation", "guardian_id_number", "guardian_phone", "home_address",
     "emergency_contact", "emergency_phone"}
)  # fmt: skip


def read_only_table(headers: list[str], widths: list[int]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for i, w in enumerate(widths):
        if w:
            table.setColumnWidth(i, w)
    return table


def fill_row(table: QTableWidget, r: int, cells: list[str], record_id: str, tips: dict[int, str]) -> None:
    for c, text in enumerate(cells):
        item = QTableWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, record_id)
        item.setToolTip(tips.get(c, text if len(text) > 10 else ""))
        table.setItem(r, c, item)


class StudentDialog(RecordForm):
    geometry_key = "student"
    default_size = (760, 600)
    unsaved_what = "学生信息"
    titles = ("新建学生", "学生")
    bound_fields = (
        "student_no name gender id_number class_name phone guardian_name guardian_phone guardian_relation"
        " guardian_id_number home_address emergency_contact emergency_phone note"
    )
    first_field = "student_no"

    def __init__(self, parent: QWidget | None = None, student_id: str | None = None) -> None:
        self.internships: list[InternshipRow] = []
        self.employment: list[EmploymentRow] = []
        super().__init__(parent, student_id)

    student_id = id_alias()

    def build(self) -> None:
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)
        self.majors_offered, self.classes, self.refused = read_now(
            lambda s: (major_choices(s), class_names(s), personal_refusal(s))
        )
        self._build_basic()
        self._build_family()
        self._build_internships()
        self._build_employment()
        self.id_number.textChanged.connect(lambda _t: self._id_changed())  # after with_error's clearing
        if self.refused:  # no 学生个人信息 (on a server): the masked copies, read-only, saying why
            for name in COPIED:
                edit: QLineEdit = getattr(self, name)
                edit.setReadOnly(True)
                edit.setEnabled(False)  # greyed: plainly not for this user to change
                edit.setPlaceholderText("")
                edit.setToolTip(self.refused)
            self.privacy.setText(f"身份证号、电话和家庭住址已打码，不能在此修改：{self.refused}")

    # ------------------------------------------------------------ 基本信息

    def _build_basic(self) -> None:
        page = QWidget()
        form = self.form(page)
        self.student_no = QLineEdit(placeholderText="不能与其他学生重复")
        form.addRow(required("学号"), self.with_error("student_no", self.student_no))
        self.name = QLineEdit(placeholderText="学生姓名")
        form.addRow(required("姓名"), self.with_error("name", self.name))
        self.gender = QComboBox()
        for label, value in (("（未填写）", ""), ("男", "男"), ("女", "女")):
            self.gender.addItem(label, value)
        self.gender.currentIndexChanged.connect(lambda _i: self._show_warnings())
        form.addRow("性别", self.with_error("gender", side_by_side(self.gender)))
        self.id_number = QLineEdit(placeholderText="18位居民身份证号（末位可为X）")
        self.id_number.setMaxLength(30)
        self.birth_date = theme.muted(QLabel())
        self.birth_date.setMinimumWidth(90)
        self.birth_date.setToolTip("由身份证号第7–14位得出，不能单独修改")
        id_row = QHBoxLayout()
        id_row.addWidget(self.id_number, 1)
        id_row.addWidget(QLabel("出生日期"))
        id_row.addWidget(self.birth_date)
        form.addRow("身份证号", self.with_error("id_number", id_row))
        self.warning = QLabel(wordWrap=True)
        self.warning.setStyleSheet(theme.text(theme.WARNING))
        self.warning.hide()
        form.addRow("", self.warning)
        self.major = ChoiceBox(self.majors_offered, blank="（未指定）")
        form.addRow("专业", self.with_error("major_id", self.major))
        self.class_name = QComboBox(editable=True)
        self.class_name.addItems(["", *self.classes])
        self.class_name.lineEdit().setPlaceholderText("如：机电2301")
        self.entry_year = QSpinBox(minimum=NO_YEAR, maximum=svc.MAX_ENTRY_YEAR, suffix=" 级")
        self.entry_year.setSpecialValueText("未填写")
        self.entry_year.setMinimumWidth(110)
        self.entry_year.setValue(NO_YEAR)
        form.addRow("班级", self.with_error("class_name", self.class_name))
        form.addRow("入学年份", self.with_error("entry_year", side_by_side(self.entry_year)))
        self.phone = QLineEdit(placeholderText="学生手机号")
        form.addRow("手机号", self.with_error("phone", self.phone))
        self.note = note_edit("备注", 60, top=True)
        form.addRow("备注", self.with_error("note", self.note))
        self.privacy = theme.hint(
            QLabel(
                "身份证号、电话和家庭住址属于敏感个人信息，只在此处完整显示；列表和导出中默认打码。"
                "家长、监护人和紧急联系人在“家庭与监护人”页。",
                wordWrap=True,
            )
        )
        form.addRow("", self.privacy)
        self.tabs.addTab(scrolling(page), "基本信息")

    def _build_family(self) -> None:
        page = QWidget()
        form = self.form(page)
        self.guardian_name = QLineEdit(placeholderText="家长（监护人）姓名")
        form.addRow("家长姓名", self.with_error("guardian_name", self.guardian_name))
        self.guardian_relation = QComboBox(editable=True)
        self.guardian_relation.addItems(["", *svc.GUARDIAN_RELATIONS])
        self.guardian_relation.lineEdit().setPlaceholderText("如 父亲、母亲、其他监护人")
        self.guardian_relation.lineEdit().setMaxLength(20)
        self.guardian_relation.setMinimumWidth(180)
        form.addRow("与学生关系", self.with_error("guardian_relation", side_by_side(self.guardian_relation)))
        self.guardian_id_number = QLineEdit(placeholderText="监护人的18位居民身份证号")
        self.guardian_id_number.setMaxLength(30)
        form.addRow("监护人身份证号", self.with_error("guardian_id_number", self.guardian_id_number))
        self.guardian_phone = QLineEdit(placeholderText="手机或带区号的固定电话")
        form.addRow("家长电话", self.with_error("guardian_phone", self.guardian_phone))
        self.home_address = QLineEdit(placeholderText="省、市、县（区）、街道和门牌号")
        form.addRow("家庭住址", self.with_error("home_address", self.home_address))
        self.emergency_contact = QLineEdit(placeholderText="紧急情况下联系的人，可与家长相同")
        form.addRow("紧急联系人", self.with_error("emergency_contact", self.emergency_contact))
        self.emergency_phone = QLineEdit(placeholderText="手机或带区号的固定电话")
        form.addRow("紧急联系人电话", self.with_error("emergency_phone", self.emergency_phone))
        note = theme.hint(
            QLabel(
                "未满18周岁的学生签三方协议时，监护人须一同签字，协议上印监护人的姓名、与学生关系和身份证号，"
                "并另出具监护人知情同意书。",
                wordWrap=True,
            )
        )
        form.addRow("", note)
        self.tabs.addTab(scrolling(page), "家庭与监护人")

    @Slot()
    def _id_changed(self) -> None:
        """The birth date from a valid number, its error under the field once it is 18 characters long."""
        text = self.id_number.text().strip()
        self.birth_date.setText("—")
        if self.refused:  # a masked number: nothing to check, no birth date to show
            self.birth_date.setToolTip(self.refused)
        elif not text:
            self.set_error("id_number", "")
        else:
            try:
                info = check_id_number(text)
            except ValueError as e:
                self.set_error("id_number", str(e) if len(text.replace(" ", "")) >= 18 else "")
            else:
                self.set_error("id_number", "")
                self.birth_date.setText(info.birth_date.isoformat())
        self._show_warnings()

    def _show_warnings(self) -> None:
        if not hasattr(self, "warning"):
            return  # still building
        warnings = svc.student_warnings(svc.normalized_student(self.data()))
        self.warning.setText("⚠ " + "；".join(warnings) + "（可以保存）" if warnings else "")
        self.warning.setVisible(bool(warnings))

    def read(self, s: Session, record_id: str) -> svc.StudentRow:
        return svc.get_student(s, record_id, full=not self.refused)

    def title_for(self, st: svc.StudentRow) -> str:
        return f"学生：{st.name}（{st.student_no}）"

    def load_new(self) -> None:
        for i in (INTERNSHIPS_TAB, EMPLOYMENT_TAB):
            self.tabs.setTabEnabled(i, False)
            self.tabs.setTabToolTip(i, "保存学生后可查看")
        self._id_changed()

    def load(self, st: svc.StudentRow) -> None:
        self.fill(st)
        self.major.set_value(st.major_id, st.major_name or "（已删除的专业）")
        self.entry_year.setValue(st.entry_year or NO_YEAR)
        self._id_changed()
        self.reload_records()

    def data(self) -> svc.StudentData:
        year = self.entry_year.value()
        return svc.StudentData(
            **self.values(), major_id=self.major.value(), entry_year=None if year == NO_YEAR else year
        )

    # ------------------------------------------------------------ 实习 and 就业

    def _build_internships(self) -> None:
        page = QWidget()
        v = QVBoxLayout(page)
        self.internships_note = theme.muted(QLabel(INTERNSHIPS_NOTE))
        v.addWidget(self.internships_note)
        self.internship_table = read_only_table(
            ["类型", "实习单位 / 基地", "岗位", "起止日期", "状态", "问题"], [76, 0, 100, 180, 66, 56]
        )
        self.internship_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        v.addWidget(self.internship_table, 1)
        self.tabs.addTab(page, "实习")

    def _build_employment(self) -> None:
        self.employment_list = ChildTable(
            ["毕业年份", "就业状态", "就业单位", "岗位", "对口", "月薪（元）"],
            [70, 80, 200, 110, 50, 100],
            noun="就业记录",
            add_text="新建就业记录…",
            empty_text="还没有该生的就业记录。",
        )
        self.employment_list.add_wanted.connect(self.add_employment)
        self.employment_list.edit_wanted.connect(lambda _id: self.edit_employment())
        self.employment_list.delete_wanted.connect(self._delete_employment)
        page = QWidget()
        QVBoxLayout(page).addWidget(self.employment_list)
        self.tabs.addTab(page, "就业")

    def reload_records(self) -> None:
        sid = self.student_id
        assert sid
        today = dt.date.today()
        self.internships, self.employment = read_now(
            lambda s: (
                internship_rows(s, student_id=sid, today=today),
                student_employment(s, sid),
            )
        )
        t = self.internship_table
        t.setRowCount(len(self.internships))
        for r, i in enumerate(self.internships):
            problems = "\n".join(f"[{p.severity}] {p.message}" for p in i.problems)
            cells = [i.kind, i.enterprise_name or i.base_name, i.position, f"{i.starts_on} 至 {i.ends_on}",
                     i.status, f"{len(i.problems)} 项" if i.problems else "无"]  # fmt: skip
            fill_row(t, r, cells, i.id, {5: problems})
            if i.problems:
                t.item(r, 5).setForeground(theme.brush(theme.ERROR))
        pay = {e.id: format_money(e.monthly_salary_fen, symbol=False) if e.monthly_salary_fen else ""
               for e in self.employment}  # fmt: skip
        self.employment_list.set_rows(
            [(e.id, [str(e.graduate_year), e.status, e.employer_name, e.position, "是" if e.related else "", pay[e.id]])
             for e in self.employment]
        )  # fmt: skip
        n_int, n_emp = len(self.internships), len(self.employment)
        self.tabs.setTabText(INTERNSHIPS_TAB, f"实习（{n_int}）" if n_int else "实习")
        self.internships_note.setText(
            INTERNSHIPS_NOTE if n_int else "该生还没有实习记录。实习在“实习”页安排。"
        )
        self.tabs.setTabText(EMPLOYMENT_TAB, f"就业（{n_emp}）" if n_emp else "就业")

    def _selected_employment(self) -> EmploymentRow | None:
        ids = self.employment_list.selected_ids()
        if not ids and len(self.employment) == 1:
            return self.employment[0]
        return next((e for e in self.employment if ids and e.id == ids[0]), None)

    def _delete_employment(self, ids: list[str]) -> None:
        from ui.operations.employment import delete_records

        delete_records(self, ids, lambda _c: self.reload_records())

    @Slot()
    def add_employment(self) -> None:
        from ui.dialogs.employment_dialog import EmploymentDialog

        if self.student_id and EmploymentDialog(self, student_id=self.student_id).exec():
            self.reload_records()

    @Slot()
    def edit_employment(self) -> None:
        from ui.dialogs.employment_dialog import EmploymentDialog

        row = self._selected_employment()
        if row and EmploymentDialog(self, row=row).exec():
            self.reload_records()

    # ------------------------------------------------------------ saving

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(FAMILY_TAB if first_field in FAMILY_FIELDS else BASIC_TAB)

    def check(self, s: Session, data: svc.StudentData) -> list[ValidationError]:
        return svc.check_student(s, data, exclude_id=self.record_id)

    def write(self, s: Session, data: svc.StudentData) -> Changes:
        sid = self.record_id
        return svc.update_student(s, sid, data) if sid else svc.create_student(s, data)
