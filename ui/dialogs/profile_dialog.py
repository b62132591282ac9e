"""学校与学院 settings: asked on first start, editable later in 设置."""

from __future__ import annotations

import re

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import settings as svc
from app.services.common import Changes
from ui.errors import show_error
from ui.ops import WriteOp, read_now

SPLIT = re.compile(r"[、,，;；/\s]+")


class ProfileDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, first_run: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("欢迎使用产教融合工作台" if first_run else "学校与学院设置")
        self.setMinimumSize(640, 460)
        lay = QVBoxLayout(self)
        if first_run:
            intro = QLabel("第一次使用，请先填写本学院的基本信息。以后可在“设置”中修改。")
            intro.setWordWrap(True)
            lay.addWidget(intro)
        form = QFormLayout()
        self.school = QLineEdit(placeholderText="如 湖南生物机电职业技术学院")
        self.college = QLineEdit(placeholderText="如 机电工程学院")
        form.addRow("学校名称 *", self.school)
        form.addRow("二级学院 *", self.college)
        lay.addLayout(form)
        lay.addWidget(QLabel("专业群与专业（一行一个专业群；专业之间用顿号“、”分隔）："))
        self.groups = QTableWidget(0, 2)
        self.groups.setHorizontalHeaderLabels(["专业群", "专业"])
        self.groups.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.groups.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.groups.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        lay.addWidget(self.groups, 1)
        row = QHBoxLayout()
        add = QPushButton("添加专业群")
        add.clicked.connect(lambda: self._add_group(svc.MajorGroupInfo("", ())))
        remove = QPushButton("删除所选")
        remove.clicked.connect(self._remove_groups)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        lay.addLayout(row)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet("color:#c42b1c;")
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("以后再说" if first_run else "取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._load(read_now(svc.get_profile))

    def _load(self, p: svc.CollegeProfile) -> None:
        self.school.setText(p.school)
        self.college.setText(p.college)
        for g in p.groups:
            self._add_group(g)
        if not p.groups:
            self._add_group(svc.MajorGroupInfo("", ()))

    def _add_group(self, g: svc.MajorGroupInfo) -> None:
        r = self.groups.rowCount()
        self.groups.insertRow(r)
        name = QTableWidgetItem(g.name)
        name.setData(256, g.id)
        self.groups.setItem(r, 0, name)
        self.groups.setItem(r, 1, QTableWidgetItem("、".join(g.majors)))

    @Slot()
    def _remove_groups(self) -> None:
        for r in sorted({i.row() for i in self.groups.selectedIndexes()}, reverse=True):
            self.groups.removeRow(r)

    def profile(self) -> svc.CollegeProfile:
        groups = []
        for r in range(self.groups.rowCount()):
            name_item, majors_item = self.groups.item(r, 0), self.groups.item(r, 1)
            name = name_item.text().strip() if name_item else ""
            majors = tuple(m for m in SPLIT.split(majors_item.text() if majors_item else "") if m)
            if not name and not majors:
                continue
            groups.append(svc.MajorGroupInfo(name, majors, name_item.data(256) if name_item else None))
        return svc.CollegeProfile(self.school.text(), self.college.text(), tuple(groups))

    @Slot()
    def save(self) -> None:
        profile = self.profile()

        def work(s) -> Changes:
            svc.save_profile(s, profile)
            return Changes("settings")

        WriteOp(self, work).success(lambda _c: self.accept()).failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        from app.errors import ValidationErrors

        if isinstance(exc, ValidationErrors):
            self.message.setText("；".join(e.message for e in exc.errors))
        else:
            show_error(self, exc)
