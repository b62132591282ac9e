"""The common shape of a page that lists one kind of record (企业, 协议, 走访 …): a heading, a search box and
filters, the actions (新建 / 编辑 / 删除 and the page's own), an undo bar after a delete, and a lazily loaded
table sorted by a service query (ui/models/lazy_table.py) or, when there is nothing to show, an empty state
that says what to do next.

Keyboard: Enter opens the selected record, Delete deletes (after asking; undo with Ctrl+Z on the bar). Ctrl+N
and Ctrl+F belong to the main window's menu, which calls `new_record()` / `focus_search()` of the page on
screen — so they work wherever the focus is and never clash between pages.

A subclass sets the class attributes and implements the hooks marked below.

Also here, for every page (STYLE.md §15): `WhenShown` — a change notice reloads a page now if it is on screen,
else once when it is next shown (Anki browser/table/table.py `op_executed(..., focused)`); `title_above_tabs`
— the one header of a page (its title, then its tabs); `ElidedLabel` — a line of text that lets the window be
narrower than the text (it ends in “…”, the whole text in its tooltip). `one_reload_each` — the notices of
one change made elsewhere reload each view once. `LatestRead` — a view's read on the worker, at most one running
and one waiting however often it is asked for (`Reloading.reload` uses it).
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.services.common import Changes
from ui import theme
from ui.forms.child_table import edit_delete_keys
from ui.models.lazy_table import Column, LazyTableModel
from ui.ops import ReadOp, WriteOp, context, read_now
from ui.qt import *  # noqa: F403
from ui.widgets import SearchBox, UndoBar, confirm, push_button, view_or_empty, write_action

PAGE_MARGINS = (12, 12, 12, 8)  # left, top, right, bottom of every page


class WhenShown(QObject):
    """Call `reload()` now if `widget` is on screen, else once when it is next shown:

        self.refresh = WhenShown(self, self.reload)   # in __init__
        ...
        self.refresh()                                 # in the change notice's slot

    A widget that is hidden inside a window on screen (a page not current, a tab not chosen) only becomes
    stale. One that is not in a shown window at all (a page built on its own, a window not shown yet) reloads
    at once, as before."""

    def __init__(self, widget: QWidget, reload: Callable[[], Any]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._reload = reload
        self.stale = False
        widget.installEventFilter(self)

    def __call__(self) -> None:
        if hidden_on_screen(self._widget):
            self.stale = True
        else:
            self.stale = False
            reload_soon(self._reload)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._widget and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self._reload()
        return False


_put_off: list[Callable[[], Any]] | None = None  # reloads waiting for the end of one_reload_each
_others = False  # the notices being sent are of changes made by someone else


@contextlib.contextmanager
def one_reload_each(others: bool = False) -> Iterator[None]:
    """Change notices sent inside the block reload each view on screen once, when it ends, not once per notice:
    a change made elsewhere comes as one notice per table it touched (ui/watching.py). `others`: the change was
    made by someone else (another user, the CLI) — see others_changing()."""
    global _put_off, _others
    if _put_off is not None:
        yield
        return
    _put_off, _others = [], others
    try:
        yield
    finally:
        reloads, _put_off = _put_off, None
        try:
            for reload in reloads:
                reload()
        finally:
            _others = False


def others_changing() -> bool:
    """Whether the reload asked for now is for a change made by someone else (inside one_reload_each(others=True)):
    a view whose read is slow (the 工作台's reminders) may put it off a little, as they may come every second."""
    return _others


def reload_soon(reload: Callable[[], Any]) -> None:
    """`reload()` now, or once at the end of one_reload_each."""
    if _put_off is None:
        reload()
    elif reload not in _put_off:
        _put_off.append(reload)


class Reloading:
    """`reload()` / `reload_now()` of a view that shows one read: `reading()` builds the read from what the
    view shows now (search, filters, year …), `_loaded(answer)` shows its answer. reload runs the read on the
    database worker (the view keeps what it shows until the answer arrives); reload_now runs it at once (tests,
    screenshots). Mixed in after QWidget: `class BudgetsView(QWidget, Reloading)`."""

    def reading(self) -> Callable[[Session], Any]:
        raise NotImplementedError

    def _loaded(self, answer: Any) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        """The read on the worker: however often asked, at most one runs and one waits (LatestRead)."""
        latest = getattr(self, "_latest_read", None)
        if latest is None:
            latest = self._latest_read = LatestRead()
        latest.run(self, self.reading(), self._loaded)

    def reload_now(self) -> None:
        self._loaded(read_now(self.reading()))


class _Waiting:
    """A read queued on the worker: until the worker starts it, a newer read may take its place."""

    def __init__(self, reading: Callable[[Session], Any]) -> None:
        self._lock = threading.Lock()
        self._reading = reading
        self.started = False

    def take_instead(self, reading: Callable[[Session], Any]) -> bool:
        """On the GUI thread: run `reading` instead; False once the worker has started (too late)."""
        with self._lock:
            if self.started:
                return False
            self._reading = reading
            return True

    def __call__(self, s: Session) -> Any:  # on the worker
        with self._lock:
            self.started = True
            reading = self._reading  # kept here too: what the read holds is freed on the GUI thread
        return reading(s)


class LatestRead:
    """One kind of read of a view (its rows, its figures …), asked for any number of times: at most one runs on
    the worker and one waits in its queue. Asked while one waits, the waiting one runs the newer read instead
    (built from what the view shows now: its search, filters, year); asked while one runs, one more waits behind
    it. So the answer shown last is always that of the newest read, a burst of changes costs a view at most two
    reads, and the worker's queue — where the user's own saves wait their turn — does not grow with the burst.

    The read that waits is in the worker's queue (not held back until the running one is done), so
    DbContext.wait() still waits for every read asked for, and none runs after the database was closed.
    `loaded(answer)` is the same for every asking: the one given first is called. Holds no widget."""

    def __init__(self) -> None:
        self._waiting: _Waiting | None = None

    def run(self, parent: QObject, reading: Callable[[Session], Any], loaded: Callable[[Any], Any]) -> None:
        if self._waiting is not None and self._waiting.take_instead(reading):
            return
        self._waiting = _Waiting(reading)
        ReadOp(parent, self._waiting).success(loaded).run()


class DeletedBar(UndoBar):
    """The undo bar of a list: after a delete it says “已删除 N 条预算到回收站。” (`what` is “条预算”) and keeps the
    ids; its 撤销 puts those records back with `restore(ids)`."""

    def __init__(self, what: str, restore: Callable[[list[str]], Any]) -> None:
        super().__init__()
        self.what = what
        self.ids: list[str] = []
        self._restore = restore
        self.undo_clicked.connect(self._undo)

    def deleted(self, changes: Changes) -> None:
        self.ids = list(changes.ids)
        self.show_message(f"已删除 {changes.count} {self.what}到回收站。")

    def _undo(self) -> None:
        if self.ids:
            self._restore(self.ids)


def load_and_follow(view: Any) -> None:
    """Load a view now and follow the change notices: its `_on_changes(changes)` slot gets every notice and
    calls `view.refresh()` for those that concern it (a reload now if on screen, else when next shown)."""
    view.refresh = WhenShown(view, view.reload)
    context().changes_applied.connect(view._on_changes)
    view.reload()


def confirm_delete(parent: QWidget, noun: str, unit: str, labels: Sequence[str], count: int) -> bool:
    """Ask before records go to 回收站: “确定删除企业 甲、乙 等 7 家？” (`labels` of the first five at most)."""
    more = f" 等 {count} {unit}" if count > 5 else ""
    text = f"确定删除{noun} {'、'.join(labels)}{more}？\n\n删除的{noun}会移到“回收站”，可随时恢复。"
    return confirm(parent, f"删除{noun}", text)


class RecordsModel(LazyTableModel):
    """A list's model: `columns` over the rows a service reads by id (`rows(s, ids)`, a page at a time); the
    columns numbered in `right` (money, counts) right-aligned."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Callable[[Session, Sequence[str]], Any],
        right: Collection[int] = (),
    ) -> None:
        super().__init__(columns, lambda ids: read_now(lambda s: rows(s, ids)))
        self.right = frozenset(right)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # type: ignore[override]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


@dataclass(frozen=True)
class ListQuery:
    """What a list asks the worker for: the service's query, and whether a search or filter hides records (then
    the count line says how many there are in all)."""

    query: Any
    filtered: bool

    @classmethod
    def of(cls, query: Any) -> ListQuery:
        """A service query that knows itself whether it filters (`query.filtered`)."""
        return cls(query, query.filtered)


def refill(box: QComboBox, items: Sequence[tuple[str, Any]]) -> None:
    """Put `items` (label, data) in a filter drop-down after its first entry (“全部…”), keeping the choice if it
    is still offered, without a signal (the page reloads on its own)."""
    if list(items) == [(box.itemText(i), box.itemData(i)) for i in range(1, box.count())]:
        return
    current = box.currentData()
    box.blockSignals(True)
    while box.count() > 1:
        box.removeItem(1)
    for label, data in items:
        box.addItem(label, data)
    box.setCurrentIndex(max(0, box.findData(current)))
    box.blockSignals(False)


def record_table(model: Any, several: bool) -> QTableView:
    """A table of records: a click chooses the whole row (`several` at once with Ctrl/Shift), rows in
    alternating colours, no row numbers."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    mode = QAbstractItemView.SelectionMode
    table.setSelectionMode(mode.ExtendedSelection if several else mode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    return table


def hidden_on_screen(widget: QWidget) -> bool:
    """The widget's window is shown but the widget is not (another page or tab is)."""
    return not widget.isVisible() and widget.window().isVisible()


def page_title(text: str) -> QLabel:
    """A page's title (the look: theme.STYLE_SHEET's #pageTitle)."""
    label = QLabel(text)
    label.setObjectName("pageTitle")
    return label


def title_above_tabs(page: QWidget, lay: QBoxLayout, tabs: QTabWidget) -> QLabel:
    """The header every page has: its title, then its tabs. `lay` is the page's layout, holding the tabs; the
    lists in the tabs show no title of their own."""
    heading = page_title(getattr(page, "title", ""))
    lay.insertWidget(0, heading)
    lay.setContentsMargins(*PAGE_MARGINS)
    tabs.setDocumentMode(False)
    for i in range(tabs.count()):
        inner = tabs.widget(i)
        if isinstance(inner, ListPage):
            inner.embed()
    return heading


class ElidedLabel(QLabel):
    """One line of text that may be narrower than the text: it ends in “…”, the whole text as its tooltip
    (unless it has one of its own). Counts and summaries beside buttons never widen a page."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("…") * 6), hint.height())

    def elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if not self.elided():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(self.alignment()), text)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and not self.toolTip() and self.elided():
            QToolTip.showText(event.globalPos(), self.text(), self)
            return True
        return super().event(event)


LONG_COLUMN = (
    200  # px: a column declared this wide holds long text (names of enterprises, agreements, projects)
)


class ListPage(QWidget, Reloading):
    title = ""
    state_key = ""  # where the header layout is kept in the UI settings
    noun = ""  # 企业
    unit = ""  # 家
    new_text = "新建…"  # a new record opens its form: the trailing “…” of every action that opens a dialog
    search_hint = ""
    columns: Sequence[Column] = ()
    default_sort: tuple[str, bool] = ("", False)
    watched: tuple[str, ...] = ()  # Changes tables that make the page reload
    # the key(s) of the long text column(s) that share the room left; default: those declared 200 px or wider, else
    # "name" or "title", else the widest (a person's 姓名 is short: such a page names its long columns)
    stretch_column: str | tuple[str, ...] = ""
    empty_title = ""  # the empty state when there are no records at all (see empty_state)
    empty_hint = ""
    form_class = ""  # "ui.dialogs.studio_dialog:StudioDialog": imported when a form opens (see form)
    # the services a delete and its undo run: delete_service = staticmethod(svc.delete_studios)
    delete_service: Callable[[Session, list[str]], Changes]
    restore_service: Callable[[Session, list[str]], Changes]
    # the model (make_model): `columns` over row_service(s, ids), the columns numbered in right_aligned to the right
    row_service: Callable[[Session, Sequence[str]], Any]
    right_aligned: frozenset[int] = frozenset()
    # the ids (ids_and_total): id_service(s, query) of a ListQuery, count_service(s) the records in all
    id_service: Callable[[Session, Any], list[str]]
    count_service: Callable[[Session], int]
    loaded = Signal(int)  # number of rows shown, after every (re)load

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sort = self.default_sort
        self._pending_select: str | None = None
        self._total = -1
        self.model = self.make_model()
        self._build()
        load_and_follow(self)

    # ------------------------------------------------------------ hooks

    def make_model(self) -> LazyTableModel:
        return RecordsModel(self.columns, type(self).row_service, self.right_aligned)

    def add_filters(self, bar: QHBoxLayout) -> None:
        """Add filter widgets after the search box (filter_combo helps)."""

    def add_actions(self, row: QHBoxLayout) -> None:
        """Add buttons after 新建 / 编辑 / 删除."""

    def add_tools(self, row: QHBoxLayout) -> None:
        """Add buttons at the right end of the action row (import, export …)."""

    def query(self) -> Any:
        """A frozen snapshot of the search, filters and sort, for ids_and_total on the worker."""
        raise NotImplementedError

    def has_filter(self) -> bool:
        raise NotImplementedError

    @classmethod
    def ids_and_total(cls, s: Session, q: ListQuery) -> tuple[list[str], int]:
        """Runs on the database worker: the ids to show, and how many records there are unfiltered."""
        ids = cls.id_service(s, q.query)
        return ids, cls.count_service(s) if q.filtered else len(ids)

    def empty_state(self) -> tuple[str, str, list[tuple[str, Callable[[], Any]]]]:
        """Title, hint and actions shown when there are no records at all: by default `empty_title`,
        `empty_hint` and the 新建 action."""
        return (self.empty_title, self.empty_hint, [self.new_action()])

    def new_action(self) -> tuple[str, Callable[[], Any]]:
        """The empty state's 新建 action: the new button's text and its key."""
        return write_action(f"{self.new_text}（Ctrl+N）", self.new_record)

    def form(self, record_id: str | None = None) -> Any:
        """The record's form dialog (a new record's with None): `form_class` on the window. Pages whose forms
        need more override new_record / open_record instead."""
        module, _, name = self.form_class.partition(":")
        return getattr(importlib.import_module(module), name)(self.window(), record_id)

    def new_record(self) -> str | None:
        """Open an empty form; a saved record is selected once the list has reloaded."""
        dlg = self.form()
        dlg.exec()
        self.created(dlg.saved_id)
        return dlg.saved_id

    def open_record(self, record_id: str) -> None:
        self.form(record_id).exec()

    def delete_work(self, ids: list[str]) -> Callable[[Session], Changes]:
        delete = type(self).delete_service
        return lambda s: delete(s, ids)

    def restore_work(self, ids: list[str]) -> Callable[[Session], Changes]:
        restore = type(self).restore_service
        return lambda s: restore(s, ids)

    def label_of(self, row: Any) -> str:
        """How the delete confirmation names a record."""
        return str(getattr(row, "name", "") or getattr(row, "title", ""))

    def clear_filter_widgets(self) -> None:
        """Reset the page's filters (signals blocked); the search box is cleared by the caller."""
        for box in self.findChildren(QComboBox):
            if box.property("filter"):
                box.blockSignals(True)
                box.setCurrentIndex(0)
                box.blockSignals(False)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(*PAGE_MARGINS)
        self.heading = page_title(self.title)
        lay.addWidget(self.heading)

        bar = QHBoxLayout()
        self.search = SearchBox(f"{self.search_hint}  Ctrl+F")
        self.search.search.connect(lambda _t: self.reload())
        bar.addWidget(self.search, 3)
        self.add_filters(bar)
        lay.addLayout(bar)

        actions = QHBoxLayout()
        self.new_button = self.button(self.new_text, "Ctrl+N", self.new_record, writes=True)
        self.edit_button = self.button("编辑", "Enter", self.edit_selected)  # 只读: opens the form to read
        self.delete_button = self.button("删除", "Delete", self.delete_selected, writes=True)
        for b in (self.new_button, self.edit_button, self.delete_button):
            actions.addWidget(b)
        self.add_actions(actions)
        self.count_label = theme.muted(ElidedLabel())
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        actions.addWidget(self.count_label, 1)
        self.add_tools(actions)
        lay.addLayout(actions)

        self.undo_bar = DeletedBar(
            f"{self.unit}{self.noun}", lambda ids: WriteOp(self, self.restore_work(ids)).run()
        )
        lay.addWidget(self.undo_bar)

        self.table = record_table(self.model, several=True)
        self.table.setSortingEnabled(False)  # sorting is a new id query, not a proxy over all rows
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(bool(self._sort[0]))
        header.sectionClicked.connect(self._header_clicked)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)  # the name column takes the room left (fit_columns), not the last
        for i, col in enumerate(self.columns):
            self.table.setColumnWidth(i, col.width)
        self._fills = self._fill_sections()
        self._fill = self._fills[0] if self._fills else -1
        self._fitting = False
        header.sectionResized.connect(self._section_resized)
        self.table.viewport().installEventFilter(self)
        self._sync_sort_indicator()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.stack, self.empty = view_or_empty(lay, self.table)

        edit_delete_keys(self.table, self.edit_selected, self.delete_selected)
        self._update_buttons()

    def embed(self) -> None:
        """The list is a tab of a page: the page's header above the tabs names it, not a title of its own."""
        self.heading.hide()
        left, _top, right, bottom = PAGE_MARGINS
        self.layout().setContentsMargins(left, 8, right, bottom)

    # ------------------------------------------------------------ columns

    def _fill_sections(self) -> list[int]:
        """The long text columns that share the room left (see `stretch_column`)."""
        keys = [c.key for c in self.columns]
        named = (self.stretch_column,) if isinstance(self.stretch_column, str) else self.stretch_column
        chosen = [keys.index(k) for k in named if k in keys]
        chosen = chosen or [i for i, c in enumerate(self.columns) if c.width >= LONG_COLUMN]
        chosen = chosen or [keys.index(k) for k in ("name", "title") if k in keys][:1]
        return chosen or ([max(range(len(keys)), key=lambda i: self.columns[i].width)] if keys else [])

    def fit_columns(self) -> None:
        """The fill columns share the room the others leave, each in proportion to its declared width: names are
        read in full on a wide window. On a narrower one each gives up to a third of its width if that keeps every
        column on screen."""
        if not self._fills or self._fitting:
            return
        header = self.table.horizontalHeader()
        fills = [i for i in self._fills if not header.isSectionHidden(i)]
        others = sum(
            header.sectionSize(i)
            for i in range(header.count())
            if i not in fills and not header.isSectionHidden(i)
        )
        own = sum(self.columns[i].width for i in fills)
        room = self.table.viewport().width() - others
        if not own:
            return
        total = max(own * 2 // 3 if room >= own * 2 // 3 else own, room)
        self._fitting = True
        try:
            for n, i in enumerate(fills):
                last = n == len(fills) - 1
                width = total if last else total * self.columns[i].width // own
                total, own = total - width, own - self.columns[i].width
                if width != header.sectionSize(i):
                    header.resizeSection(i, width)
        finally:
            self._fitting = False

    @Slot(int, int, int)
    def _section_resized(self, section: int, _old: int, _new: int) -> None:
        if section not in self._fills:
            self.fit_columns()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    def button(self, text: str, key: str, slot: Callable[[], Any], *, writes: bool = False) -> QPushButton:
        return push_button(text, slot, f"{text}（{key}）" if key else "", writes=writes)

    def filter_combo(self, all_text: str, values: Sequence[tuple[str, Any]] | Sequence[str]) -> QComboBox:
        """A filter drop-down: “全部…” then the values ((label, data) pairs or plain strings)."""
        box = QComboBox()
        box.setProperty("filter", True)
        box.addItem(all_text, "")
        for v in values:
            label, data = v if isinstance(v, tuple) else (v, v)
            box.addItem(label, data)
        box.setMinimumContentsLength(6)
        box.currentIndexChanged.connect(lambda _i: self.reload())
        return box

    @Slot()
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def focus_view(self) -> None:
        """Called when the page comes on screen: the keyboard goes to the list."""
        (self.table if self.stack.currentWidget() is self.table else self.search).setFocus()

    # ------------------------------------------------------------ loading

    def reading(self) -> Callable[[Session], tuple[list[str], int]]:
        """The id query (reload runs it on the worker; the view keeps its rows until the answer arrives)."""
        q, fn = self.query(), self.ids_and_total
        return lambda s: fn(s, q)

    def _loaded(self, result: tuple[list[str], int]) -> None:
        ids, total = result
        selected = self.selected_ids()
        self.model.set_ids(ids)
        self._total = total
        if self.has_filter():
            self.count_label.setText(f"找到 {len(ids)} {self.unit}（共 {total} {self.unit}）")
        else:
            self.count_label.setText(f"共 {len(ids)} {self.unit}{self.noun}")
        self._show_empty_state(ids, total)
        wanted = [self._pending_select] if self._pending_select else selected
        self._pending_select = None
        self.select_ids(wanted)
        self._update_buttons()
        self.loaded.emit(len(ids))

    def _show_empty_state(self, ids: list[str], total: int) -> None:
        if ids:
            self.stack.setCurrentWidget(self.table)
            return
        if total == 0:
            self.empty.configure(*self.empty_state())
        else:
            self.empty.configure(
                f"没有符合条件的{self.noun}",
                "请换个关键词，或清除筛选条件。",
                [("清除筛选", self.clear_filters)],
            )
        self.stack.setCurrentWidget(self.empty)

    def clear_filters(self) -> None:
        self.clear_filter_widgets()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.reload()

    @Slot(int)
    def _header_clicked(self, section: int) -> None:
        key = self.columns[section].sort
        if key is not None:
            self._sort = (key, self._sort[0] == key and not self._sort[1])
            self.reload()
        self._sync_sort_indicator()

    def _sync_sort_indicator(self) -> None:
        section = next((i for i, c in enumerate(self.columns) if c.sort == self._sort[0]), -1)
        order = Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(section, order)

    # ------------------------------------------------------------ selection

    def selected_ids(self) -> list[str]:
        return self.model.selected_ids(self.table)

    def selected_row(self) -> Any:
        ids = self.selected_ids()
        return self.model.row_at(self.model.row_of(ids[0])) if len(ids) == 1 else None

    def select_ids(self, ids: Sequence[str]) -> None:
        sel = self.table.selectionModel()
        sel.clearSelection()
        first = True
        for record_id in ids:
            r = self.model.row_of(record_id)
            if r < 0:
                continue
            idx = self.model.index(r, 0)
            if first:
                self.table.setCurrentIndex(idx)
                self.table.scrollTo(idx)
                first = False
            sel.select(idx, sel.SelectionFlag.Select | sel.SelectionFlag.Rows)

    def _update_buttons(self) -> None:
        n = len(self.selected_ids())
        self.edit_button.setEnabled(n == 1)
        self.delete_button.setEnabled(n > 0)

    # ------------------------------------------------------------ actions

    def show_record(self, record_id: str) -> None:
        """Select the record in the list (clearing filters that hide it) and open it."""
        if self.model.row_of(record_id) < 0 and self.has_filter():
            self.clear_filters()
            self.reload_now()
        self._pending_select = record_id
        self.select_ids([record_id])
        self.open_record(record_id)

    def created(self, record_id: str | None) -> None:
        """After a new record was saved: select it once the list has reloaded."""
        if record_id:
            self._pending_select = record_id
            self.reload()

    @Slot()
    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.open_record(ids[0])

    @Slot()
    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        labels = [self.label_of(self.model.row_at(self.model.row_of(i))) for i in ids[:5]]
        if confirm_delete(self, self.noun, self.unit, labels, len(ids)):
            WriteOp(self, self.delete_work(ids)).success(self.undo_bar.deleted).run()

    # ------------------------------------------------------------ changes and state

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table in self.watched:
            self.model.mark_stale(changes.ids)
            self.refresh()

    def save_state(self, settings: QSettings) -> None:
        settings.setValue(f"{self.state_key}/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value(f"{self.state_key}/header")
        if state is not None:
            header = self.table.horizontalHeader()
            header.restoreState(state)
            header.setStretchLastSection(False)  # a layout kept before the name column took the room left
            self.fit_columns()


class TabbedPage(QWidget):
    """A page made of tabs (lists and views) under one header: its title, then the tabs (title_above_tabs).
    The main window's 新建 (Ctrl+N) and 查找 (Ctrl+F) act through `new_text` / `new_record()` / `search` /
    `focus_search()` on the tab on screen; the page keeps the tabs' layouts and which tab was on screen.

    A subclass sets `title` and `state_key`, builds its tabs in `add_tabs`, and overrides `target` /
    `search_list` / `first_focus` where its tabs are not all lists."""

    title = ""
    state_key = ""  # the tab on screen is kept as f"{state_key}/tab"
    tab_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.add_tabs(self.tabs)
        self.tabs.currentChanged.connect(self.tab_changed)
        lay.addWidget(self.tabs)
        title_above_tabs(self, lay, self.tabs)

    # ------------------------------------------------------------ hooks

    def add_tabs(self, tabs: QTabWidget) -> None:
        raise NotImplementedError

    def target(self) -> Any:
        """What 新建 acts on: the tab on screen."""
        return self.tabs.currentWidget()

    def search_list(self) -> Any:
        """What 查找 acts on: by default the same as 新建."""
        return self.target()

    def first_focus(self, tab: QWidget) -> QWidget:
        """Where the keyboard goes on a tab that is not a list (one with no focus_view)."""
        return tab

    # ------------------------------------------------------------ the menu's actions

    @property
    def new_text(self) -> str:
        return self.target().new_text

    @property
    def search(self) -> SearchBox:
        return self.search_list().search

    def show_tab(self, tab: QWidget) -> None:
        if self.tabs.indexOf(tab) >= 0:
            self.tabs.setCurrentWidget(tab)

    def show_record_on(self, tab: ListPage, record_id: str) -> None:
        """The list `tab` on screen, the record selected in it (filters that hide it cleared) and its form open."""
        self.tabs.setCurrentWidget(tab)
        tab.show_record(record_id)

    @Slot()
    def new_record(self) -> Any:
        tab = self.target()
        self.show_tab(tab)
        return tab.new_record()

    @Slot()
    def focus_search(self) -> None:
        tab = self.search_list()
        self.show_tab(tab)
        tab.focus_search()

    def focus_view(self) -> None:
        tab = self.tabs.currentWidget()
        if hasattr(tab, "focus_view"):
            tab.focus_view()
        else:
            self.first_focus(tab).setFocus()

    # ------------------------------------------------------------ state

    def _kept(self) -> list[Any]:
        tabs = (self.tabs.widget(i) for i in range(self.tabs.count()))
        return [t for t in tabs if hasattr(t, "save_state")]

    def save_state(self, settings: QSettings) -> None:
        for tab in self._kept():
            tab.save_state(settings)
        settings.setValue(f"{self.state_key}/tab", self.tabs.currentIndex())

    def restore_state(self, settings: QSettings) -> None:
        for tab in self._kept():
            tab.restore_state(settings)
        self.tabs.setCurrentIndex(int(settings.value(f"{self.state_key}/tab", 0) or 0))
