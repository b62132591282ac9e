"""The main window over the small demo: it fits a 1366×768 screen at 100 % and at 150 % scaling on every page,
opens on the 工作台, builds a page on its first visit, reloads a hidden page once when it is shown, names the
database in its title, gives every page the same header, and has 帮助 → 入门指南 (F1) / 依据说明 / 关于."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget

from app import APP_TITLE
from app.compliance.registry import SOURCE_TITLES
from app.services import enterprises as ent_svc
from app.services import rule_sets
from tests.windowing import show_active
from ui.ops import DbContext, set_context

pytestmark = pytest.mark.qt

# What a window may take on a 1366×768 screen (the taskbar below): at 100 % scaling, and at 150 % in the
# logical pixels Qt lays out in.
SCREENS = {"100 %": (1366, 728), "150 %": (910, 485)}


@pytest.fixture
def window(demo_db, qapp, qtbot):
    context = DbContext(demo_db)
    set_context(context)
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    yield w
    context.wait()
    set_context(None)


def settle(window) -> None:
    """Let the page's reads finish and their results arrive."""
    from ui.ops import context

    for _ in range(3):
        QApplication.processEvents()
        context().wait()
    QApplication.processEvents()


def visit_everything(window) -> None:
    for i in range(len(window.pages)):
        window.nav.setCurrentRow(i)
        settle(window)
        for tabs in window.stack.currentWidget().findChildren(QTabWidget):  # every tab shown once, with data
            for t in range(tabs.count()):
                tabs.setCurrentIndex(t)
                settle(window)
            tabs.setCurrentIndex(0)


def test_the_window_fits_1366x768_at_100_and_150_percent(window, qtbot):
    from ui.main_window import NAV_WIDTH

    window.resize(1366, 728)
    window.show()
    visit_everything(window)
    assert len(list(window.pages.built())) == len(window.pages)
    hint = window.minimumSizeHint()
    chrome = window.menuBar().sizeHint().height() + window.statusBar().sizeHint().height()
    for scale, (width, height) in SCREENS.items():
        assert hint.width() <= width and hint.height() <= height, (scale, hint)
        for page in window.pages.built():
            page_hint = page.minimumSizeHint()
            assert page_hint.width() <= width - NAV_WIDTH, (scale, page.title, page_hint)
            assert page_hint.height() <= height - chrome, (scale, page.title, page_hint)
    window.resize(*SCREENS["150 %"])
    QApplication.processEvents()
    assert (window.width(), window.height()) == SCREENS["150 %"]


def test_opens_on_the_dashboard_and_builds_pages_on_first_visit(window, qtbot):
    window.show()
    assert window.stack.currentWidget() is window.built_page("dashboard")
    assert window.nav.currentRow() == 0
    assert [p.title for p in window.pages.built()] == ["工作台"]  # nothing else built at start-up
    assert window.built_page("teachers") is None
    window.go("teachers")
    teachers = window.built_page("teachers")
    assert teachers is not None and window.stack.currentWidget() is teachers
    assert window.teachers is teachers  # the attribute builds once, then is the same page
    assert window.pages.index(teachers) == window.page_names.index("teachers")
    assert window.built_page("settings_page") is None
    assert window.settings_page.title == "设置"  # a caller's first access builds it, off screen
    assert window.stack.currentWidget() is teachers


def test_the_navigation_names_each_page_as_the_page_names_itself(window):
    """The window names its pages before their modules are imported (a quicker start): the pages' own titles."""
    names = type(window).page_names
    for i, name in enumerate(names):
        declared = getattr(type(window), name)
        assert declared.title == declared.cls.title == window.nav.item(i).text(), name
    assert window.nav.count() == len(names)


START_ONLY = r"""
import sys
from pathlib import Path
from app.db.engine import open_database
from ui.app import make_application
from ui.ops import DbContext, set_context
make_application()
set_context(DbContext(open_database(Path(sys.argv[1]))))
from ui.main_window import MainWindow
window = MainWindow()
window.show()
heavy = ("openpyxl", "docx", "pypinyin", "ui.pages.enterprises", "ui.pages.students", "ui.pages.settings")
print(sorted(m for m in heavy if m in sys.modules))
"""


