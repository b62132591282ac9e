"""Excel and Word for the 学生与就业 page: the roster and employment imports through the shared preview
(ui/dialogs/import_dialog.py) — rows for students (or records) already in the database are updated only when
the user says so —, the blank roster template, the roster export (masked unless the user ticks and confirms
the full personal data), and the annual 就业质量报告 (Excel and Word)."""

from __future__ import annotations

from pathlib import Path

from app.db.personal import personal_refusal
from app.docs import employment as report_doc
from app.domain.privacy import mask_address, mask_id_number, mask_phone
from app.io import employment_xlsx, internships_xlsx, students_xlsx
from app.io.importing import ImportPreview
from app.io.xlsx import header_key
from app.services.common import Changes
from ui import files
from ui.dialogs.import_dialog import ImportDialog
from ui.documents import WORD_FILTER, ask_template, write_document
from ui.forms.record_form import ok_cancel
from ui.operations import imports as import_ops
from ui.ops import read_now
from ui.qt import *  # noqa: F403

PHONES = ("phone", "guardian_phone", "emergency_phone")
ID_NUMBERS = ("id_number", "guardian_id_number")
KINDS = {  # what → (title, noun, read, write, existing_count, the question's subject)
    "students": (
        "学生名册",
        "名学生",
        students_xlsx.read_students,
        students_xlsx.import_students,
        students_xlsx.existing_count,
        "{n} 名学生已在名册中（学号相同），是否用文件中的信息更新？",
    ),
    "employment": (
        "就业数据",
        "条就业记录",
        internships_xlsx.read_employment,
        internships_xlsx.import_employment,
        internships_xlsx.existing_count,
        "{n} 条就业记录已存在（同一学生同一毕业年份），是否用文件中的信息更新？",
    ),
}


