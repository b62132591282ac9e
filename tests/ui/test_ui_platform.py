"""A machine where Qt cannot open a window (Linux without the libraries of Qt's window system plugin) is told
why on the terminal, in words, instead of ending with nothing but "Aborted" (exit 134)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's plugins as on Linux")


def test_a_missing_window_system_is_explained_with_the_libraries_to_install(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "no-such-platform", "CHANJIAO_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", "from ui.app import make_application; make_application()"],
        env=env,
        capture_output=True,
        timeout=60,
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode != 0
    assert "无法打开图形界面" in err
    assert "sudo apt-get install" in err and "libxcb-icccm4" in err and "libxcb-keysyms1" in err
