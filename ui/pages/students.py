"""学生与就业: two tabs.

- 学生: the roster as a lazily loaded list (ids up front, a page of rows on demand: 10,000 students stay
  responsive), 身份证号 and phones masked (DOMAIN.md → Privacy; the full values only in the student's form,
  ui/dialogs/student_dialog.py). Search in 学号 / 姓名 / 班级, 专业 and 班级 filters, sortable columns, Enter opens,
  Delete with undo. 导入名册… (preview; asks before updating students already in the roster), 下载名册模板…,
  导出名册… (masked unless the user ticks and confirms the full data) — ui/students_io.py.
- 就业: the figures and records of a graduation year (ui/pages/employment_view.py).

Ctrl+N and Ctrl+F follow the tab on screen (新建学生 / 新建就业记录).
"""

from __future__ import annotations

from app.services import student_list as lst
from app.services import students as svc
from app.services.choices import major_choices
from ui import students_io
from ui.models.lazy_table import Column
from ui.ops import read_now
from ui.pages.employment_view import EmploymentView
from ui.pages.list_page import ListPage, ListQuery, TabbedPage, refill
from ui.qt import *  # noqa: F403
from ui.widgets import push_button, write_action

MASK_TIP = "已打码：完整号码只在学生信息表中显示（个人信息保护）"
COLUMNS = [
    Column("student_no", "学号", "student_no", 110),
    Column("name", "姓名", "name", 80),
    Column("gender", "性别", "gender", 50),
    Column("id_number", "身份证号", None, 160, tooltip=lambda r: MASK_TIP if r.id_number else None),
    Column("major_name", "专业", "major_name", 140),
    Column("class_name", "班级", "class_name", 110),
    Column("entry_year", "入学年份", "entry_year", 72),
    Column("phone", "手机", None, 110, tooltip=lambda r: MASK_TIP if r.phone else None),
    Column("guardian_name", "家长", "guardian_name", 80),
]


class StudentsList(ListPage):
    title = "学生"
    state_key = "students"
    noun, unit = "学生", "名"
    new_text = "新建学生…"
    search_hint = "搜索学号、姓名或班级"
    columns = COLUMNS
    stretch_column = ("major_name", "class_name")  # 姓名 is short: the 专业 and 班级 take the room left
    default_sort = ("class_name", False)
    watched = ("student", "major", "settings")
    form_class = "ui.dialogs.student_dialog:StudentDialog"
    delete_service = staticmethod(svc.delete_students)
    restore_service = staticmethod(svc.restore_students)

    row_service = staticmethod(lst.student_rows_by_id)
    id_service = staticmethod(lst.student_ids)
    count_service = staticmethod(lst.student_total)

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.major_box = self.filter_combo("全部专业", [(c.label, c.id) for c in read_now(major_choices)])
        self.major_box.currentIndexChanged.connect(lambda _i: self._fill_classes())
        self.class_box = self.filter_combo("全部班级", read_now(lst.class_names))
        bar.addWidget(self.major_box, 1)
        bar.addWidget(self.class_box, 1)

    def add_tools(self, row: QHBoxLayout) -> None:
        self.import_button = push_button(
            "导入名册…",
            lambda: students_io.import_file(self, "students"),
            "从 Excel 导入学生名册：先预览每一行的问题，再导入有效的行",
            writes=True,
        )
        self.template_button = push_button("下载名册模板…", lambda: students_io.save_template(self))
        self.export_button = push_button(
            "导出名册…", lambda: students_io.export_students(self), "导出全部学生；身份证号和电话默认打码"
        )
        for b in (self.import_button, self.template_button, self.export_button):
            row.addWidget(b)

    def _fill_classes(self) -> None:
        """The 班级 filter offers the classes of the chosen 专业 (all classes when none is chosen)."""
        major = self.major_box.currentData() or ""
        refill(self.class_box, [(n, n) for n in read_now(lambda s: lst.class_names(s, major))])

    def query(self) -> ListQuery:
        sort, descending = self._sort
        return ListQuery.of(
            lst.StudentQuery(
                text=self.search.text(),
                major_id=self.major_box.currentData() or "",
                class_name=self.class_box.currentData() or "",
                sort=sort,
                descending=descending,
            )
        )

    def has_filter(self) -> bool:
        return self.query().filtered

    def _fill_majors(self) -> None:
        """The 专业 filter follows 设置 (a major added, renamed or deleted)."""
        refill(self.major_box, [(c.label, c.id) for c in read_now(major_choices)])

    def _loaded(self, result: tuple[list[str], int]) -> None:
        super()._loaded(result)
        self._fill_majors()
        self._fill_classes()  # a class may have come with an import or a saved student

    def empty_state(self):
        return (
            "还没有学生：点“导入名册…”从 Excel 导入，或按 Ctrl+N 新建",
            "可先“下载名册模板…”：其中学号、身份证号和电话列已设为文本格式，不会被 Excel 改成科学计数法。",
            [
                write_action("导入名册…", lambda: students_io.import_file(self, "students")),
                self.new_action(),
                ("下载名册模板…", lambda: students_io.save_template(self)),
            ],
        )

    def label_of(self, row: svc.StudentRow) -> str:
        return f"{row.name}（{row.student_no}）"


class StudentsPage(TabbedPage):
    """学生与就业; `new_text` / `new_record()` act on the tab on screen, `focus_search()` on the students."""

    title = "学生与就业"
    state_key = "students"

    def add_tabs(self, tabs: QTabWidget) -> None:
        self.students = StudentsList()
        self.employment = EmploymentView()
        tabs.addTab(self.students, "学生")
        tabs.addTab(self.employment, "就业")
        tabs.setTabToolTip(1, "毕业生就业情况：就业率、专业对口率、平均月薪和就业质量报告")

    def search_list(self) -> StudentsList:
        return self.students

    def first_focus(self, tab: QWidget) -> QWidget:
        return self.employment.table

    def open_student(self, student_id: str) -> None:
        """Show the student in the list (clearing filters that hide it) and open the form."""
        self.show_record_on(self.students, student_id)

    def show_employment(self, year: int | None = None) -> EmploymentView:
        self.tabs.setCurrentWidget(self.employment)
        if year:
            self.employment.set_year(year)
        return self.employment
