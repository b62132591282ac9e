"""Every free text has a most length (#22: a 10 MB 备注 was stored whole, copied into the audit trail and cut
silently on export): the forms' services refuse a longer one naming the field and the limit, store nothing, and a
text at the limit is saved; the imports refuse such a row instead of storing or cutting it (real SQLite, real
.xlsx files)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from app.db.engine import Database
from app.db.models import AuditLog
from app.errors import ValidationErrors
from app.services.agreements import AgreementData, create_agreement
from app.services.assets import AssetData, create_asset
from app.services.common import LONG_TEXT_MAX, NOTE_MAX
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.meetings import MeetingData, create_meeting
from app.services.outcomes import AchievementData, save_achievement
from app.services.projects import ProjectData, create_project
from app.services.visits import VisitData, create_visit

TEN_MB = 10 * 2**20


def _visit(ids: dict[str, str], text: str) -> Callable:
    data = VisitData(dt.date(2026, 3, 2), (ids["enterprise"],), "王院长", findings=text)
    return lambda s: create_visit(s, data, today=dt.date(2026, 3, 3))


def _agreement(ids: dict[str, str], text: str) -> Callable:
    data = AgreementData("订单培养协议", "订单培养", (ids["enterprise"],), note=text)
    return lambda s: create_agreement(s, data)


def _meeting(ids: dict[str, str], text: str) -> Callable:
    return lambda s: create_meeting(s, MeetingData(ids["project"], dt.date(2026, 3, 2), minutes=text))


def _asset(ids: dict[str, str], text: str) -> Callable:
    return lambda s: create_asset(s, AssetData("数控车床", note=text))


def _achievement(ids: dict[str, str], text: str) -> Callable:
    data = AchievementData(
        "横向课题", "数控工艺优化", dt.date(2026, 3, 2), ids["enterprise"], amount_fen=100_000, note=text
    )
    return lambda s: save_achievement(s, data)


CASES = [
    (_visit, "findings", "走访发现", LONG_TEXT_MAX),
    (_agreement, "note", "备注", NOTE_MAX),
    (_meeting, "minutes", "会议纪要", LONG_TEXT_MAX),
    (_asset, "note", "备注", NOTE_MAX),
    (_achievement, "note", "备注", NOTE_MAX),
]


@pytest.fixture
def ids(db: Database) -> dict[str, str]:
    with db.session() as s:
        enterprise = create_enterprise(
            s, EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")
        ).ids[0]
        project = create_project(s, ProjectData(name="订单班", kind="订单培养", leader="张三")).ids[0]
    return {"enterprise": enterprise, "project": project}


def audit_rows(db: Database) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(AuditLog)) or 0


@pytest.mark.parametrize(
    ("make", "field", "label", "most"), CASES, ids=[c[1] + "-" + c[0].__name__ for c in CASES]
)
def test_a_text_over_its_limit_is_refused_and_one_at_it_saved(
    db: Database, ids: dict[str, str], make: Callable, field: str, label: str, most: int
) -> None:
    before = audit_rows(db)
    with pytest.raises(ValidationErrors) as e, db.session() as s:
        make(ids, "长" * TEN_MB)(s)
    assert [(x.field, x.message) for x in e.value.errors] == [
        (field, f"{label}过长（最多{most}字，现有{TEN_MB}字）")
    ]
    assert audit_rows(db) == before  # nothing stored, nothing copied into the audit trail
    with db.session() as s:
        assert make(ids, "长" * most)(s).count == 1


def test_imports_refuse_a_long_note_instead_of_storing_or_cutting_it(
    db: Database, ids: dict[str, str], tmp_path
) -> None:
    """The ledger import took a 备注 of any length."""
    from openpyxl import Workbook

    from app.io.ledger_xlsx import read_ledger

    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "摘要", "项目", "支出", "备注"])
    ws.append(["2026-03-02", "购买耗材", "订单班", 120, "备" * (NOTE_MAX + 1)])
    ws.append(["2026-03-03", "差旅", "订单班", 80, "备" * NOTE_MAX])
    wb.save(tmp_path / "台账.xlsx")
    with db.reader() as s:
        preview = read_ledger(s, tmp_path / "台账.xlsx")
    assert [(e.row, e.column, e.message) for e in preview.errors] == [
        (2, "备注", f"备注过长（最多{NOTE_MAX}字）")
    ]
    assert [r.row for r in preview.valid_rows] == [3]


def test_the_evaluation_import_no_longer_cuts_the_evaluator_silently(
    db: Database, ids: dict[str, str], tmp_path
) -> None:
    from openpyxl import Workbook

    from app.io.internships_xlsx import read_evaluations
    from app.services.internships import InternshipData, create_internships
    from app.services.students import StudentData, create_student

    with db.session() as s:
        student = create_student(
            s, StudentData("2023001", "张三", entry_year=2023, guardian_name="张父")
        ).ids[0]
        terms = InternshipData(
            student_id="", starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 6, 30),
            enterprise_id=ids["enterprise"], position="装配技术员", monthly_pay_fen=300000,
            same_post_wage_fen=350000,
        )  # fmt: skip
        create_internships(s, [student], terms)
    wb = Workbook()
    wb.active.append(["学号", "月份", "评分", "评价人", "评语"])
    wb.active.append(["2023001", "2026-03", 90, "师" * 51, "好"])
    wb.active.append(["2023001", "2026-04", 90, "师" * 50, "好" * (NOTE_MAX + 1)])
    wb.save(tmp_path / "评价.xlsx")
    with db.reader() as s:
        preview = read_evaluations(s, tmp_path / "评价.xlsx")
    assert [(e.row, e.column, e.message) for e in preview.errors] == [
        (2, "评价人", "评价人过长（最多50字，现有51字）"),
        (3, "评语", f"评语过长（最多{NOTE_MAX}字，现有{NOTE_MAX + 1}字）"),
    ]
