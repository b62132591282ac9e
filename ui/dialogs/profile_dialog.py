"""学校与学院 settings: asked on first start, editable later in 设置. Two tabs: 学校与学院 (the names and the
details the 三方协议 prints for 甲方: the school, with the college as the unit carrying it out) and 专业群与专业
(groups, their majors and each major's 专业代码, in grids edited like a spreadsheet: one click edits a cell,
Ctrl+V pastes from Excel, Enter moves down). Everything is saved in one transaction."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from app.services import settings as svc
from app.services.common import Changes
from ui import theme
from ui.forms import required
from ui.forms.grid import EditGrid, GridColumn
from ui.forms.record_form import RecordForm, scrolling
from ui.ops import read_now
from ui.qt import *  # noqa: F403

SPLIT = re.compile(r"[、,，;；/\s]+")
PARTY_LABELS = {  # field → (label for the school, label for the college, placeholder)
    "uscc": ("统一社会信用代码", "", "18位，见事业单位法人证书"),
    "address": ("地址", "地址", "如 长沙市芙蓉区远大二路"),
    "representative": ("法定代表人", "负责人", ""),
    "contact": ("联系人", "联系人", "办理协议的经办人"),
    "phone": ("联系电话", "联系电话", "手机或带区号的固定电话"),
}
MAJORS_TAB = 1
Data = tuple[svc.CollegeProfile, dict[str, svc.PartyDetails]]


class ProfileDialog(RecordForm):
    geometry_key = "profile"
    default_size = (760, 600)
    unsaved_what = "学校与学院设置"
    titles = ("学校与学院设置", "学校与学院设置")

    def __init__(self, parent: QWidget | None = None, *, first_run: bool = False) -> None:
        self.first_run = first_run
        if first_run:
            self.titles = ("欢迎使用产教融合工作台", "欢迎使用产教融合工作台")
            self.cancel_text = "以后再说"
        self.party: dict[str, dict[str, QLineEdit]] = {"school": {}, "college": {}}
        self._codes: dict[str, str] = {}  # major name → 专业代码 as typed (kept while the groups change)
        super().__init__(parent)

    # ------------------------------------------------------------ layout

    def build(self) -> None:
        if self.first_run:
            intro = QLabel("第一次使用，请先填写本学院的基本信息。以后可在“设置”中修改。", wordWrap=True)
            self.body.addWidget(intro)
        self.tabs = QTabWidget()
        self.tabs.addTab(scrolling(self._parties_tab()), "学校与学院")
        self.tabs.addTab(self._majors_tab(), "专业群与专业")
        self.body.addWidget(self.tabs, 1)

    def _parties_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        note = theme.muted(
            QLabel(
                "三方协议的甲方是学校（法人），二级学院作为实施单位写在甲方之下；以下信息会印在协议上。",
                wordWrap=True,
            )
        )
        v.addWidget(note)
        self.school = QLineEdit(placeholderText="如 湖南生物机电职业技术学院")
        self.college = QLineEdit(placeholderText="如 机电工程学院")
        boxes = (
            self._party_box("school", "学校（甲方）", required("学校名称"), self.school),
            self._party_box("college", "二级学院（实施单位）", required("二级学院"), self.college),
        )
        labels = [
            label for box in boxes for label in box.findChildren(QLabel) if box.layout().indexOf(label) >= 0
        ]
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:  # the two boxes' fields start at one line
            label.setMinimumWidth(width)
        for box in boxes:
            v.addWidget(box)
        v.addStretch(1)
        return page

    def _party_box(self, who: str, title: str, name_label: str, name: QLineEdit) -> QGroupBox:
        box = QGroupBox(title)
        form = self.form(box)
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
        lay.addWidget(
            theme.muted(
                QLabel(
                    "一行一个专业群，专业之间用顿号“、”分隔。单击格子即可修改，可从 Excel 复制后按 Ctrl+V 粘贴。",
                    wordWrap=True,
                )
            )
        )
        self.groups = EditGrid(
            [
                GridColumn("name", "专业群", width=180, max_length=100),
                GridColumn("majors", "专业", stretch=True),
            ],
            add_text="添加专业群",
            empty_text="还没有专业群：点“添加专业群”，或从 Excel 复制两列（专业群、专业）后按 Ctrl+V",
        )
        self.groups.changed.connect(self._refresh_codes)
        lay.addWidget(self.groups, 3)
        lay.addWidget(groups_error := self.error_label("groups"))
        self.watch(self.groups, groups_error)
        lay.addWidget(
            theme.muted(
                QLabel(
                    "专业代码：国家高职专科专业目录中的6位代码（如 机电一体化技术 460301），"
                    "上报表格的专业列使用它。",
                    wordWrap=True,
                )
            )
        )
        self.codes = EditGrid(
            [
                GridColumn("major", "专业", stretch=True, readonly=True),
                GridColumn("code", "专业代码", width=120, max_length=6),
            ],
            add_text="",
            remove_text="",
            empty_text="在上面的专业群里写上专业后，这里填它们的专业代码",
        )
        lay.addWidget(self.codes, 2)
        lay.addWidget(codes_error := self.error_label("codes"))
        self.watch(self.codes, codes_error)
        return page

    # ------------------------------------------------------------ loading

    def load_new(self) -> None:
        p, parties = read_now(
            lambda s: (svc.get_profile(s), {w: svc.party_details(s, w) for w in self.party})
        )
        self.school.setText(p.school)
        self.college.setText(p.college)
        for who, edits in self.party.items():
            for f, edit in edits.items():
                edit.setText(getattr(parties[who], f))
        for g in p.groups:
            self._codes.update({m: g.code_of(m) for m in g.majors})
        rows = [{"id": g.id, "name": g.name, "majors": "、".join(g.majors)} for g in p.groups]
        self.groups.set_rows(rows or [{}])
        self._refresh_codes()

    # ------------------------------------------------------------ 专业代码

    def _majors(self) -> list[str]:
        out: list[str] = []
        for row in self.groups.rows():
            out += [m for m in SPLIT.split(row["majors"]) if m and m not in out]
        return out

    def _read_codes(self) -> None:
        for row in self.codes.rows():
            if row["major"]:
                self._codes[row["major"]] = row["code"].strip()

    def _refresh_codes(self) -> None:
        """One row per major named in the groups grid, with the code typed for it so far."""
        self._read_codes()
        self.codes.set_rows([{"major": m, "code": self._codes.get(m, "")} for m in self._majors()])

    # ------------------------------------------------------------ saving

    def profile(self) -> svc.CollegeProfile:
        self._read_codes()
        groups = []
        for row in self.groups.rows():
            name = row["name"].strip()
            majors = tuple(m for m in SPLIT.split(row["majors"]) if m)
            if not name and not majors:
                continue
            codes = tuple(self._codes.get(m, "") for m in majors)
            groups.append(svc.MajorGroupInfo(name, majors, row["id"] or None, codes))
        return svc.CollegeProfile(self.school.text(), self.college.text(), tuple(groups))

    def parties(self) -> dict[str, svc.PartyDetails]:
        return {
            who: svc.PartyDetails(**{f: e.text() for f, e in edits.items()})
            for who, edits in self.party.items()
        }

    def data(self) -> Data:
        return self.profile(), self.parties()

    def write(self, s: Session, data: Data) -> Changes:
        profile, parties = data
        svc.save_profile(s, profile, parties=parties)
        return Changes("settings")

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(MAJORS_TAB if first_field in ("groups", "codes") else 0)
