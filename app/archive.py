"""The one check every ZIP the app reads goes through: a backup .zip before restore, a submission package
(and the data.xlsx and report.docx inside it), a Word template, an .xlsx import.

Every archive is hostile until checked, and everything here is decided from the ZIP's directories before a
byte is inflated:
- the end-of-central-directory record is the one that reaches exactly the end of the file (a fake one in the
  comment is ignored; a file cut short by a download has none and is called damaged, instead of being read as
  the last inner .docx it happened to end in), and the archive is read as far as that record only;
- entry names: no `..`, absolute, drive-qualified (C:x after either separator, anywhere) or UNC paths, no
  control, bidi or invisible characters, no Windows-forbidden characters, device names or trailing dots and
  spaces, no over-long paths, no duplicates;
- sizes: entry count, declared uncompressed size per entry and in total, compression ratio;
- overlapping entries (David Fifield's "better zip bomb": many directory entries pointing into the same
  compressed data, which Python 3.11's zipfile does not notice): each entry's local header and data must end
  before the next entry begins.

Callers pass their own Limits and word the problems for their users (each ArchiveProblem names its entry and
says what is wrong in Chinese).
"""

from __future__ import annotations

import errno
import io
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app.domain.invisible import strip_invisible
from app.fsutil import MAX_PATH_CHARS, human_size, is_reserved_name, path_chars

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_LOCAL = b"PK\x03\x04"
_EOCD_SIZE = 22
_LOCAL_SIZE = 30
MAX_SEGMENT_CHARS = 255  # one file or folder name on NTFS

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_WINDOWS_BAD = re.compile(r'[<>:"|?*]')
_DRIVE = re.compile(r"^[A-Za-z]:")
_SEPARATORS = re.compile(r"[/\\]")
# Bidirectional controls: they make “…‮xcod.exe” show as “…exe.docx”.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Stored and deflated entries only: all that Office, Word and this app write. zipfile inflates a bzip2 or LZMA
# entry's data in one call whatever size its directory declares (deflate alone it reads a chunk at a time), so
# 4 KB of bzip2 declared as 1,000 bytes would become gigabytes before any size could be checked.
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_BOMB = "可能是恶意构造的压缩包（“zip 炸弹”），不予解压"


