"""Minimal valid submission packages (上报材料包) built without the exporter, for verify and merge tests: every
sheet of app/package/format.py with its headers (one enterprise row), a tiny report.docx, one attachment and a
correct manifest. Tests tamper with the parts (`package_files`, `manifest_for`) before `write_package`;
`write_raw_zip` writes entries byte by byte (any name, any declared size) for the hostile cases.
`new_key()` and `write_package(..., key=, sequence=)` make signed packages (signature.json) as the exporter
does; `key_file` writes the college's public key file the school imports."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from openpyxl import Workbook

from app.package import format as fmt
from app.package.signing import CollegeKey, public_key_file, signature_entry

ENTERPRISE_ID = "3f1c2a4e-8b7d-4c1e-9a2b-5d6e7f801234"
ATTACHMENT = f"{fmt.ATTACHMENTS}/enterprises/{ENTERPRISE_ID}/营业执照.pdf"
ATTACHMENT_BYTES = b"%PDF-1.4\n% a tiny attachment\n%%EOF\n"


def all_sheets() -> list[tuple[str, tuple[str, ...]]]:
    return [(s.name, s.headers) for s in fmt.SHEETS] + list(fmt.REPORT_SHEETS)


def data_xlsx(
    *,
    drop: Iterable[str] = (),
    headers: Mapping[str, tuple[str, ...]] | None = None,
    extra: Mapping[str, tuple[str, ...]] | None = None,
) -> bytes:
    """data.xlsx with every sheet but `drop`; `headers` replaces the header row of the sheets it names; `extra`
    adds sheets at the end."""
    drop = set(drop)
    headers = dict(headers or {})
    if not drop and not headers and not extra:
        return _standard_xlsx()
    sheets = [(n, headers.get(n, h)) for n, h in all_sheets() if n not in drop]
    return _xlsx(tuple(sheets + list((extra or {}).items())))


@functools.cache
def _standard_xlsx() -> bytes:
    return _xlsx(tuple(all_sheets()))


def _xlsx(sheets: tuple[tuple[str, tuple[str, ...]], ...]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, headers in sheets:
        ws = wb.create_sheet(name)
        ws.append(list(headers))
        if name == fmt.SHEET_BY_KEY["enterprises"].name:
            ws.append([ENTERPRISE_ID, "示例科技有限公司"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@functools.cache
def report_docx() -> bytes:
    document = docx.Document()
    document.add_heading("2025-2026学年产教融合自评报告", level=1)
    document.add_paragraph("示例学院本学年与合作企业共建实践基地。")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def package_files() -> dict[str, bytes]:
    """The files of a valid package other than manifest.json, by entry name."""
    return {fmt.DATA: data_xlsx(), fmt.REPORT: report_docx(), ATTACHMENT: ATTACHMENT_BYTES}


def manifest_for(files: Mapping[str, bytes], **overrides: Any) -> dict[str, Any]:
    """A correct manifest for `files`; `overrides` replaces top-level fields."""
    manifest: dict[str, Any] = {
        "format": fmt.FORMAT,
        "version": fmt.VERSION,
        "school": "示例职业技术学院",
        "college": "智能制造学院",
        "period": {
            "kind": fmt.YEAR,
            "code": "2025-2026",
            "label": "2025-2026学年",
            "first_day": "2025-09-01",
            "last_day": "2026-08-31",
        },
        "created": "2026-09-10T09:30:00+08:00",
        "app_version": "test",
        "personal_data": fmt.MASKED,
        "files": [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in files.items()
        ],
        "tables": {s.key: {"sheet": s.name, "rows": 1 if s.key == "enterprises" else 0} for s in fmt.SHEETS},
        "compliance": {"errors": 0, "warnings": 0},
    }
    manifest.update(overrides)
    return manifest


def write_package(
    path: Path,
    files: Mapping[str, bytes] | None = None,
    manifest: dict | bytes | None = None,
    *,
    key: CollegeKey | None = None,
    sequence: int = 1,
    signature: bytes | None = None,
) -> Path:
    """A package of `files` (default: package_files()) with `manifest` (default: the correct one; bytes are
    written as they are). With `key`, signed as the exporter signs: the manifest (a dict) gets "signing"
    (the key's fingerprint and `sequence`) and signature.json signs its bytes; `signature` writes those
    bytes as signature.json instead (a forged or stale signature)."""
    files = package_files() if files is None else files
    manifest = manifest_for(files) if manifest is None else manifest
    if key is not None and isinstance(manifest, dict):
        manifest = {**manifest, "signing": {"key": key.fingerprint, "sequence": sequence}}
    raw = (
        manifest if isinstance(manifest, bytes) else json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    )
    if key is not None and signature is None:
        signature = signature_entry(key, raw)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(fmt.MANIFEST, raw)
        for name, data in files.items():
            zf.writestr(name, data)
        if signature is not None:
            zf.writestr(fmt.SIGNATURE, signature)
    return path


def new_key() -> CollegeKey:
    """A new signing key, as a college's installation holds one."""
    return CollegeKey(Ed25519PrivateKey.generate(), "test")


def key_file(
    path: Path, key: CollegeKey, college: str = "智能制造学院", school: str = "示例职业技术学院"
) -> Path:
    """The public key file a college hands to the school."""
    path.write_bytes(public_key_file(key, school, college))
    return path


def build_package(path: Path) -> Path:
    """A minimal valid package at `path`."""
    return write_package(path)


def raw_package(path: Path, extra: Iterable[RawEntry] = ()) -> Path:
    """The valid package written by write_raw_zip (stored), with `extra` entries after its own."""
    files = package_files()
    manifest = json.dumps(manifest_for(files), ensure_ascii=False).encode("utf-8")
    own = [RawEntry(fmt.MANIFEST, manifest)] + [RawEntry(n, d) for n, d in files.items()]
    return write_raw_zip(path, [*own, *extra])


@dataclass(frozen=True)
class RawEntry:
    """An entry as written byte by byte: `data` is stored as given (already deflated when method is 8), with
    the declared sizes, CRC and flags as given (default: those of stored data)."""

    name: str | bytes
    data: bytes = b""
    method: int = zipfile.ZIP_STORED
    file_size: int | None = None
    compress_size: int | None = None
    crc: int | None = None
    flags: int = 0


def write_raw_zip(path: Path, entries: Iterable[RawEntry]) -> Path:
    """A ZIP written without zipfile's checks: names with backslashes or duplicates, declared sizes that lie
    (a bomb's central directory costs nothing to write)."""
    out = io.BytesIO()
    central = []
    count = 0
    for e in entries:
        name = e.name.encode("utf-8") if isinstance(e.name, str) else e.name
        flags = e.flags | (0x800 if isinstance(e.name, str) and not e.name.isascii() else 0)
        crc = zlib.crc32(e.data) if e.crc is None else e.crc
        size = len(e.data) if e.file_size is None else e.file_size
        packed = len(e.data) if e.compress_size is None else e.compress_size
        common = struct.pack("<HHHHHIII", 20, flags, e.method, 0, 0x21, crc, packed, size)
        offset = out.tell()
        out.write(b"PK\x03\x04" + common + struct.pack("<HH", len(name), 0) + name + e.data)
        central.append(
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + common
            + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset)
            + name
        )
        count += 1
    start = out.tell()
    out.write(b"".join(central))
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, out.tell() - start, start, 0)
    path.write_bytes(out.getvalue() + end)
    return path


