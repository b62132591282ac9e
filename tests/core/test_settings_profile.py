"""设置 → 学校与学院: the school's and the college's details the 三方协议 prints for 甲方 (saved with the profile in
one transaction, the school's code per GB 32100, phones by their shape) and each major's 专业代码 (6 digits,
unique, empty allowed; a caller that passes no codes keeps the stored ones)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.engine import Database
from app.db.models import Major
from app.domain.codes import uscc_check_char
from app.errors import ValidationErrors
from app.services.settings import (
    CollegeProfile,
    MajorGroupInfo,
    PartyDetails,
    get_profile,
    major_codes,
    party_details,
    save_party_details,
    save_profile,
)

SCHOOL_USCC = "12430000448801234" + uscc_check_char("12430000448801234")
GROUPS = (
    MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术"), codes=("460301", "460305")),
    MajorGroupInfo("智慧农机专业群", ("现代农业装备应用技术",), codes=("",)),
)
PROFILE = CollegeProfile("湖南湘麓职业技术学院", "机电工程学院", GROUPS)
SCHOOL = PartyDetails(
    uscc=SCHOOL_USCC.lower(),
    address=" 湖南省长沙市岳麓区含浦大道88号 ",
    representative="周建华",
    contact="李敏",
    phone="0731-88123456",
)
COLLEGE = PartyDetails(address="机电楼301", representative="陈志刚", contact="刘芳", phone="13900001111")


def errors_of(exc: pytest.ExceptionInfo[ValidationErrors]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.errors}


def test_party_details_are_saved_with_the_profile(db: Database) -> None:
    with db.session() as s:
        save_profile(s, PROFILE, parties={"school": SCHOOL, "college": COLLEGE})
    with db.reader() as s:
        school, college = party_details(s, "school"), party_details(s, "college")
    assert school == PartyDetails(
        "湖南湘麓职业技术学院",
        SCHOOL_USCC,
        "湖南省长沙市岳麓区含浦大道88号",
        "周建华",
        "李敏",
        "0731-88123456",
    )
    assert college.name == "机电工程学院" and college.uscc == "" and college.phone == "13900001111"


def test_bad_code_and_phones_are_named_and_nothing_is_written(db: Database) -> None:
    with db.session() as s:
        save_profile(s, PROFILE)
    broken = SCHOOL_USCC[:-1] + ("0" if SCHOOL_USCC[-1] != "0" else "1")
    bad = {
        "school": PartyDetails(uscc=broken, phone="12345"),
        "college": PartyDetails(phone="88123456"),  # a landline without its area code
    }
    renamed = CollegeProfile("改名学校", "机电工程学院", GROUPS)
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        save_profile(s, renamed, parties=bad)
    errors = errors_of(exc)
    assert errors["school_uscc"].startswith("学校的统一社会信用代码校验位不符")
    assert errors["school_phone"].startswith("学校的联系电话格式不对")
    assert errors["college_phone"].startswith("二级学院的联系电话格式不对")
    assert "12345" not in " ".join(errors.values())  # the number itself is never repeated
    with db.reader() as s:
        assert get_profile(s).school == "湖南湘麓职业技术学院" and party_details(s, "school").phone == ""
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        save_party_details(s, "school", PartyDetails(uscc="1243000044880123"))
    assert errors_of(exc)["school_uscc"] == "学校的统一社会信用代码应为18位，现为16位"


def test_major_codes_saved_read_and_listed_by_id(db: Database) -> None:
    with db.session() as s:
        save_profile(s, PROFILE)
    with db.reader() as s:
        p = get_profile(s)
        ids = {m.name: m.id for m in s.scalars(select(Major))}
        codes = major_codes(s)
    assert p.groups[0].codes == ("460301", "460305") and p.groups[1].codes == ("",)
    assert p.groups[0].code_of("工业机器人技术") == "460305"
    assert codes == {
        ids["机电一体化技术"]: "460301",
        ids["工业机器人技术"]: "460305",
        ids["现代农业装备应用技术"]: "",
    }


def test_a_caller_without_codes_keeps_them(db: Database) -> None:
    """ui/selftest.py and older callers build MajorGroupInfo(name, majors, id): the codes stay as they are."""
    with db.session() as s:
        save_profile(s, PROFILE)
    with db.reader() as s:
        groups = get_profile(s).groups
    plain = tuple(MajorGroupInfo(g.name, g.majors, g.id) for g in groups)
    with db.session() as s:
        save_profile(s, CollegeProfile(PROFILE.school, PROFILE.college, plain))
    with db.reader() as s:
        assert get_profile(s).groups[0].codes == ("460301", "460305")


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (("46030", ""), "专业“机电一体化技术”的专业代码应为6位数字（如 460301），而不是“46030”"),
        (("46030A", ""), "专业“机电一体化技术”的专业代码应为6位数字（如 460301），而不是“46030A”"),
        (("460301", "460301"), "专业代码“460301”同时填给了“机电一体化技术”和“工业机器人技术”"),
    ],
)
def test_bad_major_codes_are_refused(db: Database, codes: tuple[str, str], message: str) -> None:
    group = MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术"), codes=codes)
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        save_profile(s, CollegeProfile("学校", "学院", (group,)))
    assert [e.message for e in exc.value.errors] == [message]
    with db.reader() as s:
        assert not s.scalars(select(Major)).all()