class BadArchive(Exception):
    """Not a ZIP that can be read: `message` says why in Chinese, without naming the file (the caller does).
    `entries` is the count the archive declares when that alone was too many to read its directory."""

    def __init__(self, message: str, entries: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.entries = entries


@dataclass(frozen=True)
class Limits:
    """What one kind of archive may hold, all read from its central directory."""

    max_entries: int
    max_total: int  # declared uncompressed bytes of all entries together
    max_entry: int | None = None  # declared uncompressed bytes of one entry
    max_ratio: int | None = None  # uncompressed : compressed, for entries over ratio_min_bytes
    ratio_min_bytes: int = 2**20
    max_path: int = MAX_PATH_CHARS  # characters of an entry name, counted as Windows counts them
    fold_case: bool = True  # two names equal but for case are a clash (Windows extracts one over the other)


@dataclass(frozen=True)
class ArchiveProblem:
    entry: str | None  # the entry's name as stored, None for the archive as a whole
    message: str  # Chinese, a complete clause without the final 。


@dataclass(frozen=True)
class _End:
    offset: int  # where the end-of-central-directory record starts
    entries: int
    cd_offset: int
    cd_size: int
    cd_end: int  # where the central directory must end: the zip64 end record, or the end record itself


# ---------------------------------------------------------------- the end record and opening


def _end_record(f: IO[bytes]) -> _End | None:
    """The end-of-central-directory record: searched from the end, the first whose comment reaches exactly the
    end of the file and whose central directory lies just before it, starting with a directory entry. A fake
    record in the comment (“65535 files”) points nowhere sensible and is passed over; a file cut short inside a
    stored inner ZIP ends in the inner record, whose directory is not where it says: that one is returned (no
    other is consistent) and open_zip calls the file damaged."""
    f.seek(0, 2)
    size = f.tell()
    tail_len = min(size, _EOCD_SIZE + 0xFFFF)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    first: _End | None = None
    at = tail.rfind(_EOCD)
    while at >= 0:
        if at + _EOCD_SIZE <= len(tail):
            (comment,) = struct.unpack("<H", tail[at + 20 : at + 22])
            if at + _EOCD_SIZE + comment == len(tail):
                end = _parse_end(f, size - tail_len + at, tail[at : at + _EOCD_SIZE])
                if end is not None and _consistent(f, end):
                    return end
                first = first or end
        at = tail.rfind(_EOCD, 0, at)
    return first


def _consistent(f: IO[bytes], end: _End) -> bool:
    if end.cd_offset + end.cd_size != end.cd_end:
        return False
    if not end.entries:
        return True
    f.seek(end.cd_offset)
    return f.read(4) == b"PK\x01\x02"


def _parse_end(f: IO[bytes], offset: int, record: bytes) -> _End | None:
    _sig, disk, cd_disk, _here, entries, cd_size, cd_offset, _comment = struct.unpack("<4s4H2IH", record)
    if disk or cd_disk:
        return None  # a multi-volume archive: not something the app writes or reads
    if offset >= 20:
        f.seek(offset - 20)
        locator = f.read(20)
        if locator[:4] == _EOCD64_LOCATOR:
            (z64,) = struct.unpack("<Q", locator[8:16])
            if z64 + 56 > offset - 20:
                return None
            f.seek(z64)
            rec = f.read(56)
            if rec[:4] != _EOCD64:
                return None
            entries, cd_size, cd_offset = struct.unpack("<QQQ", rec[32:56])
            return _End(offset, entries, cd_offset, cd_size, z64)
    return _End(offset, entries, cd_offset, cd_size, offset)


def declared_entries(f: IO[bytes]) -> int | None:
    """The entry count the end record declares, before zipfile reads (and holds in memory) the whole central
    directory; None when there is no valid end record."""
    end = _end_record(f)
    return None if end is None else end.entries


class _Head(io.RawIOBase):
    """The first `end` bytes of a file: the archive as far as its true end record, so that zipfile (which picks
    the last end-record signature it finds, even one inside the comment) reads the directory we checked."""

    def __init__(self, f: IO[bytes], end: int) -> None:
        super().__init__()
        self._f, self._end, self._pos = f, end, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        pos = (0, self._pos, self._end)[whence] + offset
        if pos < 0:
            raise OSError(errno.EINVAL, "negative seek position")
        self._pos = pos
        return pos

    def readinto(self, buffer) -> int:  # noqa: ANN001 (a writable buffer)
        n = max(0, min(len(buffer), self._end - self._pos))
        if not n:
            return 0
        self._f.seek(self._pos)
        data = self._f.read(n)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        try:
            self._f.close()
        finally:
            super().close()


class Zip(zipfile.ZipFile):
    """A ZipFile read through open_zip: `ambiguous` when its comment holds another end-record signature (a
    reader other than ours, given the whole file, would see another archive)."""

    def __init__(self, head: _Head) -> None:
        self._head: _Head | None = head
        self.ambiguous = False
        super().__init__(head)

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._head is not None:
                self._head.close()


def open_zip(source: Path | bytes, *, max_entries: int | None = None) -> Zip:
    """The archive at `source` (a path or the bytes of one) read as far as its true end record. BadArchive when
    it is not a readable ZIP (empty, cut short, damaged) or declares more than `max_entries` entries; OSError
    when the file itself cannot be read."""
    f: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    try:
        return _open(f, max_entries)
    except BaseException:
        f.close()
        raise


def _open(f: IO[bytes], max_entries: int | None) -> Zip:
    end = _end_record(f)
    if end is None:
        raise BadArchive("已损坏或不完整（可能下载或拷贝未完成），不是完整的 ZIP 文件")
    if end.cd_offset + end.cd_size != end.cd_end:
        raise BadArchive("已损坏或不完整（可能下载或拷贝未完成），文件目录的位置不对")
    if max_entries is not None and end.entries > max_entries:
        raise BadArchive(f"有 {end.entries} 个文件，超过上限 {max_entries}，{_BOMB}", end.entries)
    f.seek(end.offset + _EOCD_SIZE)
    comment = f.read()
    head = _Head(f, end.offset + _EOCD_SIZE)
    try:
        zf = Zip(head)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error, OverflowError) as e:
        raise BadArchive("已损坏或不完整（可能下载或拷贝未完成），无法作为 ZIP 打开") from e
    zf.ambiguous = _EOCD in comment
    if len(zf.filelist) % 0x10000 != end.entries % 0x10000 or zf.start_dir != end.cd_offset:
        zf.close()
        raise BadArchive("已损坏（文件目录与其记录的条目数或位置不符），无法作为 ZIP 打开")
    return zf


