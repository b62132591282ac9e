"""The records an annual indicator counts (the click-through of 年度评价 → 指标): their labels from
app/services/record_labels.py, loaded on the worker; a double-click (or Enter) asks the main window to open one
(`open_record(record_type, id, tab)`, the record or the one holding it). Not modal: the user may open several
records in turn."""

from __future__ import annotations

from app.reporting.evaluation import Indicator
from app.services.record_labels import Target, record_labels, record_targets
from ui import theme
from ui.forms import close_box, restore_geometry, save_geometry
from ui.ops import ReadOp
from ui.qt import *  # noqa: F403

GEOMETRY_KEY = "indicator_records"
TARGET_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
WHAT = {
    "practice_base": "实践基地",
    "asset": "资产",
    "student": "学生",
    "teacher": "教师",
    "enterprise_practice": "教师企业实践记录",
    "achievement": "成果",
    "employment": "就业记录",
}


class IndicatorRecordsDialog(QDialog):
    open_record = Signal(str, str, str)  # record type, id, tab
    loaded = Signal()

    def __init__(self, parent: QWidget | None, indicator: Indicator, school_year: str) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.indicator = indicator
        record_type, ids = indicator.records
        self.setWindowTitle(f"{school_year}学年 {indicator.name} — 计入的记录")
        lay = QVBoxLayout(self)
        self.heading = theme.heading(
            QLabel(f"{indicator.name}：正在读取 {len(ids)} 条{WHAT.get(record_type, '记录')}…", wordWrap=True)
        )
        lay.addWidget(self.heading)
        lay.addWidget(theme.muted(QLabel(f"口径：{indicator.definition}", wordWrap=True)))
        self.filter = QLineEdit(placeholderText="筛选：输入学号、姓名、名称或日期的一部分")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        lay.addWidget(self.filter)
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        self.list.setUniformItemSizes(True)
        self.list.setSpacing(1)
        self.list.itemDoubleClicked.connect(self._open_item)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(
                QKeySequence(key), self.list, self.open_current, context=Qt.ShortcutContext.WidgetShortcut
            )
        lay.addWidget(self.list, 1)
        lay.addWidget(theme.hint(QLabel("双击一条记录打开它（实践记录打开其教师，就业记录打开其学生）。")))
        lay.addWidget(close_box(self))
        restore_geometry(self, GEOMETRY_KEY, (800, 520))
        ReadOp(
            self, lambda s: (record_labels(s, record_type, ids), record_targets(s, record_type, ids))
        ).success(self._loaded).run()

    def _loaded(self, result: tuple[list[tuple[str, str]], dict[str, Target]]) -> None:
        labels, targets = result
        record_type = self.indicator.records[0]
        for n, (record_id, label) in enumerate(labels, start=1):
            item = QListWidgetItem(f"{n}. {label}")
            item.setData(ID_ROLE, record_id)
            item.setData(TARGET_ROLE, targets.get(record_id))
            item.setToolTip(label)
            self.list.addItem(item)
        missing = len(self.indicator.records[1]) - len(labels)
        gone = f"（另有 {missing} 条已删除）" if missing > 0 else ""
        what = WHAT.get(record_type, "记录")
        self.heading.setText(f"{self.indicator.name}：计入的{what}共 {len(labels)} 条{gone}")
        if labels:
            self.list.setCurrentRow(0)
        self.loaded.emit()

    @Slot(str)
    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        for r in range(self.list.count()):
            item = self.list.item(r)
            label = item.toolTip().casefold()
            item.setHidden(not all(w in label for w in words))

    def shown_ids(self) -> list[str]:
        return [
            self.list.item(r).data(ID_ROLE)
            for r in range(self.list.count())
            if not self.list.item(r).isHidden()
        ]

    def record_ids(self) -> list[str]:
        return [self.list.item(r).data(ID_ROLE) for r in range(self.list.count())]

    def labels(self) -> list[str]:
        return [self.list.item(r).toolTip() for r in range(self.list.count())]

    @Slot()
    def open_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._open_item(item)

    @Slot(QListWidgetItem)
    def _open_item(self, item: QListWidgetItem) -> None:
        target = item.data(TARGET_ROLE)
        if isinstance(target, Target):
            self.open_record.emit(target.record_type, target.record_id, target.tab)

    def done(self, result: int) -> None:
        save_geometry(self, GEOMETRY_KEY)
        super().done(result)
