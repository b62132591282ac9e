"""The standard report tables of DOMAIN.md: headers exactly as DOMAIN.md lists them, figures on fixed data
(tests/report_data.py) worked out by hand, the .xlsx read back, and `chanjiao report … --json`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.db.engine import Database
from app.io.report_xlsx import export_report_tables
from app.services.report_columns import TABLE_COLUMNS, TABLE_HEADERS, TABLE_NAMES
from app.services.report_tables import report_tables
from tests import report_data as data
from tests.cli_run import run_cli
from tests.codes import valid_uscc

D = dt.date
DOMAIN_HEADERS = {  # copied from DOMAIN.md, “Annual evaluation (H第二十二条) and the standard report tables”
    "产学合作": (
        "专业名称", "合作企业名称", "合作企业统一社会信用代码", "合作开始年月", "订单培养人数",
        "共同开发课程数（门）", "共同开发教材数（种）", "支持学校兼职教师数（人）", "接受顶岗实习学生数（人）",
        "对学校捐赠设备总值（万元）", "对学校准捐赠设备总值（万元）", "接受毕业生就业数（人）",
        "学校为企业技术服务年收入（万元）", "学校为企业年培训员工数（人天）", "是否合作开展学徒制",
    ),
    "校外实习实训基地": (
        "基地名称", "依托单位名称", "建立日期", "面向专业", "实习实训项目总数", "接待学生量（人次）",
        "基地使用天数", "接收半年顶岗实习学生数", "是否有住宿条件", "是否发放实习补贴", "学校派指导教师（人次）",
        "接收应届毕业生就业数",
    ),
    "校内实践基地": (
        "基地名称", "设备总值", "当年新增设备值", "社会捐赠设备值", "工位数", "学年使用频率（人时）",
        "社会使用频率（人时）",
    ),
    "访企拓岗": ("走访企业名称", "统一社会信用代码", "拜访时间", "可提供岗位数", "平均薪酬"),
}  # fmt: skip
U1, U3 = valid_uscc(1), valid_uscc(3)

# Worked out by hand from tests/report_data.py (money in fen):
COOPERATION_ROWS = [
    # M1 at E2: S5's placement only (the 学徒制 project is for M2)
    (data.M1, data.E2, None, None, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, False),
    # M1 at E1: 订单 S1, S2; 课程 1; 兼职教师 I2 (I1's appointment ended before); 顶岗 S1, S2; 捐赠 X3 (X1 is of
    # 2024, X4 of the day after); 就业 S1; 技术服务 横向 500,000元 + 12,345.60元; 培训 60 人天
    (data.M1, data.E1, U1, D(2023, 5, 10), 2, 1, 0, 1, 2, 3_000_000, 0, 1, 51_234_560, 60, False),
    # M2 at E2: 兼职教师 I3; 顶岗 S4 (学徒制, not 订单); 准捐赠 X2 (the last day); 就业 S4; 学徒制 project
    (data.M2, data.E2, None, None, 0, 0, 0, 1, 1, 0, 5_000_000, 1, 0, 0, True),
    # 技术咨询 of E2 without a major
    ("未指定专业", data.E2, None, None, 0, 0, 0, 0, 0, 0, 0, 0, 99, 0, False),
]
# B1: one automatic line per semester, S4 1人次 each, 123 + 150 days, 半年 S4 (273 days), mentor 李老师 each
# semester, 2026届 employed at E2: S4. B4 is established the day after the 学年.
OFFSITE_ROWS = [(data.B1, data.E2, D(2024, 9, 1), data.M2, 2, 2, 273, 1, True, False, 2, 1)]
# B2: X1 20,000,000 + X3 3,000,000 + X6 2,000,000 (disposed the day after); new X3; 捐赠 X1 + X3.
# B3 (longest name match): X2 5,000,000, new, 准捐赠 only. 人时: no data.
ONSITE_ROWS = [
    (data.B2, 25_000_000, 3_000_000, 23_000_000, 40, None, None),
    (data.B3, 5_000_000, 5_000_000, 0, 12, None, None),
]
VISIT_ROWS = [
    (data.E1, U1, D(2025, 9, 1), 5, 600_000),
    (data.E1, U1, D(2026, 8, 31), None, None),  # a visit of two enterprises: not split
    (data.E3, U3, D(2026, 8, 31), None, None),
]


@pytest.fixture
def filled(db: Database) -> dict[str, str]:
    return data.fill(db)


def test_headers_are_exactly_domains() -> None:
    assert TABLE_NAMES == tuple(DOMAIN_HEADERS)
    assert TABLE_HEADERS == DOMAIN_HEADERS
    for name, columns in TABLE_COLUMNS.items():
        assert all(c.definition.strip() for c in columns), name
        assert {c.kind for c in columns} <= {"text", "date", "month", "int", "wan", "yuan", "bool"}


def test_figures(db: Database, filled: dict[str, str]) -> None:
    with db.reader() as s:
        tables = report_tables(s, data.YEAR)
    assert (tables.first_day, tables.last_day) == (D(2025, 9, 1), D(2026, 8, 31))
    assert [t.name for t in tables.tables] == list(TABLE_NAMES)
    coop = tables.table("产学合作")
    assert coop.headers == DOMAIN_HEADERS["产学合作"]
    assert list(coop.rows) == COOPERATION_ROWS
    assert coop.keys[1] == (filled[data.M1], filled[data.E1]) and coop.keys[3] == (None, filled[data.E2])
    assert list(tables.table("校外实习实训基地").rows) == OFFSITE_ROWS
    assert tables.table("校外实习实训基地").keys == ((filled[data.B1],),)
    assert list(tables.table("校内实践基地").rows) == ONSITE_ROWS
    assert list(tables.table("访企拓岗").rows) == VISIT_ROWS


def test_columns_without_data_say_so(db: Database, filled: dict[str, str]) -> None:
    with db.reader() as s:
        onsite = report_tables(s, data.YEAR).table("校内实践基地")
    for col in (5, 6):
        assert all(row[col] is None for row in onsite.rows)
        assert "留空" in onsite.definitions[col]


def test_cooperation_matches_the_five_figures_of_outcomes(db: Database, filled: dict[str, str]) -> None:
    from app.services.outcomes import cooperation_figures

    with db.reader() as s:
        rows = report_tables(s, data.YEAR).table("产学合作").rows
        figures = cooperation_figures(s, data.YEAR)
    columns = (5, 6, 7, 12, 13)
    table_totals = [sum(r[c] for r in rows) for c in columns]
    outcome_totals = [
        sum(getattr(f, name) for f in figures.by_major)
        for name in (
            "courses",
            "textbooks",
            "industry_teachers",
            "service_income_fen",
            "training_person_days",
        )
    ]
    assert table_totals == outcome_totals


def test_xlsx_reads_back(db: Database, filled: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "out" / "标准报表.xlsx"
    with db.reader() as s:
        result = export_report_tables(s, data.YEAR, path)
    assert result.rows == {"产学合作": 4, "校外实习实训基地": 1, "校内实践基地": 2, "访企拓岗": 3}
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # atomic: nothing left beside it
    wb = load_workbook(path)
    assert wb.sheetnames == [*TABLE_NAMES, "说明"]
    for name in TABLE_NAMES:
        ws = wb[name]
        assert next(ws.iter_rows(max_row=1, values_only=True)) == DOMAIN_HEADERS[name]
        assert ws["A1"].font.bold and ws.freeze_panes == "A2"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
    ws = wb["产学合作"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0][1] == data.E2
    assert ws["B2"].data_type == "s" and ws["B2"].quotePrefix  # "=…" stays text, never a formula
    assert rows[1][3] == dt.datetime(2023, 5, 10) and ws["D3"].number_format == "yyyy-mm"
    assert rows[1][9] == 3 and rows[1][12] == 51.2346  # 30,000元; 512,345.60元 to 4 decimals
    assert ws["J3"].number_format == "0.0000" and ws["M3"].number_format == "0.0000"
    assert rows[2][14] == "是" and rows[1][14] == "否"
    assert rows[3][0] == "未指定专业" and rows[3][12] == 0.0001  # 0.99元
    ws = wb["校外实习实训基地"]
    assert list(ws.iter_rows(min_row=2, values_only=True))[0] == (
        data.B1, data.E2, dt.datetime(2024, 9, 1), data.M2, 2, 2, 273, 1, "是", "否", 2, 1,
    )  # fmt: skip
    assert ws["C2"].number_format == "yyyy-mm-dd"
    ws = wb["校内实践基地"]
    assert list(ws.iter_rows(min_row=2, values_only=True)) == [
        (data.B2, 25, 3, 23, 40, None, None),
        (data.B3, 5, 5, 0, 12, None, None),
    ]
    ws = wb["访企拓岗"]
    assert list(ws.iter_rows(min_row=2, values_only=True))[0] == (
        data.E1,
        U1,
        dt.datetime(2025, 9, 1),
        5,
        6000,
    )
    notes = list(wb["说明"].iter_rows(values_only=True))
    assert notes[0][1:3] == (dt.datetime(2025, 9, 1), dt.datetime(2026, 8, 31))
    assert sum(1 for r in notes if r[0] in TABLE_NAMES) == sum(len(h) for h in DOMAIN_HEADERS.values())


def test_cli(db: Database, filled: dict[str, str], db_path: Path, tmp_path: Path) -> None:
    db.close()
    out = run_cli("--db", str(db_path), "report", "indicators", "--year", data.YEAR, "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert (got["school_year"], got["first_day"], got["last_day"]) == (data.YEAR, "2025-09-01", "2026-08-31")
    by_key = {i["key"]: i for i in got["indicators"]}
    assert by_key["interns"]["value"] == 4 and by_key["interns"]["record_type"] == "student"
    assert by_key["employment_rate"]["numerator"] == 4 and by_key["employment_rate"]["denominator"] == 5
    assert by_key["equipment_value_fen"]["value"] == 30_000_000
    assert all(i["definition"] for i in got["indicators"])

    path = tmp_path / "表.xlsx"
    out = run_cli("--db", str(db_path), "report", "tables", "--year", data.YEAR, "--out", str(path), "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert [t["name"] for t in got["tables"]] == list(TABLE_NAMES)
    coop = got["tables"][0]
    assert [c["header"] for c in coop["columns"]] == list(DOMAIN_HEADERS["产学合作"])
    assert coop["rows"][1][:4] == [data.M1, data.E1, U1, "2023-05-10"]
    assert coop["rows"][1][12] == 51_234_560  # fen
    assert path.exists()

    out = run_cli("--db", str(db_path), "report", "indicators", "--year", data.YEAR)
    assert out.returncode == 0 and "岗位实习学生数：4人" in out.stdout and "口径：" in out.stdout
    out = run_cli("--db", str(db_path), "report", "tables", "--year", "2025", "--out", str(path))
    assert out.returncode == 2 and "学年" in out.stderr


def test_a_placement_at_a_base_counts_for_the_bases_enterprise(db: Database, filled: dict[str, str]) -> None:
    from app.services.evaluation import annual_indicators
    from app.services.internships import InternshipData, create_internship, set_status
    from app.services.students import StudentData, create_student

    with db.session() as s:
        sid = create_student(
            s, StudentData("20230008", "学生8", major_id=filled[data.M2], entry_year=2023)
        ).ids[0]
        placed = InternshipData(sid, D(2026, 3, 1), D(2026, 4, 30), base_id=filled[data.B1])  # no enterprise
        set_status(s, create_internship(s, placed).ids, "协议已签")
    with db.reader() as s:
        rows = report_tables(s, data.YEAR).table("产学合作").rows
        order = next(i for i in annual_indicators(s, data.YEAR) if i.key == "order_students")
    assert rows[2][:2] == (data.M2, data.E2) and rows[2][8] == 2  # S4 and S8 at B1's enterprise E2
    assert order.value == 4  # S8 too: E2's 学徒制 project covers M2
