"""合规检查 writes (STYLE §3): 忽略并说明 a finding, or withdraw such an acknowledgement so it counts again."""

from __future__ import annotations

from app.compliance import acks
from app.compliance.registry import Finding
from ui.operations import Done, on_records, write
from ui.qt import *  # noqa: F403


def acknowledge(parent: QWidget, finding: Finding, reason: str, on_done: Done | None = None) -> None:
    """Acknowledge `finding` with the user's reason (kept in the 修改记录 and sent with the package)."""
    write(parent, lambda s: acks.acknowledge(s, finding, reason), on_done)


withdraw = on_records(acks.withdraw, "撤销忽略 of the acknowledgements `ids`: the findings count again.")
