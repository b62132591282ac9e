"""Verifying a submission package (app/package/verify.py): a valid one passes; each defect — a changed or
missing file, an unlisted one, another format or version, an unsafe entry name, a zip bomb, a missing sheet
or header, a broken ZIP — is its own Chinese problem naming the entry, never an exception."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.errors import Cancelled
from app.fsutil import is_reserved_name
from app.package import format as fmt
from app.package import verify
from app.package.signing import signature_entry
from app.package.verify import (
    MAX_ENTRIES,
    MAX_MANIFEST_BYTES,
    Problem,
    package_data,
    verify_package,
)
from tests.cli_run import run_cli
from tests.package_builder import (
    ATTACHMENT,
    ENTERPRISE_ID,
    RawEntry,
    all_sheets,
    build_package,
    data_xlsx,
    manifest_for,
    new_key,
    package_files,
    raw_package,
    write_package,
    write_raw_zip,
    zeros_deflated,
)
from tests.zip_bombs import overlap_bomb

ENTERPRISES = fmt.SHEET_BY_KEY["enterprises"].name


def _problems(path: Path, entry: str | None = "*") -> list[Problem]:
    problems = list(verify_package(path).problems)
    return problems if entry == "*" else [p for p in problems if p.entry == entry]


def _messages(path: Path, entry: str | None = "*") -> str:
    return "\n".join(p.message for p in _problems(path, entry))


# ---------------------------------------------------------------- a valid package


def test_valid_package_passes(tmp_path: Path) -> None:
    path = build_package(tmp_path / "p.zip")
    result = verify_package(path)
    assert result.ok and result.problems == ()
    assert result.manifest is not None and result.manifest["college"] == "智能制造学院"
    assert result.as_json() == {
        "file": str(path),
        "ok": True,
        "problems": [],
        "college": "智能制造学院",
        "period": "2025-2026学年",
        "signed": False,
    }


def test_cli_verify_exit_codes_and_json(tmp_path: Path) -> None:
    good = build_package(tmp_path / "good.zip")
    proc = run_cli("package", "verify", str(good), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["ok"] is True and out["problems"] == []

    files = package_files()
    manifest = manifest_for(files)
    files[fmt.DATA] = data_xlsx(drop=[ENTERPRISES])
    bad = write_package(tmp_path / "bad.zip", files, manifest)
    proc = run_cli("package", "verify", str(bad), "--json")
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out["ok"] is False
    assert out["problems"] and all(set(p) == {"entry", "message"} for p in out["problems"])
    assert {p["entry"] for p in out["problems"]} == {fmt.DATA}

    proc = run_cli("package", "verify", str(bad))
    assert proc.returncode == 1
    assert "校验未通过" in proc.stdout and "data.xlsx：" in proc.stdout and "与清单不符" in proc.stdout


def test_an_extra_sheet_is_not_a_problem(tmp_path: Path) -> None:
    files = package_files()
    files[fmt.DATA] = data_xlsx(extra={"填表说明": ("说明",)})
    assert verify_package(write_package(tmp_path / "p.zip", files)).ok


def test_a_package_without_attachments_passes(tmp_path: Path) -> None:
    files = package_files()
    del files[ATTACHMENT]
    assert verify_package(write_package(tmp_path / "p.zip", files)).ok


# ---------------------------------------------------------------- files against the manifest


def test_a_changed_data_xlsx_fails_its_hash(tmp_path: Path) -> None:
    files = package_files()
    manifest = manifest_for(files)
    changed = bytearray(files[fmt.DATA])
    changed[len(changed) // 2] ^= 0xFF
    files[fmt.DATA] = bytes(changed)
    path = write_package(tmp_path / "p.zip", files, manifest)
    problems = _problems(path)
    assert [p.entry for p in problems] == [fmt.DATA]
    assert "SHA-256" in problems[0].message and "修改" in problems[0].message


def test_a_changed_size_is_named(tmp_path: Path) -> None:
    files = package_files()
    manifest = manifest_for(files)
    files[ATTACHMENT] += b"x"
    assert "大小与清单不符" in _messages(write_package(tmp_path / "p.zip", files, manifest), ATTACHMENT)


def test_a_damaged_byte_in_the_zip_is_a_crc_problem(tmp_path: Path) -> None:
    path = build_package(tmp_path / "p.zip")
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(fmt.DATA)
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    problems = _problems(path)
    assert [p.entry for p in problems] == [fmt.DATA]
    assert "损坏" in problems[0].message


def test_a_missing_listed_file(tmp_path: Path) -> None:
    files = package_files()
    manifest = manifest_for(files)
    del files[ATTACHMENT]
    problems = _problems(write_package(tmp_path / "p.zip", files, manifest))
    assert [p.entry for p in problems] == [ATTACHMENT]
    assert "不存在" in problems[0].message


def test_an_extra_unlisted_file(tmp_path: Path) -> None:
    files = package_files()
    manifest = manifest_for(files)
    extra = "attachments/enterprises/3f1c2a4e-8b7d-4c1e-9a2b-5d6e7f801234/说明.txt"
    files[extra] = "后加的文件".encode()
    problems = _problems(write_package(tmp_path / "p.zip", files, manifest))
    assert [p.entry for p in problems] == [extra]
    assert "不在 manifest.json 的清单中" in problems[0].message


def test_data_and_report_must_be_listed(tmp_path: Path) -> None:
    files = package_files()
    manifest = manifest_for({ATTACHMENT: files[ATTACHMENT]})
    messages = _messages(write_package(tmp_path / "p.zip", files, manifest))
    assert "清单中没有 data.xlsx" in messages and "清单中没有 report.docx" in messages


def test_missing_data_and_report(tmp_path: Path) -> None:
    files = {ATTACHMENT: package_files()[ATTACHMENT]}
    problems = _problems(write_package(tmp_path / "p.zip", files))
    assert {p.entry for p in problems} == {fmt.DATA, fmt.REPORT}


# ---------------------------------------------------------------- the manifest


def test_an_unknown_version_asks_for_an_upgrade(tmp_path: Path) -> None:
    files = package_files()
    later = fmt.VERSION + 1
    result = verify_package(write_package(tmp_path / "p.zip", files, manifest_for(files, version=later)))
    assert [p.entry for p in result.problems] == [fmt.MANIFEST]
    assert f"版本为 {later}" in result.problems[0].message and "升级" in result.problems[0].message
    assert result.manifest is not None and result.manifest["version"] == later


@pytest.mark.parametrize("version", ["1", 1.0, True, None, 0])
def test_a_malformed_version(tmp_path: Path, version: object) -> None:
    files = package_files()
    manifest = manifest_for(files, version=version)
    assert "格式版本" in _messages(write_package(tmp_path / "p.zip", files, manifest), fmt.MANIFEST)


def test_a_wrong_format(tmp_path: Path) -> None:
    files = package_files()
    manifest = manifest_for(files, format="other-tool")
    problems = _problems(write_package(tmp_path / "p.zip", files, manifest))
    assert [p.entry for p in problems] == [fmt.MANIFEST]
    assert "other-tool" in problems[0].message and "不是上报材料包" in problems[0].message


def test_missing_and_malformed_fields(tmp_path: Path) -> None:
    files = package_files()
    manifest = manifest_for(files, created="昨天", period={"kind": "季度", "first_day": "2025-13-01"})
    del manifest["college"]
    messages = _messages(write_package(tmp_path / "p.zip", files, manifest), fmt.MANIFEST)
    assert "“college”" in messages
    assert "昨天" in messages
    assert "期间类型“季度”" in messages
    assert "first_day" in messages


def test_bad_period_code_and_days(tmp_path: Path) -> None:
    files = package_files()
    period = {"kind": fmt.SEMESTER, "code": "2025-2026", "first_day": "2026-02-01", "last_day": "2025-09-01"}
    messages = _messages(write_package(tmp_path / "p.zip", files, manifest_for(files, period=period)))
    assert "学期“2025-2026”格式不对" in messages and "第一天晚于最后一天" in messages


def test_a_malformed_file_list(tmp_path: Path) -> None:
    files = package_files()
    manifest = manifest_for(files)
    manifest["files"][2] = {"path": ATTACHMENT, "sha256": "abc", "size": 3}
    problems = _problems(write_package(tmp_path / "p.zip", files, manifest), ATTACHMENT)
    assert any("清单中有一项不完整" in p.message for p in problems)
    assert any("不在 manifest.json 的清单中" in p.message for p in problems)
    manifest["files"] = "all"
    assert "“files”" in _messages(write_package(tmp_path / "q.zip", files, manifest), fmt.MANIFEST)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"{not json", "不是有效的 JSON"),
        ("清单".encode("gbk"), "不是 UTF-8"),
        (b"[1, 2]", "JSON 对象"),
        (b"[" * 100_000 + b"]" * 100_000, "不是有效的 JSON"),
    ],
)
def test_an_unreadable_manifest(tmp_path: Path, raw: bytes, words: str) -> None:
    result = verify_package(write_package(tmp_path / "p.zip", manifest=raw))
    assert result.manifest is None
    assert words in "\n".join(p.message for p in result.problems if p.entry == fmt.MANIFEST)


def test_without_a_manifest_the_sheets_are_still_checked(tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(fmt.DATA, data_xlsx(drop=[ENTERPRISES]))
        zf.writestr(fmt.REPORT, b"not a docx")
    problems = _problems(path)
    assert {p.entry for p in problems} == {fmt.MANIFEST, fmt.DATA, fmt.REPORT}
    assert "缺少 manifest.json" in _messages(path, fmt.MANIFEST)
    assert f"缺少工作表“{ENTERPRISES}”" in _messages(path, fmt.DATA)
    assert "不是有效的 Word 文档" in _messages(path, fmt.REPORT)


def test_an_encrypted_entry(tmp_path: Path) -> None:
    secret = "attachments/x/secret.pdf"
    files = {**package_files(), secret: b"x" * 20}
    manifest = json.dumps(manifest_for(files)).encode()
    entries = [RawEntry(n, d, flags=0x1 if n == secret else 0) for n, d in files.items()]
    path = write_raw_zip(tmp_path / "p.zip", [RawEntry(fmt.MANIFEST, manifest), *entries])
    problems = _problems(path)
    assert [p.entry for p in problems] == [secret]
    assert "已加密" in problems[0].message


# ---------------------------------------------------------------- entry names


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("../evil.txt", ".."),
        ("attachments/../../evil.txt", ".."),
        ("/etc/x", "绝对路径"),
        ("\\windows\\x", "绝对路径"),
        ("C:/x", "盘符"),
        ("attachments/CON.txt", "保留名"),
        ("attachments/x/nul", "保留名"),
        ("attachments/Com1.tar.gz/a.pdf", "保留名"),
        ("a\\b", "反斜杠"),
        ("..\\evil.txt", ".."),
        ("attachments/a\x01b.pdf", "控制字符"),
        ("attachments/x/a:b.pdf", "不允许的字符"),
        ("attachments/x/a.pdf.", "结尾"),
        ("attachments/" + "长" * 200 + ".pdf", "路径过长"),
    ],
)
def test_unsafe_entry_names(tmp_path: Path, name: str, words: str) -> None:
    path = raw_package(tmp_path / "p.zip", [RawEntry(name, b"evil")])
    messages = _messages(path, name)
    assert "文件名不安全" in messages and words in messages


def test_duplicate_names_also_by_case(tmp_path: Path) -> None:
    path = raw_package(
        tmp_path / "p.zip",
        [
            RawEntry(ATTACHMENT, b"second copy"),
            RawEntry("attachments/x/Photo.JPG", b"a"),
            RawEntry("attachments/X/photo.jpg", b"b"),
        ],
    )
    assert "文件名重复" in _messages(path, ATTACHMENT)
    assert "仅大小写不同" in _messages(path, "attachments/X/photo.jpg")


def test_a_name_at_the_length_limit_is_fine(tmp_path: Path) -> None:
    name = "attachments/" + "长" * (fmt.MAX_PATH - len("attachments/") - 4) + ".pdf"
    assert len(name) == fmt.MAX_PATH
    path = raw_package(tmp_path / "p.zip", [RawEntry(name, b"ok")])
    assert "文件名不安全" not in _messages(path, name)


def test_is_reserved_name() -> None:
    for name in ("CON", "con.txt", "Nul", "AUX .txt", "com9.tar.gz", "LPT1"):
        assert is_reserved_name(name), name
    for name in ("CONSOLE", "com10", "lpt0.txt", "prn_x", "a.con", "我的文件.pdf"):
        assert not is_reserved_name(name), name


# ---------------------------------------------------------------- zip bombs


def test_a_zip_bomb_is_refused_without_inflating(tmp_path: Path) -> None:
    # 2 GiB of zeros deflated to ~2 MB; its CRC is deliberately wrong: were it inflated, the problem would be a
    # damaged file, not the compression ratio.
    bomb = RawEntry("attachments/x/zeros.bin", zeros_deflated(2048), zipfile.ZIP_DEFLATED, 2 * 2**30, crc=0)
    result = verify_package(raw_package(tmp_path / "bomb.zip", [bomb]))
    assert [p.entry for p in result.problems] == [bomb.name]
    assert "压缩比" in result.problems[0].message
    assert result.manifest is None  # refused before anything was read


def test_a_bomb_inside_data_xlsx_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "inner.xlsx"
    write_raw_zip(inner, [RawEntry("xl/worksheets/sheet1.xml", zeros_deflated(64), 8, 64 * 2**20, crc=0)])
    files = package_files()
    files[fmt.DATA] = inner.read_bytes()
    problems = _problems(write_package(tmp_path / "p.zip", files))
    assert [p.entry for p in problems] == [fmt.DATA]
    assert "压缩比异常" in problems[0].message


def test_too_large_in_total(tmp_path: Path) -> None:
    big = [RawEntry(f"attachments/x/{i}.bin", file_size=3 * 2**30, compress_size=3 * 2**30) for i in range(2)]
    messages = _messages(raw_package(tmp_path / "p.zip", big), None)
    assert "超过上限 4.0 GB" in messages


def test_too_many_entries(tmp_path: Path) -> None:
    entries = (RawEntry(f"attachments/x/{i}.txt") for i in range(MAX_ENTRIES + 1))
    problems = _problems(raw_package(tmp_path / "p.zip", entries))
    assert [p.entry for p in problems] == [None]
    assert f"超过上限 {MAX_ENTRIES}" in problems[0].message


def test_a_huge_manifest_is_not_read(tmp_path: Path) -> None:
    size = MAX_MANIFEST_BYTES + 1
    path = write_raw_zip(tmp_path / "p.zip", [RawEntry(fmt.MANIFEST, file_size=size, compress_size=size)])
    result = verify_package(path)
    assert "manifest.json 过大" in "\n".join(p.message for p in result.problems)
    assert result.manifest is None


# ---------------------------------------------------------------- data.xlsx and report.docx


def test_a_missing_sheet(tmp_path: Path) -> None:
    files = package_files()
    files[fmt.DATA] = data_xlsx(drop=[ENTERPRISES, fmt.REPORT_SHEETS[0][0]])
    problems = _problems(write_package(tmp_path / "p.zip", files))
    assert [p.entry for p in problems] == [fmt.DATA, fmt.DATA]
    assert f"缺少工作表“{ENTERPRISES}”" in problems[0].message
    assert f"缺少工作表“{fmt.REPORT_SHEETS[0][0]}”" in problems[1].message


def test_a_wrong_header_names_sheet_and_column(tmp_path: Path) -> None:
    headers = list(fmt.SHEET_BY_KEY["enterprises"].headers)
    headers[2] = "信用代码"
    report_name, report_headers = fmt.REPORT_SHEETS[1]
    files = package_files()
    files[fmt.DATA] = data_xlsx(headers={ENTERPRISES: tuple(headers), report_name: (*report_headers, "备注")})
    messages = [p.message for p in _problems(write_package(tmp_path / "p.zip", files))]
    assert len(messages) == 2
    assert f"工作表“{ENTERPRISES}”" in messages[0]
    assert "第 3 列（C 列）应为“统一社会信用代码”，实际为“信用代码”" in messages[0]
    assert f"工作表“{report_name}”" in messages[1] and "多出了" in messages[1] and "“备注”" in messages[1]


def test_a_data_sheet_may_have_columns_after_the_documented_ones(tmp_path: Path) -> None:
    """版本规则: a later minor version may add columns at the end of a data sheet; this version reads on."""
    headers = (*fmt.SHEET_BY_KEY["visits"].headers, "走访照片数")
    files = package_files()
    files[fmt.DATA] = data_xlsx(headers={"企业走访": headers})
    assert verify_package(write_package(tmp_path / "p.zip", files)).ok


def test_a_missing_header_column(tmp_path: Path) -> None:
    headers = fmt.SHEET_BY_KEY["visits"].headers
    files = package_files()
    files[fmt.DATA] = data_xlsx(headers={"企业走访": headers[:-1]})
    assert f"应为“{headers[-1]}”，实际为空" in _messages(write_package(tmp_path / "p.zip", files))


def test_a_data_xlsx_that_is_not_a_workbook(tmp_path: Path) -> None:
    files = package_files()
    files[fmt.DATA] = b"PK\x03\x04 but nothing more"
    problems = _problems(write_package(tmp_path / "p.zip", files))
    assert [p.entry for p in problems] == [fmt.DATA]
    assert "不是有效的 Excel 工作簿" in problems[0].message


def test_a_broken_sheet_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    original = tmp_path / "original.xlsx"
    original.write_bytes(data_xlsx())
    broken = io.BytesIO()
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data[:500] if name == "xl/worksheets/sheet1.xml" else data)  # cut in row 1
    files = package_files()
    files[fmt.DATA] = broken.getvalue()
    problems = _problems(write_package(tmp_path / "p.zip", files))
    assert [p.entry for p in problems] == [fmt.DATA]
    assert f"工作表“{fmt.SHEETS[0].name}”已损坏" in problems[0].message


# ---------------------------------------------------------------- not a package at all


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    path.write_text("学院,合作企业\n", encoding="utf-8")
    result = verify_package(path)
    assert [p.entry for p in result.problems] == [None]
    assert "不是 ZIP 文件" in result.problems[0].message
    assert result.manifest is None and not result.ok


def test_a_truncated_zip(tmp_path: Path) -> None:
    path = build_package(tmp_path / "p.zip")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    problems = _problems(path)
    assert [p.entry for p in problems] == [None]
    assert "已损坏或不完整" in problems[0].message


def test_empty_missing_and_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"")
    assert "空文件" in _messages(empty)
    assert "找不到文件" in _messages(tmp_path / "nothing.zip")
    assert "文件夹" in _messages(tmp_path)


def test_cancel(tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        verify_package(build_package(tmp_path / "p.zip"), cancel=cancel)


# ---------------------------------------------------------------- package_data


def test_package_data_extracts_and_removes(tmp_path: Path) -> None:
    path = build_package(tmp_path / "p.zip")
    with package_data(path) as data:
        assert data.name == fmt.DATA
        assert hashlib.sha256(data.read_bytes()).hexdigest() == hashlib.sha256(data_xlsx()).hexdigest()
        wb = load_workbook(data, read_only=True)
        try:
            assert tuple(wb.sheetnames) == fmt.ALL_SHEET_NAMES
        finally:
            wb.close()
        folder = data.parent
        assert folder != tmp_path and folder.is_dir()
    assert not folder.exists()


# ---------------------------------------------------------------- a real export


def test_a_real_export_verifies(demo_db, tmp_path: Path) -> None:
    from app.package.export import export_package
    from app.package.period import period_of

    with demo_db.reader() as s:
        period = period_of(s, year="2025-2026")
        result = export_package(s, period, tmp_path / "college.zip", today=dt.date(2026, 11, 23))
    verification = verify_package(result.path)
    assert verification.problems == ()
    assert verification.manifest is not None and verification.manifest["period"]["code"] == "2025-2026"


class _SystemCodePageName(zipfile.ZipInfo):
    """A name as Windows' 压缩文件夹 writes it on Chinese Windows: GBK bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
        return self.filename.encode("gbk"), self.flag_bits


