"""An import refused because the data changed since its file was read (app.errors.DataChanged) offers
重新读取文件 on every import preview, not only the enterprise one: the student roster's end to end here (the
enterprise import's in tests/ui/test_ui_import.py), and each preview's reread wired by files.preview_file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.db.engine import open_database
from app.io import students_xlsx
from app.services.students import StudentData, create_student, student_rows

pytestmark = [
    pytest.mark.qt,
    pytest.mark.skipif(
        sys.platform == "win32",
        reason="the same code on every platform, tested on Linux (the Wine half of CI is its long pole)",
    ),
]


def _roster(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["学号", "姓名", "性别", "班级", "入学年份"])
    ws.append(["2023001", "李明", "男", "机电2301", 2023])
    ws.append(["2023002", "王芳", "女", "机电2301", 2023])
    wb.save(path)
    return path


def test_a_roster_import_refused_because_the_data_changed_reads_the_file_again(
    ctx, qtbot, db, tmp_path, monkeypatch
):
    """Another user adds one of the file's students between the preview and 导入: nothing is written, the
    message says why and offers 重新读取文件, which closes the out-of-date preview and shows the file as it
    would import now (that student already on the roster: the import asks whether to update it)."""
    from ui import students_io
    from ui.students_io import StudentImportDialog

    path = _roster(tmp_path / "名册.xlsx")
    other = open_database(db.location)
    seen: list[StudentImportDialog] = []
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)

    def drive() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, StudentImportDialog) and modal not in seen:
            seen.append(modal)
            if len(seen) == 1:  # the first preview: another user adds 王芳 meanwhile, then 导入
                with other.session() as s:
                    create_student(s, StudentData(student_no="2023002", name="王芳"))
                modal.import_button.click()
            else:  # the new preview: 王芳 is on the roster now
                said.append(f"已在名册中 {students_xlsx.existing_count(modal.preview)} 名")
                modal.reject()
                return
        elif isinstance(modal, QMessageBox) and modal.windowTitle() == "数据已有变化":
            said.append(modal.text())
            next(b for b in modal.buttons() if b.text() == "重新读取文件").click()
        elif isinstance(modal, QMessageBox):  # shown as a plain error: noted and closed, the test fails below
            said.extend([f"{modal.windowTitle()}：{modal.text()}", "（没有重新读取）"])
            modal.close()
            seen[0].reject()
            return
        QTimer.singleShot(30, drive)

    QTimer.singleShot(0, drive)
    try:
        students_io.import_file(None, "students", path)
        qtbot.waitUntil(lambda: len(said) >= 2, timeout=20_000)
    finally:
        other.close()
    assert "数据已有变化，未导入任何数据" in said[0] and "2023002" in said[0], said
    assert len(seen) == 2 and said[1] == "已在名册中 1 名", said
    with db.reader() as s:  # the refused import wrote nothing: only the other user's student
        assert [r.student_no for r in student_rows(s)] == ["2023002"]


def _openers():
    from ui import internships_io, students_io, teachers_io
    from ui.pages import funds

    return {
        "学生名册": lambda path: students_io.import_file(None, "students", path),
        "就业数据": lambda path: students_io.import_file(None, "employment", path),
        "教师": lambda path: teachers_io.check_file(None, path, "teachers"),
        "企业实践记录": lambda path: teachers_io.check_file(None, path, "practice"),
        "企业月度评价": lambda path: internships_io.check_file(None, path),
        "经费台账": lambda path: funds.check_ledger_file(None, path, None),
    }


@pytest.mark.parametrize("kind", ["学生名册", "就业数据", "教师", "企业实践记录", "企业月度评价", "经费台账"])
def test_every_import_preview_offers_to_read_the_file_again(kind, ctx, qtbot, tmp_path, monkeypatch):
    """Each page's preview is opened through files.preview_file and handles a DataChanged of its 导入 as the
    shared preview does: 重新读取文件 closes it and reads the same file again into a new preview of its kind.
    (The file's reading is stood in for: what is tested is the way from the refusal to the new preview.)"""
    from app.errors import DataChanged
    from app.io.importing import ImportPreview
    from ui import files
    from ui.dialogs.import_dialog import ImportDialog

    path = tmp_path / "文件.xlsx"
    read: list[Path] = []

    def checked(_parent, _title, work, done, _failed_title, **_kw):
        read.append(path)
        done(ImportPreview(str(path), 1, (), ()))

    shown: list[ImportDialog] = []
    monkeypatch.setattr(files, "run_with_progress", checked)
    monkeypatch.setattr(ImportDialog, "exec", lambda self: shown.append(self) or 0)
    _openers()[kind](path)
    assert len(shown) == 1 and shown[0].reread is not None
    first = shown[0]
    qtbot.addWidget(first)
    first.show()
    closed: list[bool] = []
    first.rejected.connect(lambda: closed.append(True))
    said: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.windowTitle() == "数据已有变化":
            said.append(box.text())
            next(b for b in box.buttons() if b.text() == "重新读取文件").click()
        elif isinstance(box, QMessageBox):  # shown as a plain error: noted, closed, the test fails below
            said.append(f"{box.windowTitle()}：{box.text()}")
            box.close()
        else:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    first.start_import("正在导入…")
    first._failed(DataChanged("数据已有变化，未导入任何数据：第2行已有变化。请重新读取文件后再导入。"))
    assert len(said) == 1 and said[0].startswith("数据已有变化，") and "第2行已有变化" in said[0], said
    assert closed == [True] and not first.isVisible()  # the out-of-date preview closed
    assert len(read) == 2 and len(shown) == 2 and type(shown[1]) is type(first)  # the file read again
    qtbot.addWidget(shown[1])
