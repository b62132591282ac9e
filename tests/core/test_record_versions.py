"""Record versions and no lost update (issue 19), on a file and on a server, with two real users: two
handles on one database (two engines, two connections), as two people on two PCs have."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import select

from app.db.audit import os_user
from app.db.engine import Database, open_database
from app.db.models import AuditLog, Contact, Enterprise, Student
from app.errors import RecordChanged, RecordDeleted, RecordPurged
from app.services import versions
from app.services.enterprises import (
    ContactData,
    EnterpriseData,
    create_enterprise,
    delete_enterprises,
    get_enterprise,
    purge_enterprises,
    update_enterprise,
)
from app.services.history import record_history
from app.services.internships import InternshipData, create_internship
from app.services.students import StudentData, create_student
from app.services.undo import journaled, take, undo

pytestmark = pytest.mark.both_backends


@pytest.fixture
def other(db: Database) -> Database:
    """A second user of the same database."""
    handle = open_database(db.location)
    yield handle
    handle.close()


def _enterprise(db: Database, **extra: object) -> str:
    with db.session() as s:
        return create_enterprise(s, EnterpriseData(name="湖南甲科技有限公司", **extra)).ids[0]


def _version(db: Database, model: type, rid: str) -> int:
    with db.reader() as s:
        return s.scalar(select(model.version).where(model.id == rid))


def _open(db: Database, rid: str) -> tuple[object, versions.Opened]:
    """What a form does when it opens a record: read it, and the version of what it read."""
    with db.reader() as s:
        return versions.read_opened(s, rid, lambda s2: get_enterprise(s2, rid))


def test_a_record_starts_at_1_and_each_save_moves_it_on(db: Database) -> None:
    eid = _enterprise(db)
    assert _version(db, Enterprise, eid) == 1
    with db.session() as s:
        update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司", region="长沙"))
    assert _version(db, Enterprise, eid) == 2
    with db.session() as s:  # saved without a change: nothing written, the version stays
        update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司", region="长沙"))
    assert _version(db, Enterprise, eid) == 2


def test_a_change_of_a_records_own_parts_is_a_change_of_the_record(db: Database) -> None:
    eid = _enterprise(db, contacts=(ContactData("王经理", phone="13800000000"),))
    with db.reader() as s:
        contact = get_enterprise(s, eid).contacts[0]
    # only a contact's phone changes: the enterprise's row is not otherwise written, its version moves on
    data = EnterpriseData(
        name="湖南甲科技有限公司", contacts=(ContactData("王经理", phone="13900000000", id=contact.id),)
    )
    with db.session() as s:
        update_enterprise(s, eid, data)
    assert _version(db, Enterprise, eid) == 2
    with db.session() as s:  # a category added
        update_enterprise(s, eid, EnterpriseData(**{**data.__dict__, "categories": ("上市公司",)}))
    assert _version(db, Enterprise, eid) == 3
    with db.session() as s:  # the contact removed
        update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司", categories=("上市公司",)))
    assert _version(db, Enterprise, eid) == 4
    with db.reader() as s:
        assert s.scalar(select(Contact).where(Contact.id == contact.id)) is None


def test_a_record_that_only_refers_to_another_does_not_change_it(db: Database) -> None:
    eid = _enterprise(db)
    with db.session() as s:
        sid = create_student(s, StudentData(student_no="2023001", name="张三")).ids[0]
    with db.session() as s:
        terms = InternshipData(
            sid, dt.date(2026, 3, 1), dt.date(2026, 6, 30), kind="认识实习", enterprise_id=eid
        )
        create_internship(s, terms)
    # a form open on the student or the enterprise is not in conflict
    assert (_version(db, Student, sid), _version(db, Enterprise, eid)) == (1, 1)


def test_a_save_over_another_users_change_is_refused_with_who_and_when(db: Database, other: Database) -> None:
    eid = _enterprise(db)
    _record, seen = _open(db, eid)
    with other.session() as s:  # the other user saves first
        update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司", region="株洲"))
    with pytest.raises(RecordChanged) as refused, db.session() as s:
        versions.ensure_unchanged(s, seen)
        update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司", region="长沙"))
    expected_who = other.location.user if db.is_server else os_user()
    assert refused.value.who == expected_who
    assert f"“{expected_who}”" in refused.value.message
    assert refused.value.at is not None and abs(refused.value.at - dt.datetime.now(dt.UTC)) < dt.timedelta(
        minutes=5
    )
    assert "您的修改没有保存" in refused.value.message
    with db.reader() as s:  # nothing of the refused save was written
        assert get_enterprise(s, eid).region == "株洲"
    # 仍然保存: over the other change, knowingly
    with db.session() as s:
        versions.ensure_unchanged(s, seen, overwrite=True)
        update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司", region="长沙"))
    with db.reader() as s:
        assert get_enterprise(s, eid).region == "长沙"
    # 重新载入: the form reads again and its next save goes through
    _record, seen = _open(db, eid)
    with db.session() as s:
        versions.ensure_unchanged(s, seen)
        update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司", region="湘潭"))
    assert _version(db, Enterprise, eid) == 4


def test_the_check_reads_what_the_save_writes_into(db: Database, other: Database) -> None:
    """Two saves of one record from the same opened version at the same moment: the check runs under the
    database's write lock, so one is written and the other refused, never both."""
    eid = _enterprise(db)
    opened = [_open(db, eid)[1], _open(other, eid)[1]]
    both_in = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def save(i: int, handle: Database, region: str) -> None:
        both_in.wait()
        try:
            with handle.session() as s:
                versions.ensure_unchanged(s, opened[i])
                update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司", region=region))
            outcomes[i] = "saved"
        except RecordChanged as e:
            outcomes[i] = e

    threads = [
        threading.Thread(target=save, args=(0, db, "长沙")),
        threading.Thread(target=save, args=(1, other, "株洲")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(type(o).__name__ for o in outcomes) == ["RecordChanged", "str"]
    saved = ["长沙", "株洲"][outcomes.index("saved")]
    with db.reader() as s:
        assert get_enterprise(s, eid).region == saved
    assert _version(db, Enterprise, eid) == 2


def test_a_record_deleted_while_open_is_refused_then_restored_and_saved(
    db: Database, other: Database
) -> None:
    eid = _enterprise(db)
    _record, seen = _open(db, eid)
    with other.session() as s:
        delete_enterprises(s, [eid])
    with pytest.raises(RecordDeleted) as refused, db.session() as s:
        versions.ensure_unchanged(s, seen)
        update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司", region="长沙"))
    assert "回收站" in refused.value.message
    with db.reader() as s:
        row = s.get(Enterprise, eid)
        assert row.deleted_at is not None and row.region == ""
    with db.session() as s:  # 恢复并保存: one transaction, the record back with the form's values
        versions.ensure_unchanged(s, seen, restore=True)
        update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司", region="长沙"))
        versions.take_out_of_trash(s, seen)
    with db.reader() as s:
        row = s.get(Enterprise, eid)
        assert row.deleted_at is None and row.region == "长沙"
        actions = s.scalars(
            select(AuditLog.action).where(AuditLog.record_id == eid).order_by(AuditLog.at)
        ).all()
    assert actions[-1] == "restore"


def test_a_record_purged_while_open_is_refused(db: Database, other: Database) -> None:
    eid = _enterprise(db)
    _record, seen = _open(db, eid)
    with other.session() as s:
        delete_enterprises(s, [eid])
    with other.session() as s:
        purge_enterprises(s, [eid])
    with pytest.raises(RecordPurged) as refused, db.session() as s:
        versions.ensure_unchanged(s, seen, overwrite=True, restore=True)
    assert "彻底删除" in refused.value.message


def test_opened_finds_a_record_the_read_did_not_load(db: Database) -> None:
    eid = _enterprise(db)
    with db.reader() as s:
        assert versions.opened(s, eid) == versions.Opened("enterprise", eid, 1)
        assert versions.opened(s, str(uuid.uuid4())) is None


def test_undo_moves_the_version_on(db: Database) -> None:
    """An undo is a new change of the record: a form opened after the change it undoes must see it."""
    eid = _enterprise(db)
    with db.session() as s:
        changes = journaled(
            s,
            lambda: update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司", region="长沙")),
            "修改",
        )
    _record, seen = _open(db, eid)
    with db.session() as s:
        undo(s, take(changes))
    assert _version(db, Enterprise, eid) == 3
    with pytest.raises(RecordChanged), db.session() as s:
        versions.ensure_unchanged(s, seen)


def test_who_saved_last_is_kept_and_the_audit_names_the_database_user(
    db: Database, pg_server_or_none
) -> None:
    eid = _enterprise(db)
    with db.reader() as s:
        updated_by = s.get(Enterprise, eid).updated_by
        db_user = s.scalars(select(AuditLog.db_user).where(AuditLog.record_id == eid)).one()
    if not db.is_server:
        assert (updated_by, db_user) == (os_user(), None)
        return
    assert updated_by == db.location.user
    assert db_user == db.location.user  # filled in by the server itself
    # a second login role: the server names it whatever the client sends
    server = pg_server_or_none
    role = f"cjtest_clerk_{uuid.uuid4().hex[:8]}"
    server.sql(f"CREATE ROLE {role} LOGIN PASSWORD 'clerk'")
    try:
        server.sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}", database=db.location.database)
        clerk = open_database(
            server.location(db.location.database, user=role, password="clerk"), migrate=False
        )
        try:
            with clerk.session() as s:
                s.get(Enterprise, eid).region = "岳阳"
                s.add(
                    AuditLog(table_name="enterprise", record_id=eid, action="note", os_user="x", changes=None)
                )
            with clerk.reader() as s:
                assert s.get(Enterprise, eid).updated_by == role
                users = s.scalars(select(AuditLog.db_user).where(AuditLog.record_id == eid)).all()
            assert sorted(users) == sorted([db.location.user, role, role])
            with clerk.reader() as s:  # the record's history names the server's user
                history = record_history(s, eid)
            assert [h.who for h in history if h.action == "修改"] == [role]
        finally:
            clerk.close()
    finally:
        server.sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}", database=db.location.database)
        server.sql(f"DROP ROLE {role}")


