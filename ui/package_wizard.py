"""导出上报材料包 (文件 → 导出上报材料包…): a wizard in four steps — the period (学年, then its two 学期), a preview
of what the package will hold with the open compliance findings (错误 ones in a red banner), the personal data
and where to save, then the export on the database worker with progress and 取消 (app/package/export.py: a
cancelled or failed export leaves no file) and the result with 打开所在文件夹.

    export_package_wizard(self)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.compliance.registry import ERROR, SEVERITIES, Finding
from app.db.personal import personal_refusal
from app.errors import AppError, Cancelled
from app.fsutil import human_size
from app.package import format as fmt
from app.package.export import ExportResult, Preview, default_package_name, preview_package
from app.package.period import Period, period_choices
from ui import files, messages, theme
from ui.errors import show_error
from ui.operations import package as package_ops
from ui.ops import ReadOp, read_now
from ui.qt import *  # noqa: F403
from ui.widgets import confirm, progress_beside, push_button

FOLDER_KEY = "package"
PERIOD_ROLE = Qt.ItemDataRole.UserRole
RED = theme.qcolor(theme.ERROR)
PERSONAL_WARNING = (
    "材料包默认把学生的身份证号和手机号打码。勾选后，材料包中会有全体实习学生完整的身份证号和手机号：\n\n"
    "• 它们是《个人信息保护法》规定的个人信息，身份证号属于敏感个人信息，泄露后学院要承担责任；\n"
    "• 教育部明确禁止公开学生的身份证号和手机号；\n"
    "• 材料包会经学院、学校多人之手传递和保存，难以控制去向。\n\n"
    "仅在学校明确要求报送完整信息时勾选。确定要包含完整的身份证号和手机号吗？"
)


def _attachments_text(preview: Preview, lead: str) -> str:
    if not preview.attachments:
        return "没有附件"
    return f"{lead}{preview.attachments:,} 个，共 {human_size(preview.attachment_bytes)}"


def _date_range(p: Period) -> str:
    return messages.reader_text(f"{p.first} 至 {p.last}")


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return theme.muted(label)


class PeriodPage(QWizardPage):
    """Step 1: the 学年 and 学期 offered, each with its first and last day; the default one selected."""

    def __init__(self, periods: list[Period], default: Period) -> None:
        super().__init__()
        self.setTitle("选择期间")
        self.setSubTitle("材料包包含这一期间的合作、实习、经费等全部记录及其附件。")
        lay = QVBoxLayout(self)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["期间", "起止日期"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        bold = QFont()
        bold.setBold(True)
        year_item: QTreeWidgetItem | None = None
        for p in periods:
            item = QTreeWidgetItem([p.label if p.kind == fmt.YEAR else p.label[-4:], _date_range(p)])
            item.setData(0, PERIOD_ROLE, p)
            item.setToolTip(0, f"{p.label}：{_date_range(p)}")
            if p.kind == fmt.YEAR or year_item is None:
                item.setFont(0, bold)
                self.tree.addTopLevelItem(item)
                year_item = item
            else:
                year_item.addChild(item)
            if p == default:
                self.tree.setCurrentItem(item)
        self.tree.expandAll()
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.tree.currentItemChanged.connect(lambda *_: self.completeChanged.emit())
        self.tree.itemDoubleClicked.connect(lambda *_: self.wizard().next())
        lay.addWidget(self.tree, 1)
        lay.addWidget(
            _note(
                "学年材料包附《产教融合工作自评报告》，学期材料包附《产教融合工作运行情况》（该学期）。"
                "默认选中的是年度评价页打开的学年。起止日期按“设置 → 学期日历”。"
            )
        )

    def period(self) -> Period | None:
        item = self.tree.currentItem()
        return item.data(0, PERIOD_ROLE) if item is not None else None

    def isComplete(self) -> bool:  # noqa: N802
        return self.period() is not None

    def initializePage(self) -> None:  # noqa: N802
        self.tree.setFocus()


class PreviewPage(QWizardPage):
    """Step 2: what the package of the period will hold, computed on the worker (nothing is written)."""

    loaded = Signal()

    def __init__(self, today: dt.date | None) -> None:
        super().__init__()
        self.today = today
        self.preview: Preview | None = None
        self.found: list[Finding] = []  # the open findings as listed
        self._wanted: Period | None = None
        self.setTitle("预览")
        self.setSubTitle("材料包将包含的记录和附件，以及尚未处理的合规问题。")
        lay = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.text(theme.TEXT, bold=True))
        self.heading.setWordWrap(True)
        lay.addWidget(self.heading)
        busy_row = QHBoxLayout()
        self.busy, self.busy_label = progress_beside(busy_row, "正在统计…", width=180)
        self.retry_button = QPushButton("重新统计")
        self.retry_button.clicked.connect(self.reload)
        self.retry_button.hide()
        busy_row.addWidget(self.retry_button)
        busy_row.addStretch(1)
        lay.addLayout(busy_row)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        theme.banner(self.banner, theme.ERROR)
        self.banner.hide()
        lay.addWidget(self.banner)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._counts_box())
        split.addWidget(self._findings_box())
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([240, 700])
        lay.addWidget(split, 1)

    def _counts_box(self) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("各表记录数"))
        self.counts = _table(["表", "记录数"])
        self.counts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.counts.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.counts, 1)
        self.attachments = QLabel()
        lay.addWidget(self.attachments)
        return box

    def _findings_box(self) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        self.findings_label = QLabel("未处理的合规问题")
        self.findings_label.setWordWrap(True)
        lay.addWidget(self.findings_label)
        self.findings = _table(["级别", "规则", "记录", "问题与处理办法"])
        header = self.findings.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.findings.setColumnWidth(0, 48)
        self.findings.setColumnWidth(1, 170)
        self.findings.setColumnWidth(2, 200)
        self.findings.setWordWrap(False)
        self.findings.currentCellChanged.connect(self._finding_chosen)
        lay.addWidget(self.findings, 1)
        self.detail = _note("选中一行可在这里看到完整的问题说明。")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 2 + 4)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.detail)
        return box

    @Slot(int, int, int, int)
    def _finding_chosen(self, row: int, *_rest) -> None:
        if 0 <= row < len(self.found):
            f = self.found[row]
            self.detail.setText(f"【{f.severity}】{f.rule_title} · {f.title}：{f.message}")

    def initializePage(self) -> None:  # noqa: N802
        period = self.wizard().period()
        if self.preview is None or self.preview.period != period:
            self.reload()

    @Slot()
    def reload(self) -> None:
        period = self.wizard().period()
        self._wanted, self.preview = period, None
        self.heading.setText(f"{period.label}（{_date_range(period)}）")
        self._busy(True, "正在统计…")
        self.banner.hide()
        self.counts.setRowCount(0)
        self.findings.setRowCount(0)
        self.attachments.clear()
        self.findings_label.setText("未处理的合规问题")
        self.completeChanged.emit()
        today = self.today
        ReadOp(self, lambda s: preview_package(s, period, today=today)).success(self._shown).failure(
            self._failed
        ).run()

    def _busy(self, on: bool, text: str = "") -> None:
        self.busy.setVisible(on)
        self.busy_label.setVisible(bool(text))
        self.busy_label.setText(text)
        self.retry_button.setVisible(not on and bool(text))

    def _shown(self, preview: Preview) -> None:
        if preview.period != self._wanted:  # the user went back and chose another period meanwhile
            return
        self.preview = preview
        self._busy(False)
        who = "，".join(x for x in (preview.school, preview.college) if x) or "（未设置学校和学院名称）"
        self.heading.setText(f"{who}　{preview.period.label}（{_date_range(preview.period)}）")
        self._fill_counts(preview)
        self._fill_findings(preview)
        self.completeChanged.emit()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False, "统计失败，可以重新统计或返回上一步。")
        show_error(self, exc, "预览失败")

    def _fill_counts(self, preview: Preview) -> None:
        rows = [(fmt.SHEET_BY_KEY[k].name, n) for k, n in preview.counts.items() if k in fmt.SHEET_BY_KEY]
        self.counts.setRowCount(len(rows))
        for r, (name, n) in enumerate(rows):
            item = QTableWidgetItem(name)
            sheet = next(x for x in fmt.SHEETS if x.name == name)
            item.setToolTip(sheet.included)
            self.counts.setItem(r, 0, item)
            number = QTableWidgetItem(f"{n:,}")
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if not n:
                number.setForeground(theme.brush(theme.DISABLED))
            self.counts.setItem(r, 1, number)
        self.attachments.setText(_attachments_text(preview, "附件 "))

    def _fill_findings(self, preview: Preview) -> None:
        result = preview.findings
        found = sorted(
            result.open, key=lambda f: SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 9
        )
        self.found = found
        by = {sev: sum(f.severity == sev for f in found) for sev in SEVERITIES}
        text = "未处理的合规问题：" + "，".join(f"{sev} {n}" for sev, n in by.items())
        if result.acknowledged:
            text += f"（另有 {len(result.acknowledged)} 条已“忽略并说明”，连同理由写入材料包）"
        self.findings_label.setText(text if found else "没有未处理的合规问题。")
        if result.errors:
            self.banner.setText(
                f"有 {result.errors} 个错误级问题：仍可导出，问题会写入材料包的“合规检查”表；建议先在工作台处理。"
            )
        self.banner.setVisible(bool(result.errors))
        self.findings.setRowCount(len(found))
        for r, f in enumerate(found):
            cells = (f.severity, f.rule_title, f.title, f.message)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{f.rule_title}（{f.severity}）\n{f.title}\n{f.message}")
                if f.severity == ERROR:
                    item.setForeground(RED)
                self.findings.setItem(r, c, item)

    def isComplete(self) -> bool:  # noqa: N802
        return self.preview is not None


class SavePage(QWizardPage):
    """Step 3: the personal data (masked unless asked for, with a warning) and the file to write."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("个人信息与保存位置")
        self.setSubTitle("选择是否包含学生的完整身份证号和手机号，以及材料包保存到哪里。")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "导出(&X)")
        self._default_name = ""
        lay = QVBoxLayout(self)
        self.personal_check = QCheckBox("包含完整的身份证号和手机号")
        self.personal_check.setToolTip("默认不勾选：材料包中的身份证号和手机号只保留部分数字")
        self.personal_check.toggled.connect(self._personal_toggled)
        if refused := read_now(personal_refusal):  # no 学生个人信息 on the server: masked, saying why
            self.personal_check.setEnabled(False)
            self.personal_check.setToolTip(refused)
        lay.addWidget(self.personal_check)
        lay.addWidget(
            _note(
                "不勾选时，“学生实习”表中的身份证号和手机号打码，只保留部分数字，足够核对人数和去向。"
                "仅在学校明确要求报送完整信息时勾选。"
            )
        )
        lay.addSpacing(16)
        lay.addWidget(QLabel("保存为："))
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setClearButtonEnabled(True)
        self.path_edit.textChanged.connect(lambda _t: self.completeChanged.emit())
        row.addWidget(self.path_edit, 1)
        browse = QPushButton("浏览…")
        browse.setToolTip("选择保存材料包的文件夹和文件名")
        browse.clicked.connect(self.browse)
        row.addWidget(browse)
        lay.addLayout(row)
        lay.addWidget(
            _note(
                "材料包是一个 .zip 文件，包含数据表、报告和附件。导出后把这个文件报送给学校即可，不要解压或改动。"
            )
        )
        lay.addSpacing(16)
        self.outline = QLabel()
        self.outline.setWordWrap(True)
        theme.banner(self.outline, theme.INFO)
        lay.addWidget(self.outline)
        lay.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        preview = self.wizard().preview_page.preview
        name = default_package_name(preview.college if preview else "", self.wizard().period())
        text = self.path_edit.text().strip()
        if not text or Path(text).name == self._default_name:  # not chosen by the user: follows the period
            self.path_edit.setText(str(Path(files.last_folder(FOLDER_KEY)) / name))
        self._default_name = name
        if preview is not None:
            self.outline.setText(outline(preview))

    @Slot(bool)
    def _personal_toggled(self, on: bool) -> None:
        if on and not confirm(self, "包含完整的个人信息", PERSONAL_WARNING, destructive=True):
            self.personal_check.blockSignals(True)
            self.personal_check.setChecked(False)
            self.personal_check.blockSignals(False)

    @Slot()
    def browse(self) -> None:
        current = Path(self.path_edit.text().strip() or self._default_name)
        path = files.ask_save(self, "保存上报材料包", FOLDER_KEY, current.name, files.PACKAGE_FILTER)
        if path is not None:
            self.path_edit.setText(str(path))

    def path(self) -> Path:
        path = Path(self.path_edit.text().strip())
        return path if path.suffix.lower() == ".zip" else path.with_name(path.name + ".zip")

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.path_edit.text().strip())

    def validatePage(self) -> bool:  # noqa: N802
        path = self.path()
        if not path.is_absolute():
            QMessageBox.information(self, "保存位置", "请填写完整的保存位置（含文件夹），或点“浏览…”选择。")
            return False
        if path.exists() and not confirm(
            self,
            "替换文件",
            f"“{path.name}”已存在：\n{messages.display_path(path.parent)}\n\n替换后原文件无法恢复。要替换它吗？",
        ):
            return False
        files.remember_folder(FOLDER_KEY, str(path))
        return True


