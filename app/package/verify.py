"""Verifying a submission package (上报材料包) before the school uses it: the ZIP itself, the names of its
entries, zip-bomb limits, the manifest, the SHA-256 and size of every file, the sheets and headers of
data.xlsx and a readable report.docx.

The file is hostile until verified: every defect becomes a Problem with Chinese text (never an exception),
the limits are decided from the central directory before anything is inflated, and nothing is extracted
except data.xlsx and report.docx, into a TemporaryDirectory removed at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import struct
import tempfile
import threading
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from app import archive
from app.errors import AppError, Cancelled
from app.fsutil import human_size
from app.package import format as fmt
from app.package import sanity
from app.package.signing import MAX_SIGNATURE_BYTES, Signer, check_signature

# Limits, decided from the central directory before anything is inflated. A college's package is mostly its
# attachments (PDFs, scans, Office files): tens to hundreds of MB; these leave ample room.
MAX_ENTRIES = 50_000
MAX_TOTAL_BYTES = 4 * 2**30  # declared uncompressed size of all entries together
# The package's big entries are already compressed (xlsx, docx, pdf, jpg: ratio ≈ 1) and even plain text
# rarely passes 100:1, while deflated zeros reach 1030:1; an entry over 1 MiB above 200:1 is a bomb.
MAX_RATIO = 200
RATIO_MIN_BYTES = 2**20
MAX_MANIFEST_BYTES = 10 * 2**20
# The manifest's school, college, version and period label: shown in every message, kept in the school's trust
# store, written to the summary's cells and sorted by pinyin (3 s for 300,000 characters). No name is this long.
MAX_NAME_CHARS = 100
MAX_NAME_PROBLEMS = 50  # name problems listed one by one; the rest are counted

# data.xlsx is opened with openpyxl read-only after our own container check. app.io.xlsx.open_workbook's
# limits (100 MB file, 200 MB of XML) suit a user's import file but not a large college's data.xlsx
# (measured: 20,000 internship rows are 47 MB of sheet XML, 16:1 in a 3 MB file; 100,000 pass 200 MB),
# and it reads the whole file into memory.
XLSX_MAX_ENTRIES = 10_000
XLSX_MAX_TOTAL_BYTES = 2 * 2**30
XLSX_MAX_RATIO = 500  # as app.io.xlsx: sheet XML compresses 5–100:1, zeros 1030:1
# One part of data.xlsx (a sheet's XML, the shared strings), uncompressed. openpyxl reads a sheet without a
# <dimension> record to its end just to open the workbook (a 1.9 GB sheet: 416 s, 6.7 GB of memory), so the
# size of every part is capped from data.xlsx's own central directory before openpyxl sees it: 256 MiB is
# about 100,000 rows of the widest sheet (学生实习, ~2.4 KB a row), five times the largest college's.
XLSX_MAX_PART_BYTES = 256 * 2**20
# report.docx is only opened to see it is a Word document; its parts are held to a Word template's limits.
REPORT_LIMITS = archive.Limits(2000, 200 * 2**20, max_ratio=XLSX_MAX_RATIO)
PACKAGE_LIMITS = archive.Limits(
    MAX_ENTRIES, MAX_TOTAL_BYTES, max_ratio=MAX_RATIO, ratio_min_bytes=RATIO_MIN_BYTES, max_path=fmt.MAX_PATH
)

CHUNK = 2**20
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_REDO = "请让学院重新导出材料包后再报送。"


@dataclass(frozen=True)
class Problem:
    entry: str | None  # the ZIP entry concerned, None for the package as a whole
    message: str


@dataclass(frozen=True)
class Verification:
    path: Path
    problems: tuple[Problem, ...]
    manifest: dict | None  # the parsed manifest when it could be read (even if other problems exist)
    signer: Signer | None = None  # who signed it (the signature checked); None: unsigned or no good

    @property
    def signed(self) -> bool:
        return self.signer is not None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        out: dict[str, Any] = {
            "file": str(self.path),
            "ok": self.ok,
            "problems": [{"entry": p.entry, "message": p.message} for p in self.problems],
        }
        m = self.manifest or {}
        if isinstance(m.get("college"), str):
            out["college"] = m["college"]
        period = m.get("period")
        if isinstance(period, dict) and isinstance(period.get("code"), str):
            out["period"] = period.get("label") if isinstance(period.get("label"), str) else period["code"]
        out["signed"] = self.signer is not None
        if self.signer is not None:
            out["key"], out["sequence"] = self.signer.fingerprint, self.signer.sequence
        return out


def verify_package(path: Path, *, cancel: threading.Event | None = None) -> Verification:
    """Every problem of the package at `path` (none: it can be used). Raises Cancelled, and AppError when the
    disk fails us (the package's drive removed while reading it, the temporary folder's disk full)."""
    path = Path(path)
    check = _Check(cancel)
    try:
        # Every handle on the extracted files is closed before the end; should Windows still hold one (an
        # antivirus scanner), a leftover temporary file is better than a failed verification.
        with tempfile.TemporaryDirectory(prefix="chanjiao-verify-", ignore_cleanup_errors=True) as tmp:
            check.run(path, Path(tmp))
    except OSError as e:
        raise AppError(
            f"校验“{path.name}”时读写文件失败：{e.strerror or e}。请确认材料包所在的磁盘或 U 盘仍已连接、"
            "系统盘有足够空间后重试。",
            repr(e),
        ) from e
    return Verification(path, tuple(check.problems), check.manifest, check.signer)


def listed_file(manifest: dict | None, name: str) -> tuple[int, str] | None:
    """(size, SHA-256) of `name` as a verified manifest lists it; None when it does not."""
    files = (manifest or {}).get("files")
    for item in files if isinstance(files, list) else ():
        if isinstance(item, dict) and item.get("path") == name:
            size, sha = item.get("size"), item.get("sha256")
            if isinstance(size, int) and isinstance(sha, str):
                return size, sha.lower()
    return None


@contextlib.contextmanager
def package_data(path: Path, expected: tuple[int, str] | None = None) -> Iterator[Path]:
    """data.xlsx of a package (the caller verified it) extracted into a TemporaryDirectory; removed on exit.
    `expected`: its (size, SHA-256) as the verified manifest lists it (listed_file): the file is read again
    after verifying, and one replaced in between is refused (AppError) instead of read as the verified one."""
    with tempfile.TemporaryDirectory(prefix="chanjiao-package-") as tmp:
        target = Path(tmp) / fmt.DATA
        try:
            with archive.open_zip(path) as zf:
                info = zf.getinfo(fmt.DATA)
                if info.file_size > MAX_TOTAL_BYTES:
                    raise AppError(f"“{Path(path).name}”中的 {fmt.DATA} 过大，请先校验材料包。")
                if expected is not None and info.file_size != expected[0]:
                    raise AppError(_changed(path), f"{fmt.DATA}: size {info.file_size} != {expected[0]}")
                h = hashlib.sha256()
                with zf.open(info) as src, open(target, "wb") as dst:
                    while chunk := src.read(CHUNK):
                        h.update(chunk)
                        dst.write(chunk)
                if expected is not None and h.hexdigest() != expected[1]:
                    raise AppError(_changed(path), f"{fmt.DATA}: SHA-256 differs from the verified manifest")
        except KeyError as e:
            raise AppError(f"“{Path(path).name}”中没有 {fmt.DATA}，请先校验材料包。", repr(e)) from e
        except (
            archive.BadArchive,
            zipfile.BadZipFile,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as e:
            raise AppError(f"无法读取“{Path(path).name}”中的 {fmt.DATA}，请先校验材料包。", repr(e)) from e
        yield target


def _changed(path: Path) -> str:
    return f"“{Path(path).name}”在校验后被改动过（文件被替换或正在被写入），未使用。请重新汇总；如仍如此，请让学院重新报送。"


class _Check:
    def __init__(self, cancel: threading.Event | None) -> None:
        self.cancel = cancel
        self.problems: list[Problem] = []
        self.manifest: dict | None = None
        self.manifest_bytes = b""
        self.signer: Signer | None = None
        self.insane = 0  # numbers outside sane ranges found
        self.version = fmt.VERSION  # the manifest's, once read: which sheets and headers data.xlsx has

    def add(self, entry: str | None, message: str) -> None:
        self.problems.append(Problem(entry, message))

    def run(self, path: Path, tmp: Path) -> None:
        zf = self.open(path)
        if zf is None:
            return
        with zf:
            infos = zf.infolist()
            self.check_names(infos)
            self.check_encoding(infos)
            if not self.check_sizes(zf):
                return  # a bomb: inflate nothing
            names = {i.orig_filename: i for i in infos}
            self.manifest = self.read_manifest(zf, names.get(fmt.MANIFEST))
            if self.manifest is not None and not self.check_manifest(self.manifest):
                return  # another format or version: its files and sheets are not ours to judge
            extracted = self.check_files(zf, names, tmp)
            self.check_signature(zf, names.get(fmt.SIGNATURE))
            for name in (fmt.DATA, fmt.REPORT):
                if name in names and name not in extracted:  # not listed: still look inside
                    target = tmp / name
                    extracted[name] = target if self.copy(zf, names[name], target) is not None else None
        for name, what, check in (
            (fmt.DATA, "数据表", self.check_workbook),
            (fmt.REPORT, "报告", self.check_report),
        ):
            if extracted.get(name) is not None:
                check(extracted[name])
            elif name not in names and not any(p.entry == name for p in self.problems):
                self.add(name, f"材料包中没有 {name}（{what}）。{_REDO}")

    # ------------------------------------------------------------ the ZIP

    def open(self, path: Path) -> zipfile.ZipFile | None:
        try:
            if path.is_dir():
                self.add(None, f"“{path.name}”是一个文件夹，不是材料包（.zip 文件）。")
                return None
            with open(path, "rb") as f:
                head = f.read(4)
        except FileNotFoundError:
            self.add(None, f"找不到文件“{path}”。")
            return None
        except OSError as e:
            self.add(None, f"无法读取“{path.name}”：{e.strerror or e}")
            return None
        if not head:
            self.add(None, f"“{path.name}”是空文件，不是材料包。")
            return None
        if not head.startswith(b"PK"):
            self.add(None, f"“{path.name}”不是 ZIP 文件，不是上报材料包。请选择学院导出的 .zip 材料包。")
            return None
        try:
            return archive.open_zip(path, max_entries=MAX_ENTRIES)
        except archive.BadArchive as e:
            if e.entries is not None:
                self.add(None, _too_many(e.entries))
            else:
                self.add(None, f"“{path.name}”{e.message}。{_REDO}")
        except OSError as e:
            self.add(None, f"无法读取“{path.name}”：{e.strerror or e}")
        return None

    def check_names(self, infos: list[zipfile.ZipInfo]) -> None:
        found = archive.names_problems(infos, PACKAGE_LIMITS)
        for p in found[:MAX_NAME_PROBLEMS]:
            self.add(p.entry, f"{p.message}。{_REDO}")
        if len(found) > MAX_NAME_PROBLEMS:
            self.add(None, f"另有 {len(found) - MAX_NAME_PROBLEMS} 个文件名不安全（未逐一列出）。")

    def check_encoding(self, infos: list[zipfile.ZipInfo]) -> None:
        """The exporter marks every name UTF-8 (ZIP flag bit 11). A non-ASCII name without it was written by
        another program (Windows' 压缩文件夹 writes the system code page): the package was unpacked and packed
        again, so its Chinese file names no longer match the manifest. Said once, plainly."""
        foreign = [i.filename for i in infos if not i.flag_bits & 0x800 and not i.orig_filename.isascii()]
        if foreign:
            self.add(
                None,
                f"材料包被其他压缩软件重新打包过：{len(foreign)} 个文件名不是 UTF-8 编码（如“{shown(foreign[0])}”），"
                "这些文件无法与清单核对。请报送学院导出的原始 .zip 文件，不要解压后重新压缩。",
            )

    def check_sizes(self, zf: zipfile.ZipFile) -> bool:
        """The zip-bomb limits from the central directory and the local headers (entries whose data overlap);
        False when the package must not be inflated."""
        before = len(self.problems)
        infos = zf.infolist()
        found = archive.size_problems(infos, PACKAGE_LIMITS, subject="材料包") + archive.overlap_problems(zf)
        for p in found:
            self.add(p.entry, f"{p.message}。")
        for i in infos:
            if i.filename == fmt.MANIFEST and i.file_size > MAX_MANIFEST_BYTES:
                self.add(
                    i.orig_filename,
                    f"manifest.json 过大（{human_size(i.file_size)}，上限 {human_size(MAX_MANIFEST_BYTES)}），不是正常的清单文件。",
                )
        return len(self.problems) == before

    # ------------------------------------------------------------ the manifest

    def read_manifest(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> dict | None:
        m = fmt.MANIFEST
        if info is None:
            self.add(m, f"缺少 {m}（材料包清单）：这不是本软件导出的上报材料包，或材料包不完整。{_REDO}")
            return None
        data = self.read_entry(zf, info)
        if data is None:
            return None
        self.manifest_bytes = data
        try:
            value = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            self.add(m, f"{m} 不是 UTF-8 编码的文本，无法读取。{_REDO}")
            return None
        except (ValueError, RecursionError):
            self.add(m, f"{m} 不是有效的 JSON，可能已被修改或损坏。{_REDO}")
            return None
        if not isinstance(value, dict):
            self.add(m, f"{m} 的内容应是一个 JSON 对象（{{…}}）。{_REDO}")
            return None
        return value

    def check_manifest(self, man: dict) -> bool:
        """The manifest's fields; False when it is another format or version (nothing more is checked)."""
        m = fmt.MANIFEST
        if man.get("format") != fmt.FORMAT:
            self.add(
                m, f"{m} 中的格式标识为“{shown(man.get('format'))}”，不是上报材料包（应为“{fmt.FORMAT}”）。"
            )
            return False
        version = man.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.add(m, f"{m} 中的格式版本“{shown(version)}”无效（应为整数 {fmt.VERSION}）。{_REDO}")
            return False
        if version not in fmt.SUPPORTED_VERSIONS:
            self.add(
                m,
                f"材料包格式版本为 {version}，本软件只支持版本 {'、'.join(map(str, fmt.SUPPORTED_VERSIONS))}。"
                + ("请升级产教融合工作台后再校验。" if version > fmt.VERSION else _REDO),
            )
            return False
        self.version = version
        # Present and text; whether an empty school or college name will do is the merge's to judge.
        for key in ("school", "college", "created"):
            if not isinstance(man.get(key), str):
                self.add(m, f"{m} 缺少“{key}”或它不是文本。{_REDO}")
        for key in ("school", "college", "app_version"):
            if isinstance(man.get(key), str) and len(man[key]) > MAX_NAME_CHARS:
                self.add(
                    m, f"{m} 中的“{key}”过长（{len(man[key])} 个字符，最多 {MAX_NAME_CHARS} 个）。{_REDO}"
                )
        if isinstance(man.get("created"), str) and (why := sanity.created_problem(man["created"])):
            self.add(m, f"{m} 中的导出时间“{shown(man['created'])}”{why}。{_REDO}")
        self.check_period(man.get("period"))
        if man.get("personal_data", fmt.MASKED) not in (fmt.MASKED, fmt.INCLUDED):
            self.add(m, f"{m} 中的“personal_data”应为“{fmt.MASKED}”或“{fmt.INCLUDED}”。{_REDO}")
        if "tables" in man and not isinstance(man["tables"], dict):
            self.add(m, f"{m} 中的“tables”应是一个 JSON 对象。{_REDO}")
        if not isinstance(man.get("files"), list):
            self.add(m, f"{m} 缺少文件清单“files”或它不是列表。{_REDO}")
        return True

    def check_period(self, period: Any) -> None:
        m = fmt.MANIFEST
        if not isinstance(period, dict):
            self.add(m, f"{m} 缺少期间“period”或它不是 JSON 对象。{_REDO}")
            return
        kind, code = period.get("kind"), period.get("code")
        label = period.get("label")
        if isinstance(label, str) and len(label) > MAX_NAME_CHARS:
            self.add(m, f"{m} 中期间的“label”过长（{len(label)} 个字符，最多 {MAX_NAME_CHARS} 个）。{_REDO}")
        if kind not in (fmt.YEAR, fmt.SEMESTER):
            self.add(m, f"{m} 中的期间类型“{shown(kind)}”无效（应为“{fmt.YEAR}”或“{fmt.SEMESTER}”）。{_REDO}")
        elif not isinstance(code, str) or not _is_period_code(kind, code):
            self.add(m, f"{m} 中的{kind}“{shown(code)}”格式不对（如 {_EXAMPLES[kind]}）。{_REDO}")
        days = [_date(period.get(k)) for k in ("first_day", "last_day")]
        if None in days:
            self.add(m, f"{m} 中期间的“first_day”和“last_day”应是 YYYY-MM-DD 格式的日期。{_REDO}")
        elif days[0] > days[1]:
            self.add(m, f"{m} 中期间的第一天晚于最后一天。{_REDO}")

    # ------------------------------------------------------------ the files and their hashes

    def check_files(
        self, zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], tmp: Path
    ) -> dict[str, Path | None]:
        """Size and SHA-256 of every listed file; every entry listed. Returns data.xlsx and report.docx as
        extracted while hashing when listed (None: it failed its check, nothing more is read of it)."""
        extracted: dict[str, Path | None] = {}
        files = (self.manifest or {}).get("files")
        if not isinstance(files, list):
            return extracted
        listed: set[str] = set()
        for item in files:
            spec = self.file_spec(item)
            if spec is None:
                continue
            name, size, sha = spec
            if name in listed:
                self.add(name, f"{fmt.MANIFEST} 的文件清单中重复列出了此文件。{_REDO}")
                continue
            listed.add(name)
            if name == fmt.MANIFEST:
                self.add(name, f"{fmt.MANIFEST} 的文件清单不应列出它自己。{_REDO}")
            elif name not in names:
                self.add(name, f"清单中列出的文件在材料包中不存在（可能被删除或材料包不完整）。{_REDO}")
            else:
                target = tmp / name if name in (fmt.DATA, fmt.REPORT) else None
                ok = self.check_file(zf, names[name], size, sha, target)
                if target is not None:
                    extracted[name] = target if ok else None
        for name in (fmt.DATA, fmt.REPORT):
            if name not in listed:
                self.add(name, f"{fmt.MANIFEST} 的文件清单中没有 {name}。{_REDO}")
        for name, info in names.items():
            if name not in (fmt.MANIFEST, fmt.SIGNATURE) and name not in listed and not info.is_dir():
                self.add(name, f"此文件不在 {fmt.MANIFEST} 的清单中：材料包导出后被加入了文件。{_REDO}")
        return extracted

    def file_spec(self, item: Any) -> tuple[str, int, str] | None:
        ok = isinstance(item, dict) and isinstance(item.get("path"), str)
        size, sha = (item.get("size"), item.get("sha256")) if ok else (None, None)
        ok = ok and isinstance(size, int) and not isinstance(size, bool) and size >= 0
        if ok and isinstance(sha, str) and _SHA256.fullmatch(sha.lower()):
            return item["path"], size, sha.lower()
        entry = item.get("path") if isinstance(item, dict) and isinstance(item.get("path"), str) else None
        self.add(
            entry, f"{fmt.MANIFEST} 的文件清单中有一项不完整（应有 path、size 和 64 位的 sha256）。{_REDO}"
        )
        return None

    def check_file(
        self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, size: int, sha: str, target: Path | None
    ) -> bool:
        name = info.orig_filename
        if info.file_size != size:
            self.add(
                name,
                f"大小与清单不符（清单 {size} 字节，实际 {info.file_size} 字节）：文件在导出后被修改或已损坏。{_REDO}",
            )
            return False
        digest = self.copy(zf, info, target)
        if digest is None:
            return False
        if digest != sha:
            self.add(name, f"内容与清单中的 SHA-256 不符：文件在导出后被修改或已损坏。{_REDO}")
            return False
        return True

    def copy(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path | None) -> str | None:
        """Stream an entry (into `target` when given); its SHA-256, or None after adding the problem."""
        h = hashlib.sha256()
        try:
            with zf.open(info) as src, open(target, "wb") if target else contextlib.nullcontext() as dst:
                while chunk := src.read(CHUNK):
                    if self.cancel is not None and self.cancel.is_set():
                        raise Cancelled()
                    h.update(chunk)
                    if dst is not None:
                        dst.write(chunk)
        except _READ_ERRORS as e:
            self.add(info.orig_filename, _read_failure(e))
            return None
        return h.hexdigest()

    def read_entry(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
        """A small entry's bytes (its size checked from the central directory), or None after the problem."""
        try:
            return zf.read(info)
        except _READ_ERRORS as e:
            self.add(info.orig_filename, _read_failure(e))
            return None

    # ------------------------------------------------------------ data.xlsx and report.docx

    def check_workbook(self, path: Path) -> None:
        d = fmt.DATA
        problem = _container_problem(path)
        if problem:
            self.add(d, f"{d} {problem}{_REDO}")
            return
        with open(path, "rb") as f:  # our handle, closed even when openpyxl fails halfway
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    wb = load_workbook(f, read_only=True, data_only=True, keep_links=False)
            except Exception:  # openpyxl raises all sorts of things on a broken file
                self.add(d, f"{d} 已损坏或不是有效的 Excel 工作簿，无法打开。{_REDO}")
                return
            try:
                self.check_sheets(wb)
            finally:
                wb.close()

    def check_sheets(self, wb: Any) -> None:
        # A sheet the format does not know is not a problem: a later minor addition (a new table at the end)
        # must not make this version refuse the package; its headers are checked by the version that knows it.
        # Likewise a data sheet may have columns after the documented ones (docs/package-format.md 版本规则);
        # a report table may not: the school's data platform takes its columns exactly as they are.
        # An older version's package is checked against that version's sheets and headers
        # (format.sheets_in, format.report_columns_in): the merge reads it and says what it lacks.
        present = set(wb.sheetnames)
        v = self.version
        expected = [(s.name, s.headers_in(v), True) for s in fmt.sheets_in(v)]
        reports = fmt.report_columns_in(v)
        expected += [(n, tuple(h for h, _k in cols), False) for n, cols in reports.items()]
        kinds = {s.name: tuple(c.type for c in s.columns if c.since <= v) for s in fmt.sheets_in(v)}
        kinds |= {n: tuple(k for _h, k in cols) for n, cols in reports.items()}
        for name, headers, extra_ok in expected:
            if self.cancel is not None and self.cancel.is_set():
                raise Cancelled()
            if name not in present:
                self.add(fmt.DATA, f"{fmt.DATA} 缺少工作表“{name}”。{_REDO}")
                continue
            try:
                message = _header_problem(wb[name], headers, extra_ok=extra_ok)
            except Exception:  # the sheet's XML is broken: openpyxl raises all sorts of things
                message = "已损坏，读不到表头。"
            if message:
                self.add(fmt.DATA, f"{fmt.DATA} 的工作表“{name}”{message}{_REDO}")
            else:
                self.check_values(wb[name], name, headers, kinds[name])
        if self.insane > sanity.MAX_VALUE_PROBLEMS:
            more = self.insane - sanity.MAX_VALUE_PROBLEMS
            self.add(fmt.DATA, f"{fmt.DATA} 中另有 {more} 个数值超出合理范围（未逐一列出）。{_REDO}")

    def check_values(self, ws: Any, name: str, headers: tuple[str, ...], kinds: tuple[str, ...]) -> None:
        """Numbers outside the sane ranges of app/package/sanity.py: a problem here, never an exception in
        the school's figures and sums."""
        columns = sanity.numeric_columns(kinds)
        if not columns:
            return
        d = fmt.DATA
        try:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            rows = self.ticking(ws.iter_rows(min_row=2, values_only=True))
            for row, header, value, why in sanity.row_problems(rows, headers, columns):
                self.insane += 1
                if self.insane <= sanity.MAX_VALUE_PROBLEMS:
                    where = f"{d} 的工作表“{name}”第 {row} 行“{header}”"
                    self.add(d, f"{where}的值 {sanity.shown_number(value)} {why}。{_REDO}")
        except Cancelled:
            raise
        except Exception:  # a cell openpyxl cannot read (a date serial out of range, broken XML)
            self.add(d, f"{d} 的工作表“{name}”中有无法读取的单元格（已损坏或数值异常）。{_REDO}")

    def ticking(self, rows: Iterator[tuple]) -> Iterator[tuple]:
        for n, row in enumerate(rows):
            if n % 500 == 0 and self.cancel is not None and self.cancel.is_set():
                raise Cancelled()
            yield row

    def check_signature(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> None:
        """signature.json: a good signature of manifest.json's bytes names the signer; a bad one is a problem.
        None at all: the package is unsigned (made before format version 2), which the merge flags — unless
        the manifest says it was signed (the signature was removed)."""
        s, man = fmt.SIGNATURE, self.manifest
        if man is None:
            return
        if info is None:
            if "signing" in man:
                self.add(s, f"清单写明材料包已签名，但包中没有 {s}：签名被去掉了。{_REDO}")
            return
        if info.file_size > MAX_SIGNATURE_BYTES:
            self.add(s, f"{s} 过大，不是本软件写的签名。{_REDO}")
            return
        data = self.read_entry(zf, info)
        if data is None:
            return
        result = check_signature(self.manifest_bytes, data, man)
        if isinstance(result, str):
            self.add(s, f"{result}。{_REDO}")
        else:
            self.signer = result

    def check_report(self, path: Path) -> None:
        r = fmt.REPORT
        try:
            with archive.open_zip(path) as z:
                ok = "word/document.xml" in z.namelist() and not archive.check_zip(z, REPORT_LIMITS)
        except (archive.BadArchive, ValueError, EOFError, OSError, struct.error):
            ok = False
        if not ok:
            self.add(r, f"{r} 不是有效的 Word 文档（.docx），无法打开。{_REDO}")


# ---------------------------------------------------------------- helpers


# What zipfile raises on a damaged entry (BadZipFile for a bad CRC-32 or a local header that differs from the
# central directory; EOFError or zlib.error for truncated or garbled data), an encrypted one (RuntimeError)
# or a compression method it cannot read (NotImplementedError). OSError (the disk) is not the package's fault.
_READ_ERRORS = (
    zipfile.BadZipFile,
    EOFError,
    ValueError,
    struct.error,
    zlib.error,
    RuntimeError,
    NotImplementedError,
)


def _read_failure(e: Exception) -> str:
    if isinstance(e, RuntimeError):  # "File … is encrypted, password required for extraction"
        return f"文件已加密，无法读取。上报材料包中的文件不应加密。{_REDO}"
    if isinstance(e, NotImplementedError):
        return f"文件的压缩方式不受支持，无法读取。{_REDO}"
    return f"文件已损坏（校验和错误或数据不完整），无法读取。{_REDO}"


def _too_many(count: int) -> str:
    return (
        f"材料包中有 {count} 个文件，超过上限 {MAX_ENTRIES}，可能是恶意构造的压缩包（“zip 炸弹”），不予解压。"
    )


def _container_problem(path: Path) -> str | None:
    """The zip-bomb limits of data.xlsx itself (a ZIP inside the ZIP), before openpyxl inflates any of it: its
    entries' names, sizes and overlaps, and each part's size (openpyxl reads a sheet without a <dimension> in
    full just to open the workbook)."""
    limits = archive.Limits(
        XLSX_MAX_ENTRIES,
        XLSX_MAX_TOTAL_BYTES,
        max_entry=XLSX_MAX_PART_BYTES,
        max_ratio=XLSX_MAX_RATIO,
        ratio_min_bytes=RATIO_MIN_BYTES,
    )
    try:
        with archive.open_zip(path, max_entries=XLSX_MAX_ENTRIES) as z:
            if z.ambiguous:  # openpyxl, given the whole file, might read another directory than ours
                return "已损坏（含第二个 ZIP 目录结尾记录），不是正常的 Excel 工作簿。"
            found = archive.check_zip(z, limits, subject="工作簿")
    except archive.BadArchive as e:
        return f"{e.message}，不是有效的 Excel 工作簿。" if e.entries is None else f"{e.message}。"
    except (OSError, ValueError, EOFError, struct.error):
        return "已损坏或不是有效的 Excel 工作簿，无法打开。"
    if not found:
        return None
    p = found[0]
    where = f"中的“{archive.shown_name(p.entry, 60)}”" if p.entry else ""
    more = f"（另有 {len(found) - 1} 处问题）" if len(found) > 1 else ""
    return f"{where}{p.message}{more}，不是正常的 Excel 工作簿。"


def _header_problem(ws: Any, headers: tuple[str, ...], *, extra_ok: bool = False) -> str | None:
    if not hasattr(ws, "iter_rows"):
        return "不是普通工作表（可能是图表页），读不到表头。"
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # read row 1 as it is, not as far as a (possibly wrong) <dimension> says
    row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    found = [("" if v is None else str(v)) for v in row]
    while found and found[-1] == "":
        found.pop()
    if extra_ok:
        found = found[: len(headers)]
    for col in range(max(len(found), len(headers))):
        want = headers[col] if col < len(headers) else None
        got = found[col] if col < len(found) else None
        if want != got:
            where = f"第 {col + 1} 列（{get_column_letter(col + 1)} 列）"
            if want is None:
                return f"第 1 行的表头多出了{where}“{got}”，应只有 {len(headers)} 列。"
            if not got:
                return f"第 1 行的表头在{where}应为“{want}”，实际为空。"
            return f"第 1 行的表头在{where}应为“{want}”，实际为“{got}”。"
    return None


_EXAMPLES = {fmt.YEAR: "2025-2026", fmt.SEMESTER: "2025-2026-1"}


def _is_period_code(kind: str, code: str) -> bool:
    m = re.fullmatch(r"(\d{4})-(\d{4})" + ("" if kind == fmt.YEAR else r"-[12]"), code)
    return bool(m) and int(m.group(2)) == int(m.group(1)) + 1


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def shown(value: Any, limit: int = 40) -> str:
    """Hostile text fit for a message line: no control characters, not too long."""
    text = "（无）" if value is None else _CONTROL.sub("", str(value))
    return text if len(text) <= limit else text[:limit] + "…"
