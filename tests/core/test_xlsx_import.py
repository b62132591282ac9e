"""Excel import of 合作企业: real .xlsx files built with openpyxl, read back against a real SQLite file."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import struct
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

import app.io.enterprises_xlsx as ex
from app.db.engine import Database
from app.db.models import AuditLog, Contact, Enterprise
from app.errors import AppError, Cancelled, ImportFileError
from app.io.enterprises_xlsx import import_enterprises, read_enterprises
from app.io.xlsx import cell_bool, cell_date, cell_text, find_header, header_key, open_workbook
from app.services import enterprises as svc
from app.services.enterprises import (
    ContactData,
    EnterpriseData,
    create_enterprise,
    delete_enterprises,
    get_enterprise,
)
from tests.codes import failed_check as bad_check
from tests.codes import valid_uscc

REPO = Path(__file__).resolve().parents[2]
code = valid_uscc


HEAD = ["企业名称", "统一社会信用代码", "合作状态", "联系人", "联系电话"]


def make_xlsx(path: Path, rows: list[list[object]], *, title: str | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
        ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def read(db: Database, path: Path, **kw: object) -> ex.ImportPreview:
    with db.reader() as s:
        return read_enterprises(s, path, **kw)


def counts(db: Database) -> tuple[int, int]:
    with db.reader() as s:
        return (
            s.scalar(select(func.count()).select_from(Enterprise)) or 0,
            s.scalar(select(func.count()).select_from(AuditLog)) or 0,
        )


def add(db: Database, name: str, uscc: str = "", **kw: object) -> str:
    with db.session() as s:
        return create_enterprise(s, EnterpriseData(name=name, uscc=uscc, **kw)).ids[0]  # type: ignore[arg-type]


# ---------------------------------------------------------------- header and rows


def test_header_below_merged_title_aliases_footers_and_blank_rows(db: Database, tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "名单.xlsx",
        [
            [
                "序号",
                "单位名称（必填）",
                "社会信用代码*",
                "联系人姓名",
                "手机",
                "类别",
                "状态",
                "开始合作时间",
                "无关列",
            ],
            [
                1,
                "湖南甲科技有限公司",
                code(1),
                "张三",
                "13900000001",
                "上市公司、校友企业",
                "合作中",
                "2024-09",
                "x",
            ],
            [2, None, None, None, None, None, None, None, None],
            [3, "湖南乙科技有限公司", None, None, None, None, None, None, None],
            [None, None, None, None, None, None, None, None, None],
            ["合计", "2家", None, None, None, None, None, None, None],
            ["填表人：李四", None, None, None, None, None, None, None, None],
        ],
        title="2025年合作企业名单",
    )
    p = read(db, path)
    assert p.header_row == 3
    assert p.headers == (
        "单位名称（必填）",
        "社会信用代码*",
        "联系人姓名",
        "手机",
        "类别",
        "状态",
        "开始合作时间",
    )
    assert [r.row for r in p.rows] == [4, 6]
    assert not p.errors
    first = p.rows[0].data
    assert first is not None
    assert first.uscc == code(1)
    assert first.categories == ("上市公司", "校友企业")
    assert first.cooperation_start == dt.date(2024, 9, 1)
    assert first.contacts == (ContactData(name="张三", phone="13900000001"),)
    assert p.rows[0].values["单位名称（必填）"] == "湖南甲科技有限公司"
    assert p.rows[1].data is not None and p.rows[1].data.status == "意向"


def test_header_matching_ignores_spaces_stars_notes_and_full_width() -> None:
    assert header_key(" 企业 名称 （必填）* ") == "企业名称"
    assert header_key("ＥＭＡＩＬ") == "email"
    assert header_key("统一社会信用代码【18位】") == "统一社会信用代码"


def test_no_header_names_the_file_and_the_missing_column(db: Database, tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "无表头.xlsx", [["名称", "代码"], ["甲公司", "123"]])
    with pytest.raises(ImportFileError) as e:
        read(db, path)
    assert "无表头.xlsx" in e.value.message and "企业名称" in e.value.message


def test_header_found_on_a_later_sheet(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["说明：本文件共两页"])
    ws = wb.create_sheet("企业")
    ws.append(["企业名称"])
    ws.append(["湖南丙有限公司"])
    wb.save(tmp_path / "两页.xlsx")
    p = read(db, tmp_path / "两页.xlsx")
    assert [r.data.name for r in p.valid_rows] == ["湖南丙有限公司"]  # type: ignore[union-attr]


# ---------------------------------------------------------------- values


def test_numbers_as_text_and_text_as_numbers_and_full_width(db: Database, tmp_path: Path) -> None:
    spaced = " ".join([code(2)[:6], code(2)[6:12], code(2)[12:]]).lower()
    path = make_xlsx(
        tmp_path / "a.xlsx",
        [
            HEAD + ["已核对营业执照"],
            ["ＡＢＣ科技　有限公司", spaced, "合作中", "王五", 13900000002, None],
            ["湖南丁有限公司", f"\u3000{code(3)} ", None, "赵六", 13900000003.0, "否"],
            ["湖南戊有限公司", None, None, "钱七", "０７３１－８８８８００００", None],
        ],
    )
    p = read(db, path)
    assert not p.errors
    a, b, c = (r.data for r in p.rows)
    assert a is not None and b is not None and c is not None
    assert a.name == "ABC科技 有限公司" and a.uscc == code(2)
    assert a.contacts[0].phone == "13900000002"
    assert p.rows[1].values["联系电话"] == "13900000003"
    assert b.uscc == code(3) and b.contacts[0].phone == "13900000003"
    assert c.contacts[0].phone == "0731-88880000"


def test_code_excel_stored_as_a_number_is_an_error(db: Database, tmp_path: Path) -> None:
    p = read(db, make_xlsx(tmp_path / "a.xlsx", [HEAD, ["湖南己有限公司", 9.1430100123456e17]]))
    (err,) = p.errors
    assert err.column == "统一社会信用代码" and "存成了数字" in err.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2025, 10, 8, 0, 0), dt.date(2025, 10, 8)),
        (dt.date(2025, 10, 8), dt.date(2025, 10, 8)),
        ("2025/10/08", dt.date(2025, 10, 8)),
        ("2025.11.20", dt.date(2025, 11, 20)),
        ("2025年10月8日", dt.date(2025, 10, 8)),
        ("２０２５年１０月８日", dt.date(2025, 10, 8)),
        ("2025-10", dt.date(2025, 10, 1)),
        ("2025年10月", dt.date(2025, 10, 1)),
        ("20251008", dt.date(2025, 10, 8)),
        ("2025-10-08 00:00:00", dt.date(2025, 10, 8)),
        (45938, dt.date(2025, 10, 8)),
        (45938.0, dt.date(2025, 10, 8)),
        (20251008, dt.date(2025, 10, 8)),
        (None, None),
        ("  ", None),
    ],
)
def test_cell_date_forms(value: object, expected: dt.date | None) -> None:
    assert cell_date(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2025-02-30", "不存在"),
        ("明年三月", "无法识别"),
        ("2025", "不完整"),
        ("1800-01-01", "年份"),
        (True, "无法识别"),
    ],
)
def test_cell_date_errors_are_chinese(value: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        cell_date(value)


def test_cell_text_and_bool() -> None:
    assert cell_text(13900000000.0) == "13900000000"
    assert cell_text(12.5) == "12.5"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(dt.datetime(2025, 1, 2)) == "2025-01-02"
    assert cell_text("  ａ\u3000b  ") == "a b"
    assert cell_text("第一行，\r\n  第二行（注） ", free_text=True) == "第一行，\n第二行（注）"
    assert cell_bool("是") is True and cell_bool("√") is True and cell_bool(None) is False
    with pytest.raises(ValueError, match="是"):
        cell_bool("也许")


def test_dates_in_a_file_every_form_and_a_bad_one(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "合作开始日期", "状态日期"])
    forms: list[object] = [
        dt.datetime(2025, 10, 8),
        "2025/10/08",
        "2025.10.08",
        "2025年10月8日",
        "2025-10-08",
        45938,
        "20251008",
    ]
    for i, v in enumerate(forms):
        ws.append([f"日期企业{i}", v, None])
    ws.cell(row=2, column=3, value=45938).number_format = "yyyy-mm-dd"  # a real date cell
    ws.append(["月份企业", "2025-10", None])
    ws.append(["坏日期企业", "2025-13-01", None])
    wb.save(tmp_path / "d.xlsx")
    p = read(db, tmp_path / "d.xlsx")
    dates = [r.data.cooperation_start for r in p.valid_rows]  # type: ignore[union-attr]
    assert dates == [dt.date(2025, 10, 8)] * len(forms) + [dt.date(2025, 10, 1)]
    assert p.valid_rows[0].data.status_date == dt.date(2025, 10, 8)  # type: ignore[union-attr]
    (err,) = p.errors
    assert err.row == 10 and err.column == "合作开始日期" and "2025-13-01" in err.message


# ---------------------------------------------------------------- rules


def test_code_rules_and_the_confirmation_flag(db: Database, tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "c.xlsx",
        [
            ["企业名称", "统一社会信用代码", "已核对营业执照"],
            ["短码公司", "91430100MA4L", None],
            ["错字公司", code(5)[:10] + "I" + code(5)[11:], None],
            ["校验位错公司", bad_check(6), None],
            ["已核对公司", bad_check(7), "是"],
            ["乱填公司", code(8), "也许"],
        ],
    )
    p = read(db, path)
    by_row = {r.row: r for r in p.rows}
    assert "18位" in by_row[2].errors[0].message
    assert "“I”" in by_row[3].errors[0].message
    assert (
        by_row[4].errors[0].column == "统一社会信用代码" and "已核对营业执照" in by_row[4].errors[0].message
    )
    assert by_row[5].data is not None and by_row[5].data.uscc_confirmed
    assert by_row[6].errors[0].column == "已核对营业执照"
    with db.session() as s:
        (eid,) = import_enterprises(s, p).ids
        assert get_enterprise(s, eid).uscc_confirmed is True


def test_unknown_status_scale_category_name_the_allowed_values(db: Database, tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "s.xlsx",
        [
            ["企业名称", "状态", "规模", "企业类型"],
            ["甲公司", "合作过", None, None],
            ["乙公司", None, "超大", None],
            ["丙公司", None, None, "上市公司；独角兽"],
            ["丁公司", "已解除", None, None],
        ],
    )
    p = read(db, path)
    messages = {e.row: (e.column, e.message) for e in p.errors}
    assert messages[2] == ("状态", "合作状态应为：意向、合作中、暂停、已解除")
    assert messages[3][0] == "规模" and "大型、中型、小型、微型" in messages[3][1]
    assert messages[4][0] == "企业类型" and "独角兽" in messages[4][1] and "校友企业" in messages[4][1]
    assert messages[5] == ("状态说明", "解除合作须填写原因")


def test_contacts_other_contacts_and_bad_phone(db: Database, tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "p.xlsx",
        [
            ["企业名称", "联系人", "职务", "联系电话", "邮箱", "其他联系人"],
            [
                "甲公司",
                "张三",
                "经理",
                13900000000,
                "zs@a.com",
                "李四（HR） 0731-88880000 ls@a.com；王五 13700000000",
            ],
            ["乙公司", "张三", None, "不知道", None, None],
            ["丙公司", None, None, "13900000000", None, None],
        ],
    )
    p = read(db, path)
    a = p.rows[0].data
    assert a is not None
    assert a.contacts == (
        ContactData("张三", "经理", "13900000000", "zs@a.com"),
        ContactData("李四", "HR", "0731-88880000", "ls@a.com"),
        ContactData("王五", "", "13700000000", ""),
    )
    assert [(e.row, e.column) for e in p.errors] == [(3, "联系电话"), (4, "联系人")]


def test_duplicates_within_the_file_and_against_the_database(db: Database, tmp_path: Path) -> None:
    add(db, "湖南已有科技有限公司", code(10))
    gone = add(db, "湖南已删科技有限公司", code(11))
    with db.session() as s:
        delete_enterprises(s, [gone])
    path = make_xlsx(
        tmp_path / "dup.xlsx",
        [
            ["企业名称", "统一社会信用代码"],
            ["新名字一", code(10)],
            ["新名字二", code(11)],
            ["湖南新科技有限公司", code(12)],
            ["湖南新科技有限公司（长沙）", code(12)],
            ["湖南无码有限公司", None],
            ["湖南无码 有限公司", None],
            ["湖南已有科技有限公司", None],
        ],
    )
    p = read(db, path)
    errors = {e.row: e for e in p.errors}
    # Row 2 is the archive's 湖南已有科技有限公司 by its code (not an error: it is skipped or updated), and
    # row 8 is the same enterprise by name: one enterprise twice in the file.
    assert 2 not in errors and p.existing[2].by == "code" and p.existing[2].name == "湖南已有科技有限公司"
    assert "回收站" in errors[3].message
    assert 4 not in errors and "与第4行重复" in errors[5].message
    assert 6 not in errors and "与第6行重复" in errors[7].message and errors[7].column == "企业名称"
    assert "与第2行是档案中的同一家企业“湖南已有科技有限公司”" in errors[8].message
    assert [r.row for r in p.valid_rows] == [2, 4, 6]
    assert [r.row for r in p.new_rows] == [4, 6] and [r.row for r in p.existing_rows] == [2]


# ---------------------------------------------------------------- hostile files


def _valid_xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["企业名称"])
    wb.active.append(["甲公司"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _declared_size(data: bytes, size: int) -> bytes:
    """The same zip, its first central-directory entry claiming `size` uncompressed bytes."""
    buf = bytearray(data)
    at = buf.find(b"PK\x01\x02")
    struct.pack_into("<I", buf, at + 24, size)
    return bytes(buf)


def _compressible_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    return buf.getvalue()


def _broken_sheet_xml() -> bytes:
    src = zipfile.ZipFile(io.BytesIO(_valid_xlsx_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            zf.writestr(info, data)
    return buf.getvalue()


def _docx_like() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


HOSTILE = {
    "text.xlsx": (
        b"\xe4\xbc\x81\xe4\xb8\x9a\xe5\x90\x8d\xe7\xa7\xb0,\xe4\xbb\xa3\xe7\xa0\x81\n",
        "不是 .xlsx",
    ),
    "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "密码"),
    "truncated.xlsx": (_valid_xlsx_bytes()[:600], "已损坏"),
    "bomb.xlsx": (_declared_size(_valid_xlsx_bytes(), 300 * 1024 * 1024), "异常巨大"),
    "ratio.xlsx": (_compressible_zip(), "异常巨大"),
    "broken_sheet.xlsx": (_broken_sheet_xml(), "已损坏"),
    "word.xlsx": (_docx_like(), "不是 Excel 工作簿"),
    "empty.xlsx": (b"", "空文件"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused_and_nothing_is_written(db: Database, tmp_path: Path, name: str) -> None:
    content, fragment = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(content)
    before = counts(db)
    with pytest.raises(ImportFileError) as e:
        read(db, path)
    assert fragment in e.value.message and name in e.value.message
    assert counts(db) == before


def test_old_xls_message_tells_how_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "旧表.xls"
    path.write_bytes(HOSTILE["old.xls"][0])
    with pytest.raises(ImportFileError) as e:
        open_workbook(path)
    assert "旧表.xls" in e.value.message and ".xls" in e.value.message and "另存为" in e.value.message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="找不到"):
        open_workbook(tmp_path / "没有.xlsx")
    with pytest.raises(ImportFileError, match="文件夹"):
        open_workbook(tmp_path)


def test_a_renamed_xlsx_is_read_whatever_its_extension(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "其实是xlsx.xls"
    path.write_bytes(_valid_xlsx_bytes())
    assert len(read(db, path).valid_rows) == 1


def test_a_wrong_dimension_record_does_not_hide_rows(db: Database, tmp_path: Path) -> None:
    """Some programs write <dimension ref="A1"/>; a read-only sheet would then show only A1."""
    source = make_xlsx(
        tmp_path / "src.xlsx", [HEAD, ["湖南甲有限公司", code(40), "合作中", "张三", "13900000040"]]
    )
    path = tmp_path / "dim.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', data)
                assert b'<dimension ref="A1"' in data
            dst.writestr(info, data)
    p = read(db, path)
    assert [r.data.contacts[0].phone for r in p.valid_rows] == ["13900000040"]  # type: ignore[union-attr]


def test_find_header_on_normal_worksheet() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["标题"])
    ws.append(["名称", "代码"])
    match = find_header(ws, {"name": ("企业名称", "名称"), "uscc": ("代码",)}, {"name"})
    assert match.row == 2 and match.fields == {1: "name", 2: "uscc"} and match.texts == {1: "名称", 2: "代码"}


# ---------------------------------------------------------------- writing


def _sample_file(tmp_path: Path, n: int = 5) -> Path:
    rows: list[list[object]] = [HEAD + ["企业类别"]]
    rows += [
        [f"湖南样本{i}有限公司", code(100 + i), "合作中", f"联系人{i}", 13900000000 + i, "校友企业"]
        for i in range(n)
    ]
    return make_xlsx(tmp_path / "样本.xlsx", rows)


def test_import_writes_every_valid_row_with_audit(db: Database, tmp_path: Path) -> None:
    p = read(db, _sample_file(tmp_path))
    with db.session() as s:
        changes = import_enterprises(s, p)
    assert changes.table == "enterprise" and changes.count == 5
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 5
        audited = set(s.scalars(select(AuditLog.record_id).where(AuditLog.table_name == "enterprise")))
        detail = get_enterprise(s, changes.ids[0])
    assert audited == set(changes.ids)
    assert detail.categories == ("校友企业",) and detail.contacts[0].phone == "13900000000"


def test_import_is_all_or_nothing(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = read(db, _sample_file(tmp_path))
    calls = []
    real = svc._stored

    def failing(d: EnterpriseData) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(d)

    monkeypatch.setattr(svc, "_stored", failing)
    monkeypatch.setattr(svc, "BULK_CHUNK", 2)  # rows 1–2 are written before the failure
    with pytest.raises(RuntimeError), db.session() as s:
        import_enterprises(s, p)
    assert counts(db) == (0, 0)


def test_cancel_while_importing_writes_nothing(db: Database, tmp_path: Path) -> None:
    p = read(db, _sample_file(tmp_path, 450))
    cancel = threading.Event()
    seen: list[float] = []

    def progress(fraction: float, message: str) -> None:
        seen.append(fraction)
        if fraction > 0:
            cancel.set()

    with pytest.raises(Cancelled), db.session() as s:
        import_enterprises(s, p, progress=progress, cancel=cancel)
    assert counts(db) == (0, 0)
    assert len(seen) == 2  # every 200 rows, not every row


def test_cancel_while_reading(db: Database, tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        read(db, _sample_file(tmp_path), cancel=cancel)


def test_progress_reaches_one(db: Database, tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    read(db, _sample_file(tmp_path), progress=lambda f, m: seen.append((f, m)))
    assert seen[-1][0] == 1.0 and all(0 <= f <= 1 for f, _ in seen)


def test_database_changed_after_the_preview(db: Database, tmp_path: Path) -> None:
    p = read(db, _sample_file(tmp_path))
    add(db, "抢先录入的公司", code(102))
    with pytest.raises(AppError, match="第4行") as e, db.session() as s:
        import_enterprises(s, p)
    assert "抢先录入的公司" in e.value.message
    assert counts(db)[0] == 1


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


def test_cli_import_exit_codes_and_json(tmp_path: Path) -> None:
    db_file = str(tmp_path / "cli.db")
    good = _sample_file(tmp_path, 3)
    done = run_cli(tmp_path, "import", "enterprises", str(good), "--json", "--db", db_file)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["valid"] == 3 and out["imported"] == 3 and out["errors"] == []

    mixed = make_xlsx(
        tmp_path / "mixed.xlsx",
        [
            HEAD,
            ["湖南新一有限公司", code(200)],
            ["湖南新二有限公司", "123"],
            ["湖南样本0有限公司", code(100)],
        ],
    )
    dry = run_cli(tmp_path, "import", "enterprises", str(mixed), "--json", "--dry-run", "--db", db_file)
    assert dry.returncode == 1
    out = json.loads(dry.stdout)
    # Row 4 is an enterprise already in the archive (same code): not an error, skipped by default.
    assert out["valid"] == 2 and out["imported"] == 0 and out["rejected"] == 1
    assert {(e["row"], e["column"]) for e in out["errors"]} == {(3, "统一社会信用代码")}
    assert all(set(e) == {"row", "column", "message"} for e in out["errors"])
    assert out["new"] == 1 and [e["row"] for e in out["existing"]] == [4] and out["skipped"] == 1

    real = run_cli(tmp_path, "import", "enterprises", str(mixed), "--json", "--db", db_file)
    out = json.loads(real.stdout)
    assert real.returncode == 1 and out["imported"] == 1
    assert (out["added"], out["updated"], out["skipped"]) == (1, 0, 1)


def test_cli_import_unusable_files_exit_2(tmp_path: Path) -> None:
    db_file = str(tmp_path / "cli.db")
    text = tmp_path / "a.xlsx"
    text.write_text("企业名称\n甲公司\n", encoding="utf-8")
    done = run_cli(tmp_path, "import", "enterprises", str(text), "--json", "--db", db_file)
    assert done.returncode == 2 and "a.xlsx" in done.stderr
    no_header = make_xlsx(tmp_path / "b.xlsx", [["名称"], ["甲公司"]])
    done = run_cli(tmp_path, "import", "enterprises", str(no_header), "--db", db_file)
    assert done.returncode == 2 and "企业名称" in done.stderr


# ---------------------------------------------------------------- hidden rows, oversize sheets and cells (#22)


def _replace_sheet(path: Path, sheet_xml: bytes) -> Path:
    """The workbook at `path` with its first sheet's XML replaced (written in place)."""
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else src.read(info))
    return path


