"""批量生成三方协议: the dialog the internships page opens for the selected internships (or those the list
shows) — which internships (those, or a class chosen in the dialog), what the batch will do before it does it
(N ready to sign, M blocked by a rule with the rule and its source, L missing required party data, K 认识实习
that need none: app/docs/internship.py plan_batch), the folder (the last one remembered), 合并打印版, the
college template (设置 → 模板, else the built-in one) or a chosen .docx — then the batch on the database worker
(a write: the 协议编号 are assigned and kept) with a progress dialog and 取消 (the window stays responsive), and
at the end BatchReportDialog: what was not written and why, and the blanks left for handwriting, as a list with
复制清单.

    generate_tripartite(self, ids, selected=True)
"""

from __future__ import annotations

from pathlib import Path

from app.docs import internship as docs
from app.docs import internship_plan as plans
from app.errors import BatchCancelled, Cancelled
from app.services.common import Changes
from ui import files
from ui.documents import ask_template
from ui.errors import show_error
from ui.forms.record_form import close_box
from ui.ops import ReadOp, WriteOp, read_now
from ui.qt import *  # noqa: F403
from ui.settings import ui_settings

FOLDER_KEY = "folders/tripartite"


def last_folder() -> str:
    """The folder the agreements went to last time, else where documents were last saved, else 文档 (never the
    bare home folder)."""
    for key in (FOLDER_KEY, "folders/docs"):
        folder = str(ui_settings().value(key, "") or "")
        if folder and Path(folder).is_dir():
            return QDir.toNativeSeparators(folder)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return QDir.toNativeSeparators(documents if documents and Path(documents).is_dir() else str(Path.home()))


