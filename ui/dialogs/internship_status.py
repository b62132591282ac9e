"""Status changes of internships, shared by the 学生实习 page (applied to the selection) and the form of one
internship: the button texts, the colours, the 终止 reason asked for, and a refusal shown as a readable list —
each student and what is missing (the service refuses a batch as a whole)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from app.errors import ValidationError, ValidationErrors
from app.services.common import Changes
from ui import theme
from ui.forms import close_box, ok_cancel, restore_geometry, save_geometry
from ui.operations import internships as ops
from ui.qt import *  # noqa: F403

STATUS_COLORS = {  # by what the status means to the secretary
    "计划": theme.INFO,
    "协议已签": theme.WARNING,  # still to start
    "实习中": theme.OK,
    "已结束": theme.HINT,
    "终止": theme.DISABLED,
}
STEP_TEXT = {  # the button that moves an internship to this status
    "协议已签": "协议已签",
    "实习中": "开始实习",
    "已结束": "结束实习",
    "终止": "终止实习…",
    "计划": "退回计划",
}
MENU_STEPS = ("协议已签", "实习中", "已结束", "终止")  # the page's 状态 menu


def status_color(status: str) -> QColor | None:
    color = STATUS_COLORS.get(status)
    return theme.qcolor(color) if color else None


def step_text(current: str, to: str) -> str:
    return "恢复为实习中" if current == "已结束" and to == "实习中" else STEP_TEXT[to]


class ReasonDialog(QDialog):
    """Asks for the reason of 终止 (required)."""

    def __init__(self, parent: QWidget | None, count: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("终止实习")
        self.setMinimumWidth(440)
        lay = QVBoxLayout(self)
        who = f"所选的 {count} 条实习" if count > 1 else "该实习"
        lay.addWidget(QLabel(f"{who}将标记为“终止”。终止原因 *（必填）：", wordWrap=True))
        self.text = QPlainTextEdit(placeholderText="如：学生因病休学，经学校、企业、家长三方同意终止实习")
        self.text.setMaximumHeight(90)
        lay.addWidget(self.text)
        buttons = ok_cancel(self, "终止实习")
        self.ok_button = next(
            b for b in buttons.buttons() if buttons.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole
        )
        lay.addWidget(buttons)
        self.text.textChanged.connect(self._check)
        self._check()

    def value(self) -> str:
        return self.text.toPlainText().strip()

    @Slot()
    def _check(self) -> None:
        self.ok_button.setEnabled(bool(self.value()))


def ask_reason(parent: QWidget | None, count: int) -> str | None:
    dlg = ReasonDialog(parent, count)
    return dlg.value() if dlg.exec() else None


def group_by_student(errors: list[ValidationError], names: Sequence[str] = ()) -> dict[str, list[str]]:
    """“张三不能开始实习：未登记…” and “张三：实习状态不能…” → {"张三": ["未登记…", …]} in order; a message
    that names none of `names` (when given) goes under "" whole."""
    out: dict[str, list[str]] = {}
    for e in errors:
        head, sep, message = e.message.partition("：")
        name = head.removesuffix("不能开始实习")
        if not sep or (names and name not in names):
            name, message = "", e.message
        out.setdefault(name, []).append(message)
    return out


class RefusalDialog(QDialog):
    """A refused status change: each student with what is missing, and a button to copy the list."""

    def __init__(
        self, parent: QWidget | None, to_status: str, errors: list[ValidationError], order: Sequence[str] = ()
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"不能{STEP_TEXT[to_status].rstrip('…')}")
        groups = group_by_student(errors, order)
        rank = {name: i for i, name in reversed(list(enumerate(order)))}
        self.groups = dict(sorted(groups.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        lay = QVBoxLayout(self)
        n = len(self.groups)
        head = QLabel(
            f"以下 {n} 名学生还不能“{STEP_TEXT[to_status].rstrip('…')}”，所选记录都没有改动。"
            "补齐后再试（可先只选其他学生）："
        )
        head.setWordWrap(True)
        head.setStyleSheet(theme.text(theme.ERROR, bold=True))
        lay.addWidget(head)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        bold = QFont()
        bold.setBold(True)
        for name, messages in self.groups.items():
            top = QTreeWidgetItem([name or "其他"])
            top.setFont(0, bold)
            for m in messages:
                child = QTreeWidgetItem([m])
                child.setToolTip(0, m)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        lay.addWidget(self.tree, 1)
        buttons = close_box(self)
        copy = buttons.addButton("复制清单", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy)
        lay.addWidget(buttons)
        restore_geometry(self, "internship_refusal", (720, 420))

    def done(self, result: int) -> None:
        save_geometry(self, "internship_refusal")
        super().done(result)

    def text(self) -> str:
        return "\n".join(
            f"{name}：" * bool(name) + "；".join(messages) for name, messages in self.groups.items()
        )

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


def show_refusal(
    parent: QWidget | None, to_status: str, exc: BaseException, order: Sequence[str] = ()
) -> None:
    """A refusal of set_status as the list of students (in the order of `order`, the names as listed);
    anything else as an error box."""
    errors = (
        exc.errors if isinstance(exc, ValidationErrors) else [exc] if isinstance(exc, ValidationError) else []
    )
    if not errors:
        from ui.errors import show_error

        show_error(parent, exc, "状态未能修改")
        return
    dlg = RefusalDialog(parent, to_status, errors, order)
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.exec()


def change_status(
    parent: QWidget,
    ids: list[str],
    to_status: str,
    done: Callable[[Changes], None] | None = None,
    *,
    before: Callable[[Session], object] | None = None,
    order: Sequence[str] = (),
) -> None:
    """Ask for a reason if needed, then set the status of `ids` in one transaction (after `before`, e.g. the
    form's unsaved edits); a refusal is shown by RefusalDialog."""
    reason = ""
    if to_status == "终止":
        answer = ask_reason(parent, len(ids))
        if answer is None:
            return
        reason = answer
    ops.set_status(
        parent,
        ids,
        to_status,
        reason=reason,
        save_first=before,
        on_done=done,
        on_failed=lambda exc: show_refusal(parent, to_status, exc, order),
    )
