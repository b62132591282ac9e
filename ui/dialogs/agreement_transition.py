"""Status changes of an agreement: which are offered, their button texts and colours, and the remark / 终止
reason asked for (TransitionDialog). The agreement form and the agreements page both use them; the write itself
is `ui.operations.agreements.change_status`."""

from __future__ import annotations

from app.compliance.registry import cite_source
from app.services import agreements as svc
from ui import theme
from ui.forms import ok_cancel, restore_geometry, save_geometry
from ui.qt import *  # noqa: F403

STATUS_COLORS = {
    "草稿": theme.INFO,
    "学院审核": theme.WARNING,
    "学校审定": theme.WARNING,
    "生效": theme.OK,
    "到期": theme.HINT,
    "终止": theme.HINT,
}
TRANSITION_TEXT = {  # the button that moves an agreement to this status, in the order shown
    "学院审核": "提交学院审核",
    "学校审定": "学院审核通过，报学校审定",
    "生效": "审定通过，协议生效",
    "到期": "确认到期",
    "终止": "终止协议…",
    "草稿": "退回草稿",
}


def offered_transitions(stored: str, effective: str) -> tuple[str, ...]:
    """Legal next statuses; 到期 only once the end date has passed (earlier the service refuses it)."""
    return tuple(t for t in svc.allowed_transitions(stored) if t != "到期" or effective == "到期")


def status_color(status: str) -> QColor | None:
    color = STATUS_COLORS.get(status)
    return theme.qcolor(color) if color else None


# ---------------------------------------------------------------- the transition remark / reason


class TransitionDialog(QDialog):
    """Asks for the remark of a status change; 终止 needs a reason (OK stays disabled without one)."""

    geometry_key = "agreement-transition"

    def __init__(self, parent: QWidget | None, from_status: str, to_status: str) -> None:
        super().__init__(parent)
        self.to_status = to_status
        needed = to_status == "终止"
        self.setWindowTitle("终止协议" if needed else "变更协议状态")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"协议状态将由“{from_status}”变为“{to_status}”。", wordWrap=True))
        ask = QLabel("终止原因 *（必填）" if needed else "备注（可不填）")
        if needed:
            ask.setToolTip("依据" + cite_source("H第二十三条"))
        lay.addWidget(ask)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(
            "如：企业经营困难，双方协商一致提前终止" if needed else "如：学院党政联席会议审议通过"
        )
        lay.addWidget(self.text, 1)
        self.error = theme.error(QLabel("请填写终止原因", wordWrap=True))
        self.error.setVisible(False)
        lay.addWidget(self.error)
        buttons = ok_cancel(self, "终止协议" if needed else "确定")
        accept = QDialogButtonBox.ButtonRole.AcceptRole
        self.ok_button = next(b for b in buttons.buttons() if buttons.buttonRole(b) == accept)
        lay.addWidget(buttons)
        self.text.textChanged.connect(self._check)
        self._check()
        restore_geometry(self, self.geometry_key, (440, 240))

    def value(self) -> str:
        return self.text.toPlainText().strip()

    @Slot()
    def _check(self) -> None:
        self.ok_button.setEnabled(self.to_status != "终止" or bool(self.value()))
        if self.value():
            self.error.setVisible(False)

    def accept(self) -> None:
        if self.to_status == "终止" and not self.value():
            self.error.setVisible(True)
            return
        super().accept()

    def done(self, result: int) -> None:
        save_geometry(self, self.geometry_key)
        super().done(result)


def ask_transition(parent: QWidget | None, from_status: str, to_status: str) -> str | None:
    """The remark (or 终止 reason) for a status change; None if the user cancelled."""
    dlg = TransitionDialog(parent, from_status, to_status)
    return dlg.value() if dlg.exec() else None
