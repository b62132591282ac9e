"""演示数据, fourth part: teachers and their enterprise practice, studios, industry organizations with their
专业群 and activities, the 专业群建设指导委员会, achievements and training — through the services, dated
relative to `today`, the same for the small and the large demo (a college has tens of teachers, not 100,000).

Chosen so that the reminders show: some full-time teachers short of the 180 days (none at all, a few months,
one a day short, one whose practice has just left the 5-year window), the others met (with overlapping records
counted once); the first 专业群 has two organizations with an activity this 学年, the second one organization
whose last activity was in the previous 学年, the third none.
"""

from __future__ import annotations

import datetime as dt
import random
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import ACHIEVEMENT_KINDS, Enterprise, Major, MajorGroup
from app.progress import Progress, tick
from app.services.industry import (
    ActivityData,
    OrganizationData,
    SteeringMeetingData,
    SteeringMemberData,
    StudioActivityData,
    StudioData,
    save_activity,
    save_organization,
    save_steering_meeting,
    save_steering_member,
    save_studio,
    save_studio_activity,
    school_year_of,
)
from app.services.outcomes import AchievementData, TrainingData, save_achievement, save_training
from app.services.teachers import PracticeData, TeacherData, add_practice, create_teacher

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢傅钟"
GIVEN = ("建国", "晓东", "海燕", "志强", "丽娟", "文博", "敏", "俊杰", "雪梅", "国栋", "春华", "立新", "婷", "伟",
         "湘君", "子涵", "明亮", "红霞", "振宇", "思远")  # fmt: skip
FULLTIME = 36
INDUSTRY = 10
# days before today each 专任教师's practice ends and its length: a few patterns, cycled
PRACTICE_PLANS = (
    ((40, 200),),  # met in one go
    ((15, 45), (380, 150)),  # met: a winter and a long placement
    ((250, 365),),  # met: a year seconded to an enterprise
    ((400, 150), (480, 150)),  # two overlapping records: 230 days, the overlap counted once
    ((30, 60), (700, 60), (1300, 60)),  # three summers: 180, exactly met
    ((500, 120),),  # short by 60 days
    (),  # none at all
    ((200, 179),),  # one day short
    ((1830, 300),),  # long ago: outside the window
    ((100, 62), (465, 62), (830, 62)),  # three summers of 62 days: met
)
UNITS = ("数控加工车间", "机器人集成部", "电气调试部", "新能源汽车总装线", "设备维修部", "质量检测中心")
CONTENT = ("参与生产线设备调试与维护", "跟岗学习工业机器人编程与集成", "参与PLC控制系统改造项目",
           "在总装车间跟岗，熟悉新能源汽车装配工艺", "参与产品质量检测与工艺改进")  # fmt: skip
COURSES = ("工业机器人现场编程", "数控加工工艺", "电气控制与PLC", "新能源汽车电池管理", "智能产线运维")
ORGANIZATIONS = (
    ("湖南省机械工程学会", "行业组织", 0, (30, 120)),
    ("湖南省智能制造产业协会", "行业协会", 0, (60,)),
    ("湖南省汽车行业协会", "行业协会", 1, (400,)),  # last activity in the previous 学年
    ("长沙市农业机械化协会", "行业协会", None, (90,)),  # linked to no group: the third group has none
)
ACTIVITY_TYPES = ("年会", "产业发展论坛", "职业技能竞赛", "行业标准研讨会", "人才需求调研")