@pytest.fixture
def pg_server_or_none(backend: str, request: pytest.FixtureRequest):
    return request.getfixturevalue("pg_server") if backend == "postgresql" else None


def test_a_row_changed_under_the_write_is_refused_not_overwritten(db: Database, pg_server_or_none) -> None:
    """A program that writes without the app's write lock (plain SQL on the server) changes a row while a save
    holds it loaded: the version in the UPDATE's WHERE finds no row, and the save is refused in words."""
    if not db.is_server:
        pytest.skip("on a file, BEGIN IMMEDIATE keeps every other writer out")
    eid = _enterprise(db)
    with pytest.raises(RecordChanged) as refused, db.session() as s:
        row = s.get(Enterprise, eid)
        pg_server_or_none.sql(
            f"UPDATE enterprise SET version = version + 1, region = '株洲' WHERE id = '{eid}'",
            database=db.location.database,
        )
        row.region = "长沙"
    assert "刚被其他用户修改" in refused.value.message
    with db.reader() as s:
        assert s.get(Enterprise, eid).region == "株洲"


def test_a_save_committed_while_a_form_reads_is_never_taken_as_seen(db: Database, other: Database) -> None:
    """Another user saves between the form's read of the data and of its version (neither backend reads
    several statements from one snapshot): the form reads again and shows that save, with its version."""
    eid = _enterprise(db)
    shown: list[str] = []

    def read(s):
        data = get_enterprise(s, eid)
        if not shown:
            with other.session() as s2:
                update_enterprise(s2, eid, EnterpriseData(name="湖南甲科技有限公司", region="株洲"))
        shown.append(data.region)
        return data

    with db.reader() as s:
        data, seen = versions.read_opened(s, eid, read)
    assert shown == ["", "株洲"] and data.region == "株洲" and seen.version == 2
    with db.session() as s:  # what the form showed is what is saved: its save goes through
        versions.ensure_unchanged(s, seen)