def test_a_package_packed_again_by_another_program_says_so(tmp_path: Path) -> None:
    original = write_package(tmp_path / "original.zip")
    again = tmp_path / "again.zip"
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(again, "w") as dst:
        for info in src.infolist():
            copy = _SystemCodePageName(info.filename, info.date_time)
            dst.writestr(copy, src.read(info))
    messages = _messages(again)
    assert "被其他压缩软件重新打包过" in messages and "不要解压后重新压缩" in messages
    assert "1 个文件名不是 UTF-8 编码" in messages
    assert not _messages(original)  # the exporter's names carry the flag


# ---------------------------------------------------------------- issue #22: names, overlaps, end records, sizes


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("attachments/x/CONIN$", "保留名"),
        ("attachments/x/conout$.pdf", "保留名"),
        ("attachments/x/COM¹", "保留名"),
        ("attachments/x/lpt²", "保留名"),
        ("attachments/x/COM³.pdf", "保留名"),
        ("attachments/x/报告\u202efdp.exe", "文字方向"),
        ("attachments/x/营业\u200b执照.pdf", "不可见"),
        ("attachments/x/营业\u2060执照.pdf", "不可见"),
        ("attachments/x/\ufeff执照.pdf", "不可见"),
        ("attachments/C:/x.txt", "盘符"),
        ("attachments/C:\\x.txt", "盘符"),
        ("attachments/\\\\?\\C:\\x.txt", "网络路径"),
    ],
)
def test_hostile_names_from_the_issue(tmp_path: Path, name: str, words: str) -> None:
    path = raw_package(tmp_path / "p.zip", [RawEntry(name, b"evil")])
    messages = _messages(path, name)
    assert "文件名不安全" in messages and words in messages


