"""The main window: navigation on the left, one page at a time, menus with shortcuts.

Pages are built on first visit (or when a caller first asks for one: `window.enterprises` builds the 合作企业档案
page if it is not built yet), and their modules imported then: the window opens on the 工作台 without loading
the other pages' code. A page that is hidden when a change notice arrives reloads when it is next shown
(ui/pages/list_page.py `WhenShown`); so do changes made elsewhere, by another user or program (ui/watching.py)."""

from __future__ import annotations

import html
import importlib
import logging
from collections.abc import Iterator, Sequence
from typing import Any, overload

from app import APP_TITLE, __version__
from app.db.engine import Database
from app.logs import log_file
from ui import messages
from ui.ops import context, read_now, write_refusal
from ui.qt import *  # noqa: F403
from ui.settings import ui_settings
from ui.watching import OthersChanges
from ui.widgets import for_writers

NAV_WIDTH = 150
TITLE_BAR = 40  # the title bar and borders the window manager adds around the window
OPENERS = {  # a record type of open_record → the page (its attribute name) and its method that opens one by id
    "agreement": ("agreements", "open_agreement"),
    "visit": ("visits", "edit_visit"),
    "asset": ("assets", "open_asset"),
    "student": ("students", "open_student"),
    "achievement": ("outcomes", "open_achievement"),
    "training": ("outcomes", "open_training"),
    "internship": ("internships", "open_internship"),
    "practice_base": ("bases", "open_base"),
    "teacher": ("teachers", "open_teacher"),
    "organization": ("industry", "open_organization"),
}


