"""三方协议 batch: documents per second against the floor of copying the template .docx with a plain string
replacement in its document.xml, measured in the same run.

    python benchmarks/bench_tripartite.py [--count 1000] [--combined]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The app's own modules are imported in main(), not here: a render process (multiprocessing's spawn)
# imports the main module again, and the app's entry (installer/entry.py) imports nothing at the top either.


def floor(count: int, folder: Path) -> float:
    """Copy the template count times, replacing one placeholder in document.xml by a string."""
    from app.docs.internship import builtin_template

    data = builtin_template()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {i: z.read(i) for i in z.infolist()}
    started = time.perf_counter()
    for n in range(count):
        with zipfile.ZipFile(folder / f"floor_{n}.docx", "w", zipfile.ZIP_DEFLATED) as out:
            for info, blob in parts.items():
                if info.filename == "word/document.xml":
                    blob = blob.replace(b"{{ student.name }}", f"学生{n}".encode())
                out.writestr(info, blob)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--combined", action="store_true")
    args = parser.parse_args()
    from app.db.engine import open_database
    from app.docs.internship import write_tripartite_batch
    from tests.tripartite_data import make_internships

    root = Path(tempfile.mkdtemp(prefix="bench_tripartite_"))
    try:
        os.environ["CHANJIAO_HOME"] = str(root / "home")
        db = open_database(root / "db.sqlite")
        ids = make_internships(db, [f"学生{n}" for n in range(args.count)])
        (root / "floor").mkdir()
        bare = floor(args.count, root / "floor")
        with db.reader() as s:
            started = time.perf_counter()
            write_tripartite_batch(s, ids, root / "out", combined=args.combined)
            ours = time.perf_counter() - started
        db.close()
        print(f"floor (copy + string replace): {args.count / bare:6.1f} docs/s")
        print(f"三方协议 batch{' + combined' if args.combined else ''}: {args.count / ours:6.1f} docs/s "
              f"({ours:.1f} s, {ours / bare:.1f}× the floor)")  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