def ask_update(parent: QWidget, question: str, noun: str) -> bool | None:
    """是 → update them too, 否 → import only the new ones, 取消 → None (import nothing)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("已有记录")
    box.setText(question)
    new_only = "只导入新学生" if noun == "名学生" else "只导入新记录"
    box.setInformativeText(
        f"“是”：更新这些记录并导入新的；“否”：{new_only}，已有的保持不变；“取消”：不导入。"
    )
    yes = box.addButton("是", QMessageBox.ButtonRole.YesRole)
    no = box.addButton(f"否（{new_only}）", QMessageBox.ButtonRole.NoRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    clicked = box.clickedButton()
    return True if clicked is yes else False if clicked is no else None


def mask_preview(preview: ImportPreview) -> None:
    """The roster preview is a list: its 身份证号, phone and 家庭住址 columns are shown masked (DOMAIN.md →
    Privacy). Only the shown texts change; the checked data to import is untouched."""
    fields = students_xlsx.FIELDS_STUDENTS
    masks = {
        **{header_key(a): mask_id_number for f in ID_NUMBERS for a in fields[f]},
        **{header_key(a): mask_phone for f in PHONES for a in fields[f]},
        **{header_key(a): mask_address for a in fields["home_address"]},
    }
    for header in preview.headers:
        if mask := masks.get(header_key(header)):
            for row in preview.rows:
                if row.values.get(header):
                    row.values[header] = mask(row.values[header])


class StudentImportDialog(ImportDialog):
    """The shared preview, importing a roster ("students") or employment records ("employment")."""

    def __init__(self, parent: QWidget | None, path: Path, preview: ImportPreview, what: str) -> None:
        if what == "students":
            mask_preview(preview)
        super().__init__(parent, path, preview)
        self.what = what
        self.masked = what == "students"
        title, noun, *_ = KINDS[what]
        self.setWindowTitle(f"导入{title}预览 — {path.name}")
        self.import_button.setText(f"导入 {len(preview.valid_rows)} {noun}")

    @Slot()
    def do_import(self) -> None:
        _title, noun, _read, write, existing, question = KINDS[self.what]
        preview = self.preview
        update = False
        if n := existing(preview):
            answer = ask_update(self, question.format(n=n), noun)
            if answer is None:
                return
            update = answer
        progress = self.start_import(f"正在导入 {len(preview.valid_rows)} {noun}…")
        import_ops.import_updating(self, write, preview, update, progress, self._done, self._failed)

    def _done(self, changes: Changes) -> None:
        self.finish_import(changes, f"已导入 {changes.count} {KINDS[self.what][1]}。")


def import_file(parent: QWidget, what: str, path: Path | None = None) -> None:
    """Choose a file (unless given), read and check it on the worker, then show the preview."""
    title, _noun, read, *_ = KINDS[what]
    path = path or files.ask_open(parent, f"选择要导入的{title}（Excel）", f"import_{what}")
    if path is not None:
        files.preview_file(
            parent, path, read, lambda preview: StudentImportDialog(parent, path, preview, what)
        )


def save_template(parent: QWidget) -> None:
    files.save_file(
        parent,
        "保存学生名册导入模板",
        "template",
        "学生名册导入模板.xlsx",
        students_xlsx.write_student_template,
        "导入模板已保存到\n{path}\n\n按表头填写后，用“导入名册…”导入。",
    )


# ---------------------------------------------------------------- roster export

FULL_WARNING = (
    "导出的文件将包含学生和监护人完整的身份证号、电话号码（含家长和紧急联系人电话）和家庭住址。\n\n"
    "按《个人信息保护法》，身份证号等属于敏感个人信息：这个文件只能用于学院工作需要，"
    "不得转发、公开或上传到网盘和群聊；用完请及时删除。\n\n确定导出完整信息吗？"
)


class ExportStudentsDialog(QDialog):
    """Asks whether the export may carry the full 身份证号, phones and home addresses (off by default)."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导出学生名册")
        self.setMinimumWidth(440)
        lay = QVBoxLayout(self)
        lay.addWidget(
            QLabel(
                "导出全部学生（按班级、学号排列），列与导入模板一致。\n"
                "默认身份证号、电话和家庭住址打码（如 430102********1234、139****0000、湖南省长沙市****）。",
                wordWrap=True,
            )
        )
        self.full = QCheckBox("包含完整身份证号、电话和家庭住址")
        self.full.setToolTip("只在确有需要（如办理保险、签订协议）时勾选；文件不得外传")
        if refused := read_now(personal_refusal):  # no 学生个人信息 on the server: masked, saying why
            self.full.setEnabled(False)
            self.full.setToolTip(refused)
        lay.addWidget(self.full)
        lay.addWidget(ok_cancel(self, "导出…"))

    def accept(self) -> None:
        if self.full.isChecked():
            answer = QMessageBox.warning(
                self,
                "包含完整个人信息",
                FULL_WARNING,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().accept()


def export_students(parent: QWidget) -> None:
    ask = ExportStudentsDialog(parent)
    if not ask.exec():
        return
    full = ask.full.isChecked()
    name = "学生名册（含完整个人信息）.xlsx" if full else "学生名册.xlsx"
    path = files.ask_save(parent, "导出学生名册", "export_students", name)
    if path is not None:
        export_students_file(parent, path, full=full)


def export_students_file(parent: QWidget, path: Path, *, full: bool) -> None:
    tail = (
        "（含完整身份证号、电话和家庭住址，请妥善保管，不得外传）"
        if full
        else "（身份证号、电话和家庭住址已打码）"
    )
    files.export_file(
        parent,
        path,
        "正在导出学生名册…",
        students_xlsx.export_students,
        lambda n: f"已导出 {n} 名学生到\n{path}\n{tail}",
        full=full,
    )


# ---------------------------------------------------------------- 就业质量报告


def export_report_excel(parent: QWidget, year: int, path: Path | None = None) -> None:
    path = path or files.ask_save(
        parent, "导出就业质量报告（Excel）", "export_employment", f"{year}届就业质量统计.xlsx"
    )
    if path is None:
        return

    def done(r: employment_xlsx.EmploymentExport) -> None:
        files.offer_open(
            parent,
            path,
            f"已导出{r.year}届就业质量统计（{r.majors} 个专业、{r.records} 条就业记录）到\n{path}",
        )

    work = lambda s: employment_xlsx.export_employment_report(s, year, path)  # noqa: E731
    files.generate_file(parent, work, done, "生成就业质量统计失败")


def export_report_word(parent: QWidget, year: int, *, custom: bool = False, path: Path | None = None) -> None:
    template = None
    if custom:
        template = ask_template(parent)
        if template is None:
            return
    out = path or files.ask_save_word(
        parent, "生成就业质量报告（Word）", "docs", report_doc.default_file_name(year)
    )
    if out is None:
        return
    if out.suffix.lower() != ".docx":
        out = out.with_name(out.name + ".docx")
    write_document(
        parent,
        lambda s: report_doc.write_employment_report(s, year, out, template),
        "就业质量报告",
        f"{year}届毕业生就业质量报告",
    )


def save_report_template(parent: QWidget) -> None:
    files.save_file(
        parent,
        "另存内置就业质量报告模板",
        "docs",
        "就业质量报告模板.docx",
        report_doc.save_builtin_template,
        "内置模板已保存到\n{path}\n\n在 Word 中修改后，可在“设置 → 模板”中设为学院模板，"
        "或用“Word 报告：用自定义模板生成…”生成。",
        WORD_FILTER,
    )
