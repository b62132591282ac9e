"""What a screenshot review of the forms asked for (issue #18): the 走访 form works from ~900 px wide (stacked,
scrolling up and down only) and names its record like the others; amounts show whole; the two boxes of 学校与学院
line up; 三方协议 goes to 文档 by default; no character Chinese Windows fonts lack on the forms' buttons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QBoxLayout, QLabel, QScrollArea

from app.services import enterprises as esvc
from app.services import visits as svc

pytestmark = pytest.mark.qt

UI = Path(__file__).resolve().parents[2] / "ui"


@pytest.fixture
def visit_id(db) -> str:
    with db.session() as s:
        ids = [
            esvc.create_enterprise(s, esvc.EnterpriseData(name=name, status="合作中")).ids[0]
            for name in ("湖南宇发智能科技有限公司", "湖南长创自动化设备有限公司")
        ]
        data = svc.VisitData(
            visited_on=dt.date(2026, 10, 28),
            enterprise_ids=tuple(ids),
            leader="陈丽萍",
            stops=(svc.VisitStop(ids[0], positions=15, average_pay_fen=440000),),
        )
        return svc.create_visit(s, data).ids[0]


def open_visit(qtbot, visit_id: str, width: int):
    from ui.dialogs.visit_dialog import VisitDialog

    d = VisitDialog(None, visit_id)
    qtbot.addWidget(d)
    d.resize(width, 600)
    d.show()
    qtbot.waitUntil(lambda: d.width() == width)
    return d


def test_the_visit_form_stacks_when_narrow_and_never_scrolls_sideways(ctx, qtbot, visit_id) -> None:
    narrow = open_visit(qtbot, visit_id, 900)
    assert narrow.columns.direction() == QBoxLayout.Direction.TopToBottom
    area = narrow.findChild(QScrollArea)
    assert not area.horizontalScrollBar().isVisible()
    assert narrow.left.width() > 800 and narrow.right.width() > 800  # each half the whole width
    pay = narrow.stops.fields["average_pay_fen"]
    assert pay.text() == "4,400.00"
    assert pay.width() >= pay.fontMetrics().horizontalAdvance("4,400.00") + 8  # shown whole, not "0.00"
    assert narrow.windowTitle() == "走访：湖南宇发智能科技有限公司等 2 家 2026-10-28"
    narrow.reject()

    wide = open_visit(qtbot, visit_id, 1300)
    assert wide.columns.direction() == QBoxLayout.Direction.LeftToRight
    assert wide.right.x() > wide.left.x() + wide.left.width() - 1
    wide.reject()


def test_the_leader_title_has_a_label(ctx, qtbot, visit_id) -> None:
    d = open_visit(qtbot, visit_id, 1300)
    row = d.leader_title.parentWidget()
    labels = [w.text() for w in row.findChildren(QLabel)]
    assert "职务" in labels
    d.reject()


def test_the_two_boxes_of_the_college_settings_line_up(ctx, qtbot) -> None:
    from ui.dialogs.profile_dialog import ProfileDialog

    d = ProfileDialog(None)
    qtbot.addWidget(d)
    d.show()
    school = d.school.mapTo(d, d.school.rect().topLeft()).x()
    college = d.college.mapTo(d, d.college.rect().topLeft()).x()
    assert school == college
    d.reject()


def test_tripartite_goes_to_documents_unless_a_folder_is_remembered(qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtCore import QStandardPaths

    from ui import tripartite
    from ui.settings import ui_settings

    documents = tmp_path / "文档"
    documents.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda _where: str(documents))
    settings = ui_settings()
    for key in (tripartite.FOLDER_KEY, "folders/docs"):
        settings.remove(key)
    assert tripartite.last_folder() == str(documents)
    settings.setValue("folders/docs", str(tmp_path))
    assert tripartite.last_folder() == str(tmp_path)
    settings.remove("folders/docs")


def test_no_small_down_triangle_on_the_forms() -> None:
    """U+25BE draws as a crossed box in the fonts of Chinese Windows; ▼ (U+25BC) is in every one."""
    files = [*UI.glob("dialogs/*.py"), *UI.glob("forms/*.py"), UI / "tripartite.py", UI / "pickers.py"]
    assert len(files) > 30
    bad = [f.name for f in files if "\u25be" in f.read_text(encoding="utf-8")]
    assert not bad