# ---------------------------------------------------------------- entry names


def name_problems(name: str, *, max_path: int = MAX_PATH_CHARS) -> list[str]:
    """What makes `name` (an entry name as stored) unsafe to extract or to show; empty when it is fine."""
    reasons = []
    if _CONTROL.search(name):
        reasons.append("含控制字符")
    if any(c in _BIDI for c in name):
        reasons.append("含改变文字方向的控制字符（可使文件名显示得与实际不同）")
    elif strip_invisible(name) != name:  # format characters (Cf) and blank fillers
        reasons.append("含零宽或不可见的字符")
    doubled = bool(re.search(r"[/\\]{2}", name.rstrip("/")))
    if name.startswith(("/", "\\")):
        reasons.append("是绝对路径或网络路径")
    elif doubled:
        reasons.append("含连续的路径分隔符（Windows 可能当作网络路径 \\\\服务器\\共享）")
    if "\\" in name:
        reasons.append("含反斜杠“\\”")
    parts = _SEPARATORS.split(name.rstrip("/"))
    if any(_DRIVE.match(p) for p in parts):
        reasons.append("含盘符（如 C:）")
    if _WINDOWS_BAD.search(name):
        reasons.append('含 Windows 不允许的字符（<>:"|?*）')
    if ".." in parts:
        reasons.append("含“..”（指向压缩包以外）")
    elif "." in parts or ("" in parts[1:] and not doubled) or name in ("", "/"):
        reasons.append("含空的或“.”的路径段")
    if any(is_reserved_name(p) for p in parts):
        reasons.append("含 Windows 保留名（CON、PRN、AUX、NUL、CONIN$、CONOUT$、COM1–9、LPT1–9 等）")
    if any(p.endswith((" ", ".")) and p not in (".", "..") for p in parts):
        reasons.append("有以空格或“.”结尾的部分（Windows 会去掉）")
    if path_chars(name) > max_path:
        reasons.append(f"路径过长（{path_chars(name)} 个字符，最多 {max_path} 个）")
    elif any(path_chars(p) > MAX_SEGMENT_CHARS for p in parts):
        reasons.append(f"有一级名称超过 {MAX_SEGMENT_CHARS} 个字符")
    return reasons


def visible_name(text: str) -> str:
    """`text` without control, bidi and other invisible characters (app/domain/invisible.py)."""
    return _CONTROL.sub("", strip_invisible(text))


def shown_name(name: str | None, limit: int = 80) -> str:
    """An entry name fit for a message: control, bidi and invisible characters written as \\uXXXX (so that a
    right-to-left override cannot turn the message around), cut at `limit` characters."""
    if name is None:
        return "（无）"
    text = "".join(
        f"\\u{ord(c):04X}" if _CONTROL.match(c) or unicodedata.category(c) == "Cf" else c for c in name
    )
    return text if len(text) <= limit else text[:limit] + "…"


def names_problems(infos: Iterable[zipfile.ZipInfo], limits: Limits) -> list[ArchiveProblem]:
    """One problem per unsafe entry name (duplicates included)."""
    out = []
    seen: set[str] = set()
    folded: dict[str, str] = {}
    for info in infos:
        name = info.orig_filename  # as stored: zipfile turns \ into / on Windows
        reasons = name_problems(name, max_path=limits.max_path)
        if name in seen:
            reasons.append("文件名重复，解压时后一个会覆盖前一个")
        elif limits.fold_case and name.casefold() in folded:
            reasons.append(f"与“{folded[name.casefold()]}”仅大小写不同，在 Windows 上解压会互相覆盖")
        seen.add(name)
        folded.setdefault(name.casefold(), name)
        if reasons:
            out.append(ArchiveProblem(name, f"文件名不安全：{'；'.join(reasons)}"))
    return out


