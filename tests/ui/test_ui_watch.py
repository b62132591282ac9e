"""Others' changes on screen (issue 19, ui/watching.py): the main window open on a database file; the CLI in a
process of its own, or another handle on the file, adds enterprises → the 合作企业档案 list shows them and the
工作台's figures count them, without a restart; the list keeps the user's selection; a page not on screen
reloads when shown; an open form is left as the user left it; the window's own saves cause no second reload;
after a failed restore the window still watches; the 项目与平台 tree keeps its place. (Bursts: test_ui_watch_burst.py)"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.db.engine import Database, open_database
from app.services.enterprises import EnterpriseData, create_enterprise
from tests.cli_run import run_cli
from ui.ops import DbContext, WriteOp, context, set_context

pytestmark = pytest.mark.qt

TIMEOUT_MS = 15_000  # a deadline for the refresh, not a measure of its speed


@pytest.fixture
def window(db, qapp, qtbot):
    context = DbContext(db)
    set_context(context)
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    yield w
    context.wait()
    set_context(None)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()
        context().wait()
    QApplication.processEvents()


def names(page) -> list[str]:
    model = page.model
    return [model.row_at(r).name for r in range(model.rowCount())]


def partners(window) -> str:
    return window.dashboard.partners.values["total"].text()


def another_user_adds(db: Database, *enterprises: str) -> None:
    other = open_database(db.path, migrate=False)
    try:
        with other.session() as s:
            for name in enterprises:
                create_enterprise(s, EnterpriseData(name=name, status="合作中"))
    finally:
        other.close()


def cli_imports(db_path: Path, tmp_path: Path, name: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "合作状态", "联系人", "联系电话"])
    ws.append([name, "", "合作中", "", ""])
    wb.save(xlsx := tmp_path / "企业.xlsx")
    r = run_cli("--db", str(db_path), "import", "enterprises", str(xlsx), subprocess=True)
    assert r.returncode == 0, r.stderr


def test_the_clis_import_shows_in_the_list_and_on_the_dashboard(window, db, db_path, tmp_path, qtbot):
    page = window.go("enterprises")
    settle()
    assert names(page) == []
    assert window.dashboard.isHidden()

    cli_imports(db_path, tmp_path, "命令行导入的企业")
    qtbot.waitUntil(lambda: names(page) == ["命令行导入的企业"], timeout=TIMEOUT_MS)
    assert page.count_label.text() == "共 1 家企业"

    window.go("dashboard")  # stale while hidden: reloads when shown
    qtbot.waitUntil(lambda: partners(window) == "1", timeout=TIMEOUT_MS)

    # on screen, the 工作台 follows at once; the list, hidden now, when it is shown again
    another_user_adds(db, "另一位用户的企业", "第三家企业")
    qtbot.waitUntil(lambda: partners(window) == "3", timeout=TIMEOUT_MS)
    assert len(names(page)) == 1
    window.go("enterprises")
    qtbot.waitUntil(lambda: len(names(page)) == 3, timeout=TIMEOUT_MS)


def test_the_list_keeps_the_selection_and_an_open_form_is_left_alone(window, db, qtbot):
    another_user_adds(db, "乙公司")
    page = window.go("enterprises")
    settle()
    qtbot.waitUntil(lambda: names(page) == ["乙公司"], timeout=TIMEOUT_MS)
    page.select_ids(page.model.ids())
    chosen = page.selected_ids()

    from ui.dialogs.enterprise_dialog import EnterpriseDialog

    form = EnterpriseDialog(window, None)
    qtbot.addWidget(form)
    form.show()  # (exec() in the app: the lists behind it still reload)
    form.name.setText("正在录入的企业")

    another_user_adds(db, "甲公司")
    qtbot.waitUntil(lambda: len(names(page)) == 2, timeout=TIMEOUT_MS)
    assert page.selected_ids() == chosen
    assert form.isVisible() and form.name.text() == "正在录入的企业"
    form.close()


def test_the_windows_own_saves_are_not_taken_for_anothers(window, db, qtbot):
    page = window.go("enterprises")
    settle()
    others = window.others
    assert others.watcher.running
    heard: list[frozenset[str]] = []
    others.changed.connect(heard.append)

    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT_MS):
        WriteOp(page, lambda s: create_enterprise(s, EnterpriseData(name="自己录入的企业"))).run()
    assert names(page) == ["自己录入的企业"]
    assert not others.watcher.check()  # what its thread does every half second: nothing new
    another_user_adds(db, "别人录入的企业")  # and someone else's save right after is still seen
    qtbot.waitUntil(lambda: len(names(page)) == 2, timeout=TIMEOUT_MS)
    assert len(heard) == 1 and "enterprise" in heard[0]


def test_closing_the_window_stops_watching(window, qtbot):
    watcher = window.others.watcher
    thread = watcher._thread
    assert watcher.running and thread is not None and thread.is_alive()
    window.close()
    assert not watcher.running and not thread.is_alive()


def test_a_change_of_tables_not_known_reloads_each_view_on_screen_once(window, qtbot, monkeypatch):
    """A file says only that something changed: a notice for every table, and still one reload per view."""
    page = window.go("enterprises")
    settle()
    loads: list[int] = []
    page.loaded.connect(loads.append)
    facets: list[int] = []
    refresh_facets = page.refresh_facets
    monkeypatch.setattr(page, "refresh_facets", lambda: (facets.append(1), refresh_facets()))
    with qtbot.waitSignal(window.others.changed, timeout=TIMEOUT_MS) as sent:
        window.others._heard.emit(frozenset())  # as the watcher's thread does
    assert {"enterprise", "settings", "project", "attachment"} <= sent.args[0]
    settle()
    assert len(loads) == 1 and len(facets) == 1

    window.go("dashboard")
    settle()
    reloads: list[int] = []
    reload = window.dashboard.reload
    monkeypatch.setattr(window.dashboard, "reload", lambda: (reloads.append(1), reload()))
    with qtbot.waitSignal(window.others.changed, timeout=TIMEOUT_MS):
        window.others._heard.emit(frozenset())
    settle()
    assert len(reloads) == 1


@pytest.fixture
def server_db(pg_server):
    loc = pg_server.create(template=pg_server.migrated_template())
    database = open_database(loc)
    yield database
    database.close()
    pg_server.drop(loc)


def test_on_a_server_another_users_save_shows_in_the_list(server_db, qapp, qtbot):
    """The window does not open a server database yet: its list and the watcher, over one."""
    from ui.pages.enterprises import EnterprisesPage
    from ui.watching import OthersChanges

    context = DbContext(server_db)
    set_context(context)
    try:
        page = EnterprisesPage()
        qtbot.addWidget(page)
        page.show()
        others = OthersChanges(page, server_db)
        settle()
        assert names(page) == []
        other = open_database(server_db.location, migrate=False)
        try:
            with qtbot.waitSignal(others.changed, timeout=TIMEOUT_MS) as sent:
                with other.session() as s:
                    create_enterprise(s, EnterpriseData(name="服务器上的企业"))
            assert "enterprise" in sent.args[0] and "settings" not in sent.args[0]  # the tables it wrote
            qtbot.waitUntil(lambda: names(page) == ["服务器上的企业"], timeout=TIMEOUT_MS)
        finally:
            other.close()
        others.stop()
    finally:
        context.wait()
        set_context(None)


def test_after_a_failed_restore_the_window_still_sees_others_changes(
    window, db, qtbot, tmp_path, monkeypatch
):
    """A restore closes the database (its watcher stops with it); a failed one reopens the same file in the same
    window, whose watcher then watches the reopened database."""
    from ui import backup as ui_backup

    page = window.go("enterprises")
    settle()
    before = window.others.watcher
    junk = tmp_path / "坏的备份.zip"
    junk.write_bytes(b"not a zip")
    shown: list[BaseException] = []
    monkeypatch.setattr(ui_backup, "show_error", lambda _p, exc, _t="": shown.append(exc))
    ui_backup.restore_and_reopen(window.settings_page, junk)
    qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT_MS)
    reopened = context().database
    try:
        assert "不是有效的备份文件" in str(shown[0])
        assert reopened is not db and not before.running  # the restore closed the database
        assert window.others.database is reopened and window.others.watcher.running
        another_user_adds(db, "恢复失败后别人录入的企业")
        qtbot.waitUntil(lambda: names(page) == ["恢复失败后别人录入的企业"], timeout=TIMEOUT_MS)
    finally:
        window.close()
        context().wait()
        reopened.close()


def test_the_projects_page_keeps_its_scroll_selection_and_folded_groups(window, db, qtbot):
    """Another user's change reloads the 项目与平台 tree; the user's place in it stays as it was."""
    from app.services import projects as project_svc

    def add_projects(database, names: list[str], kind: str) -> None:
        with database.session() as s:
            for name in names:
                project_svc.create_project(s, project_svc.ProjectData(name=name, kind=kind, leader="王建国"))

    for n, kind in enumerate(("现代产业学院", "现代学徒制", "订单培养")):  # 融合层, 深化层, 基础层
        add_projects(db, [f"项目{n}-{i:02d}" for i in range(14)], kind)
    window.resize(1100, 600)
    page = window.go("projects")
    settle()
    qtbot.waitUntil(lambda: len(page.shown_ids()) == 42, timeout=TIMEOUT_MS)
    tree = page.tree
    heads = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert [h.text(0).split()[0] for h in heads] == ["融合层（14）", "深化层（14）", "基础层（14）"]
    heads[0].setExpanded(False)  # the user folds 融合层, chooses two projects of 深化层 and scrolls down
    chosen = [heads[1].child(2), heads[1].child(3)]
    tree.setCurrentItem(chosen[1])
    chosen[0].setSelected(True)
    ids = sorted(item.data(0, Qt.ItemDataRole.UserRole) for item in chosen)
    current = chosen[1].data(0, Qt.ItemDataRole.UserRole)
    QApplication.processEvents()
    bar = tree.verticalScrollBar()  # (in rows)
    assert bar.maximum() >= 6
    bar.setValue(bar.maximum())
    place = bar.value()
    assert tree.visualItemRect(chosen[1]).bottom() < 0  # the current row is above the rows on screen

    other = open_database(db.location, migrate=False)
    try:
        add_projects(other, ["别人新建的项目"], "现代学徒制")
    finally:
        other.close()
    qtbot.waitUntil(lambda: len(page.shown_ids()) == 43, timeout=TIMEOUT_MS)
    heads = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert heads[1].text(0).startswith("深化层（15）")
    assert [h.isExpanded() for h in heads] == [False, True, True]
    assert sorted(page.selected_ids()) == ids
    assert tree.currentItem().data(0, Qt.ItemDataRole.UserRole) == current
    assert bar.value() == place
