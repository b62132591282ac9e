"""The standard report tables of DOMAIN.md: headers exactly as DOMAIN.md lists them, figures on fixed data
(tests/report_data.py) worked out by hand, the .xlsx read back, and `chanjiao report … --json`."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.db.engine import Database
from app.io.report_xlsx import export_report_tables
from app.reporting.columns import (
    TABLE_COLUMNS,
    TABLE_HEADERS,
    TABLE_KEYS,
    TABLE_NAMES,
    WAN_DECIMALS,
    wan_value,
)
from app.reporting.tables import report_tables
from tests import report_data as data
from tests.cli_run import run_cli
from tests.codes import valid_uscc

D = dt.date
DOMAIN_HEADERS = {  # copied by hand from DOMAIN.md, “Annual evaluation (H第二十二条) and the standard report tables”
    "产学合作（按专业）": (
        "专业代码", "专业名称", "产学合作企业总数（个）", "订单培养数（人）", "共同开发课程数（门）",
        "共同开发教材数（种）", "支持学校兼职教师数（人）", "接受顶岗实习学生数（人）", "对学校捐赠设备总值（万元）",
        "对学校准捐赠设备总值（万元）", "接受毕业生就业数（人）", "学校为企业技术服务年收入（万元）",
        "学校为企业年培训员工数（人天）",
    ),
    "产学合作": (
        "专业代码", "专业名称", "合作企业名称", "合作企业统一社会信用代码", "合作开始年月", "订单培养人数",
        "共同开发课程门数", "共同开发教材数", "支持学校兼职教师数", "接受顶岗实习学生数", "接受毕业生就业数",
        "学校为企业技术服务年收入（万元）", "对学校捐赠设备总值（万元）", "对学校准捐赠设备总值（万元）",
        "学校为企业年培训员工数（人天）", "是否合作开展学徒制",
    ),
    "校外实习实训基地": (
        "基地名称", "依托单位名称", "依托单位在岗职工总数", "建立日期", "面向专业总数", "主要专业",
        "实习实训项目总数", "主要项目（全称）", "接待学生量（人次）", "基地使用天数", "接收半年顶岗实习学生数",
        "是否有住宿条件", "基地是否发放学生实习补贴", "学校向基地支付专项实习经费（元/生）",
        "学校派指导教师/学生管理人员（人次）", "接收应届毕业生就业数",
    ),
    "校内实践基地": (
        "基地名称", "面向专业", "学年内基地使用时间", "设备总值（万元）", "当年新增设备值（万元）",
        "自主研制设备值（万元）", "社会捐赠设备值（万元）", "社会准捐赠设备值（万元）", "设备总数（台套）",
        "大型设备数（台套）", "实训项目个数", "主要实训项目名称", "学年使用频率·校内（人时）",
        "学年使用频率·社会（人时）", "工位数（个）", "原材料（耗材）费用（万元）", "设备维护费用（万元）",
        "专职管理人员（名）", "兼职管理人员（名）",
    ),
    "访企拓岗": (
        "走访企业名称", "走访企业统一社会信用代码", "需求专业代码", "需求专业名称", "需求专业层次", "可提供岗位数",
        "平均薪酬（元）", "牵头拜访人", "职务", "拜访时间", "企业接待人姓名", "接待人职务", "访谈成果主要形式",
        "接受实习生专业代码", "接受实习生专业名称", "接受实习生专业层次", "接受实习生人数", "接受实习报酬（元）",
        "接受学生就业专业代码", "接受学生就业专业名称", "接受学生就业专业层次", "接受学生就业人数",
        "接受学生就业起薪线（元/月）", "其他达成意向的合作",
    ),
}  # fmt: skip
U1, U3 = valid_uscc(1), valid_uscc(3)
C1, C2 = data.C1, data.C2

# Worked out by hand from tests/report_data.py (money in fen):
COOPERATION_ROWS = [
    # M1 at E2: S5's placement only (the 学徒制 project is for M2)
    (C1, data.M1, data.E2, None, None, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, False),
    # M1 at E1: 订单 S1, S2; 课程 1; 兼职教师 I2 (I1's appointment ended before); 顶岗 S1, S2; 就业 S1; 技术服务
    # 横向 500,000元 + 12,345.60元; 捐赠 X3 (X1 is of 2024, X4 of the day after); 培训 60 人天
    (C1, data.M1, data.E1, U1, D(2023, 5, 10), 2, 1, 0, 1, 2, 1, 51_234_560, 3_000_000, 0, 60, False),
    # M2 at E2: 兼职教师 I3; 顶岗 S4 (学徒制, not 订单); 就业 S4; 准捐赠 X2 (the last day); 学徒制 project
    (C2, data.M2, data.E2, None, None, 0, 0, 0, 1, 1, 1, 0, 0, 5_000_000, 0, True),
    # 技术咨询 of E2 without a major
    (None, "未指定专业", data.E2, None, None, 0, 0, 0, 0, 0, 0, 99, 0, 0, 0, False),
]
# The same per major: M1 with E2 and E1 (顶岗 S1, S2, S5), M2 with E2, and the row without a major.
BY_MAJOR_ROWS = [
    (C1, data.M1, 2, 2, 1, 0, 1, 3, 3_000_000, 0, 1, 51_234_560, 60),
    (C2, data.M2, 1, 0, 0, 0, 1, 1, 0, 5_000_000, 1, 0, 0),
    (None, "未指定专业", 1, 0, 0, 0, 0, 0, 0, 0, 0, 99, 0),
]
# B1 (E2 has 850 staff): one automatic line per semester, S4 1人次 each, 123 + 150 distinct days, 半年 S4 (273
# days), mentor 李老师 each semester, 500元/生, 2026届 employed at E2: S4. B4 is established the day after.
OFFSITE_ROWS = [
    (data.B1, data.E2, 850, D(2024, 9, 1), 1, data.M2, 2, "整车装配实习、动力电池检测实训", 2, 273, 1, True, False,
     50_000, 2, 1),
]  # fmt: skip
# B2: majors in the order of 设置; 5 + 3 dated days; X1 20,000,000 + X3 3,000,000 + X6 2,000,000 (disposed the
# day after; 自主研制); new X3; 捐赠 X1 + X3; 4 台套 of which X1's 2 at exactly 10万元 are 大型; 2 usage lines;
# 人时 40×8 + 10×4; costs of 2025-2026 only. B3 (longest name match): X2 5,000,000, new, 准捐赠; no usage, no costs.
ONSITE_ROWS = [
    (data.B2, f"{data.M1}、{data.M2}", 8, 25_000_000, 3_000_000, 2_000_000, 23_000_000, 0, 4, 2, 2,
     "PLC编程实训、工业机器人实训", 360, 0, 40, 1_234_500, 500_000, 1, 2),
    (data.B3, None, 0, 5_000_000, 5_000_000, 0, 0, 5_000_000, 1, 0, 0, None, 0, 0, 12, None, None, 0, 0),
]  # fmt: skip
_NO_DETAILS = (None,) * 14  # 访企拓岗 columns after 拜访时间 (none recorded in tests/report_data.py)
VISIT_ROWS = [
    (data.E1, U1, None, None, None, 5, 600_000, "院长", None, D(2025, 9, 1), *_NO_DETAILS),
    (data.E1, U1, None, None, None, 8, 500_000, "院长", None, D(2026, 8, 31), *_NO_DETAILS),
    (data.E3, U3, None, None, None, None, None, "院长", None, D(2026, 8, 31), *_NO_DETAILS),  # nothing at E3
]


@pytest.fixture
def filled(db: Database) -> dict[str, str]:
    return data.fill(db)


def test_headers_are_exactly_domains() -> None:
    assert TABLE_NAMES == tuple(DOMAIN_HEADERS)
    assert TABLE_HEADERS == DOMAIN_HEADERS
    assert [len(h) for h in TABLE_HEADERS.values()] == [13, 16, 16, 19, 24]
    assert set(TABLE_KEYS) == set(TABLE_NAMES) and len(set(TABLE_KEYS.values())) == len(TABLE_NAMES)
    for name, columns in TABLE_COLUMNS.items():
        assert all(c.definition.strip() for c in columns), name
        assert {c.kind for c in columns} <= {"text", "date", "month", "int", "wan", "yuan", "bool"}
        for c in columns:  # the reader's words: no rule codes such as N四(四)2 or H第十二条
            assert not re.search(r"[HN](第|[一二三四五六七八九十])", c.definition), (name, c.header)
            assert ("万元" in c.header) == (c.kind == "wan"), (name, c.header)


def test_columns_whose_total_would_mislead() -> None:
    not_added = {(n, c.header) for n, cols in TABLE_COLUMNS.items() for c in cols if not c.adds_up}
    assert not_added == {
        ("产学合作（按专业）", "产学合作企业总数（个）"),
        ("校外实习实训基地", "依托单位在岗职工总数"),
        ("校外实习实训基地", "面向专业总数"),
    }


def test_wan_to_the_platforms_decimals() -> None:
    assert WAN_DECIMALS == 2
    assert wan_value(51_234_560) == Decimal("51.23") and wan_value(5_000) == Decimal("0.01")
    assert wan_value(4_999) == Decimal("0.00")


def test_figures(db: Database, filled: dict[str, str]) -> None:
    with db.reader() as s:
        tables = report_tables(s, data.YEAR)
    assert (tables.first_day, tables.last_day) == (D(2025, 9, 1), D(2026, 8, 31))
    assert [t.name for t in tables.tables] == list(TABLE_NAMES)
    for t in tables.tables:
        assert t.headers == DOMAIN_HEADERS[t.name]
        assert all(len(row) == len(t.headers) for row in t.rows), t.name
    coop = tables.table("产学合作")
    assert list(coop.rows) == COOPERATION_ROWS
    assert coop.keys[1] == (filled[data.M1], filled[data.E1]) and coop.keys[3] == (None, filled[data.E2])
    by_major = tables.table("产学合作（按专业）")
    assert list(by_major.rows) == BY_MAJOR_ROWS
    assert by_major.keys == ((filled[data.M1],), (filled[data.M2],), (None,))
    assert list(tables.table("校外实习实训基地").rows) == OFFSITE_ROWS
    assert tables.table("校外实习实训基地").keys == ((filled[data.B1],),)
    assert list(tables.table("校内实践基地").rows) == ONSITE_ROWS
    assert list(tables.table("访企拓岗").rows) == VISIT_ROWS


def test_by_major_adds_up_the_cooperation_rows(db: Database, filled: dict[str, str]) -> None:
    with db.reader() as s:
        tables = report_tables(s, data.YEAR)
    coop, by_major = tables.table("产学合作"), tables.table("产学合作（按专业）")
    pairs = {  # per-专业 header → the ODS header of the same figure (student counts are distinct students)
        "共同开发课程数（门）": "共同开发课程门数",
        "共同开发教材数（种）": "共同开发教材数",
        "支持学校兼职教师数（人）": "支持学校兼职教师数",
        "对学校捐赠设备总值（万元）": "对学校捐赠设备总值（万元）",
        "对学校准捐赠设备总值（万元）": "对学校准捐赠设备总值（万元）",
        "接受毕业生就业数（人）": "接受毕业生就业数",
        "学校为企业技术服务年收入（万元）": "学校为企业技术服务年收入（万元）",
        "学校为企业年培训员工数（人天）": "学校为企业年培训员工数（人天）",
    }
    for mine, ods in pairs.items():
        assert sum(by_major.column(mine)) == sum(coop.column(ods)), mine
    real = [e for e in coop.column("合作企业名称") if e != "未指定企业"]
    assert sum(by_major.column("产学合作企业总数（个）")) == len(real)


def test_a_major_without_records_is_listed_with_zeros(db: Database, filled: dict[str, str]) -> None:
    from app.services.settings import CollegeProfile, MajorGroupInfo, get_profile, save_profile

    with db.session() as s:
        p = get_profile(s)
        groups = (*p.groups, MajorGroupInfo("装备专业群", ("工业机器人技术",), codes=("460305",)))
        save_profile(s, CollegeProfile(p.school, p.college, groups))
    with db.reader() as s:
        rows = report_tables(s, data.YEAR).table("产学合作（按专业）").rows
    assert rows[2] == ("460305", "工业机器人技术", *(0,) * 11)
    assert rows[3][1] == "未指定专业"


def test_empty_cells_are_explained(db: Database, filled: dict[str, str]) -> None:
    with db.reader() as s:
        tables = report_tables(s, data.YEAR)
    for t in tables.tables:
        for col, c in enumerate(t.columns):
            if any(row[col] is None for row in t.rows):
                assert "留空" in c.definition, (t.name, c.header)


def _add_uses(db: Database, ids: dict[str, str]) -> None:
    """Beside fill's uses: at B2 a 社会 use on the last day of a dated use and an undated one; at B1 a use on two
    days of S4's placement; at B3 a 社会 use without hours; next 学年's use at B2."""
    from app.services.bases import UsageData, save_usage

    b1, b2, b3, m1, m2 = (ids[k] for k in (data.B1, data.B2, data.B3, data.M1, data.M2))
    with db.session() as s:
        for use in (
            UsageData(b2, "2025-2026-1", "技能实训", None, D(2025, 10, 17), D(2025, 10, 17), students=20,
                      hours=6, audience="社会"),
            UsageData(b2, "2025-2026-2", "技能实训", m1, students=5, days=2),
            UsageData(b1, "2025-2026-1", "技能实训", m2, D(2025, 11, 10), D(2025, 11, 11), students=30,
                      teacher_count=1),
            UsageData(b3, "2025-2026-2", "技能实训", None, D(2026, 4, 1), D(2026, 4, 2), students=9,
                      audience="社会"),
            UsageData(b2, "2026-2027-1", "技能实训", m1, D(2026, 10, 12), D(2026, 10, 16), students=99, hours=99),
        ):  # fmt: skip
            save_usage(s, use)


def test_base_days_are_distinct_days_and_person_hours_by_audience(
    db: Database, filled: dict[str, str]
) -> None:
    _add_uses(db, filled)
    with db.reader() as s:
        tables = report_tables(s, data.YEAR)
    offsite = tables.table("校外实习实训基地")
    # the use on 11-10/11 falls on days of S4's placement: still 273 days, but one more activity and 30 人次
    assert offsite.column("基地使用天数") == [273]
    assert offsite.column("实习实训项目总数") == [3] and offsite.column("接待学生量（人次）") == [32]
    assert offsite.column("学校派指导教师/学生管理人员（人次）") == [3]
    onsite = tables.table("校内实践基地")
    # B2: 10-13…17 and 3-16…18 = 8 dates; the 社会 use on 10-17 adds none; the undated use adds its 2 days
    assert onsite.column("学年内基地使用时间") == [10, 2]
    assert onsite.column("学年使用频率·校内（人时）") == [40 * 8 + 10 * 4, 0]  # the undated use has no hours
    # B3's only 社会 use has no hours: unknown, not nothing
    assert onsite.column("学年使用频率·社会（人时）") == [20 * 6, None]
    assert onsite.column("实训项目个数") == [4, 1]


def test_a_years_tables_leave_out_the_next_years_records(db: Database, filled: dict[str, str]) -> None:
    _add_uses(db, filled)
    with db.reader() as s:
        this, after = report_tables(s, data.YEAR), report_tables(s, "2026-2027")
    assert data.E2 not in this.table("访企拓岗").column("走访企业名称")  # visited 2026-09-01
    assert after.table("访企拓岗").column("走访企业名称") == [data.E2]
    assert data.B4 not in this.table("校外实习实训基地").column("基地名称")
    assert data.B4 in after.table("校外实习实训基地").column("基地名称")
    b2_now, b2_after = this.table("校内实践基地").rows[0], after.table("校内实践基地").rows[0]
    assert b2_now[2] == 10 and b2_now[15:17] == (1_234_500, 500_000)
    assert b2_after[2] == 5 and b2_after[12] == 99 * 99 and b2_after[15:17] == (99_999_900, 1)
    assert b2_after[4] == 7_000_000  # X4, acquired 2026-09-01: new in 2026-2027, not before
    assert b2_now[3] == 25_000_000 and b2_after[3] == 30_000_000  # X5 gone, X6 disposed, X4 in


def test_visits_one_row_per_enterprise_with_its_own_figures(db: Database, filled: dict[str, str]) -> None:
    from app.services.settings import _set
    from app.services.visits import VisitData, VisitStop, create_visit

    e2, e3, m1, m2 = (filled[k] for k in (data.E2, data.E3, data.M1, data.M2))
    stops = (
        VisitStop(e2, m2, 12, 650_000, "王经理", "人事经理", "提供岗位需求", m2, 6, 400_000, m2, 3, 550_000,
                  "共建订单班"),
        VisitStop(e3, m1, 4, 480_000),
    )  # fmt: skip
    with db.session() as s:
        data_ = VisitData(D(2026, 5, 20), (e2, e3), "刘院长", leader_title="副院长", stops=stops)
        create_visit(s, data_, today=data.TODAY)
        _set(s, "major_level", "高职本科")
    with db.reader() as s:
        visits = report_tables(s, data.YEAR).table("访企拓岗")
    assert len(visits.rows) == 5  # three enterprises before, two in this visit
    assert visits.rows[1] == (  # by date: after 2025-09-01, before 2026-08-31
        data.E2, None, C2, data.M2, "高职本科", 12, 650_000, "刘院长", "副院长", D(2026, 5, 20), "王经理",
        "人事经理", "提供岗位需求", C2, data.M2, "高职本科", 6, 400_000, C2, data.M2, "高职本科", 3, 550_000,
        "共建订单班",
    )  # fmt: skip
    assert visits.rows[2] == (
        data.E3, U3, C1, data.M1, "高职本科", 4, 480_000, "刘院长", "副院长", D(2026, 5, 20), *(None,) * 14,
    )  # fmt: skip
    assert sum(p for p in visits.column("可提供岗位数") if p) == 5 + 8 + 12 + 4


def test_major_level_defaults_to_the_directorys_word(db: Database, filled: dict[str, str]) -> None:
    from app.reporting.tables import major_level

    with db.reader() as s:
        assert major_level(s) == "高职专科"


def test_cooperation_matches_the_five_figures_of_outcomes(db: Database, filled: dict[str, str]) -> None:
    from app.services.outcomes import cooperation_figures

    with db.reader() as s:
        coop = report_tables(s, data.YEAR).table("产学合作")
        figures = cooperation_figures(s, data.YEAR)
    headers = ("共同开发课程门数", "共同开发教材数", "支持学校兼职教师数", "学校为企业技术服务年收入（万元）",
               "学校为企业年培训员工数（人天）")  # fmt: skip
    names = ("courses", "textbooks", "industry_teachers", "service_income_fen", "training_person_days")
    table_totals = [sum(coop.column(h)) for h in headers]
    outcome_totals = [sum(getattr(f, name) for f in figures.by_major) for name in names]
    assert table_totals == outcome_totals


def _header_row(ws, headers: tuple[str, ...]) -> int:
    """The row holding the table's headers (the export may put a title above them)."""
    for r, row in enumerate(ws.iter_rows(max_row=5, values_only=True), start=1):
        if tuple(row[: len(headers)]) == headers:
            return r
    raise AssertionError(f"{ws.title}: no header row")


