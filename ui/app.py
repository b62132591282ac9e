"""Starting the GUI: the QApplication, Chinese translations, opening the database with a clear message
for every way it can fail, the first-run questions, and the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from app import APP_NAME, APP_TITLE, tempfiles
from app.db.engine import Database, EarlyCheck, IntegrityCheck, open_database
from app.db.location import ServerLocation
from app.errors import DatabaseCorrupt, DatabaseError
from app.instance import NETWORK_WARNING, DatabaseInUse, InstanceLock, network_drive
from ui import gc_pin, theme
from ui.errors import install_excepthook
from ui.ops import DbContext, set_context
from ui.qt import *  # noqa: F403
from ui.single_instance import ActivationServer, ask_running_copy_to_show, bring_to_front

log = logging.getLogger(__name__)


LINUX_LIBRARIES = (
    "libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 "
    "libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xinerama0 "
    "libxcb-xkb1 libfontconfig1 libdbus-1-3 fonts-noto-cjk"
)


def _qt_message(mode: QtMsgType, context: object, message: str) -> None:
    """Qt's own warnings go to the log file, not to a console the user never sees. A fatal one (Qt ends the
    program right after) is said on the terminal too, in words: a Linux machine without the libraries Qt's
    window system plugin needs would otherwise end with nothing but "Aborted"."""
    level = logging.DEBUG if mode == QtMsgType.QtDebugMsg else logging.WARNING
    logging.getLogger("qt").log(level, "%s", message)
    if mode == QtMsgType.QtFatalMsg and sys.stderr is not None:
        hint = ""
        if "platform plugin" in message and sys.platform.startswith("linux"):
            hint = f"\n缺少图形界面所需的系统库。在 Debian/Ubuntu 上运行：\n  sudo apt-get install {LINUX_LIBRARIES}"
        print(f"无法打开图形界面：{message.strip()}{hint}", file=sys.stderr, flush=True)


def make_application(argv: list[str] | None = None) -> QApplication:
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    # Qt's own texts (the buttons of standard dialogs, context menus) in Chinese: qtbase_zh_CN.qm from Qt's
    # translations folder, which the installer bundle keeps (installer/chanjiao.spec).
    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", translations):
        app.installTranslator(translator)
        log.info("Qt translation loaded: %s", translator.filePath())
    else:
        log.warning("Qt's Chinese translation (qtbase_zh_CN.qm) not found in %s", translations)
    theme.apply(app, windows=sys.platform == "win32")
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    from resources import resource_bytes

    pixmap = QPixmap()
    pixmap.loadFromData(resource_bytes("icons", "app.svg"), "SVG")
    return QIcon(pixmap)


DAILY_BACKUP_DELAY_MS = 3000
FREEZE_DELAY_MS = 2000
_lock: InstanceLock | None = None  # held while the window has the database open
handed_over = False  # this start found the database open in a running copy and brought that one forward


def open_or_ask(path: Path, integrity: EarlyCheck | None = None) -> Database | None:
    """Open the database; on failure explain why and offer another file (and, for a damaged one, the newest
    good backup). Refuses a database another window of the app has open. None = the user gave up.
    `integrity`: the file's quick_check started ahead (run_gui), for the first try only."""
    while True:
        try:
            return _open_locked(path, integrity)
        except DatabaseError as e:
            log.warning("cannot open database %s: %s %s", path, e.message, e.detail)
            if isinstance(e, DatabaseInUse) and ask_running_copy_to_show(path):
                log.info("database already open in a running copy: brought it to the front")
                global handed_over
                handed_over = True
                return None
            # what the user does next (重试, a restore, another file) is checked afresh
            if integrity is not None:
                integrity.cancel()
                integrity = None
            box = QMessageBox(QMessageBox.Icon.Warning, "无法打开数据库", e.message)
            restore = None
            if isinstance(e, DatabaseCorrupt):
                restore = box.addButton("恢复最近的完好备份…", QMessageBox.ButtonRole.AcceptRole)
            other = box.addButton("选择其他数据库文件…", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("重试", QMessageBox.ButtonRole.ResetRole)
            quit_button = box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is quit_button:
                release_lock()
                return None
            if restore is not None and box.clickedButton() is restore:
                from ui.backup import offer_good_backup

                offer_good_backup(path)
            elif box.clickedButton() is other:
                chosen, _ = QFileDialog.getOpenFileName(
                    None, "选择数据库文件", str(path.parent), "数据库 (*.db);;所有文件 (*)"
                )
                if not chosen:
                    release_lock()
                    return None
                path = Path(chosen)


def _open_locked(path: Path, integrity: EarlyCheck | None = None) -> Database:
    """The instance lock first (a second window is refused before it changes the file: the quick_check
    started ahead only reads it), then the database; the lock stays held while the database is open
    (released with release_lock)."""
    global _lock
    if _lock is None or _lock.db_path != path:
        release_lock()
        _lock = InstanceLock(path).acquire()
    tempfiles.sweep_for_database(path)
    return open_database(path, integrity=integrity)


def release_lock() -> None:
    global _lock
    if _lock is not None:
        _lock.release()
        _lock = None


def warn_if_network_drive(path: Path) -> None:
    if network_drive(path):
        log.warning("database on a network drive: %s", path)
        QMessageBox.warning(None, "数据库在网络驱动器上", NETWORK_WARNING + f"\n\n{path}")


DUPLICATE_KEYS_SHOWN = 12  # problems listed one by one in the notice; the rest are counted


def warn_if_duplicate_keys(database: Database) -> None:
    """A database from before unique keys (学号, 工号 …) may hold duplicates: say which, once per start, so
    the user merges or corrects them (the unique index for that key is created on the next open after)."""
    problems = database.key_problems
    if not problems:
        return
    listed = "\n".join(f"• {p}" for p in problems[:DUPLICATE_KEYS_SHOWN])
    more = len(problems) - DUPLICATE_KEYS_SHOWN
    if more > 0:
        listed += f"\n……另有 {more} 处"
    QMessageBox.warning(
        None,
        "数据库中有重复的编号",
        "下面这些学号、工号、统一社会信用代码等在数据库中出现了不止一次（多为旧版本时导入或并发录入所致）。"
        "请打开相应记录，合并重复的记录或改正编号；改正后重新打开本软件，软件会自动为这些编号加上唯一性保护。\n\n"
        + listed,
    )


def run_gui(where: Path | ServerLocation, integrity: EarlyCheck | None = None) -> int:
    """The window on a database file (the instance lock, the daily backup, a second start bringing this
    window forward) or on a database on a server (the password asked if needed; several people at once).
    `integrity`: the file's quick_check, started by the launcher before this module's imports."""
    from app.logs import setup_logging
    from app.services.settings import is_configured

    # SQLite's quick_check of the file (1–2 s on the large demo) runs on its own connection while the window's
    # modules import; open_database waits for its answer before anything else touches the file. A file this
    # app closed after a check, untouched since, is not read again (app/db/verified.py)
    if integrity is None and isinstance(where, Path):
        integrity = IntegrityCheck.start(where, remembered=True)
    setup_logging()
    app = make_application()
    gc_pin.install(app)  # cycles are collected on the GUI thread only, never by the database worker
    install_excepthook()
    database = None
    if isinstance(where, ServerLocation):
        from ui.server_connect import UseLocalFile, open_server_or_ask

        try:
            database = open_server_or_ask(where)
        except UseLocalFile:  # this time only: the next start tries the server again (an enterprise visit)
            from app.paths import default_db_path

            where = default_db_path()
    from ui.main_window import MainWindow

    MainWindow.dashboard.cls  # noqa: B018  (the first page's module, imported while the check runs)
    if not isinstance(where, ServerLocation):
        database = open_or_ask(where, integrity)
    if integrity is not None:  # not used (the server's copy, or the file was not opened): not left running
        integrity.cancel()
    if database is None:
        return 0 if handed_over else 1
    if not database.is_server:
        warn_if_network_drive(database.path)
    warn_if_duplicate_keys(database)
    ctx = DbContext(database)
    set_context(ctx)
    if not database.is_server:  # a server's backups are its administrator's (pg_dump)
        from ui.backup import start_daily_backup

        # after the first page has loaded (the copy of a 100k database holds the worker for ~1.5 s)
        QTimer.singleShot(DAILY_BACKUP_DELAY_MS, start_daily_backup)
    with database.reader() as s:
        configured = is_configured(s)
    if not configured:
        from ui.dialogs.profile_dialog import ProfileDialog

        ProfileDialog(first_run=True).exec()
    window = MainWindow()
    window.show()
    # what the start made lives as long as the app (gc_pin.freeze_startup): frozen once the first page has
    # loaded, its full collection (a fifth of a second) not in the way of the 工作台's first figures
    QTimer.singleShot(FREEZE_DELAY_MS, gc_pin.freeze_startup)
    server = None
    if not database.is_server:  # a second start on this database file brings this window forward
        server = ActivationServer(database.path)
        server.show_requested.connect(lambda: bring_to_front(window))
        server.listen()
    code = app.exec()
    if server is not None:
        server.close()
    ctx.close()
    set_context(None)
    release_lock()
    return code
