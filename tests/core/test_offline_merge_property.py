"""The three-way merge against a reference model (issue 20), property-based: random creates, edits and deletes of
enterprises, and their categories (rows of their own) added and removed, on both sides of a real copy (real database files, the real services), merged with every conflict
decided for the copy or for the origin. The result equals the reference's; every conflict the reference sees is
reported (and no other); merging again changes nothing."""

from __future__ import annotations

import shutil
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.db.engine import Database, open_database
from app.db.models import Enterprise
from app.offline.copies import CopyRefused, copy_out
from app.offline.merge import COPY, FIELD, ORIGIN, apply_merge, open_copy, plan_merge
from app.services.enterprises import (
    EnterpriseData,
    create_enterprise,
    delete_enterprises,
    get_enterprise,
    update_enterprise,
)

pytestmark = pytest.mark.skipif(
    sys.platform == "win32",
    reason="the same code on every platform, tested on Linux (the Wine half of CI is its long pole); the copy's "
    "files on Windows: tests/core/test_offline_copy.py",
)

FIELDS = ("name", "address", "note")
VALUES = ("甲", "乙", "丙")  # few, so that both sides often write the same value
START = 2  # enterprises in the office database when the copy is made

edit = st.tuples(st.just("edit"), st.integers(0, START - 1), st.sampled_from(FIELDS), st.sampled_from(VALUES))
delete = st.tuples(st.just("delete"), st.integers(0, START - 1), st.just(""), st.just(""))
create = st.tuples(st.just("create"), st.just(0), st.just("name"), st.sampled_from(VALUES))
CATEGORIES = ("校友企业", "世界500强")
category = st.tuples(st.just("category"), st.integers(0, START - 1), st.just(""), st.sampled_from(CATEGORIES))
ops = st.lists(st.one_of(edit, edit, delete, create, category), max_size=6)


def _state(db: Database) -> dict[str, dict[str, object]]:
    with db.reader() as s:
        return {
            e.id: {
                "name": e.name,
                "address": e.address,
                "note": e.note,
                "deleted": e.deleted_at is not None,
                "categories": frozenset(c.category for c in e.categories),
            }
            for e in s.scalars(select(Enterprise))
        }


def _run(db: Database, ids: list[str], steps) -> set[str]:
    """The steps, on `db`; the ids of the records an edit changed (even when a later one changed them back)."""
    touched: set[str] = set()
    for kind, i, field, value in steps:
        with db.session() as s:
            if kind == "create":
                create_enterprise(s, EnterpriseData(f"新{value}{uuid.uuid4().hex[:4]}"))
                continue
            eid = ids[i]
            if s.get(Enterprise, eid).deleted_at is not None:
                continue  # a deleted record is not edited (its form is in the 回收站)
            if kind == "delete":
                delete_enterprises(s, [eid])
                continue
            d = get_enterprise(s, eid)
            data = EnterpriseData(**{f: getattr(d, f) for f in EnterpriseData.__dataclass_fields__})
            if kind == "category":  # added, or taken away
                had = data.categories
                new_set = tuple(c for c in had if c != value) if value in had else (*had, value)
                touched.add(eid)
                update_enterprise(s, eid, replace(data, categories=new_set))
                continue
            new = value if field != "name" else f"企业{value}{i}"
            if getattr(data, field) != new:
                touched.add(eid)
            update_enterprise(s, eid, replace(data, **{field: new}))
    return touched


def _expected(
    base, copy, origin, choice: str, touched: set[str], touched_in_copy: set[str]
) -> tuple[dict, set[tuple[str, str]]]:
    """The reference merge: the result, and the conflicts as (id, field or "*"). `touched` / `touched_in_copy`:
    the records the origin / the copy edited (a record deleted on one side and edited on the other is a conflict
    even if the edits undid themselves: the merge sees the record's version move). Categories are rows of their
    own, merged as sets whichever side a record's conflict takes."""
    result = dict(origin)
    conflicts: set[tuple[str, str]] = set()
    for rid, c in copy.items():
        if rid not in base:
            result[rid] = c  # created in the copy
    for rid, b in base.items():
        c, o = copy[rid], origin[rid]
        mine = {f for f in (*FIELDS, "deleted") if c[f] != b[f]}
        theirs = {f for f in (*FIELDS, "deleted") if o[f] != b[f]}
        copy_deleted = c["deleted"] and not o["deleted"]
        origin_deleted = o["deleted"] and not c["deleted"]
        categories = (o["categories"] | (c["categories"] - b["categories"])) - (
            b["categories"] - c["categories"]
        )
        if (copy_deleted and (theirs - {"deleted"} or rid in touched)) or (
            origin_deleted and (mine - {"deleted"} or rid in touched_in_copy)
        ):
            conflicts.add((rid, "*"))
            result[rid] = dict(o)
            if choice == COPY:
                result[rid] = {f: c[f] if f in mine else o[f] for f in (*FIELDS, "deleted")}
                result[rid]["deleted"] = c["deleted"]
            result[rid]["categories"] = categories
            continue
        merged = dict(o)
        for f in mine:
            if f not in theirs or c[f] == o[f]:
                merged[f] = c[f]
            else:
                conflicts.add((rid, f))
                merged[f] = c[f] if choice == COPY else o[f]
        merged["categories"] = categories
        result[rid] = merged
    return result, conflicts


@pytest.mark.parametrize("choice", [COPY, ORIGIN])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(on_copy=ops, on_origin=ops)
def test_the_merge_equals_the_reference_and_twice_equals_once(
    _migrated: Path, tmp_path: Path, choice: str, on_copy, on_origin
) -> None:
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    shutil.copyfile(_migrated, folder / "office.db")
    office = open_database(folder / "office.db")
    copy = None
    try:
        with office.session() as s:
            ids = [
                create_enterprise(s, EnterpriseData(f"企业{n}", address="甲")).ids[0] for n in range(START)
            ]
        copy_out(office, folder / "copy.db")
        base = _state(office)
        copy = open_database(folder / "copy.db")
        touched_in_copy = _run(copy, ids, on_copy)
        touched = _run(office, ids, on_origin)
        mine, theirs = _state(copy), _state(office)
        copy.close()
        want, conflicts = _expected(base, mine, theirs, choice, touched, touched_in_copy)
        with office.reader() as s:
            copy_db, info = open_copy(s, folder / "copy.db")
        try:
            for _round in range(2):  # the merge itself: twice is once
                with office.reader() as s, copy_db.reader() as c:
                    plan = plan_merge(s, c, info)
                seen = {(x.key.strip('[]"'), x.column if x.kind == FIELD else "*") for x in plan.conflicts}
                if _round == 0:
                    assert seen == {(rid, "deleted_at" if f == "deleted" else f) for rid, f in conflicts}
                with office.session() as s, copy_db.reader() as c:
                    apply_merge(s, c, info, {x.id: choice for x in plan.conflicts})
                assert _state(office) == want
        finally:
            copy_db.close()
        with office.reader() as s, pytest.raises(CopyRefused, match="已于"):  # and the window refuses a 2nd
            open_copy(s, folder / "copy.db")
        assert _state(office) == want
    finally:
        office.close()
