"""实践基地 form (N四(四)), three tabs:

- 基本信息: name, kind, mode, level, the enterprise and agreement it rests on (a 校外 or 产教融合 base must name
  its enterprise), the majors served (checkable), 工位数 and 管理人员, 主要项目, dates, conditions and the
  专项实习经费 the school pays per student (not for a 校内 base); 保存 is one WriteOp.
- 使用记录: the base's usage records (登记使用… / 编辑… / 删除, each its own transaction, written at once), and
  what internships placed at the base add to this semester automatically.
- 耗材与维护费用 (校内实训基地 only): one row per 学年 (ui/dialogs/base_costs.py).

The last two tabs need a saved base: on a new one they say so."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.db.models import BASE_KINDS, BASE_LEVELS, BASE_MODES
from app.domain.money import format_money, parse_money
from app.errors import ValidationError
from app.services import bases as svc
from app.services.choices import agreement_choices, chosen_labels, enterprise_choices, major_choices
from ui.dialogs.base_costs import CostPanel
from ui.dialogs.usage_dialog import UsageDialog
from ui.form import ERROR_STYLE, FieldErrors, SaveFlow
from ui.ops import WriteOp, read_now
from ui.widgets import OptionalDate, confirm

MAX_CHOICES = 5000
USAGE_HEADERS = ["学期", "活动类型", "对象", "专业", "起止日期", "人次", "天数", "人天", "学时", "指导教师"]
COST_TAB = 2


def choice_box(items, blank: str) -> QComboBox:
    """A combo of (label, id) with a blank first item; typing filters by any part of the name."""
    box = QComboBox(editable=True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItem(blank, "")
    for c in items:
        box.addItem(c.label, c.id)
    box.completer().setFilterMode(Qt.MatchFlag.MatchContains)
    box.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    box.setMinimumContentsLength(24)
    return box


def set_choice(box: QComboBox, record_id: str | None, label: str = "") -> None:
    if record_id and box.findData(record_id) < 0:
        box.addItem(label or "（已删除）", record_id)
    box.setCurrentIndex(max(0, box.findData(record_id or "")))


def chosen(box: QComboBox) -> str | None:
    """The chosen id; typed text that matches no item counts as nothing chosen."""
    i = box.findText(box.currentText())
    return (box.itemData(i) or None) if i >= 0 else None


def _period(u: svc.UsageRow) -> str:
    """2026-09-02至11-19 (the year once when both dates are in it)."""
    if u.starts_on and u.ends_on:
        end = f"{u.ends_on:%m-%d}" if u.ends_on.year == u.starts_on.year else u.ends_on.isoformat()
        return f"{u.starts_on.isoformat()}至{end}"
    return str(u.starts_on or u.ends_on or "")


class BaseDialog(SaveFlow, FieldErrors, QDialog):
    unsaved_what = "基本信息"

    def form_state(self) -> object:
        return self.state()

    def __init__(self, parent: QWidget | None = None, base_id: str | None = None) -> None:
        super().__init__(parent)
        self.base_id = base_id
        self.saved_id: str | None = None
        self._saving = False
        self.usages: list[svc.UsageRow] = []
        self.errors: dict[str, QLabel] = {}
        self.setWindowTitle("实践基地" if base_id else "新建实践基地")
        self.resize(760, 660)
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self.majors_all, enterprises, agreements = read_now(
            lambda s: (
                major_choices(s),
                enterprise_choices(s, limit=MAX_CHOICES),
                agreement_choices(s, limit=MAX_CHOICES),
            )
        )
        self.tabs.addTab(self._basic_tab(enterprises, agreements), "基本信息")
        self.tabs.addTab(self._usage_tab(), "使用记录")
        self.costs = CostPanel()
        self.tabs.addTab(self.costs, "耗材与维护费用")
        self.saved_kind = ""
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存（Ctrl+S）", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        if base_id:
            self._load(read_now(lambda s: svc.get_base(s, base_id)))
            self.reload_usage()
            self.costs.set_base(base_id)
        else:
            self.tabs.setTabEnabled(1, False)
            self.tabs.setTabToolTip(1, "保存基地后可登记使用记录")
        self._kind_changed()
        self._initial = self.state()
        self.name.setFocus()

    # ------------------------------------------------------------ 基本信息

    def _basic_tab(self, enterprises, agreements) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        self.name = QLineEdit(placeholderText="如：湘江智能装备岗位实习基地")
        form.addRow("基地名称*", self.with_error("name", self.name))
        kind_row = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItems(BASE_KINDS)
        self.kind.setCurrentText("校外实践教学基地")
        self.mode = QComboBox()
        self.mode.addItem("（不适用）", "")
        for m in BASE_MODES:
            self.mode.addItem(m, m)
        self.mode.setToolTip("产教融合实训基地的建设模式（N四(四)1）：引校进企、引企驻校、校企一体")
        kind_row.addWidget(self.kind, 1)
        kind_row.addWidget(QLabel("建设模式"))
        kind_row.addWidget(self.mode)
        form.addRow("基地类型*", self.with_error("kind", kind_row))
        self.errors["mode"] = self.errors["kind"]
        self.level = QComboBox()
        self.level.addItems(BASE_LEVELS)
        self.level.setToolTip("每个专业至少应有一个校级（或以上）校外实践教学示范基地（N四(四)2）")
        form.addRow("基地级别", self.with_error("level", self.level))
        self.enterprise = choice_box(enterprises, "（无依托企业）")
        self.enterprise_label = QLabel("依托企业")
        form.addRow(self.enterprise_label, self.with_error("enterprise_id", self.enterprise))
        self.agreement = choice_box(agreements, "（无）")
        form.addRow("合作协议", self.with_error("agreement_id", self.agreement))
        self.majors = QListWidget()
        self.majors.setFlow(QListView.Flow.LeftToRight)
        self.majors.setWrapping(True)
        self.majors.setResizeMode(QListView.ResizeMode.Adjust)
        self.majors.setSpacing(2)
        self.majors.setFixedHeight(64)
        self.majors.setToolTip("勾选基地面向的专业（专业在“设置”中维护）")
        for c in self.majors_all:
            self._add_major(c.id, c.label)
        form.addRow("面向专业", self.with_error("major_ids", self.majors))
        self.capacity = QSpinBox(maximum=svc.MAX_CAPACITY, suffix=" 个", specialValueText="未填写")
        self.full_time_managers = QSpinBox(maximum=svc.MAX_MANAGERS, suffix=" 名")
        self.part_time_managers = QSpinBox(maximum=svc.MAX_MANAGERS, suffix=" 名")
        sizes = QHBoxLayout()
        sizes.addWidget(self.capacity)
        sizes.addSpacing(16)
        sizes.addWidget(QLabel("专职管理人员"))
        sizes.addWidget(self.full_time_managers)
        sizes.addWidget(QLabel("兼职管理人员"))
        sizes.addWidget(self.part_time_managers)
        sizes.addStretch(1)
        form.addRow("工位数", self.with_error("capacity", sizes))
        for field in ("full_time_managers", "part_time_managers"):
            self.errors[field] = self.errors["capacity"]
        self.main_projects = QLineEdit(
            placeholderText="主要实习实训项目的全称，以“、”分隔，如：数控车削加工、PLC编程与调试"
        )
        self.main_projects.setToolTip("报表中的“主要项目（全称）”；项目个数按所填名称计")
        form.addRow("主要项目", self.with_error("main_projects", self.main_projects))
        self.established_on = OptionalDate()
        form.addRow("建立日期", self.with_error("established_on", self.established_on))
        self.address = QLineEdit(placeholderText="基地地址")
        form.addRow("地址", self.with_error("address", self.address))
        flags = QHBoxLayout()
        self.has_lodging = QCheckBox("有住宿条件")
        self.gives_allowance = QCheckBox("发放实习补贴")
        flags.addWidget(self.has_lodging)
        flags.addWidget(self.gives_allowance)
        flags.addSpacing(16)
        self.fee_label = QLabel("学校支付专项实习经费")
        self.fee = QLineEdit(placeholderText="未填写")
        self.fee.setToolTip("学校向基地支付的专项实习经费，元/生；未支付填 0，不清楚留空。校内实训基地不填。")
        self.fee.setMaximumWidth(110)
        flags.addWidget(self.fee_label)
        flags.addWidget(self.fee)
        flags.addWidget(QLabel("元/生"))
        flags.addStretch(1)
        form.addRow("条件", self.with_error("fee_per_student_fen", flags))
        self.note = QPlainTextEdit(placeholderText="备注")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(60)
        form.addRow("备注", self.note)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        return page

    def _add_major(self, major_id: str, label: str, checked: bool = False) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, major_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.majors.addItem(item)

    def checked_majors(self) -> tuple[str, ...]:
        items = (self.majors.item(i) for i in range(self.majors.count()))
        return tuple(
            it.data(Qt.ItemDataRole.UserRole) for it in items if it.checkState() == Qt.CheckState.Checked
        )

    def set_majors(self, major_ids) -> None:
        listed = set()
        for i in range(self.majors.count()):
            item = self.majors.item(i)
            listed.add(item.data(Qt.ItemDataRole.UserRole))
            on = item.data(Qt.ItemDataRole.UserRole) in major_ids
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        for major_id in major_ids:
            if major_id not in listed:
                self._add_major(major_id, "（已从设置中删除的专业）", checked=True)

    @Slot()
    def _kind_changed(self) -> None:
        needed = self.kind.currentText() in svc.OFFSITE_KINDS
        self.enterprise_label.setText("依托企业*" if needed else "依托企业")
        offsite = self.kind.currentText() != svc.ONSITE_KIND
        self.fee.setEnabled(offsite)
        self.fee.setPlaceholderText("未填写" if offsite else "校内不填")
        self._enable_costs()

    def _enable_costs(self) -> None:
        """Costs belong to a saved 校内 base (the kind as saved: the service reads it from the database)."""
        on = bool(self.base_id) and self.saved_kind == svc.ONSITE_KIND
        self.tabs.setTabEnabled(COST_TAB, on)
        why = (
            "保存基地后可登记费用"
            if not self.base_id
            else "只有校内实训基地登记耗材与维护费用（类型改后请先保存）"
        )
        self.tabs.setTabToolTip(COST_TAB, "" if on else why)

    def _load(self, b: svc.BaseDetail) -> None:
        labels = read_now(lambda s: chosen_labels(s, [b.enterprise_id or ""], [b.agreement_id or ""]))
        self.setWindowTitle(f"实践基地：{b.name}")
        self.name.setText(b.name)
        self.kind.setCurrentText(b.kind)
        self.mode.setCurrentIndex(max(0, self.mode.findData(b.mode)))
        self.level.setCurrentText(b.level)
        set_choice(self.enterprise, b.enterprise_id, labels.get(b.enterprise_id or "", ""))
        set_choice(self.agreement, b.agreement_id, labels.get(b.agreement_id or "", ""))
        self.set_majors(b.major_ids)
        self.saved_kind = b.kind
        self.capacity.setValue(b.capacity)
        self.full_time_managers.setValue(b.full_time_managers)
        self.part_time_managers.setValue(b.part_time_managers)
        self.main_projects.setText(b.main_projects)
        self.fee.setText(
            "" if b.fee_per_student_fen is None else format_money(b.fee_per_student_fen, symbol=False)
        )
        self.established_on.set_value(b.established_on)
        self.address.setText(b.address)
        self.has_lodging.setChecked(b.has_lodging)
        self.gives_allowance.setChecked(b.gives_allowance)
        self.note.setPlainText(b.note)

    def fee_fen(self) -> int | None:
        """The fee typed (None: blank, or a 校内 base); ValidationError naming the field for text that is no amount."""
        text = self.fee.text().strip()
        if not text or not self.fee.isEnabled():
            return None
        try:
            return parse_money(text)
        except ValueError as e:
            raise ValidationError("fee_per_student_fen", f"专项实习经费：{e}") from e

    def data(self) -> svc.BaseData:
        return svc.BaseData(
            name=self.name.text(),
            kind=self.kind.currentText(),
            mode=self.mode.currentData() or "",
            level=self.level.currentText(),
            enterprise_id=chosen(self.enterprise),
            agreement_id=chosen(self.agreement),
            major_ids=self.checked_majors(),
            capacity=self.capacity.value(),
            established_on=self.established_on.value(),
            address=self.address.text(),
            has_lodging=self.has_lodging.isChecked(),
            gives_allowance=self.gives_allowance.isChecked(),
            note=self.note.toPlainText(),
            main_projects=self.main_projects.text(),
            fee_per_student_fen=self.fee_fen(),
            full_time_managers=self.full_time_managers.value(),
            part_time_managers=self.part_time_managers.value(),
        )

    def state(self) -> tuple[object, ...]:
        """What 基本信息 shows (the fee as typed: it may not be an amount yet)."""
        fields = (w.text() if isinstance(w, QLineEdit) else w.value() for w in (self.name, self.fee, self.main_projects,
                  self.address, self.capacity, self.full_time_managers, self.part_time_managers))  # fmt: skip
        choices = (self.kind.currentText(), self.mode.currentData(), self.level.currentText(),
                   self.enterprise.currentText(), self.agreement.currentText())  # fmt: skip
        flags = (self.has_lodging.isChecked(), self.gives_allowance.isChecked(), self.established_on.value())
        return (*fields, *choices, *flags, self.checked_majors(), self.note.toPlainText())

    # ------------------------------------------------------------ 使用记录

    def _usage_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.auto_label = QLabel(wordWrap=True)
        self.auto_label.setStyleSheet("color:#555;")
        v.addWidget(self.auto_label)
        self.usage_table = QTableWidget(0, len(USAGE_HEADERS))
        self.usage_table.setHorizontalHeaderLabels(USAGE_HEADERS)
        self.usage_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.usage_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.usage_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.usage_table.verticalHeader().setVisible(False)
        self.usage_table.verticalHeader().setDefaultSectionSize(26)
        header = self.usage_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, w in enumerate((86, 84, 40, 110, 124, 46, 40, 52, 40)):
            self.usage_table.setColumnWidth(i, w)
        self.usage_table.itemSelectionChanged.connect(self._update_usage_buttons)
        self.usage_table.doubleClicked.connect(lambda _i: self.edit_usage())
        v.addWidget(self.usage_table, 1)
        row = QHBoxLayout()
        self.add_usage_button = QPushButton("登记使用…")
        self.add_usage_button.clicked.connect(self.add_usage)
        self.edit_usage_button = QPushButton("编辑…")
        self.edit_usage_button.clicked.connect(self.edit_usage)
        self.delete_usage_button = QPushButton("删除")
        self.delete_usage_button.clicked.connect(self.delete_usage)
        row.addWidget(self.add_usage_button)
        row.addWidget(self.edit_usage_button)
        row.addStretch(1)
        row.addWidget(self.delete_usage_button)
        v.addLayout(row)
        self._update_usage_buttons()
        return page

    def reload_usage(self) -> None:
        bid = self.base_id
        assert bid

        def read(s: Session):
            semester = svc.current_semester(s)
            usage = svc.semester_usage(s, semester, base_ids=[bid])
            return svc.usage_rows(s, bid), semester, usage

        self.usages, semester, usage = read_now(read)
        self.usage_table.setRowCount(len(self.usages))
        for r, u in enumerate(self.usages):
            period = _period(u)
            cells = (u.semester, u.activity, u.audience, u.major_name or "—", period, str(u.students), str(u.days),
                     str(u.person_days), str(u.hours) if u.hours else "—", u.teachers)  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, u.id)
                if 5 <= c <= 8:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 8 and u.hours:
                    item.setToolTip(f"每人{u.hours}学时，共{u.person_hours}人时")
                if c == 9:
                    item.setToolTip("\n".join(x for x in (u.teachers, u.note) if x))
                self.usage_table.setItem(r, c, item)
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
        self.tabs.setTabText(1, f"使用记录（{len(self.usages)}）" if self.usages else "使用记录")
        self._update_usage_buttons()

    def selected_usage(self) -> svc.UsageRow | None:
        rows = self.usage_table.selectionModel().selectedRows()
        if not rows:
            return None
        uid = self.usage_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((u for u in self.usages if u.id == uid), None)

    @Slot()
    def _update_usage_buttons(self) -> None:
        selected = self.selected_usage() is not None
        self.edit_usage_button.setEnabled(selected)
        self.delete_usage_button.setEnabled(selected)

    def _base_majors(self):
        mine = set(self.checked_majors())
        return [c for c in self.majors_all if c.id in mine] + [c for c in self.majors_all if c.id not in mine]

    @Slot()
    def add_usage(self) -> None:
        if self.base_id and UsageDialog(self, self.base_id, self._base_majors()).exec():
            self.reload_usage()

    @Slot()
    def edit_usage(self) -> None:
        u = self.selected_usage()
        if u is not None and self.base_id and UsageDialog(self, self.base_id, self._base_majors(), u).exec():
            self.reload_usage()

    @Slot()
    def delete_usage(self) -> None:
        u = self.selected_usage()
        if u is not None and confirm(
            self, "删除使用记录", f"确定删除 {u.semester} 学期的这条{u.activity}记录？可在“回收站”恢复。"
        ):
            ids = [u.id]
            WriteOp(self, lambda s: svc.delete_usages(s, ids)).success(lambda _c: self.reload_usage()).run()

    # ------------------------------------------------------------ saving

    def errors_shown(self, first_field: str) -> None:
        self.tabs.setCurrentIndex(0)

    @Slot()
    def save(self) -> None:
        if self._saving:
            return
        self.show_errors([])
        try:
            data, bid = self.data(), self.base_id
        except ValidationError as e:
            self.show_errors([e])
            return
        if errors := read_now(lambda s: svc.check_base(s, data, bid)):
            self.show_errors(errors)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        WriteOp(self, lambda s: svc.save_base(s, data, bid)).success(self._saved).failure(self._failed).run()
