"""Studios, industry organizations, the steering committee, achievements and training; the 产学合作 figures per
major and per enterprise for a 学年 on fixed data; their 回收站 kinds (real SQLite)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import trash
from app.db.engine import Database
from app.db.models import Major, MajorGroup, OrganizationActivity, StudioActivity
from app.errors import AppError, ValidationError, ValidationErrors
from app.services.enterprises import EnterpriseData, create_enterprise, delete_enterprises
from app.services.industry import (
    ActivityData,
    OrganizationData,
    SteeringMeetingData,
    SteeringMemberData,
    StudioActivityData,
    StudioData,
    activity_rows,
    delete_organizations,
    delete_studios,
    group_organizations,
    organization_rows,
    save_activity,
    save_organization,
    save_steering_meeting,
    save_steering_member,
    save_studio,
    save_studio_activity,
    school_year_of,
    steering_committee,
    studio_activities,
    studio_rows,
)
from app.services.outcomes import (
    AchievementData,
    TrainingData,
    achievement_rows,
    cooperation_figures,
    delete_achievements,
    save_achievement,
    save_training,
    training_rows,
)
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.teachers import TeacherData, create_teacher

D = dt.date
PROFILE = CollegeProfile(
    "湖南湘麓职业技术学院",
    "机电工程学院",
    (
        MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术")),
        MajorGroupInfo("新能源汽车专业群", ("新能源汽车技术",)),
    ),
)


@pytest.fixture
def base(db: Database) -> dict[str, str]:
    with db.session() as s:
        save_profile(s, PROFILE)
        ids = dict(s.execute(select(Major.name, Major.id)).all())
        ids |= dict(s.execute(select(MajorGroup.name, MajorGroup.id)).all())
        ids["甲"] = create_enterprise(s, EnterpriseData(name="湖南甲智能装备有限公司", uscc="")).ids[0]
        ids["乙"] = create_enterprise(s, EnterpriseData(name="湖南乙汽车有限公司")).ids[0]
        ids["王强"] = create_teacher(s, TeacherData("王强", "T001")).ids[0]
        ids["李芳"] = create_teacher(s, TeacherData("李芳", "T002")).ids[0]
    return ids


# ---------------------------------------------------------------- studios, organizations, committee


def test_studio_with_members_and_activities(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        with pytest.raises(ValidationErrors) as e:
            save_studio(s, StudioData("", "大师工作室", member_ids=("nobody",)))
        assert [x.field for x in e.value.errors] == ["name", "kind", "member_ids"]
        sid = save_studio(
            s,
            StudioData(
                "王强技能大师工作室", "技能大师工作室", base["王强"], (base["李芳"], base["王强"]), base["甲"]
            ),
        ).ids[0]
        save_studio_activity(s, StudioActivityData(sid, D(2026, 3, 1), "青年教师带徒"))
        with pytest.raises(ValidationErrors, match="活动日期"):
            save_studio_activity(s, StudioActivityData(sid, None, "讲座"))
        [row] = studio_rows(s)
        assert row.member_names == ("王强", "李芳") and row.lead_name == "王强"  # the lead is a member, once
        assert (row.enterprise_name, row.activities) == ("湖南甲智能装备有限公司", 1)
        assert [a.title for a in studio_activities(s, sid)] == ["青年教师带徒"]
        save_studio(s, StudioData("王强技能大师工作室", "技能大师工作室", base["李芳"]), sid)
        assert studio_rows(s)[0].member_names == ("李芳",)


def test_organizations_groups_and_activities(db: Database, base: dict[str, str]) -> None:
    g1 = base["智能制造专业群"]
    with db.session() as s:
        oid = save_organization(s, OrganizationData("湖南省机械工程学会", "行业组织", (g1, g1))).ids[0]
        with pytest.raises(ValidationErrors, match="已存在"):
            save_organization(s, OrganizationData("湖南省机械工程学会", "行业组织"))
        with pytest.raises(ValidationErrors, match="组织类型"):
            save_organization(s, OrganizationData("某联盟", "联盟"))
        save_activity(s, ActivityData(oid, D(2025, 11, 5), "年会", "专业群负责人"))
        save_activity(s, ActivityData(oid, D(2026, 9, 20), "技能竞赛"))
        with pytest.raises(ValidationErrors) as e:
            save_activity(s, ActivityData("", None, ""))
        assert [x.field for x in e.value.errors] == ["organization_id", "held_on", "activity_type"]
        [row] = organization_rows(s)
        assert row.group_names == ("智能制造专业群",) and row.last_activity_on == D(2026, 9, 20)
        assert [a.activity_type for a in activity_rows(s, oid)] == ["技能竞赛", "年会"]
        assert (
            school_year_of(s, D(2026, 8, 31)) == "2025-2026"
            and school_year_of(s, D(2026, 9, 1)) == "2026-2027"
        )
        status = {g.group_name: g for g in group_organizations(s, D(2026, 6, 1))}
        assert status["智能制造专业群"].activities == 1 and status["智能制造专业群"].linked_ok
        assert status["新能源汽车专业群"].organization_ids == () and not status["新能源汽车专业群"].linked_ok


def test_steering_committee(db: Database, base: dict[str, str]) -> None:
    g1 = base["智能制造专业群"]
    with db.session() as s:
        save_steering_member(s, SteeringMemberData(g1, "张总", "委员", base["甲"], "企业总工程师"))
        save_steering_member(s, SteeringMemberData(g1, "刘院长", "主任", None, "二级学院院长"))
        with pytest.raises(ValidationErrors, match="委员会职务"):
            save_steering_member(s, SteeringMemberData(g1, "某人", "顾问"))
        with pytest.raises(ValidationErrors, match="请选择专业群"):
            save_steering_meeting(s, SteeringMeetingData("", D(2026, 3, 1)))
        save_steering_meeting(
            s, SteeringMeetingData(g1, D(2026, 3, 1), "第一会议室", "全体委员", "审议任务书")
        )
        members, meetings = steering_committee(s, g1)
        assert [m.name for m in members] == ["刘院长", "张总"] and members[1].enterprise_id == base["甲"]
        assert [m.minutes for m in meetings] == ["审议任务书"]


# ---------------------------------------------------------------- achievements and training


def test_achievement_and_training_validation(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        for data, fields in [
            (AchievementData("论文", "", None), ["kind", "title", "dated_on"]),
            (AchievementData("技术服务", "设备改造", D(2026, 1, 1), amount_fen=-1), ["amount_fen"]),
            (AchievementData("共同开发教材", "PLC教材", D(2026, 1, 1)), ["enterprise_id"]),
            (
                AchievementData(
                    "横向课题", "产线改造", D(2026, 1, 1), starts_on=D(2026, 2, 1), ends_on=D(2026, 1, 1)
                ),
                ["ends_on"],
            ),
        ]:
            with pytest.raises(ValidationErrors) as e:
                save_achievement(s, data)
            assert [x.field for x in e.value.errors] == fields, data
        with pytest.raises(ValidationErrors) as e:
            save_training(s, TrainingData("入职培训", "", None, trainees=-1, income_fen=1.5))  # type: ignore[arg-type]
        assert [x.field for x in e.value.errors] == ["kind", "title", "starts_on", "trainees", "income_fen"]
        aid = save_achievement(s, AchievementData("专利", "一种刀具检测装置", D(2026, 1, 1), base["甲"])).ids[
            0
        ]
        save_training(
            s, TrainingData("岗前培训", "新员工岗前培训", D(2026, 1, 5), base["甲"], person_days=60)
        )
        assert [r.enterprise_name for r in achievement_rows(s)] == ["湖南甲智能装备有限公司"]
        assert training_rows(s)[0].person_days == 60
        delete_achievements(s, [aid])
        assert achievement_rows(s) == []
        [row] = trash.trash_rows(s, "achievement")
        assert row.title == "一种刀具检测装置" and row.detail == "专利 2026-01-01"


def test_cooperation_figures_for_a_school_year(db: Database, base: dict[str, str]) -> None:
    m1, m2, e1, e2 = base["机电一体化技术"], base["新能源汽车技术"], base["甲"], base["乙"]
    with db.session() as s:
        add = save_achievement
        add(
            s, AchievementData("共同开发课程", "工业机器人编程", D(2025, 9, 1), e1, m1)
        )  # first day of 2025-2026
        add(s, AchievementData("共同开发课程", "PLC", D(2026, 8, 31), e1, m1))  # last day
        add(s, AchievementData("共同开发课程", "旧课程", D(2025, 8, 31), e1, m1))  # 2024-2025
        add(s, AchievementData("共同开发教材", "电池管理", D(2026, 3, 1), e2, m2))
        add(s, AchievementData("技术服务", "设备改造", D(2025, 10, 1), e1, m1, 1_234_500))
        add(s, AchievementData("横向课题", "产线优化", D(2026, 5, 1), e1, m2, 50_000_000))
        add(s, AchievementData("技术咨询", "工艺咨询", D(2026, 5, 1), e2, None, 99))
        add(s, AchievementData("专利", "不计入", D(2026, 5, 1), e2, m2, 7_000_000))
        gone = add(s, AchievementData("技术转让", "已删除", D(2026, 5, 1), e2, m2, 1_000_000)).ids[0]
        delete_achievements(s, [gone])
        save_training(
            s, TrainingData("岗前培训", "新员工", D(2025, 12, 1), e1, m1, trainees=20, person_days=60)
        )
        save_training(s, TrainingData("岗位培训", "班组长", D(2026, 4, 1), e2, None, person_days=15))
        save_training(s, TrainingData("岗位培训", "去年", D(2025, 4, 1), e2, None, person_days=999))
        for name, employer, major, start, end in (
            ("赵工", e1, m1, D(2024, 9, 1), D(2026, 8, 31)),  # spans the 学年
            ("钱工", e1, m1, None, None),  # no dates: appointed
            ("孙工", e2, m2, D(2026, 8, 31), None),  # starts on its last day
            ("周工", e2, m2, D(2023, 9, 1), D(2025, 8, 31)),  # ended before it: not counted
        ):
            create_teacher(s, TeacherData(name, "", "产业", major_id=major, employer_id=employer,
                                          appointed_from=start, appointed_to=end))  # fmt: skip
        figures = cooperation_figures(s, "2025-2026")
    assert (figures.first_day, figures.last_day) == (D(2025, 9, 1), D(2026, 8, 31))
    by_major = {f.name: f for f in figures.by_major}
    assert list(by_major) == ["新能源汽车技术", "机电一体化技术", "未指定专业"]  # by name, 未指定 last
    m1_fig = by_major["机电一体化技术"]
    assert (m1_fig.courses, m1_fig.textbooks, m1_fig.industry_teachers) == (2, 0, 2)
    assert (m1_fig.service_income_fen, m1_fig.training_person_days) == (1_234_500, 60)
    assert m1_fig.service_income_wan == Decimal("1.2345")
    m2_fig = by_major["新能源汽车技术"]
    assert (m2_fig.courses, m2_fig.textbooks, m2_fig.industry_teachers, m2_fig.service_income_fen) == (
        0,
        1,
        1,
        50_000_000,
    )
    assert m2_fig.service_income_wan == Decimal("50")
    none = by_major["未指定专业"]
    assert (none.service_income_fen, none.training_person_days, none.key_id) == (99, 15, None)
    by_ent = {f.name: f for f in figures.by_enterprise}
    e1_fig, e2_fig = by_ent["湖南甲智能装备有限公司"], by_ent["湖南乙汽车有限公司"]
    assert (
        e1_fig.courses,
        e1_fig.industry_teachers,
        e1_fig.service_income_fen,
        e1_fig.training_person_days,
    ) == (
        2,
        2,
        51_234_500,
        60,
    )
    assert (
        e2_fig.textbooks,
        e2_fig.industry_teachers,
        e2_fig.service_income_fen,
        e2_fig.training_person_days,
    ) == (
        1,
        1,
        99,
        15,
    )
    assert e2_fig.key_id == e2 and len(figures.by_enterprise) == 2


def test_figures_refuse_a_malformed_school_year(db: Database, base: dict[str, str]) -> None:
    with db.reader() as s, pytest.raises(ValidationError, match="学年"):
        cooperation_figures(s, "2025")


# ---------------------------------------------------------------- 回收站


def test_studios_and_organizations_purged_with_their_activities(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        sid = save_studio(s, StudioData("名师工作室", "名师工作室", base["王强"])).ids[0]
        save_studio_activity(s, StudioActivityData(sid, D(2026, 3, 1), "讲座"))
        oid = save_organization(s, OrganizationData("某协会", "行业协会", (base["智能制造专业群"],))).ids[0]
        save_activity(s, ActivityData(oid, D(2026, 3, 1), "年会"))
        delete_studios(s, [sid])
        delete_organizations(s, [oid])
        counts = trash.trash_counts(s)
        assert (counts["studio"], counts["industry_organization"]) == (1, 1)
    with db.session() as s:
        trash.purge_items(s, "studio", [sid])
        trash.purge_items(s, "industry_organization", [oid])
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(StudioActivity)) == 0
        assert s.scalar(select(func.count()).select_from(OrganizationActivity)) == 0


def test_an_enterprise_named_by_outcomes_is_not_purged(db: Database, base: dict[str, str]) -> None:
    with db.session() as s:
        save_training(s, TrainingData("岗前培训", "新员工", D(2026, 1, 5), base["乙"]))
        delete_enterprises(s, [base["乙"]])
    with pytest.raises(AppError, match="1期培训"), db.session() as s:
        trash.purge_items(s, "enterprise", [base["乙"]])
