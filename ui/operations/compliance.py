"""合规检查 writes (STYLE §3): 忽略并说明 a finding, or withdraw such an acknowledgement so it counts again."""

from __future__ import annotations

from collections.abc import Sequence

from app.compliance import acks
from app.compliance.registry import Finding
from ui.operations import Done
from ui.ops import WriteOp
from ui.qt import *  # noqa: F403


def acknowledge(parent: QWidget, finding: Finding, reason: str, on_done: Done | None = None) -> None:
    """Acknowledge `finding` with the user's reason (kept in the 修改记录 and sent with the package)."""
    op = WriteOp(parent, lambda s: acks.acknowledge(s, finding, reason))
    if on_done is not None:
        op.success(on_done)
    op.run()


def withdraw(parent: QWidget, ack_ids: Sequence[str], on_done: Done | None = None) -> None:
    """撤销忽略: the findings count again."""
    ack_ids = list(ack_ids)
    op = WriteOp(parent, lambda s: acks.withdraw(s, ack_ids))
    if on_done is not None:
        op.success(on_done)
    op.run()