class _Teachers:
    def __init__(self, s: Session, rng: random.Random, today: dt.date) -> None:
        self.s, self.rng, self.today = s, rng, today
        self.majors = list(
            s.scalars(select(Major.id).where(Major.deleted_at.is_(None)).order_by(Major.sort_order))
        )
        self.groups = list(
            s.scalars(
                select(MajorGroup.id).where(MajorGroup.deleted_at.is_(None)).order_by(MajorGroup.sort_order)
            )
        )
        self.partners = [
            tuple(r)
            for r in s.execute(
                select(Enterprise.id, Enterprise.name)
                .where(Enterprise.deleted_at.is_(None), Enterprise.status == "合作中")
                .order_by(Enterprise.pinyin_full, Enterprise.id)
                .limit(60)
            )
        ]
        self.fulltime: list[str] = []
        self.industry: list[str] = []
        self.names: set[str] = set()

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def name(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if name not in self.names:
                self.names.add(name)
                return name

    def partner(self) -> tuple[str, str]:
        return self.rng.choice(self.partners)

    def teachers(self) -> int:
        for i in range(FULLTIME):
            dual = i % 3 != 2
            data = TeacherData(
                self.name(),
                f"2{i + 1:04d}",
                "专任",
                self.majors[i % len(self.majors)] if self.majors else None,
                is_dual=dual,
                dual_certificate=self.rng.choice(("高级技师（数控车工）", "电工技师", "工业机器人系统运维员（二级）"))
                if dual
                else "",
                dual_certified_on=self.day(self.rng.randint(100, 2500)) if dual else None,
            )  # fmt: skip
            self.fulltime.append(create_teacher(self.s, data).ids[0])
        for i in range(INDUSTRY):
            eid, _ = self.partner()
            start = self.day(self.rng.randint(200, 900))
            data = TeacherData(
                self.name(), f"C{i + 1:03d}" if i % 2 == 0 else "", "产业",
                self.majors[i % len(self.majors)] if self.majors else None,
                is_dual=i % 4 == 0, employer_id=eid, courses=self.rng.choice(COURSES),
                hours_taught=self.rng.choice((32, 48, 64, 96)), appointed_from=start,
                appointed_to=start + dt.timedelta(days=730) if i != 3 else self.day(30),
            )  # fmt: skip
            self.industry.append(create_teacher(self.s, data).ids[0])
        return FULLTIME + INDUSTRY

    def practice(self) -> int:
        n = 0
        for i, tid in enumerate(self.fulltime):
            for ended_ago, days in PRACTICE_PLANS[i % len(PRACTICE_PLANS)]:
                eid, ename = self.partner()
                end = self.day(ended_ago)
                start = end - dt.timedelta(days=days - 1)
                unit = "" if i % 4 else f"{ename}{self.rng.choice(UNITS)}"
                data = PracticeData(tid, start, end, eid, unit or ename, self.rng.choice(CONTENT))
                add_practice(self.s, data)
                n += 1
        return n

    def studios(self) -> tuple[int, int]:
        kinds = ("技能大师工作室", "劳模和工匠人才创新工作室", "名师工作室", "企业专家工作室")
        names = (
            "湘麓数控技能大师工作室",
            "机器人集成劳模创新工作室",
            "电气自动化名师工作室",
            "新能源汽车企业专家工作室",
        )
        activities = 0
        for i, (kind, name) in enumerate(zip(kinds, names, strict=True)):
            lead = self.industry[i] if kind == "企业专家工作室" else self.fulltime[i * 3]
            members = tuple(self.fulltime[i * 3 + 1 : i * 3 + 4])
            eid, _ = self.partner()
            major = self.majors[i % len(self.majors)] if self.majors else None
            data = StudioData(name, kind, lead, members, eid, major, self.day(400 + 150 * i))
            sid = save_studio(self.s, data).ids[0]
            for j in range(3):
                title = self.rng.choice(
                    ("技能传承专题讲座", "学生技能竞赛集训", "企业技术难题攻关", "青年教师带徒")
                )
                save_studio_activity(
                    self.s, StudioActivityData(sid, self.day(20 + 70 * j + 9 * i), title, "工作室成员")
                )
                activities += 1
        return len(kinds), activities

    def organizations(self) -> tuple[int, int]:
        activities = 0
        for name, kind, group, days_ago in ORGANIZATIONS:
            groups = (self.groups[group],) if group is not None and group < len(self.groups) else ()
            oid = save_organization(self.s, OrganizationData(name, kind, groups, "秘书处")).ids[0]
            for ago in days_ago:
                when = self.day(ago)
                if group == 0 and school_year_of(self.s, when) != school_year_of(self.s, self.today):
                    when = self.today  # the first group's activities fall in this 学年 whatever the date
                kind_ = self.rng.choice(ACTIVITY_TYPES)
                save_activity(self.s, ActivityData(oid, when, kind_, "专业群负责人、骨干教师"))
                activities += 1
        return len(ORGANIZATIONS), activities

    def steering(self) -> int:
        n = 0
        for gid in self.groups:
            for role, title in (("主任", "二级学院院长"), ("副主任", "企业总工程师"), ("委员", "企业人力资源总监"),
                                ("委员", "专业带头人"), ("秘书长", "教学秘书")):  # fmt: skip
                eid = self.partner()[0] if title.startswith("企业") else None
                save_steering_member(self.s, SteeringMemberData(gid, self.name(), role, eid, title, n))
                n += 1
            save_steering_meeting(
                self.s,
                SteeringMeetingData(
                    gid, self.day(45), "学院第一会议室", "全体委员", "审议专业群年度建设任务书"
                ),
            )
        return n

    def achievements(self) -> int:
        n = 0
        for i, kind in enumerate(ACHIEVEMENT_KINDS * 3):
            eid, ename = self.partner()
            when = self.day(self.rng.randint(10, 700))
            amount = (
                self.rng.randint(3, 60) * 10_000_00
                if kind in ("横向课题", "技术服务", "技术转让", "技术咨询")
                else 0
            )
            title = {
                "专利": "一种数控机床刀具磨损检测装置",
                "共同开发课程": f"《{self.rng.choice(COURSES)}》课程",
                "共同开发教材": f"《{self.rng.choice(COURSES)}》活页式教材",
                "技能竞赛获奖": "全国职业院校技能大赛 工业机器人应用编程 二等奖",
                "标准": "智能产线运维职业技能等级标准（团体标准）",
            }.get(kind, f"{ename}{self.rng.choice(('设备改造', '工艺优化', '产线数字化'))}项目")
            people = "、".join(self.rng.sample(sorted(self.names), 2))
            major = self.majors[i % len(self.majors)] if self.majors else None
            data = AchievementData(
                kind, title, when, eid, major, amount, when, when + dt.timedelta(days=180), people
            )
            save_achievement(self.s, data)
            n += 1
        return n

    def training(self) -> int:
        kinds = ("岗前培训", "岗位培训", "技术技能培训", "职业技能等级评价")
        for i in range(12):
            eid, ename = self.partner()
            trainees, days = self.rng.randint(15, 80), self.rng.randint(1, 5)
            start = self.day(self.rng.randint(10, 700))
            major = self.majors[i % len(self.majors)] if self.majors else None
            data = TrainingData(
                kinds[i % 4], f"{ename}{kinds[i % 4]}", start, eid, major, start + dt.timedelta(days=days - 1),
                trainees, days * 8, trainees * days, trainees * days * 30_000,
            )  # fmt: skip
            save_training(self.s, data)
        return 12


def fill_teachers(
    s: Session,
    *,
    seed: int,
    today: dt.date,
    progress: Progress,
    cancel: threading.Event | None,
    at: float = 0.99,
) -> dict[str, int]:
    """Teachers, practice, studios, organizations, committees, achievements and training (needs partners)."""
    work = _Teachers(s, random.Random(seed * 15485863), today)
    if not work.partners:
        return {}
    tick(progress, cancel, at, "正在生成教师与企业实践")
    counts = {"教师": work.teachers(), "教师企业实践": work.practice()}
    tick(progress, cancel, at, "正在生成工作室、行业组织与成果")
    counts["工作室"], counts["工作室活动"] = work.studios()
    counts["行业组织"], counts["行业组织活动"] = work.organizations()
    counts["指导委员会委员"] = work.steering()
    counts["成果"] = work.achievements()
    counts["企业培训"] = work.training()
    return counts
