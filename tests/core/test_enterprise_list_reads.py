"""How the enterprise list reads (issue 21), against plain reads of the same data, on SQLite and on a server: the
ids in every order the page offers (on SQLite sorted after one pass over the table, not along an index), the
rows of a page with their values typed as the ORM types them, UTC times from any text SQLite may hold, and a
failure while the driver's rows are read."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError

from app.db.base import UTCDateTime
from app.db.engine import Database
from app.db.models import Enterprise
from app.services.enterprise_list import (
    SORT_COLUMNS,
    EnterpriseQuery,
    _driver_rows,
    enterprise_ids,
    enterprise_rows,
    matching,
)

pytestmark = pytest.mark.both_backends

UTC = dt.UTC


def _fill(db: Database) -> list[str]:
    """Enterprises made to tie in every sort column: a few names, codes, regions …, empty and NULL values, times
    to the microsecond and to the second, some in the 回收站. Their ids, in the order made."""
    made = []
    with db.session() as s:
        for i in range(36):
            e = Enterprise(
                name=f"湖南企业{i % 5}有限公司",
                name_key=f"湖南企业{i % 5}",
                pinyin_full=["hunanqiye", "anhuiqiye", "", "hunanqiye", "zhejiang"][i % 5],
                uscc=f"91430100MA4L{i:06d}" if i % 4 else "",
                uscc_confirmed=i % 3 == 0,
                industry=["", "智能制造", "现代服务"][i % 3],
                region=["长沙市", "", "株洲市", "长沙市"][i % 4],
                scale=["", "大型", "小型"][i % 3],
                status=["合作中", "意向", "暂停", "已解除"][i % 4],
                cooperation_start=None if i % 4 == 0 else dt.date(2020 + i % 3, 1 + i % 12, 1 + i % 7),
                updated_at=dt.datetime(2025, 1 + i % 3, 1, 8, 0, 0, (i % 2) * 123456, tzinfo=UTC),
            )
            s.add(e)
            s.flush()
            made.append(e.id)
        for eid in made[::7]:
            s.get(Enterprise, eid).deleted_at = dt.datetime(2026, 1, 1 + made.index(eid) % 3, tzinfo=UTC)
    return made


def _reference_ids(db: Database, q: EnterpriseQuery) -> list[str]:
    """The plain ORM read: the sort column itself, then the id."""
    col = SORT_COLUMNS[q.sort]
    with db.reader() as s:
        return list(s.scalars(matching(q).order_by(col.desc() if q.descending else col.asc(), Enterprise.id)))


@pytest.mark.parametrize("sort", sorted(SORT_COLUMNS))
def test_every_order_lists_the_ids_as_the_plain_read_does(db: Database, sort: str) -> None:
    _fill(db)
    for query in (
        EnterpriseQuery(sort=sort),
        EnterpriseQuery(sort=sort, descending=True),
        EnterpriseQuery(sort=sort, status="合作中"),
        EnterpriseQuery(sort=sort, descending=True, deleted=True),
        EnterpriseQuery(sort=sort, text="湖南企业1"),
    ):
        expected = _reference_ids(db, query)
        with db.reader() as s:
            assert enterprise_ids(s, query) == expected, query
        assert expected or query.deleted
    with db.reader() as s:
        assert len(enterprise_ids(s, EnterpriseQuery(sort=sort))) == 36 - len(range(0, 36, 7))


def test_the_ids_see_what_the_session_has_not_written_yet(db: Database) -> None:
    made = _fill(db)
    order = (SORT_COLUMNS["name"], Enterprise.id)
    with db.session() as s:
        new = Enterprise(name="湖南未写入有限公司", name_key="湖南未写入", pinyin_full="hunanweixieru")
        s.add(new)
        s.get(Enterprise, made[1]).deleted_at = dt.datetime(2026, 2, 1, tzinfo=UTC)
        ids = enterprise_ids(s)
        assert ids == list(s.scalars(matching(EnterpriseQuery()).order_by(*order)))
        assert new.id in ids and made[1] not in ids


@pytest.mark.sqlite_only
def test_on_sqlite_the_whole_list_is_sorted_after_one_pass_over_the_table(db: Database) -> None:
    """Not along the sort column's index (a table lookup per row); a filter still uses its own index."""
    _fill(db)
    seen: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        with db.reader() as s:
            enterprise_ids(s)
            enterprise_ids(s, EnterpriseQuery(sort="region", descending=True))
            enterprise_ids(s, EnterpriseQuery(status="暂停"))
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    plans = []
    with db.engine.connect() as conn:
        for statement, parameters in seen:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            plans.append(" / ".join(row[-1] for row in plan))
    assert len(plans) == 3
    for plan in plans[:2]:
        assert "SCAN enterprise" in plan and "USING INDEX" not in plan, plan
    assert "USING INDEX ix_enterprise_status" in plans[2], plans[2]


