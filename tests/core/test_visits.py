"""Visit listing: search over enterprises (name, pinyin initials), people and text; years; the 回收站 view."""

from __future__ import annotations

import datetime as dt

from app.db.engine import Database
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.visits import VisitData, create_visit, delete_visits, visit_ids, visit_years


def test_search_and_years(db: Database) -> None:
    with db.session() as s:
        a = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司")).ids[0]
        b = create_enterprise(s, EnterpriseData(name="株洲恒信电气有限公司")).ids[0]
        v1 = create_visit(s, VisitData(dt.date(2024, 5, 6), (a,), "张院长", purpose="访企拓岗")).ids[0]
        v2 = create_visit(
            s, VisitData(dt.date(2026, 3, 1), (b,), "李书记", participants="王老师", findings="需要100%的_人")
        ).ids[0]
        v3 = create_visit(s, VisitData(dt.date(2026, 9, 9), (a, b), "张院长")).ids[0]
        delete_visits(s, [v3])
    with db.reader() as s:
        assert visit_ids(s) == [v2, v1]
        assert visit_ids(s, text="hnxj") == [v1]  # pinyin initials of the enterprise
        assert visit_ids(s, text="恒信") == [v2]
        assert visit_ids(s, text="王老师") == [v2]
        assert visit_ids(s, text="张院长") == [v1]
        assert visit_ids(s, text="100%的_") == [v2]  # % and _ taken literally
        assert visit_ids(s, text="1%") == []
        assert visit_ids(s, year=2026) == [v2]
        assert visit_ids(s, deleted=True) == [v3]
        assert visit_ids(s, enterprise_id=a) == [v1]
        assert visit_years(s) == [2026, 2025, 2024]
