"""学校汇总 (school side): the submission packages (上报材料包) the colleges sent — added by file, by folder or
dropped on the page — each verified, and the newest one of a college and period used (app/package/merge.py
plan_merge, on the database worker after every change); the list shows 可用 / 已被较新的替代 / 无效 with the
problems and each used package's headline figures. 生成汇总表… writes the school's workbook (merge_packages).

Signed packages: a package signed by a key the school has not registered for its college is listed as
公钥未登记 until someone compares the fingerprints with the college and confirms them (核对并登记公钥…, a dialog
listing each new college and fingerprint), or imports the key file the college handed over (导入学院公钥…).
Unsigned packages (older versions) are usable while the college has no key, and marked 可用（无签名）.

The list of files is kept between sessions (QSettings); nothing is copied or changed in them."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import Cancelled
from app.fsutil import safe_filename
from app.package import format as fmt
from ui import files, theme
from ui.errors import show_error
from ui.ops import TaskOp
from ui.pages.list_page import PAGE_MARGINS, page_title
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, progress_beside, push_button, view_or_empty

if TYPE_CHECKING:  # imported when first used: start-up does not load the merge code
    from app.package.merge import MergePlan, MergeResult

FOLDER_KEY = "package_summary"
SETTINGS_KEY = "school_summary/packages"
USED, SUPERSEDED, INVALID, PENDING, REPEATED = "可用", "已被较新的替代", "无效", "待校验", "重复"
UNSIGNED, NEW_KEY = "可用（无签名）", "公钥未登记"
KEY_FILTER = "学院公钥文件 (*.json)"
INVALID_FG, INVALID_BG = theme.qcolor(theme.ERROR), theme.qcolor(theme.ERROR_BG)
GREY = theme.qcolor(theme.HINT)
FIXED = ["学校", "学院", "期间", "导出时间", "状态", "问题", "文件"]
STATUS_COL, PROBLEM_COL, FILE_COL = (FIXED.index(x) for x in ("状态", "问题", "文件"))
PATH_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class _Item(QTableWidgetItem):
    """A cell that sorts by its SORT_ROLE value when it has one (figures as numbers, not as text)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is not None and theirs is not None:
            return mine < theirs
        if (mine is None) != (theirs is None):
            return mine is None  # empty figures first
        return self.text() < other.text()  # (QTableWidgetItem.__lt__ would call back into this one)


def _key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def _when(value: object) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"  # the college's clock, as in the summary workbook
    return str(value or "")[:16].replace("T", " ")


def _lacking_text(info: object) -> str:
    """What an older package cannot fill in the summary (its cells stay empty), said per table."""
    lacking = getattr(info, "lacking", ())
    if not lacking:
        return ""
    head = f"旧版本材料包（格式版本 {info.version}），汇总表中以下内容留空："  # type: ignore[attr-defined]
    return head + "；".join(x.text for x in lacking) + "。"


