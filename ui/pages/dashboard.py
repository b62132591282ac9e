"""工作台: the college at a glance. Later areas add their reminders here."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db.models import ENTERPRISE_CATEGORIES, ENTERPRISE_STATUSES
from app.services import enterprise_list as listing
from app.services import settings as settings_svc
from app.services.common import Changes
from ui.ops import ReadOp, context


class _Card(QFrame):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setStyleSheet("#card{background:white;border:1px solid #dcdfe6;border-radius:6px;}")
        v = QVBoxLayout(self)
        self.value = QLabel("–")
        self.value.setStyleSheet("font-size:22pt;font-weight:bold;color:#1f4e79;")
        label = QLabel(title)
        label.setStyleSheet("color:#555;")
        v.addWidget(self.value)
        v.addWidget(label)


class DashboardPage(QWidget):
    title = "工作台"
    open_enterprise = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        self.heading = QLabel(self.title)
        self.heading.setStyleSheet("font-size:15pt;font-weight:bold;")
        lay.addWidget(self.heading)
        cards = QHBoxLayout()
        self.cards = {"total": _Card("合作企业（家）")}
        for status in ENTERPRISE_STATUSES:
            self.cards[status] = _Card(status)
        for card in self.cards.values():
            cards.addWidget(card)
        lay.addLayout(cards)
        lower = QHBoxLayout()
        left_box = QGroupBox("企业类别（H第八条(一)）")
        left_box.setMaximumWidth(320)
        left = QVBoxLayout(left_box)
        self.categories = QGridLayout()
        self.category_labels = {}
        for i, c in enumerate(ENTERPRISE_CATEGORIES):
            name = QLabel(c)
            value = QLabel("0")
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.categories.addWidget(name, i, 0)
            self.categories.addWidget(value, i, 1)
            self.category_labels[c] = value
        left.addLayout(self.categories)
        left.addStretch(1)
        lower.addWidget(left_box)
        right_box = QGroupBox("最近修改的企业（双击打开）")
        right = QVBoxLayout(right_box)
        self.recent = QListWidget()
        self.recent.itemDoubleClicked.connect(self._open)
        right.addWidget(self.recent)
        lower.addWidget(right_box, 1)
        lay.addLayout(lower, 1)
        context().changes_applied.connect(self._on_changes)
        self.reload()

    def reload(self) -> None:
        ReadOp(self, lambda s: (listing.overview(s), settings_svc.get_profile(s))).success(self._loaded).run()

    def _loaded(self, result) -> None:
        ov, profile = result
        college = f"{profile.school} {profile.college}".strip()
        self.heading.setText(f"工作台 — {college}" if college else "工作台")
        self.cards["total"].value.setText(str(ov.total))
        for status in ENTERPRISE_STATUSES:
            self.cards[status].value.setText(str(ov.by_status.get(status, 0)))
        for c, label in self.category_labels.items():
            label.setText(str(ov.by_category.get(c, 0)))
        self.recent.clear()
        for eid, name, at in ov.recent:
            item = QListWidgetItem(f"{at.astimezone():%Y-%m-%d %H:%M}   {name}")
            item.setData(Qt.ItemDataRole.UserRole, eid)
            self.recent.addItem(item)
        if not ov.recent:
            self.recent.addItem("还没有企业。到“合作企业档案”新建或从 Excel 导入。")

    @Slot(QListWidgetItem)
    def _open(self, item: QListWidgetItem) -> None:
        eid = item.data(Qt.ItemDataRole.UserRole)
        if eid:
            self.open_enterprise.emit(eid)

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        self.reload()