class TripartiteDialog(QDialog):
    """Which internships, what will be written, where and how; 生成 runs the batch. `selected` says whether
    `internship_ids` are the user's selection or the list the page shows; `filtered`, whether that list is
    filtered (else it is every internship). The scope box says which it is."""

    batch_finished = Signal(object)  # BatchResult, or the exception (BatchCancelled when cancelled)

    def __init__(
        self,
        parent: QWidget | None,
        internship_ids: list[str],
        *,
        selected: bool = True,
        filtered: bool = True,
    ) -> None:
        super().__init__(parent)
        self.given = list(internship_ids)
        self.ids = list(self.given)
        self.plan: plans.BatchPlan | None = None
        self.template: Path | None = None
        self.progress: files.Progress | None = None
        self.result_box: QMessageBox | None = None
        self.setWindowTitle("生成三方协议")
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)

        which = QHBoxLayout()
        which.addWidget(QLabel("为哪些实习生成："))
        self.scope_box = QComboBox()
        if self.given:
            self.scope_box.addItem(scope_text(len(self.given), selected=selected, filtered=filtered), "")
        for class_name, count in read_now(plans.internship_classes):
            self.scope_box.addItem(f"班级：{class_name}（岗位实习 {count} 条）", class_name)
        which.addWidget(self.scope_box, 1)
        layout.addLayout(which)

        self.plan_label = QLabel("")
        self.plan_label.setWordWrap(True)
        layout.addWidget(self.plan_label)
        self.plan_list = QPlainTextEdit()
        self.plan_list.setReadOnly(True)
        self.plan_list.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.plan_list.setMinimumHeight(140)
        layout.addWidget(self.plan_list, 1)
        # a stretch that takes the list's room while it is hidden (no gaps between the rows)
        self._room = layout.count()
        layout.addStretch(0)
        note = QLabel(  # one sentence a line: the file name never breaks in the middle
            "只为符合《职业学校学生实习管理规定》、信息齐全的岗位实习生成协议。\n"
            "文件名：班级_学号_姓名_三方协议.docx\n"
            "协议中有学生的完整身份证号和电话，请妥善保管。"
        )
        note.setWordWrap(True)
        layout.addWidget(note)

        row = QHBoxLayout()
        row.addWidget(QLabel("保存到文件夹："))
        self.folder_edit = QLineEdit(last_folder())
        row.addWidget(self.folder_edit, 1)
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.browse)
        row.addWidget(browse)
        layout.addLayout(row)

        self.combined_check = QCheckBox(
            "同时生成合并打印版（全部协议在一个文件中，每份从奇数页开始，便于双面打印）"
        )
        layout.addWidget(self.combined_check)

        self.builtin_radio = QRadioButton(college_template_label())
        self.builtin_radio.setToolTip("在“设置 → 模板”中可以换成学院自己的模板")
        self.custom_radio = QRadioButton("选择模板…")
        self.builtin_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.builtin_radio)
        group.addButton(self.custom_radio)
        self.custom_radio.clicked.connect(self.choose_template)
        self.template_label = QLabel("")
        self.template_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        save_builtin = QPushButton("另存内置模板（在 Word 中修改）…")
        save_builtin.clicked.connect(self.save_builtin)
        templates = QHBoxLayout()
        templates.addWidget(QLabel("模板："))
        templates.addWidget(self.builtin_radio)
        templates.addWidget(self.custom_radio)
        templates.addStretch(1)
        layout.addLayout(templates)
        chosen = QHBoxLayout()
        chosen.addWidget(self.template_label, 1)
        chosen.addWidget(save_builtin)
        layout.addLayout(chosen)

        buttons = QDialogButtonBox()
        self.generate_button = buttons.addButton("生成", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.generate)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.scope_box.currentIndexChanged.connect(self.scope_changed)
        self.scope_changed()

    # ---------------------------------------------------------------- what will be done

    @Slot()
    def scope_changed(self) -> None:
        class_name = self.scope_box.currentData()
        if class_name:
            self.ids = read_now(
                lambda s: plans.select_internships(s, class_name=class_name, placement_only=False)
            )
        else:
            self.ids = list(self.given)
        self.plan = read_now(lambda s: plans.plan_batch(s, self.ids)) if self.ids else None
        self.show_plan()

    def show_plan(self) -> None:
        plan = self.plan
        if plan is None:
            self.plan_label.setText("没有可生成三方协议的实习记录：请先安排岗位实习，或换一个班级。")
            self.plan_list.setVisible(False)
            self.layout().setStretch(self._room, 1)
            self.generate_button.setEnabled(False)
            return
        parts = [f"将生成 {len(plan.ready)} 份三方协议"]
        if plan.minors:
            parts[0] += f"（其中 {plan.minors} 名学生未满18周岁，另附监护人知情同意书）"
        if plan.blocked:
            parts.append(f"{len(plan.blocked)} 条有须纠正的实习问题（错误），不生成")
        if plan.missing:
            parts.append(f"{len(plan.missing)} 条缺少协议必填信息，不生成")
        if plan.not_needed:
            parts.append(f"{len(plan.not_needed)} 条认识实习不需要三方协议，跳过")
        self.plan_label.setText("；".join(parts) + "。")
        lines = plans.plan_lines(plan)
        self.plan_list.setPlainText("\n".join(lines))
        self.plan_list.setVisible(bool(lines))
        self.layout().setStretch(self._room, 0 if lines else 1)
        self.generate_button.setEnabled(bool(plan.ready))
        self.generate_button.setText(f"生成 {len(plan.ready)} 份" if plan.ready else "生成")

    # ---------------------------------------------------------------- choices

    @Slot()
    def browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择保存三方协议的文件夹", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(QDir.toNativeSeparators(folder))

    @Slot()
    def choose_template(self) -> None:
        template = ask_template(self)
        if template is None and self.template is None:
            self.builtin_radio.setChecked(True)
            return
        if template is not None:
            self.set_template(template)

    def set_template(self, template: Path | None) -> None:
        self.template = template
        (self.custom_radio if template else self.builtin_radio).setChecked(True)
        self.template_label.setText(f"已选择：{template.name}" if template else "")
        self.template_label.setToolTip(str(template or ""))

    @Slot()
    def save_builtin(self) -> None:
        from ui.documents import WORD_FILTER

        text = "内置模板已保存到\n{path}\n\n在 Word 中修改后，用“选择模板…”生成协议。"
        files.save_file(
            self, "另存内置模板", "docs", "三方协议模板.docx", docs.save_builtin_template, text, WORD_FILTER
        )

    # ---------------------------------------------------------------- the batch

    @Slot()
    def generate(self) -> None:
        text = self.folder_edit.text().strip()
        if not text:
            QMessageBox.information(self, "生成三方协议", "请先选择保存到哪个文件夹。")
            return
        folder = Path(text)
        ui_settings().setValue(FOLDER_KEY, str(folder))
        ids, combined = self.ids, self.combined_check.isChecked()
        template = self.template if self.custom_radio.isChecked() else None
        self.generate_button.setEnabled(False)
        count = len(self.plan.ready) if self.plan else len(ids)
        self.progress = progress = files.Progress(self, f"正在生成 {count} 份三方协议…")
        cancel = progress.cancel

        def batch(_numbers: object) -> None:
            op = ReadOp(  # writes only files: the numbers were committed by the step before
                self,
                lambda s, report, _c: docs.write_tripartite_batch(
                    s,
                    ids,
                    folder,
                    template=template,
                    combined=combined,
                    progress=report,
                    cancel=cancel,
                    numbers_reserved=True,
                ),
            )
            op.with_progress(progress.update).success(self._done).failure(self._failed).run()

        # the 协议编号 first, in a transaction of their own: they stand even if the batch is cancelled
        reserve = WriteOp(  # Changes: the pages showing the internships see their new numbers
            self, lambda s: Changes("internship", tuple(docs.reserve_agreement_numbers(s, ids)))
        )
        reserve.success(batch).failure(self._failed).run()

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
        self.generate_button.setEnabled(True)

    def _done(self, result: docs.BatchResult) -> None:
        self._close_progress()
        box = BatchReportDialog(self.parentWidget(), result)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.show()
        self.result_box = box
        self.batch_finished.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._close_progress()
        if isinstance(exc, BatchCancelled):
            folder = Path(self.folder_edit.text().strip())
            self.result_box = offer_folder(self, folder, exc.message, title="已取消")
        elif not isinstance(exc, Cancelled):
            show_error(self, exc, "生成三方协议失败")
        self.batch_finished.emit(exc)


