"""What a form shows when its save was refused because someone else changed the record meanwhile
(app/services/versions.py): who and when, the fields the other person changed — as the form opened them, as
saved now and as the form holds them — and the ways on: load the other person's version, save over it, or
go back to the form. A record moved to the 回收站 meanwhile may be restored and saved; one deleted for good
can only be left (the form stays open so its text can be copied)."""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import RecordChanged, RecordConflict, RecordDeleted
from app.services.versions import Difference
from ui import theme
from ui.qt import *  # noqa: F403

RELOAD, OVERWRITE, RESTORE = "reload", "overwrite", "restore"


LABEL_WIDTH = 160  # px at most for the field's name: the three values share the rest


class ConflictDialog(QDialog):
    """Asks what to do about a refused save; `choice` is RELOAD, OVERWRITE, RESTORE or None (back to the
    form, nothing saved)."""

    def __init__(
        self, parent: QWidget, refused: RecordConflict, rows: Sequence[tuple[str, Difference]], others: int
    ) -> None:
        super().__init__(parent)
        self.choice: str | None = None
        changed = isinstance(refused, RecordChanged)
        self.setWindowTitle(
            "记录已被他人修改"
            if changed
            else "记录已被删除"
            if isinstance(refused, RecordDeleted)
            else "记录已不存在"
        )
        lay = QVBoxLayout(self)
        text = QLabel(refused.message, wordWrap=True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(text)
        self.table: QTableWidget | None = None
        if changed and rows:
            lay.addWidget(theme.section(QLabel("对方修改了这些内容（加粗的是您也改了的）：")))
            self.table = QTableWidget(len(rows), 4)
            self.table.setHorizontalHeaderLabels(["项目", "您打开时", "对方保存的", "您填写的"])
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.table.verticalHeader().setVisible(False)
            self.table.setWordWrap(True)
            for r, (label, diff) in enumerate(rows):
                both = bool(diff.yours) and diff.yours not in (diff.was, diff.now)  # changed on both sides
                for c, value in enumerate((label, diff.was, diff.now, diff.yours)):
                    item = QTableWidgetItem(value)
                    item.setToolTip("您和对方都修改了这一项" if both else value)
                    if both:
                        font = item.font()
                        font.setBold(True)
                        item.setFont(font)
                    self.table.setItem(r, c, item)
            header = self.table.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)  # a long label leaves the
            self.table.setColumnWidth(
                0, min(self.table.sizeHintForColumn(0) + 12, LABEL_WIDTH)
            )  # values room
            for c in (1, 2, 3):
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
            self.table.resizeRowsToContents()
            lay.addWidget(self.table, 1)
        if changed and others:
            lay.addWidget(QLabel(f"另有 {others} 处其他内容也被对方修改。"))
        buttons = QDialogButtonBox()
        if changed:
            reload = buttons.addButton("载入对方的内容", QDialogButtonBox.ButtonRole.ResetRole)
            reload.setToolTip("放弃您的修改，显示对方保存的内容")
            reload.clicked.connect(lambda: self._choose(RELOAD))
            overwrite = buttons.addButton("仍然保存我的内容", QDialogButtonBox.ButtonRole.AcceptRole)
            overwrite.setToolTip("用表单中的内容覆盖对方的修改")
            overwrite.clicked.connect(lambda: self._choose(OVERWRITE))
        elif isinstance(refused, RecordDeleted):
            restore = buttons.addButton("恢复并保存", QDialogButtonBox.ButtonRole.AcceptRole)
            restore.setToolTip("把这条记录从回收站恢复，并保存表单中的内容")
            restore.clicked.connect(lambda: self._choose(RESTORE))
        back = buttons.addButton(
            "返回表单" if changed or isinstance(refused, RecordDeleted) else "关闭",
            QDialogButtonBox.ButtonRole.RejectRole,
        )
        back.setDefault(True)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        rows_high = 0 if self.table is None else min(len(rows), 8) * 28 + 40
        self.resize(720 if self.table is not None else 480, 170 + rows_high)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()
