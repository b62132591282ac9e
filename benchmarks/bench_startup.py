"""Start to a usable main window on the large demo, as a ratio against a floor measured in the same run: a bare
PySide6 window showing a 100,000-row lazy table (a QAbstractTableModel with canFetchMore / fetchMore, as many
columns as the enterprise page) read from the same SQLite file by bare sqlite3. Then the peak memory of the
window after opening every page and tab.

    python benchmarks/bench_startup.py [--db PATH] [--size large|small]

Each start is a fresh process (the time to import Python, Qt and the app is what the user waits for), timed from
its launch to “usable”: the window shown, its first screen filled (the 工作台's figures; the floor's first rows)
and the event loop idle (a zero timer after them has fired); best of N. The app is started the way `chanjiao
--db PATH` starts it (ui.launcher.gui), with a hook on the 工作台's figures put in when the app imports that
page (so the modules import in the start's own order, as the start overlaps its integrity check with them). Peak memory is ru_maxrss of that
process after it has shown every page and every tab of each page, the database worker idle.

Two starts are timed: the usual one (the file as this app last closed it, so the start takes that check's answer:
app/db/verified.py) and one after the file has changed (the note removed), when SQLite's quick_check reads the
whole file while the modules import.

Builds the demo database first unless --db points at one that has enterprises already.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.db import verified  # noqa: E402
from benchmarks.common import demo_database  # noqa: E402

REPEAT = 5
TIMEOUT_S = 300
AIM = 1.5
READY = "READY"

# The floor: a bare PySide6 window over a lazy table read by sqlite3 (rows fetched 200 at a time as the view
# asks), the enterprise page's columns and order.
FLOOR = r"""
import sqlite3, sys
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

COLUMNS = ("name", "short_name", "uscc", "status", "status_date", "industry", "region", "scale", "address",
           "cooperation_start", "legal_representative", "staff_count", "updated_at")  # 13, as the enterprise page

class Lazy(QAbstractTableModel):
    def __init__(self, path):
        super().__init__()
        self.con = sqlite3.connect(path)
        self.total = self.con.execute("SELECT count(*) FROM enterprise WHERE deleted_at IS NULL").fetchone()[0]
        self.cur = self.con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM enterprise WHERE deleted_at IS NULL ORDER BY pinyin_full, id")
        self.rows = []
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)
    def columnCount(self, parent=QModelIndex()):
        return len(COLUMNS)
    def canFetchMore(self, parent=QModelIndex()):
        return not parent.isValid() and len(self.rows) < self.total
    def fetchMore(self, parent=QModelIndex()):
        more = self.cur.fetchmany(200)
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()
        if len(self.rows) == len(more):  # the first rows: usable once they are drawn and the loop is idle
            QTimer.singleShot(0, ready)
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            v = self.rows[index.row()][index.column()]
            return "" if v is None else str(v)
        return None
    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

app = QApplication(sys.argv[:1])
window = QMainWindow()
view = QTableView()
model = Lazy(sys.argv[1])
view.setModel(model)
window.setCentralWidget(view)
window.resize(1280, 720)
window.show()

def ready():
    print("READY", flush=True)
    app.quit()

app.exec()
"""

# The app, as `chanjiao --db PATH` starts it, told when the 工作台's figures have been shown; then (TOUR) every
# page and tab is opened and the peak memory printed.
APP = r"""
import importlib.abc, importlib.util, os, resource, sys, time

sys.path.insert(0, os.environ["CHANJIAO_ROOT"])
tour = os.environ.get("CHANJIAO_TOUR") == "1"

def settle():
    from ui.ops import context
    from ui.qt import QApplication
    for _ in range(3):
        QApplication.processEvents()
        context().wait()
        QApplication.processEvents()
        time.sleep(0.05)

