"""The window does not open a server database yet (#19): a server address is refused with a Chinese message
on the terminal and in a message box, never a traceback."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.qt


def test_a_server_address_is_refused_in_words(qtbot, monkeypatch, capsys) -> None:
    from ui import launcher
    from ui.qt import QMessageBox

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append((title, text)))
    assert launcher.gui("postgresql://secretary@db.example.edu.cn:5432/jidian") == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "Traceback" not in err
    assert shown and shown[0][0] == "无法打开数据库" and "jidian" in shown[0][1]