def _sheet_xml(rows: int, *, dimension: str | None = None) -> bytes:
    """A sheet of inline strings: the header, then `rows` enterprises (no shared strings, no styles)."""

    def cells(n: int, values: tuple[str, ...]) -> str:
        return "".join(
            f'<c r="{chr(65 + i)}{n}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values)
        )

    body = [f'<row r="1">{cells(1, ("企业名称", "备注"))}</row>']
    body += [f'<row r="{n}">{cells(n, (f"企业{n}有限公司", "x"))}</row>' for n in range(2, rows + 2)]
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{''.join(body)}</sheetData></worksheet>"
    ).encode()


def test_hidden_rows_and_columns_are_imported_with_a_warning_in_the_preview(
    db: Database, tmp_path: Path
) -> None:
    """Rows hidden by hand or by a filter, and a hidden column, were imported without a word."""
    rows = [
        [f"湖南{n}号科技有限公司", code(60 + n), "合作中", "张三", f"139000000{60 + n}"] for n in range(5)
    ]
    path = make_xlsx(tmp_path / "筛选过的名单.xlsx", [HEAD, *rows])
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    ws.row_dimensions[3].hidden = True  # the 2nd enterprise
    ws.row_dimensions[5].hidden = True  # the 4th
    ws.column_dimensions["E"].hidden = True  # 联系电话
    wb.save(path)
    p = read(db, path)
    assert len(p.valid_rows) == 5  # imported like the others …
    assert p.hidden_rows == (3, 5)  # … and said before confirming
    hidden = [w for w in p.warnings if w.column == "隐藏行"]
    assert [w.row for w in hidden] == [3, 5] and "隐藏" in hidden[0].message
    assert p.notices[0].startswith("第 3、5 行（共 2 行）在 Excel 中是隐藏的")
    assert "“联系电话”列在 Excel 中是隐藏的" in p.notices[1]
    with db.session() as s:
        changes = import_enterprises(s, p)
    assert changes.count == 5


