"""编辑 → 撤销 / 重做: the last actions of the user, newest first (Ctrl+Z / Ctrl+Shift+Z).

An action is undoable when its write was journaled (app/services/undo.py): a record form's save (an edit, a
new record), a whole import. The stack hears of it through the change bus (`DbContext.changes_applied`, emitted
when the write committed) and takes the journal. A delete with an undo bar (ui/widgets.UndoBar) registers its
bar: 撤销 then does what the bar's button does (the page restores from the 回收站).

An undo that cannot be done (the record changed since) says why and leaves the data as it is; its step is
dropped. Undoing a step makes its redo available until the next new action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import shiboken6

from app.services import undo as core
from app.services.common import Changes
from ui.operations import undo as undo_ops
from ui.ops import DbContext, context
from ui.qt import *  # noqa: F403

LIMIT = 30  # steps kept
SHOWN = 24  # characters of an action's name in the menu


@dataclass
class JournalStep:
    journal: core.Journal

    @property
    def label(self) -> str:
        return self.journal.label

    def run(self, parent: QWidget, done: Callable[[JournalStep | None], None], failed: Callable) -> None:
        def finished(changes: core.UndoChanges) -> None:
            done(JournalStep(changes.inverse) if changes.inverse else None)

        undo_ops.undo_action(parent, self.journal, finished, failed)


@dataclass
class BarStep:
    """A delete whose page shows an undo bar: undoing it is the bar's 撤销 (restore from the 回收站)."""

    label: str
    bar: QWidget

    def alive(self) -> bool:
        return shiboken6.isValid(self.bar)

    def run(self, parent: QWidget, done: Callable[[JournalStep | None], None], failed: Callable) -> None:
        if not self.alive():
            failed(RuntimeError("该页面已关闭，请到回收站恢复。"))
            return
        self.bar.undo_now()  # type: ignore[attr-defined]
        done(None)


Step = JournalStep | BarStep


class UndoStack(QObject):
    changed = Signal()

    def __init__(self, ctx: DbContext) -> None:
        super().__init__(ctx)
        self.undo_steps: list[Step] = []
        self.redo_steps: list[Step] = []
        self.busy = False
        ctx.changes_applied.connect(self._applied)

    def _applied(self, changes: Changes) -> None:
        journal = core.take(changes)
        if journal:
            self.push(JournalStep(journal))

    def push(self, step: Step, *, new: bool = True) -> None:
        self.undo_steps.append(step)
        del self.undo_steps[:-LIMIT]
        if new:
            self.redo_steps.clear()
        self.changed.emit()

    def push_bar(self, bar: QWidget, label: str) -> None:
        """A delete the bar can undo; an older delete of the same bar can no longer be undone from here (the
        page keeps only the last one)."""
        self.forget_bar(bar)
        self.push(BarStep(label, bar))

    def forget_bar(self, bar: QWidget) -> None:
        before = len(self.undo_steps)
        self.undo_steps = [s for s in self.undo_steps if not (isinstance(s, BarStep) and s.bar is bar)]
        if len(self.undo_steps) != before:
            self.changed.emit()

    def clear(self) -> None:
        self.undo_steps.clear()
        self.redo_steps.clear()
        self.changed.emit()

    def undo_label(self) -> str:
        return self.undo_steps[-1].label if self.undo_steps else ""

    def redo_label(self) -> str:
        return self.redo_steps[-1].label if self.redo_steps else ""

    def undo(self, parent: QWidget) -> None:
        self._run(parent, self.undo_steps, self.redo_steps, "撤销")

    def redo(self, parent: QWidget) -> None:
        self._run(parent, self.redo_steps, self.undo_steps, "重做")

    def _run(self, parent: QWidget, source: list[Step], target: list[Step], verb: str) -> None:
        if self.busy or not source:
            return
        step = source.pop()
        self.busy = True
        self.changed.emit()

        def done(opposite: JournalStep | None) -> None:
            self.busy = False
            if opposite is not None and opposite.journal:
                target.append(opposite)
            self.changed.emit()

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.changed.emit()
            from ui.errors import show_error

            show_error(parent, exc, f"无法{verb}“{step.label}”")

        step.run(parent, done, failed)


_stacks: dict[int, UndoStack] = {}


def stack() -> UndoStack:
    """The stack of the open database (a new database starts with an empty one)."""
    ctx = context()
    found = _stacks.get(id(ctx))
    if found is None or not shiboken6.isValid(found) or found.parent() is not ctx:
        found = _stacks[id(ctx)] = UndoStack(ctx)
    return found


def register_bar(bar: QWidget, label: str) -> None:
    try:
        stack().push_bar(bar, label)
    except RuntimeError:  # no database open (a widget test without one): nothing to undo
        pass


def forget_bar(bar: QWidget) -> None:
    try:
        stack().forget_bar(bar)
    except RuntimeError:
        pass


def _shown(label: str) -> str:
    return label if len(label) <= SHOWN else label[: SHOWN - 1] + "…"


class UndoActions(QObject):
    """编辑 → 撤销“…” (Ctrl+Z) and 重做“…” (Ctrl+Shift+Z), named after the action they undo / redo.

    A child of its window, and the app-wide stack reaches it through a slot: when the window goes (a new one
    after a restore from a backup), Qt drops the connection, and nothing keeps the closed window alive."""

    def __init__(self, window: QWidget, menu: QMenu, before: QAction | None = None) -> None:
        super().__init__(window)
        self.undo = QAction("撤销", window)
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo = QAction("重做", window)
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
        self.undo.triggered.connect(lambda: stack().undo(window))
        self.redo.triggered.connect(lambda: stack().redo(window))
        if before is not None:
            menu.insertActions(before, [self.undo, self.redo])
        else:
            menu.addActions([self.undo, self.redo])
        self.stack = stack()
        self.stack.clear()  # a new window (at start, after a restore from a backup) starts with nothing to undo
        self.stack.changed.connect(self.update)
        self.update()

    @Slot()
    def update(self) -> None:
        s = self.stack
        undo, redo = s.undo_label(), s.redo_label()
        self.undo.setText(f"撤销“{_shown(undo)}”" if undo else "撤销")
        self.undo.setToolTip(f"撤销“{undo}”" if undo else "没有可撤销的操作")
        self.undo.setEnabled(bool(undo) and not s.busy)
        self.redo.setText(f"重做“{_shown(redo)}”" if redo else "重做")
        self.redo.setEnabled(bool(redo) and not s.busy)
