"""The main window: navigation on the left, one page at a time, menus with shortcuts."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from app import APP_TITLE, __version__
from app.logs import log_file
from ui.ops import context
from ui.pages.agreements import AgreementsPage
from ui.pages.assets import AssetsPage
from ui.pages.bases import BasesPage
from ui.pages.dashboard import DashboardPage
from ui.pages.enterprises import EnterprisesPage
from ui.pages.evaluation import EvaluationPage
from ui.pages.funds import FundsPage
from ui.pages.industry import IndustryPage
from ui.pages.internships import InternshipsPage
from ui.pages.outcomes import OutcomesPage
from ui.pages.projects import ProjectsPage
from ui.pages.school_summary import SchoolSummaryPage
from ui.pages.settings import SettingsPage
from ui.pages.students import StudentsPage
from ui.pages.teachers import TeachersPage
from ui.pages.trash import TrashPage
from ui.pages.visits import VisitsPage
from ui.settings import ui_settings


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
    size = sum(p.stat().st_size for p in (db.path, db.path.with_name(db.path.name + "-wal")) if p.exists())
    rows = [
        ("软件版本", __version__),
        ("数据库结构版本", schema),
        ("数据库文件", f"{db.path}（{human_size(size)}）"),
        ("Python", f"{platform.python_version()}（{platform.system()} {platform.release()}）"),
        ("Qt", f"{qVersion()}（PySide6 {pyside_version}）"),
        ("日志文件", str(log_file())),
    ]
    table = "".join(f"<tr><td>{k}：</td><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<b>{APP_TITLE}</b><br>二级学院产教融合、校企合作档案管理。<br><br><table>{table}</table>"


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        db = context().database
        self.setWindowTitle(f"{APP_TITLE} — {db.path.name}")
        self.resize(1280, 800)
        self.dashboard = DashboardPage()
        self.enterprises = EnterprisesPage()
        self.agreements = AgreementsPage()
        self.projects = ProjectsPage()
        self.internships = InternshipsPage()
        self.students = StudentsPage()
        self.bases = BasesPage()
        self.teachers = TeachersPage()
        self.industry = IndustryPage()
        self.outcomes = OutcomesPage()
        self.evaluation = EvaluationPage()
        self.school_summary = SchoolSummaryPage()
        self.funds = FundsPage()
        self.assets = AssetsPage()
        self.visits = VisitsPage()
        self.trash = TrashPage()
        self.settings_page = SettingsPage()
        self.pages = [
            self.dashboard,
            self.enterprises,
            self.agreements,
            self.projects,
            self.internships,
            self.students,
            self.bases,
            self.teachers,
            self.funds,
            self.assets,
            self.visits,
            self.industry,
            self.outcomes,
            self.evaluation,
            self.school_summary,
            self.trash,
            self.settings_page,
        ]

        self.nav = QListWidget()
        self.nav.setFixedWidth(150)
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setStyleSheet(
            "QListWidget{background:#f3f5f8;border:none;border-right:1px solid #dcdfe6;font-size:11pt;}"
            "QListWidget::item{padding:10px 14px;}"
            "QListWidget::item:selected{background:#dbe8f7;color:#1f4e79;}"
        )
        self.stack = QStackedWidget()
        for i, page in enumerate(self.pages):
            item = QListWidgetItem(page.title)
            item.setToolTip(f"{page.title}（Ctrl+{i + 1}）" if i < 9 else page.title)
            self.nav.addItem(item)
            self.stack.addWidget(page)
            if isinstance(getattr(page, "tabs", None), QTabWidget):  # Ctrl+N's text follows the tab
                page.tabs.currentChanged.connect(self._tab_changed)
        self.nav.currentRowChanged.connect(self._page_changed)
        central = QWidget()
        lay = QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.nav)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.dashboard.open_record.connect(self.open_record)
        self.evaluation.open_record.connect(self.open_record)
        self.funds.new_project_wanted.connect(lambda: self._goto(self.projects).new_project())

        self.db_label = QLabel(f"数据库：{db.path}")
        self.db_label.setToolTip("当前打开的数据库文件（启动时可用 --db 指定其他文件）")
        self.statusBar().addPermanentWidget(self.db_label)
        self._build_menus()
        self._restore()
        self.nav.setCurrentRow(1)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self._action(
            file_menu, "从 Excel 导入企业…", "Ctrl+I", lambda: self._goto(self.enterprises).import_excel()
        )
        self._action(
            file_menu, "导出企业到 Excel…", "Ctrl+E", lambda: self._goto(self.enterprises).export_excel()
        )
        self._action(file_menu, "下载企业导入模板…", "", lambda: self._goto(self.enterprises).save_template())
        file_menu.addSeparator()
        self._action(file_menu, "导出上报材料包…", "Ctrl+Shift+E", self.export_package)
        file_menu.addSeparator()
        self._action(file_menu, "退出", QKeySequence.StandardKey.Quit, self.close)
        edit_menu = self.menuBar().addMenu("编辑(&E)")
        # Ctrl+N and Ctrl+F act on the page on screen (新建企业 / 新建协议 / 记录走访 …): one shortcut each,
        # held here, so they work wherever the focus is and never clash between pages.
        self.new_action = self._action(edit_menu, "新建…", QKeySequence.StandardKey.New, self.new_on_page)
        self.find_action = self._action(edit_menu, "查找", QKeySequence.StandardKey.Find, self.find_on_page)
        edit_menu.addSeparator()
        self._action(edit_menu, "新建企业…", "", lambda: self._goto(self.enterprises).new_enterprise())
        self._action(edit_menu, "新建合作协议…", "", lambda: self._goto(self.agreements).new_agreement())
        self._action(edit_menu, "新建项目…", "", lambda: self._goto(self.projects).new_project())
        self._action(
            edit_menu, "新建经费记录…", "", lambda: self._goto(self.funds).show_ledger().new_record()
        )
        self._action(edit_menu, "编制预算…", "", lambda: self._goto(self.funds).show_budgets().new_budget())
        self._action(edit_menu, "新建资产…", "", lambda: self._goto(self.assets).new_record())
        self._action(edit_menu, "记录企业走访…", "Ctrl+Shift+N", self.quick_visit)
        self.go_menu = go_menu = self.menuBar().addMenu("转到(&G)")
        for i, page in enumerate(self.pages):
            shortcut = f"Ctrl+{i + 1}" if i < 9 else ""
            self._action(go_menu, page.title, shortcut, lambda _c=False, p=page: self._goto(p))
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self._action(help_menu, "关于", "", self.about)

    def _action(self, menu, text: str, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    @Slot(int)
    def _page_changed(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
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

    def _goto(self, page: QWidget) -> QWidget:
        self.nav.setCurrentRow(self.pages.index(page))
        return page

    @Slot(str, str, str)
    def open_record(self, record_type: str, record_id: str, tab: str = "") -> None:
        """Open a record from anywhere (a reminder on the 工作台): its page, then its form on the tab."""
        if record_type == "enterprise":
            self.open_enterprise(record_id)
        elif record_type == "agreement":
            self._goto(self.agreements).open_agreement(record_id)
        elif record_type == "project" and tab == "funds":  # a 超预算 line without any budget record
            self._goto(self.funds).show_budgets().show_project(record_id)
        elif record_type == "project":
            self._goto(self.projects).open_project(record_id, tab)
        elif record_type == "visit":
            self._goto(self.visits).edit_visit(record_id)
        elif record_type == "budget":
            self.open_budget(record_id)
        elif record_type == "ledger_entry":
            self._goto(self.funds).show_ledger().show_record(record_id)
        elif record_type == "asset":
            self._goto(self.assets).open_asset(record_id)
        elif record_type == "student":
            self._goto(self.students).open_student(record_id)
        elif record_type == "achievement":
            self._goto(self.outcomes).open_achievement(record_id)
        elif record_type == "training":
            self._goto(self.outcomes).open_training(record_id)
        elif record_type == "internship":
            self._goto(self.internships).open_internship(record_id)
        elif record_type == "practice_base" and tab.startswith("major:"):
            self._goto(self.bases).show_major(tab.removeprefix("major:"))
        elif record_type == "practice_base":
            self._goto(self.bases).open_base(record_id)
        elif record_type == "teacher":
            self._goto(self.teachers).open_teacher(record_id)
        elif record_type == "organization" and tab.startswith("group:"):
            self._goto(self.industry).open_group(tab.removeprefix("group:"))
        elif record_type == "organization":
            self._goto(self.industry).open_organization(record_id)

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
        if self.stack.currentWidget() is self.enterprises:
            chosen = tuple(self.enterprises.selected_ids()[:1])
        self.visits.new_record(chosen)

    @Slot()
    def export_package(self) -> None:
        from ui.package_wizard import export_package_wizard

        export_package_wizard(self)

    @Slot(str)
    def open_enterprise(self, enterprise_id: str) -> None:
        from ui.dialogs.enterprise_dialog import EnterpriseDialog

        self._goto(self.enterprises)
        EnterpriseDialog(self, enterprise_id).exec()

    @Slot()
    def about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, "关于", about_text(), parent=self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        logs = box.addButton("打开日志文件夹", QMessageBox.ButtonRole.ActionRole)
        logs.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file().parent))))
        box.addButton("关闭", QMessageBox.ButtonRole.AcceptRole)
        box.show()  # not modal: the details can be copied while the window stays usable
        return box

    def _restore(self) -> None:
        s = ui_settings()
        geometry = s.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        for page in self.pages:
            if hasattr(page, "restore_state"):
                page.restore_state(s)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        s = ui_settings()
        s.setValue("main/geometry", self.saveGeometry())
        for page in self.pages:
            if hasattr(page, "save_state"):
                page.save_state(s)
        context().wait()
        super().closeEvent(event)
