"""Records offered by the pickers: majors, enterprises and agreements, and the labels of linked ones."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from app.db.engine import Database
from app.db.models import Major
from app.services.agreements import AgreementData, create_agreement
from app.services.choices import agreement_choices, chosen_labels, enterprise_choices, major_choices
from app.services.enterprises import EnterpriseData, create_enterprise, delete_enterprises
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile


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


def test_form_choices(db: Database, world: dict[str, str]) -> None:
    with db.reader() as s:
        assert [c.label for c in major_choices(s)] == ["机电一体化技术"]
        assert [c.id for c in enterprise_choices(s, "hnjzn")] == [world["e1"]]  # pinyin initials
        assert len(enterprise_choices(s, "", limit=1)) == 1
        assert [c.label for c in agreement_choices(s, "订单")] == ["订单班协议"]
        labels = chosen_labels(s, [world["e2"]], [world["agreement"]])
        assert labels == {world["e2"]: "湖南乙汽车有限公司", world["agreement"]: "订单班协议"}


def test_enterprise_choices_sort_by_pinyin_and_skip_the_recycle_bin(db: Database, world) -> None:
    with db.session() as s:
        delete_enterprises(s, [world["e2"]])
    with db.reader() as s:
        assert [c.label for c in enterprise_choices(s, "湖南")] == ["湖南甲智能有限公司"]
        assert chosen_labels(s, [world["e2"]], []) == {world["e2"]: "湖南乙汽车有限公司（已删除）"}


def test_empty_search_reads_only_the_limit(db: Database, world) -> None:
    """An empty search must not read every enterprise id: the LIMIT is in the SQL."""
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with db.reader() as s:
        engine = s.get_bind()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            assert len(enterprise_choices(s, "", limit=1)) == 1
            assert len(agreement_choices(s, "", limit=1)) == 1
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) >= 2 and all("LIMIT" in st for st in statements[:1])
    assert any("LIMIT" in st and "agreement" in st for st in statements)
