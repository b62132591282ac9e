"""Demo data: plausible, valid, deterministic, small (through the services) or large (their bulk writer)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

import app.demo as demo
from app.compliance.registry import RULES, run_checks
from app.db.engine import Database, open_database
from app.db.models import (
    ENTERPRISE_CATEGORIES,
    Agreement,
    AgreementTransition,
    AuditLog,
    Contact,
    Enterprise,
    EnterpriseCategory,
)
from app.demo import fill_demo
from app.domain.codes import check_uscc
from app.domain.names import name_key
from app.errors import AppError, Cancelled
from app.services.agreement_list import AgreementQuery, agreement_ids
from app.services.agreements import get_agreement
from app.services.enterprise_list import EnterpriseQuery, enterprise_ids
from app.services.enterprises import EnterpriseData, create_enterprise, delete_enterprises
from app.services.projects import tier_counts
from app.services.settings import get_profile
from tests.findings import reminders

DEMO_TODAY = dt.date(2026, 11, 23)
MOBILE = re.compile(r"1(3\d|5[0-35-9]|8\d|9[13589])\d{8}")


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    database = open_database(tmp_path_factory.mktemp("demo") / "demo.db")
    with database.session() as s:
        counts = fill_demo(s, size="small", seed=1, today=DEMO_TODAY)
    database.counts = counts  # type: ignore[attr-defined]
    yield database
    database.close()


def _names_and_codes(database: Database) -> list[tuple[str, str]]:
    with database.reader() as s:
        return sorted(tuple(r) for r in s.execute(select(Enterprise.name, Enterprise.uscc)))


def test_small_fill_counts_and_profile(small_db: Database) -> None:
    with small_db.reader() as s:
        n = s.scalar(select(func.count()).select_from(Enterprise))
        contacts = s.scalar(select(func.count()).select_from(Contact))
        profile = get_profile(s)
    assert small_db.counts["合作企业"] == n == 300  # type: ignore[attr-defined]
    assert small_db.counts["联系人"] == contacts  # type: ignore[attr-defined]
    assert 300 <= contacts <= 900
    assert profile.school and profile.college == "机电工程学院"
    assert 2 <= len(profile.groups) <= 3
    assert all(2 <= len(g.majors) <= 4 for g in profile.groups)


def test_small_fill_cooperation_triggers_every_reminder(small_db: Database) -> None:
    counts = small_db.counts  # type: ignore[attr-defined]
    assert counts["合作协议"] == 40 and counts["产教融合项目"] == 12 and counts["协调会议"] == 24
    assert counts["企业走访"] > 50
    with small_db.reader() as s:
        found = Counter(r.rule for r in reminders(s, DEMO_TODAY))
        hainan = {f.rule for f in run_checks(s, DEMO_TODAY, preset="N")}
        tiers = tier_counts(s)
    # every rule shows on the demo but the two about a student's age and a missing party: those of the
    # default school policy (湖南) and the national ones, and with the 海南 policy chosen, that one's
    assert set(found) | hainan == set(RULES) - {"INT-AGE", "INT-PARTIES"}
    assert not [c for c in found if RULES[c].sets == {"N"}] and not [
        c for c in hainan if RULES[c].sets == {"H"}
    ]
    assert counts["学生"] == 384 and counts["就业记录"] == 96 and counts["企业月度评价"] > 1000
    assert all(tiers.values()) and sum(tiers.values()) == 12
    assert counts["教师"] == 46 and counts["工作室"] == 4 and counts["行业组织"] == 4
    assert counts["成果"] and counts["企业培训"]
    with small_db.reader() as s:
        titles = s.scalars(select(Agreement.title)).all()
    assert all(t.endswith("协议") and "协议协议" not in t for t in titles)


def test_small_fill_codes_valid_and_unique(small_db: Database) -> None:
    rows = _names_and_codes(small_db)
    codes = [code for _, code in rows]
    assert all(check_uscc(c).ok for c in codes)
    assert all(c.startswith("9143") for c in codes)  # 法人企业, 湖南省
    assert len(set(codes)) == len(codes)
    assert len({name_key(n) for n, _ in rows}) == len(rows)
    assert all(n.endswith("公司") for n, _ in rows)


def test_small_fill_is_plausible(small_db: Database) -> None:
    with small_db.reader() as s:
        ents = s.scalars(select(Enterprise)).all()
        statuses = Counter(e.status for e in ents)
        assert statuses.most_common(1)[0][0] == "合作中"
        assert {"意向", "暂停", "已解除"} <= set(statuses)
        for e in ents:
            if e.status == "已解除":
                assert e.status_reason and e.status_date and e.status_date >= e.cooperation_start
            assert e.short_name and e.industry and e.region and e.address.startswith("湖南省")
            assert 1 <= len(e.contacts) <= 3
            assert len(e.categories) <= 2
            assert all(c.category in ENTERPRISE_CATEGORIES for c in e.categories)
            for c in e.contacts:
                assert 2 <= len(c.name) <= 4 and c.title
                assert MOBILE.fullmatch(c.phone), c.phone
                assert re.fullmatch(r"[a-z0-9]+@[a-z0-9.]+\.[a-z]+", c.email), c.email
        # search works on demo data: the first enterprise is found by its pinyin initials
        sample = ents[0]
        initials = sample.pinyin_initials.split(" ")[0]
        assert sample.id in enterprise_ids(s, EnterpriseQuery(text=initials))


def test_same_seed_same_data(small_db: Database, tmp_path: Path) -> None:
    other = open_database(tmp_path / "other.db")
    try:
        with other.session() as s:
            fill_demo(s, size="small", seed=1)
        assert _names_and_codes(other) == _names_and_codes(small_db)
    finally:
        other.close()
    third = open_database(tmp_path / "third.db")
    try:
        with third.session() as s:
            fill_demo(s, size="small", seed=2)
        assert _names_and_codes(third) != _names_and_codes(small_db)
    finally:
        third.close()


def test_refuses_a_database_with_enterprises(db: Database) -> None:
    with db.session() as s:
        ids = create_enterprise(s, EnterpriseData(name="湖南某某科技有限公司")).ids
        delete_enterprises(s, ids)  # even one in the 回收站 counts
    with pytest.raises(AppError, match="已有企业"), db.session() as s:
        fill_demo(s)


def test_unknown_size_refused(db: Database) -> None:
    with pytest.raises(AppError, match="small 或 large"), db.session() as s:
        fill_demo(s, size="huge")


def test_keeps_a_configured_profile(db: Database) -> None:
    from app.services.settings import CollegeProfile, save_profile

    with db.session() as s:
        save_profile(s, CollegeProfile("某某学院", "智能制造学院"))
    with db.session() as s:
        counts = fill_demo(s)
        assert get_profile(s).college == "智能制造学院"
    assert "专业群" not in counts


def test_progress_and_cancel_small(db: Database) -> None:
    seen: list[float] = []
    cancel = threading.Event()

    def progress(fraction: float, message: str = "") -> None:
        seen.append(fraction)
        if fraction > 0.1:
            cancel.set()

    with pytest.raises(Cancelled), db.session() as s:
        fill_demo(s, progress=progress, cancel=cancel)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Enterprise)) == 0
        assert s.scalar(select(func.count()).select_from(AuditLog)) == 0
    assert seen and seen == sorted(seen)


@pytest.fixture
def small_large(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk path, at a size a test can afford."""
    monkeypatch.setitem(demo.SIZES, "large", 2500)
    monkeypatch.setattr(demo, "CHUNK", 1000)
    monkeypatch.setattr(demo, "LARGE_STUDENTS", 500)


