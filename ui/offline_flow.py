"""文件 → 带出副本… / 合并副本… (issue 20; app/offline/): the copy for the laptop, and its merge back.

带出副本 asks whether the students' personal data goes along (only for a user who may read it) and where to write
the file, then copies under a progress dialog. 合并副本 asks for the copy, compares it under a progress dialog and
shows the preview: what each record type would gain, change and lose, and every conflict side by side (原来 /
副本中 / 本数据库中) with a choice each; 合并 writes it all in one transaction, then offers to make the copy new
again for the next trip."""

from __future__ import annotations

from pathlib import Path

from app.db.personal import personal_refusal
from app.fsutil import safe_filename
from app.offline.copies import copy_info, copy_out, refresh_copy
from app.offline.merge import (
    COPY,
    ORIGIN,
    Edited,
    MergePlan,
    MergeReport,
    merge_copy,
    preview_merge,
    table_words,
)
from app.services.common import Changes
from app.services.settings import get_profile
from ui import files, messages, theme
from ui.forms.record_form import ok_cancel
from ui.ops import WriteOp, context, read_now
from ui.pages.list_page import one_reload_each
from ui.qt import *  # noqa: F403
from ui.widgets import push_button

DB_FILTER = "数据库文件 (*.db)"
WRITE = "write"  # a conflict's choice: 自己填写…
FOLDER_KEY = "offline_copy"
PERSONAL_WARNING = (
    "副本中将包含全体学生的身份证号、电话、家庭住址和出生日期。笔记本电脑和U盘容易丢失：\n\n"
    "请只在确有需要（如外出时办理实习协议）时包含，妥善保管，用完及时删除。确定包含吗？"
)


# ------------------------------------------------------------------ 带出副本


