"""A second start on the same database brings the running window forward instead of only refusing.

The running app listens on a local socket (a named pipe on Windows) whose name comes from the database path
and the OS user; a second start that finds the database locked (app/instance.py) connects, sends "show",
and exits. If nothing answers (the other copy is still starting, or hangs), the second start says so.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import sys
from pathlib import Path

from PySide6.QtNetwork import QLocalServer, QLocalSocket

from ui.qt import *  # noqa: F403

log = logging.getLogger(__name__)

MESSAGE = b"show\n"


def server_name(db_path: Path) -> str:
    path = str(Path(db_path).resolve())
    if sys.platform == "win32":
        path = path.lower()  # one file, whatever the spelling
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment: the path alone
        user = ""
    digest = hashlib.sha256(f"{user}\n{path}".encode()).hexdigest()[:24]
    return f"chanjiao-{digest}"


class ActivationServer(QObject):
    """Listens while the window has the database open; emits `show_requested` when a second start asks."""

    show_requested = Signal()

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(db_path)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._connected)

    def listen(self) -> bool:
        # Only the holder of the database's instance lock gets here, so a leftover socket file from a
        # crashed run is stale and safe to remove.
        QLocalServer.removeServer(self.name)
        ok = self.server.listen(self.name)
        if not ok:
            log.warning("activation server not listening: %s", self.server.errorString())
        return ok

    @Slot()
    def _connected(self) -> None:
        while (sock := self.server.nextPendingConnection()) is not None:
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(sock.deleteLater)
            if sock.bytesAvailable():
                self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        if bytes(sock.readAll().data()).startswith(MESSAGE.strip()):
            self.show_requested.emit()
            sock.write(b"ok\n")
            sock.flush()

    def close(self) -> None:
        self.server.close()


def ask_running_copy_to_show(db_path: Path, timeout_ms: int = 1500) -> bool:
    """True if a running copy of the app with this database answered and will come to the front."""
    sock = QLocalSocket()
    sock.connectToServer(server_name(db_path))
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(MESSAGE)
    sock.flush()
    answered = sock.waitForReadyRead(timeout_ms) and bytes(sock.readAll().data()).startswith(b"ok")
    sock.disconnectFromServer()
    return answered


def bring_to_front(window) -> None:
    """Show a window that may be minimised or behind others (Windows only lets a process take the focus
    in some cases: the taskbar button flashes otherwise)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    window.setWindowState(
        (window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
    )
    window.show()
    window.raise_()
    window.activateWindow()
    QApplication.alert(window)
