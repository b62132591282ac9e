"""资产 writes that are not a form's save: a side confirming a repair, deleting repairs, cancelling a disposal
(STYLE §3; Anki aqt/operations/note.py). Each is its own small transaction."""

from __future__ import annotations

import datetime as dt

from app.services import assets as svc
from ui.operations import Done, on_records, write
from ui.qt import *  # noqa: F403


def confirm_repair(
    parent: QWidget, repair_id: str, side: str, person: str, on: dt.date, on_done: Done
) -> None:
    """The school (side "school") or the enterprise ("enterprise") confirms a repair: `person` on `on`."""
    write(parent, lambda s: svc.confirm_repair(s, repair_id, side, person, on), on_done)


delete_repairs = on_records(svc.delete_repairs, "Move repair records to the 回收站.")


def cancel_disposal(parent: QWidget, asset_id: str, on_done: Done) -> None:
    """Undo a disposal entered by mistake: the asset is 在用 again, the disposal goes to the 回收站."""
    write(parent, lambda s: svc.cancel_disposal(s, asset_id), on_done)