# ---------------------------------------------------------------- sizes and overlaps


def size_problems(
    infos: list[zipfile.ZipInfo], limits: Limits, *, subject: str = "压缩包"
) -> list[ArchiveProblem]:
    """Entry count, total and per-entry declared sizes, compression ratios, compression methods."""
    out = []
    if len(infos) > limits.max_entries:
        out.append(
            ArchiveProblem(None, f"{subject}中有 {len(infos)} 个文件，超过上限 {limits.max_entries}，{_BOMB}")
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_total:
        out.append(
            ArchiveProblem(
                None,
                f"{subject}解压后共 {human_size(total)}，超过上限 {human_size(limits.max_total)}，{_BOMB}",
            )
        )
    for i in infos:
        packed = max(i.compress_size, 1)
        if i.compress_type not in _METHODS:
            out.append(
                ArchiveProblem(
                    i.orig_filename,
                    f"使用了不支持的压缩方式（编号 {i.compress_type}，只接受“存储”和“Deflate”），不予解压",
                )
            )
        elif (
            limits.max_ratio
            and i.file_size > limits.ratio_min_bytes
            and i.file_size > limits.max_ratio * packed
        ):
            out.append(
                ArchiveProblem(
                    i.orig_filename,
                    f"压缩比异常（{i.file_size // packed}:1，解压后 {human_size(i.file_size)}），{_BOMB}",
                )
            )
        elif limits.max_entry is not None and i.file_size > limits.max_entry:
            out.append(
                ArchiveProblem(
                    i.orig_filename,
                    f"解压后 {human_size(i.file_size)}，超过单个文件的上限 {human_size(limits.max_entry)}，不予解压",
                )
            )
    return out


def overlap_problems(zf: zipfile.ZipFile) -> list[ArchiveProblem]:
    """Entries whose local header and data run into the next entry (or into the central directory): one
    problem naming the first such entry and how many there are. Reads each local header (30 bytes and its
    name and extra lengths); inflates nothing."""
    fp = zf.fp
    assert fp is not None
    spans = []
    for info in sorted(zf.infolist(), key=lambda i: i.header_offset):
        fp.seek(info.header_offset)
        head = fp.read(_LOCAL_SIZE)
        if len(head) < _LOCAL_SIZE or head[:4] != _LOCAL:
            return [ArchiveProblem(info.orig_filename, "已损坏（找不到它的文件头），无法读取")]
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        data_end = info.header_offset + _LOCAL_SIZE + name_len + extra_len + info.compress_size
        spans.append((info.header_offset, data_end, info))
    bad: list[tuple[zipfile.ZipInfo, str]] = []
    for (_start, end, info), (_next_start, _e, other) in zip(spans, spans[1:], strict=False):
        if end > _next_start:
            bad.append((info, f"数据与“{other.orig_filename}”重叠：多个文件共用同一段压缩数据，{_BOMB}"))
    if spans and spans[-1][1] > zf.start_dir:
        bad.append((spans[-1][2], f"数据超出了文件内容的范围：压缩包已损坏或是恶意构造的，{_BOMB}"))
    if not bad:
        return []
    info, message = bad[0]
    more = f"（共 {len(bad)} 个文件如此）" if len(bad) > 1 else ""
    return [ArchiveProblem(info.orig_filename, message + more)]


def check_zip(zf: zipfile.ZipFile, limits: Limits, *, subject: str = "压缩包") -> list[ArchiveProblem]:
    """Every problem of an archive opened by open_zip: names, sizes, overlaps. Empty: it may be read."""
    infos = zf.infolist()
    return (
        names_problems(infos, limits) + size_problems(infos, limits, subject=subject) + overlap_problems(zf)
    )
