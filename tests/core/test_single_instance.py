"""A second start on the same database finds the running copy and asks it to come forward (real local
sockets)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ui.single_instance import ActivationServer, ask_running_copy_to_show, server_name

pytestmark = pytest.mark.qt


def test_names_differ_per_database_and_are_stable(tmp_path):
    a, b = tmp_path / "机电学院.db", tmp_path / "汽车学院.db"
    assert server_name(a) == server_name(a) != server_name(b)
    assert server_name(a).startswith("chanjiao-") and server_name(a).isascii()


def test_second_start_asks_the_first_to_show(qtbot, tmp_path):
    db = tmp_path / "学院.db"
    assert not ask_running_copy_to_show(db, timeout_ms=300)  # nobody running
    server = ActivationServer(db)
    assert server.listen()
    shown = []
    server.show_requested.connect(lambda: shown.append(True))
    # The second start is another process (it blocks waiting for the answer while this loop serves).
    code = (
        "import sys; from pathlib import Path; from PySide6.QtCore import QCoreApplication; "
        "app = QCoreApplication([]); from ui.single_instance import ask_running_copy_to_show; "
        "sys.exit(0 if ask_running_copy_to_show(Path(sys.argv[1]), 5000) else 1)"
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", code, str(db)], cwd=root)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=15000)
    assert shown and proc.returncode == 0
    assert not ask_running_copy_to_show(tmp_path / "其他.db", timeout_ms=300)
    server.close()