def test_the_rows_hold_the_values_the_orm_reads_typed_alike(db: Database) -> None:
    made = _fill(db)
    rows = {}
    with db.reader() as s:
        for start in range(0, len(made), 10):
            rows |= enterprise_rows(s, made[start : start + 10])
        orm = {e.id: e for e in s.scalars(select(Enterprise))}
        assert set(rows) == set(made)
        for eid, row in rows.items():
            e = orm[eid]
            assert type(row.uscc_confirmed) is bool and row.uscc_confirmed == e.uscc_confirmed
            assert row.cooperation_start == e.cooperation_start
            assert row.cooperation_start is None or type(row.cooperation_start) is dt.date
            assert row.updated_at == e.updated_at and row.updated_at.tzinfo is UTC
            assert row.updated_at.isoformat() == e.updated_at.isoformat()
    assert {r.uscc_confirmed for r in rows.values()} == {True, False}
    assert None in {r.cooperation_start for r in rows.values()}


# Texts a DATETIME column may hold on SQLite: as this app writes them, as another tool or an older version may
# have left them (a date alone, "T", a zone of their own), with the naive UTC this app reads each as.
TEXTS = [
    ("2024-05-06 07:08:09.123456", dt.datetime(2024, 5, 6, 7, 8, 9, 123456)),
    ("2024-05-06 07:08:09", dt.datetime(2024, 5, 6, 7, 8, 9)),
    ("2024-05-06 07:08:09.123", dt.datetime(2024, 5, 6, 7, 8, 9, 123000)),
    ("2024-05-06 07:08", dt.datetime(2024, 5, 6, 7, 8)),
    ("2024-05-06T07:08:09", dt.datetime(2024, 5, 6, 7, 8, 9)),
    ("2024-05-06", dt.datetime(2024, 5, 6)),
    ("2024-05-06 07:08:09Z", dt.datetime(2024, 5, 6, 7, 8, 9)),
    ("2024-05-06 07:08:09+08:00", dt.datetime(2024, 5, 6, 7, 8, 9)),  # the zone dropped, as before
    ("2024-05-06 07:08:09-05:30", dt.datetime(2024, 5, 6, 7, 8, 9)),
    ("9999-12-31 23:59:59.999999", dt.datetime(9999, 12, 31, 23, 59, 59, 999999)),
]


@pytest.mark.sqlite_only
def test_utc_times_read_from_any_text_as_the_two_step_conversion_reads_them(db: Database) -> None:
    dialect = db.engine.dialect
    col = UTCDateTime().dialect_impl(dialect)
    one_call = col.result_processor(dialect, None)
    parse = col.impl_instance.result_processor(dialect, None)
    for stored, naive in TEXTS:
        two_steps = col.process_result_value(parse(stored), dialect)
        got = one_call(stored)
        assert got == two_steps == naive.replace(tzinfo=UTC), stored
        assert got.tzinfo is UTC and got.isoformat() == two_steps.isoformat(), stored
    made = _fill(db)[: len(TEXTS)]
    with db.session() as s:
        for eid, (stored, _) in zip(made, TEXTS, strict=True):
            s.execute(
                text("UPDATE enterprise SET updated_at = :at, deleted_at = NULL WHERE id = :id"),
                {"at": stored, "id": eid},
            )
    with db.reader() as s:
        rows = enterprise_rows(s, made)
        orm = {e.id: e.updated_at for e in s.scalars(select(Enterprise).where(Enterprise.id.in_(made)))}
    for eid, (stored, naive) in zip(made, TEXTS, strict=True):
        assert rows[eid].updated_at == orm[eid] == naive.replace(tzinfo=UTC), stored
        assert rows[eid].updated_at.tzinfo is UTC


@pytest.mark.sqlite_only
def test_a_failure_while_the_rows_are_read_is_sqlalchemys_error(db: Database) -> None:
    """The last row fails (malformed JSON) after the statement has run: it comes out as DBAPIError, which the
    database layer turns into a message (app/db/engine.py), not as the driver's own exception."""
    failing = text(
        "SELECT json_extract(v, '$') FROM (SELECT '1' AS v UNION ALL SELECT '2' UNION ALL SELECT '{')"
    )
    with db.engine.connect() as conn:
        result = conn.execute(failing)  # the first row is read: the statement itself has not failed
        with pytest.raises(DBAPIError, match="malformed JSON"):
            list(_driver_rows(conn, result))
        assert result.closed
