"""Verifying a submission package (app/package/verify.py): a valid one passes; each defect — a changed or
missing file, an unlisted one, another format or version, an unsafe entry name, a zip bomb, a missing sheet
or header, a broken ZIP — is its own Chinese problem naming the entry, never an exception."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.errors import Cancelled
from app.fsutil import is_reserved_name
from app.package import format as fmt
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
    RawEntry,
    build_package,
    data_xlsx,
    manifest_for,
    package_files,
    raw_package,
    write_package,
    write_raw_zip,
    zeros_deflated,
)

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
    result = verify_package(write_package(tmp_path / "p.zip", files, manifest_for(files, version=2)))
    assert [p.entry for p in result.problems] == [fmt.MANIFEST]
    assert "版本为 2" in result.problems[0].message and "升级" in result.problems[0].message
    assert result.manifest is not None and result.manifest["version"] == 2


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
