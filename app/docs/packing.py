"""A filled template saved as python-docx saves it, byte for byte but for the times in the zip, without
serializing and deflating again the parts no filling changes (styles, numbering, theme, settings …: nine
tenths of a 三方协议's package, and most of the time its save took). app/docs/render.py TemplateCache uses
it for the template a batch fills again and again; tests/core/test_tripartite_batch_speed.py compares
the bytes with python-docx's own save."""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem


@dataclass(frozen=True)
class _Packed:
    crc: int
    size: int
    data: bytes  # deflated as zipfile deflates it


class Packer:
    """Writes a python-docx package as its own save does (docx.opc.pkgwriter.PackageWriter: the same
    members in the same order, deflated the same way: the same bytes but for the times in the zip), keeping
    the serialized and deflated form of the `fixed` parts — those no filling changes — from the first save."""

    def __init__(self, fixed: Iterable[Any]) -> None:
        self.fixed: dict[Any, _Packed | None] = dict.fromkeys(fixed)
        self._content_types: dict[tuple, bytes] = {}

    def save(self, package: Any) -> bytes:
        parts = list(package.parts)
        for part in parts:
            part.before_marshal()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(CONTENT_TYPES_URI.membername, self._types(parts))
            z.writestr(PACKAGE_URI.rels_uri.membername, package.rels.xml)
            for part in parts:
                if part in self.fixed:
                    _write_packed(z, part.partname.membername, self._packed(part))
                else:
                    z.writestr(part.partname.membername, part.blob)
                if len(part.rels):
                    z.writestr(part.partname.rels_uri.membername, part.rels.xml)
        return buffer.getvalue()

    def _types(self, parts: list[Any]) -> bytes:
        key = tuple((str(part.partname), part.content_type) for part in parts)
        if key not in self._content_types:
            self._content_types[key] = _ContentTypesItem.from_parts(parts).blob
        return self._content_types[key]

    def _packed(self, part: Any) -> _Packed:
        packed = self.fixed[part]
        if packed is None:
            blob = part.blob
            deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # zipfile's own
            packed = _Packed(zlib.crc32(blob), len(blob), deflate.compress(blob) + deflate.flush())
            self.fixed[part] = packed
        return packed


def _write_packed(z: zipfile.ZipFile, name: str, packed: _Packed) -> None:
    """What z.writestr(name, blob) writes, from the blob deflated before (zipfile has no call for it: this
    does what its writestr, open(mode="w") and close do, on a seekable file; a test compares the bytes)."""
    info = zipfile.ZipInfo(name, time.localtime(time.time())[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    info.CRC, info.file_size, info.compress_size = packed.crc, packed.size, len(packed.data)
    fp: Any = z.fp
    fp.seek(z.start_dir)
    info.header_offset = fp.tell()
    fp.write(info.FileHeader(False))
    fp.write(packed.data)
    z.start_dir = fp.tell()
    z.filelist.append(info)
    z.NameToInfo[name] = info
    z._didModify = True  # type: ignore[attr-defined]
