"""RecordPicker: choose linked records (enterprises, agreements…) inline in a form.

A search box over the archive (name, short name, pinyin initials…), the results under it, 添加 → / 移除, and
the chosen records in order. Keyboard: ↓ from the search box into the results, Enter adds (never saves the
form), Delete removes from the chosen ones. With `allow_new`, Enter on a text that matches nothing adds it
as a new name (the form creates the record when it saves); `new_names()` returns those."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.services.choices import Choice, agreement_choices, enterprise_choices
from ui import theme
from ui.ops import read_now
from ui.qt import *  # noqa: F403

PICKER_LIMIT = 30  # results shown; searches ask for one more to know there are more
LIST_HEIGHT = 100  # the lists' least height; they grow into the room the form has (8–10 rows where it has)
ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
NEW_ROLE = Qt.ItemDataRole.UserRole + 2  # on the results row that adds the typed text as a new name
NEW_COLOR = theme.qcolor(theme.INFO)


def enterprise_search(text: str) -> list[Choice]:
    return read_now(lambda s: enterprise_choices(s, text, limit=PICKER_LIMIT + 1))


def agreement_search(text: str) -> list[Choice]:
    return read_now(lambda s: agreement_choices(s, text, limit=PICKER_LIMIT + 1))


class RecordPicker(QWidget):
    """The chosen records (in order; the first is the main one where that matters) and a search to add more."""

    changed = Signal()

    def __init__(
        self,
        search: Callable[[str], list[Choice]],
        *,
        chosen_title: str,
        placeholder: str,
        allow_new: bool = False,
        new_hint: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._find = search
        self.allow_new = allow_new
        self.new_hint = new_hint
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(4)
        self.search = QLineEdit(placeholderText=placeholder, clearButtonEnabled=True)
        self._timer = QTimer(self, singleShot=True, interval=250)  # search once typing pauses
        self._timer.timeout.connect(lambda: self._search(self.search.text()))
        self.search.textEdited.connect(lambda _t: self._timer.start())
        self.results = QListWidget()
        self.results.itemDoubleClicked.connect(lambda _i: self.add_selected())
        self.results.setToolTip("双击、回车或点“添加”加入")
        self.chosen = QListWidget()
        self.chosen.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.chosen.setToolTip("Delete 键或“移除”去掉所选")
        for lst in (self.results, self.chosen):  # long names wrap instead of scrolling sideways
            # never 5 rows above empty space: the lists fill what the form leaves
            lst.setMinimumHeight(LIST_HEIGHT)
            lst.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            lst.setWordWrap(True)
            lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            lst.setMinimumWidth(lst.fontMetrics().horizontalAdvance("长沙某某智能科技") + 24)  # 8 characters
        self.search.setMinimumWidth(self.results.minimumWidth())
        self.search.setToolTip(placeholder)  # the whole hint where a narrow field cuts it
        self.chosen_label = QLabel(chosen_title)
        self.chosen_label.setMinimumWidth(self.chosen_label.sizeHint().width())
        self.add_button = QPushButton("添加 →")
        self.add_button.clicked.connect(self.add_selected)
        self.remove_button = QPushButton("移除")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        grid.addWidget(self.search, 0, 0, 1, 2)  # over the buttons too: room for the hint
        grid.addWidget(self.chosen_label, 0, 2)
        grid.addWidget(self.results, 1, 0)
        grid.addLayout(buttons, 1, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.chosen, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(2, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        for widget in (self.search, self.results, self.chosen):
            widget.installEventFilter(self)
        self._search("")

    # ------------------------------------------------------------ keyboard

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if watched is self.search and enter:
            self.enter()
        elif watched is self.search and key == Qt.Key.Key_Down:
            self._focus_results()
        elif watched is self.results and enter:
            self.add_selected()
        elif watched is self.chosen and key == Qt.Key.Key_Delete:
            self.remove_selected()
        else:
            return False
        return True

    @Slot()
    def _focus_results(self) -> None:
        if self._first_pickable() >= 0:
            self.results.setFocus()
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(self._first_pickable())

    def _first_pickable(self) -> int:
        for i in range(self.results.count()):
            if self.results.item(i).flags() & Qt.ItemFlag.ItemIsEnabled:
                return i
        return -1

    @Slot()
    def enter(self) -> None:
        """Enter in the search box: search now; a single match (or, with allow_new, an exact one) is added
        at once; with allow_new a text that matches nothing is added as a new name; else ↓ to choose."""
        self._timer.stop()  # searched now
        text = self.search.text().strip()
        found = self._search(self.search.text())
        exact = [c for c in found if c.label == text]
        if self.allow_new:
            pick = exact[:1] or ([] if found else [Choice("", text, new=True)] if text else [])
        else:
            pick = exact[:1] or (found if len(found) == 1 else [])
        if pick:
            self.add(pick)
            self._set_text("")
            self._search("")
        elif found:
            self._focus_results()

    # ------------------------------------------------------------ the chosen records

    def choices(self) -> list[Choice]:
        return [
            Choice(item.data(ID_ROLE) or "", item.data(NAME_ROLE), new=not item.data(ID_ROLE))
            for item in (self.chosen.item(i) for i in range(self.chosen.count()))
        ]

    def ids(self) -> tuple[str, ...]:
        """The chosen records of the archive, in order (new names are not among them)."""
        return tuple(c.id for c in self.choices() if c.id)

    def new_names(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.choices() if c.new)

    def names(self) -> list[str]:
        return [c.label for c in self.choices()]

    def set_chosen(self, choices: Iterable[Choice]) -> None:
        self.chosen.clear()
        self.add(choices, notify=False)
        self.changed.emit()

    def add(self, choices: Iterable[Choice], *, notify: bool = True) -> None:
        have = {(c.id or c.label) for c in self.choices()}
        added = False
        for c in choices:
            key = c.id or c.label.strip()
            if not key or key in have:
                continue
            self.chosen.addItem(self._chosen_item(c))
            have.add(key)
            added = True
        if added and notify:
            self.changed.emit()

    def _chosen_item(self, c: Choice) -> QListWidgetItem:
        new = c.new or not c.id
        item = QListWidgetItem(f"{c.label}{self.new_hint}" if new else c.label)
        item.setData(ID_ROLE, "" if new else c.id)
        item.setData(NAME_ROLE, c.label.strip())
        item.setToolTip(c.label)
        if new:
            item.setForeground(NEW_COLOR)
            item.setToolTip(f"{c.label}：档案中没有，保存时新建")
        return item

    @Slot()
    def add_selected(self) -> None:
        items = self.results.selectedItems() or (
            [self.results.currentItem()] if self.results.currentItem() else []
        )
        picked = []
        for item in items:
            if item.data(NEW_ROLE):
                picked.append(Choice("", item.data(NAME_ROLE), new=True))
            elif item.data(ID_ROLE):
                picked.append(Choice(item.data(ID_ROLE), item.data(NAME_ROLE)))
        self.add(picked)

    @Slot()
    def remove_selected(self) -> None:
        items = self.chosen.selectedItems()
        for item in items:
            self.chosen.takeItem(self.chosen.row(item))
        if items:
            self.changed.emit()

    # ------------------------------------------------------------ the search

    def search_now(self, text: str) -> list[Choice]:
        self._set_text(text)
        return self._search(text)

    def _set_text(self, text: str) -> None:
        self._timer.stop()
        self.search.setText(text)  # no textEdited: the caller searches

    @Slot(str)
    def _search(self, text: str) -> list[Choice]:
        self.results.clear()
        found = self._find(text)
        shown = found[:PICKER_LIMIT]
        for c in shown:
            item = QListWidgetItem(c.label)
            item.setData(ID_ROLE, c.id)
            item.setData(NAME_ROLE, c.label)
            item.setToolTip(c.label)
            self.results.addItem(item)
        if len(found) > PICKER_LIMIT:
            self._note("……还有更多，请输入更多文字缩小范围")
        typed = text.strip()
        if self.allow_new and typed and all(c.label != typed for c in shown):
            item = QListWidgetItem(f"＋ 新增“{typed}”{self.new_hint}")
            item.setData(NEW_ROLE, True)
            item.setData(NAME_ROLE, typed)
            item.setForeground(NEW_COLOR)
            self.results.addItem(item)
        elif not shown:
            self._note("没有找到，请换个关键词" if typed else "没有可选的记录")
        if shown:
            self.results.setCurrentRow(0)
        return shown

    def _note(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        item.setForeground(theme.brush(theme.HINT))
        self.results.addItem(item)


def keep_last(picker: RecordPicker) -> None:
    """A picker used for one record (`picker.changed.connect(lambda: keep_last(picker))`): a second choice
    replaces the first."""
    chosen = picker.choices()
    if len(chosen) > 1:
        picker.set_chosen(chosen[-1:])
