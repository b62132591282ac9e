"""上报材料包 export (app/package/export.py): what a 学年 and a 学期 package hold, read back from the real ZIP and
workbook; personal data; attachments with hostile names; cancel and a full disk leave no file; the format
document matches the format."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import hashlib
import io
import json
import os
import shutil
import threading
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from sqlalchemy import func, select, text

from app.db.engine import Database, open_database
from app.db.models import Attachment, Enterprise, Internship, LedgerEntry, Student, Visit
from app.errors import AppError, Cancelled, ValidationError
from app.package import export as export_module
from app.package import format as fmt
from app.package.export import default_package_name, export_package, preview_package
from app.package.period import period_of
from app.services.attachments import add_attachment
from tests.cli_run import run_cli
from tests.conftest import DEMO_TODAY as TODAY

NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


TERM = "2025-2026-2"  # most tests export a 学期: the same machinery, without the 学年's charts (CI time)


@pytest.fixture
def demo(demo_db: Database) -> Database:
    return demo_db


@dataclasses.dataclass(frozen=True)
class YearPackage:
    db: Database
    result: export_module.ExportResult
    path: Path


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> YearPackage:
    """The demo's 2025-2026 package, exported once for the tests that only read it."""
    folder = tmp_path_factory.mktemp("year")
    shutil.copyfile(demo_file, folder / "demo.db")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHANJIAO_HOME", str(folder / "home"))
        database = open_database(folder / "demo.db")
        result = export(database, folder / "out" / "包.zip")
        yield YearPackage(database, result, result.path)
        database.close()


def export(database: Database, out: Path, *, semester: str | None = None, **kw) -> export_module.ExportResult:
    with database.reader() as s:
        period = period_of(s, year=None if semester else "2025-2026", semester=semester)
        return export_package(s, period, out, today=TODAY, now=NOW, **kw)


def workbook(package: Path) -> openpyxl.Workbook:
    with zipfile.ZipFile(package) as z:
        return openpyxl.load_workbook(io.BytesIO(z.read(fmt.DATA)))


