"""The cell values open_workbook's scan reads (app/io/sheet_scan.py) against openpyxl's own read-only
iteration (iter_rows(values_only=True) of a data_only workbook after reset_dimensions), which imports read
before: on workbooks openpyxl writes, on sheets written by hand as other programs write them, and on generated
grids. Each comparison is of whole rows, type for type, from row 1 to the end and in the windows find_header
reads; a sheet openpyxl fails on must fail here too. A sheet the scan leaves to openpyxl (a DTD, an odd
coordinate…) is said so, and still gives openpyxl's rows."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import uuid
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from app.errors import ImportFileError
from app.io import sheet_scan
from app.io.sheet_scan import held_rows
from app.io.xlsx import FOOTER_PREFIXES, find_header, is_footer, open_workbook, row_values

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WINDOWS = ({}, {"max_row": 1}, {"max_row": 3}, {"max_row": 10}, {"min_row": 2}, {"min_row": 3, "max_row": 6})


# ---------------------------------------------------------------- the comparison


def _typed(rows: Iterable[Sequence[Any]]) -> list[tuple[str, list[tuple[str, Any]]]]:
    """Rows with each value's type (1 == 1.0 == True otherwise) and the row's own ([] for a missing row)."""
    return [(type(row).__name__, [(type(v).__name__, v if v == v else "nan") for v in row]) for row in rows]


def openpyxl_rows(path: Path, title: str) -> list[list | None]:
    """What imports read before, in each of WINDOWS: openpyxl's iteration (None where it fails)."""
    out: list[list | None] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a date serial out of range, unsupported extensions
        try:
            wb = load_workbook(
                io.BytesIO(path.read_bytes()), read_only=True, data_only=True, keep_links=False
            )
        except Exception:
            return [None] * len(WINDOWS)
        ws = wb[title]
        ws.reset_dimensions()
        for window in WINDOWS:
            try:
                out.append(_typed(ws.iter_rows(values_only=True, **window)))
            except Exception:
                out.append(None)
        wb.close()
    return out


def scanned_rows(path: Path, title: str) -> tuple[list[list | None], bool]:
    """What imports read now, in each of WINDOWS (None where it fails), and whether the scan gave it."""
    try:
        wb = open_workbook(path)
    except ImportFileError:
        return [None] * len(WINDOWS), False
    ws = wb[title]
    out: list[list | None] = []
    for window in WINDOWS:
        try:
            out.append(_typed(row_values(ws, **window)))
        except ImportFileError:
            out.append(None)
    held = held_rows(ws) is not None
    wb.close()
    return out, held


