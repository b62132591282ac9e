"""回收站 across record types: listing, restore, purge with its refusals and cascades (real database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import trash
from app.db.engine import Database
from app.db.models import ActionItem, Agreement, Attachment, Meeting, OperationReport, Project, Visit
from app.errors import AppError
from app.services.agreements import AgreementData, create_agreement, delete_agreements
from app.services.attachments import add_attachment
from app.services.enterprises import EnterpriseData, create_enterprise, delete_enterprises
from app.services.meetings import ActionItemData, MeetingData, create_meeting, record_operation_report
from app.services.projects import ProjectData, create_project, delete_projects, update_project
from app.services.visits import VisitData, create_visit, delete_visits
from tests.core.test_attachment_blobs import stored


@pytest.fixture
def records(db: Database, tmp_path: Path) -> dict[str, str]:
    scan = tmp_path / "签字扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")).ids[0]
        agr = create_agreement(
            s,
            AgreementData(
                title="订单培养协议",
                kind="订单培养",
                enterprise_ids=(ent,),
                number="JD-2026-009",
                starts_on=dt.date(2026, 3, 1),
                ends_on=dt.date(2029, 2, 28),
            ),
        ).ids[0]
        add_attachment(s, "agreement", agr, scan)
        prj = create_project(
            s,
            ProjectData(
                name="智能制造订单班",
                kind="订单培养",
                leader="王强",
                starts_on=dt.date(2025, 9, 1),
                enterprise_ids=(ent,),
                agreement_ids=(agr,),
            ),
        ).ids[0]
        mtg = create_meeting(
            s,
            MeetingData(
                prj,
                dt.date(2025, 10, 9),
                action_items=(ActionItemData("修订方案", "李芳", dt.date(2025, 11, 1)),),
            ),
        ).ids[0]
        record_operation_report(s, prj, "2025-2026-1", dt.date(2026, 1, 20))
        vis = create_visit(
            s, VisitData(dt.date(2025, 11, 3), (ent,), "张院长"), today=dt.date(2026, 1, 1)
        ).ids[0]
    return {"enterprise": ent, "agreement": agr, "project": prj, "meeting": mtg, "visit": vis}


def count(db: Database, model: type) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_every_kind_is_listed_and_restored(db: Database, records: dict[str, str]) -> None:
    with db.session() as s:
        delete_visits(s, [records["visit"]])
        delete_projects(s, [records["project"]])
        delete_agreements(s, [records["agreement"]])
        delete_enterprises(s, [records["enterprise"]])
    with db.reader() as s:
        counts = trash.trash_counts(s)
        assert {k: counts[k] for k in ("enterprise", "agreement", "project", "visit", "meeting")} == {
            "enterprise": 1,
            "agreement": 1,
            "project": 1,
            "visit": 1,
            "meeting": 0,
        }
        (row,) = trash.trash_rows(s, "agreement")
        assert row.title == "JD-2026-009 订单培养协议" and row.detail == "订单培养"
        assert trash.trash_rows(s, "project")[0].detail == "基础层 · 订单培养"
        assert trash.trash_rows(s, "visit")[0].title == "2025-11-03 走访 湖南湘江智能装备有限公司"
    with db.session() as s:
        changes = trash.restore_items(s, "agreement", [records["agreement"]])
    assert changes.table == "agreement" and changes.ids == (records["agreement"],)
    with db.reader() as s:
        assert trash.trash_rows(s, "agreement") == []


def test_purge_refuses_linked_records_and_changes_nothing(db: Database, records: dict[str, str]) -> None:
    with db.session() as s:
        delete_agreements(s, [records["agreement"]])
        delete_enterprises(s, [records["enterprise"]])
    with pytest.raises(AppError, match="仍被项目“智能制造订单班”引用"), db.session() as s:
        trash.purge_items(s, "agreement", [records["agreement"]])
    with pytest.raises(AppError, match="湖南湘江智能装备有限公司"), db.session() as s:
        trash.purge_items(s, "enterprise", [records["enterprise"]])
    assert count(db, Agreement) == 1 and count(db, Attachment) == 1


def test_purging_a_project_takes_its_meetings_and_reports(db: Database, records: dict[str, str]) -> None:
    with db.session() as s:
        delete_projects(s, [records["project"]])
    with db.session() as s:
        changes = trash.purge_items(s, "project", [records["project"]])
    assert changes.ids == (records["project"],)
    assert (count(db, Project), count(db, Meeting), count(db, ActionItem), count(db, OperationReport)) == (
        0,
    ) * 4


def test_purge_only_touches_deleted_records_then_frees_attachment_bytes(
    db: Database, records: dict[str, str]
) -> None:
    with db.session() as s:  # a live record is never purged
        assert trash.purge_items(s, "agreement", [records["agreement"]]).ids == ()
    with db.session() as s:  # unlink it from the project, delete, purge: its scan goes with it
        from app.services.projects import get_project

        p = get_project(s, records["project"])
        update_project(s, p.id, ProjectData(name=p.name, kind=p.kind, leader=p.leader, starts_on=p.starts_on))
        delete_agreements(s, [records["agreement"]])
    assert stored(db)  # the scan's bytes: beside a database file, in a server's database
    with db.session() as s:
        assert trash.purge_items(s, "agreement", [records["agreement"]]).ids == (records["agreement"],)
    assert count(db, Agreement) == 0 and count(db, Attachment) == 0
    assert stored(db) == set()


def test_purging_a_visit(db: Database, records: dict[str, str]) -> None:
    with db.session() as s:
        delete_visits(s, [records["visit"]])
        trash.purge_items(s, "visit", [records["visit"]])
    assert count(db, Visit) == 0


def test_all_kinds_together_listed_restored_and_purged_in_one_go(
    db: Database, records: dict[str, str]
) -> None:
    """The 回收站's 全部: every kind's deleted records in one list (latest deleted first, each with its kind);
    a mixed choice restored or purged in one transaction, what points at others purged first."""
    with db.session() as s:
        delete_visits(s, [records["visit"]])
    with db.session() as s:
        delete_projects(s, [records["project"]])
        delete_agreements(s, [records["agreement"]])
        delete_enterprises(s, [records["enterprise"]])
    with db.reader() as s:
        rows = trash.all_trash_rows(s)
    assert sorted(r.kind for r in rows) == ["agreement", "enterprise", "project", "visit"]
    assert rows[-1].kind == "visit"  # deleted first, listed last
    assert [r.deleted_at for r in rows] == sorted((r.deleted_at for r in rows), reverse=True)
    with db.session() as s:
        changes = trash.restore_many(s, {"visit": [records["visit"]], "project": [records["project"]]})
    assert [(c.table, c.ids) for c in changes] == [
        ("visit", (records["visit"],)),
        ("project", (records["project"],)),
    ]
    with (
        pytest.raises(AppError, match="仍被项目“智能制造订单班”引用"),
        db.session() as s,
    ):  # the project is live
        trash.purge_many(s, {"agreement": [records["agreement"]], "enterprise": [records["enterprise"]]})
    assert count(db, Agreement) == 1  # all or nothing
    with db.session() as s:
        delete_projects(s, [records["project"]])
        delete_visits(s, [records["visit"]])
    with db.session() as s:  # chosen in the order shown; the project goes before the agreement it names
        everything = {
            k: [r.id for r in trash.all_trash_rows(s) if r.kind == k]
            for k in ("enterprise", "agreement", "project", "visit")
        }
        trash.purge_many(s, everything)
    assert (count(db, Agreement), count(db, Project), count(db, Visit)) == (0, 0, 0)
    with db.reader() as s:
        assert trash.all_trash_rows(s) == []


def test_trash_page_opens_on_all_kinds(
    ctx, qtbot, db: Database, records: dict[str, str], monkeypatch
) -> None:
    from ui.pages.trash import TrashPage

    with db.session() as s:
        delete_visits(s, [records["visit"]])
        delete_projects(s, [records["project"]])
    page = TrashPage()
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    assert page.kind_box.currentIndex() == 0 and page.kind_box.currentText() == "全部（2）"
    assert page.kind is None and not page.table.isColumnHidden(0)
    kinds = {page.model.index(r, 0).data() for r in range(2)}
    assert kinds == {"企业走访", "项目与平台"}
    assert page.count_label.text() == "回收站中有 2 条记录"
    page.set_kind("visit")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert page.table.isColumnHidden(0) and page.count_label.text() == "回收站中有 1 条企业走访"
    page.set_kind("")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    page.table.selectAll()
    page.restore_selected()  # two kinds at once, one write
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    assert page.count_label.text() == "回收站是空的" and page.kind_box.currentText() == "全部"
    with db.reader() as s:
        assert trash.trash_counts(s)["visit"] == 0 and trash.trash_counts(s)["project"] == 0


def test_unknown_kind_is_a_clear_error(db: Database) -> None:
    with pytest.raises(AppError, match="回收站中没有“nosuch”"), db.reader() as s:
        trash.trash_rows(s, "nosuch")


# ---------------------------------------------------------------- natural keys on restore (issue #22, finding 6)


def _student(s, no: str, name: str, id_number: str = "") -> str:
    from app.services.students import StudentData, create_student

    return create_student(s, StudentData(student_no=no, name=name, id_number=id_number)).ids[0]


def test_restore_refuses_a_student_number_taken_meanwhile(db: Database) -> None:
    from app.db.models import Student
    from app.services.students import delete_students

    with db.session() as s:
        old = _student(s, "2023001", "张三")
        delete_students(s, [old])
        _student(s, "2023001", "李四")  # the 学号 is free while 张三 is in the 回收站
    with pytest.raises(AppError) as e, db.session() as s:
        trash.restore_items(s, "student", [old])
    assert "学号“2023001”" in e.value.message and "李四" in e.value.message and "张三" in e.value.message
    assert "不能恢复" in e.value.message
    with db.reader() as s:
        assert s.get(Student, old).deleted_at is not None


def test_restore_refuses_two_deleted_records_that_share_a_key(db: Database) -> None:
    """Two records in the 回收站 with the same 工号 (deleted at different times) cannot both come back."""
    from app.services.teachers import TeacherData, create_teacher, delete_teachers

    with db.session() as s:
        a = create_teacher(s, TeacherData(name="王老师", staff_no="T001")).ids[0]
        delete_teachers(s, [a])
        b = create_teacher(s, TeacherData(name="赵老师", staff_no="t001")).ids[0]
        delete_teachers(s, [b])
    with (
        pytest.raises(AppError, match="工号“t001”已被教师“王老师”使用，不能恢复教师“赵老师”"),
        db.session() as s,
    ):
        trash.restore_items(s, "teacher", [a, b])
    with db.session() as s:  # one of them alone comes back
        assert trash.restore_items(s, "teacher", [b]).ids == (b,)


def test_restore_never_shows_the_id_number_it_refuses(db: Database) -> None:
    from app.db.models import Student

    id_number = "11010519491231002X"
    with db.session() as s:
        old = _student(s, "2023001", "张三")
        s.get(Student, old).id_number = id_number
        s.get(Student, old).deleted_at = dt.datetime.now(dt.UTC)
        s.flush()
        _student(s, "2023002", "李四", id_number)
    with pytest.raises(AppError) as e, db.session() as s:
        trash.restore_items(s, "student", [old])
    assert "身份证号" in e.value.message and "李四" in e.value.message
    assert id_number not in e.value.message and id_number[:6] not in e.value.message


def test_restore_refuses_an_enterprise_whose_credit_code_is_live_again(db: Database) -> None:
    """An old database may hold a live and a deleted enterprise with one 统一社会信用代码."""
    from app.db.models import Enterprise

    code = "91430100MA4L5XXX0C"
    with db.session() as s:
        gone = create_enterprise(s, EnterpriseData(name="旧公司")).ids[0]
        live = create_enterprise(s, EnterpriseData(name="新公司")).ids[0]
        delete_enterprises(s, [gone])
        s.get(Enterprise, gone).uscc = code
        s.get(Enterprise, live).uscc = code
    with (
        pytest.raises(AppError, match="统一社会信用代码“91430100MA4L5XXX0C”已被企业“新公司”使用"),
        db.session() as s,
    ):
        trash.restore_items(s, "enterprise", [gone])