def _bomb_package(path: Path, count: int) -> tuple[Path, list[str]]:
    """A package whose attachments are an overlapping-entries bomb, every file listed in the manifest with its
    true size and SHA-256: nothing but the overlap is wrong with it."""
    names = [f"{fmt.ATTACHMENTS}/enterprises/{i:04d}.bin" for i in range(count)]
    _, contents = overlap_bomb([], names, bytes(2**19))
    files = package_files()
    listed = {**files, **contents}
    manifest = json.dumps(manifest_for(listed)).encode("utf-8")
    data, _ = overlap_bomb([(fmt.MANIFEST, manifest), *files.items()], names, bytes(2**19))
    path.write_bytes(data)
    return path, names


def test_an_overlapping_entries_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path, names = _bomb_package(tmp_path / "bomb.zip", 300)
    assert path.stat().st_size < 200_000  # about 150 MB once inflated, every file under the ratio rule's size
    result = verify_package(path)
    assert not result.ok
    assert [p.entry for p in result.problems] == [names[0]]
    assert "重叠" in result.problems[0].message and "共 299 个文件如此" in result.problems[0].message
    assert result.manifest is None  # refused from the directories: nothing was read, let alone inflated


def test_a_fake_end_record_in_the_zip_comment_is_not_a_refusal(tmp_path: Path) -> None:
    path = build_package(tmp_path / "p.zip")
    fake = b"PK\x05\x06" + bytes(4) + (0xFFFF).to_bytes(2, "little") * 2 + bytes(10)
    with zipfile.ZipFile(path, "a") as z:
        z.comment = b"exported by chanjiao " + fake
    assert path.read_bytes().endswith(fake)
    assert verify_package(path).ok


