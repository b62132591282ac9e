"""The enterprise list's search, page rows and drop-downs find and show the same on SQLite and on a server (issue
21 rewrote their SQL for speed: app/services/enterprise_list.py, the trigram indexes of migration 0016)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from app.db.engine import Database, open_database
from app.db.models import SEARCH_INDEXED
from app.services.enterprise_list import EnterpriseQuery, enterprise_ids, enterprise_rows, facets
from app.services.enterprises import ContactData, EnterpriseData, create_enterprise, delete_enterprises

pytestmark = pytest.mark.both_backends

TRIGRAM_INDEXES = {f"ix_{table}_{column}_trgm" for table, cols in SEARCH_INDEXED.items() for column in cols}


def found(db: Database, words: str) -> list[str]:
    with db.reader() as s:
        return enterprise_ids(s, EnterpriseQuery(text=words))


def add(db: Database, name: str, **fields) -> str:
    with db.session() as s:
        return create_enterprise(s, EnterpriseData(name=name, **fields)).ids[0]


def test_letters_other_than_latin_keep_their_case_as_sqlite_keeps_it(db: Database) -> None:
    """SQLite's LIKE folds ASCII letters only: a server now does the same (it folded Greek too before)."""
    greek = add(db, "ΔΕΛΤΑ精密有限公司")
    latin = add(db, "ABC智能有限公司")
    assert found(db, "δελτα") == []
    assert found(db, "ΔΕΛΤΑ") == [greek]
    assert found(db, "abc") == found(db, "ABC") == [latin]
    assert found(db, "智能") == [latin]


def test_percent_and_underscore_are_plain_characters(db: Database) -> None:
    percent = add(db, "百分100%科技有限公司")
    underscore = add(db, "下划_线科技有限公司")
    add(db, "百分1000科技有限公司")
    add(db, "下划线科技有限公司")
    assert found(db, "100%") == [percent]
    assert found(db, "划_线") == [underscore]


def test_an_enterprise_found_by_its_name_and_by_a_contact_is_listed_once(db: Database) -> None:
    both = add(db, "湖南张三科技有限公司", contacts=(ContactData(name="张三", phone="13800138000"),))
    by_contact = add(db, "长沙某某有限公司", contacts=(ContactData(name="李张三", phone="0731-88886666"),))
    add(db, "长沙无关有限公司", contacts=(ContactData(name="王五", phone="13900139000"),))
    assert sorted(found(db, "张三")) == sorted([both, by_contact])
    assert found(db, "88886666") == [by_contact]
    assert found(db, "13800138000") == [both]
    assert found(db, "张三 13800138000") == [both]  # every word must be found
    with db.session() as s:
        delete_enterprises(s, [both])
    assert found(db, "张三") == [by_contact]


def test_a_page_row_shows_the_first_live_contact_and_the_categories_in_their_order(db: Database) -> None:
    eid = add(
        db,
        "湖南排序测试有限公司",
        categories=("校友企业", "世界500强"),
        contacts=(
            ContactData(name="第一", phone="13800138001"),
            ContactData(name="第二", phone="13800138002"),
        ),
    )
    bare = add(db, "湖南无联系人有限公司")
    with db.reader() as s:
        rows = enterprise_rows(s, [eid, bare, "no-such-id"])
        assert enterprise_rows(s, []) == {}
    assert set(rows) == {eid, bare}
    assert (rows[eid].contact_name, rows[eid].contact_phone) == ("第一", "13800138001")
    assert (rows[bare].contact_name, rows[bare].contact_phone, rows[bare].categories, rows[bare].tier) == (
        "",
        "",
        "",
        "",
    )
    assert rows[eid].categories == "世界500强、校友企业"  # in ENTERPRISE_CATEGORIES' order


def test_drop_downs_offer_each_live_value_once_in_code_point_order(db: Database) -> None:
    add(db, "甲有限公司", industry="制造业", region="长沙市")
    add(db, "乙有限公司", industry="Zeta", region="长沙市")
    add(db, "丙有限公司", industry="信息技术")
    gone = add(db, "丁有限公司", industry="医药", region="株洲市")
    with db.session() as s:
        delete_enterprises(s, [gone])
    with db.reader() as s:
        offered = facets(s)
    assert offered.industries == ("Zeta", "信息技术", "制造业")  # sorted(), as SQLite's ORDER BY orders text
    assert offered.regions == ("长沙市",)


def test_the_search_indexes_are_trigram_indexes_on_a_server_and_empty_in_a_file(db: Database) -> None:
    with db.engine.connect() as conn:
        if db.is_server:
            defs = dict(
                conn.execute(
                    text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'ix\\_%\\_trgm'")
                ).all()
            )
            assert set(defs) == TRIGRAM_INDEXES
            assert all("USING gin" in d and "gin_trgm_ops" in d for d in defs.values())
        else:
            defs = dict(
                conn.execute(
                    text("SELECT name, sql FROM sqlite_master WHERE name LIKE '%\\_trgm' ESCAPE '\\'")
                ).all()
            )
            assert set(defs) == TRIGRAM_INDEXES
            assert all(d.rstrip().endswith("WHERE 0") for d in defs.values())


def test_an_upgrade_by_a_user_who_may_not_add_pg_trgm_leaves_the_indexes_out_and_still_searches(
    pg_server, pg_database
) -> None:
    """pg_trgm needs CREATE on the database (its owner has it, a 管理员 who is not the owner need not)."""
    user, password = f"cjtest_notrgm_{uuid.uuid4().hex[:8]}", "pw-" + uuid.uuid4().hex[:8]
    name = pg_database.database
    pg_server.sql(f"CREATE ROLE {user} LOGIN PASSWORD '{password}'")
    try:
        pg_server.sql(f'GRANT CONNECT ON DATABASE "{name}" TO {user}')
        pg_server.sql(f"GRANT USAGE, CREATE ON SCHEMA public TO {user}", database=name)
        assert pg_server.sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'", database=name) == []
        db = open_database(pg_server.location(name, user=user, password=password))
        try:
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).all() == []
                assert (
                    conn.execute(text("SELECT 1 FROM pg_indexes WHERE indexname LIKE '%\\_trgm'")).all() == []
                )
            eid = add(db, "湖南湘江智能有限公司", contacts=(ContactData(name="赵六", phone="13800138009"),))
            assert found(db, "湘江智能") == found(db, "hnxjzn") == found(db, "赵六") == [eid]
        finally:
            db.close()
    finally:
        pg_server.drop(pg_database)
        pg_server.sql(f"DROP ROLE IF EXISTS {user}")
