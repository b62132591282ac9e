"""设置 → 模板 over a real database (pytest-qt): set a college template, refuse a hostile one, the placeholder
sheet lists every field with 复制, and 恢复内置."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app.services import templates as svc

pytestmark = pytest.mark.qt


def page(qtbot):
    from ui.pages.settings import SettingsPage

    p = SettingsPage()
    qtbot.addWidget(p)
    p.show()
    p.show_templates()
    qtbot.waitUntil(lambda: p.templates.status["tripartite"].text() == "内置模板", timeout=5000)
    return p


def word(path: Path, *paragraphs: str) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(str(path))
    return path


def test_set_and_restore_builtin(ctx, qtbot, db, tmp_path: Path, monkeypatch) -> None:
    from ui import files

    p = page(qtbot)
    section = p.templates
    assert p.tabs.currentWidget() is section
    assert set(section.status) == set(svc.kinds()) and not section.clear_buttons["tripartite"].isEnabled()
    template = word(tmp_path / "学院协议.docx", "{{ agreement.title }}：{{ party_names }}")
    monkeypatch.setattr(files, "ask_open", lambda *a, **k: template)
    assert [b.text() for b in section.findChildren(QPushButton)].count("更换模板…") == len(svc.kinds())
    section.choose("agreement")
    qtbot.waitUntil(lambda: "学院协议.docx" in section.status["agreement"].text(), timeout=5000)
    assert section.status["agreement"].text().startswith("自定义（学院协议.docx，")
    assert section.clear_buttons["agreement"].isEnabled()
    with db.reader() as s:
        assert svc.custom_template_path(s, "agreement") is not None

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    section.clear_buttons["agreement"].click()
    qtbot.waitUntil(lambda: section.status["agreement"].text() == "内置模板", timeout=5000)
    with db.reader() as s:
        assert svc.custom_template_path(s, "agreement") is None


def test_hostile_template_is_refused(ctx, qtbot, db, tmp_path: Path, monkeypatch) -> None:
    import ui.templates as ui_templates

    errors: list[BaseException] = []
    monkeypatch.setattr(ui_templates, "show_error", lambda _p, exc, _t="": errors.append(exc))
    p = page(qtbot)  # kept: the section lives as long as its page
    section = p.templates
    section.set_template("tripartite", word(tmp_path / "坏.docx", "{{ ''.__class__.__mro__ }}"))
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert "不允许的代码" in errors[0].message
    assert section.status["tripartite"].text() == "内置模板"
    with db.reader() as s:
        assert svc.custom_template_path(s, "tripartite") is None


def test_placeholder_sheet_lists_every_field_with_copy(ctx, qtbot) -> None:
    p = page(qtbot)  # kept: the section lives as long as its page
    section = p.templates
    dlg = section.show_placeholders("tripartite")
    qtbot.addWidget(dlg)
    shown = [dlg.table.item(r, 0).text() for r in range(dlg.table.rowCount())]
    assert len(shown) == len(svc.placeholders("tripartite"))
    assert "{{ student.name }}" in shown and "{{ internship.policy_no }}" in shown
    row = shown.index("{{ student.id_number }}")
    assert "身份证号" in dlg.table.item(row, 1).text()
    dlg.table.cellWidget(row, 2).click()
    assert QApplication.clipboard().text() == "{{ student.id_number }}"
    assert "已复制" in dlg.copied.text()

    loops = section.show_placeholders("agreement")
    qtbot.addWidget(loops)
    shown = [loops.table.item(r, 0).text() for r in range(loops.table.rowCount())]
    row = shown.index("parties（列表）")
    loops.table.cellWidget(row, 2).click()
    assert QApplication.clipboard().text() == "{%p for p in parties %}"


def test_save_builtin_template(ctx, qtbot, tmp_path: Path, monkeypatch) -> None:
    from ui import files

    out = tmp_path / "内置" / "基地使用汇总模板"
    out.parent.mkdir()
    offered: list[Path] = []
    monkeypatch.setattr(files, "ask_save", lambda *a, **k: out)
    monkeypatch.setattr(files, "offer_open", lambda _p, path, _t: offered.append(path))
    p = page(qtbot)
    p.templates.save_builtin("base_summary")
    assert offered == [out.with_name("基地使用汇总模板.docx")]
    assert offered[0].read_bytes() == svc.builtin_template("base_summary")
