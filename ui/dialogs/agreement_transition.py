"""Status changes of an agreement: which are offered, their button texts, the remark / 终止 reason asked for
(TransitionDialog) and the service call. The agreement form and the agreements page both use them."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.services import agreements as svc

ERROR_STYLE = "color:#c42b1c;"
STATUS_COLORS = {
    "草稿": "#1f6fb2",
    "学院审核": "#b26a00",
    "学校审定": "#b26a00",
    "生效": "#1e7b34",
    "到期": "#888888",
    "终止": "#888888",
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
    return QColor(color) if color else None


# ---------------------------------------------------------------- the transition remark / reason


class TransitionDialog(QDialog):
    """Asks for the remark of a status change; 终止 needs a reason (OK stays disabled without one)."""

    def __init__(self, parent: QWidget | None, from_status: str, to_status: str) -> None:
        super().__init__(parent)
        self.to_status = to_status
        self.setWindowTitle("终止协议" if to_status == "终止" else "变更协议状态")
        self.setMinimumWidth(420)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"协议状态将由“{from_status}”变为“{to_status}”。", wordWrap=True))
        needed = to_status == "终止"
        lay.addWidget(QLabel("终止原因 *（必填，H第二十三条）" if needed else "备注（可不填）"))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(
            "如：企业经营困难，双方协商一致提前终止" if needed else "如：学院党政联席会议审议通过"
        )
        self.text.setMaximumHeight(90)
        lay.addWidget(self.text)
        self.error = QLabel("请填写终止原因", wordWrap=True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(False)
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("终止协议" if needed else "确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.text.textChanged.connect(self._check)
        self._check()

    def value(self) -> str:
        return self.text.toPlainText().strip()

    @Slot()
    def _check(self) -> None:
        self.ok_button.setEnabled(self.to_status != "终止" or bool(self.value()))

    def accept(self) -> None:
        if self.to_status == "终止" and not self.value():
            self.error.setVisible(True)
            return
        super().accept()


def ask_transition(parent: QWidget | None, from_status: str, to_status: str) -> str | None:
    """The remark (or 终止 reason) for a status change; None if the user cancelled."""
    dlg = TransitionDialog(parent, from_status, to_status)
    return dlg.value() if dlg.exec() else None


def transition_work(agreement_id: str, to_status: str, text: str):
    """The service call for a status change: `text` is the reason for 终止, else the remark."""
    if to_status == "终止":
        return lambda s: svc.transition_agreement(s, agreement_id, to_status, reason=text)
    return lambda s: svc.transition_agreement(s, agreement_id, to_status, remark=text)
