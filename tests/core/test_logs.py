"""The log file: rotation while another running copy of the app holds it open (fails on Windows, where
tests/windows/run_wine.sh runs this for real)."""

from __future__ import annotations

import logging
from pathlib import Path

from app.logs import SharedRotatingFileHandler


def _logger(handler: logging.Handler, name: str) -> logging.Logger:
    log = logging.getLogger(name)
    log.propagate = False
    log.addHandler(handler)
    return log


def test_rotation_with_the_log_open_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "日志" / "chanjiao.log"
    path.parent.mkdir()
    other = SharedRotatingFileHandler(path, maxBytes=200, backupCount=2, encoding="utf-8")  # the window
    ours = SharedRotatingFileHandler(path, maxBytes=200, backupCount=2, encoding="utf-8")  # a CLI run
    errors: list[logging.LogRecord] = []
    ours.handleError = errors.append  # type: ignore[method-assign]
    log = _logger(ours, "test_logs.shared")
    try:
        for i in range(20):
            log.warning("第%d条 %s", i, "企业" * 20)
    finally:
        log.removeHandler(ours)
        ours.close()
        other.close()
    assert not errors
    text = "".join(p.read_text(encoding="utf-8") for p in path.parent.iterdir())
    assert "第19条" in text  # the latest record is never lost


def test_rotation_when_alone(tmp_path: Path) -> None:
    path = tmp_path / "chanjiao.log"
    handler = SharedRotatingFileHandler(path, maxBytes=200, backupCount=2, encoding="utf-8")
    log = _logger(handler, "test_logs.alone")
    try:
        for i in range(20):
            log.warning("第%d条 %s", i, "企业" * 20)
    finally:
        log.removeHandler(handler)
        handler.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chanjiao.log", "chanjiao.log.1", "chanjiao.log.2"]
