"""学期汇总 of the 实践基地 (the 海南 policy's 四(四)2): for a semester, each major with its figures (项目数, 人次, 使用天数, 人天,
指导教师) and whether its semester-end summary has been submitted, the bases it used under it; a 合计 line.
导出Excel… writes all majors (app/io/bases_xlsx.py), 生成Word汇总… the selected major's document
(app/docs/bases.py), 标记已提交 / 撤销提交 record the submission (one transaction each)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from app.compliance.registry import cite_source
from app.docs.common import semester_name
from app.services import bases as svc
from app.services.base_usage import UsageTotals
from ui import files, theme
from ui.dialogs.usage_dialog import recent_semesters
from ui.documents import WORD_FILTER, ask_template, follow_college_template, write_document
from ui.forms import close_box, restore_geometry, save_geometry
from ui.operations import bases as ops
from ui.ops import read_now
from ui.qt import *  # noqa: F403
from ui.widgets import for_writers

HEADERS = ["专业 / 基地", "项目数", "人次", "使用天数", "人天", "指导教师", "汇总提交"]
ID_ROLE = Qt.ItemDataRole.UserRole
NOT_SUBMITTED = "未提交"


def _numbers(t: UsageTotals) -> list[str]:
    return [str(t.activities), str(t.students), str(t.days), str(t.person_days), str(t.teachers)]


class BaseSummaryDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, semester: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("实践基地学期汇总")
        self.status: list[svc.SummaryStatus] = []
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("学期"))
        current = read_now(svc.current_semester)
        self.semester = QComboBox()
        self.semester.addItems(recent_semesters(current)[1:])
        if semester and self.semester.findText(semester) < 0:
            self.semester.addItem(semester)
        self.semester.setCurrentText(semester or current)
        self.semester.currentIndexChanged.connect(lambda _i: self.reload())
        top.addWidget(self.semester)
        self.period = theme.muted(QLabel())
        top.addWidget(self.period, 1)
        lay.addLayout(top)
        hint = theme.muted(
            QLabel(
                "每个专业每学期末提交基地使用情况汇总。安排在基地的岗位实习、认识实习自动计入；"
                "同一基地、专业、活动类型已手工登记的，以手工登记为准。",
                wordWrap=True,
            )
        )
        hint.setToolTip(f"依据：{cite_source('N四(四)2')}")
        lay.addWidget(hint)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(HEADERS)
        self.tree.setAlternatingRowColors(True)
        self.tree.setRootIsDecorated(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for i, w in enumerate((60, 64, 70, 70, 70, 100), start=1):
            self.tree.setColumnWidth(i, w)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        lay.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.excel_button = QPushButton("导出Excel…")
        self.excel_button.setToolTip("全部专业的学期基地使用汇总（一张工作表）")
        self.excel_button.clicked.connect(lambda: self.export_excel())
        self.word_button = QPushButton("生成Word汇总")
        self.word_button.setToolTip("所选专业的学期基地使用情况汇总（学院模板、内置模板或自定义模板）")
        menu = QMenu(self.word_button)
        default = menu.addAction("用内置模板生成…", lambda: self.write_word())
        follow_college_template(menu, default, "base_summary")
        menu.addAction("用自定义模板生成…", self._write_custom)
        menu.addSeparator()
        menu.addAction("另存内置模板（在 Word 中修改）…", self._save_template)
        self.word_button.setMenu(menu)
        self.submit_button = QPushButton("标记已提交")
        self.submit_button.setToolTip("记录所选专业今天已提交本学期汇总")
        self.submit_button.clicked.connect(self.mark_submitted)
        self.unsubmit_button = QPushButton("撤销提交")
        self.unsubmit_button.clicked.connect(self.unmark_submitted)
        for_writers(self.submit_button)
        for_writers(self.unsubmit_button)
        for b in (self.excel_button, self.word_button, self.submit_button, self.unsubmit_button):
            row.addWidget(b)
        row.addStretch(1)
        self.count_label = QLabel()
        row.addWidget(self.count_label)
        lay.addLayout(row)
        lay.addWidget(close_box(self))
        self.reload()
        restore_geometry(self, "base_summary", (900, 600))

    def done(self, result: int) -> None:
        save_geometry(self, "base_summary")
        super().done(result)

    # ------------------------------------------------------------ figures

    def current_semester(self) -> str:
        return self.semester.currentText()

    def reload(self) -> None:
        semester = self.current_semester()

        def read(s: Session):
            usage = svc.semester_usage(s, semester)
            return usage, svc.summary_status(s, semester, usage)

        usage, self.status = read_now(read)
        selected = self.selected_major()
        self.period.setText(f"{semester_name(semester)}（{usage.first_day} 至 {usage.last_day}）")
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        for st in self.status:
            submitted = st.submitted_on.isoformat() if st.submitted_on else NOT_SUBMITTED
            item = QTreeWidgetItem([st.major_name, *_numbers(st.totals), submitted])
            item.setData(0, ID_ROLE, st.major_id)
            item.setFont(0, bold)
            if st.submitted_on is None:
                item.setForeground(6, theme.brush(theme.WARNING))
            for group in usage.major_bases(st.major_id):
                activities = "、".join(x.activity + ("（实习记录）" if x.source == "实习记录" else "")
                                      for x in group.lines)  # fmt: skip
                child = QTreeWidgetItem([group.name, *_numbers(group.totals), ""])
                child.setToolTip(0, f"{group.name}：{activities}")
                child.setData(0, ID_ROLE, st.major_id)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            if st.major_id == selected:
                self.tree.setCurrentItem(item)
        others = [g for g in usage.by_major if g.key_id is None]
        for g in others:  # internships of students without a major
            item = QTreeWidgetItem([g.name, *_numbers(g.totals), ""])
            self.tree.addTopLevelItem(item)
        total = QTreeWidgetItem(["合计", *_numbers(usage.totals), ""])
        for c in range(len(HEADERS)):
            total.setFont(c, bold)
        self.tree.addTopLevelItem(total)
        for i in range(self.tree.topLevelItemCount()):
            it = self.tree.topLevelItem(i)
            for c in range(1, 6):
                it.setTextAlignment(c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                for k in range(it.childCount()):
                    it.child(k).setTextAlignment(
                        c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
        self.tree.expandAll()
        done = sum(st.submitted_on is not None for st in self.status)
        self.count_label.setText(f"已提交 {done} / {len(self.status)} 个专业")
        self._update_buttons()

    def selected_major(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def _status_of(self, major_id: str | None) -> svc.SummaryStatus | None:
        return next((st for st in self.status if st.major_id == major_id), None)

    @Slot()
    def _update_buttons(self) -> None:
        st = self._status_of(self.selected_major())
        self.word_button.setEnabled(st is not None)
        self.submit_button.setEnabled(st is not None)
        self.unsubmit_button.setEnabled(st is not None and st.submitted_on is not None)

    def select_major_id(self, major_id: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            if self.tree.topLevelItem(i).data(0, ID_ROLE) == major_id:
                self.tree.setCurrentItem(self.tree.topLevelItem(i))
                return

    # ------------------------------------------------------------ actions

    def export_excel(self, path: Path | None = None) -> None:
        from app.io.bases_xlsx import export_usage_summary

        semester = self.current_semester()
        path = path or files.ask_save(self, "导出学期基地使用汇总", "bases", f"基地使用汇总_{semester}.xlsx")
        if path is None:
            return

        def done(_result) -> None:
            files.offer_open(self, path, f"学期基地使用汇总已导出：\n{path}")

        files.generate_file(self, lambda s: export_usage_summary(s, semester, path), done, "导出失败")

    def _write_custom(self) -> None:
        if (template := ask_template(self)) is not None:
            self.write_word(template)

    def _save_template(self) -> None:
        from app.docs.bases import TITLE, save_builtin_template

        text = "内置模板已保存到\n{path}\n\n在 Word 中修改后，用“用自定义模板生成…”生成汇总。"
        files.save_file(
            self, "另存内置模板", "docs", f"{TITLE}模板.docx", save_builtin_template, text, WORD_FILTER
        )

    def write_word(self, template: Path | None = None, path: Path | None = None) -> None:
        """The selected major's document; asks where to save unless `path` is given (tests)."""
        from app.docs.bases import default_file_name, write_usage_summary

        st = self._status_of(self.selected_major())
        if st is None:
            return
        semester, major_id = self.current_semester(), st.major_id
        name = default_file_name(st.major_name, semester)
        path = path or files.ask_save_word(self, "保存基地使用汇总", "docs", name)
        if path is None:
            return
        if path.suffix.lower() != ".docx":
            path = path.with_name(path.name + ".docx")
        write_document(
            self, lambda s: write_usage_summary(s, semester, major_id, path, template), "基地使用汇总"
        )

    @Slot()
    def mark_submitted(self) -> None:
        st = self._status_of(self.selected_major())
        if st is None:
            return
        semester, major_id, today = self.current_semester(), st.major_id, dt.date.today()
        ops.mark_submitted(self, major_id, semester, today, lambda _c: self.reload())

    @Slot()
    def unmark_submitted(self) -> None:
        st = self._status_of(self.selected_major())
        if st is None or st.submitted_on is None:
            return
        semester, major_id = self.current_semester(), st.major_id
        ops.unmark_submitted(self, major_id, semester, lambda _c: self.reload())
