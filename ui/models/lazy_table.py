"""A table model over a list of ids that fetches rows a page at a time (STYLE §5).

The page holds the ids in display order (one cheap query); `data()` loads the page of ~200 rows
around the requested one with one `WHERE id IN (...)` query into a cache. Sorting or filtering is a
new id list; after an op the touched rows are marked stale and re-read on demand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ui.qt import *  # noqa: F403

PAGE = 200

Index = QModelIndex | QPersistentModelIndex

# The roles data() serves, as plain ints: a view paints each cell by asking for seven roles, of which a list
# serves at most three, and with PySide's enums every `Qt.ItemDataRole.X` on that path costs more than the
# comparison itself (a maximised window paints some 300 cells, each time it scrolls).
DISPLAY = Qt.ItemDataRole.DisplayRole.value
TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
USER = Qt.ItemDataRole.UserRole.value
_SERVED = frozenset((DISPLAY, TOOLTIP, FOREGROUND, USER))


@dataclass(frozen=True)
class Column:
    key: str  # attribute of the row dataclass
    title: str
    sort: str | None = None  # sort key understood by the service, None = not sortable
    width: int = 120
    fmt: Callable[[Any], str] | None = None
    tooltip: Callable[[Any], str | None] | None = None  # row -> tooltip
    foreground: Callable[[Any], Any] | None = None  # row -> QColor | None


def default_fmt(value: Any) -> str:
    if type(value) is str:  # most cells: the text as it is
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class LazyTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], fetch: Callable[[Sequence[str]], dict[str, Any]]) -> None:
        super().__init__()
        self.columns = list(columns)
        self._fetch = fetch
        self._ids: list[str] = []
        self._rows: dict[str, Any] = {}
        self.fetch_count = 0  # queries issued (for tests and benchmarks)

    # ------------------------------------------------------------ Qt interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
        elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if role not in _SERVED or not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        col = self.columns[index.column()]
        if role == DISPLAY:
            return (col.fmt or default_fmt)(getattr(row, col.key))
        if role == TOOLTIP:
            if col.tooltip:
                return col.tooltip(row)
            text = (col.fmt or default_fmt)(getattr(row, col.key))
            return text if len(text) > 8 else None  # long texts may be cut off in the cell
        if role == FOREGROUND:
            return col.foreground(row) if col.foreground else None
        return row.id  # USER

    def flags(self, index: Index) -> Qt.ItemFlag:
        # No ItemIsEditable: editing happens in the record's dialog.
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # ------------------------------------------------------------ ids and rows

    def set_ids(self, ids: Sequence[str]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._rows = {}
        self.endResetModel()

    def ids(self) -> list[str]:
        return list(self._ids)

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: str) -> int:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def row_at(self, row: int) -> Any:
        record_id = self.id_at(row)
        if record_id is None:
            return None
        if record_id not in self._rows:
            self._load_page(row)
        return self._rows.get(record_id)

    def _load_page(self, row: int) -> None:
        start = max(0, row - PAGE // 4)
        wanted = [i for i in self._ids[start : start + PAGE] if i not in self._rows]
        self.fetch_count += 1
        self._rows.update(self._fetch(wanted))

    def selected_ids(self, view: QAbstractItemView) -> list[str]:
        """Ids of the rows selected in a view over this model, in display order."""
        rows = sorted({i.row() for i in view.selectionModel().selectedRows()})
        return [i for i in (self.id_at(r) for r in rows) if i]

    def mark_stale(self, ids: Sequence[str]) -> None:
        """Drop cached rows touched by an op and tell the view to repaint them."""
        for record_id in ids:
            self._rows.pop(record_id, None)
            r = self.row_of(record_id)
            if r >= 0:
                self.dataChanged.emit(self.index(r, 0), self.index(r, len(self.columns) - 1))