def zeros_deflated(megabytes: int) -> bytes:
    """A raw deflate stream of `megabytes` MiB of zeros, made from one compressed MiB repeated (each copy ends
    on a full flush, so copies can follow each other) and an empty final block: ~1 KB per MiB."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = c.compress(bytes(2**20)) + c.flush(zlib.Z_FULL_FLUSH)
    return one * megabytes + b"\x03\x00"


def legacy_xlsx(version: int = 2, report_rows: Mapping[str, list[tuple]] | None = None) -> bytes:
    """data.xlsx as a package of an older format `version` has it: that version's data sheets and headers
    (format.sheets_in, Sheet.headers_in) and its standard report tables (format.report_columns_in), with
    `report_rows` under the report headers named."""
    wb = Workbook()
    wb.remove(wb.active)
    for s in fmt.sheets_in(version):
        ws = wb.create_sheet(s.name)
        ws.append(list(s.headers_in(version)))
        if s.key == "enterprises":
            ws.append([ENTERPRISE_ID, "示例科技有限公司"])
    for name, columns in fmt.report_columns_in(version).items():
        ws = wb.create_sheet(name)
        ws.append([h for h, _k in columns])
        for row in (report_rows or {}).get(name, []):
            ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def legacy_package(
    path: Path, version: int = 2, report_rows: Mapping[str, list[tuple]] | None = None, **overrides: Any
) -> Path:
    """An unsigned package of an older format `version` (as that version's exporter wrote it)."""
    files = {**package_files(), fmt.DATA: legacy_xlsx(version, report_rows)}
    tables = {s.key: {"sheet": s.name, "rows": 0} for s in fmt.sheets_in(version)}
    return write_package(path, files, manifest_for(files, version=version, tables=tables, **overrides))