def test_bulk_fill(db: Database, small_large: None) -> None:
    seen: list[tuple[float, str]] = []
    with db.session() as s:
        counts = fill_demo(s, size="large", progress=lambda f, m="": seen.append((f, m)))
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Enterprise)) == counts["合作企业"] == 2500
        assert s.scalar(select(func.count()).select_from(Contact)) == counts["联系人"]
        assert s.scalar(select(func.count()).select_from(EnterpriseCategory)) == counts["企业类别"]
        audit = Counter(tuple(r) for r in s.execute(select(AuditLog.table_name, AuditLog.action)))
        assert audit[("enterprise", "insert")] == 2500
        assert audit[("contact", "insert")] == counts["联系人"]
        codes = s.scalars(select(Enterprise.uscc)).all()
        assert len(set(codes)) == 2500 and all(check_uscc(c).ok for c in codes)
        e = s.scalars(select(Enterprise).limit(1)).one()
        assert e.created_at.tzinfo is not None and e.deleted_at is None
    assert [f for f, _ in seen][-1] == 1.0
    assert [round(f, 2) for f, _ in seen[:3]] == [0.4, 0.8, 1.0]


def test_bulk_students_and_internships_break_no_rule(db: Database, small_large: None) -> None:
    from app.db.models import Internship, Student
    from app.domain.codes import check_id_number

    with db.session() as s:
        counts = fill_demo(s, size="large", today=DEMO_TODAY)
    assert counts["学生"] == 384 + 500 and counts["实习记录"] == 169 + 500
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Student)) == counts["学生"]
        bulk = s.scalars(select(Student).where(Student.student_no.like("9%"))).all()
        assert len(bulk) == 500 and all(
            check_id_number(st.id_number).birth_date == st.birth_date for st in bulk
        )
        planned = s.scalar(select(func.count()).select_from(Internship).where(Internship.status == "计划"))
        found = {r.rule for r in reminders(s, DEMO_TODAY) if r.record_type == "internship"}
    assert planned >= 500 and found == {
        "INT-INSURANCE",
        "INT-TRIPARTITE",
        "INT-GRADE",
        "INT-EVALUATION",
        "INT-LOW-SCORE",
        "INT-PAY",
        "INT-HOURS",
        "INT-PREMIUM",
    }  # the same as the small demo: the bulk ones are in order


