"""GUI part of `chanjiao selftest`: build the main window offscreen over a temporary database and open
every page."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def run_gui_checks(report: Callable[[str], None]) -> list[str]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    failures: list[str] = []
    from PySide6.QtWidgets import QApplication

    from app.db.engine import open_database
    from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
    from ui import gc_pin
    from ui.app import make_application
    from ui.ops import DbContext, set_context

    gc_pin.install(make_application())
    with tempfile.TemporaryDirectory() as tmp:
        database = open_database(Path(tmp) / "selftest.db")
        with database.session() as s:
            save_profile(
                s, CollegeProfile("自检学校", "自检学院", (MajorGroupInfo("自检专业群", ("自检专业",)),))
            )
        ctx = DbContext(database)
        set_context(ctx)
        try:
            from ui.main_window import MainWindow

            window = MainWindow()
            window.show()
            for i, page in enumerate(window.pages):
                try:
                    window.nav.setCurrentRow(i)
                    QApplication.processEvents()
                    ctx.wait()
                    QApplication.processEvents()
                    if window.stack.currentWidget() is not page:
                        raise RuntimeError("页面未切换")
                    report(f"√ 页面：{page.title}")
                except Exception as e:
                    report(f"× 页面 {page.title}：{e}")
                    failures.append(f"页面 {page.title}")
            window.close()
            window.deleteLater()
            QApplication.processEvents()
        finally:
            ctx.close()
            set_context(None)
            gc_pin.uninstall()
    return failures
