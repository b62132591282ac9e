"""The 台账's rows are written as sheet XML by app/io/ledger_export.py (_Rows) rather than through openpyxl's
cells: compared here with what openpyxl's write-only mode writes for the same cells (values, types, styles,
row heights), and, on a real export, text that a spreadsheet would run stays text (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment

from app.db.engine import Database
from app.errors import Cancelled
from app.io.ledger_export import (
    _BODY,
    _BOLD,
    _BORDER,
    LINE_HEIGHT,
    MONEY_FORMAT,
    SHEET,
    _columns,
    _Rows,
    export_ledger,
    save_with_rows,
    text_lines,
)
from app.io.xlsx import DATE_FORMAT, safe_text
from app.services.funds import LedgerData, budget_categories, create_ledger_entry
from app.services.projects import ProjectData, create_project

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RISKY = ("=", "+", "-", "@", "#", "\t", "\r", "\n")

LINES: list[tuple[list[object], bool]] = [
    ([dt.date(2025, 3, 1), "记-03-0001", "=cmd|' /C calc'!A0", "智能制造订单班", "+购买耗材", "材料",
      None, 1234.56, -0.01], False),
    ([dt.date(2024, 2, 29), "", "  前后有空格  ", "@某航空公司", "-差旅", "#N/A", 100_000.0, None, 0.0], False),
    ([dt.date(2016, 1, 1), "a&b<c>d\"e'f", "第一行\r\n第二行\n第三行", "\t制表开头", "控制\x01字符\x1f去掉",
      "湖南湘麓职业技术学院计划财务处" * 4, 12_345_678_901.23, 0.1 + 0.2, Decimal("98765.43")], False),
    (["小计", None, "材料 小计", None, None, "材料", 0, 2234.57, None], True),
    (["合计", None, "合计（余额为期末余额）", "", None, None, 100_000.0, 2234.56, 97_765.44], True),
    ([dt.date(2025, 12, 31), "记-12-0001", "x" * 40_000, "𠀀生僻字", "长沙市岳麓区精工五金机电经营部", "差旅",
      None, 5.0, 1e15 / 100], False),
]  # fmt: skip


def reference_cell(ws: object, kind: str, value: object, *, bold: bool) -> WriteOnlyCell:
    """A cell as openpyxl makes it: styled like the ledger's, text set as text (quote prefix when it starts
    like a formula), everything else through Cell.value."""
    cell = WriteOnlyCell(ws)
    cell.border, cell.font = _BORDER, _BOLD if bold else _BODY
    if kind == "date":
        cell.number_format = DATE_FORMAT
        cell.alignment = Alignment(horizontal="center", vertical="center")
    elif kind == "money":
        cell.number_format = MONEY_FORMAT
        cell.alignment = Alignment(vertical="center")
    elif kind == "center":
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    else:
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    if isinstance(value, str):
        text = safe_text(value)
        cell.value = text or None
        cell.data_type = "s"
        cell.quotePrefix = text.startswith(RISKY)
    else:
        cell.value = value
    return cell


def reference_file(path: Path) -> Path:
    cols = _columns(with_project=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("经费台账")
    for row, (values, bold) in enumerate(LINES, start=1):
        wrapped = [text_lines(v, c.width) for v, c in zip(values, cols, strict=True)
                   if c.kind in ("wrap", "center") and isinstance(v, str)]  # fmt: skip
        lines = max([1, *wrapped])
        if lines > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * min(lines, 10) + 2
        ws.append([reference_cell(ws, c.kind, v, bold=bold) for v, c in zip(values, cols, strict=True)])
    wb.save(path)
    return path


def our_file(path: Path) -> Path:
    cols = _columns(with_project=True)
    wb = Workbook()
    rows = _Rows(wb.active, cols, 1)
    for values, bold in LINES:
        rows.append(values, bold=bold)
    save_with_rows(wb, path, rows.flush)
    return path


def resolved_rows(path: Path) -> list[tuple]:
    """Every row's attributes and cells, each cell's style number replaced by what it stands for."""
    with zipfile.ZipFile(path) as z:
        styles = etree.fromstring(z.read("xl/styles.xml"))
        sheet = etree.fromstring(z.read(SHEET))
    formats = {f.get("numFmtId"): f.get("formatCode") for f in styles.iter(NS + "numFmt")}
    fonts = [etree.tostring(f, method="c14n") for f in styles.find(NS + "fonts")]
    borders = [etree.tostring(b, method="c14n") for b in styles.find(NS + "borders")]
    xfs = []
    for xf in styles.find(NS + "cellXfs"):
        align = xf.find(NS + "alignment")
        xfs.append((formats.get(xf.get("numFmtId"), xf.get("numFmtId")), fonts[int(xf.get("fontId"))],
                    borders[int(xf.get("borderId"))], xf.get("quotePrefix"),
                    b"" if align is None else etree.tostring(align, method="c14n")))  # fmt: skip
    out = []
    for row in sheet.iter(NS + "row"):
        cells = []
        for c in row:
            style = xfs[int(c.attrib.pop("s"))]
            cells.append((style, etree.tostring(c, method="c14n")))
        out.append((dict(row.attrib), cells))
    return out


def test_rows_are_what_openpyxl_writes(tmp_path: Path) -> None:
    ours = resolved_rows(our_file(tmp_path / "ours.xlsx"))
    reference = resolved_rows(reference_file(tmp_path / "openpyxl.xlsx"))
    assert len(ours) == len(LINES)
    for mine, theirs in zip(ours, reference, strict=True):
        assert mine == theirs
    assert ours[2][0].get("ht")  # a row whose long text wraps has its height, as the reference


def test_rows_read_back(tmp_path: Path) -> None:
    path = our_file(tmp_path / "ours.xlsx")
    with zipfile.ZipFile(path) as z:
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}  # the rows' part too
    ws = load_workbook(path).active
    first, second, third = (ws[r] for r in (1, 2, 3))
    assert first[0].value == dt.datetime(2025, 3, 1) and first[0].number_format == DATE_FORMAT
    assert first[2].value == "=cmd|' /C calc'!A0" and first[2].data_type == "s" and first[2].quotePrefix
    assert second[1].value is None and second[2].value == "  前后有空格  " and not second[2].quotePrefix
    assert second[5].value == "#N/A" and second[5].data_type == "s" and second[5].quotePrefix
    assert third[1].value == "a&b<c>d\"e'f" and third[2].value == "第一行\r\n第二行\n第三行"
    assert third[4].value == "控制字符去掉" and third[6].value == 12_345_678_901.23
    # %.16g, as openpyxl writes numbers (0.1 + 0.2 is 0.30000000000000004)
    assert third[7].value == 0.3 and third[8].value == 98765.43 and third[5].alignment.wrap_text
    assert ws["A4"].font.b and ws["H4"].value == 2234.57 and ws["H4"].number_format == MONEY_FORMAT
    assert len(ws["C6"].value) == 32767 and ws["C6"].value.endswith("请在软件中查看）")
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_characters_xml_cannot_hold_are_dropped(tmp_path: Path) -> None:
    """U+FFFE / U+FFFF (openpyxl refuses to write them at all) go, as the control characters do."""
    wb = Workbook()
    rows = _Rows(wb.active, _columns(with_project=False), 1)
    rows.append([None, "记\ufffe-01", "摘要\uffff", "=\ufffe对方", None, None, None, None])
    save_with_rows(wb, tmp_path / "x.xlsx", rows.flush)
    cells = load_workbook(tmp_path / "x.xlsx").active[1]
    assert [c.value for c in cells[1:4]] == ["记-01", "摘要", "=对方"] and cells[3].quotePrefix


# ---------------------------------------------------------------- a real export


@pytest.mark.both_backends
def test_exported_text_never_runs(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        cats = {c.name: c.id for c in budget_categories(s)}
        p = create_project(s, ProjectData(name='=HYPERLINK("x")', kind="订单培养", leader="王强")).ids[0]
        for i, start in enumerate(RISKY[:5]):  # (the services trim a leading tab or line break)
            create_ledger_entry(s, LedgerData(dt.date(2025, 1, 1 + i), "支出", 100 + i, p, cats["材料"],
                                              f"{start}凭证", f"{start}对方", f"{start}摘要"))  # fmt: skip
    path = tmp_path / "台账.xlsx"
    with db.reader() as s:
        assert export_ledger(s, path).entries == 5
    ws = load_workbook(path).active
    texts = [c for row in ws.iter_rows(min_row=4) for c in row if isinstance(c.value, str)]
    risky = [c for c in texts if c.value.startswith(RISKY)]
    assert len(risky) == 5 * 4  # 凭证号, 摘要, 项目, 对方单位 of each entry
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
    assert not any(c.quotePrefix for c in texts if not c.value.startswith(RISKY))
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


@pytest.mark.both_backends
def test_cancelled_midway_leaves_nothing(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        p = create_project(s, ProjectData(name="智能制造订单班", kind="订单培养", leader="王强")).ids[0]
        for i in range(2000):
            create_ledger_entry(
                s, LedgerData(dt.date(2025, 1, 1) + dt.timedelta(days=i % 300), "收入", i + 1, p)
            )
    cancel = threading.Event()
    seen = []
    out = tmp_path / "out"
    out.mkdir()

    def progress(fraction: float, _message: str) -> None:
        seen.append(fraction)
        if fraction > 0.5:  # the rows of the first 900 entries are written: stop before the second chunk
            cancel.set()

    with db.reader() as s, pytest.raises(Cancelled):
        export_ledger(s, out / "台账.xlsx", progress=progress, cancel=cancel)
    assert max(seen) > 0.8 and list(out.iterdir()) == []
