"""Errors in the GUI: an AppError shows its Chinese message; anything else shows 操作失败 with the
traceback folded under 详细信息 (with a copy button) and is logged."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from app.errors import AppError, ValidationErrors
from ui.messages import fit
from ui.qt import *  # noqa: F403

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException, title: str = "操作失败") -> None:
    """The error in a box wide enough for its title (`fit`)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    if isinstance(exc, ValidationErrors):
        box.setText("请修改以下内容后再保存：")
        box.setInformativeText("\n".join(f"• {e.message}" for e in exc.errors))
    elif isinstance(exc, AppError):
        box.setText(exc.message)
        if exc.detail:
            log.warning("%s | %s", exc.message, exc.detail)
    else:
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("unexpected error:\n%s", details)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setText("操作失败：程序遇到了意外的问题。您的数据没有丢失，本次操作未保存。")
        box.setInformativeText("如问题反复出现，请把“详细信息”复制给技术支持。日志已写入日志文件夹。")
        box.setDetailedText(details)
        copy = box.addButton("复制详细信息", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Ok)
        fit(box).exec()
        if box.clickedButton() is copy:
            QGuiApplication.clipboard().setText(details)
        return
    fit(box).exec()


def install_excepthook() -> None:
    """Uncaught exceptions in slots: log them and show a short message instead of crashing."""

    def hook(etype: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(etype, KeyboardInterrupt):
            sys.__excepthook__(etype, value, tb)
            return
        log.error("uncaught exception", exc_info=(etype, value, tb))
        try:
            show_error(None, value.with_traceback(tb))
        except Exception:  # never let the hook itself crash the app
            sys.__excepthook__(etype, value, tb)

    sys.excepthook = hook