def scope_text(n: int, *, selected: bool, filtered: bool) -> str:
    """What the given internships are, in the words of the list they came from."""
    if selected:
        return f"选中的 {n} 条实习记录"
    if filtered:
        return f"当前筛选出的 {n} 条实习记录（未选中记录）"
    return f"全部 {n} 条实习记录（未选中、未筛选）"


def college_template_label() -> str:
    """The template used when none is chosen: the college's (设置 → 模板) or the built-in one."""
    from app.services.templates import template_status

    try:
        status = next(r for r in read_now(template_status) if r.kind == "tripartite")
    except Exception:  # the dialog still opens; generating reports any problem
        return "内置模板"
    if status.custom_name:
        return f"学院模板“{status.custom_name}”（设置 → 模板）"
    return "内置模板"


def report_lines(result: docs.BatchResult) -> list[str]:
    """The list at the end of a batch, to read and to copy: what was not written and why, then blanks."""
    lines = []
    if result.blocked:
        lines.append(f"有须纠正的实习问题、未生成（{len(result.blocked)} 份）：")
        lines += [f"{who}：{'；'.join(why)}" for who, why in result.blocked]
    if result.skipped:
        if lines:
            lines.append("")
        lines.append(f"未生成（{len(result.skipped)} 份，请补全档案后再生成）：")
        lines += [f"{who}：{why}" for who, why in result.skipped]
    if result.not_needed:
        if lines:
            lines.append("")
        lines.append(f"跳过（{len(result.not_needed)} 条，{docs.NOT_NEEDED}）：")
        lines.append("、".join(result.not_needed))
    if result.incomplete:
        if lines:
            lines.append("")
        lines.append(f"已生成，但有留空待手写的内容（{len(result.incomplete)} 份）：")
        lines += [f"{name}：{blanks}" for name, blanks in result.incomplete]
    return lines


class BatchReportDialog(QDialog):
    """The end of a batch: how many were written where, the list of those skipped (with the reason) and of
    blanks to fill by hand, 复制清单, 打开文件夹 and 关闭. Shown without blocking."""

    def __init__(self, parent: QWidget | None, result: docs.BatchResult) -> None:
        super().__init__(parent)
        self.folder = result.folder
        self.setWindowTitle("完成" if not result.refused else "完成（部分未生成）")
        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        summary = [f"已生成 {len(result.files)} 份三方协议到\n{result.folder}"]
        if result.consents:
            summary.append(f"监护人知情同意书 {len(result.consents)} 份（未满18周岁的学生）")
        if result.combined is not None:
            summary.append(f"合并打印版：{result.combined.name}")
        if result.refused:
            summary.append(f"未生成 {len(result.blocked) + len(result.skipped)} 份，原因见下面的清单。")
        self.summary = QLabel("\n".join(summary))
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.summary)
        self.lines = report_lines(result)
        self.list = QPlainTextEdit("\n".join(self.lines))
        self.list.setReadOnly(True)
        self.list.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.list.setMinimumHeight(220)
        self.list.setVisible(bool(self.lines))
        lay.addWidget(self.list, 1)
        buttons = close_box(self)
        self.copy_button = buttons.addButton("复制清单", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setVisible(bool(self.lines))
        self.copy_button.clicked.connect(self.copy_list)
        open_folder = buttons.addButton("打开文件夹", QDialogButtonBox.ButtonRole.AcceptRole)
        open_folder.clicked.connect(self.open_folder)
        lay.addWidget(buttons)

    def text(self) -> str:
        return "\n".join([self.summary.text(), *self.lines])

    @Slot()
    def copy_list(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self.lines))
        self.copy_button.setText("已复制")

    @Slot()
    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
        self.accept()


def offer_folder(parent: QWidget | None, folder: Path, text: str, *, title: str = "完成") -> QMessageBox:
    """A box with 打开文件夹 and 关闭, shown without blocking (window-modal); returned for tests."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.NoButton, parent)
    open_button = box.addButton("打开文件夹", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def clicked(button) -> None:
        if button is open_button:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    box.buttonClicked.connect(clicked)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.show()
    return box


def generate_tripartite(
    parent: QWidget | None,
    internship_ids: list[str],
    *,
    selected: bool | None = None,
    filtered: bool | None = None,
) -> TripartiteDialog:
    """Open the 生成三方协议 dialog for these internships (window-modal, not blocking); returns it. Whether
    they are the user's selection (`selected`) and whether the list is filtered (`filtered`): as given, else
    asked of the page (its selected_ids() and has_filter())."""
    if selected is None:
        page_selection = getattr(parent, "selected_ids", None)
        selected = bool(page_selection()) if callable(page_selection) else True
    if filtered is None:
        page_filter = getattr(parent, "has_filter", None)
        filtered = bool(page_filter()) if callable(page_filter) else True
    dlg = TripartiteDialog(parent, internship_ids, selected=selected, filtered=filtered)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.show()
    return dlg
