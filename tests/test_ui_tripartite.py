"""The 生成三方协议 dialog over a real database (pytest-qt): the folder remembered, the batch on the worker
with a progress dialog, 取消, a broken template, and the 打开文件夹 box at the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from PySide6.QtWidgets import QApplication, QPushButton

from app.docs.internship import COMBINED_NAME
from app.errors import BatchCancelled, DocumentTemplateError
from tests.tripartite_data import make_internships

pytestmark = pytest.mark.qt


@pytest.fixture
def ids(db) -> list[str]:
    return make_internships(db, ["张三", "李四", "王五", "赵六", "钱七", "孙八"])


def dialog(qtbot, ids: list[str]):
    from ui.tripartite import TripartiteDialog

    dlg = TripartiteDialog(None, ids)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def close_box(dlg) -> str:
    box = dlg.result_box
    assert box is not None and box.isVisible()
    text = box.text()
    box.reject()
    return text


def test_generates_with_progress_and_offers_the_folder(ctx, qtbot, ids, tmp_path: Path, monkeypatch) -> None:
    from ui import files
    from ui.tripartite import last_folder

    progress: list[tuple[float, str]] = []
    update = files.Progress.update
    monkeypatch.setattr(
        files.Progress, "update", lambda self, f, m: (progress.append((f, m)), update(self, f, m))
    )

    out = tmp_path / "协议 输出"
    dlg = dialog(qtbot, ids)
    dlg.folder_edit.setText(str(out))
    dlg.combined_check.setChecked(True)
    with qtbot.waitSignal(dlg.batch_finished, timeout=60000) as blocker:
        dlg.generate_button.click()
        assert not dlg.generate_button.isEnabled()  # one batch at a time
    result = blocker.args[0]
    assert len(result.files) == 6 and result.combined == out / COMBINED_NAME
    assert len(Document(str(result.combined)).sections) == 6
    assert "已生成 6 份三方协议" in close_box(dlg)
    assert progress[-1] == (1.0, "已生成 6 份三方协议") and any("第 6/6 份" in m for _, m in progress)
    assert not dlg.progress.dialog.isVisible()
    assert last_folder() == str(out)  # remembered for next time

    again = dialog(qtbot, ids[:1])
    assert again.folder_edit.text() == str(out)


def test_cancel_keeps_what_was_written(ctx, qtbot, ids, tmp_path: Path) -> None:
    out = tmp_path / "out"
    dlg = dialog(qtbot, ids)
    dlg.folder_edit.setText(str(out))
    dlg.combined_check.setChecked(True)
    with qtbot.waitSignal(dlg.batch_finished, timeout=60000) as blocker:
        dlg.generate_button.click()
        dlg.progress.dialog.findChild(
            QPushButton
        ).click()  # 取消 on the progress dialog, while the worker runs
        QApplication.processEvents()  # the GUI keeps answering
    exc = blocker.args[0]
    assert isinstance(exc, BatchCancelled)
    written = sorted(out.iterdir()) if out.exists() else []
    assert written == sorted(exc.files) and len(written) < 6  # no combined copy, no partial file
    assert "已取消" in dlg.result_box.windowTitle() + close_box(dlg)
    assert dlg.isVisible() and dlg.generate_button.isEnabled()  # try again


def test_broken_template_is_reported_and_writes_nothing(ctx, qtbot, ids, tmp_path: Path, monkeypatch) -> None:
    import ui.tripartite as tri

    template = tmp_path / "坏模板.docx"
    doc = Document()
    doc.add_paragraph("{{ student.nam }}")
    doc.save(str(template))
    errors: list[BaseException] = []
    monkeypatch.setattr(tri, "show_error", lambda _p, exc, _t="": errors.append(exc))
    out = tmp_path / "out"
    dlg = dialog(qtbot, ids)
    dlg.folder_edit.setText(str(out))
    dlg.set_template(template)
    assert dlg.custom_radio.isChecked() and dlg.template_label.text() == "已选择：坏模板.docx"
    with qtbot.waitSignal(dlg.batch_finished, timeout=60000):
        dlg.generate_button.click()
    (exc,) = errors
    assert isinstance(exc, DocumentTemplateError) and "student.nam" in exc.message
    assert not out.exists()


def test_generate_tripartite_opens_the_dialog(ctx, qtbot, ids) -> None:
    from ui.tripartite import TripartiteDialog, generate_tripartite

    dlg = generate_tripartite(None, ids[:2])
    assert isinstance(dlg, TripartiteDialog) and dlg.isVisible()
    assert "2 条实习记录" in dlg.findChildren(type(dlg.template_label))[0].text()
    dlg.reject()


def test_skipped_internships_are_listed_with_copy(ctx, qtbot, db, ids, tmp_path: Path) -> None:
    """Missing required data: those are not written, the others are; the end lists them with 复制清单."""
    from app.db.models import Internship

    with db.session() as s:
        s.get(Internship, ids[0]).policy_no = ""
        s.get(Internship, ids[1]).position = ""
    out = tmp_path / "out"
    dlg = dialog(qtbot, ids)
    dlg.folder_edit.setText(str(out))
    with qtbot.waitSignal(dlg.batch_finished, timeout=60000) as blocker:
        dlg.generate_button.click()
    result = blocker.args[0]
    assert len(result.files) == 4 and len(list(out.iterdir())) == 4
    box = dlg.result_box
    assert box.isVisible() and box.list.isVisible() and "部分未生成" in box.windowTitle()
    listed = box.list.toPlainText()
    assert "张三（机电2201班）：缺少保单号" in listed and "李四（机电2201班）：缺少实习岗位" in listed
    assert "未生成 2 份" in box.text()
    box.copy_button.click()
    assert QApplication.clipboard().text().splitlines()[1:3] == [
        "张三（机电2201班）：缺少保单号",
        "李四（机电2201班）：缺少实习岗位",
    ]
    box.reject()


def test_college_template_is_the_default(ctx, qtbot, db, ids, tmp_path: Path) -> None:
    from app.services import templates as svc

    template = tmp_path / "学院三方协议.docx"
    doc = Document()
    doc.add_paragraph("学院版：{{ student.name }}")
    doc.save(str(template))
    with db.session() as s:
        svc.set_custom_template(s, "tripartite", template)
    out = tmp_path / "out"
    dlg = dialog(qtbot, ids[:1])
    assert dlg.builtin_radio.text() == "学院模板“学院三方协议.docx”（设置 → 模板）"
    dlg.folder_edit.setText(str(out))
    with qtbot.waitSignal(dlg.batch_finished, timeout=60000) as blocker:
        dlg.generate_button.click()
    (path,) = blocker.args[0].files
    assert Document(str(path)).paragraphs[0].text == "学院版：张三"
    close_box(dlg)
