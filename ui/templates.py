"""设置 → 模板: the college's own Word template per kind of document (三方协议, 合作协议草稿, …), kept in the
database's file store (app/services/templates.py). One row per kind: 当前 (内置模板 / 自定义（文件名，设置日期）),
更换模板…, 恢复内置, 保存内置模板… (to edit in Word) and 占位符… (the sheet of fields, each with 复制)."""

from __future__ import annotations

import re
from pathlib import Path

from app.services import templates as svc
from app.services.common import Changes
from ui import files, theme
from ui.errors import show_error
from ui.files import WORD_FILTER
from ui.forms.record_form import close_box
from ui.operations import templates as template_ops
from ui.ops import ReadOp, context
from ui.pages.list_page import WhenShown
from ui.qt import *  # noqa: F403
from ui.widgets import for_writers

FOLDER_KEY = "docs"  # the remembered folder, shared with the other Word dialogs (ui/documents.py)


def sheet_rows(kind: str) -> list[tuple[str, str, str]]:
    """(shown, meaning, what 复制 copies) for each placeholder of `kind`: {{ student.name }}; a list as the
    opening tag of its loop ({%p for p in parties %}); "b.index / b.name" as one row each."""
    rows = []
    for key, meaning in svc.placeholders(kind):
        names = [k.strip() for k in key.split(" / ")]
        if len(names) > 1:
            cut = meaning.index("）") + 1 if meaning.startswith("（") else 0  # "（循环中）序号、名称"
            prefix, labels = meaning[:cut], meaning[cut:]
            parts = labels.split("、")
            if len(parts) != len(names):
                parts = [labels] * len(names)
            rows += [
                (f"{{{{ {n} }}}}", f"{prefix}{p}", f"{{{{ {n} }}}}")
                for n, p in zip(names, parts, strict=True)
            ]
        elif "列表" in meaning or re.search(r"\{%(?:p|tr) for", meaning):
            loop = re.search(r"\{%(?:p|tr) for \w+ in [\w.]+ %\}", meaning)
            var = re.search(r"\b([a-z])\.\w", meaning)
            tag = loop[0] if loop else f"{{%p for {var[1] if var else 'x'} in {key} %}}"
            rows.append((f"{key}（列表）", meaning, tag))
        else:
            rows.append((f"{{{{ {key} }}}}", meaning, f"{{{{ {key} }}}}"))
    return rows


class PlaceholderDialog(QDialog):
    """Every placeholder of one kind with its meaning, and 复制 per row (the sheet inside the app)."""

    def __init__(self, parent: QWidget | None, kind: str) -> None:
        super().__init__(parent)
        self.kind = kind
        label = svc.label(kind)
        self.setWindowTitle(f"{label}模板的占位符")
        self.resize(760, 560)
        lay = QVBoxLayout(self)
        intro = QLabel(
            f"在 Word 中修改{label}模板时，可以写入下列占位符，生成时换成数据。占位符必须写成"
            "<b>{{ 名称 }}</b>（两个花括号成对，名称照抄，区分大小写）；列表用 {%p for … %} … {%p endfor %}"
            "循环，循环标记各占单独一段。详见《Word 模板占位符说明》（docs/templates.md）。"
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        rows = sheet_rows(kind)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["占位符", "含义", ""])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for row, (shown, meaning, text) in enumerate(rows):
            item = QTableWidgetItem(shown)
            item.setFont(_mono(item.font()))
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 1, QTableWidgetItem(meaning))
            copy = QPushButton("复制")
            copy.setToolTip(f"复制 {text}，在 Word 中粘贴")
            copy.clicked.connect(lambda _c=False, x=text: self.copy(x))
            self.table.setCellWidget(row, 2, copy)
        self.table.resizeRowsToContents()
        self.table.setCurrentItem(None)
        lay.addWidget(self.table, 1)
        self.copied = QLabel("")
        self.copied.setStyleSheet(theme.text(theme.OK))
        buttons = close_box(self)
        bottom = QHBoxLayout()
        bottom.addWidget(self.copied, 1)
        bottom.addWidget(buttons)
        lay.addLayout(bottom)

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.copied.setText(f"已复制：{text}")


def _mono(font):
    font.setFamilies(["Consolas", "DejaVu Sans Mono", "monospace"])
    return font


