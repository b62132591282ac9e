"""ui/forms: the one record-form base and its shared fields, over a real database.

The form here is a small real one (an enterprise's name, start date and a money amount kept in its note),
written through the enterprise service, so every step of RecordForm's save sequence runs for real."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLineEdit, QMessageBox

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