def test_a_package_cut_short_is_incomplete_not_missing_its_manifest(tmp_path: Path) -> None:
    """The exporter stores data.xlsx, report.docx and the attachments (ZIPs themselves, uncompressed) and writes
    the manifest last: a download cut short ends in report.docx, whose end record zipfile alone takes for the
    package's."""
    files = package_files()
    manifest = json.dumps(manifest_for(files)).encode("utf-8")
    entries = [RawEntry(n, d) for n, d in files.items()] + [RawEntry(fmt.MANIFEST, manifest)]
    whole = write_raw_zip(tmp_path / "whole.zip", entries).read_bytes()
    report = files[fmt.REPORT]
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: whole.index(report) + len(report) + 20])
    problems = _problems(cut)
    assert [p.entry for p in problems] == [None]
    assert "不完整" in problems[0].message and "manifest" not in problems[0].message


def _undimensioned_data_xlsx(rows: int) -> bytes:
    """data.xlsx whose 合作企业 sheet holds `rows` rows and no <dimension> record (openpyxl then reads the whole
    sheet just to open the workbook)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, headers in all_sheets():
        ws = wb.create_sheet(name)
        ws.append(list(headers))
        if name == ENTERPRISES:
            for i in range(rows):
                ws.append([ENTERPRISE_ID, "示例科技有限公司", i])
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            dst.writestr(info.filename, data)
    return out.getvalue()


def test_a_huge_sheet_in_data_xlsx_is_refused_from_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify, "XLSX_MAX_PART_BYTES", 64 * 1024, raising=False)  # the real cap: 256 MiB
    files = package_files()
    files[fmt.DATA] = _undimensioned_data_xlsx(3000)
    assert b"<dimension" not in files[fmt.DATA]
    problems = _problems(write_package(tmp_path / "p.zip", files))
    assert [p.entry for p in problems] == [fmt.DATA]
    assert "xl/worksheets/sheet1.xml" in problems[0].message
    assert "超过单个文件的上限 64.0 KB" in problems[0].message
    files[fmt.DATA] = _undimensioned_data_xlsx(10)
    assert verify_package(write_package(tmp_path / "small.zip", files)).ok


def test_hostile_attachment_names_are_exported_under_safe_names(demo_db, tmp_path: Path) -> None:
    from sqlalchemy import select

    from app.db.models import Attachment, Enterprise
    from app.package.export import export_package
    from app.package.period import period_of
    from app.services.attachments import add_attachment

    hostile = ["CONIN$", "COM¹.pdf", "lpt²", "说明\u202efdp.exe", "营业\u200b执照.pdf", "\u200b\u202e"]
    folder = tmp_path / "src"
    folder.mkdir()
    with demo_db.session() as s:
        owner = s.execute(select(Enterprise.id).where(Enterprise.deleted_at.is_(None))).scalars().first()
        for i, name in enumerate(hostile):
            # stored under the name it had where it was added (Windows cannot even make a file CONIN$ or COM¹)
            src = folder / f"附件{i}.bin"
            src.write_bytes(f"附件 {i}".encode())
            added = add_attachment(s, "enterprise", owner, src)
            s.get(Attachment, added.ids[0]).original_name = name
    with demo_db.reader() as s:
        period = period_of(s, year="2025-2026")
        result = export_package(s, period, tmp_path / "college.zip", today=dt.date(2026, 11, 23))
    verification = verify_package(result.path)
    assert verification.problems == ()
    with zipfile.ZipFile(result.path) as z:
        entries = [n for n in z.namelist() if f"/{owner}/" in n]
    shown = {n.rsplit("/", 1)[1] for n in entries}
    assert {"_CONIN$", "_COM¹.pdf", "_lpt²", "说明fdp.exe", "营业执照.pdf"} <= shown


# ---------------------------------------------------------------- sane ranges and signatures (#22)


@pytest.mark.parametrize(
    "created",
    [
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59+14:00",
        "1999-12-31T23:00:00+00:00",
    ],
)
def test_an_export_time_outside_sane_dates_is_a_problem(tmp_path: Path, created: str) -> None:
    files = package_files()
    path = write_package(tmp_path / "p.zip", files, manifest_for(files, created=created))
    messages = _messages(path, fmt.MANIFEST)
    assert "导出时间" in messages and "合理范围" in messages


def _with_rows(sheet: str, row: list[object]) -> dict[str, bytes]:
    wb = load_workbook(io.BytesIO(package_files()[fmt.DATA]))
    wb[sheet].append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return {**package_files(), fmt.DATA: buf.getvalue()}


@pytest.mark.parametrize(
    ("sheet", "header", "value", "why"),
    [
        ("企业走访", "平均薪酬（元）", 1e307, "超出合理范围"),
        ("企业走访", "可提供岗位数", "1e308", "超出合理范围"),  # a number written as text counts too
        ("访企拓岗", "平均薪酬（元）", 1e307, "超出合理范围"),
        ("产学合作", None, 1e308, "超出合理范围"),  # the first 万元 column
    ],
)
def test_numbers_outside_sane_ranges_are_problems(
    tmp_path: Path, sheet: str, header: str | None, value: object, why: str
) -> None:
    from app.reporting.columns import TABLE_COLUMNS

    if sheet in dict(fmt.REPORT_SHEETS):
        columns = [(c.header, c.kind) for c in TABLE_COLUMNS[sheet]]
    else:
        columns = [(c.header, c.type) for s in fmt.SHEETS if s.name == sheet for c in s.columns]
    header = header or next(h for h, k in columns if k == "wan")
    row = [value if h == header else None for h, _k in columns]
    files = _with_rows(sheet, row)
    messages = _messages(write_package(tmp_path / "p.zip", files), fmt.DATA)
    assert f"工作表“{sheet}”第 2 行“{header}”" in messages and why in messages


def test_sane_numbers_pass_and_many_bad_ones_are_counted(tmp_path: Path) -> None:
    visits = [c.header for s in fmt.SHEETS if s.key == "visits" for c in s.columns]
    ok = [12000.5 if h == "平均薪酬（元）" else 30 if h == "可提供岗位数" else None for h in visits]
    assert verify_package(write_package(tmp_path / "ok.zip", _with_rows("企业走访", ok))).ok
    wb = load_workbook(io.BytesIO(package_files()[fmt.DATA]))
    for _ in range(30):
        wb["企业走访"].append([1e300 if h == "平均薪酬（元）" else None for h in visits])
    buf = io.BytesIO()
    wb.save(buf)
    files = {**package_files(), fmt.DATA: buf.getvalue()}
    problems = _problems(write_package(tmp_path / "bad.zip", files), fmt.DATA)
    assert len(problems) == 21 and "另有 10 个数值超出合理范围" in problems[-1].message


def test_a_signed_package_names_its_signer(tmp_path: Path) -> None:
    key = new_key()
    result = verify_package(write_package(tmp_path / "p.zip", key=key, sequence=3))
    assert result.ok and result.signer is not None
    assert result.signer.fingerprint == key.fingerprint and result.signer.sequence == 3
    assert result.as_json()["key"] == key.fingerprint and result.as_json()["sequence"] == 3
    proc = run_cli("package", "verify", str(tmp_path / "p.zip"))
    assert proc.returncode == 0 and "序号 3" in proc.stdout and key.fingerprint[:4].upper() in proc.stdout
    assert verify_package(write_package(tmp_path / "old.zip")).signer is None  # unsigned: no problem here


def test_a_bad_or_removed_signature_is_a_problem(tmp_path: Path) -> None:
    key, other = new_key(), new_key()
    files = package_files()
    manifest = {**manifest_for(files), "signing": {"key": key.fingerprint, "sequence": 1}}
    raw = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    forged = write_package(tmp_path / "forged.zip", files, raw, signature=signature_entry(other, raw))
    assert "签名与清单不符" not in _messages(forged, fmt.SIGNATURE)
    assert "与签名的公钥不符" in _messages(forged, fmt.SIGNATURE)  # signed by another key than it names
    changed = raw.replace("智能制造学院".encode(), "信息工程学院".encode())
    edited = write_package(tmp_path / "edited.zip", files, changed, signature=signature_entry(key, raw))
    assert "签名与清单不符" in _messages(edited, fmt.SIGNATURE)
    stripped = write_package(tmp_path / "stripped.zip", files, raw)
    assert "签名被去掉了" in _messages(stripped, fmt.SIGNATURE)
    junk = write_package(tmp_path / "junk.zip", files, raw, signature=b"{not json")
    assert "不是有效的 JSON" in _messages(junk, fmt.SIGNATURE)
    big = write_package(tmp_path / "big.zip", files, raw, signature=b" " * 10_000)
    assert "过大" in _messages(big, fmt.SIGNATURE)
    bad_seq = {**manifest, "signing": {"key": key.fingerprint, "sequence": 0}}
    assert "序号" in _messages(write_package(tmp_path / "seq.zip", files, bad_seq, key=key, sequence=0))


def test_an_overlong_school_or_college_name_is_a_problem(tmp_path: Path) -> None:
    """The names in the manifest go into the school's trust store, every message and the summary's cells (and
    through pinyin for sorting, 3 s for 300,000 characters): a name no college has is refused by verify."""
    files = package_files()
    long_name = "智能制造学院" * 50
    for key in ("college", "school"):
        problems = _problems(
            write_package(tmp_path / f"{key}.zip", files, manifest_for(files, **{key: long_name}))
        )
        assert [p.entry for p in problems] == [fmt.MANIFEST], key
        assert "过长" in problems[0].message
    assert not _problems(
        write_package(tmp_path / "ok.zip", files, manifest_for(files, college="智能制造学院"))
    )
