"""学校与学院 settings: asked on first start, editable later in 设置. Two tabs: 学校与学院 (the names and the
details the 三方协议 prints for 甲方: the school, with the college as the unit carrying it out) and 专业群与专业
(groups, their majors and each major's 专业代码). Everything is saved in one transaction."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import settings as svc
from app.services.common import Changes
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, read_now

SPLIT = re.compile(r"[、,，;；/\s]+")
PARTY_LABELS = {  # field → (label for the school, label for the college, placeholder)
    "uscc": ("统一社会信用代码", "", "18位，见事业单位法人证书"),
    "address": ("地址", "地址", "如 长沙市芙蓉区远大二路"),
    "representative": ("法定代表人", "负责人", ""),
    "contact": ("联系人", "联系人", "办理协议的经办人"),
    "phone": ("联系电话", "联系电话", "手机或带区号的固定电话"),
}
MAJORS_TAB = 1


class ProfileDialog(FieldErrors, QDialog):
    def __init__(self, parent: QWidget | None = None, *, first_run: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("欢迎使用产教融合工作台" if first_run else "学校与学院设置")
        self.setMinimumSize(680, 560)
        self.errors = {}
        self.party: dict[str, dict[str, QLineEdit]] = {"school": {}, "college": {}}
        self._codes: dict[str, str] = {}  # major name → 专业代码 as typed (kept while the groups change)
        lay = QVBoxLayout(self)
        if first_run:
            intro = QLabel("第一次使用，请先填写本学院的基本信息。以后可在“设置”中修改。")
            intro.setWordWrap(True)
            lay.addWidget(intro)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._parties_tab(), "学校与学院")
        self.tabs.addTab(self._majors_tab(), "专业群与专业")
        lay.addWidget(self.tabs, 1)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(ERROR_STYLE)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("以后再说" if first_run else "取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._load(
            *read_now(lambda s: (svc.get_profile(s), {w: svc.party_details(s, w) for w in self.party}))
        )

    # ------------------------------------------------------------ layout

    def _parties_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        note = QLabel(
            "三方协议的甲方是学校（法人），二级学院作为实施单位写在甲方之下；以下信息会印在协议上。"
        )
        note.setWordWrap(True)
        note.setStyleSheet("color:#555;")
        v.addWidget(note)
        self.school = QLineEdit(placeholderText="如 湖南生物机电职业技术学院")
        self.college = QLineEdit(placeholderText="如 机电工程学院")
        v.addWidget(self._party_box("school", "学校（甲方）", "学校名称 *", self.school))
        v.addWidget(self._party_box("college", "二级学院（实施单位）", "二级学院 *", self.college))
        v.addStretch(1)
        scroll = QScrollArea()  # error lines under the fields make it taller than a small screen allows
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    def _party_box(self, who: str, title: str, name_label: str, name: QLineEdit) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(name_label, self.with_error(who, name))
        for f, (school_label, college_label, hint) in PARTY_LABELS.items():
            label = school_label if who == "school" else college_label
            if not label:
                continue  # a 二级学院 is no legal person: no code of its own
            edit = QLineEdit(placeholderText=hint)
            self.party[who][f] = edit
            form.addRow(label, self.with_error(f"{who}_{f}", edit))
        return box

    def _majors_tab(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addWidget(QLabel("专业群与专业（一行一个专业群；专业之间用顿号“、”分隔）："))
        self.groups = QTableWidget(0, 2)
        self.groups.setHorizontalHeaderLabels(["专业群", "专业"])
        self.groups.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.groups.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.groups.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.groups.itemChanged.connect(lambda _i: self._refresh_codes())
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
        lay.addWidget(
            QLabel(
                "专业代码：国家高职专科专业目录中的6位代码（如 机电一体化技术 460301），上报表格的专业列使用它。"
            )
        )
        self.codes = QTableWidget(0, 2)
        self.codes.setHorizontalHeaderLabels(["专业", "专业代码"])
        self.codes.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.codes.setColumnWidth(1, 120)
        self.codes.verticalHeader().setVisible(False)
        lay.addWidget(self.codes, 1)
        lay.addWidget(self.error_label("codes"))
        return page

    # ------------------------------------------------------------ loading

    def _load(self, p: svc.CollegeProfile, parties: dict[str, svc.PartyDetails]) -> None:
        self.school.setText(p.school)
        self.college.setText(p.college)
        for who, edits in self.party.items():
            for f, edit in edits.items():
                edit.setText(getattr(parties[who], f))
        for g in p.groups:
            self._codes.update({m: g.code_of(m) for m in g.majors})
            self._add_group(g)
        if not p.groups:
            self._add_group(svc.MajorGroupInfo("", ()))
        self._refresh_codes()

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
        self._refresh_codes()

    # ------------------------------------------------------------ 专业代码

    def _majors(self) -> list[str]:
        out = []
        for r in range(self.groups.rowCount()):
            item = self.groups.item(r, 1)
            out += [m for m in SPLIT.split(item.text() if item else "") if m and m not in out]
        return out

    def _read_codes(self) -> None:
        for r in range(self.codes.rowCount()):
            major, code = self.codes.item(r, 0), self.codes.item(r, 1)
            if major is not None:
                self._codes[major.text()] = code.text().strip() if code else ""

    def _refresh_codes(self) -> None:
        """One row per major named in the groups table, with the code typed for it so far."""
        if not hasattr(self, "codes"):
            return
        self._read_codes()
        majors = self._majors()
        self.codes.setRowCount(len(majors))
        for r, m in enumerate(majors):
            name = QTableWidgetItem(m)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.codes.setItem(r, 0, name)
            self.codes.setItem(r, 1, QTableWidgetItem(self._codes.get(m, "")))

    # ------------------------------------------------------------ saving

    def profile(self) -> svc.CollegeProfile:
        self._read_codes()
        groups = []
        for r in range(self.groups.rowCount()):
            name_item, majors_item = self.groups.item(r, 0), self.groups.item(r, 1)
            name = name_item.text().strip() if name_item else ""
            majors = tuple(m for m in SPLIT.split(majors_item.text() if majors_item else "") if m)
            if not name and not majors:
                continue
            codes = tuple(self._codes.get(m, "") for m in majors)
            groups.append(svc.MajorGroupInfo(name, majors, name_item.data(256) if name_item else None, codes))
        return svc.CollegeProfile(self.school.text(), self.college.text(), tuple(groups))

    def parties(self) -> dict[str, svc.PartyDetails]:
        return {
            who: svc.PartyDetails(**{f: e.text() for f, e in edits.items()})
            for who, edits in self.party.items()
        }

    @Slot()
    def save(self) -> None:
        profile, parties = self.profile(), self.parties()

        def work(s) -> Changes:
            svc.save_profile(s, profile, parties=parties)
            return Changes("settings")

        WriteOp(self, work).success(lambda _c: self.accept()).failure(self.save_failed).run()

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(MAJORS_TAB if first_field in ("groups", "codes") else 0)
