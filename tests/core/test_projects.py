"""Projects (tier by kind, H第九条), meetings with action items, operation reports, visits, semesters."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.db.engine import Database
from app.db.models import AuditLog, Major, ProjectResponsible
from app.domain.semesters import (
    DEFAULT_CALENDAR,
    SemesterCalendar,
    past_semesters,
    semester_bounds,
    semester_of,
)
from app.errors import ValidationError, ValidationErrors
from app.services.agreements import AgreementData, create_agreement
from app.services.enterprises import EnterpriseData, create_enterprise, get_enterprise
from app.services.meetings import (
    ActionItemData,
    MeetingData,
    complete_action_item,
    create_meeting,
    operation_reports,
    project_meetings,
    record_operation_report,
    update_meeting,
)
from app.services.projects import (
    PROJECT_KINDS,
    KPIData,
    ProjectData,
    ProjectQuery,
    ResponsibleData,
    create_project,
    delete_projects,
    enterprise_highest_tiers,
    get_project,
    project_ids,
    project_rows,
    restore_projects,
    tier_counts,
    tier_for,
    tier_is_chosen,
    update_project,
)
from app.services.settings import (
    CollegeProfile,
    MajorGroupInfo,
    get_semester_calendar,
    save_profile,
    save_semester_calendar,
)
from app.services.visits import (
    VisitData,
    VisitStop,
    create_visit,
    get_visit,
    last_visits,
    visit_ids,
    visit_rows,
)


@pytest.mark.parametrize(
    ("kind", "tier"),
    [
        ("岗位实习", "foundation"),
        ("订单培养", "foundation"),
        ("现代学徒制", "deepening"),
        ("现场工程师", "deepening"),
        ("产教融合共同体", "integration"),
        ("市域产教联合体", "integration"),
        ("现代产业学院", "integration"),
        ("协同创新中心", "integration"),
    ],
)
def test_tier_follows_h9_for_mapped_kinds(kind: str, tier: str) -> None:
    assert tier_for(kind) == tier == tier_for(kind, tier)
    assert not tier_is_chosen(kind)
    other = "integration" if tier != "integration" else "foundation"
    with pytest.raises(ValidationError, match="不能选择"):
        tier_for(kind, other)


@pytest.mark.parametrize("kind", ["实训基地共建", "技能大师工作室", "横向课题", "培训服务", "其他"])
def test_other_kinds_need_a_chosen_tier(kind: str) -> None:
    assert tier_is_chosen(kind) and kind in PROJECT_KINDS
    with pytest.raises(ValidationError, match="须选择合作层次"):
        tier_for(kind)
    assert tier_for(kind, "deepening") == "deepening"


@pytest.fixture
def world(db: Database) -> dict[str, str]:
    with db.session() as s:
        save_profile(
            s, CollegeProfile("某职院", "机电工程学院", (MajorGroupInfo("智能制造", ("机电一体化技术",)),))
        )
        e1 = create_enterprise(s, EnterpriseData(name="湖南甲智能有限公司", status="合作中")).ids[0]
        e2 = create_enterprise(s, EnterpriseData(name="湖南乙汽车有限公司", status="合作中")).ids[0]
        a = create_agreement(s, AgreementData(title="订单班协议", kind="订单培养", enterprise_ids=(e1,))).ids[
            0
        ]
        major = s.scalars(select(Major.id)).one()
    return {"e1": e1, "e2": e2, "agreement": a, "major": major}


def project(w: dict[str, str], **kw: object) -> ProjectData:
    base = dict(
        name="湘江智能订单班",
        kind="订单培养",
        leader="王建国",
        starts_on=dt.date(2025, 9, 1),
        responsibles=(ResponsibleData("学生管理", "李芳"), ResponsibleData("企业对接", "刘强")),
        kpis=(KPIData("订单班学生", 40, "人", 35, "2025-2026学年"),),
        enterprise_ids=(w["e1"],),
        agreement_ids=(w["agreement"],),
        major_ids=(w["major"],),
    )
    base.update(kw)
    return ProjectData(**base)  # type: ignore[arg-type]


def test_project_create_get_update(db: Database, world: dict[str, str]) -> None:
    with db.session() as s:
        pid = create_project(s, project(world)).ids[0]
    with db.reader() as s:
        p = get_project(s, pid)
    assert p.tier == "foundation" and p.tier_label == "基础层"
    assert p.responsibles == (ResponsibleData("学生管理", "李芳"), ResponsibleData("企业对接", "刘强"))
    assert p.kpis[0].progress == pytest.approx(35 / 40)
    assert p.enterprise_ids == (world["e1"],) and p.major_ids == (world["major"],)
    kpi = p.kpis[0]
    with db.session() as s:
        responsible_ids = set(s.scalars(select(ProjectResponsible.id)))
        update_project(
            s,
            pid,
            project(
                world,
                kind="现代学徒制",
                responsibles=(ResponsibleData("学生管理", "李芳"), ResponsibleData("企业对接", "陈晨")),
                kpis=(KPIData("学徒", 20, "人", None, "", kpi.id),),
                enterprise_ids=(world["e2"], world["e1"]),
            ),
        )
        assert set(s.scalars(select(ProjectResponsible.id))) == responsible_ids  # edited in place
    with db.reader() as s:
        p = get_project(s, pid)
        log = s.execute(select(AuditLog.table_name, AuditLog.action).where(AuditLog.action == "update")).all()
    assert p.tier == "deepening" and p.kpis[0].id == kpi.id and p.kpis[0].progress is None
    assert set(p.enterprise_ids) == {world["e1"], world["e2"]}
    assert sorted(log) == [
        ("project", "update"),
        ("project_kpi", "update"),
        ("project_responsible", "update"),
    ]


def test_project_validation(db: Database, world: dict[str, str]) -> None:
    bad = project(
        world,
        name="",
        kind="横向课题",
        ends_on=dt.date(2025, 1, 1),
        responsibles=(ResponsibleData("财务", ""),),
        kpis=(KPIData("", -1),),
        major_ids=("no-such-major",),
    )
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_project(s, bad)
    msgs = [(e.field, e.message) for e in exc.value.errors]
    assert ("name", "项目名称不能为空") in msgs
    assert ("tier", "“横向课题”项目须选择合作层次：基础层、深化层或融合层") in msgs
    assert ("ends_on", "结束日期不能早于开始日期") in msgs
    assert ("responsibles", "第1位责任人须同时填写负责环节和姓名") in msgs
    assert ("kpis", "第1项指标缺少名称") in msgs
    assert ("major_ids", "有1个所选专业不存在或已在回收站中") in msgs


def test_listing_by_tier_and_highest_tier(db: Database, world: dict[str, str]) -> None:
    with db.session() as s:
        a = create_project(s, project(world, name="丙 产业学院", kind="现代产业学院")).ids[0]
        b = create_project(
            s, project(world, name="乙 学徒制", kind="现代学徒制", enterprise_ids=(world["e2"],))
        ).ids[0]
        c = create_project(s, project(world, name="甲 订单班")).ids[0]
        d = create_project(s, project(world, name="丁 工作室", kind="技能大师工作室", tier="deepening")).ids[
            0
        ]
    with db.reader() as s:
        ordered = project_ids(s)
        assert ordered[0] == c and ordered[-1] == a and set(ordered[1:3]) == {b, d}
        assert project_ids(s, ProjectQuery(tier="deepening", text="学徒")) == [b]
        assert project_ids(s, ProjectQuery(text="乙汽车")) == [b]
        assert project_rows(s, [a])[a].tier_label == "融合层"
        assert tier_counts(s) == {"foundation": 1, "deepening": 2, "integration": 1}
        assert enterprise_highest_tiers(s) == {world["e1"]: "integration", world["e2"]: "deepening"}
    with db.session() as s:
        delete_projects(s, [a])
    with db.reader() as s:
        assert enterprise_highest_tiers(s, [world["e1"]]) == {world["e1"]: "deepening"}
        assert project_ids(s, ProjectQuery(deleted=True)) == [a]
    with db.session() as s:
        restore_projects(s, [a])
        assert enterprise_highest_tiers(s)[world["e1"]] == "integration"


def test_meetings_and_action_items(db: Database, world: dict[str, str]) -> None:
    with db.session() as s:
        pid = create_project(s, project(world)).ids[0]
        with pytest.raises(ValidationErrors) as exc:
            create_meeting(
                s,
                MeetingData(
                    pid,
                    None,
                    action_items=(ActionItemData(""), ActionItemData("x", done_on=dt.date(2026, 1, 1))),
                ),
            )
        fields = [e.message for e in exc.value.errors]
        assert fields == [
            "请填写会议日期",
            "第1项待办事项缺少内容",
            "第2项待办事项未标记完成，却填写了完成日期",
        ]
        mid = create_meeting(
            s,
            MeetingData(
                pid,
                dt.date(2026, 10, 10),
                attendees="王建国、李芳、企业HR",
                decisions="扩大订单班规模",
                action_items=(ActionItemData("修订人才培养方案", "李芳", dt.date(2026, 11, 1)),),
            ),
        ).ids[0]
        with pytest.raises(ValidationErrors, match="早于会议日期"):
            update_meeting(
                s,
                mid,
                MeetingData(
                    pid,
                    dt.date(2026, 10, 10),
                    action_items=(ActionItemData("x", due_on=dt.date(2026, 1, 1)),),
                ),
            )
    with db.session() as s:
        [m] = project_meetings(s, pid)
        assert m.decisions == "扩大订单班规模" and m.action_items[0].owner == "李芳"
        complete_action_item(s, m.action_items[0].id, dt.date(2026, 10, 30))
        [m] = project_meetings(s, pid)
        assert m.action_items[0].done and m.action_items[0].done_on == dt.date(2026, 10, 30)


def test_operation_reports(db: Database, world: dict[str, str]) -> None:
    with db.session() as s:
        pid = create_project(s, project(world)).ids[0]
        record_operation_report(s, pid, "2025-2026-1", dt.date(2026, 1, 20))
        record_operation_report(s, pid, "2025-2026-1", dt.date(2026, 1, 25), "更正")  # same semester: updated
        with pytest.raises(ValidationErrors, match="格式不对"):
            record_operation_report(s, pid, "2025-2027-1", None)
        reports = operation_reports(s, pid)
    assert [(r.semester, r.submitted_on, r.note) for r in reports] == [
        ("2025-2026-1", dt.date(2026, 1, 25), "更正")
    ]


def test_semesters() -> None:
    assert semester_bounds("2025-2026-1") == (dt.date(2025, 9, 1), dt.date(2026, 1, 31))
    assert semester_bounds("2025-2026-2") == (dt.date(2026, 2, 1), dt.date(2026, 7, 31))
    assert semester_of(dt.date(2026, 1, 31)) == "2025-2026-1"
    assert semester_of(dt.date(2026, 2, 1)) == "2025-2026-2"
    assert semester_of(dt.date(2026, 8, 15)) is None
    assert semester_of(dt.date(2026, 9, 1)) == "2026-2027-1"
    assert past_semesters(dt.date(2025, 8, 20), dt.date(2026, 8, 1)) == ["2025-2026-1", "2025-2026-2"]
    assert past_semesters(dt.date(2025, 8, 20), dt.date(2026, 7, 31)) == ["2025-2026-1"]  # last day: not past
    assert past_semesters(dt.date(2024, 3, 1), dt.date(2026, 11, 23), dt.date(2024, 12, 31)) == [
        "2023-2024-2",
        "2024-2025-1",
    ]
    for bad in ("2025-2026-3", "2025-2027-1", "2025"):
        with pytest.raises(ValueError, match="格式不对"):
            semester_bounds(bad)


def test_visits(db: Database, world: dict[str, str]) -> None:
    today = dt.date(2026, 11, 23)
    with db.session() as s:
        with pytest.raises(ValidationErrors) as exc:
            create_visit(
                s,
                VisitData(
                    today + dt.timedelta(days=1), (), " ", stops=(VisitStop(world["e1"], positions=-1),)
                ),
                today=today,
            )
        assert {e.field for e in exc.value.errors} == {"visited_on", "enterprise_ids", "leader", "stops"}
        assert "湖南甲智能有限公司：可提供岗位数应在0～" in str(exc.value)
        vid = create_visit(
            s,
            VisitData(dt.date(2026, 5, 20), (world["e1"], world["e2"]), "张院长", "李芳、刘强", "访企拓岗",
                      stops=(VisitStop(world["e2"], positions=12, average_pay_fen=520000),)),
            today=today,
        ).ids[0]  # fmt: skip
        create_visit(s, VisitData(dt.date(2025, 5, 20), (world["e1"],), "张院长"), today=today)
    with db.reader() as s:
        v = get_visit(s, vid)
        assert (
            v.enterprise_names == ("湖南甲智能有限公司", "湖南乙汽车有限公司")
            and v.stop(world["e2"]).average_pay_fen == 520000
            and v.stop(world["e1"]).positions is None
        )
        assert visit_ids(s, enterprise_id=world["e2"]) == [vid]
        row = visit_rows(s, [vid])[vid]
        assert row.enterprises == "湖南甲智能有限公司、湖南乙汽车有限公司"
        assert (row.positions, row.average_pay_fen) == (12, 520000)
        assert last_visits(s) == {world["e1"]: dt.date(2026, 5, 20), world["e2"]: dt.date(2026, 5, 20)}
        inserted = s.scalars(select(AuditLog.changes).where(AuditLog.record_id == vid)).one()
    assert inserted["enterprise_links"] == sorted(
        (world["e1"], f"{world['e2']} positions=12 average_pay_fen=520000")
    )


def test_semester_calendar() -> None:
    cal = SemesterCalendar.parse("08-25,02-20,07-10")
    assert cal.text() == "08-25,02-20,07-10"
    assert semester_bounds("2025-2026-1", cal) == (dt.date(2025, 8, 25), dt.date(2026, 2, 19))
    assert semester_bounds("2025-2026-2", cal) == (dt.date(2026, 2, 20), dt.date(2026, 7, 10))
    assert (
        semester_of(dt.date(2026, 7, 11), cal) is None
        and semester_of(dt.date(2026, 8, 25), cal) == "2026-2027-1"
    )
    for bad, message in (
        ("09-01,02-29,07-31", "2月29日"),
        ("09-01,08-01,07-31", "顺序不对"),
        ("9月1日", "格式不对"),
        ("09-01,02-01", "格式不对"),
    ):
        with pytest.raises(ValueError, match=message):
            SemesterCalendar.parse(bad)


def test_semester_calendar_in_settings_moves_report_reminders(db: Database) -> None:
    from tests.findings import reminders

    with db.session() as s:
        assert get_semester_calendar(s) == DEFAULT_CALENDAR
        create_project(
            s, ProjectData(name="学徒制", kind="现代学徒制", leader="王", starts_on=dt.date(2026, 3, 1))
        )
        with pytest.raises(ValidationError, match="顺序不对"):
            save_semester_calendar(s, SemesterCalendar((9, 1), (8, 1), (7, 31)))
    day = dt.date(2026, 7, 20)  # semester 2 is over by the custom calendar, not by the default one
    with db.reader() as s:
        assert not [r for r in reminders(s, day) if r.rule == "PRJ-REPORT"]
    with db.session() as s:
        save_semester_calendar(s, SemesterCalendar((8, 25), (2, 20), (7, 10)))
    with db.reader() as s:
        assert get_semester_calendar(s).second_end == (7, 10)
        due = [r.due for r in reminders(s, day) if r.rule == "PRJ-REPORT"]
    assert due == [dt.date(2026, 7, 10)]


def test_quick_visit_with_new_enterprise_names(db: Database, world: dict[str, str]) -> None:
    from app.services.enterprise_list import EnterpriseQuery, count_enterprises
    from app.services.visits import QUICK_NOTE, create_quick_visit

    today = dt.date(2026, 11, 23)
    with db.session() as s:
        changes = create_quick_visit(
            s,
            VisitData(today, (world["e1"],), "张院长", purpose="访企拓岗"),
            ["湖南新访科技有限公司", " 湖南乙汽车有限公司 ", ""],  # a new name and one already in the archive
            today=today,
        )
        assert changes.warnings == ("已新增企业“湖南新访科技有限公司”，请稍后在合作企业档案中补全信息",)
        v = get_visit(s, changes.ids[0])
        assert v.enterprise_names == ("湖南甲智能有限公司", "湖南新访科技有限公司", "湖南乙汽车有限公司")
        new = get_enterprise(s, v.enterprise_ids[1])
        assert new.status == "意向" and new.note == QUICK_NOTE
    with db.session() as s:  # a visit that fails leaves no new enterprise
        with pytest.raises(ValidationErrors, match="带队领导"):
            create_quick_visit(s, VisitData(today, (), ""), ["湖南不该留下有限公司"], today=today)
        assert count_enterprises(s, EnterpriseQuery(text="不该留下")) == 0
        with pytest.raises(ValidationErrors, match="企业名称“.*”"):
            create_quick_visit(s, VisitData(today, (), "张院长"), ["很长" * 120], today=today)


def test_list_figures_kpis_reports_and_overdue_items(db: Database, world: dict[str, str], tmp_path) -> None:
    from app.services.attachments import add_attachment
    from app.services.meetings import missing_report_counts, overdue_item_counts, report_schedule
    from app.services.projects import kpi_summaries

    today = dt.date(2026, 11, 23)
    kpis = (KPIData("订单班学生", 40, "人", 40), KPIData("共建课程", 4, "门", 1), KPIData("教材", 2, "种"))
    with db.session() as s:
        pid = create_project(s, project(world, kpis=kpis)).ids[0]  # starts 2025-09-01
        bare = create_project(s, project(world, name="无指标项目", kpis=(), starts_on=None)).ids[0]
        rid = record_operation_report(s, pid, "2025-2026-2", dt.date(2026, 7, 20)).ids[0]
        report_file = tmp_path / "运行报告.pdf"
        report_file.write_bytes(b"%PDF")
        add_attachment(s, "operation_report", rid, report_file)
        create_meeting(
            s,
            MeetingData(
                pid,
                dt.date(2026, 9, 1),
                action_items=(
                    ActionItemData("逾期", due_on=dt.date(2026, 10, 1)),
                    ActionItemData("已完成", due_on=dt.date(2026, 10, 1), done=True),
                    ActionItemData("未到期", due_on=dt.date(2026, 12, 1)),
                ),
            ),
        )
    with db.reader() as s:
        summary = kpi_summaries(s, [pid, bare])
        assert bare not in summary
        assert (summary[pid].met, summary[pid].total, summary[pid].text) == (1, 3, "1/3 达标")
        assert summary[pid].average == pytest.approx((1 + 0.25) / 2)
        assert missing_report_counts(s, [pid, bare], today) == {pid: 1}  # 2025-2026-1
        assert overdue_item_counts(s, [pid, bare], today) == {pid: 1}
        schedule = report_schedule(s, pid, today)
        assert [(r.semester, r.past, r.missing, r.files) for r in schedule] == [
            ("2025-2026-1", True, True, ()),
            ("2025-2026-2", True, False, ("运行报告.pdf",)),
            ("2026-2027-1", False, False, ()),  # the current one: not due yet
        ]
        assert report_schedule(s, bare, today) == []