def test_xlsx_reads_back(db: Database, filled: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "out" / "标准报表.xlsx"
    with db.reader() as s:
        result = export_report_tables(s, data.YEAR, path)
    assert result.rows == {
        "产学合作（按专业）": 3, "产学合作": 4, "校外实习实训基地": 1, "校内实践基地": 2, "访企拓岗": 3,
    }  # fmt: skip
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # atomic: nothing left beside it
    wb = load_workbook(path)
    assert wb.sheetnames[: len(TABLE_NAMES)] == list(TABLE_NAMES)
    values = {}
    for name in TABLE_NAMES:
        ws = wb[name]
        first = _header_row(ws, DOMAIN_HEADERS[name]) + 1
        values[name] = [r[: len(DOMAIN_HEADERS[name])] for r in ws.iter_rows(min_row=first, values_only=True)]
    coop = values["产学合作"]
    assert coop[1][:5] == (C1, data.M1, data.E1, U1, dt.datetime(2023, 5, 10))
    assert coop[1][11] == pytest.approx(51.23) and coop[1][12] == pytest.approx(3)  # 万元, 2 decimals
    assert coop[2][15] == "是" and coop[1][15] == "否"
    assert values["产学合作（按专业）"][0][:3] == (C1, data.M1, 2)
    offsite = values["校外实习实训基地"][0]
    assert offsite[:3] == (data.B1, data.E2, 850) and offsite[9] == 273 and offsite[13] == pytest.approx(500)
    assert values["校内实践基地"][0][3] == pytest.approx(25) and values["校内实践基地"][0][
        15
    ] == pytest.approx(1.23)
    assert values["访企拓岗"][0][:7] == (data.E1, U1, None, None, None, 5, pytest.approx(6000))


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
    coop = next(t for t in got["tables"] if t["name"] == "产学合作")
    assert [c["header"] for c in coop["columns"]] == list(DOMAIN_HEADERS["产学合作"])
    assert coop["rows"][1][:5] == [C1, data.M1, data.E1, U1, "2023-05-10"]
    assert coop["rows"][1][11] == 51_234_560  # fen
    assert path.exists()

    out = run_cli("--db", str(db_path), "report", "indicators", "--year", data.YEAR)
    assert out.returncode == 0 and "岗位实习学生数：4人" in out.stdout and "口径：" in out.stdout
    out = run_cli("--db", str(db_path), "report", "tables", "--year", "2025", "--out", str(path))
    assert out.returncode == 2 and "学年" in out.stderr


def test_a_placement_at_a_base_counts_for_the_bases_enterprise(db: Database, filled: dict[str, str]) -> None:
    from app.reporting.evaluation import annual_indicators
    from app.services.internships import InternshipData, create_internship, set_status
    from app.services.students import StudentData, create_student

    with db.session() as s:
        sid = create_student(
            s, StudentData("20230008", "学生8", major_id=filled[data.M2], entry_year=2023)
        ).ids[0]
        placed = InternshipData(sid, D(2026, 3, 1), D(2026, 4, 30), base_id=filled[data.B1])  # no enterprise
        set_status(s, create_internship(s, placed).ids, "协议已签")
    with db.reader() as s:
        tables = report_tables(s, data.YEAR)
        order = next(i for i in annual_indicators(s, data.YEAR) if i.key == "order_students")
    rows = tables.table("产学合作").rows
    assert rows[2][1:3] == (data.M2, data.E2) and rows[2][9] == 2  # S4 and S8 at B1's enterprise E2
    assert tables.table("产学合作（按专业）").rows[1][7] == 2
    assert order.value == 4  # S8 too: E2's 学徒制 project covers M2
    # S8's placement lies inside S4's: B1's distinct days stay 273
    assert tables.table("校外实习实训基地").column("基地使用天数") == [273]


def test_a_running_year_counts_only_what_has_happened(db: Database, filled: dict[str, str]) -> None:
    """As of a day inside the 学年, the days still to come are not days of use and a later visit is not yet
    in 访企拓岗: the tables say what has happened by then (a period as of its end, or today if earlier)."""
    _add_uses(db, filled)
    with db.reader() as s:
        whole = report_tables(s, data.YEAR)
        from app.reporting.facts import year_of

        y = year_of(s, data.YEAR)
        early = report_tables(s, data.YEAR, as_of=y.first + dt.timedelta(days=60))
        before = report_tables(s, data.YEAR, as_of=y.first - dt.timedelta(days=1))
    days = whole.table("校外实习实训基地").column("基地使用天数")
    assert 0 < early.table("校外实习实训基地").column("基地使用天数")[0] <= 61 < days[0]
    assert before.table("校外实习实训基地").column("基地使用天数") in ([0], [None])
    assert len(early.table("访企拓岗").rows) < len(whole.table("访企拓岗").rows)
    assert before.table("访企拓岗").rows == ()
