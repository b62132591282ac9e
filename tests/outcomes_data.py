"""Fixed 成果 / 培训 / 产业教师 data for the 产学合作 figures of 学年 2025-2026, with the figures worked out
by hand (tests/core/test_outcomes_xlsx.py, tests/ui/test_ui_outcomes.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db.engine import Database
from app.db.models import Major
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.outcomes import AchievementData, TrainingData, save_achievement, save_training
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.teachers import TeacherData, create_teacher
from tests.codes import valid_uscc

D = dt.date
YEAR = "2025-2026"
PROFILE = CollegeProfile(
    "湖南湘麓职业技术学院",
    "机电工程学院",
    (
        MajorGroupInfo("智能制造专业群", ("机电一体化技术",)),
        MajorGroupInfo("新能源汽车专业群", ("新能源汽车技术",)),
    ),
)
E1 = "湖南甲智能装备有限公司"
E2 = "=湖南乙汽车有限公司"  # a name that Excel would read as a formula

# (名称, 课程, 教材, 兼职教师, 技术服务年收入 fen, 培训人天), in the order the service sorts them
BY_MAJOR = [
    ("新能源汽车技术", 0, 1, 0, 50_000_000, 0),
    ("机电一体化技术", 1, 0, 1, 1_234_560, 60),
    ("未指定专业", 0, 0, 0, 99, 15),
]
BY_ENTERPRISE = [  # "=" sorts before 湖
    (E2, 0, 1, 0, 99, 15),
    (E1, 1, 0, 1, 51_234_560, 60),
]
TOTAL = (1, 1, 1, 51_234_659, 75)


def fill(db: Database) -> dict[str, str]:
    """The data behind BY_MAJOR / BY_ENTERPRISE, plus records outside the 学年 that must not count."""
    with db.session() as s:
        save_profile(s, PROFILE)
        ids = dict(s.execute(select(Major.name, Major.id)).all())
        e1 = ids[E1] = create_enterprise(s, EnterpriseData(name=E1, uscc=valid_uscc(1))).ids[0]
        e2 = ids[E2] = create_enterprise(s, EnterpriseData(name=E2)).ids[0]
        m1, m2 = ids["机电一体化技术"], ids["新能源汽车技术"]
        for data in (
            AchievementData("共同开发课程", "工业机器人编程", D(2025, 9, 1), e1, m1),
            AchievementData("共同开发课程", "上一学年的课程", D(2025, 8, 31), e1, m1),
            AchievementData("共同开发教材", "电池管理", D(2026, 3, 1), e2, m2),
            AchievementData("技术服务", "设备改造", D(2025, 10, 1), e1, m1, 1_234_560),
            AchievementData("横向课题", "产线优化", D(2026, 5, 1), e1, m2, 50_000_000),
            AchievementData("技术咨询", "工艺咨询", D(2026, 5, 1), e2, None, 99),
            AchievementData("专利", "一种刀具检测装置", D(2026, 5, 1), e2, m2),
        ):
            save_achievement(s, data)
        save_training(
            s, TrainingData("岗前培训", "新员工入职", D(2025, 12, 1), e1, m1, trainees=20, person_days=60)
        )
        save_training(s, TrainingData("岗位培训", "班组长", D(2026, 4, 1), e2, None, person_days=15))
        save_training(s, TrainingData("岗位培训", "上一学年", D(2025, 4, 1), e2, None, person_days=999))
        create_teacher(
            s,
            TeacherData("赵工", "", "产业", major_id=m1, employer_id=e1,
                        appointed_from=D(2024, 9, 1), appointed_to=D(2026, 8, 31)),
        )  # fmt: skip
    return ids
