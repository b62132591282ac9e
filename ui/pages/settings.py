"""设置: the college profile, where the data lives, and 备份与恢复 (ui/backup.py)."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import __version__
from app.logs import log_file
from app.services import settings as svc
from app.services.common import Changes
from ui.backup import BackupSection
from ui.ops import ReadOp, context


class SettingsPage(QWidget):
    title = "设置"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        heading = QLabel(self.title)
        heading.setStyleSheet("font-size:15pt;font-weight:bold;")
        lay.addWidget(heading)

        college = QGroupBox("学校与学院")
        form = QFormLayout(college)
        self.school = QLabel()
        self.college = QLabel()
        self.groups = QLabel(wordWrap=True)
        form.addRow("学校：", self.school)
        form.addRow("二级学院：", self.college)
        form.addRow("专业群与专业：", self.groups)
        edit = QPushButton("修改…")
        edit.clicked.connect(self.edit_profile)
        row = QHBoxLayout()
        row.addWidget(edit)
        row.addStretch(1)
        form.addRow("", row)
        lay.addWidget(college)

        data = QGroupBox("数据")
        form = QFormLayout(data)
        db = context().database
        self.db_label = QLabel(str(db.path))
        self.db_label.setWordWrap(True)
        form.addRow("数据库文件：", self.db_label)
        form.addRow("附件文件夹：", QLabel(str(db.attachments_dir), wordWrap=True))
        form.addRow("日志文件：", QLabel(str(log_file()), wordWrap=True))
        buttons = QHBoxLayout()
        for text, folder in (("打开数据文件夹", db.path.parent), ("打开日志文件夹", log_file().parent)):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, f=folder: QDesktopServices.openUrl(QUrl.fromLocalFile(str(f))))
            buttons.addWidget(b)
        buttons.addStretch(1)
        form.addRow("", buttons)
        form.addRow("软件版本：", QLabel(__version__))
        lay.addWidget(data)
        self.backups = BackupSection()
        lay.addWidget(self.backups, 1)
        context().changes_applied.connect(self._on_changes)
        self.reload()

    def reload(self) -> None:
        ReadOp(self, svc.get_profile).success(self._loaded).run()

    def _loaded(self, p: svc.CollegeProfile) -> None:
        self.school.setText(p.school or "（未填写）")
        self.college.setText(p.college or "（未填写）")
        self.groups.setText(
            "\n".join(f"{g.name}：{'、'.join(g.majors) or '（无专业）'}" for g in p.groups) or "（未填写）"
        )

    @Slot()
    def edit_profile(self) -> None:
        from ui.dialogs.profile_dialog import ProfileDialog

        ProfileDialog(self).exec()

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table == "settings":
            self.reload()
