"""设置: a summary of the college profile, where the data lives, 备份与恢复 (ui/backup.py) on the 常规 tab; the
school's and college's details as the 三方协议 prints them and each major's 专业代码 on the 学校与学院 tab; the
college's Word templates on the 模板 tab (ui/templates.py)."""

from __future__ import annotations

import datetime as dt

from app import __version__
from app.compliance.registry import cite_source
from app.db.engine import ATTACHMENTS_ON_SERVER, SERVER_BACKUP
from app.domain.semesters import SemesterCalendar
from app.logs import log_file
from app.services import settings as svc
from app.services.common import Changes
from ui.backup import BackupSection
from ui.forms.record_form import scrolling
from ui.ops import ReadOp, context
from ui.pages.list_page import PAGE_MARGINS, load_and_follow, page_title
from ui.qt import *  # noqa: F403
from ui.rule_sets_panel import RuleSetsPanel
from ui.server_connect import choose_database, choose_local_file
from ui.templates import TemplatesSection
from ui.transfer_flow import transfer_button
from ui.widgets import push_button


class SettingsPage(QWidget):
    title = "设置"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.addWidget(page_title(self.title))
        self.tabs = QTabWidget()
        outer.addWidget(self.tabs, 1)
        general = QWidget()
        lay = QVBoxLayout(general)
        self.tabs.addTab(scrolling(general), "常规")  # scrolls on a low window (1366×768 at 150 %)

        college = QGroupBox("学校与学院")
        form = QFormLayout(college)
        self.school = QLabel()
        self.college = QLabel()
        self.groups = QLabel(wordWrap=True)
        form.addRow("学校：", self.school)
        form.addRow("二级学院：", self.college)
        edit = QPushButton("修改…")
        edit.clicked.connect(self.edit_profile)
        details = QPushButton("查看详细信息")
        details.clicked.connect(lambda: self.tabs.setCurrentWidget(self.details))
        row = QHBoxLayout()  # one line (the groups in full are on the 学校与学院 tab)
        row.addWidget(self.groups, 1)
        row.addWidget(edit)
        row.addWidget(details)
        form.addRow("专业群与专业：", row)
        lay.addWidget(college)

        semesters = QGroupBox("学期日历")
        form = QFormLayout(semesters)
        self.calendar = QLabel()
        self.calendar.setToolTip(
            f"运行报告按学期提交（{cite_source('H第十条(五)')}），学期的起止日期以此为准"
        )
        edit_calendar = QPushButton("修改…")
        edit_calendar.clicked.connect(self.edit_calendar)
        row = QHBoxLayout()
        row.addWidget(self.calendar, 1)
        row.addWidget(edit_calendar)  # at the right, like 学校与学院's 修改…
        form.addRow("学期：", row)
        lay.addWidget(semesters)

        data = QGroupBox("数据")
        form = QFormLayout(data)
        db = context().database
        self.db_label = QLabel(db.display_name)
        self.db_label.setWordWrap(True)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("数据库：" if db.is_server else "数据库文件：", self.db_label)
        place = QHBoxLayout()  # where the next starts open the data: a server, or a file on this PC
        self.server_button = push_button("连接服务器上的数据库…", lambda: choose_database(self, db.location))
        self.server_button.setToolTip(
            "几个人同时使用同一份数据：把数据库放在学校或学院的 PostgreSQL 服务器上"
        )
        self.file_button = push_button("使用本机数据库文件…", lambda: choose_local_file(self, db.location))
        self.transfer_button = transfer_button(self)  # 上传到服务器… / 保存服务器数据到本机文件…
        place.addWidget(self.server_button)
        place.addWidget(self.file_button)
        place.addWidget(self.transfer_button)
        place.addStretch(1)
        form.addRow("", place)
        if db.is_server:  # the college's users, for its 管理员 (ui/server_users_dialog.py)
            from ui.server_users_dialog import users_button

            self.users_button = users_button(self)
            users_row = QHBoxLayout()
            users_row.addWidget(self.users_button)
            users_row.addStretch(1)
            form.addRow("", users_row)
        if db.is_server:
            form.addRow("附件：", QLabel(ATTACHMENTS_ON_SERVER, wordWrap=True))
        else:
            form.addRow("附件文件夹：", QLabel(str(db.attachments_dir), wordWrap=True))
        form.addRow("日志文件：", QLabel(str(log_file()), wordWrap=True))
        buttons = QHBoxLayout()
        folders = [] if db.is_server else [("打开数据文件夹", db.path.parent)]
        for text, folder in (*folders, ("打开日志文件夹", log_file().parent)):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, f=folder: QDesktopServices.openUrl(QUrl.fromLocalFile(str(f))))
            buttons.addWidget(b)
        buttons.addStretch(1)
        form.addRow("", buttons)
        form.addRow("软件版本：", QLabel(__version__))
        lay.addWidget(data)
        if db.is_server:
            self.backups = QGroupBox("备份与恢复")
            QVBoxLayout(self.backups).addWidget(QLabel(SERVER_BACKUP, wordWrap=True))
        else:
            self.backups = BackupSection()
        lay.addWidget(self.backups)
        lay.addStretch(1)
        self.details = self._details_tab()
        self.tabs.addTab(self.details, "学校与学院")
        self.rule_sets = RuleSetsPanel()
        holder = QWidget()
        holder_lay = QVBoxLayout(holder)
        holder_lay.addWidget(self.rule_sets)
        holder_lay.addStretch(1)
        self.tabs.addTab(scrolling(holder), "合规检查依据")
        self.templates = TemplatesSection()
        self.tabs.addTab(self.templates, "模板")
        load_and_follow(self)  # a hidden page reloads when shown

    def _details_tab(self) -> QWidget:
        """The details the 三方协议 and the report tables use, read-only, in a scroll area."""
        inner = QWidget()
        v = QVBoxLayout(inner)
        note = QLabel(
            "三方协议的甲方是学校（法人），二级学院作为实施单位写在甲方之下；协议上的甲方信息取自这里。"
        )
        note.setWordWrap(True)
        v.addWidget(note)
        self.party_labels: dict[str, dict[str, QLabel]] = {}
        for who, title, rows in (
            ("school", "学校（甲方）", (("name", "名称"), ("uscc", "统一社会信用代码"), ("address", "地址"),
                                      ("representative", "法定代表人"), ("contact", "联系人"), ("phone", "联系电话"))),
            ("college", "二级学院（实施单位）", (("name", "名称"), ("address", "地址"), ("representative", "负责人"),
                                             ("contact", "联系人"), ("phone", "联系电话"))),
        ):  # fmt: skip
            box = QGroupBox(title)
            form = QFormLayout(box)
            self.party_labels[who] = {}
            for f, label in rows:
                self.party_labels[who][f] = QLabel(wordWrap=True)
                form.addRow(f"{label}：", self.party_labels[who][f])
            v.addWidget(box)
        majors = QGroupBox("专业群、专业与专业代码")
        form = QFormLayout(majors)
        self.major_codes = QLabel(wordWrap=True)
        form.addRow(self.major_codes)
        v.addWidget(majors)
        edit = QPushButton("修改…")
        edit.clicked.connect(self.edit_profile)
        row = QHBoxLayout()
        row.addWidget(edit)
        row.addStretch(1)
        v.addLayout(row)
        v.addStretch(1)
        return scrolling(inner)

    def show_templates(self) -> None:
        self.tabs.setCurrentWidget(self.templates)

    def reload(self) -> None:
        self.rule_sets.reload()
        ReadOp(
            self,
            lambda s: (
                svc.get_profile(s),
                svc.get_semester_calendar(s),
                {w: svc.party_details(s, w) for w in ("school", "college")},
            ),
        ).success(self._loaded).run()

    def _loaded(
        self, result: tuple[svc.CollegeProfile, SemesterCalendar, dict[str, svc.PartyDetails]]
    ) -> None:
        p, cal, parties = result
        (m1, d1), (m2, d2), (m3, d3) = cal.first_start, cal.second_start, cal.second_end
        end1 = dt.date(2001, m2, d2) - dt.timedelta(days=1)
        self.calendar.setText(
            f"第一学期 {m1}月{d1}日 – 次年{end1.month}月{end1.day}日；第二学期 {m2}月{d2}日 – {m3}月{d3}日"
        )
        self.school.setText(p.school or "（未填写）")
        self.college.setText(p.college or "（未填写）")
        no_code = sum(not g.code_of(m) for g in p.groups for m in g.majors)
        self.groups.setText(
            f"{len(p.groups)}个专业群、{len(p.majors)}个专业"
            + (f"（{no_code}个未填专业代码）" if no_code else "")
            if p.groups
            else "（未填写）"
        )
        self._show_details(p, parties)

    def _show_details(self, p: svc.CollegeProfile, parties: dict[str, svc.PartyDetails]) -> None:
        for who, labels in self.party_labels.items():
            for f, label in labels.items():
                label.setText(getattr(parties[who], f) or "（未填写）")
        self.major_codes.setText(
            "\n".join(
                f"{g.name}："
                + ("、".join(f"{m}（{g.code_of(m) or '未填代码'}）" for m in g.majors) or "（无专业）")
                for g in p.groups
            )
            or "（未填写）"
        )

    @Slot()
    def edit_profile(self) -> None:
        from ui.dialogs.profile_dialog import ProfileDialog

        ProfileDialog(self).exec()

    @Slot()
    def edit_calendar(self) -> None:
        from ui.dialogs.semester_dialog import SemesterDialog

        SemesterDialog(self).exec()

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table == "settings":
            self.refresh()
