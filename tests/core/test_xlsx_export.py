"""Excel export and template of 合作企业, and the writing helpers: files read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.db.engine import Database, open_database
from app.errors import AppError, Cancelled
from app.io.enterprises_xlsx import (
    HEADERS,
    export_enterprises,
    format_contact,
    import_enterprises,
    parse_contacts,
    read_enterprises,
    write_template,
)
from app.io.xlsx import discard_workbook, display_width, save_workbook_atomic, write_cell
from app.services.enterprise_list import EnterpriseQuery, enterprise_ids
from app.services.enterprises import (
    ContactData,
    EnterpriseData,
    create_enterprise,
    delete_enterprises,
    get_enterprise,
    normalized,
)
from tests.codes import failed_check, valid_uscc

REPO = Path(__file__).resolve().parents[2]
code = valid_uscc


FULL = EnterpriseData(
    name="湖南湘江智能装备有限公司",
    uscc=code(1),
    short_name="湘江智能",
    industry="智能制造",
    region="长沙市岳麓区",
    address="湖南省长沙市岳麓区麓谷大道100号",
    legal_representative="欧阳建国",
    staff_count=860,
    scale="中型",
    categories=("行业龙头企业", "校友企业"),
    status="合作中",
    cooperation_start=dt.date(2019, 9, 1),
    website="https://www.example.com",
    note="第一行备注\n第二行备注",
    contacts=(
        ContactData(name="欧阳明", title="人力资源部经理", phone="13973112345", email="oym@example.com"),
        ContactData(name="李娜", title="技术总监", phone="0731-88880000"),
        ContactData(name="王强", email="wq@example.com"),
    ),
)
OTHERS = (
    EnterpriseData(name="长沙某某软件有限公司", uscc=failed_check(2), uscc_confirmed=True, status="意向"),
    EnterpriseData(
        name="株洲某某机电有限公司",
        status="已解除",
        status_reason="企业搬迁，双方协商解除",
        status_date=dt.date(2024, 6, 30),
        scale="小型",
        categories=("上市公司",),
    ),
    EnterpriseData(name="岳阳某某生物科技有限公司", status="暂停", contacts=(ContactData(name="赵六"),)),
)
NASTY = ('=HYPERLINK("http://evil.example","点我")', "@SUM(A1:A2)", "+1", "-1", "#N/A", "\t=1+1", "=1+1")


def fill(db: Database, *datas: EnterpriseData) -> list[str]:
    with db.session() as s:
        return [create_enterprise(s, d).ids[0] for d in datas]


def export(db: Database, path: Path, query: EnterpriseQuery | None = None, **kw: object) -> int:
    with db.reader() as s:
        return export_enterprises(s, path, query, **kw)  # type: ignore[arg-type]


def comparable(db: Database) -> list[EnterpriseData]:
    """Every live enterprise as plain data, without ids and timestamps, in name order."""
    with db.reader() as s:
        details = [get_enterprise(s, i) for i in enterprise_ids(s)]
    return sorted(
        (
            EnterpriseData(
                **{
                    f: getattr(d, f)
                    for f in EnterpriseData.__dataclass_fields__
                    if f not in ("categories", "contacts")
                },
                categories=tuple(sorted(d.categories)),
                contacts=tuple(ContactData(c.name, c.title, c.phone, c.email, c.note) for c in d.contacts),
            )
            for d in details
        ),
        key=lambda d: d.name,
    )


# ---------------------------------------------------------------- export


def test_export_layout(db: Database, tmp_path: Path) -> None:
    fill(db, FULL, *OTHERS)
    path = tmp_path / "导出.xlsx"
    assert export(db, path) == 4
    wb = load_workbook(path)
    ws = wb["合作企业"]
    assert wb.sheetnames == ["合作企业"]
    assert tuple(c.value for c in ws[1]) == HEADERS
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(HEADERS)).column_letter}5"
    assert ws.column_dimensions["A"].width > ws.column_dimensions["C"].width
    cells = next(r for r in ws.iter_rows(min_row=2) if r[0].value == FULL.name)
    row = dict(zip(HEADERS, cells, strict=True))
    assert (
        row["合作开始日期"].value == dt.datetime(2019, 9, 1)
        and row["合作开始日期"].number_format == "yyyy-mm-dd"
    )
    assert row["联系电话"].value == "13973112345" and row["联系电话"].data_type == "s"
    assert row["企业类别"].value == "行业龙头企业、校友企业"
    assert row["法定代表人"].value == "欧阳建国" and row["在岗职工总数"].value == 860
    assert row["其他联系人"].value == "李娜（技术总监） 0731-88880000；王强 wq@example.com"
    assert row["备注"].value == "第一行备注\n第二行备注"
    confirmed = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == OTHERS[0].name)
    assert confirmed[2] == "是"


def test_export_formula_safety(db: Database, tmp_path: Path) -> None:
    fill(db, *(EnterpriseData(name=f"公司{i}", short_name=t, note=t) for i, t in enumerate(NASTY)))
    path = tmp_path / "安全.xlsx"
    export(db, path)
    ws = load_workbook(path, data_only=False)["合作企业"]
    columns = {HEADERS.index("简称") + 1, HEADERS.index("备注") + 1}
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.column in columns]
    stored = [normalized(EnterpriseData(name="x", short_name=t, note=t)) for t in NASTY]
    assert sorted(c.value for c in cells) == sorted([d.short_name for d in stored] + [d.note for d in stored])
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)  # Excel keeps them text even when the cell is edited
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and 't="e"' not in sheet


def test_write_cell_keeps_text_text_and_dates_dates(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    values = ("=SUM(1,2)", "-1", "#DIV/0!", "a\x07b", "\t=1", dt.date(2025, 1, 2), 42, None)
    for col, value in enumerate(values, 1):
        write_cell(ws, 1, col, value)
    save_workbook_atomic(wb, tmp_path / "c.xlsx")
    back = load_workbook(tmp_path / "c.xlsx")
    cells = list(back.active[1])
    assert [(c.value, c.data_type) for c in cells[:5]] == [
        ("=SUM(1,2)", "s"),
        ("-1", "s"),
        ("#DIV/0!", "s"),
        ("ab", "s"),
        ("\t=1", "s"),
    ]
    assert cells[5].value == dt.datetime(2025, 1, 2) and cells[5].number_format == "yyyy-mm-dd"
    assert cells[6].value == 42 and cells[6].data_type == "n"


def test_export_query_and_deleted(db: Database, tmp_path: Path) -> None:
    ids = fill(db, FULL, *OTHERS)
    with db.session() as s:
        delete_enterprises(s, [ids[1]])
    assert export(db, tmp_path / "全部.xlsx") == 3
    assert export(db, tmp_path / "合作中.xlsx", EnterpriseQuery(status="合作中")) == 1
    names = [
        r[0] for r in load_workbook(tmp_path / "合作中.xlsx").active.iter_rows(min_row=2, values_only=True)
    ]
    assert names == [FULL.name]
    assert export(db, tmp_path / "回收站.xlsx", EnterpriseQuery(deleted=True)) == 1


def test_export_mask_phones(db: Database, tmp_path: Path) -> None:
    fill(db, FULL)
    export(db, tmp_path / "m.xlsx", mask_phones=True)
    row = next(load_workbook(tmp_path / "m.xlsx").active.iter_rows(min_row=2, values_only=True))
    assert row[HEADERS.index("联系电话")] == "139****2345"
    assert "073*-****0000" in row[HEADERS.index("其他联系人")]


def test_round_trip_gives_equal_data(db: Database, tmp_path: Path) -> None:
    fill(db, FULL, *OTHERS, *(EnterpriseData(name=f"公司{i}", short_name=t) for i, t in enumerate(NASTY)))
    path = tmp_path / "往返.xlsx"
    export(db, path)
    other = open_database(tmp_path / "other" / "b.db")
    try:
        with other.session() as s:
            preview = read_enterprises(s, path)
            assert not preview.errors and not preview.warnings
            import_enterprises(s, preview)
        assert comparable(other) == comparable(db)
    finally:
        other.close()


def test_export_into_the_same_database_is_the_archive_as_it_is(db: Database, tmp_path: Path) -> None:
    """Re-importing an export: every row is an enterprise already in the archive (#18: skipped or updated, not
    an error), and 更新 would change nothing."""
    fill(db, FULL)
    export(db, tmp_path / "x.xlsx")
    with db.reader() as s:
        preview = read_enterprises(s, tmp_path / "x.xlsx")
    assert not preview.errors and preview.new_rows == ()
    (row,) = preview.existing_rows
    assert preview.existing[row.row].by == "code" and preview.existing[row.row].changes == ()


def test_other_contacts_text_round_trip() -> None:
    contacts = [
        ContactData("李娜", "技术总监", "0731-88880000", "ln@example.com"),
        ContactData("王强", phone="139 0000 1111"),
    ]
    text = "；".join(format_contact(c) for c in contacts)
    assert text == "李娜（技术总监） 0731-88880000 ln@example.com；王强 139 0000 1111"
    assert parse_contacts(text) == contacts


# ---------------------------------------------------------------- saving, cancelling


def test_export_replaces_atomically_and_leaves_no_temp(db: Database, tmp_path: Path) -> None:
    fill(db, FULL)
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    export(db, path)
    assert load_workbook(path).active.max_row == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["out.xlsx"]


def test_file_open_in_excel_gives_a_clear_error(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.fsutil

    fill(db, FULL)
    path = tmp_path / "open.xlsx"
    path.write_bytes(b"old")
    monkeypatch.setattr(app.fsutil, "REPLACE_RETRY_SECONDS", 0.0, raising=False)

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(AppError, match="正被其他程序打开") as e:
        export(db, path)
    assert "open.xlsx" in e.value.message
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["open.xlsx"]


def test_cancel_export_leaves_nothing(db: Database, tmp_path: Path) -> None:
    fill(db, FULL)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        export(db, tmp_path / "c.xlsx", cancel=cancel)
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []


def test_discard_removes_the_write_only_temp_file() -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("t")
    ws.append(["a", 1])
    out = Path(ws._writer.out)
    assert out.exists()
    discard_workbook(wb)
    assert not out.exists()


def test_display_width_counts_cjk_double() -> None:
    assert display_width("abc") == 3
    assert display_width("企业") == 4
    assert display_width("第一行\nab") == 6
    assert display_width(dt.date(2025, 1, 1)) == 10


# ---------------------------------------------------------------- template


def test_template_headers_notes_and_validations(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    write_template(path)
    wb = load_workbook(path)
    ws = wb.active
    assert ws.title == "合作企业"
    assert "必填" in ws["A1"].value
    assert tuple(c.value for c in ws[2]) == HEADERS
    assert ws["A2"].comment is not None and "必填" in ws["A2"].comment.text
    assert ws.freeze_panes == "A3"
    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    column = {h: ws.cell(row=2, column=i).column_letter for i, h in enumerate(HEADERS, 1)}

    def listed(header: str) -> list[str]:
        dv = validations[f"{column[header]}3"]
        assert dv.type == "list"
        return dv.formula1.strip('"').split(",")

    assert listed("合作状态") == ["意向", "合作中", "暂停", "已解除"]
    assert listed("企业规模") == ["大型", "中型", "小型", "微型"]
    assert "校友企业" in listed("企业类别")
    assert validations[f"{column['企业类别']}3"].errorStyle == "information"  # several, separated by 、
    assert listed("已核对营业执照") == ["是", "否"]
    assert ws.column_dimensions[column["统一社会信用代码"]].number_format == "@"
    with db.reader() as s:
        preview = read_enterprises(s, path)
    assert preview.header_row == 2 and preview.rows == ()


def test_template_filled_in_imports(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    write_template(path)
    wb = load_workbook(path)
    ws = wb.active
    values = {
        "企业名称": "湖南模板填写有限公司",
        "统一社会信用代码": code(9),
        "合作状态": "合作中",
        "联系人": "张三",
        "联系电话": "13900000009",
    }
    for i, h in enumerate(HEADERS, 1):
        ws.cell(row=3, column=i, value=values.get(h))
    wb.save(path)
    with db.session() as s:
        preview = read_enterprises(s, path)
        assert [r.row for r in preview.valid_rows] == [3], preview.errors
        assert import_enterprises(s, preview).count == 1


# ---------------------------------------------------------------- CLI


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHANJIAO_HOME": str(tmp_path / "cli-home"), "PYTHONIOENCODING": "utf-8"}
    env.pop("CHANJIAO_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_cli_export_and_template(tmp_path: Path) -> None:
    db_file = tmp_path / "cli.db"
    database = open_database(db_file)
    try:
        fill(database, FULL, *OTHERS)
    finally:
        database.close()
    out = tmp_path / "cli导出.xlsx"
    done = run_cli(tmp_path, "export", "enterprises", str(out), "--db", str(db_file))
    assert done.returncode == 0, done.stderr
    assert "4" in done.stdout
    assert load_workbook(out).active.max_row == 5
    template = tmp_path / "cli模板.xlsx"
    done = run_cli(tmp_path, "template", "enterprises", str(template))
    assert done.returncode == 0, done.stderr
    assert tuple(c.value for c in load_workbook(template).active[2]) == HEADERS


def test_export_and_template_print_on_a4_landscape(db: Database, tmp_path: Path) -> None:
    """Printed from Excel/WPS: A4 landscape, readable width (a wide sheet spreads over a few pages with its
    first column repeated), header rows on every page, page numbers in the footer."""
    fill(db, EnterpriseData(name="湖南打印测试有限公司", uscc=code(77)))
    export(db, tmp_path / "e.xlsx")
    write_template(tmp_path / "t.xlsx")
    for name, titles in (("e.xlsx", "$1:$1"), ("t.xlsx", "$1:$2")):
        ws = load_workbook(tmp_path / name).active
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(ws.page_setup.fitToHeight) == 0
        assert ws.print_title_rows == titles
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    ws = load_workbook(tmp_path / "e.xlsx").active
    assert int(ws.page_setup.fitToWidth) >= 2 and ws.print_title_cols == "$A:$A"


def test_a_text_over_the_cell_limit_is_marked_never_cut_silently(db: Database, tmp_path: Path) -> None:
    """A 备注 stored before the length limits (or any text over Excel's 32,767 characters) was cut silently;
    now its cell ends saying it was cut and how long the whole is."""
    from sqlalchemy import update

    from app.db.models import Enterprise
    from app.io.xlsx import EXCEL_TEXT_LIMIT

    [eid] = fill(db, EnterpriseData(name="湖南旧数据有限公司"))
    with db.session() as s:  # an old record: written before the limits, around the service
        s.execute(update(Enterprise).where(Enterprise.id == eid).values(note="备" * 40_000 + "尾"))
    path = tmp_path / "导出.xlsx"
    export(db, path)
    ws = load_workbook(path)["合作企业"]
    note = dict(zip(HEADERS, next(ws.iter_rows(min_row=2, values_only=True)), strict=True))["备注"]
    assert len(note) == EXCEL_TEXT_LIMIT and note.startswith("备" * 30_000)
    assert note.endswith("以下已截断；原文共 40001 字，请在软件中查看）")
    wb = Workbook()
    cell = write_cell(wb.active, 1, 1, "长" * 32_767)  # at the limit: whole, no mark
    assert cell.value == "长" * 32_767