def test_a_record_that_keeps_changing_while_read_is_refused_on_save(db: Database, other: Database) -> None:
    eid = _enterprise(db)
    n = 0

    def read(s):
        nonlocal n
        data = get_enterprise(s, eid)
        n += 1
        with other.session() as s2:
            update_enterprise(s2, eid, EnterpriseData(name="湖南甲科技有限公司", note=f"第{n}次"))
        return data

    with db.reader() as s:
        _data, seen = versions.read_opened(s, eid, read)
    assert n == versions.READ_TRIES
    with pytest.raises(RecordChanged), db.session() as s:  # never a save over a change not seen
        versions.ensure_unchanged(s, seen)


def test_restore_and_save_brings_the_record_back_with_the_forms_values(db: Database, other: Database) -> None:
    """Another user deleted the student and gave its 学号 to a new one; the form enters a free 学号 and
    恢复并保存: the record comes back with the form's values (the restore follows the save's own write)."""
    from app.services.students import delete_students, get_student, update_student

    with db.session() as s:
        sid = create_student(s, StudentData(student_no="2023001", name="张三")).ids[0]
    with db.reader() as s:
        _row, seen = versions.read_opened(s, sid, lambda s2: get_student(s2, sid))
    with other.session() as s:
        delete_students(s, [sid])
    with other.session() as s:
        create_student(s, StudentData(student_no="2023001", name="李四"))
    with db.session() as s:
        versions.ensure_unchanged(s, seen, restore=True)
        update_student(s, sid, StudentData(student_no="2023009", name="张三"))
        versions.take_out_of_trash(s, seen)
    with db.reader() as s:
        back = s.get(Student, sid)
        assert (back.student_no, back.deleted_at) == ("2023009", None)


