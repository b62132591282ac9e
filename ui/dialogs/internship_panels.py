"""Two tabs of the internship form: 状态与规则 (the status, the legal next steps as buttons, every problem with
its severity colour, source and message) and 企业月度评价 (the months due with their scores, “缺” in red
where one is missing, scores under 60 in red; add / edit / delete through EvaluationDialog)."""

from __future__ import annotations

import datetime as dt

from app.compliance.registry import cite_source
from app.domain.internship_rules import LOW_SCORE, Problem, due_months
from app.services import internships as svc
from ui import theme
from ui.dialogs.evaluation_dialog import EvaluationDialog
from ui.dialogs.internship_fields import severity_color
from ui.dialogs.internship_status import STATUS_COLORS, step_text
from ui.forms import read_only_table, scrolling
from ui.forms.child_table import button_bar
from ui.operations import internships as ops
from ui.ops import read_now
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, push_button

SEVERITIES = ("错误", "警告", "提示")


def filled(widget: QWidget, color: str) -> QWidget:
    """`widget` painted in one theme colour (no style sheet)."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, theme.qcolor(color))
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)
    return widget


def problem_widget(p: Problem) -> QFrame:
    """One problem: a bar in its severity's colour, the severity and the rule's source on the first line, the
    message under it."""
    color = severity_color(p.severity)
    frame = filled(QFrame(), theme.SURFACE)
    frame.setObjectName("problem")
    h = QHBoxLayout(frame)
    h.setContentsMargins(0, 0, 6, 0)
    bar = filled(QFrame(), color)
    bar.setFixedWidth(4)
    h.addWidget(bar)
    v = QVBoxLayout()
    v.setContentsMargins(6, 4, 0, 4)
    v.setSpacing(2)
    h.addLayout(v, 1)
    blocks = "　·　<b>阻止开始实习</b>" if p.blocks else ""
    head = QLabel(f"<span style='color:{color}'><b>{p.severity}</b></span>　{cite_source(p.source)}{blocks}")
    head.setWordWrap(True)
    theme.muted(head)
    message = QLabel(p.message, wordWrap=True)
    message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    v.addWidget(head)
    v.addWidget(message)
    return frame


class RulesPanel(QWidget):
    """The status with its next steps, and the problems of the internship as saved."""

    step = Signal(str)  # the status a button asks for

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        v = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("当前状态："))
        self.status_label = QLabel()
        top.addWidget(self.status_label)
        self.reason_label = theme.muted(QLabel(wordWrap=True))
        top.addWidget(self.reason_label, 1)
        v.addLayout(top)
        self.steps_row = QHBoxLayout()
        self.steps_row.addWidget(QLabel("可以："))
        self.step_buttons: dict[str, QPushButton] = {}
        self._steps_end = self.steps_row.count()
        self.steps_row.addStretch(1)
        v.addLayout(self.steps_row)
        self.documents = theme.muted(QLabel(wordWrap=True))
        v.addWidget(self.documents)
        v.addSpacing(6)
        self.summary = QLabel(wordWrap=True)
        v.addWidget(self.summary)
        self.list = QWidget()
        self.list_layout = QVBoxLayout(self.list)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.addStretch(1)
        scroll = scrolling(self.list)
        scroll.viewport().setAutoFillBackground(False)
        self.list.setAutoFillBackground(False)
        v.addWidget(scroll, 1)
        self.problems: list[Problem] = []

    def show_row(self, row: svc.InternshipRow) -> None:
        color = STATUS_COLORS.get(row.status, theme.TEXT)
        self.status_label.setText(row.status)
        self.status_label.setStyleSheet(theme.text(color, bold=True, pt=theme.HEADING_PT))
        self.reason_label.setText(f"终止原因：{row.status_reason}" if row.status == "终止" else "")
        for b in self.step_buttons.values():
            self.steps_row.removeWidget(b)
            b.deleteLater()
        self.step_buttons = {}
        for i, to in enumerate(svc.TRANSITIONS.get(row.status, ())):
            b = push_button(step_text(row.status, to), lambda to=to: self.step.emit(to), writes=True)
            self.steps_row.insertWidget(self._steps_end + i, b)
            self.step_buttons[to] = b
        docs = (
            ("三方协议", row.has_tripartite),
            ("家长知情同意书", row.has_consent),
            ("安全教育记录", row.has_safety_record),
        )
        self.documents.setText(
            "材料："
            + "　".join(f"{name} {'✓' if on else '✗ 未存档'}" for name, on in docs)
            + "（在“保险、五方与材料”中勾选）"
        )
        self._show_problems(list(row.problems), row.status)

    def _show_problems(self, problems: list[Problem], status: str) -> None:
        self.problems = problems
        while self.list_layout.count() > 1:
            item = self.list_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if status == "终止":
            self.summary.setText("已终止的实习不再检查规则。")
            color = theme.HINT
        elif not problems:
            self.summary.setText("✓ 通过了各项检查：职业学校学生实习管理的规定和学校的产教融合管理办法。")
            color = theme.OK
        else:
            blocking = sum(p.blocks for p in problems)
            tail = f"，其中 {blocking} 项须在开始实习前解决" if blocking else ""
            self.summary.setText(f"发现 {len(problems)} 项问题{tail}（按已保存的内容检查）：")
            color = severity_color(min((p.severity for p in problems), key=SEVERITIES.index))
        self.summary.setStyleSheet(theme.text(color, bold=True))
        for i, p in enumerate(problems):
            self.list_layout.insertWidget(i, problem_widget(p))


class EvaluationsPanel(QWidget):
    """The months due (due_months) and any other month evaluated, each with its score or “缺”."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.internship_id = ""
        self.evaluator = ""
        self.rows: list[tuple[dt.date, svc.EvaluationRow | None]] = []
        v = QVBoxLayout(self)
        self.summary = QLabel(wordWrap=True)
        self.summary.setToolTip("依据：" + cite_source("H第十二条(四)"))
        v.addWidget(self.summary)
        self.table = read_only_table(
            ["月份", "评分", "评价人", "评语"], widths={0: 110, 1: 70, 2: 130}, stretch=3
        )
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        v.addWidget(self.table, 1)
        self.add_button = push_button("添加评价…", self.add, writes=True)
        self.edit_button = push_button("填写 / 编辑…", self.edit)
        self.delete_button = push_button("删除", self.delete, writes=True)
        v.addLayout(button_bar(self.add_button, self.edit_button, apart=self.delete_button))
        self._update_buttons()

    def load(self, row: svc.InternshipRow, today: dt.date | None = None) -> None:
        self.internship_id, self.evaluator = row.id, row.enterprise_mentor
        iid = row.id
        evaluations = {e.month: e for e in read_now(lambda s: svc.evaluation_rows(s, iid))}
        checked = row.status in ("实习中", "已结束")
        due = due_months(row.starts_on, row.ends_on, today or dt.date.today()) if checked else []
        months = sorted(set(due) | set(evaluations))
        self.rows = [(m, evaluations.get(m)) for m in months]
        self.table.setRowCount(len(self.rows))
        for r, (m, e) in enumerate(self.rows):
            cells = (f"{m.year}-{m.month:02d}", str(e.score) if e else "缺", e.evaluator if e else "",
                     e.comment if e else "")  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    if e is None or e.score < LOW_SCORE:
                        item.setForeground(theme.brush(theme.ERROR))
                        f = item.font()
                        f.setBold(True)
                        item.setFont(f)
                    item.setToolTip("该月尚无企业评价" if e is None else "")
                if c == 3:
                    item.setToolTip(text)
                self.table.setItem(r, c, item)
        missing = sum(1 for _m, e in self.rows if e is None)
        low = sum(1 for _m, e in self.rows if e and e.score < LOW_SCORE)
        self._summary(checked, len(due), missing, low)
        self._update_buttons()

    def _summary(self, checked: bool, due: int, missing: int, low: int) -> None:
        if not checked:
            text, color = "实习开始（状态为“实习中”）后，每满一个月须有一次企业月度评价。", theme.MUTED
        elif not due and not self.rows:
            text, color = "还没有到期的月份：每个月结束后登记该月的企业评价。", theme.MUTED
        else:
            parts = [f"应评价 {due} 个月"]
            if missing:
                parts.append(f"缺 {missing} 个月")
            if low:
                parts.append(f"{low} 个月低于{LOW_SCORE}分")
            color = theme.ERROR if missing or low else theme.OK
            text = "，".join(parts) + ("。" if missing or low else "，均已评价。")
        self.summary.setText(text)
        self.summary.setStyleSheet(theme.text(color, bold=True))

    def selected(self) -> tuple[dt.date, svc.EvaluationRow | None] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    @Slot()
    def _update_buttons(self) -> None:
        picked = self.selected()
        self.add_button.setEnabled(bool(self.internship_id))
        self.edit_button.setEnabled(picked is not None)
        self.delete_button.setEnabled(picked is not None and picked[1] is not None)

    def add(self, month: dt.date | None = None) -> None:
        if self.internship_id and EvaluationDialog(self, self.internship_id, month=month,
                                                   evaluator=self.evaluator).exec():  # fmt: skip
            self.changed.emit()

    @Slot()
    def edit(self) -> None:
        picked = self.selected()
        if picked is None:
            return
        month, e = picked
        if e is None:
            self.add(month)
        elif EvaluationDialog(self, self.internship_id, e).exec():
            self.changed.emit()

    @Slot()
    def delete(self) -> None:
        picked = self.selected()
        if picked is None or picked[1] is None:
            return
        month, e = picked
        if confirm(
            self, "删除企业评价", f"确定删除 {month.year}年{month.month}月 的企业评价（{e.score}分）？"
        ):
            ops.delete_evaluations(self, [e.id], lambda _c: self.changed.emit())