def assert_same(path: Path, held: bool | dict[str, bool] = True) -> None:
    """Every sheet reads as openpyxl reads it, in every window; `held`: whether the scan gave the values (per
    sheet title), or left the sheet to openpyxl."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no default style in a hand-written workbook
        wb = load_workbook(path, read_only=True)
    titles = wb.sheetnames
    wb.close()
    for title in titles:
        ours, from_scan = scanned_rows(path, title)
        assert from_scan is (held if isinstance(held, bool) else held[title]), title
        assert ours == openpyxl_rows(path, title), title


# ---------------------------------------------------------------- workbooks written by openpyxl


def test_every_value_type_openpyxl_writes(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["文本", " 前后空格 ", "两行\n文字", "", "=1+1", "#N/A", "'=引号"])
    ws.append([0, 1, -7, 2**53 + 1, 10**20, 13900000000, 430102200501010018])
    ws.append([0.0, -0.0, 1.5, 1e-9, 1e300, 2.0, 13900000000.0, 3.14159265358979])
    ws.append([True, False, None, None, "x"])
    ws.append(
        [dt.datetime(2025, 10, 8, 9, 30, 15), dt.date(2025, 10, 8), dt.time(8, 5, 1), dt.timedelta(hours=30)]
    )
    ws.append(
        [dt.datetime(1900, 1, 1), dt.datetime(1900, 3, 1), dt.date(1899, 12, 31), dt.datetime(9999, 12, 31)]
    )
    formats = [
        "yyyy-mm-dd",
        "yyyy/m/d h:mm",
        "m/d/yy",
        "h:mm:ss",
        "[h]:mm:ss",
        "0.00%",
        "@",
        "0.00",
        'yyyy"年"m"月"d"日"',
    ]
    for col, fmt in enumerate(formats, start=1):
        cell = ws.cell(row=7, column=col, value=45678.75)
        cell.number_format = fmt
        ws.cell(row=8, column=col, value=1).number_format = fmt
        ws.cell(row=9, column=col, value=-1).number_format = fmt
        ws.cell(row=10, column=col, value=3_000_000).number_format = fmt  # past 9999-12-31 as a date
    ws["B12"] = "后面的行"
    ws["E15"] = "跳过的行和列"
    ws["C13"].font = Font(bold=True)  # a styled cell without a value
    ws.merge_cells("A16:A18")
    ws["A16"] = "合并"
    ws.row_dimensions[17].hidden = True
    ws.column_dimensions["B"].hidden = True
    wb.save(tmp_path / "types.xlsx")
    assert_same(tmp_path / "types.xlsx")


def test_the_1904_date_system(tmp_path: Path) -> None:
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append([dt.datetime(2025, 10, 8), dt.date(1904, 1, 1), dt.time(12, 0), 5, "x"])
    for col, value in enumerate([0, 1, 59, 60, 61, 45678.5], start=1):
        ws.cell(row=2, column=col, value=value).number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "1904.xlsx")
    assert load_workbook(tmp_path / "1904.xlsx", read_only=True).epoch == CALENDAR_MAC_1904
    assert_same(tmp_path / "1904.xlsx")


def test_several_sheets_hidden_and_empty(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["请勿修改"])
    names = wb.create_sheet("名单")
    names.append(["企业名称", "联系人"])
    for n in range(30):
        names.append([f"企业{n}", None if n % 3 else f"联系人{n}"])
    hidden = wb.create_sheet("隐藏")
    hidden.append(["x", 1])
    hidden.sheet_state = "hidden"
    wb.create_sheet("空白")
    wb.save(tmp_path / "sheets.xlsx")
    assert_same(tmp_path / "sheets.xlsx")
    wb = open_workbook(tmp_path / "sheets.xlsx")
    match = find_header(wb["名单"], {"name": ("企业名称",), "contact": ("联系人",)}, {"name"})
    assert match.row == 1 and match.fields == {1: "name", 2: "contact"}
    wb.close()


# ---------------------------------------------------------------- sheets written by hand


STYLES = f"""<styleSheet xmlns="{MAIN}">
<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>
<numFmt numFmtId="165" formatCode="[h]:mm:ss"/><numFmt numFmtId="166" formatCode="0.00"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="8"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0"/><xf numFmtId="164" xfId="0"/>
<xf numFmtId="165" xfId="0"/><xf numFmtId="166" xfId="0"/><xf numFmtId="22" xfId="0"/>
<xf numFmtId="49" xfId="0"/><xf numFmtId="20" xfId="0"/></cellXfs></styleSheet>"""
DATE, DATE_FMT, DURATION, DECIMAL, DATETIME, TEXT, TIME = range(1, 8)  # the style ids of STYLES' cellXfs

SHARED = [
    "<si><t>甲</t></si>",
    '<si><t xml:space="preserve">  两端空格  </t></si>',
    '<si><r><t>富</t></r><r><rPr><b/><sz val="11"/></rPr><t>文本</t></r></si>',
    '<si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="0" type="noConversion"/></si>',
    "<si><t>_x005F_x000D_ 转义</t></si>",
    "<si><t/></si>",
    '<si><r><t>只有</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>',
]


def package(
    path: Path,
    *sheets: str | bytes,
    shared: Sequence[str] | None = SHARED,
    styles: str | None = STYLES,
    date1904: bool = False,
) -> Path:
    """An .xlsx of the given worksheet XMLs (Sheet1, Sheet2 …) with the styles and shared strings (None:
    without that part), as a program other than Excel writes one: only the parts a workbook needs."""
    n = range(1, len(sheets) + 1)
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        f"xl/worksheets/sheet{i}.xml": (f"{ct}.worksheet+xml", "worksheet", xml)
        for i, xml in enumerate(sheets, start=1)
    }
    if styles is not None:
        parts["xl/styles.xml"] = (f"{ct}.styles+xml", "styles", styles)
    if shared is not None:
        table = f'<sst xmlns="{MAIN}" count="{len(shared)}">{"".join(shared)}</sst>'
        parts["xl/sharedStrings.xml"] = (f"{ct}.sharedStrings+xml", "sharedStrings", table)
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, (kind, _r, _x) in parts.items()
    )
    rels = "".join(
        f'<Relationship Id="rId{k}" Type="{REL}/{rel}" Target="{name.removeprefix("xl/")}"/>'
        for k, (name, (_k, rel, _x)) in enumerate(parts.items(), start=1)
    )
    properties = '<workbookPr date1904="1"/>' if date1904 else ""
    sheet_entries = "".join(f'<sheet name="Sheet{i}" sheetId="{i}" r:id="rId{i}"/>' for i in n)
    package_rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    files: dict[str, str | bytes] = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>{overrides}</Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package_rels}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">{properties}'
            f"<sheets>{sheet_entries}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package_rels}">{rels}</Relationships>',
        **{name: xml for name, (_k, _r, xml) in parts.items()},
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content if isinstance(content, bytes) else content.encode())
    return path


def sheet(rows: str, *, before: str = "", after: str = "", ns: str = MAIN) -> str:
    return f'<worksheet xmlns="{ns}" xmlns:r="{REL}">{before}<sheetData>{rows}</sheetData>{after}</worksheet>'


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


# Sheets the scan reads itself: its rows must be openpyxl's.
HELD = {
    "shared strings: plain, spaces kept, rich runs, phonetic runs, escapes, empty": sheet(
        "".join(
            f'<row r="{i + 1}"><c r="A{i + 1}" t="s"><v>{i}</v></c><c r="B{i + 1}" t="s"><v>-1</v></c></row>'
            for i in range(len(SHARED))
        )  # fmt: skip
    ),
    "inline strings": sheet(
        '<row r="1">'
        '<c r="A1" t="inlineStr"><is><t>甲</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t xml:space="preserve">  前后  </t></is></c>'
        '<c r="C1" t="inlineStr"><is><r><t>富</t></r>'
        '<r><rPr><b/></rPr><t xml:space="preserve"> 文本</t></r></is></c>'
        '<c r="D1" t="inlineStr"><is><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh></is></c>'
        '<c r="E1" t="inlineStr"><is/></c>'
        '<c r="F1" t="inlineStr"><is><t/></is></c>'
        '<c r="G1" t="inlineStr"><v>3</v></c>'
        '<c r="H1" t="inlineStr"/>'
        '<c r="I1" t="inlineStr"><is>\n  <t>缩进的</t>\n</is></c>'
        '<c r="J1" t="inlineStr"><is><t>一</t><t>二</t></is></c>'
        '<c r="K1" t="inlineStr"><is><t>行一\n行二\r\n&#13;回车</t></is></c>'
        '<c r="L1" t="inlineStr"><is><t><![CDATA[<不是标签> & 符号]]></t></is></c>'
        '<c r="M1" t="inlineStr"><is><t>_x005F_x000D_ 不转义</t></is></c>'
        "</row>"
    ),
    "every cell type": sheet(
        '<row r="1">'
        '<c r="A1" t="str"><f>A2&amp;"x"</f><v>公式文本</v></c>'
        '<c r="B1" t="e"><v>#DIV/0!</v></c>'
        '<c r="C1" t="b"><v>1</v></c><c r="D1" t="b"><v>0</v></c>'
        '<c r="E1" t="d"><v>2025-10-08</v></c><c r="F1" t="d"><v>2025-10-08T09:30:15</v></c>'
        '<c r="G1" t="d"><v>09:30:00</v></c><c r="H1" t="d"><v>2025-10-08T09:30:15.250Z</v></c>'
        '<c r="I1" t="n"><v>42</v></c><c r="J1"><v>-1.5</v></c><c r="K1"><v>1E3</v></c>'
        '<c r="L1"><v>2.5e-3</v></c><c r="M1"><v>007</v></c><c r="N1"><v> 8 </v></c>'
        '<c r="O1"><v>123456789012345678901234567890</v></c><c r="P1"><v>1.0</v></c>'
        '<c r="Q1" t="x-unknown"><v>原样</v></c><c r="R1" t=""><v>12</v></c>'
        "</row>"
        '<row r="2"><c r="A2"><v/></c><c r="B2"><v></v></c><c r="C2" t="s"><v/></c><c r="D2" t="str"><v/></c>'
        '<c r="E2"><v>1</v><v>2</v></c><c r="F2" t="inlineStr"><is><t>一</t></is><is><t>二</t></is></c>'
        '<c r="G2" t="inlineStr"><v>3</v><is><t>值</t></is></c><c r="H2"><f>1</f><v>4</v><is><t>x</t></is></c>'
        "</row>"
    ),
    "numbers with date, time and duration styles": sheet(
        '<row r="1">'
        + "".join(
            f'<c r="{c}1" s="{s}"><v>45678.75</v></c>' for c, s in zip("ABCDEFGH", range(8), strict=True)
        )
        + "</row>"
        '<row r="2">'
        + "".join(f'<c r="{c}2" s="{s}"><v>1</v></c>' for c, s in zip("ABCDEFGH", range(8), strict=True))
        + "</row>"
        f'<row r="3"><c r="A3" s="{DATE}"><v>60</v></c><c r="B3" s="{DATE}"><v>0.5</v></c>'
        f'<c r="C3" s="{DATE}"><v>-1</v></c><c r="D3" s="{DATE}"><v>3000000</v></c>'
        f'<c r="E3" s="{DURATION}"><v>1.0000001</v></c><c r="F3" s="{DATE}"><v>1e20</v></c>'
        f'<c r="G3" s="{DATE}" t="s"><v>0</v></c><c r="H3" s=""><v>5</v></c><c r="I3" s="0"><v>5</v></c>'
        f'<c r="J3" s="{DATE}" t="str"><v>45678</v></c></row>'
    ),
    "formulas with and without a cached value": sheet(
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1"><f>1+1</f></c>'
        '<c r="C1"><f t="shared" ref="C1:C3" si="0">A1*2</f><v>4</v></c>'
        '<c r="D1"><f t="array" ref="D1">SUM(A1:B1)</f><v>2</v></c>'
        '<c r="E1" t="str"><f>""</f><v></v></c></row>'
        '<row r="2"><c r="C2"><f t="shared" si="0"/><v>6</v></c><c r="D2"><v>3</v><f>1+2</f></c></row>'
    ),
    "cells and rows without r, gaps, disorder, repeats": sheet(
        '<row><c><v>1</v></c><c><v>2</v></c><c r="E1"><v>5</v></c><c><v>6</v></c></row>'  # row 1
        '<row r="3"><c r="C3"><v>3</v></c><c r="A3"><v>1</v></c></row>'  # out of order: A3 only
        '<row r="3"><c r="A3" t="str"><v>repeat</v></c></row>'  # a second row 3: skipped
        '<row><c r="B4" t="str"><v>after a repeat</v></c></row>'
        '<row r="2"><c r="A2" t="str"><v>late</v></c></row>'  # earlier than a row read: skipped
        '<row r="0"><c r="A1" t="str"><v>zero</v></c></row>'
        '<row r="7.0"><c r="B7" t="str"><v>float row number</v></c>'
        '<c r="b7" t="str"><v>lower case</v></c></row>'
        '<row r="9"/>'  # a row without cells
        '<row r="10" ht="30" customHeight="1"><c r="A10" s="4"/><c r="C10" s="4"/></row>'  # styled, empty
        '<row r="12"><c r="XFD12" t="str"><v>last column</v></c></row>'
        '<row r="13" hidden="1"><c r="A13" t="inlineStr"><is><t>隐藏</t></is></c></row>'
    ),
    "rows far below the first": sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
        '<row r="50"><c r="A50"><v>50</v></c></row>'
    ),
    "comments and processing instructions inside values": sheet(
        '<row r="1"><!-- 注释 --><c r="A1"><v>1<!-- x -->2</v></c><?pi x?>'
        '<c r="B1" t="inlineStr"><is><!-- y --><t>a<!--z-->b</t></is></c></row>'
    ),
    "the main namespace under a prefix": (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1">'
        '<x:c r="A1" t="inlineStr"><x:is><x:t>前缀</x:t>'
        '</x:is></x:c><x:c r="B1"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    ),
    "strict OOXML (openpyxl reads no row of it)": sheet('<row r="1"><c r="A1"><v>1</v></c></row>', ns=STRICT),
    "as Excel writes a sheet (compatibility namespaces, phonetic properties, x14 extensions)": (
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
        'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
        'xr:uid="{00000000-0001-0000-0000-000000000000}"><dimension ref="A1:C3"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"><selection activeCell="B2" sqref="B2"/>'
        '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="14.25" x14ac:dyDescent="0.2"/>'
        '<cols><col min="1" max="1" width="20.625" style="1" customWidth="1"/></cols><sheetData>'
        '<row r="1" spans="1:3" ht="20.25" customHeight="1" x14ac:dyDescent="0.2">'
        '<c r="A1" s="1" t="s"><v>0</v></c><c r="B1" t="s"><v>3</v></c><c r="C1" s="2"><v>45678</v></c></row>'
        '<row r="3" spans="1:3" x14ac:dyDescent="0.2"><c r="A3" t="s"><v>2</v></c><c r="B3"/>'
        '<c r="C3"><f>SUM(C1:C2)</f><v>45678</v></c></row></sheetData>'
        '<phoneticPr fontId="1" type="noConversion"/>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="portrait" r:id="rId1"/>'
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:dataValidation type="list"><x14:formula1><xm:f>Sheet2!$A$1:$A$3</xm:f></x14:formula1>'
        "<xm:sqref>B2:B100</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>"
    ),
    "what openpyxl reads besides the rows, all sound": sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>表头</t></is></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c></row>',
        before=(
            '<sheetPr><tabColor rgb="FFFF0000"/></sheetPr><dimension ref="A1"/>'
            '<sheetViews><sheetView workbookViewId="0" zoomScale="85"><pane ySplit="1" topLeftCell="A2" '
            'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            '<cols><col min="1" max="2" width="12" customWidth="1"/><col min="3" max="3" hidden="1"/></cols>'
        ),
        after=(
            '<sheetProtection sheet="1"/><autoFilter ref="A1:A2"/><mergeCells count="1">'
            '<mergeCell ref="B1:B2"/></mergeCells><conditionalFormatting sqref="A2"><cfRule type="cellIs" '
            'priority="1" operator="greaterThan"><formula>0</formula></cfRule></conditionalFormatting>'
            '<dataValidations count="1"><dataValidation type="list" sqref="A2"><formula1>"a,b"</formula1>'
            '</dataValidation></dataValidations><hyperlinks><hyperlink ref="A1" display="x"/></hyperlinks>'
            '<printOptions gridLines="1"/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
            'header="0.3" footer="0.3"/><pageSetup orientation="landscape" paperSize="9"/>'
            "<headerFooter><oddFooter>第 &amp;P 页</oddFooter></headerFooter>"
            '<rowBreaks count="1"><brk id="1" max="16383" man="1"/></rowBreaks>'
            '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}"/></extLst>'
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(HELD))
def test_hand_written_sheets_read_as_openpyxl_reads_them(tmp_path: Path, name: str) -> None:
    assert_same(package(tmp_path / "hand.xlsx", HELD[name]), held=True)


def test_hand_written_sheets_in_the_1904_date_system(tmp_path: Path) -> None:
    path = package(tmp_path / "1904.xlsx", HELD["numbers with date, time and duration styles"], date1904=True)
    assert_same(path, held=True)


def test_cells_without_a_style_when_the_first_style_is_a_date(tmp_path: Path) -> None:
    """A cell without s has style 0: some programs make that a date format, and openpyxl reads such a number
    as a date."""
    styles = STYLES.replace('<xf numFmtId="0" xfId="0"/>', '<xf numFmtId="14" xfId="0"/>', 1)
    assert styles != STYLES
    xml = sheet(
        '<row r="1"><c r="A1"><v>45678</v></c><c r="B1" s="0"><v>45678</v></c>'
        '<c r="C1" s=""><v>1</v></c></row>'
    )
    path = package(tmp_path / "date0.xlsx", xml, styles=styles)
    assert_same(path, held=True)
    assert isinstance(next(row_values(open_workbook(path).active))[0], dt.datetime)


def test_a_workbook_without_shared_strings_or_styles(tmp_path: Path) -> None:
    xml = HELD["every cell type"].replace('t="s"', 't="str"')
    assert_same(package(tmp_path / "bare.xlsx", xml, shared=None, styles=None), held=True)


# Sheets the scan leaves to openpyxl: its iteration gives the rows, or fails — here as there.
LEFT_TO_OPENPYXL = {
    "a DTD with an entity (xml.etree expands it)": (
        f'<!DOCTYPE worksheet [<!ENTITY co "有限公司">]><worksheet xmlns="{MAIN}"><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>湖南&co;</t></is></c></row></sheetData></worksheet>'
    ),
    "a number that is not one": sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>abc</v></c></row>'
    ),
    "a blank number": sheet('<row r="1"><c r="A1"><v> </v></c></row>'),
    "a shared string past the table": sheet('<row r="1"><c r="A1" t="s"><v>99</v></c></row>'),
    "a boolean written as a word": sheet('<row r="1"><c r="A1" t="b"><v>true</v></c></row>'),
    "an impossible ISO date": sheet('<row r="1"><c r="A1" t="d"><v>2025-13-01</v></c></row>'),
    "an absolute coordinate": sheet('<row r="1"><c r="$A$1"><v>1</v></c></row>'),
    "a coordinate with letters after digits": sheet('<row r="1"><c r="A1B"><v>1</v></c></row>'),
    "a coordinate of non-ASCII digits (openpyxl reads it)": sheet('<row r="1"><c r="B١"><v>1</v></c></row>'),
    "a column past ZZZ": sheet('<row r="1"><c r="AAAA1"><v>1</v></c></row>'),
    "a coordinate without its row number, in a column already seen": sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A"><v>2</v></c></row>'
    ),
    "a row number that is not one": sheet('<row r="x"><c r="A1"><v>1</v></c></row>'),
    "a fractional row number": sheet('<row r="2.5"><c r="A1"><v>1</v></c></row>'),
    "a style id that is not one": sheet(
        '<row r="1"><c r="A1" s="x" t="inlineStr"><is><t>a</t></is></c></row>'
    ),
    "an inline string with an attribute": sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is foo="1"><t>a</t></is></c></row>'
    ),
    "a column without min": sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>', before='<cols><col max="2"/></cols>'
    ),
    "a sheet view openpyxl refuses": sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>',
        before='<sheetViews><sheetView workbookViewId="0" zoomScale="大"/></sheetViews>',
    ),
    "a page setup openpyxl refuses, after the rows (find_header's rows still read)": sheet(
        "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 15)),
        after='<pageSetup orientation="sideways"/>',
    ),
    "a merged range openpyxl refuses": sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>', after='<mergeCells><mergeCell ref="甲乙"/></mergeCells>'
    ),
}


@pytest.mark.parametrize("name", sorted(LEFT_TO_OPENPYXL))
def test_what_the_scan_does_not_read_as_openpyxl_does_is_left_to_openpyxl(tmp_path: Path, name: str) -> None:
    assert_same(package(tmp_path / "odd.xlsx", LEFT_TO_OPENPYXL[name]), held=False)


def test_an_over_the_cap_dimension_is_refused_before_openpyxl_reads_anything(tmp_path: Path) -> None:
    """The <dimension> claims more rows than an import takes: refused from the sheet's head, with the size
    message, even when the styles are ones openpyxl could not read."""
    xml = sheet('<row r="1"><c r="A1"><v>1</v></c></row>', before='<dimension ref="A1:B200000"/>')
    path = package(tmp_path / "big.xlsx", xml, styles="<styleSheet><broken")
    with pytest.raises(ImportFileError, match="超过一次导入的上限"):
        open_workbook(path)


def test_a_sheet_in_gbk_is_refused_as_before(tmp_path: Path) -> None:
    """xml.etree reads no multi-byte encoding: openpyxl cannot open the workbook (lxml, in the scan,
    could)."""
    xml = (
        f'<?xml version="1.0" encoding="GBK"?><worksheet xmlns="{MAIN}"><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>中文</t></is></c></row></sheetData></worksheet>'
    ).encode("gbk")
    path = package(tmp_path / "gbk.xlsx", xml)
    with pytest.raises(ValueError, match="Unable to read workbook"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no default style
        load_workbook(path, read_only=True, data_only=True)
    with pytest.raises(ImportFileError, match="已损坏"):
        open_workbook(path)


def test_more_merged_ranges_than_kept_are_left_to_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    merges = "".join(f'<mergeCell ref="B{n}:C{n}"/>' for n in range(1, 6))
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 6))
    path = package(
        tmp_path / "merges.xlsx", sheet(rows, after=f'<mergeCells count="5">{merges}</mergeCells>')
    )
    assert_same(path, held=True)
    monkeypatch.setattr(sheet_scan, "MAX_MERGES", 4)
    assert_same(path, held=False)


def test_past_the_budget_of_held_cells_a_sheet_is_left_to_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The values of one workbook's sheets are held up to MAX_HELD_CELLS; the sheets past it read as
    before."""
    rows = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="D{n}"><v>{n}</v></c></row>' for n in range(1, 11)
    )
    path = package(
        tmp_path / "budget.xlsx", sheet(rows), sheet(rows), sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    )
    monkeypatch.setattr(sheet_scan, "MAX_HELD_CELLS", 50)  # one sheet is 10 rows of 4 cells
    assert_same(path, held={"Sheet1": True, "Sheet2": False, "Sheet3": True})


