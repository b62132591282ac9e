"""Students, an enterprise and internships for the 三方协议 tests (core and GUI), made through the models."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.db.engine import Database
from app.db.models import Enterprise, Internship, Major, PracticeBase, Student
from app.services.enterprises import ContactData, EnterpriseData, create_enterprise
from app.services.settings import (
    CollegeProfile,
    MajorGroupInfo,
    PartyDetails,
    save_party_details,
    save_profile,
)
from tests.codes import valid_uscc

ODD_ENTERPRISE = "A&B <公司>"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(birth: dt.date, serial: int) -> str:
    """A valid 身份证号 (GB 11643) born on `birth`; an odd serial is male."""
    body = f"430102{birth:%Y%m%d}{serial % 1000:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


SCHOOL = PartyDetails(
    name="湖南湘江职业技术学院",
    uscc=valid_uscc(3),
    address="长沙市岳麓区学士路1号",
    representative="周建国",
    contact="陈老师",
    phone="0731-88880000",
)
COLLEGE = PartyDetails(
    name="智能制造学院", address="长沙市岳麓区学士路1号 实训楼", representative="罗志刚", contact="黄老师",
    phone="0731-88881111",
)  # fmt: skip


def make_internships(
    db: Database,
    names: list[str],
    *,
    class_name: str = "机电2201班",
    enterprise: str = ODD_ENTERPRISE,
    birth: dt.date = dt.date(2004, 5, 1),
) -> list[str]:
    """One 岗位实习 per student name at one enterprise (with a contact) and a base, every party's details
    filled in (an agreement ready to sign); returns internship ids."""
    with db.session() as s:
        save_profile(
            s,
            CollegeProfile(
                school="湖南湘江职业技术学院",
                college="智能制造学院",
                groups=(MajorGroupInfo("智能制造专业群", ("机电一体化技术",)),),
            ),
        )
        save_party_details(s, "school", SCHOOL)
        save_party_details(s, "college", COLLEGE)
        major = s.scalar(select(Major.id).where(Major.name == "机电一体化技术"))
        existing = s.scalar(select(Enterprise.id).where(Enterprise.uscc == valid_uscc(7)))
        eid = (
            existing
            or create_enterprise(
                s,
                EnterpriseData(
                    name=enterprise,
                    uscc=valid_uscc(7),
                    address="长沙市岳麓区麓谷大道1号",
                    legal_representative="邓志明",
                    status="合作中",
                    contacts=(
                        ContactData("张伟", phone="13900000000"),
                        ContactData("李娜", phone="13700000000"),
                    ),
                ),
            ).ids[0]
        )
        base = s.scalar(select(PracticeBase).where(PracticeBase.enterprise_id == eid))
        if base is None:
            base = PracticeBase(name="麓谷智能制造实践教学基地", kind="校外实践教学基地", enterprise_id=eid)
            s.add(base)
        ids = []
        first = s.scalar(select(func.count(Student.id))) or 0  # a second call adds students after these
        for n, name in enumerate(names, start=first + 1):
            student = Student(
                student_no=f"2022{n:06d}",
                name=name,
                gender="男" if n % 2 else "女",
                id_number=id_number(birth, n),
                birth_date=birth,
                major_id=major,
                class_name=class_name,
                entry_year=2022,
                phone=f"1380000{n:04d}",
                guardian_name=f"{name[0]}父",
                guardian_phone=f"1390000{n:04d}",
                guardian_relation="父亲",
                guardian_id_number=id_number(dt.date(1978, 3, 2), n + 100),
                home_address=f"湖南省湘潭市雨湖区建设路{n}号",
                emergency_contact=f"{name[0]}母",
                emergency_phone=f"1370000{n:04d}",
            )
            s.add(student)
            s.flush()
            internship = Internship(
                student_id=student.id,
                kind="岗位实习",
                enterprise_id=eid,
                base_id=base.id,
                position="电气装配技术员",
                place="长沙市岳麓区麓谷大道1号 3号厂房",
                starts_on=dt.date(2026, 3, 1),
                ends_on=dt.date(2026, 8, 31),
                monthly_pay_fen=300000,
                same_post_wage_fen=360000,
                pay_day=15,
                hours_per_day=8,
                days_per_week=5,
                insurer="中国人民财产保险股份有限公司长沙市分公司",
                policy_no="PZAB202643010000001",
                insured_from=dt.date(2026, 3, 1),
                insured_to=dt.date(2026, 8, 31),
                insurance_paid_by="学校",
                counselor="王芳",
                academic_mentor="李明",
                enterprise_hr="赵敏",
                enterprise_mentor="刘强",
                guardian=f"{name[0]}父",
            )
            s.add(internship)
            s.flush()
            ids.append(internship.id)
    return ids
