"""Logging to a rotating file in the user log dir. Personal data (ID numbers, phones) is never logged."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.paths import log_dir

_configured = False


def log_file() -> Path:
    return log_dir() / "chanjiao.log"


class SharedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Rotation renames the log file. On Windows that fails while another running copy of the app (the window
    and a command line, say) has the file open: then keep appending and try again at the next record, instead
    of losing records and printing "--- Logging error ---" tracebacks."""

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:
            if self.stream is None:
                self.stream = self._open()


def file_handler(path: Path) -> logging.Handler:
    return SharedRotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")


def setup_logging(level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    root = logging.getLogger()
    root.setLevel(level)
    try:
        log_dir().mkdir(parents=True, exist_ok=True)
        handler = file_handler(log_file())
    except OSError:  # a read-only profile must not stop the app
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    for noisy in ("alembic", "sqlalchemy"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
