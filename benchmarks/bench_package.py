"""上报材料包 export: the small demo database with 200 attachments (~100 MB, incompressible like the scanned
PDFs and photos colleges attach) against zipping the same files with Python's zipfile in the same run.

Two floors, both measured here on the package's own files (its data.xlsx, report.docx and attachments):
- zipfile, ZIP_STORED (zipfile's default; what the package itself uses: xlsx, docx, PDF and JPEG are packed
  already) — the bytes moved and their CRC, nothing else;
- zipfile, ZIP_DEFLATED (what “zip these files” usually means).
The export does more than either: it reads the records, runs every compliance rule, writes data.xlsx and the
report (the 自评报告 with its charts for a 学年), and hashes each file for the manifest. It prints the export's
time and each ratio, and the time of the packing step alone.

    python benchmarks/bench_package.py [--files 200] [--mb 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from app.db.engine import open_database  # noqa: E402
from app.db.models import Enterprise  # noqa: E402
from app.demo import fill_demo  # noqa: E402
from app.package.export import export_package, pack  # noqa: E402
from app.package.period import period_of  # noqa: E402
from app.services.attachments import add_attachment  # noqa: E402

TODAY = dt.date(2026, 11, 1)


def attach(db, folder: Path, files: int, total_mb: int) -> None:
    """`files` random files of total_mb MB attached to enterprises (the package holds every enterprise)."""
    rng = random.Random(1)
    size = total_mb * 1024 * 1024 // files
    with db.session() as s:
        owners = [("enterprise", i) for i in s.scalars(select(Enterprise.id).order_by(Enterprise.name))]
        for n in range(files):
            path = folder / f"扫描件_{n:03d}.pdf"
            path.write_bytes(rng.randbytes(size))
            kind, owner = owners[n % len(owners)]
            add_attachment(s, kind, owner, path)


def zip_floor(sources: list[tuple[Path, str]], out: Path, method: int) -> float:
    started = time.perf_counter()
    with zipfile.ZipFile(out, "w", method, allowZip64=True) as z:
        for path, name in sources:
            z.write(path, name)
    return time.perf_counter() - started


def _time_pack(sources: list[tuple[Path, str]], out: Path) -> float:
    started = time.perf_counter()
    pack(out, sources, lambda listed: {"files": listed}, now=dt.datetime.now().astimezone())
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench_package_"))
    try:
        os.environ["CHANJIAO_HOME"] = str(root / "home")
        db = open_database(root / "db.sqlite")
        with db.session() as s:
            fill_demo(s, size="small", seed=1, today=TODAY)
        (root / "src").mkdir()
        attach(db, root / "src", args.files, args.mb)
        out = root / "package.zip"
        export_times = []
        for _ in range(args.repeat):
            with db.reader() as s:
                period = period_of(s, year="2025-2026")
                started = time.perf_counter()
                result = export_package(s, period, out, today=TODAY)
                export_times.append(time.perf_counter() - started)
        # The floors zip the very files the package holds, extracted from it.
        unpacked = root / "unpacked"
        with zipfile.ZipFile(out) as z:
            z.extractall(unpacked)
        sources = [
            (p, p.relative_to(unpacked).as_posix())
            for p in sorted(unpacked.rglob("*"))
            if p.is_file() and p.name != "manifest.json"
        ]
        stored = min(zip_floor(sources, root / "stored.zip", zipfile.ZIP_STORED) for _ in range(args.repeat))
        deflated = min(
            zip_floor(sources, root / "deflated.zip", zipfile.ZIP_DEFLATED) for _ in range(args.repeat)
        )
        packing = min(_time_pack(sources, root / "packed.zip") for _ in range(args.repeat))
        payload = sum(p.stat().st_size for p, _ in sources)
        export = min(export_times)
        print(f"package: {result.attachments} attachments, {len(sources)} files, {payload / 1e6:.1f} MB")
        print(f"export_package (whole export): {export:.2f} s")
        print(f"floor zipfile ZIP_STORED:      {stored:.2f} s   ratio {export / stored:.2f}x")
        print(f"floor zipfile ZIP_DEFLATED:    {deflated:.2f} s   ratio {export / deflated:.2f}x")
        print(f"packing step alone (pack()):   {packing:.2f} s   ratio {packing / stored:.2f}x to ZIP_STORED")
        db.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