KEY_FILTER = "学院公钥文件 (*.json)"


class ExportPage(QWizardPage):
    """Step 4: the export on the worker, with progress and 取消; then the result, or the error and 重新导出."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("导出")
        self.setSubTitle("正在把数据表、报告和附件写入材料包。")
        self.result: ExportResult | None = None
        self.op: ReadOp | None = None
        lay = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.status)
        row = QHBoxLayout()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        row.addWidget(self.bar, 1)
        self.cancel_button = push_button("取消导出", self.cancel, "停止导出；不会留下不完整的文件")
        row.addWidget(self.cancel_button)
        lay.addLayout(row)
        self.step = _note("")
        lay.addWidget(self.step)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        theme.banner(self.summary, theme.INFO)
        self.summary.hide()
        lay.addWidget(self.summary)
        buttons = QHBoxLayout()
        self.folder_button = push_button("打开所在文件夹", lambda: files.show_in_folder(self.result.path))
        self.retry_button = push_button("重新导出", self.start)
        self.change_button = push_button("更改保存位置…", self.change_location)
        self.key_button = push_button(
            "导出签名公钥…",
            self.export_key,
            "材料包带有本学院的签名。把签名公钥保存为文件交给学校，学校据此确认材料包确实来自本学院、未被改动",
        )
        for b in (self.folder_button, self.retry_button, self.change_button, self.key_button):
            b.hide()
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        lay.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        self.start()

    def running(self) -> bool:
        return self.op is not None

    @Slot()
    def start(self) -> None:
        wizard = self.wizard()
        period, out = wizard.period(), wizard.save_page.path()
        personal, today = wizard.save_page.personal_check.isChecked(), wizard.today
        self.result = None
        self.setSubTitle("正在把数据表、报告和附件写入材料包。")
        self.status.setText(f"正在导出{period.label}上报材料包到：\n{out}")
        self.bar.setValue(0)
        self.bar.show()
        self.step.setText("正在读取数据…")
        self.step.show()
        wizard.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.summary.hide()
        for b in (self.folder_button, self.retry_button, self.change_button):
            b.hide()
        self.completeChanged.emit()
        self.op = package_ops.export(
            self,
            period,
            out,
            include_personal_data=personal,
            today=today,
            on_progress=files.Throttled(self._progressed),
            on_done=self._done,
            on_failed=self._failed,
        )

    def _progressed(self, fraction: float, message: str) -> None:
        self.bar.setValue(int(fraction * 1000))
        if message:
            self.step.setText(message)

    @Slot()
    def cancel(self) -> None:
        if self.op is not None:
            self.op.cancel_event.set()
            self.cancel_button.setEnabled(False)
            self.status.setText("正在取消…")

    def _stopped(self) -> None:
        self.op = None
        self.bar.hide()
        self.cancel_button.hide()
        self.step.hide()

    def _done(self, result: ExportResult) -> None:
        self._stopped()
        self.result = result
        self.setSubTitle("导出完成。把这个文件报送给学校即可。")
        self.status.setText(f"已导出，文件大小 {human_size(result.size)}。")
        self.summary.setText(result.summary())
        self.summary.show()
        self.folder_button.show()
        self.key_button.show()
        self.folder_button.setFocus()
        self.wizard().setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.completeChanged.emit()
        self.wizard().exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._stopped()
        if isinstance(exc, Cancelled):
            self.setSubTitle("已取消导出。")
            self.status.setText("已取消，没有写入任何文件。可以重新导出，或关闭向导。")
        else:
            self.setSubTitle("导出没有完成。")
            reason = f"：{exc.message}" if isinstance(exc, AppError) else "。"
            self.status.setText(
                f"导出失败{reason}\n没有写入任何文件。处理问题后可以重新导出，或换一个保存位置。"
            )
            show_error(self, exc, "导出上报材料包失败")
        self.retry_button.show()
        self.change_button.show()
        self.wizard().export_failed.emit(exc)

    @Slot()
    def export_key(self) -> None:
        out = files.ask_save(self, "导出签名公钥", FOLDER_KEY, "学院签名公钥.json", KEY_FILTER)
        if out is None:
            return
        self.key_op = package_ops.export_public_key(
            self, out, self._key_exported, lambda exc: show_error(self, exc, "导出签名公钥失败")
        )

    def _key_exported(self, result: tuple[Path, str]) -> None:
        path, short = result
        messages.inform(
            self,
            "导出签名公钥",
            f"已保存：{path}\n\n公钥指纹：{short}\n\n请把此文件交给学校（发展规划处），并请学校在导入时核对指纹。",
            path,
        )

    @Slot()
    def change_location(self) -> None:
        save = self.wizard().save_page
        save.browse()
        if save.validatePage():
            self.start()

    def isComplete(self) -> bool:  # noqa: N802
        return self.result is not None


class PackageWizard(QWizard):
    """导出上报材料包: 选择期间 → 预览 → 个人信息与保存位置 → 导出."""

    exported = Signal(object)  # ExportResult
    export_failed = Signal(object)  # the exception (Cancelled when cancelled)

    def __init__(self, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.setWindowTitle("导出上报材料包")
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self.setOption(QWizard.WizardOption.NoDefaultButton, False)
        for button, text in (
            (QWizard.WizardButton.BackButton, "< 上一步(&B)"),
            (QWizard.WizardButton.NextButton, "下一步(&N) >"),
            (QWizard.WizardButton.CommitButton, "导出(&X)"),
            (QWizard.WizardButton.FinishButton, "完成"),
            (QWizard.WizardButton.CancelButton, "关闭"),
        ):
            self.setButtonText(button, text)
        periods, default = read_now(lambda s: period_choices(s, today))
        self.period_page = PeriodPage(periods, default)
        self.preview_page = PreviewPage(today)
        self.save_page = SavePage()
        self.export_page = ExportPage()
        for page in (self.period_page, self.preview_page, self.save_page, self.export_page):
            self.addPage(page)
        self.resize(1000, 660)

    def period(self) -> Period:
        return self.period_page.period()

    def reject(self) -> None:
        if self.export_page.running():
            if not confirm(
                self, "取消导出", "正在导出上报材料包。要取消导出并关闭吗？（不会留下不完整的文件）"
            ):
                return
            self.export_page.cancel()
        super().reject()


def outline(preview: Preview) -> str:
    """What the export will write, in a few lines (step 3)."""
    records = sum(n for k, n in preview.counts.items() if k not in ("findings", "attachments"))
    report = "自评报告" if preview.period.kind == fmt.YEAR else "运行情况"
    lines = [
        f"即将导出：{preview.period.label}（{_date_range(preview.period)}）",
        f"数据表：{len(fmt.SHEETS) - 2} 张表共 {records:,} 条记录，另附合规检查、附件清单、标准报表和《{report}》",
        _attachments_text(preview, "附件："),
    ]
    if preview.findings.errors:
        lines.append(f"合规检查：有 {preview.findings.errors} 个错误级问题未处理，会写入“合规检查”表")
    return "\n".join(lines)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.setAlternatingRowColors(True)
    return table


def export_package_wizard(parent: QWidget | None, *, today: dt.date | None = None) -> PackageWizard:
    """Open the wizard window-modal (not blocking) and return it."""
    wizard = PackageWizard(parent, today=today)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.setWindowModality(Qt.WindowModality.WindowModal)
    wizard.show()
    return wizard