def test_a_sheet_over_the_row_limit_is_refused_from_its_dimension(db: Database, tmp_path: Path) -> None:
    """A <dimension> claiming 300,000 rows: refused at once, before any row is read."""
    path = _replace_sheet(
        make_xlsx(tmp_path / "大表.xlsx", [["企业名称"]]), _sheet_xml(3, dimension="A1:B300001")
    )
    with pytest.raises(ImportFileError) as e:
        read(db, path)
    assert "大表.xlsx" in e.value.message and "Sheet" in e.value.message
    assert "300001 行" in e.value.message and "100000" in e.value.message and "删除" in e.value.message


def test_a_sheet_over_the_row_limit_without_dimension_is_refused_before_it_is_read(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """200,000 rows were read (81 s, 2.5 GB) before the refusal; now no row reaches the reader."""
    path = _replace_sheet(make_xlsx(tmp_path / "超大.xlsx", [["企业名称"]]), _sheet_xml(100_100))
    read_rows: list[int] = []
    real = ex._read_row
    monkeypatch.setattr(ex, "_read_row", lambda row, raw, ctx: read_rows.append(row) or real(row, raw, ctx))
    with pytest.raises(ImportFileError) as e:
        read(db, path)
    assert "超过 100000 行数据" in e.value.message and "超大.xlsx" in e.value.message
    assert read_rows == []


def test_a_sheet_at_the_limit_is_read(tmp_path: Path) -> None:
    path = _replace_sheet(
        make_xlsx(tmp_path / "刚好.xlsx", [["企业名称"]]), _sheet_xml(100, dimension="A1:B101")
    )
    wb = open_workbook(path, max_rows=100)
    assert len(list(wb.active.iter_rows(values_only=True))) == 101
    wb.close()
    with pytest.raises(ImportFileError, match="超过 100 行数据"):  # 100 + the slack for titles and footers
        open_workbook(_replace_sheet(path, _sheet_xml(151)), max_rows=100)


def test_an_overlong_cell_rejects_its_row_naming_field_and_limit(db: Database, tmp_path: Path) -> None:
    """A 10,000+ character 备注 was stored whole (and in the audit trail)."""
    path = make_xlsx(
        tmp_path / "长备注.xlsx",
        [
            ["企业名称", "备注"],
            ["湖南长备注有限公司", "很长" * 1500],
            ["湖南超长有限公司", "长" * 30000],
            ["湖南短有限公司", "短"],
        ],
    )
    p = read(db, path)
    errors = {e.row: e for e in p.errors}
    assert errors[2].column == "备注" and errors[2].message == "备注过长（最多2000字，现有3000字）"
    assert errors[3].message == "内容过长（最多10000字，现有30000字）"
    assert [r.row for r in p.valid_rows] == [4]


def test_a_header_only_on_a_hidden_sheet_is_named(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["请勿修改"])
    hidden = wb.create_sheet("名单")
    hidden.append(HEAD)
    hidden.append(["湖南隐藏有限公司", None, "合作中", None, None])
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "隐藏表.xlsx")
    with pytest.raises(ImportFileError, match="只有隐藏的工作表“名单”有表头，隐藏的工作表不会导入"):
        read(db, tmp_path / "隐藏表.xlsx")