def test_the_window_starts_without_loading_what_its_first_page_does_not_show(tmp_path):
    """The 工作台 needs no spreadsheet, Word or pinyin library, nor the other pages' code: none is imported
    before the window is shown (in a fresh process: this one has imported everything)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CHANJIAO_HOME=str(tmp_path / "home"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", START_ONLY, str(tmp_path / "start.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_hidden_page_reloads_once_when_shown(window, qtbot, demo_db):
    from app.services.common import Changes
    from ui.ops import context

    show_active(qtbot, window)
    page = window.go("enterprises")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    before = page.model.rowCount()
    loads: list[int] = []
    page.loaded.connect(loads.append)
    window.go("agreements")
    assert not page.isVisible()
    with demo_db.session() as s:
        changes = ent_svc.create_enterprise(s, ent_svc.EnterpriseData(name="湖南新来的测试有限公司"))
    context().changes_applied.emit(Changes("enterprise", changes.ids))
    settle(window)
    assert loads == [] and page.refresh.stale  # hidden: only marked
    window.go("enterprises")
    qtbot.waitUntil(lambda: len(loads) == 1, timeout=10000)
    settle(window)
    assert loads == [before + 1] and not page.refresh.stale  # shown: reloaded once
    context().changes_applied.emit(Changes("enterprise", changes.ids))  # on screen: reloads at once
    qtbot.waitUntil(lambda: len(loads) == 2, timeout=10000)


def test_title_names_the_database_once(window, demo_db):
    # Qt appends the application's display name (产教融合工作台): the bar reads "chanjiao.db — 产教融合工作台"
    assert window.windowTitle() == demo_db.path.name
    assert APP_TITLE not in window.windowTitle()
    assert window.windowFilePath() == str(demo_db.path)


def test_every_page_has_the_same_header(window, qtbot):
    window.resize(1366, 728)
    window.show()
    for i in range(len(window.pages)):
        window.nav.setCurrentRow(i)
        page = window.stack.currentWidget()
        titles = [w for w in page.findChildren(QLabel, "pageTitle") if w.isVisible()]
        assert len(titles) == 1, page.title  # one title: no second one inside a tab
        title = titles[0]
        assert title.text().startswith(page.title)
        tabs = getattr(page, "tabs", None)
        if isinstance(tabs, QTabWidget):  # title, then tabs
            assert title.mapTo(page, title.rect().topLeft()).y() < tabs.mapTo(page, tabs.rect().topLeft()).y()
    assert not window.nav.styleSheet() and window.nav.objectName() == "nav"  # its look: theme.STYLE_SHEET


def test_actions_that_open_a_form_end_in_an_ellipsis(window):
    for page in window.pages:
        if hasattr(page, "new_record"):
            assert page.new_text.endswith("…"), page.title
            button = getattr(page, "new_button", None)
            if button is not None:
                assert button.text().endswith("…"), page.title
    for action in window.edit_menu.actions():
        if action.text().startswith(("新建", "编制", "记录")):
            assert action.text().endswith("…"), action.text()


def test_list_columns_fill_with_the_name_not_the_last(window, qtbot):
    window.resize(1366, 728)
    show_active(qtbot, window)
    page = window.go("agreements")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    header = page.table.horizontalHeader()
    assert not header.stretchLastSection()
    name = [c.key for c in page.columns].index("title")
    width = page.columns[name].width
    # the name fills the room left; it gives up to a third of its width only to keep every column on screen
    assert header.sectionSize(name) >= width or (
        header.sectionSize(name) >= width * 2 // 3 and header.length() <= page.table.viewport().width()
    )
    page.table.setColumnWidth(0, header.sectionSize(0) - 60)  # a narrower column: the name takes the room
    assert header.length() == page.table.viewport().width() and header.sectionSize(name) > width * 2 // 3
    internships = window.go("internships")  # 问题, the column that fills there, is on screen at 1366 px
    qtbot.waitUntil(lambda: internships.model.rowCount() > 0, timeout=10000)
    header = internships.table.horizontalHeader()
    problems = [c.key for c in internships.columns].index("problems")
    assert header.sectionViewportPosition(problems) + header.sectionSize(problems) <= (
        internships.table.viewport().width()
    )


def test_help_guide_opens_with_f1_and_leads_to_the_pages(window, qtbot):
    from ui.help import GuideWindow

    show_active(qtbot, window)
    assert window.guide_action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    window.guide_action.trigger()
    guide = next(w for w in window.findChildren(GuideWindow) if w.isVisible())
    assert not guide.isModal()
    text = guide.browser.toPlainText()
    for words in ("设置", "专业群", "导入", "三方协议", "工作台", "上报材料包"):
        assert words in text
    guide.browser.anchorClicked.emit(QUrl("page:settings_page"))
    assert window.stack.currentWidget() is window.settings_page
    window.guide_action.trigger()  # asked again: the same window
    assert [w for w in window.findChildren(GuideWindow) if w.isVisible()] == [guide]
    guide.activateWindow()
    qtbot.waitUntil(guide.isActiveWindow, timeout=3000)
    from PySide6.QtCore import Qt

    qtbot.keyClick(guide.browser, Qt.Key.Key_Escape)
    assert not guide.isVisible()


def test_sources_legend_names_the_documents_in_force(window, qtbot, demo_db):
    from app.services.common import Changes
    from ui.help import SourcesWindow
    from ui.ops import context

    action = next(a for a in window.help_menu.actions() if a.text() == "依据说明")
    action.trigger()
    legend = next(w for w in window.findChildren(SourcesWindow))
    qtbot.waitUntil(lambda: legend.preset is not None, timeout=5000)
    with demo_db.reader() as s:
        preset = rule_sets.get_rule_preset(s)
    text = legend.browser.toPlainText()
    assert SOURCE_TITLES["实习规定"] in text and SOURCE_TITLES[preset] in text
    assert "H第" not in text and "N四" not in text  # sources in words, never the shorthand
    other = "N" if preset != "N" else "H"
    with demo_db.session() as s:
        rule_sets.save_rule_preset(s, other)
    with qtbot.waitSignal(legend.loaded, timeout=5000):
        context().changes_applied.emit(Changes("settings", ("rule_preset",)))
    assert legend.preset == other
    assert f"未采用：{SOURCE_TITLES[preset]}" in legend.browser.toPlainText()


def test_about_closes_with_escape(window, qtbot):
    from PySide6.QtCore import Qt

    show_active(qtbot, window)
    box = window.about()
    qtbot.waitUntil(box.isVisible, timeout=3000)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert not box.isVisible()


def test_the_dashboard_keeps_room_for_the_reminders_on_a_low_window(window, qtbot):
    """At 150 % (910×485) the figures scroll in a third of the page; the reminders keep the rest."""
    window.resize(*SCREENS["150 %"])
    show_active(qtbot, window)
    page = window.dashboard
    qtbot.waitUntil(lambda: page.model.rowCount() > 5, timeout=10000)
    settle(window)
    assert page.figures_area.height() <= page.height() // 3 + 1
    rows = page.table.viewport().height() // page.table.verticalHeader().defaultSectionSize()
    assert rows >= 4
    window.resize(1366, 728)  # at 100 % the figures are shown whole
    settle(window)
    assert page.figures_area.height() >= page.figures_area.widget().sizeHint().height()


def test_a_first_start_fits_the_screen(window):
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height() - 40  # the title bar's share


def test_an_elided_label_never_widens_the_page(qapp, qtbot):
    from ui.pages.list_page import ElidedLabel

    label = ElidedLabel("专任教师 36 名，其中 12 名近五年企业实践不足180天" * 2)
    qtbot.addWidget(label)
    assert label.minimumSizeHint().width() < label.sizeHint().width() // 4
    label.resize(label.minimumSizeHint().width(), label.sizeHint().height())
    label.show()
    assert label.elided() and label.text().endswith("180天")  # shown cut, the text itself whole
    label.resize(label.sizeHint())
    assert not label.elided()