class CopyOutDialog(QDialog):
    """Whether the personal data goes along; the file is asked for after 带出…."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("带出副本")
        self.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        lay.addWidget(
            QLabel(
                "把当前数据库的全部记录和附件复制为一个新的数据库文件，拷到笔记本电脑上离线使用"
                "（在那台电脑的“设置 → 数据 → 使用本机数据库文件…”中打开它）。\n"
                "回来后用“文件 → 合并副本…”把在副本中做的修改合并回这里；两边都改过的同一处由你决定。",
                wordWrap=True,
            )
        )
        self.personal = QCheckBox("包含学生的身份证号、电话、家庭住址和出生日期")
        self.personal.setToolTip("默认不包含：副本中这些信息只有打码后的内容")
        if refused := read_now(personal_refusal):
            self.personal.setEnabled(False)
            self.personal.setToolTip(refused)
        lay.addWidget(self.personal)
        lay.addWidget(ok_cancel(self, "带出…"))

    def accept(self) -> None:
        if self.personal.isChecked():
            answer = QMessageBox.warning(
                self,
                "包含学生个人信息",
                PERSONAL_WARNING,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().accept()


def copy_out_flow(parent: QWidget) -> None:
    info, college = read_now(lambda s: (copy_info(s), get_profile(s).college))
    if info is not None:
        messages.inform(
            parent,
            "带出副本",
            "当前打开的就是一个副本，不能再从它带出副本。请回到原来的数据库（办公室电脑或服务器）带出。",
        )
        return
    ask = CopyOutDialog(parent)
    if not ask.exec():
        return
    personal = ask.personal.isChecked()
    today = QDate.currentDate()
    name = safe_filename(f"副本_{college or '本学院'}_{today.toString('yyyyMMdd')}") + ".db"
    path = files.ask_save(parent, "带出副本到", FOLDER_KEY, name, DB_FILTER)
    if path is None:
        return
    if path.suffix.lower() != ".db":
        path = path.with_name(path.name + ".db")
    database = context().database

    def done(made) -> None:
        messages.inform(
            parent,
            "带出副本",
            f"已带出副本到 {path}。\n{made.words}。\n\n"
            "把这个文件（和它旁边的附件文件夹，如果有）拷到笔记本电脑上使用。",
            path,
        )

    files.run_with_progress(
        parent,
        "正在带出副本…",
        lambda report, cancel: copy_out(
            database, path, personal_data=personal, progress=report, cancel=cancel
        ),
        done,
        "带出副本失败",
        task=True,
    )


# ------------------------------------------------------------------ 合并副本


def merge_flow(parent: QWidget) -> None:
    path = files.ask_open(parent, "选择要合并的副本", FOLDER_KEY, DB_FILTER)
    if path is None:
        return
    files.run_with_progress(
        parent,
        "正在比较副本和本数据库…",
        lambda s, report, cancel: preview_merge(s, path, progress=report, cancel=cancel),
        lambda plan: _show_plan(parent, path, plan),
        "不能合并这个副本",
    )


def _show_plan(parent: QWidget, path: Path, plan: MergePlan) -> None:
    if plan.nothing_to_do:
        messages.inform(parent, "合并副本", f"{plan.info.words}\n\n副本中没有需要合并的修改。")
        return
    MergeDialog(parent, path, plan).exec()


class MergeDialog(QDialog):
    """The preview of a merge: per record type what it adds, changes and deletes, and each conflict with a
    choice (副本中的 / 本数据库的, or for a text 自己填写…); 合并 is enabled once every conflict has one."""

    def __init__(self, parent: QWidget | None, path: Path, plan: MergePlan) -> None:
        super().__init__(parent)
        self.path, self.plan = path, plan
        self.report: MergeReport | None = None
        self.setWindowTitle("合并副本")
        self.resize(900, 600)
        lay = QVBoxLayout(self)
        lay.addWidget(theme.muted(QLabel(plan.info.words, wordWrap=True)))
        counts = plan.counts()
        self.summary = QTableWidget(len(counts), 5)
        self.summary.setHorizontalHeaderLabels(["记录", "新增", "修改", "删除", "冲突"])
        self.summary.verticalHeader().setVisible(False)
        self.summary.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, (table, n) in enumerate(sorted(counts.items(), key=lambda kv: table_words(kv[0]))):
            cells = [
                table_words(table),
                *(str(n[k] or "") for k in ("added", "changed", "deleted", "conflicts")),
            ]
            for c, text in enumerate(cells):
                self.summary.setItem(r, c, QTableWidgetItem(text))
        self.summary.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.summary.setMaximumHeight(40 + 26 * min(len(counts), 6))
        lay.addWidget(self.summary)
        extra = []
        if plan.same_records:
            extra.append(f"{len(plan.same_records)} 条在两边都新建了（信用代码、学号等相同），合并为一条")
        if plan.audit_rows:
            extra.append(f"副本中的修改记录 {plan.audit_rows} 条将并入")
        if plan.attachments:
            extra.append(f"附件 {len(plan.attachments)} 个将一并带回")
        if extra:
            lay.addWidget(QLabel("；".join(extra) + "。", wordWrap=True))
        if plan.clashes:  # 合并 cannot be pressed: saying which records and what to do
            lay.addWidget(theme.error(QLabel("不能合并：" + "；".join(plan.clashes), wordWrap=True)))
        self.choices: dict[str, QComboBox] = {}
        self.written: dict[str, str] = {}  # conflict id → the text the user wrote (自己填写…)
        if plan.conflicts:
            lay.addWidget(
                theme.heading(
                    QLabel(f"冲突（{len(plan.conflicts)} 处）：同一处两边都改了，请逐一选择保留哪一方")
                )
            )
            lay.addWidget(self._conflict_table(), 1)
            row = QHBoxLayout()
            row.addWidget(push_button("全部保留副本中的", lambda: self._all(COPY)))
            row.addWidget(push_button("全部保留本数据库的", lambda: self._all(ORIGIN)))
            row.addStretch(1)
            lay.addLayout(row)
        else:
            lay.addStretch(1)
        self.buttons = ok_cancel(self, "合并")
        self.merge_button = next(
            b
            for b in self.buttons.buttons()
            if self.buttons.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole
        )
        lay.addWidget(self.buttons)
        self._update()

    def _conflict_table(self) -> QTableWidget:
        table = QTableWidget(len(self.plan.conflicts), 6)
        table.setHorizontalHeaderLabels(["记录", "内容", "原来", "副本中", "本数据库中", "保留"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        for r, c in enumerate(self.plan.conflicts):
            what = c.label or "整条记录"
            for col, text in enumerate([c.title, what, c.base or "—", c.copy, c.origin]):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(r, col, item)
            box = QComboBox()
            box.addItem("请选择…", "")
            box.addItem("副本中的", COPY)
            box.addItem("本数据库的", ORIGIN)
            if c.editable:  # a text: the user may write what both meant
                box.addItem("自己填写…", WRITE)
            box.currentIndexChanged.connect(lambda _i, c=c, box=box, r=r: self._chosen(c, box, table, r))
            table.setCellWidget(r, 5, box)
            self.choices[c.id] = box
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((200, 110, 140, 140, 140, 110)):
            table.setColumnWidth(col, width)
        header.setStretchLastSection(False)
        return table

    def _all(self, side: str) -> None:
        for box in self.choices.values():
            box.setCurrentIndex(box.findData(side))

    def _chosen(self, c, box: QComboBox, table: QTableWidget, row: int) -> None:
        if box.currentData() == WRITE:
            text, ok = QInputDialog.getText(
                self,
                "自己填写",
                f"{c.title}的“{c.label}”（最多 {c.longest} 个字）：",
                text=self.written.get(c.id, c.copy_text),
            )
            if ok and len(text.strip()) <= c.longest:
                self.written[c.id] = text.strip()
                box.setToolTip(f"将写入：{text.strip() or '（空）'}")
            else:
                if ok:
                    messages.inform(self, "自己填写", f"“{c.label}”最多 {c.longest} 个字。")
                box.blockSignals(True)
                box.setCurrentIndex(0)
                box.blockSignals(False)
        self._update()

    def decisions(self) -> dict[str, str | Edited]:
        out: dict[str, str | Edited] = {}
        for cid, box in self.choices.items():
            if box.currentData() == WRITE and cid in self.written:
                out[cid] = Edited(self.written[cid])
            elif box.currentData() in (COPY, ORIGIN):
                out[cid] = box.currentData()
        return out

    def _update(self) -> None:
        left = len(self.choices) - len(self.decisions())
        self.merge_button.setEnabled(left == 0 and not self.plan.clashes)
        if self.plan.clashes:
            self.merge_button.setToolTip("有编号或名称在合并后会重复，请先改掉其中一个")
        else:
            self.merge_button.setToolTip(
                f"还有 {left} 处冲突没有选择" if left else "把副本中的修改合并到本数据库"
            )

    def accept(self) -> None:
        path, decisions = self.path, self.decisions()
        expected = {c.id for c in self.plan.conflicts}
        self.merge_button.setEnabled(False)
        progress = files.Progress(self, "正在合并副本…")

        def done(report: MergeReport) -> None:
            progress.close()
            self.report = report
            with one_reload_each():
                for table in report.tables:
                    context().changes_applied.emit(Changes(table))
            super(MergeDialog, self).accept()
            _offer_refresh(self.parentWidget(), path, report)

        def failed(exc: BaseException) -> None:
            progress.close()
            self._update()
            from ui.errors import show_error

            show_error(self, exc, "合并没有完成")

        WriteOp(
            self,
            lambda s, report, cancel: merge_copy(
                s, path, decisions, expected=expected, progress=report, cancel=progress.cancel
            ),
        ).with_progress(progress.update).success(done).failure(failed).run()


def _offer_refresh(parent: QWidget | None, path: Path, report: MergeReport) -> None:
    answer = QMessageBox.question(
        parent,
        "合并完成",
        f"{report.summary}\n\n要用合并后的数据更新这个副本，下次外出继续使用吗？（旧副本将被替换）",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    database = context().database
    files.run_with_progress(
        parent,
        "正在更新副本…",
        lambda report_, cancel: refresh_copy(database, path, progress=report_, cancel=cancel),
        lambda made: messages.inform(parent, "副本已更新", f"已更新副本“{path.name}”。\n{made.words}。"),
        "更新副本失败",
        task=True,
    )