def test_cli_says_which_rows_are_hidden(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "名单.xlsx", [HEAD, ["湖南甲有限公司"], ["湖南乙有限公司"]])
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active.row_dimensions[3].hidden = True
    wb.save(path)
    db_file = str(tmp_path / "cli.db")
    done = run_cli(tmp_path, "import", "enterprises", str(path), "--dry-run", "--db", db_file)
    assert done.returncode == 0, done.stderr
    assert "第3行 [隐藏行]（提示）：此行在 Excel 中是隐藏的" in done.stdout
    assert "（提示）第 3 行（共 1 行）在 Excel 中是隐藏的" in done.stdout
    out = json.loads(
        run_cli(tmp_path, "import", "enterprises", str(path), "--json", "--dry-run", "--db", db_file).stdout
    )
    assert out["hidden_rows"] == [3] and out["notices"][0].startswith("第 3 行")


# ---------------------------------------------------------------- 法定代表人 / 在岗职工总数 (issue 17)


def test_legal_representative_and_staff_count_from_their_aliases(db: Database, tmp_path: Path) -> None:
    """法人代表 and 职工人数 are read as 法定代表人 and 在岗职工总数; a head count may be a number, “1,200人” or
    empty; anything else rejects its row naming the column as the file writes it."""
    path = make_xlsx(
        tmp_path / "企业.xlsx",
        [
            ["企业名称", "法人代表", "职工人数"],
            ["湖南甲科技有限公司", "欧阳建国", 860],
            ["湖南乙制造有限公司", "李娜", "1,200人"],
            ["湖南丙农机有限公司", "", None],
            ["湖南丁机电有限公司", "王强", "约300"],
            ["湖南戊汽车有限公司", "赵六", -5],
            ["湖南己电气有限公司", "钱七", 12.5],
        ],
    )
    preview = read(db, path)
    assert [r.data.staff_count for r in preview.valid_rows] == [860, 1200, None]
    assert [r.data.legal_representative for r in preview.valid_rows] == ["欧阳建国", "李娜", ""]
    assert {(e.row, e.column) for e in preview.errors} == {(5, "职工人数"), (6, "职工人数"), (7, "职工人数")}
    assert "职工人数应为不小于0的整数（人数），而不是“约300”" in {e.message for e in preview.errors}
    with db.session() as s:
        import_enterprises(s, preview)
    with db.reader() as s:
        stored = {
            n: (r, c)
            for n, r, c in s.execute(
                select(Enterprise.name, Enterprise.legal_representative, Enterprise.staff_count)
            )
        }
    assert stored == {
        "湖南甲科技有限公司": ("欧阳建国", 860),
        "湖南乙制造有限公司": ("李娜", 1200),
        "湖南丙农机有限公司": ("", None),
    }


def test_the_standard_headers_are_in_the_template(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ex.write_template(tmp_path / "模板.xlsx")
    headers = [c.value for c in load_workbook(tmp_path / "模板.xlsx").active[2]]
    assert headers.index("法定代表人") == headers.index("地址") + 1
    assert headers.index("在岗职工总数") == headers.index("企业规模") + 1
