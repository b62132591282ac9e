"""经费: budgets, the ledger (validation, running balance, overspend marked but saved), the summary exact to the
fen (hypothesis), reminders on fixed dates, 回收站, the CLI (real SQLite)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from app import trash
from app.db.engine import Database
from app.db.models import AuditLog, Budget, BudgetCategory, LedgerEntry
from app.errors import AppError, ValidationError, ValidationErrors
from app.services.funds import (
    BudgetData,
    LedgerData,
    LedgerQuery,
    add_budget_category,
    budget_categories,
    budget_rows,
    budget_summary,
    count_ledger_entries,
    create_budget,
    create_ledger_entry,
    delete_budgets,
    delete_ledger_entries,
    get_ledger_entry,
    ledger_index,
    ledger_rows,
    ledger_years,
    rename_budget_category,
    update_budget,
    update_ledger_entry,
)
from app.services.projects import ProjectData, create_project, delete_projects
from tests.cli_run import run_cli
from tests.findings import kind_label, reminders, target_of

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def setup(db: Database) -> dict[str, str]:
    with db.session() as s:
        cats = {c.name: c.id for c in budget_categories(s)}
        p1 = create_project(s, ProjectData(name="智能制造订单班", kind="订单培养", leader="王强")).ids[0]
        p2 = create_project(s, ProjectData(name="现代产业学院", kind="现代产业学院", leader="李芳")).ids[0]
    return {"p1": p1, "p2": p2, **cats}


def expense(pid: str, cid: str | None, fen: int, day: dt.date = dt.date(2026, 3, 1), **kw) -> LedgerData:
    return LedgerData(day, "支出", fen, pid, cid, **kw)


def income(pid: str, fen: int, day: dt.date = dt.date(2026, 1, 10)) -> LedgerData:
    return LedgerData(day, "收入", fen, pid, None, summary="专项经费拨款")


def fields(exc: ValidationErrors) -> dict[str, str]:
    return {e.field: e.message for e in exc.errors}


# ---------------------------------------------------------------- categories and budgets


def test_seeded_categories_and_user_categories(db: Database) -> None:
    with db.session() as s:
        names = [c.name for c in budget_categories(s)]
        assert names == ["设备", "材料", "差旅", "劳务", "培训", "会议", "其他"]
        new = add_budget_category(s, " 专利申请 ").ids[0]
        with pytest.raises(ValidationError, match="已存在"):
            add_budget_category(s, "设备")
        with pytest.raises(ValidationError, match="不能为空"):
            add_budget_category(s, "  ")
        rename_budget_category(s, new, "知识产权")
        assert [c.name for c in budget_categories(s)][-1] == "知识产权"
    with db.reader() as s:  # the seeded ids are the same in every database
        ids = s.scalars(select(BudgetCategory.id).where(BudgetCategory.name == "设备")).all()
        assert ids == ["7279d994-7d52-5aa5-a933-b92007b5ba75"]


def test_budget_validation_and_duplicates(db: Database, setup: dict[str, str]) -> None:
    with db.session() as s:
        with pytest.raises(ValidationErrors) as exc:
            create_budget(s, BudgetData(1999, "", "", -5))
        assert fields(exc.value) == {
            "year": "年度应为2000–2100之间的年份",
            "project_id": "请选择项目",
            "category_id": "请选择经费类别",
            "amount_fen": "预算金额不能为负数",
        }
        with pytest.raises(ValidationErrors, match="整数"):
            create_budget(s, BudgetData(2026, setup["p1"], setup["设备"], 12.5))  # type: ignore[arg-type]
        bid = create_budget(s, BudgetData(2026, setup["p1"], setup["设备"], 5_000_000)).ids[0]
        with pytest.raises(ValidationErrors, match="已有“设备”预算"):
            create_budget(s, BudgetData(2026, setup["p1"], setup["设备"], 1))
        update_budget(s, bid, BudgetData(2026, setup["p1"], setup["设备"], 6_000_000, " 追加 "))
        create_budget(s, BudgetData(2027, setup["p1"], setup["设备"], 1))  # another year is another line
        rows = budget_rows(s, year=2026)
    assert [(r.project_name, r.category_name, r.amount_fen, r.note) for r in rows] == [
        ("智能制造订单班", "设备", 6_000_000, "追加")
    ]


# ---------------------------------------------------------------- ledger entries


def test_ledger_validation_names_the_field(db: Database, setup: dict[str, str]) -> None:
    with db.session() as s, pytest.raises(ValidationErrors) as exc:
        create_ledger_entry(s, LedgerData(None, "借方", 0, "", "不存在", voucher_no="记" * 51))
    assert fields(exc.value) == {
        "entry_date": "请填写记账日期",
        "direction": "收支方向应为“收入”或“支出”",
        "amount_fen": "金额须大于0",
        "project_id": "请选择项目",
        "category_id": "所选经费类别不存在",
        "voucher_no": "凭证号过长（最多50字）",
    }
    with db.session() as s:
        with pytest.raises(ValidationErrors, match="金额须大于0"):
            create_ledger_entry(s, expense(setup["p1"], None, -100))
        with pytest.raises(ValidationErrors, match="金额应为整数"):
            create_ledger_entry(s, expense(setup["p1"], None, 1.5))  # type: ignore[arg-type]
        delete_projects(s, [setup["p2"]])
        with pytest.raises(ValidationErrors, match="已在回收站中"):
            create_ledger_entry(s, expense(setup["p2"], None, 100))


def test_entry_saved_year_from_date_and_audited(db: Database, setup: dict[str, str]) -> None:
    with db.session() as s:
        eid = create_ledger_entry(
            s,
            expense(setup["p1"], setup["材料"], 123_456, voucher_no=" 记-03-0001 ", counterparty="某五金店"),
        ).ids[0]
        update_ledger_entry(s, eid, expense(setup["p1"], setup["材料"], 123_457, dt.date(2025, 12, 31)))
    with db.reader() as s:
        d = get_ledger_entry(s, eid)
        assert d.year == 2025 and d.amount_fen == 123_457 and d.voucher_no == ""
        actions = s.scalars(
            select(AuditLog.action).where(AuditLog.record_id == eid).order_by(AuditLog.at)
        ).all()
    assert actions == ["insert", "update"]


def test_overspend_is_saved_warned_and_marked(db: Database, setup: dict[str, str]) -> None:
    p1, equip = setup["p1"], setup["设备"]
    with db.session() as s:
        create_budget(s, BudgetData(2026, p1, equip, 1_000_000))  # ¥10,000.00
        first = create_ledger_entry(s, expense(p1, equip, 600_000))
        assert first.warnings == ()
        exact = create_ledger_entry(s, expense(p1, equip, 400_000))  # exactly used up: not over
        assert exact.warnings == ()
        over = create_ledger_entry(s, expense(p1, equip, 1))  # one fen over
    assert over.count == 1 and "超出预算¥0.01" in over.warnings[0] and "已保存" in over.warnings[0]
    with db.reader() as s:
        rows = ledger_rows(s, ledger_index(s).ids)
        assert all(r.overspent for r in rows.values())  # every expense of the line is marked
        assert {r.over_fen for r in rows.values()} == {1}  # by how much the line is over, on each row
        line = budget_summary(s, 2026).lines[0]
    assert (line.budget_fen, line.spent_fen, line.remaining_fen, line.overspent) == (
        1_000_000,
        1_000_001,
        -1,
        True,
    )
    assert line.percent_used == pytest.approx(100.0001)


def test_income_is_never_marked(db: Database, setup: dict[str, str]) -> None:
    with db.session() as s:
        create_ledger_entry(s, income(setup["p1"], 500))
        create_ledger_entry(s, expense(setup["p1"], setup["差旅"], 500))  # no budget at all: over
    with db.reader() as s:
        rows = ledger_rows(s, ledger_index(s).ids)
    assert sorted((r.direction, r.overspent, r.category_name, r.over_fen) for r in rows.values()) == [
        ("支出", True, "差旅", 500),
        ("收入", False, "未分类", 0),
    ]


# ---------------------------------------------------------------- the list and its running balance


def test_running_balance_filters_and_opening(db: Database, setup: dict[str, str]) -> None:
    p1, p2, mat = setup["p1"], setup["p2"], setup["材料"]
    with db.session() as s:
        create_ledger_entry(s, income(p1, 100_000, dt.date(2025, 5, 1)))
        create_ledger_entry(s, expense(p1, mat, 30_000, dt.date(2025, 6, 1)))
        create_ledger_entry(s, income(p1, 50_000, dt.date(2026, 1, 10)))
        create_ledger_entry(s, expense(p1, mat, 20_000, dt.date(2026, 2, 1), voucher_no="记-02-0002"))
        create_ledger_entry(s, expense(p1, mat, 5_000, dt.date(2026, 2, 1), voucher_no="记-02-0001"))
        create_ledger_entry(s, expense(p2, mat, 7_000, dt.date(2026, 3, 1), summary="购买耗材"))
        gone = create_ledger_entry(s, expense(p1, mat, 99_999, dt.date(2026, 4, 1))).ids[0]
        delete_ledger_entries(s, [gone])
    with db.reader() as s:
        whole = ledger_index(s)
        assert whole.balances == [100_000, 70_000, 120_000, 115_000, 95_000, 88_000]
        rows = ledger_rows(s, whole.ids)
        assert [rows[i].voucher_no for i in whole.ids[3:5]] == ["记-02-0001", "记-02-0002"]  # same day
        year = ledger_index(s, LedgerQuery(year=2026, project_id=p1))
        assert year.opening_fen == 70_000 and year.balances == [120_000, 115_000, 95_000]
        newest = ledger_index(s, LedgerQuery(year=2026, project_id=p1, descending=True))
        assert newest.ids == year.ids[::-1] and newest.balances == year.balances[::-1]
        assert ledger_index(s, LedgerQuery(direction="收入")).balances == [100_000, 150_000]
        assert len(ledger_index(s, LedgerQuery(category_id=mat)).ids) == 4
        assert [rows[i].project_name for i in ledger_index(s, LedgerQuery(text="耗材")).ids] == [
            "现代产业学院"
        ]
        assert count_ledger_entries(s, LedgerQuery(year=2026)) == 4
        assert ledger_years(s) == [2026, 2025]
    with db.session() as s:  # a project in the 回收站 takes its entries out of the list and the summary
        delete_projects(s, [p2])
    with db.reader() as s:
        assert ledger_index(s).balances[-1] == 95_000
        assert budget_summary(s).total_expense_fen == 55_000


def test_ledger_list_over_100k_entries_is_ids_first(db: Database, setup: dict[str, str]) -> None:
    """100,000 entries: the index is one query, a page of rows a few."""
    import time

    from sqlalchemy import insert

    from app.db.base import new_id, utcnow

    stamp = utcnow()
    rows = [
        {"id": new_id(), "entry_date": dt.date(2020, 1, 1) + dt.timedelta(days=i // 50), "year": 0,
         "direction": "收入" if i % 10 == 0 else "支出", "amount_fen": 100 + i % 997, "voucher_no": "",
         "counterparty": "", "summary": "", "project_id": setup["p1"], "category_id": setup["材料"], "note": "",
         "created_at": stamp, "updated_at": stamp, "deleted_at": None}
        for i in range(100_000)
    ]  # fmt: skip
    for r in rows:
        r["year"] = r["entry_date"].year
    with db.session() as s:
        s.execute(insert(LedgerEntry.__table__), rows)
    expected = sum(r["amount_fen"] * (1 if r["direction"] == "收入" else -1) for r in rows)
    with db.reader() as s:
        t = time.perf_counter()
        index = ledger_index(s)
        page = ledger_rows(s, index.ids[50_000:50_200])
        elapsed = time.perf_counter() - t
        summary = budget_summary(s)
    assert len(index.ids) == 100_000 and index.balances[-1] == expected and len(page) == 200
    assert summary.total_income_fen - summary.total_expense_fen == expected
    assert elapsed < 5, elapsed


# ---------------------------------------------------------------- the summary: exact to the fen

entry = st.tuples(
    st.sampled_from(["收入", "支出"]),
    st.integers(min_value=1, max_value=10**11),
    st.integers(min_value=0, max_value=1),  # project
    st.sampled_from(["设备", "材料", None]),
    st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(entry, max_size=30), budget=st.integers(min_value=0, max_value=10**9))
def test_summary_totals_equal_the_entries(
    db: Database, setup: dict[str, str], entries: list[tuple], budget: int
) -> None:
    projects = [setup["p1"], setup["p2"]]
    with db.session() as s:
        s.execute(delete(LedgerEntry))
        s.execute(delete(Budget))
        create_budget(s, BudgetData(2026, setup["p1"], setup["设备"], budget))
        for direction, fen, p, cat, day in entries:
            create_ledger_entry(s, LedgerData(day, direction, fen, projects[p], setup[cat] if cat else None))
    income_fen = sum(e[1] for e in entries if e[0] == "收入")
    expense_fen = sum(e[1] for e in entries if e[0] == "支出")
    with db.reader() as s:
        whole = budget_summary(s)
        by_year = [budget_summary(s, y) for y in (2025, 2026)]
        balance = ledger_index(s).balances
    assert (whole.total_income_fen, whole.total_expense_fen, whole.total_budget_fen) == (
        income_fen,
        expense_fen,
        budget,
    )
    assert sum(x.total_income_fen for x in by_year) == income_fen
    assert sum(x.total_expense_fen for x in by_year) == expense_fen
    assert sum(line.spent_fen for line in whole.lines) == expense_fen
    assert all(line.remaining_fen == line.budget_fen - line.spent_fen for line in whole.lines)
    assert (balance[-1] if balance else 0) == income_fen - expense_fen


# ---------------------------------------------------------------- reminders (H第十五条)


def test_overspent_reminders_this_year_and_last(db: Database, setup: dict[str, str]) -> None:
    p1, p2, equip, travel = setup["p1"], setup["p2"], setup["设备"], setup["差旅"]
    with db.session() as s:
        bid = create_budget(s, BudgetData(2026, p1, equip, 100_000)).ids[0]
        create_ledger_entry(s, expense(p1, equip, 100_001, dt.date(2026, 9, 3)))
        create_budget(s, BudgetData(2026, p2, equip, 100_000))
        create_ledger_entry(s, expense(p2, equip, 100_000))  # used up exactly: no reminder
        create_ledger_entry(s, expense(p2, travel, 2_500, dt.date(2025, 7, 1)))  # last year, no budget
        create_ledger_entry(s, expense(p1, travel, 2_500, dt.date(2024, 7, 1)))  # too old to remind
    with db.reader() as s:
        found = [r for r in reminders(s, TODAY) if r.rule == "FUND-OVERSPENT"]
        assert [(r.record_type, r.title, r.due) for r in found] == [  # the longest overdue first
            ("project", "现代产业学院：2025年度差旅", dt.date(2025, 7, 1)),
            ("budget", "智能制造订单班：2026年度设备", dt.date(2026, 9, 3)),
        ]
        unbudgeted, over = found
        assert over.record_id == bid and over.source == "H第十五条"
        assert over.message == "支出¥1,000.01，预算¥1,000.00，超出¥0.01"
        assert unbudgeted.message == "支出¥25.00，未编制预算，超出¥25.00"
        assert target_of(s, over).record_type == "budget"
        assert (target_of(s, unbudgeted).record_id, target_of(s, unbudgeted).tab) == (p2, "funds")
    assert kind_label("FUND-OVERSPENT") == "经费超预算"


# ---------------------------------------------------------------- 回收站


def test_trash_restore_and_purge(db: Database, setup: dict[str, str]) -> None:
    p1, equip = setup["p1"], setup["设备"]
    with db.session() as s:
        bid = create_budget(s, BudgetData(2026, p1, equip, 100_000)).ids[0]
        eid = create_ledger_entry(s, expense(p1, equip, 5_000, summary="购置示波器")).ids[0]
        delete_budgets(s, [bid])
        delete_ledger_entries(s, [eid])
    with db.reader() as s:
        counts = trash.trash_counts(s)
        assert counts["ledger_entry"] == 1 and counts["budget"] == 1
        (row,) = trash.trash_rows(s, "ledger_entry")
        assert row.title == "2026-03-01 支出 ¥50.00 购置示波器" and "智能制造订单班" in row.detail
        assert trash.trash_rows(s, "budget")[0].title == "智能制造订单班 2026年度 设备预算"
    with db.session() as s:
        trash.restore_items(s, "ledger_entry", [eid])
    with db.reader() as s:
        assert budget_summary(s).total_expense_fen == 5_000 and budget_summary(s).total_budget_fen == 0
    with db.session() as s:  # a project with fund records stays in the 回收站
        delete_projects(s, [p1])
        with pytest.raises(AppError, match="条经费预算引用"):
            trash.purge_items(s, "project", [p1])
    with db.session() as s:
        trash.purge_items(s, "budget", [bid])
        delete_ledger_entries(s, [eid])
        trash.purge_items(s, "ledger_entry", [eid])
        assert trash.purge_items(s, "project", [p1]).ids == (p1,)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 0


# ---------------------------------------------------------------- CLI


def test_cli_funds_summary_json(db: Database, db_path: Path, setup: dict[str, str]) -> None:
    p1, equip = setup["p1"], setup["设备"]
    with db.session() as s:
        create_budget(s, BudgetData(2026, p1, equip, 1_000_000))
        create_ledger_entry(s, expense(p1, equip, 1_234_56))
        create_ledger_entry(s, income(p1, 2_000_000))
        create_ledger_entry(s, expense(p1, equip, 99, dt.date(2025, 1, 2)))
    db.close()
    out = run_cli("funds", "summary", "--db", str(db_path), "--year", "2026", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["total_income_fen"] == 2_000_000 and data["total_expense_fen"] == 123_456
    assert data["year"] == 2026 and data["total_budget_fen"] == 1_000_000
    line = next(x for x in data["lines"] if x["category"] == "设备")
    assert {k: line[k] for k in ("project", "budget_fen", "spent_fen", "remaining_fen", "overspent")} == {
        "project": "智能制造订单班",
        "budget_fen": 1_000_000,
        "spent_fen": 123_456,
        "remaining_fen": 876_544,
        "overspent": False,
    }
    everything = json.loads(run_cli("funds", "summary", "--db", str(db_path), "--json").stdout)
    assert everything["year"] is None and everything["total_expense_fen"] == 123_555
    text = run_cli("funds", "summary", "--db", str(db_path))
    assert text.returncode == 0 and "合计" in text.stdout
    bad = run_cli("funds", "summary", "--db", str(db_path), "--year", "二〇二六")
    assert bad.returncode == 2


# ---------------------------------------------------------------- demo


def test_bulk_demo_ledger_as_the_service_stores_it(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.demo as demo

    monkeypatch.setitem(demo.SIZES, "large", 2500)
    monkeypatch.setattr(demo, "CHUNK", 1000)
    with db.session() as s:
        counts = demo.fill_demo(s, size="large", today=TODAY)
    with db.reader() as s:
        n = s.scalar(select(func.count()).select_from(LedgerEntry))
        logged = s.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.table_name == "ledger_entry")
        )
        budgets = s.scalar(select(func.count()).select_from(Budget))
        summary = budget_summary(s)
        index = ledger_index(s)
        old = ledger_rows(s, index.ids[:5])
    assert counts["经费台账"] == n == logged > 2500 and counts["经费预算"] == budgets
    assert index.balances[-1] == summary.total_income_fen - summary.total_expense_fen
    assert all(r.entry_date.year == TODAY.year - 11 and r.voucher_no for r in old.values())


def test_invoice_scan_attached_and_purged_with_the_entry(
    db: Database, setup: dict[str, str], tmp_path: Path
) -> None:
    from app.db.models import Attachment
    from app.services.attachments import add_attachment, list_attachments

    scan = tmp_path / "发票扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 invoice")
    with db.session() as s:
        eid = create_ledger_entry(s, expense(setup["p1"], setup["设备"], 9_900)).ids[0]
        add_attachment(s, "ledger_entry", eid, scan, kind="发票")
        assert [a.original_name for a in list_attachments(s, "ledger_entry", eid)] == ["发票扫描件.pdf"]
        delete_ledger_entries(s, [eid])
        trash.purge_items(s, "ledger_entry", [eid])
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
