"""Small reusable widgets: the undo bar, the empty-state panel, a debounced search box, the confirmation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ui import theme
from ui.qt import *  # noqa: F403

Writing = TypeVar("Writing", QWidget, QAction)  # what for_writers keeps from a 只读 user
# An empty state's action: (text, slot), or (text, slot, True) from write_action
Action = tuple[str, Callable[[], object]] | tuple[str, Callable[[], object], bool]


class UndoBar(QFrame):
    """Non-modal “已删除 N 条 — 撤销” bar; hides itself after a while."""

    undo_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")  # its look: theme.STYLE_SHEET
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 4, 6, 4)
        self.label = QLabel()
        self.button = QPushButton("撤销")
        # Ctrl+Z is 编辑 → 撤销 (ui/undo.py), which undoes this delete while it is the last action.
        self.button.setToolTip("撤销刚才的删除（也可用 编辑 → 撤销，Ctrl+Z）")
        self.button.clicked.connect(self._undo)
        for_writers(self.button)  # (a 只读 user deletes nothing: the bar never shows for them)
        close = QPushButton("✕")
        close.setFlat(True)
        close.setFixedWidth(28)
        close.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.button)
        lay.addWidget(close)
        self._timer = QTimer(self, singleShot=True, interval=15000)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str) -> None:
        from ui import undo

        self.label.setText(text)
        self.show()
        self._timer.start()
        undo.register_bar(self, text.rstrip("。"))  # 编辑 → 撤销 names it

    def _undo(self) -> None:
        from ui import undo

        undo.forget_bar(self)
        self.undo_now()

    def undo_now(self) -> None:
        """What the 撤销 button does (also 编辑 → 撤销 while this delete is the last action)."""
        self.hide()
        self.undo_clicked.emit()


class EmptyState(QWidget):
    """A friendly panel shown instead of an empty table, with the next useful actions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        self.title = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet(theme.text(theme.MUTED, pt=theme.TITLE_PT + 2))
        self.hint = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        theme.hint(self.hint)
        lay.addWidget(self.title)
        lay.addWidget(self.hint)
        self.buttons = QHBoxLayout()
        row = QWidget()
        row.setLayout(self.buttons)
        lay.addWidget(row)
        lay.addStretch(2)

    def configure(self, title: str, hint: str, actions: Sequence[Action]) -> None:
        """`actions`: (text, slot) pairs, or write_action(text, slot) for one that adds or changes records."""
        self.title.setText(title)
        self.hint.setText(hint)
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.buttons.addStretch(1)
        for text, cb, *writes in actions:
            self.buttons.addWidget(push_button(text, cb, writes=bool(writes)))
        self.buttons.addStretch(1)


def write_action(text: str, slot: Callable[[], object]) -> Action:
    """An empty state's action that adds or changes records (新建… / 导入…): disabled for a 只读 user, saying why."""
    return (text, slot, True)


def view_or_empty(lay: QBoxLayout, view: QWidget) -> tuple[QStackedWidget, EmptyState]:
    """`view` (a table, a tree …) at the end of `lay`, taking the room left, in a stack with the empty state
    that stands in for it when there is nothing to show (`stack.setCurrentWidget(empty)`)."""
    stack, empty = QStackedWidget(), EmptyState()
    stack.addWidget(view)
    stack.addWidget(empty)
    lay.addWidget(stack, 1)
    return stack, empty


class SearchBox(QLineEdit):
    """Emits `search(text)` 250 ms after the user stops typing (and at once on Enter)."""

    search = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self._fire)
        self.textChanged.connect(lambda _t: self._timer.start())
        self.returnPressed.connect(self._fire)

    def _fire(self) -> None:
        self._timer.stop()
        self.search.emit(self.text())


def confirm(parent: QWidget, title: str, text: str, *, destructive: bool = False) -> bool:
    """Ask before an action; “否” is the default so Enter never destroys anything by accident."""
    ask = QMessageBox.warning if destructive else QMessageBox.question
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    return ask(parent, title, text, buttons, QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes


class WriteButton(QPushButton):
    """A button whose action adds, changes or deletes records, for a user who may not write (只读 on a server):
    disabled for good (a page enabling it on a selection leaves it disabled), its tooltip saying why."""

    def __init__(self, text: str, refused: str) -> None:
        super().__init__(text)
        self.refused = refused
        super().setToolTip(refused)
        super().setEnabled(False)

    def setEnabled(self, _enabled: bool) -> None:  # noqa: N802  (Qt's name)
        super().setEnabled(False)

    def setToolTip(self, _tip: str) -> None:  # noqa: N802  (Qt's name)
        super().setToolTip(self.refused)


class _KeptDisabled(QObject):
    """for_writers: its widget or action turned back off whenever it is enabled again, a widget's tooltip kept
    the reason (a child of the thing kept: no reference back to it from Python)."""

    def __init__(self, thing: QWidget | QAction, refused: str) -> None:
        super().__init__(thing)
        self.refused = refused

    @Slot()
    def keep_off(self) -> None:
        """An action changed (enabled again, its tooltip set): disabled again, the reason its tooltip."""
        action = self.parent()
        if action.isEnabled():
            action.setEnabled(False)
        if action.toolTip() != self.refused:
            action.setToolTip(self.refused)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  (Qt's name)
        if event.type() == QEvent.Type.EnabledChange and watched.isEnabled():
            watched.setEnabled(False)
        elif event.type() == QEvent.Type.ToolTipChange and watched.toolTip() != self.refused:
            watched.setToolTip(self.refused)
        return False


def for_writers(thing: Writing) -> Writing:
    """`thing` (a widget or a menu's action) adds, changes or deletes records: for a user who may not (只读 on a
    server) it is disabled for good — a page enabling it on a selection leaves it disabled — and its tooltip and
    status tip say why. Nothing changes for a user who may write. Returns `thing`. (Buttons made by
    push_button say `writes=True` instead.)"""
    from ui.ops import write_refusal

    if not (refused := write_refusal()):
        return thing
    thing.setEnabled(False)
    thing.setToolTip(refused)
    thing.setStatusTip(refused)
    if isinstance(thing, QAction):
        thing.changed.connect(_KeptDisabled(thing, refused).keep_off)
        for menu in thing.associatedObjects():
            if isinstance(menu, QMenu):
                menu.setToolTipsVisible(True)  # the reason shows on hover, not only in the status bar
    else:
        thing.installEventFilter(_KeptDisabled(thing, refused))
    return thing


def push_button(text: str, slot: Callable[[], object], tip: str = "", *, writes: bool = False) -> QPushButton:
    """A button that calls `slot()` when clicked (never with the `checked` argument), `tip` its tooltip.
    `writes`: its action adds, changes or deletes records — for a user who may not (只读), a WriteButton."""
    from ui.ops import write_refusal

    if writes and (refused := write_refusal()):
        return WriteButton(text, refused)
    button = QPushButton(text)
    if tip:
        button.setToolTip(tip)
    button.clicked.connect(lambda: slot())
    return button


def progress_beside(
    row: QHBoxLayout, text: str, *, width: int, maximum: int = 0
) -> tuple[QProgressBar, QLabel]:
    """A slim progress bar without text (at most `width` wide; `maximum` 0: busy, no fraction known) and a grey
    label saying what runs (“正在校验…”), added to `row` beside its buttons."""
    bar = QProgressBar()
    bar.setRange(0, maximum)
    bar.setTextVisible(False)
    bar.setMaximumWidth(width)
    bar.setMaximumHeight(14)
    label = theme.muted(QLabel(text))
    row.addWidget(bar)
    row.addWidget(label)
    return bar, label
