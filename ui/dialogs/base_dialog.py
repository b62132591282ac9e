"""实践基地 form, three tabs:

- 基本信息: name, kind, mode, level, the enterprise and agreement it rests on (a 校外 or 产教融合 base must name
  its enterprise), the majors served (checkable), 工位数 and 管理人员, 主要项目, dates, conditions and the
  专项实习经费 the school pays per student (not for a 校内 base).
- 使用记录: the base's usage records (登记使用… / 编辑… / 删除, each its own transaction, written at once), and
  what internships placed at the base add to this semester automatically.
- 耗材与维护费用 (a saved 校内实训基地 only): one row per 学年, edited in place (ui/dialogs/base_costs.py).

保存 writes the base and its cost rows in one transaction (RecordForm.write). The usage tab needs a saved base."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.db.models import BASE_KINDS, BASE_LEVELS, BASE_MODES
from app.errors import ValidationError
from app.services import bases as svc
from app.services.choices import agreement_choices, chosen_labels, enterprise_choices, major_choices
from app.services.common import Changes
from ui import theme
from ui.dialogs.base_costs import CostEdits, CostPanel, write_costs
from ui.dialogs.usage_dialog import UsageDialog
from ui.forms import ChoiceBox, DateField, MoneyEdit, RecordForm, fit_to_content, required, scrolling
from ui.forms.child_table import ChildTable
from ui.forms.fields import MajorChecklist, note_edit
from ui.forms.record_form import id_alias
from ui.operations import bases as ops
from ui.ops import read_now
from ui.qt import *  # noqa: F403

MAX_CHOICES = 5000
USAGE_HEADERS = ["学期", "活动类型", "对象", "专业", "起止日期", "人次", "天数", "人天", "学时", "指导教师"]
USAGE_WIDTHS = [86, 84, 40, 110, 124, 46, 40, 52, 40]
BASIC_TAB, USAGE_TAB, COST_TAB = 0, 1, 2
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _period(u: svc.UsageRow) -> str:
    """2026-09-02至11-19 (the year once when both dates are in it)."""
    if u.starts_on and u.ends_on:
        end = f"{u.ends_on:%m-%d}" if u.ends_on.year == u.starts_on.year else u.ends_on.isoformat()
        return f"{u.starts_on.isoformat()}至{end}"
    return str(u.starts_on or u.ends_on or "")


@dataclass(frozen=True)
class BaseFormData:
    """What 保存 writes: the base, and the cost rows changed in the grid."""

    base: svc.BaseData
    costs: CostEdits = CostEdits()


class BaseDialog(RecordForm):
    geometry_key = "base"
    default_size = (780, 620)
    unsaved_what = "实践基地"
    titles = ("新建实践基地", "实践基地")
    bound_fields = (
        "name kind mode level capacity full_time_managers part_time_managers main_projects established_on address"
        " has_lodging gives_allowance note"
    )
    first_field = "name"

    def __init__(self, parent: QWidget | None = None, base_id: str | None = None) -> None:
        self.usages: list[svc.UsageRow] = []
        self.saved_kind = ""
        super().__init__(parent, base_id)

    base_id = id_alias()

    def build(self) -> None:
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)
        self.majors_all, enterprises, agreements, current = read_now(
            lambda s: (
                major_choices(s),
                enterprise_choices(s, limit=MAX_CHOICES),
                agreement_choices(s, limit=MAX_CHOICES),
                svc.current_semester(s),
            )
        )
        self.tabs.addTab(scrolling(self._basic_tab(enterprises, agreements)), "基本信息")
        self.tabs.addTab(self._usage_tab(), "使用记录")
        self.costs = CostPanel(current)
        costs_box = QWidget()
        v = QVBoxLayout(costs_box)
        v.addWidget(self.costs, 1)
        v.addWidget(self.error_label("costs"))
        self.costs.grid.changed.connect(lambda: self.set_error("costs", ""))
        self.tabs.addTab(costs_box, "耗材与维护费用")

    # ------------------------------------------------------------ 基本信息

    def _basic_tab(self, enterprises, agreements) -> QWidget:
        page = QWidget()
        form = self.form(page)
        self.name = QLineEdit(placeholderText="如：湘江智能装备岗位实习基地")
        form.addRow(required("基地名称"), self.with_error("name", self.name))
        kind_row = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItems(BASE_KINDS)
        self.kind.setCurrentText("校外实践教学基地")
        self.mode = QComboBox()
        self.mode.addItem("（不适用）", "")
        for m in BASE_MODES:
            self.mode.addItem(m, m)
        self.mode.setToolTip(
            f"产教融合实训基地的建设模式：引校进企、引企驻校、校企一体（依据：{cite_source('N四(四)1')}）"
        )
        kind_row.addWidget(self.kind, 1)
        kind_row.addWidget(QLabel("建设模式"))
        kind_row.addWidget(fit_to_content(self.mode))
        form.addRow(required("基地类型"), self.with_error("kind", kind_row))
        self.also_error("mode", "kind")
        self.level = QComboBox()
        self.level.addItems(BASE_LEVELS)
        self.level.setToolTip(
            f"每个专业至少应有一个校级（或以上）校外实践教学示范基地（依据：{cite_source('N四(四)2')}）"
        )
        form.addRow("基地级别", self.with_error("level", self.level))
        self.enterprise = ChoiceBox(enterprises, blank="（无依托企业）")
        self.enterprise.setMinimumContentsLength(24)
        self.enterprise_label = QLabel("依托企业")
        form.addRow(self.enterprise_label, self.with_error("enterprise_id", self.enterprise))
        self.agreement = ChoiceBox(agreements, blank="（无）")
        self.agreement.setMinimumContentsLength(24)
        form.addRow("合作协议", self.with_error("agreement_id", self.agreement))
        self.majors = MajorChecklist(self.majors_all, "勾选基地面向的专业（专业在“设置”中维护）")
        self.majors.itemChanged.connect(lambda _i: self.set_error("major_ids", ""))
        form.addRow("面向专业", self.with_error("major_ids", self.majors))
        self.capacity = QSpinBox(maximum=svc.MAX_CAPACITY, suffix=" 个", specialValueText="未填写")
        self.full_time_managers = QSpinBox(maximum=svc.MAX_MANAGERS, suffix=" 名")
        self.part_time_managers = QSpinBox(maximum=svc.MAX_MANAGERS, suffix=" 名")
        sizes = QHBoxLayout()
        sizes.addWidget(self.capacity)
        sizes.addSpacing(16)
        sizes.addWidget(QLabel("专职管理人员"))
        sizes.addWidget(self.full_time_managers)
        sizes.addSpacing(16)
        sizes.addWidget(QLabel("兼职管理人员"))
        sizes.addWidget(self.part_time_managers)
        sizes.addStretch(1)
        form.addRow("工位数", self.with_error("capacity", sizes))
        for field in ("full_time_managers", "part_time_managers"):
            self.also_error(field, "capacity")
        self.main_projects = QLineEdit(
            placeholderText="主要实习实训项目的全称，以“、”分隔，如：数控车削加工、PLC编程与调试"
        )
        self.main_projects.setToolTip("报表中的“主要项目（全称）”；项目个数按所填名称计")
        form.addRow("主要项目", self.with_error("main_projects", self.main_projects))
        self.established_on = DateField(field="established_on", label="建立日期")
        date_row = QHBoxLayout()
        date_row.addWidget(self.established_on)
        date_row.addStretch(1)
        form.addRow("建立日期", self.with_error("established_on", date_row))
        self.address = QLineEdit(placeholderText="基地地址")
        form.addRow("地址", self.with_error("address", self.address))
        flags = QHBoxLayout()
        self.has_lodging = QCheckBox("有住宿条件")
        self.gives_allowance = QCheckBox("发放实习补贴")
        flags.addWidget(self.has_lodging)
        flags.addWidget(self.gives_allowance)
        flags.addStretch(1)
        form.addRow("条件", flags)
        fee_row = QHBoxLayout()
        self.fee = MoneyEdit("fee_per_student_fen", "专项实习经费", placeholder="未填写")
        self.fee.setToolTip("学校向基地支付的专项实习经费，元/生；未支付填 0，不清楚留空。校内实训基地不填。")
        self.fee.setMaximumWidth(130)
        fee_row.addWidget(self.fee)
        fee_row.addWidget(QLabel("元/生"))
        fee_row.addStretch(1)
        self.fee_label = QLabel("专项实习经费")
        self.fee_label.setToolTip(self.fee.toolTip())
        form.addRow(self.fee_label, self.with_error("fee_per_student_fen", fee_row))
        self.note = note_edit("备注", 60, top=True)
        form.addRow("备注", self.with_error("note", self.note))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        return page

    @Slot()
    def _kind_changed(self) -> None:
        needed = self.kind.currentText() in svc.OFFSITE_KINDS
        self.enterprise_label.setText(required("依托企业") if needed else "依托企业")
        offsite = self.kind.currentText() != svc.ONSITE_KIND
        self.fee.setEnabled(offsite)
        self.fee.setPlaceholderText("未填写" if offsite else "校内不填")
        self._enable_costs()

    def _enable_costs(self) -> None:
        """Costs belong to a saved 校内 base (the kind as saved: the service reads it from the database)."""
        on = bool(self.record_id) and self.saved_kind == svc.ONSITE_KIND
        self.tabs.setTabEnabled(COST_TAB, on)
        why = (
            "保存基地后可登记费用"
            if not self.record_id
            else "只有校内实训基地登记耗材与维护费用（类型改后请先保存）"
        )
        self.tabs.setTabToolTip(COST_TAB, "" if on else why)

    # ------------------------------------------------------------ loading

    def read(self, s: Session, record_id: str):
        b = svc.get_base(s, record_id)
        labels = chosen_labels(s, [b.enterprise_id or ""], [b.agreement_id or ""])
        return b, labels, svc.cost_rows(s, record_id)

    def title_for(self, record) -> str:
        return f"实践基地：{record[0].name}"

    def load_new(self) -> None:
        self.tabs.setTabEnabled(USAGE_TAB, False)
        self.tabs.setTabToolTip(USAGE_TAB, "保存基地后可登记使用记录")
        self._kind_changed()

    def load(self, record) -> None:
        b, labels, costs = record
        self.fill(b)
        self.enterprise.set_value(b.enterprise_id, labels.get(b.enterprise_id or "", ""))
        self.agreement.set_value(b.agreement_id, labels.get(b.agreement_id or "", ""))
        self.majors.set_checked(b.major_ids)
        self.saved_kind = b.kind
        self.fee.set_fen(b.fee_per_student_fen)
        self.costs.set_base(b.id, costs)
        self.reload_usage()
        self._kind_changed()

    # ------------------------------------------------------------ saving

    def base_data(self) -> svc.BaseData:
        return svc.BaseData(
            **self.values(),
            enterprise_id=self.enterprise.value(),
            agreement_id=self.agreement.value(),
            major_ids=self.majors.checked(),
            fee_per_student_fen=self.fee.fen() if self.fee.isEnabled() else None,
        )

    def data(self) -> BaseFormData:
        return BaseFormData(self.base_data(), self.costs.edits())

    def check(self, s: Session, data: BaseFormData) -> list[ValidationError]:
        return [*svc.check_base(s, data.base, self.record_id), *self.costs.check(s, data.costs)]

    def write(self, s: Session, data: BaseFormData) -> Changes:
        write_costs(s, data.costs)  # while the base is still the 校内 base the costs belong to
        return svc.save_base(s, data.base, self.record_id)

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(COST_TAB if first_field == "costs" else BASIC_TAB)

    # ------------------------------------------------------------ 使用记录

    def _usage_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.auto_label = theme.muted(QLabel(wordWrap=True))
        v.addWidget(self.auto_label)
        self.usage_list = ChildTable(
            USAGE_HEADERS,
            USAGE_WIDTHS,
            noun="使用记录",
            add_text="登记使用…",
            empty_text="还没有手工登记的使用记录。安排在本基地的实习会自动计入，见上方说明。",
        )
        self.usage_list.add_wanted.connect(self.add_usage)
        self.usage_list.edit_wanted.connect(lambda _id: self.edit_usage())
        self.usage_list.delete_wanted.connect(self._delete_usages)
        v.addWidget(self.usage_list, 1)
        return page

    def reload_usage(self) -> None:
        bid = self.record_id
        assert bid

        def read(s: Session):
            semester = svc.current_semester(s)
            usage = svc.semester_usage(s, semester, base_ids=[bid])
            return svc.usage_rows(s, bid), semester, usage

        self.usages, semester, usage = read_now(read)
        rows = [
            (u.id, [u.semester, u.activity, u.audience, u.major_name or "—", _period(u), str(u.students),
                    str(u.days), str(u.person_days), str(u.hours) if u.hours else "—", u.teachers])
            for u in self.usages
        ]  # fmt: skip
        self.usage_list.set_rows(rows)
        by_id = {u.id: u for u in self.usages}
        for r in range(self.usage_list.table.rowCount()):
            u = by_id[self.usage_list.table.item(r, 0).data(Qt.ItemDataRole.UserRole)]
            for c in range(5, 9):
                self.usage_list.table.item(r, c).setTextAlignment(RIGHT)
            if u.hours:
                self.usage_list.table.item(r, 8).setToolTip(f"每人{u.hours}学时，共{u.person_hours}人时")
            self.usage_list.table.item(r, 9).setToolTip("\n".join(x for x in (u.teachers, u.note) if x))
        auto = [x for x in usage.lines if x.source == "实习记录"]
        if auto:
            parts = "；".join(
                f"{x.major_name} {x.activity} {x.totals.students}人次 {x.totals.person_days}人天"
                for x in auto
            )
            text = f"本学期（{semester}）安排在本基地的实习自动计入：{parts}。"
        else:
            text = f"本学期（{semester}）没有安排在本基地的实习。"
        t = usage.base_totals(bid)
        self.auto_label.setText(
            f"{text}\n本学期合计：{t.activities}项活动，{t.students}人次，{t.person_days}人天，指导教师{t.teachers}人次。"
            "同一专业、活动类型手工登记后，以手工登记为准。"
        )
        self.tabs.setTabText(USAGE_TAB, f"使用记录（{len(self.usages)}）" if self.usages else "使用记录")

    def selected_usage(self) -> svc.UsageRow | None:
        ids = self.usage_list.selected_ids()
        return next((u for u in self.usages if ids and u.id == ids[0]), None)

    def _base_majors(self):
        mine = set(self.majors.checked())
        return [c for c in self.majors_all if c.id in mine] + [c for c in self.majors_all if c.id not in mine]

    @Slot()
    def add_usage(self) -> None:
        if self.record_id and UsageDialog(self, self.record_id, self._base_majors()).exec():
            self.reload_usage()

    @Slot()
    def edit_usage(self) -> None:
        u = self.selected_usage()
        if (
            u is not None
            and self.record_id
            and UsageDialog(self, self.record_id, self._base_majors(), u).exec()
        ):
            self.reload_usage()

    @Slot()
    def delete_usage(self) -> None:
        """Delete the selected usage record (after asking)."""
        self.usage_list.delete_selected()

    def _delete_usages(self, ids: list[str]) -> None:
        ops.delete_usages(self, ids, lambda _c: self.reload_usage())
