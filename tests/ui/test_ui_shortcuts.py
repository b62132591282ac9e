"""Ctrl+N and Ctrl+F act on the page on screen — whatever has the focus, the navigation list included —
and no two actions share a shortcut (Qt then fires neither)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from tests.windowing import show_active
from ui.ops import DbContext, set_context

pytestmark = pytest.mark.qt


@pytest.fixture
def window(db, qapp, qtbot, monkeypatch):
    context = DbContext(db)
    set_context(context)
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    show_active(qtbot, w)
    yield w  # qtbot closes and deletes it before this fixture ends (tests/conftest.py)
    context.wait()
    set_context(None)


def press(qtbot, widget, key: Qt.Key) -> None:
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyRelease(widget, Qt.Key.Key_Control)  # leave no modifier “held” for later tests


def test_ctrl_n_and_ctrl_f_follow_the_page(window, qtbot, monkeypatch):
    called: list[str] = []
    pages = [
        window.enterprises,
        window.agreements,
        window.projects,
        window.funds,
        window.assets,
        window.visits,
    ]
    for page in pages:
        monkeypatch.setattr(page, "new_record", lambda p=page: called.append(p.title))
    for page in pages:
        window._goto(page)
        window.nav.setFocus()  # focus on the navigation, not in the page
        press(qtbot, window.nav, Qt.Key.Key_N)
        press(qtbot, window.nav, Qt.Key.Key_F)
        assert page.search.hasFocus()
    assert called == [p.title for p in pages]
    assert window.new_action.text() == "新建走访记录…"
    window._goto(window.funds)
    window.funds.show_budgets()  # on the 预算执行 tab Ctrl+N is 编制预算
    assert window.new_action.text() == "编制预算…"
    window.funds.show_ledger()
    assert window.new_action.text() == "新建经费记录…"
    go = {a.text(): a.shortcut().toString() for a in window.go_menu.actions()}
    assert [go[p.title] for p in window.pages[:9]] == [f"Ctrl+{i}" for i in range(1, 10)]
    assert set(go) == {p.title for p in window.pages}  # the later pages from 转到 (and the list)
    window._goto(window.trash)  # a page that creates nothing
    assert not window.new_action.isEnabled()


def test_no_two_actions_share_a_shortcut(window):
    seen: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        for seq in action.shortcuts():
            if action.shortcutContext() == Qt.ShortcutContext.WindowShortcut and not seq.isEmpty():
                seen.setdefault(seq.toString(QKeySequence.SequenceFormat.PortableText), []).append(
                    action.text()
                )
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not clashes
    assert {"Ctrl+N", "Ctrl+F", "Ctrl+Shift+N"} <= set(seen)


def test_reminders_open_teachers_and_groups(window, monkeypatch):
    """工作台 reminders of teachers and 专业群 lead to their pages (app/compliance/targets.py target_of)."""
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(window.teachers, "open_teacher", lambda i: calls.append(("teacher", i)))
    monkeypatch.setattr(window.industry, "open_group", lambda i: calls.append(("group", i)))
    monkeypatch.setattr(window.industry, "open_organization", lambda i: calls.append(("organization", i)))
    monkeypatch.setattr(window.internships, "open_internship", lambda i: calls.append(("internship", i)))
    monkeypatch.setattr(window.bases, "show_major", lambda i: calls.append(("major", i)))
    monkeypatch.setattr(window.students, "open_student", lambda i: calls.append(("student", i)))
    monkeypatch.setattr(window.outcomes, "open_achievement", lambda i: calls.append(("achievement", i)))
    window.open_record("teacher", "t1")
    assert window.stack.currentWidget() is window.teachers
    window.open_record("organization", "", "group:g1")
    window.open_record("organization", "o1", "activities")
    assert window.stack.currentWidget() is window.industry
    window.open_record("internship", "i1")
    window.open_record("practice_base", "", "major:m1")
    assert window.stack.currentWidget() is window.bases
    window.open_record("student", "s1")
    assert window.stack.currentWidget() is window.students
    window.evaluation.open_record.emit("achievement", "a1", "")  # a click-through of 年度评价
    assert window.stack.currentWidget() is window.outcomes
    assert calls == [
        ("teacher", "t1"),
        ("group", "g1"),
        ("organization", "o1"),
        ("internship", "i1"),
        ("major", "m1"),
        ("student", "s1"),
        ("achievement", "a1"),
    ]