def test_a_row_numbered_past_excel_s_last_is_left_to_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = package(
        tmp_path / "far.xlsx",
        sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="30"><c r="A30"><v>30</v></c></row>'),
    )
    assert_same(path, held=True)
    monkeypatch.setattr(sheet_scan, "MAX_ROW", 20)
    assert_same(path, held=False)


def test_held_values_serve_only_the_workbook_they_were_read_with(tmp_path: Path) -> None:
    path = package(tmp_path / "one.xlsx", HELD["every cell type"])
    wb = open_workbook(path)
    ws = wb.active
    assert held_rows(ws) is not None
    ws._shared_strings = list(ws._shared_strings)  # another table of strings than the one read with
    assert held_rows(ws) is None
    wb.close()
    wb = open_workbook(path)
    wb.active._max_row = 3  # a sheet bounded again: openpyxl's iteration stops at its dimension
    assert held_rows(wb.active) is None
    wb.close()


# ---------------------------------------------------------------- generated grids

_TEXT = st.text(  # characters XML allows
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"), max_size=8
).filter(lambda s: all(ord(ch) >= 0x20 or ch in "\t\n\r" for ch in s))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


@st.composite
def _cell(draw: st.DrawFn) -> str:
    """One <c> without its r: a type, a style and a value of that type, often odd."""
    kind = draw(
        st.sampled_from(["n", "int", "s", "inline", "rich", "str", "e", "b", "d", "empty", "formula"])
    )
    style = draw(st.sampled_from(["", ' s="0"', *(f' s="{s}"' for s in range(1, 8))]))
    if kind == "n":
        number = draw(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.floats(-1e6, 3e6)))
        return f"{style}><v>{number!r}</v>"
    if kind == "int":
        return f"{style}><v>{draw(st.integers(-(10**20), 10**20))}</v>"
    if kind == "s":
        return f'{style} t="s"><v>{draw(st.integers(-len(SHARED), len(SHARED) - 1))}</v>'
    if kind == "inline":
        space = draw(st.sampled_from(["", ' xml:space="preserve"']))
        return f'{style} t="inlineStr"><is><t{space}>{_escape(draw(_TEXT))}</t></is>'
    if kind == "rich":
        runs = "".join(f"<r><t>{_escape(t)}</t></r>" for t in draw(st.lists(_TEXT, max_size=3)))
        return f'{style} t="inlineStr"><is>{runs}</is>'
    if kind in ("str", "e"):
        return f'{style} t="{kind}"><f>A1</f><v>{_escape(draw(_TEXT))}</v>'
    if kind == "b":
        return f'{style} t="b"><v>{draw(st.sampled_from(["0", "1"]))}</v>'
    if kind == "d":
        moment = draw(st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(9999, 1, 1)))
        timespec = draw(st.sampled_from(["seconds", "milliseconds"]))
        return f'{style} t="d"><v>{moment.isoformat(timespec=timespec)}</v>'
    if kind == "empty":
        return f"{style}>"
    return f"{style}><f>1+1</f>"


