"""ui/forms: the one record-form base and its shared fields, over a real database.

The form here is a small real one (an enterprise's name, start date and a money amount kept in its note),
written through the enterprise service, so every step of RecordForm's save sequence runs for real."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
)

from app.errors import ValidationError
from app.services import enterprises as svc
from ui.forms import DateField, MoneyEdit, RecordForm
from ui.settings import ui_settings

pytestmark = pytest.mark.qt


class SmallForm(RecordForm):
    geometry_key = "test_small"
    default_size = (500, 300)
    unsaved_what = "企业信息"
    titles = ("新建企业", "企业")

    def build(self) -> None:
        form = self.form()
        self.name = QLineEdit()
        form.addRow("企业名称 *", self.with_error("name", self.name))
        self.start = DateField(field="cooperation_start", label="合作开始日期")
        form.addRow("合作开始日期", self.with_error("cooperation_start", self.start))
        self.amount = MoneyEdit("amount", "金额")
        form.addRow("金额", self.with_error("amount", self.amount))

    def read(self, s, record_id):
        return svc.get_enterprise(s, record_id)

    def load(self, d) -> None:
        self.name.setText(d.name)
        self.start.set_value(d.cooperation_start)

    def title_for(self, d) -> str:
        return f"企业：{d.name}"

    def data(self) -> svc.EnterpriseData:
        fen = self.amount.fen()
        return svc.EnterpriseData(
            name=self.name.text(),
            cooperation_start=self.start.value(),
            note=f"金额 {fen} 分" if fen is not None else "",
        )

    def check(self, s, data):
        return svc.check_enterprise(s, data, exclude_id=self.record_id).errors

    def write(self, s, data):
        if self.record_id:
            return svc.update_enterprise(s, self.record_id, data)
        return svc.create_enterprise(s, data)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-01", dt.date(2026, 11, 1)),
        ("2026/11/1", dt.date(2026, 11, 1)),
        ("20261101", dt.date(2026, 11, 1)),
        ("2026.11.1", dt.date(2026, 11, 1)),
        ("2026年11月1日", dt.date(2026, 11, 1)),
        (" 2026 / 3 / 9 ", dt.date(2026, 3, 9)),
        ("", None),
    ],
)
def test_a_date_is_typed_in_the_usual_forms(qtbot, typed, expected):
    field = DateField()
    qtbot.addWidget(field)
    field.edit.setText(typed)
    field.edit.editingFinished.emit()
    assert field.value() == expected
    assert field.edit.text() == (expected.isoformat() if expected else "")


def test_text_that_is_no_date_names_the_field(qtbot):
    field = DateField(field="signed_on", label="签订日期")
    qtbot.addWidget(field)
    field.edit.setText("2026-13-40")
    with pytest.raises(ValidationError) as e:
        field.value()
    assert e.value.field == "signed_on"
    assert "签订日期" in e.value.message
    assert field.edit.text() == "2026-13-40"  # kept as typed, to be corrected


def test_a_required_date_starts_on_today_and_the_calendar_opens_on_today(qtbot):
    required = DateField(optional=False)
    qtbot.addWidget(required)
    assert required.value() == dt.date.today()
    empty = DateField()
    qtbot.addWidget(empty)
    empty.show()
    empty.open_calendar()
    today = dt.date.today()
    assert (empty._calendar.yearShown(), empty._calendar.monthShown()) == (today.year, today.month)
    empty._calendar.clicked.emit(empty._calendar.selectedDate())
    assert empty.value() == today


def test_money_is_read_as_fen_and_bad_text_names_the_field(qtbot):
    edit = MoneyEdit("cost_fen", "单价")
    qtbot.addWidget(edit)
    edit.setText("¥5,000.50元")
    assert edit.fen() == 500050
    edit.setText("")
    assert edit.fen() is None
    edit.setText("12,34")
    with pytest.raises(ValidationError) as e:
        edit.fen()
    assert e.value.field == "cost_fen" and e.value.message.startswith("单价：")


def test_save_writes_one_record_and_closes(ctx, qtbot, db):
    form = SmallForm()
    qtbot.addWidget(form)
    assert form.windowTitle() == "新建企业"
    form.name.setText("湖南湘江智能装备有限公司")
    form.start.edit.setText("2026/11/1")
    form.amount.setText("300")
    with qtbot.waitSignal(form.accepted, timeout=5000):
        form.save_button.click()
    with db.reader() as s:
        saved = svc.get_enterprise(s, form.saved_id)
    assert saved.cooperation_start == dt.date(2026, 11, 1)
    assert saved.note == "金额 30000 分"

    again = SmallForm(None, form.saved_id)
    qtbot.addWidget(again)
    assert again.windowTitle() == "企业：湖南湘江智能装备有限公司"
    assert not again.dirty()


def test_errors_show_under_their_fields_and_go_when_fixed(ctx, qtbot):
    form = SmallForm()
    qtbot.addWidget(form)
    form.show()
    form.amount.setText("12,34")
    form.save()
    assert not form.errors["amount"].isHidden()
    assert form.message.text().startswith("有 1 处需要修改")
    form.amount.setText("12.34")  # fixed: its line and the summary go at once
    assert form.errors["amount"].isHidden()
    assert form.message.isHidden() and form.message.text() == ""

    form.save()  # the name is required: the service's check says so under the field
    assert not form.errors["name"].isHidden()
    assert "有 1 处需要修改" in form.message.text()
    form.name.setText("某公司")
    assert form.message.isHidden()


def test_closing_with_unsaved_changes_asks_first(ctx, qtbot, monkeypatch):
    asked = []

    def answer(button):
        def question(*args, **kwargs):
            asked.append(args[2])
            return button

        return question

    form = SmallForm()
    qtbot.addWidget(form)
    form.show()
    form.reject()  # nothing typed: closes without asking
    assert asked == [] and not form.isVisible()

    form = SmallForm()
    qtbot.addWidget(form)
    form.show()
    form.start.edit.setText("2026-1")  # even text that does not parse yet is a change
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    form.reject()
    assert form.isVisible() and "企业信息的修改尚未保存" in asked[0]
    qtbot.keyClick(form, Qt.Key.Key_Escape)  # Esc asks the same way
    assert form.isVisible() and len(asked) == 2
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    form.closeEvent(_FromWindowSystem())  # the title bar's ✕
    assert not form.isVisible() and len(asked) == 3


class _FromWindowSystem(QCloseEvent):
    def spontaneous(self) -> bool:
        return True


def test_geometry_is_kept_and_kept_on_screen(ctx, qtbot):
    form = SmallForm()
    qtbot.addWidget(form)
    assert (form.width(), form.height()) == (500, 300)
    form.resize(640, 420)
    form.reject()
    assert ui_settings().value("dialogs/test_small") is not None
    again = SmallForm()
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (640, 420)

    huge = SmallForm()
    qtbot.addWidget(huge)
    huge.resize(5000, 4000)
    huge.reject()
    last = SmallForm()
    qtbot.addWidget(last)
    room = last.screen().availableGeometry()
    assert last.width() <= room.width() and last.height() <= room.height()


def test_a_choice_is_the_item_chosen_even_when_another_has_the_same_label(qtbot):
    from app.services.choices import Choice
    from ui.forms import ChoiceBox

    box = ChoiceBox([Choice("p2024", "订单班"), Choice("p2026", "订单班"), Choice("x", "学徒制")])
    qtbot.addWidget(box)
    box.set_value("p2026")
    assert box.value() == "p2026"  # not the first 订单班
    box.setEditText("学徒制")  # typed: the item it names
    assert box.value() == "x"
    box.setEditText("没有这一项")
    assert box.value() is None


def test_a_form_kept_open_after_a_save_writes_its_files_once(ctx, qtbot, db, tmp_path):
    """save(then=…) (生成协议草稿, a project's meetings) keeps the form open: the files it wrote are no longer
    pending, so the next 保存 does not add them again."""
    from app.services.attachments import list_attachments
    from ui.dialogs.enterprise_dialog import EnterpriseDialog

    scan = tmp_path / "营业执照.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    form = EnterpriseDialog(None)
    qtbot.addWidget(form)
    form.name.setText("湖南湘江智能装备有限公司")
    form.attachments.add_files([scan])
    kept = []
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000):
        form.save(then=lambda: kept.append(form.record_id))
    qtbot.waitUntil(lambda: kept != [], timeout=5000)
    assert kept == [form.saved_id] and form.record_id == form.saved_id  # stays open on the saved record
    assert not form.dirty() and not form.attachments.has_changes()
    with qtbot.waitSignal(form.accepted, timeout=5000):
        form.save()
    with db.reader() as s:
        assert [a.original_name for a in list_attachments(s, "enterprise", form.saved_id)] == ["营业执照.pdf"]


def test_closing_while_the_save_is_written_waits_for_it(ctx, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Discard
    )
    form = SmallForm()
    qtbot.addWidget(form)
    form.show()
    form.name.setText("某公司")
    form.set_busy(True)  # a save queued behind other work on the database worker
    form.reject()
    assert form.isVisible() and asked == []  # neither closed nor asked: the save decides
    form.set_busy(False)


class BoundForm(RecordForm):
    """Every kind of field widget, bound by name (`bound_fields`), the cursor put in `first_field`."""

    geometry_key = "test_bound"
    bound_fields = "name note confirmed staff hours starts_on major amount kind class_name majors"
    first_field = "note"

    def build(self) -> None:
        from app.services.choices import Choice
        from ui.forms import ChoiceBox
        from ui.forms.fields import MajorChecklist

        form = self.form()
        self.name = QLineEdit()
        self.note = QPlainTextEdit()
        self.confirmed = QCheckBox("已核对")
        self.staff = QSpinBox(maximum=1000)
        self.hours = QDoubleSpinBox(maximum=24, decimals=1)
        self.starts_on = DateField()  # no field given: its errors are named by the attribute
        self.major = ChoiceBox([Choice("m1", "机电一体化"), Choice("m2", "数控技术")])
        self.amount = MoneyEdit("amount", "金额")
        self.kind = QComboBox()  # items with data: the code behind the label
        for label, code in (("专任教师", "full"), ("兼职教师", "part")):
            self.kind.addItem(label, code)
        self.class_name = QComboBox(editable=True)  # items without data: the text, typed or chosen
        self.class_name.addItems(["", "机电2301"])
        self.majors = MajorChecklist([Choice("m1", "机电一体化"), Choice("m2", "数控技术")], "")
        for name in self.bound_fields.split():
            form.addRow(name, self.with_error(name, getattr(self, name)))

    def data(self) -> dict:
        return self.values()


def test_bound_fields_show_a_record_and_read_it_back_by_widget_type(ctx, qtbot):
    from types import SimpleNamespace

    record = SimpleNamespace(
        name="长沙某某公司",
        note="两行\n备注",
        confirmed=True,
        staff=120,
        hours=7.5,
        starts_on=dt.date(2026, 3, 9),
        major="m2",
        amount=123456,
        kind="part",
        class_name="机电2402",  # not in the list: an editable box keeps what was typed
        majors=("m1", "m9"),  # m9 since deleted from 设置: kept, ticked
    )
    form = BoundForm()
    qtbot.addWidget(form)
    assert form.focusWidget() is form.note
    blank = form.values()
    assert blank["name"] == "" and blank["starts_on"] is None and blank["amount"] is None
    assert (blank["kind"], blank["major"], blank["majors"]) == ("full", None, ())
    form.fill(record)
    assert form.kind.currentText() == "兼职教师"
    assert form.amount.text() == "1,234.56"
    assert form.values() == vars(record)
    form.fill({"name": "草稿里的名称"}, "name note")  # a mapping (a draft): what it lacks shows as empty
    assert form.values("name note") == {"name": "草稿里的名称", "note": ""}


def test_values_name_every_field_that_cannot_be_read(ctx, qtbot):
    from app.errors import ValidationErrors

    form = BoundForm()
    qtbot.addWidget(form)
    form.starts_on.edit.setText("2026-13-45")
    form.amount.setText("五千")
    with pytest.raises(ValidationErrors) as caught:
        form.values()
    assert [e.field for e in caught.value.errors] == ["starts_on", "amount"]
    assert form.values("name staff") == {"name": "", "staff": 0}  # the fields that can be read still are


def test_close_box_and_esc_close_the_same_way(qtbot):
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

    from ui.forms import close_box

    for close in ("button", "esc"):
        dialog = QDialog()
        qtbot.addWidget(dialog)
        buttons = close_box(dialog)
        QVBoxLayout(dialog).addWidget(buttons)
        dialog.show()
        button = buttons.button(QDialogButtonBox.StandardButton.Close)
        assert button.text() == "关闭"
        if close == "button":
            button.click()
        else:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()
        assert dialog.result() == QDialog.DialogCode.Rejected


def test_a_read_only_table_selects_one_whole_row(qtbot):
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidgetItem

    from ui.forms import read_only_table

    table = read_only_table(["月份", "评分", "评语"], widths={0: 110}, stretch=2)
    qtbot.addWidget(table)
    assert [table.horizontalHeaderItem(c).text() for c in range(3)] == ["月份", "评分", "评语"]
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert table.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert table.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection
    assert not table.verticalHeader().isVisible()
    assert table.columnWidth(0) == 110
    assert table.horizontalHeader().sectionResizeMode(2) == QHeaderView.ResizeMode.Stretch
    table.setRowCount(1)
    table.setItem(0, 1, QTableWidgetItem("80"))
    table.selectRow(0)
    assert len(table.selectedItems()) == 1  # the whole row (the one cell that has an item)
