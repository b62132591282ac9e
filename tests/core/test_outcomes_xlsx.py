"""The 产学合作 figures of a 学年 exported to .xlsx and read back: the report's column names, hand-computed
figures, 合计, 万元 to 4 decimals, formula-safe names, bold frozen header, no temporary file left."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.db.engine import Database
from app.errors import ValidationError
from app.io.outcomes_xlsx import ENTERPRISE_HEADERS, MAJOR_HEADERS, export_cooperation_figures
from tests import outcomes_data as data
from tests.codes import valid_uscc

WAN = {50_000_000: 50.0, 1_234_560: 1.2346, 99: 0.0001, 51_234_560: 51.2346, 51_234_659: 51.2347}


def _expected(rows):
    return [(name, c, t, teachers, WAN[fen], days) for name, c, t, teachers, fen, days in rows]


def test_export_reads_back(db: Database, tmp_path: Path) -> None:
    data.fill(db)
    path = tmp_path / "out" / "产学合作.xlsx"
    with db.reader() as s:
        result = export_cooperation_figures(s, data.YEAR, path)
    assert (result.school_year, result.majors, result.enterprises) == (data.YEAR, 3, 2)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # atomic: nothing else left beside it
    wb = load_workbook(path)
    assert wb.sheetnames == ["按专业", "按合作企业"]

    ws = wb["按专业"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == MAJOR_HEADERS
    assert rows[0][1:] == (
        "共同开发课程数（门）",
        "共同开发教材数（种）",
        "支持学校兼职教师数（人）",
        "学校为企业技术服务年收入（万元）",
        "学校为企业年培训员工数（人天）",
    )
    assert rows[1:4] == _expected(data.BY_MAJOR)
    assert rows[2][4] == 1.2346  # 12,345.60 元 = 1.23456 万元, to 4 decimals
    assert rows[4] == ("合计", 1, 1, 1, 51.2347, 75)  # rounded once, from the exact total
    assert ws["E2"].number_format == "0.0000" and ws["E5"].number_format == "0.0000"
    assert ws["A1"].font.bold and ws["A5"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F4"  # the 合计 row is not sorted with the data
    assert "2025-09-01 至 2026-08-31" in rows[6][0]

    ws = wb["按合作企业"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ENTERPRISE_HEADERS
    assert [r[0] for r in rows[1:3]] == [data.E2, data.E1]
    assert (rows[1][1], rows[2][1]) == (None, valid_uscc(1))
    assert [r[:1] + r[2:] for r in rows[1:3]] == _expected(data.BY_ENTERPRISE)
    assert rows[3] == ("合计", None, 1, 1, 1, 51.2347, 75)
    assert ws["A2"].data_type == "s" and ws["A2"].quotePrefix  # "=…" stays text, never a formula
    assert ws.freeze_panes == "A2" and ws["G1"].font.bold


def test_an_empty_year_still_has_headers_and_a_zero_total(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    with db.reader() as s:
        export_cooperation_figures(s, "2019-2020", path)
    rows = list(load_workbook(path)["按专业"].iter_rows(values_only=True))
    assert rows[0] == MAJOR_HEADERS
    assert rows[1] == ("合计", 0, 0, 0, 0, 0)


def test_a_malformed_year_writes_nothing(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    with db.reader() as s, pytest.raises(ValidationError, match="学年"):
        export_cooperation_figures(s, "2025", path)
    assert not path.exists()