def test_a_bases_cost_rows_are_a_change_of_the_base(db: Database) -> None:
    """Cost rows are edited in the base's form and saved with it, though not a collection of the base: they
    name it (__version_owner__), so two users' saves of one base's costs cannot both pass."""
    from app.db.models import PracticeBase
    from app.services import base_costs as csvc
    from app.services import bases as bsvc

    with db.session() as s:
        bid = bsvc.save_base(s, bsvc.BaseData(name="校内数控实训中心", kind="校内实训基地")).ids[0]
    with db.session() as s:
        cid = csvc.save_cost(s, csvc.CostData(bid, "2025-2026", consumables_fen=100)).ids[0]
    assert _version(db, PracticeBase, bid) == 2  # a new cost row
    with db.session() as s:
        csvc.save_cost(s, csvc.CostData(bid, "2025-2026", consumables_fen=999), cid)
    assert _version(db, PracticeBase, bid) == 3  # a cost row changed
    with db.session() as s:
        csvc.delete_costs(s, [cid])
    assert _version(db, PracticeBase, bid) == 4  # and removed


def test_undo_of_a_removed_part_brings_it_back_with_a_later_version(db: Database) -> None:
    """A contact removed by a save (a row deleted) and brought back by 撤销 is inserted again: its version
    goes on from where it was, never back to 1 (versions only grow)."""
    eid = _enterprise(db, contacts=(ContactData("王经理", phone="13800000000"),))
    with db.reader() as s:
        cid = get_enterprise(s, eid).contacts[0].id
    with db.session() as s:  # the contact changed twice: version 3
        for phone in ("13900000000", "13700000000"):
            data = EnterpriseData(
                name="湖南甲科技有限公司", contacts=(ContactData("王经理", phone=phone, id=cid),)
            )
            update_enterprise(s, eid, data)
            s.flush()
    assert _version(db, Contact, cid) == 3
    with db.session() as s:
        changes = journaled(
            s, lambda: update_enterprise(s, eid, EnterpriseData(name="湖南甲科技有限公司")), "修改"
        )
    with db.session() as s:
        undo(s, take(changes))
    assert _version(db, Contact, cid) == 4
