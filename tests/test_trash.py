"""回收站 across record types: listing, restore, purge with its refusals and cascades (real database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.engine import Database
from app.db.models import ActionItem, Agreement, Attachment, Meeting, OperationReport, Project, Visit
from app.errors import AppError
from app.services import trash
from app.services.agreements import AgreementData, create_agreement, delete_agreements
from app.services.attachments import add_attachment
from app.services.enterprises import EnterpriseData, create_enterprise, delete_enterprises
from app.services.meetings import ActionItemData, MeetingData, create_meeting, record_operation_report
from app.services.projects import ProjectData, create_project, delete_projects, update_project
from app.services.visits import VisitData, create_visit, delete_visits


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
    folder = db.attachments_dir
    assert [p for p in folder.rglob("*") if p.is_file()]
    with db.session() as s:
        assert trash.purge_items(s, "agreement", [records["agreement"]]).ids == (records["agreement"],)
    assert count(db, Agreement) == 0 and count(db, Attachment) == 0
    assert not [p for p in folder.rglob("*") if p.is_file()]


def test_purging_a_visit(db: Database, records: dict[str, str]) -> None:
    with db.session() as s:
        delete_visits(s, [records["visit"]])
        trash.purge_items(s, "visit", [records["visit"]])
    assert count(db, Visit) == 0


def test_unknown_kind_is_a_clear_error(db: Database) -> None:
    with pytest.raises(AppError, match="回收站中没有“nosuch”"), db.reader() as s:
        trash.trash_rows(s, "nosuch")
