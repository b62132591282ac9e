"""The 运行报告 tab of the project form: one row per semester since the project started, with the report
registered (or 缺), 登记报告… (ReportDialog, a RecordForm: semester, date, note and the file; one write) and
生成报告… (the Word report of that semester from the built-in or a custom template)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.docs import cooperation as docs
from app.services import attachments as att
from app.services import meetings as msvc
from app.services.common import Changes
from ui import theme
from ui.documents import ask_document_path, ask_template, document_menu, write_document
from ui.forms import DateField, RecordForm, read_only_table, required
from ui.ops import read_now
from ui.qt import *  # noqa: F403
from ui.widgets import for_writers

RED = theme.brush(theme.ERROR)
GREY = theme.brush(theme.HINT)


class ReportsTab(QWidget):
    """The semesters of a saved project and their reports; `title()` gives the project's name for file names."""

    def __init__(self, title: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.project_id: str | None = None
        self.schedule: list[msvc.SemesterReport] = []
        self.today = dt.date.today()
        v = QVBoxLayout(self)
        self.hint = theme.hint(QLabel(wordWrap=True))
        self.hint.setToolTip("依据" + cite_source("H第十条(五)"))
        v.addWidget(self.hint)
        self.table = read_only_table(
            ("学期", "学期结束", "状态", "报告文件", "备注"), widths={0: 110, 1: 90, 2: 150, 3: 200}
        )
        self.table.doubleClicked.connect(lambda _i: self.record_report())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        v.addWidget(self.table, 1)
        row = QHBoxLayout()
        record = QPushButton("登记报告…")
        record.setAutoDefault(False)
        record.clicked.connect(self.record_report)
        for_writers(record)
        row.addWidget(record)
        self.generate_button = theme.menu_button(QToolButton())
        self.generate_button.setText("生成报告 ▼")
        self.generate_button.setToolTip("按项目内容生成所选学期的 Word 运行报告（右键学期行也可生成）")
        self.generate_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.generate_button.setMenu(document_menu(self, "report", self._generate_selected))
        row.addWidget(self.generate_button)
        row.addStretch(1)
        v.addLayout(row)

    # ------------------------------------------------------------ the rows

    def load(self, project_id: str | None, has_start: bool) -> None:
        self.project_id = pid = project_id
        self.schedule = read_now(lambda s: msvc.report_schedule(s, pid, self.today)) if pid else []
        self.table.setRowCount(0)
        for rep in self.schedule:
            self._add_row(rep)
        missing = len(self.missing_reports())
        if not has_start and not self.schedule:
            hint = "填写并保存项目开始日期后，这里按学期列出应交的运行报告。"
        else:
            hint = (
                "每学期向发展规划处提交一份运行报告；学期按“设置”中的学期日历划分。"
                "右键学期行可生成该学期的 Word 报告。"
            )
            if missing:
                hint += f" 已过去的学期中有 {missing} 份报告未登记（红色）。"
        self.hint.setText(hint)
        self.generate_button.setEnabled(bool(self.schedule))

    def _add_row(self, rep: msvc.SemesterReport) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        if rep.report:
            when = rep.report.submitted_on.isoformat() if rep.report.submitted_on else "日期未填"
            status = f"已提交 {when}"
        elif rep.past:
            status = "缺"
        else:
            status = "本学期，未到期"
        values = (
            rep.semester,
            rep.last_day.isoformat(),
            status,
            "、".join(rep.files),
            rep.report.note if rep.report else "",
        )
        for col, value in enumerate(values):
            cell = QTableWidgetItem(value)
            cell.setToolTip(value if len(value) > 12 else "")
            if rep.missing:
                cell.setForeground(RED)
            elif not rep.report:
                cell.setForeground(GREY)
            self.table.setItem(r, col, cell)
        self.table.item(r, 0).setData(Qt.ItemDataRole.UserRole, rep.semester)

    def missing_reports(self) -> list[str]:
        return [r.semester for r in self.schedule if r.missing]

    def selected_semester(self) -> str:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.table.item(rows.pop(), 0).data(Qt.ItemDataRole.UserRole) if rows else ""

    @Slot(QPoint)
    def _row_menu(self, pos: QPoint) -> None:
        item = self.table.itemAt(pos)
        if item is None:
            return
        self.table.selectRow(item.row())
        semester = self.selected_semester()
        menu = QMenu(self)
        for_writers(menu.addAction("登记报告…", self.record_report))
        menu.addSeparator()
        menu.addAction(f"生成 {semester} 运行报告…", lambda: self.generate_report(semester))
        menu.addAction("用自定义模板生成…", lambda: self._generate_custom(semester))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # ------------------------------------------------------------ actions

    @Slot()
    def record_report(self) -> None:
        if not self.project_id:
            return
        semester = self.selected_semester() or next(iter(self.missing_reports()), "")
        ReportDialog(self, self.project_id, [r.semester for r in self.schedule], semester).exec()

    def _generate_custom(self, semester: str) -> None:
        template = ask_template(self)
        if template is not None:
            self.generate_report(semester, template)

    def _generate_selected(self, template: Path | None) -> None:
        semester = self.selected_semester() or next(iter(self.missing_reports()), "")
        if not semester and self.schedule:
            semester = self.schedule[-1].semester
        if semester:
            self.generate_report(semester, template)

    def generate_report(self, semester: str, template: Path | None = None) -> None:
        """The Word 运行报告 of one semester, from what is saved (it only reads)."""
        pid = self.project_id
        if not pid:
            return
        out = ask_document_path(self, "report", self.title(), semester)
        if out is None:
            return
        work = lambda s: docs.write_project_report(s, pid, semester, out, template)  # noqa: E731
        write_document(self, work, f"{semester} 运行报告")


class ReportDialog(RecordForm):
    """登记运行报告: semester, date submitted, a note and the report file; one write."""

    geometry_key = "operation-report"
    default_size = (480, 230)
    unsaved_what = "运行报告"
    titles = ("登记运行报告", "登记运行报告")
    save_text = "登记"

    def __init__(self, parent: QWidget, project_id: str, semesters: list[str], semester: str = "") -> None:
        self.project_id = project_id
        self.semesters, self.preset_semester = semesters, semester
        self.file: Path | None = None
        super().__init__(parent)

    def build(self) -> None:
        form = self.form()
        self.semester = QComboBox()
        self.semester.setEditable(True)
        self.semester.addItems(self.semesters)
        form.addRow(required("学期"), self.with_error("semester", self.semester))
        self.submitted_on = DateField(field="submitted_on", label="提交日期")
        form.addRow("提交日期", self.with_error("submitted_on", self.submitted_on))
        self.note = QLineEdit(placeholderText="如 已报发展规划处")
        form.addRow("备注", self.with_error("note", self.note))
        file_row = QHBoxLayout()
        self.file_label = theme.hint(QLabel("未选择"))
        pick = QPushButton("选择文件…")
        pick.setAutoDefault(False)
        pick.clicked.connect(self._pick)
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(pick)
        form.addRow("报告文件", file_row)
        self.body.addStretch(1)

    def load_new(self) -> None:
        if self.preset_semester:
            self.semester.setCurrentText(self.preset_semester)
        self.submitted_on.set_value(dt.date.today())

    @Slot()
    def _pick(self) -> None:
        from ui.files import ask_open

        path = ask_open(self, "选择运行报告文件", "attachments", "所有文件 (*)")
        if path is not None:
            self.set_file(path)

    def set_file(self, path: Path) -> None:
        self.file = path
        self.file_label.setText(path.name)

    def data(self) -> tuple[str, dt.date | None, str, Path | None]:
        return self.semester.currentText().strip(), self.submitted_on.value(), self.note.text(), self.file

    def write(self, s: Session, data: tuple[str, dt.date | None, str, Path | None]) -> Changes:
        semester, submitted, note, file = data
        changes = msvc.record_operation_report(s, self.project_id, semester, submitted, note)
        if file is not None:
            att.add_attachment(s, "operation_report", changes.ids[0], file, kind="运行报告")
        return changes