def _figure(label: str, value: object) -> str:
    if value is None:
        return ""
    if "（元）" in label:
        return f"{float(value):,.2f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def zips_in(paths: Iterable[Path]) -> list[Path]:
    """The .zip files among `paths`, and those directly in the folders among them."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(x for x in p.iterdir() if x.suffix.lower() == ".zip" and x.is_file()))
        elif p.suffix.lower() == ".zip":
            out.append(p)
    return out


class SchoolSummaryPage(QWidget):
    title = "学校汇总"
    planned = Signal(object)  # MergePlan of the listed files
    merged = Signal(object)  # MergeResult, or the exception (Cancelled when cancelled)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths: list[Path] = []
        self.plan: MergePlan | None = None
        self._plan_op: TaskOp | None = None
        self._stale = False
        self.progress: files.Progress | None = None
        self.setAcceptDrops(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(*PAGE_MARGINS)
        lay.addWidget(page_title(self.title))
        intro = QLabel(
            "汇总各学院报送的上报材料包：每个文件都先校验是否完整、未被改动，并按学院的签名公钥核对；同一学院"
            "同一期间有多份时，只用学院导出序号最新的一份。材料包文件本身不会被改动。"
        )
        intro.setWordWrap(True)
        theme.muted(intro)
        lay.addWidget(intro)
        lay.addLayout(self._bar())
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        theme.banner(self.warnings, theme.WARNING)
        self.warnings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings.hide()
        lay.addWidget(self.warnings)
        lay.addWidget(self._keys_strip())
        self.table = self._table()
        self.stack, self.empty = view_or_empty(lay, self.table)
        self.empty.configure(
            "还没有材料包",
            "把各学院发来的上报材料包（.zip）拖到这里，或点击“添加材料包…”。\n"
            "也可以把各学院的材料包放在同一个文件夹里，用“添加文件夹…”一次加入。",
            [("添加材料包…", self.add_files), ("添加文件夹…", self.add_folder)],
        )
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.hide()
        lay.addWidget(self.detail)
        self.status = QLabel()
        theme.muted(self.status)
        lay.addWidget(self.status)
        self._show()

    def _bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.add_button = push_button(
            "添加材料包…", self.add_files, "选择一个或多个学院的上报材料包（.zip），也可以直接拖到本页"
        )
        self.folder_button = push_button("添加文件夹…", self.add_folder, "加入一个文件夹中的全部 .zip 文件")
        self.remove_button = push_button(
            "移除所选", self.remove_selected, "从列表中移除选中的材料包（Delete），文件不会被删除"
        )
        self.clear_button = push_button("清空", self.clear, "清空列表（文件不会被删除）")
        self.import_key_button = push_button(
            "导入学院公钥…",
            self.import_key,
            "导入学院交来的签名公钥文件（学院用“导出签名公钥”生成）：此后该学院的材料包按此公钥核对签名",
        )
        buttons = (self.add_button, self.folder_button, self.remove_button, self.clear_button)
        for b in (*buttons, self.import_key_button):
            bar.addWidget(b)
        bar.addSpacing(12)
        self.busy, self.busy_label = progress_beside(bar, "正在校验…", width=160, maximum=1000)
        bar.addStretch(1)
        self.merge_button = push_button(
            "生成汇总表…",
            self.write_summary,
            "把列表中“可用”的材料包汇总为一个 Excel 工作簿：各学院的主要数字一行一个学院，并附各表的明细",
        )
        bar.addWidget(self.merge_button)
        return bar

    def _keys_strip(self) -> QWidget:
        self.keys_strip = QWidget()
        row = QHBoxLayout(self.keys_strip)
        row.setContentsMargins(0, 0, 0, 0)
        self.keys_label = QLabel()
        self.keys_label.setWordWrap(True)
        theme.banner(self.keys_label, theme.WARNING)
        self.trust_button = QPushButton("核对并登记公钥…")
        self.trust_button.setToolTip("列出新学院的公钥指纹：与学院核对一致后登记，这些材料包即可使用")
        self.trust_button.clicked.connect(self.confirm_new_keys)
        row.addWidget(self.keys_label, 1)
        row.addWidget(self.trust_button)
        self.keys_strip.hide()
        return self.keys_strip

    def _table(self) -> QTableWidget:
        figures = [h.label.replace("（", "\n（") for h in fmt.HEADLINES]  # two lines: narrower columns
        table = QTableWidget(0, len(FIXED) + len(figures))
        table.setHorizontalHeaderLabels(FIXED + figures)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(26)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # plan order until a header is clicked
        header.setSortIndicatorShown(True)
        for col, width in enumerate((150, 130, 170, 120, 100, 200, 150)):
            table.setColumnWidth(col, width)
        for col, h in enumerate(fmt.HEADLINES, start=len(FIXED)):
            sheet = fmt.SHEET_BY_KEY[h.sheet].name
            table.horizontalHeaderItem(col).setToolTip(f"{h.label}：由各学院材料包的“{sheet}”表统计")
        table.itemSelectionChanged.connect(self._show_buttons)
        QShortcut(
            QKeySequence.StandardKey.Delete,
            table,
            self.remove_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        return table

    # ---------------------------------------------------------------- the list of files

    @Slot()
    def add_files(self) -> None:
        self.add_paths(files.ask_open_many(self, "添加上报材料包", FOLDER_KEY, files.PACKAGE_FILTER))

    @Slot()
    def add_folder(self) -> None:
        folder = files.ask_folder(self, "选择放有各学院材料包的文件夹", FOLDER_KEY)
        if folder is None:
            return
        found = zips_in([folder])
        if not found:
            self.status.setText(f"文件夹“{folder}”中没有 .zip 文件。")
            return
        self.add_paths(found)

    def add_paths(self, paths: Iterable[Path]) -> int:
        """Add the .zip files among `paths` (folders: the .zip files in them) not listed yet; replan."""
        known = {_key(p) for p in self.paths}
        added = 0
        for p in zips_in(Path(x) for x in paths):
            if _key(p) not in known:
                known.add(_key(p))
                self.paths.append(p)
                added += 1
        if added:
            self.replan()
        return added

    @Slot()
    def remove_selected(self) -> None:
        chosen = {
            self.table.item(i.row(), 0).data(PATH_ROLE) for i in self.table.selectionModel().selectedRows()
        }
        if chosen:
            self.paths = [p for p in self.paths if _key(p) not in chosen]
            self.replan()

    @Slot()
    def clear(self) -> None:
        if self.paths:
            self.paths = []
            self.replan()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if any(Path(u).suffix.lower() == ".zip" or Path(u).is_dir() for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        if not self.add_paths(paths) and paths:
            self.status.setText("拖入的文件中没有新的 .zip 材料包。")

    # ---------------------------------------------------------------- verification on the worker

    def replan(self) -> None:
        if self._plan_op is not None:  # superseded by this change
            self._plan_op.cancel_event.set()
        self.plan = None
        if not self.paths:
            self._plan_op = None
            self._show()
            self.planned.emit(None)
            return
        if not self.isVisible():  # restored at start-up: verified when first shown
            self._stale = True
            self._show()
            return
        self._stale = False
        from app.package.merge import plan_merge

        paths = list(self.paths)
        op = TaskOp(self, lambda report, cancel: plan_merge(paths, progress=report, cancel=cancel))
        self._plan_op = op
        op.with_progress(files.Throttled(self._plan_progress)).success(
            lambda plan: self._planned(op, plan)
        ).failure(lambda exc: self._plan_failed(op, exc)).run()
        self._show()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.replan()

    def _plan_progress(self, fraction: float, _message: str) -> None:
        self.busy.setValue(int(fraction * 1000))

    def _planned(self, op: TaskOp, plan: MergePlan) -> None:
        if op is not self._plan_op:
            return
        self._plan_op = None
        self.plan = plan
        self._show()
        self.planned.emit(plan)

    def _plan_failed(self, op: TaskOp, exc: BaseException) -> None:
        if op is not self._plan_op:
            return
        self._plan_op = None
        self._show()
        if not isinstance(exc, Cancelled):
            show_error(self, exc, "校验材料包失败")

    # ---------------------------------------------------------------- the table

    def rows(self) -> list[tuple[Path, str, object]]:
        """(path, status, detail) in the order shown: each used package (PackageInfo) followed by those it
        replaced ((older, newer)), then the invalid ones (Verification); None where not verified (yet)."""
        if self.plan is None:
            return [(p, PENDING, None) for p in self.paths]
        out: list[tuple[Path, str, object]] = []
        for info in self.plan.used:
            out.append((info.path, USED if info.signer else UNSIGNED, info))
            out.extend((old.path, SUPERSEDED, (old, new)) for old, new in self.plan.superseded if new is info)
        shown = {_key(p) for p, _s, _d in out}
        out.extend(
            (old.path, SUPERSEDED, (old, new))
            for old, new in self.plan.superseded
            if _key(old.path) not in shown
        )
        waiting = {_key(f) for k in self.plan.new_keys for f in k.files}
        out.extend((v.path, NEW_KEY if _key(v.path) in waiting else INVALID, v) for v in self.plan.invalid)
        shown = {_key(p) for p, _s, _d in out}
        out.extend((p, REPEATED, None) for p in self.paths if _key(p) not in shown)
        return out

    def _show(self) -> None:
        rows = self.rows()
        self.table.setSortingEnabled(False)  # rows are filled by index; sorted again after
        self.table.setRowCount(len(rows))
        for r, (path, status, detail) in enumerate(rows):
            self._fill_row(r, path, status, detail)
        self.table.setSortingEnabled(True)
        for col in range(len(FIXED), self.table.columnCount()):  # money grows wide: fit the figures
            self.table.resizeColumnToContents(col)
            self.table.setColumnWidth(col, max(64, self.table.columnWidth(col) + 8))
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        warnings = list(self.plan.warnings) if self.plan else []
        self.warnings.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings.setVisible(bool(warnings))
        self._show_new_keys()
        running = self._plan_op is not None
        self.busy.setVisible(running)
        self.busy_label.setVisible(running)
        if running:
            self.busy.setValue(0)
        self.status.setText(self._status_text(rows))
        self._show_buttons()

    def _fill_row(self, r: int, path: Path, status: str, detail: object) -> None:
        info = detail[0] if status == SUPERSEDED else detail
        if status in (INVALID, NEW_KEY):
            manifest = detail.manifest or {}
            period = manifest.get("period") if isinstance(manifest.get("period"), dict) else {}
            school, college, period_label, created = (
                manifest.get("school", ""),
                manifest.get("college", ""),
                period.get("label", ""),
                manifest.get("created", ""),
            )
        elif info is not None:
            school, college, period_label = info.school, info.college, info.period_label
            created = info.created_text
        else:
            school = college = period_label = created = ""
        problem, tip = self._problem(status, detail)
        cells = [str(school or "—"), str(college or "—"), str(period_label or "—"), _when(created)]
        cells += [status, problem, path.name]
        figures = info.figures if status in (USED, UNSIGNED) else {}
        cells += [_figure(h.label, figures.get(h.label)) for h in fmt.HEADLINES]
        for c, text in enumerate(cells):
            item = _Item(text)
            if c >= len(FIXED):
                value = figures.get(fmt.HEADLINES[c - len(FIXED)].label)
                if isinstance(value, int | float):
                    item.setData(SORT_ROLE, float(value))
            if c == 0:
                item.setData(PATH_ROLE, _key(path))
            if c >= len(FIXED):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(
                tip if c in (STATUS_COL, PROBLEM_COL) and tip else str(path) if c == FILE_COL else ""
            )
            if status == INVALID:
                item.setForeground(INVALID_FG)
                item.setBackground(INVALID_BG)
            elif status == NEW_KEY:
                item.setForeground(INVALID_FG)
            elif status in (SUPERSEDED, PENDING, REPEATED):
                item.setForeground(GREY)
            self.table.setItem(r, c, item)

    def _problem(self, status: str, detail: object) -> tuple[str, str]:
        """The 问题 cell and its tooltip (every problem, one a line)."""
        if status in (INVALID, NEW_KEY):
            problems = detail.problems
            lines = [f"• {p.entry}：{p.message}" if p.entry else f"• {p.message}" for p in problems]
            more = f"（共 {len(problems)} 个问题）" if len(problems) > 1 else ""
            return (problems[0].message if problems else "无法使用") + more, "\n".join(lines)
        if status == SUPERSEDED:
            text = self.plan.superseded_text(*detail)
            return text, text
        if status == REPEATED:
            return "与列表中另一个文件是同一个文件，只计一次", ""
        lacking = _lacking_text(detail) if status in (USED, UNSIGNED) else ""
        if status == UNSIGNED:
            text = "没有签名（由旧版本导出）：无法确认来自该学院、未被改动。请让学院升级软件后重新导出。"
            return text + lacking, text + lacking
        return lacking, lacking

    def _status_text(self, rows: list[tuple[Path, str, object]]) -> str:
        if not rows:
            return ""
        if self.plan is None:
            return f"共 {len(rows)} 个文件，正在校验…" if self._plan_op else f"共 {len(rows)} 个文件"
        n = {s: sum(r[1] == s for r in rows) for s in (USED, UNSIGNED, SUPERSEDED, INVALID, NEW_KEY)}
        unsigned = f"（其中 {n[UNSIGNED]} 个没有签名）" if n[UNSIGNED] else ""
        text = (
            f"共 {len(rows)} 个文件：可用 {n[USED] + n[UNSIGNED]}{unsigned}，已被较新的替代 {n[SUPERSEDED]}，"
            f"无效 {n[INVALID]}"
        )
        if n[NEW_KEY]:
            text += f"，公钥未登记 {n[NEW_KEY]}"
        if n[INVALID]:
            text += "。无效的材料包不计入汇总，选中该行可看全部原因，请让该学院重新导出。"
        return text

    @Slot()
    def _show_buttons(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        tip = self.table.item(selected[0].row(), PROBLEM_COL).toolTip() if len(selected) == 1 else ""
        self.detail.setText(f"{self.table.item(selected[0].row(), FILE_COL).text()}：\n{tip}" if tip else "")
        self.detail.setVisible(bool(tip))
        self.remove_button.setEnabled(bool(selected))
        self.clear_button.setEnabled(bool(self.paths))
        self.merge_button.setEnabled(bool(self.plan and self.plan.used) and self._plan_op is None)

    # ---------------------------------------------------------------- the colleges' signing keys

    def _show_new_keys(self) -> None:
        keys = self.plan.new_keys if self.plan else ()
        if keys:
            colleges = "、".join(dict.fromkeys(k.college for k in keys))
            self.keys_label.setText(
                f"⚠ {len(keys)} 个学院的签名公钥尚未登记（{colleges}）：这些材料包暂不计入。"
                "请与学院核对公钥指纹后登记，或导入学院交来的公钥文件。"
            )
        self.keys_strip.setVisible(bool(keys))

    @staticmethod
    def new_keys_text(keys) -> str:
        """The confirm dialog's text: each new college, its fingerprint and files."""
        from app.package.signing import short_fingerprint

        parts = ["请与各学院核对以下公钥指纹（可电话或当面核对学院“导出签名公钥”时显示的指纹）：", ""]
        claimed = [(k.school, k.college) for k in keys]
        for k in keys:
            if claimed.count((k.school, k.college)) > 1:
                parts.append(
                    f"⚠ 有不止一个公钥自称“{k.college}”：至少一个是伪造的。此处不登记该学院，"
                    "请导入学院交来的公钥文件。"
                )
            parts.append(f"学院：{k.school} {k.college}".rstrip())
            parts.append(f"指纹：{k.short}")
            parts.append("材料包：" + "、".join(p.name for p in k.files))
            if k.replaces:
                parts.append(
                    f"⚠ 学校已为该学院登记了另一个公钥（指纹 {short_fingerprint(k.replaces)}）：学院可能重装了"
                    "软件，也可能是伪造的材料包。登记后将替换原公钥。"
                )
            parts.append("")
        parts.append("指纹都一致吗？选“是”登记这些公钥，此后按它们核对这些学院的材料包。")
        return "\n".join(parts)

    @Slot()
    def confirm_new_keys(self) -> None:
        keys = self.plan.new_keys if self.plan else ()
        if not keys or not confirm(self, "核对并登记学院公钥", self.new_keys_text(keys)):
            return
        from app.package.judge import trust_keys

        claimed = [(k.school, k.college) for k in keys]
        try:
            n = trust_keys(k for k in keys if claimed.count((k.school, k.college)) == 1)
        except Exception as e:  # the trust store unreadable or unwritable
            show_error(self, e, "登记公钥失败")
            return
        self.status.setText(f"已登记 {n} 个学院的签名公钥。")
        self.replan()

    @Slot()
    def import_key(self) -> None:
        path = files.ask_open(self, "导入学院公钥文件", FOLDER_KEY, KEY_FILTER)
        if path is None:
            return
        from app.package.signing import short_fingerprint
        from app.package.trust import import_key_file

        try:
            entry, replaced = import_key_file(path)
        except Exception as e:
            show_error(self, e, "导入公钥失败")
            return
        text = (
            f"已登记 {entry.school} {entry.college} 的签名公钥（指纹 {short_fingerprint(entry.fingerprint)}）"
        )
        if replaced is not None:
            text += f"，替换了原先的公钥（指纹 {short_fingerprint(replaced.fingerprint)}）"
        self.status.setText(text + "。")
        if self.paths:
            self.replan()

    # ---------------------------------------------------------------- 生成汇总表

    @Slot()
    def write_summary(self) -> None:
        plan = self.plan
        if plan is None or not plan.used:
            return
        if plan.invalid and not confirm(
            self,
            "生成汇总表",
            f"有 {len(plan.invalid)} 个材料包无效，不会计入汇总表。\n\n仍要只用 {len(plan.used)} 个可用的材料包生成汇总表吗？",
        ):
            return
        out = files.ask_save(self, "保存学校汇总表", FOLDER_KEY, self._summary_name(plan))
        if out is None:
            return
        from app.package.merge import merge_packages

        paths = list(self.paths)
        self.merge_button.setEnabled(False)
        self.progress = files.run_with_progress(
            self,
            "正在生成汇总表…",
            lambda report, cancel: merge_packages(paths, out, progress=report, cancel=cancel),
            lambda result: files.offer_open(self, result.out, result.summary()),
            "生成汇总表失败",
            task=True,
            finished=self._merge_ended,
        )

    @staticmethod
    def _summary_name(plan: MergePlan) -> str:
        periods = {i.period_label for i in plan.used}
        schools = {i.school for i in plan.used if i.school}
        school = schools.pop() if len(schools) == 1 else ""
        period = periods.pop() if len(periods) == 1 else ""
        return safe_filename("_".join(x for x in (school, period, "各学院上报汇总.xlsx") if x))

    def _merge_ended(self, outcome: MergeResult | BaseException) -> None:
        self._show_buttons()
        self.merged.emit(outcome)

    # ---------------------------------------------------------------- kept between sessions

    def save_state(self, settings) -> None:
        settings.setValue(SETTINGS_KEY, [str(p) for p in self.paths])

    def restore_state(self, settings) -> None:
        saved = settings.value(SETTINGS_KEY) or []
        if isinstance(saved, str):
            saved = [saved]
        paths = [Path(p) for p in saved if Path(p).is_file()]
        if paths:
            self.paths = []
            self.add_paths(paths)
