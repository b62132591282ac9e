"""访企拓岗 per enterprise visited, inside the visit dialog: a table with one row per enterprise (what the
platform's 访企拓岗 table holds, one row each) and, under it, the details of the selected enterprise.

The rows follow the dialog's enterprise picker (ids, or names typed for new enterprises). Values are kept as
typed (text, major ids) per enterprise, so a draft stores them as they are and nothing is lost when the
user moves between enterprises; `stops()` parses them and names the enterprise and field it cannot read."""

from __future__ import annotations

from typing import Any

from app.domain.money import format_money, parse_money
from app.services import visits as svc
from app.services.choices import Choice
from ui.forms import ChoiceBox, MoneyEdit, fit_to_content
from ui.qt import *  # noqa: F403

COUNTS = ("positions", "interns", "hires")
MONEY = ("average_pay_fen", "intern_pay_fen", "starting_pay_fen")
MAJORS = ("major_id", "intern_major_id", "hire_major_id")
TEXTS = ("host_name", "host_title", "outcome", "other_cooperation")
LABELS = {**svc.STOP_COUNTS, **svc.STOP_MONEY, **svc.STOP_MAJORS, **svc.STOP_TEXTS}
TABLE_COLUMNS = (  # (title, field)
    ("走访企业", ""),
    ("需求专业", "major_id"),
    ("岗位数", "positions"),
    ("平均月薪（元）", "average_pay_fen"),
    ("接待人", "host_name"),
    ("访谈成果", "outcome"),
)


def key_of(c: Choice) -> str:
    """A row's key: the enterprise id, or the typed name of a new enterprise."""
    return c.id or f"new:{c.label}"


def as_texts(stop: svc.VisitStop) -> dict[str, str]:
    """A stop as the panel keeps it: counts and money as typed text, majors as ids, "" = not recorded."""
    out: dict[str, str] = {}
    for f in svc.STOP_FIELDS:
        value = getattr(stop, f)
        if value is None:
            out[f] = ""
        elif f in MONEY:
            out[f] = format_money(value, symbol=False)
        else:
            out[f] = str(value)
    return out