def about_text() -> str:
    """帮助 → 关于: what technical support asks for first."""
    import platform

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from app.backup import human_size
    from app.db.migrate import current_revision

    db = context().database
    try:
        schema = current_revision(db.engine) or "（空）"
    except Exception:  # the About box never fails
        schema = "（无法读取）"
    if db.is_server:
        where = ("数据库", db.display_name)
    else:
        size = sum(
            p.stat().st_size for p in (db.path, db.path.with_name(db.path.name + "-wal")) if p.exists()
        )
        where = ("数据库文件", f"{db.path}（{human_size(size)}）")
    rows = [
        ("软件版本", __version__),
        ("数据库结构版本", schema),
        where,
        ("Python", f"{platform.python_version()}（{platform.system()} {platform.release()}）"),
        ("Qt", f"{qVersion()}（PySide6 {pyside_version}）"),
        ("日志文件", str(log_file())),
    ]
    table = "".join(f"<tr><td>{k}：</td><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<b>{APP_TITLE}</b><br>二级学院产教融合、校企合作档案管理。<br><br><table>{table}</table>"


log = logging.getLogger(__name__)


def role_words(db: Database) -> str:
    """“ · 角色：录入” on a server whose college roles are set up (what the server lets this user do)."""
    if not db.is_server:
        return ""
    from app.db.roles import privileges

    try:
        words = read_now(privileges).words
    except Exception:  # the status bar never fails the window
        log.warning("could not read the user's role", exc_info=True)
        return ""
    return f" · {words}" if words else ""


def copy_words() -> str:
    """“ · 副本：来自 …（… 带出，不含学生个人信息）” when the database is an offline copy (app/offline/)."""
    from app.offline.copies import copy_info

    try:
        info = read_now(copy_info)
    except Exception:  # the status bar never fails the window
        log.warning("could not read whether the database is a copy", exc_info=True)
        return ""
    return f" · {info.words}" if info is not None else ""


def offline_flow():
    import ui.offline_flow

    return ui.offline_flow


class _Page:
    """A page of the window, in the navigation's order of declaration: its title (the navigation shows it before
    the page exists; the page class's own `title`, which tests/ui/test_ui_window.py checks it against) and its
    class, imported and built on first access."""

    def __init__(self, title: str, where: str) -> None:  # where: "ui.pages.enterprises.EnterprisesPage"
        self.title = title
        self._module, _, self._class = where.rpartition(".")

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @property
    def cls(self) -> type[QWidget]:
        return getattr(importlib.import_module(self._module), self._class)

    def __get__(self, window: MainWindow | None, owner: type | None = None) -> Any:
        return self if window is None else window.page(self.name)


class PageList(Sequence):
    """`window.pages`: every page in the navigation's order. Indexing builds the page asked for; `index(page)`
    and `built()` never build one."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def __len__(self) -> int:
        return len(MainWindow.page_names)

    @overload
    def __getitem__(self, i: int) -> Any: ...
    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._window.page(n) for n in MainWindow.page_names[i]]
        return self._window.page(MainWindow.page_names[i])

    def index(self, page: Any, start: int = 0, stop: int | None = None) -> int:
        for i, name in enumerate(MainWindow.page_names):
            if self._window.built_page(name) is page:
                return i
        raise ValueError("not a page of this window")

    def built(self) -> Iterator[QWidget]:
        """The pages built so far, in the navigation's order."""
        for name in MainWindow.page_names:
            if (page := self._window.built_page(name)) is not None:
                yield page


class MainWindow(QMainWindow):
    # The pages, in the navigation's order (Ctrl+1 … Ctrl+9 for the first nine)
    dashboard = _Page("工作台", "ui.pages.dashboard.DashboardPage")
    enterprises = _Page("合作企业档案", "ui.pages.enterprises.EnterprisesPage")
    agreements = _Page("合作协议", "ui.pages.agreements.AgreementsPage")
    projects = _Page("项目与平台", "ui.pages.projects.ProjectsPage")
    internships = _Page("学生实习", "ui.pages.internships.InternshipsPage")
    students = _Page("学生与就业", "ui.pages.students.StudentsPage")
    bases = _Page("实践基地", "ui.pages.bases.BasesPage")
    teachers = _Page("师资队伍", "ui.pages.teachers.TeachersPage")
    funds = _Page("经费", "ui.pages.funds.FundsPage")
    assets = _Page("资产", "ui.pages.assets.AssetsPage")
    visits = _Page("企业走访", "ui.pages.visits.VisitsPage")
    industry = _Page("行业与工作室", "ui.pages.industry.IndustryPage")
    outcomes = _Page("成果与培训", "ui.pages.outcomes.OutcomesPage")
    evaluation = _Page("年度评价", "ui.pages.evaluation.EvaluationPage")
    school_summary = _Page("学校汇总", "ui.pages.school_summary.SchoolSummaryPage")
    trash = _Page("回收站", "ui.pages.trash.TrashPage")
    settings_page = _Page("设置", "ui.pages.settings.SettingsPage")
    page_names: tuple[str, ...] = ()  # set below the class

    def __init__(self) -> None:
        super().__init__()
        self._built: dict[str, QWidget] = {}
        self._help_windows: dict[str, QWidget] = {}
        db = context().database
        # Qt adds the application's display name (产教融合工作台) after the title: "chanjiao.db — 产教融合工作台"
        self.setWindowTitle(db.location.short)
        if not db.is_server:
            self.setWindowFilePath(str(db.path))
        self.resize(1280, 720)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")  # its look: theme.STYLE_SHEET
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setIconSize(QSize(18, 18))
        self.stack = QStackedWidget()
        for i, name in enumerate(self.page_names):
            title = getattr(type(self), name).title
            item = QListWidgetItem(title)
            item.setToolTip(f"{title}（Ctrl+{i + 1}）" if i < 9 else title)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._page_changed)
        central = QWidget()
        lay = QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.nav)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.db_label = QLabel(f"数据库：{db.display_name}{role_words(db)}{copy_words()}")
        self.db_label.setToolTip(
            "当前打开的数据库（在“设置 → 数据”中可改用服务器上的数据库或本机的其他数据库文件）"
        )
        self.db_label.setMinimumWidth(1)  # a long path is cut, never widens the window
        self.db_label.setContentsMargins(0, 0, 8, 0)  # clear of the size grip
        self.db_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.statusBar().addPermanentWidget(self.db_label, 1)
        self._build_menus()
        self._restore()
        self.nav.setCurrentRow(0)  # 工作台: the reminders first
        self.others = OthersChanges(self, db)  # changes made elsewhere reload the pages too

    # ------------------------------------------------------------ pages

    @property
    def pages(self) -> PageList:
        return PageList(self)  # made when asked for: a list kept on the window would tie the two in a cycle

    def built_page(self, name: str) -> QWidget | None:
        return self._built.get(name)

    def page(self, name: str) -> Any:
        """The page under `name` (an attribute name: "enterprises"), built now if it is not built yet."""
        page = self._built.get(name)
        if page is None:
            page = getattr(type(self), name).cls()
            self._built[name] = page
            self._install(page)
        return page

    def _install(self, page: QWidget) -> None:
        """A page just built: into the stack, its signals to the window, its saved layout back."""
        self.stack.addWidget(page)
        if isinstance(getattr(page, "tabs", None), QTabWidget):  # Ctrl+N's text follows the tab
            page.tabs.currentChanged.connect(self._tab_changed)
        if isinstance(getattr(type(page), "open_record", None), Signal):  # 工作台, 年度评价: a record's page
            page.open_record.connect(self.open_record)
        if isinstance(getattr(type(page), "new_project_wanted", None), Signal):  # 经费 → 新建项目
            page.new_project_wanted.connect(lambda: self._goto(self.projects).new_project())
        if hasattr(page, "restore_state"):
            page.restore_state(ui_settings())

    # ------------------------------------------------------------ menus

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self._action(
            file_menu,
            "从 Excel 导入企业…",
            "Ctrl+I",
            lambda: self._goto(self.enterprises).import_excel(),
            writes=True,
        )
        self._action(
            file_menu, "导出企业到 Excel…", "Ctrl+E", lambda: self._goto(self.enterprises).export_excel()
        )
        self._action(file_menu, "下载企业导入模板…", "", lambda: self._goto(self.enterprises).save_template())
        file_menu.addSeparator()
        # a package is numbered in sequence (a write): not for a 只读 user
        self._action(file_menu, "导出上报材料包…", "Ctrl+Shift+E", self.export_package, writes=True)
        file_menu.addSeparator()
        self._action(file_menu, "带出副本…", "", lambda: offline_flow().copy_out_flow(self))
        self._action(file_menu, "合并副本…", "", lambda: offline_flow().merge_flow(self), writes=True)
        file_menu.addSeparator()
        self._action(file_menu, "退出", QKeySequence.StandardKey.Quit, self.close)
        self.edit_menu = edit_menu = self.menuBar().addMenu("编辑(&E)")
        # 撤销 / 重做 (ui/undo.py) go first: insert them before this separator (edit_menu.insertAction).
        self.undo_separator = edit_menu.addSeparator()
        from ui.undo import UndoActions

        self.undo_actions = UndoActions(self, edit_menu, before=self.undo_separator)
        for_writers(self.undo_actions.undo)  # 只读: nothing to undo or redo, and saying why
        for_writers(self.undo_actions.redo)
        # Ctrl+N and Ctrl+F act on the page on screen (新建企业 / 新建协议 / 记录走访 …): one shortcut each,
        # held here, so they work wherever the focus is and never clash between pages.
        self.new_action = self._action(
            edit_menu, "新建…", QKeySequence.StandardKey.New, self.new_on_page, writes=True
        )
        self.find_action = self._action(edit_menu, "查找", QKeySequence.StandardKey.Find, self.find_on_page)
        edit_menu.addSeparator()
        for text, shortcut, slot in (  # each adds a record: not for a 只读 user
            ("新建企业…", "", lambda: self._goto(self.enterprises).new_enterprise()),
            ("新建协议…", "", lambda: self._goto(self.agreements).new_agreement()),
            ("新建项目…", "", lambda: self._goto(self.projects).new_project()),
            ("新建经费记录…", "", lambda: self._goto(self.funds).show_ledger().new_record()),
            ("编制预算…", "", lambda: self._goto(self.funds).show_budgets().new_budget()),
            ("新建资产…", "", lambda: self._goto(self.assets).new_record()),
            ("记录企业走访…", "Ctrl+Shift+N", self.quick_visit),
        ):
            self._action(edit_menu, text, shortcut, slot, writes=True)
        self.go_menu = go_menu = self.menuBar().addMenu("转到(&G)")
        for i, name in enumerate(self.page_names):
            shortcut = f"Ctrl+{i + 1}" if i < 9 else ""
            self._action(
                go_menu, getattr(type(self), name).title, shortcut, lambda _c=False, n=name: self.go(n)
            )
        self.help_menu = help_menu = self.menuBar().addMenu("帮助(&H)")
        self.guide_action = self._action(
            help_menu, "入门指南", QKeySequence.StandardKey.HelpContents, self.guide
        )
        self._action(help_menu, "依据说明", "", self.sources)
        help_menu.addSeparator()
        self._action(help_menu, "关于", "", self.about)

    def _action(self, menu, text: str, shortcut, slot, *, writes: bool = False) -> QAction:
        """A menu's action; `writes`: it adds, changes or deletes records (disabled for a 只读 user, saying why)."""
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return for_writers(action) if writes else action

    @Slot(int)
    def _page_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self.pages[row]
        self.stack.setCurrentWidget(page)
        if not hasattr(self, "new_action"):  # still building
            return
        new = getattr(page, "new_record", None)
        self.new_action.setEnabled(new is not None)
        self.new_action.setText(f"{getattr(page, 'new_text', '新建').rstrip('…')}…" if new else "新建…")
        self.find_action.setEnabled(hasattr(page, "focus_search"))
        if hasattr(page, "focus_view"):
            page.focus_view()

    @Slot(int)
    def _tab_changed(self, _index: int) -> None:
        """A page's tab changed (台账 ↔ 预算执行, 成果 ↔ 培训 …): Ctrl+N's text follows."""
        tabs = self.sender()
        page = self.stack.currentWidget()
        if getattr(page, "tabs", None) is tabs:
            self._page_changed(self.nav.currentRow())

    @Slot()
    def new_on_page(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "new_record"):
            page.new_record()

    @Slot()
    def find_on_page(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "focus_search"):
            page.focus_search()

    def go(self, name: str) -> Any:
        """Show the page under `name` (an attribute name: "settings_page")."""
        self.nav.setCurrentRow(self.page_names.index(name))
        return self.page(name)

    def _goto(self, page: QWidget) -> Any:
        self.nav.setCurrentRow(self.pages.index(page))
        return page

    @Slot(str, str, str)
    def open_record(self, record_type: str, record_id: str, tab: str = "") -> None:
        """Open a record from anywhere (a reminder on the 工作台): its page, then its form on the tab."""
        if record_type == "enterprise":
            self.open_enterprise(record_id)
        elif record_type == "project" and tab == "funds":  # a 超预算 line without any budget record
            self._goto(self.funds).show_budgets().show_project(record_id)
        elif record_type == "project":
            self._goto(self.projects).open_project(record_id, tab)
        elif record_type == "budget":
            self.open_budget(record_id)
        elif record_type == "ledger_entry":
            self._goto(self.funds).show_ledger().show_record(record_id)
        elif record_type == "practice_base" and tab.startswith("major:"):
            self._goto(self.bases).show_major(tab.removeprefix("major:"))
        elif record_type == "organization" and tab.startswith("group:"):
            self._goto(self.industry).open_group(tab.removeprefix("group:"))
        elif record_type in OPENERS:
            page, method = OPENERS[record_type]
            getattr(self.go(page), method)(record_id)

    def open_budget(self, budget_id: str) -> None:
        """The 预算执行 view filtered to the budget's project and year, its line selected, its form open."""
        view = self._goto(self.funds).show_budgets()
        row = view.budget_row(budget_id)
        if row is None:
            return
        view.show_project(row.project_id, row.year)
        view.reload_now()
        view.select_budget(budget_id)
        view.open_budget(budget_id)

    @Slot()
    def quick_visit(self) -> None:
        """记录企业走访 from anywhere; from the enterprise page with the selected enterprise filled in."""
        chosen = ()
        enterprises = self.built_page("enterprises")
        if enterprises is not None and self.stack.currentWidget() is enterprises:
            chosen = tuple(enterprises.selected_ids()[:1])
        self.visits.new_record(chosen)

    @Slot()
    def export_package(self) -> None:
        from ui.package_wizard import export_package_wizard

        if refused := write_refusal():  # the package's number is written to the database
            messages.inform(self, "导出上报材料包", f"导出上报材料包要给材料包编号（写入数据库）。{refused}")
            return
        export_package_wizard(self)

    @Slot(str)
    def open_enterprise(self, enterprise_id: str) -> None:
        from ui.dialogs.enterprise_dialog import EnterpriseDialog

        self._goto(self.enterprises)
        EnterpriseDialog(self, enterprise_id).exec()

    # ------------------------------------------------------------ 帮助

    def _help_window(self, key: str, make) -> QWidget:
        """One window of each kind, not modal: shown again (and raised) when asked for again."""
        window = self._help_windows.get(key)
        if window is None:
            window = self._help_windows[key] = make()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    @Slot()
    def guide(self) -> QWidget:
        """帮助 → 入门指南 (F1): the first week of a new secretary, links open the pages."""
        from ui.help import GuideWindow

        def make() -> QWidget:
            window = GuideWindow(self)
            window.page_wanted.connect(self.go)
            window.action_wanted.connect(self._guide_action)
            return window

        return self._help_window("guide", make)

    @Slot()
    def sources(self) -> QWidget:
        """帮助 → 依据说明: the documents the 合规检查 cites, the school policy in force by title."""
        from ui.help import SourcesWindow

        def make() -> QWidget:
            window = SourcesWindow(self)
            window.page_wanted.connect(self.go)
            return window

        return self._help_window("sources", make)

    @Slot(str)
    def _guide_action(self, action: str) -> None:
        """A link of the guide that starts something (导入企业, 上报材料包 …), not only a page."""
        if action == "import_enterprises":
            self.go("enterprises").import_excel()
        elif action == "edit_profile":
            self.go("settings_page").edit_profile()
        elif action == "package":
            self.export_package()

    @Slot()
    def about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, "关于", about_text(), parent=self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        logs = box.addButton("打开日志文件夹", QMessageBox.ButtonRole.ActionRole)
        logs.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file().parent))))
        close = box.addButton("关闭", QMessageBox.ButtonRole.AcceptRole)
        box.setEscapeButton(close)  # Esc closes it, as every other box
        box.setDefaultButton(close)
        box.show()  # not modal: the details can be copied while the window stays usable
        return box

    # ------------------------------------------------------------ state

    def _restore(self) -> None:
        """The size and place of the last session; a first start's size made smaller to fit the screen (a
        1366×768 screen has about 1366×728 above the taskbar, and the title bar takes its share)."""
        geometry = ui_settings().value("main/geometry")
        if geometry is not None and self.restoreGeometry(geometry):
            return
        if (screen := self.screen()) is not None:
            room = screen.availableGeometry()
            self.resize(min(self.width(), room.width()), min(self.height(), room.height() - TITLE_BAR))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        s = ui_settings()
        s.setValue("main/geometry", self.saveGeometry())
        for page in self.pages.built():
            if hasattr(page, "save_state"):
                page.save_state(s)
        for window in self._help_windows.values():
            window.close()
        self.others.stop()
        context().wait()
        super().closeEvent(event)


MainWindow.page_names = tuple(n for n, v in vars(MainWindow).items() if isinstance(v, _Page))
