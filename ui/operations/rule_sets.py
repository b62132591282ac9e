"""设置 → 检查依据 writes (STYLE §3): which school policy the rules follow besides the national 实习规定."""

from __future__ import annotations

from app.services import rule_sets as svc
from ui.operations import Done, Failed, write
from ui.qt import *  # noqa: F403


def save_rule_preset(parent: QWidget, preset: str, on_done: Done, on_failed: Failed) -> None:
    """Follow the school policy `preset` ("" for none)."""
    write(parent, lambda s: svc.save_rule_preset(s, preset), on_done, on_failed)
