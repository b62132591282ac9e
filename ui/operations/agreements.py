"""The writes of 合作协议 other than the form's save: a status change (with the form's unsaved edits in the same
transaction when there are any)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.services import agreements as svc
from app.services.common import Changes
from ui.operations import write
from ui.qt import *  # noqa: F403


def change_status(
    parent: QWidget,
    agreement_id: str,
    to_status: str,
    text: str,
    *,
    save_first: Callable[[Session], object] | None = None,
    on_done: Callable[[Changes], None] | None = None,
    on_failed: Callable[[BaseException], None] | None = None,
) -> None:
    """Move an agreement to `to_status`: `text` is the reason of a 终止, else the remark. `save_first(s)` (the
    form's unsaved edits) runs in the same transaction."""

    def work(s: Session) -> Changes:
        if save_first is not None:
            save_first(s)
        if to_status == "终止":
            return svc.transition_agreement(s, agreement_id, to_status, reason=text)
        return svc.transition_agreement(s, agreement_id, to_status, remark=text)

    write(parent, work, on_done, on_failed)