@st.composite
def _sheet_xml(draw: st.DrawFn) -> str:
    rows = []
    row_no = 0
    for _ in range(draw(st.integers(0, 8))):
        row_no += draw(st.sampled_from([1, 1, 1, 2, 5, 0, -1]))  # gaps, repeats, going back
        r = f' r="{row_no}"' if draw(st.booleans()) or row_no < 1 else ""
        cells = []
        col = 0
        for _ in range(draw(st.integers(0, 6))):
            col = max(1, col + draw(st.sampled_from([1, 1, 2, 4, -1])))
            ref = f' r="{_letters(col)}{max(row_no, 1)}"' if draw(st.booleans()) else ""
            cells.append(f"<c{ref}{draw(_cell())}</c>")
        rows.append(f"<row{r}>{''.join(cells)}</row>")
    return sheet("".join(rows))


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sheet_xml(), st.booleans())
def test_generated_grids_read_as_openpyxl_reads_them(xml: str, date1904: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = package(Path(folder) / f"{uuid.uuid4().hex}.xlsx", xml, date1904=date1904)
        ours, from_scan = scanned_rows(path, "Sheet1")
        assert ours == openpyxl_rows(path, "Sheet1")
        assert from_scan  # nothing generated is left to openpyxl


def test_footers_start_with_a_hanzi_so_ascii_text_is_never_one() -> None:
    """is_footer skips cleaning ASCII text (every 学号 of a roster): no footer word may start otherwise."""
    assert all(not prefix[0].isascii() for prefix in FOOTER_PREFIXES)
    assert is_footer(["合计", 3]) and is_footer([None, " 注：本表…"]) and is_footer(["\u200b备注"])
    assert not is_footer(["2023000001", "合计"]) and not is_footer([" Total ", None]) and not is_footer([12])
