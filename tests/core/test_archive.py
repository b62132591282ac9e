"""The one check every archive the app reads goes through (app/archive.py): entry names, sizes and overlapping
entries from the ZIP's directories, the true end record. Hostile ZIPs are built by tests/zip_bombs.py."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from app import archive
from app.archive import BadArchive, Limits, name_problems, open_zip
from app.fsutil import is_reserved_name
from tests.zip_bombs import fake_end_record, lying_bzip2, overlap_bomb, plain_zip

LIMITS = Limits(max_entries=1000, max_total=10 * 2**20, max_entry=2**20, max_ratio=200, ratio_min_bytes=2**16)


def _zip(entries: dict[str, bytes], **kwargs: object) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, **kwargs) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


# ---------------------------------------------------------------- entry names


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("库名_附件/C:/x.txt", "盘符"),
        ("库名_附件/C:\\x.txt", "盘符"),
        ("库名_附件/ab/c:x.txt", "盘符"),
        ("库名_附件/\\\\?\\C:\\x.txt", "网络路径"),
        ("\\\\server\\share\\x.txt", "网络路径"),
        ("//server/share/x.txt", "网络路径"),
        ("库名_附件/ab/CON", "保留名"),
        ("a/CONIN$", "保留名"),
        ("a/conout$.txt", "保留名"),
        ("a/COM¹", "保留名"),
        ("a/lpt²", "保留名"),
        ("a/COM³.pdf", "保留名"),
        ("a/../../x", ".."),
        ("..\\x", ".."),
        ("/etc/passwd", "绝对路径"),
        ("a/b\x00.txt", "控制字符"),
        ("a/b\x85.txt", "控制字符"),
        ("a/报告\u202efdp.exe", "文字方向"),
        ("a/报告\u2067x.pdf", "文字方向"),
        ("a/\u200e报告.pdf", "文字方向"),
        ("a/报告\u061c.pdf", "文字方向"),
        ("a/营业\u200b执照.pdf", "不可见"),
        ("a/营业\u200d执照.pdf", "不可见"),
        ("a/营业\u2060执照.pdf", "不可见"),
        ("a/\ufeff执照.pdf", "不可见"),
        ("a/执\u00ad照.pdf", "不可见"),
        ("a/\u3164.pdf", "不可见"),  # a Hangul filler: a letter that shows nothing
        ("a/x|y.pdf", "不允许的字符"),
        ("a/x.pdf.", "结尾"),
        ("a/x.pdf ", "结尾"),
        ("a/./x.pdf", "“.”的路径段"),
        ("a/" + "长" * 300, "路径过长"),
    ],
)
def test_unsafe_names(name: str, words: str) -> None:
    reasons = "；".join(name_problems(name))
    assert words in reasons, reasons


@pytest.mark.parametrize(
    "name",
    [
        "word/document.xml",
        "[Content_Types].xml",
        "chanjiao_附件/ab/ab12cd",
        "attachments/x/营业执照(2).pdf",
        "dir/",
    ],
)
def test_ordinary_names_pass(name: str) -> None:
    assert name_problems(name) == []


def test_reserved_names_include_console_and_superscript_ports() -> None:
    for name in ("CONIN$", "conout$.txt", "COM¹", "com².pdf", "LPT³", "lpt¹.tar.gz", "COM9", "nul"):
        assert is_reserved_name(name), name
    for name in ("COM⁴", "COM10", "lpt0.txt", "CONIN", "CONSOLE", "a.con"):
        assert not is_reserved_name(name), name


def test_duplicates_and_case_clashes() -> None:
    data = plain_zip([("a/x.pdf", b"1"), ("a/x.pdf", b"2"), ("a/X.PDF", b"3")])
    with open_zip(data) as z:
        found = archive.names_problems(z.infolist(), LIMITS)
        relaxed = archive.names_problems(z.infolist(), Limits(1000, 2**20, fold_case=False))
    assert [p.entry for p in found] == ["a/x.pdf", "a/X.PDF"]
    assert "重复" in found[0].message and "大小写" in found[1].message
    assert [p.entry for p in relaxed] == ["a/x.pdf"]


def test_shown_and_visible_names() -> None:
    assert archive.shown_name("a/x\u202egpj.exe") == "a/x\\u202Egpj.exe"
    assert archive.visible_name("营业\u200b执照\u202e.pdf\x01") == "营业执照.pdf"


# ---------------------------------------------------------------- sizes


def test_size_limits() -> None:
    many = plain_zip([(f"{i}.txt", b"") for i in range(1001)])
    with pytest.raises(BadArchive) as e:
        open_zip(many, max_entries=1000)
    assert e.value.entries == 1001 and "超过上限 1000" in e.value.message
    with open_zip(many) as z:  # without max_entries it opens; the check still counts
        assert [p.entry for p in archive.size_problems(z.infolist(), LIMITS)] == [None]
    data = _zip({"big.bin": bytes(2**20 + 1), "ok.txt": b"x" * 1000, "zeros.bin": bytes(2**17)})
    with open_zip(data) as z:
        found = {p.entry: p.message for p in archive.check_zip(z, LIMITS)}
    assert set(found) == {"big.bin", "zeros.bin"}
    assert "压缩比异常" in found["big.bin"] and "压缩比异常" in found["zeros.bin"]
    stored = plain_zip([("big.bin", bytes(2**20 + 1))])
    with open_zip(stored) as z:
        (only,) = archive.check_zip(z, LIMITS)
    assert only.entry == "big.bin" and "超过单个文件的上限 1.0 MB" in only.message
    total = plain_zip([(f"{i}.bin", bytes(2**20)) for i in range(11)])
    with open_zip(total) as z:
        (only,) = archive.check_zip(z, LIMITS, subject="备份")
    assert only.entry is None and "备份解压后共 11.0 MB，超过上限 10.0 MB" in only.message


# ---------------------------------------------------------------- overlapping entries


def test_an_overlapping_entries_bomb_is_found_without_inflating() -> None:
    names = [f"attachments/x/{i:03d}.bin" for i in range(100)]
    data, contents = overlap_bomb([("readme.txt", b"hello")], names, bytes(2**19))
    assert len(data) < 20_000 and sum(map(len, contents.values())) > 50 * 2**20
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # Python 3.11's zipfile reads every file of it
        assert z.read(names[-1]) == contents[names[-1]]
        assert z.getinfo(names[0]).file_size < 2**20  # no entry over the ratio rule's size
    with open_zip(data) as z:
        found = archive.check_zip(z, Limits(1000, 2**30, max_ratio=200))
    assert [p.entry for p in found] == [names[0]]
    assert "重叠" in found[0].message and "共 99 个文件如此" in found[0].message


def test_entries_pointing_at_one_local_header_overlap() -> None:
    good = plain_zip([("a.txt", b"a" * 100), ("b.txt", b"b" * 100)])
    at = good.index(b"PK\x01\x02", good.index(b"PK\x01\x02") + 4)  # the second central entry
    offset_field = at + 42
    forged = good[:offset_field] + (0).to_bytes(4, "little") + good[offset_field + 4 :]
    with open_zip(forged) as z:
        (only,) = archive.overlap_problems(z)
    assert "重叠" in only.message


def test_data_running_past_the_directory_is_found() -> None:
    good = plain_zip([("a.txt", b"a" * 100)])
    at = good.index(b"PK\x01\x02")
    lied = good[: at + 20] + (10**6).to_bytes(4, "little") + good[at + 24 :]  # compressed size
    with open_zip(lied) as z:
        (only,) = archive.overlap_problems(z)
    assert only.entry == "a.txt" and "超出" in only.message


def test_ordinary_zips_have_no_overlap(tmp_path: Path) -> None:
    class Unseekable(io.RawIOBase):  # zipfile then writes data descriptors after each entry
        def __init__(self) -> None:
            self.buf = io.BytesIO()

        def writable(self) -> bool:
            return True

        def write(self, b) -> int:  # noqa: ANN001
            return self.buf.write(b)

    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(5):
            z.writestr(f"x/{i}.txt", f"第 {i} 个文件".encode() * 100)
    described = stream.buf.getvalue()
    zip64 = tmp_path / "z64.zip"
    with zipfile.ZipFile(zip64, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(3):
            with z.open(f"{i}.bin", "w", force_zip64=True) as f:
                f.write(bytes(1000))
    for source in (described, zip64, _zip({"a": b"1", "b/": b"", "c": b"3"})):
        with open_zip(source) as z:
            assert z.infolist() and archive.check_zip(z, LIMITS) == []


# ---------------------------------------------------------------- the end record


def test_a_fake_end_record_in_the_comment_is_not_the_archive(tmp_path: Path) -> None:
    data = _zip({"a.txt": b"1", "b.txt": b"2"})
    with_comment = data[:-2] + len(b"x" + fake_end_record()).to_bytes(2, "little") + b"x" + fake_end_record()
    path = tmp_path / "c.zip"
    path.write_bytes(with_comment)
    with open(path, "rb") as f:
        assert archive.declared_entries(f) == 2
    with open_zip(path, max_entries=10) as z:
        assert z.namelist() == ["a.txt", "b.txt"] and z.read("b.txt") == b"2"
        assert z.ambiguous
    with open_zip(data) as z:
        assert not z.ambiguous


def test_a_zip_cut_short_is_damaged_even_where_it_ends_in_an_inner_zip() -> None:
    inner = _zip({"word/document.xml": b"<w/>" * 100})
    outer = plain_zip([("manifest.json", b"{}"), ("report.docx", inner), ("after.pdf", b"%PDF" * 100)])
    end_of_inner = outer.index(inner) + len(inner)
    with zipfile.ZipFile(io.BytesIO(outer[: end_of_inner + 50])) as z:  # zipfile alone reads the inner one
        assert z.namelist() == ["word/document.xml"]
    for cut in (end_of_inner, end_of_inner + 50, len(outer) - 10):
        with pytest.raises(BadArchive, match="不完整"):
            open_zip(outer[:cut])


@pytest.mark.parametrize("content", [b"", b"PK", b"not a zip at all", bytes(100)])
def test_not_a_zip(content: bytes) -> None:
    with pytest.raises(BadArchive):
        open_zip(content)


def test_the_file_is_closed_with_the_archive(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    path.write_bytes(_zip({"a.txt": b"1"}))
    z = open_zip(path)
    head = z.fp
    z.close()
    assert head is not None and head.closed
    path.unlink()  # nothing holds it (Windows would refuse otherwise)


# ---------------------------------------------------------------- the callers: templates and imports


def _docx_with(extra: dict[str, bytes]) -> bytes:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        for name, data in extra.items():
            dst.writestr(zipfile.ZipInfo(name), data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("entry", "words"), [("word/CONIN$", "保留名"), ("word/x\u202elmx.xml", "文字方向"), ("C:/x.xml", "盘符")]
)
def test_a_template_with_a_bad_entry_is_refused(entry: str, words: str) -> None:
    from app.docs.render import check_docx
    from app.errors import DocumentTemplateError

    check_docx(_docx_with({}), "好模板.docx")
    with pytest.raises(DocumentTemplateError) as e:
        check_docx(_docx_with({entry: b"<x/>"}), "坏模板.docx")
    assert "坏模板.docx" in e.value.message and words in e.value.message
    assert archive.shown_name(entry) in e.value.message


def test_a_template_overlap_bomb_is_refused() -> None:
    from app.docs.render import check_docx
    from app.errors import DocumentTemplateError

    with zipfile.ZipFile(io.BytesIO(_docx_with({}))) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    data, _ = overlap_bomb(parts, [f"word/media/{i}.bin" for i in range(40)], bytes(2**19))
    with pytest.raises(DocumentTemplateError, match="重叠"):
        check_docx(data, "炸弹.docx")


def _xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_import_file_overlap_bomb_is_refused(tmp_path: Path) -> None:
    from app.errors import ImportFileError
    from app.io.xlsx import open_workbook

    with zipfile.ZipFile(io.BytesIO(_xlsx())) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    data, _ = overlap_bomb(parts, [f"xl/media/{i}.bin" for i in range(40)], bytes(2**19))
    path = tmp_path / "炸弹.xlsx"
    path.write_bytes(data)
    with pytest.raises(ImportFileError, match="异常巨大"):
        open_workbook(path)


def test_an_import_file_with_a_bad_name_or_a_second_end_record_is_refused(tmp_path: Path) -> None:
    from app.errors import ImportFileError
    from app.io.xlsx import open_workbook

    good = tmp_path / "好.xlsx"
    good.write_bytes(_xlsx())
    open_workbook(good).close()
    named = tmp_path / "名字.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(named, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(zipfile.ZipInfo("xl/COM¹.xml"), b"<x/>")
    with pytest.raises(ImportFileError, match="保留名"):
        open_workbook(named)
    faked = tmp_path / "结尾.xlsx"
    faked.write_bytes(good.read_bytes())
    with zipfile.ZipFile(faked, "a") as z:
        z.comment = fake_end_record()
    with pytest.raises(ImportFileError, match="已损坏"):
        open_workbook(faked)


def test_a_bzip2_entry_that_lies_about_its_size_is_refused_before_inflating() -> None:
    """Only stored and deflated entries are read: zipfile inflates a bzip2 or LZMA entry's data in one call,
    whatever size the directory declares (177 bytes of bzip2 are 200 MB of zeros)."""
    data = lying_bzip2([("a.txt", b"x")], "attachments/x/y/报告.pdf", 2**20)
    with open_zip(data) as z:
        problems = archive.check_zip(z, LIMITS)
    assert [p.entry for p in problems] == ["attachments/x/y/报告.pdf"]
    assert "压缩方式" in problems[0].message


def test_a_package_with_a_lying_bzip2_attachment_is_not_inflated(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from app.package.verify import verify_package

    entry = "attachments/visits/1/报告.pdf"
    listed = [{"path": entry, "size": 1000, "sha256": "0" * 64}]
    manifest = json.dumps({"format": "chanjiao-package", "version": 1, "files": listed}).encode()
    path = tmp_path / "材料包.zip"
    path.write_bytes(lying_bzip2([("manifest.json", manifest)], entry, 2**20))
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spying(self, name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spying)
    v = verify_package(path)
    assert entry not in opened
    assert any(p.entry == entry and "压缩方式" in p.message for p in v.problems)
