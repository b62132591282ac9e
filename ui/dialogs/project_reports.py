"""The 运行报告 tab of the project form (H第十条(五)): one row per semester since the project started, with
the report registered (or 缺), 登记报告… (ReportDialog: semester, date, note and the file; one WriteOp) and
生成报告… (the Word report of that semester from the built-in or a custom template)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.docs import cooperation as docs
from app.errors import ValidationErrors
from app.services import attachments as att
from app.services import meetings as msvc
from app.services.common import Changes
from ui.documents import ask_document_path, ask_template, document_menu, write_document
from ui.errors import show_error
from ui.ops import WriteOp, read_now
from ui.widgets import OptionalDate

ERROR_STYLE = "color:#c42b1c;"
HINT_STYLE = "color:#666;"
RED = QColor("#c42b1c")
GREY = QColor("#777777")


class ReportsTab(QWidget):
    """The semesters of a saved project and their reports; `title()` gives the project's name for file names."""

    def __init__(self, title: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.project_id: str | None = None
        self.schedule: list[msvc.SemesterReport] = []
        self.today = dt.date.today()
        v = QVBoxLayout(self)
        self.hint = QLabel(wordWrap=True)
        self.hint.setStyleSheet(HINT_STYLE)
        v.addWidget(self.hint)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(("学期", "学期结束", "状态", "报告文件", "备注"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        for col, width in ((0, 110), (1, 90), (2, 150), (3, 200)):
            self.table.setColumnWidth(col, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.record_report())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        v.addWidget(self.table, 1)
        row = QHBoxLayout()
        record = QPushButton("登记报告…")
        record.clicked.connect(self.record_report)
        row.addWidget(record)
        self.generate_button = QToolButton()
        self.generate_button.setText("生成报告 ▾")
        self.generate_button.setToolTip("按项目内容生成所选学期的 Word 运行报告（右键学期行也可生成）")
        self.generate_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.generate_button.setStyleSheet(
            "QToolButton{padding:4px 10px;} QToolButton::menu-indicator{image:none;}"
        )
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
            hint = "填写并保存项目开始日期后，这里按学期列出应交的运行报告（H第十条(五)）。"
        else:
            hint = (
                "每学期向发展规划处提交一份运行报告（H第十条(五)）；学期按“设置”中的学期日历划分。"
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
        menu.addAction("登记报告…", self.record_report)
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


class ReportDialog(QDialog):
    """登记运行报告: semester, date submitted, a note and the report file; one WriteOp."""

    def __init__(self, parent: QWidget, project_id: str, semesters: list[str], semester: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("登记运行报告")
        self.project_id = project_id
        self.file: Path | None = None
        form = QFormLayout(self)
        self.semester = QComboBox()
        self.semester.setEditable(True)
        self.semester.addItems(semesters)
        if semester:
            self.semester.setCurrentText(semester)
        form.addRow("学期 *", self.semester)
        self.submitted_on = OptionalDate()
        self.submitted_on.set_value(dt.date.today())
        form.addRow("提交日期", self.submitted_on)
        self.note = QLineEdit(placeholderText="如 已报发展规划处")
        form.addRow("备注", self.note)
        file_row = QHBoxLayout()
        self.file_label = QLabel("未选择")
        self.file_label.setStyleSheet(HINT_STYLE)
        pick = QPushButton("选择文件…")
        pick.clicked.connect(self._pick)
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(pick)
        form.addRow("报告文件", file_row)
        self.error = QLabel(wordWrap=True)
        self.error.setStyleSheet(ERROR_STYLE)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("登记")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(440)

    @Slot()
    def _pick(self) -> None:
        from ui.files import ask_open

        path = ask_open(self, "选择运行报告文件", "attachments", "所有文件 (*)")
        if path is not None:
            self.set_file(path)

    def set_file(self, path: Path) -> None:
        self.file = path
        self.file_label.setText(path.name)

    @Slot()
    def save(self) -> None:
        pid, semester = self.project_id, self.semester.currentText().strip()
        submitted, note, file = self.submitted_on.value(), self.note.text(), self.file

        def work(s) -> Changes:
            changes = msvc.record_operation_report(s, pid, semester, submitted, note)
            if file is not None:
                att.add_attachment(s, "operation_report", changes.ids[0], file, kind="运行报告")
            return changes

        WriteOp(self, work).success(lambda _c: self.accept()).failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationErrors):
            self.error.setText("；".join(e.message for e in exc.errors))
        else:
            show_error(self, exc, "登记失败")
