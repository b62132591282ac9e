"""批量安排实习: pick a class (or open with chosen students), tick or untick students (all ticked), fill the
shared terms once (ui/dialogs/internship_fields.py, with live hints), and save one internship per ticked
student in one transaction (create_internships: all or nothing). Errors of the terms appear under their
fields; an error of one student marks that student in the list. The 家长 comes from each student's roster.
A RecordForm: 保存 / 取消, and it asks before closing with edits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.errors import ValidationError, ValidationErrors
from app.services import internship_list as listing
from app.services import internships as svc
from app.services import students as students_svc
from app.services.common import Changes
from ui import theme
from ui.dialogs.internship_dialog import ARRANGEMENT_FIELDS
from ui.dialogs.internship_fields import InternshipFields, Terms, check_terms
from ui.forms import RecordForm, scrolling
from ui.ops import read_now
from ui.qt import *  # noqa: F403

ID_ROLE = Qt.ItemDataRole.UserRole
GUARDIAN_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2


def class_label(c: students_svc.ClassInfo) -> str:
    return f"{c.class_name or '（未分班）'}（{c.students}人）"


def _students(class_name: str | None, ids: Sequence[str]) -> tuple[list, set[str]]:
    """The students of a class (or the given ids) and those of them with an internship not 终止."""

    def read(s):
        if class_name is None:
            rows = students_svc.student_rows(s, ids=list(ids))
        else:  # "" is the students without a class (an empty filter would list everyone)
            rows = [
                r for r in students_svc.student_rows(s, class_name=class_name) if r.class_name == class_name
            ]
        wanted = {r.id for r in rows}
        busy = {
            i.student_id
            for i in svc.internship_rows(s, class_name=class_name or "")
            if i.student_id in wanted and i.status != "终止"
        }
        return rows, busy

    return read_now(read)


class InternshipBatchDialog(RecordForm):
    geometry_key = "internship_batch"
    default_size = (1120, 640)
    unsaved_what = "实习安排"
    titles = ("批量安排实习", "批量安排实习")

    def __init__(
        self, parent: QWidget | None = None, student_ids: Sequence[str] = (), class_name: str | None = None
    ) -> None:
        self.preset_ids, self.preset_class = tuple(student_ids), class_name
        self.saved_ids: tuple[str, ...] = ()
        super().__init__(parent, None)

    def build(self) -> None:
        body = QHBoxLayout()
        body.addWidget(self._build_students(bool(self.preset_ids)))
        self.tabs = QTabWidget()
        self.fields = InternshipFields(self, read_now(listing.base_choices), batch=True)
        self.tabs.addTab(scrolling(self.fields.arrangement_page), "实习安排（各人相同）")
        self.tabs.addTab(scrolling(self.fields.insurance_page), "保险、五方与材料")
        body.addWidget(self.tabs, 1)
        self.body.addLayout(body, 1)

    def load_new(self) -> None:
        if self.preset_ids:
            self.load_students(None, self.preset_ids)
        else:
            at = self.class_box.findData(self.preset_class) if self.preset_class is not None else 0
            self.class_box.setCurrentIndex(max(0, at))
            self._class_changed()

    # ------------------------------------------------------------ the students

    def _build_students(self, preselected: bool) -> QWidget:
        box = QWidget()
        box.setFixedWidth(300)
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(QLabel("班级" if not preselected else "所选学生"))
        self.class_box = QComboBox()
        for c in read_now(students_svc.classes):
            self.class_box.addItem(class_label(c), c.class_name)
        self.class_box.currentIndexChanged.connect(lambda _i: self._class_changed())
        self.class_box.setVisible(not preselected and self.class_box.count() > 0)
        if not preselected and self.class_box.count() == 0:
            v.addWidget(QLabel("名册中还没有学生：请先在“学生与就业”导入名册。", wordWrap=True))
        v.addWidget(self.class_box)
        self.student_list = QListWidget()
        self.student_list.itemChanged.connect(lambda _i: self._ticks_changed())
        v.addWidget(self.student_list, 1)
        row = QHBoxLayout()
        for text, on in (("全选", True), ("全不选", False)):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, on=on: self.tick_all(on))
            row.addWidget(b)
        row.addStretch(1)
        v.addLayout(row)
        self.count_label = QLabel()
        v.addWidget(self.count_label)
        self.student_errors = theme.error(QLabel(wordWrap=True))
        self.student_errors.hide()
        v.addWidget(self.student_errors)
        return box

    @Slot()
    def _class_changed(self) -> None:
        if self.class_box.count():
            self.load_students(self.class_box.currentData() or "", ())
        else:
            self._ticks_changed()

    def load_students(self, class_name: str | None, ids: Sequence[str]) -> None:
        rows, busy = _students(class_name, ids)
        self.student_list.blockSignals(True)
        self.student_list.clear()
        for r in rows:
            text = f"{r.student_no}　{r.name}" + ("　（已有实习记录）" if r.id in busy else "")
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(ID_ROLE, r.id)
            item.setData(NAME_ROLE, r.name)
            item.setData(GUARDIAN_ROLE, r.guardian_name)
            if r.id in busy:
                item.setForeground(theme.brush(theme.HINT))
                item.setToolTip("该生已有未终止的实习记录；仍可再安排一段（如认识实习后的岗位实习）")
            self.student_list.addItem(item)
        self.student_list.blockSignals(False)
        self.student_errors.hide()
        self._ticks_changed()

    def items(self) -> list[QListWidgetItem]:
        return [self.student_list.item(i) for i in range(self.student_list.count())]

    def ticked_ids(self) -> list[str]:
        return [i.data(ID_ROLE) for i in self.items() if i.checkState() == Qt.CheckState.Checked]

    def tick_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        self.student_list.blockSignals(True)
        for item in self.items():
            item.setCheckState(state)
        self.student_list.blockSignals(False)
        self._ticks_changed()

    def _ticks_changed(self) -> None:
        ticked = [i for i in self.items() if i.checkState() == Qt.CheckState.Checked]
        self.count_label.setText(f"已勾选 {len(ticked)} / {self.student_list.count()} 人")
        self.save_button.setText(f"为 {len(ticked)} 名学生安排实习（Ctrl+S）")
        self.save_button.setEnabled(bool(ticked) and not self._saving)
        no_guardian = sum(1 for i in ticked if not i.data(GUARDIAN_ROLE))
        note = "按名册逐个填入每名学生的家长姓名"
        if no_guardian:
            note += f"；已勾选的学生中 {no_guardian} 人名册里没有家长姓名，保存后请在其实习表单中补填"
        self.fields.guardian_note.setStyleSheet(theme.text(theme.WARNING if no_guardian else theme.HINT))
        self.fields.guardian_note.setText(note + "。")

    # ------------------------------------------------------------ RecordForm

    def data(self) -> tuple[tuple[str, ...], Terms]:
        ids = tuple(self.ticked_ids())
        return ids, self.fields.terms(ids[0] if ids else "")

    def state(self) -> object:
        return self.fields.state()

    def check(self, s: Session, data: tuple[tuple[str, ...], Terms]) -> list[ValidationError]:
        ids, terms = data
        if not ids:
            return [ValidationError("", "请至少勾选一名学生。")]
        return check_terms(s, terms, skip=("student_id",))

    def write(self, s: Session, data: tuple[tuple[str, ...], Terms]) -> Changes:
        ids, terms = data
        return svc.create_internships(s, list(ids), terms.data)

    def saved(self, changes: Changes) -> None:
        self.saved_ids = changes.ids

    def errors_shown(self, first_field: str) -> None:
        if first_field in self.errors:
            self.tabs.setCurrentIndex(0 if first_field in ARRANGEMENT_FIELDS else 1)

    def failed(self, exc: BaseException) -> None:
        """A refusal of create_internships: the students it names marked in the list, the rest under the
        fields (each message once, without the student's name)."""
        if not isinstance(exc, (ValidationErrors, ValidationError)):
            super().failed(exc)
            self._ticks_changed()
            return
        errors = exc.errors if isinstance(exc, ValidationErrors) else [exc]
        self.show_student_errors([e for e in errors if e.field == "student_id"])
        fields: dict[tuple[str, str], ValidationError] = {}
        names = {i.data(NAME_ROLE) for i in self.items()}
        for e in errors:
            if e.field == "student_id":
                continue
            head, sep, rest = e.message.partition("：")
            message = rest if sep and head in names else e.message
            fields.setdefault((e.field, message), ValidationError(e.field, message))
        shown = list(fields.values()) or [ValidationError("", "部分学生不能安排，见左侧名单。")]
        super().failed(ValidationErrors(shown))
        self._ticks_changed()

    def show_student_errors(self, errors: list[ValidationError]) -> None:
        """Mark the students an error names, and list the messages under the list."""
        for item in self.items():
            hit = [e.message for e in errors if e.message.startswith(f"{item.data(NAME_ROLE)}：")]
            if hit:
                item.setForeground(theme.brush(theme.ERROR))
                item.setToolTip("\n".join(hit))
        self.student_errors.setText("\n".join(e.message for e in errors))
        self.student_errors.setVisible(bool(errors))
