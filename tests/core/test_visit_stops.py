"""访企拓岗 per enterprise visited: every detail of each enterprise round-trips through the service, bad values
are refused naming the enterprise and the field, an edit of one enterprise's figures leaves an audit row for
the visit, migration 0010 moves an old visit's figures onto its first enterprise, and the demo fills the
platform table's key columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.engine import Database, open_database
from app.db.models import AuditLog, Major, Visit, VisitEnterprise
from app.errors import ValidationErrors
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.visits import (
    VisitData,
    VisitStop,
    create_quick_visit,
    create_visit,
    delete_visits,
    get_visit,
    restore_visits,
    update_visit,
    visit_rows,
)

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def world(db: Database) -> dict[str, str]:
    with db.session() as s:
        save_profile(
            s,
            CollegeProfile(
                "某职院", "机电工程学院", (MajorGroupInfo("智能制造", ("机电一体化技术", "工业机器人技术")),)
            ),
        )
        e1 = create_enterprise(s, EnterpriseData(name="湖南甲智能有限公司", status="合作中")).ids[0]
        e2 = create_enterprise(s, EnterpriseData(name="湖南乙汽车有限公司", status="合作中")).ids[0]
        majors = dict(s.execute(select(Major.name, Major.id)).all())
    return {"e1": e1, "e2": e2, "m1": majors["机电一体化技术"], "m2": majors["工业机器人技术"]}


def full_stop(w: dict[str, str]) -> VisitStop:
    return VisitStop(
        w["e1"],
        major_id=w["m1"],
        positions=12,
        average_pay_fen=520_000,
        host_name="王敏",
        host_title="人力资源部经理",
        outcome="签订合作协议",
        intern_major_id=w["m2"],
        interns=6,
        intern_pay_fen=300_000,
        hire_major_id=w["m1"],
        hires=3,
        starting_pay_fen=480_000,
        other_cooperation="共同开发课程",
    )


def test_every_detail_of_each_enterprise_round_trips(db: Database, world: dict[str, str]) -> None:
    stop = full_stop(world)
    data = VisitData(
        dt.date(2026, 5, 20),
        (world["e1"], world["e2"]),
        "张建华",
        leader_title="院长",
        stops=(stop, VisitStop(world["e2"], positions=0, host_name=" 李强 ")),
    )
    with db.session() as s:
        vid = create_visit(s, data, today=TODAY).ids[0]
    with db.reader() as s:
        v = get_visit(s, vid)
        row = visit_rows(s, [vid])[vid]
    assert v.leader_title == "院长"
    assert v.stop(world["e1"]) == VisitStop(**{**stop.__dict__, "name": "湖南甲智能有限公司"})
    second = v.stop(world["e2"])
    assert (second.positions, second.host_name, second.average_pay_fen, second.major_id) == (
        0,
        "李强",
        None,
        None,
    )
    assert (row.positions, row.average_pay_fen) == (12, 520_000)  # 0 positions recorded, no pay: no weight

    changed = (VisitStop(world["e1"], positions=5, average_pay_fen=600_000), second)
    with db.session() as s:
        update_visit(s, vid, VisitData(data.visited_on, (world["e2"], world["e1"]), "张建华", stops=changed))
    with db.reader() as s:
        v = get_visit(s, vid)
        links = s.execute(
            select(VisitEnterprise.enterprise_id, VisitEnterprise.sort_order, VisitEnterprise.host_title)
            .where(VisitEnterprise.visit_id == vid)
            .order_by(VisitEnterprise.sort_order)
        ).all()
    assert v.enterprise_ids == (world["e2"], world["e1"]) and v.leader_title == ""
    assert (v.stop(world["e1"]).positions, v.stop(world["e1"]).host_title) == (5, "")  # cleared, not kept
    assert [tuple(r) for r in links] == [(world["e2"], 0, ""), (world["e1"], 1, "")]

    with db.session() as s:
        delete_visits(s, [vid])
    with db.session() as s:
        restore_visits(s, [vid])
    with db.reader() as s:
        assert get_visit(s, vid).stop(world["e1"]).average_pay_fen == 600_000


def test_an_edit_of_one_enterprise_leaves_one_audit_row_for_the_visit(
    db: Database, world: dict[str, str]
) -> None:
    data = VisitData(
        TODAY, (world["e1"], world["e2"]), "张建华", stops=(VisitStop(world["e1"], positions=3),)
    )
    with db.session() as s:
        vid = create_visit(s, data, today=TODAY).ids[0]
    with db.session() as s:  # only the first enterprise's positions change
        stops = (VisitStop(world["e1"], positions=8),)
        update_visit(s, vid, VisitData(TODAY, data.enterprise_ids, "张建华", stops=stops), today=TODAY)
    with db.session() as s:  # saved again unchanged: nothing to log
        update_visit(s, vid, VisitData(TODAY, data.enterprise_ids, "张建华", stops=stops), today=TODAY)
    with db.reader() as s:
        rows = s.execute(
            select(AuditLog.action, AuditLog.changes).where(AuditLog.record_id == vid).order_by(AuditLog.at)
        ).all()
    assert [r.action for r in rows] == ["insert", "update"]
    old, new = rows[1].changes["enterprise_links"]
    assert f"{world['e1']} positions=3" in old and f"{world['e1']} positions=8" in new
    assert world["e2"] in old and world["e2"] in new  # the unchanged one is listed on both sides


def test_bad_details_are_refused_naming_the_enterprise_and_the_field(
    db: Database, world: dict[str, str]
) -> None:
    gone = world["m2"]
    with db.session() as s:
        s.get(Major, gone).deleted_at = dt.datetime.now(dt.UTC)
    bad = (
        VisitStop(world["e1"], positions=-1, interns=-2, average_pay_fen=-100, starting_pay_fen=200_000_000),
        VisitStop(world["e2"], hire_major_id="no-such-major", intern_major_id=gone, host_name="很长" * 30),
    )
    with db.session() as s, pytest.raises(ValidationErrors) as exc:
        create_visit(s, VisitData(TODAY, (world["e1"], world["e2"]), "张建华", stops=bad), today=TODAY)
    messages = [e.message for e in exc.value.errors]
    assert {e.field for e in exc.value.errors} == {"stops"}
    assert messages == [
        "湖南甲智能有限公司：可提供岗位数应在0～100000之间（现为-1）",
        "湖南甲智能有限公司：接受实习生人数应在0～100000之间（现为-2）",
        "湖南甲智能有限公司：平均薪酬不能为负数",
        "湖南甲智能有限公司：起薪线按月填写，不能超过100万元",
        "湖南乙汽车有限公司：接受就业专业不存在，请重新选择",  # a major removed from 设置 stays valid
        "湖南乙汽车有限公司：企业接待人过长（最多50字，现有60字）",
    ]
    with db.session() as s, pytest.raises(ValidationErrors, match="湖南乙汽车有限公司：不在本次走访的企业中"):
        create_visit(
            s, VisitData(TODAY, (world["e1"],), "张建华", stops=(VisitStop(world["e2"]),)), today=TODAY
        )
    with db.reader() as s:
        assert s.scalar(select(Visit.id)) is None


def test_quick_visit_keeps_the_details_typed_for_a_new_enterprise(
    db: Database, world: dict[str, str]
) -> None:
    stops = (VisitStop("", positions=4, host_name="赵刚", name=" 长沙新访科技有限公司 "),)
    with db.session() as s:
        vid = create_quick_visit(
            s, VisitData(TODAY, (world["e1"],), "张建华", stops=stops), ["长沙新访科技有限公司"], today=TODAY
        ).ids[0]
    with db.reader() as s:
        v = get_visit(s, vid)
    assert v.enterprise_names[1] == "长沙新访科技有限公司"
    assert (v.stops[1].positions, v.stops[1].host_name, v.stops[0].positions) == (4, "赵刚", None)


def test_migration_moves_a_visits_figures_to_its_first_enterprise_only(tmp_path: Path) -> None:
    """A database of schema 0009 kept positions and pay per visit; 0010 puts them on the visit's first
    enterprise (by its order in the visit) and leaves the others and a visit without figures empty."""
    from sqlalchemy import MetaData, Table, insert

    from app.db.engine import make_engine
    from app.db.models import Enterprise
    from tests.core.test_old_databases import _at_revision

    path = tmp_path / "旧版本" / "chanjiao.db"
    first, second = "e-first", "e-second"
    _at_revision(
        path,
        "0009",
        [
            Enterprise(id=i, name=n, name_key=n)
            for i, n in ((first, "湖南乙汽车有限公司"), (second, "湖南甲智能有限公司"))
        ],
    )
    engine = make_engine(path)
    try:  # the old columns exist only in the old schema: written with Core
        with engine.begin() as conn:
            visit = Table("visit", MetaData(), autoload_with=conn)
            link = Table("visit_enterprise", MetaData(), autoload_with=conn)
            now = dt.datetime(2026, 1, 1)
            for vid, positions, pay in (("v-jobs", 12, 520_000), ("v-none", 0, None)):
                conn.execute(
                    insert(visit),
                    {"id": vid, "created_at": now, "updated_at": now, "visited_on": dt.date(2025, 12, 1),
                     "leader": "张院长", "participants": "", "purpose": "", "findings": "", "follow_up": "",
                     "positions_offered": positions, "average_pay_fen": pay},
                )  # fmt: skip
                conn.execute(  # the first enterprise by sort_order is not the first inserted
                    insert(link),
                    [
                        {"visit_id": vid, "enterprise_id": second, "sort_order": 1},
                        {"visit_id": vid, "enterprise_id": first, "sort_order": 0},
                    ],
                )
    finally:
        engine.dispose()
    db = open_database(path)
    try:
        with db.reader() as s:
            got = {
                (r.visit_id, r.enterprise_id): (r.positions, r.average_pay_fen)
                for r in s.execute(select(VisitEnterprise)).scalars().all()
            }
            rows = visit_rows(s, ["v-jobs", "v-none"])
    finally:
        db.close()
    assert got == {
        ("v-jobs", first): (12, 520_000),
        ("v-jobs", second): (None, None),
        ("v-none", first): (None, None),
        ("v-none", second): (None, None),
    }
    assert (rows["v-jobs"].positions, rows["v-none"].positions) == (12, None)


def test_demo_records_positions_and_pay_for_every_enterprise_visited(demo_db: Database) -> None:
    with demo_db.reader() as s:
        links = s.execute(select(VisitEnterprise)).scalars().all()
        assert links
        for link in links:
            assert link.positions and 420_000 <= link.average_pay_fen <= 750_000
            assert link.host_name and link.host_title and link.outcome and link.major_id
        assert any(link.interns for link in links) and any(link.hires for link in links)
        assert all(s.scalars(select(Visit.leader_title)))
