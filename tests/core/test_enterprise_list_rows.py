"""The enterprise list's ids and page rows against a plain reference read record by record through the ORM, on
SQLite and on a server (issue 21: a page on SQLite is read by three statements, on a server by one; the ids by a
Core read)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.models import (
    ENTERPRISE_CATEGORIES,
    TIER_LABELS,
    TIERS,
    Contact,
    Enterprise,
    EnterpriseCategory,
    Project,
    ProjectEnterprise,
)
from app.services.enterprise_list import (
    SORT_COLUMNS,
    EnterpriseQuery,
    EnterpriseRow,
    enterprise_ids,
    enterprise_rows,
    matching,
)
from app.services.enterprises import EnterpriseData, create_enterprise, delete_enterprises
from app.services.projects import ProjectData, create_project, delete_projects

pytestmark = pytest.mark.both_backends


def reference_row(s: Session, e: Enterprise) -> EnterpriseRow:
    """One row as the list shows it, read the plain way: the first live contact by (sort_order, id), the
    categories in ENTERPRISE_CATEGORIES' order, the highest tier of the live projects."""
    contacts = s.scalars(
        select(Contact).where(Contact.enterprise_id == e.id, Contact.deleted_at.is_(None))
    ).all()
    first = min(contacts, key=lambda c: (c.sort_order, c.id), default=None)
    held = set(s.scalars(select(EnterpriseCategory.category).where(EnterpriseCategory.enterprise_id == e.id)))
    tiers = s.scalars(
        select(Project.tier)
        .join(ProjectEnterprise, ProjectEnterprise.project_id == Project.id)
        .where(ProjectEnterprise.enterprise_id == e.id, Project.deleted_at.is_(None))
    ).all()
    top = max((TIERS.index(t) for t in tiers if t in TIERS), default=None)
    return EnterpriseRow(
        e.id,
        e.name,
        e.short_name,
        e.uscc,
        e.uscc_confirmed,
        e.industry,
        e.region,
        e.scale,
        e.status,
        "、".join(c for c in ENTERPRISE_CATEGORIES if c in held),
        e.cooperation_start,
        first.name if first else "",
        first.phone if first else "",
        e.updated_at,
        TIER_LABELS[TIERS[top]] if top is not None else "",
    )


def reference_rows(db: Database, ids: list[str]) -> dict[str, EnterpriseRow]:
    with db.reader() as s:
        return {
            e.id: reference_row(s, e) for e in s.scalars(select(Enterprise).where(Enterprise.id.in_(ids)))
        }


def pages(ids: list[str], size: int) -> list[list[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def test_every_page_of_the_demo_shows_what_the_reference_reads(demo_db: Database) -> None:
    with demo_db.reader() as s:
        ids = enterprise_ids(s)
        gone = enterprise_ids(s, EnterpriseQuery(deleted=True))
    assert len(ids) > 200  # more than one page
    expected = reference_rows(demo_db, ids + gone)
    assert any(r.contact_name for r in expected.values()) and any(r.categories for r in expected.values())
    assert any(r.tier for r in expected.values())
    for page in pages(ids, 200) + pages(gone, 200) + [ids[7:9] + gone[:1] + ["no-such-id"]]:
        with demo_db.reader() as s:
            rows = enterprise_rows(s, page)
        assert rows == {i: expected[i] for i in page if i in expected}
    with demo_db.reader() as s:
        assert enterprise_rows(s, ids) == {i: expected[i] for i in ids}  # the whole list at once


def test_the_first_contact_ties_deleted_contacts_and_projects(db: Database) -> None:
    with db.session() as s:
        tie, lone, none = (
            create_enterprise(s, EnterpriseData(name=n, categories=c)).ids[0]
            for n, c in (
                ("湖南并列联系人有限公司", ("校友企业", "世界500强", "上市公司")),
                ("湖南单个联系人有限公司", ()),
                ("湖南无联系人有限公司", ("中国500强",)),
            )
        )
        deleted_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        s.add_all(
            [
                Contact(id="c-9", enterprise_id=tie, name="乙", phone="2", sort_order=1),
                Contact(
                    id="c-1", enterprise_id=tie, name="甲", phone="1", sort_order=1
                ),  # same order: lower id
                Contact(
                    id="c-0", enterprise_id=tie, name="已删", phone="0", sort_order=0, deleted_at=deleted_at
                ),
                Contact(id="c-5", enterprise_id=tie, name="丙", phone="3", sort_order=2),
                Contact(id="c-3", enterprise_id=lone, name="丁", phone="4", sort_order=-1),
                Contact(
                    id="c-4", enterprise_id=none, name="戊", phone="5", sort_order=0, deleted_at=deleted_at
                ),
            ]
        )
        create_project(
            s, ProjectData(name="订单班", kind="订单培养", leader="王", enterprise_ids=(tie, lone))
        )
        top = create_project(
            s, ProjectData(name="产业学院", kind="现代产业学院", leader="王", enterprise_ids=(tie, none))
        ).ids[0]
    ids = [tie, lone, none]
    with db.reader() as s:
        rows = enterprise_rows(s, ids)
    assert rows == reference_rows(db, ids)
    assert [(rows[i].contact_name, rows[i].tier) for i in ids] == [
        ("甲", "融合层"),
        ("丁", "基础层"),
        ("", "融合层"),
    ]
    assert rows[tie].categories == "世界500强、上市公司、校友企业"
    with db.session() as s:
        delete_projects(s, [top])
        delete_enterprises(s, [lone])
    with db.reader() as s:
        rows = enterprise_rows(s, ids)
    assert rows == reference_rows(db, ids)
    assert [rows[i].tier for i in ids] == ["基础层", "基础层", ""]


@pytest.mark.parametrize(
    "query",
    [
        EnterpriseQuery(),
        EnterpriseQuery(sort="updated_at", descending=True),
        EnterpriseQuery(sort="region"),
        EnterpriseQuery(text="科技"),
        EnterpriseQuery(text="hn", status="合作中"),
        EnterpriseQuery(deleted=True, sort="deleted_at"),
    ],
)
def test_the_ids_are_those_an_orm_read_of_the_same_query_lists(
    demo_db: Database, query: EnterpriseQuery
) -> None:
    col = SORT_COLUMNS[query.sort]
    order = [col.desc() if query.descending else col.asc(), Enterprise.id]
    with demo_db.reader() as s:
        ids = enterprise_ids(s, query)
        assert ids == list(s.scalars(matching(query).order_by(*order)))
    assert ids or query.deleted  # the demo has something for each search
