"""Package format version 3 beside the versions before it, and the printed layout of the tables the package,
the 年度评价 export and the school's summary carry (app/io/print_table.py): a version 1 or 2 package still
verifies and merges, its cells under the columns it lacks left empty and the lack said per table; a version 3
package round-trips; every table prints A4 landscape, one page wide when it can, bordered, in 宋体."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.io.print_table import FONT_NAME, MAX_PX, MIN_PRINTED_SIZE, printed_px
from app.io.report_xlsx import write_report_tables
from app.package import format as fmt
from app.package.merge import merge_packages, plan_merge
from app.package.verify import verify_package
from app.reporting.columns import OFFSITE_BASES, TABLE_COLUMNS, TABLE_NAMES, VISITS, WAN_DECIMALS
from app.reporting.tables import ReportTable, ReportTables
from tests import package_builder as pb

USCC = "91430100MA4L0ABC1X"
OLD_OFFSITE = (
    "实训基地甲",
    "示例科技有限公司",
    dt.datetime(2024, 9, 1),
    "机电一体化技术",
    2,
    30,
    12,
    1,
    "是",
    "否",
    4,
    2,
)
OLD_VISIT = ("示例科技有限公司", USCC, dt.datetime(2025, 10, 8), 12, 6000)


def _old_package(path: Path, version: int = 2, college: str = "智能制造学院") -> Path:
    rows = {OFFSITE_BASES: [OLD_OFFSITE], VISITS: [OLD_VISIT]}
    return pb.legacy_package(path, version, rows, college=college)


def test_the_format_is_version_3_and_reads_1_and_2() -> None:
    assert fmt.VERSION == 3 and fmt.SUPPORTED_VERSIONS == (1, 2, 3)
    assert {s.key for s in fmt.SHEETS} - {s.key for s in fmt.sheets_in(2)} == {
        "visit_enterprises",
        "base_costs",
    }
    bases = fmt.SHEET_BY_KEY["bases"]
    assert (
        bases.headers_in(2) == bases.headers[: len(bases.headers_in(2))]
    )  # columns only ever added at the end
    assert "主要项目（全称）" in bases.headers and "主要项目（全称）" not in bases.headers_in(2)
    assert fmt.report_columns_in(3) == {
        n: tuple((c.header, c.kind) for c in TABLE_COLUMNS[n]) for n in TABLE_NAMES
    }
    assert [h for h, _k in fmt.report_columns_in(2)[VISITS]] == [
        "走访企业名称",
        "统一社会信用代码",
        "拜访时间",
        "可提供岗位数",
        "平均薪酬",
    ]


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_package_verifies_against_its_own_headers(tmp_path: Path, version: int) -> None:
    assert verify_package(_old_package(tmp_path / "old.zip", version)).ok
    # the same package claiming version 3 lacks the new sheets and has the old report headers
    files = {**pb.package_files(), fmt.DATA: pb.legacy_xlsx(version)}
    claimed = pb.write_package(tmp_path / "claimed.zip", files, pb.manifest_for(files, version=3))
    problems = " ".join(p.message for p in verify_package(claimed).problems)
    assert "缺少工作表“走访企业明细”" in problems and "校外实习实训基地" in problems


def test_a_version_3_package_with_version_2_headers_is_refused(tmp_path: Path) -> None:
    files = {**pb.package_files(), fmt.DATA: pb.legacy_xlsx(2)}
    bad = pb.write_package(tmp_path / "bad.zip", files, pb.manifest_for(files))
    assert not verify_package(bad).ok


def test_a_version_2_package_merges_saying_what_it_lacks(tmp_path: Path) -> None:
    old = _old_package(tmp_path / "old.zip")
    files = pb.package_files()
    new = pb.write_package(tmp_path / "new.zip", files, pb.manifest_for(files, college="农业技术学院"))
    out = tmp_path / "汇总.xlsx"
    result = merge_packages([old, new], out)
    assert len(result.used) == 2 and not result.invalid
    by_college = {p.college: p for p in result.used}
    assert by_college["农业技术学院"].lacking == ()
    lacking = {x.table: x for x in by_college["智能制造学院"].lacking}
    assert lacking["产学合作（按专业）"].whole
    assert "依托单位在岗职工总数" in lacking[OFFSITE_BASES].columns
    assert (
        "学校派指导教师/学生管理人员（人次）" not in lacking[OFFSITE_BASES].columns
    )  # read under its old name
    assert "需求专业代码" in lacking[VISITS].columns and "平均薪酬（元）" not in lacking[VISITS].columns
    note = next(w for w in result.warnings if "缺少列" in w)
    assert "智能制造学院" in note and "格式版本 2" in note and "依托单位在岗职工总数" in note
    assert "缺少列" in result.summary()
    assert result.as_json()["used"][0]["lacking"] or result.as_json()["used"][1]["lacking"]
    assert (
        plan_merge([old]).used[0].lacking == by_college["智能制造学院"].lacking
    )  # the page's plan says it too

    wb = load_workbook(out)
    ws = wb[OFFSITE_BASES]
    headers = [c.value for c in ws[1]]
    row = dict(zip(headers, [c.value for c in ws[2]], strict=True))
    assert row["学院"] == "智能制造学院" and row["基地名称"] == "实训基地甲"
    assert row["学校派指导教师/学生管理人员（人次）"] == 4 and row["接收应届毕业生就业数"] == 2
    assert row["依托单位在岗职工总数"] is None and row["主要专业"] == "机电一体化技术"
    ws = wb[VISITS]
    row = dict(zip([c.value for c in ws[1]], [c.value for c in ws[2]], strict=True))
    assert (
        row["走访企业统一社会信用代码"] == USCC
        and row["平均薪酬（元）"] == 6000
        and row["可提供岗位数"] == 12
    )
    assert ws.cell(2, [c.value for c in ws[1]].index("走访企业统一社会信用代码") + 1).data_type == "s"
    notes = " ".join(str(c.value) for r in wb["说明"].iter_rows() for c in r if c.value)
    assert "缺少列" in notes


# ---------------------------------------------------------------- printed layout


def _fake_tables() -> ReportTables:
    def value(kind: str, header: str, i: int) -> object:
        if kind == "text":
            return (
                USCC if "信用代码" in header else "510201" if "代码" in header else f"名称较长的示例单位{i}"
            )
        return {
            "int": 1234 + i,
            "wan": 1523220000,
            "yuan": 1523220000,
            "bool": i % 2 == 0,
            "date": dt.date(2025, 9, 1),
            "month": dt.date(2023, 5, 1),
        }[kind]

    tables = tuple(
        ReportTable(
            n,
            TABLE_COLUMNS[n],
            tuple(tuple(value(c.kind, c.header, i) for c in TABLE_COLUMNS[n]) for i in range(30)),
            (),
            (),
        )
        for n in TABLE_NAMES
    )
    return ReportTables("2025-2026", dt.date(2025, 9, 1), dt.date(2026, 8, 31), tables)


def _check_printed(ws, header_row: int, last_row: int, ncols: int) -> None:
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    widths = [ws.column_dimensions[chr(64 + i)].width if i <= 26 else 0 for i in range(1, ncols + 1)]
    if printed_px(widths) <= MAX_PX:
        assert ws.page_setup.fitToWidth == 1 and not ws.print_title_cols
    else:  # too wide for one page at 8 pt: over several, the name column repeated on each
        assert ws.page_setup.fitToWidth > 1 and ws.print_title_cols.startswith("$A:$")
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    for row in ws.iter_rows(min_row=header_row, max_row=last_row, max_col=ncols):
        for cell in row:
            assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin", cell.coordinate
            assert cell.font.name == FONT_NAME and cell.font.sz >= MIN_PRINTED_SIZE, cell.coordinate
    assert all(c.font.b and c.alignment.wrap_text for c in ws[header_row][:ncols])


def test_the_report_tables_print_one_page_wide_bordered_in_songti(tmp_path: Path) -> None:
    path = tmp_path / "标准报表.xlsx"
    write_report_tables(_fake_tables(), path, college="示例学院")
    wb = load_workbook(path)
    for name in TABLE_NAMES:
        ws = wb[name]
        columns = TABLE_COLUMNS[name]
        assert [c.value for c in ws[1]] == [c.header for c in columns]  # row 1 stays the header row
        _check_printed(ws, 1, 31, len(columns))
        assert "示例学院" in ws.oddHeader.center.text and "2025-2026学年" in ws.oddHeader.center.text
        assert name in ws.oddHeader.center.text
        for i, c in enumerate(columns, start=1):
            cell = ws.cell(2, i)
            if c.kind == "yuan":
                assert cell.number_format == "#,##0.00" and cell.value == 15232200.0
            elif c.kind == "wan":  # 15,232,200 元 in 万元, to the platform's decimals
                assert cell.number_format == "#,##0." + "0" * WAN_DECIMALS and cell.value == 1523.22
            elif "代码" in c.header:
                assert cell.data_type == "s" and not cell.alignment.wrap_text  # a code is never split
    assert wb[OFFSITE_BASES].page_setup.fitToWidth == 1
    assert wb[VISITS].print_title_cols in (None, "$A:$A")


def test_the_data_xlsx_report_sheets_and_the_summary_print_too(tmp_path: Path) -> None:
    old = _old_package(tmp_path / "old.zip")
    out = tmp_path / "汇总.xlsx"
    merge_packages([old], out)
    wb = load_workbook(out)
    ws = wb["汇总"]
    assert "产教融合上报数据汇总" in ws["A1"].value and ws.print_title_rows == "$2:$2"
    ncols = len([c for c in ws[2] if c.value])
    _check_printed(ws, 2, 4, ncols)
    assert ws.page_setup.fitToWidth == 1 or ws.print_title_cols == "$A:$B"  # 学校 and 学院 repeat
    labels = [c.value for c in ws[2]]
    for h in fmt.HEADLINES:
        cell = ws.cell(3, labels.index(h.label) + 1)
        assert cell.number_format == ("#,##0.00" if "元" in h.label else "#,##0"), h.label
    for name in TABLE_NAMES:
        ws = wb[name]
        assert ws.cell(1, 1).value == "学院"
        _check_printed(ws, 1, ws.max_row, len(TABLE_COLUMNS[name]) + 1)


def test_colleges_of_several_schools_carry_the_school_in_every_table(tmp_path: Path) -> None:
    one = _old_package(tmp_path / "one.zip", college="机电学院")
    files = pb.package_files()
    other = pb.write_package(
        tmp_path / "two.zip", files, pb.manifest_for(files, school="另一所职业学院", college="机电学院")
    )
    out = tmp_path / "汇总.xlsx"
    merge_packages([one, other], out)
    wb = load_workbook(out)
    ws = wb[OFFSITE_BASES]
    assert [c.value for c in ws[1]][:3] == ["学校", "学院", "基地名称"]
    assert ws["A2"].value == "示例职业技术学院" and ws["B2"].value == "机电学院"
    assert wb["汇总"].cell(2, 1).value == "学校"


def test_a_long_title_from_many_packages_fits_a_page_header() -> None:
    """Excel refuses a page header of over 255 characters; a title joining the names of many schools and
    periods (each up to 100 characters in a package) ends in 等 instead."""
    from openpyxl import Workbook

    from app.io.print_table import TITLE_CHARS, page_title, plan_layout, set_page

    title = "、".join(f"{'湖南' * 45}第{n}职业技术学院" for n in range(4)) + " 2025-2026学年 & 汇总"
    short = page_title(title)
    assert len(short) == TITLE_CHARS and short.endswith("等")
    assert page_title("机电工程学院 2025-2026学年 访企拓岗") == "机电工程学院 2025-2026学年 访企拓岗"
    ws = Workbook().active
    set_page(ws, plan_layout(["学校", "学院"], ["text", "text"], [["甲", "乙"]]), title=title)
    assert len(ws.oddHeader.center.text) <= 2 * TITLE_CHARS < 255