def test_bulk_fill_agreements_as_the_service_stores_them(db: Database, small_large: None) -> None:
    with db.session() as s:
        counts = fill_demo(s, size="large", today=DEMO_TODAY)
    assert counts["合作协议"] == 500 and counts["产教融合项目"] == 12
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Agreement)) == 500
        audit = Counter(tuple(r) for r in s.execute(select(AuditLog.table_name, AuditLog.action)))
        steps = s.scalar(select(func.count()).select_from(AgreementTransition))
        assert audit[("agreement", "insert")] == 500 and audit[("agreement_transition", "insert")] == steps
        ids = agreement_ids(s, AgreementQuery(status="终止"), today=DEMO_TODAY)
        assert ids, "some terminated agreements"
        detail = get_agreement(s, ids[0], today=DEMO_TODAY)
        assert detail.termination_reason and [t.to_status for t in detail.transitions] == ["生效", "终止"]
        assert detail.enterprise_names and all(detail.enterprise_names)
        logged = s.scalars(select(AuditLog.changes).where(AuditLog.record_id == ids[0])).one()
        assert logged["status"] == "终止" and logged["enterprise_links"] == sorted(detail.enterprise_ids)
        found = Counter(r.rule for r in reminders(s, DEMO_TODAY))
    assert found["AGR-EXPIRING-30"] and found["AGR-EXPIRING-90"] and found["AGR-PAST-END"]


def test_bulk_cancel_leaves_nothing(db: Database, small_large: None) -> None:
    cancel = threading.Event()
    with pytest.raises(Cancelled), db.session() as s:
        fill_demo(s, size="large", progress=lambda f, m="": cancel.set(), cancel=cancel)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Enterprise)) == 0
        assert s.scalar(select(func.count()).select_from(Contact)) == 0