def sheet_rows(wb, key: str) -> list[dict[str, object]]:
    ws = wb[fmt.SHEET_BY_KEY[key].name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_year_package_holds_every_sheet_with_documented_headers_and_hashes(year: YearPackage) -> None:
    out, result = year.path, year.result
    assert result.path == out and out.is_file() and result.size == out.stat().st_size
    with zipfile.ZipFile(out) as z:
        manifest = json.loads(z.read(fmt.MANIFEST).decode("utf-8"))
        assert manifest["format"] == fmt.FORMAT and manifest["version"] == fmt.VERSION
        assert manifest["college"] == "机电工程学院" and manifest["school"]
        assert manifest["period"] == {
            "kind": "学年",
            "code": "2025-2026",
            "label": "2025-2026学年",
            "first_day": "2025-09-01",
            "last_day": "2026-08-31",
        }
        assert dt.datetime.fromisoformat(manifest["created"]) == NOW
        assert manifest["personal_data"] == fmt.MASKED
        listed = {f["path"]: f for f in manifest["files"]}
        assert set(listed) == set(z.namelist()) - {fmt.MANIFEST, fmt.SIGNATURE} == {fmt.DATA, fmt.REPORT}
        assert manifest["signing"]["sequence"] >= 1 and fmt.SIGNATURE in z.namelist()
        for name, f in listed.items():
            data = z.read(name)
            assert f["size"] == len(data) and f["sha256"] == hashlib.sha256(data).hexdigest()
        assert manifest["compliance"]["open"] == result.open_findings
        assert sum(result.open_findings.values()) > 0
    wb = workbook(out)
    assert tuple(wb.sheetnames) == fmt.ALL_SHEET_NAMES
    for sheet in fmt.SHEETS:
        header = next(wb[sheet.name].iter_rows(max_row=1, values_only=True))
        assert header == sheet.headers
        assert manifest["tables"][sheet.key] == {"sheet": sheet.name, "rows": wb[sheet.name].max_row - 1}
    for name, headers in fmt.REPORT_SHEETS:
        assert next(wb[name].iter_rows(max_row=1, values_only=True)) == headers
        assert manifest["report_tables"]["rows"][name] == wb[name].max_row - 1
    doc = Document(io.BytesIO(zipfile.ZipFile(out).read(fmt.REPORT)))
    assert any("自评报告" in p.text for p in doc.paragraphs)


def test_rows_are_the_period_records_with_their_uuids(year: YearPackage) -> None:
    demo = year.db
    wb = workbook(year.path)
    first, last = dt.date(2025, 9, 1), dt.date(2026, 8, 31)
    with demo.reader() as s:
        visits = set(
            s.scalars(
                select(Visit.id).where(Visit.deleted_at.is_(None), Visit.visited_on.between(first, last))
            )
        )
        entries = {
            i: fen
            for i, fen in s.execute(
                select(LedgerEntry.id, LedgerEntry.amount_fen).where(
                    LedgerEntry.deleted_at.is_(None), LedgerEntry.entry_date.between(first, last)
                )
            )
        }
        placements = set(
            s.scalars(
                select(Internship.id).where(
                    Internship.deleted_at.is_(None), Internship.starts_on <= last, Internship.ends_on >= first
                )
            )
        )
        enterprises = s.scalar(
            select(func.count()).select_from(Enterprise).where(Enterprise.deleted_at.is_(None))
        )
    assert visits and entries and placements
    assert {r["记录ID"] for r in sheet_rows(wb, "visits")} == visits
    ledger = sheet_rows(wb, "ledger")
    assert {r["记录ID"]: round(r["金额（元）"] * 100) for r in ledger} == entries
    assert {r["记录ID"] for r in sheet_rows(wb, "internships")} == placements
    assert len(sheet_rows(wb, "enterprises")) == enterprises


def test_cells_are_typed_and_text_is_never_a_formula(demo: Database, tmp_path: Path) -> None:
    with demo.session() as s:
        e = s.scalars(select(Enterprise).order_by(Enterprise.name)).first()
        e.name = '=HYPERLINK("http://x","点我")'
        hostile = e.id
    out = tmp_path / "p.zip"
    export(demo, out, semester=TERM)
    wb = workbook(out)
    ws = wb["合作企业"]
    cell = next(c for c in ws["B"] if c.value == '=HYPERLINK("http://x","点我")')
    assert cell.data_type == "s" and ws.cell(cell.row, 1).value == hostile
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(min_row=2):
            assert all(c.data_type != "f" for c in row)
    ledger = wb["经费台账"]
    headers = [c.value for c in ledger[1]]
    row = ledger[2]
    day, money = row[headers.index("日期")], row[headers.index("金额（元）")]
    assert isinstance(day.value, dt.datetime) and day.number_format == "yyyy-mm-dd"
    assert isinstance(money.value, int | float) and money.number_format == "#,##0.00"
    internships = sheet_rows(wb, "internships")
    assert {r["三方协议已签"] for r in internships} <= {"是", "否"}
    months = [r["月份"] for r in sheet_rows(wb, "evaluations")]
    assert months and all(isinstance(m, dt.datetime) and m.day == 1 for m in months)


def test_findings_sheet_names_record_types_in_chinese(year: YearPackage) -> None:
    from app.compliance.registry import RECORD_TYPE_LABELS, RULES

    assert {r.record_type for r in RULES.values()} <= set(RECORD_TYPE_LABELS)
    rows = sheet_rows(workbook(year.path), "findings")
    assert rows and {r["记录类型"] for r in rows} <= set(RECORD_TYPE_LABELS.values())
    assert {r["处理状态"] for r in rows} <= {fmt.OPEN, fmt.ACKNOWLEDGED}


def test_personal_data_masked_unless_asked(year: YearPackage, demo: Database, tmp_path: Path) -> None:
    with demo.reader() as s:
        numbers = {n for n in s.scalars(select(Student.id_number)) if n}
    rows = sheet_rows(workbook(year.path), "internships")
    assert rows and all("*" in r["身份证号"] for r in rows if r["身份证号"])
    assert not numbers & {r["身份证号"] for r in rows}
    assert all(r["联系电话"] is None or "****" in r["联系电话"] for r in rows)
    full = tmp_path / "full.zip"
    result = export(demo, full, include_personal_data=True, semester=TERM)
    assert result.personal_data
    rows = sheet_rows(workbook(full), "internships")
    assert {r["身份证号"] for r in rows if r["身份证号"]} <= numbers
    assert json.loads(zipfile.ZipFile(full).read(fmt.MANIFEST))["personal_data"] == fmt.INCLUDED


def test_attachments_follow_their_records_under_safe_unique_names(demo: Database, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    # the long one: 254 characters, as long as a file name gets (255), far past a package entry's limit
    names = ["CON.txt", "营业执照.pdf", "营业执照.PDF", "扫描" * 125 + ".pdf", "合同 (终稿).docx"]
    with demo.session() as s:
        firm = s.scalars(select(Enterprise.id).order_by(Enterprise.name)).first()
        for n, name in enumerate(names):
            # Names a college's files really have; the file on this disk is named plainly (Windows would
            # not let a test create CON.txt, and 300 characters pass no file system), the record keeps it.
            (src / f"{n}.bin").write_bytes(f"文件{n}".encode() * 100)
            changes = add_attachment(s, "enterprise", firm, src / f"{n}.bin")
            s.get(Attachment, changes.ids[0]).original_name = name
        outside = s.scalars(
            select(LedgerEntry.id).where(LedgerEntry.entry_date > dt.date(2026, 8, 31))
        ).first()
        (src / "发票.pdf").write_bytes(b"not in the period")
        add_attachment(s, "ledger_entry", outside, src / "发票.pdf")
    out = tmp_path / "p.zip"
    result = export(demo, out, semester=TERM)
    assert result.attachments == len(names) and not result.missing
    with zipfile.ZipFile(out) as z:
        entries = [n for n in z.namelist() if n.startswith("attachments/")]
        manifest = json.loads(z.read(fmt.MANIFEST))
        assert len(entries) == len(names) and len({e.casefold() for e in entries}) == len(names)
        for entry in entries:
            assert entry.startswith(f"attachments/enterprises/{firm}/") and len(entry) <= fmt.MAX_PATH
            stem = entry.rsplit("/", 1)[1].split(".")[0].upper()
            assert stem not in {"CON", "PRN", "AUX", "NUL"}
        listed = {f["path"]: f for f in manifest["files"]}
        for entry in entries:
            assert listed[entry]["sha256"] == hashlib.sha256(z.read(entry)).hexdigest()
        assert manifest["tables"]["attachments"]["rows"] == len(names)
    rows = sheet_rows(workbook(out), "attachments")
    assert sorted(r["原文件名"] for r in rows) == sorted(names)
    assert {r["包内路径"] for r in rows} == set(entries)
    assert {r["所属记录ID"] for r in rows} == {firm}


def _stop_halfway(cancel: threading.Event):
    def progress(fraction: float, message: str) -> None:
        if fraction > 0.5:
            cancel.set()

    return progress


def test_cancel_leaves_no_file_and_keeps_an_older_one(demo: Database, tmp_path: Path) -> None:
    out = tmp_path / "p.zip"
    out.write_bytes(b"older package")
    cancel = threading.Event()
    with pytest.raises(Cancelled):
        export(demo, out, progress=_stop_halfway(cancel), cancel=cancel, semester=TERM)
    assert out.read_bytes() == b"older package"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["data", "p.zip"]


def test_full_disk_leaves_no_file_and_says_so(demo: Database, tmp_path: Path, monkeypatch) -> None:
    real_pack = export_module.pack

    def pack_until_full(target, sources, manifest, **kw):
        real_pack(target, sources[:1], manifest, **kw)  # some bytes reach the temporary file
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_module, "pack", pack_until_full)
    out = tmp_path / "p.zip"
    with pytest.raises(AppError, match="磁盘空间不足"):
        export(demo, out, semester=TERM)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["data"]


def test_a_file_where_the_folder_should_be_is_named(demo: Database, tmp_path: Path) -> None:
    (tmp_path / "材料包").write_bytes(b"a file, not a folder")
    with pytest.raises(AppError, match="同名的文件而不是文件夹"):
        export(demo, tmp_path / "材料包" / "p.zip", semester=TERM)


def test_semester_package_has_the_semester_summary(demo: Database, tmp_path: Path) -> None:
    out = tmp_path / "s.zip"
    result = export(demo, out, semester=TERM)
    assert result.period.label == "2025-2026学年第二学期"
    with zipfile.ZipFile(out) as z:
        manifest = json.loads(z.read(fmt.MANIFEST))
        text = "\n".join(p.text for p in Document(io.BytesIO(z.read(fmt.REPORT))).paragraphs)
    assert manifest["period"]["kind"] == "学期" and manifest["period"]["first_day"] == "2026-02-01"
    assert "2025-2026学年第二学期产教融合工作运行情况" in text and "错误" in text
    visits = sheet_rows(workbook(out), "visits")
    assert visits and all(dt.date(2026, 2, 1) <= r["走访日期"].date() <= dt.date(2026, 7, 31) for r in visits)


def test_preview_counts_what_the_export_writes(year: YearPackage) -> None:
    with year.db.reader() as s:
        preview = preview_package(s, period_of(s, year="2025-2026"), today=TODAY)
    result = year.result
    assert preview.counts == result.counts
    assert preview.findings.errors == result.open_findings["错误"]
    assert (
        default_package_name(preview.college, preview.period) == "机电工程学院_2025-2026学年_上报材料包.zip"
    )


def test_period_errors_are_named(demo: Database) -> None:
    with demo.reader() as s:
        with pytest.raises(ValidationError, match="2025-2026-3"):
            period_of(s, semester="2025-2026-3")
        with pytest.raises(ValidationError, match="不在2024-2025学年内"):
            period_of(s, year="2024-2025", semester="2025-2026-1")
        with pytest.raises(ValidationError, match="请指定学年"):
            period_of(s)


def test_cli_export_json(demo: Database, tmp_path: Path) -> None:
    out = tmp_path / "cli.zip"
    demo.close()
    proc = run_cli(
        "package", "export", "--db", str(demo.path), "--semester", TERM, "--out", str(out), "--json"
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["path"] == str(out) and data["personal_data"] == fmt.MASKED and out.is_file()
    bad = run_cli("package", "export", "--db", str(demo.path), "--semester", "2025-2026-9", "--out", str(out))
    assert bad.returncode != 0 and "2025-2026-9" in bad.stdout + bad.stderr


def test_format_document_is_generated_from_the_format() -> None:
    from app.package.doc import package_format_markdown

    path = Path(__file__).resolve().parents[2] / "docs" / "package-format.md"
    assert path.read_text(encoding="utf-8") == package_format_markdown(), (
        "run python tools/make_package_doc.py"
    )
    for sheet in fmt.SHEETS:
        assert f"### {sheet.name}（键 `{sheet.key}`）" in path.read_text(encoding="utf-8")


def test_an_attachment_gone_from_the_folder_is_listed_without_a_file(demo: Database, tmp_path: Path) -> None:
    from app.db.models import AttachmentBlob
    from app.package.verify import verify_package
    from app.services import blobs

    (tmp_path / "营业执照.pdf").write_bytes(b"scan")
    with demo.session() as s:
        firm = s.scalars(select(Enterprise.id).order_by(Enterprise.name)).first()
        att = s.get(Attachment, add_attachment(s, "enterprise", firm, tmp_path / "营业执照.pdf").ids[0])
        if demo.is_server:  # an administrator's hand on the server's table
            s.execute(AttachmentBlob.__table__.delete().where(AttachmentBlob.sha256 == att.sha256))
        else:
            blobs.stored_path(blobs.folder(s), att.sha256).unlink()
    out = tmp_path / "p.zip"
    result = export(demo, out, semester=TERM)
    assert result.missing == ("营业执照.pdf",) and result.attachments == 0
    assert "找不到" in result.summary() and "营业执照.pdf" in result.summary()
    rows = sheet_rows(workbook(out), "attachments")
    assert [(r["原文件名"], r["包内路径"]) for r in rows] == [("营业执照.pdf", None)]
    assert verify_package(out).ok


# ---------------------------------------------------------------- signed and numbered (#22)


class MemoryKeyring:
    """A keyring backend in memory (as keyring.backend.KeyringBackend's API): the tests never touch the
    user's real key store."""

    priority = 5

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.values.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        self.values[(service, user)] = password


def _signature(path: Path) -> tuple[dict, bytes, dict]:
    with zipfile.ZipFile(path) as z:
        raw = z.read(fmt.MANIFEST)
        return json.loads(raw), raw, json.loads(z.read(fmt.SIGNATURE))


def test_packages_are_signed_and_numbered_in_sequence(demo: Database, tmp_path: Path) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from app.package.signing import college_key, fingerprint, key_file_path
    from app.package.verify import verify_package
    from app.services.settings import package_sequence

    first = export(demo, tmp_path / "a.zip", semester=TERM).path
    second = export(demo, tmp_path / "b.zip", semester=TERM).path
    (m1, raw1, sig1), (m2, _raw2, sig2) = _signature(first), _signature(second)
    assert m1["signing"]["sequence"] + 1 == m2["signing"]["sequence"]
    with demo.reader() as s:
        assert package_sequence(s) == m2["signing"]["sequence"]  # kept in the college's database
    public = base64.b64decode(sig1["public_key"])
    assert sig1["public_key"] == sig2["public_key"] and m1["signing"]["key"] == fingerprint(public)
    Ed25519PublicKey.from_public_bytes(public).verify(base64.b64decode(sig1["signature"]), raw1)
    assert m1["files"] and all(len(f["sha256"]) == 64 for f in m1["files"])  # what the signature covers
    assert verify_package(first).signer.sequence == m1["signing"]["sequence"]
    path = key_file_path()  # CHANJIAO_KEY_STORE=file (tests/conftest.py): the key file in CHANJIAO_HOME
    assert path.is_file() and college_key().fingerprint == m1["signing"]["key"]
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600


def test_a_restored_database_does_not_reuse_a_sequence(demo: Database, tmp_path: Path) -> None:
    from app.services.settings import PACKAGE_SEQUENCE_KEY

    first = export(demo, tmp_path / "a.zip", semester=TERM).path
    with demo.session() as s:  # as after restoring a backup made before that export
        s.execute(text("DELETE FROM setting WHERE key = :k"), {"k": PACKAGE_SEQUENCE_KEY})
    second = export(demo, tmp_path / "b.zip", semester=TERM).path
    assert _signature(second)[0]["signing"]["sequence"] > _signature(first)[0]["signing"]["sequence"]


def test_the_key_store_is_chosen_and_testable(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.package import signing

    memory = MemoryKeyring()
    key = signing.college_key(store=memory)
    assert key.where == "系统密钥库" and (signing.SERVICE, signing.ACCOUNT) in memory.values
    assert signing.college_key(store=memory).fingerprint == key.fingerprint  # kept, not made again
    assert not signing.key_file_path().exists()  # nothing written beside the data
    assert signing.os_key_store() is None  # CHANJIAO_KEY_STORE=file
    monkeypatch.delenv(signing.ENV)
    import keyring

    monkeypatch.setattr(keyring, "get_keyring", lambda: memory)
    assert signing.os_key_store() is memory

    class Broken(MemoryKeyring):
        def get_password(self, service: str, user: str) -> str | None:
            raise RuntimeError("locked")

    fallback = signing.college_key(store=Broken())  # a failing store: the key file
    assert fallback.where == str(signing.key_file_path()) and signing.key_file_path().is_file()
    memory.values[(signing.SERVICE, signing.ACCOUNT)] = "garbage"
    with pytest.raises(AppError, match="已损坏"):  # never silently replaced
        signing.college_key(store=memory)


def test_public_key_file_round_trip(demo: Database, tmp_path: Path) -> None:
    from app.package.keys import export_public_key
    from app.package.signing import college_key, read_public_key_file

    with demo.reader() as s:
        path, short = export_public_key(s, tmp_path / "公钥")
    read = read_public_key_file(path)
    assert read.college == "机电工程学院" and read.fingerprint == college_key().fingerprint
    assert short.replace(" ", "") == read.fingerprint[:32].upper()
    body = json.loads(path.read_text(encoding="utf-8"))
    body["college"] = "信息工程学院"
    body["fingerprint"] = "0" * 64
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(AppError, match="指纹与公钥不符"):
        read_public_key_file(path)


def test_two_exports_at_once_never_get_the_same_sequence(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two exports (two windows, or the CLI beside the window) reserve their numbers at the same moment: the
    second waits for the first's write lock instead of reading the same last number (two different packages
    of one sequence: the school would keep either and call them the same export)."""
    from app.package import keys
    from app.package.signing import college_key
    from app.services import settings

    key = college_key()
    assert key is not None
    real = settings.package_sequence
    read, go = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow(s):  # noqa: ANN001, ANN202
        n = real(s)
        calls.append(n)
        if len(calls) == 1:  # the first export has read the last number and not yet written its own
            read.set()
            go.wait(10)
        return n

    monkeypatch.setattr(settings, "package_sequence", slow)
    got: dict[str, int] = {}

    def reserve(name: str) -> None:
        with db.reader() as s:
            got[name] = keys.reserve_sequence(s, key)

    first = threading.Thread(target=reserve, args=("first",))
    first.start()
    assert read.wait(10)
    second = threading.Thread(target=reserve, args=("second",))
    second.start()
    second.join(1.0)  # without the lock it is done already, with the number the first one is about to take
    go.set()
    first.join(10)
    second.join(10)
    assert sorted(got.values()) == [1, 2]


def test_version_3_sheets_round_trip_and_the_report_sheets_print(year: YearPackage) -> None:
    from app.db.models import VisitEnterprise
    from app.io.print_table import FONT_NAME
    from app.package.verify import verify_package
    from app.reporting.columns import TABLE_COLUMNS, TABLE_NAMES

    manifest = json.loads(zipfile.ZipFile(year.path).read(fmt.MANIFEST))
    assert manifest["version"] == 3 and set(manifest["tables"]) == {s.key for s in fmt.SHEETS}
    assert verify_package(year.path).ok
    wb = workbook(year.path)
    visited = sheet_rows(wb, "visit_enterprises")  # one row per enterprise visited
    visits = {r["记录ID"]: r for r in sheet_rows(wb, "visits")}
    assert visited and {r["走访记录ID"] for r in visited} <= set(visits)
    with year.db.reader() as s:
        links = s.scalar(
            select(func.count())
            .select_from(VisitEnterprise)
            .where(VisitEnterprise.visit_id.in_(list(visits)))
        )
    assert len(visited) == links
    for vid, visit in visits.items():  # the visit's 可提供岗位数 is its enterprises' sum
        mine = [r["可提供岗位数"] or 0 for r in visited if r["走访记录ID"] == vid]
        assert visit["可提供岗位数"] == sum(mine)
    assert "主要项目（全称）" in sheet_rows(wb, "bases")[0] and "人时" in sheet_rows(wb, "base_usage")[0]
    for name in TABLE_NAMES:
        ws = wb[name]
        assert [c.value for c in ws[1]] == [c.header for c in TABLE_COLUMNS[name]]
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
        assert ws.page_setup.fitToHeight == 0 and name in ws.oddHeader.center.text
        first = ws[1][0]
        assert first.font.name == FONT_NAME and first.font.b and first.border.bottom.style == "thin"
        if ws.max_row > 1:
            assert all(c.border.left.style == "thin" and c.font.sz >= 8 for c in ws[2])
