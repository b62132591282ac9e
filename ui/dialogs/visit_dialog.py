"""企业走访 quick entry: made for typing during or right after a visit, keyboard only.

- The visit's fields on the left; on the right 访企拓岗, one row per enterprise visited (ui/dialogs/visit_stops.py):
  select an enterprise to fill in its positions, pay, host, outcome, interns and graduates.
- Tab moves through the fields in order; in 走访企业 (a RecordPicker) type a name or pinyin initials (hnxj),
  pick with ↓ and Enter, or just type a new name and press Enter: it becomes a new enterprise (意向) when the
  visit is saved, to be completed later in the archive. Delete removes the selected enterprise from the list.
- Ctrl+S (or Ctrl+Enter) saves; Esc closes.
- A new visit is kept as a draft in the user's settings on every change: closing the dialog or the app, or
  a crash, loses nothing; the next 记录走访 offers it back. Saving or 放弃草稿 clears it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session

from app.errors import AppError, ValidationError, ValidationErrors
from app.services import visits as svc
from app.services.choices import Choice, chosen_labels, major_choices
from app.services.common import Changes
from ui import theme
from ui.dialogs.visit_stops import VisitStopsPanel, key_of
from ui.forms import DateField, RecordForm, required, scrolling
from ui.forms.record_form import id_alias
from ui.ops import read_now
from ui.pickers import RecordPicker, enterprise_search
from ui.qt import *  # noqa: F403
from ui.settings import ui_settings

DRAFT_KEY = "visits/draft"
GEOMETRY_KEY = "visit-per-enterprise"  # not "visit": the narrow one-column size of old
SIDE_BY_SIDE_FROM = 1100  # narrower: the visit's fields above, 访企拓岗 under them


def load_draft() -> dict[str, Any] | None:
    raw = ui_settings().value(DRAFT_KEY)
    if not raw:
        return None
    try:
        draft = json.loads(str(raw))
    except ValueError:
        return None
    return draft if isinstance(draft, dict) else None


def clear_draft() -> None:
    s = ui_settings()
    s.remove(DRAFT_KEY)
    s.sync()


def _old_draft_stops(d: dict[str, Any], choices: list[Choice]) -> dict[str, dict[str, str]]:
    """A draft kept by the previous version held one visit's positions and pay: they go to its first
    enterprise, as the upgrade of the database did with saved visits."""
    values = {"positions": str(d.get("positions") or ""), "average_pay_fen": str(d.get("pay") or "")}
    if not choices or not any(values.values()):
        return {}
    return {key_of(choices[0]): values}


class VisitDialog(RecordForm):
    geometry_key = GEOMETRY_KEY
    default_size = (1120, 640)
    unsaved_what = "走访记录"
    titles = ("记录企业走访", "走访记录")
    bound_fields = "leader leader_title participants purpose findings follow_up"

    def __init__(
        self, parent: QWidget | None = None, visit_id: str | None = None, enterprise_ids: tuple[str, ...] = ()
    ) -> None:
        self.preset_enterprises = tuple(enterprise_ids)
        self._dirty = False
        self._loading = True
        super().__init__(parent, visit_id)
        self._loading = False
        self._dirty = self.draft_bar.isVisible()  # a restored draft stays a draft until saved or discarded
        (self.enterprises.search if not visit_id else self.leader).setFocus()

    visit_id = id_alias()

    # ------------------------------------------------------------ layout

    def build(self) -> None:
        self.draft_bar = theme.banner(QWidget(), theme.WARNING)
        bar = QHBoxLayout(self.draft_bar)
        bar.setContentsMargins(8, 4, 8, 4)
        self.draft_label = QLabel()
        bar.addWidget(self.draft_label, 1)
        discard = QPushButton("放弃草稿")
        discard.setAutoDefault(False)
        discard.clicked.connect(self.discard_draft)
        bar.addWidget(discard)
        self.draft_bar.hide()
        self.body.addWidget(self.draft_bar)

        content = QWidget()
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, content)
        self.columns.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.visited_on = DateField(optional=False, field="visited_on", label="走访日期")
        self.visited_on.setMaximumWidth(200)
        self._row(form, required("走访日期"), self.visited_on, "visited_on")
        self.enterprises = RecordPicker(
            enterprise_search,
            chosen_title="走访的企业",
            placeholder="企业名称或拼音首字母，如 hnxj",
            allow_new=True,
            new_hint="（新增企业，保存时建档）",
        )
        self._row(form, required("走访企业"), self.enterprises, "enterprise_ids")
        self.also_error("new_names", "enterprise_ids")
        self.leader = QLineEdit(placeholderText="带队的院领导，如 张建华")
        self.leader_title = QLineEdit(placeholderText="如 院长")
        self.leader_title.setMaximumWidth(160)
        leader = QHBoxLayout()
        leader.addWidget(self.leader, 2)
        leader.addWidget(QLabel("职务"))
        leader.addWidget(self.leader_title, 1)
        self._row(form, required("带队领导"), leader, "leader")
        self.also_error("leader_title", "leader")
        self.participants = QLineEdit(placeholderText="参加走访的教师，用顿号分隔")
        self._row(form, "参加人员", self.participants, "participants")
        self.purpose = QPlainTextEdit(placeholderText="如：访企拓岗、洽谈订单班、回访实习学生")
        self._row(form, "走访目的", self.purpose, "purpose")
        self.findings = QPlainTextEdit(placeholderText="企业需求、用人计划、对学生的评价……")
        self._row(form, "走访发现", self.findings, "findings")
        self.follow_up = QPlainTextEdit(placeholderText="后续跟进事项：谁、做什么、何时")
        self._row(form, "后续跟进", self.follow_up, "follow_up")
        for edit in (self.purpose, self.findings, self.follow_up):
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(52)
            edit.setMaximumHeight(70)
        self.left = QWidget()
        v = QVBoxLayout(self.left)
        v.setContentsMargins(0, 0, 4, 0)
        v.addLayout(form)
        v.addStretch(1)
        self.columns.addWidget(self.left, 5)
        self.right = QWidget()
        right = QVBoxLayout(self.right)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(QLabel("访企拓岗（每家走访的企业一行）"))
        self.stops = VisitStopsPanel(read_now(major_choices))
        right.addWidget(self.with_error("stops", self.stops), 1)
        self.columns.addWidget(self.right, 6)
        # side by side where the window is wide enough, else one above the other; either way the page scrolls
        # up and down, never sideways (1366×768 at 125–150 % leaves ~900 px)
        area = scrolling(content)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body.addWidget(area, 1)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):  # besides Ctrl+S
            QShortcut(QKeySequence(seq), self, self.save)

        self._draft_timer = QTimer(self, singleShot=True, interval=500)
        self._draft_timer.timeout.connect(self.keep_draft)
        self.enterprises.changed.connect(self._enterprises_changed)
        self.stops.changed.connect(self._changed)
        self.enterprises.search.setToolTip(
            "输入企业名称或拼音首字母：↓ 选择、回车加入；档案中没有的企业输入全称回车，保存走访时新建"
        )
        for w in (self.leader, self.leader_title, self.participants):
            w.textChanged.connect(self._changed)
        for w in (self.purpose, self.findings, self.follow_up):
            w.textChanged.connect(self._changed)
        self.visited_on.changed.connect(self._changed)

    def side_by_side_from(self) -> int:
        """The window width from which the two halves stand side by side (each at its least width)."""
        halves = self.left.minimumSizeHint().width() + self.right.minimumSizeHint().width()
        return max(SIDE_BY_SIDE_FROM, halves + self.columns.spacing() + 40)

    def arrange(self) -> None:
        side = self.width() >= self.side_by_side_from()
        direction = QBoxLayout.Direction.LeftToRight if side else QBoxLayout.Direction.TopToBottom
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.arrange()

    def _row(self, form: QFormLayout, label: str, widget: QWidget | QHBoxLayout, field: str) -> None:
        form.addRow(label, self.with_error(field, widget))

    # ------------------------------------------------------------ loading, state and draft

    def read(self, s: Session, record_id: str) -> svc.VisitDetail:
        return svc.get_visit(s, record_id)

    def title_for(self, v: svc.VisitDetail) -> str:
        """走访：湖南宇发智能科技有限公司等 2 家 2026-12-03 (as the other forms name their record)."""
        names = v.enterprise_names
        who = names[0] + (f"等 {len(names)} 家" if len(names) > 1 else "") if names else "（未选企业）"
        day = v.visited_on.isoformat() if v.visited_on else ""
        return f"走访：{who} {day}".rstrip()

    def load_new(self) -> None:
        draft = load_draft()
        if draft:
            self._restore(draft)
            when = draft.get("saved_at", "")
            self.draft_label.setText(f"已恢复上次未保存的走访草稿（{when}）。保存后草稿清除。")
            self.draft_bar.show()
        if ids := self.preset_enterprises:
            names = read_now(lambda s: chosen_labels(s, ids, ()))
            self.enterprises.add(Choice(eid, names[eid]) for eid in ids if eid in names)

    def load(self, v: svc.VisitDetail) -> None:
        self.visited_on.set_value(v.visited_on)
        self.enterprises.set_chosen(
            Choice(eid, name) for eid, name in zip(v.enterprise_ids, v.enterprise_names, strict=True)
        )
        self.stops.set_stops(v.stops)
        self.fill(v)

    def state(self) -> dict[str, Any]:
        """Everything as typed (the draft, and what closing would lose)."""
        return {
            "visited_on": self.visited_on.edit.text().strip(),
            "enterprises": [(c.label, c.id) for c in self.enterprises.choices()],  # names and ids
            **self.values(),
            "stops": self.stops.state(),  # per enterprise, as typed
        }

    def _restore(self, d: dict[str, Any]) -> None:
        if day := str(d.get("visited_on", "")).strip():
            self.visited_on.edit.setText(day)
        self.enterprises.add(
            Choice(str(item[1] or ""), str(item[0]), new=not item[1])
            for item in d.get("enterprises", [])
            if isinstance(item, list | tuple) and len(item) == 2
        )
        self.stops.restore(d.get("stops") or _old_draft_stops(d, self.enterprises.choices()))
        self.fill(d)

    @Slot()
    def _enterprises_changed(self) -> None:
        self.stops.set_enterprises(self.enterprises.choices())
        self._changed()

    @Slot()
    def _changed(self) -> None:
        if self._loading:
            return
        self._dirty = True
        if not self.record_id:
            self._draft_timer.start()

    @Slot()
    def keep_draft(self) -> None:
        """Write the unsaved new visit to the user's settings (survives closing the app or a crash)."""
        if self.record_id or self.saved_id or not self._dirty:
            return
        state = self.state()
        state["saved_at"] = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        s = ui_settings()
        s.setValue(DRAFT_KEY, json.dumps(state, ensure_ascii=False))
        s.sync()

    @Slot()
    def discard_draft(self) -> None:
        clear_draft()
        self._loading = True
        self._restore({"enterprises": []})
        self.visited_on.set_value(dt.date.today())
        self.enterprises.set_chosen([])
        self._loading = False
        self._dirty = False
        self.draft_bar.hide()
        self.mark_clean()

    # ------------------------------------------------------------ saving

    def data(self) -> tuple[svc.VisitData, tuple[str, ...]]:
        errors: list[ValidationError] = []
        try:
            visited_on = self.visited_on.value()
        except ValidationError as e:
            errors.append(e)
        try:
            stops = self.stops.stops()
        except (AppError, ValueError) as e:  # a count or an amount that cannot be read, named by the panel
            errors.append(ValidationError("stops", str(e)))
        if errors:
            raise ValidationErrors(errors)
        return (
            svc.VisitData(
                visited_on=visited_on,
                enterprise_ids=self.enterprises.ids(),
                **self.values(),
                stops=stops,
            ),
            self.enterprises.new_names(),
        )

    def check(self, s: Session, data: tuple[svc.VisitData, tuple[str, ...]]) -> list[ValidationError]:
        visit, names = data
        errors = svc.check_visit(s, visit)
        if names:  # new enterprises are checked when they are created
            errors = [e for e in errors if e.field != "enterprise_ids"]
        return errors

    def write(self, s: Session, data: tuple[svc.VisitData, tuple[str, ...]]) -> Changes:
        visit, names = data
        if self.record_id:
            if names:
                raise AppError("修改走访记录时请从档案中选择企业（新企业请先在合作企业档案中新建）")
            return svc.update_visit(s, self.record_id, visit)
        return svc.create_quick_visit(s, visit, names)

    def saved(self, changes: Changes) -> None:
        if not self.record_id:
            clear_draft()
        self._dirty = False
        if changes.warnings:
            QMessageBox.information(self, "已保存", "\n".join(changes.warnings))

    def reject(self) -> None:
        """A new visit closes at once and keeps its draft (放弃草稿 throws it away); an edit asks first."""
        if not self.record_id and not self._saving:
            self._draft_timer.stop()
            self.keep_draft()
            self._quiet_close = True
        super().reject()