def every_page():
    from ui.qt import QApplication, QTabWidget
    window = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow")
    for i in range(window.nav.count()):
        window.nav.setCurrentRow(i)
        settle()
        page = window.stack.currentWidget()
        for tabs in page.findChildren(QTabWidget):
            for t in range(tabs.count()):
                tabs.setCurrentIndex(t)
                settle()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"PEAK {peak} {window.nav.count()}", flush=True)
    QApplication.quit()

def figures_loaded(self, result):
    shown(self, result)
    if getattr(figures_loaded, "done", False):
        return
    figures_loaded.done = True
    from ui.qt import QApplication, QTimer

    def ready():
        print("READY", flush=True)
        if tour:
            every_page()
        else:
            QApplication.quit()

    QTimer.singleShot(0, ready)

class HookWhenImported(importlib.abc.MetaPathFinder):
    # the hook goes in when the app imports the 工作台's page itself, so the start imports what it imports in
    # its own order (importing the page here first would do the window's imports before the start begins)
    def find_spec(self, name, path, target=None):
        if name != "ui.pages.dashboard":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            global shown
            shown = module.DashboardPage._figures_loaded
            module.DashboardPage._figures_loaded = figures_loaded

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, HookWhenImported())
from ui.launcher import gui

sys.exit(gui(sys.argv[1]))
"""


def start(code: str, db: Path, env: dict[str, str]) -> tuple[float, list[str]]:
    """Launch a fresh Python on `code`: seconds to its READY line, and every line it printed."""
    t = time.perf_counter()
    p = subprocess.Popen(
        [sys.executable, "-c", code, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert p.stdout is not None
    watchdog = threading.Timer(TIMEOUT_S, p.kill)  # a start that hangs (a dialog waiting) ends the run
    watchdog.start()
    lines = []
    elapsed = None
    for line in p.stdout:
        lines.append(line.strip())
        if line.strip() == READY and elapsed is None:
            elapsed = time.perf_counter() - t
    err = p.stderr.read() if p.stderr else ""
    p.wait()
    watchdog.cancel()
    if elapsed is None:
        sys.exit(f"the process did not become usable (exit {p.returncode}):\n{err[-3000:]}")
    return elapsed, lines


def main() -> None:
    db, path = demo_database(__doc__)
    db.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CHANJIAO_ROOT=str(ROOT), PYTHONPATH=str(ROOT))
    env.setdefault("CHANJIAO_HOME", str(path.parent / "home"))
    print(f"database: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    note = Path(env["CHANJIAO_HOME"]) / verified.FILE
    # once untimed: the day's backup made and the disk's cache warm, as for a user's later starts
    start(APP, path, env)
    floors, apps, checked = [], [], []
    for _ in range(REPEAT):  # in turn, so all see the same machine
        floors.append(start(FLOOR, path, env)[0])
        apps.append(start(APP, path, env)[0])  # the file as the last start closed it: its check remembered
        note.unlink(missing_ok=True)  # the file changed since (or a week gone by): read and checked whole
        checked.append(start(APP, path, env)[0])
    floor = min(floors)
    print()
    print(f"{'measure':60} {'time':>9} {'floor':>9} {'ratio':>7} {'aim':>6}")
    for what, runs in (
        ("start to a usable main window (工作台 figures shown)", apps),
        ("  the same, the file's integrity checked (changed since)", checked),
    ):
        print(
            f"{what:60} {min(runs) * 1000:8.0f}ms {floor * 1000:8.0f}ms {min(runs) / floor:6.2f}x {AIM:5.1f}x"
        )
    print(
        f"(best of {REPEAT} fresh processes each; floor: a bare PySide6 window over a 100,000-row lazy table "
        "read by sqlite3; a start takes the last integrity check's answer when this app closed the file and "
        "nothing has touched it since — app/db/verified.py — and reads the whole file otherwise)"
    )
    _, lines = start(APP, path, dict(env, CHANJIAO_TOUR="1"))
    peak = next(line for line in lines if line.startswith("PEAK"))
    _, kib, pages = peak.split()
    print(
        f"peak RSS of the main window after opening its {pages} pages and every tab: {int(kib) / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
