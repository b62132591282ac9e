"""A user without 学生个人信息 in the window (issue 19), with real widgets over a college's server database set up
by the real `chanjiao server init` (tests/college_users.py): the students' list and form show the masked copies,
the form's personal fields are read-only saying which grant is missing, a save changes the rest and keeps the
stored numbers; the full export and the package's full option are disabled with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

from app.db.models import Major
from app.db.personal import COPIED
from app.db.roles import EDITOR
from app.domain.codes import id_check_char
from app.domain.privacy import mask_id_number
from app.services.students import StudentData, create_student, get_student
from tests.college_users import College, prefixed, set_up_college
from tests.ui.test_ui_server_users import signed_in

pytestmark = pytest.mark.qt

ID = "43010220040312123" + id_check_char("43010220040312123")
PHONE = "13912345678"
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screens" / "personal"


@pytest.fixture(scope="module")
def college(pg_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[College]:
    with prefixed(pg_server, "uipersonal") as prefix:
        made = set_up_college(pg_server, f"{prefix}_a", tmp_path_factory.mktemp("home"), ("wang", EDITOR))
        admin = made.open()
        try:
            with admin.session() as s:
                from sqlalchemy import select

                major = s.scalars(select(Major.id)).first()
                data = StudentData(
                    "2023001", "李明", "", ID, major, "机电2301", 2023, PHONE, "李建国", "13700001111"
                )
                made.student = create_student(s, data).ids[0]  # type: ignore[attr-defined]
        finally:
            admin.close()
        yield made


def test_the_form_shows_the_masked_copies_read_only_and_saves_the_rest(qtbot, college: College) -> None:
    from ui.dialogs.student_dialog import StudentDialog

    sid = college.student  # type: ignore[attr-defined]
    with signed_in(college, college.user("wang")) as ctx:
        d = StudentDialog(None, sid)
        qtbot.addWidget(d)
        d.resize(760, 600)
        d.show()
        qtbot.waitExposed(d)
        assert d.id_number.text() == mask_id_number(ID) and d.phone.text() == "139****5678"
        for name in COPIED:
            edit: QLineEdit = getattr(d, name)
            assert edit.isReadOnly() and not edit.isEnabled() and "学生个人信息" in edit.toolTip(), name
        assert "已打码" in d.privacy.text() and d.birth_date.text() == "—"
        assert not d.dirty()  # the masked copies as loaded are not a change
        SHOTS.mkdir(parents=True, exist_ok=True)
        d.grab().save(str(SHOTS / "student-form-without-the-grant.png"))
        d.class_name.setCurrentText("机电2302")
        with qtbot.waitSignal(ctx.changes_applied, timeout=10000):
            d.save()
    admin = college.open()
    try:
        with admin.reader() as s:
            st = get_student(s, sid)
            assert (st.class_name, st.id_number, st.phone, st.guardian_phone) == (
                "机电2302",
                ID,
                PHONE,
                "13700001111",
            )
    finally:
        admin.close()


def test_the_full_export_and_the_full_package_are_disabled_with_the_reason(qtbot, college: College) -> None:
    from ui.package_wizard import SavePage
    from ui.students_io import ExportStudentsDialog

    with signed_in(college, college.user("wang")):
        export = ExportStudentsDialog(None)
        qtbot.addWidget(export)
        assert not export.full.isEnabled() and "学生个人信息" in export.full.toolTip()
        page = SavePage()
        qtbot.addWidget(page)
        assert not page.personal_check.isEnabled() and "学生个人信息" in page.personal_check.toolTip()


def test_a_reader_sees_what_writes_disabled_with_the_reason_and_a_write_is_refused_at_once(
    qtbot, college: College, pg_server
) -> None:
    from app.db.roles import READER
    from app.errors import NoPermission
    from tests.college_users import add_user
    from ui.dialogs.student_dialog import StudentDialog
    from ui.ops import WriteOp
    from ui.pages.students import StudentsPage

    li = add_user(college, "li", READER)
    with signed_in(college, li):
        page = StudentsPage()
        qtbot.addWidget(page)
        lst = page.students
        lst.reload_now()
        assert lst.model.rowCount() == 1
        for button in (lst.new_button, lst.delete_button):
            button.setEnabled(True)  # as a selection would: stays disabled
            assert not button.isEnabled() and "只读" in button.toolTip() and "录入" in button.toolTip()
        assert lst.edit_button.toolTip() == "编辑（Enter）"  # a reader opens the form to read
        d = StudentDialog(None, college.student)  # type: ignore[attr-defined]
        qtbot.addWidget(d)
        assert d.windowTitle().endswith("（只读）") and not d.save_button.isEnabled()
        assert "只读" in d.save_button.toolTip()
        failed: list[BaseException] = []
        ran: list[bool] = []
        WriteOp(d, lambda s: ran.append(True)).failure(failed.append).run()
        qtbot.waitUntil(lambda: bool(failed), timeout=5000)
        assert isinstance(failed[0], NoPermission) and "只读" in failed[0].message and not ran