class TemplatesSection(QWidget):
    """The 模板 tab of 设置: one row per kind of document."""

    loaded = Signal()  # the status shown is the database's (for tests)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        intro = QLabel(
            "学院可以用自己在 Word 中修改过的模板代替内置模板：先“保存内置模板…”，在 Word 中修改条款和格式"
            "（占位符照抄，见“占位符…”），再“更换模板…”。模板保存在数据库的附件中，随数据库和备份一起带走。"
            "生成文档时没有另选模板，就用这里的模板。"
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addSpacing(8)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        for col, text in enumerate(("文档", "当前模板")):
            head = QLabel(f"<b>{text}</b>")
            grid.addWidget(head, 0, col)
        self.status: dict[str, QLabel] = {}
        self.clear_buttons: dict[str, QPushButton] = {}
        for row, (kind, label) in enumerate(svc.kinds().items(), start=1):
            grid.addWidget(QLabel(label), row, 0)
            status = QLabel("…")
            status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.status[kind] = status
            grid.addWidget(status, row, 1)
            buttons = QHBoxLayout()
            buttons.setSpacing(6)
            for text, slot in (
                ("更换模板…", self.choose),
                ("恢复内置", self.clear),
                ("保存内置模板…", self.save_builtin),
                ("占位符…", self.show_placeholders),
            ):
                b = QPushButton(text)
                b.clicked.connect(lambda _c=False, k=kind, f=slot: f(k))
                if slot in (self.choose, self.clear):  # the college's template is kept in the database
                    for_writers(b)
                buttons.addWidget(b)
                if text == "恢复内置":
                    self.clear_buttons[kind] = b
            grid.addLayout(buttons, row, 2)
        grid.setColumnStretch(1, 1)
        lay.addLayout(grid)
        lay.addStretch(1)
        self.placeholder_dialog: PlaceholderDialog | None = None
        self.refresh = WhenShown(self, self.reload)  # a hidden page reloads when shown
        context().changes_applied.connect(self._on_changes)
        self.reload()

    def reload(self) -> None:
        ReadOp(self, svc.template_status).success(self._loaded).run()

    def _loaded(self, rows: list[svc.TemplateStatus]) -> None:
        for r in rows:
            label = self.status[r.kind]
            if r.custom_name:
                when = r.set_on.astimezone().strftime("%Y-%m-%d") if r.set_on else ""
                label.setText(f"自定义（{r.custom_name}，{when}设置）")
                label.setStyleSheet(theme.text(theme.INFO))
            else:
                label.setText("内置模板")
                label.setStyleSheet("")
            label.setToolTip(r.custom_name)
            self.clear_buttons[r.kind].setEnabled(bool(r.custom_name))
        self.loaded.emit()

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.table == "settings":
            self.refresh()

    # ---------------------------------------------------------------- actions

    def choose(self, kind: str) -> None:
        path = files.ask_open(self, f"选择{svc.label(kind)}模板（.docx）", FOLDER_KEY, WORD_FILTER)
        if path is not None:
            self.set_template(kind, path)

    def set_template(self, kind: str, path: Path) -> None:
        label = svc.label(kind)

        def failed(exc: BaseException) -> None:
            show_error(self, exc, f"未能设置{label}模板")

        template_ops.set_custom_template(self, kind, path, failed)

    def clear(self, kind: str) -> None:
        label = svc.label(kind)
        answer = QMessageBox.question(
            self, "恢复内置模板", f"以后生成{label}时改用内置模板？\n学院的模板文件不会从备份中删除。"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_builtin(kind)

    def restore_builtin(self, kind: str) -> None:
        template_ops.clear_custom_template(self, kind)

    def save_builtin(self, kind: str) -> None:
        text = "内置模板已保存到\n{path}\n\n在 Word 中修改后，用“更换模板…”设为学院的模板。"
        write = lambda path: svc.save_builtin_template(kind, path)  # noqa: E731
        files.save_file(
            self, "保存内置模板", FOLDER_KEY, svc.builtin_file_name(kind), write, text, WORD_FILTER
        )

    def show_placeholders(self, kind: str) -> PlaceholderDialog:
        dlg = PlaceholderDialog(self, kind)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.placeholder_dialog = dlg
        return dlg
