"""The party data the 三方协议 and the report tables need, entered in the GUI over a real database (issue 17):
the school's and the college's details and each major's 专业代码 in 设置, an enterprise's 法定代表人 and
在岗职工总数, a student's family and 监护人 tab; errors under their fields, the page and dialogs at 1366×768."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import Major
from app.domain.codes import id_check_char, uscc_check_char
from app.services import settings as svc
from app.services.enterprises import EnterpriseData, create_enterprise, get_enterprise
from app.services.students import get_student

pytestmark = pytest.mark.qt

SCHOOL_USCC = "12430000448801234" + uscc_check_char("12430000448801234")
GUARDIAN_ID = "43010219780506235" + id_check_char("43010219780506235")
SCREEN = (1366, 768)


@pytest.fixture
def profile(db) -> None:
    with db.session() as s:
        groups = (svc.MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术")),)
        svc.save_profile(s, svc.CollegeProfile("湖南湘麓职业技术学院", "机电工程学院", groups))


def profile_dialog(qtbot):
    from ui.dialogs.profile_dialog import ProfileDialog

    d = ProfileDialog()
    qtbot.addWidget(d)
    return d


def set_code(d, major: str, code: str) -> None:
    row = next(r for r in range(d.codes.row_count()) if d.codes.text(r, "major") == major)
    d.codes.set_text(row, "code", code)


def test_profile_dialog_saves_parties_and_codes_in_one_go(ctx, qtbot, db, profile):
    d = profile_dialog(qtbot)
    school, college = d.party["school"], d.party["college"]
    assert set(college) == {
        "address",
        "representative",
        "contact",
        "phone",
    }  # a 二级学院 has no code of its own
    school["uscc"].setText(SCHOOL_USCC)
    school["address"].setText("湖南省长沙市岳麓区含浦大道88号")
    school["representative"].setText("周建华")
    school["phone"].setText("0731-88123456")
    college["representative"].setText("陈志刚")
    college["phone"].setText("13900001111")
    assert [d.codes.text(r, "major") for r in range(d.codes.row_count())] == [
        "机电一体化技术",
        "工业机器人技术",
    ]
    set_code(d, "机电一体化技术", "460301")
    d.groups.set_text(
        0, "majors", "机电一体化技术、工业机器人技术、智能控制技术"
    )  # a major added: its row appears
    assert d.codes.row_count() == 3 and d.codes.text(0, "code") == "460301"  # the typed code is kept
    set_code(d, "智能控制技术", "460303")
    with qtbot.waitSignal(d.accepted, timeout=5000):
        d.save()
    with db.reader() as s:
        school_saved, college_saved = svc.party_details(s, "school"), svc.party_details(s, "college")
        codes = {m.name: m.code for m in s.scalars(select(Major).where(Major.deleted_at.is_(None)))}
    assert school_saved.uscc == SCHOOL_USCC and school_saved.representative == "周建华"
    assert college_saved.representative == "陈志刚" and college_saved.phone == "13900001111"
    assert codes == {"机电一体化技术": "460301", "工业机器人技术": "", "智能控制技术": "460303"}


def test_profile_dialog_names_a_bad_code_and_phone_under_their_fields(ctx, qtbot, db, profile):
    d = profile_dialog(qtbot)
    d.party["school"]["uscc"].setText(SCHOOL_USCC[:-1] + ("0" if SCHOOL_USCC[-1] != "0" else "1"))
    d.party["college"]["phone"].setText("12345")
    d.save()
    qtbot.waitUntil(lambda: d.errors["school_uscc"].text() != "", timeout=5000)
    assert d.errors["school_uscc"].text().startswith("学校的统一社会信用代码校验位不符")
    assert d.errors["college_phone"].text().startswith("二级学院的联系电话格式不对")
    assert d.tabs.currentIndex() == 0 and d.result() == 0
    d.party["school"]["uscc"].setText("")
    d.party["college"]["phone"].setText("")
    set_code(d, "机电一体化技术", "4603")
    d.save()
    qtbot.waitUntil(lambda: d.errors["codes"].text() != "", timeout=5000)
    assert d.errors["codes"].text() == "专业“机电一体化技术”的专业代码应为6位数字（如 460301），而不是“4603”"
    assert d.tabs.currentIndex() == 1
    with db.reader() as s:
        assert svc.party_details(s, "college").phone == ""  # nothing written


def test_settings_page_shows_the_details_and_keeps_its_height(ctx, qtbot, db, profile, tmp_path: Path):
    from ui.pages.settings import SettingsPage

    with db.session() as s:
        svc.save_party_details(s, "school", svc.PartyDetails(uscc=SCHOOL_USCC, representative="周建华"))
    page = SettingsPage()
    qtbot.addWidget(page)
    page.resize(SCREEN[0] - 200, SCREEN[1] - 80)  # the main window's navigation and title bar take the rest
    page.show()
    qtbot.waitUntil(lambda: page.party_labels["school"]["uscc"].text() == SCHOOL_USCC, timeout=5000)
    assert page.party_labels["school"]["representative"].text() == "周建华"
    assert page.party_labels["college"]["phone"].text() == "（未填写）"
    assert page.groups.text() == "1个专业群、2个专业（2个未填专业代码）" and "\n" not in page.groups.text()
    assert "机电一体化技术（未填代码）" in page.major_codes.text()
    general = page.tabs.widget(0)
    assert (
        general.minimumSizeHint().height() <= SCREEN[1] - 80
    )  # 常规 (707 px before issue 17) fits the screen
    page.tabs.setCurrentWidget(page.details)
    assert not page.grab().isNull()


def test_enterprise_dialog_edits_legal_representative_and_staff_count(ctx, qtbot, db, profile):
    from ui.dialogs.enterprise_dialog import NO_STAFF, EnterpriseDialog

    with db.session() as s:
        eid = create_enterprise(
            s, EnterpriseData(name="湖南甲科技有限公司", legal_representative="欧阳建国")
        ).ids[0]
    d = EnterpriseDialog(None, eid)
    qtbot.addWidget(d)
    assert d.legal_representative.text() == "欧阳建国" and d.staff_count.value() == NO_STAFF
    assert d.staff_count.text() == "未填写" and d.data().staff_count is None
    d.legal_representative.setText("李娜")
    d.staff_count.setValue(860)
    with qtbot.waitSignal(d.accepted, timeout=5000):
        d.save()
    with db.reader() as s:
        saved = get_enterprise(s, eid)
    assert (saved.legal_representative, saved.staff_count) == ("李娜", 860)


def test_student_family_tab_saves_and_shows_errors_there(ctx, qtbot, db, profile):
    from ui.dialogs.student_dialog import FAMILY_TAB, StudentDialog

    d = StudentDialog(None)
    qtbot.addWidget(d)
    d.student_no.setText("2023001")
    d.name.setText("张三")
    d.guardian_relation.setCurrentText("母亲")
    d.guardian_id_number.setText(GUARDIAN_ID[:-1] + ("0" if GUARDIAN_ID[-1] != "0" else "1"))
    d.emergency_phone.setText("12345")
    d.save()
    assert d.errors["guardian_id_number"].text() == "监护人身份证号校验位不符，请核对"
    assert d.errors["emergency_phone"].text().startswith("紧急联系人电话格式不对")
    assert d.tabs.currentIndex() == FAMILY_TAB
    d.guardian_id_number.setText(GUARDIAN_ID)
    d.emergency_phone.setText("0731-84567890")
    d.home_address.setText("湖南省长沙市芙蓉区五一大道100号")
    d.emergency_contact.setText("李秀英")
    with qtbot.waitSignal(d.accepted, timeout=5000):
        d.save()
    with db.reader() as s:
        st = get_student(s, d.saved_id)
    assert (st.guardian_relation, st.guardian_id_number, st.emergency_phone) == (
        "母亲",
        GUARDIAN_ID,
        "0731-84567890",
    )
    assert st.home_address == "湖南省长沙市芙蓉区五一大道100号" and st.emergency_contact == "李秀英"
    again = StudentDialog(None, d.saved_id)
    qtbot.addWidget(again)
    assert again.guardian_id_number.text() == GUARDIAN_ID and again.guardian_relation.currentText() == "母亲"


def test_roster_preview_masks_the_family_columns(ctx, qtbot, db, profile, tmp_path: Path):
    from openpyxl import Workbook

    from app.io.students_xlsx import read_students
    from ui.students_io import mask_preview

    wb = Workbook()
    wb.active.append(["学号", "姓名", "家长身份证号", "家庭地址", "紧急联系电话"])
    wb.active.append(["2023001", "张三", GUARDIAN_ID, "湖南省长沙市芙蓉区五一大道100号", "13700002222"])
    wb.save(tmp_path / "名册.xlsx")
    with db.reader() as s:
        preview = read_students(s, tmp_path / "名册.xlsx")
    mask_preview(preview)
    shown = preview.rows[0].values
    assert shown["家长身份证号"] == "430102********" + GUARDIAN_ID[-4:]
    assert shown["家庭地址"] == "湖南省长沙市****" and shown["紧急联系电话"] == "137****2222"
    assert preview.valid_rows[0].data.data.guardian_id_number == GUARDIAN_ID  # only the shown text changes
