"""经费台账 ⇄ Excel: the finance office's layouts read from real .xlsx files written here, the import in one
transaction, the print-ready export reopened (print titles, A4 landscape, footer, totals exact to the fen), the
CLI round trip (real SQLite)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, func, select

from app.db.engine import Database, open_database
from app.db.models import AuditLog, LedgerEntry
from app.errors import AppError, Cancelled, ImportFileError
from app.io.importing import ImportPreview
from app.io.ledger_export import FOOTER, MONEY_FORMAT, export_ledger, text_lines
from app.io.ledger_xlsx import import_ledger, read_ledger, write_template
from app.services.funds import LedgerData, budget_categories, budget_summary, create_ledger_entry
from app.services.projects import ProjectData, create_project, delete_projects
from app.services.settings import CollegeProfile, save_profile
from tests.cli_run import run_cli

P1 = "智能制造订单班"
P2 = "现代产业学院"


@pytest.fixture
def setup(db: Database) -> dict[str, str]:
    with db.session() as s:
        save_profile(s, CollegeProfile(school="湖南湘麓职业技术学院", college="机电工程学院"))
        cats = {c.name: c.id for c in budget_categories(s)}
        p1 = create_project(s, ProjectData(name=P1, kind="订单培养", leader="王强")).ids[0]
        p2 = create_project(s, ProjectData(name=P2, kind="现代产业学院", leader="李芳")).ids[0]
    return {"p1": p1, "p2": p2, **cats}


def make_xlsx(path: Path, header: list[str], rows: list[list[object]], *, title: bool = True) -> Path:
    """A sheet as the finance office exports it: a merged title and a line of account details above the header."""
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["项目经费明细账"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(["科目：产教融合专项经费", None, None, "2025年度"])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def read(db: Database, path: Path, **kw: object) -> ImportPreview:
    with db.reader() as s:
        return read_ledger(s, path, **kw)


def do_import(db: Database, path: Path, **kw: object) -> tuple[ImportPreview, tuple[str, ...]]:
    with db.session() as s:
        preview = read_ledger(s, path, **kw)
        changes = import_ledger(s, preview)
    return preview, changes.warnings


def entries(db: Database) -> list[tuple]:
    with db.reader() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(
                    LedgerEntry.entry_date,
                    LedgerEntry.direction,
                    LedgerEntry.amount_fen,
                    LedgerEntry.voucher_no,
                ).order_by(LedgerEntry.entry_date, LedgerEntry.voucher_no)
            )
        ]


def errors(preview: ImportPreview) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in preview.errors]


# ---------------------------------------------------------------- layouts


def test_debit_credit_layout_below_merged_title(db: Database, setup: dict[str, str], tmp_path: Path) -> None:
    """项目经费明细账: 贷方 is money received, 借方 money spent; 余额 is ignored; subtotal rows are skipped."""
    path = make_xlsx(
        tmp_path / "明细账.xlsx",
        ["凭证日期", "凭证字号", "摘要", "借方", "贷方", "余额", "项目名称", "经费类别", "往来单位"],
        [
            [None, None, "上年结转", None, None, 5000, P1, None, None],
            [
                dt.date(2025, 10, 8),
                "记-10-0001",
                "专项经费拨款",
                None,
                100000,
                105000,
                P1,
                None,
                "计划财务处",
            ],
            [dt.datetime(2025, 10, 9), "记-10-0002", "购买耗材", 1234.5, 0, 103765.5, P1, "材料", "五金店"],
            [None, None, "本月合计", 1234.5, 100000, None, None, None, None],
            [None, None, "本年累计", 1234.5, 100000, None, None, None, None],
            ["合计", None, None, 1234.5, 100000, None, None, None, None],
            [dt.date(2025, 11, 2), "记-11-0001", "差旅费", "2,000.00", "-", None, P1, "差旅", None],
        ],
    )
    preview = read(db, path)
    assert preview.header_row == 3
    assert [r.row for r in preview.valid_rows] == [5, 6, 10]
    assert not preview.errors and preview.skipped == 3  # 上年结转, 本月合计, 本年累计 (合计 is a footer)
    d = preview.valid_rows[1].data
    assert (d.direction, d.amount_fen, d.category_id, d.counterparty) == (
        "支出",
        123450,
        setup["材料"],
        "五金店",
    )
    assert preview.valid_rows[0].data.direction == "收入"
    assert (preview.valid_rows[2].data.direction, preview.valid_rows[2].data.amount_fen) == ("支出", 200000)


def test_both_or_neither_amount_is_an_error_naming_the_row(
    db: Database, setup: dict[str, str], tmp_path: Path
) -> None:
    path = make_xlsx(
        tmp_path / "借贷.xlsx",
        ["日期", "凭证号", "摘要", "借方", "贷方"],
        [
            ["2025-10-08", "1", "两边都有", 100, 200],
            ["2025-10-09", "2", "两边都没有", None, "-"],
            ["2025-10-10", "3", "零", 0, 0.0],
            ["2025-10-11", "4", "正常", 88, None],
            ["2025-10-12", "5", "写错", "十元", None],
        ],
        title=False,
    )
    preview = read(db, path, project=P1)
    assert errors(preview) == [
        (2, "贷方、借方", "贷方（¥200.00）和借方（¥100.00）都有金额，一行只能记一笔收入或支出"),
        (3, "贷方、借方", "贷方和借方都没有金额"),
        (4, "贷方、借方", "贷方和借方都没有金额"),
        (6, "借方", "无法识别的金额“十元”"),
    ]
    assert [r.row for r in preview.valid_rows] == [5]
    assert len(preview.rejected_rows) == 4


def test_income_expense_layout_with_text_amounts(db: Database, setup: dict[str, str], tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "收支.xlsx",
        ["记账日期", "凭证号", "摘要", "收入（元）", "支出（元）", "项目", "类别"],
        [
            ["2025/10/08", "记-1", "拨款", "¥1,234.50", None, P1, ""],
            ["2025.11.20", "记-2", "材料", None, "1234元", P1, "材料"],
            ["2025年10月8日", "记-3", "讲课费", None, "1,234.50", P1, "劳务"],
            [45938, "记-4", "序列号日期", None, 1234.4999999, P1, "设备"],  # Excel serial 2025-10-08
            ["2025-10-08", "记-5", "红字冲销", None, "(1,234.50)", P1, "材料"],
            ["2025-10-08", "记-6", "退回", "-1234", None, P1, "其他"],
        ],
    )
    preview = read(db, path)
    assert not preview.errors
    got = [(r.data.entry_date, r.data.direction, r.data.amount_fen) for r in preview.valid_rows]
    day = dt.date(2025, 10, 8)
    assert got == [
        (day, "收入", 123450),
        (dt.date(2025, 11, 20), "支出", 123400),
        (day, "支出", 123450),
        (day, "支出", 123450),
        (day, "收入", 123450),  # a negative 支出 is money back: read as 收入, warned
        (day, "支出", 123400),
    ]
    negative = [w for w in preview.warnings if "红字冲销" in w.message]
    assert [(w.row, w.column) for w in negative] == [(8, "支出（元）"), (9, "收入（元）")]


def test_amount_and_direction_layout(db: Database, setup: dict[str, str], tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "金额方向.xlsx",
        ["日期", "凭证号", "摘要", "金额", "收支", "项目"],
        [
            ["2025-10-08", "1", "拨款", 5000, "收入", P1],
            ["2025-10-09", "2", "材料", "¥300.00", "支", P1],
            ["2025-10-10", "3", "差旅", 200, "借", P1],
            ["2025-10-11", "4", "企业配套", 100, "贷", P1],
            ["2025-10-12", "5", "方向不明", 100, "转账", P1],
            ["2025-10-13", "6", "没有金额", None, "收入", P1],
            ["2025-10-14", "7", "没有方向", 100, None, P1],
        ],
    )
    preview = read(db, path)
    got = [(r.data.direction, r.data.amount_fen) for r in preview.valid_rows]
    assert got == [("收入", 500000), ("支出", 30000), ("支出", 20000), ("收入", 10000)]
    assert errors(preview) == [
        (8, "收支", "收支方向应为“收入”或“支出”，现为“转账”"),
        (9, "金额", "未填写金额（或金额为0）"),
        (10, "收支", "未填写收支方向"),
    ]


def test_file_without_amount_columns_or_project_is_unusable(
    db: Database, setup: dict[str, str], tmp_path: Path
) -> None:
    no_amount = make_xlsx(tmp_path / "无金额.xlsx", ["日期", "摘要", "项目"], [["2025-10-08", "x", P1]])
    with pytest.raises(ImportFileError, match="找不到金额列"):
        read(db, no_amount)
    no_direction = make_xlsx(tmp_path / "无方向.xlsx", ["日期", "金额", "项目"], [["2025-10-08", 1, P1]])
    with pytest.raises(ImportFileError, match="没有“收支”"):
        read(db, no_direction)
    no_project = make_xlsx(tmp_path / "无项目.xlsx", ["日期", "收入", "支出"], [["2025-10-08", 1, None]])
    with pytest.raises(ImportFileError, match="没有“项目”列"):
        read(db, no_project)
    assert len(read(db, no_project, project=P2).valid_rows) == 1
    with pytest.raises(AppError, match="找不到项目“不存在的项目”"):
        read(db, no_project, project="不存在的项目")


def test_dates_unknown_project_and_category(db: Database, setup: dict[str, str], tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "项目.xlsx",
        ["日期", "摘要", "收入", "支出", "项目", "类别"],
        [
            ["2025-02-30", "没有的日子", 1, None, P1, None],
            [None, "没有日期", 1, None, P1, None],
            ["2025-10-08", "未知项目", 1, None, "不存在的项目", None],
            ["2025-10-08", "未知类别", None, 1, f" {P1} ", "办公费"],
            ["2025-10-08", "未分类", None, 1, P2, "未分类"],
            ["2025-10-08", "没项目", None, 1, None, None],
        ],
    )
    preview = read(db, path)
    assert errors(preview) == [
        (4, "日期", "日期“2025-02-30”不存在"),
        (5, "日期", "未填写日期"),
        (6, "项目", "找不到项目“不存在的项目”，请先在“项目”中建立，或核对名称"),
        (9, "项目", "未填写项目"),
    ]
    other, none = preview.valid_rows
    assert other.data.category_id == setup["其他"] and other.data.project_id == setup["p1"]
    assert [(w.column, w.message) for w in other.warnings] == [("类别", "没有经费类别“办公费”，已归入“其他”")]
    assert none.data.category_id is None and not none.warnings


def test_project_for_the_whole_file_overrides_the_column(
    db: Database, setup: dict[str, str], tmp_path: Path
) -> None:
    path = make_xlsx(
        tmp_path / "p.xlsx",
        ["日期", "收入", "支出", "项目"],
        [["2025-10-08", 1, None, P1], ["2025-10-09", 2, None, None]],
    )
    preview = read(db, path, project=setup["p2"])  # by id
    assert {r.data.project_id for r in preview.valid_rows} == {setup["p2"]}
    assert [w.message for w in preview.warnings] == [f"本行项目为“{P1}”，已按指定的项目“{P2}”导入"]


def test_import_one_transaction_audited_and_duplicates_skipped(
    db: Database, setup: dict[str, str], tmp_path: Path
) -> None:
    path = make_xlsx(
        tmp_path / "导入.xlsx",
        ["日期", "凭证号", "摘要", "收入", "支出", "项目", "类别"],
        [
            ["2025-10-08", "记-1", "拨款", 1000, None, P1, None],
            ["2025-10-09", "记-2", "耗材", None, 12.34, P1, "材料"],
            ["2025-10-09", "记-2", "耗材", None, 12.34, P1, "材料"],  # twice in the file: warned, both kept
            ["2025-10-10", "记-3", '+HYPERLINK("x")', None, 5, P1, "材料"],
        ],
    )
    preview, warnings = do_import(db, path)
    assert len(preview.valid_rows) == 4
    assert any("与第5行" in w for w in warnings)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 4
        assert (
            s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.table_name == "ledger_entry"))
            == 4
        )
        assert (
            s.scalar(select(LedgerEntry.summary).where(LedgerEntry.voucher_no == "记-3")) == '+HYPERLINK("x")'
        )
        assert budget_summary(s).total_expense_fen == 1234 * 2 + 500
    again = read(db, path)
    assert not again.valid_rows and len(again.warnings) == 4 and not again.rejected_rows
    assert all("已跳过" in w.message for w in again.warnings)
    kept = read(db, path, keep_duplicates=True)
    assert len(kept.valid_rows) == 4
    with db.session() as s:
        import_ledger(s, kept)
    assert len(entries(db)) == 8


def test_import_refused_when_the_database_changed(
    db: Database, setup: dict[str, str], tmp_path: Path
) -> None:
    path = make_xlsx(tmp_path / "x.xlsx", ["日期", "收入", "支出", "项目"], [["2025-10-08", 1, None, P2]])
    preview = read(db, path)
    with db.session() as s:
        delete_projects(s, [setup["p2"]])
    with (
        pytest.raises(AppError, match="数据已有变化，未导入任何数据：第4行：项目已不存在"),
        db.session() as s,
    ):
        import_ledger(s, preview)
    assert entries(db) == []


def test_cancel_reading(db: Database, setup: dict[str, str], tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "c.xlsx", ["日期", "收入", "支出", "项目"], [["2025-10-08", 1, None, P1]] * 500
    )
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        read(db, path, cancel=cancel)


# ---------------------------------------------------------------- export


def add_entries(db: Database, setup: dict[str, str]) -> None:
    with db.session() as s:
        p1 = setup["p1"]
        create_ledger_entry(
            s, LedgerData(dt.date(2024, 12, 30), "收入", 50_000, p1, None, summary="去年拨款")
        )
        create_ledger_entry(s, LedgerData(dt.date(2025, 1, 10), "收入", 10_000_000, p1, None, "记-01-0001",
                                          "计划财务处", "专项经费拨款"))  # fmt: skip
        create_ledger_entry(s, LedgerData(dt.date(2025, 3, 1), "支出", 123_456, p1, setup["材料"], "记-03-0001",
                                          "=cmd|' /C calc'!A0", "+购买耗材"))  # fmt: skip
        create_ledger_entry(s, LedgerData(dt.date(2025, 3, 2), "支出", 1, p1, setup["材料"], "记-03-0002"))
        create_ledger_entry(s, LedgerData(dt.date(2025, 4, 1), "支出", 99_999, p1, setup["差旅"], "记-04-0001",
                                          "@某航空公司", "-差旅"))  # fmt: skip
        create_ledger_entry(s, LedgerData(dt.date(2025, 5, 1), "支出", 777, setup["p2"], setup["差旅"]))


def data_rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=4, values_only=True)]


def test_export_layout_reopened(db: Database, setup: dict[str, str], tmp_path: Path) -> None:
    add_entries(db, setup)
    path = tmp_path / "台账.xlsx"
    with db.reader() as s:
        result = export_ledger(s, path, year=2025, project_id=setup["p1"])
    assert (result.entries, result.opening_fen) == (4, 50_000)
    ws = load_workbook(path)["经费台账"]
    assert "湖南湘麓职业技术学院 机电工程学院 2025年度产教融合经费台账" == ws["A1"].value
    assert f"项目：{P1}" in ws["A2"].value and "年度：2025" in ws["A2"].value
    assert [c.value for c in ws[3]] == ["日期", "凭证号", "摘要", "对方单位", "类别", "收入", "支出", "余额"]
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddFooter.center.text == FOOTER == "第 &P 页，共 &N 页"
    rows = data_rows(ws)
    assert rows[0][2] == "上年结转" and rows[0][7] == 500
    first = rows[1]
    assert first[0] == dt.datetime(2025, 1, 10) and ws["A5"].number_format == "yyyy-mm-dd"
    assert first[5:] == (100_000, None, 100_500)
    assert ws["F5"].number_format == MONEY_FORMAT == "¥#,##0.00"
    # text that a spreadsheet would run stays text
    assert rows[2][2] == "+购买耗材" and rows[2][3] == "=cmd|' /C calc'!A0" and rows[4][3] == "@某航空公司"
    assert ws["C6"].data_type == "s" and ws["D6"].data_type == "s" and ws["D6"].quotePrefix
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert rows[2][6] == 1234.56 and rows[3][6] == 0.01
    subtotals = {r[4]: (r[5], r[6]) for r in rows if r[0] == "小计"}
    assert subtotals == {"材料": (0, 1234.57), "差旅": (0, 999.99), "未分类": (100_000, 0)}
    total = rows[-1]
    assert total[0] == "合计" and total[5:] == (100_000, 2234.56, 500 + 100_000 - 2234.56)
    assert result.by_category == {"材料": (0, 123_457), "差旅": (0, 99_999), "未分类": (10_000_000, 0)}
    assert (result.income_fen, result.expense_fen, result.closing_fen) == (10_000_000, 223_456, 9_826_544)


def test_export_all_projects_has_a_project_column(
    db: Database, setup: dict[str, str], tmp_path: Path
) -> None:
    add_entries(db, setup)
    path = tmp_path / "全部.xlsx"
    with db.reader() as s:
        result = export_ledger(s, path)
    ws = load_workbook(path).active
    assert [c.value for c in ws[3]][3] == "项目"
    assert result.entries == 6 and ws.cell(row=ws.max_row, column=1).value == "合计"
    assert {r[3] for r in data_rows(ws) if isinstance(r[0], dt.datetime)} == {P1, P2}


def test_export_cancelled_leaves_nothing(db: Database, setup: dict[str, str], tmp_path: Path) -> None:
    add_entries(db, setup)
    cancel = threading.Event()
    cancel.set()
    with db.reader() as s, pytest.raises(Cancelled):
        export_ledger(s, tmp_path / "x.xlsx", cancel=cancel)
    assert list(tmp_path.glob("*.xlsx")) == []


def test_text_lines_errs_high() -> None:
    assert text_lines("记-10-0001", 13) == 1
    assert text_lines("湖南湘麓职业技术学院计划财务处", 36) == 1
    assert text_lines("湖南湘麓职业技术学院计划财务处湖南湘麓职业技术学院计划财务处", 36) == 2


fen = st.integers(min_value=1, max_value=10**11)
entry = st.tuples(st.sampled_from(["收入", "支出"]), fen, st.sampled_from(["设备", "材料", None]))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(entry, min_size=1, max_size=25))
def test_export_totals_equal_the_entries_to_the_fen(
    db: Database, setup: dict[str, str], tmp_path: Path, items: list[tuple]
) -> None:
    with db.session() as s:
        s.execute(delete(LedgerEntry))
        for i, (direction, amount, cat) in enumerate(items):
            day = dt.date(2025, 1, 1) + dt.timedelta(days=i)
            create_ledger_entry(
                s, LedgerData(day, direction, amount, setup["p1"], setup[cat] if cat else None)
            )
    path = tmp_path / "h.xlsx"
    with db.reader() as s:
        export_ledger(s, path, project_id=setup["p1"])
    rows = data_rows(load_workbook(path).active)

    def fen_of(v: object) -> int:
        return 0 if v is None else round(v * 100)  # the cell holds the float nearest fen/100

    income = sum(a for d, a, _ in items if d == "收入")
    expense = sum(a for d, a, _ in items if d == "支出")
    total = rows[-1]
    assert (fen_of(total[5]), fen_of(total[6]), fen_of(total[7])) == (income, expense, income - expense)
    lines = [r for r in rows if isinstance(r[0], dt.datetime)]
    assert sum(fen_of(r[5]) for r in lines) == income and sum(fen_of(r[6]) for r in lines) == expense
    subtotals = [r for r in rows if r[0] == "小计"]
    assert sum(fen_of(r[5]) for r in subtotals) == income and sum(fen_of(r[6]) for r in subtotals) == expense
    assert fen_of(lines[-1][7]) == income - expense


# ---------------------------------------------------------------- template and CLI


def test_template_reads_as_an_empty_ledger(db: Database, setup: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    write_template(path, categories=["设备", "材料"])
    ws = load_workbook(path).active
    assert [c.value for c in ws[2]][:4] == ["日期", "凭证号", "摘要", "对方单位"]
    preview = read(db, path)
    assert preview.header_row == 2 and preview.rows == ()


def test_cli_round_trip(db: Database, db_path: Path, setup: dict[str, str], tmp_path: Path) -> None:
    """export ledger → import into an empty project (another database) → the same sums."""
    add_entries(db, setup)
    db.close()
    out = tmp_path / "导出 台账.xlsx"
    exported = run_cli("export", "ledger", str(out), "--db", str(db_path), "--project", setup["p1"])
    assert exported.returncode == 0, exported.stderr
    other = tmp_path / "新.db"
    assert run_cli("init", "--db", str(other)).returncode == 0
    target = open_database(other)
    with target.session() as s:
        create_project(s, ProjectData(name="新项目", kind="订单培养", leader="张三"))
    target.close()
    dry = run_cli(
        "import", "ledger", str(out), "--db", str(other), "--project", "新项目", "--dry-run", "--json"
    )
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    shape = {"file", "header_row", "valid", "imported", "rejected", "errors", "warnings", "hidden_rows"}
    assert set(report) == shape | {"notices"}
    assert (report["valid"], report["imported"], report["rejected"]) == (5, 0, 0)
    done = run_cli("import", "ledger", str(out), "--db", str(other), "--project", "新项目", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["imported"] == 5
    target = open_database(other)
    with target.reader() as s:
        got = budget_summary(s)
    target.close()
    assert (got.total_income_fen, got.total_expense_fen) == (10_050_000, 223_456)
    again = run_cli("import", "ledger", str(out), "--db", str(other), "--project", "新项目", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["imported"] == 0  # all duplicates: skipped
    missing = run_cli("import", "ledger", str(out), "--db", str(other), "--json")
    assert missing.returncode == 2 and "--project" in missing.stderr
    tpl = tmp_path / "模板.xlsx"
    assert run_cli("template", "ledger", str(tpl)).returncode == 0 and tpl.stat().st_size > 0


def test_ledger_options_are_refused_for_other_tables_and_years_are_checked(
    db_path: Path, tmp_path: Path
) -> None:
    assert run_cli("init", "--db", str(db_path)).returncode == 0
    wrong = run_cli(
        "import", "enterprises", str(tmp_path / "名单.xlsx"), "--db", str(db_path), "--project", "X"
    )
    assert wrong.returncode == 2 and "--project 只用于 ledger" in (wrong.stdout + wrong.stderr)
    year = run_cli("export", "ledger", str(tmp_path / "台账.xlsx"), "--db", str(db_path), "--year", "26")
    assert year.returncode == 2 and "四位年份" in year.stderr
    assert not (tmp_path / "台账.xlsx").exists()
