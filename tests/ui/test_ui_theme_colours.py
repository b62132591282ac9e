"""One theme (STYLE §14): no window of the app writes a colour of its own. Every hex colour of ui/ is in
ui/theme.py."""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
LEFT = {"theme.py"}


def test_no_hex_colour_outside_the_theme():
    found = [
        f"{path.relative_to(UI.parent)}:{n}: {line.strip()}"
        for path in sorted(UI.rglob("*.py"))
        if path.name not in LEFT or path.parent != UI
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HEX.search(line)
    ]
    assert found == []
