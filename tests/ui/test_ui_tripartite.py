"""The 生成三方协议 dialog over a real database (pytest-qt): the folder remembered, the batch on the worker
with a progress dialog, 取消, a broken template, and the 打开文件夹 box at the end."""

from __future__ import annotations

import os
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
    assert dlg.scope_box.currentText() == "选中的 2 条实习记录"
    assert dlg.plan_label.text() == "将生成 2 份三方协议。" and dlg.generate_button.text() == "生成 2 份"
    dlg.reject()


def test_skipped_internships_are_listed_with_copy(ctx, qtbot, db, ids, tmp_path: Path) -> None:
    """Missing required data: those are not written, the others are; the end lists them with 复制清单."""
    from app.db.models import Internship, Student

    with db.session() as s:
        s.get(Student, s.get(Internship, ids[0]).student_id).home_address = ""
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
    assert "张三（机电2201班）：缺少家庭住址" in listed and "李四（机电2201班）：缺少实习岗位" in listed
    assert "未生成 2 份" in box.text()
    box.copy_button.click()
    assert QApplication.clipboard().text().splitlines()[1:3] == [
        "张三（机电2201班）：缺少家庭住址",
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


def test_the_dialog_says_what_it_will_do_and_offers_the_classes(ctx, qtbot, db, ids, tmp_path: Path) -> None:
    """Before 生成: N ready, M blocked with the rule and its source, K 认识实习 skipped, L missing; the list as
    filtered is not called a selection; a class chosen in the dialog replaces the list."""
    from app.db.models import Internship, Student
    from tests.tripartite_data import make_internships as more
    from ui.tripartite import generate_tripartite

    other = more(db, ["周九", "吴十"], class_name="机电2202班")
    with db.session() as s:
        s.get(Internship, ids[0]).night_shift = True
        s.get(Internship, ids[1]).kind = "认识实习"
        s.get(Student, s.get(Internship, ids[2]).student_id).emergency_contact = ""
        s.get(Internship, ids[3]).monthly_pay_fen = 200000  # below 80 % of 3,600
    dlg = generate_tripartite(None, ids, selected=False)
    qtbot.addWidget(dlg)
    dlg.resize(1366, 768)
    assert dlg.scope_box.currentText() == "当前筛选出的 6 条实习记录（未选中记录）"
    text = dlg.plan_label.text()
    assert text == (
        "将生成 2 份三方协议；2 条有须纠正的实习问题（错误），不生成；1 条缺少协议必填信息，不生成；"
        "1 条认识实习不需要三方协议，跳过。"
    )
    listed = dlg.plan_list.toPlainText()
    assert "张三（机电2201班）：安排了夜班" in listed and "《职业学校学生实习管理规定》" in listed
    assert (
        "第十八条" in listed
        and "王五（机电2201班）：缺少紧急联系人" in listed
        and "李四（机电2201班）" in listed
    )
    dlg.grab().save(str(tmp_path / "tripartite_dialog.png"))
    if out := os.environ.get("CHANJIAO_SHOTS"):
        dlg.grab().save(str(Path(out) / "tripartite_dialog.png"))

    classes = [dlg.scope_box.itemText(i) for i in range(dlg.scope_box.count())]
    assert classes[1:] == ["班级：机电2201班（岗位实习 5 条）", "班级：机电2202班（岗位实习 2 条）"]
    dlg.scope_box.setCurrentIndex(2)
    assert sorted(dlg.ids) == sorted(other) and dlg.plan_label.text() == "将生成 2 份三方协议。"
    out = tmp_path / "out"
    dlg.folder_edit.setText(str(out))
    with qtbot.waitSignal(dlg.batch_finished, timeout=60000) as blocker:
        dlg.generate_button.click()
    assert [p.name.split("_")[2] for p in blocker.args[0].files] == ["周九", "吴十"]
    close_box(dlg)
    with db.reader() as s:  # the 协议编号 were kept (the batch is one write)
        assert all(s.get(Internship, i).agreement_no for i in other)


def test_the_scope_says_selected_filtered_or_all_as_the_page_is(ctx, qtbot, db, ids) -> None:
    """From the 学生实习 page: nothing selected and no filter is 全部 (never "选中的 6 条"), a search is 当前筛选出的,
    a selection is 选中的; the classes are offered below."""
    from ui.pages.internships import InternshipsPage
    from ui.tripartite import TripartiteDialog

    page = InternshipsPage()
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 6, timeout=5000)

    def opened() -> list[str]:
        page.tripartite_button.click()
        dlg = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, TripartiteDialog) and w.isVisible()
        )
        qtbot.addWidget(dlg)
        scopes = [dlg.scope_box.itemText(i) for i in range(dlg.scope_box.count())]
        dlg.reject()
        return scopes

    assert opened() == ["全部 6 条实习记录（未选中、未筛选）", "班级：机电2201班（岗位实习 6 条）"]
    page.search.setText("张三")
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert opened()[0] == "当前筛选出的 1 条实习记录（未选中记录）"
    page.search.setText("")
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 6, timeout=5000)
    page.select_ids(ids[:2])
    assert opened()[0] == "选中的 2 条实习记录"


def test_nothing_to_generate_says_so(ctx, qtbot, db) -> None:
    from ui.tripartite import TripartiteDialog

    dlg = TripartiteDialog(None, [], selected=False)
    qtbot.addWidget(dlg)
    assert dlg.scope_box.count() == 0 and not dlg.generate_button.isEnabled()
    assert "没有可生成三方协议的实习记录" in dlg.plan_label.text()


def test_the_form_has_lodging_transport_and_the_agreement_number(ctx, qtbot, db, ids, tmp_path: Path) -> None:
    """食宿安排 / 交通安排 are saved from the form and printed in the agreement; the 协议编号 is shown read-only."""
    from app.db.models import Internship
    from app.docs.internship import write_tripartite_batch
    from ui.dialogs.internship_dialog import InternshipDialog

    dlg = InternshipDialog(None, ids[0])
    qtbot.addWidget(dlg, before_close_func=lambda d: d.forget_changes())
    dlg.show()
    assert dlg.fields.agreement_no.text() == "三方协议编号：（生成三方协议时编定）"
    dlg.fields.lodging.setText("乙方提供四人间宿舍和工作餐")
    dlg.fields.transport.setText("乙方提供上下班班车")
    dlg.save()
    qtbot.waitUntil(lambda: dlg.saved_id == ids[0], timeout=10000)
    with db.session() as s:
        i = s.get(Internship, ids[0])
        assert (i.lodging, i.transport) == ("乙方提供四人间宿舍和工作餐", "乙方提供上下班班车")
        result = write_tripartite_batch(s, ids[:1], tmp_path / "out")
    text = "\n".join(p.text for p in Document(str(result.files[0])).paragraphs)
    assert "食宿安排：乙方提供四人间宿舍和工作餐。" in text and "交通安排：乙方提供上下班班车。" in text
    again = InternshipDialog(None, ids[0])
    qtbot.addWidget(again, before_close_func=lambda d: d.forget_changes())
    assert again.fields.agreement_no.text() == "三方协议编号：2026-SX-0001"
