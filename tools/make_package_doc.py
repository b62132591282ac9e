"""Write docs/package-format.md from the package format (app/package/format.py):

python tools/make_package_doc.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.package.doc import package_format_markdown  # noqa: E402

OUT = ROOT / "docs" / "package-format.md"


def main() -> int:
    OUT.write_text(package_format_markdown(), encoding="utf-8", newline="\n")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
