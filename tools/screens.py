"""Screenshots of the app to look at: every page of the main window on the demo data, the form of the first
record of every list, and the wizards, as PNG files.

    python tools/screens.py OUT [--size 1366x768]

On Linux it draws offscreen (QT_QPA_PLATFORM=offscreen unless set). Under Windows Python in Wine, with Qt's
`windows` platform on an Xvfb screen and the prefix's CJK font, it shows what Windows draws:

    bash tests/windows/run_wine.sh --python tools\\screens.py Z:\\tmp\\screens

A grab holds what Qt draws, not what Windows draws around it: the title bar, and the band at the top of a
wizard in Windows' Aero style, where Windows puts the title and the back arrow, are blank in the pictures.

Every dialog opened with exec() is captured generically (QDialog.exec is replaced for the tour: show, wait for
the database worker, grab, close), so a new form is on the pictures without editing this file.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="1366x768", help="the main window's size, e.g. 1366x768")
    parser.add_argument("--style", help="a Qt style instead of the platform's, e.g. windows11 (Windows 11's)")
    parser.add_argument(
        "--db",
        help="an empty database to fill with the demo and tour instead of a new file (a server's address)",
    )
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    if sys.platform != "win32":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chanjiao-screens-") as home:
        os.environ["CHANJIAO_HOME"] = home
        return tour(args.out, width, height, Path(home), args.style, args.db)


def tour(
    out: Path, width: int, height: int, home: Path, style: str | None = None, db: str | None = None
) -> int:
    from PySide6.QtWidgets import QApplication, QDialog, QWidget

    from app.db.engine import open_database
    from app.demo import fill_demo
    from ui import gc_pin
    from ui.app import make_application
    from ui.ops import DbContext, set_context

    app = make_application()
    if style and app.setStyle(style) is None:
        print(f"no Qt style {style!r} here")
        return 2
    gc_pin.install(app)
    database = open_database(db or home / "演示.db")
    with database.session() as s:
        fill_demo(s)
    ctx = DbContext(database)
    set_context(ctx)
    shots: list[str] = []

    def settle() -> None:
        for _ in range(3):
            QApplication.processEvents()
            ctx.wait()
            QApplication.processEvents()
            time.sleep(0.05)

    def save(widget: QWidget, name: str) -> None:
        settle()
        safe = re.sub(r"[\\/:*?<>|\s]+", "_", name)
        path = out / f"{len(shots) + 1:02d}-{safe}.png"
        widget.grab().save(str(path))
        shots.append(path.name)
        print(f"{path.name}  {widget.width()}×{widget.height()}", flush=True)

    def capture_exec(dialog: QDialog) -> int:
        dialog.show()
        save(dialog, f"对话框-{dialog.windowTitle() or type(dialog).__name__}")
        dialog.reject()
        return 0

    from ui.main_window import MainWindow

    window = MainWindow()
    window.resize(width, height)
    window.show()
    original_exec = QDialog.exec
    QDialog.exec = capture_exec  # every form the tour opens is pictured and closed
    try:
        for i, page in enumerate(window.pages):
            window.nav.setCurrentRow(i)
            save(window, f"页面-{page.title}")
            model = getattr(page, "model", None)
            ids = model.ids() if model is not None and hasattr(model, "ids") else []
            if ids and hasattr(page, "open_record"):
                try:
                    page.open_record(ids[0])
                except NotImplementedError:
                    pass
        window.nav.setCurrentRow(window.pages.index(window.internships))
        settle()
        from ui.tripartite import generate_tripartite

        dialog = generate_tripartite(window, window.internships.model.ids()[:24])
        save(dialog, "三方协议")
        dialog.close()
        from ui.package_wizard import export_package_wizard

        wizard = export_package_wizard(window)
        save(wizard, "导出上报材料包-1")
        wizard.next()
        save(wizard, "导出上报材料包-2")
        wizard.close()
        from ui.dialogs.profile_dialog import ProfileDialog

        ProfileDialog(window).exec()
    finally:
        QDialog.exec = original_exec
        window.close()
        settle()
        ctx.close()
        set_context(None)
        gc_pin.uninstall()
    print(f"{len(shots)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
