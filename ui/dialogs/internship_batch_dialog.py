"""批量安排实习: pick a class (or open with chosen students), tick or untick students (all ticked), fill the
shared terms once (ui/dialogs/internship_fields.py, with live hints), and save one internship per ticked
student in one transaction (create_internships: all or nothing). Errors of the terms appear under their
fields; an error of one student marks that student in the list. The 家长 comes from each student's roster."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError, ValidationErrors
from app.services import internship_list as listing
from app.services import internships as svc
from app.services import students as students_svc
from app.services.common import Changes
from ui.dialogs.internship_dialog import ARRANGEMENT_FIELDS
from ui.dialogs.internship_fields import HINT_COLOR, InternshipFields
from ui.form import ERROR_STYLE, FieldErrors
from ui.ops import WriteOp, read_now

ID_ROLE = Qt.ItemDataRole.UserRole
GUARDIAN_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2
RED, GREY = QColor("#c42b1c"), QColor("#777777")


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


class InternshipBatchDialog(FieldErrors, QDialog):
    def __init__(
        self, parent: QWidget | None = None, student_ids: Sequence[str] = (), class_name: str | None = None
    ) -> None:
        super().__init__(parent)
        self.saved_ids: tuple[str, ...] = ()
        self._saving = False
        self.errors = {}
        self.setWindowTitle("批量安排实习")
        self.resize(1180, 760)
        lay = QVBoxLayout(self)
        body = QHBoxLayout()
        body.addWidget(self._build_students(bool(student_ids)))
        self.tabs = QTabWidget()
        self.fields = InternshipFields(self, read_now(listing.base_choices), batch=True)
        self.tabs.addTab(self.fields.arrangement_page, "实习安排（各人相同）")
        self.tabs.addTab(self.fields.insurance_page, "保险、五方与材料")
        body.addWidget(self.tabs, 1)
        lay.addLayout(body, 1)
        self.message = QLabel(styleSheet=ERROR_STYLE, wordWrap=True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存（Ctrl+S）", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        if student_ids:
            self.load_students(None, student_ids)
        else:
            at = self.class_box.findData(class_name) if class_name is not None else 0
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
        self.student_errors = QLabel(wordWrap=True)
        self.student_errors.setStyleSheet(ERROR_STYLE)
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
                item.setForeground(GREY)
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
            self.fields.guardian_note.setStyleSheet("color:#b26a00;")
        else:
            self.fields.guardian_note.setStyleSheet(f"color:{HINT_COLOR};")
        self.fields.guardian_note.setText(note + "。")

    # ------------------------------------------------------------ saving

    def errors_shown(self, first_field: str) -> None:
        if first_field in self.errors:
            self.tabs.setCurrentIndex(0 if first_field in ARRANGEMENT_FIELDS else 1)

    @Slot()
    def save(self) -> None:
        ids = self.ticked_ids()
        if self._saving or not ids:
            return
        terms, errors = self.fields.data(ids[0])
        if not errors:
            errors = [
                e for e in read_now(lambda s: svc.check_internship(s, terms)) if e.field != "student_id"
            ]
        if errors:
            self.show_errors(errors)
            return
        self.show_errors([])
        self._saving = True
        self.save_button.setEnabled(False)
        WriteOp(self, lambda s: svc.create_internships(s, ids, terms)).success(self._saved).failure(
            self._failed
        ).run()

    def _saved(self, changes: Changes) -> None:
        self.saved_ids = changes.ids
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self._ticks_changed()
        if not isinstance(exc, (ValidationErrors, ValidationError)):
            self.save_failed(exc)
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
        self.show_errors(list(fields.values()) or [ValidationError("", "部分学生不能安排，见左侧名单。")])

    def show_student_errors(self, errors: list[ValidationError]) -> None:
        """Mark the students an error names, and list the messages under the list."""
        for item in self.items():
            hit = [e.message for e in errors if e.message.startswith(f"{item.data(NAME_ROLE)}：")]
            if hit:
                item.setForeground(RED)
                item.setToolTip("\n".join(hit))
        self.student_errors.setText("\n".join(e.message for e in errors))
        self.student_errors.setVisible(bool(errors))
