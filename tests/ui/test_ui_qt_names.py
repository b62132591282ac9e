"""`from ui.qt import *` hides misspelt names from ruff (F405); this test gives them back.

Every UI module is copied with the star import spelt out as the names `ui.qt` really has, and ruff's
undefined-name check (F821) runs over the copies: a name that is neither Qt's nor defined fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ui.qt

ROOT = Path(__file__).resolve().parents[2]
STAR = "from ui.qt import *"


def qt_names() -> list[str]:
    return sorted(n for n in vars(ui.qt) if not n.startswith("_"))


@pytest.mark.skipif(sys.platform == "win32", reason="lint is the same on every platform; it runs on Linux")
def test_no_undefined_name_behind_the_star_import(tmp_path: Path) -> None:
    spelt = f"from ui.qt import ({', '.join(qt_names())})"
    starred = 0
    for path in (ROOT / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if STAR in text:
            starred += 1
        copy = tmp_path / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(
            "\n".join(spelt if line.startswith(STAR) else line for line in text.splitlines()),
            encoding="utf-8",
        )
    assert starred > 100  # the UI modules use the star import: the check below has something to check
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "F821",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_misspelt_name_is_found(tmp_path: Path) -> None:
    """The check above can fail: a module using a name Qt does not have is reported."""
    if sys.platform == "win32":
        pytest.skip("lint runs on Linux")
    module = tmp_path / "m.py"
    module.write_text(
        f"from ui.qt import ({', '.join(qt_names())})\n\nQLabell('x')\nQLabel('y')\n", encoding="utf-8"
    )
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", "F821", str(module)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 1
    assert "QLabell" in run.stdout and run.stdout.count("F821") == 1
