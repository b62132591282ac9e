"""带出副本 and 合并副本 (issue 20) on real databases: the office database (a file, or a server database:
`both_backends`), a copy written beside it, work on both sides, and the three-way merge — what changed on one
side is taken, both sides' edits of different fields are kept, the same field changed differently is a conflict
decided either way, an edit against a delete is a conflict, a record created on both sides with one 信用代码 is
one record, the copy's audit rows join the trail, and merging twice changes nothing more."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.engine import Database, open_database
from app.db.models import AuditLog, Contact, Enterprise, Internship, Student
from app.errors import NoPermission
from app.offline.copies import CopyRefused, copy_info, copy_out
from app.offline.merge import (
    COPY,
    DELETED_IN_COPY,
    FIELD,
    ORIGIN,
    MergeRefused,
    apply_merge,
    open_copy,
    plan_merge,
)
from app.services.enterprises import (
    ContactData,
    EnterpriseData,
    create_enterprise,
    delete_enterprises,
    get_enterprise,
    update_enterprise,
)
from app.services.internship_checks import checked_internships
from app.services.students import StudentData, create_student, get_student
from tests.codes import valid_uscc

pytestmark = pytest.mark.both_backends


def _data(db: Database, eid: str) -> EnterpriseData:
    with db.reader() as s:
        d = get_enterprise(s, eid)
    return EnterpriseData(**{f: getattr(d, f) for f in EnterpriseData.__dataclass_fields__})


def _edit(db: Database, eid: str, **changes: object) -> None:
    with db.session() as s:
        update_enterprise(s, eid, replace(_data(db, eid), **changes))


@pytest.fixture
def office(db: Database) -> dict[str, str]:
    with db.session() as s:
        a = create_enterprise(
            s, EnterpriseData("湖南甲机械有限公司", uscc=valid_uscc(1), address="长沙市")
        ).ids[0]
        b = create_enterprise(s, EnterpriseData("湖南乙电子有限公司", address="株洲市")).ids[0]
        st = create_student(
            s, StudentData("2023001", "张三", phone="13900001111", class_name="机电2301")
        ).ids[0]
    return {"a": a, "b": b, "student": st}


@pytest.fixture
def trip(db: Database, office: dict[str, str], tmp_path: Path):
    path = tmp_path / "企业行.db"
    info = copy_out(db, path)
    copy = open_database(path)
    yield copy, info
    copy.close()


def _merge(db: Database, copy: Database, decide: str | None = None, **kw):
    with db.reader() as s:
        copy.close()
        copy_db, info = open_copy(s, copy.path)
    try:
        with db.reader() as s, copy_db.reader() as c:
            plan = plan_merge(s, c, info)
        decisions = {x.id: decide for x in plan.conflicts} if decide else {}
        with db.session() as s, copy_db.reader() as c:
            report = apply_merge(s, c, info, decisions, **kw)
    finally:
        copy_db.close()
    return plan, report


def _copied_again(db: Database, copy: Database) -> Database:
    """The trip's copy made anew from the office as it is now (after the test's setup), open."""
    copy.close()
    copy.path.unlink()
    copy_out(db, copy.path)
    return open_database(copy.path)


def _purge(db: Database, eid: str) -> None:
    """An enterprise deleted, then deleted for good from the 回收站, as a user does it (two actions)."""
    from app.services.enterprises import purge_enterprises

    with db.session() as s:
        delete_enterprises(s, [eid])
    with db.session() as s:
        purge_enterprises(s, [eid])


def _without_in_base(copy: Database, table: str, column: str) -> Database:
    """The copy as if `column` came with a later version of the app: its rows as copied lack it."""
    copy.close()
    with sqlite3.connect(copy.path) as con:
        for key, values in con.execute(
            "SELECT row_key, row_values FROM offline_base WHERE table_name = ?", (table,)
        ).fetchall():
            kept = {k: v for k, v in json.loads(values).items() if k != column}
            con.execute("UPDATE offline_base SET row_values = ? WHERE row_key = ?", (json.dumps(kept), key))
    return open_database(copy.path)


def test_the_copy_knows_its_origin_and_leaves_personal_data_out(db: Database, office, trip) -> None:
    copy, info = trip
    assert "不含学生个人信息" in info.words and info.origin == db.display_name
    with copy.reader() as c:
        assert copy_info(c) == info
        st = c.get(Student, office["student"])
        assert (st.phone, st.phone_masked, st.name) == ("", "139****1111", "张三")
        assert c.scalar(select(func.count()).select_from(Enterprise)) == 2
        assert get_student(c, office["student"], full=False).phone == "139****1111"
        with pytest.raises(NoPermission, match="不含学生个人信息的副本"):
            get_student(c, office["student"])  # the form shows the masked copies there
    with copy.session() as s:  # the internship checks work there (without birth dates to judge by)
        s.add(
            Internship(
                student_id=office["student"], starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 8, 1)
            )
        )
    with copy.reader() as c:
        assert [i.student_name for i in checked_internships(c)] == ["张三"]
    with pytest.raises(CopyRefused, match="本身就是一个副本"):
        copy_out(copy, copy.path.with_name("again.db"))


def test_edits_on_both_sides_merge_field_by_field(db: Database, office, trip) -> None:
    copy, _info = trip
    _edit(copy, office["a"], address="长沙市岳麓区", contacts=(ContactData("王经理", phone="13800001111"),))
    _edit(db, office["a"], note="办公室补充的备注")
    with copy.session() as s:
        new = create_enterprise(s, EnterpriseData("湘潭丙科技有限公司", uscc=valid_uscc(3))).ids[0]
    plan, report = _merge(db, copy)
    assert plan.conflicts == [] and report.added == 2 and report.changed == 1  # the new one and a contact
    a = _data(db, office["a"])
    assert (a.address, a.note, [c.name for c in a.contacts]) == (
        "长沙市岳麓区",
        "办公室补充的备注",
        ["王经理"],
    )
    with db.reader() as s:
        assert s.get(Enterprise, new).name == "湘潭丙科技有限公司"
        assert s.get(Enterprise, office["a"]).version >= 3  # the office's edit, then the merge's
        trail = s.scalars(select(AuditLog.record_id).where(AuditLog.record_id == new)).all()
        assert len(trail) >= 2  # the copy's own “新建” joined, and the merge's
    with pytest.raises(
        CopyRefused, match="已于.*合并到这里"
    ):  # a merged copy is made new before it merges again
        _merge(db, copy)


@pytest.mark.parametrize("side", [COPY, ORIGIN])
def test_the_same_field_changed_differently_is_decided_by_the_user(db: Database, office, trip, side) -> None:
    copy, _info = trip
    _edit(copy, office["b"], address="株洲市天元区")
    _edit(db, office["b"], address="株洲市芦淞区")
    with pytest.raises(MergeRefused, match="1 处冲突没有决定"):
        _merge(db, copy)
    assert _data(db, office["b"]).address == "株洲市芦淞区"  # nothing written
    plan, _report = _merge(db, copy, side)
    (c,) = plan.conflicts
    assert (c.kind, c.column, c.copy, c.origin, c.base) == (
        FIELD,
        "address",
        "株洲市天元区",
        "株洲市芦淞区",
        "株洲市",
    )
    assert _data(db, office["b"]).address == ("株洲市天元区" if side == COPY else "株洲市芦淞区")


@pytest.mark.parametrize("side", [COPY, ORIGIN])
def test_an_edit_against_a_delete_is_a_conflict(db: Database, office, trip, side) -> None:
    copy, _info = trip
    with copy.session() as s:
        delete_enterprises(s, [office["b"]])
    _edit(db, office["b"], note="办公室还在联系")
    plan, _report = _merge(db, copy, side)
    (c,) = plan.conflicts
    assert c.kind == DELETED_IN_COPY and "湖南乙电子有限公司" in c.title
    with db.reader() as s:
        kept = s.get(Enterprise, office["b"])
        assert (kept.deleted_at is not None, kept.note) == (side == COPY, "办公室还在联系")


def test_one_credit_code_on_both_sides_is_one_enterprise(db: Database, office, trip) -> None:
    copy, _info = trip
    with copy.session() as s:
        mine = create_enterprise(
            s,
            EnterpriseData(
                "湖南丁制造有限公司",
                uscc=valid_uscc(7),
                categories=("上市公司",),
                contacts=(ContactData("李工"),),
            ),
        ).ids[0]
    with db.session() as s:
        theirs = create_enterprise(
            s, EnterpriseData("湖南丁制造有限公司", uscc=valid_uscc(7), categories=("上市公司",))
        ).ids[0]
    plan, _report = _merge(db, copy, COPY)  # with the same category on both sides: one row of it, not two
    assert plan.same_records == [("enterprise", mine, theirs)]
    with db.reader() as s:
        assert s.scalar(select(func.count()).where(Enterprise.uscc == valid_uscc(7))) == 1
        assert s.scalars(select(Contact.name).where(Contact.enterprise_id == theirs)).all() == ["李工"]
        assert get_enterprise(s, theirs).categories == ("上市公司",)


def test_a_copy_of_another_database_is_refused(db: Database, office, trip, tmp_path: Path) -> None:
    copy, _info = trip
    copy.close()
    with sqlite3.connect(copy.path) as con:
        con.execute("UPDATE offline_origin SET origin_id = 'another'")
    with db.reader() as s, pytest.raises(CopyRefused, match="另一个数据库"):
        open_copy(s, copy.path)
    plain = tmp_path / "plain.db"
    open_database(plain).close()
    with db.reader() as s, pytest.raises(CopyRefused, match="不是用“带出副本”做的副本"):
        open_copy(s, plain)


def test_personal_data_travels_only_when_asked(db: Database, office, tmp_path: Path) -> None:
    path = tmp_path / "含个人信息.db"
    info = copy_out(db, path, personal_data=True)
    assert "含学生个人信息" in info.words
    copy = open_database(path)
    try:
        with copy.reader() as c:
            assert get_student(c, office["student"]).phone == "13900001111"
    finally:
        copy.close()


def test_the_command_line_copies_out_previews_and_merges(
    db: Database, db_arg: str, office, tmp_path: Path
) -> None:
    from tests.cli_run import run_cli

    path = tmp_path / "笔记本.db"
    done = run_cli("--db", db_arg, "copy", "out", "--to", str(path))
    assert done.returncode == 0, done.stderr
    assert "不含学生个人信息" in done.stdout
    copy = open_database(path)
    _edit(copy, office["b"], address="株洲市天元区")
    _edit(copy, office["a"], note="走访时记下")
    copy.close()
    _edit(db, office["b"], address="株洲市芦淞区")
    preview = run_cli("--db", db_arg, "copy", "merge", str(path), "--dry-run", "--json")
    assert preview.returncode == 1  # a conflict
    shown = json.loads(preview.stdout)
    assert shown["tables"]["enterprise"] == {"added": 0, "changed": 1, "deleted": 0, "conflicts": 1}
    (conflict,) = shown["conflicts"]
    assert (conflict["label"], conflict["copy"], conflict["origin"]) == (
        "地址",
        "株洲市天元区",
        "株洲市芦淞区",
    )
    refused = run_cli("--db", db_arg, "copy", "merge", str(path))
    assert refused.returncode == 1 and "1 处冲突" in refused.stderr
    assert _data(db, office["a"]).note == ""  # nothing written
    merged = run_cli("--db", db_arg, "copy", "merge", str(path), "--prefer", "origin")
    assert merged.returncode == 0, merged.stderr
    assert "修改 1 条" in merged.stdout and "处理冲突 1 处" in merged.stdout
    assert (_data(db, office["a"]).note, _data(db, office["b"]).address) == ("走访时记下", "株洲市芦淞区")


def test_a_column_the_copy_did_not_know_is_never_decided_silently(db: Database, office, trip) -> None:
    """A copy made before a migration added a column (its base rows lack it): filled on one side only, that side's
    value is taken; filled differently on both sides, a conflict; agreeing, nothing."""
    copy, _info = trip
    with db.session() as s:
        c = create_enterprise(s, EnterpriseData("湖南丙化工有限公司")).ids[0]
    copy = _without_in_base(_copied_again(db, copy), "enterprise", "website")
    _edit(copy, office["a"], website="https://a.example.cn")  # the laptop only
    _edit(db, office["b"], website="https://b.example.cn")  # the office only
    _edit(copy, c, website="https://c1.example.cn")  # both, differently
    _edit(db, c, website="https://c2.example.cn")
    plan, _report = _merge(db, copy, COPY)
    (conflict,) = plan.conflicts
    assert (conflict.column, conflict.base, conflict.copy, conflict.origin) == (
        "website",
        "（带出时还没有这一项）",
        "https://c1.example.cn",
        "https://c2.example.cn",
    )
    assert [_data(db, e).website for e in (office["a"], office["b"], c)] == [
        "https://a.example.cn",
        "https://b.example.cn",
        "https://c1.example.cn",
    ]


def test_a_text_in_conflict_may_be_written_anew_within_its_length(db: Database, office, trip) -> None:
    from app.offline.merge import Edited

    copy, _info = trip
    _edit(copy, office["b"], address="株洲市天元区")
    _edit(db, office["b"], address="株洲市芦淞区")
    with db.reader() as s:
        copy.close()
        copy_db, info = open_copy(s, copy.path)
    try:
        with db.reader() as s, copy_db.reader() as c:
            (conflict,) = plan_merge(s, c, info).conflicts
        assert conflict.editable and conflict.longest == 300
        with db.session() as s, copy_db.reader() as c, pytest.raises(MergeRefused, match="最多 300 个字"):
            apply_merge(s, c, info, {conflict.id: Edited("长" * 301)})
        with db.session() as s, copy_db.reader() as c:
            apply_merge(s, c, info, {conflict.id: Edited(" 株洲市天元区（新址） ")})
    finally:
        copy_db.close()
    assert _data(db, office["b"]).address == "株洲市天元区（新址）"


@pytest.mark.parametrize("side", [COPY, ORIGIN])
def test_a_record_purged_in_the_copy_that_the_office_still_uses_is_a_conflict(
    db: Database, office, trip, side
) -> None:
    copy, _info = trip
    _purge(copy, office["b"])
    _edit(db, office["b"], contacts=(ContactData("赵主任"),))  # the office added a contact meanwhile
    plan, _report = _merge(db, copy, side)
    (c,) = plan.conflicts
    assert c.kind == DELETED_IN_COPY and "湖南乙电子有限公司" in c.title
    with db.reader() as s:
        kept = s.get(Enterprise, office["b"])
        assert kept is not None and [x.name for x in kept.contacts] == ["赵主任"]  # nothing lost either way
        assert (kept.deleted_at is not None) == (side == COPY)  # the copy's side: to the 回收站


def test_a_key_both_sides_gave_two_records_is_refused_in_words(db: Database, office, trip) -> None:
    """The laptop gives 甲 a 信用代码 the office gave 乙 meanwhile: not two enterprises with one code, not a raw
    database error — refused before anything is written, naming both."""
    copy, _info = trip
    _edit(copy, office["a"], uscc=valid_uscc(9), address="长沙市岳麓区")
    _edit(db, office["b"], uscc=valid_uscc(9))
    with db.reader() as s:
        copy.close()
        copy_db, info = open_copy(s, copy.path)
    try:
        with db.reader() as s, copy_db.reader() as c:
            plan = plan_merge(s, c, info)
        (clash,) = plan.clashes
        assert "湖南甲机械有限公司" in clash and "湖南乙电子有限公司" in clash and "统一社会信用代码" in clash
        with (
            db.session() as s,
            copy_db.reader() as c,
            pytest.raises(MergeRefused, match="湖南乙电子有限公司"),
        ):
            apply_merge(s, c, info, {})
    finally:
        copy_db.close()
    assert _data(db, office["a"]).address == "长沙市"  # nothing written


def test_the_copys_attachment_and_history_follow_a_record_found_as_the_offices(
    db: Database, office, trip, tmp_path
):
    from app.services.attachments import add_attachment, list_attachments

    copy, _info = trip
    paper = tmp_path / "营业执照.pdf"
    paper.write_bytes(b"%PDF-1.4 licence")
    with copy.session() as s:
        mine = create_enterprise(s, EnterpriseData("湖南戊物流有限公司", uscc=valid_uscc(11))).ids[0]
    with copy.session() as s:
        add_attachment(s, "enterprise", mine, paper)
    with db.session() as s:
        theirs = create_enterprise(s, EnterpriseData("湖南戊物流有限公司", uscc=valid_uscc(11))).ids[0]
    _plan, report = _merge(db, copy, COPY)
    assert report.attachments == 1
    with db.reader() as s:
        assert [a.original_name for a in list_attachments(s, "enterprise", theirs)] == ["营业执照.pdf"]
        assert (
            s.scalar(select(func.count()).where(AuditLog.record_id == mine)) == 0
        )  # its history: the office's
        assert s.scalar(select(func.count()).where(AuditLog.record_id == theirs)) >= 2


@pytest.mark.parametrize("side", [COPY, ORIGIN])
def test_a_contact_added_to_an_enterprise_the_office_purged(db: Database, office, trip, side) -> None:
    copy, _info = trip
    _edit(copy, office["b"], contacts=(ContactData("钱经理"),))
    _purge(db, office["b"])
    plan, report = _merge(db, copy, side)
    (c,) = plan.conflicts
    assert c.kind == "deleted_in_origin" and "湖南乙电子有限公司" in c.title
    with db.reader() as s:
        back = s.get(Enterprise, office["b"])
        if side == COPY:  # the laptop's side: the enterprise back, with its new contact
            assert back is not None and [x.name for x in back.contacts] == ["钱经理"]
        else:  # the office's: gone, and the contact with it (said in the report)
            assert back is None and report.dropped == 1
            assert s.scalar(select(func.count()).where(Contact.name == "钱经理")) == 0


@pytest.mark.parametrize("side", [COPY, ORIGIN])
def test_a_record_purged_in_the_copy_keeps_its_parts_whichever_side_is_taken(
    db: Database, office, trip, side
) -> None:
    """甲 (a contact, two categories) purged on the laptop, its address changed in the office: the record stays
    (in the 回收站 for the laptop's side) with its contact and categories — rows without a 回收站 of their own
    are never deleted for good with a record the merge keeps."""
    copy, _info = trip
    parts = {
        "contacts": (ContactData("周经理", phone="13800001111"),),
        "categories": ("校友企业", "世界500强"),
    }
    _edit(db, office["a"], **parts)
    copy = _copied_again(db, copy)
    _purge(copy, office["a"])
    _edit(db, office["a"], address="长沙市开福区")
    plan, _report = _merge(db, copy, side)
    (c,) = plan.conflicts
    assert c.kind == DELETED_IN_COPY
    with db.reader() as s:
        kept = s.get(Enterprise, office["a"])
        assert kept is not None and kept.address == "长沙市开福区"
        assert (kept.deleted_at is not None) == (side == COPY)
    d = _data(db, office["a"])
    assert [x.name for x in d.contacts] == ["周经理"] and sorted(d.categories) == sorted(parts["categories"])


@pytest.mark.parametrize("side", [COPY, ORIGIN])
def test_a_record_the_office_purged_comes_back_whole_when_the_laptops_side_is_taken(
    db: Database, office, trip, side
) -> None:
    """乙 (a contact, a category, as copied) purged in the office and its address changed on the laptop: taking
    the laptop's side brings it back with the contact and category the office purged with it."""
    copy, _info = trip
    _edit(db, office["b"], contacts=(ContactData("吴主任"),), categories=("校友企业",))
    copy = _copied_again(db, copy)
    _edit(copy, office["b"], address="株洲市天元区")
    _purge(db, office["b"])
    plan, _report = _merge(db, copy, side)
    (c,) = plan.conflicts
    assert c.kind == "deleted_in_origin"
    with db.reader() as s:
        back = s.get(Enterprise, office["b"])
        assert (back is not None) == (side == COPY)
    if side == COPY:
        d = _data(db, office["b"])
        assert d.address == "株洲市天元区" and [x.name for x in d.contacts] == ["吴主任"]
        assert d.categories == ("校友企业",)


def test_a_conflict_over_a_record_named_by_id_shows_names_not_ids(db: Database, office, trip) -> None:
    """张三's 专业 set to 机电一体化技术 on the laptop and 工业机器人技术 in the office: the conflict says 专业 and the
    two majors' names (the copy's new major too), never a column name or an id."""
    from app.db.models import Major

    copy, _info = trip
    with db.session() as s:
        s.add(theirs := Major(name="工业机器人技术"))
        s.flush()
        theirs_id = theirs.id
    with copy.session() as s:
        s.add(mine := Major(name="机电一体化技术"))
        s.flush()
        mine_id = mine.id
    for side, major in ((copy, mine_id), (db, theirs_id)):
        with side.session() as s:
            st = s.get(Student, office["student"])
            st.major_id = major
    plan, _report = _merge(db, copy, ORIGIN)
    (c,) = plan.conflicts
    assert (c.column, c.label, c.base, c.copy, c.origin) == (
        "major_id",
        "专业",
        "（空）",
        "机电一体化技术",
        "工业机器人技术",
    )


@pytest.mark.parametrize("side", [COPY, ORIGIN])
def test_a_contact_added_to_an_enterprise_the_office_put_in_the_recycle_bin(
    db: Database, office, trip, side
) -> None:
    """The laptop adds a contact to 乙 while the office moves 乙 to the 回收站: not added silently under a deleted
    record — a conflict; the laptop's side brings 乙 back with it, the office's keeps 乙 (and it) in the 回收站."""
    copy, _info = trip
    _edit(copy, office["b"], contacts=(ContactData("孙经理"),))
    with db.session() as s:
        delete_enterprises(s, [office["b"]])
    plan, _report = _merge(db, copy, side)
    (c,) = plan.conflicts
    assert c.kind == "deleted_in_origin" and "湖南乙电子有限公司" in c.title
    with db.reader() as s:
        back = s.get(Enterprise, office["b"])
        assert back is not None and (back.deleted_at is None) == (side == COPY)
        assert [x.name for x in back.contacts] == ["孙经理"]


def test_a_copy_whose_attachment_is_open_elsewhere_is_not_half_updated(
    db: Database, office, trip, tmp_path: Path, monkeypatch
) -> None:
    """Making the copy new after a merge while one of its attachments is open in a viewer (Windows will not move
    the folder then): refused in words before anything is replaced — the copy, its folder and its files as they
    were, no half-written file left beside it; once the viewer is closed, the update goes through."""
    import app.fsutil
    from app.db.engine import attachments_dir_for
    from app.offline.copies import refresh_copy
    from app.services.attachments import add_attachment

    copy, info = trip
    paper = tmp_path / "合作协议.pdf"
    paper.write_bytes(b"%PDF-1.4 agreement")
    with copy.session() as s:
        add_attachment(s, "enterprise", office["a"], paper)
    copy.close()
    folder = attachments_dir_for(copy.path)
    files_before = sorted(p.name for p in folder.rglob("*") if p.is_file())
    assert files_before
    real = app.fsutil.replace_with_retry

    def held(src: Path, target: Path, **kw) -> None:
        if Path(src) == folder:
            raise PermissionError(32, "另一个程序正在使用此文件，进程无法访问。")
        real(src, target, **kw)

    monkeypatch.setattr(app.fsutil, "replace_with_retry", held)
    with pytest.raises(CopyRefused, match="正被其他程序打开.*副本没有改动"):
        refresh_copy(db, copy.path)
    again = open_database(copy.path)
    try:
        with again.reader() as s:
            assert copy_info(s).copy_id == info.copy_id
    finally:
        again.close()
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == files_before
    assert [p.name for p in copy.path.parent.iterdir() if "更新中" in p.name or p.name.endswith(".旧")] == []
    monkeypatch.setattr(app.fsutil, "replace_with_retry", real)
    made = refresh_copy(db, copy.path)
    assert made.copy_id != info.copy_id and not folder.with_name(folder.name + ".旧").exists()


def test_a_new_column_filled_on_the_laptop_comes_back_with_a_record_the_office_deleted(
    db: Database, office, trip
) -> None:
    """A column newer than the copy, filled on the laptop only, while the office put the record in the 回收站:
    the conflict's laptop side brings the record back with that value too."""
    copy, _info = trip
    copy = _without_in_base(copy, "enterprise", "website")
    _edit(copy, office["b"], website="https://b.example.cn")
    with db.session() as s:
        delete_enterprises(s, [office["b"]])
    plan, _report = _merge(db, copy, COPY)
    (c,) = plan.conflicts
    assert c.kind == "deleted_in_origin"
    with db.reader() as s:
        back = s.get(Enterprise, office["b"])
        assert back.deleted_at is None and back.website == "https://b.example.cn"


def test_an_attachment_comes_back_with_a_record_the_office_purged(
    db: Database, office, trip, tmp_path
) -> None:
    from app.services.attachments import add_attachment, copy_for_viewing, list_attachments

    copy, _info = trip
    paper = tmp_path / "营业执照.pdf"
    paper.write_bytes(b"%PDF-1.4 licence of b")
    with db.session() as s:
        add_attachment(s, "enterprise", office["b"], paper)
    copy = _copied_again(db, copy)
    _edit(copy, office["b"], address="株洲市天元区")
    _purge(db, office["b"])
    _plan, report = _merge(db, copy, COPY)
    with db.reader() as s:
        (att,) = list_attachments(s, "enterprise", office["b"])
        assert att.original_name == "营业执照.pdf"
        shown = tmp_path / "看"
        shown.mkdir()
        assert copy_for_viewing(s, att.id, shown).read_bytes() == b"%PDF-1.4 licence of b"
    assert report.attachments == 1


def test_a_conflict_names_a_student_for_a_user_without_personal_data(pg_server, tmp_path) -> None:
    """On a server, a 录入 without 学生个人信息 merging: a student named by id (one the office does not have) is
    named by the columns every user may read, not refused for the personal ones."""
    from app.db.models import Major
    from app.db.personal import may_read_personal
    from app.db.roles import EDITOR
    from app.offline.merge import _record_namer
    from tests.college_users import prefixed, set_up_college

    with prefixed(pg_server, "mergenames") as prefix:
        made = set_up_college(pg_server, f"{prefix}_a", tmp_path / "home", ("wang", EDITOR))
        db = made.open(made.user("wang"))
        try:
            with db.reader() as s:
                assert not may_read_personal(s)
                name = _record_namer(s, s)
                assert name(Major.__table__, "no-such-major") == "（已不存在的记录）"
                assert name(Student.__table__, "a-student-only-in-the-copy") == "（已不存在的记录）"
        finally:
            db.close()


def test_the_history_says_which_change_of_the_laptop_the_merge_did_not_take(
    db: Database, office, trip
) -> None:
    """The laptop's edit joins the record's history with the copy's rows; when the office's value is kept, the
    history says so in words (what was kept, what was not taken) — no one reads the laptop's entry as the value."""
    from app.services.history import enterprise_history

    copy, _info = trip
    _edit(copy, office["a"], address="长沙市岳麓区")
    _edit(db, office["a"], address="长沙市雨花区")
    _merge(db, copy, ORIGIN)
    with db.reader() as s:
        entries = enterprise_history(s, office["a"])
    assert entries[0].action == "合并副本"
    assert "地址保留本数据库中的“长沙市雨花区”，副本中的“长沙市岳麓区”未采用" in entries[0].summary
    assert any(
        "长沙市岳麓区" in e.summary and e.action == "修改" for e in entries[1:]
    )  # the laptop's own entry
    assert _data(db, office["a"]).address == "长沙市雨花区"


def test_the_laptops_history_joins_with_its_user_and_machine(db: Database, office, trip) -> None:
    """The copy's audit rows join the office's trail as they were: who, when, and on which computer — the
    record's history names the laptop beside the user."""
    from app.services.history import enterprise_history

    copy, _info = trip
    _edit(copy, office["b"], address="株洲市天元区")
    copy.close()
    with sqlite3.connect(copy.path) as con:  # made on the trip's laptop
        con.execute("UPDATE audit_log SET machine = '笔记本-01', os_user = '李老师' WHERE action = 'update'")
    copy = open_database(copy.path)
    _merge(db, copy)
    with db.reader() as s:
        (joined,) = s.scalars(select(AuditLog).where(AuditLog.machine == "笔记本-01")).all()
        assert (joined.os_user, joined.record_id) == ("李老师", office["b"])
        entries = enterprise_history(s, office["b"])
    # (on a server the name is the server's user who merged: the server writes it, no one else may)
    assert any(
        e.who.endswith("（笔记本-01）") and e.os_user == "李老师" and "株洲市天元区" in e.summary
        for e in entries
    )
    assert all(e.who == (e.db_user or e.os_user) for e in entries if "笔记本" not in e.who)  # made here