class VisitStopsPanel(QWidget):
    changed = Signal()

    def __init__(self, majors: list[Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._majors = {c.id: c.label for c in majors}
        self._rows: list[Choice] = []
        self._values: dict[str, dict[str, str]] = {}
        self._showing = False  # filling the detail fields from a row: not an edit
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setHorizontalHeaderLabels([t for t, _ in TABLE_COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = header.fontMetrics()
        for col, width in enumerate((0, 96, 52, 92, 64, 96)):
            if width:  # at least the whole title, whatever the font (a wider one on Windows)
                title = TABLE_COLUMNS[col][0]
                self.table.setColumnWidth(col, max(width, metrics.horizontalAdvance(title) + 20))
        self.table.setWordWrap(True)  # long enterprise names on two lines rather than cut
        self.table.setMinimumHeight(120)
        self.table.setToolTip("每家走访的企业一行；选中一行，在下方填写该企业的岗位、薪酬、接待人和成果")
        self.table.itemSelectionChanged.connect(self._show_selected)
        lay.addWidget(self.table, 1)
        self.detail = QGroupBox("所选企业的访企拓岗情况")
        lay.addWidget(self.detail)
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        self._build_detail()
        self._show_selected()

    # ------------------------------------------------------------ the detail fields

    def _build_detail(self) -> None:
        grid = QGridLayout(self.detail)
        grid.setHorizontalSpacing(8)
        right = Qt.AlignmentFlag.AlignRight

        def pair(row: int, col: int, label: str, field: str, span: int = 1) -> None:
            grid.addWidget(QLabel(label), row, col, right)
            grid.addWidget(self._field(field), row, col + 1, 1, span)

        pair(0, 0, "企业接待人", "host_name")
        pair(0, 2, "接待人职务", "host_title", 3)
        for row, (major, count, money) in enumerate(
            (
                (
                    ("需求专业", "major_id"),
                    ("可提供岗位数", "positions"),
                    ("平均月薪（元）", "average_pay_fen"),
                ),
                (
                    ("接受实习生专业", "intern_major_id"),
                    ("人数", "interns"),
                    ("实习报酬（元/月）", "intern_pay_fen"),
                ),
                (
                    ("接受就业专业", "hire_major_id"),
                    ("人数", "hires"),
                    ("起薪线（元/月）", "starting_pay_fen"),
                ),
            ),
            start=1,
        ):
            pair(row, 0, *major)
            pair(row, 2, *count)
            pair(row, 4, *money)
        pair(4, 0, "访谈成果", "outcome")
        pair(4, 2, "其他合作", "other_cooperation", 3)
        self.fields["other_cooperation"].setPlaceholderText("其他达成意向的合作，如 共同开发课程")
        for col, stretch in ((1, 3), (3, 1), (5, 2)):  # the major pickers need the room, counts little
            grid.setColumnStretch(col, stretch)

    def _field(self, field: str) -> QWidget:
        if field in MAJORS:
            box = ChoiceBox(
                (Choice(mid, name) for mid, name in self._majors.items()), blank="（未填）", editable=False
            )
            fit_to_content(box)  # a major's whole name, not cut mid-character
            box.currentIndexChanged.connect(lambda _i, f=field: self._edited(f))
            widget: QLineEdit | QComboBox = box
        elif field == "outcome":
            box = QComboBox(editable=True)
            box.addItems(["", *svc.OUTCOMES])
            box.setToolTip("选一项，或直接输入其他成果形式")
            box.lineEdit().setPlaceholderText("选择或输入")
            box.currentTextChanged.connect(lambda _t, f=field: self._edited(f))
            widget = box
        else:
            edit = MoneyEdit(field, LABELS[field], placeholder="如 4500") if field in MONEY else QLineEdit()
            if field in COUNTS:
                edit.setValidator(QIntValidator(0, svc.STOP_COUNT_MAX, edit))
                edit.setPlaceholderText("未填")
                edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("9999") + 20)
                edit.setMaximumWidth(70)
            edit.textChanged.connect(lambda _t, f=field: self._edited(f))
            widget = edit
        self.fields[field] = widget
        return widget

    def _get(self, field: str) -> str:
        w = self.fields[field]
        if isinstance(w, QLineEdit):
            return w.text()
        return str(w.currentData() or "") if field in MAJORS else w.currentText()

    def _put(self, field: str, value: str) -> None:
        w = self.fields[field]
        if isinstance(w, QLineEdit):
            w.setText(value)
        elif field in MAJORS:  # a major since removed from 设置: kept (and shown) until changed
            w.set_value(value or None, "（已从设置中删除的专业）")
        else:
            w.setCurrentText(value)

    @Slot()
    def _show_selected(self) -> None:
        key = self.current_key()
        self.detail.setEnabled(key is not None)
        self.detail.setTitle(
            f"{self._rows[self.table.currentRow()].label}：访企拓岗情况" if key else "所选企业的访企拓岗情况"
        )
        values = self._values.get(key or "", {})
        self._showing = True
        for f in self.fields:
            self._put(f, values.get(f, ""))
        self._showing = False

    def _edited(self, field: str) -> None:
        key = self.current_key()
        if self._showing or key is None:
            return
        self._values.setdefault(key, {})[field] = self._get(field)
        self._refresh_row(self.table.currentRow())
        self.changed.emit()

    # ------------------------------------------------------------ rows

    def current_key(self) -> str | None:
        row = self.table.currentRow()
        return key_of(self._rows[row]) if 0 <= row < len(self._rows) else None

    def set_enterprises(self, choices: list[Choice]) -> None:
        """The rows follow the picker: new enterprises get empty details, removed ones drop theirs."""
        current = self.current_key()
        self._rows = list(choices)
        keys = [key_of(c) for c in self._rows]
        self.table.blockSignals(True)
        self.table.setRowCount(len(self._rows))
        for row in range(len(self._rows)):
            self._refresh_row(row)
        self.table.blockSignals(False)
        row = keys.index(current) if current in keys else (0 if keys else -1)
        self.table.setCurrentCell(row, 0)
        self._show_selected()

    def _refresh_row(self, row: int) -> None:
        c = self._rows[row]
        values = self._values.get(key_of(c), {})
        for col, (_title, field) in enumerate(TABLE_COLUMNS):
            if not field:
                text = c.label + ("（新增）" if not c.id else "")
            elif field in MAJORS:
                text = self._majors.get(values.get(field, ""), "")
            else:
                text = values.get(field, "")
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if field in COUNTS or field in MONEY:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, col, item)
        self.table.resizeRowToContents(row)

    def select(self, row: int) -> None:
        self.table.setCurrentCell(row, 0)

    # ------------------------------------------------------------ values in and out

    def set_stops(self, stops: tuple[svc.VisitStop, ...]) -> None:
        self.restore({s.enterprise_id: as_texts(s) for s in stops})

    def state(self) -> dict[str, dict[str, str]]:
        """The values as typed, by row key (the draft)."""
        keys = {key_of(c) for c in self._rows}
        return {k: dict(v) for k, v in self._values.items() if k in keys}

    def restore(self, state: Any) -> None:
        if isinstance(state, dict):
            self._values = {
                str(k): {str(f): str(x) for f, x in v.items() if f in svc.STOP_FIELDS}
                for k, v in state.items()
                if isinstance(v, dict)
            }
        for row in range(len(self._rows)):
            self._refresh_row(row)
        self._show_selected()

    def stops(self) -> tuple[svc.VisitStop, ...]:
        """The details of each enterprise; ValueError naming the enterprise and the field it cannot read."""
        return tuple(self._stop(c) for c in self._rows)

    def _stop(self, c: Choice) -> svc.VisitStop:
        values = self._values.get(key_of(c), {})
        parsed: dict[str, Any] = {}
        for f in svc.STOP_FIELDS:
            text = values.get(f, "").strip()
            try:
                parsed[f] = _parse(f, text)
            except ValueError as e:
                raise ValueError(f"{c.label}：{LABELS[f]}{e}") from None
        return svc.VisitStop(c.id, **parsed, name="" if c.id else c.label)


def _parse(field: str, text: str) -> Any:
    if field in COUNTS:
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(f"应为整数（现为“{text}”）")
        return int(text)
    if field in MONEY:
        try:
            return parse_money(text) if text else None
        except ValueError as e:
            raise ValueError(f"：{e}") from None
    if field in MAJORS:
        return text or None
    return text
