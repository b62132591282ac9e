"""ORM models of practice bases, students, internships, monthly evaluations and employment (migration 0006).

Re-exported by app.db.models, which is the one place the rest of the app imports models from.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, Money, RecordMixin

BASE_KINDS = ("校内实训基地", "校外实践教学基地", "产教融合实训基地")
BASE_MODES = ("引校进企", "引企驻校", "校企一体")  # N四(四)1; "" when none applies
BASE_LEVELS = ("无", "校级示范", "省级", "国家级")
USAGE_ACTIVITIES = ("专业认识实习", "技能实训", "岗位实习", "技能竞赛")  # N四(四)2
GENDERS = ("男", "女")
INTERNSHIP_KINDS = ("岗位实习", "认识实习")  # 实习规定 Art. 2
INTERNSHIP_STATUSES = ("计划", "协议已签", "实习中", "已结束", "终止")
INSURANCE_PAYERS = ("学校", "实习单位", "学生", "其他")
EMPLOYMENT_STATUSES = ("协议就业", "灵活就业", "自主创业", "升学", "参军入伍", "待就业")
EMPLOYED_STATUSES = (
    "协议就业",
    "灵活就业",
    "自主创业",
)  # those with an employer: 对口率 and salary count them


class PracticeBase(RecordMixin, Base):
    """实践教学基地 (N四(四)): kind, mode, level, the enterprise and agreement it rests on, majors served, 工位数."""

    __tablename__ = "practice_base"
    __audit_collections__ = {"major_links": "major_id"}
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), index=True)
    mode: Mapped[str] = mapped_column(String(4), default="")
    level: Mapped[str] = mapped_column(String(4), default="无")
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    agreement_id: Mapped[str | None] = mapped_column(ForeignKey("agreement.id"), index=True)
    capacity: Mapped[int] = mapped_column(Integer, default=0)  # 工位数
    established_on: Mapped[dt.date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(300), default="")
    has_lodging: Mapped[bool] = mapped_column(Boolean, default=False)  # 是否有住宿条件
    gives_allowance: Mapped[bool] = mapped_column(Boolean, default=False)  # 是否发放实习补贴
    main_projects: Mapped[str] = mapped_column(
        Text, default=""
    )  # 主要（实习实训）项目（全称）, separated by 、
    fee_per_student_fen: Mapped[int | None] = mapped_column(Money)  # 学校向基地支付专项实习经费（元/生）
    full_time_managers: Mapped[int] = mapped_column(Integer, default=0)  # 专职管理人员（名）
    part_time_managers: Mapped[int] = mapped_column(Integer, default=0)  # 兼职管理人员（名）
    note: Mapped[str] = mapped_column(Text, default="")
    major_links: Mapped[list[PracticeBaseMajor]] = relationship(cascade="all, delete-orphan")


class PracticeBaseMajor(Base):
    __tablename__ = "practice_base_major"
    base_id: Mapped[str] = mapped_column(ForeignKey("practice_base.id", ondelete="CASCADE"), primary_key=True)
    major_id: Mapped[str] = mapped_column(ForeignKey("major.id"), primary_key=True, index=True)


class BaseUsage(RecordMixin, Base):
    """One use of a base in a semester (N四(四)2): activity, major, students (人次), days, person-days, teachers.
    Internships placed at the base are counted by the service, not stored here."""

    __tablename__ = "base_usage"
    base_id: Mapped[str] = mapped_column(ForeignKey("practice_base.id"), index=True)
    semester: Mapped[str] = mapped_column(String(11), index=True)  # 2025-2026-1
    activity: Mapped[str] = mapped_column(String(10))
    major_id: Mapped[str | None] = mapped_column(ForeignKey("major.id"), index=True)
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    students: Mapped[int] = mapped_column(Integer, default=0)  # 人次
    days: Mapped[int] = mapped_column(Integer, default=0)  # 使用天数
    person_days: Mapped[int] = mapped_column(Integer, default=0)  # 人天
    teachers: Mapped[str] = mapped_column(Text, default="")  # 指导教师 names, separated by 、
    teacher_count: Mapped[int] = mapped_column(Integer, default=0)  # 指导教师人次
    hours: Mapped[int] = mapped_column(Integer, default=0)  # 学时 per student: 人时 = students × hours
    audience: Mapped[str] = mapped_column(
        String(2), default="校内"
    )  # 校内 (students) / 社会 (outside trainees)
    note: Mapped[str] = mapped_column(Text, default="")


class BaseCost(RecordMixin, Base):
    """A 校内 base's running costs in one 学年 (校内实践基地 table): 原材料（耗材） and 设备维护, in fen."""

    __tablename__ = "base_cost"
    __version_owner__ = ("practice_base", "base_id")  # written by the base's form: a change of the base
    base_id: Mapped[str] = mapped_column(ForeignKey("practice_base.id"), index=True)
    school_year: Mapped[str] = mapped_column(String(9), index=True)  # 2025-2026
    consumables_fen: Mapped[int] = mapped_column(Money, default=0)
    maintenance_fen: Mapped[int] = mapped_column(Money, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class UsageSummary(RecordMixin, Base):
    """A major's semester-end base usage summary marked as submitted (N四(四)2)."""

    __tablename__ = "usage_summary"
    major_id: Mapped[str] = mapped_column(ForeignKey("major.id"), index=True)
    semester: Mapped[str] = mapped_column(String(11), index=True)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


PERSONAL_GROUP = "personal"
_PERSONAL = {"deferred": True, "deferred_group": PERSONAL_GROUP}


class Student(RecordMixin, Base):
    """学生. 身份证号 and phones are personal data (DOMAIN.md → Privacy): masked in lists, exports and the audit
    trail; the birth date and gender are read from the ID number when there is one."""

    __tablename__ = "student"
    __audit_masked__ = frozenset(
        {
            "id_number",
            "birth_date",
            "phone",
            "guardian_phone",
            "guardian_id_number",
            "emergency_phone",
            "home_address",
        }
    )
    # The personal columns are loaded only where asked for (`undefer_group(PERSONAL_GROUP)`: a form, the
    # 三方协议, a full export): a user without 学生个人信息 may not read them on a server (app/db/roles.py), and
    # every list reads the masked copies instead (`*_masked`, kept by app/db/personal.py).
    student_no: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(1), default="")
    id_number: Mapped[str] = mapped_column(String(18), default="", **_PERSONAL)
    birth_date: Mapped[dt.date | None] = mapped_column(Date, **_PERSONAL)
    major_id: Mapped[str | None] = mapped_column(ForeignKey("major.id"), index=True)
    class_name: Mapped[str] = mapped_column(String(50), default="", index=True)
    entry_year: Mapped[int | None] = mapped_column(Integer)  # 入学年份 (grade)
    phone: Mapped[str] = mapped_column(String(30), default="", **_PERSONAL)
    guardian_name: Mapped[str] = mapped_column(String(50), default="")
    guardian_phone: Mapped[str] = mapped_column(String(30), default="", **_PERSONAL)
    guardian_relation: Mapped[str] = mapped_column(String(20), default="")  # 与学生关系 (父亲 / 母亲 …)
    guardian_id_number: Mapped[str] = mapped_column(
        String(18), default="", **_PERSONAL
    )  # 监护人身份证号 (signs for a minor)
    home_address: Mapped[str] = mapped_column(String(300), default="", **_PERSONAL)  # 家庭住址
    emergency_contact: Mapped[str] = mapped_column(String(50), default="")  # 紧急联系人
    emergency_phone: Mapped[str] = mapped_column(String(30), default="", **_PERSONAL)
    # What every user may read of them (app/domain/privacy.py MASKS; 出生日期 has none: the masked 身份证号 hides it)
    id_number_masked: Mapped[str] = mapped_column(String(18), default="", server_default="")
    phone_masked: Mapped[str] = mapped_column(String(30), default="", server_default="")
    guardian_phone_masked: Mapped[str] = mapped_column(String(30), default="", server_default="")
    guardian_id_number_masked: Mapped[str] = mapped_column(String(18), default="", server_default="")
    emergency_phone_masked: Mapped[str] = mapped_column(String(30), default="", server_default="")
    home_address_masked: Mapped[str] = mapped_column(String(300), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Internship(RecordMixin, Base):
    """岗位实习 / 认识实习 of one student (实习规定; H第十二条): place and terms, insurance, the five parties
    (五方联动), status and the documents on file. Money in fen; hours a day as a decimal (7.5)."""

    __tablename__ = "internship"
    student_id: Mapped[str] = mapped_column(ForeignKey("student.id"), index=True)
    kind: Mapped[str] = mapped_column(String(4), default="岗位实习")
    agreement_no: Mapped[str] = mapped_column(String(40), default="")  # 三方协议编号, assigned once, kept
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    base_id: Mapped[str | None] = mapped_column(ForeignKey("practice_base.id"), index=True)
    position: Mapped[str] = mapped_column(String(100), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[dt.date] = mapped_column(Date, index=True)
    ends_on: Mapped[dt.date] = mapped_column(Date, index=True)
    monthly_pay_fen: Mapped[int] = mapped_column(Money, default=0)
    same_post_wage_fen: Mapped[int] = mapped_column(Money, default=0)  # 同岗位职工工资 (Art. 18)
    pay_day: Mapped[int] = mapped_column(Integer, default=0)  # 每月几日发放; 0 = not agreed
    hours_per_day: Mapped[float] = mapped_column(Float, default=8.0)
    days_per_week: Mapped[int] = mapped_column(Integer, default=5)
    night_shift: Mapped[bool] = mapped_column(Boolean, default=False)
    overtime: Mapped[bool] = mapped_column(Boolean, default=False)  # 加班 / 法定节假日上岗
    lodging: Mapped[str] = mapped_column(String(200), default="")  # 食宿安排 (三方协议)
    transport: Mapped[str] = mapped_column(String(200), default="")  # 交通安排 (三方协议)
    insurer: Mapped[str] = mapped_column(String(100), default="")
    policy_no: Mapped[str] = mapped_column(String(60), default="")
    insured_from: Mapped[dt.date | None] = mapped_column(Date)
    insured_to: Mapped[dt.date | None] = mapped_column(Date)
    insurance_paid_by: Mapped[str] = mapped_column(String(4), default="")
    counselor: Mapped[str] = mapped_column(String(50), default="")  # 辅导员
    academic_mentor: Mapped[str] = mapped_column(String(50), default="")  # 专业导师
    enterprise_hr: Mapped[str] = mapped_column(String(50), default="")  # 企业人事主管
    enterprise_mentor: Mapped[str] = mapped_column(String(50), default="")  # 企业实习负责人
    guardian: Mapped[str] = mapped_column(String(50), default="")  # 家长
    status: Mapped[str] = mapped_column(String(4), default="计划", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")  # why 终止
    has_tripartite: Mapped[bool] = mapped_column(Boolean, default=False)  # 三方协议（已签）
    has_consent: Mapped[bool] = mapped_column(Boolean, default=False)  # 家长知情同意书
    has_safety_record: Mapped[bool] = mapped_column(Boolean, default=False)  # 安全教育记录
    note: Mapped[str] = mapped_column(Text, default="")


class MonthlyEvaluation(RecordMixin, Base):
    """企业月度评价 (H第十二条(四)): one per internship and month (the month's first day), score 0–100."""

    __tablename__ = "monthly_evaluation"
    internship_id: Mapped[str] = mapped_column(ForeignKey("internship.id"), index=True)
    month: Mapped[dt.date] = mapped_column(Date, index=True)
    score: Mapped[int] = mapped_column(Integer)
    evaluator: Mapped[str] = mapped_column(String(50), default="")
    comment: Mapped[str] = mapped_column(Text, default="")


class Employment(RecordMixin, Base):
    """A graduate's destination (H第十三条): status, employer (archive or text), 对口, monthly salary in fen."""

    __tablename__ = "employment"
    student_id: Mapped[str] = mapped_column(ForeignKey("student.id"), index=True)
    graduate_year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(4), default="协议就业")
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    employer_name: Mapped[str] = mapped_column(String(200), default="")
    related: Mapped[bool] = mapped_column(Boolean, default=False)  # 专业对口
    monthly_salary_fen: Mapped[int] = mapped_column(Money, default=0)
    position: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
